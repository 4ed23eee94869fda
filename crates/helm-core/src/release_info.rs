//! Reading one release: `Status`, `History`, `GetValues`, `GetManifest` (Helm's read-only actions).

use chart_model::Map;
use chart_model::coalesce::{CoalesceOptions, coalesce_values};
use release_storage::Release;

use crate::config::Configuration;
use crate::error::{Error, Result};
use crate::operation::storage_error;

/// One revision of release `name`: `version` 0 is the last one (`helm status`).
pub async fn status(config: &Configuration, name: &str, version: i64) -> Result<Release> {
    let storage = config.storage();
    let found = if version > 0 { storage.get(name, version).await } else { storage.last(name).await };
    found.map_err(|e| match e {
        release_storage::Error::ReleaseNotFound | release_storage::Error::NoRevision(_) => {
            Error::Storage("release: not found".to_owned())
        }
        e => storage_error(e),
    })
}

/// Every revision of release `name`, oldest first, at most `max` (the newest ones; 0: all).
pub async fn history(config: &Configuration, name: &str, max: usize) -> Result<Vec<Release>> {
    let mut all = config.storage().history(name).await.map_err(|e| match e {
        release_storage::Error::ReleaseNotFound => Error::Storage("release: not found".to_owned()),
        e => storage_error(e),
    })?;
    all.sort_by_key(|r| r.version);
    if max > 0 && all.len() > max {
        all.drain(..all.len() - max);
    }
    Ok(all)
}

/// `helm get values`: the user-supplied values, or with `all` the chart's coalesced with them.
pub async fn get_values(config: &Configuration, name: &str, version: i64, all: bool) -> Result<Map> {
    let release = status(config, name, version).await?;
    if !all {
        return Ok(release.config);
    }
    let Some(chart) = &release.chart else { return Ok(release.config) };
    coalesce_values(&chart.chart, &release.config, &CoalesceOptions::default())
        .map(|c| c.values)
        .map_err(|e| Error::Render(template_render::Error::Values(e.to_string())))
}

/// `helm get manifest`.
pub async fn get_manifest(config: &Configuration, name: &str, version: i64) -> Result<String> {
    Ok(status(config, name, version).await?.manifest)
}

/// `helm get notes`: the rendered NOTES.txt of a revision.
pub async fn get_notes(config: &Configuration, name: &str, version: i64) -> Result<String> {
    Ok(status(config, name, version).await?.info.map(|i| i.notes).unwrap_or_default())
}

/// `helm get hooks`: the hooks of a revision.
pub async fn get_hooks(config: &Configuration, name: &str, version: i64) -> Result<Vec<release_storage::Hook>> {
    Ok(status(config, name, version).await?.hooks)
}

//! `List`: Helm's `action.List` — the latest revision of each release, filtered by state and name, sorted.

use regex::Regex;
use release_storage::{Release, Status};

use crate::config::Configuration;
use crate::error::{Error, Result};
use crate::operation::storage_error;

/// How `helm list` sorts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListSort {
    /// By name (Helm's default).
    #[default]
    Name,
    /// By last deployed time (`--date`).
    Date,
}

/// The options of `helm list`.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// `--all-namespaces`.
    pub all_namespaces: bool,
    /// `--all`: every status. Otherwise the statuses listed, or deployed and failed when none is.
    pub all: bool,
    /// `--deployed`, `--failed`, `--pending`, `--superseded`, `--uninstalled`, `--uninstalling`.
    pub statuses: Vec<Status>,
    /// `--filter`: a regular expression on the name.
    pub filter: Option<String>,
    /// How to sort.
    pub sort: ListSort,
    /// `--reverse`.
    pub reverse: bool,
    /// `--max` (0: no limit).
    pub limit: usize,
    /// `--offset`.
    pub offset: usize,
}

/// `helm list`.
#[derive(Debug, Clone)]
pub struct List {
    config: Configuration,
    /// The options.
    pub options: ListOptions,
}

impl List {
    /// A listing of `config`'s namespace (or all of them).
    pub fn new(config: Configuration, options: ListOptions) -> Self {
        List { config, options }
    }

    /// The releases.
    pub async fn run(&self) -> Result<Vec<Release>> {
        let o = &self.options;
        let config = if o.all_namespaces { self.config.with_namespace("").await? } else { self.config.clone() };
        let filter = o
            .filter
            .as_deref()
            .map(Regex::new)
            .transpose()
            .map_err(|e| Error::Options(format!("error parsing regexp: {e}")))?;
        let mut releases: Vec<Release> = config
            .storage()
            .list_releases()
            .await
            .map_err(storage_error)?
            .into_iter()
            .filter(|r| filter.as_ref().is_none_or(|f| f.is_match(&r.name)))
            .collect();
        let only_superseded = !o.all && o.statuses == [Status::Superseded];
        if !only_superseded {
            releases = latest(releases);
        }
        let wanted = |s: &Status| {
            if o.all {
                return true;
            }
            if o.statuses.is_empty() {
                return matches!(s, Status::Deployed | Status::Failed);
            }
            o.statuses.iter().any(|w| match w {
                Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback => s.is_pending(),
                w => w == s,
            })
        };
        releases.retain(|r| wanted(&r.status()));
        match o.sort {
            ListSort::Name => releases.sort_by(|a, b| a.name.cmp(&b.name)),
            ListSort::Date => releases.sort_by_key(|r| {
                let t = r.info.as_ref().map(|i| i.last_deployed).unwrap_or_default();
                (t.unix(), t.nanos())
            }),
        }
        if o.reverse {
            releases.reverse();
        }
        let releases: Vec<Release> = releases.into_iter().skip(o.offset).collect();
        Ok(if o.limit > 0 { releases.into_iter().take(o.limit).collect() } else { releases })
    }
}

/// Helm's `filterLatestReleases`: the highest revision per namespace and name.
fn latest(releases: Vec<Release>) -> Vec<Release> {
    let mut by_key: std::collections::BTreeMap<(String, String), Release> = Default::default();
    for r in releases {
        let key = (r.namespace.clone(), r.name.clone());
        match by_key.get(&key) {
            Some(existing) if existing.version >= r.version => {}
            _ => {
                by_key.insert(key, r);
            }
        }
    }
    by_key.into_values().collect()
}

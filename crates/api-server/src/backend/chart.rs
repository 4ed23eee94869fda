//! The chart RPCs over helm-core's `chart_source`: repository updates, GetChart, Search, All, and
//! the chart an install or upgrade names. Each context has its own repository cache folder.

use std::path::{Path, PathBuf};

use chart_model::Chart;
use chart_model::load::LoadOptions;
use helm_core::chart_source::{ChartPathOptions, RepositorySettings, fetch_chart, search_repositories};
use repo_index::oci::RegistryOptions;
use repo_index::{RepositoryEntry, SearchOptions};
use sha2::{Digest, Sha256};

use crate::backend::errors::from_core;
use crate::backend::helm::HelmBackend;
use crate::contexts::{Context, Repository};
use crate::error::{Error, Result};
use crate::proto;

/// The chart of an install or upgrade: the request's archive, or `repo/chart` / `oci://...`
/// fetched through the context's repositories. Never a path on the server.
pub async fn chart_for(
    backend: &HelmBackend,
    context: &Context,
    reference: &str,
    version: &str,
    archive: &[u8],
) -> Result<Chart> {
    if !archive.is_empty() {
        return load_archive(archive);
    }
    let data = fetch(backend, context, reference, version).await?;
    load_archive(&data)
}

fn load_archive(data: &[u8]) -> Result<Chart> {
    chart_model::load::from_archive(data, &LoadOptions::default())
        .map_err(|e| Error::InvalidArgument(format!("chart: {e}")))
}

/// The .tgz of `repo/chart` or `oci://...` at `version` (empty: the latest).
async fn fetch(backend: &HelmBackend, context: &Context, reference: &str, version: &str) -> Result<Vec<u8>> {
    let repos = ContextRepos::new(backend, context)?;
    let mut options = ChartPathOptions { version: version.to_owned(), ..ChartPathOptions::default() };
    let reference = if reference.starts_with("oci://") {
        reference.to_owned()
    } else {
        let (repo_name, chart_name) = reference
            .split_once('/')
            .ok_or_else(|| Error::InvalidArgument(format!("chart {reference:?} is not <repo>/<chart>")))?;
        let repo = context
            .repos
            .iter()
            .find(|r| r.name == repo_name)
            .ok_or_else(|| Error::NotFound(format!("repo {repo_name} not found in the context")))?;
        if is_oci(repo) {
            format!("{}/{chart_name}", repo.url.trim_end_matches('/'))
        } else {
            if context.temporary {
                // A temporary context has no cached index yet.
                repos.update(std::slice::from_ref(repo)).await?;
            }
            reference.to_owned()
        }
    };
    let mut settings = repos.settings.clone();
    if let Some(repo) = context.repos.iter().find(|r| is_oci(r) && covers(&r.url, &reference)) {
        settings.registry = repos.registry(repo)?;
        options.plain_http = repo.plain_http;
    }
    let archive = fetch_chart(&reference, &options, &settings).await.map_err(from_core)?;
    Ok(archive.data)
}

fn is_oci(repo: &Repository) -> bool {
    repo.oci || repo.url.starts_with("oci://")
}

/// Whether registry URL `base` is a prefix of `reference` at a path boundary.
fn covers(base: &str, reference: &str) -> bool {
    let base = base.trim_end_matches('/');
    reference.strip_prefix(base).is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with(':'))
}

/// UpdateRepo: downloads the indexes of the HTTP repositories among `repos`; the first failure
/// (naming its URL) is the error.
pub async fn update_repos(backend: &HelmBackend, context: &Context, repos: &[Repository]) -> Result<()> {
    ContextRepos::new(backend, context)?.update(repos).await
}

/// GetChart.
pub async fn get_chart(backend: &HelmBackend, context: &Context, req: proto::GetChartReq) -> Result<proto::Chart> {
    let reference = format!("{}/{}", req.repo, req.chart_name);
    if req.repo.contains('/') || req.chart_name.contains('/') {
        return Err(Error::InvalidArgument("repo and chartName are names, not paths".to_owned()));
    }
    let data = fetch(backend, context, &reference, &req.chart_version).await?;
    Ok(crate::backend::convert::chart(&load_archive(&data)?))
}

/// Search: `helm search repo` over the context's cached indexes.
pub async fn search(backend: &HelmBackend, context: &Context, req: proto::SearchReq) -> Result<proto::SearchRes> {
    let options = SearchOptions {
        terms: if req.keyword.is_empty() { Vec::new() } else { vec![req.keyword.clone()] },
        regexp: req.regexp,
        versions: req.versions,
        devel: false,
        version: req.version.clone(),
    };
    search_with(backend, context, &options).await
}

/// All: every chart (its newest version) of the context's repositories.
pub async fn all(backend: &HelmBackend, context: &Context) -> Result<proto::SearchRes> {
    search_with(backend, context, &SearchOptions::default()).await
}

async fn search_with(backend: &HelmBackend, context: &Context, options: &SearchOptions) -> Result<proto::SearchRes> {
    let repos = ContextRepos::new(backend, context)?;
    if context.temporary {
        repos.update(&context.repos).await?;
    }
    let found = search_repositories(&repos.settings, options).map_err(from_core)?;
    for warning in &found.warnings {
        tracing::warn!(context = %context.name, "{warning}");
    }
    let charts = found
        .results
        .iter()
        .map(|r| {
            let (repo_name, name) = r.name.split_once('/').unwrap_or(("", r.name.as_str()));
            let m = &r.chart.metadata;
            proto::ChartInfo {
                name: name.to_owned(),
                repo_name: repo_name.to_owned(),
                chart_version: m.version.clone(),
                app_version: m.app_version.clone(),
                description: m.description.clone(),
                icon: m.icon.clone(),
            }
        })
        .collect();
    Ok(proto::SearchRes { charts })
}

/// A context's repositories as helm-core sees them: its cache folder, its HTTP repositories
/// (PEM contents written to files there, readable by the server only).
struct ContextRepos {
    settings: RepositorySettings,
    dir: PathBuf,
}

impl ContextRepos {
    fn new(backend: &HelmBackend, context: &Context) -> Result<Self> {
        let dir = backend.options.cache_dir.join("repositories").join(cache_key(context));
        create_private_dir(&dir)?;
        let mut repositories = Vec::new();
        for (i, repo) in context.repos.iter().enumerate().filter(|(_, r)| !is_oci(r)) {
            repositories.push(RepositoryEntry {
                name: repo.name.clone(),
                url: repo.url.clone(),
                username: repo.username.clone(),
                password: repo.password.clone(),
                cert_file: pem_file(&dir, i, "cert", &repo.cert_pem)?,
                key_file: pem_file(&dir, i, "key", &repo.key_pem)?,
                ca_file: pem_file(&dir, i, "ca", &repo.ca_pem)?,
                insecure_skip_tls_verify: repo.insecure_skip_tls_verify,
                pass_credentials_all: repo.pass_credentials_all,
            });
        }
        let settings =
            RepositorySettings { cache_dir: dir.join("cache"), repositories, ..RepositorySettings::default() };
        Ok(Self { settings, dir })
    }

    /// Downloads the indexes of the HTTP repositories among `repos`.
    async fn update(&self, repos: &[Repository]) -> Result<()> {
        let entries: Vec<RepositoryEntry> = self
            .settings
            .repositories
            .iter()
            .filter(|e| repos.iter().any(|r| r.name == e.name && !is_oci(r)))
            .cloned()
            .collect();
        for update in helm_core::update_repositories(&entries, &self.settings).await {
            if let Err(e) = update.result {
                return Err(match from_core(e) {
                    Error::NotFound(m) | Error::Failed(m) | Error::InvalidArgument(m) => Error::Unavailable(m),
                    other => other,
                });
            }
        }
        Ok(())
    }

    /// How the registry of OCI entry `repo` is reached.
    fn registry(&self, repo: &Repository) -> Result<RegistryOptions> {
        let i = usize::MAX;
        Ok(RegistryOptions {
            username: repo.username.clone(),
            password: repo.password.clone(),
            plain_http: repo.plain_http,
            insecure_skip_tls_verify: repo.insecure_skip_tls_verify,
            ca_file: pem_file(&self.dir, i, "oci-ca", &repo.ca_pem)?,
            cert_file: pem_file(&self.dir, i, "oci-cert", &repo.cert_pem)?,
            key_file: pem_file(&self.dir, i, "oci-key", &repo.key_pem)?,
            ..RegistryOptions::default()
        })
    }
}

/// The cache folder's name: a digest of the owner and name of a stored context (stable across
/// repository updates), of its repositories for a temporary one. A name is never a path.
fn cache_key(context: &Context) -> String {
    let mut hash = Sha256::new();
    if context.temporary {
        hash.update(b"temporary\0");
        for repo in &context.repos {
            hash.update(repo.name.as_bytes());
            hash.update([0]);
            hash.update(repo.url.as_bytes());
            hash.update([0]);
        }
    } else {
        hash.update(b"stored\0");
        hash.update(context.owner.as_bytes());
        hash.update([0]);
        hash.update(context.name.as_bytes());
    }
    hash.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Writes PEM content to a file only the server reads; empty content is no file.
fn pem_file(dir: &Path, index: usize, what: &str, pem: &str) -> Result<String> {
    if pem.is_empty() {
        return Ok(String::new());
    }
    let path = dir.join("tls").join(format!("{index}-{what}.pem"));
    create_private_dir(path.parent().unwrap_or(dir))?;
    write_private(&path, pem.as_bytes())?;
    Ok(path.to_string_lossy().into_owned())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Internal(format!("creating {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::Internal(format!("securing {}: {e}", dir.display())))?;
    }
    Ok(())
}

fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| Error::Internal(format!("writing {}: {e}", path.display())))?;
    file.write_all(data).map_err(|e| Error::Internal(format!("writing {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_urls_cover_references_at_path_boundaries() {
        assert!(covers("oci://r.example.com/charts", "oci://r.example.com/charts/web"));
        assert!(covers("oci://r.example.com/charts/", "oci://r.example.com/charts/web:1.0.0"));
        assert!(!covers("oci://r.example.com/charts", "oci://r.example.com/charts-evil/web"));
    }

    #[test]
    fn cache_keys_are_digests_not_names() {
        let context = Context {
            name: "../../etc".into(),
            owner: "alice".into(),
            kube: Default::default(),
            incluster: false,
            repos: Vec::new(),
            created_at: 0,
            expires_at: None,
            temporary: false,
        };
        let key = cache_key(&context);
        assert_eq!(key.len(), 32);
        assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
        let other = Context { owner: "bob".into(), ..context };
        assert_ne!(cache_key(&other), key);
    }
}

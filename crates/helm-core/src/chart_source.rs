//! Where charts come from, as Helm's `ChartPathOptions.LocateChart` and
//! `ChartDownloader`: a local folder or archive, `repo/chart` through the
//! configured repositories' cached indexes, a chart URL, `--repo URL`, or
//! `oci://host/path/chart`; plus updating the repositories' indexes
//! (`helm repo update`) and searching them (`helm search repo`).

use std::path::{Path, PathBuf};

use chart_model::Chart;
use chart_model::load::LoadOptions;
use repo_index::getter::Fetched;
use repo_index::{ChartRepository, ChartVersion, Getter};

use crate::error::{Error, Result};

/// repo-index's types that callers of this module name.
pub use repo_index::oci::{OciReference, RegistryClient, RegistryOptions};
pub use repo_index::{DownloadLimits, IndexFile, RepositoryEntry, RepositoryFile, SearchOptions, SearchResult};

/// Where repositories are kept and how they are reached (Helm's `EnvSettings` for repositories).
#[derive(Debug, Clone, Default)]
pub struct RepositorySettings {
    /// Helm's repository cache (`HELM_REPOSITORY_CACHE`): downloaded indexes and charts.
    pub cache_dir: PathBuf,
    /// The configured repositories (the entries of repositories.yaml, or a context's list).
    pub repositories: Vec<RepositoryEntry>,
    /// Timeouts and size limits of every download.
    pub limits: DownloadLimits,
    /// How OCI registries are reached (credentials, TLS, plain HTTP); its limits are replaced by `limits`.
    pub registry: RegistryOptions,
}

/// The chart-locating flags of `helm install/upgrade/template/pull/show` (Helm's `ChartPathOptions`).
#[derive(Debug, Clone, Default)]
pub struct ChartPathOptions {
    /// `--version`: an exact version or a constraint; empty for the latest stable version.
    pub version: String,
    /// `--devel`: with no `version`, prereleases count too (`>0.0.0-0`).
    pub devel: bool,
    /// `--repo`: find the chart in this repository URL instead of the configured ones.
    pub repo_url: String,
    /// `--username` (for `--repo`, a chart URL or an OCI registry).
    pub username: String,
    /// `--password`.
    pub password: String,
    /// `--cert-file`.
    pub cert_file: String,
    /// `--key-file`.
    pub key_file: String,
    /// `--ca-file`.
    pub ca_file: String,
    /// `--insecure-skip-tls-verify`.
    pub insecure_skip_tls_verify: bool,
    /// `--pass-credentials`: send credentials to every domain.
    pub pass_credentials_all: bool,
    /// `--plain-http` (OCI registries).
    pub plain_http: bool,
}

/// Where a located chart came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartOrigin {
    /// A folder or archive on disk.
    Local {
        /// The absolute path.
        path: PathBuf,
    },
    /// A configured repository (`repo/chart`) or `--repo URL`.
    Repository {
        /// The repository's name (empty for `--repo`).
        name: String,
        /// The repository's URL.
        url: String,
        /// The chart's download URL.
        chart_url: String,
    },
    /// A chart archive URL.
    Url {
        /// The URL.
        url: String,
    },
    /// An OCI registry.
    Oci {
        /// The reference pulled, with its tag (`oci://host/path/chart:tag`).
        reference: String,
        /// The manifest's digest (`sha256:...`).
        manifest_digest: String,
    },
}

/// A chart archive fetched from a repository, a URL or a registry (what `helm pull` saves).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartArchive {
    /// The .tgz bytes.
    pub data: Vec<u8>,
    /// The file name Helm gives the download (the URL's last segment, or `name-version.tgz` for OCI).
    pub file_name: String,
    /// The chart version (from the index or the registry; empty for a bare URL).
    pub version: String,
    /// The archive's sha256 (hex).
    pub digest: String,
    /// The provenance file, when the registry has one.
    pub provenance: Option<Vec<u8>>,
    /// Where it came from.
    pub origin: ChartOrigin,
    /// Where it is kept in the repository cache.
    pub cache_path: Option<PathBuf>,
}

/// A loaded chart and where it came from (what `LocateChart` then `loader.Load` give).
#[derive(Debug, Clone)]
pub struct LocatedChart {
    /// The chart.
    pub chart: Chart,
    /// Where it came from.
    pub origin: ChartOrigin,
    /// The chart's version.
    pub version: String,
    /// The archive's sha256 (hex); empty for a chart folder.
    pub digest: String,
    /// The archive on disk (the local path, or the copy in the repository cache); none for a folder.
    pub archive_path: Option<PathBuf>,
}

/// The outcome of updating one repository's index.
#[derive(Debug)]
pub struct RepositoryUpdate {
    /// The repository's name.
    pub name: String,
    /// The repository's URL.
    pub url: String,
    /// Whether a new index was downloaded (false: 304, the cached one is current), or the error
    /// (Helm's text, naming the URL).
    pub result: Result<bool>,
}

/// What searching the cached indexes found.
#[derive(Debug, Clone, Default)]
pub struct RepositorySearch {
    /// The results in Helm's order.
    pub results: Vec<SearchResult>,
    /// Helm's warnings about repositories whose cached index is missing or corrupt.
    pub warnings: Vec<String>,
}

/// Locates and loads a chart as `helm install/upgrade/template/show` do: an existing local
/// path first, then `oci://`, a chart URL, `--repo`, or `repo/chart`.
pub async fn locate_chart(
    reference: &str,
    options: &ChartPathOptions,
    settings: &RepositorySettings,
) -> Result<LocatedChart> {
    let name = reference.trim();
    let path = Path::new(name);
    if !name.is_empty() && path.exists() {
        let abs = std::path::absolute(path).map_err(|e| Error::Chart(format!("{name}: {e}")))?;
        let chart = chart_model::load::load(&abs).map_err(|e| Error::Chart(e.to_string()))?;
        let (digest, archive_path) = if abs.is_file() {
            let data = std::fs::read(&abs).map_err(|e| Error::Chart(format!("{}: {e}", abs.display())))?;
            (sha256_hex(&data), Some(abs.clone()))
        } else {
            (String::new(), None)
        };
        let version = chart.metadata.version.clone();
        return Ok(LocatedChart { chart, origin: ChartOrigin::Local { path: abs }, version, digest, archive_path });
    }
    if path.is_absolute() || name.starts_with('.') {
        return Err(Error::Chart(format!("path {name:?} not found")));
    }
    let archive = fetch_chart(name, options, settings).await?;
    let chart = chart_model::load::from_archive(archive.data.as_slice(), &LoadOptions::default())
        .map_err(|e| Error::Chart(e.to_string()))?;
    let version = if archive.version.is_empty() { chart.metadata.version.clone() } else { archive.version.clone() };
    Ok(LocatedChart {
        chart,
        origin: archive.origin,
        version,
        digest: archive.digest,
        archive_path: archive.cache_path,
    })
}

/// Downloads a chart archive as Helm's `ChartDownloader` (`helm pull`): `oci://`, a chart
/// URL, `--repo`, or `repo/chart`, keeping a copy in the repository cache by digest.
pub async fn fetch_chart(
    reference: &str,
    options: &ChartPathOptions,
    settings: &RepositorySettings,
) -> Result<ChartArchive> {
    let reference = reference.trim();
    let mut version = options.version.trim().to_string();
    if version.is_empty() && options.devel {
        version = ">0.0.0-0".into();
    }
    if reference.starts_with("oci://") {
        return fetch_oci(reference, &version, options, settings).await;
    }
    if !options.repo_url.is_empty() {
        return fetch_with_repo_url(reference, &version, options, settings).await;
    }
    if let Ok(url) = repo_index::getter::parse_url(reference)
        && url.host_str().is_some_and(|h| !h.is_empty())
        && !url.path().is_empty()
        && url.path() != "/"
    {
        return fetch_url(reference, options, settings).await;
    }
    let Some((repo_name, chart_name)) = reference.split_once('/') else {
        return Err(Error::Chart(format!(
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: {reference}"
        )));
    };
    let entry = settings
        .repositories
        .iter()
        .find(|e| e.name == repo_name)
        .ok_or_else(|| Error::Repository(format!("repo {repo_name} not found")))?;
    if entry.url.is_empty() {
        return Err(Error::Repository(format!("no URL found for repository {repo_name}")));
    }
    let repository = chart_repository(entry, settings)?;
    let index = repository
        .open_cached_index()
        .map_err(|e| Error::Repository(format!("no cached repo found. (try 'helm repo update'): {e}")))?;
    let cv = index.get(chart_name, &version).map_err(|e| {
        Error::Chart(format!(
            "chart {chart_name:?} matching {version} not found in {repo_name} index. (try 'helm repo update'): {e}"
        ))
    })?;
    if cv.urls.is_empty() {
        return Err(Error::Chart(format!("chart {reference:?} has no downloadable URLs")));
    }
    let chart_url = repository.chart_url(&cv).map_err(repository_error)?;
    let origin =
        ChartOrigin::Repository { name: entry.name.clone(), url: entry.url.clone(), chart_url: chart_url.to_string() };
    download_from_repository(&repository, &cv, &chart_url, origin, settings).await
}

/// Downloads the index of every repository in `entries` into the cache, concurrently
/// (`helm repo update`); one outcome per entry, in order.
pub async fn update_repositories(entries: &[RepositoryEntry], settings: &RepositorySettings) -> Vec<RepositoryUpdate> {
    let mut tasks = Vec::new();
    for entry in entries {
        let repository = chart_repository(entry, settings);
        tasks.push(tokio::spawn(async move {
            match repository {
                Ok(r) => r.update_index().await.map(|u| u.downloaded).map_err(repository_error),
                Err(e) => Err(e),
            }
        }));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (entry, task) in entries.iter().zip(tasks) {
        let result = match task.await {
            Ok(r) => r,
            Err(e) => Err(Error::Repository(format!("{}: {e}", entry.url))),
        };
        out.push(RepositoryUpdate { name: entry.name.clone(), url: entry.url.clone(), result });
    }
    out
}

/// Downloads one repository's index into the cache (`helm repo add`), returning it.
pub async fn add_repository(entry: &RepositoryEntry, settings: &RepositorySettings) -> Result<IndexFile> {
    let repository = chart_repository(entry, settings)?;
    repository.update_index().await.map(|u| u.index.index).map_err(repository_error)
}

/// Loads the cached index of a configured repository (after `update_repositories`).
pub fn cached_index(entry: &RepositoryEntry, settings: &RepositorySettings) -> Result<IndexFile> {
    let repository = chart_repository(entry, settings)?;
    repository.load_cached_index().map(|l| l.index).map_err(repository_error)
}

/// Searches the cached indexes of `settings.repositories` as `helm search repo`;
/// a repository with no usable cached index is skipped with Helm's warning.
pub fn search_repositories(settings: &RepositorySettings, options: &SearchOptions) -> Result<RepositorySearch> {
    let mut indexes = Vec::new();
    let mut warnings = Vec::new();
    for entry in &settings.repositories {
        let opened = ChartRepository::new(entry.clone(), &settings.cache_dir, settings.limits)
            .and_then(|r| r.open_cached_index());
        match opened {
            Ok(index) => indexes.push((entry.name.as_str(), index)),
            Err(e) => {
                warnings.push(format!("Repo {:?} is corrupt or missing. Try 'helm repo update'.", entry.name));
                warnings.push(match e {
                    repo_index::Error::Io { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
                        format!("open {path}: no such file or directory")
                    }
                    other => other.to_string(),
                });
            }
        }
    }
    let repos: Vec<(&str, &repo_index::CachedIndex)> = indexes.iter().map(|(n, i)| (*n, i)).collect();
    let results = repo_index::search_cached(&repos, options).map_err(|e| Error::Options(e.to_string()))?;
    Ok(RepositorySearch { results, warnings })
}

/// repo-index's error in Helm's words: a failed download is Helm's getter text
/// (`failed to fetch URL : 404 Not Found`), without repo-index's wrapping.
fn repository_error(e: repo_index::Error) -> Error {
    let text = match e {
        repo_index::Error::InvalidRepository { message, .. } => message,
        other => other.to_string(),
    };
    match text.split_once(": failed to fetch ") {
        Some((_, rest)) => Error::Repository(format!("failed to fetch {rest}")),
        None => Error::Repository(text),
    }
}

fn chart_repository(entry: &RepositoryEntry, settings: &RepositorySettings) -> Result<ChartRepository> {
    ChartRepository::new(entry.clone(), &settings.cache_dir, settings.limits).map_err(repository_error)
}

fn option_entry(url: &str, options: &ChartPathOptions) -> RepositoryEntry {
    RepositoryEntry {
        name: "chart-url".into(),
        url: url.into(),
        username: options.username.clone(),
        password: options.password.clone(),
        cert_file: options.cert_file.clone(),
        key_file: options.key_file.clone(),
        ca_file: options.ca_file.clone(),
        insecure_skip_tls_verify: options.insecure_skip_tls_verify,
        pass_credentials_all: options.pass_credentials_all,
    }
}

async fn download_from_repository(
    repository: &ChartRepository,
    cv: &ChartVersion,
    chart_url: &impl std::fmt::Display,
    origin: ChartOrigin,
    settings: &RepositorySettings,
) -> Result<ChartArchive> {
    let path = repository.download_chart(cv, &settings.cache_dir).await.map_err(repository_error)?;
    let data = std::fs::read(&path).map_err(|e| Error::Repository(format!("{}: {e}", path.display())))?;
    let url_text = chart_url.to_string();
    Ok(ChartArchive {
        digest: sha256_hex(&data),
        data,
        file_name: url_file_name(&url_text).unwrap_or_else(|| format!("{}-{}.tgz", cv.name(), cv.version())),
        version: cv.version().to_string(),
        provenance: None,
        origin,
        cache_path: Some(path),
    })
}

async fn fetch_with_repo_url(
    chart_name: &str,
    version: &str,
    options: &ChartPathOptions,
    settings: &RepositorySettings,
) -> Result<ChartArchive> {
    let repo_url = options.repo_url.as_str();
    let entry = option_entry(repo_url, options);
    let unreachable = |e: String| {
        Error::Repository(format!("looks like {repo_url:?} is not a valid chart repository or cannot be reached: {e}"))
    };
    let getter = Getter::new(&entry, settings.limits).map_err(|e| unreachable(e.to_string()))?;
    let repository = chart_repository(&RepositoryEntry { name: "repo-url".into(), ..entry.clone() }, settings)?;
    let index_url = repository.index_url().map_err(|e| unreachable(e.to_string()))?;
    let data = match getter.get(&index_url, None, settings.limits.max_index_bytes).await {
        Ok(Fetched::Body(data, _)) => data,
        Ok(Fetched::NotModified) => return Err(unreachable("unexpected 304".into())),
        Err(e) => return Err(unreachable(e.to_string())),
    };
    // As Helm, a --repo index is used once and not kept.
    let index = repo_index::index::load_index(&data, repo_url).map_err(|e| unreachable(e.to_string()))?.index;
    let what = if version.is_empty() {
        format!("chart {chart_name:?}")
    } else {
        format!("chart {chart_name:?} version {version:?}")
    };
    let cv = index
        .get(chart_name, version)
        .map_err(|_| Error::Chart(format!("{what} not found in {repo_url} repository")))?;
    if cv.urls.is_empty() {
        return Err(Error::Chart(format!("{what} has no downloadable URLs")));
    }
    let chart_url =
        repository.chart_url(cv).map_err(|e| Error::Chart(format!("failed to make chart URL absolute: {e}")))?;
    let origin =
        ChartOrigin::Repository { name: String::new(), url: repo_url.into(), chart_url: chart_url.to_string() };
    download_from_repository(&repository, cv, &chart_url, origin, settings).await
}

async fn fetch_url(url: &str, options: &ChartPathOptions, settings: &RepositorySettings) -> Result<ChartArchive> {
    // As Helm, a URL that a configured repository's index lists is downloaded with that
    // repository's TLS settings and credentials; any other URL with the command's own.
    let mut entry = option_entry(url, options);
    for e in &settings.repositories {
        let Ok(index) = cached_index(e, settings) else { continue };
        let lists = index
            .entries
            .values()
            .flatten()
            .flat_map(|cv| cv.urls.iter())
            .any(|u| repo_index::resolve_reference_url(&e.url, u).is_ok_and(|r| r.as_str() == url) || u == url);
        if lists {
            entry = RepositoryEntry { url: e.url.clone(), ..e.clone() };
            break;
        }
    }
    let getter = Getter::new(&entry, settings.limits).map_err(repository_error)?;
    let parsed = repo_index::getter::parse_url(url).map_err(repository_error)?;
    let data = match getter.get(&parsed, None, settings.limits.max_chart_bytes).await.map_err(repository_error)? {
        Fetched::Body(data, _) => data,
        Fetched::NotModified => return Err(Error::Repository(format!("{url}: unexpected 304"))),
    };
    let digest = sha256_hex(&data);
    let cache_path = store_by_digest(&settings.cache_dir, &digest, &data);
    Ok(ChartArchive {
        file_name: url_file_name(url).unwrap_or_else(|| "chart.tgz".into()),
        data,
        version: String::new(),
        digest,
        provenance: None,
        origin: ChartOrigin::Url { url: url.into() },
        cache_path,
    })
}

async fn fetch_oci(
    reference: &str,
    version: &str,
    options: &ChartPathOptions,
    settings: &RepositorySettings,
) -> Result<ChartArchive> {
    let oci = OciReference::parse(reference).map_err(repository_error)?;
    let mut registry = settings.registry.clone();
    registry.limits = settings.limits;
    if !options.username.is_empty() || !options.password.is_empty() {
        registry.username = options.username.clone();
        registry.password = options.password.clone();
    }
    if !options.ca_file.is_empty() {
        registry.ca_file = options.ca_file.clone();
    }
    if !options.cert_file.is_empty() {
        registry.cert_file = options.cert_file.clone();
        registry.key_file = options.key_file.clone();
    }
    registry.insecure_skip_tls_verify |= options.insecure_skip_tls_verify;
    registry.plain_http |= options.plain_http;
    let client = RegistryClient::new(registry).map_err(repository_error)?;
    let pulled = client.pull(&oci, version).await.map_err(repository_error)?;
    let digest = sha256_hex(&pulled.chart);
    let cache_path = store_by_digest(&settings.cache_dir, &digest, &pulled.chart);
    let tagged =
        OciReference { tag: Some(repo_index::oci::version_to_tag(&pulled.version)), digest: None, ..oci.clone() };
    Ok(ChartArchive {
        file_name: format!("{}-{}.tgz", oci.chart_name(), pulled.version),
        digest,
        data: pulled.chart,
        version: pulled.version,
        provenance: pulled.provenance,
        origin: ChartOrigin::Oci { reference: tagged.to_string(), manifest_digest: pulled.manifest_digest },
        cache_path,
    })
}

/// Keeps a download in the cache as `sha256/<digest>.tgz` (as repo-index does for
/// repository charts); a cache that cannot be written is not an error.
fn store_by_digest(cache_dir: &Path, digest: &str, data: &[u8]) -> Option<PathBuf> {
    let dir = cache_dir.join("sha256");
    let path = dir.join(format!("{digest}.tgz"));
    if path.is_file() {
        return Some(path);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let tmp = dir.join(format!("{digest}.tgz.tmp{}", std::process::id()));
    std::fs::write(&tmp, data).ok()?;
    std::fs::rename(&tmp, &path).ok()?;
    Some(path)
}

/// The last path segment of a URL (Helm's `filepath.Base(u.Path)`).
fn url_file_name(url: &str) -> Option<String> {
    let parsed = repo_index::getter::parse_url(url).ok()?;
    let last = parsed.path_segments()?.next_back()?.to_string();
    (!last.is_empty() && last != "..").then_some(last)
}

fn sha256_hex(data: &[u8]) -> String {
    repo_index::index::sha256_hex(data)
}

#[cfg(test)]
mod tests;

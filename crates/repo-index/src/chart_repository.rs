//! An HTTP chart repository, as Helm's `repo.ChartRepository`: its index
//! downloaded (conditionally) into the cache folder, and its charts
//! downloaded by URL, checked against the index's digest and cached by it.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::getter::{DownloadLimits, Fetched, Getter, Validators, parse_url};
use crate::index::{CachedIndex, ChartVersion, IndexCache, LoadedIndex, load::hex, sha256_hex};
use crate::repo_file::RepositoryEntry;

/// A configured repository with its cache folder.
#[derive(Debug, Clone)]
pub struct ChartRepository {
    entry: RepositoryEntry,
    getter: Getter,
    cache_dir: PathBuf,
}

/// The outcome of [`ChartRepository::update_index`].
#[derive(Debug, Clone, PartialEq)]
pub struct IndexUpdate {
    /// The repository's index.
    pub index: LoadedIndex,
    /// False when the server answered 304 and the cached copy was used.
    pub downloaded: bool,
}

impl ChartRepository {
    /// A repository for `entry`, caching under `cache_dir` (Helm's repository cache).
    pub fn new(entry: RepositoryEntry, cache_dir: impl Into<PathBuf>, limits: DownloadLimits) -> Result<Self> {
        if entry.name.is_empty() || entry.name.contains(['/', '\\']) || entry.name == "." || entry.name == ".." {
            return Err(Error::RepositoryFile(format!(
                "repository name ({}) contains '/', please specify a different name without '/'",
                entry.name
            )));
        }
        let getter = Getter::new(&entry, limits)?;
        Ok(ChartRepository { entry, getter, cache_dir: cache_dir.into() })
    }

    /// The repository's configuration.
    pub fn entry(&self) -> &RepositoryEntry {
        &self.entry
    }

    /// `<url>/index.yaml`, as Helm joins it (the query is kept).
    pub fn index_url(&self) -> Result<reqwest::Url> {
        let mut url = parse_url(&self.entry.url)?;
        let path = format!("{}/index.yaml", url.path().trim_end_matches('/'));
        url.set_path(&path);
        Ok(url)
    }

    /// Where the downloaded index is kept (Helm's `<cache>/<name>-index.yaml`).
    pub fn index_path(&self) -> PathBuf {
        self.cache_dir.join(format!("{}-index.yaml", self.entry.name))
    }

    fn validators_path(&self) -> PathBuf {
        self.cache_dir.join(format!("{}-index.yaml.validators", self.entry.name))
    }

    fn index_cache(&self) -> IndexCache {
        IndexCache::new(self.cache_dir.join("parsed"))
    }

    /// Downloads the index (`helm repo add` / `helm repo update`), sending
    /// the previous download's ETag and Last-Modified so that an unchanged
    /// index is not downloaded again; writes it, and the chart names list
    /// (`<name>-charts.txt`), to the cache folder.
    pub async fn update_index(&self) -> Result<IndexUpdate> {
        let url = self.index_url()?;
        let invalid = |e: Error| Error::InvalidRepository { url: self.entry.url.clone(), message: e.to_string() };
        let previous = self.previous_validators();
        let fetched =
            self.getter.get(&url, previous.as_ref(), self.getter.limits().max_index_bytes).await.map_err(invalid)?;
        let (data, validators) = match fetched {
            Fetched::NotModified => {
                let index = self.load_cached_index()?;
                return Ok(IndexUpdate { index, downloaded: false });
            }
            Fetched::Body(data, validators) => (data, validators),
        };
        let index = self.index_cache().load(&data, &self.entry.url).map_err(invalid)?;
        std::fs::create_dir_all(&self.cache_dir).map_err(|e| Error::io(&self.cache_dir, e))?;
        write_atomic(&self.index_path(), &data)?;
        self.index_cache().remember(&self.index_path(), &sha256_hex(&data));
        let names: String = index.index.entries.keys().map(|n| format!("{n}\n")).collect();
        write_atomic(&self.cache_dir.join(format!("{}-charts.txt", self.entry.name)), names.as_bytes())?;
        let text = format!("{}\n{}\n", validators.etag, validators.last_modified);
        write_atomic(&self.validators_path(), text.as_bytes())?;
        Ok(IndexUpdate { index, downloaded: true })
    }

    /// The index last downloaded, through the parsed-index cache.
    pub fn load_cached_index(&self) -> Result<LoadedIndex> {
        self.index_cache().load_file(&self.index_path())
    }

    /// The index last downloaded, opened through the parsed-index cache without decoding
    /// its charts (milliseconds for an unchanged index of any size); decode one chart
    /// with [`CachedIndex::get`].
    pub fn open_cached_index(&self) -> Result<CachedIndex> {
        self.index_cache().open_file(&self.index_path())
    }

    fn previous_validators(&self) -> Option<Validators> {
        if !self.index_path().is_file() {
            return None;
        }
        let text = std::fs::read_to_string(self.validators_path()).ok()?;
        let mut lines = text.lines();
        let v = Validators {
            etag: lines.next().unwrap_or_default().to_string(),
            last_modified: lines.next().unwrap_or_default().to_string(),
        };
        (!v.etag.is_empty() || !v.last_modified.is_empty()).then_some(v)
    }

    /// The absolute URL of a chart version's first URL, as Helm's
    /// `ResolveReferenceURL` (relative URLs resolve against the repository
    /// URL taken as a folder, keeping its query).
    pub fn chart_url(&self, cv: &ChartVersion) -> Result<reqwest::Url> {
        let first = cv.urls.first().ok_or_else(|| Error::Http {
            url: self.entry.url.clone(),
            message: format!("chart {} {} has no downloadable URLs", cv.metadata.name, cv.metadata.version),
        })?;
        resolve_reference_url(&self.entry.url, first)
    }

    /// Downloads a chart archive into `charts_dir` and returns its path. The
    /// sha256 of the download must equal the index's digest; archives are
    /// kept by digest, so a chart already there is not downloaded again.
    pub async fn download_chart(&self, cv: &ChartVersion, charts_dir: &Path) -> Result<PathBuf> {
        let url = self.chart_url(cv)?;
        let digest = cv.digest.trim_start_matches("sha256:").to_ascii_lowercase();
        let valid_digest = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
        let cached = valid_digest.then(|| charts_dir.join("sha256").join(format!("{digest}.tgz")));
        if let Some(path) = &cached
            && let Ok(data) = std::fs::read(path)
            && hex(&Sha256::digest(&data)) == digest
        {
            return Ok(path.clone());
        }
        let Fetched::Body(data, _) = self.getter.get(&url, None, self.getter.limits().max_chart_bytes).await? else {
            return Err(Error::Http { url: url.to_string(), message: "unexpected 304".into() });
        };
        let actual = hex(&Sha256::digest(&data));
        if !cv.digest.is_empty() && actual != digest {
            return Err(Error::DigestMismatch { url: url.to_string(), expected: digest, actual });
        }
        let path = match cached {
            Some(p) => p,
            None => {
                let base = url.path_segments().and_then(|mut s| s.next_back()).filter(|s| !s.is_empty() && *s != "..");
                let name =
                    base.map_or_else(|| format!("{}-{}.tgz", cv.metadata.name, cv.metadata.version), str::to_string);
                charts_dir.join(name)
            }
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        write_atomic(&path, &data)?;
        Ok(path)
    }
}

/// Helm's `repo.ResolveReferenceURL`.
pub fn resolve_reference_url(base: &str, reference: &str) -> Result<reqwest::Url> {
    if let Ok(abs) = reqwest::Url::parse(reference) {
        return match abs.scheme() {
            "http" | "https" => Ok(abs),
            other => Err(Error::InvalidUrl { url: reference.into(), reason: format!("unsupported scheme {other:?}") }),
        };
    }
    let mut base_url = parse_url(base)?;
    let query = base_url.query().map(str::to_string);
    let path = format!("{}/", base_url.path().trim_end_matches('/'));
    base_url.set_path(&path);
    let mut joined =
        base_url.join(reference).map_err(|e| Error::InvalidUrl { url: reference.into(), reason: e.to_string() })?;
    joined.set_query(query.as_deref());
    Ok(joined)
}

fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, data).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

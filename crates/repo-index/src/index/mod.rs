//! Helm's repository index (`index.yaml`): the model, loading (fast path and
//! Helm-exact path), the binary cache, and version selection.

mod cache;
mod decode;
mod fast;
mod get;
pub(crate) mod load;

use std::collections::BTreeMap;

use chart_model::Metadata;

pub use cache::{CachedIndex, IndexCache, decode_cached, encode_cached};
pub use load::{LoadedIndex, fast_path_accepts, load_index, load_index_exact, sha256_hex};

/// `apiVersion` of index and repository files.
pub const API_VERSION_V1: &str = "v1";

/// A repository index, as Helm's `repo.IndexFile`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexFile {
    /// `apiVersion` (always set on a loaded index).
    pub api_version: String,
    /// `generated`, as written (RFC 3339), empty when absent.
    pub generated: String,
    /// `entries`: chart name to its versions, newest first (Helm's `SortEntries`).
    pub entries: BTreeMap<String, Vec<ChartVersion>>,
    /// `publicKeys`.
    pub public_keys: Vec<String>,
    /// `annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// One chart version in an index, as Helm's `repo.ChartVersion`: the chart's
/// metadata plus where to download it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartVersion {
    /// The chart's Chart.yaml fields (Helm embeds `*chart.Metadata`).
    pub metadata: Metadata,
    /// `urls`: absolute, or relative to the repository URL.
    pub urls: Vec<String>,
    /// `created`, as written (RFC 3339), empty when absent.
    pub created: String,
    /// `removed`.
    pub removed: bool,
    /// `digest`: the sha256 of the chart archive, in hex.
    pub digest: String,
}

impl ChartVersion {
    /// The chart name.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The chart version, as written in the index.
    pub fn version(&self) -> &str {
        &self.metadata.version
    }
}

impl IndexFile {
    /// The number of chart versions over all entries.
    pub fn version_count(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }
}

//! Helm chart repositories: index.yaml, semver constraints, HTTP repositories, OCI registries, search.
//!
//! The index reader is built for big indexes: a streaming fast path for the
//! YAML index writers produce, Helm's exact reader for everything else, and
//! a binary cache keyed by the index's sha256. Version rules are
//! Masterminds semver from chart-model, as Helm uses them.

pub mod chart_repository;
mod error;
pub mod getter;
pub mod index;
pub mod oci;
pub mod repo_file;
pub mod search;

pub use chart_repository::{ChartRepository, IndexUpdate, resolve_reference_url};
pub use error::{Error, Result};
pub use getter::{DownloadLimits, Getter, Validators};
pub use index::{CachedIndex, ChartVersion, IndexFile, LoadedIndex};
pub use repo_file::{RepositoryEntry, RepositoryFile};
pub use search::{SearchOptions, SearchResult, search_cached, search_repositories};

//! Helm chart repositories: index.yaml, semver constraints, HTTP repositories, OCI registries, search.
//!
//! The index reader is built for big indexes: a streaming fast path for the
//! YAML index writers produce, Helm's exact reader for everything else, and
//! a binary cache keyed by the index's sha256. Version rules are
//! Masterminds semver from chart-model, as Helm uses them.

mod error;
pub mod index;
pub mod search;

pub use error::{Error, Result};
pub use index::{ChartVersion, IndexFile, LoadedIndex};
pub use search::{SearchOptions, SearchResult, search_repositories};

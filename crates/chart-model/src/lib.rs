//! Helm charts as data: loading, values with Go's types, YAML and JSON as
//! Helm reads and writes them, values coalescing, dependency processing,
//! `--set` parsing and schema validation.
//!
//! This is the core crate of helm-api: it does no network or cluster IO and
//! knows nothing about templates.

pub mod chart;
pub mod coalesce;
pub mod dependencies;
pub mod json;
pub mod load;
pub mod package;
pub mod schema;
pub mod semver;
pub mod strvals;
pub mod value;
pub mod yaml;

pub use chart::{Chart, Dependency, File, FileData, Lock, Metadata};
pub use value::{Map, Value};

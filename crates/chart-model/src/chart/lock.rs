//! `Lock`: Chart.lock (requirements.lock for apiVersion v1 charts).

use crate::chart::Dependency;

/// The resolved dependencies of a chart, as Helm's `chart.Lock`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// `generated`: when the lock was written, in RFC 3339 as Go writes a `time.Time`
    /// to JSON (`0001-01-01T00:00:00Z` when the file has none).
    pub generated: String,
    /// `digest`: a digest of the dependencies in Chart.yaml.
    pub digest: String,
    /// `dependencies`: the resolved versions.
    pub dependencies: Vec<Dependency>,
}

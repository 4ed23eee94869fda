//! `Lock`: Chart.lock (requirements.lock for apiVersion v1 charts).

use crate::chart::Dependency;

/// The resolved dependencies of a chart, as Helm's `chart.Lock`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    /// `generated`: when the lock was written, as the RFC 3339 text found in the file.
    pub generated: String,
    /// `digest`: a digest of the dependencies in Chart.yaml.
    pub digest: String,
    /// `dependencies`: the resolved versions.
    pub dependencies: Vec<Dependency>,
}

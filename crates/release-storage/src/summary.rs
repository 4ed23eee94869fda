//! `ReleaseSummary`: what listing needs of a revision (name, namespace, revision, status), read from labels.

use std::collections::BTreeMap;

use crate::release::Release;
use crate::status::Status;

/// One stored revision as listing shows it, without its payload.
///
/// The Kubernetes drivers build it from the object's labels and metadata
/// alone, so listing a thousand releases decodes no payload; other drivers
/// build it from the decoded release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseSummary {
    /// The release name.
    pub name: String,
    /// The namespace the revision is stored in.
    pub namespace: String,
    /// The revision number.
    pub version: i64,
    /// The revision's status.
    pub status: Status,
    /// The stored labels (Helm's and the custom ones).
    pub labels: BTreeMap<String, String>,
}

impl ReleaseSummary {
    /// The summary of a decoded release.
    pub fn of(release: &Release) -> ReleaseSummary {
        ReleaseSummary {
            name: release.name.clone(),
            namespace: release.namespace.clone(),
            version: release.version,
            status: release.status(),
            labels: release.labels.clone(),
        }
    }
}

//! `Error`: everything that can go wrong splitting, applying, waiting for and deleting manifests.

use std::time::Duration;

/// An error of this crate; messages follow Helm's where Helm has one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rendered template is not YAML Helm can read (`YAML parse error on <path>: ...`).
    #[error("YAML parse error on {path}: {message}")]
    Parse {
        /// The template's path (`mychart/templates/x.yaml`).
        path: String,
        /// The reader's message, as Helm words it.
        message: String,
    },
    /// A manifest lacks what the cluster needs to address it (kind, apiVersion or name).
    #[error("invalid object in {source_name}: {message}")]
    InvalidObject {
        /// Where the manifest came from (`# Source:` path or hook path).
        source_name: String,
        /// What is missing or malformed.
        message: String,
    },
    /// The cluster serves no resource for this apiVersion and kind, even after rediscovery.
    #[error(
        "resource mapping not found for name: {name:?} namespace: {namespace:?} from \"\": no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"
    )]
    NoMatch {
        /// The object's apiVersion.
        api_version: String,
        /// The object's kind.
        kind: String,
        /// The object's name.
        name: String,
        /// The object's namespace ("" for cluster-scoped or unset).
        namespace: String,
    },
    /// An existing object belongs to another release or to no release (Helm's wording).
    #[error("{resource} exists and cannot be imported into the current release: {reason}")]
    Ownership {
        /// `Kind "name" in namespace "ns"`.
        resource: String,
        /// `invalid ownership metadata; ...`.
        reason: String,
    },
    /// Server-side apply found fields owned by another field manager.
    #[error("{resource}: apply conflict: {}", conflicts.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    ApplyConflict {
        /// `Kind "name" in namespace "ns"`.
        resource: String,
        /// Each conflicting field with its manager.
        conflicts: Vec<crate::FieldConflict>,
    },
    /// A wait ran out of time; names what was still not ready.
    #[error("timed out after {timeout:?} waiting for: {}", not_ready.join(", "))]
    Timeout {
        /// The timeout that expired.
        timeout: Duration,
        /// Each object still not ready, with the reason.
        not_ready: Vec<String>,
    },
    /// An object will never become ready (a Job past its backoff limit).
    #[error("{resource} failed: {message}")]
    ResourceFailed {
        /// `Kind "name" in namespace "ns"`.
        resource: String,
        /// Why.
        message: String,
    },
    /// A hook's Job or Pod failed.
    #[error("{event} hook {path} failed: {message}")]
    HookFailed {
        /// The event being run (`pre-install`).
        event: String,
        /// The hook's template path.
        path: String,
        /// What failed.
        message: String,
    },
    /// The Kubernetes API refused a request or could not be reached.
    #[error("{context}: {source}")]
    Kube {
        /// What was being done (`creating ConfigMap "x" in namespace "ns"`).
        context: String,
        /// The client's error.
        #[source]
        source: Box<kube::Error>,
    },
    /// The template function `lookup` failed (Helm's message).
    #[error("{0}")]
    Lookup(String),
    /// A kubeconfig could not be used.
    #[error("kubeconfig: {0}")]
    Config(String),
}

impl Error {
    /// Wraps a client error with what was being done.
    pub(crate) fn kube(context: impl Into<String>, source: kube::Error) -> Self {
        Error::Kube { context: context.into(), source: Box::new(source) }
    }

    /// Whether this is the API server's 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Kube { source, .. } if matches!(source.as_ref(), kube::Error::Api(s) if s.code == 404))
    }
}

/// This crate's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

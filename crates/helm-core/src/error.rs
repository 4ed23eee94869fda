//! The errors of helm-core.

/// Everything that can go wrong in an action; messages are Helm's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The chart cannot be installed or rendered (its type, missing dependencies, kubeVersion).
    #[error("{0}")]
    Chart(String),
    /// The release name is not valid.
    #[error("{0}")]
    ReleaseName(String),
    /// Values could not be computed, or templates failed to render.
    #[error(transparent)]
    Render(#[from] template_render::Error),
    /// Rendered manifests could not be split or sorted (invalid YAML in a template's output).
    #[error("{0}")]
    Manifest(String),
    /// A bad option, such as a `--kube-version` that does not parse.
    #[error("{0}")]
    Options(String),
    /// The cluster refused or failed a request (apply, delete, wait, hooks, discovery).
    #[error("{0}")]
    Cluster(String),
    /// Release storage failed, or the release or revision does not exist.
    #[error("{0}")]
    Storage(String),
    /// Another operation holds the release (Helm's `ErrPendingRelease`, with the holder).
    #[error("another operation (install/upgrade/rollback) is in progress{0}")]
    PendingRelease(String),
    /// An action failed; the message is Helm's.
    #[error("{0}")]
    Action(String),
    /// A chart repository or registry failed (unknown repository, missing index, download,
    /// authentication); the message is Helm's and names the URL.
    #[error("{0}")]
    Repository(String),
}

/// The result type of helm-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! The crate's error type.

/// Everything that can go wrong reading indexes or talking to repositories.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The index file is empty (Helm's `ErrEmptyIndexYaml`).
    #[error("error loading {source_name}: empty index.yaml file")]
    EmptyIndex {
        /// Where the index came from (a path or URL).
        source_name: String,
    },
    /// The index has no `apiVersion` (Helm's `ErrNoAPIVersion`).
    #[error("error loading {source_name}: no API version specified")]
    NoApiVersion {
        /// Where the index came from (a path or URL).
        source_name: String,
    },
    /// The index could not be decoded; the message is Helm's.
    #[error("error loading {source_name}: {message}")]
    MalformedIndex {
        /// Where the index came from (a path or URL).
        source_name: String,
        /// Helm's message.
        message: String,
    },
    /// No chart of that name in the index (Helm's `ErrNoChartName`).
    #[error("no chart name found")]
    NoChartName,
    /// The chart has no versions at all (Helm's `ErrNoChartVersion`).
    #[error("no chart version found")]
    NoChartVersion,
    /// No version of the chart satisfies the constraint.
    #[error("no chart version found for {name}-{version}")]
    NoMatchingVersion {
        /// The chart name.
        name: String,
        /// The requested version or constraint.
        version: String,
    },
    /// A version constraint that does not parse; the message is Masterminds'.
    #[error("{0}")]
    Constraint(String),
    /// A search regular expression that does not compile.
    #[error("{0}")]
    Regex(String),
    /// Reading or writing a local file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The repositories file is malformed.
    #[error("{0}")]
    RepositoryFile(String),
    /// A URL that cannot be used (bad syntax or unexpected scheme).
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A repository or registry could not be reached or answered with an error.
    #[error("{url}: {message}")]
    Http {
        /// The URL requested.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The repository is not a valid chart repository (bad or missing index).
    #[error("{url} is not a valid chart repository or cannot be reached: {message}")]
    InvalidRepository {
        /// The repository URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A download was larger than allowed.
    #[error("{url}: response larger than the limit of {limit} bytes")]
    TooLarge {
        /// The URL requested.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A downloaded chart's sha256 differs from the digest the index gives.
    #[error("{url}: digest mismatch: index says sha256:{expected}, download is sha256:{actual}")]
    DigestMismatch {
        /// The URL downloaded.
        url: String,
        /// The digest in the index.
        expected: String,
        /// The digest of what was downloaded.
        actual: String,
    },
    /// TLS material (certificate, key, CA) could not be used.
    #[error("{0}")]
    Tls(String),
    /// An OCI registry reference or exchange failed.
    #[error("{0}")]
    Oci(String),
    /// A cache file is not usable (it is then rebuilt, never trusted).
    #[error("index cache: {0}")]
    Cache(String),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}

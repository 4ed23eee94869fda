//! The errors of release storage, worded as Helm's `pkg/storage` words them.

/// An error of release storage.
///
/// The driver errors carry Helm's exact messages (`release: not found`...),
/// because Helm's own code and users match on them.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No release is stored under the key or labels asked for (Helm's `ErrReleaseNotFound`).
    #[error("release: not found")]
    ReleaseNotFound,
    /// A release is already stored under the key (Helm's `ErrReleaseExists`).
    #[error("release: already exists")]
    ReleaseExists,
    /// The key is not `sh.helm.release.v1.<name>.v<revision>` (Helm's `ErrInvalidKey`).
    #[error("release: invalid key")]
    InvalidKey,
    /// The release has no revision in the deployed state (Helm's `ErrNoDeployedReleases`).
    #[error("{} has no deployed releases", go_quote(.0))]
    NoDeployedReleases(String),
    /// The release has no revision at all (from `Storage::last`).
    #[error("no revision for release {}", go_quote(.0))]
    NoRevision(String),
    /// A release could not be written as JSON (a NaN or infinite float in the values,
    /// or a time outside Go's range); the message is Go's.
    #[error("{0}")]
    Encode(String),
    /// A stored release is not valid JSON for a release; the message is Go's when we know it.
    #[error("{0}")]
    Decode(String),
    /// A stored payload is not base64 as Go's `base64.StdEncoding` reads it.
    #[error("illegal base64 data at input byte {0}")]
    Base64(usize),
    /// A stored payload starts as gzip but does not decompress.
    #[error("gzip: {0}")]
    Gzip(#[source] std::io::Error),
    /// A stored payload decompresses to more than the limit, which only a hostile payload does.
    #[error("release payload is larger than {limit} bytes once decompressed")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The stored object would exceed what the API server accepts for a Secret or
    /// ConfigMap's data; refused before anything is written.
    #[error("release {name} is too large to store: {size} bytes of data, the limit is {limit}")]
    ObjectTooLarge {
        /// The storage key.
        name: String,
        /// The size of the `release` data in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Several revisions could not be pruned; the message is Helm's.
    #[error("encountered {count} deletion errors. First is: {first}")]
    Prune {
        /// How many deletions failed.
        count: usize,
        /// The first failure.
        first: Box<Error>,
    },
    /// A label value in a query is not a valid Kubernetes label value (Helm's message).
    #[error("invalid label value: {}: {reason}", go_quote(.value))]
    InvalidLabelValue {
        /// The value.
        value: String,
        /// Why Kubernetes refuses it.
        reason: String,
    },
    /// A label in a SQL query is not one the SQL driver stores (Helm's message).
    #[error("unknown label {0}")]
    UnknownLabel(String),
    /// Another operation holds the release's lock and did not let go in time.
    #[error(
        "release {release:?} is locked by {holder:?} (another operation is in progress); waited {waited_seconds} s"
    )]
    Locked {
        /// The release name.
        release: String,
        /// The identity of the holder.
        holder: String,
        /// How long we waited.
        waited_seconds: u64,
    },
    /// The storage backend (API server, database) failed.
    #[error("{context}")]
    Backend {
        /// What was being done, in Helm's words (`list: failed to list`).
        context: String,
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The result of release storage operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A string quoted as Go's `%q` quotes it, for names in messages.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

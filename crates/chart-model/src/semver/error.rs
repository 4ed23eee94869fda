//! `SemverError`: why a version or constraint was refused, in Masterminds' words.

/// A version or constraint that Masterminds/semver refuses; Display is its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SemverError {
    /// The text is not a version at all.
    #[error("invalid semantic version")]
    InvalidSemVer,
    /// A strict version was empty.
    #[error("version string empty")]
    EmptyString,
    /// A strict version's segment holds something other than digits.
    #[error("invalid characters in version")]
    InvalidCharacters,
    /// A numeric segment has a leading zero.
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    /// The build metadata after `+` is malformed.
    #[error("invalid metadata string")]
    InvalidMetadata,
    /// The prerelease after `-` is malformed.
    #[error("invalid prerelease string")]
    InvalidPrerelease,
    /// The version is longer than 256 bytes.
    #[error("version string is too long (max 256 bytes)")]
    VersionTooLong,
    /// A numeric segment does not fit in 64 bits (or is empty, for strict versions);
    /// the text is Go's `strconv.ParseUint` error, with the prefix Masterminds adds.
    #[error("{0}")]
    Segment(String),
    /// The constraint is longer than 512 bytes.
    #[error("constraint string is too long (max 512 bytes)")]
    ConstraintTooLong,
    /// The constraint has more than 32 `||` groups.
    #[error("too many constraint groups (max 32)")]
    TooManyConstraintGroups,
    /// A part of the constraint is not `op version`; holds the part as written.
    #[error("improper constraint: {}", super::go_quote(.0))]
    ImproperConstraint(String),
    /// A constraint's version could not be parsed once wildcards were filled in.
    #[error("constraint parser error")]
    ConstraintParser,
}

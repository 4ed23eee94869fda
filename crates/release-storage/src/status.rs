//! `Status`: the state of a release revision, in Helm's words.

use std::fmt;

/// The state of one revision of a release, as Helm's `release.Status`.
///
/// Helm's type is a string, so a stored release may carry a word Helm 3.22
/// does not define (or none at all); [`Status::Other`] keeps it so that such
/// a release reads and writes back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Status {
    /// `unknown`: the release is in an uncertain state.
    #[default]
    Unknown,
    /// `deployed`: the release has been pushed to Kubernetes.
    Deployed,
    /// `uninstalled`: the release has been uninstalled (and its history kept).
    Uninstalled,
    /// `superseded`: a newer revision exists.
    Superseded,
    /// `failed`: the release was not successfully deployed.
    Failed,
    /// `uninstalling`: an uninstall is underway.
    Uninstalling,
    /// `pending-install`: an install is underway.
    PendingInstall,
    /// `pending-upgrade`: an upgrade is underway.
    PendingUpgrade,
    /// `pending-rollback`: a rollback is underway.
    PendingRollback,
    /// Any other word, including the empty status of a release that has none.
    Other(String),
}

impl Status {
    /// Every status Helm defines, in the order of its source.
    pub const ALL: [Status; 9] = [
        Status::Unknown,
        Status::Deployed,
        Status::Uninstalled,
        Status::Superseded,
        Status::Failed,
        Status::Uninstalling,
        Status::PendingInstall,
        Status::PendingUpgrade,
        Status::PendingRollback,
    ];

    /// Helm's word for the status.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Unknown => "unknown",
            Status::Deployed => "deployed",
            Status::Uninstalled => "uninstalled",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
            Status::Other(word) => word,
        }
    }

    /// The status for a word; words Helm does not define become [`Status::Other`].
    pub fn from_word(word: &str) -> Status {
        Status::ALL.into_iter().find(|s| s.as_str() == word).unwrap_or_else(|| Status::Other(word.to_owned()))
    }

    /// Whether an operation is underway (`pending-install`, `pending-upgrade`, `pending-rollback`),
    /// as Helm's `IsPending`.
    pub fn is_pending(&self) -> bool {
        matches!(self, Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_word(s.as_str()), s);
        }
        assert_eq!(Status::from_word("").as_str(), "");
        assert_eq!(Status::from_word("Deployed"), Status::Other("Deployed".into()));
        assert!(Status::PendingRollback.is_pending() && !Status::Deployed.is_pending());
    }
}

//! `Hook`: a hook of a release (a manifest run at a lifecycle event), with its last run.

use crate::time::Time;

/// Declares a string enum of Helm's words with an `Other` variant that keeps any other word.
macro_rules! words {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A word Helm does not define, kept as written.
            Other(String),
        }

        impl $name {
            /// Helm's word.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $word,)*
                    $name::Other(word) => word,
                }
            }

            /// The value for a word; unknown words become `Other`.
            pub fn from_word(word: &str) -> Self {
                match word {
                    $($word => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words! {
    /// When a hook runs, as Helm's `release.HookEvent` (`helm.sh/hook` annotation).
    HookEvent {
        /// `pre-install`.
        PreInstall = "pre-install",
        /// `post-install`.
        PostInstall = "post-install",
        /// `pre-delete`.
        PreDelete = "pre-delete",
        /// `post-delete`.
        PostDelete = "post-delete",
        /// `pre-upgrade`.
        PreUpgrade = "pre-upgrade",
        /// `post-upgrade`.
        PostUpgrade = "post-upgrade",
        /// `pre-rollback`.
        PreRollback = "pre-rollback",
        /// `post-rollback`.
        PostRollback = "post-rollback",
        /// `test`.
        Test = "test",
    }
}

words! {
    /// When a hook's resource is deleted, as Helm's `release.HookDeletePolicy`.
    HookDeletePolicy {
        /// `hook-succeeded`.
        Succeeded = "hook-succeeded",
        /// `hook-failed`.
        Failed = "hook-failed",
        /// `before-hook-creation`.
        BeforeHookCreation = "before-hook-creation",
    }
}

words! {
    /// When a hook's logs are copied back, as Helm's `release.HookOutputLogPolicy`.
    HookOutputLogPolicy {
        /// `hook-succeeded`.
        OnSucceeded = "hook-succeeded",
        /// `hook-failed`.
        OnFailed = "hook-failed",
    }
}

words! {
    /// How a hook's last run went, as Helm's `release.HookPhase`.
    HookPhase {
        /// `Unknown`.
        Unknown = "Unknown",
        /// `Running`.
        Running = "Running",
        /// `Succeeded`.
        Succeeded = "Succeeded",
        /// `Failed`.
        Failed = "Failed",
    }
}

impl Default for HookPhase {
    /// Go's zero value: the empty word, written as `"phase":""`.
    fn default() -> Self {
        HookPhase::Other(String::new())
    }
}

/// A hook's last run, as Helm's `release.HookExecution`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HookExecution {
    /// `started_at`: when it started (zero when it never ran).
    pub started_at: Time,
    /// `completed_at`: when it completed.
    pub completed_at: Time,
    /// `phase`: how it went.
    pub phase: HookPhase,
}

/// A hook of a release, as Helm's `release.Hook`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hook {
    /// `name`: the name of the resource.
    pub name: String,
    /// `kind`: its Kubernetes kind.
    pub kind: String,
    /// `path`: the chart-relative path of its template.
    pub path: String,
    /// `manifest`: the rendered manifest.
    pub manifest: String,
    /// `events`: when it runs.
    pub events: Vec<HookEvent>,
    /// `last_run`: its last execution.
    pub last_run: HookExecution,
    /// `weight`: its order among hooks of the same event.
    pub weight: i64,
    /// `delete_policies`: when its resource is deleted.
    pub delete_policies: Vec<HookDeletePolicy>,
    /// `output_log_policies`: when its logs are copied back.
    pub output_log_policies: Vec<HookOutputLogPolicy>,
}

//! `Hook`: a manifest annotated `helm.sh/hook`, with its events, weight and policies.

use std::fmt;

/// The annotation naming a hook's events.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
/// The annotation ordering hooks of one event.
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
/// The annotation saying when a hook's resource is deleted.
pub const HOOK_DELETE_POLICY_ANNOTATION: &str = "helm.sh/hook-delete-policy";
/// The annotation saying when a hook Pod's logs are copied back.
pub const HOOK_OUTPUT_LOG_POLICY_ANNOTATION: &str = "helm.sh/hook-output-log-policy";

/// A hook, as Helm's `release.Hook` right after sorting (it has not run yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// `metadata.name` of the resource.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// The template it came from.
    pub path: String,
    /// The document's text.
    pub manifest: String,
    /// When it runs.
    pub events: Vec<HookEvent>,
    /// Its order among the hooks of one event (`helm.sh/hook-weight`, 0 when unparsable).
    pub weight: i64,
    /// When its resource is deleted, lowercased and trimmed as Helm keeps them.
    pub delete_policies: Vec<HookDeletePolicy>,
    /// When its logs are copied back, as written (lowercased, trimmed).
    pub output_log_policies: Vec<String>,
}

impl Hook {
    /// Whether the hook has this delete policy.
    pub fn has_delete_policy(&self, policy: &HookDeletePolicy) -> bool {
        self.delete_policies.contains(policy)
    }
}

/// The event a hook runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HookEvent {
    /// `pre-install`.
    PreInstall,
    /// `post-install`.
    PostInstall,
    /// `pre-delete`.
    PreDelete,
    /// `post-delete`.
    PostDelete,
    /// `pre-upgrade`.
    PreUpgrade,
    /// `post-upgrade`.
    PostUpgrade,
    /// `pre-rollback`.
    PreRollback,
    /// `post-rollback`.
    PostRollback,
    /// `test` (also written `test-success`, Helm 2's name).
    Test,
}

impl HookEvent {
    /// Every event.
    pub const ALL: [HookEvent; 9] = [
        HookEvent::PreInstall,
        HookEvent::PostInstall,
        HookEvent::PreDelete,
        HookEvent::PostDelete,
        HookEvent::PreUpgrade,
        HookEvent::PostUpgrade,
        HookEvent::PreRollback,
        HookEvent::PostRollback,
        HookEvent::Test,
    ];

    /// Helm's name of the event.
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreInstall => "pre-install",
            HookEvent::PostInstall => "post-install",
            HookEvent::PreDelete => "pre-delete",
            HookEvent::PostDelete => "post-delete",
            HookEvent::PreUpgrade => "pre-upgrade",
            HookEvent::PostUpgrade => "post-upgrade",
            HookEvent::PreRollback => "pre-rollback",
            HookEvent::PostRollback => "post-rollback",
            HookEvent::Test => "test",
        }
    }

    /// Reads an event name as Helm does after trimming and lowercasing.
    pub fn parse(name: &str) -> Option<HookEvent> {
        if name == "test-success" {
            return Some(HookEvent::Test);
        }
        HookEvent::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl fmt::Display for HookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a hook's resource is deleted. Helm keeps unknown values as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HookDeletePolicy {
    /// `before-hook-creation`: delete the previous one before creating it again (the default).
    BeforeHookCreation,
    /// `hook-succeeded`: delete it once it succeeded.
    HookSucceeded,
    /// `hook-failed`: delete it when it failed.
    HookFailed,
    /// Any other value (Helm keeps it and ignores it).
    Other(String),
}

impl HookDeletePolicy {
    /// Helm's text of the policy.
    pub fn as_str(&self) -> &str {
        match self {
            HookDeletePolicy::BeforeHookCreation => "before-hook-creation",
            HookDeletePolicy::HookSucceeded => "hook-succeeded",
            HookDeletePolicy::HookFailed => "hook-failed",
            HookDeletePolicy::Other(s) => s,
        }
    }

    /// Reads a policy (already trimmed and lowercased).
    pub fn parse(text: &str) -> HookDeletePolicy {
        match text {
            "before-hook-creation" => HookDeletePolicy::BeforeHookCreation,
            "hook-succeeded" => HookDeletePolicy::HookSucceeded,
            "hook-failed" => HookDeletePolicy::HookFailed,
            other => HookDeletePolicy::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for HookDeletePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Go's `strconv.Atoi` on 64 bits: optional sign, ASCII digits, no spaces, in range; else 0 (Helm's default weight).
pub(crate) fn hook_weight(text: &str) -> i64 {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    text.parse::<i64>().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_as_atoi() {
        for (text, want) in
            [("5", 5), ("-5", -5), ("+3", 3), ("007", 7), (" 3", 0), ("", 0), ("1_0", 0), ("99999999999999999999", 0)]
        {
            assert_eq!(hook_weight(text), want, "{text:?}");
        }
    }
}

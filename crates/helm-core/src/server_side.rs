//! `ServerSide`: Helm 4's `--server-side` choice (`auto`, `true`, `false`) and the apply method it leads to.

use release_storage::ApplyMethod;

/// Helm 4's `--server-side` option of install, upgrade and rollback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerSide {
    /// `auto`: a new install applies server-side; an upgrade or rollback
    /// follows the method its reference release recorded (none recorded, as
    /// for a release made by Helm 3, means client-side).
    #[default]
    Auto,
    /// `true`: always server-side apply.
    True,
    /// `false`: always Helm 3's create and client-side three-way merge.
    False,
}

impl ServerSide {
    /// The method for a new install.
    pub fn for_install(self) -> ApplyMethod {
        match self {
            ServerSide::Auto | ServerSide::True => ApplyMethod::Ssa,
            ServerSide::False => ApplyMethod::Csa,
        }
    }

    /// The method for an upgrade or rollback whose reference release recorded `recorded`
    /// (Helm 4's `getUpgradeServerSideValue`: `auto` is server-side only when `ssa` was recorded).
    pub fn following(self, recorded: Option<ApplyMethod>) -> ApplyMethod {
        match self {
            ServerSide::Auto => recorded.unwrap_or(ApplyMethod::Csa),
            ServerSide::True => ApplyMethod::Ssa,
            ServerSide::False => ApplyMethod::Csa,
        }
    }
}

/// kube-apply's name for the same method.
pub(crate) fn kube_method(method: ApplyMethod) -> kube_apply::ApplyMethod {
    match method {
        ApplyMethod::Ssa => kube_apply::ApplyMethod::ServerSide,
        ApplyMethod::Csa => kube_apply::ApplyMethod::ClientSide,
    }
}

#[cfg(test)]
mod tests {
    use super::{ApplyMethod, ServerSide};

    #[test]
    fn auto_installs_server_side_and_follows_the_recorded_method() {
        assert_eq!(ServerSide::Auto.for_install(), ApplyMethod::Ssa);
        assert_eq!(ServerSide::False.for_install(), ApplyMethod::Csa);
        assert_eq!(ServerSide::Auto.following(None), ApplyMethod::Csa);
        assert_eq!(ServerSide::Auto.following(Some(ApplyMethod::Ssa)), ApplyMethod::Ssa);
        assert_eq!(ServerSide::Auto.following(Some(ApplyMethod::Csa)), ApplyMethod::Csa);
        assert_eq!(ServerSide::True.following(None), ApplyMethod::Ssa);
        assert_eq!(ServerSide::False.following(Some(ApplyMethod::Ssa)), ApplyMethod::Csa);
    }
}

//! `KindSortOrder`: the kind orders Helm installs and uninstalls in (`releaseutil.InstallOrder`/`UninstallOrder`).

use std::cmp::Ordering;

/// An ordering of kinds; kinds not in the list come last, sorted by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSortOrder(&'static [&'static str]);

/// The kinds in the order Helm creates them.
pub const INSTALL_ORDER: KindSortOrder = KindSortOrder(&[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
]);

/// The kinds in the order Helm deletes them: the install order reversed.
pub const UNINSTALL_ORDER: KindSortOrder = KindSortOrder(&[
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
]);

impl KindSortOrder {
    /// The kinds, first to last.
    pub fn kinds(&self) -> &'static [&'static str] {
        self.0
    }

    fn rank(&self, kind: &str) -> Option<usize> {
        self.0.iter().position(|k| *k == kind)
    }

    /// Compares two kinds: listed kinds by position, unlisted ones after them
    /// by name. Used with a stable sort, equal kinds keep their order.
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        match (self.rank(a), self.rank(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a.cmp(b),
        }
    }
}

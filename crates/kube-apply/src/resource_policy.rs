//! `helm.sh/resource-policy: keep`: manifests an uninstall or upgrade leaves in the cluster.

use crate::manifest::Manifest;

/// The annotation holding a resource policy.
pub const RESOURCE_POLICY_ANNOTATION: &str = "helm.sh/resource-policy";
/// The policy value that keeps a resource.
pub const KEEP_POLICY: &str = "keep";

/// Whether a manifest says `helm.sh/resource-policy: keep` (trimmed, any case).
pub fn is_kept(manifest: &Manifest) -> bool {
    manifest.head.annotation(RESOURCE_POLICY_ANNOTATION).is_some_and(|p| p.trim().to_lowercase() == KEEP_POLICY)
}

/// Splits manifests into those to keep and those to delete, as Helm's
/// `filterManifestsToKeep`. As in Helm, a manifest whose policy annotation is
/// present but not `keep` lands in neither list.
pub fn filter_manifests_to_keep(manifests: Vec<Manifest>) -> (Vec<Manifest>, Vec<Manifest>) {
    let mut keep = Vec::new();
    let mut remaining = Vec::new();
    for m in manifests {
        match m.head.annotation(RESOURCE_POLICY_ANNOTATION) {
            None => remaining.push(m),
            Some(_) if is_kept(&m) => keep.push(m),
            Some(_) => {}
        }
    }
    (keep, remaining)
}

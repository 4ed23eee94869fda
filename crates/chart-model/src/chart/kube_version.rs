//! Checking a chart's `kubeVersion` against a cluster's version, as Helm's actions do.

use crate::chart::Metadata;

/// A chart whose `kubeVersion` the cluster does not satisfy; Display is Helm's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {kube_version}")]
pub struct IncompatibleKubeVersion {
    /// The chart's `kubeVersion`.
    pub constraint: String,
    /// The cluster's version, as Helm prints it (`v1.30.0`).
    pub kube_version: String,
}

impl Metadata {
    /// Checks `kubeVersion` (when set) against the cluster's version, as Helm's
    /// install and upgrade do with `chartutil.IsCompatibleRange`: a constraint
    /// that does not parse fails too.
    pub fn check_kube_version(&self, kube_version: &str) -> Result<(), IncompatibleKubeVersion> {
        if self.kube_version.is_empty() || crate::semver::is_compatible_range(&self.kube_version, kube_version) {
            return Ok(());
        }
        Err(IncompatibleKubeVersion { constraint: self.kube_version.clone(), kube_version: kube_version.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use crate::chart::Metadata;

    #[test]
    fn kube_version_ranges() {
        let md = Metadata { kube_version: ">= 1.20.0-0".into(), ..Metadata::default() };
        assert!(md.check_kube_version("v1.30.0").is_ok());
        assert!(md.check_kube_version("v1.19.3").is_err());
        let bad = Metadata { kube_version: "not a range".into(), ..Metadata::default() };
        assert_eq!(
            bad.check_kube_version("v1.30.0").map_err(|e| e.to_string()),
            Err("chart requires kubeVersion: not a range which is incompatible with Kubernetes v1.30.0".into())
        );
    }
}

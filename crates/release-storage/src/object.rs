//! `StorageObject`: the Secret or ConfigMap Helm's drivers store a revision in, as plain data.
//!
//! The Kubernetes-backed drivers only move this over the wire: its name, type,
//! labels and `release` data are built here exactly as Helm's `newSecretsObject`
//! and `newConfigMapsObject` build them, and read back as `Get` and `List` do.

use std::collections::BTreeMap;

use crate::codec::{decode_release, encode_release};
use crate::error::{Error, Result};
use crate::release::Release;

/// The Secret type Helm 3 gives release Secrets.
pub const RELEASE_TYPE: &str = "helm.sh/release.v1";

/// The labels Helm's drivers manage; the others on an object are the release's custom labels.
pub const SYSTEM_LABELS: [&str; 6] = ["name", "owner", "status", "version", "createdAt", "modifiedAt"];

/// The most data a Secret or ConfigMap may hold (Kubernetes' `MaxSecretSize`,
/// also enforced for ConfigMaps): 1 MiB.
pub const MAX_DATA_BYTES: usize = 1 << 20;

/// Which Kubernetes object holds the revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A Secret of type [`RELEASE_TYPE`] (Helm's default driver).
    Secret,
    /// A ConfigMap (Helm's `configmap` driver).
    ConfigMap,
}

/// One stored revision as a Secret or ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageObject {
    /// Secret or ConfigMap.
    pub kind: ObjectKind,
    /// The object's name: the storage key `sh.helm.release.v1.<name>.v<revision>`.
    pub name: String,
    /// The object's labels: custom labels, then `name`, `owner=helm`, `status`,
    /// `version`, and `createdAt` or `modifiedAt` (Unix seconds).
    pub labels: BTreeMap<String, String>,
    /// The `release` data entry: [`encode_release`]'s text. A Secret's data is
    /// bytes, so on the wire this text is base64-encoded once more.
    pub release: String,
}

impl StorageObject {
    /// The data key holding the payload.
    pub const DATA_KEY: &'static str = "release";

    /// The object Helm's driver `Create` writes, stamped `createdAt` = `now_unix`.
    pub fn for_create(kind: ObjectKind, key: &str, release: &Release, now_unix: i64) -> Result<StorageObject> {
        Self::build(kind, key, release, ("createdAt", now_unix))
    }

    /// The object Helm's driver `Update` writes, stamped `modifiedAt` = `now_unix`
    /// (and no longer `createdAt`, as in Helm).
    pub fn for_update(kind: ObjectKind, key: &str, release: &Release, now_unix: i64) -> Result<StorageObject> {
        Self::build(kind, key, release, ("modifiedAt", now_unix))
    }

    fn build(kind: ObjectKind, key: &str, release: &Release, stamp: (&str, i64)) -> Result<StorageObject> {
        let payload = encode_release(release)?;
        // The data key counts too, as the API server measures it.
        let size = payload.len() + Self::DATA_KEY.len();
        if size > MAX_DATA_BYTES {
            return Err(Error::ObjectTooLarge { name: key.to_owned(), size, limit: MAX_DATA_BYTES });
        }
        // Helm applies the custom labels, its stamp, the custom labels again
        // (so a custom `createdAt` wins), then the labels it owns.
        let mut labels = release.labels.clone();
        labels.insert(stamp.0.to_owned(), stamp.1.to_string());
        labels.extend(release.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        labels.extend(system_labels(release));
        Ok(StorageObject { kind, name: key.to_owned(), labels, release: payload })
    }

    /// The object's `type`: [`RELEASE_TYPE`] for a Secret, none for a ConfigMap.
    pub fn type_name(&self) -> Option<&'static str> {
        match self.kind {
            ObjectKind::Secret => Some(RELEASE_TYPE),
            ObjectKind::ConfigMap => None,
        }
    }

    /// The release as the driver's `Get` returns it: labels are the custom ones only.
    pub fn to_release(&self) -> Result<Release> {
        let mut r = decode_release(&self.release)?;
        r.labels = filter_system_labels(&self.labels);
        Ok(r)
    }

    /// The release as the driver's `List` and `Query` return it: labels are all
    /// the object's labels, system ones included (Helm's own inconsistency, kept).
    pub fn to_listed_release(&self) -> Result<Release> {
        let mut r = decode_release(&self.release)?;
        r.labels = self.labels.clone();
        Ok(r)
    }
}

/// The labels Helm's drivers derive from a release: `name`, `owner`, `status`, `version`.
pub fn system_labels(release: &Release) -> [(String, String); 4] {
    [
        ("name".to_owned(), release.name.clone()),
        ("owner".to_owned(), "helm".to_owned()),
        ("status".to_owned(), release.status().as_str().to_owned()),
        ("version".to_owned(), release.version.to_string()),
    ]
}

/// Labels without Helm's system labels, as its `filterSystemLabels`.
pub fn filter_system_labels(labels: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    labels.iter().filter(|(k, _)| !SYSTEM_LABELS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_is_refused_before_writing() {
        // Random-looking text does not compress, so the payload stays over the limit.
        let mut x: u64 = 1;
        let manifest: String = (0..2_000_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect();
        let r = Release { name: "big".into(), version: 1, manifest, ..Release::default() };
        let err = StorageObject::for_create(ObjectKind::Secret, "sh.helm.release.v1.big.v1", &r, 0);
        assert!(matches!(err, Err(Error::ObjectTooLarge { limit: MAX_DATA_BYTES, .. })));
        let small = Release { name: "small".into(), version: 1, ..Release::default() };
        assert!(StorageObject::for_update(ObjectKind::ConfigMap, "k", &small, 0).is_ok());
    }
}

//! Release ownership: the label and annotations Helm puts on every object, and the check before adopting one.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::object::string_map;

/// The label marking objects Helm manages.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// Its value.
pub const MANAGED_BY_HELM: &str = "Helm";
/// The annotation naming the owning release.
pub const RELEASE_NAME_ANNOTATION: &str = "meta.helm.sh/release-name";
/// The annotation naming the owning release's namespace.
pub const RELEASE_NAMESPACE_ANNOTATION: &str = "meta.helm.sh/release-namespace";

/// The release objects are applied for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRef {
    /// The release's name.
    pub name: String,
    /// The release's namespace.
    pub namespace: String,
}

/// Checks that an existing object belongs to the release, as Helm's
/// `checkOwnership`; the error is Helm's reason text
/// (`invalid ownership metadata; label validation error: ...`).
pub fn check_ownership(existing: &Json, release: &ReleaseRef) -> Result<(), String> {
    let labels = string_map(existing, "labels");
    let annotations = string_map(existing, "annotations");
    let mut reasons = Vec::new();
    if let Err(e) = require_value(&labels, MANAGED_BY_LABEL, MANAGED_BY_HELM) {
        reasons.push(format!("label validation error: {e}"));
    }
    if let Err(e) = require_value(&annotations, RELEASE_NAME_ANNOTATION, &release.name) {
        reasons.push(format!("annotation validation error: {e}"));
    }
    if let Err(e) = require_value(&annotations, RELEASE_NAMESPACE_ANNOTATION, &release.namespace) {
        reasons.push(format!("annotation validation error: {e}"));
    }
    if reasons.is_empty() {
        return Ok(());
    }
    let mut message = "invalid ownership metadata".to_owned();
    for r in reasons {
        message.push_str("; ");
        message.push_str(&r);
    }
    Err(message)
}

fn require_value(map: &BTreeMap<String, String>, key: &str, want: &str) -> Result<(), String> {
    match map.get(key) {
        None => Err(format!("missing key {key:?}: must be set to {want:?}")),
        Some(actual) if actual != want => Err(format!("key {key:?} must equal {want:?}: current value is {actual:?}")),
        Some(_) => Ok(()),
    }
}

/// Adds the managed-by label and the release annotations to an object, replacing other values.
pub fn set_ownership(object: &mut Json, release: &ReleaseRef) {
    let Some(obj) = object.as_object_mut() else {
        return;
    };
    let metadata = obj.entry("metadata").or_insert_with(|| Json::Object(Default::default()));
    if !metadata.is_object() {
        *metadata = Json::Object(Default::default());
    }
    let Some(metadata) = metadata.as_object_mut() else {
        return;
    };
    for (field, entries) in [
        ("labels", vec![(MANAGED_BY_LABEL, MANAGED_BY_HELM.to_owned())]),
        (
            "annotations",
            vec![
                (RELEASE_NAME_ANNOTATION, release.name.clone()),
                (RELEASE_NAMESPACE_ANNOTATION, release.namespace.clone()),
            ],
        ),
    ] {
        let map = metadata.entry(field).or_insert_with(|| Json::Object(Default::default()));
        if !map.is_object() {
            *map = Json::Object(Default::default());
        }
        if let Some(map) = map.as_object_mut() {
            for (k, v) in entries {
                map.insert(k.to_owned(), Json::String(v));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rel() -> ReleaseRef {
        ReleaseRef { name: "web".into(), namespace: "prod".into() }
    }

    #[test]
    fn unowned_object_gives_helms_three_reasons() {
        let err = check_ownership(&json!({"metadata": {"name": "x"}}), &rel()).unwrap_err();
        assert_eq!(
            err,
            r#"invalid ownership metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"; annotation validation error: missing key "meta.helm.sh/release-name": must be set to "web"; annotation validation error: missing key "meta.helm.sh/release-namespace": must be set to "prod""#
        );
    }

    #[test]
    fn other_release_is_named() {
        let mut obj = json!({"metadata": {"name": "x"}});
        set_ownership(&mut obj, &ReleaseRef { name: "other".into(), namespace: "prod".into() });
        let err = check_ownership(&obj, &rel()).unwrap_err();
        assert_eq!(
            err,
            r#"invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "web": current value is "other""#
        );
        set_ownership(&mut obj, &rel());
        assert_eq!(check_ownership(&obj, &rel()), Ok(()));
    }
}

//! A three-way strategic merge patch for built-in kinds, as Helm 3's client-side update sends them:
//! lists with a merge key (containers by name, volumeMounts by mountPath...) are merged item by item.

use serde_json::{Map, Value as Json};

/// API groups whose kinds the server patches strategically (Kubernetes' own
/// types, which Helm 3 finds in client-go's scheme); other kinds get a JSON merge patch.
pub fn is_built_in_group(group: &str) -> bool {
    matches!(
        group,
        "" | "apps"
            | "batch"
            | "autoscaling"
            | "policy"
            | "networking.k8s.io"
            | "rbac.authorization.k8s.io"
            | "storage.k8s.io"
            | "scheduling.k8s.io"
            | "coordination.k8s.io"
            | "discovery.k8s.io"
            | "admissionregistration.k8s.io"
            | "apiextensions.k8s.io"
            | "certificates.k8s.io"
            | "node.k8s.io"
            | "events.k8s.io"
            | "flowcontrol.apiserver.k8s.io"
            | "resource.k8s.io"
            | "storagemigration.k8s.io"
    )
}

/// The patch taking `live` to `modified`, deleting what `original` had and
/// `modified` dropped; lists with a Kubernetes merge key are patched per item
/// (`$patch: delete` for items the chart dropped), so items others added (a
/// sidecar, an injected env var) stay. Returns `None` when nothing changes.
pub fn three_way_strategic_patch(original: Option<&Json>, modified: &Json, live: &Json) -> Option<Json> {
    let Json::Object(m) = modified else {
        return (modified != live).then(|| modified.clone());
    };
    let patch = diff_maps(original.and_then(Json::as_object), m, live.as_object());
    if patch.is_empty() { None } else { Some(Json::Object(patch)) }
}

fn diff_maps(
    original: Option<&Map<String, Json>>,
    modified: &Map<String, Json>,
    live: Option<&Map<String, Json>>,
) -> Map<String, Json> {
    let mut out = Map::new();
    if let Some(o) = original {
        for key in o.keys() {
            if !modified.contains_key(key) && live.is_none_or(|l| l.contains_key(key)) {
                out.insert(key.clone(), Json::Null);
            }
        }
    }
    for (key, m) in modified {
        let o = original.and_then(|o| o.get(key));
        let l = live.and_then(|l| l.get(key));
        match (m, l) {
            (Json::Object(mm), Some(Json::Object(lm))) => {
                let sub = diff_maps(o.and_then(Json::as_object), mm, Some(lm));
                if !sub.is_empty() {
                    out.insert(key.clone(), Json::Object(sub));
                }
            }
            (Json::Array(ma), Some(Json::Array(la))) => {
                if let Some(merge_key) = merge_key(key, ma) {
                    let sub = diff_keyed(o.and_then(Json::as_array), ma, la, merge_key);
                    if !sub.is_empty() {
                        out.insert(key.clone(), Json::Array(sub));
                    }
                } else if ma != la {
                    out.insert(key.clone(), m.clone());
                }
            }
            (m, l) => {
                if l != Some(m) {
                    out.insert(key.clone(), m.clone());
                }
            }
        }
    }
    out
}

/// Kubernetes' `patchMergeKey` for the list fields of its own types.
fn merge_key(field: &str, items: &[Json]) -> Option<&'static str> {
    let key = match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "ownerReferences" => "uid",
        "topologySpreadConstraints" => "topologyKey",
        "ports" if items.iter().all(|i| i.get("containerPort").is_some()) => "containerPort",
        "ports" => "port",
        _ => return None,
    };
    items.iter().all(|i| i.get(key).is_some()).then_some(key)
}

fn diff_keyed(original: Option<&Vec<Json>>, modified: &[Json], live: &[Json], key: &str) -> Vec<Json> {
    let find = |list: &[Json], k: &Json| list.iter().find(|i| i.get(key) == Some(k)).cloned();
    let mut out = Vec::new();
    for o in original.map(Vec::as_slice).unwrap_or_default() {
        if let Some(k) = o.get(key)
            && find(modified, k).is_none()
            && find(live, k).is_some()
        {
            let mut delete = Map::new();
            delete.insert("$patch".to_owned(), Json::from("delete"));
            delete.insert(key.to_owned(), k.clone());
            out.push(Json::Object(delete));
        }
    }
    for m in modified {
        let Some(k) = m.get(key) else { continue };
        match (find(live, k), m.as_object()) {
            (Some(Json::Object(l)), Some(mm)) => {
                let o = original.and_then(|o| find(o, k));
                let mut sub = diff_maps(o.as_ref().and_then(Json::as_object), mm, Some(&l));
                if !sub.is_empty() {
                    sub.insert(key.to_owned(), k.clone());
                    out.push(Json::Object(sub));
                }
            }
            _ => out.push(m.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::three_way_strategic_patch;

    #[test]
    fn containers_merge_by_name_and_keep_sidecars() {
        let original = json!({"spec": {"containers": [
            {"name": "app", "image": "a:1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "old", "image": "o:1"}]}});
        let modified = json!({"spec": {"containers": [
            {"name": "app", "image": "a:2", "env": [{"name": "A", "value": "1"}]}]}});
        let live = json!({"spec": {"containers": [
            {"name": "app", "image": "a:1", "imagePullPolicy": "IfNotPresent",
             "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "old", "image": "o:1"},
            {"name": "sidecar", "image": "s:1"}]}});
        let patch = three_way_strategic_patch(Some(&original), &modified, &live).unwrap();
        assert_eq!(
            patch,
            json!({"spec": {"containers": [
                {"$patch": "delete", "name": "old"},
                {"name": "app", "image": "a:2", "env": [{"$patch": "delete", "name": "B"}]}]}})
        );
        assert_eq!(three_way_strategic_patch(Some(&modified), &modified, &modified), None);
    }
}

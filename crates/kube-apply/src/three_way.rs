//! Helm 3's client-side update: a three-way JSON merge patch from the last applied manifest, the new one and the live object.

use serde_json::{Map, Value as Json};

/// The merge patch that takes `live` to `modified` while deleting what
/// `original` (the previous release's manifest) had and `modified` dropped:
/// a field removed from the chart is removed from the live object, and
/// fields set by others (never in `original`) are left alone. Lists are
/// replaced whole, as JSON merge patch does. Returns `None` when nothing changes.
pub fn three_way_merge_patch(original: Option<&Json>, modified: &Json, live: &Json) -> Option<Json> {
    let mut patch = Map::new();
    if let (Some(Json::Object(o)), Json::Object(m)) = (original, modified) {
        deletions(o, m, &mut patch);
    }
    if let (Json::Object(m), Json::Object(l)) = (modified, live) {
        let mut changes = Map::new();
        additions(m, l, &mut changes);
        merge(&mut patch, changes);
    } else if modified != live {
        return Some(modified.clone());
    }
    if patch.is_empty() { None } else { Some(Json::Object(patch)) }
}

/// Keys of `original` missing from `modified` become `null`, recursively into maps both have.
fn deletions(original: &Map<String, Json>, modified: &Map<String, Json>, out: &mut Map<String, Json>) {
    for (key, o) in original {
        match (o, modified.get(key)) {
            (_, None) => {
                out.insert(key.clone(), Json::Null);
            }
            (Json::Object(o), Some(Json::Object(m))) => {
                let mut inner = Map::new();
                deletions(o, m, &mut inner);
                if !inner.is_empty() {
                    out.insert(key.clone(), Json::Object(inner));
                }
            }
            _ => {}
        }
    }
}

/// Keys of `modified` absent from or different in `live`, recursively into maps both have.
fn additions(modified: &Map<String, Json>, live: &Map<String, Json>, out: &mut Map<String, Json>) {
    for (key, m) in modified {
        match (m, live.get(key)) {
            (Json::Object(m), Some(Json::Object(l))) => {
                let mut inner = Map::new();
                additions(m, l, &mut inner);
                if !inner.is_empty() {
                    out.insert(key.clone(), Json::Object(inner));
                }
            }
            (m, Some(l)) if m == l => {}
            (m, _) => {
                out.insert(key.clone(), m.clone());
            }
        }
    }
}

fn merge(into: &mut Map<String, Json>, from: Map<String, Json>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Json::Object(a)), Json::Object(b)) => merge(a, b),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::three_way_merge_patch;

    #[test]
    fn removed_field_is_deleted_and_others_fields_kept() {
        let original = json!({"data": {"a": "1", "b": "2"}, "metadata": {"labels": {"x": "1"}}});
        let modified = json!({"data": {"a": "1"}, "metadata": {"labels": {"x": "2"}}});
        let live = json!({"data": {"a": "1", "b": "2", "c": "by-someone-else"}, "metadata": {"labels": {"x": "1"}, "uid": "u"}});
        let patch = three_way_merge_patch(Some(&original), &modified, &live).unwrap();
        assert_eq!(patch, json!({"data": {"b": null}, "metadata": {"labels": {"x": "2"}}}));
    }

    #[test]
    fn live_drift_is_reverted_and_no_change_is_none() {
        let modified = json!({"spec": {"replicas": 3, "ports": [1, 2]}});
        let live = json!({"spec": {"replicas": 5, "ports": [1]}});
        let patch = three_way_merge_patch(Some(&modified), &modified, &live).unwrap();
        assert_eq!(patch, json!({"spec": {"replicas": 3, "ports": [1, 2]}}));
        assert_eq!(three_way_merge_patch(Some(&modified), &modified, &modified), None);
    }

    #[test]
    fn without_original_nothing_is_deleted() {
        let modified = json!({"data": {"a": "1"}});
        let live = json!({"data": {"a": "1", "b": "2"}});
        assert_eq!(three_way_merge_patch(None, &modified, &live), None);
    }
}

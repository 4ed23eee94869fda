//! Conformance with real Helm: splitting, hook parsing, kind ordering and keep filtering against the oracle's `manifests` goldens.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kube_apply::{
    Hook, INSTALL_ORDER, Manifest, UNINSTALL_ORDER, filter_manifests_to_keep, sort_manifests, sort_release_manifest,
    split_manifests,
};
use serde_json::{Value as Json, json};

fn read_json(path: &std::path::Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Helm's `release.Hook` JSON fields that sorting sets (omitempty as Go writes them).
fn hook_json(h: &Hook) -> Json {
    let mut m = serde_json::Map::new();
    if !h.name.is_empty() {
        m.insert("name".into(), json!(h.name));
    }
    if !h.kind.is_empty() {
        m.insert("kind".into(), json!(h.kind));
    }
    if !h.path.is_empty() {
        m.insert("path".into(), json!(h.path));
    }
    if !h.manifest.is_empty() {
        m.insert("manifest".into(), json!(h.manifest));
    }
    if !h.events.is_empty() {
        m.insert("events".into(), json!(h.events.iter().map(|e| e.as_str()).collect::<Vec<_>>()));
    }
    if h.weight != 0 {
        m.insert("weight".into(), json!(h.weight));
    }
    if !h.delete_policies.is_empty() {
        m.insert("delete_policies".into(), json!(h.delete_policies.iter().map(|p| p.as_str()).collect::<Vec<_>>()));
    }
    if !h.output_log_policies.is_empty() {
        m.insert("output_log_policies".into(), json!(h.output_log_policies));
    }
    Json::Object(m)
}

/// The oracle's view of Helm's hook: drop `last_run`, which sorting never sets.
fn helm_hook(h: &Json) -> Json {
    let mut h = h.clone();
    if let Some(o) = h.as_object_mut() {
        o.remove("last_run");
    }
    h
}

fn manifest_json(m: &Manifest) -> Json {
    let mut head = json!({"apiVersion": m.head.api_version, "kind": m.head.kind});
    if let Some(md) = &m.head.metadata {
        let mut mdj = json!({"name": md.name});
        if let Some(a) = &md.annotations {
            mdj["annotations"] = json!(a);
        }
        head["metadata"] = mdj;
    }
    json!({"name": m.name, "content": m.content, "head": head})
}

fn run(case: &Json) -> Json {
    let order = match case["ordering"].as_str() {
        Some("uninstall") => UNINSTALL_ORDER,
        _ => INSTALL_ORDER,
    };
    match case["mode"].as_str().unwrap_or("sort") {
        "split" => json!({"docs": split_manifests(case["manifest"].as_str().unwrap_or_default())}),
        "keep" => match sort_release_manifest(case["manifest"].as_str().unwrap_or_default(), order) {
            Ok(sorted) => {
                let (keep, remaining) = filter_manifests_to_keep(sorted.manifests);
                json!({
                    "keep": keep.iter().map(manifest_json).collect::<Vec<_>>(),
                    "remaining": remaining.iter().map(manifest_json).collect::<Vec<_>>(),
                })
            }
            Err(e) => json!({"error": e.to_string()}),
        },
        _ => {
            let files: BTreeMap<String, String> = case["files"]
                .as_object()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
                .unwrap_or_default();
            match sort_manifests(&files, order) {
                Ok(sorted) => json!({
                    "hooks": sorted.hooks.iter().map(hook_json).collect::<Vec<_>>(),
                    "manifests": sorted.manifests.iter().map(manifest_json).collect::<Vec<_>>(),
                }),
                Err(e) => json!({"error": e.to_string()}),
            }
        }
    }
}

fn normalize_expected(expected: &Json) -> Json {
    let mut e = expected.clone();
    if let Some(o) = e.as_object_mut() {
        o.remove("name");
        if let Some(Json::Array(hooks)) = o.get_mut("hooks") {
            for h in hooks.iter_mut() {
                *h = helm_hook(h);
            }
        }
    }
    e
}

#[test]
fn manifests_match_helm() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/manifests");
    let cases = read_json(&dir.join("cases.json"));
    let expected = read_json(&dir.join("expected.json"));
    let cases = cases["cases"].as_array().expect("cases");
    let expected = expected.as_array().expect("expected");
    assert_eq!(cases.len(), expected.len(), "expected.json is stale; run cargo xtask oracle --update kube-apply");
    let mut failures = Vec::new();
    for (case, want) in cases.iter().zip(expected) {
        assert_eq!(case["name"], want["name"], "expected.json is stale");
        let got = run(case);
        let want = normalize_expected(want);
        if got != want {
            failures.push(format!(
                "{}:\n  got:  {}\n  want: {}",
                case["name"],
                serde_json::to_string(&got).unwrap_or_default(),
                serde_json::to_string(&want).unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(cases.len() >= 40);
}

//! Conformance with real Helm: release JSON and the stored payload, against goldens from the oracle.
//!
//! tests/golden/release: cases build a release with Helm's types in the oracle
//! (`release` command); here the same case is built with ours and must give
//! byte-identical JSON, read Helm's stored payload back to the same JSON, and
//! name and label the Secret and ConfigMap as Helm's drivers do.
//! tests/golden/release-decode: our stored payloads, read by Helm's Secret
//! driver (`release-decode`), must give our JSON. Set `UPDATE_RELEASE_DECODE=1`
//! to rewrite its cases.json from our encoder, then run
//! `cargo xtask oracle --update release-decode`.

mod build;

use std::path::PathBuf;

use release_storage::codec::{decode_release, encode_release};
use release_storage::{ObjectKind, Release, StorageObject, release_key};
use serde_json::{Value as Json, json};

fn golden_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

fn read_json(path: &std::path::Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cases_and_expected(name: &str) -> Vec<(Json, Json)> {
    let dir = golden_dir(name);
    let cases = read_json(&dir.join("cases.json"));
    let expected = read_json(&dir.join("expected.json"));
    let cases = cases["cases"].as_array().expect("cases").clone();
    let expected = expected.as_array().expect("expected").clone();
    assert_eq!(cases.len(), expected.len(), "{name}: expected.json is stale; run cargo xtask oracle --update {name}");
    for (c, e) in cases.iter().zip(&expected) {
        assert_eq!(c["name"], e["name"], "{name}: expected.json is stale");
    }
    cases.into_iter().zip(expected).collect()
}

/// Labels with the driver's time stamps hidden, as the oracle hides them.
fn stable_labels(obj: &StorageObject) -> Json {
    let mut out = serde_json::Map::new();
    for (k, v) in &obj.labels {
        let v = if k == "createdAt" || k == "modifiedAt" { format!("<{k}>") } else { v.clone() };
        out.insert(k.clone(), Json::String(v));
    }
    Json::Object(out)
}

fn check_release(case: &Json, expected: &Json) -> Vec<String> {
    let mut failures = Vec::new();
    let mut fail = |what: &str, detail: String| failures.push(format!("{what}: {detail}"));
    let release = match build::release(case) {
        Ok(r) => r,
        Err(e) => return vec![format!("building the case: {e}")],
    };
    let helm_json = expected["json"].as_str().unwrap_or_default();

    // 1. Our JSON is Helm's, byte for byte.
    match release.to_json() {
        Ok(ours) if ours == helm_json => {}
        Ok(ours) => fail("json", first_difference(&ours, helm_json)),
        Err(e) => fail("json", e.to_string()),
    }

    // 2. Our payload decodes (with our decoder) to the JSON Helm reads back
    // from its own (numbers come back as float64, in Go as here).
    let helm_back = expected["decoded_json"].as_str().unwrap_or(helm_json);
    match encode_release(&release).and_then(|p| decode_release(&p)).and_then(|r| r.to_json()) {
        Ok(back) if back == helm_back => {}
        Ok(back) => fail("our payload round trip", first_difference(&back, helm_back)),
        Err(e) => fail("our payload round trip", e.to_string()),
    }

    let Some(encoded) = expected["encoded"].as_str() else {
        return failures;
    };
    // 3. Helm's payload decodes to what Helm's driver reads back from it.
    let key = release_key(&release.name, release.version);
    let helm_object = StorageObject {
        kind: ObjectKind::Secret,
        name: key.clone(),
        labels: expected["secret"]["labels"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default(),
        release: encoded.to_owned(),
    };
    match helm_object.to_release() {
        Ok(r) => {
            let decoded = expected["decoded_json"].as_str().unwrap_or_default();
            match r.to_json() {
                Ok(j) if j == decoded => {}
                Ok(j) => fail("decoding Helm's payload", first_difference(&j, decoded)),
                Err(e) => fail("decoding Helm's payload", e.to_string()),
            }
            let labels: Json =
                r.labels.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>().into();
            if labels != expected["decoded_labels"] {
                fail("labels read back", format!("{labels} != {}", expected["decoded_labels"]));
            }
        }
        Err(e) => fail("decoding Helm's payload", e.to_string()),
    }

    // 4. The Secret and ConfigMap are named and labelled as Helm's drivers do.
    let now = 1_700_000_000;
    match StorageObject::for_create(ObjectKind::Secret, &key, &release, now) {
        Ok(secret) => {
            if json!(secret.name) != expected["secret"]["name"] {
                fail("secret name", format!("{} != {}", secret.name, expected["secret"]["name"]));
            }
            if json!(secret.type_name()) != expected["secret"]["type"] {
                fail("secret type", format!("{:?}", secret.type_name()));
            }
            if stable_labels(&secret) != expected["secret"]["labels"] {
                fail("secret labels", format!("{} != {}", stable_labels(&secret), expected["secret"]["labels"]));
            }
        }
        Err(e) => fail("secret", e.to_string()),
    }
    match StorageObject::for_update(ObjectKind::Secret, &key, &release, now) {
        Ok(secret) if stable_labels(&secret) == expected["updated_labels"] => {}
        Ok(secret) => fail("updated labels", format!("{} != {}", stable_labels(&secret), expected["updated_labels"])),
        Err(e) => fail("update", e.to_string()),
    }
    match StorageObject::for_create(ObjectKind::ConfigMap, &key, &release, now) {
        Ok(cm) => {
            if json!(cm.name) != expected["configmap"]["name"] || stable_labels(&cm) != expected["configmap"]["labels"]
            {
                fail("configmap", format!("{} {} != {}", cm.name, stable_labels(&cm), expected["configmap"]));
            }
            if cm.type_name().is_some() {
                fail("configmap type", "a ConfigMap has no type".into());
            }
        }
        Err(e) => fail("configmap", e.to_string()),
    }
    failures
}

fn first_difference(ours: &str, helm: &str) -> String {
    let at = ours.bytes().zip(helm.bytes()).take_while(|(a, b)| a == b).count();
    let from = at.saturating_sub(60);
    let window = |s: &str| s.get(from..(at + 60).min(s.len())).unwrap_or("<non-char boundary>").to_owned();
    format!("differ at byte {at}:\n  ours: {}\n  helm: {}", window(ours), window(helm))
}

#[test]
fn release_goldens() {
    let all = cases_and_expected("release");
    assert!(all.len() >= 30, "at least 30 release cases");
    let mut report = Vec::new();
    for (case, expected) in &all {
        for f in check_release(case, expected) {
            report.push(format!("{}: {f}", case["name"]));
        }
    }
    assert!(
        report.is_empty(),
        "{} of {} release cases differ from Helm:\n{}",
        report.len(),
        all.len(),
        report.join("\n")
    );
}

/// Our payloads, as Helm's Secret driver reads them.
#[test]
fn release_decode_goldens() {
    let releases: Vec<(String, Release)> = cases_and_expected("release")
        .iter()
        .map(|(c, _)| (c["name"].as_str().unwrap_or_default().to_owned(), build::release(c).expect("case builds")))
        .collect();
    let mut cases = Vec::new();
    for (name, r) in &releases {
        let payload = encode_release(r).expect("encodes");
        cases.push(json!({"name": name, "payload": payload, "labels": r.labels}));
    }
    // Payloads in forms Helm accepts but we never write.
    let plain = release_storage::codec::base64_encode(br#"{"name":"plain","info":{"status":"deployed"},"version":2}"#);
    cases.push(json!({"name": "plain JSON (stored before compression)", "payload": plain, "labels": {}}));
    cases.push(json!({"name": "not base64", "payload": "not base64!", "labels": {}}));
    let dir = golden_dir("release-decode");
    let text =
        serde_json::to_string_pretty(&json!({"command": "release-decode", "cases": cases})).expect("json") + "\n";
    if std::env::var_os("UPDATE_RELEASE_DECODE").is_some() {
        std::fs::write(dir.join("cases.json"), &text).expect("write cases.json");
        return;
    }
    let committed = std::fs::read_to_string(dir.join("cases.json")).unwrap_or_default();
    assert!(
        committed == text,
        "release-decode cases are stale: run with UPDATE_RELEASE_DECODE=1, then cargo xtask oracle --update release-decode"
    );
    let mut report = Vec::new();
    let all = cases_and_expected("release-decode");
    for (case, expected) in &all {
        let name = case["name"].as_str().unwrap_or_default();
        let ours = decode_release(case["payload"].as_str().unwrap_or_default()).and_then(|r| r.to_json());
        match (ours, expected["json"].as_str()) {
            (Ok(ours), Some(helm)) if ours == helm => {}
            (Ok(ours), Some(helm)) => report.push(format!("{name}: {}", first_difference(&ours, helm))),
            (Err(_), None) if expected.get("error").is_some() => {}
            (ours, _) => report.push(format!("{name}: ours {ours:?}, helm {expected}")),
        }
    }
    assert!(
        report.is_empty(),
        "{} of {} payloads read differently by Helm:\n{}",
        report.len(),
        all.len(),
        report.join("\n")
    );
}

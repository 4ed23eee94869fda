//! Chart conformance (issue 5): every chart under `tests/golden/charts/charts` rendered by the
//! built `helmrs template` in both output forms and compared byte for byte with goldens the
//! oracle produced from Helm v3.22.0: `text/` (`template-cli`: what `helm template` prints) and
//! `json/` (`render`: engine.Render's map, what `helmrs template -o json` prints). When
//! `HELM_API_TEST_HELM` is set, the real `helm template` is also run on every text case and its
//! stdout, stderr and exit status compared with ours (so the goldens are proven to be real Helm's).
//! Regenerate: `cd bins/helmrs/tests/golden/charts && for d in text json; do
//! ../../../../../target/oracle/oracle batch $d < $d/cases.json > $d/expected.json; done`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/charts")
}

/// The goldens of one form: (case, expected) pairs.
fn goldens(form: &str) -> Vec<(Json, Json)> {
    let read = |f: &str| -> Json {
        serde_json::from_str(&std::fs::read_to_string(dir().join(form).join(f)).unwrap()).unwrap()
    };
    let cases = read("cases.json")["cases"].as_array().unwrap().clone();
    let expected = read("expected.json").as_array().unwrap().clone();
    assert_eq!(cases.len(), expected.len(), "{form} goldens are stale");
    for (c, e) in cases.iter().zip(&expected) {
        assert_eq!(c["name"], e["name"], "{form} goldens are stale");
    }
    cases.into_iter().zip(expected).collect()
}

/// `helm template` arguments for one case (its values written to a file in `tmp`).
fn args(case: &Json, tmp: &Path) -> Vec<String> {
    let name = case["name"].as_str().unwrap();
    let chart = dir().join("text").join(case["chart"].as_str().unwrap());
    let o = &case["options"];
    let mut a = vec![
        o["release_name"].as_str().unwrap_or("release-name").to_owned(),
        chart.to_str().unwrap().to_owned(),
        "--namespace".into(),
        o["namespace"].as_str().unwrap_or("default").to_owned(),
    ];
    let values = case["values"].as_str().unwrap_or("");
    if !values.is_empty() {
        let file = tmp.join(format!("{name}.yaml"));
        std::fs::write(&file, values).unwrap();
        a.extend(["-f".into(), file.to_str().unwrap().to_owned()]);
    }
    for s in case["set"].as_array().into_iter().flatten() {
        a.extend(["--set".into(), s.as_str().unwrap().to_owned()]);
    }
    if let Some(v) = o["kube_version"].as_str() {
        a.extend(["--kube-version".into(), v.to_owned()]);
    }
    let api: Vec<&str> = o["api_versions"].as_array().into_iter().flatten().map(|v| v.as_str().unwrap()).collect();
    if !api.is_empty() {
        a.extend(["--api-versions".into(), api.join(",")]);
    }
    for (key, flag) in [
        ("is_upgrade", "--is-upgrade"),
        ("include_crds", "--include-crds"),
        ("skip_tests", "--skip-tests"),
        ("no_hooks", "--no-hooks"),
        ("skip_schema_validation", "--skip-schema-validation"),
    ] {
        if o[key].as_bool() == Some(true) {
            a.push(flag.into());
        }
    }
    for s in o["show_only"].as_array().into_iter().flatten() {
        a.extend(["--show-only".into(), s.as_str().unwrap().to_owned()]);
    }
    a
}

fn run(bin: &Path, args: &[String], extra: &[&str]) -> Output {
    Command::new(bin).arg("template").args(args).args(extra).env("HELM_NAMESPACE", "default").output().unwrap()
}

fn show(out: &Output) -> String {
    format!(
        "{:?} stdout {:?} stderr {:?}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn tmp(tag: &str) -> PathBuf {
    let t = std::env::temp_dir().join(format!("helmrs-charts-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&t).unwrap();
    t
}

fn helmrs() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_helmrs"))
}

#[test]
fn charts_text_form_matches_helm_template() {
    let t = tmp("text");
    let cases = goldens("text");
    let mut failures = Vec::new();
    for (case, want) in &cases {
        let out = run(helmrs(), &args(case, &t), &[]);
        let ok = match want.get("error").and_then(Json::as_str) {
            Some(e) => {
                !out.status.success() && out.stdout.is_empty() && out.stderr == format!("Error: {e}\n").as_bytes()
            }
            None => {
                out.status.success() && Some(String::from_utf8_lossy(&out.stdout).as_ref()) == want["output"].as_str()
            }
        };
        if !ok {
            failures.push(format!("--- {}:\n  ours: {}\n  helm: {want}", case["name"], show(&out)));
        }
    }
    let _ = std::fs::remove_dir_all(&t);
    eprintln!("charts (text): {} cases, {} identical to helm template", cases.len(), cases.len() - failures.len());
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn charts_json_form_matches_engine_render() {
    let t = tmp("json");
    let cases = goldens("json");
    let mut failures = Vec::new();
    for (case, want) in &cases {
        let out = run(helmrs(), &args(case, &t), &["--output", "json"]);
        let ok = match want.get("error").and_then(Json::as_str) {
            // engine.Render's error is the core of what `helm template` prints after `Error: `.
            Some(e) => {
                !out.status.success() && String::from_utf8_lossy(&out.stderr).starts_with(&format!("Error: {e}"))
            }
            None => {
                let text = serde_json::to_string_pretty(&want["manifests"]).unwrap() + "\n";
                out.status.success() && out.stdout == text.as_bytes()
            }
        };
        if !ok {
            failures.push(format!("--- {}:\n  ours: {}\n  helm: {want}", case["name"], show(&out)));
        }
    }
    let _ = std::fs::remove_dir_all(&t);
    eprintln!("charts (json): {} cases, {} identical to engine.Render", cases.len(), cases.len() - failures.len());
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn charts_goldens_are_real_helm() {
    let helm = match std::env::var_os("HELM_API_TEST_HELM") {
        Some(path) => PathBuf::from(path),
        None if std::env::var("HELM_API_TEST_REQUIRE").as_deref() == Ok("1") => {
            panic!("HELM_API_TEST_HELM is not set and HELM_API_TEST_REQUIRE=1")
        }
        None => {
            eprintln!("skipping: HELM_API_TEST_HELM is not set");
            return;
        }
    };
    let t = tmp("real");
    let cases = goldens("text");
    let mut failures = Vec::new();
    for (case, want) in &cases {
        let a = args(case, &t);
        let theirs = run(&helm, &a, &[]);
        let ours = run(helmrs(), &a, &[]);
        let golden_ok = match want.get("error").and_then(Json::as_str) {
            Some(e) => theirs.stderr == format!("Error: {e}\n").as_bytes(),
            None => Some(String::from_utf8_lossy(&theirs.stdout).as_ref()) == want["output"].as_str(),
        };
        if !golden_ok
            || theirs.stdout != ours.stdout
            || theirs.stderr != ours.stderr
            || theirs.status.success() != ours.status.success()
        {
            failures.push(format!(
                "--- {} (golden {}):\n  helm: {}\n  ours: {}",
                case["name"],
                if golden_ok { "ok" } else { "differs from real helm" },
                show(&theirs),
                show(&ours)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&t);
    eprintln!("charts (real helm): {} cases, {} identical", cases.len(), cases.len() - failures.len());
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

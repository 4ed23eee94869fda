//! `helm template` conformance: helm-core's template action against what the real Helm prints
//! (the oracle's `template-cli` command: an Install with DryRun and ClientOnly, then
//! cmd/helm/template.go's output), outputs and error texts compared.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::PathBuf;

use helm_core::{TemplateOptions, template};
use serde_json::Value as Json;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/template")
}

fn run(case: &Json) -> Result<String, String> {
    let chart = if let Some(path) = case["chart"].as_str() {
        chart_model::load::load(&dir().join(path)).map_err(|e| e.to_string())?
    } else {
        let mut files: Vec<chart_model::File> = case["files"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| chart_model::File::new(k.clone(), v.as_str().unwrap().as_bytes()))
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        chart_model::load::from_files(files).map_err(|e| e.to_string())?
    };
    let mut values =
        chart_model::yaml::read_values(case["values"].as_str().unwrap_or("").as_bytes()).map_err(|e| e.to_string())?;
    for s in case["set"].as_array().into_iter().flatten() {
        chart_model::strvals::parse_into(s.as_str().unwrap(), &mut values)
            .map_err(|e| format!("failed parsing --set data: {e}"))?;
    }
    let o = &case["options"];
    let strings = |k: &str| -> Vec<String> {
        o[k].as_array().into_iter().flatten().map(|v| v.as_str().unwrap().to_owned()).collect()
    };
    let options = TemplateOptions {
        release_name: o["release_name"].as_str().unwrap_or("release-name").to_owned(),
        namespace: o["namespace"].as_str().unwrap_or("default").to_owned(),
        kube_version: o["kube_version"].as_str().map(str::to_owned),
        api_versions: strings("api_versions"),
        is_upgrade: o["is_upgrade"].as_bool().unwrap_or(false),
        include_crds: o["include_crds"].as_bool().unwrap_or(false),
        skip_tests: o["skip_tests"].as_bool().unwrap_or(false),
        no_hooks: o["no_hooks"].as_bool().unwrap_or(false),
        show_only: strings("show_only"),
        skip_schema_validation: o["skip_schema_validation"].as_bool().unwrap_or(false),
        enable_dns: false,
        output_dir: None,
        use_release_name: false,
    };
    template(&chart, &values, &options).map(|out| out.text).map_err(|e| e.to_string())
}

#[test]
fn template_goldens() {
    let cases: Json = serde_json::from_str(&std::fs::read_to_string(dir().join("cases.json")).unwrap()).unwrap();
    let expected: Json = serde_json::from_str(&std::fs::read_to_string(dir().join("expected.json")).unwrap()).unwrap();
    let cases = cases["cases"].as_array().unwrap();
    let expected = expected.as_array().unwrap();
    assert_eq!(
        cases.len(),
        expected.len(),
        "goldens are stale: cargo xtask oracle --update helm-core/tests/golden/template"
    );
    let mut failures = Vec::new();
    for (case, want) in cases.iter().zip(expected) {
        let name = case["name"].as_str().unwrap();
        assert_eq!(want["name"].as_str(), Some(name), "goldens are stale");
        let got = run(case);
        let ok = match (&got, want.get("error").and_then(Json::as_str)) {
            (Err(e), Some(w)) => e == w,
            (Ok(text), None) => Some(text.as_str()) == want["output"].as_str(),
            _ => false,
        };
        if !ok {
            failures.push(format!("--- {name}:\n  ours: {got:?}\n  helm: {want}"));
        }
    }
    eprintln!("template: {} cases, {} identical to helm template", cases.len(), cases.len() - failures.len());
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

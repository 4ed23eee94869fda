//! Conformance of the chart renderer against Helm's `engine.Render` (the oracle's `render` command):
//! charts from tests/golden/render/charts or inline files, values, `--set`, release and capability
//! options; every rendered file and every error text compared.
//!
//! A case whose chart calls a function Helm has but this port does not register yet fails to
//! parse with `function "X" not defined`; such cases are counted and reported as pending, never
//! silently passed (any other difference fails).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value as Json;
use template_render::render::{Capabilities, KubeVersion, ReleaseOptions};
use template_render::{FunctionNames, HELM_FUNCTIONS, ParseCache, RenderOptions, render_chart};

use crate::golden::{Golden, load};

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/render")
}

/// Runs one case as the oracle does; `Ok(manifests)` or `Err(Helm's message)`.
pub fn run_case(
    case: &Json,
    threads: usize,
    parse_cache: Option<&Arc<ParseCache>>,
) -> Result<BTreeMap<String, String>, String> {
    let chart = if let Some(path) = case["chart"].as_str() {
        chart_model::load::load(&suite_dir().join(path)).map_err(|e| e.to_string())?
    } else {
        let files = case["files"].as_object().expect("a case has chart or files");
        let mut files: Vec<chart_model::File> = files
            .iter()
            .map(|(k, v)| chart_model::File::new(k.clone(), v.as_str().expect("text").as_bytes()))
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        chart_model::load::from_files(files).map_err(|e| e.to_string())?
    };
    let mut values =
        chart_model::yaml::read_values(case["values"].as_str().unwrap_or("").as_bytes()).map_err(|e| e.to_string())?;
    for s in case["set"].as_array().into_iter().flatten() {
        chart_model::strvals::parse_into(s.as_str().expect("text"), &mut values).map_err(|e| e.to_string())?;
    }
    let o = &case["options"];
    let mut capabilities = Capabilities::default();
    if let Some(kv) = o["kube_version"].as_str() {
        capabilities.kube_version = KubeVersion::parse(kv)?;
    }
    for api in o["api_versions"].as_array().into_iter().flatten() {
        capabilities.api_versions.push(api.as_str().expect("text").to_owned());
    }
    let options = RenderOptions {
        release: ReleaseOptions {
            name: o["release_name"].as_str().unwrap_or("release-name").to_owned(),
            namespace: o["namespace"].as_str().unwrap_or("default").to_owned(),
            revision: o["revision"].as_i64().unwrap_or(1),
            is_upgrade: o["is_upgrade"].as_bool().unwrap_or(false),
        },
        capabilities,
        strict: o["strict"].as_bool().unwrap_or(false),
        threads,
        parse_cache: parse_cache.cloned(),
        ..RenderOptions::default()
    };
    render_chart(&chart, &values, &options).map_err(|e| e.to_string())
}

/// The Helm function a parse error says is missing, if this port lacks it.
pub fn missing_function(error: &str) -> Option<&str> {
    let start = error.find("function \"")? + "function \"".len();
    let rest = &error[start..];
    let name = &rest[..rest.find('"')?];
    (rest[name.len()..].starts_with("\" not defined") && HELM_FUNCTIONS.contains(name)).then_some(name)
}

fn check(g: &Golden, threads: usize, parse_cache: Option<&Arc<ParseCache>>) -> Result<(), String> {
    let got = run_case(&g.case, threads, parse_cache);
    match (&got, g.expected.get("error").and_then(Json::as_str)) {
        (Err(e), Some(want)) if e == want => Ok(()),
        (Err(e), _) if missing_function(e).is_some() => Err(format!("PENDING {e}")),
        (Err(e), Some(want)) => Err(format!("error differs:\n  ours: {e}\n  helm: {want}")),
        (Err(e), None) => Err(format!("we failed, Helm rendered: {e}")),
        (Ok(_), Some(want)) => Err(format!("we rendered, Helm failed: {want}")),
        (Ok(ours), None) => {
            let helm: BTreeMap<String, String> = g.expected["manifests"]
                .as_object()
                .expect("manifests")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("text").to_owned()))
                .collect();
            if *ours == helm {
                return Ok(());
            }
            let mut diffs = Vec::new();
            for k in ours.keys().chain(helm.keys()).collect::<std::collections::BTreeSet<_>>() {
                match (ours.get(k), helm.get(k)) {
                    (Some(a), Some(b)) if a == b => {}
                    (a, b) => diffs.push(format!("  {k}:\n    ours: {a:?}\n    helm: {b:?}")),
                }
            }
            Err(format!("manifests differ:\n{}", diffs.join("\n")))
        }
    }
}

#[test]
fn render_goldens() {
    let goldens = load("render");
    // One cache for every case, as a server keeps one: each case renders through it twice.
    let cache = Arc::new(ParseCache::default());
    let mut failures = Vec::new();
    let mut pending = Vec::new();
    for g in &goldens {
        match check(g, 0, None) {
            Ok(()) => {}
            Err(e) if e.starts_with("PENDING ") => pending.push(format!("{}: {}", g.name, &e[8..])),
            Err(e) => failures.push(format!("--- {}: {e}", g.name)),
        }
        // Every case again through the parallel parse and execution, which small charts skip.
        if let Err(e) = check(g, 2, None).and_then(|()| check(g, 1, None))
            && !e.starts_with("PENDING ")
        {
            failures.push(format!("--- {} (threads 2, then 1): {e}", g.name));
        }
        // And with files parsed once: the first render fills the cache, the second takes from it.
        if let Err(e) = check(g, 0, Some(&cache)).and_then(|()| check(g, 0, Some(&cache)))
            && !e.starts_with("PENDING ")
        {
            failures.push(format!("--- {} (parse cache): {e}", g.name));
        }
    }
    eprintln!(
        "render: {} cases, {} identical to Helm, {} pending on unported functions",
        goldens.len(),
        goldens.len() - failures.len() - pending.len(),
        pending.len()
    );
    for p in &pending {
        eprintln!("  pending {p}");
    }
    assert!(
        failures.is_empty(),
        "render: {} of {} cases differ from Helm:\n{}",
        failures.len(),
        goldens.len(),
        failures.join("\n")
    );
}

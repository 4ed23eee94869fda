//! Loading charts (folders, archives, inline files) against Helm's `chart/loader`, and packaging.

use std::path::Path;

use chart_model::chart::{Dependency, Lock, Metadata};
use chart_model::load::{self, LoadOptions};
use chart_model::{Chart, File, Value};
use serde_json::{Value as Json, json};

use crate::{golden, typed};

/// Every case of the `load` suite: the chart as Helm describes it, or Helm's error.
#[test]
fn load_like_helm() {
    let dir = golden::suite_dir("load");
    golden::check_all("load", |g| {
        // Cases Helm loads but we refuse by default: check our refusal, then
        // that Helm's own options give Helm's result.
        if let Some(refused) = g.case["refused"].as_str() {
            match run(&dir, &g.case, &LoadOptions::default()) {
                Err(e) if e == refused => {}
                Err(e) => return Err(format!("refused with {e:?}, expected {refused:?}")),
                Ok(_) => return Err(format!("loaded, expected the refusal {refused:?}")),
            }
        }
        let got = run(&dir, &g.case, &LoadOptions::helm_compatible());
        compare(got, &g.expected)
    });
}

fn run(dir: &Path, case: &Json, options: &LoadOptions) -> Result<Chart, String> {
    let result = if let Some(path) = case["chart"].as_str() {
        load::load_with(&dir.join(path), options)
    } else {
        let mut files: Vec<File> = case["files"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| File::new(k.clone(), v.as_str().unwrap_or_default())).collect())
            .unwrap_or_default();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        load::from_files_with(files, options)
    };
    result.map_err(|e| e.to_string())
}

/// Paths in messages are absolute; both sides are cut down to the part inside the suite folder.
fn normalize_message(m: &str) -> String {
    let marker = "tests/golden/load/";
    let mut out = String::new();
    let mut rest = m;
    while let Some(i) = rest.find(marker) {
        let start = rest[..i].rfind(['\'', ' ', '"']).map_or(0, |s| s + 1);
        out.push_str(&rest[..start]);
        out.push_str("<suite>/");
        rest = &rest[i + marker.len()..];
    }
    out.push_str(rest);
    out
}

fn compare(got: Result<Chart, String>, expected: &Json) -> Result<(), String> {
    match (got, expected.get("error").and_then(Json::as_str)) {
        (Err(e), Some(want)) => {
            if normalize_message(&e) == normalize_message(want) {
                Ok(())
            } else {
                Err(format!("error {e:?}, Helm says {want:?}"))
            }
        }
        (Err(e), None) => Err(format!("error {e:?}, Helm loads it")),
        (Ok(_), Some(want)) => Err(format!("loaded, Helm says {want:?}")),
        (Ok(chart), None) => {
            let mut diffs = Vec::new();
            compare_chart(&chart, &expected["chart"], "", &mut diffs);
            if diffs.is_empty() { Ok(()) } else { Err(diffs.join("\n    ")) }
        }
    }
}

fn names(files: &[File]) -> Json {
    Json::Array(files.iter().map(|f| Json::String(f.name.clone())).collect())
}

fn compare_chart(chart: &Chart, want: &Json, at: &str, diffs: &mut Vec<String>) {
    let at = format!("{at}{}/", chart.name());
    let mut check = |what: &str, got: Json, want: &Json| {
        if normalize_numbers(&got) != normalize_numbers(want) {
            diffs.push(format!("{at}{what}: got {got}, Helm {want}"));
        }
    };
    check("metadata", metadata_json(&chart.metadata), &want["metadata"]);
    check("templates", names(&chart.templates), &want["templates"]);
    check("files", names(&chart.files), &want["files"]);
    check("raw", names(&chart.raw), &want["raw"]);
    let schema = chart.schema.as_ref().map(|s| String::from_utf8_lossy(s).into_owned()).unwrap_or_default();
    check("schema", Json::String(schema), &want["schema"]);
    check("lock", chart.lock.as_ref().map_or(Json::Null, lock_json), want.get("lock").unwrap_or(&Json::Null));
    let values = Value::Map(chart.values.clone());
    if !typed::same(&values, &typed::decode(&want["values"])) {
        diffs.push(format!("{at}values: got {}, Helm {}", typed::encode(&values), want["values"]));
    }
    // Helm keeps subcharts in a Go map, so their order is random there: compare by name.
    let mut subs: Vec<&Chart> = chart.dependencies.iter().collect();
    subs.sort_by(|a, b| a.name().cmp(b.name()));
    let mut wanted: Vec<&Json> = want["dependencies"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
    wanted.sort_by(|a, b| a["metadata"]["name"].as_str().cmp(&b["metadata"]["name"].as_str()));
    if subs.len() != wanted.len() {
        diffs.push(format!("{at}: {} subcharts, Helm has {}", subs.len(), wanted.len()));
        return;
    }
    for (sub, w) in subs.into_iter().zip(wanted) {
        compare_chart(sub, w, &at, diffs);
    }
}

/// JSON numbers compared by value (Go writes 1 where we hold 1.0).
fn normalize_numbers(j: &Json) -> Json {
    match j {
        Json::Number(n) => json!(n.as_f64()),
        Json::Array(a) => Json::Array(a.iter().map(normalize_numbers).collect()),
        Json::Object(o) => Json::Object(o.iter().map(|(k, v)| (k.clone(), normalize_numbers(v))).collect()),
        other => other.clone(),
    }
}

fn plain(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(n) | Value::Int64(n) => json!(n),
        Value::Float64(f) => json!(f),
        Value::String(s) => json!(s),
        Value::List(l) => Json::Array(l.iter().map(plain).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), plain(v))).collect()),
    }
}

/// `chart.Metadata` as Go's encoding/json writes it (omitempty fields left out).
fn metadata_json(md: &Metadata) -> Json {
    let mut o = serde_json::Map::new();
    let mut text = |k: &str, v: &str| {
        if !v.is_empty() {
            o.insert(k.into(), json!(v));
        }
    };
    for (k, v) in [
        ("name", &md.name),
        ("home", &md.home),
        ("version", &md.version),
        ("description", &md.description),
        ("icon", &md.icon),
        ("apiVersion", &md.api_version),
        ("condition", &md.condition),
        ("tags", &md.tags),
        ("appVersion", &md.app_version),
        ("kubeVersion", &md.kube_version),
        ("type", &md.chart_type),
    ] {
        text(k, v);
    }
    if !md.sources.is_empty() {
        o.insert("sources".into(), json!(md.sources));
    }
    if !md.keywords.is_empty() {
        o.insert("keywords".into(), json!(md.keywords));
    }
    if !md.maintainers.is_empty() {
        let list: Vec<Json> = md
            .maintainers
            .iter()
            .map(|m| {
                let mut mm = serde_json::Map::new();
                for (k, v) in [("name", &m.name), ("email", &m.email), ("url", &m.url)] {
                    if !v.is_empty() {
                        mm.insert(k.into(), json!(v));
                    }
                }
                Json::Object(mm)
            })
            .collect();
        o.insert("maintainers".into(), Json::Array(list));
    }
    if md.deprecated {
        o.insert("deprecated".into(), json!(true));
    }
    if !md.annotations.is_empty() {
        o.insert("annotations".into(), json!(md.annotations));
    }
    if !md.dependencies.is_empty() {
        o.insert("dependencies".into(), Json::Array(md.dependencies.iter().map(dependency_json).collect()));
    }
    Json::Object(o)
}

fn dependency_json(d: &Dependency) -> Json {
    let mut o = serde_json::Map::new();
    o.insert("name".into(), json!(d.name));
    o.insert("repository".into(), json!(d.repository));
    for (k, v) in [("version", &d.version), ("condition", &d.condition), ("alias", &d.alias)] {
        if !v.is_empty() {
            o.insert(k.into(), json!(v));
        }
    }
    if !d.tags.is_empty() {
        o.insert("tags".into(), json!(d.tags));
    }
    if d.enabled {
        o.insert("enabled".into(), json!(true));
    }
    if !d.import_values.is_empty() {
        o.insert("import-values".into(), Json::Array(d.import_values.iter().map(plain).collect()));
    }
    Json::Object(o)
}

fn lock_json(l: &Lock) -> Json {
    let deps = if l.dependencies.is_empty() {
        Json::Null
    } else {
        Json::Array(l.dependencies.iter().map(dependency_json).collect())
    };
    json!({ "generated": l.generated, "digest": l.digest, "dependencies": deps })
}

/// The packaged fixture is what our packager makes of its source folder, byte for byte,
/// and Helm loads it (its case in the suite). `HELM_API_WRITE_PACKAGED=1` rewrites it.
#[test]
fn packaging_is_deterministic() {
    let suite = golden::suite_dir("load");
    let target = suite.join("packaged/basic-1.2.3.tgz");
    let source = suite.join("fixtures/basic");
    let first = chart_model::package::package_dir(&source).expect("packaging");
    let second = chart_model::package::package_dir(&source).expect("packaging");
    assert_eq!(first, second, "packaging twice gives the same bytes");
    assert_eq!(first.file_name, "basic-1.2.3.tgz");
    if std::env::var_os("HELM_API_WRITE_PACKAGED").is_some() {
        std::fs::write(&target, &first.data).expect("writing the packaged fixture");
    }
    let committed = std::fs::read(&target).expect("the packaged fixture");
    assert!(first.data == committed, "re-packaging fixtures/basic differs from packaged/basic-1.2.3.tgz");
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&committed).iter().map(|b| format!("{b:02x}")).collect()
    };
    assert_eq!(first.digest, digest);
}

/// Packaging then loading gives back the chart that was packaged.
#[test]
fn packaged_chart_loads_back() {
    let source = golden::suite_dir("load").join("fixtures/basic");
    let chart = load::load(&source).expect("loading the source");
    let package = chart_model::package::package(&chart).expect("packaging");
    let back = load::from_archive(package.data.as_slice(), &LoadOptions::default()).expect("loading the package");
    assert_eq!(back.metadata, chart.metadata);
    assert_eq!(back.templates, chart.templates);
    assert_eq!(back.files, chart.files);
    assert_eq!(back.values, chart.values);
    assert_eq!(back.dependencies.len(), chart.dependencies.len());
}

//! Values as an install computes them (dependency processing, then
//! `.Values`), against Helm, suite `coalesce`; schema validation, suite `schema`.

use chart_model::coalesce::{RenderValuesOptions, render_values};
use chart_model::dependencies::{ProcessOptions, process_dependencies};
use chart_model::{Chart, File, Value, load, yaml};
use serde_json::Value as Json;

use crate::golden::{self, Golden};
use crate::typed;

#[test]
fn coalesce_matches_helm() {
    golden::check_all("coalesce", check);
}

/// The oracle's `coalesce` command in Rust: every field it reports is compared.
pub fn check(g: &Golden) -> Result<(), String> {
    let mut chart = load_case(g)?;
    let values = yaml::read_values(g.case["values"].as_str().unwrap_or("").as_bytes()).map_err(|e| e.to_string())?;
    let mut warnings = Vec::new();
    let mut got = serde_json::Map::new();
    match process_dependencies(&mut chart, &values, &ProcessOptions::default()) {
        Err(e) => {
            got.insert("error".into(), Json::String(e.to_string()));
        }
        Ok(w) => {
            warnings.extend(w);
            got.insert("charts".into(), Json::from(chart_tree(&chart, "")));
            match render_values(&chart, &values, &RenderValuesOptions::default()) {
                Ok(c) => {
                    warnings.extend(c.warnings);
                    got.insert("value".into(), typed::encode(&Value::Map(c.values)));
                }
                Err(e) => {
                    got.insert("error".into(), Json::String(e.to_string()));
                }
            }
        }
    }
    compare(g, &got, warnings)
}

fn load_case(g: &Golden) -> Result<Chart, String> {
    let files = g.case["files"].as_object().ok_or("case has no files")?;
    let files: Vec<File> =
        files.iter().map(|(name, text)| File::new(name.clone(), text.as_str().unwrap_or("").as_bytes())).collect();
    load::from_files(files).map_err(|e| format!("load: {e}"))
}

fn chart_tree(chart: &Chart, prefix: &str) -> Vec<String> {
    let path = format!("{prefix}{}", chart.name());
    let mut out = vec![path.clone()];
    for sub in &chart.dependencies {
        out.extend(chart_tree(sub, &format!("{path}/")));
    }
    out
}

fn compare(g: &Golden, got: &serde_json::Map<String, Json>, mut warnings: Vec<String>) -> Result<(), String> {
    let mut problems = Vec::new();
    if got.get("error") != g.expected.get("error") {
        problems.push(format!("error\n  got:  {:?}\n  want: {:?}", got.get("error"), g.expected.get("error")));
    }
    if let Some(want) = g.expected.get("charts")
        && got.get("charts") != Some(want)
    {
        problems.push(format!("charts\n  got:  {:?}\n  want: {want}", got.get("charts")));
    }
    match (got.get("value"), g.expected.get("value")) {
        (Some(a), Some(b)) if !typed::same(&typed::decode(a), &typed::decode(b)) => {
            problems.push(format!("value\n  got:  {a}\n  want: {b}"));
        }
        (None, Some(_)) | (Some(_), None) => problems.push("value present on one side only".to_owned()),
        _ => {}
    }
    // Go ranges over maps in random order, so Helm's warnings come in no fixed order.
    let mut want: Vec<String> = g.expected["warnings"]
        .as_array()
        .map(|a| a.iter().filter_map(|w| w.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    want.sort();
    warnings.sort();
    if warnings != want {
        problems.push(format!("warnings\n  got:  {warnings:?}\n  want: {want:?}"));
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
}

//! Writing YAML as Helm does (`toYaml`, and `sigs.k8s.io/yaml.Marshal` under it) against real Helm's output.

use chart_model::yaml;

use crate::golden::{self, Golden};
use crate::typed;

/// `{{ toYaml .Values.v }}`: Marshal's text without its final newline, or nothing on error.
#[test]
fn to_yaml() {
    golden::check_all("to_yaml", |g| {
        let value = typed::decode(&g.case["values"]["map"]["v"]);
        let ours = match yaml::to_string(&value) {
            Ok(text) => text.strip_suffix('\n').map(str::to_owned).unwrap_or(text),
            Err(_) => String::new(),
        };
        same_text(g, &ours)
    });
}

/// `sigs.k8s.io/yaml.Marshal` itself: the exact text, or the exact error message.
#[test]
fn yaml_write() {
    golden::check_all("yaml_write", |g| {
        let value = typed::decode(&g.case["value"]);
        match (yaml::to_string(&value), g.expected.get("error").and_then(|e| e.as_str())) {
            (Err(ours), Some(helm)) if ours.to_string() == helm => Ok(()),
            (Ok(ours), None) => same_text(g, &ours),
            (ours, helm) => Err(format!("ours: {ours:?}\n helm error: {helm:?}")),
        }
    });
}

fn same_text(g: &Golden, ours: &str) -> Result<(), String> {
    let helm = g.expected["output"].as_str().ok_or_else(|| format!("no output in golden: {}", g.expected))?;
    if ours == helm { Ok(()) } else { Err(format!("text differs:\n ours: {ours:?}\n helm: {helm:?}")) }
}

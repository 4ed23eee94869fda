//! Go's JSON as Helm uses it (`toJson`, `fromJson`, `--set-json`) against real Helm's results.

use chart_model::json;

use crate::golden::{self, Golden};
use crate::typed;

/// `{{ toJson .Values.v }}`: `json.Marshal`'s text, or nothing on error.
#[test]
fn to_json() {
    golden::check_all("to_json", |g| {
        let value = typed::decode(&g.case["values"]["map"]["v"]);
        let ours = json::to_string(&value).unwrap_or_default();
        same_text(g, &ours)
    });
}

/// `json.Marshal` itself: the exact text, or the exact error message.
#[test]
fn json_write() {
    golden::check_all("json_write", |g| {
        let value = typed::decode(&g.case["value"]);
        match (json::to_string(&value), g.expected.get("error").and_then(|e| e.as_str())) {
            (Err(ours), Some(go)) if ours.to_string() == go => Ok(()),
            (Ok(ours), None) => same_text(g, &ours),
            (ours, go) => Err(format!("ours: {ours:?}\n go error: {go:?}")),
        }
    });
}

/// `json.Unmarshal` into an `interface{}`: the typed value, or the exact error message.
#[test]
fn json_read() {
    golden::check_all("json_read", |g| {
        let text = g.case["json"].as_str().expect("case has json");
        match (json::from_slice(text.as_bytes()), g.expected.get("error").and_then(|e| e.as_str())) {
            (Err(ours), Some(go)) if ours.to_string() == go => Ok(()),
            (Ok(ours), None) => {
                let go = typed::decode(&g.expected["value"]);
                if typed::same(&ours, &go) {
                    Ok(())
                } else {
                    Err(format!("value differs:\n ours: {ours:?}\n go: {go:?}"))
                }
            }
            (ours, go) => Err(format!("ours: {ours:?}\n go error: {go:?}")),
        }
    });
}

fn same_text(g: &Golden, ours: &str) -> Result<(), String> {
    let go = g.expected["output"].as_str().ok_or_else(|| format!("no output in golden: {}", g.expected))?;
    if ours == go { Ok(()) } else { Err(format!("text differs:\n ours: {ours:?}\n go: {go:?}")) }
}

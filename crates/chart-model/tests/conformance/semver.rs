//! Masterminds/semver as Helm uses it: versions, ordering and constraints against the oracle.

use chart_model::semver::{Constraints, Version};
use serde_json::{Value as Json, json};

use crate::golden;

fn versions(g: &golden::Golden) -> Vec<&str> {
    g.case["versions"].as_array().map(|a| a.iter().filter_map(Json::as_str).collect()).unwrap_or_default()
}

fn constraint(g: &golden::Golden) -> Option<Result<Constraints, String>> {
    g.case["constraint"].as_str().map(|c| Constraints::parse(c).map_err(|e| e.to_string()))
}

/// The oracle's `semver` command: parsed versions, matches and the constraint's text.
#[test]
fn versions_and_constraints() {
    golden::check_all("semver", |g| {
        let mut out = serde_json::Map::new();
        let parsed: Vec<Option<Version>> = versions(g).iter().map(|v| Version::parse(v).ok()).collect();
        let vs: Vec<Json> = versions(g)
            .iter()
            .map(|v| match Version::parse(v) {
                Ok(v) => json!({ "version": v.to_string() }),
                Err(e) => json!({ "error": e.to_string() }),
            })
            .collect();
        out.insert("versions".into(), Json::Array(vs));
        match constraint(g) {
            None => {}
            Some(Err(e)) => {
                out.insert("error".into(), Json::String(e));
            }
            Some(Ok(c)) => {
                let matches: Vec<Json> =
                    parsed.iter().map(|v| v.as_ref().map_or(Json::Null, |v| Json::Bool(c.check(v)))).collect();
                out.insert("matches".into(), Json::Array(matches));
                out.insert("constraint".into(), Json::String(c.to_string()));
            }
        }
        compare(g, out)
    });
}

/// The oracle's `semver-detail` command: strict parsing, original text, ordering, Validate's reasons.
#[test]
fn strict_order_and_reasons() {
    golden::check_all("semver/detail", |g| {
        let mut out = serde_json::Map::new();
        let mut parsed = Vec::new();
        let mut vs = Vec::new();
        for text in versions(g) {
            let mut r = serde_json::Map::new();
            match Version::parse_strict(text) {
                Ok(v) => r.insert("strict".into(), json!(v.to_string())),
                Err(e) => r.insert("strict_error".into(), json!(e.to_string())),
            };
            let v = Version::parse(text);
            match &v {
                Ok(v) => {
                    r.insert("version".into(), json!(v.to_string()));
                    r.insert("original".into(), json!(v.original()));
                }
                Err(e) => {
                    r.insert("error".into(), json!(e.to_string()));
                }
            }
            vs.push(Json::Object(r));
            parsed.push(v.ok());
        }
        out.insert("versions".into(), Json::Array(vs));
        let cmp: Vec<Json> = parsed
            .windows(2)
            .map(|w| match (&w[0], &w[1]) {
                (Some(a), Some(b)) => json!(a.compare(b) as i8),
                _ => Json::Null,
            })
            .collect();
        out.insert("compare".into(), Json::Array(cmp));
        match constraint(g) {
            None => {}
            Some(Err(e)) => {
                out.insert("error".into(), Json::String(e));
            }
            Some(Ok(c)) => {
                let validate: Vec<Json> = parsed
                    .iter()
                    .map(|v| {
                        v.as_ref().map_or(Json::Null, |v| {
                            let (ok, errors) = c.validate(v);
                            json!({ "ok": ok, "errors": errors })
                        })
                    })
                    .collect();
                out.insert("validate".into(), Json::Array(validate));
                out.insert("constraint".into(), Json::String(c.to_string()));
            }
        }
        compare(g, out)
    });
}

fn compare(g: &golden::Golden, mut out: serde_json::Map<String, Json>) -> Result<(), String> {
    out.insert("name".into(), Json::String(g.name.clone()));
    let got = Json::Object(out);
    if got == g.expected {
        return Ok(());
    }
    let (Some(e), Some(o)) = (g.expected.as_object(), got.as_object()) else {
        return Err(format!("expected {} got {got}", g.expected));
    };
    let mut diffs = Vec::new();
    for (k, ev) in e {
        let gv = o.get(k).unwrap_or(&Json::Null);
        match (ev, gv) {
            (Json::Array(ea), Json::Array(ga)) if ea.len() == ga.len() => {
                for (i, (a, b)) in ea.iter().zip(ga).enumerate() {
                    if a != b {
                        diffs.push(format!("{k}[{i}]: expected {a} got {b}"));
                    }
                }
            }
            _ if ev != gv => diffs.push(format!("{k}: expected {ev} got {gv}")),
            _ => {}
        }
    }
    for k in o.keys().filter(|k| !e.contains_key(*k)) {
        diffs.push(format!("{k}: unexpected {}", o[k]));
    }
    Err(diffs.join("\n    "))
}

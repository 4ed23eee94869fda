//! The index model as Go's `json.Marshal` shows it, normalized for comparison with the oracle's output.

use repo_index::{ChartVersion, IndexFile};
use serde_json::{Map, Value, json};

fn value(v: &chart_model::Value) -> Value {
    use chart_model::Value as V;
    match v {
        V::Null => Value::Null,
        V::Bool(b) => json!(b),
        V::Int(n) | V::Int64(n) => json!(n),
        V::Float64(f) => json!(f),
        V::String(s) => json!(s),
        V::List(items) => Value::Array(items.iter().map(value).collect()),
        V::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), value(v))).collect()),
    }
}

/// A chart version as Go marshals it.
pub fn chart_version(cv: &ChartVersion) -> Value {
    let md = &cv.metadata;
    json!({
        "name": md.name, "home": md.home, "sources": md.sources, "version": md.version,
        "description": md.description, "keywords": md.keywords,
        "maintainers": md.maintainers.iter().map(|m| json!({"name": m.name, "email": m.email, "url": m.url})).collect::<Vec<_>>(),
        "icon": md.icon, "apiVersion": md.api_version, "condition": md.condition, "tags": md.tags,
        "appVersion": md.app_version, "deprecated": md.deprecated, "annotations": md.annotations,
        "kubeVersion": md.kube_version,
        "dependencies": md.dependencies.iter().map(|d| json!({
            "name": d.name, "version": d.version, "repository": d.repository, "condition": d.condition,
            "tags": d.tags, "enabled": d.enabled, "import-values": d.import_values.iter().map(value).collect::<Vec<_>>(),
            "alias": d.alias})).collect::<Vec<_>>(),
        "type": md.chart_type, "urls": cv.urls, "created": go_time(&cv.created), "removed": cv.removed, "digest": cv.digest,
    })
}

/// An index as Go marshals it.
pub fn index(i: &IndexFile) -> Value {
    let entries: Map<String, Value> =
        i.entries.iter().map(|(k, v)| (k.clone(), Value::Array(v.iter().map(chart_version).collect()))).collect();
    json!({"apiVersion": i.api_version, "generated": go_time(&i.generated), "entries": entries,
        "publicKeys": i.public_keys, "annotations": i.annotations})
}

/// An RFC 3339 time as Go prints it after parsing (RFC3339Nano, UTC as `Z`; empty is the zero time).
pub fn go_time(s: &str) -> String {
    if s.is_empty() {
        return "0001-01-01T00:00:00Z".into();
    }
    let mut s = s.replace('t', "T").replace('z', "Z");
    if s.ends_with("+00:00") {
        s.truncate(s.len() - 6);
        s.push('Z');
    }
    if let Some(dot) = s.find('.') {
        let end = s[dot..].find(|c: char| !c.is_ascii_digit() && c != '.').map_or(s.len(), |e| dot + e);
        let frac = s[dot + 1..end].trim_end_matches('0').to_string();
        let tail = s[end..].to_string();
        s.truncate(dot);
        if !frac.is_empty() {
            s.push('.');
            s.push_str(&frac);
        }
        s.push_str(&tail);
    }
    s
}

/// Drops what Go's `omitempty` would drop (and what our model does not keep:
/// `serverInfo` and Helm 2's ignored fields), so both sides compare equal.
pub fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "serverInfo" | "checksum" | "engine" | "tillerVersion" | "url"))
                .map(|(k, v)| (k.clone(), normalize(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) => false,
    }
}

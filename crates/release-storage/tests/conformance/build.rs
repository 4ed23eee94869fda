//! Builds a release from an oracle `release` case with our types, as the oracle builds it with Helm's.

use chart_model::{File, Map, Value};
use release_storage::{
    Hook, HookDeletePolicy, HookEvent, HookExecution, HookOutputLogPolicy, HookPhase, Info, Release, ReleaseChart,
    Status, Time,
};
use serde_json::Value as Json;

fn text(case: &Json, key: &str) -> String {
    case[key].as_str().unwrap_or_default().to_owned()
}

fn time(case: &Json, key: &str) -> Result<Time, String> {
    match case[key].as_str() {
        None | Some("") => Ok(Time::ZERO),
        Some(s) => Time::parse_rfc3339(s),
    }
}

fn words(case: &Json, key: &str) -> Vec<String> {
    case[key].as_array().map(|a| a.iter().filter_map(|w| w.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// The release a case describes.
pub fn release(case: &Json) -> Result<Release, String> {
    let mut r = Release {
        name: text(case, "release_name"),
        namespace: text(case, "namespace"),
        version: case["version"].as_i64().unwrap_or(0),
        manifest: text(case, "manifest"),
        ..Release::default()
    };
    if let Some(labels) = case["labels"].as_object() {
        r.labels = labels.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect();
    }
    if !case["no_info"].as_bool().unwrap_or(false) {
        r.info = Some(Info {
            status: Status::from_word(&text(case, "status")),
            description: text(case, "description"),
            notes: text(case, "notes"),
            first_deployed: time(case, "first_deployed")?,
            last_deployed: time(case, "last_deployed")?,
            deleted: time(case, "deleted")?,
            ..Info::default()
        });
    }
    let mut files: Vec<File> = Vec::new();
    if let Some(m) = case["chart_files"].as_object() {
        files.extend(m.iter().map(|(k, v)| File::new(k.clone(), v.as_str().unwrap_or_default().as_bytes())));
    }
    if let Some(m) = case["binary_files"].as_object() {
        for (k, v) in m {
            let data =
                release_storage::codec::base64_decode(v.as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
            files.push(File::new(k.clone(), data));
        }
    }
    if !files.is_empty() {
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let chart = chart_model::load::from_files(files).map_err(|e| e.to_string())?;
        r.chart = Some(ReleaseChart::from(chart));
    }
    if let Some(config) = case["config"].as_str() {
        r.config = chart_model::yaml::read_values(config.as_bytes()).map_err(|e| e.to_string())?;
    }
    if !case["config_typed"].is_null() {
        match typed(&case["config_typed"])? {
            Value::Map(m) => r.config = m,
            _ => return Err("config_typed must be a map".into()),
        }
    }
    for h in case["hooks"].as_array().into_iter().flatten() {
        r.hooks.push(Hook {
            name: text(h, "name"),
            kind: text(h, "kind"),
            path: text(h, "path"),
            manifest: text(h, "manifest"),
            events: words(h, "events").iter().map(|w| HookEvent::from_word(w)).collect(),
            weight: h["weight"].as_i64().unwrap_or(0),
            delete_policies: words(h, "delete_policies").iter().map(|w| HookDeletePolicy::from_word(w)).collect(),
            output_log_policies: words(h, "output_log_policies")
                .iter()
                .map(|w| HookOutputLogPolicy::from_word(w))
                .collect(),
            last_run: HookExecution {
                started_at: time(h, "started_at")?,
                completed_at: time(h, "completed_at")?,
                phase: HookPhase::from_word(&text(h, "phase")),
            },
        });
    }
    Ok(r)
}

/// The oracle's typed value encoding (tools/oracle/README.md).
fn typed(v: &Json) -> Result<Value, String> {
    Ok(match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(typed).collect::<Result<_, _>>()?),
        Json::Number(_) => return Err("bare numbers are not typed".into()),
        Json::Object(o) => {
            let (kind, inner) = o.iter().next().ok_or("empty typed object")?;
            let num = || inner.as_str().unwrap_or_default();
            match kind.as_str() {
                "int" => Value::Int(num().parse().map_err(|e| format!("{e}"))?),
                "int64" => Value::Int64(num().parse().map_err(|e| format!("{e}"))?),
                "float64" => Value::Float64(match num() {
                    "NaN" => f64::NAN,
                    "+Inf" => f64::INFINITY,
                    "-Inf" => f64::NEG_INFINITY,
                    n => n.parse().map_err(|e| format!("{e}"))?,
                }),
                "map" => {
                    let mut m = Map::new();
                    for (k, v) in inner.as_object().ok_or("map must hold an object")? {
                        m.insert(k.clone(), typed(v)?);
                    }
                    Value::Map(m)
                }
                other => return Err(format!("unknown typed kind {other}")),
            }
        }
    })
}

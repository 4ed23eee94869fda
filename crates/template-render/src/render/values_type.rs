//! Helm's `chartutil.Values`: the type of `.Values`, `.Template` and of the dot itself, a
//! `map[string]interface{}` with methods (`YAML`, `Table`, `AsMap`, `PathValue`, `Encode`)
//! that shadow keys of the same name, and that `typeOf` names `chartutil.Values`.

use std::sync::Arc;

use chart_model::Chart;

use crate::shared_map::MapType;
use crate::value::{GoType, Kind, Map, SharedMap, Signature, Value};

/// The `chartutil.Values` type.
pub struct ValuesType;

/// The one instance maps point at.
pub static VALUES: ValuesType = ValuesType;

const NO_ARGS: Signature = Signature { params: &[], variadic: None };
const ONE_STRING: Signature = Signature { params: &[GoType::String], variadic: None };
const WRITER: Signature = Signature {
    params: &[GoType::Named(&crate::value::NamedType { name: "io.Writer", kind: Kind::Interface })],
    variadic: None,
};

impl MapType for ValuesType {
    fn name(&self) -> &'static str {
        "chartutil.Values"
    }

    fn method(&self, name: &str) -> Option<Signature> {
        // Every field access on values asks: most keys are told apart by their first letter.
        if !matches!(name.as_bytes().first(), Some(b'Y' | b'A' | b'T' | b'P' | b'E')) {
            return None;
        }
        Some(match name {
            "YAML" | "AsMap" => NO_ARGS,
            "Table" | "PathValue" => ONE_STRING,
            "Encode" => WRITER,
            _ => return None,
        })
    }

    fn call_method(&self, map: &Arc<SharedMap>, name: &str, args: &[Value]) -> Result<Value, String> {
        let arg = args.first().and_then(Value::as_str).unwrap_or("");
        match name {
            "YAML" => {
                let v = crate::helm::to_chart_value(&Value::Map(map.clone()))
                    .ok_or_else(|| "json: unsupported type".to_owned())?;
                chart_model::yaml::to_string(&v).map(Value::from).map_err(|e| e.to_string())
            }
            "AsMap" => Ok(Value::map(map.snapshot())),
            "Table" => table(map, arg).map(|m| Value::Map(Arc::new(SharedMap::with_type(m, &VALUES)))),
            "PathValue" => path_value(map, arg),
            _ => Err(format!("{name}: unsupported")),
        }
    }
}

/// A `chartutil.Values` map of `entries`.
pub fn values_map(entries: Map) -> Value {
    Value::Map(Arc::new(SharedMap::with_type(entries, &VALUES)))
}

/// Go's `ErrNoTable`.
fn no_table(key: &str) -> String {
    format!("{} is not a table", crate::quote::go_quote(key))
}

/// `Values.Table`: the map at a dotted path (each step a map).
fn table(map: &SharedMap, name: &str) -> Result<Map, String> {
    let mut current = map.snapshot();
    for part in name.split('.') {
        match current.get(part) {
            Some(Value::Map(m)) => current = m.snapshot(),
            _ => return Err(no_table(part)),
        }
    }
    Ok(current)
}

/// `Values.PathValue`: the value (not a map) at a dotted path.
fn path_value(map: &SharedMap, path: &str) -> Result<Value, String> {
    if path.is_empty() {
        return Err("YAML path cannot be empty".to_owned());
    }
    let no_value = |key: &str| format!("{} is not a value", crate::quote::go_quote(key));
    let is_table = |v: &Value| matches!(v, Value::Map(_));
    let parts: Vec<&str> = path.split('.').collect();
    let (key, parents) = parts.split_last().ok_or_else(|| no_value(path))?;
    let holder =
        if parents.is_empty() { map.snapshot() } else { table(map, &parents.join(".")).map_err(|_| no_value(key))? };
    match holder.get(key) {
        Some(v) if !is_table(v) => Ok(v.clone()),
        _ => Err(no_value(key)),
    }
}

/// The top chart's `.Values` as Helm hands them down: a `chartutil.Values`, and so is the map
/// under each subchart's name (what `Values.Table(name)` returns and the subchart sees),
/// recursively; every other map is a plain `map[string]interface{}`.
pub fn chart_values(values: &chart_model::Map, chart: &Chart) -> Value {
    let entries = values
        .iter()
        .map(|(k, v)| {
            let sub = chart.dependencies.iter().find(|d| d.name() == k);
            let value = match (sub, v) {
                (Some(sub), chart_model::Value::Map(m)) => chart_values(m, sub),
                _ => Value::from(v),
            };
            (Arc::from(k.as_str()), value)
        })
        .collect();
    values_map(entries)
}

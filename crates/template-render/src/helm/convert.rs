//! `toYaml`, `fromYaml`, `toJson`, `fromJson` and their array forms: template values go through
//! chart-model's YAML and JSON, which write and read exactly as Helm's libraries do.

use std::sync::Arc;

use base64::Engine as _;
use chart_model::json::JsonError;

use crate::exec::CallContext;
use crate::registry::FuncError;
use crate::value::{Kind, Value};

/// A template value as a values tree, as `json.Marshal` sees it; `None` for what this port
/// cannot marshal (functions, structs without a values form). Host structs (`.Chart`,
/// `.Capabilities`, times) become what their JSON text reads back as.
pub fn to_chart_value(v: &Value) -> Option<chart_model::Value> {
    to_value(v, true)
}

fn to_value(v: &Value, structs: bool) -> Option<chart_model::Value> {
    if structs && super::marshal::marshals_itself(v) {
        let text = super::marshal::json_text(v)?.ok()?;
        return chart_model::json::from_slice(text.as_bytes()).ok();
    }
    let to_chart_value = |v: &Value| to_value(v, structs);
    Some(match v {
        Value::Invalid | Value::Nil => chart_model::Value::Null,
        Value::Bool(b) => chart_model::Value::Bool(*b),
        Value::Int(n) => chart_model::Value::Int(*n),
        Value::Int64(n) => chart_model::Value::Int64(*n),
        Value::Float64(f) => chart_model::Value::Float64(*f),
        Value::String(s) => chart_model::Value::String(s.to_string()),
        Value::List(l) => chart_model::Value::List(l.iter().map(to_chart_value).collect::<Option<_>>()?),
        Value::Map(m) => chart_model::Value::Map(
            m.read().iter().map(|(k, v)| Some((k.to_string(), to_chart_value(v)?))).collect::<Option<_>>()?,
        ),
        Value::Object(o) => {
            if o.is_nil() {
                return Some(chart_model::Value::Null);
            }
            match o.kind() {
                Kind::Bool => return None,
                Kind::Int => chart_model::Value::Int64(o.int()?),
                Kind::Uint => chart_model::Value::Int64(i64::try_from(o.uint()?).ok()?),
                Kind::Float => chart_model::Value::Float64(o.float()?),
                Kind::String => chart_model::Value::String(o.str()?.to_owned()),
                // encoding/json writes a []byte as base64 text.
                Kind::Slice if o.type_name() == "[]uint8" => {
                    let bytes: Vec<u8> = o
                        .elements()?
                        .iter()
                        .map(|e| e.as_uint().and_then(|b| u8::try_from(b).ok()))
                        .collect::<Option<_>>()?;
                    chart_model::Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
                }
                Kind::Slice => {
                    chart_model::Value::List(o.elements()?.iter().map(to_chart_value).collect::<Option<_>>()?)
                }
                Kind::Map => chart_model::Value::Map(
                    o.fields().iter().map(|(k, v)| Some((k.to_string(), to_chart_value(v)?))).collect::<Option<_>>()?,
                ),
                Kind::Pointer | Kind::Struct if structs => {
                    let text = super::marshal::json_text(v)?.ok()?;
                    return chart_model::json::from_slice(text.as_bytes()).ok();
                }
                _ => return None,
            }
        }
    })
}

/// A values tree as a template value.
pub fn from_chart_value(v: &chart_model::Value) -> Value {
    Value::from(v)
}

fn yaml_text(v: &Value) -> Option<String> {
    let text = if super::yaml_node::is_plain(v) {
        chart_model::yaml::to_string(v)
    } else {
        chart_model::yaml::to_string(&to_chart_value(v)?)
    };
    text.ok().map(trim_newline)
}

/// `toYaml` trims `yaml.Marshal`'s final newline (in place, without a copy).
fn trim_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

pub(super) fn to_yaml(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(yaml_text(&a[0]).unwrap_or_default()))
}

pub(super) fn must_to_yaml(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    if let Some(Err(e)) = super::marshal::json_text(&a[0]) {
        return Err(e);
    }
    let v = to_chart_value(&a[0]).ok_or_else(|| format!("json: unsupported type: {}", a[0].type_name()))?;
    let text = chart_model::yaml::to_string(&v).map_err(|e| e.to_string())?;
    Ok(Value::from(trim_newline(text)))
}

/// `toYamlPretty`: go-yaml v3 with an indent of 2 (see [`super::yaml_pretty`]).
pub(super) fn to_yaml_pretty(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(super::yaml_pretty::to_yaml_pretty(&a[0]).unwrap_or_default()))
}

pub(super) fn from_yaml(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let text = a[0].as_str().unwrap_or("");
    Ok(match chart_model::yaml::from_slice_map(text.as_bytes()) {
        Ok(m) => Value::from(&m),
        Err(e) => error_map(e.to_string()),
    })
}

pub(super) fn from_yaml_array(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let text = a[0].as_str().unwrap_or("");
    Ok(match chart_model::yaml::from_slice_list(text.as_bytes()) {
        Ok(l) => Value::list(l.iter().map(Value::from).collect()),
        Err(e) => Value::list(vec![Value::from(e.to_string())]),
    })
}

pub(super) fn to_json(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let text = super::marshal::json_text(&a[0]).and_then(Result::ok).unwrap_or_default();
    Ok(Value::from(text))
}

fn error_map(message: String) -> Value {
    let mut m = crate::value::Map::new();
    m.insert(Arc::from("Error"), Value::from(message));
    Value::map(m)
}

/// What `encoding/json` calls a JSON value when it cannot store it in the target type.
fn json_kind(v: &chart_model::Value) -> &'static str {
    match v {
        chart_model::Value::Null => "null",
        chart_model::Value::Bool(_) => "bool",
        chart_model::Value::String(_) => "string",
        chart_model::Value::List(_) => "array",
        chart_model::Value::Map(_) => "object",
        _ => "number",
    }
}

fn read_json(text: &str) -> Result<chart_model::Value, JsonError> {
    chart_model::json::from_slice(text.as_bytes())
}

pub(super) fn from_json(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let text = a[0].as_str().unwrap_or("");
    Ok(match read_json(text) {
        Ok(chart_model::Value::Map(m)) => Value::from(&m),
        Ok(chart_model::Value::Null) => Value::map(Default::default()),
        Ok(other) => error_map(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
        Err(e) => error_map(e.to_string()),
    })
}

pub(super) fn from_json_array(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let text = a[0].as_str().unwrap_or("");
    Ok(match read_json(text) {
        Ok(chart_model::Value::List(l)) => Value::list(l.iter().map(Value::from).collect()),
        Ok(chart_model::Value::Null) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::from(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))]),
        Err(e) => Value::list(vec![Value::from(e.to_string())]),
    })
}

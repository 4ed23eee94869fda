//! sigs.k8s.io/yaml's trip through JSON: keys become strings, numbers `float64`, NaN and infinities are refused.

use crate::value::{Map, Value};
use crate::yaml::decode::GoValue;
use crate::yaml::gofmt::{format_g, lossy_utf8, sharp_v, type_name};
use crate::yaml::resolve::Scalar;

/// A container being converted: the children still to do and the result so far.
enum Work {
    Seq { items: std::vec::IntoIter<GoValue>, out: Vec<Value> },
    Map { pairs: std::vec::IntoIter<(GoValue, GoValue)>, out: Map, key: String },
}

/// `convertToJSONableObject`, `json.Marshal` and `json.Unmarshal` into an `interface{}` in one pass;
/// the error is the message sigs.k8s.io/yaml wraps in `error converting YAML to JSON: `.
pub(crate) fn to_json(root: GoValue) -> Result<Value, String> {
    let value = convert(root)?;
    check_finite(&value)?;
    Ok(value)
}

fn convert(root: GoValue) -> Result<Value, String> {
    let mut stack: Vec<Work> = Vec::new();
    let mut current = root;
    loop {
        let mut pending = match &mut current {
            GoValue::Scalar(s) => Some(scalar_value(std::mem::replace(s, Scalar::Null))),
            GoValue::Seq(items) => {
                let items = std::mem::take(items);
                stack.push(Work::Seq { out: Vec::with_capacity(items.len()), items: items.into_iter() });
                None
            }
            GoValue::Map(pairs) => {
                stack.push(Work::Map { pairs: std::mem::take(pairs).into_iter(), out: Map::new(), key: String::new() });
                None
            }
        };
        // Hand the finished value up, then find the next child to convert.
        loop {
            let Some(top) = stack.last_mut() else {
                return Ok(pending.unwrap_or_default());
            };
            match top {
                Work::Seq { items, out } => {
                    out.extend(pending.take());
                    if let Some(next) = items.next() {
                        current = next;
                        break;
                    }
                }
                Work::Map { pairs, out, key } => {
                    if let Some(value) = pending.take() {
                        // Keys equal only as strings (`1` and "1") collide; Go keeps either, we keep the last.
                        out.insert(std::mem::take(key), value);
                    }
                    if let Some((k, v)) = pairs.next() {
                        *key = key_string(k, &v)?;
                        current = v;
                        break;
                    }
                }
            }
            pending = match stack.pop() {
                Some(Work::Seq { out, .. }) => Some(Value::List(out)),
                Some(Work::Map { out, .. }) => Some(Value::Map(out)),
                None => None,
            };
        }
    }
}

fn scalar_value(scalar: Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        // JSON has one number type, read back as float64.
        Scalar::Int(i) => Value::Float64(i as f64),
        Scalar::Uint(u) => Value::Float64(u as f64),
        Scalar::Float(f) => Value::Float64(f),
        Scalar::Str(bytes) => Value::String(lossy_utf8(bytes)),
    }
}

/// How sigs.k8s.io/yaml turns a go-yaml key into a JSON object key.
fn key_string(key: GoValue, value: &GoValue) -> Result<String, String> {
    match &key {
        GoValue::Scalar(Scalar::Str(bytes)) => Ok(lossy_utf8(bytes.clone())),
        GoValue::Scalar(Scalar::Int(i)) => Ok(i.to_string()),
        GoValue::Scalar(Scalar::Bool(b)) => Ok(b.to_string()),
        // Formatted as float32, as go-yaml's encoder once did.
        GoValue::Scalar(Scalar::Float(f)) => Ok(match format_g(*f, true).as_str() {
            "+Inf" => ".inf".to_owned(),
            "-Inf" => "-.inf".to_owned(),
            "NaN" => ".nan".to_owned(),
            s => s.to_owned(),
        }),
        _ => Err(format!(
            "unsupported map key of type: {}, key: {}, value: {}",
            type_name(&key),
            sharp_v(&key),
            sharp_v(value)
        )),
    }
}

/// `encoding/json`'s scanner refuses nesting deeper than this.
const MAX_JSON_DEPTH: usize = 10_000;

/// `encoding/json` reading the JSON text back: the first array or object nested deeper than it
/// accepts, as its syntax error (sigs.k8s.io/yaml wraps it in `error unmarshaling JSON: ...`).
pub(crate) fn check_json_depth(value: &Value) -> Result<(), String> {
    let mut work = vec![(value, 1usize)];
    while let Some((v, depth)) = work.pop() {
        let opening = match v {
            Value::List(items) => {
                work.extend(items.iter().rev().map(|item| (item, depth + 1)));
                '['
            }
            Value::Map(m) => {
                work.extend(m.values().rev().map(|item| (item, depth + 1)));
                '{'
            }
            _ => continue,
        };
        if depth > MAX_JSON_DEPTH {
            return Err(format!("invalid character '{opening}' exceeded max depth"));
        }
    }
    Ok(())
}

/// `json.Marshal` refuses NaN and infinities; the first one in its order (sorted keys) is named.
fn check_finite(value: &Value) -> Result<(), String> {
    let mut work = vec![value];
    while let Some(v) = work.pop() {
        match v {
            Value::Float64(f) if !f.is_finite() => {
                return Err(format!("json: unsupported value: {}", format_g(*f, false)));
            }
            Value::List(items) => work.extend(items.iter().rev()),
            Value::Map(m) => work.extend(m.values().rev()),
            _ => {}
        }
    }
    Ok(())
}

//! Decoding the oracle's typed JSON (tools/oracle/README.md) into `Value`s.

use chart_model::{Map, Value};
use serde_json::Value as Json;

/// Decodes a typed JSON value; panics with the offending JSON when it is not one.
pub fn decode(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(decode).collect()),
        Json::Object(obj) => {
            assert_eq!(obj.len(), 1, "typed value must have one tag: {json}");
            let (tag, inner) = obj.iter().next().expect("one entry");
            match (tag.as_str(), inner) {
                ("map", Json::Object(m)) => Value::Map(m.iter().map(|(k, v)| (k.clone(), decode(v))).collect::<Map>()),
                ("int", Json::String(s)) => Value::Int(s.parse().expect("int")),
                ("int64", Json::String(s)) => Value::Int64(s.parse().expect("int64")),
                ("float64", Json::String(s)) => Value::Float64(parse_go_float(s)),
                _ => panic!("not a typed value the tests know: {json}"),
            }
        }
        Json::Number(_) => panic!("bare number in typed JSON: {json}"),
    }
}

/// Encodes a `Value` as typed JSON, for writing cases.
#[allow(dead_code)]
pub fn encode(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::String(s) => Json::String(s.clone()),
        Value::Int(n) => serde_json::json!({ "int": n.to_string() }),
        Value::Int64(n) => serde_json::json!({ "int64": n.to_string() }),
        Value::Float64(f) => serde_json::json!({ "float64": format_go_float(*f) }),
        Value::List(items) => Json::Array(items.iter().map(encode).collect()),
        Value::Map(m) => {
            let inner: serde_json::Map<String, Json> = m.iter().map(|(k, v)| (k.clone(), encode(v))).collect();
            serde_json::json!({ "map": inner })
        }
    }
}

fn parse_go_float(s: &str) -> f64 {
    match s {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        _ => s.parse().expect("float64"),
    }
}

/// Shortest round-trip text of a float; only used to make readable test data.
fn format_go_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        format!("{f:?}")
    }
}

/// Values equal as Go would see them (NaN equal to NaN, so goldens can hold it).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float64(x), Value::Float64(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}

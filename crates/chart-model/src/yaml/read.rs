//! Reading YAML into Go-typed values as `sigs.k8s.io/yaml.Unmarshal` does, for each Go target Helm uses.
//!
//! The steps are go-yaml v2's: compose the first document, decode it into
//! `interface{}` (aliases, merges, YAML 1.1 scalars), then sigs.k8s.io/yaml's
//! JSON round trip, then `encoding/json` into the target type.

use crate::value::{Map, Value};
use crate::yaml::YamlError;
use crate::yaml::compose::compose;
use crate::yaml::decode::decode;
use crate::yaml::jsonify::{check_json_depth, to_json};

/// See [`crate::yaml::from_slice`].
pub(crate) fn from_slice(data: &[u8]) -> Result<Value, YamlError> {
    unmarshal(data)
}

/// See [`crate::yaml::read_values`].
pub(crate) fn read_values(data: &[u8]) -> Result<Map, YamlError> {
    into_map(unmarshal(data)?, "chartutil.Values")
}

/// See [`crate::yaml::from_slice_map`].
pub(crate) fn from_slice_map(data: &[u8]) -> Result<Map, YamlError> {
    into_map(unmarshal(data)?, "map[string]interface {}")
}

/// See [`crate::yaml::from_slice_list`].
pub(crate) fn from_slice_list(data: &[u8]) -> Result<Vec<Value>, YamlError> {
    match unmarshal(data)? {
        Value::List(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        other => {
            let error = type_error(&other, "[]interface {}");
            dismantle(other);
            Err(error)
        }
    }
}

/// `sigs.k8s.io/yaml.Unmarshal` into an `interface{}`.
fn unmarshal(data: &[u8]) -> Result<Value, YamlError> {
    let converting = |e: String| YamlError::new(format!("error converting YAML to JSON: {e}"));
    let document = compose(data).map_err(converting)?;
    let decoded = decode(&document).map_err(converting)?;
    drop(document);
    let value = to_json(decoded).map_err(converting)?;
    if let Err(e) = check_json_depth(&value) {
        dismantle(value);
        return Err(YamlError::new(format!("{DECODING}{e}")));
    }
    Ok(value)
}

/// Drops a value that may be nested thousands deep without recursing (`Value`'s own drop does).
fn dismantle(value: Value) {
    let mut work = vec![value];
    while let Some(mut v) = work.pop() {
        match &mut v {
            Value::List(items) => work.append(items),
            Value::Map(m) => work.extend(std::mem::take(m).into_values()),
            _ => {}
        }
    }
}

const DECODING: &str = "error unmarshaling JSON: while decoding JSON: ";

/// `encoding/json` into a map type: `null` leaves it empty, anything but an object is refused.
fn into_map(value: Value, go_type: &str) -> Result<Map, YamlError> {
    match value {
        Value::Map(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => {
            let error = type_error(&other, go_type);
            dismantle(other);
            Err(error)
        }
    }
}

/// `json: cannot unmarshal ...` as sigs.k8s.io/yaml wraps it.
fn type_error(value: &Value, go_type: &str) -> YamlError {
    let kind = match value {
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    };
    YamlError::new(format!("{DECODING}json: cannot unmarshal {kind} into Go value of type {go_type}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs on a thread with room for the deep values these tests build and compare.
    fn with_big_stack(f: impl FnOnce() + Send + 'static) {
        let handle = std::thread::Builder::new().stack_size(256 << 20).spawn(f).expect("thread");
        assert!(handle.join().is_ok());
    }

    #[test]
    fn nesting_up_to_go_yaml_limits_is_read() {
        with_big_stack(|| {
            let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
            let value = from_slice(flow.as_bytes()).expect("10000 flow levels are allowed");
            let mut depth = 0;
            let mut v = &value;
            while let Value::List(items) = v {
                depth += 1;
                match items.first() {
                    Some(inner) => v = inner,
                    None => break,
                }
            }
            assert_eq!(depth, 10_000);
            dismantle(value);
            let block = format!("{}x", "- ".repeat(9_999));
            let value = from_slice(block.as_bytes()).expect("9999 block levels are allowed");
            dismantle(value);
        });
    }

    #[test]
    fn alias_chains_past_the_decoded_depth_are_refused() {
        // Each anchor nests the previous one a level deeper: no scanner limit applies.
        let mut doc = String::from("- &a0 [x]\n");
        for i in 1..=20_001 {
            doc.push_str(&format!("- &a{i} [*a{}]\n", i - 1));
        }
        let err = from_slice(doc.as_bytes()).expect_err("too deep after expansion");
        assert!(err.message().contains("exceeded max depth of 20000") || err.message().contains("excessive aliasing"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut doc = String::from("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        let mut prev = 'a';
        for name in "bcdefghi".chars() {
            doc.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
            prev = name;
        }
        let err = from_slice(doc.as_bytes()).expect_err("bomb");
        assert_eq!(err.message(), "error converting YAML to JSON: yaml: document contains excessive aliasing");
    }
}

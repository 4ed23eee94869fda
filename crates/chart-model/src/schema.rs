//! values.schema.json validation of a chart and every subchart, as Helm's
//! `chartutil.ValidateAgainstSchema`, with the `jsonschema` crate.
//!
//! Helm validates with santhosh-tekuri/jsonschema; the messages here are
//! written in that library's words (`- at '/replicas': got string, want
//! integer`) for the keywords charts use. Where the crates differ: errors
//! are listed flat (no `validation failed` groups), keywords without a
//! translation keep the Rust crate's message, and remote `$ref`s are not
//! fetched (chart-model does no network IO).

use std::fmt::Write as _;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value as Json;

use crate::chart::Chart;
use crate::value::{Map, Value};

/// Values that do not satisfy the schemas: Helm's text, one block per chart
/// (`name:\n- at '/path': message\n`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SchemaError {
    message: String,
}

impl SchemaError {
    /// The text, as Helm prints it after the "values don't meet..." line.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Helm's `ValidateAgainstSchema`: the chart's schema against `values`, then
/// each subchart's against the values under its name.
pub fn validate_against_schema(chart: &Chart, values: &Map) -> Result<(), SchemaError> {
    let mut out = String::new();
    collect(chart, values, &mut out);
    if out.is_empty() { Ok(()) } else { Err(SchemaError { message: out }) }
}

fn collect(chart: &Chart, values: &Map, out: &mut String) {
    if let Some(schema) = &chart.schema
        && let Err(e) = validate_against_single_schema(values, schema)
    {
        let _ = write!(out, "{}:\n{e}", chart.name());
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Null) => {}
            Some(Value::Map(m)) => collect(sub, m, out),
            Some(other) => {
                let _ = writeln!(
                    out,
                    "{}:\ninvalid type for values: expected object (map), got {}",
                    sub.name(),
                    other.go_type_name()
                );
            }
        }
    }
}

/// Helm's `ValidateAgainstSingleSchema`: one schema document against values.
/// The error text ends with a newline, as Helm's does.
pub fn validate_against_single_schema(values: &Map, schema: &[u8]) -> Result<(), String> {
    let schema = parse_schema(schema)?;
    let validator = jsonschema::options().build(&schema).map_err(|e| e.to_string())?;
    let instance = to_json(&Value::Map(values.clone()));
    let mut lines: Vec<String> = Vec::new();
    let mut required: Vec<(String, Vec<String>)> = Vec::new();
    for error in validator.iter_errors(&instance) {
        let at = quote(error.instance_path().as_str());
        if let ValidationErrorKind::Required { property } = error.kind() {
            // Helm's library reports every missing property of an object at once.
            let name = property.as_str().map_or_else(|| property.to_string(), str::to_owned);
            match required.iter_mut().find(|(p, _)| *p == at) {
                Some((_, names)) => names.push(name),
                None => {
                    required.push((at.clone(), vec![name]));
                    lines.push(at);
                }
            }
            continue;
        }
        let message = describe(error.kind(), error.instance()).unwrap_or_else(|| error.to_string());
        lines.push(format!("- at {at}: {message}"));
    }
    if lines.is_empty() {
        return Ok(());
    }
    let mut out = String::new();
    for line in lines {
        match required.iter().find(|(p, _)| *p == line) {
            Some((at, names)) if names.len() == 1 => {
                let _ = writeln!(out, "- at {at}: missing property {}", quote(&names[0]));
            }
            Some((at, names)) => {
                let list: Vec<String> = names.iter().map(|n| quote(n)).collect();
                let _ = writeln!(out, "- at {at}: missing properties {}", list.join(", "));
            }
            None => {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    Err(out)
}

/// santhosh-tekuri's `UnmarshalJSON`: one JSON document read with a Go
/// `json.Decoder`, with nothing after it.
fn parse_schema(data: &[u8]) -> Result<Json, String> {
    if data.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
        return Err("EOF".to_owned());
    }
    let end = crate::strvals::json_scan::first_value_len(data)?;
    if !data[end..].iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
        return Err("invalid character after top-level value".to_owned());
    }
    serde_json::from_slice(&data[..end]).map_err(|e| e.to_string())
}

/// The message santhosh-tekuri/jsonschema gives for an error kind.
fn describe(kind: &ValidationErrorKind, instance: &Json) -> Option<String> {
    let message = match kind {
        ValidationErrorKind::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" or "),
            };
            format!("got {}, want {want}", type_of(instance))
        }
        ValidationErrorKind::Enum { options } => match options.as_array() {
            Some(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
                if items.len() == 1 {
                    format!("value must be {}", display(&items[0]))
                } else {
                    let want: Vec<String> = items.iter().map(display).collect();
                    format!("value must be one of {}", want.join(", "))
                }
            }
            _ => "'enum' failed".to_owned(),
        },
        ValidationErrorKind::Constant { expected_value } => {
            if expected_value.is_array() || expected_value.is_object() {
                "'const' failed".to_owned()
            } else {
                format!("value must be {}", display(expected_value))
            }
        }
        ValidationErrorKind::Minimum { limit } => format!("minimum: got {}, want {}", number(instance), number(limit)),
        ValidationErrorKind::Maximum { limit } => format!("maximum: got {}, want {}", number(instance), number(limit)),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("exclusiveMinimum: got {}, want {}", number(instance), number(limit))
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("exclusiveMaximum: got {}, want {}", number(instance), number(limit))
        }
        ValidationErrorKind::MinLength { limit } => format!("minLength: got {}, want {limit}", char_count(instance)),
        ValidationErrorKind::MaxLength { limit } => format!("maxLength: got {}, want {limit}", char_count(instance)),
        ValidationErrorKind::MinItems { limit } => format!("minItems: got {}, want {limit}", len(instance)),
        ValidationErrorKind::MaxItems { limit } => format!("maxItems: got {}, want {limit}", len(instance)),
        ValidationErrorKind::MinProperties { limit } => format!("minProperties: got {}, want {limit}", len(instance)),
        ValidationErrorKind::MaxProperties { limit } => format!("maxProperties: got {}, want {limit}", len(instance)),
        ValidationErrorKind::Pattern { pattern } => {
            format!("{} does not match pattern {}", quote(instance.as_str().unwrap_or_default()), quote(pattern))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let list: Vec<String> = unexpected.iter().map(|p| quote(p)).collect();
            format!("additional properties {} not allowed", list.join(", "))
        }
        ValidationErrorKind::FalseSchema => "false schema".to_owned(),
        ValidationErrorKind::AnyOf { .. } => "'anyOf' failed".to_owned(),
        ValidationErrorKind::OneOfNotValid { .. } => "'oneOf' failed, none matched".to_owned(),
        ValidationErrorKind::Not { .. } => "'not' failed".to_owned(),
        ValidationErrorKind::MultipleOf { multiple_of, .. } => {
            format!("multipleOf: got {}, want {}", number(instance), number(&Json::from(*multiple_of)))
        }
        // Keywords without a translation keep the Rust crate's message.
        _ => return None,
    };
    Some(message)
}

/// santhosh-tekuri's `quote`: Go's `%q`, with `"` unescaped and `'` escaped, in single quotes.
fn quote(s: &str) -> String {
    let q = crate::strvals::quote::go_quote(s);
    let inner = q[1..q.len() - 1].replace("\\\"", "\"").replace('\'', "\\'");
    format!("'{inner}'")
}

/// santhosh-tekuri's `display` of a primitive.
fn display(v: &Json) -> String {
    match v {
        Json::String(s) => quote(s),
        Json::Array(_) | Json::Object(_) => "value".to_owned(),
        Json::Null => "<nil>".to_owned(),
        other => other.to_string(),
    }
}

fn type_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// A number as Helm's message printer (golang.org/x/text, English) shows
/// `%v`: thousands grouped with commas.
fn number(v: &Json) -> String {
    let Some(f) = v.as_f64() else { return v.to_string() };
    let text = crate::json::float_text::format_g(f);
    if text.contains(['e', 'N', 'I']) {
        return text;
    }
    let (sign, rest) = text.strip_prefix('-').map_or(("", text.as_str()), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn char_count(v: &Json) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

fn len(v: &Json) -> usize {
    match v {
        Json::Array(a) => a.len(),
        Json::Object(o) => o.len(),
        _ => 0,
    }
}

/// Values as JSON for the validator. NaN and infinities have no JSON form;
/// they become null.
fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(n) | Value::Int64(n) => Json::from(*n),
        Value::Float64(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

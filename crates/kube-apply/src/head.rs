//! `SimpleHead`: the apiVersion, kind, name and annotations Helm reads from each document.

use std::collections::BTreeMap;

use chart_model::Value;

use crate::go_float::format_g32;

/// The head of a manifest, as Helm's `releaseutil.SimpleHead`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleHead {
    /// `apiVersion` ("" when absent).
    pub api_version: String,
    /// `kind` ("" when absent).
    pub kind: String,
    /// `metadata`, absent when the document has none (or `metadata: null`).
    pub metadata: Option<HeadMetadata>,
}

/// The part of `metadata` Helm reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeadMetadata {
    /// `metadata.name` ("" when absent).
    pub name: String,
    /// `metadata.annotations`, absent when missing or null.
    pub annotations: Option<BTreeMap<String, String>>,
}

impl SimpleHead {
    /// The object's name, "" without metadata.
    pub fn name(&self) -> &str {
        self.metadata.as_ref().map_or("", |m| m.name.as_str())
    }

    /// One annotation, if present.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata.as_ref()?.annotations.as_ref()?.get(key).map(String::as_str)
    }

    /// Whether the document has any annotation at all (Helm's `hasAnyAnnotation`).
    pub fn has_any_annotation(&self) -> bool {
        self.metadata.as_ref().and_then(|m| m.annotations.as_ref()).is_some_and(|a| !a.is_empty())
    }

    /// Reads a head from one document as `sigs.k8s.io/yaml.Unmarshal` into
    /// `SimpleHead` does; the error is Helm's message after `YAML parse error on <path>: `.
    pub fn parse(document: &str) -> Result<SimpleHead, String> {
        let value = chart_model::yaml::from_slice(document.as_bytes()).map_err(|e| e.message().to_owned())?;
        let mut errors = FirstError::default();
        let head = match &value {
            Value::Null => SimpleHead::default(),
            Value::Map(map) => {
                let mut head = SimpleHead::default();
                // Keys arrive sorted, as in the JSON that encoding/json decodes;
                // a later key matching the same field wins.
                for (key, v) in map {
                    match field(key, &["apiVersion", "kind", "metadata"]) {
                        Some("apiVersion") => {
                            if let Some(s) = string_field(v, "SimpleHead.apiVersion", &mut errors) {
                                head.api_version = s;
                            }
                        }
                        Some("kind") => {
                            if let Some(s) = string_field(v, "SimpleHead.kind", &mut errors) {
                                head.kind = s;
                            }
                        }
                        Some(_) => metadata_field(v, &mut head, &mut errors),
                        None => {}
                    }
                }
                head
            }
            other => {
                return Err(format!(
                    "{DECODING}json: cannot unmarshal {} into Go value of type releaseutil.SimpleHead",
                    json_kind(other)
                ));
            }
        };
        match errors.0 {
            Some(e) => Err(e),
            None => Ok(head),
        }
    }
}

const DECODING: &str = "error unmarshaling JSON: while decoding JSON: ";
const METADATA_TYPE: &str =
    r#"struct { Name string "json:\"name\""; Annotations map[string]string "json:\"annotations\"" }"#;

/// The first decoding error, as encoding/json keeps it while decoding on.
#[derive(Default)]
struct FirstError(Option<String>);

impl FirstError {
    fn type_error(&mut self, value: &Value, field: &str, go_type: &str) {
        if self.0.is_none() {
            self.0 = Some(format!(
                "{DECODING}json: cannot unmarshal {} into Go struct field {field} of type {go_type}",
                json_kind(value)
            ));
        }
    }
}

/// encoding/json's field match: exact first, else ASCII case-insensitive.
fn field<'a>(key: &str, names: &[&'a str]) -> Option<&'a str> {
    names.iter().find(|n| **n == key).or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(key))).copied()
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Null => "null",
        _ => "number",
    }
}

/// A scalar read into a Go string: sigs.k8s.io/yaml turns numbers and
/// booleans into text first; `null` leaves the field as it was.
fn string_field(value: &Value, field: &str, errors: &mut FirstError) -> Option<String> {
    match value {
        Value::Null => None,
        Value::List(_) | Value::Map(_) => {
            errors.type_error(value, field, "string");
            None
        }
        scalar => Some(scalar_text(scalar)),
    }
}

/// The text sigs.k8s.io/yaml gives a scalar bound for a string field.
///
/// The values arrive after the JSON round trip, where YAML integers became
/// float64; an integral value is taken to have been an integer (Go prints it
/// with `FormatInt`), anything else is printed as Go's 32-bit `%g`.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Float64(f) => {
            if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
                #[allow(clippy::cast_possible_truncation)]
                let i = *f as i64;
                i.to_string()
            } else {
                format_g32(*f)
            }
        }
        _ => String::new(),
    }
}

fn metadata_field(value: &Value, head: &mut SimpleHead, errors: &mut FirstError) {
    match value {
        Value::Null => head.metadata = None,
        Value::Map(map) => {
            let metadata = head.metadata.get_or_insert_with(HeadMetadata::default);
            for (key, v) in map {
                match field(key, &["name", "annotations"]) {
                    Some("name") => {
                        if let Some(s) = string_field(v, ".metadata.name", errors) {
                            metadata.name = s;
                        }
                    }
                    Some(_) => annotations_field(v, metadata, errors),
                    None => {}
                }
            }
        }
        other => errors.type_error(other, "SimpleHead.metadata", METADATA_TYPE),
    }
}

fn annotations_field(value: &Value, metadata: &mut HeadMetadata, errors: &mut FirstError) {
    match value {
        Value::Null => metadata.annotations = None,
        Value::Map(map) => {
            let annotations = metadata.annotations.get_or_insert_with(BTreeMap::new);
            for (key, v) in map {
                match v {
                    // A null element becomes the zero string.
                    Value::Null => {
                        annotations.insert(key.clone(), String::new());
                    }
                    Value::List(_) | Value::Map(_) => errors.type_error(v, ".metadata.annotations", "string"),
                    scalar => {
                        annotations.insert(key.clone(), scalar_text(scalar));
                    }
                }
            }
        }
        other => errors.type_error(other, ".metadata.annotations", "map[string]string"),
    }
}

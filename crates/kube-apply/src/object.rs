//! `Resource`: one manifest document as a JSON object, mapped to its API resource.

use std::fmt;

use chart_model::Value;
use kube::api::ApiResource;
use serde_json::Value as Json;

use crate::error::{Error, Result};

/// One object to send to the cluster: its JSON, where it lives and how to address it.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The object as JSON (what the manifest says, plus anything the caller set).
    pub object: Json,
    /// The API resource serving its kind.
    pub api_resource: ApiResource,
    /// Whether the resource lives in a namespace.
    pub namespaced: bool,
    /// Its namespace ("" for cluster-scoped objects).
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl Resource {
    /// The object's kind.
    pub fn kind(&self) -> &str {
        &self.api_resource.kind
    }

    /// A reference to the object, for messages and events.
    pub fn reference(&self) -> ObjectRef {
        ObjectRef { kind: self.api_resource.kind.clone(), name: self.name.clone(), namespace: self.namespace.clone() }
    }
}

/// Kind, name and namespace of an object; displays as Helm names objects in messages:
/// `Kind "name" in namespace "ns"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its namespace ("" when cluster-scoped).
    pub namespace: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?} in namespace {:?}", self.kind, self.name, self.namespace)
    }
}

/// Reads one document into JSON as Helm's resource builder does (YAML to
/// JSON; integral numbers are written as integers, as Go's JSON writes float64).
/// A document with no content (only comments) gives `None`.
pub fn document_to_json(source_name: &str, document: &str) -> Result<Option<Json>> {
    let value = chart_model::yaml::from_slice(document.as_bytes())
        .map_err(|e| Error::Parse { path: source_name.to_owned(), message: e.message().to_owned() })?;
    match value {
        Value::Null => Ok(None),
        Value::Map(_) => Ok(Some(to_json(&value))),
        _ => Err(Error::InvalidObject {
            source_name: source_name.to_owned(),
            message: "a manifest must be a YAML map".to_owned(),
        }),
    }
}

/// A values tree as JSON.
pub(crate) fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) | Value::Int64(i) => Json::from(*i),
        Value::Float64(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                #[allow(clippy::cast_possible_truncation)]
                let i = *f as i64;
                Json::from(i)
            } else {
                serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number)
            }
        }
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

/// `object.metadata.<field>` as a string map (labels, annotations), empty when absent.
pub(crate) fn string_map(object: &Json, field: &str) -> std::collections::BTreeMap<String, String> {
    object
        .pointer(&format!("/metadata/{field}"))
        .and_then(Json::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect())
        .unwrap_or_default()
}

/// A string at a JSON pointer, "" when absent.
pub(crate) fn str_at<'a>(object: &'a Json, pointer: &str) -> &'a str {
    object.pointer(pointer).and_then(Json::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn documents_become_json_with_integers() {
        let doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 3\n  ratio: 0.5\n  on: yes\n";
        let json = document_to_json("t.yaml", doc).unwrap().unwrap();
        assert_eq!(json["spec"], json!({"replicas": 3, "ratio": 0.5, "true": true}));
        assert!(json["spec"]["replicas"].is_i64());
        assert_eq!(document_to_json("t.yaml", "# only a comment\n").unwrap(), None);
        let err = document_to_json("t.yaml", "- a\n").unwrap_err();
        assert_eq!(err.to_string(), "invalid object in t.yaml: a manifest must be a YAML map");
        let err = document_to_json("t.yaml", "a: b: c\n").unwrap_err();
        // go-yaml names no line for an error on the first one.
        assert_eq!(
            err.to_string(),
            "YAML parse error on t.yaml: error converting YAML to JSON: yaml: mapping values are not allowed in this context"
        );
    }

    #[test]
    fn object_ref_displays_as_helm() {
        let r = ObjectRef { kind: "ConfigMap".into(), name: "x".into(), namespace: "".into() };
        assert_eq!(r.to_string(), r#"ConfigMap "x" in namespace """#);
    }
}

//! `Value`: a values tree with Go's types, as Helm holds values in `map[string]interface{}`.

use std::collections::BTreeMap;

/// A map of values. Go maps are unordered; everything Helm prints from them
/// (templates ranging over a map, `toYaml`, `toJson`) sorts keys bytewise,
/// which is the order of a `BTreeMap<String, _>`.
pub type Map = BTreeMap<String, Value>;

/// One value with the Go type Helm would give it.
///
/// The distinction between the number types matters: values read from YAML
/// are `float64` (Helm decodes them through JSON), `--set` integers are
/// `int64`, and template literals are `int`; `{{ typeOf }}`, `printf "%T"`
/// and float formatting (`1e+06`) all show the difference.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// Go `nil`.
    #[default]
    Null,
    /// Go `bool`.
    Bool(bool),
    /// Go `int` (64 bits on every platform Helm ships for).
    Int(i64),
    /// Go `int64`.
    Int64(i64),
    /// Go `float64`.
    Float64(f64),
    /// Go `string`.
    String(String),
    /// Go `[]interface{}`.
    List(Vec<Value>),
    /// Go `map[string]interface{}`.
    Map(Map),
}

impl Value {
    /// The Go type name as `printf "%T"` prints it.
    pub fn go_type_name(&self) -> &'static str {
        match self {
            Value::Null => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float64(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Map(_) => "map[string]interface {}",
        }
    }

    /// The map inside, if this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The map inside, mutably, if this is a map.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is Go `nil`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

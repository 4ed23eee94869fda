//! YAML as Helm reads and writes it: values files, `fromYaml`, `toYaml`.
//!
//! Helm reads YAML through `sigs.k8s.io/yaml`: go-yaml v2 resolves scalars
//! with YAML 1.1 rules, then the tree goes through JSON, so every number
//! becomes a `float64` and every key a string. Writing is the reverse: JSON
//! first, then go-yaml v2's emitter.

mod compose;
mod decode;
mod emit;
mod emit_block;
mod error;
mod gofmt;
mod input;
mod jsonify;
mod key_order;
mod node;
mod plain;
mod read;
mod reread;
mod resolve;
mod write;

pub use error::YamlError;
pub use node::{Node, NodeView};
pub use plain::is_yaml_style_float;

use crate::value::{Map, Value};

/// Parses one YAML document as `sigs.k8s.io/yaml.Unmarshal` into an
/// `interface{}` does (an empty document is `nil`).
pub fn from_slice(data: &[u8]) -> Result<Value, YamlError> {
    read::from_slice(data)
}

/// Reads a values file as Helm's `chartutil.ReadValues`: the top level must
/// be a map, and an empty file is an empty map.
pub fn read_values(data: &[u8]) -> Result<Map, YamlError> {
    read::read_values(data)
}

/// Parses one YAML document into a map as Helm's `fromYaml` does
/// (`sigs.k8s.io/yaml.Unmarshal` into a `map[string]interface{}`; an empty document is an empty map).
pub fn from_slice_map(data: &[u8]) -> Result<Map, YamlError> {
    read::from_slice_map(data)
}

/// Parses one YAML document into a list as Helm's `fromYamlArray` does
/// (`sigs.k8s.io/yaml.Unmarshal` into a `[]interface{}`; an empty document is an empty list).
pub fn from_slice_list(data: &[u8]) -> Result<Vec<Value>, YamlError> {
    read::from_slice_list(data)
}

/// Writes a value as `sigs.k8s.io/yaml.Marshal` does (with its trailing
/// newline); Helm's `toYaml` is this with the final newline trimmed. Any [`Node`] tree
/// can be written, chart values or a caller's own.
pub fn to_string<N: Node>(value: &N) -> Result<String, YamlError> {
    write::to_string(value)
}

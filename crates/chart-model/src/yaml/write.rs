//! Writing Go-typed values as YAML exactly as `sigs.k8s.io/yaml.Marshal` does.

use crate::value::Value;
use crate::yaml::YamlError;

/// See [`crate::yaml::to_string`].
pub(crate) fn to_string(value: &Value) -> Result<String, YamlError> {
    let _ = value;
    Err(YamlError::new("yaml writing is not built yet"))
}

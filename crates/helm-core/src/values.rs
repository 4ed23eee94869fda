//! The user's values as Helm's `values.Options.MergeValues` builds them from `-f` files and the
//! `--set` family, in Helm's order and with Helm's error messages.

use std::path::PathBuf;

use chart_model::{Map, Value};

use crate::error::{Error, Result};

/// `-f`, `--set-json`, `--set`, `--set-string`, `--set-file` and `--set-literal`.
#[derive(Debug, Clone, Default)]
pub struct ValuesOptions {
    /// Values files, merged in order (`-` is stdin, read by the caller into `value_texts`).
    pub value_files: Vec<PathBuf>,
    /// `--set-json` expressions.
    pub json_values: Vec<String>,
    /// `--set` expressions.
    pub values: Vec<String>,
    /// `--set-string` expressions.
    pub string_values: Vec<String>,
    /// `--set-file` expressions (`key=path`).
    pub file_values: Vec<String>,
    /// `--set-literal` expressions.
    pub literal_values: Vec<String>,
}

/// Helm's `mergeMaps`: maps merge key by key, anything else is replaced.
fn merge_maps(base: &mut Map, over: Map) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Map(b)), Value::Map(o)) => merge_maps(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

impl ValuesOptions {
    /// The merged values.
    pub fn merge_values(&self) -> Result<Map> {
        let mut base = Map::new();
        for path in &self.value_files {
            let bytes = std::fs::read(path)
                .map_err(|e| Error::Options(format!("open {}: {}", path.display(), io_message(&e))))?;
            let current = chart_model::yaml::from_slice_map(&bytes)
                .map_err(|e| Error::Options(format!("failed to parse {}: {e}", path.display())))?;
            merge_maps(&mut base, current);
        }
        for v in &self.json_values {
            chart_model::strvals::parse_json(v, &mut base)
                .map_err(|e| Error::Options(format!("failed parsing --set-json data {v}: {e}")))?;
        }
        for v in &self.values {
            chart_model::strvals::parse_into(v, &mut base)
                .map_err(|e| Error::Options(format!("failed parsing --set data: {e}")))?;
        }
        for v in &self.string_values {
            chart_model::strvals::parse_into_string(v, &mut base)
                .map_err(|e| Error::Options(format!("failed parsing --set-string data: {e}")))?;
        }
        for v in &self.file_values {
            chart_model::strvals::parse_into_file(v, &mut base, |path: &str| {
                std::fs::read_to_string(path)
                    .map(Value::String)
                    .map_err(|e| format!("open {path}: {}", io_message(&e)).into())
            })
            .map_err(|e| Error::Options(format!("failed parsing --set-file data: {e}")))?;
        }
        for v in &self.literal_values {
            chart_model::strvals::parse_literal_into(v, &mut base)
                .map_err(|e| Error::Options(format!("failed parsing set_literal data: {e}")))?;
        }
        Ok(base)
    }
}

/// Go's text for the common file errors.
fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

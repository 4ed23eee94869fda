//! Loading an index as Helm's `repo.loadIndex`: JSON or YAML, entries that
//! fail validation skipped with a warning, versions sorted newest first.
//!
//! [`load_index`] tries the fast reader first (a streaming reader for the
//! block YAML that Helm and other index writers produce, which decodes one
//! entry at a time) and falls back to [`load_index_exact`], the full YAML
//! reader of chart-model, for anything outside it. Both give the same result.

use std::collections::BTreeMap;

use chart_model::Value;
use chart_model::semver::Version;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::index::decode::{self, DecodedEntry, Mode, go_quote};
use crate::index::fast;
use crate::index::{API_VERSION_V1, ChartVersion, IndexFile};

/// A loaded index, with the warnings Helm would log about skipped entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadedIndex {
    /// The index.
    pub index: IndexFile,
    /// One line per skipped entry, Helm's log message without its timestamp.
    pub warnings: Vec<String>,
}

/// Loads an index from its bytes (`source` names it in messages), as
/// `repo.LoadIndexFile`.
pub fn load_index(data: &[u8], source: &str) -> Result<LoadedIndex> {
    load(data, source, true)
}

/// Loads an index with the full YAML reader only (no fast path): slower and
/// hungrier, kept to check the fast path against.
pub fn load_index_exact(data: &[u8], source: &str) -> Result<LoadedIndex> {
    load(data, source, false)
}

/// Whether the fast reader handles `data` by itself (no fallback to the
/// full YAML reader): for tests and benchmarks.
#[doc(hidden)]
pub fn fast_path_accepts(data: &[u8]) -> bool {
    let mut builder = Builder::default();
    matches!(fast::read(data, &mut builder), Some(Ok(())))
}

/// The sha256 of `data` in lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Receives the parts of an index as a reader finds them.
#[derive(Default)]
pub(crate) struct Builder {
    index: IndexFile,
    raw: BTreeMap<String, Vec<Option<DecodedEntry>>>,
}

impl Builder {
    pub(crate) fn top(&mut self, key: &str, value: &Value, mode: Mode) -> Result<(), String> {
        decode::decode_top_field(&mut self.index, key, value, mode)
    }

    /// Starts a chart's list (a `null` list still creates the chart's entry, empty).
    pub(crate) fn chart(&mut self, name: &str) {
        self.raw.entry(name.to_string()).or_default().clear();
    }

    pub(crate) fn entry(&mut self, name: &str, value: &Value, mode: Mode) -> Result<(), String> {
        let decoded = decode::decode_entry(value, mode)?;
        self.raw.entry(name.to_string()).or_default().push(decoded);
        Ok(())
    }

    /// Helm's checks after decoding: skip invalid entries, sort, require apiVersion.
    fn finish(self, source: &str) -> Result<LoadedIndex> {
        let mut index = self.index;
        let mut warnings = Vec::new();
        for (name, list) in self.raw {
            let mut kept: Vec<ChartVersion> = Vec::with_capacity(list.len());
            // Helm walks each list from the end, so its warnings come in that order.
            for item in list.into_iter().rev() {
                let Some(entry) = item else {
                    warnings.push(format!(
                        "skipping loading invalid entry for chart {} from {source}: empty entry",
                        go_quote(&name)
                    ));
                    continue;
                };
                match validate(entry) {
                    Ok(cv) => kept.push(cv),
                    Err((version, message)) => warnings.push(format!(
                        "skipping loading invalid entry for chart {} {} from {source}: {message}",
                        go_quote(&name),
                        go_quote(&version)
                    )),
                }
            }
            kept.reverse();
            sort_versions(&mut kept);
            index.entries.insert(name, kept);
        }
        if index.api_version.is_empty() {
            return Err(Error::NoApiVersion { source_name: source.to_string() });
        }
        Ok(LoadedIndex { index, warnings })
    }
}

/// `ChartVersion.Validate` with Helm's exception for duplicate dependency names.
fn validate(entry: DecodedEntry) -> Result<ChartVersion, (String, String)> {
    let DecodedEntry { version: mut cv, null_maintainer, null_dependency } = entry;
    if cv.metadata.api_version.is_empty() {
        cv.metadata.api_version = API_VERSION_V1.to_string();
    }
    let result = if null_maintainer || null_dependency.is_some() {
        // Go checks maintainers, then dependencies, after the scalar fields.
        let mut probe = cv.metadata.clone();
        probe.maintainers.clear();
        probe.dependencies.clear();
        match probe.validate() {
            Err(e) => Err(e.to_string()),
            Ok(()) if null_maintainer => Err("validation: maintainers must not contain empty or null nodes".into()),
            Ok(()) => {
                let mut deps = cv.metadata.clone();
                if let Some(i) = null_dependency {
                    deps.dependencies.truncate(i);
                }
                match deps.validate() {
                    Err(e) => Err(e.to_string()),
                    Ok(()) => Err("validation: dependencies must not contain empty or null nodes".into()),
                }
            }
        }
    } else {
        cv.metadata.validate().map_err(|e| e.to_string())
    };
    match result {
        Ok(()) => Ok(cv),
        Err(m) if m.starts_with("validation: more than one dependency with name or alias") => Ok(cv),
        Err(m) => Err((cv.metadata.version.clone(), m)),
    }
}

/// Newest first, equal versions in their index order (Helm's `SortEntries`;
/// every kept entry has a valid version).
pub(crate) fn sort_versions(list: &mut [ChartVersion]) {
    let mut keyed: Vec<(Option<Version>, usize)> =
        list.iter().enumerate().map(|(i, cv)| (Version::parse(&cv.metadata.version).ok(), i)).collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => b.cmp(a),
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    let mut taken: Vec<Option<ChartVersion>> = list.iter_mut().map(|cv| Some(std::mem::take(cv))).collect();
    for (slot, i) in list.iter_mut().zip(order) {
        if let Some(cv) = taken[i].take() {
            *slot = cv;
        }
    }
}

fn load(data: &[u8], source: &str, fast_path: bool) -> Result<LoadedIndex> {
    if data.is_empty() {
        return Err(Error::EmptyIndex { source_name: source.to_string() });
    }
    let malformed = |message: String| Error::MalformedIndex { source_name: source.to_string(), message };
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) {
        let mut builder = Builder::default();
        walk(&mut builder, from_json(json), Mode::Json).map_err(malformed)?;
        return builder.finish(source);
    }
    if fast_path {
        let mut builder = Builder::default();
        match fast::read(data, &mut builder) {
            Some(Ok(())) => return builder.finish(source),
            Some(Err(message)) => return Err(malformed(message)),
            None => {}
        }
    }
    let value = chart_model::yaml::from_slice(data).map_err(|e| malformed(e.to_string()))?;
    let mut builder = Builder::default();
    walk(&mut builder, value, Mode::Yaml).map_err(malformed)?;
    builder.finish(source)
}

/// Feeds a whole parsed document to the builder.
fn walk(builder: &mut Builder, value: Value, mode: Mode) -> Result<(), String> {
    let map = match value {
        Value::Null => return Ok(()),
        Value::Map(m) => m,
        other => {
            let kind = match other {
                Value::Bool(_) => "bool",
                Value::String(_) => "string",
                Value::List(_) => "array",
                _ => "number",
            };
            let inner = format!("json: cannot unmarshal {kind} into Go value of type repo.IndexFile");
            return Err(match mode {
                Mode::Yaml => format!("error unmarshaling JSON: while decoding JSON: {inner}"),
                Mode::Json => inner,
            });
        }
    };
    for (key, v) in map {
        if !decode::is_entries_key(&key) {
            builder.top(&key, &v, mode)?;
            continue;
        }
        if let Some(e) = decode::entries_mismatch(&v, mode) {
            return Err(e);
        }
        let Value::Map(charts) = v else { continue };
        for (name, versions) in charts {
            if let Some(e) = decode::versions_mismatch(&versions, mode) {
                return Err(e);
            }
            builder.chart(&name);
            if let Value::List(items) = versions {
                for item in items {
                    builder.entry(&name, &item, mode)?;
                }
            }
        }
    }
    Ok(())
}

/// A JSON document as Go's `interface{}` decoding sees it (numbers are float64).
fn from_json(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Float64(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Map(map.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    }
}

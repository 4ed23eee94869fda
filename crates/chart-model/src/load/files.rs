//! Sorting a chart's files into a `Chart`, as Helm's `loader.LoadFiles`.

use std::collections::BTreeMap;

use crate::chart::decode::{NullNodes, decode_lock, decode_metadata};
use crate::chart::{Chart, File, Metadata};
use crate::load::{LoadError, LoadOptions, archive};
use crate::value::{Map, Value};

/// `LoadFiles`: Chart.yaml, values, schema, templates, lock, subcharts, and every other file.
pub(crate) fn load_files(files: Vec<File>, options: &LoadOptions) -> Result<Chart, LoadError> {
    let mut chart = Chart::default();
    // Helm's metadata pointer: nil until Chart.yaml or requirements.* is seen.
    let mut has_metadata = false;
    let mut nulls = NullNodes::default();

    for f in &files {
        if f.name == "Chart.yaml" {
            has_metadata = true;
            decode_into(&f.data, &mut chart.metadata, &mut nulls).map_err(|e| e.wrap("cannot load Chart.yaml"))?;
            if chart.metadata.api_version.is_empty() {
                "v1".clone_into(&mut chart.metadata.api_version);
            }
        }
    }

    // Subcharts by their folder or archive name under charts/, each with its
    // files renamed relative to charts/. Helm keeps them in a Go map and so
    // loads them in no fixed order; we load them sorted by name.
    let mut subcharts: BTreeMap<String, Vec<File>> = BTreeMap::new();
    for f in &files {
        let name = f.name.as_str();
        match name {
            "Chart.yaml" => {}
            "Chart.lock" => chart.lock = lock(&f.data).map_err(|e| e.wrap("cannot load Chart.lock"))?,
            "values.yaml" => chart.values = values(&f.data).map_err(|e| e.wrap("cannot load values.yaml"))?,
            "values.schema.json" => chart.schema = Some(f.data.to_vec()),
            "requirements.yaml" => {
                has_metadata = true;
                decode_into(&f.data, &mut chart.metadata, &mut nulls)
                    .map_err(|e| e.wrap("cannot load requirements.yaml"))?;
                if chart.metadata.api_version == "v1" {
                    chart.files.push(f.clone());
                }
            }
            "requirements.lock" => {
                chart.lock = lock(&f.data).map_err(|e| e.wrap("cannot load requirements.lock"))?;
                has_metadata = true;
                if chart.metadata.api_version == "v1" {
                    chart.files.push(f.clone());
                }
            }
            _ if name.starts_with("templates/") => chart.templates.push(f.clone()),
            _ if name.starts_with("charts/") => {
                if go_ext(name) == ".prov" {
                    chart.files.push(f.clone());
                    continue;
                }
                let rel = &name["charts/".len()..];
                let cname = rel.split('/').next().unwrap_or(rel);
                subcharts.entry(cname.to_owned()).or_default().push(File::new(rel, f.data.clone()));
            }
            _ => chart.files.push(f.clone()),
        }
    }
    chart.raw = files;

    if !has_metadata {
        return Err(LoadError::new("Chart.yaml file is missing"));
    }
    crate::chart::validate_decoded(&mut chart.metadata, nulls).map_err(|e| LoadError::new(e.to_string()))?;

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sub = if go_ext(&n) == ".tgz" {
            let Some(file) = files.first() else { continue };
            if file.name != n {
                return Err(LoadError::new(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    chart.name(),
                    file.name
                )));
            }
            archive::archive_files(&file.data[..], options).and_then(|fs| load_files(fs, options))
        } else {
            let inner: Vec<File> = files
                .into_iter()
                .filter_map(|f| f.name.split_once('/').map(|(_, rest)| File::new(rest, f.data)))
                .collect();
            load_files(inner, options)
        };
        let sub = sub.map_err(|e| e.wrap(format_args!("error unpacking subchart {n} in {}", chart.name())))?;
        chart.dependencies.push(sub);
    }
    Ok(chart)
}

/// `yaml.Unmarshal(data, &metadata)` with sigs.k8s.io/yaml's error wrapping.
fn decode_into(data: &[u8], md: &mut Metadata, nulls: &mut NullNodes) -> Result<(), LoadError> {
    let value = crate::yaml::from_slice(data).map_err(|e| LoadError::new(e.to_string()))?;
    decode_metadata(&value, md, nulls).map_err(json_error)
}

fn lock(data: &[u8]) -> Result<Option<crate::chart::Lock>, LoadError> {
    let value = crate::yaml::from_slice(data).map_err(|e| LoadError::new(e.to_string()))?;
    decode_lock(&value).map_err(json_error)
}

/// values.yaml as Helm's loader reads it: `yaml.Unmarshal` into a
/// `map[string]interface{}` (not `chartutil.ReadValues`, whose type name
/// would show in the error for a document that is not a map).
fn values(data: &[u8]) -> Result<Map, LoadError> {
    match crate::yaml::from_slice(data).map_err(|e| LoadError::new(e.to_string()))? {
        Value::Map(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(json_error(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            match other {
                Value::Bool(_) => "bool",
                Value::String(_) => "string",
                Value::List(_) => "array",
                _ => "number",
            }
        ))),
    }
}

/// A JSON decoding error as sigs.k8s.io/yaml wraps it.
fn json_error(message: String) -> LoadError {
    LoadError::new(format!("error unmarshaling JSON: while decoding JSON: {message}"))
}

/// Go's `filepath.Ext`: the suffix from the last dot of the last element.
pub(crate) fn go_ext(path: &str) -> &str {
    let last = path.rfind('/').map_or(path, |i| &path[i + 1..]);
    match last.rfind('.') {
        Some(i) => &last[i..],
        None => "",
    }
}

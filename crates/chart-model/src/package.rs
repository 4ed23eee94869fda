//! Packaging a chart into a .tgz that Helm loads, as `helm package`
//! (Helm's `chartutil.Save`), byte-for-byte deterministic, with its sha256 digest.
//!
//! The layout is Save's: `<name>/Chart.yaml` (re-written from the metadata),
//! then `Chart.lock` (apiVersion v2), `values.yaml`, `values.schema.json`,
//! the templates and other files in load order, then each subchart as a
//! folder under `<name>/charts/`. Unlike Save, every entry has a fixed
//! time (the Unix epoch), owner 0 and mode 0644, and the gzip header has
//! no time, so the same chart always gives the same bytes.

use std::io::Write;
use std::path::Path;

use sha2::Digest;

use crate::chart::{Chart, Dependency, Lock, Metadata};
use crate::load::{LoadError, LoadOptions};
use crate::value::{Map, Value};

/// The gzip header's extra field and comment, as Helm writes them.
const GZIP_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";
const GZIP_COMMENT: &[u8] = b"Helm";

/// A packaged chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The file name Helm gives it: `<name>-<version>.tgz`.
    pub file_name: String,
    /// The archive's bytes.
    pub data: Vec<u8>,
    /// The archive's sha256, in lower-case hex (as in a repository index's `digest`).
    pub digest: String,
}

/// Why a chart could not be packaged; Display is Helm's message where it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    /// The chart folder could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Chart.yaml is invalid (`chart validation: validation: ...`).
    #[error("chart validation: {0}")]
    Validation(crate::chart::ValidationError),
    /// A chart's name is not a single path element.
    #[error("{} is not a valid chart name", crate::semver::go_quote(.0))]
    InvalidName(String),
    /// values.schema.json is not JSON.
    #[error("Invalid JSON in values.schema.json")]
    InvalidSchema,
    /// Chart.yaml or Chart.lock could not be written as YAML.
    #[error("{0}")]
    Yaml(String),
    /// Writing the archive failed.
    #[error("{0}")]
    Write(String),
}

/// Loads a chart folder (honouring .helmignore) and packages it.
pub fn package_dir(dir: &Path) -> Result<Package, PackageError> {
    let chart = crate::load::load_with(dir, &LoadOptions::default())?;
    package(&chart)
}

/// Packages a loaded chart.
pub fn package(chart: &Chart) -> Result<Package, PackageError> {
    let mut md = chart.metadata.clone();
    md.validate().map_err(PackageError::Validation)?;
    let file_name = format!("{}-{}.tgz", chart.name(), md.version);
    let gz = flate2::GzBuilder::new()
        .extra(GZIP_EXTRA)
        .comment(GZIP_COMMENT)
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    write_chart(&mut tar, chart, "")?;
    let gz = tar.into_inner().map_err(write_error)?;
    let data = gz.finish().map_err(write_error)?;
    let digest = sha2::Sha256::digest(&data).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Package { file_name, data, digest })
}

fn write_chart<W: Write>(tar: &mut tar::Builder<W>, chart: &Chart, prefix: &str) -> Result<(), PackageError> {
    let name = chart.name();
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(PackageError::InvalidName(name.to_owned()));
    }
    let base = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}/{name}") };
    let v1 = chart.metadata.api_version == "v1";
    let chart_yaml =
        crate::yaml::to_string(&metadata_value(&chart.metadata, !v1)).map_err(|e| PackageError::Yaml(e.to_string()))?;
    entry(tar, &format!("{base}/Chart.yaml"), chart_yaml.as_bytes())?;
    if chart.metadata.api_version == "v2"
        && let Some(lock) = &chart.lock
    {
        let text = crate::yaml::to_string(&lock_value(lock)).map_err(|e| PackageError::Yaml(e.to_string()))?;
        entry(tar, &format!("{base}/Chart.lock"), text.as_bytes())?;
    }
    for f in chart.raw.iter().filter(|f| f.name == "values.yaml") {
        entry(tar, &format!("{base}/values.yaml"), &f.data)?;
    }
    if let Some(schema) = &chart.schema {
        if serde_json::from_slice::<serde_json::Value>(schema).is_err() {
            return Err(PackageError::InvalidSchema);
        }
        entry(tar, &format!("{base}/values.schema.json"), schema)?;
    }
    for f in chart.templates.iter().chain(&chart.files) {
        entry(tar, &format!("{base}/{}", f.name), &f.data)?;
    }
    for sub in &chart.dependencies {
        write_chart(tar, sub, &format!("{base}/charts"))?;
    }
    Ok(())
}

fn entry<W: Write>(tar: &mut tar::Builder<W>, path: &str, data: &[u8]) -> Result<(), PackageError> {
    let mut header = tar::Header::new_ustar();
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, path, data).map_err(write_error)
}

fn write_error(e: std::io::Error) -> PackageError {
    PackageError::Write(e.to_string())
}

/// The metadata as Go's JSON encoding of `chart.Metadata` sees it (empty fields omitted);
/// `with_dependencies: false` leaves the dependency list out.
pub fn metadata_value(md: &Metadata, with_dependencies: bool) -> Value {
    let mut m = Map::new();
    let mut text = |k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k.to_owned(), Value::String(v.to_owned()));
        }
    };
    text("name", &md.name);
    text("home", &md.home);
    text("version", &md.version);
    text("description", &md.description);
    text("icon", &md.icon);
    text("apiVersion", &md.api_version);
    text("condition", &md.condition);
    text("tags", &md.tags);
    text("appVersion", &md.app_version);
    text("kubeVersion", &md.kube_version);
    text("type", &md.chart_type);
    let list = |items: &[String]| Value::List(items.iter().cloned().map(Value::String).collect());
    if !md.sources.is_empty() {
        m.insert("sources".into(), list(&md.sources));
    }
    if !md.keywords.is_empty() {
        m.insert("keywords".into(), list(&md.keywords));
    }
    if !md.maintainers.is_empty() {
        let items = md
            .maintainers
            .iter()
            .map(|x| {
                let mut mm = Map::new();
                for (k, v) in [("name", &x.name), ("email", &x.email), ("url", &x.url)] {
                    if !v.is_empty() {
                        mm.insert(k.into(), Value::String(v.clone()));
                    }
                }
                Value::Map(mm)
            })
            .collect();
        m.insert("maintainers".into(), Value::List(items));
    }
    if md.deprecated {
        m.insert("deprecated".into(), Value::Bool(true));
    }
    if !md.annotations.is_empty() {
        let a = md.annotations.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        m.insert("annotations".into(), Value::Map(a));
    }
    if with_dependencies && !md.dependencies.is_empty() {
        m.insert("dependencies".into(), Value::List(md.dependencies.iter().map(dependency_value).collect()));
    }
    Value::Map(m)
}

/// A dependency as Go's JSON encoding of `chart.Dependency` sees it.
pub(crate) fn dependency_value(d: &Dependency) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), Value::String(d.name.clone()));
    m.insert("repository".into(), Value::String(d.repository.clone()));
    for (k, v) in [("version", &d.version), ("condition", &d.condition), ("alias", &d.alias)] {
        if !v.is_empty() {
            m.insert(k.into(), Value::String(v.clone()));
        }
    }
    if !d.tags.is_empty() {
        m.insert("tags".into(), Value::List(d.tags.iter().cloned().map(Value::String).collect()));
    }
    if d.enabled {
        m.insert("enabled".into(), Value::Bool(true));
    }
    if !d.import_values.is_empty() {
        m.insert("import-values".into(), Value::List(d.import_values.clone()));
    }
    Value::Map(m)
}

/// A lock as Go's JSON encoding of `chart.Lock` sees it.
pub(crate) fn lock_value(lock: &Lock) -> Value {
    let mut m = Map::new();
    m.insert("generated".into(), Value::String(lock.generated.clone()));
    m.insert("digest".into(), Value::String(lock.digest.clone()));
    m.insert("dependencies".into(), Value::List(lock.dependencies.iter().map(dependency_value).collect()));
    Value::Map(m)
}

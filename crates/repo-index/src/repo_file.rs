//! The repositories file (`repositories.yaml`), as Helm's `repo.File`.

use std::path::Path;

use chart_model::{Map, Value};

use crate::error::{Error, Result};

/// One configured repository, as Helm's `repo.Entry`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepositoryEntry {
    /// `name`: how charts are addressed (`name/chart`).
    pub name: String,
    /// `url`: the repository's base URL (`index.yaml` is under it).
    pub url: String,
    /// `username` for basic auth.
    pub username: String,
    /// `password` for basic auth.
    pub password: String,
    /// `certFile`: client certificate (PEM).
    pub cert_file: String,
    /// `keyFile`: client key (PEM).
    pub key_file: String,
    /// `caFile`: the CA bundle that replaces the system roots.
    pub ca_file: String,
    /// `insecure_skip_tls_verify`.
    pub insecure_skip_tls_verify: bool,
    /// `pass_credentials_all`: send credentials to other hosts too.
    pub pass_credentials_all: bool,
}

/// The repositories file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepositoryFile {
    /// `apiVersion`.
    pub api_version: String,
    /// `generated` (RFC 3339).
    pub generated: String,
    /// `repositories`, in file order.
    pub repositories: Vec<RepositoryEntry>,
}

impl RepositoryFile {
    /// An empty file of the current version.
    pub fn new() -> Self {
        RepositoryFile { api_version: crate::index::API_VERSION_V1.into(), ..Default::default() }
    }

    /// Reads a repositories file; a missing file is an error naming it.
    pub fn load(path: &Path) -> Result<Self> {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&data)
            .map_err(|e| Error::RepositoryFile(format!("couldn't load repositories file ({}): {e}", path.display())))
    }

    /// Parses the file's YAML (Helm reads it leniently: unknown keys are ignored).
    pub fn parse(data: &[u8]) -> Result<Self, String> {
        let value = chart_model::yaml::from_slice(data).map_err(|e| e.to_string())?;
        let mut file = RepositoryFile::default();
        let map = match value {
            Value::Null => return Ok(file),
            Value::Map(m) => m,
            _ => return Err("the repositories file is not a map".into()),
        };
        file.api_version = text(map.get("apiVersion"));
        file.generated = text(map.get("generated"));
        if let Some(Value::List(items)) = map.get("repositories") {
            for item in items {
                let Value::Map(e) = item else { continue };
                file.repositories.push(RepositoryEntry {
                    name: text(e.get("name")),
                    url: text(e.get("url")),
                    username: text(e.get("username")),
                    password: text(e.get("password")),
                    cert_file: text(e.get("certFile")),
                    key_file: text(e.get("keyFile")),
                    ca_file: text(e.get("caFile")),
                    insecure_skip_tls_verify: matches!(e.get("insecure_skip_tls_verify"), Some(Value::Bool(true))),
                    pass_credentials_all: matches!(e.get("pass_credentials_all"), Some(Value::Bool(true))),
                });
            }
        }
        Ok(file)
    }

    /// The file as Helm writes it (sorted keys, every field present).
    pub fn to_yaml(&self) -> Result<String> {
        let s = |v: &str| Value::String(v.to_string());
        let repos = self
            .repositories
            .iter()
            .map(|e| {
                let mut m = Map::new();
                m.insert("name".into(), s(&e.name));
                m.insert("url".into(), s(&e.url));
                m.insert("username".into(), s(&e.username));
                m.insert("password".into(), s(&e.password));
                m.insert("certFile".into(), s(&e.cert_file));
                m.insert("keyFile".into(), s(&e.key_file));
                m.insert("caFile".into(), s(&e.ca_file));
                m.insert("insecure_skip_tls_verify".into(), Value::Bool(e.insecure_skip_tls_verify));
                m.insert("pass_credentials_all".into(), Value::Bool(e.pass_credentials_all));
                Value::Map(m)
            })
            .collect();
        let mut top = Map::new();
        top.insert("apiVersion".into(), s(&self.api_version));
        top.insert(
            "generated".into(),
            s(if self.generated.is_empty() { "0001-01-01T00:00:00Z" } else { &self.generated }),
        );
        top.insert("repositories".into(), Value::List(repos));
        chart_model::yaml::to_string(&Value::Map(top)).map_err(|e| Error::RepositoryFile(e.to_string()))
    }

    /// Writes the file (through a temporary file and a rename).
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = self.to_yaml()?;
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    }

    /// The entry named `name`.
    pub fn get(&self, name: &str) -> Option<&RepositoryEntry> {
        self.repositories.iter().find(|e| e.name == name)
    }

    /// Whether an entry is named `name`.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Adds `entry`, replacing an entry of the same name in place (Helm's `Update`).
    pub fn update(&mut self, entry: RepositoryEntry) {
        match self.repositories.iter_mut().find(|e| e.name == entry.name) {
            Some(e) => *e = entry,
            None => self.repositories.push(entry),
        }
    }

    /// Removes the entry named `name`; whether there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.repositories.len();
        self.repositories.retain(|e| e.name != name);
        before != self.repositories.len()
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Float64(f)) => f.to_string(),
        _ => String::new(),
    }
}

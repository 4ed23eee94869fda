//! `oci://host[:port]/path/chart[:tag|@digest]` references.

use crate::error::{Error, Result};

/// A parsed `oci://` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciReference {
    /// `host[:port]`.
    pub registry: String,
    /// The repository path, ending with the chart name.
    pub repository: String,
    /// The tag, if the reference has one.
    pub tag: Option<String>,
    /// The manifest digest (`sha256:...`), if the reference has one.
    pub digest: Option<String>,
}

impl OciReference {
    /// Parses `oci://host/path/chart`, optionally with `:tag` or `@sha256:...`.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidUrl { url: text.into(), reason: reason.into() };
        let rest = text.strip_prefix("oci://").ok_or_else(|| bad("not an oci:// reference"))?;
        let (registry, path) = rest.split_once('/').ok_or_else(|| bad("no repository path"))?;
        if registry.is_empty() || registry.contains(['@', '?', '#', ' ']) {
            return Err(bad("invalid registry host"));
        }
        let (path, digest) = match path.split_once('@') {
            Some((p, d)) => (p, Some(d.to_string())),
            None => (path, None),
        };
        let (repository, tag) = match path.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r, Some(t.to_string())),
            _ => (path, None),
        };
        let valid_component = |c: &str| {
            !c.is_empty()
                && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
                && c != "."
                && c != ".."
        };
        if repository.is_empty() || !repository.split('/').all(valid_component) {
            return Err(bad("invalid repository path"));
        }
        if let Some(t) = &tag
            && (t.is_empty()
                || t.len() > 128
                || !t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
        {
            return Err(bad("invalid tag"));
        }
        if let Some(d) = &digest
            && !d.strip_prefix("sha256:").is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(bad("invalid digest"));
        }
        Ok(OciReference { registry: registry.into(), repository: repository.into(), tag, digest })
    }

    /// The chart name (the last path component).
    pub fn chart_name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or(&self.repository)
    }
}

impl std::fmt::Display for OciReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "oci://{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

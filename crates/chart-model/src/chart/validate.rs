//! Chart.yaml validation with Helm's rules and messages (`Metadata.Validate`).

use crate::chart::decode::NullNodes;
use crate::chart::{Dependency, Maintainer, Metadata};
use crate::semver::{Version, is_go_print};

/// A Chart.yaml that Helm refuses; Display is Helm's `validation: ...` message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("validation: {0}")]
pub struct ValidationError(pub String);

impl Metadata {
    /// Checks the metadata as Helm's `Metadata.Validate`, first replacing
    /// white space in text fields by spaces and dropping unprintable
    /// characters, as Helm does.
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        validate(self, NullNodes::default())
    }
}

/// `Metadata.Validate`, told which list entries were `null` in the YAML.
pub(crate) fn validate(md: &mut Metadata, nulls: NullNodes) -> Result<(), ValidationError> {
    let err = |m: String| Err(ValidationError(m));
    for s in [
        &mut md.name,
        &mut md.description,
        &mut md.home,
        &mut md.icon,
        &mut md.condition,
        &mut md.tags,
        &mut md.app_version,
        &mut md.kube_version,
    ] {
        sanitize(s);
    }
    md.sources.iter_mut().chain(md.keywords.iter_mut()).for_each(sanitize);
    if md.api_version.is_empty() {
        return err("chart.metadata.apiVersion is required".into());
    }
    if md.name.is_empty() {
        return err("chart.metadata.name is required".into());
    }
    if md.name == "." || md.name == ".." {
        return err(format!("chart.metadata.name {} is not allowed", crate::semver::go_quote(&md.name)));
    }
    if md.name != go_base(&md.name) {
        return err(format!("chart.metadata.name {} is invalid", crate::semver::go_quote(&md.name)));
    }
    if md.version.is_empty() {
        return err("chart.metadata.version is required".into());
    }
    if Version::parse(&md.version).is_err() {
        return err(format!("chart.metadata.version {} is invalid", crate::semver::go_quote(&md.version)));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return err("chart.metadata.type must be application or library".into());
    }
    if nulls.maintainer {
        return err("maintainers must not contain empty or null nodes".into());
    }
    md.maintainers.iter_mut().for_each(sanitize_maintainer);
    let mut seen = std::collections::HashSet::new();
    for (i, d) in md.dependencies.iter_mut().enumerate() {
        if nulls.dependency == Some(i) {
            return err("dependencies must not contain empty or null nodes".into());
        }
        validate_dependency(d)?;
        let key = if d.alias.is_empty() { d.name.clone() } else { d.alias.clone() };
        if !seen.insert(key.clone()) {
            return err(format!("more than one dependency with name or alias {}", crate::semver::go_quote(&key)));
        }
    }
    Ok(())
}

fn validate_dependency(d: &mut Dependency) -> Result<(), ValidationError> {
    for s in [&mut d.name, &mut d.version, &mut d.repository, &mut d.condition] {
        sanitize(s);
    }
    d.tags.iter_mut().for_each(sanitize);
    if !d.alias.is_empty() && !d.alias.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(ValidationError(format!(
            "dependency {} has disallowed characters in the alias",
            crate::semver::go_quote(&d.name)
        )));
    }
    Ok(())
}

fn sanitize_maintainer(m: &mut Maintainer) {
    sanitize(&mut m.name);
    sanitize(&mut m.email);
    sanitize(&mut m.url);
}

/// Helm's `sanitizeString`: white space becomes a space, unprintable characters go.
fn sanitize(s: &mut String) {
    if s.chars().all(|c| c == ' ' || (!c.is_whitespace() && is_go_print(c))) {
        return;
    }
    *s = s.chars().filter_map(|c| if c.is_whitespace() { Some(' ') } else { is_go_print(c).then_some(c) }).collect();
}

/// Go's `filepath.Base` on Unix.
fn go_base(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

//! `helm template`: render a chart as a client-only dry-run install does and print what Helm
//! prints: `---\n# Source: PATH\n` documents (CRDs first when asked, manifests in Helm's
//! install order, then hooks), optionally only the templates `--show-only` names.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::PathBuf;

use chart_model::{Chart, Map};
use kube_apply::{HookEvent, INSTALL_ORDER, sort_manifests, split_manifests};
use template_render::render::{Capabilities, KubeVersion, ReleaseOptions};
use template_render::{RenderOptions, render};

use crate::error::{Error, Result};

/// The options of `helm template` that change what is rendered or printed.
#[derive(Debug, Clone)]
pub struct TemplateOptions {
    /// The release name (`release-name` by default).
    pub release_name: String,
    /// The namespace (`default`).
    pub namespace: String,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`, added to Helm's defaults.
    pub api_versions: Vec<String>,
    /// `--is-upgrade`.
    pub is_upgrade: bool,
    /// `--include-crds`.
    pub include_crds: bool,
    /// `--skip-tests`: leave test hooks out.
    pub skip_tests: bool,
    /// `--no-hooks`: leave every hook out.
    pub no_hooks: bool,
    /// `--show-only`: only these templates (Go `filepath.Match` patterns, chart name stripped).
    pub show_only: Vec<String>,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// `--enable-dns`.
    pub enable_dns: bool,
    /// `--output-dir`: write each template's documents to files under this folder instead.
    pub output_dir: Option<PathBuf>,
    /// `--release-name`: write under `output_dir/RELEASE_NAME`.
    pub use_release_name: bool,
}

impl Default for TemplateOptions {
    fn default() -> Self {
        TemplateOptions {
            release_name: "release-name".to_owned(),
            namespace: "default".to_owned(),
            kube_version: None,
            api_versions: Vec::new(),
            is_upgrade: false,
            include_crds: false,
            skip_tests: false,
            no_hooks: false,
            show_only: Vec::new(),
            skip_schema_validation: false,
            enable_dns: false,
            output_dir: None,
            use_release_name: false,
        }
    }
}

/// What `helm template` produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateOutput {
    /// The text `helm template` prints.
    pub text: String,
    /// engine.Render's map: every rendered template by path (NOTES.txt included).
    pub rendered: BTreeMap<String, String>,
    /// The release notes (the top chart's NOTES.txt).
    pub notes: String,
    /// With `output_dir`: every file written, in order, as Helm prints them (`wrote PATH`).
    pub written: Vec<String>,
}

const RELEASE_NAME_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// Helm's `chartutil.ValidateReleaseName`, with `Install`'s wrapping.
pub fn validate_release_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::ReleaseName(format!("release name {name:?}: no name provided")));
    }
    if name.len() > 53 || !valid_name(name) {
        return Err(Error::ReleaseName(format!(
            "release name {name:?}: invalid release name, must match regex {RELEASE_NAME_PATTERN} and the length must not be longer than 53"
        )));
    }
    Ok(())
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?` labels joined by dots.
fn valid_name(name: &str) -> bool {
    name.split('.').all(|label| {
        let b = label.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty() && alnum(&b[0]) && alnum(&b[b.len() - 1]) && b.iter().all(|c| alnum(c) || *c == b'-')
    })
}

/// Renders `chart` with the user's `values` (already merged from -f and --set) as `helm template` does.
pub fn template(chart: &Chart, values: &Map, options: &TemplateOptions) -> Result<TemplateOutput> {
    let mut capabilities = Capabilities::default();
    if let Some(kv) = &options.kube_version {
        capabilities.kube_version =
            KubeVersion::parse(kv).map_err(|e| Error::Options(format!("invalid kube version '{kv}': {e}")))?;
    }
    match chart.metadata.chart_type.as_str() {
        "" | "application" => {}
        other => return Err(Error::Chart(format!("{other} charts are not installable"))),
    }
    if !chart.metadata.dependencies.is_empty() {
        chart_model::dependencies::check_dependencies(chart).map_err(|e| {
            Error::Chart(format!(
                "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: {e}"
            ))
        })?;
    }
    validate_release_name(&options.release_name)?;
    let mut chart = chart.clone();
    chart_model::dependencies::process_dependencies(&mut chart, values, &Default::default())
        .map_err(|e| Error::Render(template_render::Error::Values(e.to_string())))?;
    capabilities.api_versions.extend(options.api_versions.iter().cloned());
    let render_values = chart_model::coalesce::render_values(
        &chart,
        values,
        &chart_model::coalesce::RenderValuesOptions { skip_schema_validation: options.skip_schema_validation },
    )
    .map_err(|e| Error::Render(template_render::Error::Values(e.to_string())))?;
    // From here on Helm has a release, and `helm template` adds a hint to every error.
    let hint = |e: String| format!("{e}\n\nUse --debug flag to render out invalid YAML");
    chart
        .metadata
        .check_kube_version(&capabilities.kube_version.version)
        .map_err(|e| Error::Chart(hint(e.to_string())))?;
    let render_options = RenderOptions {
        release: ReleaseOptions {
            name: options.release_name.clone(),
            namespace: options.namespace.clone(),
            revision: 1,
            is_upgrade: options.is_upgrade,
        },
        capabilities,
        enable_dns: options.enable_dns,
        parse_cache: Some(crate::render_release::parse_cache()),
        ..RenderOptions::default()
    };
    let rendered = render(&chart, &render_values.values, &render_options)
        .map_err(|e| Error::Render(template_render::Error::Render(hint(e.to_string()))))?;

    let mut files = rendered.clone();
    let top_notes = format!("{}/templates/NOTES.txt", chart.name());
    let mut notes = String::new();
    files.retain(|name, text| {
        if !name.ends_with("NOTES.txt") {
            return true;
        }
        if *name == top_notes {
            notes.push_str(text);
        }
        false
    });
    let sorted = sort_manifests(&files, INSTALL_ORDER).map_err(|e| Error::Manifest(hint(e.to_string())))?;

    if let Some(dir) = &options.output_dir {
        return write_output_dir(&chart, &sorted, dir, options, rendered, notes);
    }
    let mut manifest = String::new();
    if options.include_crds {
        crds(&chart, None, &mut |name, data| manifest.push_str(&format!("---\n# Source: {name}\n{data}\n")));
    }
    for m in &sorted.manifests {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
    }
    let mut text = format!("{}\n", manifest.trim());
    if !options.no_hooks {
        for h in &sorted.hooks {
            if options.skip_tests && h.events.contains(&HookEvent::Test) {
                continue;
            }
            text.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
        }
    }
    if !options.show_only.is_empty() {
        text = show_only(&text, &options.show_only)?;
    }
    Ok(TemplateOutput { text, rendered, notes, written: Vec::new() })
}

/// Helm's `CRDObjects`: crds/ files of the chart, then of each subchart, named by full path.
fn crds(chart: &Chart, parent: Option<&str>, each: &mut dyn FnMut(&str, &str)) {
    let full = chart.full_path(parent);
    for f in chart.crd_files() {
        each(&format!("{full}/{}", f.name), &String::from_utf8_lossy(&f.data));
    }
    for dep in &chart.dependencies {
        crds(dep, Some(&full), each);
    }
}

/// Helm's `writeToFile`: `---\n# Source: NAME\nDATA\n` into `DIR/NAME`, appended when asked.
fn write_file(dir: &std::path::Path, name: &str, data: &str, append: bool) -> Result<String> {
    let path = format!("{}/{name}", dir.display());
    let io = |e: std::io::Error| Error::Options(format!("{path}: {e}"));
    if let Some(parent) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&path)
        .map_err(io)?;
    file.write_all(format!("---\n# Source: {name}\n{data}\n").as_bytes()).map_err(io)?;
    Ok(path)
}

/// `--output-dir`: CRDs, manifests and hooks written as Helm writes them; stdout is an empty line.
fn write_output_dir(
    chart: &Chart,
    sorted: &kube_apply::SortedManifests,
    dir: &std::path::Path,
    options: &TemplateOptions,
    rendered: BTreeMap<String, String>,
    notes: String,
) -> Result<TemplateOutput> {
    let mut written = Vec::new();
    let mut done: HashSet<String> = HashSet::new();
    let mut failure = None;
    if options.include_crds {
        crds(chart, None, &mut |name, data| {
            if failure.is_none() {
                match write_file(dir, name, data, done.contains(name)) {
                    Ok(path) => {
                        written.push(path);
                        done.insert(name.to_owned());
                    }
                    Err(e) => failure = Some(e),
                }
            }
        });
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let release_dir = if options.use_release_name { dir.join(&options.release_name) } else { dir.to_path_buf() };
    let mut done: HashSet<String> = HashSet::new();
    for m in &sorted.manifests {
        written.push(write_file(&release_dir, &m.name, &m.content, done.contains(&m.name))?);
        done.insert(m.name.clone());
    }
    if !options.no_hooks {
        for h in &sorted.hooks {
            if options.skip_tests && h.events.contains(&HookEvent::Test) {
                continue;
            }
            // Helm appends to a hook's file whenever it already exists.
            let exists = release_dir.join(&h.path).exists();
            written.push(write_file(&release_dir, &h.path, &h.manifest, exists)?);
        }
    }
    Ok(TemplateOutput { text: "\n".to_owned(), rendered, notes, written })
}

/// `--show-only`: the documents whose `# Source: CHART/PATH` PATH matches a pattern, in pattern order.
fn show_only(text: &str, patterns: &[String]) -> Result<String> {
    let documents = split_manifests(text);
    let mut selected = Vec::new();
    for pattern in patterns {
        let mut missing = true;
        for doc in &documents {
            let Some(path) = source_path(doc) else { continue };
            if !go_match(pattern, path) {
                continue;
            }
            selected.push(doc.as_str());
            missing = false;
        }
        if missing {
            return Err(Error::Options(format!("could not find template {pattern} in chart")));
        }
    }
    Ok(selected.iter().map(|m| format!("---\n{m}\n")).collect())
}

/// The PATH of the first `# Source: CHART/PATH` in a document (Helm's `# Source: [^/]+/(.+)`).
fn source_path(doc: &str) -> Option<&str> {
    let at = doc.find("# Source: ")? + "# Source: ".len();
    let rest = &doc[at..];
    let slash = rest.find('/')?;
    if slash == 0 || rest[..slash].contains('\n') {
        return None;
    }
    let path = &rest[slash + 1..];
    let path = &path[..path.find('\n').unwrap_or(path.len())];
    (!path.is_empty()).then_some(path)
}

/// Go's `filepath.Match` on Unix: `*`, `?`, `[...]` (never across `/`), `\` escapes; a bad pattern matches nothing.
fn go_match(pattern: &str, name: &str) -> bool {
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        let mut i = 1;
        let negated = p.get(i) == Some(&'^');
        if negated {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        loop {
            let &ch = p.get(i)?;
            if ch == ']' && !first {
                return Some((matched != negated, i + 1));
            }
            first = false;
            let lo = if ch == '\\' {
                i += 1;
                *p.get(i)?
            } else {
                ch
            };
            i += 1;
            let mut hi = lo;
            if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|c| *c != ']') {
                hi = if p[i + 1] == '\\' { *p.get(i + 2)? } else { p[i + 1] };
                i += if p[i + 1] == '\\' { 3 } else { 2 };
            }
            if lo <= c && c <= hi {
                matched = true;
            }
        }
    }
    fn m(p: &[char], s: &[char]) -> bool {
        let Some(&c) = p.first() else { return s.is_empty() };
        match c {
            '*' => (0..=s.len()).take_while(|&k| k == 0 || s[k - 1] != '/').any(|k| m(&p[1..], &s[k..])),
            '?' => s.first().is_some_and(|c| *c != '/') && m(&p[1..], &s[1..]),
            '[' => match (s.first(), s.first().and_then(|c| class(p, *c))) {
                (Some(c), Some((true, used))) if *c != '/' => m(&p[used..], &s[1..]),
                _ => false,
            },
            '\\' => p.get(1).is_some_and(|e| s.first() == Some(e)) && m(&p[2..], &s[1..]),
            c => s.first() == Some(&c) && m(&p[1..], &s[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = name.chars().collect();
    m(&p, &s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names() {
        assert!(validate_release_name("my-app.v2").is_ok());
        assert!(validate_release_name("Bad").is_err());
        assert!(validate_release_name(&"a".repeat(54)).is_err());
    }

    #[test]
    fn filepath_match() {
        assert!(go_match("templates/*.yaml", "templates/a.yaml"));
        assert!(!go_match("templates/*.yaml", "templates/x/a.yaml"));
        assert!(go_match("templates/[a-c].yaml", "templates/b.yaml"));
        assert_eq!(source_path("# Source: c/templates/a.yaml\nx: 1"), Some("templates/a.yaml"));
    }
}

//! Where helmrs finds repositories and charts: Helm's paths (`HELM_REPOSITORY_CONFIG`,
//! `HELM_REPOSITORY_CACHE`, `HELM_REGISTRY_CONFIG`, XDG folders) and the chart-locating
//! flags (`--version`, `--repo`, credentials, TLS) of install, upgrade, template, pull and show.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use helm_core::chart_source::RepositoryFile;
use helm_core::{ChartPathOptions, LocatedChart, RepositorySettings};

/// Helm's repository paths, from flags, then the environment, then the XDG folders.
#[derive(Args, Clone, Debug, Default)]
pub struct RepoEnv {
    /// Path to the file containing repository names and URLs.
    #[arg(long = "repository-config")]
    pub repository_config: Option<PathBuf>,
    /// Path to the folder containing cached repository indexes.
    #[arg(long = "repository-cache")]
    pub repository_cache: Option<PathBuf>,
    /// Path to the registry config file.
    #[arg(long = "registry-config")]
    pub registry_config: Option<PathBuf>,
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn home() -> PathBuf {
    env_path("HOME").unwrap_or_else(|| PathBuf::from("/"))
}

/// Helm's config home: `HELM_CONFIG_HOME`, `$XDG_CONFIG_HOME/helm`, `~/.config/helm`.
fn config_home() -> PathBuf {
    env_path("HELM_CONFIG_HOME")
        .or_else(|| env_path("XDG_CONFIG_HOME").map(|p| p.join("helm")))
        .unwrap_or_else(|| home().join(".config/helm"))
}

/// Helm's cache home: `HELM_CACHE_HOME`, `$XDG_CACHE_HOME/helm`, `~/.cache/helm`.
fn cache_home() -> PathBuf {
    env_path("HELM_CACHE_HOME")
        .or_else(|| env_path("XDG_CACHE_HOME").map(|p| p.join("helm")))
        .unwrap_or_else(|| home().join(".cache/helm"))
}

impl RepoEnv {
    /// repositories.yaml.
    pub fn repository_config(&self) -> PathBuf {
        self.repository_config
            .clone()
            .or_else(|| env_path("HELM_REPOSITORY_CONFIG"))
            .unwrap_or_else(|| config_home().join("repositories.yaml"))
    }

    /// The repository cache folder.
    pub fn repository_cache(&self) -> PathBuf {
        self.repository_cache
            .clone()
            .or_else(|| env_path("HELM_REPOSITORY_CACHE"))
            .unwrap_or_else(|| cache_home().join("repository"))
    }

    /// The registry credentials file (`helm registry login`'s config.json).
    pub fn registry_config(&self) -> PathBuf {
        self.registry_config
            .clone()
            .or_else(|| env_path("HELM_REGISTRY_CONFIG"))
            .unwrap_or_else(|| config_home().join("registry/config.json"))
    }

    /// The repositories file, or an empty one when there is none.
    pub fn repository_file(&self) -> Result<RepositoryFile> {
        let path = self.repository_config();
        match std::fs::read(&path) {
            Ok(data) => RepositoryFile::parse(&data)
                .map_err(|e| anyhow::anyhow!("couldn't load repositories file ({}): {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RepositoryFile::default()),
            Err(e) => Err(e).with_context(|| path.display().to_string()),
        }
    }

    /// The repository settings for helm-core: cache folder and configured repositories.
    pub fn settings(&self) -> Result<RepositorySettings> {
        Ok(RepositorySettings {
            cache_dir: self.repository_cache(),
            repositories: self.repository_file()?.repositories,
            ..Default::default()
        })
    }

    /// The credentials `helm registry login` stored for `host` (Docker's config.json `auths`).
    pub fn registry_credentials(&self, host: &str) -> Option<(String, String)> {
        let data = std::fs::read(self.registry_config()).ok()?;
        let config: serde_json::Value = serde_json::from_slice(&data).ok()?;
        let auth = config["auths"][host]["auth"].as_str()?;
        let decoded = String::from_utf8(base64_decode(auth)?).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some((user.to_string(), password.to_string()))
    }
}

/// Standard base64 (with or without padding); `None` on bad input.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    ANY_PADDING.decode(text).ok()
}

/// The chart-locating flags (Helm's `ChartPathOptions`).
#[derive(Args, Clone, Debug, Default)]
pub struct ChartPathArgs {
    /// Specify a version constraint for the chart version to use (empty: the latest stable version).
    #[arg(long = "version", default_value = "")]
    pub version: String,
    /// Use development versions, too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored.
    #[arg(long = "devel")]
    pub devel: bool,
    /// Chart repository url where to locate the requested chart.
    #[arg(long = "repo", default_value = "")]
    pub repo: String,
    /// Chart repository username where to locate the requested chart.
    #[arg(long = "username", default_value = "")]
    pub username: String,
    /// Chart repository password where to locate the requested chart.
    #[arg(long = "password", default_value = "")]
    pub password: String,
    /// Identify HTTPS client using this SSL certificate file.
    #[arg(long = "cert-file", default_value = "")]
    pub cert_file: String,
    /// Identify HTTPS client using this SSL key file.
    #[arg(long = "key-file", default_value = "")]
    pub key_file: String,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle.
    #[arg(long = "ca-file", default_value = "")]
    pub ca_file: String,
    /// Skip tls certificate checks for the chart download.
    #[arg(long = "insecure-skip-tls-verify")]
    pub insecure_skip_tls_verify: bool,
    /// Pass credentials to all domains.
    #[arg(long = "pass-credentials")]
    pub pass_credentials: bool,
    /// Use insecure HTTP connections for the chart download.
    #[arg(long = "plain-http")]
    pub plain_http: bool,
    #[command(flatten)]
    pub env: RepoEnv,
}

impl ChartPathArgs {
    /// helm-core's options for `reference` (registry credentials from the registry config
    /// when no `--username` is given for an `oci://` reference).
    pub fn options(&self, reference: &str) -> ChartPathOptions {
        let mut options = ChartPathOptions {
            version: self.version.clone(),
            devel: self.devel,
            repo_url: self.repo.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
            ca_file: self.ca_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            pass_credentials_all: self.pass_credentials,
            plain_http: self.plain_http,
        };
        if options.username.is_empty()
            && let Some(rest) = reference.trim().strip_prefix("oci://")
            && let Some((user, password)) = self.env.registry_credentials(rest.split('/').next().unwrap_or_default())
        {
            options.username = user;
            options.password = password;
        }
        options
    }

    /// Locates and loads the chart `reference` as Helm's `LocateChart` then `loader.Load`;
    /// an OCI pull reports `Pulled:`/`Digest:` on stderr as Helm does.
    pub async fn locate(&self, reference: &str) -> Result<LocatedChart> {
        let settings = self.env.settings()?;
        let located = helm_core::locate_chart(reference, &self.options(reference), &settings).await?;
        report_oci_pull(&located.origin);
        Ok(located)
    }

    /// [`Self::locate`] on a runtime of its own, for synchronous commands.
    pub fn locate_blocking(&self, reference: &str) -> Result<LocatedChart> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(self.locate(reference))
    }
}

/// Helm's registry client prints what it pulled on stderr.
pub fn report_oci_pull(origin: &helm_core::ChartOrigin) {
    if let helm_core::ChartOrigin::Oci { reference, manifest_digest } = origin {
        #[allow(clippy::print_stderr)]
        {
            let reference = reference.trim_start_matches("oci://");
            eprintln!("Pulled: {reference}");
            eprintln!("Digest: {manifest_digest}");
            if reference.contains('_') {
                eprint!("{}", underscore_note(reference));
            }
        }
    }
}

/// What Helm's registry client says about a reference with `_` (a `+` in the chart version).
pub fn underscore_note(reference: &str) -> String {
    format!(
        "{reference} contains an underscore.\n\nOCI artifact references (e.g. tags) do not support the plus sign (+). To support\nstoring semantic versions, Helm adopts the convention of changing plus (+) to\nan underscore (_) in chart version tags when pushing to a registry and back to\na plus (+) when pulling from a registry.\n"
    )
}

/// gosuri/uitable as Helm uses it: cells padded to their column's width (cut to `max_width`
/// with `...` when non-zero), joined by a tab, the last column padded too.
pub fn render_table(rows: &[Vec<String>], max_width: usize) -> String {
    let cut = |s: &str| -> String {
        if max_width == 0 || s.chars().count() <= max_width {
            s.to_string()
        } else {
            let keep = max_width.saturating_sub(3);
            s.chars().take(keep).collect::<String>() + "..."
        }
    };
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| cut(c)).collect()).collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> =
            row.iter().enumerate().map(|(i, cell)| format!("{cell:<width$}", width = widths[i])).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

/// Writes `data` to `path` through a temporary file and a rename (Helm's `AtomicWriteFile`).
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, data).with_context(|| tmp.display().to_string())?;
    std::fs::rename(&tmp, path).with_context(|| path.display().to_string())
}

/// Go's `json.Encoder` text of `value`: compact, with `<`, `>`, `&`, U+2028 and U+2029 escaped.
pub fn go_json(value: &serde_json::Value) -> Result<String> {
    let text = serde_json::to_string(value)?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Go's `time.ParseDuration` for the usual forms (`120s`, `2m0s`, `1h2m3.5s`, `500ms`).
pub fn go_duration(text: &str) -> Result<std::time::Duration> {
    let invalid = || anyhow::anyhow!("time: invalid duration {text:?}");
    if text == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = text;
    if rest.is_empty() {
        return Err(invalid());
    }
    while !rest.is_empty() {
        let n = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..n].parse().map_err(|_| invalid())?;
        rest = &rest[n..];
        let u = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "\u{b5}s" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(invalid()),
        };
        total += number * scale;
        rest = &rest[u..];
    }
    Ok(std::time::Duration::from_secs_f64(total))
}

/// Writes `text` to stdout.
pub fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write as _;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_json_escapes_html() {
        let v = serde_json::json!({"description": "a <b> & c"});
        assert_eq!(go_json(&v).unwrap(), r#"{"description":"a \u003cb\u003e \u0026 c"}"#);
        assert_eq!(go_duration("2m0s").unwrap().as_secs(), 120);
    }

    #[test]
    fn base64_of_docker_auth() {
        assert_eq!(base64_decode("aGVsbTpzM2NyZXQ=").as_deref(), Some(&b"helm:s3cret"[..]));
        assert_eq!(base64_decode("YQ").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("!!!!"), None);
    }

    #[test]
    fn table_cuts_long_cells() {
        let rows = vec![vec!["NAME".into(), "DESCRIPTION".into()], vec!["a/b".into(), "x".repeat(60)]];
        let text = render_table(&rows, 50);
        assert!(text.ends_with(&format!("{}...\n", "x".repeat(47))), "{text}");
    }
}

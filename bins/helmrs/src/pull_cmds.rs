//! `helmrs pull` and `helmrs push`: chart archives from and to repositories and OCI registries.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use helm_core::chart_source::{self, OciReference, RegistryClient, RegistryOptions};

use crate::chart_ref::{ChartPathArgs, RepoEnv, report_oci_pull, write_atomic};

#[derive(Args)]
pub struct PullArgs {
    /// `[chart URL | repo/chartname | oci://...] [...]`.
    #[arg(required = true)]
    charts: Vec<String>,
    #[command(flatten)]
    chart_path: ChartPathArgs,
    /// If set to true, will untar the chart after downloading it.
    #[arg(long = "untar")]
    untar: bool,
    /// If untar is specified, this flag specifies the name of the directory into which the chart is expanded.
    #[arg(long = "untardir", default_value = ".")]
    untardir: PathBuf,
    /// Location to write the chart. If this and untardir are specified, untardir is appended to this.
    #[arg(short = 'd', long = "destination", default_value = ".")]
    destination: PathBuf,
    /// Fetch the provenance file, but don't perform verification (not supported).
    #[arg(long = "prov")]
    prov: bool,
    /// Verify the package before using it (not supported).
    #[arg(long = "verify")]
    verify: bool,
}

#[derive(Args)]
pub struct PushArgs {
    /// The chart archive (.tgz).
    chart: PathBuf,
    /// The registry: `oci://host/path`.
    remote: String,
    /// Identify registry client using this SSL certificate file.
    #[arg(long = "cert-file", default_value = "")]
    cert_file: String,
    /// Identify registry client using this SSL key file.
    #[arg(long = "key-file", default_value = "")]
    key_file: String,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle.
    #[arg(long = "ca-file", default_value = "")]
    ca_file: String,
    /// Skip tls certificate checks for the chart upload.
    #[arg(long = "insecure-skip-tls-verify")]
    insecure_skip_tls_verify: bool,
    /// Use insecure HTTP connections for the chart upload.
    #[arg(long = "plain-http")]
    plain_http: bool,
    /// Chart repository username where to locate the requested chart.
    #[arg(long = "username", default_value = "")]
    username: String,
    /// Chart repository password where to locate the requested chart.
    #[arg(long = "password", default_value = "")]
    password: String,
    #[command(flatten)]
    env: RepoEnv,
}

/// Runs `pull`; what it prints on stdout.
pub fn run_pull(a: PullArgs) -> Result<String> {
    if a.verify || a.prov {
        bail!("provenance files are not supported by helmrs (--verify, --prov)");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        for reference in &a.charts {
            pull(&a, reference).await?;
        }
        Ok(String::new())
    })
}

async fn pull(a: &PullArgs, reference: &str) -> Result<()> {
    let settings = a.chart_path.env.settings()?;
    let archive = chart_source::fetch_chart(reference, &a.chart_path.options(reference), &settings).await?;
    report_oci_pull(&archive.origin);
    if !a.untar {
        std::fs::create_dir_all(&a.destination).with_context(|| a.destination.display().to_string())?;
        return write_atomic(&a.destination.join(&archive.file_name), &archive.data);
    }
    let ud = if a.untardir.is_absolute() { a.untardir.clone() } else { go_join(&a.destination, &a.untardir) };
    let base = reference.rsplit('/').next().unwrap_or(reference);
    let check = if ud == Path::new(".") { PathBuf::from(base) } else { go_join(&ud, Path::new(base)) };
    if check.exists() {
        bail!("failed to untar: a file or directory with the name {} already exists", check.display());
    }
    std::fs::create_dir_all(&check).context("failed to untar (mkdir)")?;
    expand(&ud, &archive.data)
}

/// Go's `filepath.Join`: the parts joined, then cleaned (`.` and `..` resolved lexically).
fn go_join(a: &Path, b: &Path) -> PathBuf {
    let joined = a.join(b);
    let text = joined.to_string_lossy();
    let absolute = text.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    let body = parts.join("/");
    match (absolute, body.is_empty()) {
        (true, _) => PathBuf::from(format!("/{body}")),
        (false, true) => PathBuf::from("."),
        (false, false) => PathBuf::from(body),
    }
}

/// Helm's `chartutil.Expand`: the archive's files, verbatim, under `dir/<chart name>`.
fn expand(dir: &Path, data: &[u8]) -> Result<()> {
    let files = chart_model::load::archive_files(data, &chart_model::load::LoadOptions::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = files
        .iter()
        .find(|f| f.name == "Chart.yaml")
        .and_then(|f| chart_model::yaml::from_slice(&f.data).ok())
        .and_then(|v| v.as_map().and_then(|m| m.get("name")).and_then(|n| n.as_str().map(str::to_string)))
        .filter(|n| !n.is_empty())
        .ok_or_else(|| anyhow::anyhow!("chart name not specified"))?;
    if name.contains(['/', '\\']) || name == ".." || name == "." {
        bail!("{name:?} is not a valid chart name");
    }
    let chart_dir = dir.join(&name);
    for f in files {
        // archive_files already refused names that leave the chart.
        let out = chart_dir.join(&f.name);
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
        }
        std::fs::write(&out, &f.data).with_context(|| out.display().to_string())?;
    }
    Ok(())
}

/// Runs `push`; what it prints on stdout (Helm reports on stderr).
pub fn run_push(a: PushArgs) -> Result<String> {
    match a.remote.split_once("://") {
        Some(("oci", _)) => {}
        Some((scheme, _)) if !scheme.is_empty() => bail!("scheme {scheme:?} not supported"),
        _ => bail!("scheme prefix missing from remote (e.g. \"oci://\")"),
    }
    let chart_path = &a.chart;
    if !chart_path.exists() {
        bail!("{}: no such file", chart_path.display());
    }
    if chart_path.is_dir() {
        bail!("cannot push directory, must provide chart archive (.tgz)");
    }
    let data = std::fs::read(chart_path).with_context(|| chart_path.display().to_string())?;
    let chart = chart_model::load::from_archive(data.as_slice(), &chart_model::load::LoadOptions::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let prov_path = PathBuf::from(format!("{}.prov", chart_path.display()));
    let provenance = std::fs::read(&prov_path).ok();
    let remote = OciReference::parse(a.remote.trim_end_matches('/')).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (username, password) = if a.username.is_empty() {
        a.env.registry_credentials(&remote.registry).unwrap_or_default()
    } else {
        (a.username.clone(), a.password.clone())
    };
    let options = RegistryOptions {
        username,
        password,
        plain_http: a.plain_http,
        insecure_skip_tls_verify: a.insecure_skip_tls_verify,
        ca_file: a.ca_file.clone(),
        cert_file: a.cert_file.clone(),
        key_file: a.key_file.clone(),
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let (target, digest) = runtime
        .block_on(async {
            let client = RegistryClient::new(options)?;
            client.push(&remote, &data, &chart.metadata, provenance.as_deref()).await
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    #[allow(clippy::print_stderr)]
    {
        eprintln!("Pushed: {}", target.to_string().trim_start_matches("oci://"));
        eprintln!("Digest: {digest}");
        if target.tag.as_deref().is_some_and(|t| t.contains('_')) {
            eprint!("{}", crate::chart_ref::underscore_note(target.to_string().trim_start_matches("oci://")));
        }
    }
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_join_cleans() {
        let j = |a: &str, b: &str| go_join(Path::new(a), Path::new(b)).display().to_string();
        assert_eq!(j(".", "conflict"), "conflict");
        assert_eq!(j(".", "."), ".");
        assert_eq!(j("/tmp/x", "../y"), "/tmp/y");
        assert_eq!(j("a", "../../b"), "../b");
        assert_eq!(j("/", ".."), "/");
    }
}

//! `helmrs registry login|logout`: registry credentials in Helm's registry config
//! (`HELM_REGISTRY_CONFIG`, Docker's `config.json` `auths`), shared with the real helm.

use std::io::Read as _;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use helm_core::chart_source::{RegistryClient, RegistryOptions};

use crate::chart_ref::{RepoEnv, write_atomic};

/// `helmrs registry ...`.
#[derive(Subcommand)]
pub enum RegistryCommand {
    /// Login to a registry.
    Login(LoginArgs),
    /// Logout from a registry.
    Logout(LogoutArgs),
}

#[derive(Args)]
pub struct LoginArgs {
    /// The registry host (`host[:port]`).
    host: String,
    /// Registry username.
    #[arg(short = 'u', long = "username", default_value = "")]
    username: String,
    /// Registry password or identity token.
    #[arg(short = 'p', long = "password", default_value = "")]
    password: String,
    /// Read password or identity token from stdin.
    #[arg(long = "password-stdin")]
    password_stdin: bool,
    /// Allow connections to TLS registry without certs.
    #[arg(long = "insecure")]
    insecure: bool,
    /// Identify registry client using this SSL certificate file.
    #[arg(long = "cert-file", default_value = "")]
    cert_file: String,
    /// Identify registry client using this SSL key file.
    #[arg(long = "key-file", default_value = "")]
    key_file: String,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle.
    #[arg(long = "ca-file", default_value = "")]
    ca_file: String,
    /// Use insecure HTTP connections.
    #[arg(long = "plain-http")]
    plain_http: bool,
    #[command(flatten)]
    env: RepoEnv,
}

#[derive(Args)]
pub struct LogoutArgs {
    /// The registry host (`host[:port]`).
    host: String,
    #[command(flatten)]
    env: RepoEnv,
}

/// Runs a `registry` command; what it prints on stdout (Helm reports on stderr).
pub fn run(command: RegistryCommand) -> Result<String> {
    match command {
        RegistryCommand::Login(a) => login(a),
        RegistryCommand::Logout(a) => logout(&a),
    }
}

/// `oci://host/...` or `https://host` as Helm strips it to the host.
fn host_of(text: &str) -> &str {
    let rest = text.split_once("://").map_or(text, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

fn login(mut a: LoginArgs) -> Result<String> {
    if a.password_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        a.password = text.trim_end_matches('\n').trim_end_matches('\r').to_string();
    }
    if a.username.is_empty() || a.password.is_empty() {
        bail!("helmrs registry login needs --username and --password (or --password-stdin)");
    }
    let host = host_of(&a.host).to_string();
    let options = RegistryOptions {
        username: a.username.clone(),
        password: a.password.clone(),
        plain_http: a.plain_http,
        insecure_skip_tls_verify: a.insecure,
        ca_file: a.ca_file.clone(),
        cert_file: a.cert_file.clone(),
        key_file: a.key_file.clone(),
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime
        .block_on(async { RegistryClient::new(options)?.ping(&host).await })
        .map_err(|e| anyhow::anyhow!("authenticating to {host:?}: {e}"))?;
    let path = a.env.registry_config();
    let mut config = read_config(&path)?;
    let auth = base64_encode(format!("{}:{}", a.username, a.password).as_bytes());
    config["auths"][host.as_str()] = serde_json::json!({ "auth": auth });
    write_config(&path, &config)?;
    #[allow(clippy::print_stderr)]
    {
        eprintln!("Login Succeeded");
    }
    Ok(String::new())
}

fn logout(a: &LogoutArgs) -> Result<String> {
    let host = host_of(&a.host);
    let path = a.env.registry_config();
    let mut config = read_config(&path)?;
    let removed = config.get_mut("auths").and_then(|v| v.as_object_mut()).and_then(|auths| auths.remove(host));
    if removed.is_none() {
        bail!("not logged in");
    }
    write_config(&path, &config)?;
    #[allow(clippy::print_stderr)]
    {
        eprintln!("Removing login credentials for {host}");
    }
    Ok(String::new())
}

fn read_config(path: &std::path::Path) -> Result<serde_json::Value> {
    let mut config = match std::fs::read(path) {
        Ok(data) if !data.iter().all(u8::is_ascii_whitespace) => {
            serde_json::from_slice(&data).with_context(|| format!("reading {}", path.display()))?
        }
        Ok(_) => serde_json::json!({}),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({}),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    if !config.is_object() {
        bail!("{}: not a JSON object", path.display());
    }
    if !config["auths"].is_object() {
        config["auths"] = serde_json::json!({});
    }
    Ok(config)
}

/// Written as Docker's config.json (tab-indented), readable only by its owner.
fn write_config(path: &std::path::Path, config: &serde_json::Value) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    }
    // serde_json indents by two spaces; JSON text has no raw newline inside strings, so
    // leading spaces are indentation only.
    let text: Vec<String> = serde_json::to_string_pretty(config)?
        .lines()
        .map(|line| {
            let body = line.trim_start_matches(' ');
            format!("{}{body}", "\t".repeat((line.len() - body.len()) / 2))
        })
        .collect();
    write_atomic(path, text.join("\n").as_bytes())?;
    use std::os::unix::fs::PermissionsExt as _;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    Ok(())
}

/// Standard base64 with padding (the `auth` field of the registry config, as Docker's).
fn base64_encode(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_hosts() {
        assert_eq!(base64_encode(b"helm:s3cret"), "aGVsbTpzM2NyZXQ=");
        assert_eq!(base64_encode(b"a"), "YQ==");
        assert_eq!(base64_encode(b"abc"), "YWJj");
        assert_eq!(host_of("oci://127.0.0.1:5000/charts"), "127.0.0.1:5000");
        assert_eq!(host_of("registry.example.com"), "registry.example.com");
    }
}

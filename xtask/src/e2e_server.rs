//! The `helm-api-server` binary, built by cargo and started as a user starts it: flags for the ports and folders,
//! an encryption key file and a tokens file (an admin and a second, non-admin principal), no dev mode.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::e2e_proc::{Background, free_port, http_status, random_hex};

/// A running server.
pub struct Server {
    process: Background,
    /// The gRPC port (it answers HTTP too).
    pub grpc_port: u16,
    /// The HTTP port (it answers gRPC too).
    pub http_port: u16,
    /// The admin token.
    pub token: String,
    /// A file holding only the admin token (what a client reads with HELM_API_TOKEN_FILE).
    pub token_file: PathBuf,
    /// The token of a second principal, `other`, that is not an admin.
    pub other_token: String,
}

impl Server {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The HTTP base URL.
    pub fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// Fails when the server has exited.
    pub fn check_alive(&mut self) -> Result<()> {
        self.process.check_alive()
    }

    /// The server's log file.
    pub fn log(&self) -> &Path {
        &self.process.log
    }

    /// Stops the server (SIGTERM: graceful shutdown) and checks that it exited cleanly.
    pub fn stop(mut self) -> Result<()> {
        match self.process.stop() {
            Some(status) if status.success() => Ok(()),
            other => bail!("helm-api-server did not exit cleanly after SIGTERM: {other:?}"),
        }
    }

    /// CPU time the server has used (user + system), in seconds, from /proc/<pid>/stat (clock ticks of 1/100 s).
    pub fn cpu_seconds(&self) -> Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))?;
        // The fields after the command name (which is in parentheses and may hold spaces).
        let rest = stat.rsplit_once(')').map(|(_, r)| r).context("malformed /proc stat")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| -> Result<f64> { Ok(fields.get(i).context("short /proc stat")?.parse::<f64>()?) };
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name and state.
        Ok((ticks(11)? + ticks(12)?) / 100.0)
    }

    /// `VmHWM` (peak resident memory) and `VmRSS` of the server, in KiB, from /proc.
    pub fn memory_kib(&self) -> Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let field = |name: &str| -> Result<u64> {
            let line = status.lines().find(|l| l.starts_with(name)).with_context(|| format!("no {name}"))?;
            Ok(line.split_whitespace().nth(1).context("no value")?.parse()?)
        };
        Ok((field("VmHWM:")?, field("VmRSS:")?))
    }
}

/// Builds the binaries the run uses (the server, the embedding example) and returns the server's path;
/// `HELM_API_E2E_SERVER_BIN` names a server binary to use instead (and skips building).
///
/// The debug build is `cargo build --workspace --bins --examples`: the same packages and dev-dependencies as
/// `cargo test --workspace`, so the features agree and, in `cargo xtask ci`, nothing is compiled twice
/// (`cargo build --bin helm-api-server` alone resolves other features and rebuilds the dependency tree).
pub fn build(root: &Path, release: bool) -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("HELM_API_E2E_SERVER_BIN").filter(|b| !b.is_empty()) {
        // A developer's override: nothing is built (the embedding example must exist already).
        eprintln!("e2e: using HELM_API_E2E_SERVER_BIN={} (no cargo build)", bin.to_string_lossy());
        return Ok(PathBuf::from(bin));
    }
    crate::run_cmd(root, "cargo", &["build", "--locked", "--workspace", "--bins", "--examples"])?;
    if release {
        crate::run_cmd(root, "cargo", &["build", "--locked", "--release", "--bin", "helm-api-server"])?;
    }
    let bin = cargo_target_dir(root).join(if release { "release" } else { "debug" }).join("helm-api-server");
    if !bin.is_file() {
        bail!("cargo built no {}", bin.display());
    }
    Ok(bin)
}

/// Starts the server with its data, key and tokens under `dir`, on free loopback ports, and waits for /readyz.
pub fn start(bin: &Path, dir: &Path) -> Result<Server> {
    std::fs::create_dir_all(dir)?;
    let key_file = dir.join("encryption.key");
    std::fs::write(&key_file, format!("{}\n", random_hex(32)?))?;
    let token = random_hex(24)?;
    let other_token = random_hex(24)?;
    let tokens_file = dir.join("tokens");
    std::fs::write(&tokens_file, format!("# principal token [admin]\ne2e {token} admin\nother {other_token}\n"))?;
    let token_file = dir.join("admin.token");
    std::fs::write(&token_file, format!("{token}\n"))?;
    let (grpc_port, http_port) = (free_port()?, free_port()?);
    let mut cmd = Command::new(bin);
    cmd.args(["--port", &grpc_port.to_string(), "--http-port", &http_port.to_string()])
        .args(["--data-dir", &dir.join("data").display().to_string()])
        .env("HELM_API_ENCRYPTION_KEY_FILE", &key_file)
        .env("HELM_API_TOKENS_FILE", &tokens_file)
        .env("HELM_API_TMP", dir.join("tmp"))
        .env("HELM_API_LOGLEVEL", std::env::var("HELM_API_E2E_LOGLEVEL").unwrap_or_else(|_| "info".to_owned()))
        .env_remove("HELM_API_DEV")
        .env_remove("KUBECONFIG");
    let mut process = Background::spawn("helm-api-server", &mut cmd, &dir.join("server.log"))?;
    let start = Instant::now();
    loop {
        process.check_alive()?;
        if matches!(http_status(http_port, "/readyz"), Ok(200)) {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            bail!("helm-api-server: /readyz not 200 after 60 s (log: {})", process.log.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if http_status(http_port, "/healthz")? != 200 {
        bail!("helm-api-server: /readyz answers but /healthz does not");
    }
    eprintln!(
        "e2e: helm-api-server ready in {:.1?} (pid {}, gRPC 127.0.0.1:{grpc_port}, HTTP 127.0.0.1:{http_port})",
        start.elapsed(),
        process.pid()
    );
    Ok(Server { process, grpc_port, http_port, token, token_file, other_token })
}

/// Where cargo puts what it builds: `$CARGO_TARGET_DIR` (relative to the workspace root) or `target/`.
pub(crate) fn cargo_target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

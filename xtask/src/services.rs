//! `cargo xtask postgres up|down|env`, and the services CI starts before `cargo test` (cluster, PostgreSQL, helm).
//!
//! PostgreSQL is Debian's (`apt-get install -y postgresql` when `initdb` is missing and we are root), run as an
//! unprivileged user (`postgres`, through `runuser`, when we are root), with its data, socket and log in a folder
//! under target/ and a port on 127.0.0.1, serving TLS with a certificate from a CA of its own. Tests reach it
//! through `HELM_API_TEST_POSTGRES`, a URL (sslmode=disable) to a database they may create tables and databases
//! in, and `HELM_API_TEST_POSTGRES_CA`, that CA.

use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::cluster;

/// A PostgreSQL server's folder and port.
#[derive(Debug, Clone)]
pub struct Postgres {
    /// Data, socket and log.
    pub dir: PathBuf,
    /// The TCP port on 127.0.0.1.
    pub port: u16,
}

impl Postgres {
    /// The URL tests connect with (superuser `postgres`, database `postgres`, trust authentication).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The CA that signed the server's TLS certificate (for `sslmode=verify-full&sslrootcert=...`).
    pub fn ca(&self) -> PathBuf {
        self.dir.join("pki/ca.crt")
    }

    fn is_running(&self) -> bool {
        self.data().join("postmaster.pid").is_file()
    }

    /// Initialises and starts the server (refusing if it already runs).
    pub fn up(&self) -> Result<()> {
        if self.is_running() {
            bail!("PostgreSQL in {} is already running; `cargo xtask postgres down` stops it", self.dir.display());
        }
        let bin = postgres_bin()?;
        let start = Instant::now();
        if self.dir.exists() {
            std::fs::remove_dir_all(&self.dir).with_context(|| format!("removing {}", self.dir.display()))?;
        }
        std::fs::create_dir_all(&self.dir)?;
        // TLS with a certificate for 127.0.0.1 from a CA of its own, so tests cover every sslmode.
        let pki = self.dir.join("pki");
        cluster::make_pki(&pki)?;
        std::fs::set_permissions(pki.join("apiserver.key"), std::fs::Permissions::from_mode(0o600))?;
        let user = server_user();
        if let Some(user) = &user {
            run(Command::new("chown").args(["-R", &format!("{user}:"), &self.dir.display().to_string()]))?;
            // The server's user must be able to reach its folder: give others search (x) permission on the
            // folders above it that lack it (the checkout may live under /root).
            let mut dir = self.dir.parent();
            while let Some(d) = dir {
                if d.as_os_str().is_empty() || d == Path::new("/") {
                    break;
                }
                let searchable = std::fs::metadata(d).is_ok_and(|m| m.permissions().mode() & 0o001 != 0);
                if !searchable {
                    eprintln!("postgres: chmod o+x {} (so that {user} reaches its data)", d.display());
                    let _ = Command::new("chmod").args(["o+x", &d.display().to_string()]).status();
                }
                dir = d.parent();
            }
        }
        let data = self.data().display().to_string();
        as_user(
            &user,
            &bin.join("initdb"),
            &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        )?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c max_connections=200 -c ssl=on \
             -c ssl_cert_file={} -c ssl_key_file={}",
            self.port,
            self.dir.display(),
            pki.join("apiserver.crt").display(),
            pki.join("apiserver.key").display()
        );
        let log = self.dir.join("postgres.log").display().to_string();
        as_user(&user, &bin.join("pg_ctl"), &["-D", &data, "-o", &options, "-l", &log, "-w", "-t", "60", "start"])?;
        eprintln!("postgres: up on 127.0.0.1:{} in {:.1?}: {}", self.port, start.elapsed(), self.url());
        Ok(())
    }

    /// Stops the server and removes its folder.
    pub fn down(&self) -> Result<()> {
        if self.is_running() {
            let bin = postgres_bin()?;
            let data = self.data().display().to_string();
            as_user(&server_user(), &bin.join("pg_ctl"), &["-D", &data, "-m", "fast", "-w", "stop"])?;
        }
        if self.dir.exists() {
            std::fs::remove_dir_all(&self.dir).with_context(|| format!("removing {}", self.dir.display()))?;
        }
        Ok(())
    }
}

/// The folder holding `initdb` and `pg_ctl`: on PATH, or Debian's /usr/lib/postgresql/<version>/bin,
/// installing Debian's package first when we are root and it is missing.
fn postgres_bin() -> Result<PathBuf> {
    if let Some(found) = find_postgres_bin() {
        return Ok(found);
    }
    if !is_root() {
        bail!("PostgreSQL is not installed (no initdb); install Debian's `postgresql` package");
    }
    eprintln!("postgres: installing Debian's postgresql package");
    let apt = |args: &[&str]| {
        let mut cmd = Command::new("apt-get");
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    let install = ["install", "-y", "--no-install-recommends", "postgresql"];
    // A fresh machine has no package lists yet: update, then install again.
    if !apt(&install).status().is_ok_and(|s| s.success()) {
        run(&mut apt(&["update"]))?;
        run(&mut apt(&install))?;
    }
    find_postgres_bin().context("postgresql installed, but no initdb found")
}

fn find_postgres_bin() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file())
        .collect();
    // The newest version first.
    candidates
        .sort_by_key(|p| std::cmp::Reverse(p.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())));
    if let Some(first) = candidates.into_iter().next() {
        return Some(first);
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
    })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The user to run the server as: `postgres` (or `nobody`) when we are root (PostgreSQL refuses root), else us.
fn server_user() -> Option<String> {
    if !is_root() {
        return None;
    }
    let exists = |u: &str| Command::new("id").arg(u).output().is_ok_and(|o| o.status.success());
    ["postgres", "nobody"].into_iter().find(|u| exists(u)).map(str::to_owned)
}

fn as_user(user: &Option<String>, program: &Path, args: &[&str]) -> Result<()> {
    let mut cmd = match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.args(args);
    run(&mut cmd)
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

/// A free TCP port on 127.0.0.1.
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// The developer's PostgreSQL: target/postgres, port `$HELM_API_POSTGRES_PORT` or 25432.
fn local(root: &Path) -> Result<Postgres> {
    let port = match std::env::var("HELM_API_POSTGRES_PORT") {
        Ok(p) => p.trim().parse().with_context(|| format!("HELM_API_POSTGRES_PORT={p:?} is not a port"))?,
        Err(_) => 25432,
    };
    Ok(Postgres { dir: root.join("target/postgres"), port })
}

/// Dispatches `postgres up|down|env`.
pub fn run_postgres(root: &Path, args: &[String]) -> Result<()> {
    let pg = local(root)?;
    match args.first().map(String::as_str) {
        Some("up") => pg.up(),
        Some("down") => pg.down(),
        Some("env") => {
            println!("export HELM_API_TEST_POSTGRES='{}'", pg.url());
            println!("export HELM_API_TEST_POSTGRES_CA='{}'", pg.ca().display());
            Ok(())
        }
        // Starts and stops what `cargo xtask ci` runs the tests against, to check that part alone.
        Some("ci-check") => {
            let services = CiServices::start(root)?;
            for (k, v) in &services.env {
                println!("{k}={v}");
            }
            drop(services);
            Ok(())
        }
        _ => bail!("usage: cargo xtask postgres up|down|env|ci-check"),
    }
}

/// What CI runs the tests against; stopped when dropped, also when a step failed.
pub struct CiServices {
    cluster: Option<cluster::Layout>,
    postgres: Option<Postgres>,
    /// The variables the test run gets.
    pub env: Vec<(String, String)>,
}

impl CiServices {
    /// Builds (or reuses from the cache) and starts a cluster of its own (target/ci-cluster, ports apart from a
    /// developer's cluster) and a PostgreSQL server (target/ci-postgres, a free port), and names them for the tests.
    pub fn start(root: &Path) -> Result<CiServices> {
        let mut services = CiServices { cluster: None, postgres: None, env: Vec::new() };
        let started = Instant::now();
        let layout = cluster::Layout::for_ci(root)?;
        // A cluster left by an interrupted run is stopped first.
        cluster::down_quietly(&layout);
        let bins = cluster::build_and_up(root, &layout)?;
        services.cluster = Some(layout.clone());
        eprintln!("xtask ci: cluster ready after {:.0?}", started.elapsed());
        let pg = Postgres { dir: root.join("target/ci-postgres"), port: free_port()? };
        let _ = pg.down();
        pg.up()?;
        services.env = vec![
            ("HELM_API_TEST_KUBECONFIG".to_owned(), layout.kubeconfig().display().to_string()),
            ("HELM_API_TEST_HELM".to_owned(), bins.helm.display().to_string()),
            ("HELM_API_TEST_POSTGRES".to_owned(), pg.url()),
            ("HELM_API_TEST_POSTGRES_CA".to_owned(), pg.ca().display().to_string()),
            ("HELM_API_TEST_REQUIRE".to_owned(), "1".to_owned()),
        ];
        services.postgres = Some(pg);
        Ok(services)
    }
}

impl Drop for CiServices {
    fn drop(&mut self) {
        if let Some(pg) = self.postgres.take()
            && let Err(e) = pg.down()
        {
            eprintln!("xtask ci: stopping PostgreSQL: {e:#}");
        }
        if let Some(layout) = self.cluster.take() {
            cluster::down_quietly(&layout);
        }
    }
}

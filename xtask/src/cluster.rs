//! `cargo xtask cluster build|up|down|env`: a real Kubernetes control plane on loopback for integration tests.
//!
//! etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, KWOK (fake nodes and kubelets) and the
//! real Helm CLI are built with Go from the module proxy (tools/cluster/*) and cached by version under
//! `$HELM_API_CLUSTER_CACHE` (default `~/.cache/helm-api/cluster`). The running cluster's state (pids, logs,
//! certificates, etcd data, kubeconfig) lives in `$HELM_API_CLUSTER_DIR` (default `target/cluster`).

mod build;
mod certs;
mod kwok;
mod up;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The loopback ports, each overridable by its environment variable.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    pub etcd: u16,
    pub etcd_peer: u16,
    pub apiserver: u16,
    pub controller_manager: u16,
    pub scheduler: u16,
    pub kwok: u16,
}

impl Ports {
    /// (environment variable, default) for each port, in the field order above.
    const VARS: [(&'static str, u16); 6] = [
        ("HELM_API_CLUSTER_ETCD_PORT", 23790),
        ("HELM_API_CLUSTER_ETCD_PEER_PORT", 23800),
        ("HELM_API_CLUSTER_APISERVER_PORT", 16443),
        ("HELM_API_CLUSTER_CONTROLLER_MANAGER_PORT", 20257),
        ("HELM_API_CLUSTER_SCHEDULER_PORT", 20259),
        ("HELM_API_CLUSTER_KWOK_PORT", 20247),
    ];

    fn from_env() -> Result<Self> {
        let mut values = [0u16; 6];
        for (value, (var, default)) in values.iter_mut().zip(Self::VARS) {
            *value = match std::env::var(var) {
                Ok(text) => text.trim().parse().with_context(|| format!("{var}={text:?} is not a port number"))?,
                Err(_) => default,
            };
        }
        let [etcd, etcd_peer, apiserver, controller_manager, scheduler, kwok] = values;
        Ok(Self { etcd, etcd_peer, apiserver, controller_manager, scheduler, kwok })
    }

    /// Each port with its variable.
    fn named(&self) -> impl Iterator<Item = (&'static str, u16)> {
        let values = [self.etcd, self.etcd_peer, self.apiserver, self.controller_manager, self.scheduler, self.kwok];
        Self::VARS.into_iter().map(|(var, _)| var).zip(values)
    }
}

/// Where things are.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The running cluster's folder.
    pub state: PathBuf,
    /// The binaries' cache.
    pub cache: PathBuf,
    pub ports: Ports,
}

impl Layout {
    fn new(root: &Path) -> Result<Self> {
        let state = match std::env::var_os("HELM_API_CLUSTER_DIR") {
            Some(dir) => absolute(PathBuf::from(dir))?,
            None => root.join("target/cluster"),
        };
        let cache = match std::env::var_os("HELM_API_CLUSTER_CACHE") {
            Some(dir) => absolute(PathBuf::from(dir))?,
            None => user_cache_dir()?.join("helm-api/cluster"),
        };
        Ok(Self { state, cache, ports: Ports::from_env()? })
    }

    /// CI's own cluster: state in target/ci-cluster and every port 1000 above the defaults, so that `cargo xtask
    /// ci` runs beside a developer's cluster (the binaries' cache is shared).
    pub fn for_ci(root: &Path) -> Result<Self> {
        let mut layout = Self::new(root)?;
        layout.state = root.join("target/ci-cluster");
        let [etcd, etcd_peer, apiserver, controller_manager, scheduler, kwok] =
            Ports::VARS.map(|(_, default)| default + 1000);
        layout.ports = Ports { etcd, etcd_peer, apiserver, controller_manager, scheduler, kwok };
        Ok(layout)
    }

    /// The admin kubeconfig.
    pub fn kubeconfig(&self) -> PathBuf {
        self.state.join("kubeconfig")
    }
}

fn absolute(path: PathBuf) -> Result<PathBuf> {
    if path.is_absolute() { Ok(path) } else { Ok(std::env::current_dir()?.join(path)) }
}

fn user_cache_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").context("neither HELM_API_CLUSTER_CACHE, XDG_CACHE_HOME nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cache"))
}

/// Dispatches `cluster <sub>`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let layout = Layout::new(root)?;
    match args.first().map(String::as_str) {
        Some("build") => {
            let bins = build::build(root, &layout.cache)?;
            println!("{}", bins.kube_apiserver.parent().map(Path::display).context("cache path")?);
            Ok(())
        }
        Some("up") => {
            let bins = build::build(root, &layout.cache)?;
            up::up(&layout, &bins)
        }
        Some("down") => up::down(&layout),
        Some("env") => env(root, &layout),
        Some(other) => bail!("unknown cluster command {other:?} (build, up, down, env)"),
        None => bail!("usage: cargo xtask cluster build|up|down|env"),
    }
}

/// Writes a CA (ca.crt) and a serving pair for 127.0.0.1 and localhost (apiserver.{crt,key}) into `dir`, as the
/// cluster's own PKI (PostgreSQL serves TLS with it).
pub fn make_pki(dir: &Path) -> Result<()> {
    certs::generate(dir)
}

/// Builds what the cache lacks and starts the cluster of `layout`; returns the binaries.
pub fn build_and_up(root: &Path, layout: &Layout) -> Result<build::Bins> {
    let bins = build::build(root, &layout.cache)?;
    up::up(layout, &bins)?;
    Ok(bins)
}

/// Stops the cluster of `layout` if one runs there, reporting failures instead of returning them.
pub fn down_quietly(layout: &Layout) {
    if layout.state.exists()
        && let Err(e) = up::down(layout)
    {
        eprintln!("cluster: stopping {}: {e:#}", layout.state.display());
    }
}

/// Prints `export` lines for KUBECONFIG and a PATH with the cached kubectl and helm.
fn env(root: &Path, layout: &Layout) -> Result<()> {
    let bins = build::locate(root, &layout.cache)?;
    if !bins.complete() {
        eprintln!("cluster: some binaries are not built yet; `cargo xtask cluster build` (or `up`) builds them");
    }
    if !layout.kubeconfig().is_file() {
        eprintln!("cluster: not running; `cargo xtask cluster up` starts it");
    }
    println!("export KUBECONFIG={}", shell_quote(&layout.kubeconfig().display().to_string()));
    let dirs: Vec<String> = bins.path_dirs().iter().map(|d| shell_quote(&d.display().to_string())).collect();
    println!("export PATH={}:\"$PATH\"", dirs.join(":"));
    Ok(())
}

/// Single-quotes a word for POSIX shells.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

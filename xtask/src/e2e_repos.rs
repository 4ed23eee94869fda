//! The chart sources of the end-to-end run: the example chart packaged by the real helm (two versions), served by
//! nginx as an HTTP repository (TLS with a CA of its own, basic auth) and pushed by the real helm to Debian's
//! docker-registry as an OCI registry (TLS, htpasswd).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::e2e_proc::{Background, find, free_port, output, wait_for_port};

/// The user and password of both repositories.
pub const USER: &str = "helm";
/// The password of [`USER`].
pub const PASSWORD: &str = "e2e-s3cret";
/// The example chart's name.
pub const CHART: &str = "greeter";
/// The versions packaged from examples/charts/greeter (the first is the folder's own).
pub const VERSIONS: [&str; 2] = ["0.1.0", "0.2.0"];

/// The real helm with a home of its own (cache, config, registry login) under the run's folder.
#[derive(Clone)]
pub struct Helm {
    /// The binary.
    pub bin: PathBuf,
    /// HELM_*_HOME and the registry config live here.
    pub home: PathBuf,
    /// The admin kubeconfig of the cluster.
    pub kubeconfig: PathBuf,
}

impl Helm {
    /// A `helm` command with the isolated home and the cluster's kubeconfig.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.env("HELM_CACHE_HOME", self.home.join("cache"))
            .env("HELM_CONFIG_HOME", self.home.join("config"))
            .env("HELM_DATA_HOME", self.home.join("data"))
            .env("HELM_REGISTRY_CONFIG", self.home.join("registry.json"))
            .env("KUBECONFIG", &self.kubeconfig)
            .env_remove("HELM_DRIVER")
            .env_remove("HELM_NAMESPACE");
        cmd
    }

    /// Runs helm with `args` and returns its stdout.
    pub fn run(&self, args: &[&str]) -> Result<String> {
        output(self.cmd().args(args))
    }

    /// Runs helm with `args` (which ask for `-o json`) and parses its stdout.
    pub fn json(&self, args: &[&str]) -> Result<serde_json::Value> {
        let out = self.run(args)?;
        serde_json::from_str(&out).with_context(|| format!("helm {}: not JSON: {out}", args.join(" ")))
    }
}

/// Both repositories, running.
pub struct Repos {
    _nginx: Background,
    _registry: Background,
    /// The HTTP repository's URL (https, basic auth).
    pub http_url: String,
    /// The OCI registry's URL (`oci://127.0.0.1:<port>/charts`).
    pub oci_url: String,
    /// The CA both serve certificates from (PEM file).
    pub ca: PathBuf,
    /// The packaged charts, by version.
    pub packages: Vec<PathBuf>,
}

/// Packages the chart, starts both repositories and fills them.
pub fn start(root: &Path, dir: &Path, helm: &Helm) -> Result<Repos> {
    let pki = dir.join("pki");
    crate::cluster::make_pki(&pki)?;
    let ca = pki.join("ca.crt");
    let (cert, key) = (pki.join("apiserver.crt"), pki.join("apiserver.key"));

    // The chart, packaged twice by the real helm.
    let www = dir.join("www");
    let charts = www.join("charts");
    std::fs::create_dir_all(&charts)?;
    let source = root.join("examples/charts").join(CHART);
    let mut packages = Vec::new();
    for version in VERSIONS {
        let src = source.display().to_string();
        let dest = charts.display().to_string();
        helm.run(&["package", &src, "--version", version, "--destination", &dest])?;
        packages.push(charts.join(format!("{CHART}-{version}.tgz")));
    }

    // nginx: the repository over TLS with basic auth.
    let nginx_bin = find("nginx").context("nginx not found (apt-get install nginx)")?;
    let port = free_port()?;
    let http_url = format!("https://127.0.0.1:{port}/charts");
    let dest = charts.display().to_string();
    helm.run(&["repo", "index", &dest, "--url", &http_url])?;
    std::fs::create_dir_all(dir.join("nginx-tmp"))?;
    std::fs::write(dir.join("nginx.htpasswd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n"))?;
    let user = if is_root() { "user root;" } else { "" };
    let conf = format!(
        "{user}\ndaemon off;\nworker_processes 1;\npid {pid};\nerror_log {err};\nevents {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {tmp};\n  proxy_temp_path {tmp};\n  fastcgi_temp_path {tmp};\n\
         \x20 uwsgi_temp_path {tmp};\n  scgi_temp_path {tmp};\n  types {{ text/yaml yaml; application/gzip tgz; }}\n\
         \x20 root {www};\n  server {{\n    listen 127.0.0.1:{port} ssl;\n    ssl_certificate {cert};\n\
         \x20   ssl_certificate_key {key};\n    location / {{ auth_basic \"charts\"; auth_basic_user_file {htpasswd}; }}\n  }}\n}}\n",
        pid = dir.join("nginx.pid").display(),
        err = dir.join("nginx.error.log").display(),
        tmp = dir.join("nginx-tmp").display(),
        www = www.display(),
        cert = cert.display(),
        key = key.display(),
        htpasswd = dir.join("nginx.htpasswd").display(),
    );
    std::fs::write(dir.join("nginx.conf"), conf)?;
    let nginx = Background::spawn(
        "nginx",
        Command::new(nginx_bin).args([
            "-p",
            &dir.display().to_string(),
            "-c",
            &dir.join("nginx.conf").display().to_string(),
            "-e",
            &dir.join("nginx.error.log").display().to_string(),
        ]),
        &dir.join("nginx.log"),
    )?;
    wait_for_port(port, "nginx")?;

    // docker-registry: the OCI registry over TLS with htpasswd (bcrypt from crypt(3), as Perl exposes it).
    let registry_bin =
        find("docker-registry").context("docker-registry not found (apt-get install docker-registry)")?;
    let hash = output(
        Command::new("perl").args(["-e", &format!("print crypt('{PASSWORD}', q($2b$05$) . 'abcdefghijklmnopqrstuv')")]),
    )?;
    if !hash.starts_with("$2b$") {
        bail!("no bcrypt from crypt(3): {hash}");
    }
    std::fs::write(dir.join("registry.htpasswd"), format!("{USER}:{hash}\n"))?;
    let reg_port = free_port()?;
    let config = format!(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {data}\n\
         http:\n  addr: 127.0.0.1:{reg_port}\n  tls:\n    certificate: {cert}\n    key: {key}\n\
         auth:\n  htpasswd:\n    realm: helm-api-e2e\n    path: {htpasswd}\n",
        data = dir.join("registry-data").display(),
        cert = cert.display(),
        key = key.display(),
        htpasswd = dir.join("registry.htpasswd").display(),
    );
    std::fs::write(dir.join("registry.yml"), config)?;
    let registry = Background::spawn(
        "docker-registry",
        Command::new(registry_bin).args(["serve", &dir.join("registry.yml").display().to_string()]),
        &dir.join("registry.log"),
    )?;
    wait_for_port(reg_port, "docker-registry")?;
    let host = format!("127.0.0.1:{reg_port}");
    let ca_arg = ca.display().to_string();
    helm.run(&["registry", "login", &host, "--username", USER, "--password", PASSWORD, "--ca-file", &ca_arg])?;
    let oci_url = format!("oci://{host}/charts");
    for package in &packages {
        helm.run(&["push", &package.display().to_string(), &oci_url, "--ca-file", &ca_arg])?;
    }
    eprintln!("e2e: chart repository {http_url}, OCI registry {oci_url} ({CHART} {})", VERSIONS.join(", "));
    Ok(Repos { _nginx: nginx, _registry: registry, http_url, oci_url, ca, packages })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

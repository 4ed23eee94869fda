//! `cargo xtask e2e [--load] [--keep]`: the end-to-end test. It starts (or reuses, from `HELM_API_TEST_KUBECONFIG`
//! and `HELM_API_TEST_HELM`) a real control plane, a real HTTP chart repository (nginx) and OCI registry
//! (docker-registry) holding the example chart pushed by the real helm, builds and starts `helm-api-server` as a user
//! does, and runs the original README's walkthrough over HTTP (examples/http, Node.js) and over gRPC (the Python
//! client generated from the original service's proto, protos/original/helm-api.proto), checking every step with
//! the real `helm`; then the embedding example (helm-core without the server), grpcurl through reflection, and
//! deploy/ applied to the cluster. `--load` runs the load test (e2e_load.rs) instead of the walkthrough. Everything
//! started is stopped, also on failure; the run's folder (target/e2e/run) is kept on failure, or always with `--keep`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::e2e_proc::{ensure_tools, find, output};
use crate::e2e_repos::Helm;
use crate::e2e_walkthrough::{Client, Flavour, RepoUse, Setup};

/// `cargo xtask e2e [--load] [--keep] [--release]`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut options = Options::default();
    for arg in args {
        match arg.as_str() {
            "--load" => options.load = true,
            "--keep" => options.keep = true,
            "--release" => options.release = true,
            other => bail!("unknown e2e option {other:?} (--load, --keep, --release)"),
        }
    }
    let reuse =
        ["HELM_API_TEST_KUBECONFIG", "HELM_API_TEST_HELM"].map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    if let [Some(kubeconfig), Some(helm)] = reuse {
        eprintln!("e2e: reusing the cluster of HELM_API_TEST_KUBECONFIG={kubeconfig}");
        return run_with(root, Path::new(&kubeconfig), Path::new(&helm), &options);
    }
    // No services given: start CI's own (stopped when `services` drops).
    crate::services_repo::install()?;
    let services = crate::services::CiServices::start(root)?;
    let var = |k: &str| services.env.iter().find(|(n, _)| n == k).map(|(_, v)| PathBuf::from(v));
    let kubeconfig = var("HELM_API_TEST_KUBECONFIG").context("no kubeconfig from the CI services")?;
    let helm = var("HELM_API_TEST_HELM").context("no helm from the CI services")?;
    let result = run_with(root, &kubeconfig, &helm, &options);
    drop(services);
    result
}

/// `cargo xtask ci`'s end-to-end step, on the services CI started for the tests (their variables in `env`).
pub fn run_ci(root: &Path, env: &[(String, String)]) -> Result<()> {
    let var = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| PathBuf::from(v));
    let kubeconfig = var("HELM_API_TEST_KUBECONFIG").context("no HELM_API_TEST_KUBECONFIG for e2e")?;
    let helm = var("HELM_API_TEST_HELM").context("no HELM_API_TEST_HELM for e2e")?;
    run_with(root, &kubeconfig, &helm, &Options::default())
}

/// What `cargo xtask e2e` does.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Run the load test instead of the walkthrough.
    pub load: bool,
    /// Keep the run's folder.
    pub keep: bool,
    /// Build the server with `--release` (the load test's figures).
    pub release: bool,
}

/// Runs the end-to-end test against a running cluster (what `cargo xtask ci` calls with its services).
pub fn run_with(root: &Path, kubeconfig: &Path, helm_bin: &Path, options: &Options) -> Result<()> {
    let started = Instant::now();
    ensure_tools()?;
    let dir = root.join("target/e2e/run");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let result = run_in(root, &dir, kubeconfig, helm_bin, options);
    match &result {
        Ok(()) if !options.keep => {
            let _ = std::fs::remove_dir_all(&dir);
            eprintln!("e2e: passed in {:.0?}", started.elapsed());
        }
        Ok(()) => eprintln!("e2e: passed in {:.0?}; logs in {}", started.elapsed(), dir.display()),
        Err(_) => eprintln!("e2e: FAILED after {:.0?}; logs in {}", started.elapsed(), dir.display()),
    }
    result
}

/// Namespaces made for the run, deleted (without waiting) when dropped.
struct Namespaces<'a> {
    kubectl: &'a Path,
    kubeconfig: &'a Path,
    names: Vec<String>,
}

impl Namespaces<'_> {
    fn create(&mut self, name: &str) -> Result<()> {
        output(Command::new(self.kubectl).args(["create", "namespace", name, "--kubeconfig"]).arg(self.kubeconfig))?;
        self.names.push(name.to_owned());
        Ok(())
    }
}

impl Drop for Namespaces<'_> {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = Command::new(self.kubectl)
                .args(["delete", "namespace", name, "--wait=false", "--ignore-not-found", "--kubeconfig"])
                .arg(self.kubeconfig)
                .output();
        }
    }
}

fn run_in(root: &Path, dir: &Path, kubeconfig: &Path, helm_bin: &Path, options: &Options) -> Result<()> {
    let helm = Helm { bin: helm_bin.to_owned(), home: dir.join("helm"), kubeconfig: kubeconfig.to_owned() };
    let kubectl = kubectl(helm_bin)?;
    // What a user sends: the kubeconfig with its certificates inlined.
    let flat = dir.join("kubeconfig.flat");
    let text = output(
        Command::new(&kubectl)
            .args(["config", "view", "--raw", "--flatten", "--minify", "--kubeconfig"])
            .arg(kubeconfig),
    )?;
    std::fs::write(&flat, text)?;

    let bin = crate::e2e_server::build(root, options.release)?;
    let repos = crate::e2e_repos::start(root, &dir.join("repos"), &helm)?;
    let mut server = crate::e2e_server::start(&bin, &dir.join("server"))?;
    let tag = std::process::id();
    let mut namespaces = Namespaces { kubectl: &kubectl, kubeconfig, names: Vec::new() };

    if options.load {
        let ns = format!("e2e-load-{tag}");
        namespaces.create(&ns)?;
        let result = crate::e2e_load::run(root, dir, &server, &helm, &kubectl, &flat, &ns, &repos);
        server.check_alive()?;
        server.stop()?;
        return result;
    }

    let python = python_client(root, dir)?;
    let setup = Setup { helm: &helm, kubectl: &kubectl, kubeconfig_flat: &flat, work: dir, packages: &repos.packages };
    let base_env = vec![
        ("HELM_API_URL".to_owned(), server.http_url()),
        ("HELM_API_GRPC".to_owned(), format!("127.0.0.1:{}", server.grpc_port)),
        ("HELM_API_TOKEN_FILE".to_owned(), server.token_file.display().to_string()),
        ("HELM_API_REPO_CA_FILE".to_owned(), repos.ca.display().to_string()),
        ("HELM_API_PYTHON_GEN".to_owned(), dir.join("python-gen").display().to_string()),
        ("HELM_API_E2E_OTHER_TOKEN".to_owned(), server.other_token.clone()),
    ];
    let flavours = [
        (Flavour::Http, RepoUse { name: "charts", url: &repos.http_url }),
        (Flavour::Grpc, RepoUse { name: "oci-charts", url: &repos.oci_url }),
    ];
    for (flavour, repo) in flavours {
        if !wanted(if flavour == Flavour::Http { "http" } else { "grpc" }) {
            continue;
        }
        let ctx = format!("e2e-{}", if flavour == Flavour::Http { "http" } else { "grpc" });
        let ns = format!("{ctx}-{tag}");
        namespaces.create(&ns)?;
        let mut env = base_env.clone();
        env.push(("HELM_API_CONTEXT".to_owned(), ctx.clone()));
        let client = Client { flavour, root: root.to_owned(), python: python.clone(), env };
        let walked = crate::e2e_walkthrough::run(&client, &setup, &ctx, &ns, &repo);
        if let Err(e) = walked {
            eprintln!("e2e: the server's log: {}", server.log().display());
            server.check_alive()?;
            return Err(e);
        }
    }

    if wanted("grpcurl") {
        grpcurl(root, &server)?;
    }
    if wanted("embed") {
        let ns = format!("e2e-embed-{tag}");
        namespaces.create(&ns)?;
        embed(root, &helm, &flat, &ns)?;
    }
    if wanted("deploy") {
        deploy(root, &helm, &kubectl, kubeconfig, tag)?;
    }

    server.check_alive()?;
    server.stop()?;
    Ok(())
}

/// Whether a part of the run is wanted: every part, unless `HELM_API_E2E_ONLY` lists some (comma-separated: http,
/// grpc, grpcurl, embed, deploy) to rerun them alone while developing.
fn wanted(part: &str) -> bool {
    match std::env::var("HELM_API_E2E_ONLY") {
        Ok(only) if !only.trim().is_empty() => only.split(',').any(|p| p.trim() == part),
        _ => true,
    }
}

/// kubectl: on PATH, or beside the real helm in the cluster's binary cache.
fn kubectl(helm_bin: &Path) -> Result<PathBuf> {
    if let Some(found) = find("kubectl") {
        return Ok(found);
    }
    let cache = helm_bin.parent().and_then(Path::parent).and_then(Path::parent).context("helm's cache folder")?;
    for entry in std::fs::read_dir(cache)?.flatten() {
        let candidate = entry.path().join("bin/kubectl");
        if entry.file_name().to_string_lossy().starts_with("kubernetes-") && candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!("kubectl not found on PATH nor in {}", cache.display())
}

/// The venv (target/e2e/venv, grpcio and grpcio-tools from PyPI, pinned in examples/python/requirements.txt) and
/// the client generated from the original service's proto (protos/original/helm-api.proto) into the run's folder;
/// returns the venv's python.
fn python_client(root: &Path, dir: &Path) -> Result<PathBuf> {
    let venv = root.join("target/e2e/venv");
    let python = venv.join("bin/python");
    let ready =
        Command::new(&python).args(["-c", "import grpc, grpc_tools"]).output().is_ok_and(|o| o.status.success());
    if !ready {
        crate::run_cmd(root, "python3", &["-m", "venv", &venv.display().to_string()])?;
        let requirements = root.join("examples/python/requirements.txt").display().to_string();
        crate::run_cmd(root, &python.display().to_string(), &["-m", "pip", "install", "-q", "-r", &requirements])?;
    }
    let out = dir.join("python-gen").display().to_string();
    output(Command::new(root.join("examples/python/generate.sh")).arg(&out).env("PYTHON", &python))?;
    Ok(python)
}

/// grpcurl through the server's reflection (installed with `go install` from the Go module proxy when Go is there;
/// skipped with a note otherwise).
fn grpcurl(root: &Path, server: &crate::e2e_server::Server) -> Result<()> {
    let gobin = root.join("target/e2e/gobin");
    let bin = gobin.join("grpcurl");
    if !bin.is_file() {
        let Some(go) = find("go").or_else(|| Some(PathBuf::from("/usr/local/go/bin/go")).filter(|p| p.is_file()))
        else {
            eprintln!("e2e: grpcurl skipped (no Go to install it)");
            return Ok(());
        };
        let installed = Command::new(go)
            .args(["install", "github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4"])
            .env("GOBIN", &gobin)
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            eprintln!("e2e: grpcurl skipped (go install failed)");
            return Ok(());
        }
    }
    let addr = format!("127.0.0.1:{}", server.grpc_port);
    let services = output(Command::new(&bin).args(["-plaintext", &addr, "list"]))?;
    if !services.lines().any(|l| l.trim() == "helmapi.HelmApiService") {
        bail!("grpcurl list: no helmapi.HelmApiService in {services}");
    }
    let header = format!("authorization: Bearer {}", server.token);
    let contexts = output(Command::new(&bin).args([
        "-plaintext",
        "-H",
        &header,
        "-d",
        "{}",
        &addr,
        "helmapi.HelmApiService/ListContexts",
    ]))?;
    serde_json::from_str::<serde_json::Value>(&contexts)
        .with_context(|| format!("grpcurl ListContexts: {contexts}"))?;
    let denied =
        Command::new(&bin).args(["-plaintext", "-d", "{}", &addr, "helmapi.HelmApiService/ListContexts"]).output()?;
    if denied.status.success() {
        bail!("grpcurl ListContexts without a token succeeded");
    }
    eprintln!("e2e: grpcurl: reflection lists the service, ListContexts answers, no token is refused");
    Ok(())
}

/// The embedding example: helm-core without the server installs the example chart; the real helm sees it.
fn embed(root: &Path, helm: &Helm, kubeconfig: &Path, ns: &str) -> Result<()> {
    let chart = root.join("examples/charts/greeter").display().to_string();
    let kc = kubeconfig.display().to_string();
    // Built by e2e_server::build with the workspace's examples.
    let example = crate::e2e_server::cargo_target_dir(root).join("debug/examples/embed").display().to_string();
    crate::run_cmd(root, &example, &[&kc, ns, "embedded", &chart, "message=embedded"])?;
    let list = helm.json(&["list", "-n", ns, "-o", "json"])?;
    let entry = list.as_array().and_then(|a| a.iter().find(|r| r["name"] == "embedded")).cloned();
    let entry =
        entry.with_context(|| format!("helm list -n {ns}: no release `embedded` from the embed example: {list}"))?;
    if entry["status"] != "deployed" {
        bail!("embed example: helm lists {entry}");
    }
    let values = helm.json(&["get", "values", "embedded", "-n", ns, "-o", "json"])?;
    if values != serde_json::json!({"message": "embedded"}) {
        bail!("embed example: helm get values: {values}");
    }
    helm.run(&["uninstall", "embedded", "-n", ns])?;
    eprintln!("e2e: embed example installed a release the real helm lists and uninstalls");
    Ok(())
}

/// deploy/: the manifests applied to the cluster as deploy/README.md says (namespace, the Secret with the key and
/// tokens, the rest) and the Deployment rolled out (KWOK runs the pods), then the chart installed by the real helm
/// into a namespace of its own; both removed afterwards.
fn deploy(root: &Path, helm: &Helm, kubectl: &Path, kubeconfig: &Path, tag: u32) -> Result<()> {
    let kc = kubeconfig.display().to_string();
    let manifests = root.join("deploy").display().to_string();
    let key = crate::e2e_proc::random_hex(32)?;
    let tokens = format!("ops {} admin", crate::e2e_proc::random_hex(24)?);
    let kubectl_run = |args: &[&str]| output(Command::new(kubectl).args(args).args(["--kubeconfig", &kc]));
    let rolled = kubectl_run(&["apply", "-f", &format!("{manifests}/00-namespace.yaml")])
        .and_then(|_| {
            kubectl_run(&[
                "create",
                "secret",
                "generic",
                "helm-api",
                "-n",
                "helm-api",
                &format!("--from-literal=encryption.key={key}"),
                &format!("--from-literal=tokens={tokens}"),
            ])
        })
        .and_then(|_| kubectl_run(&["apply", "-f", &manifests]))
        .and_then(|_| kubectl_run(&["rollout", "status", "deployment/helm-api", "-n", "helm-api", "--timeout=120s"]));
    let _ = kubectl_run(&["delete", "namespace", "helm-api", "--ignore-not-found", "--timeout=120s"]);
    rolled.context("deploy/ manifests")?;
    let ns = format!("e2e-chart-{tag}");
    let chart = root.join("deploy/chart").display().to_string();
    let installed = helm.run(&[
        "install",
        "helm-api",
        &chart,
        "-n",
        &ns,
        "--create-namespace",
        "--set",
        &format!("secret.encryptionKey={key}"),
        "--set",
        &format!("secret.tokens={tokens}"),
        "--wait",
        "--timeout",
        "2m",
    ]);
    let _ = helm.run(&["uninstall", "helm-api", "-n", &ns]);
    let _ = kubectl_run(&["delete", "namespace", &ns, "--wait=false"]);
    installed.context("deploy/chart installed by the real helm")?;
    eprintln!("e2e: deploy/ applied and rolled out; deploy/chart installed by the real helm");
    Ok(())
}

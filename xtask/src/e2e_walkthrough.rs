//! The original README's walkthrough, run step by step with the examples' clients (the Node.js scripts over HTTP,
//! the Python client generated from the proto over gRPC) and checked after each step with the real `helm` CLI and
//! `kubectl` against the cluster.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

use crate::e2e_repos::{CHART, Helm, PASSWORD, USER, VERSIONS};

/// Which client drives the walkthrough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// examples/http/*.mjs with Node's fetch.
    Http,
    /// examples/python/walkthrough.py with the grpcio client generated from protos/original/helm-api.proto.
    Grpc,
}

impl Flavour {
    fn tag(self) -> &'static str {
        match self {
            Flavour::Http => "http",
            Flavour::Grpc => "grpc",
        }
    }
}

/// A client of the server: one process per step, the examples' own command lines.
pub struct Client {
    /// HTTP or gRPC.
    pub flavour: Flavour,
    /// The workspace root (the examples live there).
    pub root: PathBuf,
    /// The venv's python (gRPC flavour).
    pub python: PathBuf,
    /// Environment every step gets (server address, token, context, generated modules).
    pub env: Vec<(String, String)>,
}

/// What a step answered: its JSON on success, its error JSON on failure.
pub enum Answer {
    /// Exit 0 and the printed JSON.
    Ok(Value),
    /// Exit 1 and the error JSON (`code` is the gRPC code).
    Err(Value),
}

impl Client {
    fn command(&self, step: &str, args: &[&str], extra_env: &[(&str, &str)]) -> Command {
        let mut cmd = match self.flavour {
            Flavour::Http => {
                let mut c = Command::new("node");
                c.arg(self.root.join("examples/http").join(format!("{step}.mjs")));
                c
            }
            Flavour::Grpc => {
                let mut c = Command::new(&self.python);
                c.arg(self.root.join("examples/python/walkthrough.py")).arg(step);
                c
            }
        };
        cmd.args(args).envs(self.env.iter().map(|(k, v)| (k, v))).env("NODE_NO_WARNINGS", "1");
        for (k, v) in extra_env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        cmd
    }

    /// Runs a step with extra environment (an empty value removes the variable).
    pub fn run_with(&self, step: &str, args: &[&str], extra_env: &[(&str, &str)]) -> Result<Answer> {
        let out = self.command(step, args, extra_env).output().with_context(|| format!("running step {step}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            let value = serde_json::from_str(&stdout).with_context(|| {
                format!("[{}] {step} {args:?}: output is not JSON: {stdout}{stderr}", self.flavour.tag())
            })?;
            Ok(Answer::Ok(value))
        } else {
            // The error JSON is the last line that parses (a runtime may warn before it).
            let last_json = stderr.lines().rev().find_map(|l| serde_json::from_str::<Value>(l.trim()).ok());
            let value = last_json.with_context(|| {
                format!(
                    "[{}] {step} {args:?} failed ({}) without an error JSON: {stderr}",
                    self.flavour.tag(),
                    out.status
                )
            })?;
            Ok(Answer::Err(value))
        }
    }

    /// Runs a step that must succeed.
    pub fn ok(&self, step: &str, args: &[&str]) -> Result<Value> {
        self.ok_with(step, args, &[])
    }

    /// Runs a step that must succeed, with extra environment.
    pub fn ok_with(&self, step: &str, args: &[&str], env: &[(&str, &str)]) -> Result<Value> {
        match self.run_with(step, args, env)? {
            Answer::Ok(v) => Ok(v),
            Answer::Err(e) => bail!("[{}] {step} {args:?} failed: {e}", self.flavour.tag()),
        }
    }

    /// Runs a step that must fail with one of the gRPC `codes`.
    pub fn fails(&self, step: &str, args: &[&str], env: &[(&str, &str)], codes: &[i64]) -> Result<Value> {
        match self.run_with(step, args, env)? {
            Answer::Ok(v) => {
                bail!("[{}] {step} {args:?} succeeded, expected gRPC code {codes:?}: {v}", self.flavour.tag())
            }
            Answer::Err(e) => {
                let code = e.get("code").and_then(Value::as_i64);
                ensure!(
                    code.is_some_and(|c| codes.contains(&c)),
                    "[{}] {step} {args:?}: expected gRPC code {codes:?}, got {e}",
                    self.flavour.tag()
                );
                Ok(e)
            }
        }
    }
}

/// What the walkthrough needs besides the client.
pub struct Setup<'a> {
    /// The real helm.
    pub helm: &'a Helm,
    /// kubectl, with the admin kubeconfig.
    pub kubectl: &'a Path,
    /// The admin kubeconfig with its certificates inlined (what a user sends to the server).
    pub kubeconfig_flat: &'a Path,
    /// A folder for values files.
    pub work: &'a Path,
    /// The chart packages by version.
    pub packages: &'a [PathBuf],
}

/// The repository a flavour installs from.
pub struct RepoUse<'a> {
    /// The repository's name in the context.
    pub name: &'a str,
    /// Its URL (https:// or oci://).
    pub url: &'a str,
}

/// An integer that JSON may carry as a number or (int64 in protobuf's mapping) as a string.
fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn str_at<'v>(v: &'v Value, pointer: &str) -> &'v str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

fn check_eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<()> {
    ensure!(got == want, "{what}: got {got:?}, want {want:?}");
    Ok(())
}

fn kubectl_json(setup: &Setup<'_>, args: &[&str]) -> Result<Value> {
    let out = crate::e2e_proc::output(
        Command::new(setup.kubectl).args(args).args(["-o", "json", "--kubeconfig"]).arg(&setup.helm.kubeconfig),
    )?;
    Ok(serde_json::from_str(&out)?)
}

/// `helm list` entry of `release` in `ns`, if any.
fn helm_list_entry(setup: &Setup<'_>, ns: &str, release: &str) -> Result<Option<Value>> {
    let list = setup.helm.json(&["list", "-n", ns, "-a", "-o", "json"])?;
    Ok(list.as_array().and_then(|a| a.iter().find(|r| r["name"] == release).cloned()))
}

/// Checks what the real helm lists for `release`: revision, status and chart.
fn check_helm_list(
    setup: &Setup<'_>,
    ns: &str,
    release: &str,
    revision: i64,
    status: &str,
    version: &str,
) -> Result<()> {
    let entry = helm_list_entry(setup, ns, release)?.with_context(|| format!("helm list -n {ns}: no {release}"))?;
    check_eq("helm list: revision", int(&entry["revision"]), Some(revision))?;
    check_eq("helm list: status", str_at(&entry, "/status"), status)?;
    check_eq("helm list: chart", str_at(&entry, "/chart"), &format!("{CHART}-{version}"))?;
    Ok(())
}

/// Checks an API release against what we expect.
fn check_release(what: &str, rel: &Value, name: &str, ns: &str, revision: i64, version: &str) -> Result<()> {
    check_eq(&format!("{what}: name"), str_at(rel, "/name"), name)?;
    check_eq(&format!("{what}: namespace"), str_at(rel, "/namespace"), ns)?;
    check_eq(&format!("{what}: version"), rel.get("version").and_then(int), Some(revision))?;
    check_eq(&format!("{what}: info.status"), str_at(rel, "/info/status"), "deployed")?;
    check_eq(&format!("{what}: chart.metadata.version"), str_at(rel, "/chart/metadata/version"), version)?;
    Ok(())
}

/// Checks the API's history against `helm history`: same revisions, statuses, charts and descriptions.
fn check_history(setup: &Setup<'_>, api: &Value, ns: &str, release: &str, revisions: usize) -> Result<()> {
    let helm = setup.helm.json(&["history", release, "-n", ns, "-o", "json"])?;
    let helm = helm.as_array().context("helm history: not a list")?;
    let ours = api["releases"].as_array().cloned().unwrap_or_default();
    check_eq("helm history: revisions", helm.len(), revisions)?;
    check_eq("API history: revisions", ours.len(), revisions)?;
    for (h, o) in helm.iter().zip(&ours) {
        let rev = int(&h["revision"]);
        check_eq("history: revision", o.get("version").and_then(int), rev)?;
        check_eq(&format!("history r{rev:?}: status"), str_at(o, "/info/status"), str_at(h, "/status"))?;
        check_eq(&format!("history r{rev:?}: description"), str_at(o, "/info/description"), str_at(h, "/description"))?;
        let chart = format!("{}-{}", str_at(o, "/chart/metadata/name"), str_at(o, "/chart/metadata/version"));
        check_eq(&format!("history r{rev:?}: chart"), chart.as_str(), str_at(h, "/chart"))?;
    }
    Ok(())
}

/// Checks the user-supplied values: `helm get values -o json` equals `want`, and the API's YAML equals helm's.
fn check_values(setup: &Setup<'_>, api: &Value, ns: &str, release: &str, want: Value) -> Result<()> {
    let helm = setup.helm.json(&["get", "values", release, "-n", ns, "-o", "json"])?;
    check_eq("helm get values", &helm, &want)?;
    let helm_yaml = setup.helm.run(&["get", "values", release, "-n", ns, "-o", "yaml"])?;
    check_eq("API values vs helm get values -o yaml", str_at(api, "/yaml").trim_end(), helm_yaml.trim_end())?;
    Ok(())
}

/// YAML text as data, read by the real helm: a chart with no values of its own renders `{{ toJson .Values }}`
/// with the text as its values file.
fn yaml_to_json(setup: &Setup<'_>, text: &str) -> Result<Value> {
    let chart = setup.work.join("yaml2json");
    std::fs::create_dir_all(chart.join("templates"))?;
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: yaml2json\nversion: 0.1.0\n")?;
    std::fs::write(chart.join("templates/out.yaml"), "{{ toJson .Values }}\n")?;
    let file = setup.work.join("yaml2json-values.yaml");
    std::fs::write(&file, text)?;
    let out = setup.helm.run(&[
        "template",
        "x",
        &chart.display().to_string(),
        "-f",
        &file.display().to_string(),
        "--show-only",
        "templates/out.yaml",
    ])?;
    let json: String = out.lines().filter(|l| !l.starts_with("---") && !l.starts_with('#')).collect();
    serde_json::from_str(&json).with_context(|| format!("helm read the YAML as {out}"))
}

/// The ConfigMap the chart renders: (message, revision).
fn configmap(setup: &Setup<'_>, ns: &str, release: &str) -> Result<(String, String)> {
    let cm = kubectl_json(setup, &["get", "configmap", &format!("{release}-{CHART}"), "-n", ns])?;
    Ok((str_at(&cm, "/data/message").to_owned(), str_at(&cm, "/data/revision").to_owned()))
}

fn step(flavour: Flavour, n: &str, what: &str) {
    eprintln!("e2e [{}] {n}. {what}", flavour.tag());
}

/// The walkthrough: context, repository, chart, install, values, upgrade, release, history, rollback, uninstall,
/// context deletion; each step checked by the real helm (and kubectl for the objects).
pub fn run(client: &Client, setup: &Setup<'_>, ctx: &str, ns: &str, repo: &RepoUse<'_>) -> Result<()> {
    let f = client.flavour;
    let release = "mysql";
    let kubeconfig = setup.kubeconfig_flat.display().to_string();

    step(f, "0", "no token: UNAUTHENTICATED");
    client.fails("deleteContext", &[ctx], &[("HELM_API_TOKEN_FILE", ""), ("HELM_API_TOKEN", "")], &[16])?;

    step(f, "1", "createContext");
    let created = client.ok("createContext", &[&kubeconfig, "", ns, ctx])?;
    check_eq("createContext: name", str_at(&created, "/name"), ctx)?;
    if f == Flavour::Http {
        let contexts = client.ok("listContexts", &[])?;
        let names: Vec<&str> =
            contexts["contexts"].as_array().into_iter().flatten().map(|c| str_at(c, "/name")).collect();
        ensure!(names.contains(&ctx), "listContexts: {ctx} missing from {names:?}");
        ensure!(!contexts.to_string().contains("BEGIN"), "listContexts returned credentials");
    }

    step(f, "1b", "inclusterContext (the server runs outside the cluster)");
    let incluster = format!("{ctx}-incluster");
    match client.run_with("inclusterContext", &[ns, &incluster], &[])? {
        Answer::Ok(v) => {
            eprintln!("e2e [{}]    in-cluster context accepted: {v}", f.tag());
            client.ok("deleteContext", &[&incluster])?;
        }
        Answer::Err(e) => {
            let code = e.get("code").and_then(Value::as_i64).unwrap_or_default();
            ensure!([3, 9, 14].contains(&code), "inclusterContext outside a cluster: unexpected error {e}");
            eprintln!("e2e [{}]    in-cluster context refused outside a cluster, as expected: {e}", f.tag());
        }
    }

    step(f, "2", "repoupdate (TLS with a private CA, basic auth)");
    client.ok("repoupdate", &[repo.name, repo.url, USER, PASSWORD])?;
    if f == Flavour::Http {
        // Search reads the repository's index (an OCI registry has none).
        let charts = client.ok("search", &[ctx, CHART])?;
        let found = charts["charts"].as_array().cloned().unwrap_or_default();
        ensure!(
            found.iter().any(|c| str_at(c, "/name").ends_with(CHART) && str_at(c, "/chartVersion") == VERSIONS[1]),
            "search {CHART}: no {CHART} {} in {charts}",
            VERSIONS[1]
        );
        // A wrong password is refused (the index cannot be downloaded), and changes nothing.
        let wrong = client.run_with("repoupdate", &[repo.name, repo.url, USER, "wrong"], &[])?;
        if let Answer::Ok(v) = wrong {
            bail!("repoupdate with a wrong password succeeded: {v}");
        }
    }

    step(f, "3", "getchart (the latest version)");
    let chart = client.ok("getchart", &[ctx, repo.name, CHART])?;
    check_eq("getchart: metadata.name", str_at(&chart, "/metadata/name"), CHART)?;
    check_eq("getchart: metadata.version", str_at(&chart, "/metadata/version"), VERSIONS[1])?;
    // The values as data (the text is the chart's values re-marshalled, as the original did, not the raw file).
    let helm_values = setup.helm.run(&["show", "values", &setup.packages[1].display().to_string()])?;
    check_eq(
        "getchart: values vs helm show values",
        yaml_to_json(setup, str_at(&chart, "/values"))?,
        yaml_to_json(setup, &helm_values)?,
    )?;
    let templates: Vec<&str> =
        chart["templates"].as_array().into_iter().flatten().map(|t| str_at(t, "/name")).collect();
    ensure!(templates.contains(&"templates/deployment.yaml"), "getchart: templates {templates:?}");

    step(f, "4", "install (version 0.1.0, values message: one)");
    let values1 = setup.work.join(format!("{}-values1.yaml", f.tag()));
    std::fs::write(&values1, "message: one\n")?;
    let repo_chart = format!("{}/{CHART}", repo.name);
    let installed = client.ok("install", &[release, &repo_chart, VERSIONS[0], &values1.display().to_string()])?;
    check_release("install", &installed, release, ns, 1, VERSIONS[0])?;
    check_helm_list(setup, ns, release, 1, "deployed", VERSIONS[0])?;
    check_eq("ConfigMap after install", configmap(setup, ns, release)?, ("one".to_owned(), "1".to_owned()))?;

    step(f, "5", "getreleasevalues");
    let values = client.ok("getreleasevalues", &[ctx, release])?;
    check_values(setup, &values, ns, release, serde_json::json!({"message": "one"}))?;

    step(f, "5b", "a release installed by the real helm is listed by the API");
    let side = "side";
    setup.helm.run(&["install", side, &setup.packages[0].display().to_string(), "-n", ns])?;
    let listed = client.ok("listreleases", &[ctx])?;
    let side_entry = listed["releases"].as_array().into_iter().flatten().find(|r| str_at(r, "/name") == side).cloned();
    let side_entry = side_entry.with_context(|| format!("listreleases: no {side} in {listed}"))?;
    check_eq("listreleases: helm's release status", str_at(&side_entry, "/info/status"), "deployed")?;
    ensure!(
        listed["releases"].as_array().into_iter().flatten().any(|r| str_at(r, "/name") == release),
        "listreleases: no {release}"
    );
    setup.helm.run(&["uninstall", side, "-n", ns])?;

    if f == Flavour::Http {
        step(f, "5c", "installStream: progress events, then the release (with wait)");
        let streamed = client.ok("installStream", &["streamed", &repo_chart, VERSIONS[0]])?;
        let phases: Vec<&str> = streamed["phases"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        ensure!(!phases.is_empty() && phases.contains(&"done"), "installStream: phases {phases:?}");
        check_release("installStream", &streamed["release"], "streamed", ns, 1, VERSIONS[0])?;
        check_helm_list(setup, ns, "streamed", 1, "deployed", VERSIONS[0])?;
        setup.helm.run(&["uninstall", "streamed", "-n", ns])?;
    }

    step(f, "6", "upgrade (latest version, values message: two, replicaCount: 2)");
    let values2 = setup.work.join(format!("{}-values2.yaml", f.tag()));
    std::fs::write(&values2, "message: two\nreplicaCount: 2\n")?;
    let upgraded = client.ok("upgrade", &[release, &repo_chart, "", &values2.display().to_string()])?;
    check_release("upgrade", &upgraded, release, ns, 2, VERSIONS[1])?;
    check_helm_list(setup, ns, release, 2, "deployed", VERSIONS[1])?;
    check_eq("ConfigMap after upgrade", configmap(setup, ns, release)?, ("two".to_owned(), "2".to_owned()))?;
    let deployment = kubectl_json(setup, &["get", "deployment", &format!("{release}-{CHART}"), "-n", ns])?;
    check_eq(
        "Deployment replicas after upgrade",
        deployment.pointer("/spec/replicas").and_then(Value::as_i64),
        Some(2),
    )?;

    step(f, "7", "getrelease and getreleasevalues after the upgrade");
    let got = client.ok("getrelease", &[ctx, release])?;
    check_release("getrelease", &got, release, ns, 2, VERSIONS[1])?;
    let manifest = setup.helm.run(&["get", "manifest", release, "-n", ns])?;
    check_eq("getrelease: manifest vs helm get manifest", str_at(&got, "/manifest").trim(), manifest.trim())?;
    let notes = str_at(&got, "/info/notes");
    ensure!(notes.contains("says \"two\" with 2 replica(s)"), "getrelease: notes {notes:?}");
    let values = client.ok("getreleasevalues", &[ctx, release])?;
    check_values(setup, &values, ns, release, serde_json::json!({"message": "two", "replicaCount": 2}))?;

    step(f, "8", "history");
    let history = client.ok("history", &[ctx, release])?;
    check_history(setup, &history, ns, release, 2)?;

    step(f, "9", "rollback to revision 1");
    client.ok("rollback", &[ctx, release, "1"])?;
    check_helm_list(setup, ns, release, 3, "deployed", VERSIONS[0])?;
    let history = client.ok("history", &[ctx, release])?;
    check_history(setup, &history, ns, release, 3)?;
    let last = setup.helm.json(&["history", release, "-n", ns, "-o", "json"])?;
    check_eq("helm history r3: description", str_at(&last, "/2/description"), "Rollback to 1")?;
    check_eq("helm history r2: status", str_at(&last, "/1/status"), "superseded")?;
    let values = client.ok("getreleasevalues", &[ctx, release])?;
    check_values(setup, &values, ns, release, serde_json::json!({"message": "one"}))?;
    // A rollback re-applies revision 1's manifest as rendered then (Release.Revision was 1), as Helm does.
    check_eq("ConfigMap after rollback", configmap(setup, ns, release)?, ("one".to_owned(), "1".to_owned()))?;

    step(f, "9b", "another principal cannot use this context");
    client.fails("getrelease", &[ctx, release], &other_token_env(client), &[5, 7])?;

    step(f, "10", "deleterelease");
    client.ok("deleterelease", &[ctx, release])?;
    ensure!(helm_list_entry(setup, ns, release)?.is_none(), "helm list still shows {release} after deleterelease");
    ensure!(
        setup.helm.cmd().args(["history", release, "-n", ns]).output()?.status.code() != Some(0),
        "helm history still finds {release} after deleterelease"
    );
    client.fails("getrelease", &[ctx, release], &[], &[5])?;
    let gone = Command::new(setup.kubectl)
        .args(["get", "configmap", &format!("{release}-{CHART}"), "-n", ns, "--kubeconfig"])
        .arg(&setup.helm.kubeconfig)
        .output()?;
    ensure!(!gone.status.success(), "the release's ConfigMap is still there after deleterelease");

    step(f, "11", "deleteContext");
    client.ok("deleteContext", &[ctx])?;
    client.fails("getreleasevalues", &[ctx, release], &[], &[5])?;
    if f == Flavour::Http {
        let contexts = client.ok("listContexts", &[])?;
        ensure!(!contexts.to_string().contains(&format!("\"{ctx}\"")), "listContexts still shows {ctx}: {contexts}");
    }
    eprintln!("e2e [{}] walkthrough passed", f.tag());
    Ok(())
}

fn other_token_env(client: &Client) -> Vec<(&'static str, &str)> {
    let other = client.env.iter().find(|(k, _)| k == "HELM_API_E2E_OTHER_TOKEN").map(|(_, v)| v.as_str()).unwrap_or("");
    vec![("HELM_API_TOKEN_FILE", ""), ("HELM_API_TOKEN", other)]
}

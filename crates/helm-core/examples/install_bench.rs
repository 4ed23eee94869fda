//! Benchmark: installs and upgrades a chart of 50 objects with helm-core and with the real helm, on the cluster of HELM_API_TEST_KUBECONFIG.
//!
//! Run with `cargo run --release -p helm-core --example install_bench` after
//! `eval "$(cargo xtask cluster env)"`. Each of `ROUNDS` rounds installs and upgrades the chart
//! twice (without and with `--wait`) in a fresh namespace with helm-core, then the same with the
//! real helm binary (HELM_API_TEST_HELM) in another fresh namespace. Our timings include loading
//! the kubeconfig and the chart, as one `helm` invocation does.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use helm_core::{Configuration, Install, InstallOptions, StorageDriver, Upgrade, UpgradeOptions, ValuesOptions};

type BenchResult<T> = std::result::Result<T, Box<dyn Error>>;

const ROUNDS: usize = 3;
const TIMEOUT: Duration = Duration::from_secs(300);
const OPERATIONS: [&str; 4] = ["install", "upgrade", "install --wait", "upgrade --wait"];

fn env(var: &str) -> BenchResult<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("{var} is not set (eval \"$(cargo xtask cluster env)\")").into()),
    }
}

/// Writes the chart: 30 ConfigMaps, 10 Services and 10 Deployments (1 replica).
fn write_chart(dir: &Path) -> BenchResult<()> {
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates)?;
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: bench\nversion: 0.1.0\n")?;
    std::fs::write(dir.join("values.yaml"), "message: one\nimage: nginx:1.27\n")?;
    for i in 0..30 {
        let cm = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ .Release.Name }}}}-cm-{i}\n  labels:\n    app: {{{{ .Release.Name }}}}\ndata:\n  message: {{{{ .Values.message | quote }}}}\n  index: \"{i}\"\n"
        );
        std::fs::write(templates.join(format!("cm-{i}.yaml")), cm)?;
    }
    for i in 0..10 {
        let svc = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{{{ .Release.Name }}}}-svc-{i}\n  labels:\n    message: {{{{ .Values.message | quote }}}}\nspec:\n  selector:\n    app: {{{{ .Release.Name }}}}-web-{i}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
        );
        std::fs::write(templates.join(format!("svc-{i}.yaml")), svc)?;
        let dep = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{{{ .Release.Name }}}}-web-{i}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: {{{{ .Release.Name }}}}-web-{i}\n  template:\n    metadata:\n      labels:\n        app: {{{{ .Release.Name }}}}-web-{i}\n    spec:\n      containers:\n        - name: web\n          image: {{{{ .Values.image }}}}\n          env:\n            - name: MESSAGE\n              value: {{{{ .Values.message | quote }}}}\n"
        );
        std::fs::write(templates.join(format!("dep-{i}.yaml")), dep)?;
    }
    Ok(())
}

fn set_values(message: &str) -> BenchResult<chart_model::Map> {
    Ok(ValuesOptions { values: vec![format!("message={message}")], ..Default::default() }.merge_values()?)
}

async fn config(kubeconfig: &str, ns: &str) -> BenchResult<Configuration> {
    Ok(Configuration::from_kubeconfig_yaml(kubeconfig, None, Some(ns), StorageDriver::Secret).await?)
}

/// One of our operations, timed from reading the kubeconfig and the chart to the stored release.
async fn ours(kubeconfig_path: &str, chart_dir: &Path, ns: &str, op: usize) -> BenchResult<Duration> {
    let start = Instant::now();
    let text = std::fs::read_to_string(kubeconfig_path)?;
    let config = config(&text, ns).await?;
    let chart = chart_model::load::load(chart_dir)?;
    let wait = op >= 2;
    let name = if wait { "w" } else { "nw" };
    if op.is_multiple_of(2) {
        let options =
            InstallOptions { release_name: name.to_owned(), wait, timeout: TIMEOUT, ..InstallOptions::default() };
        Install::new(config, options).run(&chart, &set_values("one")?).await?;
    } else {
        let options = UpgradeOptions { wait, timeout: TIMEOUT, ..UpgradeOptions::default() };
        Upgrade::new(config, options).run(name, &chart, &set_values("two")?).await?;
    }
    Ok(start.elapsed())
}

/// The same operation with the real helm.
fn theirs(helm: &str, kubeconfig: &str, chart_dir: &Path, ns: &str, op: usize) -> BenchResult<Duration> {
    let wait = op >= 2;
    let name = if wait { "w" } else { "nw" };
    let (verb, message) = if op.is_multiple_of(2) { ("install", "message=one") } else { ("upgrade", "message=two") };
    let dir = chart_dir.to_string_lossy();
    let mut args = vec![verb, name, &dir, "--set", message, "--namespace", ns, "--kubeconfig", kubeconfig];
    if wait {
        args.extend(["--wait", "--timeout", "5m"]);
    }
    let home = std::env::temp_dir().join("install-bench-helm");
    let start = Instant::now();
    let out = Command::new(helm)
        .args(&args)
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"))
        .output()?;
    let elapsed = start.elapsed();
    if !out.status.success() {
        return Err(format!("helm {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(elapsed)
}

async fn delete_namespace(config: &Configuration, ns: &str) {
    let doc = format!(r#"{{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{ns}"}}}}"#);
    if let Ok(res) = config.kube().build("namespace", &doc).await {
        let _ = config.kube().delete(&res, kube_apply::Propagation::Background).await;
    }
}

fn min_median(samples: &[Duration]) -> (Duration, Duration) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    (sorted.first().copied().unwrap_or_default(), sorted.get(sorted.len() / 2).copied().unwrap_or_default())
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> BenchResult<()> {
    let kubeconfig = env("HELM_API_TEST_KUBECONFIG")?;
    let helm = env("HELM_API_TEST_HELM")?;
    let text = std::fs::read_to_string(&kubeconfig)?;
    let chart_dir = std::env::temp_dir().join(format!("install-bench-{}", std::process::id()));
    write_chart(&chart_dir)?;
    let admin = config(&text, "default").await?;

    let mut our_times = vec![Vec::new(); OPERATIONS.len()];
    let mut helm_times = vec![Vec::new(); OPERATIONS.len()];
    let mut outcome = Ok(());
    'rounds: for round in 0..ROUNDS {
        for (who, times) in [("ours", &mut our_times), ("helm", &mut helm_times)] {
            let ns = format!("bench-{who}-{}-{round}", std::process::id());
            helm_core::install::create_namespace(admin.kube(), &ns).await?;
            for (op, samples) in times.iter_mut().enumerate() {
                let result = if who == "ours" {
                    ours(&kubeconfig, &chart_dir, &ns, op).await
                } else {
                    theirs(&helm, &kubeconfig, &chart_dir, &ns, op)
                };
                match result {
                    Ok(d) => {
                        eprintln!("round {round} {who} {}: {}", OPERATIONS[op], ms(d));
                        samples.push(d);
                    }
                    Err(e) => {
                        outcome = Err(e);
                        delete_namespace(&admin, &ns).await;
                        break 'rounds;
                    }
                }
            }
            delete_namespace(&admin, &ns).await;
        }
    }
    let _ = std::fs::remove_dir_all(&chart_dir);
    outcome?;

    println!("chart: 30 ConfigMaps, 10 Services, 10 Deployments (1 replica); {ROUNDS} rounds");
    println!("| operation | helm-core min | helm-core median | helm min | helm median |");
    println!("|---|---|---|---|---|");
    for (op, name) in OPERATIONS.iter().enumerate() {
        let (our_min, our_median) = min_median(&our_times[op]);
        let (helm_min, helm_median) = min_median(&helm_times[op]);
        println!("| {name} | {} | {} | {} | {} |", ms(our_min), ms(our_median), ms(helm_min), ms(helm_median));
    }
    Ok(())
}

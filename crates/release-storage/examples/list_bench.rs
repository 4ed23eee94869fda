//! Benchmark: listing 1,000 releases stored as Secrets, release-storage next to real `helm list` on the same data.
//!
//! Needs `HELM_API_TEST_KUBECONFIG` and `HELM_API_TEST_HELM` (see `cargo xtask cluster`); run with
//! `cargo run --release -p release-storage --example list_bench [COUNT]`. It writes COUNT releases (default 1000)
//! into a fresh namespace, times each way of listing them three times, prints the medians and deletes the namespace.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, ObjectMeta, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use release_storage::{Driver, Info, KubeDriver, Release, ReleaseChart, SqlDriver, Status, Time, release_key};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

async fn time<F, Fut, T>(label: &str, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut runs = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        f().await;
        runs.push(start.elapsed());
    }
    let m = median(runs.clone());
    println!("{label:<58} median {:>8.1} ms  (runs: {runs:.1?})", m.as_secs_f64() * 1000.0);
    m
}

#[tokio::main]
async fn main() {
    let count: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let kubeconfig = std::env::var("HELM_API_TEST_KUBECONFIG").expect("HELM_API_TEST_KUBECONFIG");
    let helm = std::env::var("HELM_API_TEST_HELM").expect("HELM_API_TEST_HELM");
    let kc = Kubeconfig::read_from(&kubeconfig).unwrap();
    let client =
        kube::Client::try_from(kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.unwrap())
            .unwrap();
    let ns = format!("bench-list-{}", std::process::id());
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let meta = ObjectMeta { name: Some(ns.clone()), ..ObjectMeta::default() };
    namespaces.create(&PostParams::default(), &Namespace { metadata: meta, ..Namespace::default() }).await.unwrap();

    let secrets: Arc<dyn Driver> = Arc::new(KubeDriver::secrets(client.clone(), &ns));
    bench("Secret", secrets, &ns, count, &helm, &[("KUBECONFIG", kubeconfig.clone())]).await;
    if let Ok(pg) = std::env::var("HELM_API_TEST_POSTGRES") {
        // A database of its own, dropped afterwards.
        let db = format!("bench_list_{}", std::process::id());
        let (admin, conn) = tokio_postgres::connect(&pg, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        admin.batch_execute(&format!("CREATE DATABASE {db}")).await.unwrap();
        let url = match pg.split_once('?') {
            Some((base, q)) => format!("{}/{db}?{q}", &base[..base.rfind('/').unwrap()]),
            None => format!("{}/{db}", &pg[..pg.rfind('/').unwrap()]),
        };
        let sql: Arc<dyn Driver> = Arc::new(SqlDriver::connect(&url, &ns).await.unwrap());
        let env = [
            ("KUBECONFIG", kubeconfig.clone()),
            ("HELM_DRIVER", "sql".into()),
            ("HELM_DRIVER_SQL_CONNECTION_STRING", url),
        ];
        bench("SQL", sql.clone(), &ns, count, &helm, &env).await;
        drop(sql);
        admin.batch_execute(&format!("DROP DATABASE {db} WITH (FORCE)")).await.unwrap();
    }
    namespaces.delete(&ns, &DeleteParams::default()).await.unwrap();
}

/// Writes `count` releases through `driver`, then times our listing and `helm list` with `helm_env`.
async fn bench(label: &str, driver: Arc<dyn Driver>, ns: &str, count: usize, helm: &str, helm_env: &[(&str, String)]) {
    let ns = ns.to_owned();
    // The releases: the fixture chart, a manifest and values, as a small real release.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo");
    let chart = ReleaseChart::from(chart_model::load::load(&fixture).unwrap());
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..count {
        let (driver, chart, ns) = (driver.clone(), chart.clone(), ns.clone());
        tasks.spawn(async move {
            let name = format!("rel-{i:04}");
            let mut config = chart_model::Map::new();
            config.insert("message".into(), chart_model::Value::String(format!("value {i}")));
            let r = Release {
                name: name.clone(),
                namespace: ns,
                version: 1,
                chart: Some(chart),
                config,
                manifest: format!(
                    "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  i: \"{i}\"\n"
                ),
                info: Some(Info {
                    first_deployed: Time::now(),
                    last_deployed: Time::now(),
                    status: Status::Deployed,
                    description: "Install complete".into(),
                    ..Info::default()
                }),
                ..Release::default()
            };
            driver.create(&release_key(&name, 1), &r).await.unwrap();
        });
        while tasks.len() >= 16 {
            tasks.join_next().await;
        }
    }
    while tasks.join_next().await.is_some() {}
    println!("\n{label} driver: wrote {count} releases in {:.1?}", start.elapsed());

    let all = BTreeMap::new();
    let deployed = BTreeMap::from([("status".to_owned(), "deployed".to_owned())]);
    let ours_summaries = time("release-storage summaries (all)", || async {
        assert_eq!(driver.summaries(&all).await.unwrap().len(), count);
    })
    .await;
    time("release-storage summaries status=deployed (query)", || async {
        assert_eq!(driver.summaries(&deployed).await.unwrap().len(), count);
    })
    .await;
    let ours_full = time("release-storage list (every payload decoded)", || async {
        assert_eq!(driver.list(&|_| true).await.unwrap().len(), count);
    })
    .await;
    let max = count.to_string();
    let helm_list = time("helm list --max N -o json (real helm v3.22.0)", || async {
        let out = Command::new(helm)
            .args(["list", "-n", &ns, "--max", &max, "-o", "json"])
            .envs(helm_env.iter().map(|(k, v)| (*k, v)))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(listed.len(), count);
    })
    .await;
    println!(
        "helm list / summaries = {:.1}x; helm list / full list = {:.1}x",
        helm_list.as_secs_f64() / ours_summaries.as_secs_f64(),
        helm_list.as_secs_f64() / ours_full.as_secs_f64()
    );
}

//! The services the tests use, from `HELM_API_TEST_KUBECONFIG`, `HELM_API_TEST_HELM` and `HELM_API_TEST_POSTGRES`.
//!
//! Without a variable a test prints one line to stderr and returns, unless `HELM_API_TEST_REQUIRE=1` (CI), where
//! a missing service fails it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// The value of a service variable, or `None` (after one line on stderr) when it is unset and not required.
pub fn service(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            if std::env::var("HELM_API_TEST_REQUIRE").is_ok_and(|v| v == "1") {
                panic!("{test}: {var} is not set, and HELM_API_TEST_REQUIRE=1");
            }
            #[allow(clippy::print_stderr)]
            {
                eprintln!("{test}: skipped ({var} is not set)");
            }
            None
        }
    }
}

/// The admin kubeconfig path.
pub fn kubeconfig(test: &str) -> Option<PathBuf> {
    service("HELM_API_TEST_KUBECONFIG", test).map(PathBuf::from)
}

/// A client for the test cluster.
pub async fn client(kubeconfig: &Path) -> Client {
    let kc = Kubeconfig::read_from(kubeconfig).expect("kubeconfig");
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.expect("config");
    Client::try_from(config).expect("client")
}

/// A name no other test (or earlier run) uses: `<tag>-<pid>-<n>`.
pub fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{tag}-{}-{}{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed), nanos % 10_000)
}

/// A namespace of its own for one test, deleted when dropped.
pub struct TestNamespace {
    pub name: String,
    kubeconfig: PathBuf,
}

impl TestNamespace {
    pub async fn create(client: &Client, kubeconfig: &Path, tag: &str) -> TestNamespace {
        let name = unique(tag);
        let api: Api<Namespace> = Api::all(client.clone());
        let ns = Namespace {
            metadata: kube::api::ObjectMeta { name: Some(name.clone()), ..Default::default() },
            ..Default::default()
        };
        api.create(&PostParams::default(), &ns).await.expect("create namespace");
        TestNamespace { name, kubeconfig: kubeconfig.to_owned() }
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        // A thread with its own runtime, since Drop cannot wait on the test's.
        let (name, kubeconfig) = (self.name.clone(), self.kubeconfig.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                let api: Api<Namespace> = Api::all(client(&kubeconfig).await);
                let _ = api.delete(&name, &DeleteParams::default()).await;
            });
        })
        .join();
    }
}

/// The real helm, configured for the test cluster, with its own config and cache folders.
pub struct Helm {
    pub bin: PathBuf,
    pub kubeconfig: PathBuf,
    pub home: PathBuf,
    /// `HELM_DRIVER` and, for `sql`, the connection string.
    pub driver: String,
    pub sql: Option<String>,
}

impl Helm {
    pub fn new(bin: &str, kubeconfig: &Path, driver: &str) -> Helm {
        let home = std::env::temp_dir().join(unique("helm-home"));
        std::fs::create_dir_all(&home).expect("helm home");
        Helm { bin: bin.into(), kubeconfig: kubeconfig.to_owned(), home, driver: driver.to_owned(), sql: None }
    }

    /// Runs helm and returns its standard output; panics with its standard error when it fails.
    pub fn run(&self, args: &[&str]) -> String {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HELM_DRIVER", &self.driver)
            .env("HELM_CACHE_HOME", self.home.join("cache"))
            .env("HELM_CONFIG_HOME", self.home.join("config"))
            .env("HELM_DATA_HOME", self.home.join("data"));
        if let Some(sql) = &self.sql {
            cmd.env("HELM_DRIVER_SQL_CONNECTION_STRING", sql);
        }
        let out = cmd.output().expect("run helm");
        assert!(out.status.success(), "helm {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// Runs helm and parses its JSON output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("helm {} printed no JSON ({e}): {out}", args.join(" ")))
    }
}

impl Drop for Helm {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

/// A database of its own on the test PostgreSQL server, dropped when the guard drops; `url` connects to it.
pub struct TestDatabase {
    pub url: String,
    admin: String,
    name: String,
}

impl TestDatabase {
    pub async fn create(admin_url: &str) -> TestDatabase {
        let name = unique("rs").replace('-', "_");
        let (client, conn) = tokio_postgres::connect(admin_url, tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create database");
        TestDatabase { url: with_database(admin_url, &name), admin: admin_url.to_owned(), name }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                if let Ok((client, conn)) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await {
                    tokio::spawn(conn);
                    let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                }
            });
        })
        .join();
    }
}

/// The URL with its database path replaced.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

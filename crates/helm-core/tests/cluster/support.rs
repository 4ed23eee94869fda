//! The cluster (HELM_API_TEST_KUBECONFIG) and the real helm (HELM_API_TEST_HELM) with the skip-or-require rule; one namespace per test.

use std::path::Path;
use std::process::Command;

use helm_core::{Configuration, StorageDriver};

/// A test's configuration in its own fresh namespace.
pub struct TestCluster {
    pub config: Configuration,
    pub ns: String,
    pub kubeconfig: String,
}

fn required(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            if std::env::var("HELM_API_TEST_REQUIRE").as_deref() == Ok("1") {
                panic!("{var} is not set and HELM_API_TEST_REQUIRE=1");
            }
            eprintln!("skipping {test}: {var} is not set");
            None
        }
    }
}

/// The cluster with a fresh namespace `hc-<test>-<pid>`, or `None` (skipped).
pub async fn cluster(test: &str) -> Option<TestCluster> {
    let kubeconfig = required("HELM_API_TEST_KUBECONFIG", test)?;
    let text = std::fs::read_to_string(&kubeconfig).unwrap_or_else(|e| panic!("{kubeconfig}: {e}"));
    let ns = format!("hc-{test}-{}", std::process::id());
    let config = Configuration::from_kubeconfig_yaml(&text, None, Some(&ns), StorageDriver::Secret)
        .await
        .expect("configuration");
    helm_core::install::create_namespace(config.kube(), &ns).await.expect("namespace");
    Some(TestCluster { config, ns, kubeconfig })
}

/// The real helm binary, or `None` (skipped).
pub fn helm_binary(test: &str) -> Option<String> {
    required("HELM_API_TEST_HELM", test)
}

impl TestCluster {
    /// Runs the real helm in this namespace; returns stdout, panics on failure.
    pub fn helm(&self, helm: &str, args: &[&str]) -> String {
        let out = Command::new(helm)
            .args(args)
            .args(["--namespace", &self.ns, "--kubeconfig", &self.kubeconfig])
            .env("HELM_CACHE_HOME", std::env::temp_dir().join("hc-helm-cache"))
            .env("HELM_CONFIG_HOME", std::env::temp_dir().join("hc-helm-config"))
            .env("HELM_DATA_HOME", std::env::temp_dir().join("hc-helm-data"))
            .output()
            .expect("running helm");
        assert!(out.status.success(), "helm {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs the real helm in this namespace with `kubeconfig`; returns (success, stdout, stderr).
    pub fn helm_as(&self, helm: &str, kubeconfig: &str, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(helm)
            .args(args)
            .args(["--namespace", &self.ns, "--kubeconfig", kubeconfig])
            .env("HELM_CACHE_HOME", std::env::temp_dir().join("hc-helm-cache"))
            .env("HELM_CONFIG_HOME", std::env::temp_dir().join("hc-helm-config"))
            .env("HELM_DATA_HOME", std::env::temp_dir().join("hc-helm-data"))
            .output()
            .expect("running helm");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The live object as JSON, `None` when absent.
    pub async fn get(&self, api_version: &str, kind: &str, name: &str) -> Option<serde_json::Value> {
        let doc = serde_json::json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}}).to_string();
        let res = self.config.kube().build("test", &doc).await.expect("build");
        self.config.kube().get(&res[0]).await.expect("get")
    }

    pub async fn cleanup(self) {
        let doc =
            serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.ns}}).to_string();
        if let Ok(res) = self.config.kube().build("namespace", &doc).await {
            let _ = self.config.kube().delete(&res, kube_apply::Propagation::Background).await;
        }
    }
}

/// The fixture chart.
pub fn chart() -> chart_model::Chart {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lifecycle");
    chart_model::load::load(&dir).expect("loading the fixture chart")
}

/// `--set` style values.
pub fn values(sets: &[&str]) -> chart_model::Map {
    helm_core::ValuesOptions { values: sets.iter().map(|s| (*s).to_owned()).collect(), ..Default::default() }
        .merge_values()
        .expect("values")
}

//! The cluster the tests run against (HELM_API_TEST_KUBECONFIG), with the skip-or-require rule, and per-test namespaces.

use std::time::Duration;

use kube_apply::{KubeClient, WaitOptions};
use serde_json::json;

/// A client for the test cluster in namespace `ns` (created fresh), or
/// `None` when no cluster is configured and none is required.
#[allow(clippy::print_stderr)]
pub async fn cluster(test: &str) -> Option<TestNamespace> {
    let path = match std::env::var("HELM_API_TEST_KUBECONFIG") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            if std::env::var("HELM_API_TEST_REQUIRE").as_deref() == Ok("1") {
                panic!("HELM_API_TEST_KUBECONFIG is not set and HELM_API_TEST_REQUIRE=1");
            }
            eprintln!("skipping {test}: HELM_API_TEST_KUBECONFIG is not set");
            return None;
        }
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let ns = format!("ka-{test}-{}", std::process::id());
    let client = KubeClient::from_kubeconfig_yaml(&text, None, Some(&ns)).await.expect("kubeconfig");
    let mut resources = client
        .build("namespace", &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}).to_string())
        .await
        .expect("namespace object");
    client.apply(&mut resources, &Default::default()).await.expect("creating the test namespace");
    Some(TestNamespace { client, ns, kubeconfig: path })
}

/// A test's client and namespace; `cleanup` deletes the namespace.
pub struct TestNamespace {
    pub client: KubeClient,
    pub ns: String,
    /// The kubeconfig's path, for running the real `helm` against the same cluster.
    pub kubeconfig: String,
}

impl TestNamespace {
    pub async fn cleanup(self) {
        let doc = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.ns}}).to_string();
        if let Ok(res) = self.client.build("namespace", &doc).await {
            let _ = self.client.delete(&res, kube_apply::Propagation::Background).await;
        }
    }
}

pub fn quick_wait(secs: u64) -> WaitOptions {
    WaitOptions { timeout: Duration::from_secs(secs), wait_for_jobs: true, interval: Duration::from_millis(500) }
}

/// The real `helm` (HELM_API_TEST_HELM), with the same skip-or-require rule.
#[allow(clippy::print_stderr)]
pub fn helm_binary(test: &str) -> Option<String> {
    match std::env::var("HELM_API_TEST_HELM") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            if std::env::var("HELM_API_TEST_REQUIRE").as_deref() == Ok("1") {
                panic!("HELM_API_TEST_HELM is not set and HELM_API_TEST_REQUIRE=1");
            }
            eprintln!("skipping {test}: HELM_API_TEST_HELM is not set");
            None
        }
    }
}

//! The Kubernetes Secret contexts store against the real control plane (`HELM_API_TEST_KUBECONFIG`).

use std::sync::Arc;

use api_server::contexts::{Context, KubeCredentials, Repository};
use api_server::{Cipher, ContextStore, Contexts, KubeSecretStore, Principal};
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::{Api, DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::support::KUBECONFIG;

/// The test cluster's kubeconfig, or `None` (one line on stderr) when unset and not required (CI sets
/// `HELM_API_TEST_REQUIRE=1`, which makes a missing cluster a failure).
fn kubeconfig(test: &str) -> Option<String> {
    match std::env::var("HELM_API_TEST_KUBECONFIG") {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var("HELM_API_TEST_REQUIRE").map_or(true, |v| v != "1"),
                "{test}: HELM_API_TEST_KUBECONFIG is not set, and HELM_API_TEST_REQUIRE=1"
            );
            eprintln!("{test}: skipped (HELM_API_TEST_KUBECONFIG is not set)");
            None
        }
    }
}

async fn client(path: &str) -> Client {
    let kc = Kubeconfig::read_from(path).unwrap();
    Client::try_from(Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.unwrap()).unwrap()
}

fn context(name: &str) -> Context {
    Context {
        name: name.to_owned(),
        owner: "alice".to_owned(),
        kube: KubeCredentials {
            kubeconfig: KUBECONFIG.to_owned(),
            context: String::new(),
            namespace: "apps".to_owned(),
        },
        incluster: false,
        repos: vec![Repository {
            name: "r".into(),
            url: "https://x".into(),
            password: "SECRET-REPO-PW".into(),
            ..Default::default()
        }],
        created_at: 0,
        expires_at: None,
        temporary: false,
    }
}

#[tokio::test]
async fn contexts_as_secrets_are_sealed_shared_and_collected() {
    let Some(path) = kubeconfig("contexts_as_secrets_are_sealed_shared_and_collected") else { return };
    let client = client(&path).await;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let namespace = format!("api-server-ctx-{}-{}", std::process::id(), nanos % 100_000);
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let ns = Namespace {
        metadata: kube::api::ObjectMeta { name: Some(namespace.clone()), ..Default::default() },
        ..Default::default()
    };
    namespaces.create(&PostParams::default(), &ns).await.unwrap();

    let key = Cipher::generate_hex_key();
    let store = KubeSecretStore::new(client.clone(), &namespace, Cipher::from_hex(&key).unwrap());
    store.put(&context("a")).await.unwrap();
    store.put(&context("b")).await.unwrap();
    let mut replaced = context("a");
    replaced.kube.namespace = "other".into();
    store.put(&replaced).await.unwrap();

    // A second replica with the same key sees the same contexts.
    let replica = KubeSecretStore::new(client.clone(), &namespace, Cipher::from_hex(&key).unwrap());
    assert_eq!(replica.get("a").await.unwrap().unwrap(), replaced);
    let names: Vec<String> = replica.list().await.unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(replica.get("missing").await.unwrap().is_none());

    // At rest the Secret holds only the sealed record.
    let secrets: Api<Secret> = Api::namespaced(client.clone(), &namespace);
    let secret = secrets.get("helm-api-context-a").await.unwrap();
    let bytes = &secret.data.unwrap()["record"].0;
    for plain in ["SECRET-KUBE-TOKEN-42", "SECRET-REPO-PW", "apiVersion"] {
        assert!(!bytes.windows(plain.len()).any(|w| w == plain.as_bytes()), "{plain} in the Secret");
    }

    // Expiry collection works the same over Secrets.
    let mut old = context("old");
    old.expires_at = Some(1);
    store.put(&old).await.unwrap();
    let contexts = Contexts::new(Arc::new(store.clone()));
    assert!(contexts.get(&Principal { name: "alice".into(), admin: false }, "old").await.is_err());
    assert_eq!(contexts.collect_expired().await.unwrap(), 1);
    assert!(store.delete("b").await.unwrap());
    assert!(!store.delete("b").await.unwrap());
    assert_eq!(store.list().await.unwrap().len(), 1);

    namespaces.delete(&namespace, &DeleteParams::default()).await.unwrap();
}

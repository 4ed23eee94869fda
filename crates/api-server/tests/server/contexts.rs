//! The contexts store: encryption at rest, replacement, expiry and its collection.

use std::sync::Arc;

use api_server::contexts::{Context, KubeCredentials};
use api_server::{Cipher, ContextStore, Contexts, EmbeddedStore, Principal};

use crate::support::*;

fn context(name: &str, expires_at: Option<i64>) -> Context {
    Context {
        name: name.to_owned(),
        owner: "alice".to_owned(),
        kube: KubeCredentials {
            kubeconfig: KUBECONFIG.to_owned(),
            context: String::new(),
            namespace: "apps".to_owned(),
        },
        incluster: false,
        repos: Vec::new(),
        created_at: 0,
        expires_at,
        temporary: false,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn the_database_file_never_holds_plaintext_credentials() {
    let app = test_app().await.with_context().await;
    let bytes = std::fs::read(app.dir.path().join("contexts.redb")).unwrap();
    assert!(!bytes.is_empty());
    for secret in ["SECRET-KUBE-TOKEN-42", "SECRET-REPO-PW", "apiVersion: v1", "charts.example.com"] {
        assert!(!contains(&bytes, secret.as_bytes()), "{secret} found in the database file");
    }
}

#[tokio::test]
async fn records_need_the_right_key_and_stay_bound_to_their_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.redb");
    let key = Cipher::generate_hex_key();
    {
        let store = EmbeddedStore::open(&path, Cipher::from_hex(&key).unwrap()).unwrap();
        store.put(&context("a", None)).await.unwrap();
        assert_eq!(store.get("a").await.unwrap().unwrap(), context("a", None));
        assert!(store.get("b").await.unwrap().is_none());
    }
    let wrong = EmbeddedStore::open(&path, Cipher::from_hex(&Cipher::generate_hex_key()).unwrap()).unwrap();
    let err = wrong.get("a").await.unwrap_err().to_string();
    assert!(err.contains("cannot be decrypted"), "{err}");
    drop(wrong);
    let again = EmbeddedStore::open(&path, Cipher::from_hex(&key).unwrap()).unwrap();
    assert_eq!(again.list().await.unwrap().len(), 1);
    assert!(again.delete("a").await.unwrap());
    assert!(!again.delete("a").await.unwrap());
}

#[tokio::test]
async fn expired_contexts_are_invisible_then_collected() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        EmbeddedStore::open(&dir.path().join("c.redb"), Cipher::from_hex(&Cipher::generate_hex_key()).unwrap())
            .unwrap(),
    );
    store.put(&context("old", Some(1))).await.unwrap();
    store.put(&context("fresh", Some(i64::MAX))).await.unwrap();
    store.put(&context("forever", None)).await.unwrap();
    let contexts = Contexts::new(store.clone());
    let alice = Principal { name: "alice".into(), admin: false };
    let names: Vec<String> = contexts.list(&alice).await.unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["forever", "fresh"]);
    assert!(matches!(contexts.get(&alice, "old").await, Err(api_server::Error::NotFound(_))));
    assert_eq!(store.list().await.unwrap().len(), 3);
    assert_eq!(contexts.collect_expired().await.unwrap(), 1);
    assert_eq!(store.list().await.unwrap().len(), 2);
    // The background collector does the same on its own.
    store.put(&context("old2", Some(1))).await.unwrap();
    let task = contexts.spawn_collector(std::time::Duration::from_millis(10));
    for _ in 0..100 {
        if store.get("old2").await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    task.abort();
    assert!(store.get("old2").await.unwrap().is_none());
}

#[tokio::test]
async fn expiry_over_http() {
    let app = test_app().await;
    let body = serde_json::json!({"name": "short", "kubeinfo": {"kubeconfig": KUBECONFIG}, "expiry": 1}).to_string();
    assert_eq!(app.alice("POST", "/v1/context", Some(&body)).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_error(&app.alice("GET", "/v1/short/release/web", None).await, 404, 5);
    assert_eq!(app.contexts.collect_expired().await.unwrap(), 1);
}

#[cfg(unix)]
#[test]
fn the_database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.redb");
    EmbeddedStore::open(&path, Cipher::from_hex(&Cipher::generate_hex_key()).unwrap()).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
}

//! The driver suite on the Secret and ConfigMap drivers over a real API server, and what only they do.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::Api;
use release_storage::{Driver, Error, KubeDriver, Release, Status, release_key};

use crate::suite;
use crate::support::{TestNamespace, client, kubeconfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_driver_passes_the_suite() {
    let Some(kc) = kubeconfig("secret_driver_passes_the_suite") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-secrets").await;
    let driver = KubeDriver::secrets(client, &ns.name);
    assert_eq!(driver.name(), "Secret");
    suite::run(&driver).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_map_driver_passes_the_suite() {
    let Some(kc) = kubeconfig("config_map_driver_passes_the_suite") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-configmaps").await;
    let driver = KubeDriver::config_maps(client, &ns.name);
    assert_eq!(driver.name(), "ConfigMap");
    suite::run(&driver).await;
}

fn labeled(name: &str, version: i64, status: Status) -> Release {
    let mut r = suite::release(name, version, status);
    r.labels = BTreeMap::from([("team".to_owned(), "blue".to_owned()), ("tier".to_owned(), "web".to_owned())]);
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_have_helms_shape_and_labels() {
    let Some(kc) = kubeconfig("objects_have_helms_shape_and_labels") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-shape").await;
    let secrets = KubeDriver::secrets(client.clone(), &ns.name);
    let maps = KubeDriver::config_maps(client.clone(), &ns.name);
    let r = labeled("web", 1, Status::Deployed);
    let key = release_key("web", 1);
    secrets.create(&key, &r).await.expect("create secret");
    maps.create(&key, &r).await.expect("create configmap");

    let secret = Api::<Secret>::namespaced(client.clone(), &ns.name).get(&key).await.expect("secret");
    assert_eq!(secret.type_.as_deref(), Some("helm.sh/release.v1"));
    let labels = secret.metadata.labels.clone().unwrap_or_default();
    for (k, v) in [("name", "web"), ("owner", "helm"), ("status", "deployed"), ("version", "1"), ("team", "blue")] {
        assert_eq!(labels.get(k).map(String::as_str), Some(v), "label {k}");
    }
    assert!(labels.get("createdAt").is_some_and(|t| t.parse::<i64>().is_ok()));
    let payload = secret.data.as_ref().and_then(|d| d.get("release")).expect("data");
    let decoded =
        release_storage::codec::decode_release(std::str::from_utf8(&payload.0).expect("text")).expect("decode");
    assert_eq!(decoded.to_json().ok(), r.to_json().ok());

    let map = Api::<ConfigMap>::namespaced(client.clone(), &ns.name).get(&key).await.expect("configmap");
    assert_eq!(map.metadata.labels.as_ref().and_then(|l| l.get("owner")).map(String::as_str), Some("helm"));
    assert!(map.data.as_ref().is_some_and(|d| d.contains_key("release")));

    // Get returns the custom labels only; list and query all of them, as Helm's drivers do.
    for driver in [&secrets, &maps] {
        let got = driver.get(&key).await.expect("get");
        assert_eq!(got.labels.keys().collect::<Vec<_>>(), ["team", "tier"]);
        let listed = driver.list(&|_| true).await.expect("list");
        assert!(listed[0].labels.contains_key("owner") && listed[0].labels.contains_key("team"));
    }

    // Update stamps modifiedAt and drops createdAt.
    let mut r2 = r.clone();
    r2.set_status(Status::Superseded, "superseded");
    secrets.update(&key, &r2).await.expect("update");
    let secret = Api::<Secret>::namespaced(client, &ns.name).get(&key).await.expect("secret");
    let labels = secret.metadata.labels.unwrap_or_default();
    assert_eq!(labels.get("status").map(String::as_str), Some("superseded"));
    assert!(labels.contains_key("modifiedAt") && !labels.contains_key("createdAt"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summaries_come_from_labels_and_queries_are_checked() {
    let Some(kc) = kubeconfig("summaries_come_from_labels_and_queries_are_checked") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-summaries").await;
    let driver = KubeDriver::secrets(client.clone(), &ns.name);
    for (name, v, s) in [("a", 1, Status::Superseded), ("a", 2, Status::Deployed), ("b", 1, Status::Failed)] {
        driver.create(&release_key(name, v), &labeled(name, v, s)).await.expect("create");
    }
    let all = driver.summaries(&BTreeMap::new()).await.expect("summaries");
    let mut seen: Vec<(String, i64, String, String)> =
        all.into_iter().map(|s| (s.name, s.version, s.status.to_string(), s.namespace)).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("a".to_owned(), 1, "superseded".to_owned(), ns.name.clone()),
            ("a".to_owned(), 2, "deployed".to_owned(), ns.name.clone()),
            ("b".to_owned(), 1, "failed".to_owned(), ns.name.clone()),
        ]
    );
    let deployed = BTreeMap::from([("status".to_owned(), "deployed".to_owned())]);
    assert_eq!(driver.summaries(&deployed).await.expect("summaries").len(), 1);

    // All namespaces (helm list -A) sees them too.
    let everywhere = KubeDriver::secrets(client, "");
    let name_a = BTreeMap::from([("name".to_owned(), "a".to_owned())]);
    assert!(everywhere.summaries(&name_a).await.expect("summaries").iter().any(|s| s.namespace == ns.name));

    let bad = BTreeMap::from([("name".to_owned(), "no spaces allowed".to_owned())]);
    let err = driver.query(&bad).await.expect_err("invalid label value");
    assert!(matches!(err, Error::InvalidLabelValue { .. }));
    assert!(err.to_string().starts_with("invalid label value: \"no spaces allowed\": a valid label must"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_large_releases_are_refused_before_writing() {
    let Some(kc) = kubeconfig("too_large_releases_are_refused_before_writing") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-large").await;
    // Text that gzip cannot shrink below the limit.
    let mut x: u64 = 7;
    let manifest: String = (0..1_500_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'!' + (x % 90) as u8)
        })
        .collect();
    for driver in [KubeDriver::secrets(client.clone(), &ns.name), KubeDriver::config_maps(client.clone(), &ns.name)] {
        let mut r = suite::release("big", 1, Status::Deployed);
        r.manifest = manifest.clone();
        let err = driver.create(&release_key("big", 1), &r).await.expect_err("too large");
        assert!(matches!(err, Error::ObjectTooLarge { .. }), "{err}");
        assert!(matches!(driver.get(&release_key("big", 1)).await, Err(Error::ReleaseNotFound)));
        // An update that grows past the limit leaves the stored revision as it was.
        let small = suite::release("big", 1, Status::Deployed);
        driver.create(&release_key("big", 1), &small).await.expect("create small");
        assert!(matches!(driver.update(&release_key("big", 1), &r).await, Err(Error::ObjectTooLarge { .. })));
        let kept = driver.get(&release_key("big", 1)).await.expect("get");
        assert_eq!(kept.manifest, small.manifest);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_stored_before_compression_are_read() {
    use k8s_openapi::ByteString;
    use kube::api::{ObjectMeta, PostParams};
    let Some(kc) = kubeconfig("payloads_stored_before_compression_are_read") else { return };
    let client = client(&kc).await;
    let ns = TestNamespace::create(&client, &kc, "rs-plain").await;
    // An early Helm 3 Secret: base64 of the plain JSON, no gzip.
    let r = suite::release("old", 1, Status::Deployed);
    let plain = release_storage::codec::base64_encode(r.to_json().expect("json").as_bytes());
    let key = release_key("old", 1);
    let labels = BTreeMap::from(
        [("name", "old"), ("owner", "helm"), ("status", "deployed"), ("version", "1")]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let secret = Secret {
        metadata: ObjectMeta { name: Some(key.clone()), labels: Some(labels), ..ObjectMeta::default() },
        type_: Some("helm.sh/release.v1".to_owned()),
        data: Some(BTreeMap::from([("release".to_owned(), ByteString(plain.into_bytes()))])),
        ..Secret::default()
    };
    Api::<Secret>::namespaced(client.clone(), &ns.name).create(&PostParams::default(), &secret).await.expect("create");
    let driver = KubeDriver::secrets(client, &ns.name);
    assert_eq!(driver.get(&key).await.expect("get").to_json().ok(), r.to_json().ok());
    let history = driver.query(&BTreeMap::from([("name".to_owned(), "old".to_owned())])).await.expect("query");
    assert_eq!(history.len(), 1);
}

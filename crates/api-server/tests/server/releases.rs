//! The release RPCs over `HelmBackend` against the real control plane (`HELM_API_TEST_KUBECONFIG`),
//! over gRPC (in-process duplex) and HTTP (Router oneshot), checked with the real `helm`
//! (`HELM_API_TEST_HELM`). Each test has its own namespace, deleted at the end.

use std::sync::Arc;

use base64::Engine as _;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::{Value, json};
use tokio_stream::StreamExt;
use tonic::Code;
use tonic::metadata::MetadataValue;
use tonic::transport::{Endpoint, Uri};

use api_server::proto::helm_api_service_client::HelmApiServiceClient;
use api_server::proto::release_event::Event;
use api_server::{Cipher, Contexts, EmbeddedStore, HelmBackend, HelmBackendOptions, proto};

use crate::support::*;

/// The test cluster's kubeconfig path and the real helm (when given), or `None` (one line on
/// stderr) when the cluster is not given and not required.
pub fn cluster(test: &str) -> Option<(String, Option<String>)> {
    let required = std::env::var("HELM_API_TEST_REQUIRE").is_ok_and(|v| v == "1");
    let helm = std::env::var("HELM_API_TEST_HELM").ok().filter(|v| !v.is_empty());
    assert!(!required || helm.is_some(), "{test}: HELM_API_TEST_HELM is not set, and HELM_API_TEST_REQUIRE=1");
    match std::env::var("HELM_API_TEST_KUBECONFIG") {
        Ok(v) if !v.is_empty() => Some((v, helm)),
        _ => {
            assert!(!required, "{test}: HELM_API_TEST_KUBECONFIG is not set, and HELM_API_TEST_REQUIRE=1");
            eprintln!("{test}: skipped (HELM_API_TEST_KUBECONFIG is not set)");
            None
        }
    }
}

/// A namespace of the test's own, deleted when dropped.
pub struct TestNamespace {
    pub name: String,
    kubeconfig: String,
}

impl TestNamespace {
    pub async fn create(kubeconfig: &str, prefix: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("srv-{prefix}-{}-{nanos}", std::process::id());
        let api: Api<Namespace> = Api::all(kube_client(kubeconfig).await);
        let ns = Namespace {
            metadata: kube::api::ObjectMeta { name: Some(name.clone()), ..Default::default() },
            ..Default::default()
        };
        api.create(&PostParams::default(), &ns).await.unwrap();
        TestNamespace { name, kubeconfig: kubeconfig.to_owned() }
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let (name, kubeconfig) = (self.name.clone(), self.kubeconfig.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let api: Api<Namespace> = Api::all(kube_client(&kubeconfig).await);
                let _ = api.delete(&name, &DeleteParams::default()).await;
            });
        })
        .join();
    }
}

pub async fn kube_client(path: &str) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(path).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default()).await.unwrap();
    kube::Client::try_from(config).unwrap()
}

/// The app over a fresh context store and the real backend (releases in Secrets).
pub async fn helm_app() -> (axum::Router, tempfile::TempDir) {
    helm_core::progress::try_init();
    let dir = tempfile::tempdir().unwrap();
    let cipher = Cipher::from_hex(&Cipher::generate_hex_key()).unwrap();
    let store = EmbeddedStore::open(&dir.path().join("contexts.redb"), cipher).unwrap();
    let backend = HelmBackend::new(HelmBackendOptions {
        driver: helm_core::StorageDriver::Secret,
        cache_dir: dir.path().join("cache"),
    });
    let router =
        api_server::app(Contexts::new(Arc::new(store)), Arc::new(backend), tokens(), Default::default()).await.unwrap();
    (router, dir)
}

/// A small chart: one ConfigMap carrying `.Values.message`, a NOTES.txt; packaged as a .tgz.
pub fn chart(version: &str) -> Vec<u8> {
    chart_with(version, &[])
}

/// The small chart with more templates (`path`, text).
pub fn chart_with(version: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("Chart.yaml"),
        format!("apiVersion: v2\nname: demo\nversion: {version}\nappVersion: \"1.{version}\"\n"),
    )
    .unwrap();
    std::fs::write(root.join("values.yaml"), "message: default\nreplicas: 1\n").unwrap();
    std::fs::write(
        root.join("templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  message: {{ .Values.message | quote }}\n  version: {{ .Chart.Version | quote }}\n",
    )
    .unwrap();
    std::fs::write(root.join("templates/NOTES.txt"), "{{ .Release.Name }} says {{ .Values.message }}\n").unwrap();
    for (path, text) in extra {
        std::fs::write(root.join("templates").join(path), text).unwrap();
    }
    chart_model::package::package_dir(&root).unwrap().data
}

pub fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub async fn configmap_message(kubeconfig: &str, namespace: &str, name: &str) -> Option<String> {
    let api: Api<ConfigMap> = Api::namespaced(kube_client(kubeconfig).await, namespace);
    api.get_opt(name).await.unwrap().and_then(|cm| cm.data).and_then(|d| d.get("message").cloned())
}

/// `helm <args> -o json` against the test cluster, parsed.
pub fn helm_json(helm: &Option<String>, kubeconfig: &str, args: &[&str]) -> Option<Value> {
    let helm = helm.as_ref()?;
    let out = std::process::Command::new(helm)
        .args(args)
        .args(["--kubeconfig", kubeconfig, "-o", "json"])
        .env("HELM_CACHE_HOME", std::env::temp_dir().join("helm-api-test-helm-cache"))
        .env("HELM_CONFIG_HOME", std::env::temp_dir().join("helm-api-test-helm-config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "helm {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

pub struct Http {
    pub router: axum::Router,
}

impl Http {
    pub async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> Answer {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let mut request =
            axum::http::Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {ALICE}"));
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let response = self.router.clone().oneshot(request.body(axum::body::Body::from(body)).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::String(text.clone()));
        Answer { status, headers, body, text }
    }

    pub async fn ok(&self, method: &str, uri: &str, body: Option<Value>) -> Value {
        let answer = self.call(method, uri, body).await;
        assert_eq!(answer.status.as_u16(), 200, "{method} {uri}: {}", answer.text);
        answer.body
    }
}

#[tokio::test]
async fn every_release_rpc_over_http_agrees_with_helm() {
    let Some((kubeconfig, helm)) = cluster("every_release_rpc_over_http_agrees_with_helm") else { return };
    let ns = TestNamespace::create(&kubeconfig, "http").await;
    let (router, _dir) = helm_app().await;
    let http = Http { router };
    let text = std::fs::read_to_string(&kubeconfig).unwrap();
    http.ok("POST", "/v1/context", Some(json!({"name": "k", "kubeinfo": {"kubeconfig": text, "namespace": ns.name}})))
        .await;

    // Install (the original's POST route, a body carrying the chart).
    let release = http
        .ok(
            "POST",
            "/v1/k/release",
            Some(json!({
                "releaseName": "web",
                "chartArchive": b64(&chart("0.1.0")),
                "values": "message: one\n",
                "labels": {"team": "blue"},
            })),
        )
        .await;
    assert_eq!(release["name"], "web");
    assert_eq!(release["namespace"], ns.name.as_str());
    assert_eq!(release["version"], "1");
    assert_eq!(release["info"]["status"], "deployed");
    assert_eq!(release["info"]["notes"], "web says one\n");
    assert_eq!(release["config"], "message: one\n");
    assert_eq!(release["chart"]["metadata"]["version"], "0.1.0");
    assert_eq!(configmap_message(&kubeconfig, &ns.name, "web-config").await.as_deref(), Some("one"));
    let secrets: Api<k8s_openapi::api::core::v1::Secret> = Api::namespaced(kube_client(&kubeconfig).await, &ns.name);
    let record = secrets.get("sh.helm.release.v1.web.v1").await.unwrap();
    let labels = record.metadata.labels.unwrap();
    assert_eq!(labels.get("team").map(String::as_str), Some("blue"));
    assert_eq!(labels.get("owner").map(String::as_str), Some("helm"));

    let got = http.ok("GET", "/v1/k/release/web", None).await;
    assert_eq!((got["version"].as_str(), got["info"]["status"].as_str()), (Some("1"), Some("deployed")));
    assert!(got["manifest"].as_str().unwrap().contains("kind: ConfigMap"));
    let values = http.ok("GET", "/v1/k/release/web/values", None).await;
    assert_eq!(values["yaml"], "message: one\n");
    let all = http.ok("GET", "/v1/k/release/web/values?allValues=true", None).await;
    assert_eq!(all["yaml"], "message: one\nreplicas: 1\n");
    let status = http.ok("GET", "/v1/k/release/web/status", None).await;
    assert_eq!(status["chartName"], "demo");
    assert_eq!(status["chartVersion"], "0.1.0");
    assert_eq!(status["appVersion"], "1.0.1.0");
    assert_eq!(status["info"]["status"], "deployed");
    let manifest = http.ok("GET", "/v1/k/release/web/manifest", None).await;
    assert!(manifest["manifest"].as_str().unwrap().contains("name: web-config"), "{manifest}");
    let list = http.ok("GET", "/v1/k/release", None).await;
    assert_eq!(list["releases"].as_array().unwrap().len(), 1);
    assert_eq!(list["releases"][0]["chart"]["metadata"]["name"], "demo");
    assert_eq!(list["releases"][0]["chart"]["templates"], Value::Null, "a listing carries no chart files");
    assert_eq!(list["releases"][0]["config"], "message: one\n");
    // The original's POST route with a body naming no chart lists too.
    let list = http.ok("POST", "/v1/k/release", Some(json!({}))).await;
    assert_eq!(list["releases"][0]["name"], "web");

    // Upgrade to 0.2.0 with new values.
    let upgraded = http
        .ok(
            "PUT",
            "/v1/k/release",
            Some(json!({"releaseName": "web", "chartArchive": b64(&chart("0.2.0")), "values": "message: two\n"})),
        )
        .await;
    assert_eq!((upgraded["version"].as_str(), upgraded["info"]["status"].as_str()), (Some("2"), Some("deployed")));
    assert_eq!(configmap_message(&kubeconfig, &ns.name, "web-config").await.as_deref(), Some("two"));
    let history = http.ok("GET", "/v1/k/release/web/history", None).await;
    let statuses: Vec<&str> =
        history["releases"].as_array().unwrap().iter().map(|r| r["info"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["superseded", "deployed"]);
    let first = http.ok("GET", "/v1/k/release/web/values?revision=1", None).await;
    assert_eq!(first["yaml"], "message: one\n");

    // The real helm reads the same release.
    if let Some(list) = helm_json(&helm, &kubeconfig, &["list", "-n", &ns.name]) {
        assert_eq!(list[0]["name"], "web");
        assert_eq!(list[0]["revision"], "2");
        assert_eq!(list[0]["chart"], "demo-0.2.0");
        let history = helm_json(&helm, &kubeconfig, &["history", "web", "-n", &ns.name]).unwrap();
        assert_eq!(history.as_array().unwrap().len(), 2);
        assert_eq!(history[1]["status"], "deployed");
    }

    // Rollback to the previous revision: revision 3 made of revision 1.
    http.ok("PUT", "/v1/k/release/web/rollback", Some(json!({}))).await;
    let got = http.ok("GET", "/v1/k/release/web", None).await;
    assert_eq!(got["version"], "3");
    assert_eq!(got["config"], "message: one\n");
    assert_eq!(got["info"]["description"], "Rollback to 1");
    assert_eq!(configmap_message(&kubeconfig, &ns.name, "web-config").await.as_deref(), Some("one"));
    if let Some(history) = helm_json(&helm, &kubeconfig, &["history", "web", "-n", &ns.name]) {
        assert_eq!(history.as_array().unwrap().len(), 3);
        assert_eq!(history[2]["description"], "Rollback to 1");
    }

    // Uninstall.
    http.ok("DELETE", "/v1/k/release/web", Some(json!({}))).await;
    let gone = http.call("GET", "/v1/k/release/web", None).await;
    assert_error(&gone, 404, Code::NotFound as i64);
    assert_eq!(configmap_message(&kubeconfig, &ns.name, "web-config").await, None);
    if let Some(list) = helm_json(&helm, &kubeconfig, &["list", "-n", &ns.name, "--all"]) {
        assert_eq!(list, json!([]));
    }
}

pub fn authed<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert("authorization", MetadataValue::try_from(format!("Bearer {ALICE}")).unwrap());
    request
}

pub async fn grpc_client(router: axum::Router) -> HelmApiServiceClient<tonic::transport::Channel> {
    let (client_io, server_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(server_io), TowerToHyperService::new(router))
            .await;
    });
    let mut client_io = Some(client_io);
    let channel = Endpoint::try_from("http://in-process")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let io = client_io.take();
            async move { io.map(TokioIo::new).ok_or_else(|| std::io::Error::other("one connection only")) }
        }))
        .await
        .unwrap();
    HelmApiServiceClient::new(channel).max_decoding_message_size(64 << 20)
}

/// Every event of a streamed operation: the progress reports, then the release (or the error).
async fn collect(
    stream: tonic::Streaming<proto::ReleaseEvent>,
) -> (Vec<proto::Progress>, Result<proto::Release, tonic::Status>) {
    let mut stream = stream;
    let mut progress = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(proto::ReleaseEvent { event: Some(Event::Progress(p)) }) => progress.push(p),
            Ok(proto::ReleaseEvent { event: Some(Event::Release(r)) }) => return (progress, Ok(r)),
            Ok(proto::ReleaseEvent { event: None }) => {}
            Err(status) => return (progress, Err(status)),
        }
    }
    panic!("the stream ended without a release or an error");
}

/// A post-install hook (a ConfigMap: created, nothing to wait for).
const HOOK: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n    helm.sh/hook: post-install\n    helm.sh/hook-delete-policy: before-hook-creation\ndata:\n  ran: \"yes\"\n";

fn phases(progress: &[proto::Progress]) -> Vec<&str> {
    progress.iter().map(|p| p.phase.as_str()).collect()
}

#[tokio::test]
async fn every_release_rpc_over_grpc_with_streamed_progress() {
    let Some((kubeconfig, helm)) = cluster("every_release_rpc_over_grpc_with_streamed_progress") else { return };
    let ns = TestNamespace::create(&kubeconfig, "grpc").await;
    let (router, _dir) = helm_app().await;
    let mut client = grpc_client(router).await;
    let text = std::fs::read_to_string(&kubeconfig).unwrap();
    client
        .create_context(authed(proto::HelmContextReq {
            name: "k".into(),
            kubeinfo: Some(proto::KubeInfo {
                kubeconfig: text.clone(),
                namespace: ns.name.clone(),
                ..Default::default()
            }),
            ..Default::default()
        }))
        .await
        .unwrap();

    // A streamed install with --wait shows rendered, created/applied, waiting n/m and done events.
    let stream = client
        .install_release_stream(authed(proto::InstallReq {
            context_name: "k".into(),
            release_name: "api".into(),
            chart_archive: chart_with("0.1.0", &[("hook.yaml", HOOK)]),
            values: "message: streamed\n".into(),
            wait: true,
            timeout_seconds: 60,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let (progress, release) = collect(stream).await;
    let release = release.unwrap();
    assert_eq!((release.name.as_str(), release.version), ("api", 1));
    let seen = phases(&progress);
    for wanted in ["start", "rendered", "waiting", "hook-started", "hook-succeeded", "done"] {
        assert!(seen.contains(&wanted), "no {wanted} event in {seen:?}");
    }
    assert!(seen.contains(&"applied") || seen.contains(&"created"), "no object event in {seen:?}");
    let object = progress.iter().find(|p| p.phase == "applied" || p.phase == "created").unwrap();
    assert_eq!((object.kind.as_str(), object.name.as_str()), ("ConfigMap", "api-config"));
    let waiting = progress.iter().find(|p| p.phase == "waiting" && p.fields.contains_key("total")).unwrap();
    assert_eq!(waiting.fields.get("ready").map(String::as_str), Some("1"), "{waiting:?}");
    assert_eq!(waiting.fields.get("total").map(String::as_str), Some("1"), "{waiting:?}");
    assert!(progress.iter().all(|p| p.time.is_some()));

    // A plain install in another release, then the reads.
    let other = client
        .install_release(authed(proto::InstallReq {
            context_name: "k".into(),
            release_name: "other".into(),
            chart_archive: chart("0.1.0"),
            server_side: "false".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(other.info.unwrap().status, "deployed");
    let req =
        |name: &str| proto::ReleaseReq { context_name: "k".into(), release_name: name.into(), ..Default::default() };
    let got = client.get_release(authed(req("api"))).await.unwrap().into_inner();
    assert_eq!(got.config, "message: streamed\n");
    let values = client.get_release_values(authed(req("api"))).await.unwrap().into_inner();
    assert_eq!(values.yaml, "message: streamed\n");
    // A temporary context: no context name, the kubeconfig inline.
    let inline = proto::KubeInfo { kubeconfig: text.clone(), namespace: ns.name.clone(), ..Default::default() };
    let temporary = client
        .get_release(authed(proto::ReleaseReq {
            release_name: "api".into(),
            kubeinfo: Some(inline.clone()),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((temporary.name.as_str(), temporary.version), ("api", 1));
    let status = client.get_release_status(authed(req("api"))).await.unwrap().into_inner();
    assert_eq!((status.version, status.chart_name.as_str()), (1, "demo"));
    let manifest = client.get_release_manifest(authed(req("api"))).await.unwrap().into_inner();
    assert!(manifest.manifest.contains("message: \"streamed\""), "{}", manifest.manifest);
    let list = client
        .list_release(authed(proto::ListReleaseReq { context_name: "k".into(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    let names: Vec<&str> = list.releases.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["api", "other"]);
    let filtered = client
        .list_release(authed(proto::ListReleaseReq {
            context_name: "k".into(),
            filter: "^ap".into(),
            status: vec!["deployed".into()],
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(filtered.releases.len(), 1);
    let everywhere = client
        .list_release(authed(proto::ListReleaseReq {
            context_name: "k".into(),
            all_namespaces: true,
            filter: "^(api|other)$".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(everywhere.releases.iter().filter(|r| r.namespace == ns.name).count() == 2);

    // Streamed upgrade (values reused), rollback and uninstall.
    let stream = client
        .upgrade_release_stream(authed(proto::UpgradeReq {
            context_name: "k".into(),
            release_name: "api".into(),
            chart_archive: chart("0.2.0"),
            values: "replicas: 3\n".into(),
            reuse_values: true,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let (progress, upgraded) = collect(stream).await;
    let upgraded = upgraded.unwrap();
    assert_eq!(upgraded.version, 2);
    assert!(phases(&progress).contains(&"done"), "{:?}", phases(&progress));
    let values = client.get_release_values(authed(req("api"))).await.unwrap().into_inner();
    assert_eq!(values.yaml, "message: streamed\nreplicas: 3\n");
    let history = client.get_release_history(authed(req("api"))).await.unwrap().into_inner();
    assert_eq!(history.releases.iter().map(|r| r.version).collect::<Vec<_>>(), [1, 2]);
    let first = client.get_release(authed(proto::ReleaseReq { revision: 1, ..req("api") })).await.unwrap().into_inner();
    assert_eq!(first.info.unwrap().status, "superseded");

    let stream = client
        .rollback_release_stream(authed(proto::ReleaseRollbackReq {
            context_name: "k".into(),
            release_name: "api".into(),
            reversion: 1,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let (_, rolled) = collect(stream).await;
    assert_eq!(rolled.unwrap().version, 3);
    client
        .rollback_release(authed(proto::ReleaseRollbackReq {
            context_name: "k".into(),
            release_name: "api".into(),
            ..Default::default()
        }))
        .await
        .unwrap();
    let latest = client.get_release(authed(req("api"))).await.unwrap().into_inner();
    assert_eq!((latest.version, latest.info.unwrap().description.as_str()), (4, "Rollback to 2"));
    if let Some(history) = helm_json(&helm, &kubeconfig, &["history", "api", "-n", &ns.name]) {
        assert_eq!(history.as_array().unwrap().len(), 4);
        assert_eq!(history[3]["status"], "deployed");
    }

    let stream = client
        .uninstall_release_stream(authed(proto::ReleaseReq { keep_history: true, ..req("api") }))
        .await
        .unwrap()
        .into_inner();
    let (progress, uninstalled) = collect(stream).await;
    assert_eq!(uninstalled.unwrap().info.unwrap().status, "uninstalled");
    assert!(phases(&progress).contains(&"deleted"), "{:?}", phases(&progress));
    let kept = client.get_release_status(authed(req("api"))).await.unwrap().into_inner();
    assert_eq!(kept.info.unwrap().status, "uninstalled");
    client.uninstall_release(authed(req("other"))).await.unwrap();
    let err = client.get_release(authed(req("other"))).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    if let Some(list) = helm_json(&helm, &kubeconfig, &["list", "-n", &ns.name, "--all"]) {
        let names: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["api"]);
    }
}

#[tokio::test]
async fn bad_input_gets_the_right_code_and_changes_nothing() {
    let Some((kubeconfig, helm)) = cluster("bad_input_gets_the_right_code_and_changes_nothing") else { return };
    let ns = TestNamespace::create(&kubeconfig, "bad").await;
    let (router, _dir) = helm_app().await;
    let http = Http { router: router.clone() };
    let text = std::fs::read_to_string(&kubeconfig).unwrap();
    http.ok("POST", "/v1/context", Some(json!({"name": "k", "kubeinfo": {"kubeconfig": text, "namespace": ns.name}})))
        .await;
    let v1 = b64(&chart("0.1.0"));

    // A kubeconfig that does not parse, or names a missing context, is refused at creation.
    let bad = http
        .call("POST", "/v1/context", Some(json!({"name": "bad", "kubeinfo": {"kubeconfig": "clusters: [oops"}})))
        .await;
    assert_error(&bad, 400, Code::InvalidArgument as i64);
    let bad = http
        .call(
            "POST",
            "/v1/context",
            Some(json!({"name": "bad", "kubeinfo": {"kubeconfig": text, "context": "no-such-context"}})),
        )
        .await;
    assert_error(&bad, 400, Code::InvalidArgument as i64);
    let contexts = http.ok("GET", "/v1/context", None).await;
    assert_eq!(contexts["contexts"].as_array().unwrap().len(), 1, "{contexts}");
    // ... and as a temporary context too.
    let bad = http
        .call(
            "POST",
            "/v1/_/release",
            Some(json!({"releaseName": "tmp", "chartArchive": v1, "kubeinfo": {"kubeconfig": "clusters: [oops"}})),
        )
        .await;
    assert_error(&bad, 400, Code::InvalidArgument as i64);

    // A cluster that refuses the credentials is PERMISSION_DENIED.
    let parsed = kube::config::Kubeconfig::read_from(&kubeconfig).unwrap();
    let server = parsed.clusters[0].cluster.as_ref().unwrap().server.clone().unwrap();
    let refused = KUBECONFIG
        .replace("https://127.0.0.1:6443'}", &format!("{server}', insecure-skip-tls-verify: true}}"))
        .replace("SECRET-KUBE-TOKEN-42", "not-a-valid-token");
    http.ok("POST", "/v1/context", Some(json!({"name": "refused", "kubeinfo": {"kubeconfig": refused}}))).await;
    let answer = http.call("GET", "/v1/refused/release", None).await;
    assert_error(&answer, 403, Code::PermissionDenied as i64);

    let install = |body: Value| {
        let http = &http;
        async move { http.call("POST", "/v1/k/release", Some(body)).await }
    };
    // Invalid release name, bad YAML values, values that are not a map, a broken chart archive,
    // both a chart name and an archive, an unknown repository, an unknown context.
    let answer = install(json!({"releaseName": "Bad_Name", "chartArchive": v1})).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let answer = install(json!({"releaseName": "web", "chartArchive": v1, "values": "a: [1, 2"})).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    assert!(answer.body["message"].as_str().unwrap().starts_with("values:"), "{}", answer.text);
    let answer = install(json!({"releaseName": "web", "chartArchive": v1, "values": "- a\n- b\n"})).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let answer = install(json!({"releaseName": "web", "chartArchive": b64(b"not a tgz")})).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let answer = install(json!({"releaseName": "web", "chartArchive": v1, "repoChartName": "a/b"})).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let answer = install(json!({"releaseName": "web", "repoChartName": "nope/demo"})).await;
    assert_error(&answer, 404, Code::NotFound as i64);
    let answer = install(json!({"releaseName": "web", "repoChartName": "../demo"})).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let answer = install(json!({"releaseName": "web", "chartArchive": v1, "labels": {"owner": "me"}})).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let answer = install(json!({"releaseName": "web", "chartArchive": v1, "serverSide": "maybe"})).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let answer = http.call("POST", "/v1/nope/release", Some(json!({"releaseName": "web", "chartArchive": v1}))).await;
    assert_error(&answer, 404, Code::NotFound as i64);
    // Nothing was installed.
    let list = http.ok("GET", "/v1/k/release?status=all", None).await;
    assert_eq!(list["releases"].as_array().map(Vec::len).unwrap_or(0), 0, "{list}");
    if let Some(list) = helm_json(&helm, &kubeconfig, &["list", "-n", &ns.name, "--all"]) {
        assert_eq!(list, json!([]));
    }

    // Unknown releases are NOT_FOUND for every read and write.
    for (method, uri, body) in [
        ("GET", "/v1/k/release/ghost", None),
        ("GET", "/v1/k/release/ghost/values", None),
        ("GET", "/v1/k/release/ghost/history", None),
        ("GET", "/v1/k/release/ghost/status", None),
        ("GET", "/v1/k/release/ghost/manifest", None),
        ("DELETE", "/v1/k/release/ghost", Some(json!({}))),
        ("PUT", "/v1/k/release/ghost/rollback", Some(json!({}))),
        ("PUT", "/v1/k/release", Some(json!({"releaseName": "ghost", "chartArchive": v1}))),
    ] {
        let answer = http.call(method, uri, body).await;
        assert_error(&answer, 404, Code::NotFound as i64);
    }

    // A real release: installing it again is ALREADY_EXISTS, an unknown revision NOT_FOUND,
    // an unknown status word INVALID_ARGUMENT, and the release is unchanged afterwards.
    http.ok("POST", "/v1/k/release", Some(json!({"releaseName": "web", "chartArchive": v1}))).await;
    let again = install(json!({"releaseName": "web", "chartArchive": v1})).await;
    assert_error(&again, 409, Code::AlreadyExists as i64);
    let answer = http.call("GET", "/v1/k/release/web?revision=7", None).await;
    assert_error(&answer, 404, Code::NotFound as i64);
    let answer = http.call("PUT", "/v1/k/release/web/rollback", Some(json!({"reversion": 9}))).await;
    assert_error(&answer, 404, Code::NotFound as i64);
    let answer = http.call("GET", "/v1/k/release?status=gone", None).await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let answer = http
        .call("PUT", "/v1/k/release", Some(json!({"releaseName": "web", "chartArchive": v1, "values": "a: ["})))
        .await;
    assert_error(&answer, 400, Code::InvalidArgument as i64);
    let history = http.ok("GET", "/v1/k/release/web/history", None).await;
    assert_eq!(history["releases"].as_array().unwrap().len(), 1);
    // Upgrade with install of a missing release installs it.
    let installed = http
        .ok("PUT", "/v1/k/release", Some(json!({"releaseName": "fresh", "chartArchive": v1, "install": true})))
        .await;
    assert_eq!(installed["version"], "1");
    // A dry run stores nothing.
    let dry = http
        .ok("POST", "/v1/k/release", Some(json!({"releaseName": "dry", "chartArchive": v1, "dry_run": true})))
        .await;
    assert_eq!(dry["info"]["status"], "pending-install");
    let answer = http.call("GET", "/v1/k/release/dry", None).await;
    assert_error(&answer, 404, Code::NotFound as i64);
    for name in ["web", "fresh"] {
        http.ok("DELETE", &format!("/v1/k/release/{name}"), Some(json!({}))).await;
    }
}

#[tokio::test]
async fn busy_and_slow_operations_get_their_codes() {
    let Some((kubeconfig, _)) = cluster("busy_and_slow_operations_get_their_codes") else { return };
    let ns = TestNamespace::create(&kubeconfig, "busy").await;
    let (router, _dir) = helm_app().await;
    let http = Http { router };
    let text = std::fs::read_to_string(&kubeconfig).unwrap();
    http.ok("POST", "/v1/context", Some(json!({"name": "k", "kubeinfo": {"kubeconfig": text, "namespace": ns.name}})))
        .await;
    let v1 = b64(&chart("0.1.0"));
    http.ok("POST", "/v1/k/release", Some(json!({"releaseName": "web", "chartArchive": v1}))).await;

    // Another process holds the release's lock: the upgrade is FAILED_PRECONDITION, nothing changes.
    use release_storage::lock::{LeaseLocker, Locker};
    let locker = LeaseLocker::new(kube_client(&kubeconfig).await).with_holder("someone-else");
    let lock = locker.lock(&ns.name, "web").await.unwrap();
    let busy = http
        .call("PUT", "/v1/k/release", Some(json!({"releaseName": "web", "chartArchive": v1, "values": "message: x"})))
        .await;
    assert_error(&busy, 409, Code::FailedPrecondition as i64);
    assert!(busy.body["message"].as_str().unwrap().contains("another operation"), "{}", busy.text);
    lock.release().await.unwrap();
    let history = http.ok("GET", "/v1/k/release/web/history", None).await;
    assert_eq!(history["releases"].as_array().unwrap().len(), 1);

    // A wait that runs out of time (a claim nothing binds) is DEADLINE_EXCEEDED; the release is failed, not pending.
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{ .Release.Name }}-data\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: none\n  resources:\n    requests:\n      storage: 1Mi\n";
    let slow = b64(&chart_with("0.1.0", &[("pvc.yaml", pvc)]));
    let answer = http
        .call(
            "POST",
            "/v1/k/release",
            Some(json!({"releaseName": "slow", "chartArchive": slow, "wait": true, "timeoutSeconds": 2})),
        )
        .await;
    assert_error(&answer, 504, Code::DeadlineExceeded as i64);
    let status = http.ok("GET", "/v1/k/release/slow/status", None).await;
    assert_eq!(status["info"]["status"], "failed");
    for name in ["web", "slow"] {
        http.ok("DELETE", &format!("/v1/k/release/{name}"), Some(json!({}))).await;
    }
}

#[tokio::test]
async fn an_unreachable_cluster_is_unavailable() {
    let (router, _dir) = helm_app().await;
    let http = Http { router };
    let closed = KUBECONFIG.replace("127.0.0.1:6443", "127.0.0.1:9");
    http.ok("POST", "/v1/context", Some(json!({"name": "gone", "kubeinfo": {"kubeconfig": closed, "namespace": "x"}})))
        .await;
    for (method, uri, body) in [
        ("GET", "/v1/gone/release/web", None),
        ("GET", "/v1/gone/release", None),
        ("POST", "/v1/gone/release", Some(json!({"releaseName": "web", "chartArchive": b64(&chart("0.1.0"))}))),
    ] {
        let answer = http.call(method, uri, body).await;
        assert_error(&answer, 503, Code::Unavailable as i64);
        assert!(!answer.text.contains("SECRET-KUBE-TOKEN"), "{}", answer.text);
    }
}

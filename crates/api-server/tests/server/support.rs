//! Test support: an app over a temporary store, a recording fake backend, HTTP and gRPC helpers.

use std::sync::{Arc, Mutex};

use api_server::backend::{Backend, ProgressSink};
use api_server::contexts::{Context, Repository};
use api_server::proto;
use api_server::{AppOptions, Cipher, Contexts, EmbeddedStore, Error, Principal, Result, Tokens};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The token of principal "alice".
pub const ALICE: &str = "alice-token-0123456789";
/// The token of principal "bob".
pub const BOB: &str = "bob-token-0123456789ab";
/// The token of the admin.
pub const ROOT: &str = "root-token-0123456789a";

/// A kubeconfig whose text must never appear at rest or in responses.
pub const KUBECONFIG: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:6443'}\nusers:\n- name: u\n  user: {token: SECRET-KUBE-TOKEN-42}\ncontexts:\n- name: ctx\n  context: {cluster: c, user: u}\ncurrent-context: ctx\n";

/// One backend call: the operation, the context it ran in, the request as canonical JSON.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub op: &'static str,
    pub context: Context,
    pub request: Value,
}

/// A backend that records its calls and answers canned data; release names pick errors.
#[derive(Default)]
pub struct FakeBackend {
    pub calls: Mutex<Vec<Recorded>>,
}

impl FakeBackend {
    pub fn last(&self) -> Recorded {
        self.calls.lock().unwrap().last().cloned().expect("a backend call")
    }
    pub fn count(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
    fn record(&self, op: &'static str, context: &Context, request: Value) {
        self.calls.lock().unwrap().push(Recorded { op, context: context.clone(), request });
    }
}

/// Release names that make the fake fail the way a real backend would.
fn outcome(name: &str) -> Result<()> {
    match name {
        "missing" => Err(Error::NotFound(format!("release: not found: {name}"))),
        "busy" => Err(Error::FailedPrecondition("another operation (install/upgrade/rollback) is in progress".into())),
        "slow" => Err(Error::DeadlineExceeded("timed out waiting for the condition".into())),
        "exists" => Err(Error::AlreadyExists("cannot re-use a name that is still in use".into())),
        "crash" => Err(Error::Internal("SECRET-INTERNAL-DETAIL".into())),
        _ => Ok(()),
    }
}

pub fn release(name: &str, namespace: &str, version: i64) -> proto::Release {
    proto::Release {
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        version,
        config: "replicas: 2\n".to_owned(),
        manifest: "---\nkind: ConfigMap\n".to_owned(),
        info: Some(proto::Info {
            status: "deployed".to_owned(),
            last_deployed: Some(api_server::wire_time::Timestamp { seconds: 1_700_000_000, nanos: 0 }),
            ..Default::default()
        }),
        chart: Some(proto::Chart {
            metadata: Some(proto::Metadata {
                name: "mariadb".to_owned(),
                version: "1.0.0".to_owned(),
                api_version: "v2".to_owned(),
                app_version: "11.4".to_owned(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

#[tonic::async_trait]
impl Backend for FakeBackend {
    async fn check_context(&self, context: &Context) -> Result<()> {
        if context.kube.kubeconfig.contains("not a kubeconfig") {
            return Err(Error::InvalidArgument("kubeconfig: cannot parse".into()));
        }
        Ok(())
    }
    async fn update_repos(&self, context: &Context, repos: &[Repository]) -> Result<()> {
        self.record("update_repos", context, Value::from(repos.iter().map(|r| r.name.clone()).collect::<Vec<_>>()));
        if let Some(bad) = repos.iter().find(|r| r.url.contains("unreachable")) {
            return Err(Error::Unavailable(format!(
                "looks like {:?} is not a valid chart repository or cannot be reached",
                bad.url
            )));
        }
        Ok(())
    }
    async fn get_chart(&self, context: &Context, req: proto::GetChartReq) -> Result<proto::Chart> {
        self.record("get_chart", context, json(&req));
        Ok(release("x", "default", 1).chart.unwrap())
    }
    async fn search(&self, context: &Context, req: proto::SearchReq) -> Result<proto::SearchRes> {
        self.record("search", context, json(&req));
        Ok(proto::SearchRes {
            charts: vec![proto::ChartInfo {
                name: "mariadb".into(),
                repo_name: "bitnami".into(),
                chart_version: "1.0.0".into(),
                ..Default::default()
            }],
        })
    }
    async fn all_charts(&self, context: &Context) -> Result<proto::SearchRes> {
        self.record("all_charts", context, Value::Null);
        Ok(proto::SearchRes::default())
    }
    async fn install(
        &self,
        context: &Context,
        req: proto::InstallReq,
        progress: ProgressSink,
    ) -> Result<proto::Release> {
        self.record("install", context, json(&req));
        if req.release_name == "held" {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            self.record("install_finished", context, Value::Null);
        }
        progress.phase("render", "rendering templates");
        progress.phase("apply", "creating 1 resource");
        outcome(&req.release_name)?;
        Ok(release(&req.release_name, context.namespace(), 1))
    }
    async fn upgrade(
        &self,
        context: &Context,
        req: proto::UpgradeReq,
        progress: ProgressSink,
    ) -> Result<proto::Release> {
        self.record("upgrade", context, json(&req));
        progress.phase("apply", "updating");
        outcome(&req.release_name)?;
        Ok(release(&req.release_name, context.namespace(), 2))
    }
    async fn rollback(
        &self,
        context: &Context,
        req: proto::ReleaseRollbackReq,
        progress: ProgressSink,
    ) -> Result<proto::Release> {
        self.record("rollback", context, json(&req));
        progress.phase("apply", "rolling back");
        outcome(&req.release_name)?;
        Ok(release(&req.release_name, context.namespace(), 3))
    }
    async fn uninstall(
        &self,
        context: &Context,
        req: proto::ReleaseReq,
        progress: ProgressSink,
    ) -> Result<proto::Release> {
        self.record("uninstall", context, json(&req));
        progress.phase("delete", "deleting");
        outcome(&req.release_name)?;
        Ok(release(&req.release_name, context.namespace(), 1))
    }
    async fn get_release(&self, context: &Context, req: proto::ReleaseReq) -> Result<proto::Release> {
        self.record("get_release", context, json(&req));
        if req.release_name == "sleepy" {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
        outcome(&req.release_name)?;
        Ok(release(&req.release_name, context.namespace(), 1))
    }
    async fn get_release_values(&self, context: &Context, req: proto::ReleaseReq) -> Result<proto::Values> {
        self.record("get_release_values", context, json(&req));
        outcome(&req.release_name)?;
        Ok(proto::Values { yaml: "replicas: 2\n".into() })
    }
    async fn get_release_history(&self, context: &Context, req: proto::ReleaseReq) -> Result<Vec<proto::Release>> {
        self.record("get_release_history", context, json(&req));
        outcome(&req.release_name)?;
        Ok(vec![release(&req.release_name, "default", 1), release(&req.release_name, "default", 2)])
    }
    async fn get_release_status(&self, context: &Context, req: proto::ReleaseReq) -> Result<proto::ReleaseStatus> {
        self.record("get_release_status", context, json(&req));
        outcome(&req.release_name)?;
        Ok(proto::ReleaseStatus { name: req.release_name, version: 1, ..Default::default() })
    }
    async fn get_release_manifest(&self, context: &Context, req: proto::ReleaseReq) -> Result<proto::Manifest> {
        self.record("get_release_manifest", context, json(&req));
        outcome(&req.release_name)?;
        Ok(proto::Manifest { manifest: "---\nkind: ConfigMap\n".into() })
    }
    async fn list_releases(&self, context: &Context, req: proto::ListReleaseReq) -> Result<Vec<proto::Release>> {
        self.record("list_releases", context, json(&req));
        Ok(vec![release("web", context.namespace(), 1)])
    }
}

/// An app over a fresh store in a temporary folder, with the fake backend.
pub struct TestApp {
    pub router: Router,
    pub backend: Arc<FakeBackend>,
    pub contexts: Contexts,
    pub dir: tempfile::TempDir,
}

pub fn tokens() -> Tokens {
    Tokens::new([
        (ALICE.to_owned(), Principal { name: "alice".into(), admin: false }),
        (BOB.to_owned(), Principal { name: "bob".into(), admin: false }),
        (ROOT.to_owned(), Principal { name: "root".into(), admin: true }),
    ])
}

pub async fn test_app() -> TestApp {
    test_app_with(AppOptions::default()).await
}

pub async fn test_app_with(options: AppOptions) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let cipher = Cipher::from_hex(&Cipher::generate_hex_key()).unwrap();
    let store = EmbeddedStore::open(&dir.path().join("contexts.redb"), cipher).unwrap();
    let contexts = Contexts::new(Arc::new(store));
    let backend = Arc::new(FakeBackend::default());
    let router = api_server::app(contexts.clone(), backend.clone(), tokens(), options).await.unwrap();
    TestApp { router, backend, contexts, dir }
}

/// An HTTP response: status, headers and the body as JSON (or a string when it is not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestApp {
    pub async fn call(&self, method: &str, uri: &str, token: Option<&str>, body: Option<&str>) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(Body::from(body.unwrap_or_default().to_owned())).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::String(text.clone()));
        Answer { status, headers, body, text }
    }

    /// An HTTP call as alice.
    pub async fn alice(&self, method: &str, uri: &str, body: Option<&str>) -> Answer {
        self.call(method, uri, Some(ALICE), body).await
    }

    /// Creates alice's context "test" (namespace "apps", repo "bitnami").
    pub async fn with_context(self) -> Self {
        let answer = self
            .alice(
                "POST",
                "/v1/context",
                Some(&serde_json::json!({
                    "name": "test",
                    "kubeinfo": {"kubeconfig": KUBECONFIG, "namespace": "apps"},
                    "repoinfo": {"entrys": [{"name": "bitnami", "url": "https://charts.example.com/bitnami", "password": "SECRET-REPO-PW"}]},
                }).to_string()),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        self
    }
}

/// Asserts a grpc-gateway error body and status.
pub fn assert_error(answer: &Answer, status: u16, code: i64) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.text);
    assert_eq!(answer.body["code"], code, "{}", answer.text);
    assert!(answer.body["message"].is_string(), "{}", answer.text);
    assert_eq!(answer.body["details"], serde_json::json!([]), "{}", answer.text);
}

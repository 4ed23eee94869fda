//! The chart RPCs over `HelmBackend` and a real HTTP chart repository on loopback (an axum server
//! of the test's own): UpdateRepo, All, Search, GetChart, then installing `repo/chart` at a version
//! on the real cluster when `HELM_API_TEST_KUBECONFIG` is given.

use axum::routing::get;
use serde_json::json;
use sha2::{Digest, Sha256};
use tonic::Code;

use api_server::proto;

use crate::releases::{Http, TestNamespace, authed, chart, cluster, configmap_message, grpc_client, helm_app};
use crate::support::{KUBECONFIG, assert_error};

/// Serves `index.yaml` and the demo chart's 0.1.0 and 0.2.0 archives; the repository's URL.
async fn serve_repository() -> String {
    let v1 = chart("0.1.0");
    let v2 = chart("0.2.0");
    let entry = |version: &str, data: &[u8]| {
        format!(
            "  - apiVersion: v2\n    name: demo\n    version: {version}\n    appVersion: \"1.{version}\"\n    description: A demo chart\n    keywords: [demo, configmap]\n    created: \"2026-12-01T00:00:00Z\"\n    digest: {:x}\n    urls:\n    - demo-{version}.tgz\n",
            Sha256::digest(data)
        )
    };
    let index = format!(
        "apiVersion: v1\nentries:\n  demo:\n{}{}generated: \"2026-12-01T00:00:00Z\"\n",
        entry("0.2.0", &v2),
        entry("0.1.0", &v1)
    );
    let router = axum::Router::new()
        .route("/index.yaml", get(move || async move { index }))
        .route("/demo-0.1.0.tgz", get(move || async move { v1 }))
        .route("/demo-0.2.0.tgz", get(move || async move { v2 }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    url
}

#[tokio::test]
async fn chart_rpcs_over_a_real_http_repository() {
    let url = serve_repository().await;
    let (router, _dir) = helm_app().await;
    let http = Http { router };
    let cluster = cluster("chart_rpcs_over_a_real_http_repository (install part)");
    let kubeconfig = match &cluster {
        Some((path, _)) => std::fs::read_to_string(path).unwrap(),
        None => KUBECONFIG.to_owned(),
    };
    let ns = match &cluster {
        Some((path, _)) => Some(TestNamespace::create(path, "charts").await),
        None => None,
    };
    let namespace = ns.as_ref().map_or("default".to_owned(), |n| n.name.clone());
    http.ok(
        "POST",
        "/v1/context",
        Some(json!({"name": "k", "kubeinfo": {"kubeconfig": kubeconfig, "namespace": namespace}})),
    )
    .await;

    // An unreachable repository is an error naming its URL, and the context keeps no such entry.
    let answer = http
        .call(
            "PUT",
            "/v1/k/repo",
            Some(json!({"repoinfo": {"entrys": [{"name": "gone", "url": "http://127.0.0.1:9/charts"}]}})),
        )
        .await;
    assert_error(&answer, 503, Code::Unavailable as i64);
    assert!(answer.body["message"].as_str().unwrap().contains("127.0.0.1:9"), "{}", answer.text);
    let contexts = http.ok("GET", "/v1/context", None).await;
    assert_eq!(contexts["contexts"][0]["repos"], serde_json::Value::Null, "{contexts}");

    http.ok("PUT", "/v1/k/repo", Some(json!({"repoinfo": {"entrys": [{"name": "local", "url": url}]}}))).await;

    let all = http.ok("GET", "/v1/k/chart", None).await;
    assert_eq!(all["charts"].as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all["charts"][0]["name"], "demo");
    assert_eq!(all["charts"][0]["repoName"], "local");
    assert_eq!(all["charts"][0]["chartVersion"], "0.2.0");
    let found = http.ok("GET", "/v1/k/search/configmap", None).await;
    assert_eq!(found["charts"][0]["name"], "demo", "{found}");
    let none = http.ok("GET", "/v1/k/search/mariadb", None).await;
    assert_eq!(none["charts"], serde_json::Value::Null, "{none}");
    let versions = http.ok("GET", "/v1/k/search/demo?versions=true", None).await;
    assert_eq!(versions["charts"].as_array().unwrap().len(), 2, "{versions}");
    let regexp = http.ok("GET", "/v1/k/search/d.m%5Bo%5D/true", None).await;
    assert_eq!(regexp["charts"][0]["name"], "demo", "{regexp}");
    let bad = http.call("GET", "/v1/k/search/(/true", None).await;
    assert_error(&bad, 400, Code::InvalidArgument as i64);

    let got = http.ok("GET", "/v1/k/chart/local/demo/0.1.0", None).await;
    assert_eq!(got["metadata"]["version"], "0.1.0");
    assert_eq!(got["values"], "message: default\nreplicas: 1\n");
    assert!(got["templates"].as_array().unwrap().iter().any(|t| t["name"] == "templates/configmap.yaml"), "{got}");
    let latest = http.ok("GET", "/v1/k/chart/local/demo", None).await;
    assert_eq!(latest["metadata"]["version"], "0.2.0");
    let missing = http.call("GET", "/v1/k/chart/local/nothing", None).await;
    assert_error(&missing, 404, Code::NotFound as i64);
    let missing = http.call("GET", "/v1/k/chart/other/demo", None).await;
    assert_error(&missing, 404, Code::NotFound as i64);

    // The same over gRPC.
    let mut client = grpc_client(http.router.clone()).await;
    let repoinfo =
        proto::RepoInfo { entrys: vec![proto::Entry { name: "local".into(), url: url.clone(), ..Default::default() }] };
    client
        .update_repo(authed(proto::UpdateRepoReq { context_name: "k".into(), repoinfo: Some(repoinfo) }))
        .await
        .unwrap();
    let found = client
        .search(authed(proto::SearchReq {
            context_name: "k".into(),
            keyword: "demo".into(),
            versions: true,
            version: "<0.2.0".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let versions: Vec<&str> = found.charts.iter().map(|c| c.chart_version.as_str()).collect();
    assert_eq!(versions, ["0.1.0"]);
    let all = client
        .all(authed(proto::ListChartReq { context_name: "k".into(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.charts.len(), 1);
    let got = client
        .get_chart(authed(proto::GetChartReq {
            context_name: "k".into(),
            repo: "local".into(),
            chart_name: "demo".into(),
            chart_version: "~0.1".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.metadata.unwrap().version, "0.1.0");
    let err = client
        .get_chart(authed(proto::GetChartReq {
            context_name: "k".into(),
            repo: "local".into(),
            chart_name: "demo".into(),
            chart_version: "9".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    let Some((path, _)) = &cluster else { return };
    let release = http
        .ok(
            "POST",
            "/v1/k/release",
            Some(json!({"releaseName": "web", "repoChartName": "local/demo", "chartVersion": "0.1.0"})),
        )
        .await;
    assert_eq!(release["chart"]["metadata"]["version"], "0.1.0");
    assert_eq!(configmap_message(path, &namespace, "web-config").await.as_deref(), Some("default"));
    let upgraded =
        http.ok("PUT", "/v1/k/release", Some(json!({"releaseName": "web", "repoChartName": "local/demo"}))).await;
    assert_eq!(upgraded["chart"]["metadata"]["version"], "0.2.0");
    let answer = http
        .call(
            "PUT",
            "/v1/k/release",
            Some(json!({"releaseName": "web", "repoChartName": "local/demo", "chartVersion": "9.9.9"})),
        )
        .await;
    assert_error(&answer, 404, Code::NotFound as i64);
    http.ok("DELETE", "/v1/k/release/web", Some(json!({}))).await;
}

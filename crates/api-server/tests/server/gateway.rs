//! The HTTP gateway: every route, both JSON spellings, unknown fields, query and path parameters, errors.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn create_context_accepts_both_spellings_and_ignores_unknown_fields() {
    let app = test_app().await;
    let body = json!({
        "name": "both",
        "kubeinfo": {"kubeconfig": KUBECONFIG, "namespace": "apps", "somethingNew": 1},
        "repoinfo": {"entrys": [
            {"name": "a", "url": "https://a.example.com", "insecure_skip_tls_verify": true, "certFile": "PEM"},
            {"name": "b", "url": "oci://registry.example.com/charts", "insecureSkipTlsVerify": true, "plainHttp": true},
        ]},
        "expiry": "3600",
        "unknownTopLevel": {"x": [1, 2]},
    });
    let answer = app.alice("POST", "/v1/context", Some(&body.to_string())).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body, json!({"name": "both"}));
    let list = app.alice("GET", "/v1/context", None).await;
    let ctx = &list.body["contexts"][0];
    assert_eq!(ctx["name"], "both");
    assert_eq!(ctx["namespace"], "apps");
    assert_eq!(ctx["owner"], "alice");
    assert!(canonical_timestamp(&ctx["expiresAt"]), "{}", list.text);
    assert_eq!(ctx["repos"][0], json!({"name": "a", "url": "https://a.example.com", "insecureSkipTlsVerify": true}));
    assert_eq!(
        ctx["repos"][1],
        json!({"name": "b", "url": "oci://registry.example.com/charts", "oci": true, "insecureSkipTlsVerify": true})
    );
}

#[tokio::test]
async fn create_context_generates_a_name_and_replaces_by_name() {
    let app = test_app().await.with_context().await;
    let generated =
        app.alice("POST", "/v1/context", Some(&json!({"kubeinfo": {"kubeconfig": KUBECONFIG}}).to_string())).await;
    assert_eq!(generated.status, 200);
    let name = generated.body["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("ctx-"), "{name}");
    let replaced = app
        .alice(
            "POST",
            "/v1/context",
            Some(&json!({"name": "test", "incluster": true, "kubeinfo": {"namespace": "ops"}}).to_string()),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.text);
    let list = app.alice("GET", "/v1/context", None).await;
    let names: Vec<_> =
        list.body["contexts"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, vec![name, "test".to_owned()]);
    let test = &list.body["contexts"][1];
    assert_eq!((test["incluster"].as_bool(), test["namespace"].as_str()), (Some(true), Some("ops")));
    assert!(test.get("repos").is_none(), "replaced, not merged: {}", list.text);
}

#[tokio::test]
async fn list_contexts_never_returns_credentials() {
    let app = test_app().await.with_context().await;
    let list = app.alice("GET", "/v1/context", None).await;
    assert_eq!(list.status, 200);
    assert!(!list.text.contains("SECRET"), "{}", list.text);
    assert!(!list.text.contains("kubeconfig"), "{}", list.text);
    assert_eq!(list.body["contexts"][0]["repos"][0]["hasCredentials"], true);
}

#[tokio::test]
async fn bad_contexts_are_refused_and_change_nothing() {
    let app = test_app().await.with_context().await;
    let cases = [
        json!({"name": "Bad_Name", "kubeinfo": {"kubeconfig": KUBECONFIG}}),
        json!({"name": "../etc", "kubeinfo": {"kubeconfig": KUBECONFIG}}),
        json!({"name": "context", "kubeinfo": {"kubeconfig": KUBECONFIG}}),
        json!({"name": "nokube"}),
        json!({"name": "both", "incluster": true, "kubeinfo": {"kubeconfig": KUBECONFIG}}),
        json!({"name": "neg", "kubeinfo": {"kubeconfig": KUBECONFIG}, "expiry": -1}),
        json!({"name": "badns", "kubeinfo": {"kubeconfig": KUBECONFIG, "namespace": "Not/A/Namespace"}}),
        json!({"name": "badrepo", "kubeinfo": {"kubeconfig": KUBECONFIG}, "repoinfo": {"entrys": [{"name": "a/b", "url": "https://x"}]}}),
        json!({"name": "badurl", "kubeinfo": {"kubeconfig": KUBECONFIG}, "repoinfo": {"entrys": [{"name": "a", "url": "file:///etc/passwd"}]}}),
        json!({"name": "dupe", "kubeinfo": {"kubeconfig": KUBECONFIG}, "repoinfo": {"entrys": [{"name": "a", "url": "https://x"}, {"name": "a", "url": "https://y"}]}}),
        json!({"name": "badkube", "kubeinfo": {"kubeconfig": "not a kubeconfig"}}),
        json!({"name": "test", "kubeinfo": {"kubeconfig": 42}}),
        json!({"name": "yaml", "kubeinfo": {"kubeconfig": "clusters: [unclosed"}}),
        json!({"name": "noctx", "kubeinfo": {"kubeconfig": KUBECONFIG, "context": "elsewhere"}}),
        json!({"name": "nocurrent", "kubeinfo": {"kubeconfig": "apiVersion: v1\nkind: Config\nclusters: []\n"}}),
    ];
    for case in cases {
        let answer = app.alice("POST", "/v1/context", Some(&case.to_string())).await;
        assert_error(&answer, 400, 3);
    }
    let leaky = json!({"name": "leak", "kubeinfo": {"kubeconfig": "users: SECRET-IN-BAD-YAML: [\n"}});
    let answer = app.alice("POST", "/v1/context", Some(&leaky.to_string())).await;
    assert_error(&answer, 400, 3);
    assert!(!answer.text.contains("SECRET"), "{}", answer.text);
    for body in ["{", "[]", "\"x\""] {
        assert_error(&app.alice("POST", "/v1/context", Some(body)).await, 400, 3);
    }
    let list = app.alice("GET", "/v1/context", None).await;
    assert_eq!(list.body["contexts"].as_array().unwrap().len(), 1, "{}", list.text);
    assert_eq!(list.body["contexts"][0]["namespace"], "apps");
}

#[tokio::test]
async fn delete_context() {
    let app = test_app().await.with_context().await;
    let answer = app.alice("DELETE", "/v1/context/test", None).await;
    assert_eq!((answer.status.as_u16(), answer.body.clone()), (200, json!({})));
    assert_error(&app.alice("DELETE", "/v1/context/test", None).await, 404, 5);
    assert_error(&app.alice("DELETE", "/v1/context/Bad_Name", None).await, 400, 3);
    assert_error(&app.alice("GET", "/v1/test/release/web", None).await, 404, 5);
}

#[tokio::test]
async fn update_repo_adds_and_replaces_by_name() {
    let app = test_app().await.with_context().await;
    let body = json!({"repoinfo": {"entrys": [
        {"name": "bitnami", "url": "https://new.example.com/bitnami"},
        {"name": "ghcr", "url": "oci://ghcr.io/charts", "oci": true},
    ]}});
    let answer = app.alice("PUT", "/v1/test/repo", Some(&body.to_string())).await;
    assert_eq!((answer.status.as_u16(), answer.body.clone()), (200, json!({})), "{}", answer.text);
    assert_eq!(app.backend.last().op, "update_repos");
    let list = app.alice("GET", "/v1/context", None).await;
    let repos = &list.body["contexts"][0]["repos"];
    assert_eq!(repos[0], json!({"name": "bitnami", "url": "https://new.example.com/bitnami"}));
    assert_eq!(repos[1]["oci"], true);
}

#[tokio::test]
async fn update_repo_with_an_unreachable_repository_changes_nothing() {
    let app = test_app().await.with_context().await;
    let body = json!({"repoinfo": {"entrys": [{"name": "bitnami", "url": "https://unreachable.invalid/x"}]}});
    let answer = app.alice("PUT", "/v1/test/repo", Some(&body.to_string())).await;
    assert_error(&answer, 503, 14);
    assert!(answer.body["message"].as_str().unwrap().contains("https://unreachable.invalid/x"));
    let list = app.alice("GET", "/v1/context", None).await;
    assert_eq!(list.body["contexts"][0]["repos"][0]["url"], "https://charts.example.com/bitnami");
    assert_error(&app.alice("PUT", "/v1/nope/repo", Some(&body.to_string())).await, 404, 5);
}

#[tokio::test]
async fn install_maps_body_both_spellings_and_answers_camel_case() {
    let app = test_app().await.with_context().await;
    let body = json!({
        "repoChartName": "bitnami/mariadb", "chartVersion": "1.0.0", "releaseName": "web",
        "values": "replicas: 2\n", "dry_run": true, "createNamespace": true, "wait": true,
        "timeout_seconds": 120, "atomic": true, "futureField": "ignored",
    });
    let answer = app.alice("POST", "/v1/test/release", Some(&body.to_string())).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let call = app.backend.last();
    assert_eq!(call.op, "install");
    assert_eq!(call.context.name, "test");
    let req = call.request;
    assert_eq!(req["contextName"], "test");
    assert_eq!(req["repoChartName"], "bitnami/mariadb");
    assert_eq!(
        (req["dryRun"].clone(), req["createNamespace"].clone(), req["atomic"].clone()),
        (json!(true), json!(true), json!(true))
    );
    assert_eq!(req["timeoutSeconds"], "120");
    // Canonical JSON out: lowerCamelCase names, int64 as strings, timestamps as RFC 3339.
    assert_eq!(answer.body["name"], "web");
    assert_eq!(answer.body["namespace"], "apps");
    assert_eq!(answer.body["version"], "1");
    assert_eq!(answer.body["info"]["lastDeployed"], "2023-11-14T22:13:20Z");
    assert_eq!(answer.body["chart"]["metadata"]["apiVersion"], "v2");
    assert_eq!(answer.body["chart"]["metadata"]["appVersion"], "11.4");
}

#[tokio::test]
async fn post_release_without_a_chart_lists() {
    let app = test_app().await.with_context().await;
    let answer = app.alice("POST", "/v1/test/release", Some(r#"{"namespace": "web"}"#)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(app.backend.last().op, "list_releases");
    assert_eq!(app.backend.last().request["namespace"], "web");
    assert_eq!(answer.body["releases"][0]["name"], "web");
    let empty = app.alice("POST", "/v1/test/release", None).await;
    assert_eq!(empty.status, 200);
    assert_eq!(app.backend.last().op, "list_releases");
}

#[tokio::test]
async fn get_release_list_with_filters() {
    let app = test_app().await.with_context().await;
    let answer = app
        .alice(
            "GET",
            "/v1/test/release?all_namespaces=true&status=deployed&status=failed&filter=%5Eweb&limit=10&offset=2&junk=1",
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let req = app.backend.last().request;
    assert_eq!(req["allNamespaces"], true);
    assert_eq!(req["status"], json!(["deployed", "failed"]));
    assert_eq!(
        (req["filter"].clone(), req["limit"].clone(), req["offset"].clone()),
        (json!("^web"), json!(10), json!(2))
    );
    assert_error(&app.alice("GET", "/v1/test/release?limit=ten", None).await, 400, 3);
    assert_error(&app.alice("GET", "/v1/test/release?limit=-1", None).await, 400, 3);
}

#[tokio::test]
async fn upgrade() {
    let app = test_app().await.with_context().await;
    let body = json!({"repoChartName": "bitnami/mariadb", "releaseName": "web", "history_max": 5, "reuseValues": true, "install": true});
    let answer = app.alice("PUT", "/v1/test/release", Some(&body.to_string())).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["version"], "2");
    let call = app.backend.last();
    assert_eq!(call.op, "upgrade");
    assert_eq!((call.request["historyMax"].clone(), call.request["reuseValues"].clone()), (json!(5), json!(true)));
    let both =
        json!({"repoChartName": "bitnami/mariadb", "releaseName": "web", "reset_values": true, "reuse_values": true});
    assert_error(&app.alice("PUT", "/v1/test/release", Some(&both.to_string())).await, 400, 3);
}

#[tokio::test]
async fn release_reads_answer_get_and_post() {
    let app = test_app().await.with_context().await;
    let cases = [
        ("GET", "/v1/test/release/web", "get_release"),
        ("GET", "/v1/test/release/web/values", "get_release_values"),
        ("POST", "/v1/test/release/web/values", "get_release_values"),
        ("GET", "/v1/test/release/web/history", "get_release_history"),
        ("POST", "/v1/test/release/web/history", "get_release_history"),
        ("GET", "/v1/test/release/web/status", "get_release_status"),
        ("GET", "/v1/test/release/web/manifest", "get_release_manifest"),
    ];
    for (method, uri, op) in cases {
        let answer = app.alice(method, uri, None).await;
        assert_eq!(answer.status, 200, "{method} {uri}: {}", answer.text);
        let call = app.backend.last();
        assert_eq!(call.op, op, "{method} {uri}");
        assert_eq!(call.request["releaseName"], "web");
        assert_eq!(call.request["contextName"], "test");
    }
    let values =
        app.alice("POST", "/v1/test/release/web/values", Some(r#"{"all_values": true, "namespace": "other"}"#)).await;
    assert_eq!(values.body, json!({"yaml": "replicas: 2\n"}));
    assert_eq!(app.backend.last().request["allValues"], true);
    assert_eq!(app.backend.last().request["namespace"], "other");
    let revision = app.alice("GET", "/v1/test/release/web?revision=2&namespace=ns1", None).await;
    assert_eq!(revision.status, 200);
    assert_eq!(app.backend.last().request["revision"], 2);
    assert_eq!(app.backend.last().request["namespace"], "ns1");
    let history = app.alice("GET", "/v1/test/release/web/history", None).await;
    assert_eq!(history.body["releases"].as_array().unwrap().len(), 2);
    let manifest = app.alice("GET", "/v1/test/release/web/manifest", None).await;
    assert_eq!(manifest.body, json!({"manifest": "---\nkind: ConfigMap\n"}));
    let status = app.alice("GET", "/v1/test/release/web/status", None).await;
    assert_eq!(status.body, json!({"name": "web", "version": "1"}));
}

#[tokio::test]
async fn uninstall_and_rollback() {
    let app = test_app().await.with_context().await;
    let answer = app.alice("DELETE", "/v1/test/release/web", Some(r#"{"keep_history": true}"#)).await;
    assert_eq!((answer.status.as_u16(), answer.body.clone()), (200, json!({})), "{}", answer.text);
    assert_eq!(app.backend.last().op, "uninstall");
    assert_eq!(app.backend.last().request["keepHistory"], true);
    let answer = app.alice("PUT", "/v1/test/release/web/rollback", Some(r#"{"reversion": 1, "wait": true}"#)).await;
    assert_eq!((answer.status.as_u16(), answer.body.clone()), (200, json!({})), "{}", answer.text);
    let call = app.backend.last();
    assert_eq!(
        (call.op, call.request["reversion"].clone(), call.request["wait"].clone()),
        ("rollback", json!(1), json!(true))
    );
    assert_error(&app.alice("PUT", "/v1/test/release/web/rollback", Some(r#"{"reversion": -1}"#)).await, 400, 3);
}

#[tokio::test]
async fn charts_and_search() {
    let app = test_app().await.with_context().await;
    let answer = app.alice("GET", "/v1/test/chart", None).await;
    assert_eq!((answer.status.as_u16(), app.backend.last().op), (200, "all_charts"));
    for (method, uri, version) in [
        ("GET", "/v1/test/chart/bitnami/mariadb", None),
        ("GET", "/v1/test/chart/bitnami/mariadb/1.2.3", Some("1.2.3")),
        ("POST", "/v1/test/chart/bitnami/mariadb/1.2.3", Some("1.2.3")),
    ] {
        let answer = app.alice(method, uri, None).await;
        assert_eq!(answer.status, 200, "{uri}: {}", answer.text);
        assert_eq!(answer.body["metadata"]["name"], "mariadb");
        let req = app.backend.last().request;
        assert_eq!(
            (req["repo"].as_str(), req["chartName"].as_str(), req["chartVersion"].as_str()),
            (Some("bitnami"), Some("mariadb"), version)
        );
    }
    let answer = app.alice("GET", "/v1/test/search/maria", None).await;
    assert_eq!(answer.body["charts"][0], json!({"name": "mariadb", "repoName": "bitnami", "chartVersion": "1.0.0"}));
    assert_eq!(app.backend.last().request, json!({"keyword": "maria", "contextName": "test"}));
    app.alice("GET", "/v1/test/search/ma.*db/true", None).await;
    assert_eq!(app.backend.last().request, json!({"keyword": "ma.*db", "regexp": true, "contextName": "test"}));
    assert_error(&app.alice("GET", "/v1/test/search/maria/perhaps", None).await, 400, 3);
}

#[tokio::test]
async fn streaming_routes_answer_ndjson() {
    let app = test_app().await.with_context().await;
    let cases = [
        (
            "POST",
            "/v1/test/release:stream",
            r#"{"repoChartName": "bitnami/mariadb", "releaseName": "web"}"#,
            "install",
            3,
        ),
        (
            "PUT",
            "/v1/test/release:stream",
            r#"{"repoChartName": "bitnami/mariadb", "releaseName": "web"}"#,
            "upgrade",
            2,
        ),
        ("PUT", "/v1/test/release/web/rollback:stream", "{}", "rollback", 2),
        ("DELETE", "/v1/test/release/web/uninstall:stream", "{}", "uninstall", 2),
    ];
    for (method, uri, body, op, lines) in cases {
        let answer = app.alice(method, uri, Some(body)).await;
        assert_eq!(answer.status, 200, "{uri}: {}", answer.text);
        assert_eq!(answer.headers["content-type"], "application/x-ndjson");
        assert_eq!(app.backend.last().op, op);
        let events: Vec<serde_json::Value> = answer.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(events.len(), lines, "{}", answer.text);
        assert!(events[0]["result"]["progress"]["phase"].is_string(), "{}", answer.text);
        assert_eq!(events[lines - 1]["result"]["release"]["name"], "web", "{}", answer.text);
    }
    let failing =
        app.alice("POST", "/v1/test/release:stream", Some(r#"{"repoChartName": "b/c", "releaseName": "busy"}"#)).await;
    let last: serde_json::Value = serde_json::from_str(failing.text.lines().last().unwrap()).unwrap();
    assert_eq!(last["error"]["code"], 9, "{}", failing.text);
    let invalid =
        app.alice("POST", "/v1/test/release:stream", Some(r#"{"repoChartName": "b/c", "releaseName": "Bad"}"#)).await;
    assert_error(&invalid, 400, 3);
}

/// Whether `text` is protobuf's canonical JSON timestamp: UTC with `Z`, 0, 3, 6 or 9 fraction digits.
fn canonical_timestamp(text: &serde_json::Value) -> bool {
    let Some(text) = text.as_str() else { return false };
    let Some(rest) = text.strip_suffix('Z') else { return false };
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    whole.len() == 19 && [0, 3, 6, 9].contains(&fraction.len()) && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[tokio::test]
async fn timestamps_are_utc_with_z() {
    let app = test_app().await.with_context().await;
    let list = app.alice("GET", "/v1/context", None).await;
    let ctx = &list.body["contexts"][0];
    assert!(canonical_timestamp(&ctx["createdAt"]), "{}", list.text);
    let release = app.alice("GET", "/v1/test/release/web", None).await;
    assert_eq!(release.status, 200, "{}", release.text);
    assert_eq!(release.body["info"]["lastDeployed"], "2023-11-14T22:13:20Z", "{}", release.text);
    let stream = app
        .alice("POST", "/v1/test/release:stream", Some(r#"{"repoChartName": "bitnami/mariadb", "releaseName": "web"}"#))
        .await;
    let event: serde_json::Value = serde_json::from_str(stream.text.lines().next().unwrap()).unwrap();
    let time = &event["result"]["progress"]["time"];
    assert!(canonical_timestamp(time), "{}", stream.text);
    assert!(!stream.text.contains("+00:00"), "{}", stream.text);
}

#[tokio::test]
async fn temporary_context_from_inline_kubeinfo() {
    let app = test_app().await;
    let body = json!({"kubeinfo": {"kubeconfig": KUBECONFIG, "namespace": "tmp"}});
    let answer = app.alice("POST", "/v1/_/release/web/values", Some(&body.to_string())).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let call = app.backend.last();
    assert!(call.context.temporary);
    assert_eq!(call.context.namespace(), "tmp");
    assert_eq!(call.context.kube.kubeconfig, KUBECONFIG);
    assert_error(&app.alice("POST", "/v1/_/release/web/values", Some("{}")).await, 400, 3);
    let list = app.alice("GET", "/v1/context", None).await;
    assert_eq!(list.body, json!({}), "temporary contexts are never stored");
}

#[tokio::test]
async fn backend_errors_map_to_codes_and_statuses() {
    let app = test_app().await.with_context().await;
    for (name, status, code) in
        [("missing", 404, 5), ("busy", 409, 9), ("slow", 504, 4), ("exists", 409, 6), ("crash", 500, 13)]
    {
        let answer = app.alice("GET", &format!("/v1/test/release/{name}"), None).await;
        assert_error(&answer, status, code);
        assert!(!answer.text.contains("SECRET"), "internal details are not answered: {}", answer.text);
    }
}

#[tokio::test]
async fn bad_input_is_invalid_argument() {
    let app = test_app().await.with_context().await;
    let before = app.backend.count();
    let cases = [
        ("GET", "/v1/test/release/Bad_Name", None),
        ("GET", "/v1/Bad_Name/release/web", None),
        ("POST", "/v1/test/release", Some(r#"{"repoChartName": "bitnami/mariadb", "releaseName": "x/../y"}"#)),
        ("POST", "/v1/test/release", Some(r#"{"repoChartName": "mariadb-without-repo", "releaseName": "web"}"#)),
        (
            "POST",
            "/v1/test/release",
            Some(r#"{"repoChartName": "bitnami/mariadb", "releaseName": "web", "namespace": "Bad NS"}"#),
        ),
        (
            "POST",
            "/v1/test/release",
            Some(r#"{"repoChartName": "bitnami/mariadb", "releaseName": "web", "timeoutSeconds": -5}"#),
        ),
        (
            "POST",
            "/v1/test/release",
            Some(r#"{"repoChartName": "bitnami/mariadb", "releaseName": "web", "dryRun": "yes"}"#),
        ),
        ("PUT", "/v1/test/release", Some("{not json")),
        ("GET", "/v1/test/release/web?revision=abc", None),
    ];
    for (method, uri, body) in cases {
        let answer = app.alice(method, uri, body).await;
        assert_eq!(answer.status, 400, "{method} {uri}: {}", answer.text);
        assert_eq!(answer.body["code"], 3);
    }
    assert_eq!(app.backend.count(), before, "no bad request reaches the backend");
}

#[tokio::test]
async fn unknown_context_is_not_found() {
    let app = test_app().await;
    assert_error(&app.alice("GET", "/v1/nope/release/web", None).await, 404, 5);
    assert_error(&app.alice("GET", "/v1/nope/release", None).await, 404, 5);
    assert_error(&app.alice("PUT", "/v1/nope/repo", Some("{}")).await, 404, 5);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = test_app_with(api_server::AppOptions { max_body_bytes: 1024, ..Default::default() }).await;
    let big = json!({"name": "big", "kubeinfo": {"kubeconfig": "x".repeat(4096)}}).to_string();
    let answer = app.alice("POST", "/v1/context", Some(&big)).await;
    assert_error(&answer, 413, 8);
    assert_eq!(app.alice("GET", "/v1/context", None).await.body, json!({}));
}

#[tokio::test]
async fn slow_requests_are_deadline_exceeded() {
    let options =
        api_server::AppOptions { request_timeout: std::time::Duration::from_millis(200), ..Default::default() };
    let app = test_app_with(options).await.with_context().await;
    assert_error(&app.alice("GET", "/v1/test/release/sleepy", None).await, 504, 4);
    assert_eq!(app.alice("GET", "/v1/test/release/web", None).await.status, 200);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let app = test_app().await;
    assert_error(&app.alice("GET", "/v2/nothing", None).await, 404, 5);
    assert_eq!(app.alice("PATCH", "/v1/context", None).await.status, 405);
    assert_eq!(app.call("GET", "/healthz", None, None).await.status, 200);
    assert_eq!(app.call("GET", "/readyz", None, None).await.status, 200);
}

#[tokio::test]
async fn unimplemented_backend_answers_501() {
    let dir = tempfile::tempdir().unwrap();
    let cipher = api_server::Cipher::from_hex(&api_server::Cipher::generate_hex_key()).unwrap();
    let store = api_server::EmbeddedStore::open(&dir.path().join("c.redb"), cipher).unwrap();
    let contexts = api_server::Contexts::new(std::sync::Arc::new(store));
    let router =
        api_server::app(contexts, std::sync::Arc::new(api_server::UnimplementedBackend), tokens(), Default::default())
            .await
            .unwrap();
    let app = TestApp {
        router,
        backend: Default::default(),
        contexts: api_server::Contexts::new(std::sync::Arc::new(
            api_server::EmbeddedStore::open(
                &dir.path().join("unused.redb"),
                api_server::Cipher::from_hex(&"00".repeat(32)).unwrap(),
            )
            .unwrap(),
        )),
        dir,
    };
    let app = app.with_context().await;
    assert_error(&app.alice("GET", "/v1/test/release/web", None).await, 501, 12);
    assert_error(&app.alice("GET", "/v1/test/chart", None).await, 501, 12);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_outcome() {
    let app = test_app().await.with_context().await;
    app.alice("GET", "/v1/test/release/web", None).await;
    app.alice("GET", "/v1/test/release/missing", None).await;
    let metrics = app.call("GET", "/metrics", None, None).await;
    assert_eq!(metrics.status, 200);
    let text = metrics.text;
    assert!(text.contains(r#"helm_api_requests_total{protocol="http",method="GET /v1/{contextName}/release/{releaseName}",code="Ok"} 1"#), "{text}");
    assert!(text.contains(r#"method="GET /v1/{contextName}/release/{releaseName}",code="NotFound"} 1"#), "{text}");
    assert!(text.contains(r#"method="POST /v1/context",code="Ok"} 1"#), "{text}");
}

/// Every route of docs/openapi.json (generated from the proto's HTTP annotations) is served.
#[tokio::test]
async fn every_documented_route_is_served() {
    let app = test_app().await.with_context().await;
    let openapi: serde_json::Value =
        serde_json::from_str(include_str!("../../../../docs/openapi.json")).expect("docs/openapi.json");
    let mut routes = 0;
    for (path, verbs) in openapi["paths"].as_object().unwrap() {
        let uri = path
            .replace("{contextName}", "test")
            .replace("{releaseName}", "web")
            .replace("{name}", "gone")
            .replace("{repo}", "bitnami")
            .replace("{chartName}", "mariadb")
            .replace("{chartVersion}", "1.0.0")
            .replace("{keyword}", "maria")
            .replace("{regexp}", "false");
        for verb in verbs.as_object().unwrap().keys() {
            let body = (verb != "get").then_some(r#"{"repoChartName": "bitnami/mariadb", "releaseName": "web"}"#);
            let answer = app.alice(&verb.to_uppercase(), &uri, body).await;
            // A served route answers success or the service's own error, never the router's 404 or 405.
            let served = answer.status != 405 && answer.body["message"] != "Not Found" && answer.body["code"].is_i64()
                || answer.status.is_success();
            assert!(served, "{verb} {path} -> {uri}: {} {}", answer.status, answer.text);
            routes += 1;
        }
    }
    assert_eq!(routes, 26, "every binding of the proto");
}

#[tokio::test]
async fn a_dropped_request_does_not_cancel_its_operation() {
    let app = test_app().await.with_context().await;
    let body = json!({"repoChartName": "bitnami/mariadb", "releaseName": "held"}).to_string();
    let gave_up =
        tokio::time::timeout(std::time::Duration::from_millis(50), app.alice("POST", "/v1/test/release", Some(&body)))
            .await;
    assert!(gave_up.is_err(), "the client went away first");
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(app.backend.last().op, "install_finished");
}

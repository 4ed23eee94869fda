//! Authentication and ownership over HTTP.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn missing_or_wrong_tokens_are_unauthenticated() {
    let app = test_app().await.with_context().await;
    for token in [None, Some("wrong-token-0123456789"), Some("")] {
        let answer = app.call("GET", "/v1/context", token, None).await;
        assert_error(&answer, 401, 16);
        assert_eq!(answer.headers["www-authenticate"], "Bearer");
    }
    let answer =
        app.call("POST", "/v1/context", None, Some(&json!({"name": "x", "incluster": true}).to_string())).await;
    assert_error(&answer, 401, 16);
    let list = app.alice("GET", "/v1/context", None).await;
    assert_eq!(list.body["contexts"].as_array().unwrap().len(), 1, "nothing created without a token");
}

#[tokio::test]
async fn basic_scheme_is_not_a_bearer_token() {
    let app = test_app().await;
    let request = axum::http::Request::builder()
        .uri("/v1/context")
        .header("authorization", format!("Basic {ALICE}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request).await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn contexts_belong_to_their_creator() {
    let app = test_app().await.with_context().await;
    // bob neither sees nor uses nor replaces nor deletes alice's context.
    let list = app.call("GET", "/v1/context", Some(BOB), None).await;
    assert_eq!(list.body, json!({}));
    assert_error(&app.call("GET", "/v1/test/release/web", Some(BOB), None).await, 403, 7);
    assert_error(&app.call("DELETE", "/v1/context/test", Some(BOB), None).await, 403, 7);
    let replace = json!({"name": "test", "incluster": true}).to_string();
    assert_error(&app.call("POST", "/v1/context", Some(BOB), Some(&replace)).await, 403, 7);
    assert_error(&app.call("PUT", "/v1/test/repo", Some(BOB), Some("{}")).await, 403, 7);
    // The admin sees and uses every context.
    let list = app.call("GET", "/v1/context", Some(ROOT), None).await;
    assert_eq!(list.body["contexts"][0]["owner"], "alice");
    assert_eq!(app.call("GET", "/v1/test/release/web", Some(ROOT), None).await.status, 200);
    // alice's context is unchanged.
    assert_eq!(app.alice("GET", "/v1/context", None).await.body["contexts"][0]["namespace"], "apps");
}

#[tokio::test]
async fn probes_need_no_token() {
    let app = test_app().await;
    assert_eq!(app.call("GET", "/healthz", None, None).await.text, "ok");
}

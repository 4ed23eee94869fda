//! gRPC in process over `tokio::io::duplex`: the same router serves gRPC, with authentication, streaming, health.

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tonic::Code;
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, Endpoint, Uri};

use api_server::proto;
use api_server::proto::helm_api_service_client::HelmApiServiceClient;

use crate::support::*;

/// A channel to the app over an in-memory duplex connection.
async fn channel(app: &TestApp) -> Channel {
    let (client_io, server_io) = tokio::io::duplex(1 << 20);
    let router = app.router.clone();
    tokio::spawn(async move {
        let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(server_io), TowerToHyperService::new(router))
            .await;
    });
    let mut client_io = Some(client_io);
    Endpoint::try_from("http://in-process")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let io = client_io.take();
            async move { io.map(TokioIo::new).ok_or_else(|| std::io::Error::other("one connection only")) }
        }))
        .await
        .unwrap()
}

fn authed<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert("authorization", MetadataValue::try_from(format!("Bearer {token}")).unwrap());
    request
}

#[tokio::test]
async fn contexts_and_releases_over_grpc() {
    let app = test_app().await;
    let mut client = HelmApiServiceClient::new(channel(&app).await);
    let created = client
        .create_context(authed(
            proto::HelmContextReq {
                name: "test".into(),
                kubeinfo: Some(proto::KubeInfo {
                    kubeconfig: KUBECONFIG.into(),
                    namespace: "apps".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ALICE,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.name, "test");
    let list = client.list_contexts(authed(proto::ListContextsReq {}, ALICE)).await.unwrap().into_inner();
    assert_eq!(list.contexts.len(), 1);
    assert_eq!(list.contexts[0].namespace, "apps");

    let release = client
        .install_release(authed(
            proto::InstallReq {
                context_name: "test".into(),
                repo_chart_name: "bitnami/mariadb".into(),
                release_name: "web".into(),
                ..Default::default()
            },
            ALICE,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((release.name.as_str(), release.namespace.as_str(), release.version), ("web", "apps", 1));

    let err = client
        .get_release(authed(
            proto::ReleaseReq { context_name: "test".into(), release_name: "missing".into(), ..Default::default() },
            ALICE,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let err = client
        .get_release(authed(
            proto::ReleaseReq { context_name: "test".into(), release_name: "Bad".into(), ..Default::default() },
            ALICE,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let err = client
        .get_release(authed(
            proto::ReleaseReq { context_name: "test".into(), release_name: "web".into(), ..Default::default() },
            BOB,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    client.delete_context(authed(proto::DeleteHelmContextReq { name: "test".into() }, ALICE)).await.unwrap();
    let err =
        client.delete_context(authed(proto::DeleteHelmContextReq { name: "test".into() }, ALICE)).await.unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let metrics = app.call("GET", "/metrics", None, None).await.text;
    assert!(
        metrics.contains(r#"helm_api_requests_total{protocol="grpc",method="InstallRelease",code="Ok"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn streaming_install_over_grpc() {
    let app = test_app().await.with_context().await;
    let mut client = HelmApiServiceClient::new(channel(&app).await);
    let mut stream = client
        .install_release_stream(authed(
            proto::InstallReq {
                context_name: "test".into(),
                repo_chart_name: "bitnami/mariadb".into(),
                release_name: "web".into(),
                ..Default::default()
            },
            ALICE,
        ))
        .await
        .unwrap()
        .into_inner();
    let mut events = Vec::new();
    while let Some(event) = stream.message().await.unwrap() {
        events.push(event.event.unwrap());
    }
    assert_eq!(events.len(), 3);
    assert!(matches!(&events[0], proto::release_event::Event::Progress(p) if p.phase == "render"));
    assert!(matches!(&events[2], proto::release_event::Event::Release(r) if r.name == "web"));

    let mut failing = client
        .uninstall_release_stream(authed(
            proto::ReleaseReq { context_name: "test".into(), release_name: "busy".into(), ..Default::default() },
            ALICE,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(failing.message().await.unwrap().is_some(), "progress first");
    assert_eq!(failing.message().await.unwrap_err().code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn grpc_needs_a_token() {
    let app = test_app().await;
    let mut client = HelmApiServiceClient::new(channel(&app).await);
    let err = client.list_contexts(proto::ListContextsReq {}).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let err = client.list_contexts(authed(proto::ListContextsReq {}, "not-a-token-at-all")).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn grpc_health_answers_without_a_token() {
    let app = test_app().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel(&app).await);
    let answer = health
        .check(tonic_health::pb::HealthCheckRequest { service: "helmapi.HelmApiService".into() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);
}

#[tokio::test]
async fn grpc_reflection_lists_the_service() {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let app = test_app().await;
    let mut client = ServerReflectionClient::new(channel(&app).await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut answers = client.server_reflection_info(tokio_stream::iter([request])).await.unwrap().into_inner();
    let answer = answers.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = answer.message_response else { panic!("{answer:?}") };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(names.contains(&"helmapi.HelmApiService".to_owned()), "{names:?}");
}

#[tokio::test]
async fn every_rpc_over_grpc() {
    let app = test_app().await.with_context().await;
    let mut c = HelmApiServiceClient::new(channel(&app).await);
    let rel = || proto::ReleaseReq { context_name: "test".into(), release_name: "web".into(), ..Default::default() };
    let repo = proto::RepoInfo {
        entrys: vec![proto::Entry {
            name: "more".into(),
            url: "https://more.example.com".into(),
            ..Default::default()
        }],
    };

    c.update_repo(authed(proto::UpdateRepoReq { context_name: "test".into(), repoinfo: Some(repo) }, ALICE))
        .await
        .unwrap();
    assert_eq!(app.backend.last().op, "update_repos");
    let install = proto::InstallReq {
        context_name: "test".into(),
        repo_chart_name: "bitnami/mariadb".into(),
        release_name: "web".into(),
        ..Default::default()
    };
    assert_eq!(c.install_release(authed(install, ALICE)).await.unwrap().into_inner().version, 1);
    let upgrade = proto::UpgradeReq {
        context_name: "test".into(),
        repo_chart_name: "bitnami/mariadb".into(),
        release_name: "web".into(),
        ..Default::default()
    };
    assert_eq!(c.upgrade_release(authed(upgrade.clone(), ALICE)).await.unwrap().into_inner().version, 2);
    let chart = proto::GetChartReq {
        context_name: "test".into(),
        repo: "bitnami".into(),
        chart_name: "mariadb".into(),
        ..Default::default()
    };
    assert_eq!(c.get_chart(authed(chart, ALICE)).await.unwrap().into_inner().metadata.unwrap().name, "mariadb");
    assert_eq!(c.get_release(authed(rel(), ALICE)).await.unwrap().into_inner().name, "web");
    assert_eq!(c.get_release_values(authed(rel(), ALICE)).await.unwrap().into_inner().yaml, "replicas: 2\n");
    let list = proto::ListReleaseReq { context_name: "test".into(), all_namespaces: true, ..Default::default() };
    assert_eq!(c.list_release(authed(list, ALICE)).await.unwrap().into_inner().releases.len(), 1);
    assert_eq!(app.backend.last().request["allNamespaces"], true);
    let rollback = proto::ReleaseRollbackReq {
        context_name: "test".into(),
        release_name: "web".into(),
        reversion: 1,
        ..Default::default()
    };
    c.rollback_release(authed(rollback.clone(), ALICE)).await.unwrap();
    assert_eq!(app.backend.last().op, "rollback");
    assert_eq!(c.get_release_history(authed(rel(), ALICE)).await.unwrap().into_inner().releases.len(), 2);
    let search = proto::SearchReq { context_name: "test".into(), keyword: "maria".into(), ..Default::default() };
    assert_eq!(c.search(authed(search, ALICE)).await.unwrap().into_inner().charts.len(), 1);
    c.all(authed(proto::ListChartReq { context_name: "test".into(), ..Default::default() }, ALICE)).await.unwrap();
    assert_eq!(app.backend.last().op, "all_charts");
    assert_eq!(c.get_release_status(authed(rel(), ALICE)).await.unwrap().into_inner().version, 1);
    assert!(c.get_release_manifest(authed(rel(), ALICE)).await.unwrap().into_inner().manifest.contains("ConfigMap"));
    c.uninstall_release(authed(rel(), ALICE)).await.unwrap();
    assert_eq!(app.backend.last().op, "uninstall");

    for stream in [
        c.upgrade_release_stream(authed(upgrade, ALICE)).await.unwrap().into_inner(),
        c.rollback_release_stream(authed(rollback, ALICE)).await.unwrap().into_inner(),
        c.uninstall_release_stream(authed(rel(), ALICE)).await.unwrap().into_inner(),
    ] {
        let mut stream = stream;
        let mut last = None;
        while let Some(event) = stream.message().await.unwrap() {
            last = event.event;
        }
        assert!(matches!(last, Some(proto::release_event::Event::Release(r)) if r.name == "web"));
    }

    // A temporary context from inline kubeinfo, never stored.
    let inline = proto::ReleaseReq {
        release_name: "web".into(),
        kubeinfo: Some(proto::KubeInfo {
            kubeconfig: KUBECONFIG.into(),
            namespace: "tmp".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(c.get_release(authed(inline, ALICE)).await.unwrap().into_inner().namespace, "tmp");
    assert!(app.backend.last().context.temporary);
    let err = c
        .get_release(authed(proto::ReleaseReq { release_name: "web".into(), ..Default::default() }, ALICE))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn grpc_and_http_share_a_real_port() {
    let app = test_app().await.with_context().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router.clone();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let channel = Endpoint::try_from(format!("http://{address}")).unwrap().connect().await.unwrap();
    let mut client = HelmApiServiceClient::new(channel);
    let list = client.list_contexts(authed(proto::ListContextsReq {}, ALICE)).await.unwrap().into_inner();
    assert_eq!(list.contexts[0].name, "test");
    // HTTP/1.1 on the same port.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    tcp.write_all(
        format!("GET /v1/context HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {ALICE}\r\nconnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""name":"test""#), "{answer}");
    server.abort();
}

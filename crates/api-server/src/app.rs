//! `app()`: one axum `Router` serving gRPC (the service, health, reflection) and the HTTP gateway, behind authentication.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceExt;

use crate::auth::{self, Tokens};
use crate::backend::Backend;
use crate::contexts::Contexts;
use crate::error::{Error, Result, http_error};
use crate::gateway;
use crate::metrics::Metrics;
use crate::operations::Operations;
use crate::proto::helm_api_service_server::HelmApiServiceServer;
use crate::service::ApiService;

/// Settings of the application router.
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// The largest request body or gRPC message accepted, in bytes.
    pub max_body_bytes: usize,
    /// The longest a request may take to answer (a stream: to its first byte); then DEADLINE_EXCEEDED.
    pub request_timeout: Duration,
    /// The running operations (the server waits for them at shutdown).
    pub operations: Operations,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            max_body_bytes: 8 * 1024 * 1024,
            request_timeout: Duration::from_secs(3600),
            operations: Operations::default(),
        }
    }
}

/// The application: gRPC and HTTP on one router. Requests need a bearer token
/// from `tokens`, except probes, gRPC health and reflection.
pub async fn app(contexts: Contexts, backend: Arc<dyn Backend>, tokens: Tokens, options: AppOptions) -> Result<Router> {
    let service = Arc::new(ApiService::new(contexts, backend, options.operations.clone()));
    let grpc = HelmApiServiceServer::from_arc(service.clone())
        .max_decoding_message_size(options.max_body_bytes)
        .max_encoding_message_size(usize::MAX);
    let (health_reporter, health) = tonic_health::server::health_reporter();
    // The server as a whole ("") starts SERVING; the service is serving as soon as it is routed.
    health_reporter.set_serving::<HelmApiServiceServer<ApiService>>().await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(gateway::decode::DESCRIPTOR_SET)
        .build_v1()
        .map_err(|e| Error::Internal(format!("reflection: {e}")))?;
    let reflection_alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(gateway::decode::DESCRIPTOR_SET)
        .build_v1alpha()
        .map_err(|e| Error::Internal(format!("reflection: {e}")))?;
    let grpc_router = tonic::service::Routes::new(grpc)
        .add_service(health)
        .add_service(reflection)
        .add_service(reflection_alpha)
        .into_axum_router();

    let metrics = Metrics::default();
    let scrape = metrics.clone();
    let grpc_metrics = metrics.clone();
    let router = gateway::router(service, options.max_body_bytes)
        .route_layer(axum::middleware::from_fn_with_state(metrics, crate::metrics::track_http))
        .route("/metrics", get(move || async move { scrape.render() }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(|| async { "ok" }))
        // gRPC requests go to tonic's router; any other unknown path is a 404 in grpc-gateway's shape.
        .fallback(move |request: Request| {
            let grpc_router = grpc_router.clone();
            let metrics = grpc_metrics.clone();
            async move {
                if auth::is_grpc(&request) {
                    let started = Instant::now();
                    let path = request.uri().path().to_owned();
                    let response = match grpc_router.oneshot(request).await {
                        Ok(response) => response,
                        Err(never) => match never {},
                    };
                    crate::metrics::record_grpc(&metrics, &path, &response, started);
                    response
                } else {
                    not_found()
                }
            }
        })
        .layer(axum::middleware::from_fn_with_state(options.request_timeout, time_limit))
        .layer(axum::middleware::from_fn_with_state(tokens, auth::authenticate));
    Ok(router)
}

/// Answers DEADLINE_EXCEEDED (gRPC status 4, HTTP 504) when a request takes longer than `limit`.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let grpc = auth::is_grpc(&request);
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let message = format!("the request took longer than {}s", limit.as_secs_f64());
            if grpc {
                tonic::Status::deadline_exceeded(message).into_http::<axum::body::Body>().into_response()
            } else {
                http_error(tonic::Code::DeadlineExceeded, &message)
            }
        }
    }
}

fn not_found() -> Response {
    http_error(tonic::Code::NotFound, "Not Found").into_response()
}

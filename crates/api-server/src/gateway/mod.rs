//! The HTTP gateway: grpc-gateway's mapping of the proto's `google.api.http` routes onto the gRPC service.
//!
//! Each handler decodes the request message from the body, query and path
//! (decode.rs), calls the same `ApiService` method the gRPC server calls, and
//! answers canonical JSON or grpc-gateway's `{code, message, details}` error.

pub mod decode;

use std::future::Future;
use std::sync::Arc;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_stream::StreamExt;
use tonic::Status;

use crate::auth::Principal;
use crate::error::{Error, http_error, status_body};
use crate::proto::helm_api_service_server::HelmApiService;
use crate::service::{ApiService, EventStream};

/// What the handlers share.
#[derive(Clone, Debug)]
pub struct Gateway {
    service: Arc<ApiService>,
    max_body_bytes: usize,
}

/// The path parameters of a route, in order.
type Params = Path<Vec<(String, String)>>;

/// Everything a handler receives.
struct Call {
    gateway: Gateway,
    principal: Principal,
    params: Vec<(String, String)>,
    query: Option<String>,
    body: Bytes,
}

/// The gateway routes (every one documented in docs/api.md).
pub fn router(service: Arc<ApiService>, max_body_bytes: usize) -> Router {
    let gateway = Gateway { service, max_body_bytes };
    Router::new()
        .route("/v1/context", post(create_context).get(list_contexts))
        .route("/v1/context/{name}", axum::routing::delete(delete_context))
        .route("/v1/{contextName}/repo", put(update_repo))
        .route("/v1/{contextName}/release", post(install_or_list).get(list_release).put(upgrade_release))
        .route("/v1/{contextName}/release:stream", post(install_release_stream).put(upgrade_release_stream))
        .route("/v1/{contextName}/release/{releaseName}", get(get_release).delete(uninstall_release))
        .route("/v1/{contextName}/release/{releaseName}/values", get(get_release_values).post(get_release_values))
        .route("/v1/{contextName}/release/{releaseName}/rollback", put(rollback_release))
        .route("/v1/{contextName}/release/{releaseName}/rollback:stream", put(rollback_release_stream))
        .route(
            "/v1/{contextName}/release/{releaseName}/uninstall:stream",
            axum::routing::delete(uninstall_release_stream),
        )
        .route("/v1/{contextName}/release/{releaseName}/history", get(get_release_history).post(get_release_history))
        .route("/v1/{contextName}/release/{releaseName}/status", get(get_release_status))
        .route("/v1/{contextName}/release/{releaseName}/manifest", get(get_release_manifest))
        .route("/v1/{contextName}/chart", get(all))
        .route("/v1/{contextName}/chart/{repo}/{chartName}", get(get_chart))
        .route("/v1/{contextName}/chart/{repo}/{chartName}/{chartVersion}", get(get_chart).post(get_chart))
        .route("/v1/{contextName}/search/{keyword}", get(search))
        .route("/v1/{contextName}/search/{keyword}/{regexp}", get(search))
        .with_state(gateway)
}

/// Generates a handler: extract, decode `$req` named `$full`, call `$method`, answer JSON.
macro_rules! unary {
    ($name:ident, $full:literal, $req:ty, $method:ident) => {
        async fn $name(
            State(gateway): State<Gateway>,
            Extension(principal): Extension<Principal>,
            Path(params): Params,
            RawQuery(query): RawQuery,
            body: Body,
        ) -> Response {
            let call = match Call::new(gateway, principal, params, query, body).await {
                Ok(call) => call,
                Err(err) => return err.into_response(),
            };
            call.unary::<$req, _, _, _>($full, |service, request| async move { service.$method(request).await }).await
        }
    };
}

/// Generates a streaming handler answering newline-delimited JSON.
macro_rules! streaming {
    ($name:ident, $full:literal, $req:ty, $method:ident) => {
        async fn $name(
            State(gateway): State<Gateway>,
            Extension(principal): Extension<Principal>,
            Path(params): Params,
            RawQuery(query): RawQuery,
            body: Body,
        ) -> Response {
            let call = match Call::new(gateway, principal, params, query, body).await {
                Ok(call) => call,
                Err(err) => return err.into_response(),
            };
            call.streaming::<$req, _, _>($full, |service, request| async move { service.$method(request).await }).await
        }
    };
}

async fn create_context(
    State(gateway): State<Gateway>,
    Extension(principal): Extension<Principal>,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    match Call::new(gateway, principal, Vec::new(), query, body).await {
        Ok(call) => {
            call.unary::<crate::proto::HelmContextReq, _, _, _>("helmapi.HelmContextReq", |s, r| async move {
                s.create_context(r).await
            })
            .await
        }
        Err(err) => err.into_response(),
    }
}

async fn list_contexts(
    State(gateway): State<Gateway>,
    Extension(principal): Extension<Principal>,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    match Call::new(gateway, principal, Vec::new(), query, body).await {
        Ok(call) => {
            call.unary::<crate::proto::ListContextsReq, _, _, _>("helmapi.ListContextsReq", |s, r| async move {
                s.list_contexts(r).await
            })
            .await
        }
        Err(err) => err.into_response(),
    }
}

unary!(delete_context, "helmapi.DeleteHelmContextReq", crate::proto::DeleteHelmContextReq, delete_context);
unary!(update_repo, "helmapi.UpdateRepoReq", crate::proto::UpdateRepoReq, update_repo);
unary!(install_release, "helmapi.InstallReq", crate::proto::InstallReq, install_release);
unary!(upgrade_release, "helmapi.UpgradeReq", crate::proto::UpgradeReq, upgrade_release);
unary!(uninstall_release, "helmapi.ReleaseReq", crate::proto::ReleaseReq, uninstall_release);
unary!(get_chart, "helmapi.GetChartReq", crate::proto::GetChartReq, get_chart);
unary!(get_release, "helmapi.ReleaseReq", crate::proto::ReleaseReq, get_release);
unary!(get_release_values, "helmapi.ReleaseReq", crate::proto::ReleaseReq, get_release_values);
unary!(list_release, "helmapi.ListReleaseReq", crate::proto::ListReleaseReq, list_release);
unary!(rollback_release, "helmapi.ReleaseRollbackReq", crate::proto::ReleaseRollbackReq, rollback_release);
unary!(get_release_history, "helmapi.ReleaseReq", crate::proto::ReleaseReq, get_release_history);
unary!(search, "helmapi.SearchReq", crate::proto::SearchReq, search);
unary!(all, "helmapi.ListChartReq", crate::proto::ListChartReq, all);
unary!(get_release_status, "helmapi.ReleaseReq", crate::proto::ReleaseReq, get_release_status);
unary!(get_release_manifest, "helmapi.ReleaseReq", crate::proto::ReleaseReq, get_release_manifest);
streaming!(install_release_stream, "helmapi.InstallReq", crate::proto::InstallReq, install_release_stream);
streaming!(upgrade_release_stream, "helmapi.UpgradeReq", crate::proto::UpgradeReq, upgrade_release_stream);
streaming!(
    rollback_release_stream,
    "helmapi.ReleaseRollbackReq",
    crate::proto::ReleaseRollbackReq,
    rollback_release_stream
);
streaming!(uninstall_release_stream, "helmapi.ReleaseReq", crate::proto::ReleaseReq, uninstall_release_stream);

/// `POST /v1/{contextName}/release`: the original's route of both InstallRelease and
/// ListRelease. A body naming a chart (`repoChartName`) installs; any other body lists.
async fn install_or_list(
    state: State<Gateway>,
    principal: Extension<Principal>,
    params: Params,
    query: RawQuery,
    body: Body,
) -> Response {
    let limit = state.max_body_bytes;
    let bytes = match read_body(body, limit).await {
        Ok(bytes) => bytes,
        Err(err) => return err.into_response(),
    };
    if decode::names_chart(&bytes) {
        install_release(state, principal, params, query, Body::from(bytes)).await
    } else {
        list_release(state, principal, params, query, Body::from(bytes)).await
    }
}

impl Call {
    async fn new(
        gateway: Gateway,
        principal: Principal,
        params: Vec<(String, String)>,
        query: Option<String>,
        body: Body,
    ) -> Result<Self, Error> {
        let body = read_body(body, gateway.max_body_bytes).await?;
        Ok(Self { gateway, principal, params, query, body })
    }

    fn request<Req: DeserializeOwned>(&self, full_name: &str) -> Result<tonic::Request<Req>, Error> {
        let message = decode::decode(full_name, &self.body, self.query.as_deref(), &self.params)?;
        let mut request = tonic::Request::new(message);
        request.extensions_mut().insert(self.principal.clone());
        Ok(request)
    }

    async fn unary<Req, Res, F, Fut>(self, full_name: &str, call: F) -> Response
    where
        Req: DeserializeOwned,
        Res: Serialize,
        F: FnOnce(Arc<ApiService>, tonic::Request<Req>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<Res>, Status>>,
    {
        let request = match self.request::<Req>(full_name) {
            Ok(request) => request,
            Err(err) => return err.into_response(),
        };
        match call(self.gateway.service.clone(), request).await {
            Ok(response) => Json(response.into_inner()).into_response(),
            Err(status) => http_error(status.code(), status.message()),
        }
    }

    async fn streaming<Req, F, Fut>(self, full_name: &str, call: F) -> Response
    where
        Req: DeserializeOwned,
        F: FnOnce(Arc<ApiService>, tonic::Request<Req>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<EventStream>, Status>>,
    {
        let request = match self.request::<Req>(full_name) {
            Ok(request) => request,
            Err(err) => return err.into_response(),
        };
        let events = match call(self.gateway.service.clone(), request).await {
            Ok(response) => response.into_inner(),
            Err(status) => return http_error(status.code(), status.message()),
        };
        // grpc-gateway's streaming form: one JSON object per line, `result` or `error`.
        let lines = events.map(|item| {
            let line = match item {
                Ok(event) => serde_json::json!({ "result": event }),
                Err(status) => serde_json::json!({ "error": status_body(status.code(), status.message()) }),
            };
            let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
            bytes.push(b'\n');
            Ok::<_, std::convert::Infallible>(Bytes::from(bytes))
        });
        let mut response = Body::from_stream(lines).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
        response
    }
}

/// Reads a request body up to `limit` bytes.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Error> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Error::TooLarge(format!("the request body is larger than {limit} bytes")))
}

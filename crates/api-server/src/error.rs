//! The api-server error type: one variant per gRPC code we answer, mapped to HTTP as grpc-gateway does.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tonic::Code;

/// Errors answered to clients. Messages never contain credentials.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed: a bad name, bad YAML, a missing field.
    #[error("{0}")]
    InvalidArgument(String),
    /// A context, release or chart does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The object already exists.
    #[error("{0}")]
    AlreadyExists(String),
    /// Another operation is in progress on the object.
    #[error("{0}")]
    FailedPrecondition(String),
    /// No or a wrong bearer token.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller may not use the object (a context of another principal).
    #[error("{0}")]
    PermissionDenied(String),
    /// The operation ran out of time.
    #[error("{0}")]
    DeadlineExceeded(String),
    /// The request body is larger than the server accepts.
    #[error("{0}")]
    TooLarge(String),
    /// The operation is not available in this build (helm-core not wired yet).
    #[error("{0}")]
    Unimplemented(String),
    /// A dependency (a cluster, a repository) cannot be reached.
    #[error("{0}")]
    Unavailable(String),
    /// A Helm operation failed (a hook, an object the cluster refused...); the message is Helm's.
    #[error("{0}")]
    Failed(String),
    /// Anything else; the detail is logged, the client sees a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The result type of api-server.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The gRPC code of the error.
    pub fn code(&self) -> Code {
        match self {
            Error::InvalidArgument(_) => Code::InvalidArgument,
            Error::NotFound(_) => Code::NotFound,
            Error::AlreadyExists(_) => Code::AlreadyExists,
            Error::FailedPrecondition(_) => Code::FailedPrecondition,
            Error::Unauthenticated(_) => Code::Unauthenticated,
            Error::PermissionDenied(_) => Code::PermissionDenied,
            Error::DeadlineExceeded(_) => Code::DeadlineExceeded,
            Error::TooLarge(_) => Code::ResourceExhausted,
            Error::Unimplemented(_) => Code::Unimplemented,
            Error::Unavailable(_) => Code::Unavailable,
            Error::Failed(_) => Code::Unknown,
            Error::Internal(_) => Code::Internal,
        }
    }

    /// The message shown to clients (internal details are only logged).
    fn public_message(&self) -> String {
        match self {
            Error::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "internal error".to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl From<Error> for tonic::Status {
    fn from(err: Error) -> Self {
        tonic::Status::new(err.code(), err.public_message())
    }
}

/// The HTTP status grpc-gateway uses for a gRPC code, except FAILED_PRECONDITION,
/// which is 409 here (an operation in progress) and a too-large body (413).
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
        Code::InvalidArgument | Code::OutOfRange => StatusCode::BAD_REQUEST,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted | Code::FailedPrecondition => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::PAYLOAD_TOO_LARGE,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The grpc-gateway error body `{code, message, details}` for a status.
pub fn status_body(code: Code, message: &str) -> serde_json::Value {
    serde_json::json!({"code": code as i32, "message": message, "details": []})
}

/// An HTTP error response in grpc-gateway's shape.
pub fn http_error(code: Code, message: &str) -> Response {
    let mut response = (http_status(code), Json(status_body(code, message))).into_response();
    if code == Code::Unauthenticated {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        http_error(self.code(), &self.public_message())
    }
}

//! Bearer-token authentication for gRPC and HTTP alike: tokens compared in constant time, the principal attached to the request.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result, http_error};

/// Who made a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The principal's name (the owner recorded on contexts).
    pub name: String,
    /// An admin may use every context.
    pub admin: bool,
}

/// The known tokens. Only SHA-256 digests are kept, so neither `Debug` nor a memory dump shows a token.
#[derive(Clone, Default)]
pub struct Tokens {
    entries: Arc<Vec<([u8; 32], Principal)>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tokens({} entries)", self.entries.len())
    }
}

impl Tokens {
    /// Tokens from `(token, principal)` pairs.
    pub fn new(entries: impl IntoIterator<Item = (String, Principal)>) -> Self {
        Self { entries: Arc::new(entries.into_iter().map(|(t, p)| (digest(&t), p)).collect()) }
    }

    /// Parses a tokens file: one `<principal> <token> [admin]` per line; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Self> {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (name, token, admin) = match fields.as_slice() {
                [name, token] => (*name, *token, false),
                [name, token, "admin"] => (*name, *token, true),
                _ => {
                    return Err(Error::InvalidArgument(format!(
                        "tokens file line {}: expected `<principal> <token> [admin]`",
                        n + 1
                    )));
                }
            };
            if token.len() < 16 {
                return Err(Error::InvalidArgument(format!(
                    "tokens file line {}: a token needs 16 characters or more",
                    n + 1
                )));
            }
            entries.push((token.to_owned(), Principal { name: name.to_owned(), admin }));
        }
        if entries.is_empty() {
            return Err(Error::InvalidArgument("the tokens file holds no token".to_owned()));
        }
        Ok(Self::new(entries))
    }

    /// Whether no token is configured.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The principal of a presented token. Every entry is compared, in constant time.
    pub fn authenticate(&self, presented: &str) -> Option<Principal> {
        let presented = digest(presented);
        let mut found = None;
        for (known, principal) in self.entries.iter() {
            if bool::from(known.ct_eq(&presented)) {
                found = Some(principal.clone());
            }
        }
        found
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Paths answered without a token: probes, metrics (no secrets in them), gRPC health and reflection (the schema is public).
fn is_public(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
        || path.starts_with("/grpc.health.v1.Health/")
        || path.starts_with("/grpc.reflection.v1.ServerReflection/")
        || path.starts_with("/grpc.reflection.v1alpha.ServerReflection/")
}

/// The axum middleware: checks `Authorization: Bearer <token>` and attaches the `Principal`.
/// gRPC callers get an UNAUTHENTICATED status, HTTP callers a 401 with grpc-gateway's body.
pub async fn authenticate(State(tokens): State<Tokens>, mut request: Request, next: Next) -> Response {
    if is_public(request.uri().path()) {
        return next.run(request).await;
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let principal = presented.and_then(|token| tokens.authenticate(token));
    match principal {
        Some(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        None => {
            let message = if presented.is_some() { "invalid bearer token" } else { "missing bearer token" };
            tracing::debug!(path = %request.uri().path(), "{message}");
            if is_grpc(&request) {
                tonic::Status::unauthenticated(message).into_http::<axum::body::Body>().into_response()
            } else {
                http_error(tonic::Code::Unauthenticated, message)
            }
        }
    }
}

/// Whether a request is gRPC (by its content type).
pub fn is_grpc(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/grpc"))
}

/// The principal attached by the middleware.
pub fn principal_of<T>(request: &tonic::Request<T>) -> Result<Principal> {
    request
        .extensions()
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| Error::Unauthenticated("missing bearer token".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_authenticate() {
        let tokens = Tokens::parse(
            "# team tokens\nalice aaaaaaaaaaaaaaaaaaaa\nroot rrrrrrrrrrrrrrrrrrrr admin # the operator\n\n",
        )
        .unwrap();
        assert_eq!(
            tokens.authenticate("aaaaaaaaaaaaaaaaaaaa").unwrap(),
            Principal { name: "alice".into(), admin: false }
        );
        assert!(tokens.authenticate("rrrrrrrrrrrrrrrrrrrr").unwrap().admin);
        assert!(tokens.authenticate("aaaaaaaaaaaaaaaaaaab").is_none());
        assert!(tokens.authenticate("").is_none());
        assert!(!format!("{tokens:?}").contains("aaaa"));
    }

    #[test]
    fn bad_files() {
        assert!(Tokens::parse("").is_err());
        assert!(Tokens::parse("alice short").is_err());
        assert!(Tokens::parse("alice aaaaaaaaaaaaaaaaaaaa root").is_err());
        assert!(Tokens::parse("onlyonefield").is_err());
    }
}

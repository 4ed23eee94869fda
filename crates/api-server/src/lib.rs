//! The helm-api gRPC service and HTTP gateway over helm-core: contexts store, authentication, the server.
//!
//! `app()` builds one axum `Router` that answers gRPC (`helmapi.HelmApiService`,
//! health, reflection) and the grpc-gateway HTTP mapping of the same proto;
//! `server` binds it. Helm operations go through the `Backend` trait.

pub mod app;
pub mod auth;
pub mod backend;
pub mod contexts;
pub mod error;
pub mod gateway;
pub mod metrics;
pub mod operations;
pub mod server;
pub mod service;
pub mod tls;
pub mod wire_time;

/// The generated protobuf messages, tonic client and server and serde impls (`cargo xtask codegen`).
#[allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic, clippy::unwrap_used, rust_2018_idioms)]
#[rustfmt::skip]
#[path = "generated/helmapi.rs"]
pub mod proto;

pub use app::{AppOptions, app};
pub use auth::{Principal, Tokens};
pub use backend::{Backend, HelmBackend, HelmBackendOptions, ProgressSink, UnimplementedBackend};
pub use contexts::{Cipher, Context, ContextStore, Contexts, EmbeddedStore, KubeSecretStore};
pub use error::{Error, Result};
pub use service::ApiService;

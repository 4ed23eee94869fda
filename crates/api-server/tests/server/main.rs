//! api-server integration tests: the HTTP gateway and gRPC in process, contexts, authentication.

// Test helpers outside #[test] functions unwrap too: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod auth;
mod charts;
mod contexts;
mod contract;
mod gateway;
mod grpc;
mod kube_store;
mod releases;
mod support;
mod tls;

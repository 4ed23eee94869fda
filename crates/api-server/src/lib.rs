//! The helm-api gRPC service and HTTP gateway over helm-core.
//!
//! This crate is laid out now so the workspace shows its final shape; its
//! contents arrive with the issue that builds it.

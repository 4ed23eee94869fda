//! Applying rendered manifests to Kubernetes as Helm does: ordering, ownership, hooks, readiness.
//!
//! This crate is laid out now so the workspace shows its final shape; its
//! contents arrive with the issue that builds it.

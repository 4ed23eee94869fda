//! Helm 3 releases and their storage drivers (memory, Secret, ConfigMap, SQL).
//!
//! This crate is laid out now so the workspace shows its final shape; its
//! contents arrive with the issue that builds it.

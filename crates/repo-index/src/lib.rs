//! Helm chart repositories: index.yaml, semver constraints, HTTP repositories, OCI registries, search.
//!
//! This crate is laid out now so the workspace shows its final shape; its
//! contents arrive with the issue that builds it.

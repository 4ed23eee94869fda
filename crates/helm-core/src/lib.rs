//! Helm actions (install, upgrade, rollback, uninstall, list, history, template) over the helm-api crates.
//!
//! This crate is laid out now so the workspace shows its final shape; its
//! contents arrive with the issue that builds it.

//! `cargo xtask deps`: the dependency rules between layers (docs/architecture.md).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Result, bail};

use crate::output_of;

/// Crates that must never reach the pure layers: no IO runtimes, no clients, no servers.
const IO_CRATES: &[&str] = &["kube", "kube-client", "tokio", "reqwest", "hyper", "tonic", "axum", "prost"];

/// Crates that only api-server (and the server binary) may use.
const SERVER_CRATES: &[&str] = &["tonic", "prost", "axum"];

/// Checks every rule, listing each violation.
pub fn run(root: &Path) -> Result<()> {
    let mut violations = Vec::new();
    for pure in ["chart-model", "template-render"] {
        for dep in forbidden_in(root, pure, IO_CRATES)? {
            violations.push(format!("{pure} depends on {dep}"));
        }
    }
    for layer in ["repo-index", "release-storage", "kube-apply", "helm-core"] {
        for dep in forbidden_in(root, layer, SERVER_CRATES)? {
            violations.push(format!("{layer} depends on {dep} (only api-server may)"));
        }
    }
    if !violations.is_empty() {
        bail!("dependency rules broken:\n  {}", violations.join("\n  "));
    }
    eprintln!("xtask deps: dependency rules hold");
    Ok(())
}

/// The forbidden crates found in the normal and build dependency tree of `package`.
fn forbidden_in(root: &Path, package: &str, forbidden: &[&str]) -> Result<Vec<String>> {
    let tree = output_of(
        root,
        "cargo",
        &["tree", "--locked", "-p", package, "-e", "normal,build", "--prefix", "none", "--format", "{p}"],
    )?;
    let names: BTreeSet<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    Ok(forbidden.iter().filter(|f| names.contains(*f)).map(|f| (*f).to_owned()).collect())
}

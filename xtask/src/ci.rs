//! `cargo xtask ci`: every check CI makes, in the order that fails fastest.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::run_cmd;

/// Runs formatting, conventions, dependency rules, clippy and every test.
pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    disk_report(root);
    run_cmd(root, "cargo", &["fmt", "--all", "--check"])?;
    crate::tidy::run(root)?;
    crate::deps::run(root)?;
    crate::codegen::run(root, &["--check".to_owned()])?;
    run_cmd(root, "cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    // Integration tests get a cluster, the real helm and PostgreSQL (cargo xtask cluster / postgres); they are
    // stopped when `services` drops, also when the tests fail.
    crate::services_repo::install()?;
    let services = crate::services::CiServices::start(root)?;
    let tested = test_with(root, &services.env);
    // The server end to end (cargo xtask e2e) on the same services.
    let e2e = crate::e2e::run_ci(root, &services.env);
    drop(services);
    disk_report(root);
    tested?;
    e2e?;
    eprintln!("xtask ci: all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// Prints the free space where the build writes (a full disk shows up as linker crashes, not as a message).
fn disk_report(root: &Path) {
    let target = crate::e2e_server::cargo_target_dir(root);
    let folder = if target.is_dir() { target } else { root.to_path_buf() };
    let _ = Command::new("df").arg("-h").arg(&folder).current_dir(root).status();
}

/// `cargo test` over the workspace with the services' variables.
fn test_with(root: &Path, env: &[(String, String)]) -> Result<()> {
    let args = ["test", "--workspace", "--locked", "--no-fail-fast"];
    let names: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    eprintln!("$ {} cargo {}", names.join(" "), args.join(" "));
    let status = Command::new("cargo")
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(root)
        .status()
        .context("starting cargo test")?;
    if !status.success() {
        bail!("`cargo test` failed with {status}");
    }
    Ok(())
}

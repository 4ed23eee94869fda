//! `cargo xtask ci`: every check CI makes, in the order that fails fastest.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::run_cmd;

/// Runs formatting, conventions, dependency rules, clippy and every test.
pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    run_cmd(root, "cargo", &["fmt", "--all", "--check"])?;
    crate::tidy::run(root)?;
    crate::deps::run(root)?;
    run_cmd(root, "cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    run_cmd(root, "cargo", &["test", "--workspace", "--locked", "--no-fail-fast"])?;
    eprintln!("xtask ci: all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

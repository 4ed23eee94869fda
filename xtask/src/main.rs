//! Project automation: `cargo xtask ci`, `cargo xtask oracle [--update [FILTER]]`, `cargo xtask tidy`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod ci;
mod cluster;
mod codegen;
mod codegen_original;
mod deps;
mod e2e;
mod e2e_load;
mod e2e_proc;
mod e2e_repos;
mod e2e_server;
mod e2e_walkthrough;
mod oracle;
mod services;
mod services_repo;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    match args.first().map(String::as_str) {
        Some("bench") => bench::run(&root),
        Some("ci") => ci::run(&root),
        Some("cluster") => cluster::run(&root, &args[1..]),
        Some("codegen") => codegen::run(&root, &args[1..]),
        Some("oracle") => oracle::run(&root, &args[1..]),
        Some("postgres") => services::run_postgres(&root, &args[1..]),
        Some("tidy") => tidy::run(&root),
        Some("deps") => deps::run(&root),
        Some("e2e") => e2e::run(&root, &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 bench                     benchmarks next to real Helm doing the same work\n  \
                 ci                        every check CI makes (fmt, clippy, tests, dependency rules, tidy)\n  \
                 cluster build|up|down|env  a real control plane (etcd, kube-apiserver, KWOK) and helm on loopback\n  \
                 codegen [--check]         the Rust code, docs/api.md and docs/openapi.json from protos/\n  \
                 oracle [--update [FILTER]]  build the Helm oracle; with --update, regenerate the goldens\n  \
                 postgres up|down|env      a PostgreSQL server on loopback for the SQL driver's tests\n  \
                 tidy                      project conventions (a //! line atop every file)\n  \
                 deps                      the dependency rules of docs/architecture.md\n  \
                 e2e [--load] [--keep]     the server end to end (walkthrough over HTTP and gRPC, checked by helm)"
            );
            bail!("unknown or missing command")
        }
    }
}

/// The workspace root (the parent of this crate's folder).
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command in `dir`, echoing it, and fails when it fails.
fn run_cmd(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    eprintln!("$ {program} {}", args.join(" "));
    let status =
        Command::new(program).args(args).current_dir(dir).status().with_context(|| format!("starting {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed with {status}", args.join(" "));
    }
    Ok(())
}

/// Runs a command and returns its standard output.
fn output_of(dir: &Path, program: &str, args: &[&str]) -> Result<String> {
    let out =
        Command::new(program).args(args).current_dir(dir).output().with_context(|| format!("starting {program}"))?;
    if !out.status.success() {
        bail!("`{program} {}` failed with {}: {}", args.join(" "), out.status, String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

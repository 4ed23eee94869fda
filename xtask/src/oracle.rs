//! `cargo xtask oracle`: build the Helm oracle (tools/oracle) and regenerate the goldens.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::run_cmd;

/// `oracle` builds; `oracle --update [FILTER]` also regenerates every golden whose path contains FILTER.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let binary = build(root)?;
    match args.first().map(String::as_str) {
        None => {
            println!("{}", binary.display());
            Ok(())
        }
        Some("--update") => update(root, &binary, args.get(1).map(String::as_str).unwrap_or("")),
        Some(other) => bail!("unknown oracle option {other}"),
    }
}

/// Builds the oracle into target/oracle/oracle; Go's own caches make a rebuild take seconds.
pub fn build(root: &Path) -> Result<PathBuf> {
    let out = root.join("target/oracle/oracle");
    let dir = root.join("tools/oracle");
    let out_str = out.to_str().context("target path is not UTF-8")?;
    run_cmd(&dir, "go", &["build", "-o", out_str, "."])?;
    Ok(out)
}

fn update(root: &Path, binary: &Path, filter: &str) -> Result<()> {
    let mut suites = Vec::new();
    find_cases(&root.join("crates"), &mut suites)?;
    suites.sort();
    let mut done = 0;
    for cases in suites {
        let rel = cases.strip_prefix(root).unwrap_or(&cases).display().to_string();
        if !rel.contains(filter) {
            continue;
        }
        let dir = cases.parent().context("cases.json has a folder")?;
        let input = std::fs::File::open(&cases).with_context(|| format!("opening {rel}"))?;
        let output = Command::new(binary)
            .arg("batch")
            .arg(dir)
            .stdin(Stdio::from(input))
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("running the oracle on {rel}"))?;
        if !output.status.success() {
            bail!("the oracle failed on {rel}");
        }
        std::fs::write(dir.join("expected.json"), &output.stdout)?;
        eprintln!("oracle: {rel} -> expected.json");
        done += 1;
    }
    if done == 0 {
        bail!("no cases.json matched {filter:?}");
    }
    Ok(())
}

fn find_cases(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            find_cases(&path, out)?;
        } else if path.file_name().is_some_and(|n| n == "cases.json") {
            out.push(path);
        }
    }
    Ok(())
}

//! `cargo xtask tidy`: project conventions that rustfmt and clippy do not check.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// Checks that every Rust source file starts with a `//!` line saying what it is for.
pub fn run(root: &Path) -> Result<()> {
    let mut files = Vec::new();
    for top in ["crates", "bins", "xtask"] {
        collect_rust_files(&root.join(top), &mut files)?;
    }
    let mut bad = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)?;
        if !text.starts_with("//!") {
            bad.push(file.strip_prefix(root).unwrap_or(file).display().to_string());
        }
    }
    if !bad.is_empty() {
        bail!("these files do not start with a `//!` line saying what they are for:\n  {}", bad.join("\n  "));
    }
    eprintln!("xtask tidy: {} files follow the conventions", files.len());
    Ok(())
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if path.is_dir() {
            // Build output and generated fuzz corpora are not ours to tidy.
            if !matches!(name, "target" | "corpus" | "artifacts") {
                collect_rust_files(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

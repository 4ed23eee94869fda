//! `cargo xtask bench`: helm-api's benchmarks next to real Helm doing the same work in the same run.

use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::output_of;

/// Runs the load-and-coalesce benchmark and the oracle's `bench-load` on the same archive.
pub fn run(root: &Path) -> Result<()> {
    let ours = output_of(root, "cargo", &["bench", "--quiet", "-p", "chart-model", "--bench", "load_coalesce"])?;
    let ours: Value = serde_json::from_str(ours.lines().last().context("the benchmark printed nothing")?)?;
    let archive = ours["archive"].as_str().context("the benchmark names its archive")?;
    let oracle = crate::oracle::build(root)?;
    let iterations = ours["iterations"].to_string();
    let helm = output_of(root, oracle.to_str().context("oracle path")?, &["bench-load", archive, &iterations])?;
    let helm: Value = serde_json::from_str(helm.trim())?;
    let ms = |v: &Value| v["ns_per_iter"].as_f64().unwrap_or(f64::NAN) / 1e6;
    let mib = |v: &Value| v["max_rss_kib"].as_f64().unwrap_or(f64::NAN) / 1024.0;
    println!("load a packaged chart ({} bytes, 40 subcharts) and compute its values:", ours["archive_bytes"]);
    println!("  helm-api  {:8.2} ms/iter   peak RSS {:6.1} MiB", ms(&ours), mib(&ours));
    println!("  Helm      {:8.2} ms/iter   peak RSS {:6.1} MiB", ms(&helm), mib(&helm));
    println!("  helm-api is {:.1}x faster", ms(&helm) / ms(&ours));
    Ok(())
}

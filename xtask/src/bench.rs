//! `cargo xtask bench`: helm-api's benchmarks next to real Helm doing the same work in the same run:
//! loading and coalescing a packaged chart, executing a 2,000-line template, rendering every test chart,
//! `helmrs template` as a process.

use std::path::Path;
use std::process::{Command, Stdio};

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
    template(root, &oracle)?;
    // The oracle is built: the render benchmark runs it for Helm's side.
    render(root)
}

/// Executes template-render's 2,446-line template benchmark and Go's text/template on the same
/// template and data (the oracle's `bench-template`), alternating, and prints the medians.
fn template(root: &Path, oracle: &Path) -> Result<()> {
    const ROUNDS: usize = 7;
    let (mut ours, mut go) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let out = output_of(root, "cargo", &["bench", "--quiet", "-p", "template-render", "--bench", "render"])?;
        let line: Value = serde_json::from_str(out.lines().last().context("the template benchmark printed nothing")?)?;
        ours.push(line["ns_per_iter"].as_f64().context("the template benchmark gives ns_per_iter")?);
        let dir = root.join("target/bench/template");
        let cases = std::fs::File::open(dir.join("cases.json")).context("the template benchmark writes cases.json")?;
        let helm = Command::new(oracle)
            .arg("batch")
            .arg(&dir)
            .current_dir(root)
            .stdin(Stdio::from(cases))
            .stderr(Stdio::inherit())
            .output()
            .context("running the oracle's bench-template")?;
        anyhow::ensure!(helm.status.success(), "the oracle's bench-template failed: {}", helm.status);
        let helm: Value = serde_json::from_slice(&helm.stdout)?;
        go.push(helm[0]["ns_per_iter"].as_f64().context("the oracle gives ns_per_iter")?);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2] / 1e6
    };
    let (ours, go) = (median(&mut ours), median(&mut go));
    println!(
        "execute a 2,446-line template (loops, template calls, field access; medians of {ROUNDS} alternating runs):"
    );
    println!("  helm-api  {ours:8.3} ms/iter");
    println!("  Go        {go:8.3} ms/iter (text/template with Helm's function map)");
    println!("  helm-api is {:.1}x faster", go / ours);
    Ok(())
}

/// Renders every test chart (template-render's `render_chart` bench) next to Helm's
/// engine.Render in the same run, then `helmrs template` against `helm template` as processes.
fn render(root: &Path) -> Result<()> {
    output_of(root, "cargo", &["build", "--release", "--quiet", "-p", "helmrs"])?;
    let out = output_of(root, "cargo", &["bench", "--quiet", "-p", "template-render", "--bench", "render_chart"])?;
    let s: Value = serde_json::from_str(out.lines().last().context("the render benchmark printed nothing")?)?;
    let ms = |k: &str| s[k].as_f64().unwrap_or(f64::NAN) / 1e6;
    let mib = |k: &str| s[k].as_f64().unwrap_or(f64::NAN) / 1024.0;
    println!(
        "render all {} test charts (medians; charts failing on purpose skipped: {}):",
        s["charts_measured"], s["charts_skipped"]
    );
    println!(
        "  helm-api  render {:8.2} ms   load+render {:8.2} ms   peak RSS {:6.1} MiB",
        ms("all_charts_render_ns"),
        ms("all_charts_load_and_render_ns"),
        mib("peak_rss_kib")
    );
    println!(
        "  Helm      render {:8.2} ms   load+render {:8.2} ms   peak RSS {:6.1} MiB",
        ms("helm_all_charts_render_ns"),
        ms("helm_all_charts_load_and_render_ns"),
        mib("helm_peak_rss_kib")
    );
    let text = |k: &str| s[k].as_str().map_or_else(|| s[k].to_string(), str::to_owned);
    println!(
        "  helm-api is {}x faster (render), {}x (load+render)",
        text("render_speedup"),
        text("load_and_render_speedup")
    );
    if !s["process_chart"].is_null() {
        let us = |k: &str| s[k].as_f64().unwrap_or(f64::NAN) / 1e3;
        println!("`template` as a process on the largest chart (median of {} runs):", s["process_runs"]);
        println!(
            "  helmrs    {:8.2} ms   peak RSS {:6.1} MiB",
            us("helmrs_template_us"),
            mib("helmrs_template_max_rss_kib")
        );
        println!(
            "  helm      {:8.2} ms   peak RSS {:6.1} MiB",
            us("helm_template_us"),
            mib("helm_template_max_rss_kib")
        );
        println!("  helmrs is {}x faster", text("process_speedup"));
    } else {
        println!("(no helm binary: set HELM_BIN or HELM_API_TEST_HELM for the process comparison)");
    }
    Ok(())
}

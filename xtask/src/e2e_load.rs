//! `cargo xtask e2e --load`: a bounded load test of GetRelease and ListRelease with 1,000 releases stored.
//!
//! The real helm installs the example chart once; its release Secret is cloned (tests/e2e/clone_releases.py) into
//! 1,000 releases stored exactly as Helm 3 stores them, created with kubectl, and the real `helm list` must see
//! all of them. Then, against one context of the server: GetRelease and ListRelease over gRPC (ghz, through
//! reflection) and over HTTP (hey), a fixed number of requests each at a fixed concurrency. The report gives
//! throughput, p50/p99 latency and the server's peak resident memory (VmHWM from /proc); it is printed and
//! written to target/e2e/load-report.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::e2e_proc::{find, output};
use crate::e2e_repos::{Helm, Repos};
use crate::e2e_server::Server;

/// Releases stored.
const RELEASES: usize = 1000;
/// (label, RPC or path, requests, concurrency).
const GET_REQUESTS: usize = 2000;
const LIST_REQUESTS: usize = 40;
const CONCURRENCY: usize = 8;
const LIST_CONCURRENCY: usize = 2;

/// One measured series.
struct Figures {
    what: String,
    requests: usize,
    errors: usize,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// The server's CPU time per request (user + system).
    cpu_ms: f64,
    hwm_kib: u64,
}

/// Runs the load test; `ns` exists and is the context's namespace.
#[allow(clippy::too_many_arguments)]
pub fn run(
    root: &Path,
    dir: &Path,
    server: &Server,
    helm: &Helm,
    kubectl: &Path,
    flat: &Path,
    ns: &str,
    repos: &Repos,
) -> Result<()> {
    let (ghz, hey) = tools(root)?;
    let (hwm0, rss0) = server.memory_kib()?;

    // 1,000 releases, as the real helm stores them.
    let seeded = Instant::now();
    let pkg = repos.packages[0].display().to_string();
    helm.run(&["install", "seed", &pkg, "-n", ns])?;
    let kc = helm.kubeconfig.display().to_string();
    let secret = output(Command::new(kubectl).args([
        "get",
        "secret",
        "sh.helm.release.v1.seed.v1",
        "-n",
        ns,
        "-o",
        "json",
        "--kubeconfig",
        &kc,
    ]))?;
    let secret_file = dir.join("seed-secret.json");
    std::fs::write(&secret_file, secret)?;
    let list = output(
        Command::new("python3")
            .arg(root.join("tests/e2e/clone_releases.py"))
            .arg(&secret_file)
            .args([&RELEASES.to_string(), "load"]),
    )?;
    let list_file = dir.join("releases.json");
    std::fs::write(&list_file, list)?;
    output(Command::new(kubectl).args(["create", "-f", &list_file.display().to_string(), "--kubeconfig", &kc]))?;
    let listed = helm.json(&["list", "-n", ns, "--max", "5000", "-o", "json"])?;
    let count = listed.as_array().map_or(0, Vec::len);
    if count != RELEASES + 1 {
        bail!("helm list -n {ns}: {count} releases, want {}", RELEASES + 1);
    }
    eprintln!("e2e load: {} releases stored and listed by the real helm in {:.1?}", count, seeded.elapsed());

    // One context.
    let node = |script: &str, args: &[&str]| -> Result<String> {
        output(
            Command::new("node")
                .arg(root.join("examples/http").join(script))
                .args(args)
                .env("HELM_API_URL", server.http_url())
                .env("HELM_API_TOKEN", &server.token),
        )
    };
    node("createContext.mjs", &[&flat.display().to_string(), "", ns, "load"])?;
    let one = node("getrelease.mjs", &["load", "load-0042"])?;
    let one: Value = serde_json::from_str(&one)?;
    if one["info"]["status"] != "deployed" {
        bail!("GetRelease load-0042: {one}");
    }
    let all = node("listreleases.mjs", &["load"])?;
    let all: Value = serde_json::from_str(&all)?;
    let n = all["releases"].as_array().map_or(0, Vec::len);
    if n != RELEASES + 1 {
        bail!("ListRelease: {n} releases, want {}", RELEASES + 1);
    }
    let list_bytes = serde_json::to_string(&all)?.len();

    let mut figures = Vec::new();
    let addr = format!("127.0.0.1:{}", server.grpc_port);
    let meta = format!("{{\"authorization\":\"Bearer {}\"}}", server.token);
    let get = r#"{"contextName":"load","releaseName":"load-0042"}"#;
    // (label, RPC, request, requests, concurrency, connections): ghz multiplexes on one HTTP/2 connection unless told.
    let series: [(&str, &str, &str, usize, usize, usize); 3] = [
        ("GetRelease, 1 connection", "helmapi.HelmApiService.GetRelease", get, GET_REQUESTS, CONCURRENCY, 1),
        ("GetRelease, 8 connections", "helmapi.HelmApiService.GetRelease", get, GET_REQUESTS, CONCURRENCY, CONCURRENCY),
        (
            "ListRelease (1,001)",
            "helmapi.HelmApiService.ListRelease",
            r#"{"contextName":"load"}"#,
            LIST_REQUESTS,
            LIST_CONCURRENCY,
            1,
        ),
    ];
    for (label, call, data, n, c, connections) in series {
        let cpu = server.cpu_seconds()?;
        let out = output(Command::new(&ghz).args([
            "--insecure",
            "--call",
            call,
            "-d",
            data,
            "-m",
            &meta,
            "-n",
            &n.to_string(),
            "-c",
            &c.to_string(),
            "--connections",
            &connections.to_string(),
            "--max-recv-message-size",
            "256MiB",
            "--format",
            "json",
            &addr,
        ]))?;
        let report: Value = serde_json::from_str(&out).with_context(|| format!("ghz output: {out}"))?;
        let pct = |p: i64| -> f64 {
            report["latencyDistribution"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d["percentage"].as_i64() == Some(p))
                .and_then(|d| d["latency"].as_f64())
                .unwrap_or(f64::NAN)
                / 1e6
        };
        let ok = report["statusCodeDistribution"]["OK"].as_u64().unwrap_or(0) as usize;
        figures.push(Figures {
            what: format!("gRPC {label}"),
            requests: n,
            errors: n - ok.min(n),
            rps: report["rps"].as_f64().unwrap_or(f64::NAN),
            p50_ms: pct(50),
            p99_ms: pct(99),
            cpu_ms: (server.cpu_seconds()? - cpu) * 1000.0 / n as f64,
            hwm_kib: server.memory_kib()?.0,
        });
        eprintln!("e2e load: gRPC {label} done");
    }
    let base = server.http_url();
    let http_series: [(&str, String, usize, usize); 2] = [
        ("GetRelease", format!("{base}/v1/load/release/load-0042"), GET_REQUESTS, CONCURRENCY),
        ("ListRelease (1,001)", format!("{base}/v1/load/release"), LIST_REQUESTS, LIST_CONCURRENCY),
    ];
    for (label, url, n, c) in http_series {
        // Per-request CSV (response time in seconds, status code), percentiles computed here.
        let cpu = server.cpu_seconds()?;
        let started = Instant::now();
        let out = output(Command::new(&hey).args([
            "-n",
            &n.to_string(),
            "-c",
            &c.to_string(),
            "-t",
            "120",
            "-o",
            "csv",
            "-H",
            &format!("Authorization: Bearer {}", server.token),
            &url,
        ]))?;
        let elapsed = started.elapsed().as_secs_f64();
        let (mut times, ok) = parse_hey_csv(&out);
        times.sort_by(f64::total_cmp);
        if times.is_empty() {
            bail!("hey: no requests measured: {out}");
        }
        figures.push(Figures {
            what: format!("HTTP {label}"),
            requests: n,
            errors: n - ok.min(n),
            rps: times.len() as f64 / elapsed,
            p50_ms: percentile(&times, 50.0) * 1000.0,
            p99_ms: percentile(&times, 99.0) * 1000.0,
            cpu_ms: (server.cpu_seconds()? - cpu) * 1000.0 / n as f64,
            hwm_kib: server.memory_kib()?.0,
        });
        eprintln!("e2e load: HTTP {label} done");
    }
    let (hwm, rss) = server.memory_kib()?;

    let mut report = String::new();
    writeln!(
        report,
        "{RELEASES} releases (+1 seed) in one namespace, stored by the real helm's format; server {} build; ListRelease answers {:.1} MB of JSON.\n",
        if root.join("target/release/helm-api-server").is_file() && server_is_release(server) {
            "release"
        } else {
            "debug"
        },
        list_bytes as f64 / 1e6
    )?;
    writeln!(
        report,
        "| series | requests | concurrency | errors | req/s | p50 ms | p99 ms | server CPU ms/req | VmHWM after |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|---|---|---|")?;
    for f in &figures {
        let c = if f.what.contains("List") { LIST_CONCURRENCY } else { CONCURRENCY };
        writeln!(
            report,
            "| {} | {} | {c} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {} MiB |",
            f.what,
            f.requests,
            f.errors,
            f.rps,
            f.p50_ms,
            f.p99_ms,
            f.cpu_ms,
            f.hwm_kib / 1024
        )?;
    }
    writeln!(
        report,
        "\nServer memory: before {} MiB RSS ({} MiB peak); after {} MiB RSS, peak (VmHWM) {} MiB.",
        rss0 / 1024,
        hwm0 / 1024,
        rss / 1024,
        hwm / 1024
    )?;
    println!("{report}");
    std::fs::write(root.join("target/e2e/load-report.md"), &report)?;
    if figures.iter().any(|f| f.errors > 0) {
        bail!("the load test saw errors (see the table)");
    }
    let _ = helm.run(&["uninstall", "seed", "-n", ns]);
    Ok(())
}

fn server_is_release(server: &Server) -> bool {
    std::fs::read_link(format!("/proc/{}/exe", server.pid())).is_ok_and(|p| p.to_string_lossy().contains("release"))
}

/// The response times (seconds) and the number of 200 answers from hey's CSV
/// (`response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset`).
fn parse_hey_csv(out: &str) -> (Vec<f64>, usize) {
    let mut times = Vec::new();
    let mut ok = 0;
    for line in out.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if let (Some(t), Some(code)) = (fields.first(), fields.get(6)) {
            if let Ok(t) = t.trim().parse::<f64>() {
                times.push(t);
            }
            if code.trim() == "200" {
                ok += 1;
            }
        }
    }
    (times, ok)
}

/// The nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// ghz and hey, installed with `go install` from the Go module proxy into target/e2e/gobin when missing.
fn tools(root: &Path) -> Result<(PathBuf, PathBuf)> {
    let gobin = root.join("target/e2e/gobin");
    let mut found = Vec::new();
    for (name, module) in [("ghz", "github.com/bojand/ghz/cmd/ghz@v0.120.0"), ("hey", "github.com/rakyll/hey@v0.1.5")] {
        let bin = gobin.join(name);
        if !bin.is_file() {
            let go = find("go")
                .or_else(|| Some(PathBuf::from("/usr/local/go/bin/go")).filter(|p| p.is_file()))
                .context("the load test needs Go (to `go install` ghz and hey)")?;
            let status = Command::new(go).args(["install", module]).env("GOBIN", &gobin).status()?;
            if !status.success() {
                bail!("go install {module} failed");
            }
        }
        found.push(bin);
    }
    let hey = found.pop().context("hey")?;
    let ghz = found.pop().context("ghz")?;
    Ok((ghz, hey))
}

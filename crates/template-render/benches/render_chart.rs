//! Benchmark (issue 5): every test chart rendered in one process as `helm template` renders it,
//! next to Helm's engine.Render on the same charts in the same run (the oracle's `bench-render`,
//! when target/oracle/oracle exists; build it with `cargo xtask oracle`), with the peak memory
//! of both processes; then `helmrs template` and `helm template` as whole processes on the
//! largest chart.
//!
//! The charts: the 55 fixtures of bins/helmrs/tests/charts.rs (each with the values of its first
//! conformance case), the render goldens' fixtures, and a generated large chart (60 templates of
//! deployments, services and config maps built from shared helpers). Each line printed is one
//! chart (JSON): our render time (templates parsed and executed, values ready), the same with a
//! `ParseCache` (files parsed on the first render only, as the server renders; Helm has no such
//! cache, so `render_speedup` compares the renders that parse), and our time from disk (load,
//! dependencies, values, render), Helm's figures for the same work; every time is the median over
//! rounds of the mean per iteration. The last line sums them up.
//!
//! Rounds are long enough for a steady state: the oracle collects Go's garbage before each round,
//! outside its timing, so with short rounds (10 renders) most of Helm's collection was left out of
//! its figure while ours always includes freeing everything; rounds of 100 renders include it.
//!
//! Knobs: `BENCH_ITERATIONS` (per chart, default 500), `BENCH_ROUNDS` (5), `BENCH_CHART` (one chart
//! by name), `BENCH_NO_HELM`, `BENCH_RENDER_ONLY` (skips
//! the load-and-render and parse-cached figures, for profiling), `RENDER_THREADS`; `HELMRS_BIN` (default target/release/helmrs) and
//! `HELM_BIN` (default `$HELM_API_TEST_HELM`, else the cluster cache's helm v3.22.0) for the
//! whole-process comparison, `BENCH_PROCESS_RUNS`
//! (default 20) runs each.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::json;
use template_render::RenderOptions;

/// The allocator helm-api's binaries ship with (bins/helmrs, bins/helm-api-server), so the figures are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ITERATIONS: u32 = 500;
const ROUNDS: u32 = 5;

fn large_chart(dir: &Path) {
    let t = dir.join("templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: large\nversion: 1.0.0\nappVersion: \"3.1\"\n")
        .unwrap();
    let mut values = String::from(
        "image:\n  repository: example/app\n  tag: \"\"\nresources:\n  limits:\n    cpu: 500m\n    memory: 256Mi\nenv:\n",
    );
    for i in 0..20 {
        values.push_str(&format!("  VAR_{i}: value-{i}\n"));
    }
    values.push_str("services:\n");
    for i in 0..20 {
        values.push_str(&format!("  - name: svc{i}\n    port: {}\n    replicas: {}\n", 8000 + i, i % 4 + 1));
    }
    std::fs::write(dir.join("values.yaml"), values).unwrap();
    std::fs::write(
        t.join("_helpers.tpl"),
        r#"{{- define "large.name" -}}{{ .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "large.fullname" -}}{{ printf "%s-%s" .Release.Name (include "large.name" .) | trunc 63 | trimSuffix "-" }}{{- end }}
{{- define "large.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "large.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
"#,
    )
    .unwrap();
    for i in 0..20 {
        std::fs::write(
            t.join(format!("deployment-{i}.yaml")),
            format!(
                r#"{{{{- $svc := index .Values.services {i} }}}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ include "large.fullname" . }}}}-{{{{ $svc.name }}}}
  labels:
    {{{{- include "large.labels" . | nindent 4 }}}}
spec:
  replicas: {{{{ $svc.replicas }}}}
  template:
    metadata:
      labels:
        {{{{- include "large.labels" . | nindent 8 }}}}
    spec:
      containers:
        - name: {{{{ $svc.name }}}}
          image: "{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag | default .Chart.AppVersion }}}}"
          ports:
            - containerPort: {{{{ $svc.port }}}}
          env:
          {{{{- range $k, $v := .Values.env }}}}
            - name: {{{{ $k }}}}
              value: {{{{ $v | quote }}}}
          {{{{- end }}}}
          resources:
            {{{{- toYaml .Values.resources | nindent 12 }}}}
"#
            ),
        )
        .unwrap();
        std::fs::write(
            t.join(format!("service-{i}.yaml")),
            format!(
                "{{{{- $svc := index .Values.services {i} }}}}\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{{{ include \"large.fullname\" . }}}}-{{{{ $svc.name }}}}\n  labels:\n    {{{{- include \"large.labels\" . | nindent 4 }}}}\nspec:\n  ports:\n    - port: {{{{ $svc.port }}}}\n"
            ),
        )
        .unwrap();
        std::fs::write(
            t.join(format!("configmap-{i}.yaml")),
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  env: |\n    {{{{- toYaml .Values.env | nindent 4 }}}}\n  json: {{{{ toJson .Values.services | quote }}}}\n"),
        )
        .unwrap();
    }
}

fn iterations() -> u32 {
    std::env::var("BENCH_ITERATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(ITERATIONS)
}

fn rounds() -> u32 {
    std::env::var("BENCH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(ROUNDS).max(1)
}

fn median(mut v: Vec<u128>) -> u128 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// The median over rounds of the mean time of one call, in nanoseconds.
fn time<T>(mut f: impl FnMut() -> T) -> u128 {
    std::hint::black_box(f());
    let per = (iterations() / rounds()).max(1);
    let times = (0..rounds())
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per {
                std::hint::black_box(f());
            }
            start.elapsed().as_nanos() / u128::from(per)
        })
        .collect();
    median(times)
}

/// This process's peak resident memory (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// One chart to render: its name, folder and user values (YAML).
struct Bench {
    name: String,
    path: PathBuf,
    values: String,
}

/// Every test chart: the helmrs conformance fixtures (the values of each chart's first case),
/// the render goldens' fixtures and the large generated chart.
fn charts(root: &Path, large: &Path) -> Vec<Bench> {
    let mut out = Vec::new();
    let json_dir = root.join("../../bins/helmrs/tests/golden/charts/json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_dir.join("cases.json")).unwrap()).unwrap();
    for case in cases["cases"].as_array().unwrap() {
        let rel = case["chart"].as_str().unwrap();
        let name = rel.rsplit('/').next().unwrap().to_owned();
        if out.iter().any(|b: &Bench| b.name == name) {
            continue;
        }
        let path = std::fs::canonicalize(json_dir.join(rel)).unwrap();
        out.push(Bench { name, path, values: case["values"].as_str().unwrap_or("").to_owned() });
    }
    let fixtures = root.join("tests/golden/render/charts");
    for name in ["webapp", "umbrella", "operator"] {
        out.push(Bench { name: format!("render/{name}"), path: fixtures.join(name), values: String::new() });
    }
    out.push(Bench { name: "large".to_owned(), path: large.to_path_buf(), values: String::new() });
    out
}

/// Runs `bin template bench CHART` `runs` times (alternating with the other binary is the
/// caller's choice): the median wall time in microseconds and the largest peak RSS in KiB
/// (through /usr/bin/time when present).
fn process_runs(bin: &Path, chart: &Path, runs: u32) -> Option<(u128, u64)> {
    let time_bin = Path::new("/usr/bin/time");
    let mut walls = Vec::new();
    let mut rss = 0u64;
    for _ in 0..runs {
        let start = Instant::now();
        let out = if time_bin.exists() {
            Command::new(time_bin).args(["-f", "%M"]).arg(bin).args(["template", "bench"]).arg(chart).output().ok()?
        } else {
            Command::new(bin).args(["template", "bench"]).arg(chart).output().ok()?
        };
        walls.push(start.elapsed().as_micros());
        if !out.status.success() {
            return None;
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        rss = rss.max(stderr.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(0));
    }
    Some((median(walls), rss))
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("../../target");
    let bench_dir = target.join("bench/render");
    let large = bench_dir.join("large");
    let _ = std::fs::remove_dir_all(&large);
    large_chart(&large);
    let only = std::env::var("BENCH_CHART").unwrap_or_default();
    let charts: Vec<Bench> = charts(&root, &large).into_iter().filter(|b| only.is_empty() || b.name == only).collect();
    let cases: Vec<_> = charts
        .iter()
        .map(|b| {
            json!({"name": b.name, "chart": b.path.to_str().unwrap(), "values": b.values,
                   "iterations": iterations(), "rounds": rounds()})
        })
        .collect();
    std::fs::write(bench_dir.join("cases.json"), json!({"command": "bench-render", "cases": cases}).to_string())
        .unwrap();

    let oracle = target.join("oracle/oracle");
    let skip_helm = std::env::var_os("BENCH_NO_HELM").is_some();
    let helm: Option<serde_json::Value> = (oracle.exists() && !skip_helm).then(|| {
        let out = Command::new(&oracle)
            .args(["batch", "/"])
            .stdin(std::fs::File::open(bench_dir.join("cases.json")).unwrap())
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    });

    let threads = std::env::var("RENDER_THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(0);
    let options = RenderOptions { threads, ..RenderOptions::default() };
    // The same renders with parsed files kept between them, as the server renders charts.
    let cached = RenderOptions { parse_cache: Some(Default::default()), ..options.clone() };
    let (mut ours_render, mut helm_render, mut ours_whole, mut helm_whole) = (0u128, 0u128, 0u128, 0u128);
    let mut ours_cached = 0u128;
    let (mut measured, mut skipped) = (0usize, Vec::new());
    let mut helm_rss = 0u64;
    for (i, b) in charts.iter().enumerate() {
        let h = helm.as_ref().map(|h| h[i].clone()).unwrap_or_default();
        helm_rss = helm_rss.max(h["max_rss_kib"].as_u64().unwrap_or(0));
        let chart = chart_model::load::load(&b.path).unwrap();
        let user = chart_model::yaml::read_values(b.values.as_bytes()).unwrap();
        let mut processed = chart.clone();
        let prepared = chart_model::dependencies::process_dependencies(&mut processed, &user, &Default::default())
            .ok()
            .and_then(|_| chart_model::coalesce::render_values(&processed, &user, &Default::default()).ok());
        let rendered = prepared.as_ref().and_then(|v| template_render::render(&processed, &v.values, &options).ok());
        // Charts that fail to render (the conformance cases of errors) measure nothing, on both sides.
        let (Some(values), Some(rendered)) = (prepared, rendered) else {
            skipped.push(b.name.clone());
            continue;
        };
        if h.get("error").is_some() {
            skipped.push(b.name.clone());
            continue;
        }
        let bytes: usize = rendered.values().map(String::len).sum();
        let render_ns = time(|| template_render::render(&processed, &values.values, &options).unwrap());
        let profiling = std::env::var_os("BENCH_RENDER_ONLY").is_some();
        let cached_ns =
            if profiling { 0 } else { time(|| template_render::render(&processed, &values.values, &cached).unwrap()) };
        let whole_ns = if profiling {
            0
        } else {
            time(|| {
                let chart = chart_model::load::load(&b.path).unwrap();
                template_render::render_chart(&chart, &user, &options).unwrap()
            })
        };
        measured += 1;
        ours_render += render_ns;
        ours_cached += cached_ns;
        ours_whole += whole_ns;
        helm_render += u128::from(h["render_ns"].as_u64().unwrap_or(0));
        helm_whole += u128::from(h["load_and_render_ns"].as_u64().unwrap_or(0));
        let ratio = h["render_ns"].as_u64().map(|g| format!("{:.1}", g as f64 / render_ns as f64)).unwrap_or_default();
        println!(
            "{}",
            json!({
                "chart": b.name, "templates": rendered.len(), "output_bytes": bytes,
                "render_ns": render_ns as u64, "render_parse_cached_ns": cached_ns as u64,
                "load_and_render_ns": whole_ns as u64,
                "helm_render_ns": h["render_ns"], "helm_load_and_render_ns": h["load_and_render_ns"],
                "render_speedup": ratio,
            })
        );
    }
    let ours_rss = peak_rss_kib();

    // Whole processes on the largest chart.
    let runs = std::env::var("BENCH_PROCESS_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let helmrs_bin = std::env::var_os("HELMRS_BIN").map_or_else(|| target.join("release/helmrs"), PathBuf::from);
    let cached_helm = std::env::var_os("HELM_API_CLUSTER_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/helm-api/cluster")))
        .map(|c| c.join("helm-v3.22.0/bin/helm"))
        .filter(|p| p.exists());
    let helm_bin = std::env::var_os("HELM_BIN")
        .or_else(|| std::env::var_os("HELM_API_TEST_HELM"))
        .map(PathBuf::from)
        .or(cached_helm);
    let process = match (helmrs_bin.exists(), helm_bin) {
        (true, Some(helm_bin)) if runs > 0 && (only.is_empty() || only == "large") => {
            let ours = process_runs(&helmrs_bin, &large, runs);
            let theirs = process_runs(&helm_bin, &large, runs);
            json!({
                "process_chart": "large", "process_runs": runs,
                "helmrs_template_us": ours.map(|o| o.0 as u64), "helmrs_template_max_rss_kib": ours.map(|o| o.1),
                "helm_template_us": theirs.map(|o| o.0 as u64), "helm_template_max_rss_kib": theirs.map(|o| o.1),
                "process_speedup": ours.zip(theirs).map(|(o, t)| format!("{:.1}", t.0 as f64 / o.0 as f64)),
            })
        }
        _ => json!({"process_chart": null}),
    };

    let ratio = |helm: u128, ours: u128| (helm > 0).then(|| format!("{:.1}", helm as f64 / ours as f64));
    let mut summary = json!({
        "charts_measured": measured, "charts_skipped": skipped,
        "all_charts_render_ns": ours_render as u64, "helm_all_charts_render_ns": helm_render as u64,
        "render_speedup": ratio(helm_render, ours_render),
        "all_charts_render_parse_cached_ns": ours_cached as u64,
        "render_parse_cached_speedup": ratio(helm_render, ours_cached),
        "all_charts_load_and_render_ns": ours_whole as u64, "helm_all_charts_load_and_render_ns": helm_whole as u64,
        "load_and_render_speedup": ratio(helm_whole, ours_whole),
        "peak_rss_kib": ours_rss, "helm_peak_rss_kib": helm_rss,
    });
    if let (Some(s), Some(p)) = (summary.as_object_mut(), process.as_object()) {
        s.extend(p.clone());
    }
    println!("{summary}");
}

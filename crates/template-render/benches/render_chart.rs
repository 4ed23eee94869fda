//! Benchmark: whole charts rendered as `helm template` renders them, next to Helm's engine.Render
//! on the same charts (the oracle's `bench-render`, run in the same process tree when
//! target/oracle/oracle exists; build it with `cargo xtask oracle`).
//!
//! The charts are the render goldens' fixtures plus a generated large chart (60 templates of
//! deployments, services and config maps built from shared helpers). Each line printed is one
//! chart: our render time (templates parsed and executed, values ready), our time from disk
//! (load, dependencies, values, render), and Helm's two figures for the same work.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::json;
use template_render::RenderOptions;

const ITERATIONS: u32 = 50;

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

fn time<T>(mut f: impl FnMut() -> T) -> u128 {
    std::hint::black_box(f());
    let n = iterations();
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(f());
    }
    start.elapsed().as_nanos() / u128::from(n)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bench_dir = root.join("../../target/bench/render");
    let large = bench_dir.join("large");
    let _ = std::fs::remove_dir_all(&large);
    large_chart(&large);
    let fixtures = root.join("tests/golden/render/charts");
    let only = std::env::var("BENCH_CHART").unwrap_or_default();
    let charts: Vec<(&str, PathBuf)> = vec![
        ("webapp", fixtures.join("webapp")),
        ("umbrella", fixtures.join("umbrella")),
        ("operator", fixtures.join("operator")),
        ("large", large.clone()),
    ]
    .into_iter()
    .filter(|(name, _)| only.is_empty() || *name == only)
    .collect();
    let cases: Vec<_> = charts
        .iter()
        .map(|(name, path)| json!({"name": name, "chart": path.to_str().unwrap(), "values": "", "iterations": iterations()}))
        .collect();
    std::fs::write(bench_dir.join("cases.json"), json!({"command": "bench-render", "cases": cases}).to_string())
        .unwrap();

    let oracle = root.join("../../target/oracle/oracle");
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
    let (mut ours_total, mut helm_total) = (0u128, 0u128);
    for (i, (name, path)) in charts.iter().enumerate() {
        let chart = chart_model::load::load(path).unwrap();
        let user = chart_model::Map::new();
        let mut processed = chart.clone();
        chart_model::dependencies::process_dependencies(&mut processed, &user, &Default::default()).unwrap();
        let values = chart_model::coalesce::render_values(&processed, &user, &Default::default()).unwrap().values;
        let rendered = template_render::render(&processed, &values, &options).unwrap();
        let bytes: usize = rendered.values().map(String::len).sum();
        let render_ns = time(|| template_render::render(&processed, &values, &options).unwrap());
        let whole_ns = time(|| {
            let chart = chart_model::load::load(path).unwrap();
            template_render::render_chart(&chart, &user, &options).unwrap()
        });
        let h = helm.as_ref().map(|h| h[i].clone()).unwrap_or_default();
        let helm_render = h["render_ns"].as_u64().map(u128::from);
        ours_total += render_ns;
        helm_total += helm_render.unwrap_or(0);
        let ratio = helm_render.map(|g| format!("{:.1}", g as f64 / render_ns as f64)).unwrap_or_default();
        println!(
            "{}",
            json!({
                "chart": name, "templates": rendered.len(), "output_bytes": bytes,
                "render_ns": render_ns as u64, "load_and_render_ns": whole_ns as u64,
                "helm_render_ns": h["render_ns"], "helm_load_and_render_ns": h["load_and_render_ns"],
                "render_speedup": ratio,
            })
        );
    }
    if helm_total > 0 {
        println!(
            "{}",
            json!({"all_charts_render_ns": ours_total as u64, "helm_all_charts_render_ns": helm_total as u64,
                   "speedup": format!("{:.1}", helm_total as f64 / ours_total as f64)})
        );
    }
}

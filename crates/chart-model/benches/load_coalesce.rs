//! Benchmark: load a large packaged chart with many subcharts and compute its values, as an install does.
//!
//! `cargo xtask bench` runs this and the Helm oracle's `bench-load` on the same
//! archive and prints both figures. Run alone, it writes the archive under
//! `target/bench/` and prints one JSON line with its timing.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chart_model::coalesce::{RenderValuesOptions, render_values};
use chart_model::dependencies::{ProcessOptions, process_dependencies};
use chart_model::{Map, load, package};

/// The allocator helm-api's binaries ship with (bins/helmrs, bins/helm-api-server), so the figures are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SUBCHARTS: usize = 40;
const TEMPLATES_PER_CHART: usize = 25;
const ITERATIONS: u32 = 20;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    let source = root.join("umbrella");
    let _ = std::fs::remove_dir_all(&source);
    write_umbrella(&source);
    let pkg = package::package_dir(&source).expect("packaging the benchmark chart");
    let archive = root.join(&pkg.file_name);
    std::fs::write(&archive, &pkg.data).unwrap();

    let once = || {
        let mut chart = load::load(&archive).expect("loading the benchmark chart");
        let values = Map::new();
        process_dependencies(&mut chart, &values, &ProcessOptions::default()).unwrap();
        let rendered = render_values(&chart, &values, &RenderValuesOptions::default()).unwrap();
        assert!(rendered.values.len() > SUBCHARTS);
    };
    once();
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        once();
    }
    let ns = start.elapsed().as_nanos() / u128::from(ITERATIONS);
    println!(
        "{{\"archive\":{:?},\"archive_bytes\":{},\"iterations\":{ITERATIONS},\"ns_per_iter\":{ns},\"max_rss_kib\":{}}}",
        archive.display().to_string(),
        pkg.data.len(),
        max_rss_kib()
    );
}

/// The process's peak resident memory, from /proc (0 where there is none).
fn max_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// An umbrella chart: globals, per-subchart overrides, conditions and tags,
/// and SUBCHARTS subcharts with realistic values and templates.
fn write_umbrella(dir: &Path) {
    let mut chart_yaml =
        String::from("apiVersion: v2\nname: umbrella\nversion: 1.0.0\nappVersion: \"1.0\"\ndependencies:\n");
    let mut values = String::from(
        "global:\n  imageRegistry: registry.example.com\n  storageClass: fast\n  labels:\n    team: platform\n",
    );
    for i in 0..SUBCHARTS {
        let _ = write!(
            chart_yaml,
            "  - name: svc{i}\n    version: 0.{i}.0\n    condition: svc{i}.enabled\n    tags: [tier{}]\n",
            i % 4
        );
        let _ =
            write!(values, "svc{i}:\n  enabled: true\n  replicaCount: {}\n  image:\n    tag: v{i}.2.3\n", 1 + i % 3);
        write_subchart(&dir.join("charts").join(format!("svc{i}")), i);
    }
    values.push_str("tags:\n  tier0: true\n  tier1: true\n  tier2: true\n  tier3: true\n");
    write(dir, "Chart.yaml", &chart_yaml);
    write(dir, "values.yaml", &values);
    write(dir, "templates/NOTES.txt", "Umbrella {{ .Release.Name }} installed.\n");
}

fn write_subchart(dir: &Path, i: usize) {
    write(dir, "Chart.yaml", &format!("apiVersion: v2\nname: svc{i}\nversion: 0.{i}.0\nappVersion: \"{i}.0\"\n"));
    let mut values = format!(
        "replicaCount: 1\nimage:\n  repository: example/svc{i}\n  pullPolicy: IfNotPresent\n  tag: \"\"\n\
         service:\n  type: ClusterIP\n  port: 80\n  annotations: {{}}\n\
         resources:\n  limits:\n    cpu: 500m\n    memory: 512Mi\n  requests:\n    cpu: 100m\n    memory: 128Mi\n\
         global:\n  labels:\n    svc{i}: \"yes\"\n\
         env:\n"
    );
    for e in 0..60 {
        let _ = write!(values, "  - name: VAR_{e}\n    value: \"value {e} of svc{i}\"\n");
    }
    values.push_str("config:\n");
    for c in 0..60 {
        let _ = writeln!(values, "  key{c}: {}", c as f64 * 1.5);
    }
    write(dir, "values.yaml", &values);
    write(
        dir,
        "templates/_helpers.tpl",
        "{{- define \"svc.fullname\" -}}\n{{ .Release.Name }}-{{ .Chart.Name }}\n{{- end }}\n",
    );
    for t in 0..TEMPLATES_PER_CHART {
        let mut body = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ include \"svc.fullname\" . }}}}-{t}\n  labels:\n    {{{{- toYaml .Values.global.labels | nindent 4 }}}}\ndata:\n"
        );
        for k in 0..40 {
            let _ = writeln!(body, "  k{k}: {{{{ .Values.config.key{k} | quote }}}}");
        }
        write(dir, &format!("templates/configmap-{t}.yaml"), &body);
    }
    write(dir, "README.md", &"This chart is generated for benchmarking.\n".repeat(100));
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

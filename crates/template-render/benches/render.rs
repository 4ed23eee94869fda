//! Benchmark: execute a ~2,000-line template with loops, `template` calls and field access, as Go's
//! text/template does the same work in the oracle's `bench-template` command.
//!
//! Run alone, it writes the template and its data as an oracle batch file
//! (`target/bench/template/cases.json`) and prints one JSON line with its timing;
//! `target/oracle/oracle batch target/bench/template < target/bench/template/cases.json`
//! times Go on the same input.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use template_render::{FuncMap, MissingKey, TemplateSet, Value};

/// The allocator helm-api's binaries ship with (bins/helmrs, bins/helm-api-server), so the figures are theirs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BLOCKS: usize = 90;
const ITERATIONS: u32 = 200;
const PARSE_ITERATIONS: u32 = 20;

/// The helpers every block calls, as a chart's _helpers.tpl would define them.
const HELPERS: &str = r#"{{- define "name" -}}
{{ .Values.nameOverride | printf "%s-%s" .Chart.Name }}
{{- end -}}
{{- define "labels" -}}
app: {{ template "name" . }}
release: {{ .Release.Name }}
{{- range $k, $v := .Values.labels }}
{{ $k }}: {{ $v | printf "%q" }}
{{- end }}
{{- end -}}
{{- define "env" -}}
{{- range $k, $v := . }}
- name: {{ $k }}
  value: {{ printf "%v" $v | printf "%q" }}
{{- end }}
{{- end -}}
"#;

/// One resource of about 22 lines; the template repeats it with its index.
fn block(i: usize) -> String {
    format!(
        r#"---
# block {i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ template "name" . }}}}-{i}
  labels:
{{{{ template "labels" . }}}}
spec:
  replicas: {{{{ .Values.replicaCount }}}}
  template:
    spec:
      containers:
{{{{- range $c := .Values.containers }}}}
        - name: {{{{ $c.name }}}}
          image: "{{{{ $.Values.image.repository }}}}:{{{{ $.Values.image.tag }}}}"
          {{{{- if $c.ports }}}}
          ports:
          {{{{- range $c.ports }}}}
            - containerPort: {{{{ . }}}}
          {{{{- end }}}}
          {{{{- end }}}}
          {{{{- with $.Values.resources }}}}
          resources: {{{{ .limits.cpu }}}}/{{{{ .limits.memory }}}}
          {{{{- end }}}}
          env:{{{{ template "env" $.Values.env }}}}
{{{{- end }}}}
"#
    )
}

fn template_text() -> String {
    let mut text = String::from(HELPERS);
    for i in 0..BLOCKS {
        text.push_str(&block(i));
    }
    text
}

/// The data as typed JSON (tools/oracle/README.md), so that Go receives the same values.
fn data_json() -> serde_json::Value {
    let int = |n: i64| json!({ "float64": n.to_string() });
    let mut env = serde_json::Map::new();
    for i in 0..20 {
        env.insert(format!("VAR_{i:02}"), json!(format!("value-{i}")));
    }
    let mut labels = serde_json::Map::new();
    for i in 0..8 {
        labels.insert(format!("label{i}"), json!(format!("v{i}")));
    }
    let containers: Vec<serde_json::Value> = (0..3)
        .map(|c| json!({ "map": { "name": format!("c{c}"), "ports": [int(8080 + c), int(9090 + c)] } }))
        .collect();
    json!({ "map": {
        "Chart": { "map": { "Name": "bench" } },
        "Release": { "map": { "Name": "rel" } },
        "Values": { "map": {
            "nameOverride": "app",
            "replicaCount": int(3),
            "image": { "map": { "repository": "nginx", "tag": "1.25" } },
            "containers": containers,
            "resources": { "map": { "limits": { "map": { "cpu": "500m", "memory": "128Mi" } } } },
            "env": { "map": env },
            "labels": { "map": labels },
        } },
    } })
}

fn typed(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::String(s) => Value::string(s),
        serde_json::Value::Array(a) => Value::list(a.iter().map(typed).collect()),
        serde_json::Value::Object(o) => {
            let (tag, inner) = o.iter().next().unwrap();
            match tag.as_str() {
                "map" => Value::map(
                    inner.as_object().unwrap().iter().map(|(k, v)| (Arc::from(k.as_str()), typed(v))).collect(),
                ),
                "float64" => Value::Float64(inner.as_str().unwrap().parse().unwrap()),
                other => panic!("unexpected tag {other}"),
            }
        }
        other => panic!("unexpected {other}"),
    }
}

fn main() {
    let text = template_text();
    let data = data_json();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench/template");
    std::fs::create_dir_all(&dir).unwrap();
    let cases = json!({ "command": "bench-template", "cases": [
        { "name": "render", "template": text, "data": data, "missingkey": "zero", "iterations": ITERATIONS }
    ] });
    std::fs::write(dir.join("cases.json"), serde_json::to_string(&cases).unwrap()).unwrap();

    // Parsing is timed apart (Go's figure is execution only): the mean of a few parses.
    let parse_start = Instant::now();
    for _ in 0..PARSE_ITERATIONS {
        let mut set = TemplateSet::new(FuncMap::new());
        set.parse("t", &text, None).unwrap();
        std::hint::black_box(&set);
    }
    let parse_ns = parse_start.elapsed().as_nanos() / u128::from(PARSE_ITERATIONS);
    let mut set = TemplateSet::new(FuncMap::new());
    set.set_missing_key(MissingKey::Zero);
    set.parse("t", &text, None).unwrap();
    let value = typed(&data);

    let once = || set.execute("t", &value).unwrap();
    let size = once().len();
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        std::hint::black_box(once());
    }
    let ns = start.elapsed().as_nanos() / u128::from(ITERATIONS);
    let mut out = String::new();
    let _ = write!(
        out,
        "{{\"template_lines\":{},\"output_bytes\":{size},\"iterations\":{ITERATIONS},\"parse_ns\":{parse_ns},\"ns_per_iter\":{ns}}}",
        text.lines().count()
    );
    println!("{out}");
}

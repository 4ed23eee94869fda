//! Prometheus metrics: requests and their latency by method and outcome, in the text exposition format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0];

/// One (protocol, method, code) series.
#[derive(Clone, Debug, Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// A series key: protocol, method, code.
type Key = (String, String, String);

/// The server's metrics, shared by every request.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    series: Arc<Mutex<BTreeMap<Key, Series>>>,
}

impl Metrics {
    /// Records one request (and logs it: the route template and outcome only, never a body or header).
    pub fn record(&self, protocol: &str, method: &str, code: &str, seconds: f64) {
        tracing::info!(protocol, method, code, elapsed_ms = seconds * 1000.0, "request");
        let Ok(mut series) = self.series.lock() else { return };
        let entry = series.entry((protocol.to_owned(), method.to_owned(), code.to_owned())).or_default();
        entry.count += 1;
        entry.sum += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let series = self.series.lock().map(|s| s.clone()).unwrap_or_default();
        let mut out = String::new();
        out.push_str("# HELP helm_api_requests_total Requests answered, by protocol, method and gRPC code.\n");
        out.push_str("# TYPE helm_api_requests_total counter\n");
        for ((protocol, method, code), s) in &series {
            let _ = writeln!(out, "helm_api_requests_total{{{}}} {}", labels(protocol, method, code), s.count);
        }
        out.push_str(
            "# HELP helm_api_request_duration_seconds Time to answer a request (to the first byte of a stream).\n",
        );
        out.push_str("# TYPE helm_api_request_duration_seconds histogram\n");
        for ((protocol, method, code), s) in &series {
            let l = labels(protocol, method, code);
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(out, "helm_api_request_duration_seconds_bucket{{{l},le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "helm_api_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "helm_api_request_duration_seconds_sum{{{l}}} {}", s.sum);
            let _ = writeln!(out, "helm_api_request_duration_seconds_count{{{l}}} {}", s.count);
        }
        out
    }
}

fn labels(protocol: &str, method: &str, code: &str) -> String {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("protocol=\"{}\",method=\"{}\",code=\"{}\"", escape(protocol), escape(method), escape(code))
}

/// Middleware for the HTTP gateway routes (added as a route layer, so the route template is known).
pub async fn track_http(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let method = format!("{} {route}", request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let code = grpc_code_of_http(response.status().as_u16());
    metrics.record("http", &method, code, started.elapsed().as_secs_f64());
    response
}

/// Records a gRPC call by its method path; the code is the trailers-only status, or OK.
pub fn record_grpc(metrics: &Metrics, path: &str, response: &Response, started: Instant) {
    let method = path.rsplit('/').next().unwrap_or(path);
    let code = response
        .headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map(|c| format!("{:?}", tonic::Code::from_i32(c)))
        .unwrap_or_else(|| "Ok".to_owned());
    metrics.record("grpc", method, &code, started.elapsed().as_secs_f64());
}

/// The gRPC code name of an HTTP status of the gateway (the inverse of `error::http_status`).
fn grpc_code_of_http(status: u16) -> &'static str {
    match status {
        200..=299 => "Ok",
        400 => "InvalidArgument",
        401 => "Unauthenticated",
        403 => "PermissionDenied",
        404 => "NotFound",
        409 => "Conflict",
        413 => "ResourceExhausted",
        501 => "Unimplemented",
        503 => "Unavailable",
        504 => "DeadlineExceeded",
        _ => "Internal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let metrics = Metrics::default();
        metrics.record("grpc", "GetRelease", "Ok", 0.002);
        metrics.record("grpc", "GetRelease", "Ok", 0.3);
        let text = metrics.render();
        assert!(
            text.contains("helm_api_requests_total{protocol=\"grpc\",method=\"GetRelease\",code=\"Ok\"} 2"),
            "{text}"
        );
        assert!(text.contains("le=\"0.005\"} 1"), "{text}");
        assert!(text.contains("le=\"0.5\"} 2"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 2"), "{text}");
    }
}

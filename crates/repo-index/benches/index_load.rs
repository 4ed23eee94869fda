//! Index benchmark: a generated 25 MB / 20,000-version index loaded cold
//! (fast path and Helm-exact path), through the cache, and searched, each
//! phase in its own process for its peak memory, next to Helm doing the
//! same through the oracle's `bench-index` (when target/oracle/oracle exists).
//!
//! `cargo bench -p repo-index --bench index_load`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/support/generate.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use repo_index::index::{IndexCache, load_index, load_index_exact};

const CHARTS: usize = 400;
const VERSIONS: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/repo-index-bench");
    let file = dir.join("index.yaml");
    if let Some(phase) = args.iter().position(|a| a == "--phase").map(|i| args[i + 1].clone()) {
        run_phase(&phase, &file, &dir);
        return;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let yaml = generate::index_yaml(CHARTS, VERSIONS);
    std::fs::write(&file, &yaml).unwrap();
    let _ = std::fs::remove_dir_all(dir.join("cache"));
    println!("index: {} bytes, {} chart versions", yaml.len(), CHARTS * VERSIONS);
    drop(yaml);
    let me = std::env::current_exe().unwrap();
    for phase in
        ["cold", "exact", "cache-write", "cached", "open-file", "open-get", "open-full", "open-search", "search"]
    {
        let out = Command::new(&me).args(["--phase", phase]).output().unwrap();
        print!("{}", String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            println!("{phase} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let oracle = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/oracle/oracle");
    if oracle.exists() {
        let cases = format!(
            "{{\"command\": \"bench-index\", \"cases\": [{{\"name\": \"bench\", \"file\": {:?}, \"iterations\": 3, \"terms\": [\"database\"]}}]}}",
            file.display().to_string()
        );
        let mut child = Command::new(&oracle)
            .args(["batch", "/"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(cases.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let r = &v[0];
        println!(
            "helm (oracle): load {:.1} ms, search {:.1} ms ({} results), peak RSS {} MiB",
            r["load_ns"].as_f64().unwrap_or(0.0) / 1e6,
            r["search_ns"].as_f64().unwrap_or(0.0) / 1e6,
            r["results"],
            r["max_rss_kib"].as_i64().unwrap_or(0) / 1024
        );
    } else {
        println!("helm (oracle): skipped, build it with `cargo xtask oracle`");
    }
}

fn run_phase(phase: &str, file: &Path, dir: &Path) {
    let cache = IndexCache::new(dir.join("cache"));
    if let Some(what) = phase.strip_prefix("open-") {
        // What a `repo/chart` lookup or a search costs once the index file is cached and stamped
        // (the first open of the run stamps it; the timed one is a fresh process's view).
        cache.open_file(file).unwrap();
        let start = Instant::now();
        let opened = cache.open_file(file).unwrap();
        let (label, detail) = match what {
            "file" => ("cached open (names only)", format!("{} charts", opened.chart_names().count())),
            "get" => {
                let cv = opened.get("chart-0042", "^1").unwrap();
                ("cached open + get one chart", format!("chart-0042 {}", cv.metadata.version))
            }
            "search" => {
                let options = repo_index::SearchOptions { terms: vec!["database".into()], ..Default::default() };
                let n = repo_index::search_cached(&[("bench", &opened)], &options).unwrap().len();
                ("cached open + search \"database\"", format!("{n} results"))
            }
            _ => {
                ("cached open + full decode", format!("{} versions", opened.to_loaded().unwrap().index.version_count()))
            }
        };
        println!(
            "{label}: {:.1} ms ({detail}), peak RSS {} MiB",
            start.elapsed().as_secs_f64() * 1e3,
            peak_rss_kib() / 1024
        );
        return;
    }
    let data = std::fs::read(file).unwrap();
    let start = Instant::now();
    let (label, versions) = match phase {
        "cold" => ("cold load (fast path)", load_index(&data, "bench").unwrap().index.version_count()),
        "exact" => ("cold load (exact path)", load_index_exact(&data, "bench").unwrap().index.version_count()),
        "cache-write" => ("cold load + cache write", cache.load(&data, "bench").unwrap().index.version_count()),
        "cached" => {
            let t = Instant::now();
            let sha = repo_index::index::sha256_hex(&data);
            let sha_ms = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let bytes = std::fs::read(cache.path_for(&sha)).unwrap();
            let read_ms = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let n = repo_index::index::decode_cached(&bytes, &sha).unwrap().index.version_count();
            println!(
                "  cached parts: sha256 {sha_ms:.1} ms, read {read_ms:.1} ms ({} bytes), decode {:.1} ms",
                bytes.len(),
                t.elapsed().as_secs_f64() * 1e3
            );
            let start = Instant::now();
            let count = cache.load(&data, "bench").unwrap().index.version_count();
            assert_eq!(count, n);
            println!(
                "cached load (sha256 + decode): {:.1} ms ({count} versions), peak RSS {} MiB",
                start.elapsed().as_secs_f64() * 1e3,
                peak_rss_kib() / 1024
            );
            return;
        }
        _ => {
            let index = load_index(&data, "bench").unwrap().index;
            let start = Instant::now();
            let options = repo_index::SearchOptions { terms: vec!["database".into()], ..Default::default() };
            let n = repo_index::search_repositories(&[("bench", &index)], &options).unwrap().len();
            println!(
                "search \"database\": {:.1} ms ({n} results), peak RSS {} MiB",
                start.elapsed().as_secs_f64() * 1e3,
                peak_rss_kib() / 1024
            );
            return;
        }
    };
    println!(
        "{label}: {:.1} ms ({versions} versions), peak RSS {} MiB",
        start.elapsed().as_secs_f64() * 1e3,
        peak_rss_kib() / 1024
    );
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

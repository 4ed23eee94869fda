//! Conformance with Helm: index loading, version selection and search, against goldens from the oracle.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/gojson.rs"]
mod gojson;

use std::path::{Path, PathBuf};

use repo_index::index::{fast_path_accepts, load_index, load_index_exact};
use serde_json::Value;

fn golden(suite: &str) -> (PathBuf, Vec<Value>, Vec<Value>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(suite);
    let cases: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    (dir, cases["cases"].as_array().unwrap().clone(), expected.as_array().unwrap().clone())
}

fn index_bytes(dir: &Path, case: &Value) -> Vec<u8> {
    match case.get("yaml") {
        Some(Value::String(s)) => s.as_bytes().to_vec(),
        _ => std::fs::read(dir.join(case["file"].as_str().unwrap())).unwrap(),
    }
}

#[test]
fn index_load() {
    let (dir, cases, expected) = golden("index-load");
    let mut failures = Vec::new();
    for (case, want) in cases.iter().zip(&expected) {
        let name = case["name"].as_str().unwrap();
        let data = index_bytes(&dir, case);
        let fast = load_index(&data, "SOURCE");
        let exact = load_index_exact(&data, "SOURCE");
        let got = match &fast {
            Ok(l) => serde_json::json!({"index": gojson::normalize(&gojson::index(&l.index)), "warnings": l.warnings}),
            Err(e) => serde_json::json!({"error": e.to_string()}),
        };
        let want = match want.get("error") {
            Some(e) => serde_json::json!({"error": e}),
            None => serde_json::json!({"index": gojson::normalize(&want["index"]), "warnings": want["warnings"]}),
        };
        if got != want {
            failures.push(format!("{name}:\n  got  {got}\n  want {want}"));
        }
        // The fast path must agree with the full reader wherever the full reader can know (it cannot see duplicate keys).
        let same = match (&fast, &exact) {
            (Ok(a), Ok(b)) => a == b,
            (Err(a), Err(b)) => a.to_string() == b.to_string(),
            _ => false,
        };
        if !same && !name.starts_with("duplicate") {
            failures.push(format!("{name}: fast path differs from the full reader: {fast:?} vs {exact:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    // The forms index writers produce stay on the fast path.
    for name in [
        "minimal",
        "sorted-descending",
        "folded-plain-description",
        "literal-annotation",
        "quoted-escapes",
        "import-values",
        "indented-sequences",
        "server-info",
    ] {
        let case = cases.iter().find(|c| c["name"] == name).unwrap();
        assert!(fast_path_accepts(&index_bytes(&dir, case)), "{name} left the fast path");
    }
}

#[test]
fn index_get() {
    let (dir, cases, expected) = golden("index-get");
    let mut loaded = std::collections::HashMap::new();
    let mut failures = Vec::new();
    for (case, want) in cases.iter().zip(&expected) {
        let file = case["file"].as_str().unwrap();
        let index = loaded
            .entry(file.to_string())
            .or_insert_with(|| load_index(&std::fs::read(dir.join(file)).unwrap(), file).unwrap().index);
        let got = match index.get(case["chart"].as_str().unwrap(), case["version"].as_str().unwrap()) {
            Ok(cv) => serde_json::json!({"version": cv.metadata.version, "digest": cv.digest}),
            Err(e) => serde_json::json!({"error": e.to_string()}),
        };
        let mut want = want.clone();
        want.as_object_mut().unwrap().remove("name");
        if got != want {
            failures.push(format!("{}: got {got}, want {want}", case["name"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn search_repo() {
    let (dir, cases, expected) = golden("search-repo");
    let mut failures = Vec::new();
    for (case, want) in cases.iter().zip(&expected) {
        let repos: Vec<(String, repo_index::IndexFile)> = case["repos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let file = r["file"].as_str().unwrap();
                let index = load_index(&std::fs::read(dir.join(file)).unwrap(), file).unwrap().index;
                (r["name"].as_str().unwrap().to_string(), index)
            })
            .collect();
        let refs: Vec<(&str, &repo_index::IndexFile)> = repos.iter().map(|(n, i)| (n.as_str(), i)).collect();
        let strings = |k: &str| -> Vec<String> {
            case.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        };
        let options = repo_index::SearchOptions {
            terms: strings("terms"),
            regexp: case["regexp"].as_bool().unwrap_or(false),
            versions: case["versions"].as_bool().unwrap_or(false),
            devel: case["devel"].as_bool().unwrap_or(false),
            version: case["version"].as_str().unwrap_or("").to_string(),
        };
        let got = match repo_index::search_repositories(&refs, &options) {
            Ok(results) => serde_json::json!({"results": results.iter().map(|r| serde_json::json!({
                "name": r.name, "version": r.chart.metadata.version, "app_version": r.chart.metadata.app_version,
                "description": r.chart.metadata.description, "score": r.score})).collect::<Vec<_>>()}),
            Err(e) => serde_json::json!({"error": e.to_string()}),
        };
        // The same search over the cached form (lazy decoding) gives the same results.
        let cached: Vec<(&str, repo_index::CachedIndex)> = refs
            .iter()
            .map(|(n, i)| {
                let loaded = repo_index::LoadedIndex { index: (*i).clone(), warnings: Vec::new() };
                let bytes = repo_index::index::encode_cached(&loaded, "x");
                (*n, repo_index::CachedIndex::decode(bytes, "x").unwrap())
            })
            .collect();
        let cached_refs: Vec<(&str, &repo_index::CachedIndex)> = cached.iter().map(|(n, c)| (*n, c)).collect();
        let direct = repo_index::search_repositories(&refs, &options).map_err(|e| e.to_string());
        let lazy = repo_index::search_cached(&cached_refs, &options).map_err(|e| e.to_string());
        if lazy != direct {
            failures.push(format!("{}: search_cached differs from search_repositories", case["name"]));
        }
        let mut want = want.clone();
        want.as_object_mut().unwrap().remove("name");
        if got != want {
            failures.push(format!("{}:\n  got  {got}\n  want {want}", case["name"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[path = "support/generate.rs"]
mod generate;

/// On a realistic generated index, the fast path answers by itself and agrees with the full reader, and the cache round-trips.
#[test]
fn generated_index_fast_equals_exact() {
    let yaml = generate::index_yaml(12, 25);
    assert!(fast_path_accepts(yaml.as_bytes()), "the generated index left the fast path");
    let fast = load_index(yaml.as_bytes(), "gen").unwrap();
    let exact = load_index_exact(yaml.as_bytes(), "gen").unwrap();
    assert_eq!(fast.index.version_count(), 300);
    assert!(fast == exact, "fast and exact readers differ");
    let sha = repo_index::index::sha256_hex(yaml.as_bytes());
    let bytes = repo_index::index::encode_cached(&fast, &sha);
    let back = repo_index::index::decode_cached(&bytes, &sha).unwrap();
    assert!(back == fast, "cache round trip differs");
    assert!(repo_index::index::decode_cached(&bytes, "other").is_err());
    assert!(repo_index::index::decode_cached(&bytes[..bytes.len() / 2], &sha).is_err());
    // Opened lazily: one chart decoded at a time, the same answers as the whole index.
    let opened = repo_index::CachedIndex::decode(bytes.clone(), &sha).unwrap();
    assert_eq!(opened.version_count(), 300);
    assert!(opened.chart_names().eq(fast.index.entries.keys().map(String::as_str)));
    for (name, versions) in &fast.index.entries {
        assert!(opened.chart_versions(name).unwrap().as_ref() == Some(versions), "{name}");
        for constraint in ["", "^1", "~0.1", ">=2.0.0-0", "9.9.9"] {
            let want = fast.index.get(name, constraint).cloned().map_err(|e| e.to_string());
            let got = opened.get(name, constraint).map_err(|e| e.to_string());
            assert!(got == want, "{name} {constraint}");
        }
    }
    assert!(opened.chart_versions("nope").unwrap().is_none());
    assert_eq!(opened.get("nope", "").unwrap_err().to_string(), "no chart name found");
}

/// A cached, stamped index file opens without being read again; a replaced file is read anew.
#[test]
fn index_file_stamp_follows_the_file() {
    let dir = std::env::temp_dir().join(format!("repo-index-stamp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("repo-index.yaml");
    std::fs::write(&file, generate::index_yaml(3, 4)).unwrap();
    let cache = repo_index::index::IndexCache::new(dir.join("cache"));
    let first = cache.open_file(&file).unwrap();
    assert_eq!(first.version_count(), 12);
    assert_eq!(cache.open_file(&file).unwrap().version_count(), 12);
    // Replaced (write then rename, as downloads do) with another index: the new one is loaded.
    let tmp = dir.join("new.yaml");
    std::fs::write(&tmp, generate::index_yaml(2, 5)).unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    assert_eq!(cache.open_file(&file).unwrap().version_count(), 10);
    assert_eq!(cache.load_file(&file).unwrap().index.version_count(), 10);
    // The parsed form of the replaced content is gone: one .idx per index file.
    let parsed = |d: &std::path::Path| {
        std::fs::read_dir(d).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".idx")).count()
    };
    assert_eq!(parsed(&dir.join("cache")), 1);
    // A broken index is an error naming the file, not a stale cache hit.
    std::fs::write(&tmp, "apiVersion: v1\nentries: [\n").unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    let err = cache.open_file(&file).unwrap_err().to_string();
    assert!(err.contains("repo-index.yaml"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Mutated inputs: wherever the fast reader answers by itself, its answer is
/// the full reader's (lines dropped, repeated, re-indented or cut short).
#[test]
fn fast_path_agrees_on_mutations() {
    let (dir, cases, _) = golden("index-load");
    let mut inputs: Vec<String> =
        cases.iter().filter_map(|c| String::from_utf8(index_bytes(&dir, c)).ok()).filter(|s| !s.is_empty()).collect();
    inputs.push(generate::index_yaml(2, 3));
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let (mut checked, mut fast_answers) = (0, 0);
    for input in &inputs {
        for _ in 0..60 {
            let mut lines: Vec<String> = input.lines().map(str::to_string).collect();
            let i = next(lines.len());
            match next(6) {
                0 => {
                    lines.remove(i);
                }
                1 => {
                    let l = lines[i].clone();
                    lines.insert(i, l);
                }
                2 => lines[i] = format!("  {}", lines[i]),
                3 => lines[i] = lines[i].trim_start_matches(' ').chars().skip(next(2)).collect(),
                4 => {
                    let cut = next(lines[i].len() + 1);
                    lines[i] = lines[i].chars().take(cut).collect();
                }
                _ => {
                    let j = next(lines.len());
                    lines.swap(i, j);
                }
            }
            let text = lines.join("\n") + "\n";
            checked += 1;
            if !fast_path_accepts(text.as_bytes()) {
                continue;
            }
            fast_answers += 1;
            let fast = load_index(text.as_bytes(), "m");
            let exact = load_index_exact(text.as_bytes(), "m");
            let same = match (&fast, &exact) {
                (Ok(a), Ok(b)) => a == b,
                (Err(a), Err(b)) => a.to_string() == b.to_string(),
                _ => false,
            };
            assert!(same, "fast and exact readers differ on:\n{text}\nfast: {fast:?}\nexact: {exact:?}");
        }
    }
    assert!(fast_answers > checked / 10, "only {fast_answers} of {checked} mutations stayed on the fast path");
}

#[test]
fn resolve_url() {
    let (_, cases, expected) = golden("resolve-url");
    let mut failures = Vec::new();
    for (case, want) in cases.iter().zip(&expected) {
        let got = match repo_index::resolve_reference_url(case["base"].as_str().unwrap(), case["ref"].as_str().unwrap())
        {
            Ok(u) => serde_json::json!({"url": u.as_str()}),
            Err(e) => serde_json::json!({"error": e.to_string()}),
        };
        let mut want = want.clone();
        want.as_object_mut().unwrap().remove("name");
        if got != want {
            failures.push(format!("{}: got {got}, want {want}", case["name"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// Indexes as Helm itself writes them (`IndexFile.WriteFile`) stay on the
/// fast path and read the same through both readers.
#[test]
fn helm_written_indexes() {
    let (_, cases, expected) = golden("index-write");
    let mut slow = Vec::new();
    for (case, want) in cases.iter().zip(&expected) {
        let yaml = want["yaml"].as_str().unwrap();
        let fast = load_index(yaml.as_bytes(), "w").unwrap();
        let exact = load_index_exact(yaml.as_bytes(), "w").unwrap();
        assert!(fast == exact, "{}: fast and exact readers differ", case["name"]);
        if !fast_path_accepts(yaml.as_bytes()) {
            slow.push(case["name"].as_str().unwrap().to_string());
        }
    }
    assert!(slow.is_empty(), "Helm-written indexes left the fast path: {slow:?}");
}

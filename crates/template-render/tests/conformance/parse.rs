//! The parse suite: trees printed as Go's `Tree.Root.String()`, or Go's parse error text.

use std::collections::BTreeMap;

use template_render::parse::{parse_exact, parse_fast};
use template_render::{ParseOptions, parse};

use crate::golden::{Golden, check_all};

fn check(g: &Golden) -> Result<(), String> {
    let text = g.case["template"].as_str().ok_or("case has no template")?;
    let delims: Vec<&str> =
        g.case["delims"].as_array().map(|d| d.iter().filter_map(|s| s.as_str()).collect()).unwrap_or_default();
    let mut options = ParseOptions::default();
    if let [left, right] = delims[..] {
        options.left_delim = left;
        options.right_delim = right;
    }
    let ours = parse("t", text, &options);
    match (&ours, g.expected.get("trees"), g.expected.get("error")) {
        (Ok(trees), Some(want), _) => {
            let got: BTreeMap<String, String> = trees.iter().map(|t| (t.name.to_string(), t.to_string())).collect();
            let want: BTreeMap<String, String> = want
                .as_object()
                .ok_or("trees is not a map")?
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            if got == want { Ok(()) } else { Err(format!("trees differ\n  go:   {want:?}\n  ours: {got:?}")) }
        }
        (Err(e), _, Some(want)) => {
            let want = want.as_str().unwrap_or_default();
            if e.to_string() == want { Ok(()) } else { Err(format!("errors differ\n  go:   {want}\n  ours: {e}")) }
        }
        (Ok(trees), None, Some(want)) => {
            let got: Vec<String> = trees.iter().map(|t| format!("{}: {t}", t.name)).collect();
            Err(format!("go failed with {want}\n  ours parsed: {got:?}"))
        }
        (Err(e), Some(_), _) => Err(format!("go parsed it; ours failed: {e}")),
        _ => Err("expected.json has neither trees nor error".to_owned()),
    }
}

#[test]
fn parse_matches_go() {
    check_all("parse", check);
}

/// Random variants of each chart template [`fast_path_gives_the_exact_parsers_trees`] checks.
const FAST_PATH_VARIANTS: u64 = 100;

/// The fast path of parsing against the step-by-step parser, without Go: every template of the
/// test charts and of the parse, eval and Sprig suites, and random variants of each chart
/// template. Where the fast path parses a file, its trees (positions included) must be the
/// other parser's; and it must take nearly every chart template as it is, or it is no use.
#[test]
fn fast_path_gives_the_exact_parsers_trees() {
    let options = ParseOptions::default();
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let charts = chart_templates();
    let mut texts: Vec<(String, String)> = charts.clone();
    for suite in ["parse", "eval", "sprig"] {
        let path = root.join(format!("tests/golden/{suite}/cases.json"));
        let cases: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("cases")).expect("cases are JSON");
        for case in cases["cases"].as_array().into_iter().flatten().filter(|c| c.get("delims").is_none()) {
            if let Some(template) = case["template"].as_str() {
                texts.push((format!("{suite}: {}", case["name"]), template.to_owned()));
            }
        }
    }
    for (i, (path, text)) in charts.iter().enumerate() {
        for k in 0..FAST_PATH_VARIANTS {
            texts.push((format!("{path} #{k}"), mutate(text, (i as u64) << 32 | k)));
        }
    }
    let (mut taken, mut charts_taken, mut failures) = (0, 0, Vec::new());
    for (i, (name, text)) in texts.iter().enumerate() {
        let Some(fast) = parse_fast("t", text, &options) else { continue };
        taken += 1;
        charts_taken += usize::from(i < charts.len());
        match parse_exact("t", text, &options) {
            Ok(exact) if format!("{exact:?}") == format!("{fast:?}") => {}
            Ok(exact) => {
                failures.push(format!("--- {name}: trees differ {text:?}\n  exact: {exact:?}\n  fast:  {fast:?}"))
            }
            Err(e) => failures.push(format!("--- {name}: the fast path parsed what Go refuses ({e}): {text:?}")),
        }
    }
    eprintln!(
        "fast path: took {taken} of {} texts ({charts_taken} of {} chart templates), {} differ",
        texts.len(),
        charts.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.iter().take(10).cloned().collect::<Vec<_>>().join("\n"));
    assert!(
        charts_taken * 10 >= charts.len() * 9,
        "the fast path took only {charts_taken} of {} chart templates",
        charts.len()
    );
}

/// Every template file of the test charts (this crate's render fixtures and helmrs's chart suite).
fn chart_templates() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.components().any(|c| c.as_os_str() == "templates")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path.display().to_string(), text));
            }
        }
    }
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    walk(&root.join("tests/golden/render/charts"), &mut out);
    walk(&root.join("../../bins/helmrs/tests/golden/charts/charts"), &mut out);
    out
}

/// A variant of `text` with a few random edits (bytes deleted, doubled or inserted from the
/// characters templates are made of), on a char boundary; deterministic for a seed.
fn mutate(text: &str, seed: u64) -> String {
    const INSERTS: &[&str] = &[
        "{{", "}}", "{{-", "-}}", " ", "\n", "|", "(", ")", "$", ".", "\"", "`", "'", ",", ":=", "=", "-", "end",
        "else", "/*", "*/", "x", "1", "nil",
    ];
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut s = text.to_owned();
    for _ in 0..1 + next() % 3 {
        let mut at = usize::try_from(next() % (s.len() as u64 + 1)).unwrap_or(0);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let end = s[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        match next() % 3 {
            0 => s.replace_range(at..end, ""),
            1 => {
                let piece = s[at..end].to_owned();
                s.insert_str(at, &piece);
            }
            _ => s.insert_str(at, INSERTS[usize::try_from(next() % INSERTS.len() as u64).unwrap_or(0)]),
        }
    }
    s
}

/// Differential run against Go's parser: `HELM_API_TEST_PARSE_FUZZ=N` parses N random variants
/// of every test chart template with both parsers (Go's through the oracle, target/oracle/oracle,
/// built by `cargo xtask oracle`) and fails on any difference in trees or error texts. For
/// changes to the lexer and parser; not run by CI (the oracle needs Go).
#[test]
fn parse_variants_match_go() {
    let Some(per_file) = std::env::var("HELM_API_TEST_PARSE_FUZZ").ok().and_then(|n| n.parse::<u64>().ok()) else {
        return;
    };
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let oracle = root.join("../../target/oracle/oracle");
    assert!(oracle.exists(), "{} is missing: run `cargo xtask oracle`", oracle.display());
    let mut cases = Vec::new();
    for (i, (path, text)) in chart_templates().iter().enumerate() {
        for k in 0..per_file {
            let template = mutate(text, (i as u64) << 32 | k);
            cases.push(serde_json::json!({"name": format!("{path} #{k}"), "template": template}));
        }
    }
    let input = serde_json::json!({"command": "parse", "cases": cases}).to_string();
    let mut child = std::process::Command::new(&oracle)
        .args(["batch", "/"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the oracle starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()));
    let output = child.wait_with_output().expect("the oracle runs");
    writer.join().expect("writer").expect("cases written");
    let expected: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("the oracle answers JSON");
    assert_eq!(expected.len(), cases.len());
    let total = cases.len();
    let errors = expected.iter().filter(|e| e.get("error").is_some()).count();
    let failures: Vec<String> = cases
        .into_iter()
        .zip(expected)
        .filter_map(|(case, expected)| {
            let g = Golden { name: case["name"].as_str().unwrap_or_default().to_owned(), case, expected };
            check(&g)
                .err()
                .map(|e| format!("--- {}: {e}\n{:?}", g.name, g.case["template"].as_str().unwrap_or_default()))
        })
        .collect();
    eprintln!("parse variants: {total} ({errors} that Go refuses), {} differ from Go", failures.len());
    assert!(failures.is_empty(), "{}", failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n"));
}

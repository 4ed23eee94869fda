//! Reading a golden suite (our cases.json and the oracle's expected.json) and checking every case at once.

use std::path::PathBuf;

use serde_json::Value as Json;

/// One case and the oracle's result for it.
pub struct Golden {
    /// The case's name.
    pub name: String,
    /// The case as written in cases.json.
    pub case: Json,
    /// The oracle's answer from expected.json.
    pub expected: Json,
}

/// Loads a suite from `tests/golden/<suite>`; panics when the goldens are missing or stale.
pub fn load(suite: &str) -> Vec<Golden> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(suite);
    let read = |name: &str| -> Json {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask oracle --update template-render`)", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let cases = read("cases.json");
    let expected = read("expected.json");
    let cases = cases["cases"].as_array().expect("cases.json has a cases array");
    let expected = expected.as_array().expect("expected.json is an array");
    assert_eq!(cases.len(), expected.len(), "{suite}: goldens are stale; run `cargo xtask oracle --update {suite}`");
    cases
        .iter()
        .zip(expected)
        .map(|(case, expected)| {
            let name = case["name"].as_str().expect("every case has a name").to_owned();
            assert_eq!(expected["name"].as_str(), Some(name.as_str()), "{suite}: goldens are stale");
            Golden { name, case: case.clone(), expected: expected.clone() }
        })
        .collect()
}

/// Runs `check` on every case and fails once at the end, listing every case that differs.
pub fn check_all(suite: &str, mut check: impl FnMut(&Golden) -> Result<(), String>) {
    let goldens = load(suite);
    assert!(!goldens.is_empty(), "{suite}: no cases");
    let mut names = std::collections::HashSet::new();
    for g in &goldens {
        assert!(names.insert(g.name.clone()), "{suite}: duplicate case name {}", g.name);
    }
    let failures: Vec<String> =
        goldens.iter().filter_map(|g| check(g).err().map(|e| format!("--- {}: {e}", g.name))).collect();
    assert!(
        failures.is_empty(),
        "{suite}: {} of {} cases differ from Go:\n{}",
        failures.len(),
        goldens.len(),
        failures.join("\n")
    );
}

//! The parse suite: trees printed as Go's `Tree.Root.String()`, or Go's parse error text.

use std::collections::BTreeMap;

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

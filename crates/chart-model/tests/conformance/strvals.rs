//! `--set` parsing (every flavour) against Helm's strvals, suite `set`.

use chart_model::strvals;
use chart_model::{Map, Value};

use crate::golden::{self, Golden};
use crate::typed;

#[test]
fn set_matches_helm() {
    golden::check_all("set", check);
}

fn check(g: &Golden) -> Result<(), String> {
    let files = g.case["files"].as_object();
    let mut dest = Map::new();
    let mut outcome = Ok(());
    for arg in g.case["args"].as_array().ok_or("case has no args")? {
        let expr = arg["expr"].as_str().ok_or("arg has no expr")?;
        let result = match arg["kind"].as_str().ok_or("arg has no kind")? {
            "set" => strvals::parse_into(expr, &mut dest),
            "set-string" => strvals::parse_into_string(expr, &mut dest),
            "set-json" => strvals::parse_json(expr, &mut dest),
            "set-literal" => strvals::parse_literal_into(expr, &mut dest),
            "set-file" => strvals::parse_into_file(expr, &mut dest, |path| {
                match files.and_then(|f| f.get(path)).and_then(|v| v.as_str()) {
                    Some(text) => Ok(Value::String(text.to_owned())),
                    None => Err(format!("open {path}: no such file or directory").into()),
                }
            }),
            other => return Err(format!("unknown kind {other}")),
        };
        if let Err(e) = result {
            outcome = Err(e.to_string());
            break;
        }
    }
    match (outcome, g.expected.get("error").and_then(|e| e.as_str())) {
        (Err(got), Some(want)) if got == want => Ok(()),
        (Err(got), Some(want)) => Err(format!("error\n  got:  {got}\n  want: {want}")),
        (Err(got), None) => Err(format!("unexpected error: {got}")),
        (Ok(()), Some(want)) => Err(format!("no error; want: {want}\n  got value: {dest:?}")),
        (Ok(()), None) => {
            let want = typed::decode(&g.expected["value"]);
            let got = Value::Map(dest);
            if typed::same(&got, &want) { Ok(()) } else { Err(format!("value\n  got:  {got:?}\n  want: {want:?}")) }
        }
    }
}

//! The sprig suite: templates calling Sprig's non-crypto functions, run by Helm's engine (the
//! oracle's `eval`) and by ours with Go's builtins and Sprig's functions; outputs and errors compared.
//! Cases come from tests/golden/sprig/gen_cases.py.

use std::sync::Arc;

use template_render::{FuncMap, Map, MissingKey, TemplateSet, Value};

use crate::eval::typed;
use crate::golden::{Golden, check_all};

/// The name Helm's engine gives the oracle's one template.
const NAME: &str = "oracle/templates/t";

fn funcs() -> FuncMap {
    let mut funcs = FuncMap::new();
    template_render::sprig::register(&mut funcs);
    funcs
}

/// Runs a case as Helm would: missingkey=zero, `.Values` the case's values, `<no value>` removed.
fn run(g: &Golden, funcs: &FuncMap) -> Result<String, String> {
    let mut set = TemplateSet::new(funcs.clone());
    set.set_missing_key(MissingKey::Zero);
    set.parse(NAME, g.case["template"].as_str().unwrap_or_default(), None).map_err(|e| e.to_string())?;
    let values = g.case.get("values").map_or_else(|| Value::map(Map::new()), typed);
    let top = Value::map(Map::from([(Arc::from("Values"), values)]));
    let out = set.execute(NAME, &top).map_err(|e| e.to_string())?;
    Ok(out.replace("<no value>", ""))
}

fn check(g: &Golden, funcs: &FuncMap) -> Result<(), String> {
    let ours = run(g, funcs);
    let template = g.case["template"].as_str().unwrap_or_default();
    match (&ours, g.expected.get("output"), g.expected.get("error")) {
        (Ok(out), Some(want), _) => {
            let want = want.as_str().unwrap_or_default();
            if out == want {
                Ok(())
            } else {
                Err(format!("{template}\n  outputs differ\n  go:   {want:?}\n  ours: {out:?}"))
            }
        }
        (Err(e), _, Some(want)) => {
            let want = want.as_str().unwrap_or_default();
            if e == want { Ok(()) } else { Err(format!("{template}\n  errors differ\n  go:   {want}\n  ours: {e}")) }
        }
        (Ok(out), None, Some(want)) => Err(format!("{template}\n  go failed with {want}\n  ours printed: {out:?}")),
        (Err(e), Some(want), _) => Err(format!("{template}\n  go printed {want}\n  ours failed: {e}")),
        _ => Err("expected.json has neither output nor error".to_owned()),
    }
}

#[test]
fn sprig_matches_helm() {
    let funcs = funcs();
    check_all("sprig", |g| check(g, &funcs));
}

/// Runs a template with Sprig's functions and no values.
fn render(template: &str) -> Result<String, String> {
    let mut set = TemplateSet::new(funcs());
    set.parse(NAME, template, None).map_err(|e| e.to_string())?;
    set.execute(NAME, &Value::map(Map::new())).map_err(|e| e.to_string())
}

/// A map that contains itself (Go would crash on most of these; we answer).
#[test]
fn maps_containing_themselves_do_not_hang() {
    let cyclic = r#"{{ $d := dict "a" 1 }}{{ $_ := set $d "self" $d }}"#;
    let err = render(&format!("{cyclic}{{{{ mustToJson $d }}}}")).unwrap_err();
    assert!(err.ends_with("json: unsupported value: encountered a cycle via map[string]interface {}"), "{err}");
    assert_eq!(render(&format!("{cyclic}{{{{ toPrettyJson $d }}}}")).unwrap(), "");
    assert_eq!(render(&format!("{cyclic}{{{{ deepEqual $d $d }}}}")).unwrap(), "true");
    let other = r#"{{ $e := dict "a" 1 }}{{ $_ := set $e "self" $e }}"#;
    assert_eq!(render(&format!("{cyclic}{other}{{{{ deepEqual $d $e }}}}")).unwrap(), "true");
    assert!(
        render(&format!("{cyclic}{{{{ deepCopy $d }}}}")).unwrap_err().ends_with("deepCopy: the value contains itself")
    );
    assert!(render(&format!("{cyclic}{other}{{{{ mustMerge $d $e }}}}")).unwrap_err().contains("levels deep"));
    assert_eq!(render(&format!("{cyclic}{other}{{{{ merge $d $e | typeOf }}}}")).unwrap(), "string");
}

/// Values nested far deeper than any values file, built by a template. Run on a large stack:
/// dropping such a value recurses (the value type's concern, not Sprig's).
#[test]
fn deep_values_do_not_overflow_the_stack() {
    let run = || {
        let build = r#"{{ $d := dict }}{{ range until 20000 }}{{ $d = dict "x" $d }}{{ end }}"#;
        let json = render(&format!("{build}{{{{ mustToJson $d | len }}}}")).unwrap();
        assert_eq!(json, (20000 * 6 + 2).to_string());
        assert_eq!(render(&format!("{build}{{{{ $c := deepCopy $d }}}}{{{{ deepEqual $c $d }}}}")).unwrap(), "true");
        assert_eq!(render(&format!("{build}{{{{ $m := merge (dict) $d $d }}}}ok")).unwrap(), "ok");
    };
    std::thread::Builder::new().stack_size(512 << 20).spawn(run).unwrap().join().unwrap();
}

//! Conformance of Sprig's crypto, random and date functions against Helm (the oracle's `eval`
//! command): each template runs with Go's builtins and Sprig, `.Values` typed, `missingkey=zero`
//! and Helm's `<no value>` removal; outputs and error texts are compared. Random results are
//! checked by shape: the templates compute lengths, prefixes and round trips themselves.
//! Certificates are also compared field by field (suite `sprig_x509`): Go's description of
//! certificates Helm made beside Go's description of certificates this port made.

use std::sync::Arc;

use serde_json::Value as Json;
use template_render::{FuncMap, Map, MissingKey, TemplateSet, Value};

use crate::golden::{Golden, check_all};

/// Typed JSON (tools/oracle/README.md) as a template value.
fn typed(j: &Json) -> Value {
    match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::string(s),
        Json::Array(items) => Value::list(items.iter().map(typed).collect()),
        Json::Object(o) => {
            let (tag, v) = o.iter().next().expect("a typed value has one tag");
            match tag.as_str() {
                "map" => Value::map(
                    v.as_object().expect("map").iter().map(|(k, v)| (Arc::from(k.as_str()), typed(v))).collect::<Map>(),
                ),
                "int" => Value::Int(v.as_str().expect("int").parse().expect("int")),
                "int64" => Value::Int64(v.as_str().expect("int64").parse().expect("int64")),
                "float64" => Value::Float64(v.as_str().expect("float64").parse().expect("float64")),
                other => panic!("unknown tag {other}"),
            }
        }
        Json::Number(_) => panic!("bare numbers are not typed"),
    }
}

/// The file name Helm's engine gives the oracle's template.
const NAME: &str = "oracle/templates/t";

/// Renders one template as the oracle's `eval` does.
pub fn render(template: &str, values: Option<&Json>) -> Result<String, String> {
    let mut funcs = FuncMap::new();
    template_render::sprig::register(&mut funcs);
    let mut set = TemplateSet::new(funcs);
    set.set_missing_key(MissingKey::Zero);
    set.parse(NAME, template, None).map_err(|e| e.to_string())?;
    let mut top = Map::new();
    top.insert(Arc::from("Values"), values.map_or_else(|| Value::map(Map::new()), typed));
    let out = set.execute(NAME, &Value::map(top)).map_err(|e| e.to_string())?;
    Ok(out.replace("<no value>", ""))
}

/// The part of an error both sides phrase alike: Helm reformats the executor's prefix, so the
/// comparison starts at `error calling` when there is one.
fn core(error: &str) -> &str {
    error.find("error calling ").map_or(error, |i| &error[i..])
}

fn check(g: &Golden) -> Result<(), String> {
    let case = &g.case;
    let ours = render(case["template"].as_str().unwrap_or_default(), case.get("values"));
    match (&ours, g.expected.get("output"), g.expected.get("error")) {
        (Ok(out), Some(want), _) => {
            let want = want.as_str().unwrap_or_default();
            if out == want { Ok(()) } else { Err(format!("outputs differ\n  go:   {want:?}\n  ours: {out:?}")) }
        }
        (Err(e), _, Some(want)) => {
            let want = want.as_str().unwrap_or_default();
            if core(e) == core(want) { Ok(()) } else { Err(format!("errors differ\n  go:   {want}\n  ours: {e}")) }
        }
        (Ok(out), None, Some(want)) => Err(format!("go failed with {want}\n  ours printed: {out:?}")),
        (Err(e), Some(want), _) => Err(format!("go printed {want}\n  ours failed: {e}")),
        _ => Err("expected.json has neither output nor error".to_owned()),
    }
}

#[test]
fn sprig_crypto_matches_helm() {
    check_all("sprig_crypto", check);
}

/// The PEM block types of a text, in order.
fn pem_types(text: &str) -> Vec<String> {
    text.lines().filter_map(|l| l.strip_prefix("-----BEGIN ")?.strip_suffix("-----")).map(str::to_owned).collect()
}

/// Certificates and keys: Go described the PEM blocks Helm printed for each template, and the
/// blocks this port printed for the same template (committed in cases.json as `ours`, written by
/// [`write_ours`]); the two descriptions must be equal. Today's output must still have the same
/// blocks, and its certificates must parse.
#[test]
fn sprig_x509_matches_helm() {
    check_all("sprig_x509", |g| {
        let go = g.expected.get("go").ok_or_else(|| format!("go failed: {}", g.expected["error"]))?;
        let ours = g.expected.get("ours").ok_or("no description of ours: run write_ours, then the oracle")?;
        if go != ours {
            return Err(format!("descriptions differ\n  go:   {go}\n  ours: {ours}"));
        }
        let now = render(g.case["template"].as_str().unwrap_or_default(), g.case.get("values"))?;
        if pem_types(&now) != pem_types(g.case["ours"].as_str().unwrap_or_default()) {
            return Err(format!("today's output has other PEM blocks: {:?}", pem_types(&now)));
        }
        for block in now.split("-----BEGIN CERTIFICATE-----\n").skip(1) {
            let body: String = block.lines().take_while(|l| !l.starts_with("-----END")).collect();
            let der = decode_base64(&body);
            <x509_cert::Certificate as x509_cert::der::Decode>::from_der(&der).map_err(|e| e.to_string())?;
        }
        Ok(())
    });
}

fn decode_base64(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Fills in `ours` in tests/golden/sprig_x509/cases.json with this port's output for each
/// template, when `SPRIG_X509_WRITE_OURS=1`; then `cargo xtask oracle --update sprig_x509`
/// has Go describe both.
#[test]
fn write_ours() {
    if std::env::var("SPRIG_X509_WRITE_OURS").as_deref() != Ok("1") {
        return;
    }
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sprig_x509/cases.json");
    let mut cases: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for case in cases["cases"].as_array_mut().unwrap() {
        let out = render(case["template"].as_str().unwrap(), case.get("values")).unwrap();
        case["ours"] = Json::String(out);
    }
    std::fs::write(&path, serde_json::to_string_pretty(&cases).unwrap() + "\n").unwrap();
}

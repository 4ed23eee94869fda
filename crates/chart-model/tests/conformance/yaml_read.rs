//! Reading YAML as Helm does (values files, `fromYaml`, `fromYamlArray`) against real Helm's results.

use chart_model::{Value, yaml};

use crate::golden::{self, Golden};
use crate::typed;

/// Reads a document in one of the oracle's modes, as the Go target type would hold it.
fn read(data: &[u8], mode: &str) -> Result<Value, String> {
    let result = match mode {
        "values" | "" => yaml::read_values(data).map(Value::Map),
        "fromYaml" => yaml::from_slice_map(data).map(Value::Map),
        "fromYamlArray" => yaml::from_slice_list(data).map(Value::List),
        other => panic!("unknown mode {other}"),
    };
    result.map_err(|e| e.to_string())
}

/// Compares our value or error with the oracle's, exactly.
fn compare(g: &Golden, data: &[u8]) -> Result<(), String> {
    let mode = g.case["mode"].as_str().unwrap_or("values");
    let ours = read(data, mode);
    match (&ours, g.expected.get("error").and_then(|e| e.as_str())) {
        (Err(ours), Some(helm)) if ours == helm => Ok(()),
        (Ok(ours), None) => {
            let helm = typed::decode(&g.expected["value"]);
            if typed::same(ours, &helm) {
                Ok(())
            } else {
                Err(format!("value differs:\n ours: {ours:?}\n helm: {helm:?}"))
            }
        }
        (ours, helm) => Err(format!("ours: {ours:?}\n helm error: {helm:?}")),
    }
}

#[test]
fn yaml_read() {
    golden::check_all("yaml_read", |g| {
        let text = g.case["yaml"].as_str().expect("case has yaml");
        compare(g, text.as_bytes())
    });
}

#[test]
fn yaml_read_bytes() {
    golden::check_all("yaml_read/bytes", |g| {
        let b64 = g.case["yaml_base64"].as_str().expect("case has yaml_base64");
        compare(g, &decode_base64(b64))
    });
}

/// Standard base64 with padding, enough for the cases we write.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {text}"),
        }
    };
    let mut out = Vec::new();
    for quantum in text.as_bytes().chunks(4) {
        let pads = quantum.iter().filter(|&&c| c == b'=').count();
        let n = quantum[..4 - pads].iter().fold(0u32, |n, &c| n << 6 | value(c)) << (6 * pads);
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8][..3 - pads]);
    }
    out
}

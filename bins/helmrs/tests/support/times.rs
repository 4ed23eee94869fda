//! Masking what differs from run to run (times) before comparing helmrs's output with the real helm's.

/// Times differ from run to run: ANSIC times (`Tue Dec  1 01:25:57 2026`, Helm's LAST DEPLOYED and
/// test suite times) become a mask of the same width, JSON times (`"2026-12-01T01:25:57.1Z"`)
/// become `"(time)"`.
pub fn mask_times(text: &str) -> String {
    const ANSIC: &str = "Aaa Aaa _9 99:99:99 9999";
    let fits = |s: &[u8]| {
        s.len() == ANSIC.len()
            && s.iter().zip(ANSIC.bytes()).all(|(c, p)| match p {
                b'A' | b'a' => c.is_ascii_alphabetic(),
                b'9' => c.is_ascii_digit(),
                b'_' => *c == b' ' || c.is_ascii_digit(),
                other => *c == other,
            })
    };
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if i + ANSIC.len() <= bytes.len() && fits(&bytes[i..i + ANSIC.len()]) {
            out.push_str("(an ANSIC time here)    ");
            i += ANSIC.len();
        } else if bytes[i] == b'"' && bytes.len() > i + 12 && is_rfc3339_start(&bytes[i + 1..i + 12]) {
            out.push_str("\"(time)\"");
            let rest = &text[i + 1..];
            i += 1 + rest.find('"').map_or(rest.len(), |q| q + 1);
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `9999-99-99T`.
fn is_rfc3339_start(s: &[u8]) -> bool {
    s.iter().zip(b"9999-99-99T").all(|(c, p)| if *p == b'9' { c.is_ascii_digit() } else { c == p })
}

//! PEM blocks as Go's `encoding/pem` writes and reads them.

use super::base64;

/// A decoded PEM block.
pub(crate) struct Block {
    /// The type from the BEGIN line (`RSA PRIVATE KEY`).
    pub kind: String,
    /// The decoded body.
    pub bytes: Vec<u8>,
}

/// `pem.EncodeToMemory`: the body in base64 lines of 64 characters.
pub(crate) fn encode(kind: &str, bytes: &[u8]) -> String {
    let body = base64::encode(bytes);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * kind.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(kind);
    out.push_str("-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(kind);
    out.push_str("-----\n");
    out
}

/// `pem.Decode`: the first well-formed block in `text`, skipping anything before it.
pub(crate) fn decode(text: &str) -> Option<Block> {
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        // The BEGIN line must start a line.
        let at_line_start = start == 0 || rest.as_bytes()[start - 1] == b'\n';
        let close = after.find("-----")?;
        let kind = &after[..close];
        let line_end = after[close + 5..].find('\n').map(|i| close + 5 + i + 1);
        if at_line_start
            && !kind.contains('\n')
            && after[close + 5..].trim_start_matches([' ', '\t', '\r']).starts_with('\n')
            && let Some(body_start) = line_end
        {
            let body = &after[body_start..];
            let end_marker = format!("-----END {kind}-----");
            if let Some(end) = body.find(&end_marker) {
                let content = &body[..end];
                // Headers ("Key: value" lines before a blank line) are skipped.
                let content = match content.find("\n\n") {
                    Some(i) if content[..i].lines().all(|l| l.contains(':')) => &content[i + 2..],
                    _ => content,
                };
                let b64: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                if let Ok(bytes) = base64::decode(&b64) {
                    return Some(Block { kind: kind.to_owned(), bytes });
                }
            }
        }
        rest = &after[close.min(after.len())..];
    }
    None
}

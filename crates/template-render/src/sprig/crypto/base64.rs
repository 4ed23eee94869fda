//! Go's `base64.StdEncoding`: encoding, and decoding with Go's handling of newlines and its error offsets.

use base64::Engine as _;

/// Standard base64 with padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Go's `CorruptInputError` message.
fn corrupt(offset: usize) -> String {
    format!("illegal base64 data at input byte {offset}")
}

fn sextet(b: u8) -> Option<u8> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

fn is_newline(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Decodes as Go's `StdEncoding.DecodeString`: `\r` and `\n` are skipped anywhere, padding is
/// required, and an error names the offset Go names.
pub(crate) fn decode(src: &str) -> Result<Vec<u8>, String> {
    let src = src.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut quantum = [0u8; 4];
        let mut len = 4;
        let mut j = 0;
        let mut end = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                if j == 1 {
                    return Err(corrupt(si - j));
                }
                // Without enough padding: Go reports the quantum's start as corrupt.
                return Err(corrupt(si - j));
            }
            let c = src[si];
            si += 1;
            if let Some(v) = sextet(c) {
                quantum[j] = v;
                j += 1;
                continue;
            }
            if is_newline(c) {
                continue;
            }
            if c != b'=' {
                return Err(corrupt(si - 1));
            }
            // Padding: only after two or three symbols.
            match j {
                0 | 1 => return Err(corrupt(si - 1)),
                2 => {
                    while si < src.len() && is_newline(src[si]) {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(corrupt(src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(corrupt(si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && is_newline(src[si]) {
                si += 1;
            }
            if si < src.len() {
                return Err(corrupt(si));
            }
            len = j;
            end = true;
            break;
        }
        let val = u32::from(quantum[0]) << 18
            | u32::from(quantum[1]) << 12
            | u32::from(quantum[2]) << 6
            | u32::from(quantum[3]);
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..len - 1]);
        if end {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_offsets() {
        assert_eq!(decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode("aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(decode("aGVsbG8").unwrap_err(), "illegal base64 data at input byte 4");
        assert_eq!(decode("a").unwrap_err(), "illegal base64 data at input byte 0");
        assert_eq!(decode("aGVs!").unwrap_err(), "illegal base64 data at input byte 4");
        assert_eq!(decode("aG==x").unwrap_err(), "illegal base64 data at input byte 4");
        assert_eq!(decode("aG=").unwrap_err(), "illegal base64 data at input byte 3");
        assert_eq!(decode("").unwrap(), b"");
    }
}

//! Sprig's encoding functions: base64 and base32 with Go's standard encodings, decoding errors
//! returned as the text (`illegal base64 data at input byte 4`), as Sprig does.

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

use super::args::str;

/// The encoding functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("b64enc", &[GoType::String], b64enc),
    Function::new("b64dec", &[GoType::String], b64dec),
    Function::new("b32enc", &[GoType::String], b32enc),
    Function::new("b32dec", &[GoType::String], b32dec),
];

type R = Result<Value, FuncError>;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn bytes_text(b: Vec<u8>) -> Value {
    match String::from_utf8(b) {
        Ok(s) => Value::from(s),
        Err(e) => Value::from(super::cast::lossy_bytes(e.as_bytes())),
    }
}

/// `base64.StdEncoding.EncodeToString`.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_value(c: u8) -> Option<u32> {
    B64.iter().position(|x| *x == c).map(|p| p as u32)
}

/// `base64.StdEncoding.DecodeString`, with Go's `CorruptInputError` offsets.
fn base64_decode(src: &[u8]) -> Result<Vec<u8>, String> {
    let err = |at: usize| format!("illegal base64 data at input byte {at}");
    let mut out = Vec::new();
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u32; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut end = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(err(si - j));
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(err(si - 1));
            }
            match j {
                0 | 1 => return Err(err(si - 1)),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(err(src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(err(si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                return Err(err(si));
            }
            dlen = j;
            end = true;
            break;
        }
        let n = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if end {
            break;
        }
    }
    Ok(out)
}

/// `base32.StdEncoding.EncodeToString`.
fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut b = [0u8; 5];
        b[..chunk.len()].copy_from_slice(chunk);
        let n = b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(char::from(B32[((n >> (35 - 5 * i)) & 31) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base32.StdEncoding.DecodeString` (newlines stripped first), with Go's error offsets.
fn base32_decode(input: &[u8]) -> Result<Vec<u8>, String> {
    let src: Vec<u8> = input.iter().copied().filter(|c| *c != b'\n' && *c != b'\r').collect();
    let err = |at: usize| format!("illegal base32 data at input byte {at}");
    let olen = src.len();
    let mut out = Vec::new();
    let mut rest: &[u8] = &src;
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            if rest.is_empty() {
                return Err(err(olen - rest.len() - j));
            }
            let c = rest[0];
            rest = &rest[1..];
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(err(olen));
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(err(olen - rest.len() + k - 1));
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(err(olen - rest.len() - 1));
                }
                break;
            }
            match B32.iter().position(|x| *x == c) {
                Some(v) => dbuf[j] = v as u8,
                None => return Err(err(olen - rest.len() - 1)),
            }
            j += 1;
        }
        let n = dbuf.iter().fold(0u64, |acc, x| (acc << 5) | u64::from(*x));
        let bytes = [(n >> 32) as u8, (n >> 24) as u8, (n >> 16) as u8, (n >> 8) as u8, n as u8];
        let count = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[..count]);
    }
    Ok(out)
}

fn b64enc(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(base64_encode(str(a, 0).as_bytes())))
}

fn b64dec(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(match base64_decode(str(a, 0).as_bytes()) {
        Ok(b) => bytes_text(b),
        Err(e) => Value::from(e),
    })
}

fn b32enc(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(base32_encode(str(a, 0).as_bytes())))
}

fn b32dec(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(match base32_decode(str(a, 0).as_bytes()) {
        Ok(b) => bytes_text(b),
        Err(e) => Value::from(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in ["", "a", "ab", "abc", "abcd", "hello world!"] {
            assert_eq!(base64_decode(base64_encode(s.as_bytes()).as_bytes()).unwrap(), s.as_bytes());
            assert_eq!(base32_decode(base32_encode(s.as_bytes()).as_bytes()).unwrap(), s.as_bytes());
        }
        assert_eq!(base32_encode(b"a"), "ME======");
        assert_eq!(base64_decode(b"YW=").unwrap_err(), "illegal base64 data at input byte 3");
    }
}

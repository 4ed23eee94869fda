//! The payload Helm's Secret and ConfigMap drivers store: base64 of the gzipped release JSON.
//!
//! [`encode_release`] is Helm's `encodeRelease` (gzip at best compression,
//! then standard base64); [`decode_release`] is its `decodeRelease`, which
//! also reads the plain JSON that releases stored before compression hold.
//! The gzip bytes need not match Go's: any gzip stream decodes the same.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::error::{Error, Result};
use crate::release::Release;

/// The most a payload may decompress to (Kubernetes objects hold at most
/// 1 MiB, so a larger release is a decompression bomb, not a release).
pub const MAX_DECODED_BYTES: usize = 256 << 20;

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// A release as Helm's drivers store it: `base64(gzip(json))`.
pub fn encode_release(release: &Release) -> Result<String> {
    let json = release.to_json()?;
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4 + 64), Compression::best());
    gz.write_all(json.as_bytes()).map_err(Error::Gzip)?;
    let compressed = gz.finish().map_err(Error::Gzip)?;
    Ok(base64_encode(&compressed))
}

/// A release from a stored payload, as Helm's `decodeRelease`: base64, then
/// gunzip when the bytes start with gzip's magic, then JSON.
pub fn decode_release(payload: &str) -> Result<Release> {
    decode_release_limited(payload, MAX_DECODED_BYTES)
}

fn decode_release_limited(payload: &str, max: usize) -> Result<Release> {
    let bytes = base64_decode(payload)?;
    if bytes.len() > 3 && bytes[..3] == GZIP_MAGIC {
        let mut json = Vec::new();
        let limit = max as u64;
        GzDecoder::new(bytes.as_slice()).take(limit + 1).read_to_end(&mut json).map_err(Error::Gzip)?;
        if json.len() as u64 > limit {
            return Err(Error::PayloadTooLarge { limit: max });
        }
        return Release::from_json(&json);
    }
    Release::from_json(&bytes)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as Go's `base64.StdEncoding.EncodeToString`.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

/// Standard base64 as Go's `base64.StdEncoding.DecodeString` reads it:
/// padding required, `\r` and `\n` skipped, anything else refused with the
/// offset Go reports.
pub fn base64_decode(text: &str) -> Result<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let src = text.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut i = 0;
    // Reads the next significant byte, skipping newlines, with its offset.
    let next = |i: &mut usize| -> Option<(usize, u8)> {
        while *i < src.len() {
            let (at, c) = (*i, src[*i]);
            *i += 1;
            if c != b'\r' && c != b'\n' {
                return Some((at, c));
            }
        }
        None
    };
    loop {
        let mut quantum = [0u32; 4];
        let mut got = 0;
        while got < 4 {
            let Some((at, c)) = next(&mut i) else {
                if got == 0 {
                    return Ok(out);
                }
                return Err(Error::Base64(src.len().saturating_sub(got.min(src.len()))));
            };
            if c == b'=' {
                // Padding: "xx==" or "xxx=", and nothing but newlines after it.
                match got {
                    2 => match next(&mut i) {
                        Some((_, b'=')) => {}
                        Some((at2, _)) => return Err(Error::Base64(at2)),
                        None => return Err(Error::Base64(src.len())),
                    },
                    3 => {}
                    _ => return Err(Error::Base64(at)),
                }
                if let Some((extra, _)) = next(&mut i) {
                    return Err(Error::Base64(extra));
                }
                let n = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6;
                out.push((n >> 16) as u8);
                if got == 3 {
                    out.push((n >> 8) as u8);
                }
                return Ok(out);
            }
            quantum[got] = value(c).ok_or(Error::Base64(at))?;
            got += 1;
        }
        let n = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_go() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0xff, 0xfe, 0x00]] {
            let text = base64_encode(data);
            assert_eq!(base64_decode(&text).ok().as_deref(), Some(data));
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_decode("Zm9v\r\nYmFy").ok().as_deref(), Some(&b"foobar"[..]));
        assert!(matches!(base64_decode("Zm9"), Err(Error::Base64(_))));
        assert!(matches!(base64_decode("Zm*v"), Err(Error::Base64(2))));
        assert!(matches!(base64_decode("Zm8=Zm8="), Err(Error::Base64(4))));
        assert!(matches!(base64_decode("Z==="), Err(Error::Base64(1))));
    }

    #[test]
    fn plain_json_and_bombs() {
        let plain = base64_encode(br#"{"name":"a","version":3}"#);
        let r = decode_release(&plain).ok();
        assert_eq!(r.map(|r| (r.name, r.version)), Some(("a".to_owned(), 3)));
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&vec![b' '; 1 << 20]).ok();
        let bomb = base64_encode(&gz.finish().unwrap_or_default());
        assert!(matches!(decode_release_limited(&bomb, 1 << 16), Err(Error::PayloadTooLarge { limit: 65536 })));
        assert!(matches!(decode_release(&base64_encode(&[0x1f, 0x8b, 0x08, 0, 1])), Err(Error::Gzip(_))));
    }
}

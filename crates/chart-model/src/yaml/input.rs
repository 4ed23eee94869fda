//! Feeding bytes to the YAML parser the way go-yaml's reader sees them, and its reader error messages.
//!
//! go-yaml decodes its input in raw chunks of 512 bytes, so an invalid byte is
//! noticed when its chunk is loaded, not before; serving the parser the same
//! chunks makes reader errors and syntax errors come out in the same order.

use std::io::{BufRead, Read};

/// go-yaml's `input_raw_buffer_size`.
const RAW_CHUNK: usize = 512;

/// A `BufRead` over a byte slice that hands out go-yaml's raw chunks.
pub(crate) struct ChunkedInput<'a> {
    data: &'a [u8],
    pos: usize,
    chunk_end: usize,
}

impl<'a> ChunkedInput<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        ChunkedInput { data, pos: 0, chunk_end: 0 }
    }
}

impl Read for ChunkedInput<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // A read crossing the chunk's end is a character split between two chunks:
        // go-yaml moves its start to the front and refills up to 512 bytes from there.
        if self.pos < self.chunk_end && self.pos + buf.len() > self.chunk_end {
            self.chunk_end = (self.pos + RAW_CHUNK).min(self.data.len());
        }
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChunkedInput<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.chunk_end {
            self.chunk_end = (self.pos + RAW_CHUNK).min(self.data.len());
        }
        Ok(&self.data[self.pos..self.chunk_end])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.data.len());
    }
}

/// The message go-yaml's reader gives for the first character it refuses in `data` (UTF-8 input),
/// or `None` when every character is acceptable.
pub(crate) fn reader_problem(data: &[u8]) -> Option<&'static str> {
    let mut i = 0;
    while i < data.len() {
        let octet = data[i];
        let width = match octet {
            _ if octet & 0x80 == 0 => 1,
            _ if octet & 0xE0 == 0xC0 => 2,
            _ if octet & 0xF0 == 0xE0 => 3,
            _ if octet & 0xF8 == 0xF0 => 4,
            _ => return Some("invalid leading UTF-8 octet"),
        };
        if width > data.len() - i {
            return Some("incomplete UTF-8 octet sequence");
        }
        let mut value: u32 = match width {
            1 => u32::from(octet & 0x7F),
            2 => u32::from(octet & 0x1F),
            3 => u32::from(octet & 0x0F),
            _ => u32::from(octet & 0x07),
        };
        for k in 1..width {
            let trailing = data[i + k];
            if trailing & 0xC0 != 0x80 {
                return Some("invalid trailing UTF-8 octet");
            }
            value = (value << 6) + u32::from(trailing & 0x3F);
        }
        let shortest = match width {
            1 => true,
            2 => value >= 0x80,
            3 => value >= 0x800,
            _ => value >= 0x10000,
        };
        if !shortest {
            return Some("invalid length of a UTF-8 sequence");
        }
        if (0xD800..=0xDFFF).contains(&value) || value > 0x10FFFF {
            return Some("invalid Unicode character");
        }
        let allowed = matches!(value, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD)
            || (0x10000..=0x10FFFF).contains(&value);
        if !allowed {
            return Some("control characters are not allowed");
        }
        i += width;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_messages() {
        assert_eq!(reader_problem(b"a: b"), None);
        assert_eq!(reader_problem(b"a: \xff"), Some("invalid leading UTF-8 octet"));
        assert_eq!(reader_problem(b"a: \xe2\x82"), Some("incomplete UTF-8 octet sequence"));
        assert_eq!(reader_problem(b"\xe2\x41\x41"), Some("invalid trailing UTF-8 octet"));
        assert_eq!(reader_problem(b"\xc0\x80"), Some("invalid length of a UTF-8 sequence"));
        assert_eq!(reader_problem(b"\xed\xa0\x80"), Some("invalid Unicode character"));
        assert_eq!(reader_problem(b"\x01"), Some("control characters are not allowed"));
    }

    #[test]
    fn chunks_are_512_bytes() {
        let data = vec![b'a'; 1200];
        let mut input = ChunkedInput::new(&data);
        assert_eq!(input.fill_buf().map(<[u8]>::len).ok(), Some(512));
        input.consume(510);
        let mut two = [0u8; 4];
        assert!(input.read_exact(&mut two).is_ok());
        assert_eq!(input.fill_buf().map(<[u8]>::len).ok(), Some(508));
    }
}

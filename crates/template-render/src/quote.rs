//! Go's rune classes and string quoting (`strconv.Quote`, `%q`, `%#U`), as the template parser's messages use them.

use std::fmt::Write as _;

/// Go's `strconv.Quote`: a double-quoted Go string literal for `s`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out.push('"');
    out
}

/// Go's `%.Nq...` as `item.String` uses it: the first `n` runes quoted, then `...`.
pub fn go_quote_truncated(s: &str, n: usize) -> String {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    let mut out = go_quote(&s[..end]);
    out.push_str("...");
    out
}

/// Go's `%#U`: `U+0078 'x'`, or only `U+0001` when the rune is not printable.
pub fn go_unicode(c: char) -> String {
    if is_print(c) { format!("U+{:04X} '{c}'", u32::from(c)) } else { format!("U+{:04X}", u32::from(c)) }
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
///
/// Outside ASCII this is an approximation from Rust's character properties: it rejects
/// controls, spaces, format characters, private use and noncharacters, but accepts
/// unassigned code points, which Go rejects.
pub fn is_print(c: char) -> bool {
    let u = u32::from(c);
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format = matches!(u,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb | 0x110bd | 0x110cd
        | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f);
    let private = matches!(u, 0xe000..=0xf8ff | 0xf0000..=0x10ffff);
    let nonchar = matches!(u, 0xfdd0..=0xfdef) || (u & 0xfffe) == 0xfffe;
    !(format || private || nonchar)
}

/// Go's `unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_'`, the lexer's identifier characters.
///
/// Outside ASCII, Rust's alphabetic and numeric properties stand in for Go's L and Nd categories.
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphanumeric();
    }
    c.is_alphabetic() || c.is_numeric()
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if is_print(c) => out.push(c),
        c if u32::from(c) < 0x20 || c == '\x7f' => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c if u32::from(c) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\U{:08x}", u32::from(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_as_go() {
        assert_eq!(go_quote("a\"b\\c\n\t\x01\x7fé\u{a0}\u{1F600}"), "\"a\\\"b\\\\c\\n\\t\\x01\\x7fé\\u00a0😀\"");
        assert_eq!(go_quote_truncated("abcdefghijklmn", 10), "\"abcdefghij\"...");
        assert_eq!(go_unicode('+'), "U+002B '+'");
        assert_eq!(go_unicode('\u{1}'), "U+0001");
    }
}

//! Go's `strconv.Quote`, `strconv.QuoteRune` and `strconv.Atoi`, for the messages strvals formats with `%q`.

/// Quotes a string as Go's `%q` verb does: double quotes, Go escapes for
/// characters that are not printable.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// Quotes one character as Go's `%q` verb does for a rune: `'a'`, `'\''`.
pub(crate) fn go_quote_rune(c: char) -> String {
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'');
    out.push('\'');
    out
}

/// `%q` of a `[]rune`: Go formats a slice element by element, each as a quoted rune.
pub(crate) fn go_quote_runes(s: &str) -> String {
    let items: Vec<String> = s.chars().map(go_quote_rune).collect();
    format!("[{}]", items.join(" "))
}

fn push_escaped(out: &mut String, c: char, quote: char) {
    match c {
        c if c == quote || c == '\\' => {
            out.push('\\');
            out.push(c);
        }
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if is_go_print(c) => out.push(c),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space. Rust's standard library has no category tables, so this
/// treats as unprintable the controls, every other white space, and the
/// format, private-use and noncharacter code points.
fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let n = c as u32;
    !matches!(n,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x2028..=0x202E
        | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF
        | 0xF0000..=0x10FFFF | 0xE0001 | 0xE0020..=0xE007F)
        && !matches!(n & 0xFFFF, 0xFFFE | 0xFFFF)
}

/// Why `strconv.Atoi` refused a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AtoiError {
    /// Not an optionally signed run of decimal digits.
    Syntax,
    /// Outside the range of Go's `int` (64 bits).
    Range,
}

/// Go's `strconv.Atoi` on a 64-bit platform: an optional sign and decimal digits.
pub(crate) fn atoi(s: &str) -> Result<i64, AtoiError> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(AtoiError::Syntax);
    }
    // As Go's ParseUint: a bad character is a syntax error, but an overflow
    // met before it is reported first.
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return Err(AtoiError::Syntax);
        }
        n = n.checked_mul(10).and_then(|n| n.checked_add(u64::from(b - b'0'))).ok_or(AtoiError::Range)?;
    }
    if negative {
        if n > 1 << 63 {
            return Err(AtoiError::Range);
        }
        Ok((n as i64).wrapping_neg())
    } else {
        i64::try_from(n).map_err(|_| AtoiError::Range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}é\u{a0}"), r#""a\"b\\c\n\x01é\u00a0""#);
        assert_eq!(go_quote_runes("a'\""), r#"['a' '\'' '"']"#);
    }

    #[test]
    fn atoi_like_go() {
        assert_eq!(atoi("12"), Ok(12));
        assert_eq!(atoi("+3"), Ok(3));
        assert_eq!(atoi("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(atoi("9223372036854775808"), Err(AtoiError::Range));
        assert_eq!(atoi(""), Err(AtoiError::Syntax));
        assert_eq!(atoi("-"), Err(AtoiError::Syntax));
        assert_eq!(atoi("1_0"), Err(AtoiError::Syntax));
        assert_eq!(atoi("99999999999999999999x"), Err(AtoiError::Range));
    }
}

//! Go's `unicode` package predicates and simple case mappings, as Sprig's string helpers use them.

use unicode_general_category::get_general_category;

fn category(c: char) -> &'static str {
    get_general_category(c).abbreviation()
}

/// `unicode.IsUpper`.
pub(crate) fn is_upper(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_uppercase() } else { category(c) == "Lu" }
}

/// `unicode.IsLower`.
pub(crate) fn is_lower(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_lowercase() } else { category(c) == "Ll" }
}

/// `unicode.IsTitle`.
pub(crate) fn is_title(c: char) -> bool {
    !c.is_ascii() && category(c) == "Lt"
}

/// `unicode.IsLetter`.
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { category(c).starts_with('L') }
}

/// `unicode.IsDigit`.
pub(crate) fn is_digit(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_digit() } else { category(c) == "Nd" }
}

/// `unicode.IsNumber`.
pub(crate) fn is_number(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_digit() } else { category(c).starts_with('N') }
}

/// `unicode.IsPunct`.
pub(crate) fn is_punct(c: char) -> bool {
    category(c).starts_with('P')
}

/// `unicode.IsSpace`.
pub(crate) fn is_space(c: char) -> bool {
    match c {
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{85}' | '\u{A0}' => true,
        c if (c as u32) < 0x100 => false,
        c => c.is_whitespace(),
    }
}

/// `unicode.ToUpper` (a simple mapping: one rune to one rune).
pub(crate) fn to_upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `unicode.ToLower`.
pub(crate) fn to_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// `unicode.ToTitle`.
pub(crate) fn to_title(c: char) -> char {
    match c {
        'ǆ' | 'ǅ' | 'Ǆ' => 'ǅ',
        'ǉ' | 'ǈ' | 'Ǉ' => 'ǈ',
        'ǌ' | 'ǋ' | 'Ǌ' => 'ǋ',
        'ǳ' | 'ǲ' | 'Ǳ' => 'ǲ',
        c => to_upper(c),
    }
}

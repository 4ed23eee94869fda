//! Sprig's string functions (strings.go and the goutils/xstrings helpers it calls).

use crate::exec::CallContext;
use crate::quote::go_quote;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

use super::args::{int, is_nil, sprint_v, str};
use super::cast::{elements, strval};
use super::gotypes::{StringMap, strings};
use super::unicode as u;

use GoType::{Any, Int, String as Str};

/// The string functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("hello", &[], hello),
    Function::new("abbrev", &[Int, Str], abbrev),
    Function::new("abbrevboth", &[Int, Int, Str], abbrevboth),
    Function::new("trunc", &[Int, Str], trunc),
    Function::new("trim", &[Str], trim),
    Function::new("upper", &[Str], upper),
    Function::new("lower", &[Str], lower),
    Function::new("title", &[Str], title),
    Function::new("untitle", &[Str], untitle),
    Function::new("substr", &[Int, Int, Str], substr),
    Function::new("repeat", &[Int, Str], repeat),
    Function::new("trimall", &[Str, Str], trim_all),
    Function::new("trimAll", &[Str, Str], trim_all),
    Function::new("trimSuffix", &[Str, Str], trim_suffix),
    Function::new("trimPrefix", &[Str, Str], trim_prefix),
    Function::new("nospace", &[Str], nospace),
    Function::new("initials", &[Str], initials),
    Function::new("swapcase", &[Str], swapcase),
    Function::new("snakecase", &[Str], snakecase),
    Function::new("camelcase", &[Str], camelcase),
    Function::new("kebabcase", &[Str], kebabcase),
    Function::new("wrap", &[Int, Str], wrap),
    Function::new("wrapWith", &[Int, Str, Str], wrap_with),
    Function::new("contains", &[Str, Str], contains),
    Function::new("hasPrefix", &[Str, Str], has_prefix),
    Function::new("hasSuffix", &[Str, Str], has_suffix),
    Function::variadic("quote", &[], Any, quote),
    Function::variadic("squote", &[], Any, squote),
    Function::variadic("cat", &[], Any, cat),
    Function::new("indent", &[Int, Str], indent),
    Function::new("nindent", &[Int, Str], nindent),
    Function::new("replace", &[Str, Str, Str], replace),
    Function::new("plural", &[Str, Str, Int], plural),
    Function::new("toString", &[Any], to_string),
    Function::new("split", &[Str, Str], split),
    Function::new("splitList", &[Str, Str], split_list),
    Function::new("splitn", &[Str, Int, Str], splitn),
    Function::new("toStrings", &[Any], to_strings),
    Function::new("join", &[Str, Any], join),
    Function::new("sortAlpha", &[Any], sort_alpha),
    Function::new("fail", &[Str], fail),
];

type R = Result<Value, FuncError>;

/// A string result, in one allocation (a `&str` is not first made a `String`).
fn ok(s: impl AsRef<str>) -> R {
    Ok(Value::string(s.as_ref()))
}

/// `s`, which may be the string argument `i` itself: then that value is shared, not copied.
fn same_or_new(a: &[Value], i: usize, s: &str) -> R {
    if let Some(Value::String(arg)) = a.get(i)
        && std::ptr::eq(arg.as_ptr(), s.as_ptr())
        && arg.len() == s.len()
    {
        return Ok(a[i].clone());
    }
    ok(s)
}

/// Go's panic text for slicing a string out of range, as text/template reports it.
fn slice_panic(lo: i64, hi: i64, len: usize) -> FuncError {
    if hi > len as i64 || hi < 0 {
        format!("runtime error: slice bounds out of range [:{hi}] with length {len}")
    } else {
        format!("runtime error: slice bounds out of range [{lo}:{hi}]")
    }
}

/// `s[lo:hi]` on bytes, as Go slices strings (a cut inside a character yields replacement text).
fn byte_slice(s: &str, lo: usize, hi: usize) -> String {
    match s.get(lo..hi) {
        Some(t) => t.to_owned(),
        None => super::cast::lossy_bytes(&s.as_bytes()[lo..hi]),
    }
}

fn hello(_: &mut CallContext<'_, '_>, _: &[Value]) -> R {
    ok("Hello!")
}

fn fail(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Err(str(a, 0).to_owned())
}

/// goutils' `AbbreviateFull`; `None` for its errors (Sprig then returns "").
fn abbreviate_full(s: &str, offset: i64, max: i64) -> Option<String> {
    if s.is_empty() {
        return Some(String::new());
    }
    if max < 4 {
        return None;
    }
    let len = s.len() as i64;
    if len <= max {
        return Some(s.to_owned());
    }
    let mut offset = offset.min(len);
    if len - offset < max - 3 {
        offset = len - (max - 3);
    }
    if offset <= 4 {
        return Some(byte_slice(s, 0, (max - 3) as usize) + "...");
    }
    if max < 7 {
        return None;
    }
    if offset + max - 3 < len {
        let rest = byte_slice(s, offset as usize, s.len());
        let inner = abbreviate_full(&rest, 0, max - 3)?;
        return Some(format!("...{inner}"));
    }
    Some(format!("...{}", byte_slice(s, (len - (max - 3)) as usize, s.len())))
}

fn abbrev(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let (width, s) = (int(a, 0), str(a, 1));
    if width < 4 {
        return ok(s);
    }
    ok(abbreviate_full(s, 0, width).unwrap_or_default())
}

fn abbrevboth(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let (left, right, s) = (int(a, 0), int(a, 1), str(a, 2));
    if right < 4 || (left > 0 && right < 7) {
        return ok(s);
    }
    ok(abbreviate_full(s, left, right).unwrap_or_default())
}

fn trunc(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let (c, s) = (int(a, 0), str(a, 1));
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return ok(byte_slice(s, (len + c) as usize, s.len()));
    }
    if c >= 0 && len > c {
        return ok(byte_slice(s, 0, c as usize));
    }
    same_or_new(a, 1, s)
}

fn trim(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    same_or_new(a, 0, str(a, 0).trim_matches(u::is_space))
}

fn upper(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(str(a, 0).chars().map(u::to_upper).collect::<String>())
}

fn lower(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(str(a, 0).chars().map(u::to_lower).collect::<String>())
}

/// `strings.Title`'s word separators.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if u::is_letter(c) || u::is_digit(c) {
        return false;
    }
    u::is_space(c)
}

fn title(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut prev = ' ';
    let out: String = str(a, 0)
        .chars()
        .map(|c| {
            let r = if is_separator(prev) { u::to_title(c) } else { c };
            prev = c;
            r
        })
        .collect();
    ok(out)
}

fn untitle(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut next = true;
    let out: String = str(a, 0)
        .chars()
        .map(|c| {
            if u::is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                u::to_lower(c)
            } else {
                c
            }
        })
        .collect();
    ok(out)
}

fn substr(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let (start, end, s) = (int(a, 0), int(a, 1), str(a, 2));
    let len = s.len();
    if start < 0 {
        if end < 0 || end > len as i64 {
            return Err(slice_panic(0, end, len));
        }
        return ok(byte_slice(s, 0, end as usize));
    }
    if end < 0 || end > len as i64 {
        if start > len as i64 {
            return Err(format!("runtime error: slice bounds out of range [{start}:{len}]"));
        }
        return ok(byte_slice(s, start as usize, len));
    }
    if start > end {
        return Err(slice_panic(start, end, len));
    }
    ok(byte_slice(s, start as usize, end as usize))
}

/// The longest text `repeat` and `indent` build (64 MiB).
const MAX_REPEAT: usize = 64 << 20;

fn repeat_str(s: &str, count: i64) -> Result<String, FuncError> {
    if count < 0 {
        return Err("strings: negative Repeat count".to_owned());
    }
    let len = (s.len() as u128) * (count as u128);
    if len > i64::MAX as u128 {
        return Err("strings: Repeat output length overflow".to_owned());
    }
    // Go would try to allocate it; a server must not.
    if len > MAX_REPEAT as u128 {
        return Err(format!("strings: Repeat output longer than {MAX_REPEAT} bytes"));
    }
    Ok(s.repeat(count as usize))
}

fn repeat(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(repeat_str(str(a, 1), int(a, 0))?)
}

fn trim_all(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let cutset = str(a, 0);
    ok(str(a, 1).trim_matches(|c| cutset.contains(c)))
}

fn trim_suffix(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let s = str(a, 1);
    same_or_new(a, 1, s.strip_suffix(str(a, 0)).unwrap_or(s))
}

fn trim_prefix(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let s = str(a, 1);
    same_or_new(a, 1, s.strip_prefix(str(a, 0)).unwrap_or(s))
}

/// Bytes read one by one as runes, as goutils does (bytes of multi-byte characters become Latin-1).
fn byte_runes(s: &str) -> impl Iterator<Item = char> + '_ {
    s.bytes().map(char::from)
}

fn nospace(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let s = str(a, 0);
    if !s.bytes().any(|b| u::is_space(char::from(b))) {
        return same_or_new(a, 0, s);
    }
    ok(byte_runes(s).filter(|c| !u::is_space(*c)).collect::<String>())
}

fn initials(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut gap = true;
    let mut out = String::new();
    for c in byte_runes(str(a, 0)) {
        if u::is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    ok(out)
}

fn swapcase(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut whitespace = true;
    let out: String = str(a, 0)
        .chars()
        .map(|c| {
            if u::is_upper(c) || u::is_title(c) {
                whitespace = false;
                u::to_lower(c)
            } else if u::is_lower(c) {
                if std::mem::replace(&mut whitespace, false) { u::to_title(c) } else { u::to_upper(c) }
            } else {
                whitespace = u::is_space(c);
                c
            }
        })
        .collect();
    ok(out)
}

/// xstrings' connectors.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || u::is_space(c)
}

/// xstrings' `isAlphabet`: letters, CJK ideographs excluded.
fn is_alphabet(c: char) -> bool {
    if !u::is_letter(c) {
        return false;
    }
    let n = c as u32;
    !((0x4E00..=0x9FCC).contains(&n) || (0x3400..=0x4D85).contains(&n) || (0x20000..=0x2B81D).contains(&n))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the type of the next word, its length in bytes.
fn next_word(s: &str) -> (Word, usize) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else { return (Word::Invalid, 0) };
    let end = |it: &mut std::iter::Peekable<std::str::CharIndices<'_>>| it.peek().map_or(s.len(), |(i, _)| *i);
    let take_while = |it: &mut std::iter::Peekable<std::str::CharIndices<'_>>, f: &dyn Fn(char) -> bool| {
        while let Some((_, c)) = it.peek() {
            if !f(*c) {
                break;
            }
            it.next();
        }
    };
    let wt = if is_connector(r) {
        take_while(&mut it, &is_connector);
        Word::Connector
    } else if u::is_punct(r) {
        take_while(&mut it, &u::is_punct);
        Word::Punct
    } else if u::is_upper(r) {
        match it.peek().map(|(_, c)| *c) {
            Some(c) if u::is_upper(c) => {
                // A run of capitals; its last one starts the next word when a letter follows.
                let mut last_start = end(&mut it);
                it.next();
                while let Some((i, c)) = it.peek() {
                    if !u::is_upper(*c) {
                        break;
                    }
                    last_start = *i;
                    it.next();
                }
                if let Some((_, c)) = it.peek()
                    && is_alphabet(*c)
                {
                    return (Word::Upper, last_start);
                }
            }
            Some(c) if is_alphabet(c) => {
                take_while(&mut it, &|c| is_alphabet(c) && !u::is_upper(c));
            }
            _ => {}
        }
        Word::Upper
    } else if is_alphabet(r) {
        take_while(&mut it, &|c| is_alphabet(c) && !u::is_upper(c));
        Word::Alphabet
    } else if u::is_number(r) {
        take_while(&mut it, &u::is_number);
        Word::Number
    } else {
        take_while(&mut it, &|c| !(is_connector(c) || is_alphabet(c) || u::is_number(c) || u::is_punct(c)));
        Word::Other
    };
    (wt, end(&mut it))
}

/// xstrings' `toLower` for a word.
fn word_lower(out: &mut String, wt: Word, w: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.push_str(w);
        return;
    }
    for c in w.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if u::is_upper(c) {
            out.push(u::to_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings' `camelCaseToLowerCase`.
fn camel_to_lower(s: &str, connector: char) -> String {
    let mut out = String::new();
    if s.is_empty() {
        return out;
    }
    let mut rest = s;
    let next = |rest: &mut &str| -> (Word, String) {
        let (wt, n) = next_word(rest);
        let w = rest[..n].to_owned();
        *rest = &rest[n..];
        (wt, w)
    };
    let (mut wt, mut word) = next(&mut rest);
    while !rest.is_empty() {
        if wt != Word::Connector {
            word_lower(&mut out, wt, &word, connector);
        }
        let prev = wt;
        let last = word.clone();
        (wt, word) = next(&mut rest);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    word_lower(&mut out, wt, &word, connector);
                    (wt, word) = next(&mut rest);
                }
                if !matches!(wt, Word::Invalid | Word::Punct | Word::Connector) {
                    out.push(connector);
                }
            }
            Word::Connector => word_lower(&mut out, prev, &last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let last = word.clone();
                (wt, word) = next(&mut rest);
                if wt != Word::Alphabet {
                    word_lower(&mut out, Word::Number, &last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                word_lower(&mut out, Word::Number, &last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    word_lower(&mut out, wt, &word, connector);
                    (wt, word) = next(&mut rest);
                }
                if !matches!(wt, Word::Invalid | Word::Connector | Word::Punct) {
                    out.push(connector);
                }
            }
        }
    }
    word_lower(&mut out, wt, &word, connector);
    out
}

fn snakecase(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(camel_to_lower(str(a, 0), '_'))
}

fn kebabcase(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(camel_to_lower(str(a, 0), '-'))
}

/// xstrings' `ToPascalCase`.
fn camelcase(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let s = str(a, 0);
    let mut out = String::new();
    let mut chars = s.chars();
    let mut first_upper = false;
    let mut r0 = '\0';
    let mut found = false;
    for c in chars.by_ref() {
        found = true;
        r0 = c;
        if !is_connector(c) {
            first_upper = u::is_upper(c);
            r0 = u::to_upper(c);
            break;
        }
        out.push(c);
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        if found {
            out.push(r0);
        }
        return ok(out);
    }
    for c in rest {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = u::is_upper(r0);
            r0 = u::to_upper(r0);
        } else {
            if first_upper {
                if u::is_upper(r0) {
                    r0 = u::to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    ok(out)
}

/// goutils' `WrapCustom`, on bytes as Go does.
fn wrap_custom(s: &str, width: i64, newline: &str, long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        let space = b[offset..end].iter().rposition(|c| *c == b' ');
        if let Some(i) = space {
            let at = offset + i;
            out.extend_from_slice(&b[offset..at]);
            out.extend_from_slice(newline.as_bytes());
            offset = at + 1;
        } else if long_words {
            let end = width + offset;
            out.extend_from_slice(&b[offset..end]);
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|c| *c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[offset..at]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    super::cast::lossy_bytes(&out)
}

fn wrap(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(wrap_custom(str(a, 1), int(a, 0), "", false))
}

fn wrap_with(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(wrap_custom(str(a, 2), int(a, 0), str(a, 1), true))
}

fn contains(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(str(a, 1).contains(str(a, 0))))
}

fn has_prefix(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(str(a, 1).starts_with(str(a, 0))))
}

fn has_suffix(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(str(a, 1).ends_with(str(a, 0))))
}

fn quote(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    // The common call, one string: quoted straight from the argument.
    if let [Value::String(s)] = a {
        return ok(quote_one(s));
    }
    let parts: Vec<String> = a.iter().filter(|v| !is_nil(v)).map(|v| quote_one(&strval(v))).collect();
    ok(parts.join(" "))
}

/// What `strconv.Quote` writes for an ASCII byte after a backslash: 0 for a byte written as
/// it is, `x` for one written `\xXX`, else the letter of its escape.
const QUOTE_ESCAPES: [u8; 128] = {
    let mut t = [b'x'; 128];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = 0;
        b += 1;
    }
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[0x07] = b'a';
    t[0x08] = b'b';
    t[0x0c] = b'f';
    t[b'\n' as usize] = b'n';
    t[b'\r' as usize] = b'r';
    t[b'\t' as usize] = b't';
    t[0x0b] = b'v';
    t
};

/// `strconv.Quote(s)`. ASCII text (the usual, JSON included) is escaped here, copying the runs
/// between escapes, with the escapes `strconv.Quote` uses for ASCII; other text goes through
/// [`go_quote`].
fn quote_one(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Most strings need no escape: one check over the bytes (vectorised), one copy.
    let plain = s.bytes().fold(true, |ok, b| ok & matches!(b, 0x20..=0x7e) & (b != b'"') & (b != b'\\'));
    if plain {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return out;
    }
    if !s.is_ascii() {
        return go_quote(s);
    }
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(s.len() + s.len() / 4 + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = QUOTE_ESCAPES[usize::from(b & 0x7f)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'x' {
            // Other control characters and DEL.
            out.extend_from_slice(&[b'\\', b'x', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
    // Only ASCII was written.
    String::from_utf8(out).unwrap_or_default()
}

fn squote(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let parts: Vec<String> = a.iter().filter(|v| !is_nil(v)).map(|v| format!("'{}'", sprint_v(v))).collect();
    ok(parts.join(" "))
}

fn cat(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let parts: Vec<String> = a.iter().filter(|v| !is_nil(v)).map(sprint_v).collect();
    ok(parts.join(" "))
}

/// Enough spaces for the usual indentation, so that it needs no allocation.
const SPACES: &str = "                                                                ";

/// `prefix`, then `s` with `spaces` spaces before each of its lines, in one allocation.
fn indent_str(prefix: &str, spaces: i64, s: &str) -> Result<String, FuncError> {
    let owned;
    let pad = match usize::try_from(spaces) {
        Ok(n) if n <= SPACES.len() => &SPACES[..n],
        _ => {
            owned = repeat_str(" ", spaces)?;
            owned.as_str()
        }
    };
    let breaks = memchr::memchr_iter(b'\n', s.as_bytes()).count();
    let mut out = String::with_capacity(prefix.len() + s.len() + pad.len() * (breaks + 1));
    out.push_str(prefix);
    out.push_str(pad);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', s.as_bytes()) {
        out.push_str(&s[start..=nl]);
        out.push_str(pad);
        start = nl + 1;
    }
    out.push_str(&s[start..]);
    Ok(out)
}

fn indent(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(indent_str("", int(a, 0), str(a, 1))?)
}

fn nindent(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(indent_str("\n", int(a, 0), str(a, 1))?)
}

fn replace(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let (old, s) = (str(a, 0), str(a, 2));
    // Nothing to replace (an empty `old` matches everywhere): the argument itself.
    if !old.is_empty() && !s.contains(old) {
        return same_or_new(a, 2, s);
    }
    ok(s.replace(old, str(a, 1)))
}

fn plural(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(a[if int(a, 2) == 1 { 0 } else { 1 }].clone())
}

fn to_string(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(strval(&a[0]))
}

/// Go's `strings.SplitN` (`n < 0`: no limit).
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<&str> = s.char_indices().map(|(i, c)| &s[i..i + c.len_utf8()]).collect();
        let mut out: Vec<String> = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            if n > 0 && out.len() as i64 == n - 1 {
                let start: usize = chars[..i].iter().map(|c| c.len()).sum();
                out.push(s[start..].to_owned());
                return out;
            }
            out.push((*c).to_owned());
        }
        return out;
    }
    if n < 0 {
        s.split(sep).map(str::to_owned).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_owned).collect()
    }
}

fn indexed(parts: Vec<String>) -> Value {
    Value::object(StringMap(parts.into_iter().enumerate().map(|(i, p)| (format!("_{i}"), p)).collect()))
}

fn split(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(indexed(go_split(str(a, 1), str(a, 0), -1)))
}

fn split_list(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(strings(go_split(str(a, 1), str(a, 0), -1)))
}

fn splitn(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(indexed(go_split(str(a, 2), str(a, 0), int(a, 1))))
}

/// Sprig's `strslice`: a list's non-nil elements as strings, or the value itself as one string.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    if let Value::Object(o) = v
        && o.type_name() == "[]string"
    {
        return o.elements().unwrap_or_default().iter().map(strval).collect();
    }
    match elements(v) {
        Some(items) => items.iter().filter(|i| !is_nil(i)).map(strval).collect(),
        None if is_nil(v) => Vec::new(),
        None => vec![strval(v)],
    }
}

fn to_strings(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(strings(strslice(&a[0])))
}

fn join(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    ok(strslice(&a[1]).join(str(a, 0)))
}

fn sort_alpha(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    if elements(&a[0]).is_some() {
        let mut items = strslice(&a[0]);
        items.sort();
        return Ok(strings(items));
    }
    Ok(strings(vec![strval(&a[0])]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_go_quote() {
        let ascii: String = (0u8..0x80).map(char::from).collect();
        for text in [ascii.as_str(), "", "plain", r#"{"a":"b\\c"}"#, "é\u{1}\u{85}", "\u{7f}x"] {
            assert_eq!(quote_one(text), go_quote(text), "{text:?}");
        }
    }
}

//! Sprig's regex functions (regex.go) with Go's `regexp` semantics: RE2 syntax with ASCII `\d`,
//! `\w`, `\s` and `\b`, Go's iteration over empty matches, `$1`/`${name}` expansion, and Go's
//! error texts.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use regex::{Captures, Regex};

use crate::exec::CallContext;
use crate::quote::go_quote;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

use super::args::{int, str};
use super::gotypes::{nil_strings, strings};

use GoType::{Int, String as Str};

/// The regex functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("regexMatch", &[Str, Str], regex_match),
    Function::new("mustRegexMatch", &[Str, Str], must_regex_match),
    Function::new("regexFindAll", &[Str, Str, Int], find_all),
    Function::new("mustRegexFindAll", &[Str, Str, Int], must_find_all),
    Function::new("regexFind", &[Str, Str], find),
    Function::new("mustRegexFind", &[Str, Str], must_find),
    Function::new("regexReplaceAll", &[Str, Str, Str], replace_all),
    Function::new("mustRegexReplaceAll", &[Str, Str, Str], must_replace_all),
    Function::new("regexReplaceAllLiteral", &[Str, Str, Str], replace_all_literal),
    Function::new("mustRegexReplaceAllLiteral", &[Str, Str, Str], must_replace_all_literal),
    Function::new("regexSplit", &[Str, Str, Int], split),
    Function::new("mustRegexSplit", &[Str, Str, Int], must_split),
    Function::new("regexQuoteMeta", &[Str], quote_meta),
];

type R = Result<Value, FuncError>;

/// Compiled patterns (charts call the same few in loops); cleared when it grows past `CACHE_SIZE`.
static CACHE: OnceLock<Mutex<HashMap<String, Result<Regex, String>>>> = OnceLock::new();
const CACHE_SIZE: usize = 512;

/// `regexp.Compile`: the pattern translated to the regex crate's syntax, or Go's error text.
fn compile(pattern: &str) -> Result<Regex, String> {
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(found) = cache.lock().unwrap_or_else(PoisonError::into_inner).get(pattern) {
        return found.clone();
    }
    let compiled = compile_uncached(pattern);
    let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.len() >= CACHE_SIZE {
        cache.clear();
    }
    cache.insert(pattern.to_owned(), compiled.clone());
    compiled
}

fn compile_uncached(pattern: &str) -> Result<Regex, String> {
    if let Some((code, expr)) = go_syntax_error(pattern) {
        return Err(format!("error parsing regexp: {code}: `{expr}`"));
    }
    Regex::new(&translate(pattern)).map_err(|_| format!("error parsing regexp: invalid regexp: `{pattern}`"))
}

/// `regexp.MustCompile`'s panic text.
fn must_compile(pattern: &str) -> Result<Regex, FuncError> {
    compile(pattern).map_err(|e| format!("regexp: Compile({}): {e}", regexp_quote(pattern)))
}

/// regexp's `quote`: backquoted when `strconv.CanBackquote`, else Go-quoted.
fn regexp_quote(s: &str) -> String {
    let can_backquote = s.chars().all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !c.is_control()));
    if can_backquote { format!("`{s}`") } else { go_quote(s) }
}

/// The suffix of a repeated group name (`name__dup1`), which `expand` reads back as `name`.
const DUP: &str = "__dup";

const ASCII_WORD: &str = "0-9A-Za-z_";
const ASCII_SPACE: &str = "\\t\\n\\f\\r ";

/// Rewrites Go's ASCII-only Perl classes and `\Q...\E` for the regex crate, whose classes are Unicode.
fn translate(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars().peekable();
    let mut in_class = false;
    let mut class_start = false;
    let mut names: Vec<String> = Vec::new();
    while let Some(c) = chars.next() {
        match c {
            '(' if !in_class && chars.peek() == Some(&'?') => {
                // Go allows a group name to repeat; the regex crate does not, so repeats get a suffix.
                let ahead: String = chars.clone().take_while(|c| *c != '>').collect();
                let name = ahead.strip_prefix("?P<").or_else(|| ahead.strip_prefix("?<"));
                match name {
                    Some(name) if !name.is_empty() && !name.contains(['=', '!']) => {
                        let n = names.iter().filter(|x| x.as_str() == name).count();
                        names.push(name.to_owned());
                        for _ in 0..ahead.chars().count() + 1 {
                            chars.next();
                        }
                        if n == 0 {
                            out.push_str(&format!("(?P<{name}>"));
                        } else {
                            out.push_str(&format!("(?P<{name}{DUP}{n}>"));
                        }
                    }
                    _ => out.push('('),
                }
            }
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let (set, neg) = match e {
                    'd' => (Some("0-9"), false),
                    'D' => (Some("0-9"), true),
                    'w' => (Some(ASCII_WORD), false),
                    'W' => (Some(ASCII_WORD), true),
                    's' => (Some(ASCII_SPACE), false),
                    'S' => (Some(ASCII_SPACE), true),
                    _ => (None, false),
                };
                match (set, in_class) {
                    (Some(set), false) => out.push_str(&format!("[{}{set}]", if neg { "^" } else { "" })),
                    (Some(set), true) if !neg => out.push_str(set),
                    (Some(set), true) => out.push_str(&format!("[^{set}]")),
                    (None, _) => match e {
                        '0'..='7' => {
                            // Go's octal escapes (`\0`, `\012`, `\101`); `\1` alone is refused earlier.
                            let mut n = e.to_digit(8).unwrap_or(0);
                            for _ in 0..2 {
                                match chars.peek().and_then(|d| d.to_digit(8)) {
                                    Some(d) => {
                                        n = n * 8 + d;
                                        chars.next();
                                    }
                                    None => break,
                                }
                            }
                            out.push_str(&format!("\\x{{{n:X}}}"));
                        }
                        'p' | 'P' if chars.peek() == Some(&'{') => {
                            // A Unicode class name in braces, copied whole.
                            out.push('\\');
                            out.push(e);
                            for n in chars.by_ref() {
                                out.push(n);
                                if n == '}' {
                                    break;
                                }
                            }
                        }
                        'b' if !in_class => out.push_str("(?-u:\\b)"),
                        'B' if !in_class => out.push_str("(?-u:\\B)"),
                        'Q' if !in_class => {
                            let mut lit = String::new();
                            while let Some(q) = chars.next() {
                                if q == '\\' && chars.peek() == Some(&'E') {
                                    chars.next();
                                    break;
                                }
                                lit.push(q);
                            }
                            out.push_str(&regex::escape(&lit));
                        }
                        _ => {
                            out.push('\\');
                            out.push(e);
                        }
                    },
                }
                class_start = false;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                continue;
            }
            '[' if in_class => {
                // A POSIX class such as `[:alpha:]`, or a literal `[` (which the regex crate would nest).
                if chars.peek() == Some(&':') {
                    out.push('[');
                } else {
                    out.push_str("\\[");
                }
            }
            ']' if in_class && class_start => out.push_str("\\]"),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' | '-' if in_class => {
                // The regex crate reads `&&`, `~~` and `--` as set operations; Go reads them literally.
                if chars.peek() == Some(&c) && c != '-' {
                    out.push('\\');
                    out.push(c);
                } else if c == '-' && chars.peek() == Some(&'-') {
                    out.push_str("\\-");
                } else {
                    out.push(c);
                }
            }
            '{' if !in_class => {
                // Go reads a `{` that does not start `{n}`, `{n,}` or `{n,m}` literally.
                let rest: Vec<char> = std::iter::once('{').chain(chars.clone()).collect();
                if repeat_end(&rest, 0).is_some() {
                    out.push('{');
                } else {
                    out.push_str("\\{");
                }
            }
            c => out.push(c),
        }
        class_start = false;
    }
    out
}

/// The first error Go's regexp parser reports for the mistakes templates make; `None` when it looks valid.
fn go_syntax_error(p: &str) -> Option<(&'static str, String)> {
    let b: Vec<char> = p.chars().collect();
    let mut depth = 0usize;
    let mut i = 0;
    // Whether an operand precedes (a repetition needs one) and whether it was itself repeated.
    let mut operand = false;
    let mut repeated: Option<usize> = None;
    while i < b.len() {
        let c = b[i];
        match c {
            '\\' => {
                if i + 1 >= b.len() {
                    return Some(("trailing backslash at end of expression", String::new()));
                }
                let e = b[i + 1];
                let ok = e.is_ascii_punctuation()
                    || matches!(e, 'a' | 'f' | 't' | 'n' | 'r' | 'v' | 'd' | 'D' | 's' | 'S' | 'w' | 'W')
                    || matches!(e, 'b' | 'B' | 'A' | 'z' | 'p' | 'P' | 'x' | 'Q' | 'E' | '0')
                    || (('1'..='7').contains(&e) && b.get(i + 2).is_some_and(|d| ('0'..='7').contains(d)));
                if !ok {
                    return Some(("invalid escape sequence", format!("\\{e}")));
                }
                if let Some(err) = class_escape_error(&b, i) {
                    return Some(err);
                }
                if e == 'Q' {
                    let rest: String = b[i + 2..].iter().collect();
                    let skip = rest.find("\\E").map_or(rest.chars().count(), |n| rest[..n].chars().count() + 2);
                    i += 2 + skip;
                } else {
                    i += 2;
                }
                operand = true;
                repeated = None;
                continue;
            }
            '(' => {
                operand = false;
                repeated = None;
                if b.get(i + 1) == Some(&'?') {
                    match b.get(i + 2) {
                        Some('=' | '!') => {
                            return Some(("invalid or unsupported Perl syntax", format!("(?{}", b[i + 2])));
                        }
                        Some('<') if matches!(b.get(i + 3), Some('=' | '!')) => {
                            return Some(("invalid or unsupported Perl syntax", format!("(?<{}", b[i + 3])));
                        }
                        Some('P' | '<') => {
                            // A named group: its name must be a non-empty word.
                            let start = if b[i + 2] == 'P' { i + 4 } else { i + 3 };
                            if b[i + 2] == 'P' && b.get(i + 3) != Some(&'<') {
                                return Some((
                                    "invalid or unsupported Perl syntax",
                                    b[i..(i + 4).min(b.len())].iter().collect(),
                                ));
                            }
                            match b[i..].iter().position(|c| *c == '>') {
                                Some(n) => {
                                    let name = &b[start.min(i + n)..i + n];
                                    if name.is_empty() || !name.iter().all(|c| c.is_ascii_alphanumeric() || *c == '_') {
                                        return Some(("invalid named capture", b[i..=i + n].iter().collect()));
                                    }
                                    i += n + 1;
                                }
                                None => return Some(("invalid named capture", b[i..].iter().collect())),
                            }
                            depth += 1;
                            continue;
                        }
                        _ => {
                            // Flags: `(?i)` sets them, `(?i:` opens a group.
                            let mut j = i + 2;
                            while j < b.len() && matches!(b[j], 'i' | 'm' | 's' | 'U' | '-') {
                                j += 1;
                            }
                            match b.get(j) {
                                Some(')') => {
                                    i = j + 1;
                                    continue;
                                }
                                Some(':') => {
                                    depth += 1;
                                    i = j + 1;
                                    continue;
                                }
                                _ => {
                                    let end = (j + 1).min(b.len());
                                    return Some(("invalid or unsupported Perl syntax", b[i..end].iter().collect()));
                                }
                            }
                        }
                    }
                }
                depth += 1;
            }
            ')' => {
                if depth == 0 {
                    return Some(("unexpected )", p.to_owned()));
                }
                depth -= 1;
                operand = true;
                repeated = None;
            }
            '|' => {
                operand = false;
                repeated = None;
            }
            '[' => {
                let start = i;
                i += 1;
                if b.get(i) == Some(&'^') {
                    i += 1;
                }
                if b.get(i) == Some(&']') {
                    i += 1;
                }
                let mut closed = false;
                // The last single character seen, for checking `lo-hi` ranges.
                let mut prev: Option<(usize, char)> = None;
                while i < b.len() {
                    match b[i] {
                        '\\' => {
                            if let Some(e) = class_escape_error(&b, i) {
                                return Some(e);
                            }
                            prev = b.get(i + 1).filter(|c| c.is_ascii_punctuation()).map(|c| (i, *c));
                            i += 2;
                        }
                        '[' if b.get(i + 1) == Some(&':') => {
                            let rest: String = b[i..].iter().collect();
                            if let Some(n) = rest.find(":]") {
                                let name = rest[2..n].trim_start_matches('^');
                                const POSIX: [&str; 14] = [
                                    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print",
                                    "punct", "space", "upper", "word", "xdigit",
                                ];
                                if !POSIX.contains(&name) {
                                    return Some(("invalid character class range", rest[..n + 2].to_owned()));
                                }
                                i += rest[..n].chars().count() + 2;
                                prev = None;
                            } else {
                                prev = Some((i, '['));
                                i += 1;
                            }
                        }
                        ']' => {
                            closed = true;
                            break;
                        }
                        '-' if prev.is_some() && b.get(i + 1).is_some_and(|c| *c != ']') => {
                            let (lo_at, lo) = prev.take().unwrap_or((i, '-'));
                            let hi = b[i + 1];
                            let hi = if hi == '\\' { b.get(i + 2).copied().unwrap_or(hi) } else { hi };
                            let end = if b[i + 1] == '\\' { i + 3 } else { i + 2 };
                            if hi < lo {
                                return Some((
                                    "invalid character class range",
                                    b[lo_at..end.min(b.len())].iter().collect(),
                                ));
                            }
                            i = end;
                        }
                        c => {
                            prev = Some((i, c));
                            i += 1;
                        }
                    }
                }
                if !closed {
                    return Some(("missing closing ]", b[start..].iter().collect()));
                }
                operand = true;
                repeated = None;
            }
            '*' | '+' | '?' | '{' => {
                let mut end = i + 1;
                if c == '{' {
                    match repeat_end(&b, i) {
                        Some((e, min, max)) => {
                            if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                                return Some(("invalid repeat count", b[i..e].iter().collect()));
                            }
                            end = e;
                        }
                        None => {
                            operand = true;
                            repeated = None;
                            i += 1;
                            continue;
                        }
                    }
                }
                if b.get(end) == Some(&'?') {
                    end += 1;
                }
                if let Some(prev) = repeated {
                    return Some(("invalid nested repetition operator", b[prev..end].iter().collect()));
                }
                if !operand {
                    return Some(("missing argument to repetition operator", b[i..end].iter().collect()));
                }
                repeated = Some(i);
                i = end;
                continue;
            }
            _ => {
                operand = true;
                repeated = None;
            }
        }
        i += 1;
    }
    if depth > 0 {
        return Some(("missing closing )", p.to_owned()));
    }
    None
}

/// Go's error for a `\pX` escape naming no Unicode class (one-letter names only; braces are left to the engine).
fn class_escape_error(b: &[char], i: usize) -> Option<(&'static str, String)> {
    if !matches!(b.get(i + 1), Some('p' | 'P')) {
        return None;
    }
    match b.get(i + 2) {
        Some('{') | None => None,
        Some(c) if "CLMNPSZ".contains(*c) => None,
        Some(c) => Some(("invalid character class range", format!("\\{}{c}", b[i + 1]))),
    }
}

/// A `{n}`, `{n,}` or `{n,m}` at `i`: its end, minimum and maximum.
fn repeat_end(b: &[char], i: usize) -> Option<(usize, u64, Option<u64>)> {
    let mut j = i + 1;
    let num = |j: &mut usize| -> Option<u64> {
        let s = *j;
        while *j < b.len() && b[*j].is_ascii_digit() {
            *j += 1;
        }
        if *j == s {
            return None;
        }
        b[s..*j].iter().collect::<String>().parse().ok().or(Some(u64::MAX))
    };
    let min = num(&mut j)?;
    let max = if b.get(j) == Some(&',') {
        j += 1;
        if b.get(j) == Some(&'}') { None } else { Some(num(&mut j)?) }
    } else {
        Some(min)
    };
    if b.get(j) != Some(&'}') {
        return None;
    }
    Some((j + 1, min, max))
}

/// The width of the character at `pos` (1 past the end, as Go advances).
fn width_at(s: &str, pos: usize) -> usize {
    s[pos..].chars().next().map_or(1, char::len_utf8)
}

/// Go's `allMatches`: every match, an empty one right after a match skipped, at most `n` (`n < 0`: all).
fn all_matches<'h>(re: &Regex, s: &'h str, n: i64) -> Vec<Captures<'h>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while (n < 0 || (out.len() as i64) < n) && pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else { break };
        let m = caps.get(0).map_or(0..0, |m| m.range());
        let mut accept = true;
        if m.end == pos {
            if Some(m.start) == prev_end {
                accept = false;
            }
            pos += width_at(s, pos);
        } else {
            pos = m.end;
        }
        prev_end = Some(m.end);
        if accept {
            out.push(caps);
        }
    }
    out
}

/// Go's `extract` for `$name` and `${name}`: the name, its number if numeric, the rest.
fn extract(t: &str) -> Option<(&str, Option<usize>, &str)> {
    let (brace, t) = match t.strip_prefix('{') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let end = t
        .char_indices()
        .find(|(_, c)| !(super::unicode::is_letter(*c) || super::unicode::is_digit(*c) || *c == '_'))
        .map_or(t.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &t[..end];
    let mut rest = &t[end..];
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let mut num: Option<usize> = Some(0);
    for c in name.bytes() {
        num = match num {
            Some(n) if c.is_ascii_digit() && n < 100_000_000 => Some(n * 10 + usize::from(c - b'0')),
            _ => None,
        };
    }
    if name.starts_with('0') && name.len() > 1 {
        num = None;
    }
    Some((name, num, rest))
}

/// Go's `Regexp.ExpandString` of a replacement template for one match.
fn expand(re: &Regex, template: &str, caps: &Captures<'_>, out: &mut String) {
    let mut t = template;
    while let Some(i) = t.find('$') {
        out.push_str(&t[..i]);
        t = &t[i + 1..];
        if let Some(rest) = t.strip_prefix('$') {
            out.push('$');
            t = rest;
            continue;
        }
        let Some((name, num, rest)) = extract(t) else {
            out.push('$');
            continue;
        };
        t = rest;
        let group = match num {
            Some(n) => caps.get(n),
            None => re
                .capture_names()
                .enumerate()
                .filter(|(_, g)| {
                    g.is_some_and(|g| g == name || g.split_once(DUP).is_some_and(|(base, _)| base == name))
                })
                .find_map(|(i, _)| caps.get(i)),
        };
        if let Some(m) = group {
            out.push_str(m.as_str());
        }
    }
    out.push_str(t);
}

/// Go's `replaceAll`.
fn replace_with(re: &Regex, s: &str, mut repl: impl FnMut(&Captures<'_>, &mut String)) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_end = 0;
    let mut pos = 0;
    while pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else { break };
        let m = caps.get(0).map_or(0..0, |m| m.range());
        out.push_str(&s[last_end..m.start]);
        if m.end > last_end || m.start == 0 {
            repl(&caps, &mut out);
        }
        last_end = m.end;
        let width = if pos < s.len() { width_at(s, pos) } else { 0 };
        if pos + width > m.end {
            pos += width;
        } else if pos + 1 > m.end {
            pos += 1;
        } else {
            pos = m.end;
        }
    }
    out.push_str(&s[last_end..]);
    out
}

fn go_split(re: &Regex, pattern: &str, s: &str, n: i64) -> Value {
    if n == 0 {
        return nil_strings();
    }
    if !pattern.is_empty() && s.is_empty() {
        return strings(vec![String::new()]);
    }
    let matches = all_matches(re, s, n);
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for caps in &matches {
        if n > 0 && parts.len() as i64 == n - 1 {
            break;
        }
        let m = caps.get(0).map_or(0..0, |m| m.range());
        end = m.start;
        if m.end != 0 {
            parts.push(s[beg..end].to_owned());
        }
        beg = m.end;
    }
    if end != s.len() {
        parts.push(s[beg..].to_owned());
    }
    strings(parts)
}

fn find_all_value(re: &Regex, s: &str, n: i64) -> Value {
    let found: Vec<String> =
        all_matches(re, s, n).iter().map(|c| c.get(0).map_or("", |m| m.as_str()).to_owned()).collect();
    if found.is_empty() { nil_strings() } else { strings(found) }
}

fn regex_match(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(compile(str(a, 0)).is_ok_and(|re| re.is_match(str(a, 1)))))
}

fn must_regex_match(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(compile(str(a, 0))?.is_match(str(a, 1))))
}

fn find_all(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(find_all_value(&must_compile(str(a, 0))?, str(a, 1), int(a, 2)))
}

fn must_find_all(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(find_all_value(&compile(str(a, 0))?, str(a, 1), int(a, 2)))
}

fn find(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let re = must_compile(str(a, 0))?;
    Ok(Value::from(re.find(str(a, 1)).map_or("", |m| m.as_str())))
}

fn must_find(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let re = compile(str(a, 0))?;
    Ok(Value::from(re.find(str(a, 1)).map_or("", |m| m.as_str())))
}

fn replace_expand(re: &Regex, s: &str, template: &str) -> Value {
    Value::from(replace_with(re, s, |caps, out| expand(re, template, caps, out)))
}

fn replace_all(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(replace_expand(&must_compile(str(a, 0))?, str(a, 1), str(a, 2)))
}

fn must_replace_all(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(replace_expand(&compile(str(a, 0))?, str(a, 1), str(a, 2)))
}

fn replace_all_literal(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let re = must_compile(str(a, 0))?;
    Ok(Value::from(replace_with(&re, str(a, 1), |_, out| out.push_str(str(a, 2)))))
}

fn must_replace_all_literal(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let re = compile(str(a, 0))?;
    Ok(Value::from(replace_with(&re, str(a, 1), |_, out| out.push_str(str(a, 2)))))
}

fn split(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(go_split(&must_compile(str(a, 0))?, str(a, 0), str(a, 1), int(a, 2)))
}

fn must_split(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(go_split(&compile(str(a, 0))?, str(a, 0), str(a, 1), int(a, 2)))
}

fn quote_meta(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut out = String::new();
    for c in str(a, 0).chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_semantics() {
        let re = compile("a*").unwrap();
        assert_eq!(replace_with(&re, "baaac", |_, o| o.push('X')), "XbXcX");
        let re = compile(r"(\w+)@(\w+)").unwrap();
        let mut out = String::new();
        let caps = re.captures("joe@example").unwrap();
        expand(&re, "${2}/$1x/$1/$$", &caps, &mut out);
        assert_eq!(out, "example//joe/$");
        assert_eq!(compile("(a").unwrap_err(), "error parsing regexp: missing closing ): `(a`");
        assert_eq!(compile("a**").unwrap_err(), "error parsing regexp: invalid nested repetition operator: `**`");
        assert!(compile(r"\d+").unwrap().is_match("42"));
        assert!(!compile(r"^\w+$").unwrap().is_match("é"));
    }
}

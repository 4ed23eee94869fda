//! `toYamlPretty`: go-yaml v3's `Encoder` with `SetIndent(2)` over the template's Go values
//! (no JSON round trip, unlike `toYaml`): floats in Go's `%g` (`1e+06`), sequences indented under
//! their key, no line folding, strings quoted by v3's rules (double quotes for what would read
//! back as another type, the emitter's single quotes or escapes where plain text cannot stand),
//! multi-line strings as literal blocks, map keys in v3's natural order, `time.Time` as RFC 3339.

use std::cmp::Ordering;

use crate::gofmt::format_float;
use crate::value::{Kind, Value};

/// The deepest nesting written (a map that contains itself would never end).
const MAX_DEPTH: usize = 10_000;
/// The longest key written as a simple key (`key: value`).
const MAX_SIMPLE_KEY: usize = 128;
/// go-yaml's indent.
const INDENT: usize = 2;

/// The YAML text (the encoder's output without its final newline, as Helm trims it); `None`
/// for a value with no YAML form here.
pub fn to_yaml_pretty(v: &Value) -> Option<String> {
    let node = node(v, 0)?;
    let mut out = String::new();
    match &node {
        Node::Map(entries) if !entries.is_empty() => write_map(&mut out, entries, 0, true),
        Node::Seq(items) if !items.is_empty() => write_seq(&mut out, items, 0, true),
        other => write_inline(&mut out, other, 0),
    }
    if out.ends_with('\n') {
        out.pop();
    }
    Some(out)
}

/// A value as the encoder sees it.
enum Node {
    /// A scalar: its text and how it is written.
    Scalar(String, Style),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping: a map's keys sorted, a struct's fields in order.
    Map(Vec<(String, Node)>),
}

/// How v3 asks for a scalar to be written (the emitter may still change it).
#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// A plain scalar that needs no check (numbers, booleans, null, times).
    Fixed,
    /// A string: plain if the emitter allows.
    Plain,
    /// A string the emitter single-quotes.
    Single,
    /// A string that would read back as another type.
    Double,
    /// A string with line breaks.
    Literal,
}

fn node(v: &Value, depth: usize) -> Option<Node> {
    if depth > MAX_DEPTH {
        return None;
    }
    let fixed = |s: String| Some(Node::Scalar(s, Style::Fixed));
    match v {
        Value::Invalid | Value::Nil => fixed("null".to_owned()),
        Value::Bool(b) => fixed(b.to_string()),
        Value::Int(n) | Value::Int64(n) => fixed(n.to_string()),
        Value::Float64(f) => fixed(float_text(*f)),
        Value::String(s) => Some(string_node(s)),
        Value::List(l) => Some(Node::Seq(l.iter().map(|e| node(e, depth + 1)).collect::<Option<_>>()?)),
        Value::Map(m) => map_node(m.snapshot().iter().map(|(k, v)| (k.to_string(), v.clone())).collect(), depth),
        Value::Object(o) => {
            if o.is_nil() {
                return match o.kind() {
                    Kind::Slice => Some(Node::Seq(Vec::new())),
                    Kind::Map => Some(Node::Map(Vec::new())),
                    _ => fixed("null".to_owned()),
                };
            }
            if o.type_name() == "time.Time" {
                let t = crate::sprig::date::time_arg(v)?;
                return fixed(t.format("2006-01-02T15:04:05.999999999Z07:00"));
            }
            match o.kind() {
                Kind::Bool => fixed(v.is_true().to_string()),
                Kind::Int => fixed(o.int()?.to_string()),
                Kind::Uint => fixed(o.uint()?.to_string()),
                Kind::Float => fixed(float_text(o.float()?)),
                Kind::String => Some(string_node(o.str()?)),
                Kind::Slice => {
                    Some(Node::Seq(o.elements()?.iter().map(|e| node(e, depth + 1)).collect::<Option<_>>()?))
                }
                Kind::Map => map_node(o.fields().into_iter().map(|(k, v)| (k.into_owned(), v)).collect(), depth),
                // A struct (or a pointer to one): v3 writes every field, in declaration order, under
                // its lower-cased Go name (the structs here have no yaml tags); an embedded struct
                // is a field like any other.
                // Others (a semver version...) write themselves as text, as their JSON form reads.
                Kind::Struct | Kind::Pointer => {
                    let fields = o.fields();
                    if fields.is_empty() {
                        return node(&Value::from(&crate::helm::to_chart_value(v)?), depth + 1);
                    }
                    Some(Node::Map(
                        fields
                            .into_iter()
                            .map(|(k, v)| Some((k.to_lowercase(), node(&v, depth + 1)?)))
                            .collect::<Option<_>>()?,
                    ))
                }
                _ => node(&Value::from(&crate::helm::to_chart_value(v)?), depth + 1),
            }
        }
    }
}

fn map_node(mut entries: Vec<(String, Value)>, depth: usize) -> Option<Node> {
    entries.sort_by(|a, b| key_order(&a.0, &b.0));
    Some(Node::Map(entries.iter().map(|(k, v)| Some((k.clone(), node(v, depth + 1)?))).collect::<Option<_>>()?))
}

/// v3's float text: Go's shortest `%g`, with YAML's names for infinities and NaN.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        format_float(f, 'g', -1)
    }
}

/// v3's `stringv`: literal for line breaks, plain when the text reads back as a string (and is
/// no YAML 1.1 boolean or sexagesimal number), double-quoted otherwise.
fn string_node(s: &str) -> Node {
    let style = if s.contains('\n') {
        Style::Literal
    } else if resolves_as_string(s) && !is_old_bool(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    };
    Node::Scalar(s.to_owned(), style)
}

fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF"
    )
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) && i - start < 2 {
            i += 1;
        }
        match i - start {
            1 => {}
            2 if b[start] <= b'5' => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Whether v3's resolver reads the plain text back as a string (not null, bool, number,
/// timestamp or merge key).
fn resolves_as_string(s: &str) -> bool {
    match s {
        "" | "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => {
            return false;
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN"
        | ".NAN" => return false,
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return true;
    }
    if first == b'.' {
        // Not a table entry: Go's ParseFloat decides.
        return s.parse::<f64>().is_err();
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    !(go_parse_int(s) || chart_model::yaml::is_yaml_style_float(&plain) || is_binary_int(&plain) || is_timestamp(s))
}

/// v3 drops every underscore, then tries Go's `strconv.ParseInt(s, 0, 64)` (and `ParseUint`):
/// decimal, `0x`, `0o`, `0b`, or a leading-zero octal.
fn go_parse_int(s: &str) -> bool {
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    let (negative, body) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let lower = body.to_ascii_lowercase();
    let (digits, radix) = if let Some(r) = lower.strip_prefix("0x") {
        (r, 16)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (r, 8)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (r, 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8)
    } else {
        (lower.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    match u64::from_str_radix(digits, radix) {
        Ok(n) => !negative || n <= i64::MAX as u64 + 1,
        Err(_) => false,
    }
}

/// v3 reads `0b1010` and `-0b1010` as integers.
fn is_binary_int(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    body.strip_prefix("0b").is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c == b'0' || c == b'1'))
}

/// v3's timestamp forms: `2006-1-2`, optionally followed by `T`/`t`/space and `15:4:5` with
/// fractions and a zone.
fn is_timestamp(s: &str) -> bool {
    let layouts =
        ["2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"];
    let b = s.as_bytes();
    // v3 checks the shape first: four digits and a dash.
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let utc = crate::sprig::date::Location::utc();
    layouts.iter().any(|l| crate::sprig::date::parse_in_location(l, s, &utc).is_ok())
}

/// v3's `keyList.Less` for string keys: runs of digits compare as numbers, letters before
/// other characters after a digit run...
fn key_order(a: &str, b: &str) -> Ordering {
    if less(a, b) {
        Ordering::Less
    } else if less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            digits = ar[i].is_numeric();
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_numeric() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_numeric() {
            an = an.wrapping_mul(10).wrapping_add(i64::from(ar[ai].to_digit(10).unwrap_or(0)));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_numeric() {
            bn = bn.wrapping_mul(10).wrapping_add(i64::from(br[bi].to_digit(10).unwrap_or(0)));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

// ---- the emitter ----

fn newline_indent(out: &mut String, indent: usize) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A block mapping whose keys sit at column `indent`; the first key continues the current
/// line when `inline` (after `- `).
fn write_map(out: &mut String, entries: &[(String, Node)], indent: usize, inline: bool) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 || !inline {
            newline_indent(out, indent);
        }
        if k.len() > MAX_SIMPLE_KEY || k.contains(is_break) {
            // Not a simple key: `? KEY` then `: VALUE` on a line of its own.
            out.push_str("? ");
            write_scalar(out, k, key_style(k), indent, false);
            newline_indent(out, indent);
        } else {
            write_scalar(out, k, key_style(k), indent, true);
        }
        out.push(':');
        match v {
            Node::Map(m) if !m.is_empty() => write_map(out, m, indent + INDENT, false),
            Node::Seq(s) if !s.is_empty() => write_seq(out, s, indent + INDENT, false),
            other => {
                out.push(' ');
                write_inline(out, other, indent);
            }
        }
    }
}

/// A block sequence whose dashes sit at column `indent`.
fn write_seq(out: &mut String, items: &[Node], indent: usize, inline: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            newline_indent(out, indent);
        }
        out.push_str("- ");
        match item {
            Node::Map(m) if !m.is_empty() => write_map(out, m, indent + INDENT, true),
            Node::Seq(s) if !s.is_empty() => write_seq(out, s, indent + INDENT, true),
            other => write_inline(out, other, indent),
        }
    }
}

/// An empty collection or a scalar, on the current line; `indent` is the column of the node
/// holding it (a literal block's lines go two further).
fn write_inline(out: &mut String, n: &Node, indent: usize) {
    match n {
        Node::Map(_) => out.push_str("{}"),
        Node::Seq(_) => out.push_str("[]"),
        Node::Scalar(s, style) => write_scalar(out, s, *style, indent, false),
    }
}

fn key_style(k: &str) -> Style {
    match string_node(k) {
        Node::Scalar(_, style) => style,
        _ => Style::Double,
    }
}

/// The emitter's analysis of a scalar (libyaml's `analyze_scalar`).
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(c: Option<char>) -> bool {
    c.is_none_or(|c| c == ' ' || c == '\t' || is_break(c) || c == '\0')
}

/// libyaml's `is_printable` (in UTF-8, four-byte characters are not).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}') && c != '\u{feff}'
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut block_indicators, mut special, mut tabs) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break, mut line_breaks) = (false, false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if s.starts_with("---") || s.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = is_blank_or_end(chars.get(1).copied());
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    block_indicators = true;
                }
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        let last = i + 1 == chars.len();
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank_or_end(Some(c));
        followed_by_whitespace = is_blank_or_end(chars.get(i + 2).copied());
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tabs || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// Writes a scalar in the style the emitter settles on.
fn write_scalar(out: &mut String, s: &str, style: Style, indent: usize, simple_key: bool) {
    if style == Style::Fixed {
        out.push_str(s);
        return;
    }
    let a = analyze(s);
    let mut style = style;
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::Double;
    }
    match style {
        Style::Plain | Style::Fixed => out.push_str(s),
        Style::Single => {
            out.push('\'');
            out.push_str(&s.replace('\'', "''"));
            out.push('\'');
        }
        Style::Double => write_double(out, s),
        Style::Literal => write_literal(out, s, indent + INDENT),
    }
}

fn write_double(out: &mut String, s: &str) {
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        let escape = !is_printable(c) || (i == 0 && c == '\u{feff}') || is_break(c) || c == '"' || c == '\\';
        if !escape {
            out.push(c);
            continue;
        }
        out.push('\\');
        match c {
            '\0' => out.push('0'),
            '\u{7}' => out.push('a'),
            '\u{8}' => out.push('b'),
            '\t' => out.push('t'),
            '\n' => out.push('n'),
            '\u{b}' => out.push('v'),
            '\u{c}' => out.push('f'),
            '\r' => out.push('r'),
            '\u{1b}' => out.push('e'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '\u{85}' => out.push('N'),
            '\u{a0}' => out.push('_'),
            '\u{2028}' => out.push('L'),
            '\u{2029}' => out.push('P'),
            c if (c as u32) <= 0xff => out.push_str(&format!("x{:02X}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("u{:04X}", c as u32)),
            c => out.push_str(&format!("U{:08X}", c as u32)),
        }
    }
    out.push('"');
}

/// A literal block: `|`, an indentation indicator when the text starts with a space or break,
/// the chomping indicator, then each line at `indent` (empty lines stay empty).
fn write_literal(out: &mut String, s: &str, indent: usize) {
    out.push('|');
    let chars: Vec<char> = s.chars().collect();
    if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
        out.push_str(&INDENT.to_string());
    }
    match chars.last() {
        Some(&c) if !is_break(c) => out.push('-'),
        None => out.push('-'),
        Some(_) if chars.len() == 1 || chars.get(chars.len() - 2).is_some_and(|&c| is_break(c)) => out.push('+'),
        Some(_) => {}
    }
    out.push('\n');
    let mut breaks = true;
    for c in chars {
        if is_break(c) {
            out.push('\n');
            breaks = true;
        } else {
            if breaks {
                out.extend(std::iter::repeat_n(' ', indent));
                breaks = false;
            }
            out.push(c);
        }
    }
}

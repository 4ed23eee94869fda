//! A fast, streaming reader for the block YAML that index writers produce
//! (Helm's `yaml.Marshal`, ChartMuseum, Harbor...): block mappings and
//! sequences, plain scalars (folded over lines), single-line quoted scalars,
//! literal block scalars, `[]` and `{}`.
//!
//! It builds one entry at a time and hands it to the decoder, so memory stays
//! near the size of the result. Anything outside that subset, and any input
//! that would be an error, makes it give up (`None`) so the caller uses the
//! full YAML reader, which gives Helm's exact behaviour and messages. Where
//! it answers, its answer is the full reader's (checked by tests).

use chart_model::value::{Map, Value};

use crate::index::decode::{self, Mode};
use crate::index::load::Builder;

/// Reads `data` into `builder`; `None` when the input is outside the subset
/// or fails to decode (nothing useful is then left in `builder`), and
/// go-yaml's strict-mode error when keys repeat within a mapping.
pub(crate) fn read(data: &[u8], builder: &mut Builder) -> Option<Result<(), String>> {
    let text = std::str::from_utf8(data).ok()?;
    if text.starts_with('\u{feff}') || text.contains(['\t', '\r']) {
        return None;
    }
    let mut reader = Reader { lines: Lines::new(text), duplicates: Vec::new(), decode_failed: false };
    reader.document(builder)?;
    if !reader.duplicates.is_empty() {
        return Some(Err(format!(
            "error converting YAML to JSON: yaml: unmarshal errors:\n  {}",
            reader.duplicates.join("\n  ")
        )));
    }
    // Decoding errors are reported in the full reader's order.
    (!reader.decode_failed).then_some(Ok(()))
}

#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    /// The text after the indentation (no newline).
    text: &'a str,
}

/// The lines of the input, with the current one replaceable (for the
/// mapping that starts on the same line as its `- `).
struct Lines<'a> {
    rest: &'a str,
    current: Option<Line<'a>>,
    /// The 1-based number of the current line.
    no: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = Lines { rest: text, current: None, no: 0 };
        lines.advance();
        lines
    }

    /// The current raw line (blank or comment lines included).
    fn peek(&self) -> Option<Line<'a>> {
        self.current
    }

    fn advance(&mut self) {
        if self.rest.is_empty() {
            self.current = None;
            self.no += 1;
            return;
        }
        let (line, rest) = match self.rest.find('\n') {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        self.no += 1;
        let text = line.trim_start_matches(' ');
        self.current = Some(Line { indent: line.len() - text.len(), text });
    }

    /// Skips blank and comment lines; the next line with content.
    fn content(&mut self) -> Option<Line<'a>> {
        while let Some(line) = self.current {
            if line.text.is_empty() || line.text.starts_with('#') {
                self.advance();
            } else {
                return Some(line);
            }
        }
        None
    }

    fn replace(&mut self, line: Line<'a>) {
        self.current = Some(line);
    }
}

struct Reader<'a> {
    lines: Lines<'a>,
    /// go-yaml's "key already set" messages, in order.
    duplicates: Vec<String>,
    decode_failed: bool,
}

impl Reader<'_> {
    /// Records a repeated key; go-yaml names the line where its value starts
    /// (for an empty value, the line of the next token).
    fn duplicate(&mut self, key: &str, rest: &str) {
        let line = if rest.is_empty() {
            let mut probe = Lines { rest: self.lines.rest, current: self.lines.current, no: self.lines.no };
            probe.advance();
            probe.content();
            probe.no
        } else {
            self.lines.no
        };
        self.duplicates.push(format!("line {line}: key {} already set in map", decode::go_quote(key)));
    }
}

impl<'a> Reader<'a> {
    fn document(&mut self, builder: &mut Builder) -> Option<()> {
        let first = self.lines.content()?;
        if first.indent == 0 && first.text == "---" {
            self.lines.advance();
        }
        let first = self.lines.content()?;
        if first.indent != 0 || first.text.starts_with("- ") || first.text == "-" {
            return None;
        }
        let mut seen: Vec<String> = Vec::new();
        while let Some(line) = self.lines.content() {
            if line.indent != 0 {
                return None;
            }
            let (key, rest) = split_key(line.text)?;
            if seen.contains(&key) {
                self.duplicate(&key, rest);
            }
            seen.push(key.clone());
            if decode::is_entries_key(&key) {
                self.entries(rest, builder)?;
            } else {
                let value = self.value_after_key(0, rest)?;
                if builder.top(&key, &value, Mode::Yaml).is_err() {
                    self.decode_failed = true;
                }
            }
        }
        Some(())
    }

    /// `entries:` read chart by chart, entry by entry.
    fn entries(&mut self, rest: &'a str, builder: &mut Builder) -> Option<()> {
        if !rest.is_empty() {
            return match rest {
                "{}" | "null" | "~" => {
                    self.lines.advance();
                    Some(())
                }
                _ => None,
            };
        }
        self.lines.advance();
        let first = self.lines.content()?;
        if first.indent == 0 {
            // `entries:` with nothing under it is null.
            return Some(());
        }
        let indent = first.indent;
        let mut seen: Vec<String> = Vec::new();
        while let Some(line) = self.lines.content() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (name, rest) = split_key(line.text)?;
            if seen.contains(&name) {
                self.duplicate(&name, rest);
            }
            seen.push(name.clone());
            builder.chart(&name);
            if !rest.is_empty() {
                match rest {
                    "[]" | "~" | "null" => {
                        self.lines.advance();
                        continue;
                    }
                    _ => return None,
                }
            }
            self.lines.advance();
            let Some(next) = self.lines.content() else { break };
            let is_item = next.text == "-" || next.text.starts_with("- ");
            if !is_item {
                if next.indent > indent {
                    return None;
                }
                continue;
            }
            if next.indent < indent {
                return None;
            }
            let seq_indent = next.indent;
            while let Some(item) = self.lines.content() {
                if item.indent != seq_indent || !(item.text == "-" || item.text.starts_with("- ")) {
                    if item.indent > seq_indent {
                        return None;
                    }
                    break;
                }
                let value = self.sequence_item(seq_indent, item)?;
                if builder.entry(&name, &value, Mode::Yaml).is_err() {
                    self.decode_failed = true;
                }
            }
        }
        Some(())
    }

    /// Any node starting at the current content line with indentation `indent`.
    fn node(&mut self, indent: usize) -> Option<Value> {
        let line = self.lines.content()?;
        if line.indent != indent {
            return None;
        }
        if line.text == "-" || line.text.starts_with("- ") { self.sequence(indent) } else { self.mapping(indent) }
    }

    fn sequence(&mut self, indent: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.lines.content() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            if !(line.text == "-" || line.text.starts_with("- ")) {
                break;
            }
            items.push(self.sequence_item(indent, line)?);
        }
        Some(Value::List(items))
    }

    /// One `- ` item of a sequence at `indent`; the current line is `line`.
    fn sequence_item(&mut self, indent: usize, line: Line<'a>) -> Option<Value> {
        let after = line.text.strip_prefix('-')?;
        let rest = after.trim_start_matches(' ');
        if rest.is_empty() {
            self.lines.advance();
            return match self.lines.content() {
                Some(next) if next.indent > indent => self.node(next.indent),
                _ => Some(Value::Null),
            };
        }
        if rest.starts_with('#') || rest.starts_with("- ") || rest == "-" {
            return None;
        }
        let column = indent + 1 + (after.len() - rest.len());
        if split_key(rest).is_some() {
            self.lines.replace(Line { indent: column, text: rest });
            return self.mapping(column);
        }
        self.scalar_value(indent, rest)
    }

    fn mapping(&mut self, indent: usize) -> Option<Value> {
        let mut map = Map::new();
        while let Some(line) = self.lines.content() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || line.text == "-" || line.text.starts_with("- ") {
                return None;
            }
            let (key, rest) = split_key(line.text)?;
            if map.contains_key(&key) {
                self.duplicate(&key, rest);
            }
            let value = self.value_after_key(indent, rest)?;
            map.insert(key, value);
        }
        Some(Value::Map(map))
    }

    /// The value of `key:` at `indent`, `rest` being what follows the colon on its line.
    fn value_after_key(&mut self, indent: usize, rest: &'a str) -> Option<Value> {
        if !rest.is_empty() {
            return self.scalar_value(indent, rest);
        }
        self.lines.advance();
        match self.lines.content() {
            Some(next) if next.indent > indent => self.node(next.indent),
            Some(next) if next.indent == indent && (next.text == "-" || next.text.starts_with("- ")) => {
                self.sequence(indent)
            }
            _ => Some(Value::Null),
        }
    }

    /// A scalar (or `[]`/`{}`) that starts on the current line after a key or
    /// `- ` whose line is indented by `indent`; consumes its lines.
    fn scalar_value(&mut self, indent: usize, rest: &'a str) -> Option<Value> {
        let first = rest.as_bytes()[0];
        let value = match first {
            b'"' => Value::String(double_quoted(rest)?),
            b'\'' => Value::String(single_quoted(rest)?),
            b'|' => return self.literal(indent, rest),
            b'[' | b'{' => match rest {
                "[]" => Value::List(Vec::new()),
                "{}" => Value::Map(Map::new()),
                _ => return None,
            },
            _ => return self.plain(indent, rest),
        };
        self.lines.advance();
        self.no_continuation(indent)?;
        Some(value)
    }

    /// Refuses a more-indented line after a complete value (that would be an error or a multi-line quoted scalar).
    fn no_continuation(&mut self, indent: usize) -> Option<()> {
        match self.lines.peek() {
            Some(next) if !next.text.is_empty() && next.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A plain scalar, possibly folded over more-indented lines.
    fn plain(&mut self, indent: usize, first: &'a str) -> Option<Value> {
        if !plain_line_ok(first) {
            return None;
        }
        let mut folded: Option<String> = None;
        self.lines.advance();
        while let Some(next) = self.lines.peek() {
            if next.text.is_empty() || next.indent <= indent {
                break;
            }
            if !plain_line_ok(next.text) || next.text.starts_with('#') {
                return None;
            }
            let text = folded.get_or_insert_with(|| first.to_string());
            text.push(' ');
            text.push_str(next.text.trim_end_matches(' '));
            self.lines.advance();
        }
        // A blank line followed by more of the scalar would fold into a line break: leave that to the full reader.
        if self.lines.peek().is_some_and(|l| l.text.is_empty()) {
            let mut probe = Lines { rest: self.lines.rest, current: self.lines.current, no: self.lines.no };
            if probe.content().is_some_and(|after| after.indent > indent) {
                return None;
            }
        }
        match folded {
            Some(text) => Some(Value::String(text)),
            None => resolve_plain(first.trim_end_matches(' ')),
        }
    }

    /// A literal block scalar (`|`, `|-`, `|+`).
    fn literal(&mut self, indent: usize, header: &'a str) -> Option<Value> {
        let chomp = match header {
            "|" => Chomp::Clip,
            "|-" => Chomp::Strip,
            "|+" => Chomp::Keep,
            _ => return None,
        };
        self.lines.advance();
        let mut content_indent: Option<usize> = None;
        let mut lines: Vec<std::borrow::Cow<'a, str>> = Vec::new();
        while let Some(line) = self.lines.peek() {
            if line.text.is_empty() {
                match content_indent {
                    // Leading blank lines longer than the content's indentation change its meaning.
                    None if line.indent > indent => return None,
                    None => lines.push("".into()),
                    Some(c) => lines.push(" ".repeat(line.indent.saturating_sub(c)).into()),
                }
                self.lines.advance();
                continue;
            }
            let ci = *content_indent.get_or_insert(line.indent);
            if ci <= indent {
                // No content: the block ends before this line.
                break;
            }
            if line.indent < ci {
                break;
            }
            let extra = line.indent - ci;
            lines.push(if extra == 0 {
                line.text.into()
            } else {
                format!("{}{}", " ".repeat(extra), line.text).into()
            });
            self.lines.advance();
        }
        let mut trailing = 0;
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
            trailing += 1;
        }
        let mut text = lines.join("\n");
        if !lines.is_empty() {
            match chomp {
                Chomp::Strip => {}
                Chomp::Clip => text.push('\n'),
                Chomp::Keep => text.push_str(&"\n".repeat(trailing + 1)),
            }
        } else if chomp == Chomp::Keep {
            text.push_str(&"\n".repeat(trailing));
        }
        Some(Value::String(text))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Clip,
    Strip,
    Keep,
}

/// Splits `key: rest` (or `key:`), for plain keys that are strings.
fn split_key(text: &str) -> Option<(String, &str)> {
    let b = text.as_bytes();
    let first = *b.first()?;
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'%'
            | b'@'
            | b'`'
    ) {
        return None;
    }
    let (key, rest) = if first == b'"' || first == b'\'' {
        let end = quoted_end(text)?;
        let rest = text[end..].strip_prefix(':')?;
        let key = if first == b'"' { double_quoted(&text[..end])? } else { single_quoted(&text[..end])? };
        (key, rest)
    } else {
        let colon = text.find(": ").or_else(|| text.strip_suffix(':').map(str::len))?;
        let key = &text[..colon];
        if key.ends_with(' ') || key.contains(" #") || key.len() > 1000 {
            return None;
        }
        match resolve_plain(key)? {
            Value::String(s) => (s, &text[colon + 1..]),
            _ => return None,
        }
    };
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let rest = rest.trim_start_matches(' ');
    if rest.starts_with('#') || rest.starts_with('&') || rest.starts_with('*') || rest.starts_with('!') {
        return None;
    }
    Some((key, rest.trim_end_matches(' ')))
}

/// Where a quoted scalar starting at byte 0 ends (just past its closing quote).
fn quoted_end(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let q = b[0];
    let mut i = 1;
    while i < b.len() {
        if q == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// A whole double-quoted scalar on one line (nothing but spaces after it).
fn double_quoted(text: &str) -> Option<String> {
    let end = quoted_end(text)?;
    if !text[end..].trim_end_matches(' ').is_empty() {
        return None;
    }
    let inner = &text[1..end - 1];
    if !inner.contains('\\') {
        return Some(inner.to_string());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let hex = |n: usize, chars: &mut std::str::Chars<'_>| -> Option<char> {
            let s: String = chars.by_ref().take(n).collect();
            if s.len() != n {
                return None;
            }
            char::from_u32(u32::from_str_radix(&s, 16).ok()?)
        };
        out.push(match e {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(2, &mut chars)?,
            'u' => hex(4, &mut chars)?,
            'U' => hex(8, &mut chars)?,
            _ => return None,
        });
    }
    Some(out)
}

/// A whole single-quoted scalar on one line.
fn single_quoted(text: &str) -> Option<String> {
    let end = quoted_end(text)?;
    if !text[end..].trim_end_matches(' ').is_empty() {
        return None;
    }
    Some(text[1..end - 1].replace("''", "'"))
}

/// Whether a line of a plain scalar holds nothing the full reader would treat specially.
fn plain_line_ok(text: &str) -> bool {
    let Some(&first) = text.as_bytes().first() else { return false };
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) {
        return false;
    }
    !(text.contains(": ") || text.ends_with(':') || text.contains(" #"))
}

/// What a one-line plain scalar resolves to, for the forms that are
/// unambiguous; `None` for anything the full reader should decide.
fn resolve_plain(s: &str) -> Option<Value> {
    let b = s.as_bytes();
    let first = *b.first()?;
    if first.is_ascii_digit() {
        if b.iter().all(u8::is_ascii_digit) {
            if (b.len() > 1 && first == b'0') || b.len() > 15 {
                return None;
            }
            #[allow(clippy::cast_precision_loss)]
            return s.parse::<u64>().ok().map(|n| Value::Float64(n as f64));
        }
        // Versions such as 1.2.3 or 12.x.x: two dots rule out numbers, and
        // without a `-` near the start it cannot be a timestamp.
        let dots = b.iter().filter(|c| **c == b'.').count();
        let simple = b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+'));
        let dash_early = b.iter().take(5).any(|c| *c == b'-');
        if b.len() > 1 && matches!(b[1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B') {
            return None;
        }
        // A letter that no number or timestamp has (hex digests such as 3a7f...).
        let wordish =
            b.iter().any(|c| c.is_ascii_alphabetic() && !matches!(c, b'e' | b'E' | b't' | b'T' | b'z' | b'Z'));
        return (simple && (dots >= 2 && !dash_early || wordish)).then(|| Value::String(s.to_string()));
    }
    if first >= 0x80
        || matches!(first, b'(' | b')' | b'$' | b'\\' | b'^' | b';' | b'/' | b'_')
        || (first == b'~' && b.len() > 1)
    {
        return Some(Value::String(s.to_string()));
    }
    if !first.is_ascii_alphabetic() {
        return None;
    }
    match s {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        "null" => Some(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "True" | "TRUE" | "False" | "FALSE"
        | "on" | "On" | "ON" | "off" | "Off" | "OFF" | "Null" | "NULL" => None,
        _ => Some(Value::String(s.to_string())),
    }
}

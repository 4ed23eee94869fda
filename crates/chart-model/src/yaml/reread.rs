//! What go-yaml v2 makes of the JSON text `json.Marshal` wrote, the middle
//! step of `sigs.k8s.io/yaml.Marshal`.
//!
//! Almost everything survives the trip unchanged; the exceptions come from
//! reading JSON as YAML 1.1. JSON leaves NEL (U+0085) unescaped and YAML
//! takes it for a line break, so inside a quoted string it is folded like
//! one (`a<NEL>b` reads back as `a b`) and it moves the line count; a key
//! longer than 1024 characters of JSON text, or spanning lines, is no longer
//! a key for go-yaml's scanner; and its reader refuses DEL, the C1 controls
//! and U+FFFE/U+FFFF. The first of these errors in the order of the JSON
//! text is the one reported, with go-yaml's message.

use std::collections::btree_map;

use crate::value::Value;
use crate::yaml::YamlError;

/// NEL, which YAML 1.1 reads as a line break.
pub(crate) const NEL: char = '\u{85}';

/// go-yaml's scanner refuses JSON nested deeper than this.
const MAX_DEPTH: usize = 10000;

/// How far after its start the `:` of a simple key may be (in characters).
const MAX_SIMPLE_KEY_LENGTH: usize = 1024;

/// Walks `value` in `json.Marshal`'s order and reports the first error
/// go-yaml would give reading the JSON text back.
pub(crate) fn check(value: &Value) -> Result<(), YamlError> {
    enum Frame<'a> {
        List(std::slice::Iter<'a, Value>),
        Map(btree_map::Iter<'a, String, Value>, usize),
    }
    // The line go-yaml's scanner is on: every NEL in the text so far starts a new one.
    let mut line = 0;
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(v) = next.take() {
            match v {
                Value::String(s) => {
                    check_string(s, line)?;
                    line += count_nel(s);
                }
                Value::List(items) => {
                    check_depth(stack.len() + 1, line)?;
                    stack.push(Frame::List(items.iter()));
                }
                Value::Map(map) => {
                    check_depth(stack.len() + 1, line)?;
                    stack.push(Frame::Map(map.iter(), line));
                }
                _ => {}
            }
        }
        match stack.last_mut() {
            None => return Ok(()),
            Some(Frame::List(items)) => match items.next() {
                Some(item) => next = Some(item),
                None => {
                    stack.pop();
                }
            },
            Some(Frame::Map(entries, map_line)) => match entries.next() {
                Some((key, item)) => {
                    check_string(key, line)?;
                    line += count_nel(key);
                    if count_nel(key) > 0 || json_length(key) + 2 > MAX_SIMPLE_KEY_LENGTH {
                        return Err(not_a_key(line, *map_line));
                    }
                    next = Some(item);
                }
                None => {
                    stack.pop();
                }
            },
        }
    }
}

/// A string as go-yaml reads it back from its JSON form: runs of spaces and
/// NELs that contain a NEL fold into one space, or into `n - 1` line feeds
/// for `n` NELs.
pub(crate) fn fold(s: &str) -> String {
    if !s.contains(NEL) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    loop {
        while let Some(&c) = chars.peek() {
            if c == ' ' || c == NEL {
                break;
            }
            out.push(c);
            chars.next();
        }
        if chars.peek().is_none() {
            return out;
        }
        // Spaces before the first break are kept only if no break follows;
        // spaces after it are indentation.
        let mut spaces = 0;
        let mut breaks = 0;
        while let Some(&c) = chars.peek() {
            match c {
                ' ' if breaks == 0 => spaces += 1,
                ' ' => {}
                NEL => breaks += 1,
                _ => break,
            }
            chars.next();
        }
        match breaks {
            0 => out.extend(std::iter::repeat_n(' ', spaces)),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
}

fn count_nel(s: &str) -> usize {
    s.chars().filter(|&c| c == NEL).count()
}

fn check_depth(depth: usize, line: usize) -> Result<(), YamlError> {
    if depth > MAX_DEPTH {
        return Err(YamlError::new(format!("yaml: {}exceeded max depth of {MAX_DEPTH}", scanner_line(line))));
    }
    Ok(())
}

/// The reader's refusals, and a document marker (`---` or `...` and a
/// blank) at the start of a line, which ends a quoted scalar in YAML.
fn check_string(s: &str, line: usize) -> Result<(), YamlError> {
    let refused = |c: char| {
        let c = c as u32;
        c == 0x7f || ((0x80..=0x9f).contains(&c) && c != 0x85) || c == 0xfffe || c == 0xffff
    };
    if s.chars().any(refused) {
        return Err(YamlError::new("yaml: control characters are not allowed"));
    }
    let mut line = line;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != ' ' && chars[i] != NEL {
            i += 1;
            continue;
        }
        // A run of blanks and breaks; the scanner is at column 0 after it if it ends with a break.
        let mut last = ' ';
        while let Some(&c @ (' ' | NEL)) = chars.get(i) {
            if c == NEL {
                line += 1;
            }
            last = c;
            i += 1;
        }
        let marker = chars.get(i..i + 3).is_some_and(|m| m == ['-'; 3] || m == ['.'; 3]);
        if last == NEL && marker && matches!(chars.get(i + 3), Some(&(' ' | NEL))) {
            return Err(YamlError::new(format!("yaml: {}found unexpected document indicator", scanner_line(line))));
        }
    }
    Ok(())
}

/// go-yaml numbers a scanner error's line from one, and leaves it out on the first line.
fn scanner_line(line: usize) -> String {
    if line == 0 { String::new() } else { format!("line {}: ", line + 1) }
}

/// The parser's error when a key is no simple key: it sees a key with no
/// value, then a `:` where a `,` or `}` must come. Parser errors print the
/// zero-based line of the `:`, or of the mapping's `{` when that is zero.
fn not_a_key(line: usize, map_line: usize) -> YamlError {
    let line = if line != 0 { line } else { map_line };
    let place = if line == 0 { String::new() } else { format!("line {line}: ") };
    YamlError::new(format!("yaml: {place}did not find expected ',' or '}}'"))
}

/// The length in characters of a string's JSON form without its quotes, as Go escapes it.
fn json_length(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_nel_as_yaml_does() {
        assert_eq!(fold("a\u{85}b"), "a b");
        assert_eq!(fold("\u{85}"), " ");
        assert_eq!(fold("a \u{85} b"), "a b");
        assert_eq!(fold("a\u{85}\u{85}b"), "a\nb");
        assert_eq!(fold("a  b"), "a  b");
    }
}

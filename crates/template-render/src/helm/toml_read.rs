//! `fromToml`: TOML read into Go values as BurntSushi/toml decodes into a
//! `map[string]interface{}` (integers int64, floats float64, tables maps, arrays
//! `[]interface{}`, date-times `time.Time`). Invalid documents give an error whose text is
//! mostly this port's, not BurntSushi's.

use std::collections::BTreeMap;

use chart_model::Value as V;

type Table = BTreeMap<String, V>;

/// What a date-time value is read into before it becomes a `time.Time`: this marker, the
/// index of its format in [`DATETIME_FORMATS`], `:`, and the normalised text.
pub(super) const TIME_MARK: &str = "\u{0}toml-datetime\u{0}";

/// BurntSushi's date-time formats, tried in order, and the zone each is read in: `None` for
/// `time.Local`, else the name of BurntSushi's fixed zone at the local offset.
pub(super) const DATETIME_FORMATS: &[(&str, Option<&str>)] = &[
    ("2006-01-02T15:04:05.999999999Z07:00", None),
    ("2006-01-02T15:04:05.999999999", Some("datetime-local")),
    ("2006-01-02", Some("date-local")),
    ("15:04:05.999999999", Some("time-local")),
    ("2006-01-02T15:04Z07:00", None),
    ("2006-01-02T15:04", Some("datetime-local")),
    ("15:04", Some("time-local")),
];

/// The zone a format of [`DATETIME_FORMATS`] reads in.
pub(super) fn datetime_zone(zone: Option<&str>) -> crate::sprig::date::Location {
    use crate::sprig::date::Location;
    match zone {
        None => Location::local(),
        Some(name) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
            Location::fixed(name, Location::local().lookup(now).1)
        }
    }
}

/// Reads a date-time as BurntSushi does (`t`, `z` and a space normalised, then each format
/// tried with `time.ParseInLocation`; a field missing its leading zero is refused).
fn datetime(text: &str) -> Result<V, String> {
    let value: String = text
        .chars()
        .map(|c| match c {
            'z' => 'Z',
            't' | ' ' => 'T',
            c => c,
        })
        .collect();
    let bad = || format!("invalid datetime: {text:?}");
    for (i, (format, zone)) in DATETIME_FORMATS.iter().enumerate() {
        if crate::sprig::date::parse_in_location(format, &value, &datetime_zone(*zone)).is_ok() {
            if missing_leading_zero(&value, format) {
                return Err(bad());
            }
            return Ok(V::String(format!("{TIME_MARK}{i}:{value}")));
        }
    }
    Err(bad())
}

/// Go's parser takes numbers without their leading zero; TOML does not: the separators must
/// sit where the layout has them.
fn missing_leading_zero(value: &str, layout: &str) -> bool {
    let v = value.as_bytes();
    for (i, &c) in layout.as_bytes().iter().enumerate() {
        if c == b'.' || c == b'Z' {
            return false;
        }
        if !c.is_ascii_digit() && v.get(i) != Some(&c) {
            return true;
        }
    }
    false
}

/// Parses a TOML document.
pub(super) fn parse(text: &str) -> Result<Table, String> {
    let mut p = Parser { s: text.as_bytes(), i: 0, line: 1 };
    let mut root = Table::new();
    let mut current: Vec<String> = Vec::new();
    loop {
        p.skip_ws_comments_newlines();
        if p.i >= p.s.len() {
            break;
        }
        if p.peek() == Some(b'[') {
            let array = p.s.get(p.i + 1) == Some(&b'[');
            p.i += if array { 2 } else { 1 };
            p.skip_ws();
            let key = p.key()?;
            p.skip_ws();
            p.expect(b']')?;
            if array {
                p.expect(b']')?;
            }
            p.end_of_line()?;
            if array {
                let (parent, last) = key.split_at(key.len() - 1);
                let table = descend(&mut root, parent, p.line)?;
                match table.entry(last[0].clone()).or_insert_with(|| V::List(Vec::new())) {
                    V::List(l) => l.push(V::Map(Table::new())),
                    _ => return Err(p.err(format!("key {:?} is not an array of tables", last[0]))),
                }
            } else {
                descend(&mut root, &key, p.line)?;
            }
            current = key;
            continue;
        }
        let key = p.key()?;
        p.skip_ws();
        p.expect(b'=')?;
        p.skip_ws();
        let value = p.value()?;
        p.end_of_line()?;
        let table = descend(&mut root, &current, p.line)?;
        let (parent, last) = key.split_at(key.len() - 1);
        let table = descend(table, parent, p.line)?;
        if table.contains_key(&last[0]) {
            return Err(p.err(format!("key {:?} has already been defined", last[0])));
        }
        table.insert(last[0].clone(), value);
    }
    Ok(root)
}

/// The table at `path`, creating tables on the way; an array of tables means its last element.
fn descend<'a>(mut table: &'a mut Table, path: &[String], line: usize) -> Result<&'a mut Table, String> {
    for k in path {
        let next = table.entry(k.clone()).or_insert_with(|| V::Map(Table::new()));
        table = match next {
            V::Map(m) => m,
            V::List(l) => match l.last_mut() {
                Some(V::Map(m)) => m,
                _ => return Err(format!("toml: line {line}: key {k:?} is not a table")),
            },
            _ => return Err(format!("toml: line {line}: key {k:?} is not a table")),
        };
    }
    Ok(table)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    line: usize,
}

impl Parser<'_> {
    fn err(&self, message: String) -> String {
        format!("toml: line {}: {message}", self.line)
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(format!("expected {:?}", b as char)))
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some(b'#') {
            while !matches!(self.peek(), None | Some(b'\n')) {
                self.i += 1;
            }
        }
    }

    fn skip_ws_comments_newlines(&mut self) {
        loop {
            self.skip_ws();
            self.skip_comment();
            match self.peek() {
                Some(b'\n') => {
                    self.line += 1;
                    self.i += 1;
                }
                Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => self.i += 1,
                _ => return,
            }
        }
    }

    fn end_of_line(&mut self) -> Result<(), String> {
        self.skip_ws();
        self.skip_comment();
        match self.peek() {
            None | Some(b'\n') => Ok(()),
            Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => Ok(()),
            Some(c) => Err(self.err(format!("expected a newline after a value, found {:?}", c as char))),
        }
    }

    fn key(&mut self) -> Result<Vec<String>, String> {
        let mut parts = Vec::new();
        loop {
            self.skip_ws();
            let part = match self.peek() {
                Some(b'"') => self.basic_string()?,
                Some(b'\'') => self.literal_string()?,
                _ => {
                    let start = self.i;
                    while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
                        self.i += 1;
                    }
                    if start == self.i {
                        return Err(self.err("expected a key".to_owned()));
                    }
                    String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
                }
            };
            parts.push(part);
            self.skip_ws();
            if self.peek() == Some(b'.') {
                self.i += 1;
            } else {
                return Ok(parts);
            }
        }
    }

    fn value(&mut self) -> Result<V, String> {
        match self.peek() {
            Some(b'"') => {
                if self.s[self.i..].starts_with(b"\"\"\"") {
                    self.multiline_basic().map(V::String)
                } else {
                    self.basic_string().map(V::String)
                }
            }
            Some(b'\'') => {
                if self.s[self.i..].starts_with(b"'''") {
                    self.multiline_literal().map(V::String)
                } else {
                    self.literal_string().map(V::String)
                }
            }
            Some(b'[') => self.array(),
            Some(b'{') => self.inline_table(),
            Some(b't') if self.s[self.i..].starts_with(b"true") => {
                self.i += 4;
                Ok(V::Bool(true))
            }
            Some(b'f') if self.s[self.i..].starts_with(b"false") => {
                self.i += 5;
                Ok(V::Bool(false))
            }
            Some(_) => self.number(),
            None => Err(self.err("expected a value".to_owned())),
        }
    }

    fn number(&mut self) -> Result<V, String> {
        let start = self.i;
        let token = |p: &mut Self| {
            while p.peek().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.' | b'_' | b':')) {
                p.i += 1;
            }
        };
        token(self);
        let looks_like_date = |t: &[u8]| t.len() >= 5 && t[..4].iter().all(u8::is_ascii_digit) && t[4] == b'-';
        let looks_like_time = |t: &[u8]| t.len() >= 3 && t[..2].iter().all(u8::is_ascii_digit) && t[2] == b':';
        let head = &self.s[start..self.i];
        if looks_like_date(head) || looks_like_time(head) {
            // A date and a time may be separated by one space.
            if head.len() == 10 && self.peek() == Some(b' ') && self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
                token(self);
            }
            let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
            return datetime(&text).map_err(|e| self.err(e));
        }
        let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
        let (sign, body) = match text.as_bytes().first() {
            Some(b'-') => (-1.0, &text[1..]),
            Some(b'+') => (1.0, &text[1..]),
            _ => (1.0, text.as_str()),
        };
        match body {
            "inf" => return Ok(V::Float64(sign * f64::INFINITY)),
            "nan" => return Ok(V::Float64(f64::NAN)),
            _ => {}
        }
        let bad = || self.err(format!("invalid value {text:?} (dates and times are not supported)"));
        if body.contains("__") || body.starts_with('_') || body.ends_with('_') {
            return Err(bad());
        }
        let clean: String = body.chars().filter(|c| *c != '_').collect();
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if let Some(digits) = clean.strip_prefix(prefix) {
                if sign < 0.0 || text.starts_with('+') {
                    return Err(bad());
                }
                return i64::from_str_radix(digits, radix).map(V::Int64).map_err(|_| bad());
            }
        }
        if clean.len() > 1 && clean.starts_with('0') && clean.as_bytes()[1].is_ascii_digit() {
            return Err(bad());
        }
        if clean.bytes().all(|c| c.is_ascii_digit()) && !clean.is_empty() {
            let n: i64 = format!("{}{clean}", if sign < 0.0 { "-" } else { "" }).parse().map_err(|_| bad())?;
            return Ok(V::Int64(n));
        }
        if clean.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
            && clean.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && !clean.ends_with('.')
            && !clean.contains(".e")
            && !clean.contains(".E")
        {
            let f: f64 = clean.parse().map_err(|_| bad())?;
            return Ok(V::Float64(sign * f));
        }
        Err(bad())
    }

    fn array(&mut self) -> Result<V, String> {
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws_comments_newlines();
            if self.peek() == Some(b']') {
                self.i += 1;
                return Ok(V::List(items));
            }
            items.push(self.value()?);
            self.skip_ws_comments_newlines();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {}
                _ => return Err(self.err("expected a comma or ] in an array".to_owned())),
            }
        }
    }

    fn inline_table(&mut self) -> Result<V, String> {
        self.i += 1;
        let mut table = Table::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(V::Map(table));
        }
        loop {
            let key = self.key()?;
            self.skip_ws();
            self.expect(b'=')?;
            self.skip_ws();
            let value = self.value()?;
            let (parent, last) = key.split_at(key.len() - 1);
            let t = descend(&mut table, parent, self.line)?;
            if t.insert(last[0].clone(), value).is_some() {
                return Err(self.err(format!("key {:?} has already been defined", last[0])));
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(V::Map(table));
                }
                _ => return Err(self.err("expected a comma or } in an inline table".to_owned())),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let c = self.peek().ok_or_else(|| self.err("unfinished escape".to_owned()))?;
        self.i += 1;
        match c {
            b'b' => out.push('\u{8}'),
            b't' => out.push('\t'),
            b'n' => out.push('\n'),
            b'f' => out.push('\u{c}'),
            b'r' => out.push('\r'),
            b'e' => out.push('\u{1b}'),
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'u' | b'U' => {
                let n = if c == b'u' { 4 } else { 8 };
                let hex = self.s.get(self.i..self.i + n).ok_or_else(|| self.err("short unicode escape".to_owned()))?;
                let code = u32::from_str_radix(&String::from_utf8_lossy(hex), 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| self.err("invalid unicode escape".to_owned()))?;
                out.push(code);
                self.i += n;
            }
            other => return Err(self.err(format!("invalid escape character {:?}", other as char))),
        }
        Ok(())
    }

    fn take_char(&mut self, out: &mut String) {
        let rest = &self.s[self.i..];
        let len = match rest[0] {
            b if b < 0x80 => 1,
            b if b >= 0xf0 => 4,
            b if b >= 0xe0 => 3,
            _ => 2,
        }
        .min(rest.len());
        out.push_str(&String::from_utf8_lossy(&rest[..len]));
        self.i += len;
    }

    fn basic_string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(self.err("unterminated string".to_owned())),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => self.take_char(&mut out),
            }
        }
    }

    fn literal_string(&mut self) -> Result<String, String> {
        self.i += 1;
        let start = self.i;
        while !matches!(self.peek(), None | Some(b'\'' | b'\n')) {
            self.i += 1;
        }
        if self.peek() != Some(b'\'') {
            return Err(self.err("unterminated string".to_owned()));
        }
        let out = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
        self.i += 1;
        Ok(out)
    }

    fn skip_first_newline(&mut self) {
        if self.s[self.i..].starts_with(b"\r\n") {
            self.i += 2;
            self.line += 1;
        } else if self.peek() == Some(b'\n') {
            self.i += 1;
            self.line += 1;
        }
    }

    fn multiline_basic(&mut self) -> Result<String, String> {
        self.i += 3;
        self.skip_first_newline();
        let mut out = String::new();
        loop {
            if self.s[self.i..].starts_with(b"\"\"\"") {
                self.i += 3;
                // Up to two more quotes belong to the string.
                while self.peek() == Some(b'"') {
                    out.push('"');
                    self.i += 1;
                }
                return Ok(out);
            }
            match self.peek() {
                None => return Err(self.err("unterminated string".to_owned())),
                Some(b'\\') => {
                    self.i += 1;
                    // A backslash ending a line swallows the newline and the next line's leading space.
                    let mut j = self.i;
                    while matches!(self.s.get(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                    if matches!(self.s.get(j), Some(b'\n' | b'\r')) {
                        self.i = j;
                        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            if self.peek() == Some(b'\n') {
                                self.line += 1;
                            }
                            self.i += 1;
                        }
                    } else {
                        self.escape(&mut out)?;
                    }
                }
                Some(b'\n') => {
                    self.line += 1;
                    out.push('\n');
                    self.i += 1;
                }
                Some(_) => self.take_char(&mut out),
            }
        }
    }

    fn multiline_literal(&mut self) -> Result<String, String> {
        self.i += 3;
        self.skip_first_newline();
        let start = self.i;
        loop {
            if self.s[self.i..].starts_with(b"'''") {
                let mut end = self.i;
                self.i += 3;
                while self.peek() == Some(b'\'') {
                    self.i += 1;
                    end += 1;
                }
                return Ok(String::from_utf8_lossy(&self.s[start..end]).into_owned());
            }
            match self.peek() {
                None => return Err(self.err("unterminated string".to_owned())),
                Some(b'\n') => self.line += 1,
                _ => {}
            }
            self.i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents() {
        let t = parse("a = 1\nb = 'x'\n[s]\nc = [1.5, \"q\\n\"]\nd = {e = true}\n[[arr]]\nn = 1\n[[arr]]\nn = 2\n")
            .unwrap();
        assert_eq!(t["a"], V::Int64(1));
        assert_eq!(t["b"], V::String("x".into()));
        let s = t["s"].as_map().unwrap();
        assert_eq!(s["c"], V::List(vec![V::Float64(1.5), V::String("q\n".into())]));
        assert!(matches!(&t["arr"], V::List(l) if l.len() == 2));
        assert!(parse("a = ").is_err());
        assert!(parse("a = 1\na = 2").is_err());
    }
}

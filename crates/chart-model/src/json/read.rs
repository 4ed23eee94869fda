//! Reading JSON as Go's `json.Unmarshal` into an `interface{}` does.
//!
//! Go first checks the whole input with its scanner (a byte-at-a-time state
//! machine whose states name the syntax error), then decodes. We do the same
//! so that every syntax error has Go's words: `invalid character 'x' looking
//! for beginning of value`, `unexpected end of JSON input`, and so on. Both
//! passes keep their own stacks, so nesting is bounded by Go's limit (10000)
//! and never by ours.

use crate::json::JsonError;
use crate::value::{Map, Value};

/// Go's `maxNestingDepth`.
const MAX_NESTING_DEPTH: usize = 10000;

/// See [`crate::json::from_slice`].
pub(crate) fn from_slice(data: &[u8]) -> Result<Value, JsonError> {
    check_valid(data)?;
    decode(data)
}

/// What the scanner is inside of, for each open array or object.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ParseState {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// The scanner's states, one per Go `state*` function.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Literal(&'static [u8], usize),
    Error,
}

struct Scanner {
    step: Step,
    parse_state: Vec<ParseState>,
    end_top: bool,
    err: Option<String>,
}

/// Go's `checkValid`: runs the scanner over every byte, then signals the end.
fn check_valid(data: &[u8]) -> Result<(), JsonError> {
    let mut s = Scanner { step: Step::BeginValue, parse_state: Vec::new(), end_top: false, err: None };
    for &c in data {
        if !s.step(c) {
            return Err(s.error_value());
        }
    }
    // Go's `eof`: a space completes a number or reports what is missing.
    if s.err.is_some() {
        return Err(s.error_value());
    }
    if s.end_top {
        return Ok(());
    }
    s.step(b' ');
    if s.end_top && s.err.is_none() {
        return Ok(());
    }
    Err(JsonError::new(s.err.take().unwrap_or_else(|| "unexpected end of JSON input".to_owned())))
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

impl Scanner {
    fn error_value(&mut self) -> JsonError {
        JsonError::new(self.err.take().unwrap_or_else(|| "unexpected end of JSON input".to_owned()))
    }

    /// Records a syntax error; returns false (Go's `scanError`).
    fn error(&mut self, c: u8, context: &str) -> bool {
        self.step = Step::Error;
        self.err = Some(format!("invalid character {} {context}", quote_char(c)));
        false
    }

    fn push(&mut self, c: u8, state: ParseState) -> bool {
        self.parse_state.push(state);
        if self.parse_state.len() <= MAX_NESTING_DEPTH { true } else { self.error(c, "exceeded max depth") }
    }

    fn pop(&mut self) {
        self.parse_state.pop();
        if self.parse_state.is_empty() {
            self.step = Step::EndTop;
            self.end_top = true;
        } else {
            self.step = Step::EndValue;
        }
    }

    /// Feeds one byte; false means a syntax error was recorded.
    fn step(&mut self, c: u8) -> bool {
        match self.step {
            Step::BeginValueOrEmpty => {
                if is_space(c) {
                    return true;
                }
                if c == b']' {
                    return self.end_value(c);
                }
                self.begin_value(c)
            }
            Step::BeginValue => self.begin_value(c),
            Step::BeginStringOrEmpty => {
                if is_space(c) {
                    return true;
                }
                if c == b'}' {
                    if let Some(last) = self.parse_state.last_mut() {
                        *last = ParseState::ObjectValue;
                    }
                    return self.end_value(c);
                }
                self.begin_string(c)
            }
            Step::BeginString => self.begin_string(c),
            Step::EndValue => self.end_value(c),
            Step::EndTop => self.end_top_byte(c),
            Step::InString => {
                if c == b'"' {
                    self.step = Step::EndValue;
                } else if c == b'\\' {
                    self.step = Step::InStringEsc;
                } else if c < 0x20 {
                    return self.error(c, "in string literal");
                }
                true
            }
            Step::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.step = Step::InString;
                    true
                }
                b'u' => {
                    self.step = Step::InStringEscU(0);
                    true
                }
                _ => self.error(c, "in string escape code"),
            },
            Step::InStringEscU(n) => {
                if c.is_ascii_hexdigit() {
                    self.step = if n == 3 { Step::InString } else { Step::InStringEscU(n + 1) };
                    true
                } else {
                    self.error(c, "in \\u hexadecimal character escape")
                }
            }
            Step::Neg => match c {
                b'0' => {
                    self.step = Step::Zero;
                    true
                }
                b'1'..=b'9' => {
                    self.step = Step::One;
                    true
                }
                _ => self.error(c, "in numeric literal"),
            },
            Step::One => {
                if c.is_ascii_digit() {
                    return true;
                }
                self.zero(c)
            }
            Step::Zero => self.zero(c),
            Step::Dot => {
                if c.is_ascii_digit() {
                    self.step = Step::Dot0;
                    true
                } else {
                    self.error(c, "after decimal point in numeric literal")
                }
            }
            Step::Dot0 => {
                if c.is_ascii_digit() {
                    true
                } else if c == b'e' || c == b'E' {
                    self.step = Step::E;
                    true
                } else {
                    self.end_value(c)
                }
            }
            Step::E => {
                if c == b'+' || c == b'-' {
                    self.step = Step::ESign;
                    return true;
                }
                self.e_sign(c)
            }
            Step::ESign => self.e_sign(c),
            Step::E0 => {
                if c.is_ascii_digit() {
                    true
                } else {
                    self.end_value(c)
                }
            }
            Step::Literal(word, at) if word.get(at) == Some(&c) => {
                self.step = if at + 1 == word.len() { Step::EndValue } else { Step::Literal(word, at + 1) };
                true
            }
            Step::Literal(word, at) => {
                let expecting = word.get(at).copied().map(char::from).unwrap_or(' ');
                let name = String::from_utf8_lossy(word);
                self.error(c, &format!("in literal {name} (expecting '{expecting}')"))
            }
            Step::Error => false,
        }
    }

    fn begin_value(&mut self, c: u8) -> bool {
        if is_space(c) {
            return true;
        }
        match c {
            b'{' => {
                self.step = Step::BeginStringOrEmpty;
                self.push(c, ParseState::ObjectKey)
            }
            b'[' => {
                self.step = Step::BeginValueOrEmpty;
                self.push(c, ParseState::ArrayValue)
            }
            b'"' => {
                self.step = Step::InString;
                true
            }
            b'-' => {
                self.step = Step::Neg;
                true
            }
            b'0' => {
                self.step = Step::Zero;
                true
            }
            b't' => {
                self.step = Step::Literal(b"true", 1);
                true
            }
            b'f' => {
                self.step = Step::Literal(b"false", 1);
                true
            }
            b'n' => {
                self.step = Step::Literal(b"null", 1);
                true
            }
            b'1'..=b'9' => {
                self.step = Step::One;
                true
            }
            _ => self.error(c, "looking for beginning of value"),
        }
    }

    fn begin_string(&mut self, c: u8) -> bool {
        if is_space(c) {
            return true;
        }
        if c == b'"' {
            self.step = Step::InString;
            return true;
        }
        self.error(c, "looking for beginning of object key string")
    }

    fn zero(&mut self, c: u8) -> bool {
        match c {
            b'.' => {
                self.step = Step::Dot;
                true
            }
            b'e' | b'E' => {
                self.step = Step::E;
                true
            }
            _ => self.end_value(c),
        }
    }

    fn e_sign(&mut self, c: u8) -> bool {
        if c.is_ascii_digit() {
            self.step = Step::E0;
            true
        } else {
            self.error(c, "in exponent of numeric literal")
        }
    }

    fn end_value(&mut self, c: u8) -> bool {
        let Some(&state) = self.parse_state.last() else {
            self.step = Step::EndTop;
            self.end_top = true;
            return self.end_top_byte(c);
        };
        if is_space(c) {
            self.step = Step::EndValue;
            return true;
        }
        match state {
            ParseState::ObjectKey => {
                if c == b':' {
                    if let Some(last) = self.parse_state.last_mut() {
                        *last = ParseState::ObjectValue;
                    }
                    self.step = Step::BeginValue;
                    return true;
                }
                self.error(c, "after object key")
            }
            ParseState::ObjectValue => {
                if c == b',' {
                    if let Some(last) = self.parse_state.last_mut() {
                        *last = ParseState::ObjectKey;
                    }
                    self.step = Step::BeginString;
                    return true;
                }
                if c == b'}' {
                    self.pop();
                    return true;
                }
                self.error(c, "after object key:value pair")
            }
            ParseState::ArrayValue => {
                if c == b',' {
                    self.step = Step::BeginValue;
                    return true;
                }
                if c == b']' {
                    self.pop();
                    return true;
                }
                self.error(c, "after array element")
            }
        }
    }

    /// After the top-level value only spaces may follow; Go records the
    /// error here but reports it on the next byte (or at the end).
    fn end_top_byte(&mut self, c: u8) -> bool {
        if !is_space(c) {
            self.error(c, "after top-level value");
        }
        true
    }
}

/// Go's `quoteChar`: the byte as a rune in a Go character literal.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => format!("'{}'", go_quote_rune(char::from(c))),
    }
}

/// The body of `strconv.Quote` for one rune below U+0100.
fn go_quote_rune(c: char) -> String {
    match c {
        '\u{7}' => r"\a".into(),
        '\u{8}' => r"\b".into(),
        '\u{c}' => r"\f".into(),
        '\n' => r"\n".into(),
        '\r' => r"\r".into(),
        '\t' => r"\t".into(),
        '\u{b}' => r"\v".into(),
        '\\' => r"\\".into(),
        c if (c as u32) < 0x20 || c == '\u{7f}' => format!(r"\x{:02x}", c as u32),
        // strconv.IsPrint for Latin-1: the C1 controls, no-break space and soft hyphen are not printable.
        c if (0x80..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => format!(r"\u{:04x}", c as u32),
        c => c.to_string(),
    }
}

/// Decodes input the scanner accepted. Numbers that `strconv.ParseFloat`
/// refuses (out of range) become `nil` and the first such error is returned
/// at the end, as Go's `saveError` does.
fn decode(data: &[u8]) -> Result<Value, JsonError> {
    enum Frame {
        List(Vec<Value>),
        Map(Map, Option<String>),
    }
    let mut d = Decoder { data, pos: 0, saved: None };
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        // Read one value start: either a complete scalar or an opening bracket.
        d.skip_space();
        let mut value = match d.peek() {
            b'[' => {
                d.pos += 1;
                d.skip_space();
                if d.peek() == b']' {
                    d.pos += 1;
                    Some(Value::List(Vec::new()))
                } else {
                    stack.push(Frame::List(Vec::new()));
                    None
                }
            }
            b'{' => {
                d.pos += 1;
                d.skip_space();
                if d.peek() == b'}' {
                    d.pos += 1;
                    Some(Value::Map(Map::new()))
                } else {
                    let key = d.key();
                    stack.push(Frame::Map(Map::new(), Some(key)));
                    None
                }
            }
            _ => Some(d.scalar()),
        };
        // Hand finished values to their containers, closing every container that ends here.
        while let Some(v) = value.take() {
            match stack.last_mut() {
                None => return d.saved.map_or(Ok(v), Err),
                Some(Frame::List(items)) => {
                    items.push(v);
                    d.skip_space();
                    if d.peek() == b',' {
                        d.pos += 1;
                    } else {
                        d.pos += 1; // ']'
                        if let Some(Frame::List(items)) = stack.pop() {
                            value = Some(Value::List(items));
                        }
                    }
                }
                Some(Frame::Map(map, key)) => {
                    if let Some(k) = key.take() {
                        // A repeated key keeps the last value, as Go's map assignment does.
                        map.insert(k, v);
                    }
                    d.skip_space();
                    if d.peek() == b',' {
                        d.pos += 1;
                        *key = Some(d.key());
                    } else {
                        d.pos += 1; // '}'
                        if let Some(Frame::Map(map, _)) = stack.pop() {
                            value = Some(Value::Map(map));
                        }
                    }
                }
            }
        }
    }
}

struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
    saved: Option<JsonError>,
}

impl Decoder<'_> {
    fn peek(&self) -> u8 {
        self.data.get(self.pos).copied().unwrap_or(0)
    }

    fn skip_space(&mut self) {
        while is_space(self.peek()) {
            self.pos += 1;
        }
    }

    /// An object key and its colon.
    fn key(&mut self) -> String {
        self.skip_space();
        let key = self.string();
        self.skip_space();
        self.pos += 1; // ':'
        key
    }

    fn scalar(&mut self) -> Value {
        match self.peek() {
            b'"' => Value::String(self.string()),
            b't' => {
                self.pos += 4;
                Value::Bool(true)
            }
            b'f' => {
                self.pos += 5;
                Value::Bool(false)
            }
            b'n' => {
                self.pos += 4;
                Value::Null
            }
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Value {
        let start = self.pos;
        while matches!(self.peek(), b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.pos += 1;
        }
        let text = String::from_utf8_lossy(&self.data[start..self.pos]);
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Value::Float64(f),
            _ => {
                if self.saved.is_none() {
                    self.saved = Some(JsonError::new(format!(
                        "json: cannot unmarshal number {text} into Go value of type float64"
                    )));
                }
                Value::Null
            }
        }
    }

    /// A string the scanner accepted, unquoted as Go's `unquote` does:
    /// each byte of invalid UTF-8 and each unpaired surrogate becomes U+FFFD.
    fn string(&mut self) -> String {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while !matches!(self.peek(), b'"' | b'\\') && self.pos < self.data.len() {
                self.pos += 1;
            }
            for chunk in self.data[start..self.pos].utf8_chunks() {
                out.push_str(chunk.valid());
                for _ in chunk.invalid() {
                    out.push('\u{fffd}');
                }
            }
            match self.peek() {
                b'\\' => {
                    let esc = self.data.get(self.pos + 1).copied().unwrap_or(0);
                    self.pos += 2;
                    match esc {
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4(self.pos).unwrap_or(0xfffd);
                            self.pos += 4;
                            out.push(self.escaped_rune(first));
                        }
                        other => out.push(char::from(other)),
                    }
                }
                _ => {
                    self.pos += 1; // closing quote
                    return out;
                }
            }
        }
    }

    /// A `\u` escape, pairing a surrogate with a following `\u` escape when they form a pair.
    fn escaped_rune(&mut self, first: u32) -> char {
        if !(0xd800..0xe000).contains(&first) {
            return char::from_u32(first).unwrap_or('\u{fffd}');
        }
        if (0xd800..0xdc00).contains(&first)
            && self.data.get(self.pos) == Some(&b'\\')
            && self.data.get(self.pos + 1) == Some(&b'u')
            && let Some(second) = self.hex4(self.pos + 2)
            && (0xdc00..0xe000).contains(&second)
        {
            self.pos += 6;
            let c = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
            return char::from_u32(c).unwrap_or('\u{fffd}');
        }
        '\u{fffd}'
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.data.get(at..at + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        u32::from_str_radix(text, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> String {
        from_slice(input.as_bytes()).map_or_else(|e| e.to_string(), |v| format!("ok {v:?}"))
    }

    #[test]
    fn errors_as_go() {
        assert_eq!(err(""), "unexpected end of JSON input");
        assert_eq!(err("x"), "invalid character 'x' looking for beginning of value");
        assert_eq!(err("[1,]"), "invalid character ']' looking for beginning of value");
        assert_eq!(err("1 2"), "invalid character '2' after top-level value");
        assert_eq!(err("{\"a\" 1}"), "invalid character '1' after object key");
        assert_eq!(err("tru"), "invalid character ' ' in literal true (expecting 'e')");
        assert_eq!(err("[1,"), "unexpected end of JSON input");
        assert_eq!(err("trx"), "invalid character 'x' in literal true (expecting 'u')");
        assert_eq!(err("1e400"), "json: cannot unmarshal number 1e400 into Go value of type float64");
    }

    #[test]
    fn reads_as_go() {
        assert_eq!(from_slice(b"{\"a\":1,\"a\":[true,null,\"\\ud83d\\ude00\"]}").ok(), {
            let mut m = Map::new();
            m.insert("a".into(), Value::List(vec![Value::Bool(true), Value::Null, Value::String("😀".into())]));
            Some(Value::Map(m))
        });
        assert_eq!(from_slice(b" 12.5 ").ok(), Some(Value::Float64(12.5)));
    }
}

//! The lexer of Go's text/template: turns template text into tokens exactly as Go's `text/template/parse` does.
//!
//! Tokens are spans of the input (no allocation per token). Like Go's lexer, it is
//! pulled one token at a time by the parser, so an error late in the text is only
//! seen when the parser gets there. After an error the input is dropped, as Go does.

use std::cell::Cell;

use crate::quote::{go_quote, go_unicode, is_alphanumeric};

#[cfg(test)]
mod tests;

/// The kind of a token, in Go's order (`itemType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An error; its message is [`Lexer::error_message`].
    Error,
    /// `true` or `false`.
    Bool,
    /// A printable ASCII character: the grab bag for `,` and the like.
    Char,
    /// A character constant such as `'a'`.
    CharConstant,
    /// A complex constant such as `1+2i`.
    Complex,
    /// `=`.
    Assign,
    /// `:=`.
    Declare,
    /// The end of the input.
    Eof,
    /// An identifier starting with `.`, such as `.Values`.
    Field,
    /// An identifier not starting with `.`: a function name.
    Identifier,
    /// The left delimiter, `{{`.
    LeftDelim,
    /// `(` inside an action.
    LeftParen,
    /// A number, including an imaginary one.
    Number,
    /// `|`.
    Pipe,
    /// A raw string, quotes included.
    RawString,
    /// The right delimiter, `}}`.
    RightDelim,
    /// `)` inside an action.
    RightParen,
    /// A run of spaces separating arguments.
    Space,
    /// An interpreted string, quotes included.
    String,
    /// Plain text outside actions.
    Text,
    /// A variable such as `$` or `$x`.
    Variable,
    /// The `block` keyword.
    Block,
    /// The `break` keyword.
    Break,
    /// The `continue` keyword.
    Continue,
    /// The cursor, `.`.
    Dot,
    /// The `define` keyword.
    Define,
    /// The `else` keyword.
    Else,
    /// The `end` keyword.
    End,
    /// The `if` keyword.
    If,
    /// The `nil` keyword.
    Nil,
    /// The `range` keyword.
    Range,
    /// The `template` keyword.
    Template,
    /// The `with` keyword.
    With,
}

impl TokenKind {
    /// Whether Go counts this kind among its keywords (they print as `<word>` in messages).
    pub fn is_keyword(self) -> bool {
        matches!(
            self,
            Self::Block
                | Self::Break
                | Self::Continue
                | Self::Dot
                | Self::Define
                | Self::Else
                | Self::End
                | Self::If
                | Self::Nil
                | Self::Range
                | Self::Template
                | Self::With
        )
    }
}

/// One token: a kind and a span of the input ([`Lexer::line`] tells its line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Byte offset of its start in the input.
    pub pos: usize,
    /// Byte offset just past its end (equal to `pos` for errors).
    pub end: usize,
}

/// The pulled lexer over one template text.
#[derive(Debug)]
pub struct Lexer<'a> {
    src: &'a str,
    /// The input to scan: all of `src`, or nothing after an error (Go empties its input).
    live: &'a str,
    left: &'a [u8],
    right: &'a [u8],
    /// The first byte of the left delimiter, which the text is searched for.
    left_first: u8,
    pos: usize,
    start: usize,
    paren_depth: i64,
    inside_action: bool,
    break_ok: bool,
    continue_ok: bool,
    /// A position and its line, from which [`Lexer::line`] counts forwards or backwards.
    line_pos: Cell<usize>,
    line: Cell<usize>,
    dead_line: Option<usize>,
    error: String,
}

const LEFT_COMMENT: &[u8] = b"/*";
const RIGHT_COMMENT: &[u8] = b"*/";
/// The trim marker and the space beside it.
const TRIM_MARKER_LEN: usize = 2;

#[inline]
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

#[inline]
fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(s[1])
}

#[inline]
fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(s[0]) && s[1] == b'-'
}

/// The bytes that may be part of an identifier (`_`, ASCII letters and digits), as a table.
const WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c == b'_' || c.is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// Whether an ASCII byte may be part of an identifier (`_`, letters, digits).
#[inline]
pub(crate) fn is_ascii_word(b: u8) -> bool {
    WORD_BYTES[usize::from(b)]
}

impl<'a> Lexer<'a> {
    /// A lexer over `src` with the given delimiters (empty means `{{` and `}}`).
    pub fn new(src: &'a str, left: &'a str, right: &'a str) -> Self {
        let left = if left.is_empty() { "{{" } else { left }.as_bytes();
        let right = if right.is_empty() { "}}" } else { right }.as_bytes();
        Lexer {
            src,
            live: src,
            left,
            right,
            left_first: left[0],
            pos: 0,
            start: 0,
            paren_depth: 0,
            inside_action: false,
            break_ok: true,
            continue_ok: true,
            line_pos: Cell::new(0),
            line: Cell::new(1),
            dead_line: None,
            error: String::new(),
        }
    }

    /// Whether `break` and `continue` are keywords; Go makes them identifiers when
    /// the function map defines functions of those names.
    pub fn set_keywords(&mut self, break_ok: bool, continue_ok: bool) {
        self.break_ok = break_ok;
        self.continue_ok = continue_ok;
    }

    /// The whole input text.
    pub fn source(&self) -> &'a str {
        self.src
    }

    /// The text of a token (for an error token, its message).
    pub fn text(&self, token: Token) -> &str {
        if token.kind == TokenKind::Error { &self.error } else { &self.src[token.pos..token.end] }
    }

    /// The message of the last error token.
    pub fn error_message(&self) -> &str {
        &self.error
    }

    /// The next token; after the end, [`TokenKind::Eof`] again and again.
    pub fn next_token(&mut self) -> Token {
        if self.inside_action { self.lex_inside_action() } else { self.lex_text() }
    }

    #[inline]
    fn input(&self) -> &'a [u8] {
        self.live.as_bytes()
    }

    #[inline]
    fn rest(&self) -> &'a [u8] {
        &self.input()[self.pos..]
    }

    /// Whether `s` starts with the right delimiter.
    #[inline]
    fn starts_with_right(&self, s: &[u8]) -> bool {
        starts_with_delim(s, self.right)
    }

    /// The 1-based line a token starts on.
    pub fn line(&self, token: Token) -> usize {
        // After an error every token is empty at offset 0 and on the error's line, as Go's
        // emptied input leaves it; before one, only the end of an empty input is empty at 0.
        if token.pos == 0
            && token.end == 0
            && let Some(line) = self.dead_line
        {
            return line;
        }
        self.line_at(token.pos)
    }

    /// The line of a byte offset: 1 plus the newlines before it (Go keeps the same count).
    fn line_at(&self, pos: usize) -> usize {
        let bytes = self.src.as_bytes();
        let (from, line) = (self.line_pos.get(), self.line.get());
        let line = if pos >= from {
            line + count_newlines(&bytes[from..pos])
        } else {
            line - count_newlines(&bytes[pos..from])
        };
        self.line_pos.set(pos);
        self.line.set(line);
        line
    }

    #[inline]
    fn emit(&mut self, kind: TokenKind) -> Token {
        let token = Token { kind, pos: self.start, end: self.pos };
        self.start = self.pos;
        token
    }

    #[inline]
    fn ignore(&mut self) {
        self.start = self.pos;
    }

    #[cold]
    fn errorf(&mut self, message: String) -> Token {
        let line = self.dead_line.unwrap_or_else(|| self.line_at(self.start));
        let token = Token { kind: TokenKind::Error, pos: self.start, end: self.start };
        self.error = message;
        self.dead_line = Some(line);
        self.live = "";
        self.pos = 0;
        self.start = 0;
        token
    }

    /// The character at the current position (decoded only when it is not ASCII).
    #[inline]
    fn peek_char(&self) -> Option<char> {
        match self.rest().first() {
            None => None,
            Some(&b) if b < 0x80 => Some(char::from(b)),
            Some(_) => self.live.get(self.pos..).and_then(|rest| rest.chars().next()),
        }
    }

    #[inline]
    fn peek_byte(&self) -> Option<u8> {
        self.rest().first().copied()
    }

    fn lex_text(&mut self) -> Token {
        loop {
            let Some(x) = self.find_left() else {
                self.pos = self.live.len();
                if self.pos > self.start {
                    return self.emit(TokenKind::Text);
                }
                return self.emit(TokenKind::Eof);
            };
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + self.left.len();
                let mut trim = 0;
                if has_left_trim_marker(&self.input()[delim_end..]) {
                    let text = &self.input()[self.start..self.pos];
                    trim = text.len() - text.iter().rposition(|&b| !is_space(b)).map_or(0, |i| i + 1);
                }
                self.pos -= trim;
                let token = self.emit(TokenKind::Text);
                self.pos += trim;
                self.ignore();
                if token.end > token.pos {
                    return token;
                }
            }
            if let Some(token) = self.lex_left_delim() {
                return token;
            }
        }
    }

    /// Where the next left delimiter starts, from the current position.
    #[inline]
    fn find_left(&self) -> Option<usize> {
        let rest = self.rest();
        let mut from = 0;
        while let Some(i) = find_byte(&rest[from..], self.left_first) {
            let at = from + i;
            if starts_with_delim(&rest[at..], self.left) {
                return Some(at);
            }
            from = at + 1;
        }
        None
    }

    /// Whether the input is at a right delimiter, and whether that has a trim marker.
    #[inline(always)]
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim_marker(rest) && self.starts_with_right(&rest[TRIM_MARKER_LEN..]) {
            return (true, true);
        }
        (self.starts_with_right(rest), false)
    }

    fn left_trim_len(&self) -> usize {
        self.rest().iter().position(|&b| !is_space(b)).unwrap_or(self.rest().len())
    }

    /// The left delimiter: its token, or `None` after a comment (back to text), or an error.
    fn lex_left_delim(&mut self) -> Option<Token> {
        self.pos += self.left.len();
        let trim = has_left_trim_marker(self.rest());
        let after = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.rest()[after..].starts_with(LEFT_COMMENT) {
            self.pos += after;
            self.ignore();
            return self.lex_comment();
        }
        let token = self.emit(TokenKind::LeftDelim);
        self.inside_action = true;
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        Some(token)
    }

    #[inline(never)]
    fn lex_comment(&mut self) -> Option<Token> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = find(self.rest(), RIGHT_COMMENT) else {
            return Some(self.errorf("unclosed comment".into()));
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return Some(self.errorf("comment ends before closing delimiter".into()));
        }
        // Comments are not kept (Go emits them only in ParseComments mode).
        self.start = self.pos;
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += self.right.len();
        if trim {
            self.pos += self.left_trim_len();
        }
        self.ignore();
        None
    }

    fn lex_right_delim(&mut self, trim: bool) -> Token {
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += self.right.len();
        let token = self.emit(TokenKind::RightDelim);
        if trim {
            self.pos += self.left_trim_len();
            self.ignore();
        }
        self.inside_action = false;
        token
    }

    fn lex_inside_action(&mut self) -> Token {
        let (delim, trim) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim(trim);
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(&b) = self.rest().first() else {
            return self.errorf("unclosed action".into());
        };
        if b >= 0x80 {
            return self.lex_non_ascii();
        }
        self.pos += 1;
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                self.pos -= 1;
                self.lex_space()
            }
            b'=' => self.emit(TokenKind::Assign),
            b':' => {
                if self.peek_byte() != Some(b'=') {
                    return self.errorf("expected :=".into());
                }
                self.pos += 1;
                self.emit(TokenKind::Declare)
            }
            b'|' => self.emit(TokenKind::Pipe),
            b'"' => self.lex_quoted(b'"', TokenKind::String, "unterminated quoted string"),
            b'`' => self.lex_raw_quote(),
            b'$' => self.lex_variable(),
            b'\'' => self.lex_quoted(b'\'', TokenKind::CharConstant, "unterminated character constant"),
            b'.' if self.peek_byte().is_some_and(|b| !b.is_ascii_digit()) => {
                self.lex_field_or_variable(TokenKind::Field)
            }
            b'.' | b'+' | b'-' | b'0'..=b'9' => {
                self.pos -= 1;
                self.lex_number()
            }
            b if is_ascii_word(b) => {
                self.pos -= 1;
                self.lex_identifier()
            }
            b'(' => {
                self.paren_depth += 1;
                self.emit(TokenKind::LeftParen)
            }
            b')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(TokenKind::RightParen)
            }
            b' '..=b'~' => self.emit(TokenKind::Char),
            b => self.errorf(format!("unrecognized character in action: {}", go_unicode(char::from(b)))),
        }
    }

    /// An action's next character is not ASCII: an identifier's letter, or an error.
    #[cold]
    fn lex_non_ascii(&mut self) -> Token {
        match self.peek_char() {
            Some(r) if is_alphanumeric(r) => self.lex_identifier(),
            Some(r) => {
                self.pos += r.len_utf8();
                self.errorf(format!("unrecognized character in action: {}", go_unicode(r)))
            }
            None => self.errorf("unclosed action".into()),
        }
    }

    fn lex_space(&mut self) -> Token {
        let mut spaces = 0;
        while self.peek_byte().is_some_and(is_space) {
            self.pos += 1;
            spaces += 1;
        }
        // A trim-marked right delimiter starts with a space: leave that space to it.
        let before = &self.input()[self.pos - 1..];
        if has_right_trim_marker(before) && self.starts_with_right(&before[TRIM_MARKER_LEN..]) {
            self.pos -= 1;
            if spaces == 1 {
                return self.lex_right_delim(true);
            }
        }
        self.emit(TokenKind::Space)
    }

    /// Skips letters, digits and `_`; the character it stopped at.
    #[inline]
    fn consume_alphanumeric(&mut self) -> Option<char> {
        let input = self.input();
        loop {
            match input.get(self.pos) {
                Some(&b) if is_ascii_word(b) => self.pos += 1,
                Some(&b) if b < 0x80 => return Some(char::from(b)),
                None => return None,
                Some(_) => match self.peek_char() {
                    Some(c) if is_alphanumeric(c) => self.pos += c.len_utf8(),
                    other => return other,
                },
            }
        }
    }

    fn lex_identifier(&mut self) -> Token {
        let stop = self.consume_alphanumeric();
        if !self.at_terminator() {
            return self.bad_character(stop);
        }
        let kind = match &self.input()[self.start..self.pos] {
            b"block" => TokenKind::Block,
            b"break" if self.break_ok => TokenKind::Break,
            b"continue" if self.continue_ok => TokenKind::Continue,
            b"define" => TokenKind::Define,
            b"else" => TokenKind::Else,
            b"end" => TokenKind::End,
            b"if" => TokenKind::If,
            b"range" => TokenKind::Range,
            b"nil" => TokenKind::Nil,
            b"template" => TokenKind::Template,
            b"with" => TokenKind::With,
            b"true" | b"false" => TokenKind::Bool,
            _ => TokenKind::Identifier,
        };
        self.emit(kind)
    }

    #[cold]
    fn bad_character(&mut self, c: Option<char>) -> Token {
        // Go prints the rune it stopped at; at the end of input that would be
        // a terminator, so `c` is always present here.
        let shown = c.map_or_else(|| "U+FFFFFFFFFFFFFFFF".to_owned(), go_unicode);
        self.errorf(format!("bad character {shown}"))
    }

    fn lex_variable(&mut self) -> Token {
        if self.at_terminator() {
            return self.emit(TokenKind::Variable);
        }
        self.lex_field_or_variable(TokenKind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: TokenKind) -> Token {
        if self.at_terminator() {
            return self.emit(if kind == TokenKind::Variable { kind } else { TokenKind::Dot });
        }
        let stop = self.consume_alphanumeric();
        if !self.at_terminator() {
            return self.bad_character(stop);
        }
        self.emit(kind)
    }

    /// Whether the next character may follow an identifier.
    #[inline]
    fn at_terminator(&self) -> bool {
        match self.peek_byte() {
            None => true,
            Some(b) if is_space(b) => true,
            Some(b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(_) => self.starts_with_right(self.rest()),
        }
    }

    /// A quoted string or character constant; the opening quote has been scanned.
    #[inline(never)]
    fn lex_quoted(&mut self, quote: u8, kind: TokenKind, unterminated: &str) -> Token {
        let input = self.input();
        loop {
            match input.get(self.pos) {
                Some(b'\\') => {
                    self.pos += 1;
                    match input.get(self.pos) {
                        None | Some(b'\n') => return self.errorf(unterminated.into()),
                        Some(_) => self.pos += 1,
                    }
                }
                None | Some(b'\n') => return self.errorf(unterminated.into()),
                Some(&b) => {
                    self.pos += 1;
                    if b == quote {
                        return self.emit(kind);
                    }
                }
            }
        }
    }

    #[inline(never)]
    fn lex_raw_quote(&mut self) -> Token {
        match find_byte(self.rest(), b'`') {
            Some(x) => {
                self.pos += x + 1;
                self.emit(TokenKind::RawString)
            }
            None => self.errorf("unterminated raw quoted string".into()),
        }
    }

    #[inline(never)]
    fn lex_number(&mut self) -> Token {
        if !self.scan_number() {
            return self.bad_number();
        }
        if matches!(self.peek_byte(), Some(b'+' | b'-')) {
            // A complex constant such as 1+2i: no spaces, and it must end in 'i'.
            if !self.scan_number() || self.input()[self.pos - 1] != b'i' {
                return self.bad_number();
            }
            return self.emit(TokenKind::Complex);
        }
        self.emit(TokenKind::Number)
    }

    #[cold]
    fn bad_number(&mut self) -> Token {
        let text = go_quote(&self.src[self.start..self.pos]);
        self.errorf(format!("bad number syntax: {text}"))
    }

    /// Scans a number as loosely as Go does; the parser checks it properly.
    fn scan_number(&mut self) -> bool {
        scan_number_at(self.live, &mut self.pos)
    }
}

/// Go's loose number scanner over `input` from `pos`: a sign, a base prefix, digits,
/// a fraction, an exponent and an `i`; fails when a letter or digit follows.
pub(crate) fn scan_number_at(src: &str, pos: &mut usize) -> bool {
    let input = src.as_bytes();
    const DEC: &[u8] = b"0123456789_";
    const HEX: &[u8] = b"0123456789abcdefABCDEF_";
    let accept = |pos: &mut usize, valid: &[u8]| -> bool {
        match input.get(*pos) {
            Some(b) if valid.contains(b) => {
                *pos += 1;
                true
            }
            _ => false,
        }
    };
    accept(pos, b"+-");
    let mut digits = DEC;
    if accept(pos, b"0") {
        if accept(pos, b"xX") {
            digits = HEX;
        } else if accept(pos, b"oO") {
            digits = b"01234567_";
        } else if accept(pos, b"bB") {
            digits = b"01_";
        }
    }
    while accept(pos, digits) {}
    if accept(pos, b".") {
        while accept(pos, digits) {}
    }
    if digits == DEC && accept(pos, b"eE") {
        accept(pos, b"+-");
        while accept(pos, DEC) {}
    }
    if digits == HEX && accept(pos, b"pP") {
        accept(pos, b"+-");
        while accept(pos, DEC) {}
    }
    accept(pos, b"i");
    if let Some(c) = src[*pos..].chars().next()
        && is_alphanumeric(c)
    {
        *pos += c.len_utf8();
        return false;
    }
    true
}

/// The first index of `needle` in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let Some(&first) = needle.first() else { return Some(0) };
    let mut from = 0;
    while let Some(i) = find_byte(&haystack[from..], first) {
        let at = from + i;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The first index of `byte` in `haystack` (vectorised).
#[inline]
fn find_byte(haystack: &[u8], byte: u8) -> Option<usize> {
    memchr::memchr(byte, haystack)
}

/// Whether `s` starts with `delim`: the usual two-byte delimiters compared inline.
#[inline]
fn starts_with_delim(s: &[u8], delim: &[u8]) -> bool {
    match (s, delim) {
        ([a, b, ..], [x, y]) => a == x && b == y,
        _ => s.starts_with(delim),
    }
}

/// The number of newlines in `bytes`.
#[inline]
fn count_newlines(bytes: &[u8]) -> usize {
    // In blocks whose per-byte sums fit a byte, which the compiler turns into vector code.
    const BLOCK: usize = 64;
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut count = 0;
    for block in blocks.by_ref() {
        count += usize::from(block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')));
    }
    count + blocks.remainder().iter().filter(|&&b| b == b'\n').count()
}

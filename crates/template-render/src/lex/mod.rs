//! The lexer of Go's text/template: turns template text into tokens exactly as Go's `text/template/parse` does.
//!
//! Tokens are spans of the input (no allocation per token). Like Go's lexer, it is
//! pulled one token at a time by the parser, so an error late in the text is only
//! seen when the parser gets there. After an error the input is dropped, as Go does.

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

/// One token: a kind and a span of the input, with the line it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Byte offset of its start in the input.
    pub pos: usize,
    /// Byte offset just past its end (equal to `pos` for errors).
    pub end: usize,
    /// 1-based line of its start.
    pub line: usize,
}

/// The pulled lexer over one template text.
#[derive(Debug)]
pub struct Lexer<'a> {
    src: &'a str,
    /// The length of the input still to scan; zero after an error, as Go empties its input.
    len: usize,
    left: &'a str,
    right: &'a str,
    pos: usize,
    start: usize,
    paren_depth: i64,
    inside_action: bool,
    break_ok: bool,
    continue_ok: bool,
    line_pos: usize,
    line: usize,
    dead_line: Option<usize>,
    error: String,
}

enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

enum Step {
    Emit(Token),
    Next(State),
}

const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
/// The trim marker and the space beside it.
const TRIM_MARKER_LEN: usize = 2;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(s[1])
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(s[0]) && s[1] == b'-'
}

impl<'a> Lexer<'a> {
    /// A lexer over `src` with the given delimiters (empty means `{{` and `}}`).
    pub fn new(src: &'a str, left: &'a str, right: &'a str) -> Self {
        Lexer {
            src,
            len: src.len(),
            left: if left.is_empty() { "{{" } else { left },
            right: if right.is_empty() { "}}" } else { right },
            pos: 0,
            start: 0,
            paren_depth: 0,
            inside_action: false,
            break_ok: true,
            continue_ok: true,
            line_pos: 0,
            line: 1,
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
        let mut state = if self.inside_action { State::InsideAction } else { State::Text };
        loop {
            let step = match state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::Comment => self.lex_comment(),
                State::RightDelim => self.lex_right_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Space => self.lex_space(),
                State::Identifier => self.lex_identifier(),
                State::Field => self.lex_field_or_variable(TokenKind::Field),
                State::Variable => self.lex_variable(),
                State::Char => self.lex_quoted(b'\'', TokenKind::CharConstant, "unterminated character constant"),
                State::Number => self.lex_number(),
                State::Quote => self.lex_quoted(b'"', TokenKind::String, "unterminated quoted string"),
                State::RawQuote => self.lex_raw_quote(),
            };
            match step {
                Step::Emit(token) => return token,
                Step::Next(next) => state = next,
            }
        }
    }

    fn input(&self) -> &'a [u8] {
        &self.src.as_bytes()[..self.len]
    }

    fn rest(&self) -> &'a [u8] {
        &self.input()[self.pos..]
    }

    /// The line of a byte offset: 1 plus the newlines before it (Go keeps the same count).
    fn line_at(&mut self, pos: usize) -> usize {
        if let Some(line) = self.dead_line {
            return line;
        }
        let bytes = self.src.as_bytes();
        if pos < self.line_pos {
            self.line_pos = 0;
            self.line = 1;
        }
        self.line += bytes[self.line_pos..pos].iter().filter(|&&b| b == b'\n').count();
        self.line_pos = pos;
        self.line
    }

    fn this_token(&mut self, kind: TokenKind) -> Token {
        let line = self.line_at(self.start);
        let token = Token { kind, pos: self.start, end: self.pos, line };
        self.start = self.pos;
        token
    }

    fn emit(&mut self, kind: TokenKind) -> Step {
        Step::Emit(self.this_token(kind))
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn errorf(&mut self, message: String) -> Step {
        let line = self.line_at(self.start);
        let token = Token { kind: TokenKind::Error, pos: self.start, end: self.start, line };
        self.error = message;
        self.dead_line = Some(line);
        self.len = 0;
        self.pos = 0;
        self.start = 0;
        Step::Emit(token)
    }

    fn peek_char(&self) -> Option<char> {
        self.src[self.pos..self.len].chars().next()
    }

    fn peek_byte(&self) -> Option<u8> {
        self.rest().first().copied()
    }

    fn lex_text(&mut self) -> Step {
        let found = find(self.rest(), self.left.as_bytes());
        if let Some(x) = found {
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + self.left.len();
                let mut trim = 0;
                if has_left_trim_marker(&self.input()[delim_end..]) {
                    let text = &self.input()[self.start..self.pos];
                    trim = text.len() - text.iter().rposition(|&b| !is_space(b)).map_or(0, |i| i + 1);
                }
                self.pos -= trim;
                let token = self.this_token(TokenKind::Text);
                self.pos += trim;
                self.ignore();
                if token.end > token.pos {
                    return Step::Emit(token);
                }
            }
            return Step::Next(State::LeftDelim);
        }
        self.pos = self.len;
        if self.pos > self.start {
            return self.emit(TokenKind::Text);
        }
        self.emit(TokenKind::Eof)
    }

    /// Whether the input is at a right delimiter, and whether that has a trim marker.
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        let right = self.right.as_bytes();
        if has_right_trim_marker(rest) && rest[TRIM_MARKER_LEN..].starts_with(right) {
            return (true, true);
        }
        (rest.starts_with(right), false)
    }

    fn left_trim_len(&self) -> usize {
        self.rest().iter().position(|&b| !is_space(b)).unwrap_or(self.rest().len())
    }

    fn lex_left_delim(&mut self) -> Step {
        self.pos += self.left.len();
        let trim = has_left_trim_marker(self.rest());
        let after = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.rest()[after..].starts_with(LEFT_COMMENT.as_bytes()) {
            self.pos += after;
            self.ignore();
            return Step::Next(State::Comment);
        }
        let token = self.this_token(TokenKind::LeftDelim);
        self.inside_action = true;
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        Step::Emit(token)
    }

    fn lex_comment(&mut self) -> Step {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = find(self.rest(), RIGHT_COMMENT.as_bytes()) else {
            return self.errorf("unclosed comment".into());
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".into());
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
        Step::Next(State::Text)
    }

    fn lex_right_delim(&mut self) -> Step {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += self.right.len();
        let token = self.this_token(TokenKind::RightDelim);
        if trim {
            self.pos += self.left_trim_len();
            self.ignore();
        }
        self.inside_action = false;
        Step::Emit(token)
    }

    fn lex_inside_action(&mut self) -> Step {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Step::Next(State::RightDelim);
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(r) = self.peek_char() else {
            return self.errorf("unclosed action".into());
        };
        self.pos += r.len_utf8();
        match r {
            ' ' | '\t' | '\r' | '\n' => {
                self.pos -= 1;
                Step::Next(State::Space)
            }
            '=' => self.emit(TokenKind::Assign),
            ':' => {
                if self.peek_byte() != Some(b'=') {
                    return self.errorf("expected :=".into());
                }
                self.pos += 1;
                self.emit(TokenKind::Declare)
            }
            '|' => self.emit(TokenKind::Pipe),
            '"' => Step::Next(State::Quote),
            '`' => Step::Next(State::RawQuote),
            '$' => Step::Next(State::Variable),
            '\'' => Step::Next(State::Char),
            '.' if self.peek_byte().is_some_and(|b| !b.is_ascii_digit()) => Step::Next(State::Field),
            '.' | '+' | '-' | '0'..='9' => {
                self.pos -= 1;
                Step::Next(State::Number)
            }
            r if is_alphanumeric(r) => {
                self.pos -= r.len_utf8();
                Step::Next(State::Identifier)
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(TokenKind::LeftParen)
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(TokenKind::RightParen)
            }
            r if r.is_ascii() && (' '..='~').contains(&r) => self.emit(TokenKind::Char),
            r => self.errorf(format!("unrecognized character in action: {}", go_unicode(r))),
        }
    }

    fn lex_space(&mut self) -> Step {
        let mut spaces = 0;
        while self.peek_byte().is_some_and(is_space) {
            self.pos += 1;
            spaces += 1;
        }
        // A trim-marked right delimiter starts with a space: leave that space to it.
        let before = &self.input()[self.pos - 1..];
        if has_right_trim_marker(before) && before[TRIM_MARKER_LEN..].starts_with(self.right.as_bytes()) {
            self.pos -= 1;
            if spaces == 1 {
                return Step::Next(State::RightDelim);
            }
        }
        self.emit(TokenKind::Space)
    }

    fn consume_alphanumeric(&mut self) -> Option<char> {
        loop {
            match self.peek_char() {
                Some(c) if is_alphanumeric(c) => self.pos += c.len_utf8(),
                other => return other,
            }
        }
    }

    fn lex_identifier(&mut self) -> Step {
        let stop = self.consume_alphanumeric();
        if !self.at_terminator() {
            return self.bad_character(stop);
        }
        let kind = match &self.src[self.start..self.pos] {
            "block" => TokenKind::Block,
            "break" if self.break_ok => TokenKind::Break,
            "continue" if self.continue_ok => TokenKind::Continue,
            "define" => TokenKind::Define,
            "else" => TokenKind::Else,
            "end" => TokenKind::End,
            "if" => TokenKind::If,
            "range" => TokenKind::Range,
            "nil" => TokenKind::Nil,
            "template" => TokenKind::Template,
            "with" => TokenKind::With,
            "true" | "false" => TokenKind::Bool,
            _ => TokenKind::Identifier,
        };
        self.emit(kind)
    }

    fn bad_character(&mut self, c: Option<char>) -> Step {
        // Go prints the rune it stopped at; at the end of input that would be
        // a terminator, so `c` is always present here.
        let shown = c.map_or_else(|| "U+FFFFFFFFFFFFFFFF".to_owned(), go_unicode);
        self.errorf(format!("bad character {shown}"))
    }

    fn lex_variable(&mut self) -> Step {
        if self.at_terminator() {
            return self.emit(TokenKind::Variable);
        }
        self.lex_field_or_variable(TokenKind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: TokenKind) -> Step {
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
    fn at_terminator(&self) -> bool {
        match self.peek_byte() {
            None => true,
            Some(b) if is_space(b) => true,
            Some(b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(_) => self.rest().starts_with(self.right.as_bytes()),
        }
    }

    /// A quoted string or character constant; the opening quote has been scanned.
    fn lex_quoted(&mut self, quote: u8, kind: TokenKind, unterminated: &str) -> Step {
        loop {
            match self.peek_byte() {
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek_byte() {
                        None | Some(b'\n') => return self.errorf(unterminated.into()),
                        Some(_) => self.pos += 1,
                    }
                }
                None | Some(b'\n') => return self.errorf(unterminated.into()),
                Some(b) => {
                    self.pos += 1;
                    if b == quote {
                        return self.emit(kind);
                    }
                }
            }
        }
    }

    fn lex_raw_quote(&mut self) -> Step {
        match self.rest().iter().position(|&b| b == b'`') {
            Some(x) => {
                self.pos += x + 1;
                self.emit(TokenKind::RawString)
            }
            None => self.errorf("unterminated raw quoted string".into()),
        }
    }

    fn lex_number(&mut self) -> Step {
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

    fn bad_number(&mut self) -> Step {
        let text = go_quote(&self.src[self.start..self.pos]);
        self.errorf(format!("bad number syntax: {text}"))
    }

    /// Scans a number as loosely as Go does; the parser checks it properly.
    fn scan_number(&mut self) -> bool {
        scan_number_at(&self.src[..self.len], &mut self.pos)
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
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    let first = needle[0];
    let mut from = 0;
    while let Some(i) = haystack[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

//! Unit tests of the lexer: token kinds, spans and lines for each construct.

use super::{Lexer, TokenKind as K};

/// Lexes `src` to the end (or the first error) as (kind, text, line).
fn lex(src: &str) -> Vec<(K, String, usize)> {
    lex_with(src, "", "")
}

fn lex_with(src: &str, left: &str, right: &str) -> Vec<(K, String, usize)> {
    let mut lexer = Lexer::new(src, left, right);
    let mut out = Vec::new();
    loop {
        let t = lexer.next_token();
        out.push((t.kind, lexer.text(t).to_owned(), lexer.line(t)));
        if matches!(t.kind, K::Eof | K::Error) {
            return out;
        }
    }
}

fn check(src: &str, expected: &[(K, &str)]) {
    let got: Vec<(K, String)> = lex(src).into_iter().map(|(k, t, _)| (k, t)).collect();
    let want: Vec<(K, String)> = expected.iter().map(|(k, t)| (*k, (*t).to_owned())).collect();
    assert_eq!(got, want, "lexing {src:?}");
}

const EOF: (K, &str) = (K::Eof, "");
const L: (K, &str) = (K::LeftDelim, "{{");
const R: (K, &str) = (K::RightDelim, "}}");
const SP: (K, &str) = (K::Space, " ");

#[test]
fn text_only() {
    check("", &[EOF]);
    check("hello\n", &[(K::Text, "hello\n"), EOF]);
}

#[test]
fn fields_and_pipes() {
    check(
        "a{{.Values.x | quote}}b",
        &[
            (K::Text, "a"),
            L,
            (K::Field, ".Values"),
            (K::Field, ".x"),
            SP,
            (K::Pipe, "|"),
            SP,
            (K::Identifier, "quote"),
            R,
            (K::Text, "b"),
            EOF,
        ],
    );
}

#[test]
fn keywords_and_variables() {
    check(
        "{{range $i, $v := .}}{{break}}{{end}}",
        &[
            L,
            (K::Range, "range"),
            SP,
            (K::Variable, "$i"),
            (K::Char, ","),
            SP,
            (K::Variable, "$v"),
            SP,
            (K::Declare, ":="),
            SP,
            (K::Dot, "."),
            R,
            L,
            (K::Break, "break"),
            R,
            L,
            (K::End, "end"),
            R,
            EOF,
        ],
    );
    check("{{$}}", &[L, (K::Variable, "$"), R, EOF]);
    check("{{$x = nil}}", &[L, (K::Variable, "$x"), SP, (K::Assign, "="), SP, (K::Nil, "nil"), R, EOF]);
}

#[test]
fn literals() {
    check(
        r#"{{1 -2 0x1F 1_000 1.5e3 0x1p-2 'a' "s\"" `r` true 1+2i}}"#,
        &[
            L,
            (K::Number, "1"),
            SP,
            (K::Number, "-2"),
            SP,
            (K::Number, "0x1F"),
            SP,
            (K::Number, "1_000"),
            SP,
            (K::Number, "1.5e3"),
            SP,
            (K::Number, "0x1p-2"),
            SP,
            (K::CharConstant, "'a'"),
            SP,
            (K::String, r#""s\"""#),
            SP,
            (K::RawString, "`r`"),
            SP,
            (K::Bool, "true"),
            SP,
            (K::Complex, "1+2i"),
            R,
            EOF,
        ],
    );
}

#[test]
fn trim_markers() {
    check("a  {{- 3 -}}  b", &[(K::Text, "a"), L, (K::Number, "3"), R, (K::Text, "b"), EOF]);
    // Without a space the minus belongs to the number.
    check("a {{-3}}", &[(K::Text, "a "), L, (K::Number, "-3"), R, EOF]);
    check("a \n{{- /* c */ -}}\n b", &[(K::Text, "a"), (K::Text, "b"), EOF]);
}

#[test]
fn custom_delimiters() {
    let got: Vec<K> = lex_with("x<<.a>>y", "<<", ">>").into_iter().map(|(k, _, _)| k).collect();
    assert_eq!(got, vec![K::Text, K::LeftDelim, K::Field, K::RightDelim, K::Text, K::Eof]);
}

#[test]
fn lines() {
    let toks = lex("a\nb{{.x\n}}\n{{.y}}");
    let lines: Vec<usize> = toks.iter().map(|t| t.2).collect();
    assert_eq!(lines, vec![1, 2, 2, 2, 3, 3, 4, 4, 4, 4]);
}

#[test]
fn errors() {
    let last = |src: &str| lex(src).pop();
    assert_eq!(last("{{.x"), Some((K::Error, "unclosed action".into(), 1)));
    assert_eq!(last("{{/* x"), Some((K::Error, "unclosed comment".into(), 1)));
    assert_eq!(last("{{/* x */ .}}"), Some((K::Error, "comment ends before closing delimiter".into(), 1)));
    assert_eq!(last("{{\"abc}}"), Some((K::Error, "unterminated quoted string".into(), 1)));
    assert_eq!(last("{{`abc}}"), Some((K::Error, "unterminated raw quoted string".into(), 1)));
    assert_eq!(last("{{'a}}"), Some((K::Error, "unterminated character constant".into(), 1)));
    assert_eq!(last("{{3k}}"), Some((K::Error, "bad number syntax: \"3k\"".into(), 1)));
    assert_eq!(last("{{.x+1}}"), Some((K::Error, "bad character U+002B '+'".into(), 1)));
    assert_eq!(last("{{a:b}}"), Some((K::Error, "expected :=".into(), 1)));
    assert_eq!(last("{{)}}"), Some((K::Error, "unexpected right paren".into(), 1)));
    assert_eq!(last("{{(}}"), Some((K::Error, "unclosed left paren".into(), 1)));
    assert_eq!(last("{{\u{1}}}"), Some((K::Error, "unrecognized character in action: U+0001".into(), 1)));
    assert_eq!(last("\n\n{{.x\n"), Some((K::Error, "unclosed action".into(), 4)));
}

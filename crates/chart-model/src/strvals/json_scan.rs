//! Finding where the first JSON value of a `--set-json` line ends, as Go's
//! `json.Decoder` does, with Go's syntax error messages.
//!
//! Helm decodes one value with a `json.Decoder` and skips `InputOffset()`
//! bytes, so the rest of the line (`,b=...`) is left for the key parser. This
//! scanner follows the state machine of Go's encoding/json/scanner.go.

/// Where the parser is inside a container.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    /// Before the colon of an object member.
    ObjectKey,
    /// After the colon of an object member.
    ObjectValue,
    /// Inside an array.
    Array,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
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
    /// Inside `true`, `false` or `null`: the bytes still expected and the literal's name.
    Literal(&'static [u8], &'static str),
}

/// Go's limit on nesting (`maxNestingDepth`).
const MAX_NESTING_DEPTH: usize = 10000;

/// What one byte did to the scanner.
enum Step {
    Continue,
    /// The value ended before this byte.
    End,
    /// The value ended with this byte (a closing bracket at the top).
    EndWith,
}

/// Returns the number of bytes of `input` that Go's `json.Decoder.Decode`
/// consumes for the first value (leading white space included), or Go's
/// error message.
pub(crate) fn first_value_len(input: &[u8]) -> Result<usize, String> {
    let mut stack: Vec<Container> = Vec::new();
    let mut state = State::BeginValue;
    for (i, &c) in input.iter().enumerate() {
        match step(&mut state, &mut stack, c)? {
            Step::Continue => {}
            Step::End => return Ok(i),
            Step::EndWith => return Ok(i + 1),
        }
    }
    // At the end of the input Go feeds one space: a number or literal that
    // was complete ends there; anything else is cut short.
    match step(&mut state, &mut stack, b' ') {
        Ok(Step::End) => Ok(input.len()),
        _ => Err("unexpected EOF".to_owned()),
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn error(c: u8, context: &str) -> String {
    format!("invalid character {} {context}", quote_char(c))
}

/// Go's `quoteChar`: the byte as a rune in single quotes.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".to_owned(),
        b'"' => "'\"'".to_owned(),
        _ => {
            let quoted = super::quote::go_quote(&char::from(c).to_string());
            format!("'{}'", &quoted[1..quoted.len() - 1])
        }
    }
}

fn push(stack: &mut Vec<Container>, c: u8, container: Container) -> Result<Step, String> {
    stack.push(container);
    if stack.len() <= MAX_NESTING_DEPTH { Ok(Step::Continue) } else { Err(error(c, "exceeded max depth")) }
}

fn step(state: &mut State, stack: &mut Vec<Container>, c: u8) -> Result<Step, String> {
    match *state {
        State::BeginValueOrEmpty => {
            if is_space(c) {
                return Ok(Step::Continue);
            }
            if c == b']' {
                return end_value(state, stack, c);
            }
            begin_value(state, stack, c)
        }
        State::BeginValue => begin_value(state, stack, c),
        State::BeginStringOrEmpty => {
            if is_space(c) {
                return Ok(Step::Continue);
            }
            if c == b'}' {
                if let Some(top) = stack.last_mut() {
                    *top = Container::ObjectValue;
                }
                return end_value(state, stack, c);
            }
            begin_string(state, c)
        }
        State::BeginString => begin_string(state, c),
        State::EndValue => end_value(state, stack, c),
        State::InString => {
            if c == b'"' {
                *state = State::EndValue;
            } else if c == b'\\' {
                *state = State::InStringEsc;
            } else if c < 0x20 {
                return Err(error(c, "in string literal"));
            }
            Ok(Step::Continue)
        }
        State::InStringEsc => match c {
            b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                *state = State::InString;
                Ok(Step::Continue)
            }
            b'u' => {
                *state = State::InStringEscU(0);
                Ok(Step::Continue)
            }
            _ => Err(error(c, "in string escape code")),
        },
        State::InStringEscU(n) => {
            if !c.is_ascii_hexdigit() {
                return Err(error(c, "in \\u hexadecimal character escape"));
            }
            *state = if n == 3 { State::InString } else { State::InStringEscU(n + 1) };
            Ok(Step::Continue)
        }
        State::Neg => match c {
            b'0' => {
                *state = State::Zero;
                Ok(Step::Continue)
            }
            b'1'..=b'9' => {
                *state = State::One;
                Ok(Step::Continue)
            }
            _ => Err(error(c, "in numeric literal")),
        },
        State::One if c.is_ascii_digit() => Ok(Step::Continue),
        State::One | State::Zero => match c {
            b'.' => {
                *state = State::Dot;
                Ok(Step::Continue)
            }
            b'e' | b'E' => {
                *state = State::E;
                Ok(Step::Continue)
            }
            _ => end_value(state, stack, c),
        },
        State::Dot => {
            if c.is_ascii_digit() {
                *state = State::Dot0;
                Ok(Step::Continue)
            } else {
                Err(error(c, "after decimal point in numeric literal"))
            }
        }
        State::Dot0 => match c {
            b'0'..=b'9' => Ok(Step::Continue),
            b'e' | b'E' => {
                *state = State::E;
                Ok(Step::Continue)
            }
            _ => end_value(state, stack, c),
        },
        State::E if c == b'+' || c == b'-' => {
            *state = State::ESign;
            Ok(Step::Continue)
        }
        State::E | State::ESign => {
            if c.is_ascii_digit() {
                *state = State::E0;
                Ok(Step::Continue)
            } else {
                Err(error(c, "in exponent of numeric literal"))
            }
        }
        State::E0 => {
            if c.is_ascii_digit() {
                Ok(Step::Continue)
            } else {
                end_value(state, stack, c)
            }
        }
        State::Literal(rest, name) => match rest.split_first() {
            Some((&want, more)) if want == c => {
                *state = if more.is_empty() { State::EndValue } else { State::Literal(more, name) };
                Ok(Step::Continue)
            }
            Some((&want, _)) => Err(error(c, &format!("in literal {name} (expecting {})", quote_char(want)))),
            None => end_value(state, stack, c),
        },
    }
}

fn begin_value(state: &mut State, stack: &mut Vec<Container>, c: u8) -> Result<Step, String> {
    if is_space(c) {
        return Ok(Step::Continue);
    }
    *state = match c {
        b'{' => {
            *state = State::BeginStringOrEmpty;
            return push(stack, c, Container::ObjectKey);
        }
        b'[' => {
            *state = State::BeginValueOrEmpty;
            return push(stack, c, Container::Array);
        }
        b'"' => State::InString,
        b'-' => State::Neg,
        b'0' => State::Zero,
        b'1'..=b'9' => State::One,
        b't' => State::Literal(b"rue", "true"),
        b'f' => State::Literal(b"alse", "false"),
        b'n' => State::Literal(b"ull", "null"),
        _ => return Err(error(c, "looking for beginning of value")),
    };
    Ok(Step::Continue)
}

fn begin_string(state: &mut State, c: u8) -> Result<Step, String> {
    if is_space(c) {
        return Ok(Step::Continue);
    }
    if c == b'"' {
        *state = State::InString;
        return Ok(Step::Continue);
    }
    Err(error(c, "looking for beginning of object key string"))
}

fn end_value(state: &mut State, stack: &mut Vec<Container>, c: u8) -> Result<Step, String> {
    let Some(top) = stack.last_mut() else {
        // The top-level value was complete before this byte.
        return Ok(Step::End);
    };
    if is_space(c) {
        *state = State::EndValue;
        return Ok(Step::Continue);
    }
    match (*top, c) {
        (Container::ObjectKey, b':') => {
            *top = Container::ObjectValue;
            *state = State::BeginValue;
            Ok(Step::Continue)
        }
        (Container::ObjectKey, _) => Err(error(c, "after object key")),
        (Container::ObjectValue, b',') => {
            *top = Container::ObjectKey;
            *state = State::BeginString;
            Ok(Step::Continue)
        }
        (Container::Array, b',') => {
            *state = State::BeginValue;
            Ok(Step::Continue)
        }
        (Container::ObjectValue, b'}') | (Container::Array, b']') => {
            stack.pop();
            *state = State::EndValue;
            // Go invents a space after a closing bracket rather than wait for
            // another byte: at the top, the value ends with this byte.
            Ok(if stack.is_empty() { Step::EndWith } else { Step::Continue })
        }
        (Container::ObjectValue, _) => Err(error(c, "after object key:value pair")),
        (Container::Array, _) => Err(error(c, "after array element")),
    }
}

#[cfg(test)]
mod tests {
    use super::first_value_len;

    #[test]
    fn finds_the_end_of_the_first_value() {
        assert_eq!(first_value_len(b"1,b=2"), Ok(1));
        assert_eq!(first_value_len(b"{\"a\":[1,2]},x"), Ok(11));
        assert_eq!(first_value_len(b"\"x\"y"), Ok(3));
        assert_eq!(first_value_len(b"true"), Ok(4));
        assert_eq!(first_value_len(b"-1.5e+3"), Ok(7));
        assert_eq!(first_value_len(b"  [ ] "), Ok(5));
    }

    #[test]
    fn reports_go_errors() {
        assert_eq!(first_value_len(b"tru,"), Err("invalid character ',' in literal true (expecting 'e')".to_owned()));
        assert_eq!(first_value_len(b"x"), Err("invalid character 'x' looking for beginning of value".to_owned()));
        assert_eq!(first_value_len(b"{\"a\" 1}"), Err("invalid character '1' after object key".to_owned()));
        assert_eq!(first_value_len(b"[1"), Err("unexpected EOF".to_owned()));
        assert_eq!(first_value_len(b"-"), Err("unexpected EOF".to_owned()));
        assert_eq!(first_value_len(b"\"a\nb\""), Err("invalid character '\\n' in string literal".to_owned()));
    }
}

//! Go's `%v` and `%t` formatting of values, for the warnings and errors Helm prints while coalescing.

use crate::json::float_text::format_g;
use crate::value::Value;

/// `fmt.Sprintf("%v", v)`: `map[a:1 b:[x y]]`, `<nil>`, `1e+06`.
pub(crate) fn go_v(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v);
    out
}

fn write_v(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) | Value::Int64(n) => out.push_str(&n.to_string()),
        Value::Float64(f) => out.push_str(&format_g(*f)),
        Value::String(s) => out.push_str(s),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, item);
            }
            out.push(']');
        }
    }
}

/// `fmt.Sprintf("%t", v)`: booleans print, anything else is a bad verb
/// (`%!t(string=x)`), applied element by element inside lists and maps.
pub(crate) fn go_t(v: &Value) -> String {
    match v {
        Value::Null => "%!t(<nil>)".to_owned(),
        _ => {
            let mut out = String::new();
            write_t(&mut out, v);
            out
        }
    }
}

fn write_t(out: &mut String, v: &Value) {
    match v {
        // A nil inside a container is an empty interface, which Go prints as `<nil>`.
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_t(out, item);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&format!("%!t(string={k})"));
                out.push(':');
                write_t(out, item);
            }
            out.push(']');
        }
        scalar => out.push_str(&format!("%!t({}={})", scalar.go_type_name(), go_v(scalar))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    #[test]
    fn formats_like_go() {
        let m: Map =
            [("b".to_owned(), Value::List(vec![Value::from("x"), Value::Null])), ("a".to_owned(), Value::Float64(1e6))]
                .into_iter()
                .collect();
        assert_eq!(go_v(&Value::Map(m.clone())), "map[a:1e+06 b:[x <nil>]]");
        assert_eq!(go_t(&Value::Map(m)), "map[%!t(string=a):%!t(float64=1e+06) %!t(string=b):[%!t(string=x) <nil>]]");
        assert_eq!(go_t(&Value::Null), "%!t(<nil>)");
        assert_eq!(go_t(&Value::Bool(true)), "true");
    }
}

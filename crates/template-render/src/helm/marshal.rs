//! `encoding/json` over host objects: the structs Helm hands templates (`.Chart`,
//! `.Capabilities`, `time.Time`...) marshal through their JSON tags, in declaration order.
//!
//! A host object takes part by answering the hidden method [`JSON`] (`#json`, which no template
//! can name) with its `json.Marshal` text; host objects cannot be downcast, so this is how the
//! writers reach them. Everything else goes through chart-model's `json.Marshal`.

use crate::value::{Kind, Value};

/// The hidden method a host object answers with its `json.Marshal` text.
pub const JSON: &str = "#json";

/// Whether `v` is a host object that marshals itself.
pub fn marshals_itself(v: &Value) -> bool {
    matches!(v, Value::Object(o) if !o.is_nil() && o.method(JSON).is_some())
}

/// The object's own JSON text, without HTML escaping, or its error (Go's `json: error calling
/// MarshalJSON for type...`).
fn own_json(v: &Value) -> Option<Result<String, String>> {
    let Value::Object(o) = v else { return None };
    if o.is_nil() || o.method(JSON).is_none() {
        return None;
    }
    Some(
        o.call_method(JSON, &[])
            .map(|t| t.as_str().unwrap_or("null").to_owned())
            .map_err(|e| format!("json: error calling MarshalJSON for type {}: {e}", o.type_name())),
    )
}

/// `json.Marshal(v)`, written straight from the template value (host structs through their
/// JSON form); the error is Go's.
pub fn json_text(v: &Value) -> Option<Result<String, String>> {
    Some(crate::sprig::json::marshal(v, crate::sprig::json::COMPACT))
}

/// Writes the object's own JSON text into `out` (indented by `depth` levels of two spaces when
/// `indent`, as `json.MarshalIndent` re-indents a `MarshalJSON` result; with `<`, `>` and `&`
/// escaped when `escape_html`, as Go's encoder compacts such a result); `None` if it has none.
pub fn write_own(
    v: &Value,
    out: &mut String,
    indent: bool,
    escape_html: bool,
    depth: usize,
) -> Option<Result<(), String>> {
    let text = match own_json(v)? {
        Ok(t) => t,
        Err(e) => return Some(Err(e)),
    };
    // The three can only be inside strings, where Go writes them as `\u003c`, `\u003e`, `\u0026`.
    let push = |out: &mut String, c: char| match c {
        '<' if escape_html => out.push_str("\\u003c"),
        '>' if escape_html => out.push_str("\\u003e"),
        '&' if escape_html => out.push_str("\\u0026"),
        c => out.push(c),
    };
    if !indent {
        if escape_html && text.contains(['<', '>', '&']) {
            text.chars().for_each(|c| push(out, c));
        } else {
            out.push_str(&text);
        }
        return Some(Ok(()));
    }
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    let mut depth = depth;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            push(out, c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(Ok(()))
}

/// A JSON string literal as `encoding/json` writes it.
pub fn string_text(s: &str) -> String {
    chart_model::json::to_string(&chart_model::Value::String(s.to_owned())).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Go's `isEmptyValue`, which `omitempty` skips.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Invalid | Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(n) | Value::Int64(n) => *n == 0,
        Value::Float64(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => match o.kind() {
            Kind::Struct => false,
            Kind::Pointer | Kind::Interface | Kind::Func => o.is_nil(),
            Kind::Slice => o.is_nil() || o.elements().is_none_or(|e| e.is_empty()),
            Kind::Map => o.is_nil() || o.fields().is_empty(),
            Kind::String => o.str().is_none_or(str::is_empty),
            Kind::Bool | Kind::Int => o.int().unwrap_or(0) == 0,
            Kind::Uint => o.uint().unwrap_or(0) == 0,
            Kind::Float => o.float().unwrap_or(0.0) == 0.0,
            _ => false,
        },
    }
}

/// A struct's JSON object: each field under its JSON name (`None`: the Go name), skipped when
/// tagged `omitempty` and empty; an embedded struct's text is spliced in (`inline`).
pub fn struct_text<'a>(fields: impl Iterator<Item = StructField<'a>>) -> Result<String, String> {
    let mut out = String::from("{");
    for f in fields {
        let body = match f {
            StructField::Inline(text) => {
                text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or_default().to_owned()
            }
            StructField::Field { name, value, omitempty } => {
                if omitempty && is_empty(value) {
                    continue;
                }
                // Unescaped: whoever writes the struct escapes its whole text, or not.
                let text = crate::sprig::json::marshal(value, crate::sprig::json::RAW)?;
                format!("{}:{text}", string_text(name))
            }
        };
        if body.is_empty() {
            continue;
        }
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&body);
    }
    out.push('}');
    Ok(out)
}

/// One field of [`struct_text`].
pub enum StructField<'a> {
    /// A field: its JSON name, value, and whether it is `omitempty`.
    Field {
        /// The JSON name.
        name: &'a str,
        /// The value.
        value: &'a Value,
        /// Tagged `omitempty`.
        omitempty: bool,
    },
    /// The JSON object text of an embedded struct, whose fields are promoted.
    Inline(String),
}

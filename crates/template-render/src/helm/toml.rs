//! `toToml` as Helm's BurntSushi/toml v1.6 encoder writes it: keys sorted with plain values
//! before tables, nested tables indented by two spaces, floats always with a decimal point.
//! `fromToml` reads with [`super::toml_read`].

use std::fmt::Write as _;

use crate::exec::CallContext;
use crate::gofmt::format_float;
use crate::registry::FuncError;
use crate::value::{Kind, Value};

use super::convert::to_chart_value;
use super::toml_read::{DATETIME_FORMATS, TIME_MARK, datetime_zone};
use chart_model::Value as V;

const INDENT: &str = "  ";

pub(super) fn to_toml(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(encode(&a[0]).unwrap_or_else(|e| e)))
}

pub(super) fn must_to_toml(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    encode(&a[0]).map(Value::from)
}

pub(super) fn from_toml(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(match super::toml_read::parse(a[0].as_str().unwrap_or("")) {
        Ok(table) => read_times(&V::Map(table)),
        Err(e) => {
            let mut m = crate::value::Map::new();
            m.insert(std::sync::Arc::from("Error"), Value::from(e));
            Value::map(m)
        }
    })
}

/// A read document as template values, its date-times as `time.Time`.
fn read_times(v: &V) -> Value {
    match v {
        V::String(s) if s.starts_with(TIME_MARK) => {
            let rest = &s[TIME_MARK.len()..];
            let (index, text) = rest.split_once(':').unwrap_or(("0", rest));
            let (format, zone) = DATETIME_FORMATS[index.parse::<usize>().unwrap_or(0).min(DATETIME_FORMATS.len() - 1)];
            match crate::sprig::date::parse_in_location(format, text, &datetime_zone(zone)) {
                Ok(t) => Value::object(t),
                Err(_) => Value::string(text),
            }
        }
        V::List(l) => Value::list(l.iter().map(read_times).collect()),
        V::Map(m) => Value::map(m.iter().map(|(k, v)| (std::sync::Arc::from(k.as_str()), read_times(v))).collect()),
        v => Value::from(v),
    }
}

/// A template value for the encoder: `time.Time` becomes its TOML text behind [`TIME_MARK`].
fn toml_value(v: &Value) -> Option<V> {
    Some(match v {
        Value::List(l) => V::List(l.iter().map(toml_value).collect::<Option<_>>()?),
        Value::Map(m) => {
            V::Map(m.snapshot().iter().map(|(k, v)| Some((k.to_string(), toml_value(v)?))).collect::<Option<_>>()?)
        }
        Value::Object(o) if o.type_name() == "time.Time" => {
            let t = crate::sprig::date::time_arg(v)?;
            let local = match t.loc.name() {
                "datetime-local" => Some("2006-01-02T15:04:05.999999999"),
                "date-local" => Some("2006-01-02"),
                "time-local" => Some("15:04:05.999999999"),
                _ => None,
            };
            let text = match local {
                Some(format) if t.loc.is_fixed() => t.in_location(crate::sprig::date::Location::utc()).format(format),
                _ => t.format("2006-01-02T15:04:05.999999999Z07:00"),
            };
            V::String(format!("{TIME_MARK}{text}"))
        }
        v => to_chart_value(v)?,
    })
}

fn encode(v: &Value) -> Result<String, String> {
    if v.is_nil() && v.kind() != Kind::Map {
        return Err("toml: cannot encode a nil value".to_owned());
    }
    let v = toml_value(v).ok_or_else(|| format!("toml: unsupported type: {}", v.type_name()))?;
    let mut enc = Encoder { out: String::new() };
    enc.encode(&mut Vec::new(), &v)?;
    Ok(enc.out)
}

/// TOML's type of a value: `None` for nil, which maps skip.
#[derive(PartialEq)]
enum TomlType {
    Plain,
    Table,
    ArrayOfTables,
}

fn toml_type(v: &V) -> Result<Option<TomlType>, String> {
    Ok(Some(match v {
        V::Null => return Ok(None),
        V::Map(_) => TomlType::Table,
        V::List(l) if !l.is_empty() => {
            let mut all_tables = true;
            for e in l {
                match toml_type(e)? {
                    None => return Err("toml: cannot encode array with nil element".to_owned()),
                    Some(TomlType::Table) => {}
                    Some(_) => all_tables = false,
                }
            }
            if all_tables { TomlType::ArrayOfTables } else { TomlType::Plain }
        }
        _ => TomlType::Plain,
    }))
}

struct Encoder {
    out: String,
}

fn bare(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|r| r.is_ascii_alphanumeric() || r == '_' || r == '-')
}

fn quote_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn key_piece(out: &mut String, k: &str) {
    if k.is_empty() {
        out.push_str("\"\"");
    } else if bare(k) {
        out.push_str(k);
    } else {
        quote_into(out, k);
    }
}

fn key_string(key: &[String]) -> String {
    let mut out = String::new();
    for (i, k) in key.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        key_piece(&mut out, k);
    }
    out
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(&mut self, key: &[String]) {
        for _ in 1..key.len() {
            self.out.push_str(INDENT);
        }
    }

    fn encode(&mut self, key: &mut Vec<String>, v: &V) -> Result<(), String> {
        match v {
            V::Null => Ok(()),
            V::Map(_) => self.table(key, v),
            V::List(l) if toml_type(v)? == Some(TomlType::ArrayOfTables) => {
                for item in l.iter() {
                    self.newline();
                    self.indent(key);
                    let _ = write!(self.out, "[[{}]]", key_string(key));
                    self.newline();
                    self.map_body(key, item, false)?;
                }
                Ok(())
            }
            _ => self.key_value(key, v, false),
        }
    }

    fn table(&mut self, key: &mut Vec<String>, v: &V) -> Result<(), String> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            self.indent(key);
            let _ = write!(self.out, "[{}]", key_string(key));
            self.newline();
        }
        self.map_body(key, v, false)
    }

    fn key_value(&mut self, key: &[String], v: &V, inline: bool) -> Result<(), String> {
        if key.is_empty() {
            return self.element(v);
        }
        self.indent(key);
        key_piece(&mut self.out, &key[key.len() - 1]);
        self.out.push_str(" = ");
        self.element(v)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    fn map_body(&mut self, key: &mut Vec<String>, v: &V, inline: bool) -> Result<(), String> {
        let V::Map(m) = v else { return Ok(()) };
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in m {
            match toml_type(v)? {
                Some(TomlType::Table | TomlType::ArrayOfTables) => sub.push((k, v)),
                _ => direct.push((k, v)),
            }
        }
        if inline {
            self.out.push('{');
        }
        let has_sub = !sub.is_empty();
        for (group, trailing) in [(direct, has_sub), (sub, false)] {
            let n = group.len();
            for (i, (k, v)) in group.into_iter().enumerate() {
                if matches!(v, V::Null) {
                    continue;
                }
                if inline {
                    self.key_value(std::slice::from_ref(k), v, true)?;
                    if trailing || i != n - 1 {
                        self.out.push_str(", ");
                    }
                } else {
                    key.push(k.clone());
                    let r = self.encode(key, v);
                    key.pop();
                    r?;
                }
            }
        }
        if inline {
            self.out.push('}');
        }
        Ok(())
    }

    fn element(&mut self, v: &V) -> Result<(), String> {
        match v {
            V::Null => return Err("toml: cannot encode array with nil element".to_owned()),
            V::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            V::Int(n) | V::Int64(n) => {
                let _ = write!(self.out, "{n}");
            }
            V::Float64(f) => {
                if f.is_nan() {
                    self.out.push_str(if f.is_sign_negative() { "-nan" } else { "nan" });
                } else if f.is_infinite() {
                    self.out.push_str(if *f < 0.0 { "-inf" } else { "inf" });
                } else {
                    let s = format_float(*f, 'g', -1);
                    let plain = !s.contains(['e', '.']);
                    self.out.push_str(&s);
                    if plain {
                        self.out.push_str(".0");
                    }
                }
            }
            V::String(s) if s.starts_with(TIME_MARK) => self.out.push_str(&s[TIME_MARK.len()..]),
            V::String(s) => quote_into(&mut self.out, s),
            V::List(l) => {
                self.out.push('[');
                for (i, e) in l.iter().enumerate() {
                    self.element(e)?;
                    if i != l.len() - 1 {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            V::Map(_) => self.map_body(&mut Vec::new(), v, true)?,
        }
        Ok(())
    }
}

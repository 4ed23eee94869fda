//! Chart.yaml, requirements.yaml and Chart.lock into the chart types, as
//! Helm's `sigs.k8s.io/yaml.Unmarshal` into `chart.Metadata` and `chart.Lock`.
//!
//! That call converts YAML to JSON (turning numbers and booleans into text
//! where the Go field is a string) and then runs `encoding/json` over it, so
//! keys match fields case-insensitively, unknown keys are ignored, `null`
//! leaves a field alone (or empties a list), and the first type mismatch in
//! key order is reported with Go's message.

use crate::chart::json_fields::{DEPENDENCY_FIELDS, LOCK_FIELDS, MAINTAINER_FIELDS, METADATA_FIELDS, match_field};
use crate::chart::{Dependency, Lock, Maintainer, Metadata};
use crate::value::{Map, Value};

/// `null` entries found in `maintainers` and `dependencies`, which Go keeps
/// as nil pointers and Helm's validation refuses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NullNodes {
    /// A `maintainers` entry was `null`.
    pub maintainer: bool,
    /// The index of the first `null` entry of `dependencies`.
    pub dependency: Option<usize>,
}

/// Where a value sits, for Go's "Go struct field S.a.b" messages.
#[derive(Clone)]
struct Ctx {
    strukt: &'static str,
    fields: Vec<&'static str>,
}

impl Ctx {
    fn top() -> Ctx {
        Ctx { strukt: "", fields: Vec::new() }
    }

    fn field(&self, strukt: &'static str, name: &'static str) -> Ctx {
        let mut fields = self.fields.clone();
        fields.push(name);
        Ctx { strukt, fields }
    }

    fn mismatch(&self, value: &Value, go_type: &str) -> String {
        let kind = kind(value);
        if self.strukt.is_empty() && self.fields.is_empty() {
            format!("json: cannot unmarshal {kind} into Go value of type {go_type}")
        } else {
            format!(
                "json: cannot unmarshal {kind} into Go struct field {}.{} of type {go_type}",
                self.strukt,
                self.fields.join(".")
            )
        }
    }
}

/// The JSON kind Go names in its type errors.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Float64(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

/// Decodes a parsed Chart.yaml or requirements.yaml into `md`, over what it
/// already holds, as `yaml.Unmarshal(data, md)`. The error is the JSON
/// decoder's message, without sigs.k8s.io/yaml's wrapping.
pub(crate) fn decode_metadata(value: &Value, md: &mut Metadata, nulls: &mut NullNodes) -> Result<(), String> {
    let map = match value {
        Value::Null => return Ok(()),
        Value::Map(m) => m,
        other => return Err(Ctx::top().mismatch(other, "chart.Metadata")),
    };
    for (key, v) in map {
        let Some(name) = match_field(key, METADATA_FIELDS) else { continue };
        let ctx = Ctx::top().field("Metadata", name);
        match name {
            "name" => string(v, &mut md.name, &ctx)?,
            "home" => string(v, &mut md.home, &ctx)?,
            "sources" => strings(v, &mut md.sources, &ctx)?,
            "version" => string(v, &mut md.version, &ctx)?,
            "description" => string(v, &mut md.description, &ctx)?,
            "keywords" => strings(v, &mut md.keywords, &ctx)?,
            "maintainers" => maintainers(v, md, nulls, &ctx)?,
            "icon" => string(v, &mut md.icon, &ctx)?,
            "apiVersion" => string(v, &mut md.api_version, &ctx)?,
            "condition" => string(v, &mut md.condition, &ctx)?,
            "tags" => string(v, &mut md.tags, &ctx)?,
            "appVersion" => string(v, &mut md.app_version, &ctx)?,
            "deprecated" => boolean(v, &mut md.deprecated, &ctx)?,
            "annotations" => annotations(v, md, &ctx)?,
            "kubeVersion" => string(v, &mut md.kube_version, &ctx)?,
            "dependencies" => {
                nulls.dependency = dependencies(v, &mut md.dependencies, &ctx)?;
            }
            _ => string(v, &mut md.chart_type, &ctx)?,
        }
    }
    Ok(())
}

/// Decodes a parsed Chart.lock or requirements.lock, as `yaml.Unmarshal(data, &lock)`:
/// `None` when the document is `null` (Go sets the pointer to nil).
pub(crate) fn decode_lock(value: &Value) -> Result<Option<Lock>, String> {
    let map = match value {
        Value::Null => return Ok(None),
        Value::Map(m) => m,
        other => return Err(Ctx::top().mismatch(other, "chart.Lock")),
    };
    let mut lock = Lock { generated: super::time::ZERO.to_owned(), ..Lock::default() };
    for (key, v) in map {
        let Some(name) = match_field(key, LOCK_FIELDS) else { continue };
        let ctx = Ctx::top().field("Lock", name);
        match name {
            "generated" => match v {
                Value::Null => {}
                Value::String(s) => lock.generated = super::time::parse_rfc3339(s)?,
                _ => return Err("Time.UnmarshalJSON: input is not a JSON string".to_owned()),
            },
            "digest" => string(v, &mut lock.digest, &ctx)?,
            _ => {
                dependencies(v, &mut lock.dependencies, &ctx)?;
            }
        }
    }
    Ok(Some(lock))
}

/// A string field: sigs.k8s.io/yaml turns numbers and booleans into text first.
fn string(v: &Value, out: &mut String, ctx: &Ctx) -> Result<(), String> {
    match v {
        Value::Null => {}
        Value::String(s) => s.clone_into(out),
        Value::Bool(b) => *out = b.to_string(),
        Value::Int(n) | Value::Int64(n) => *out = n.to_string(),
        Value::Float64(f) => *out = yaml_number_text(*f),
        other => return Err(ctx.mismatch(other, "string")),
    }
    Ok(())
}

fn boolean(v: &Value, out: &mut bool, ctx: &Ctx) -> Result<(), String> {
    match v {
        Value::Null => {}
        Value::Bool(b) => *out = *b,
        other => return Err(ctx.mismatch(other, "bool")),
    }
    Ok(())
}

fn strings(v: &Value, out: &mut Vec<String>, ctx: &Ctx) -> Result<(), String> {
    match v {
        Value::Null => out.clear(),
        Value::List(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                let mut s = String::new();
                string(item, &mut s, ctx)?;
                list.push(s);
            }
            *out = list;
        }
        other => return Err(ctx.mismatch(other, "[]string")),
    }
    Ok(())
}

fn annotations(v: &Value, md: &mut Metadata, ctx: &Ctx) -> Result<(), String> {
    match v {
        Value::Null => md.annotations.clear(),
        // Go decodes into the map it already has, so a second document adds keys.
        Value::Map(m) => {
            for (k, item) in m {
                let mut s = String::new();
                string(item, &mut s, ctx)?;
                md.annotations.insert(k.clone(), s);
            }
        }
        other => return Err(ctx.mismatch(other, "map[string]string")),
    }
    Ok(())
}

fn maintainers(v: &Value, md: &mut Metadata, nulls: &mut NullNodes, ctx: &Ctx) -> Result<(), String> {
    nulls.maintainer = false;
    match v {
        Value::Null => md.maintainers.clear(),
        Value::List(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                let mut m = Maintainer::default();
                match item {
                    Value::Null => nulls.maintainer = true,
                    Value::Map(fields) => maintainer(fields, &mut m, ctx)?,
                    other => return Err(ctx.mismatch(other, "chart.Maintainer")),
                }
                list.push(m);
            }
            md.maintainers = list;
        }
        other => return Err(ctx.mismatch(other, "[]*chart.Maintainer")),
    }
    Ok(())
}

fn maintainer(map: &Map, m: &mut Maintainer, ctx: &Ctx) -> Result<(), String> {
    for (key, v) in map {
        let Some(name) = match_field(key, MAINTAINER_FIELDS) else { continue };
        let ctx = ctx.field("Maintainer", name);
        match name {
            "name" => string(v, &mut m.name, &ctx)?,
            "email" => string(v, &mut m.email, &ctx)?,
            _ => string(v, &mut m.url, &ctx)?,
        }
    }
    Ok(())
}

/// Decodes a dependency list; answers the index of its first `null` entry.
fn dependencies(v: &Value, out: &mut Vec<Dependency>, ctx: &Ctx) -> Result<Option<usize>, String> {
    let mut null = None;
    match v {
        Value::Null => out.clear(),
        Value::List(items) => {
            let mut list = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let mut d = Dependency::default();
                match item {
                    Value::Null => {
                        null.get_or_insert(i);
                    }
                    Value::Map(fields) => dependency(fields, &mut d, ctx)?,
                    other => return Err(ctx.mismatch(other, "chart.Dependency")),
                }
                list.push(d);
            }
            *out = list;
        }
        other => return Err(ctx.mismatch(other, "[]*chart.Dependency")),
    }
    Ok(null)
}

fn dependency(map: &Map, d: &mut Dependency, ctx: &Ctx) -> Result<(), String> {
    for (key, v) in map {
        let Some(name) = match_field(key, DEPENDENCY_FIELDS) else { continue };
        let ctx = ctx.field("Dependency", name);
        match name {
            "name" => string(v, &mut d.name, &ctx)?,
            "version" => string(v, &mut d.version, &ctx)?,
            "repository" => string(v, &mut d.repository, &ctx)?,
            "condition" => string(v, &mut d.condition, &ctx)?,
            "tags" => strings(v, &mut d.tags, &ctx)?,
            "enabled" => boolean(v, &mut d.enabled, &ctx)?,
            "import-values" => match v {
                Value::Null => d.import_values.clear(),
                Value::List(items) => d.import_values.clone_from(items),
                other => return Err(ctx.mismatch(other, "[]interface {}")),
            },
            _ => string(v, &mut d.alias, &ctx)?,
        }
    }
    Ok(())
}

/// The text sigs.k8s.io/yaml gives a YAML number bound for a string field.
///
/// go-yaml hands over integers as Go ints (printed in full) and other numbers
/// as float64 printed with `strconv.FormatFloat(f, 'g', -1, 32)`. Our YAML
/// reader has already made every number a float64, so an integral value is
/// taken to have been written as an integer.
pub(crate) fn yaml_number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        #[allow(clippy::cast_possible_truncation)]
        return (f as i64).to_string();
    }
    format_g32(f)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`.
fn format_g32(f: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let x = f as f32;
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as Go's shortest mode does.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    if exp < 0 {
        let zeros = "0".repeat(usize::try_from(-exp - 1).unwrap_or(0));
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = usize::try_from(exp + 1).unwrap_or(1);
    if digits.len() <= point {
        format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_go_prints_them() {
        assert_eq!(yaml_number_text(1.0), "1");
        assert_eq!(yaml_number_text(1.1), "1.1");
        assert_eq!(yaml_number_text(1.25e-7), "1.25e-07");
        assert_eq!(yaml_number_text(0.0001), "0.0001");
        assert_eq!(yaml_number_text(1234567.5), "1.2345675e+06");
        assert_eq!(yaml_number_text(123456.5), "123456.5");
        assert_eq!(yaml_number_text(1e30), "1e+30");
    }

    #[test]
    fn fields_and_errors() {
        let mut md = Metadata::default();
        let mut nulls = NullNodes::default();
        let v = Value::Map(
            [
                ("Name".to_owned(), Value::String("a".into())),
                ("VERSION".to_owned(), Value::Float64(1.5)),
                ("maintainers".to_owned(), Value::List(vec![Value::Null])),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(decode_metadata(&v, &mut md, &mut nulls), Ok(()));
        assert_eq!((md.name.as_str(), md.version.as_str(), nulls.maintainer), ("a", "1.5", true));
        let bad = Value::Map([("deprecated".to_owned(), Value::String("yes".into()))].into_iter().collect());
        assert_eq!(
            decode_metadata(&bad, &mut md, &mut nulls),
            Err("json: cannot unmarshal string into Go struct field Metadata.deprecated of type bool".to_owned())
        );
    }
}

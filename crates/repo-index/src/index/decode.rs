//! Decoding a parsed index document into the index model, as Helm's
//! `jsonOrYamlUnmarshal` does: YAML through `sigs.k8s.io/yaml.UnmarshalStrict`
//! (numbers and booleans become text where the Go field is a string, unknown
//! fields are errors) or JSON through `encoding/json` (types must match,
//! unknown fields are ignored).

use std::collections::BTreeMap;

use chart_model::chart::Maintainer;
use chart_model::chart::json_fields::{
    DEPENDENCY_FIELDS, MAINTAINER_FIELDS, METADATA_FIELDS, match_field, match_field_in,
};
use chart_model::{Dependency, Value};

use crate::index::{ChartVersion, IndexFile};

/// Which of Helm's two decoders is being reproduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `sigs.k8s.io/yaml.UnmarshalStrict`.
    Yaml,
    /// `encoding/json.Unmarshal`.
    Json,
}

/// A decoded entry: the chart version, and which list members were `null`
/// (Go keeps them as nil pointers, which validation refuses).
#[derive(Debug, Default)]
pub(crate) struct DecodedEntry {
    pub version: ChartVersion,
    pub null_maintainer: bool,
    pub null_dependency: Option<usize>,
}

const TOP_FIELDS: &[&str] = &["serverInfo", "apiVersion", "generated", "entries", "publicKeys", "annotations"];

/// `repo.ChartVersion`'s own JSON fields (it embeds `chart.Metadata`, whose fields come first).
const VERSION_FIELDS: &[&str] = &["urls", "created", "removed", "digest", "checksum", "engine", "tillerVersion", "url"];

/// Where a value sits, for Go's "Go struct field S.a.b" messages.
struct Ctx<'a> {
    strukt: &'static str,
    path: &'a [&'a str],
    mode: Mode,
    /// Whether sigs.k8s.io/yaml turns numbers and booleans into text here:
    /// it does for fields it can find on the target type, which excludes
    /// everything under ChartVersion's embedded `*chart.Metadata`.
    coerce: bool,
}

impl Ctx<'_> {
    fn mismatch(&self, value: &Value, go_type: &str) -> String {
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Int64(_) | Value::Float64(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "array",
            Value::Map(_) => "object",
        };
        let inner = if self.path.is_empty() {
            format!("json: cannot unmarshal {kind} into Go value of type {go_type}")
        } else {
            format!(
                "json: cannot unmarshal {kind} into Go struct field {}.{} of type {go_type}",
                self.strukt,
                self.path.join(".")
            )
        };
        self.wrap(inner)
    }

    fn unknown(&self, key: &str) -> String {
        self.wrap(format!("json: unknown field {}", go_quote(key)))
    }

    fn wrap(&self, inner: String) -> String {
        match self.mode {
            Mode::Yaml => format!("error unmarshaling JSON: while decoding JSON: {inner}"),
            Mode::Json => inner,
        }
    }
}

/// Decodes one top-level field of the index (not `entries`, which the
/// caller walks itself so that entries are decoded one at a time).
pub(crate) fn decode_top_field(index: &mut IndexFile, key: &str, value: &Value, mode: Mode) -> Result<(), String> {
    let Some(field) = match_field(key, TOP_FIELDS) else {
        return match mode {
            Mode::Yaml => Err(Ctx { strukt: "IndexFile", path: &[], mode, coerce: false }.unknown(key)),
            Mode::Json => Ok(()),
        };
    };
    let path = [field];
    let ctx = Ctx { strukt: "IndexFile", path: &path, mode, coerce: true };
    match field {
        "serverInfo" => match value {
            Value::Null | Value::Map(_) => Ok(()),
            other => Err(ctx.mismatch(other, "map[string]interface {}")),
        },
        "apiVersion" => string(value, &mut index.api_version, &ctx),
        "generated" => time(value, &mut index.generated, &ctx),
        "publicKeys" => strings(value, &mut index.public_keys, &ctx),
        "annotations" => string_map(value, &mut index.annotations, &ctx),
        _ => Err("entries must be decoded by the caller".into()),
    }
}

/// Whether `key` names the `entries` field (Go matches field names case-insensitively).
pub(crate) fn is_entries_key(key: &str) -> bool {
    match_field(key, TOP_FIELDS) == Some("entries")
}

/// The type error for an `entries` value that is not a map.
pub(crate) fn entries_mismatch(value: &Value, mode: Mode) -> Option<String> {
    match value {
        Value::Null | Value::Map(_) => None,
        other => Some(
            Ctx { strukt: "IndexFile", path: &["entries"], mode, coerce: false }
                .mismatch(other, "map[string]repo.ChartVersions"),
        ),
    }
}

/// The type error for one chart's value in `entries` when it is not a list.
pub(crate) fn versions_mismatch(value: &Value, mode: Mode) -> Option<String> {
    match value {
        Value::Null | Value::List(_) => None,
        other => Some(
            Ctx { strukt: "IndexFile", path: &["entries"], mode, coerce: false }.mismatch(other, "repo.ChartVersions"),
        ),
    }
}

/// Decodes one chart version; `None` for a `null` entry.
pub(crate) fn decode_entry(value: &Value, mode: Mode) -> Result<Option<DecodedEntry>, String> {
    let map = match value {
        Value::Null => return Ok(None),
        Value::Map(m) => m,
        other => {
            return Err(Ctx { strukt: "IndexFile", path: &["entries"], mode, coerce: false }
                .mismatch(other, "repo.ChartVersion"));
        }
    };
    let mut out = DecodedEntry::default();
    for (key, v) in map {
        let Some(field) = match_field_in(key, &[METADATA_FIELDS, VERSION_FIELDS]) else {
            if mode == Mode::Yaml {
                return Err(Ctx { strukt: "ChartVersion", path: &[], mode, coerce: false }.unknown(key));
            }
            continue;
        };
        let own = matches!(
            field,
            "urls" | "created" | "removed" | "digest" | "checksum" | "engine" | "tillerVersion" | "url"
        );
        let md_path = ["entries", "Metadata", field];
        let own_path = ["entries", field];
        let ctx = if own {
            Ctx { strukt: "ChartVersion", path: &own_path, mode, coerce: true }
        } else {
            Ctx { strukt: "ChartVersion", path: &md_path, mode, coerce: false }
        };
        let cv = &mut out.version;
        let md = &mut cv.metadata;
        match field {
            "name" => string(v, &mut md.name, &ctx)?,
            "home" => string(v, &mut md.home, &ctx)?,
            "sources" => strings(v, &mut md.sources, &ctx)?,
            "version" => string(v, &mut md.version, &ctx)?,
            "description" => string(v, &mut md.description, &ctx)?,
            "keywords" => strings(v, &mut md.keywords, &ctx)?,
            "maintainers" => out.null_maintainer = maintainers(v, &mut md.maintainers, &ctx)?,
            "icon" => string(v, &mut md.icon, &ctx)?,
            "apiVersion" => string(v, &mut md.api_version, &ctx)?,
            "condition" => string(v, &mut md.condition, &ctx)?,
            "tags" => string(v, &mut md.tags, &ctx)?,
            "appVersion" => string(v, &mut md.app_version, &ctx)?,
            "deprecated" => boolean(v, &mut md.deprecated, &ctx)?,
            "annotations" => string_map(v, &mut md.annotations, &ctx)?,
            "kubeVersion" => string(v, &mut md.kube_version, &ctx)?,
            "dependencies" => out.null_dependency = dependencies(v, &mut md.dependencies, &ctx)?,
            "type" => string(v, &mut md.chart_type, &ctx)?,
            "urls" => strings(v, &mut cv.urls, &ctx)?,
            "created" => time(v, &mut cv.created, &ctx)?,
            "removed" => boolean(v, &mut cv.removed, &ctx)?,
            "digest" => string(v, &mut cv.digest, &ctx)?,
            _ => string(v, &mut String::new(), &ctx)?,
        }
    }
    Ok(Some(out))
}

fn maintainers(v: &Value, out: &mut Vec<Maintainer>, ctx: &Ctx<'_>) -> Result<bool, String> {
    let items = match v {
        Value::Null => {
            out.clear();
            return Ok(false);
        }
        Value::List(items) => items,
        other => return Err(ctx.mismatch(other, "[]*chart.Maintainer")),
    };
    let mut null = false;
    out.clear();
    for item in items {
        let mut m = Maintainer::default();
        match item {
            Value::Null => null = true,
            Value::Map(map) => {
                for (key, v) in map {
                    let Some(field) = match_field(key, MAINTAINER_FIELDS) else {
                        if ctx.mode == Mode::Yaml {
                            return Err(ctx.unknown(key));
                        }
                        continue;
                    };
                    let path = [ctx.path, &[field]].concat();
                    let inner = Ctx { strukt: "Maintainer", path: &path, mode: ctx.mode, coerce: false };
                    match field {
                        "name" => string(v, &mut m.name, &inner)?,
                        "email" => string(v, &mut m.email, &inner)?,
                        _ => string(v, &mut m.url, &inner)?,
                    }
                }
            }
            other => return Err(ctx.mismatch(other, "chart.Maintainer")),
        }
        out.push(m);
    }
    Ok(null)
}

fn dependencies(v: &Value, out: &mut Vec<Dependency>, ctx: &Ctx<'_>) -> Result<Option<usize>, String> {
    let items = match v {
        Value::Null => {
            out.clear();
            return Ok(None);
        }
        Value::List(items) => items,
        other => return Err(ctx.mismatch(other, "[]*chart.Dependency")),
    };
    let mut null = None;
    out.clear();
    for (i, item) in items.iter().enumerate() {
        let mut d = Dependency::default();
        match item {
            Value::Null => {
                null.get_or_insert(i);
            }
            Value::Map(map) => {
                for (key, v) in map {
                    let Some(field) = match_field(key, DEPENDENCY_FIELDS) else {
                        if ctx.mode == Mode::Yaml {
                            return Err(ctx.unknown(key));
                        }
                        continue;
                    };
                    let path = [ctx.path, &[field]].concat();
                    let inner = Ctx { strukt: "Dependency", path: &path, mode: ctx.mode, coerce: false };
                    match field {
                        "name" => string(v, &mut d.name, &inner)?,
                        "version" => string(v, &mut d.version, &inner)?,
                        "repository" => string(v, &mut d.repository, &inner)?,
                        "condition" => string(v, &mut d.condition, &inner)?,
                        "tags" => strings(v, &mut d.tags, &inner)?,
                        "enabled" => boolean(v, &mut d.enabled, &inner)?,
                        "import-values" => match v {
                            Value::Null => d.import_values.clear(),
                            Value::List(items) => d.import_values.clone_from(items),
                            other => return Err(inner.mismatch(other, "[]interface {}")),
                        },
                        _ => string(v, &mut d.alias, &inner)?,
                    }
                }
            }
            other => return Err(ctx.mismatch(other, "chart.Dependency")),
        }
        out.push(d);
    }
    Ok(null)
}

/// A string field. In YAML mode sigs.k8s.io/yaml has turned numbers and
/// booleans into text first; JSON refuses them.
fn string(v: &Value, out: &mut String, ctx: &Ctx<'_>) -> Result<(), String> {
    let coerce = ctx.mode == Mode::Yaml && ctx.coerce;
    match v {
        Value::Null => {}
        Value::String(s) => s.clone_into(out),
        Value::Bool(b) if coerce => *out = b.to_string(),
        Value::Int(n) | Value::Int64(n) if coerce => *out = n.to_string(),
        Value::Float64(f) if coerce => *out = yaml_number_text(*f),
        other => return Err(ctx.mismatch(other, "string")),
    }
    Ok(())
}

fn boolean(v: &Value, out: &mut bool, ctx: &Ctx<'_>) -> Result<(), String> {
    match v {
        Value::Null => {}
        Value::Bool(b) => *out = *b,
        other => return Err(ctx.mismatch(other, "bool")),
    }
    Ok(())
}

fn strings(v: &Value, out: &mut Vec<String>, ctx: &Ctx<'_>) -> Result<(), String> {
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

fn string_map(v: &Value, out: &mut BTreeMap<String, String>, ctx: &Ctx<'_>) -> Result<(), String> {
    match v {
        Value::Null => out.clear(),
        Value::Map(map) => {
            for (key, item) in map {
                let mut s = String::new();
                string(item, &mut s, ctx)?;
                out.insert(key.clone(), s);
            }
        }
        other => return Err(ctx.mismatch(other, "map[string]string")),
    }
    Ok(())
}

/// A `time.Time` field: a JSON string in RFC 3339 form (`null` leaves it alone).
fn time(v: &Value, out: &mut String, ctx: &Ctx<'_>) -> Result<(), String> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) => match parse_rfc3339(s) {
            Ok(()) => {
                s.clone_into(out);
                Ok(())
            }
            Err(e) => Err(ctx.wrap(e)),
        },
        _ => Err(ctx.wrap("Time.UnmarshalJSON: input is not a JSON string".into())),
    }
}

/// Checks `s` as Go's `time.Parse(time.RFC3339, s)`, with its messages.
fn parse_rfc3339(s: &str) -> Result<(), String> {
    const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";
    let quoted = go_quote(s);
    let cannot = |rest: &str, elem: &str| {
        Err(format!("parsing time {quoted} as \"{LAYOUT}\": cannot parse {} as \"{elem}\"", go_quote(rest)))
    };
    let range = |what: &str| Err(format!("parsing time {quoted}: {what} out of range"));
    let mut rest = s;
    let mut nums = [0u32; 6];
    let fields: [(&str, &str, usize); 6] =
        [("2006", "-", 4), ("01", "-", 2), ("02", "T", 2), ("15", ":", 2), ("04", ":", 2), ("05", "", 2)];
    for (i, (elem, sep, width)) in fields.iter().enumerate() {
        let digits = rest.bytes().take(*width).take_while(u8::is_ascii_digit).count();
        if digits != *width {
            return cannot(rest, elem);
        }
        nums[i] = rest[..*width].parse().unwrap_or(0);
        rest = &rest[*width..];
        if !sep.is_empty() {
            let ok = if *sep == "T" { rest.starts_with(['T', 't']) } else { rest.starts_with(sep) };
            if !ok {
                return cannot(rest, sep);
            }
            rest = &rest[1..];
        }
    }
    let [year, month, day, hour, minute, second] = nums;
    if !(1..=12).contains(&month) {
        return range("month");
    }
    if hour > 23 {
        return range("hour");
    }
    if minute > 59 {
        return range("minute");
    }
    if second > 59 {
        return range("second");
    }
    if rest.starts_with('.') || rest.starts_with(',') {
        let n = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return cannot(rest, "Z07:00");
        }
        rest = &rest[1 + n..];
    }
    if rest.starts_with(['Z', 'z']) {
        rest = &rest[1..];
    } else {
        let b = rest.as_bytes();
        let zone_ok = b.len() >= 6
            && (b[0] == b'+' || b[0] == b'-')
            && b[1].is_ascii_digit()
            && b[2].is_ascii_digit()
            && b[3] == b':'
            && b[4].is_ascii_digit()
            && b[5].is_ascii_digit();
        if !zone_ok {
            return cannot(rest, "Z07:00");
        }
        rest = &rest[6..];
    }
    if !rest.is_empty() {
        return Err(format!("parsing time {quoted}: extra text: {}", go_quote(rest)));
    }
    if day < 1 || day > days_in(year, month) {
        return range("day");
    }
    Ok(())
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The text sigs.k8s.io/yaml gives a YAML number bound for a string field:
/// integers in full, other numbers as `strconv.FormatFloat(f, 'g', -1, 32)`.
/// The YAML reader has already made every number a float64, so an integral
/// value is taken to have been written as an integer.
fn yaml_number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        #[allow(clippy::cast_possible_truncation)]
        return (f as i64).to_string();
    }
    #[allow(clippy::cast_possible_truncation)]
    let x = f as f32;
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    // Go's %g with the shortest digits: exponent form below 1e-4 or from 1e21.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..21).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    format!("{x}")
}

/// Go's `%q` of a string (ASCII-safe cases; others keep the character).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

//! Writing Go-typed values as YAML exactly as `sigs.k8s.io/yaml.Marshal` does.
//!
//! `Marshal` is a round trip: `json.Marshal` first, then go-yaml v2 reads
//! that JSON back into generic values and writes them with its encoder. The
//! round trip is what turns a whole `float64` into an integer (`3.0` is
//! written `3`) while `1e+06` stays a float, and what makes NaN an error.
//! Here the round trip is computed directly on the value: the JSON text of
//! each number decides its YAML type, and the characters go-yaml's reader
//! refuses in that JSON are reported as it reports them.

use std::borrow::Cow;

use crate::json::float_text::{format_g, format_json, push_integer, small_integer};
use crate::yaml::YamlError;
use crate::yaml::emit::{Event, Style, emit_document};
use crate::yaml::emit_block::emit_block;
use crate::yaml::key_order::sort_by_key_text;
use crate::yaml::node::{Node, NodeView};
use crate::yaml::plain::resolves_as_string;
use crate::yaml::reread;

/// See [`crate::yaml::to_string`]. The re-read check is skipped for the common value
/// (ASCII text without DEL, short keys, shallow nesting) that go-yaml provably reads back
/// unchanged from its JSON text.
pub(crate) fn to_string<N: Node>(value: &N) -> Result<String, YamlError> {
    if let Some(f) = first_unsupported_float(value) {
        return Err(YamlError::new(format!("error marshaling into JSON: {}", crate::json::unsupported_float(f))));
    }
    if !reread_is_identity(value, 0) {
        reread::check(&value.to_value())?;
    }
    let events = events(value);
    Ok(emit_block(&events).unwrap_or_else(|| emit_document(&events)))
}

/// The first float `json.Marshal` refuses (NaN, infinities), in the order it writes the value.
fn first_unsupported_float<N: Node>(value: &N) -> Option<f64> {
    enum Frame<'a, N: Node + 'a> {
        List(N::Items<'a>),
        Map(N::Entries<'a>),
    }
    let mut stack: Vec<Frame<'_, N>> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(v) = next.take() {
            match v.view() {
                NodeView::Float(f) if !f.is_finite() => return Some(f),
                NodeView::List(items) => stack.push(Frame::List(items)),
                NodeView::Map(entries) => stack.push(Frame::Map(entries)),
                _ => {}
            }
        }
        let step = match stack.last_mut()? {
            Frame::List(items) => items.next(),
            Frame::Map(entries) => entries.next().map(|(_, v)| v),
        };
        match step {
            Some(v) => next = Some(v),
            None => {
                stack.pop();
            }
        }
    }
}

/// How deep [`reread_is_identity`] looks before it leaves the value to the full check.
const FAST_DEPTH: usize = 64;

/// The longest key the re-read check can never refuse: a JSON escape is at most six
/// characters, and a key's JSON text (with its quotes) may be 1024 characters.
const FAST_KEY_BYTES: usize = 170;

/// Whether go-yaml reads `value`'s JSON text back unchanged and without error: every
/// string and key is ASCII without DEL (so no NEL, no refused character, no document
/// marker after a break), keys are short and the nesting is shallow. A `false` only
/// means the full [`reread::check`] has to decide.
fn reread_is_identity<N: Node>(value: &N, depth: usize) -> bool {
    let text_ok = |s: &str| s.bytes().all(|b| b < 0x7f);
    match value.view() {
        NodeView::String(s) => text_ok(s),
        NodeView::List(mut items) => depth < FAST_DEPTH && items.all(|v| reread_is_identity(v, depth + 1)),
        NodeView::Map(mut entries) => {
            depth < FAST_DEPTH
                && entries.all(|(k, v)| k.len() <= FAST_KEY_BYTES && text_ok(k) && reread_is_identity(v, depth + 1))
        }
        _ => true,
    }
}

/// The encoder's events for `value`, after the JSON round trip; map keys in
/// go-yaml's order. Keeps its own stack, so depth costs no native stack; the sorted
/// entries of the maps being written share one buffer.
fn events<N: Node>(value: &N) -> Vec<Event<'_>> {
    enum Frame<'a, N: Node + 'a> {
        List(N::Items<'a>),
        /// The map's entries are `entries[start..end]` of the shared buffer, those from
        /// `next` still to write.
        Map {
            start: usize,
            next: usize,
            end: usize,
        },
    }
    let mut out = Vec::with_capacity(16);
    let mut stack: Vec<Frame<'_, N>> = Vec::new();
    let mut entries: Vec<(&str, &N)> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(v) = next.take() {
            match v.view() {
                NodeView::List(items) => {
                    out.push(Event::SequenceStart);
                    stack.push(Frame::List(items));
                }
                NodeView::Map(map) => {
                    out.push(Event::MappingStart);
                    let start = entries.len();
                    entries.extend(map);
                    sort_by_key_text(&mut entries[start..], |e| e.0);
                    stack.push(Frame::Map { start, next: start, end: entries.len() });
                }
                scalar => out.push(scalar_event(scalar)),
            }
        }
        match stack.last_mut() {
            None => break,
            Some(Frame::List(items)) => match items.next() {
                Some(item) => next = Some(item),
                None => {
                    out.push(Event::SequenceEnd);
                    stack.pop();
                }
            },
            Some(Frame::Map { next: i, end, .. }) if *i < *end => {
                let (key, item) = entries[*i];
                *i += 1;
                out.push(string_event(Cow::Borrowed(key)));
                next = Some(item);
            }
            Some(&mut Frame::Map { start, .. }) => {
                // The maps nested in this one, whose entries came after its own, are done.
                out.push(Event::MappingEnd);
                stack.pop();
                entries.truncate(start);
            }
        }
    }
    out
}

fn scalar_event<'a, N: Node>(value: NodeView<'a, N>) -> Event<'a> {
    let plain = |text: Cow<'static, str>| Event::Scalar(text, Style::Plain);
    match value {
        NodeView::Null => plain(Cow::Borrowed("null")),
        NodeView::Bool(b) => plain(Cow::Borrowed(if b { "true" } else { "false" })),
        NodeView::Int(n) => {
            let mut text = String::new();
            push_integer(&mut text, n);
            plain(Cow::Owned(text))
        }
        NodeView::Float(f) => plain(Cow::Owned(number_after_round_trip(f))),
        // go-yaml's reader folds NEL line breaks in the JSON text; other text reads back as it is.
        NodeView::String(s) if !s.is_ascii() && s.contains(reread::NEL) => string_event(Cow::Owned(reread::fold(s))),
        NodeView::String(s) => string_event(Cow::Borrowed(s)),
        // Containers are handled by the caller.
        NodeView::List(_) | NodeView::Map(_) => plain(Cow::Borrowed("")),
    }
}

/// A finite float as go-yaml writes it after reading its JSON text: that
/// text is an integer when the float is whole and below 1e21, and go-yaml
/// keeps it an integer when it fits in int64 or uint64.
fn number_after_round_trip(f: f64) -> String {
    if let Some(n) = small_integer(f) {
        let mut out = String::new();
        push_integer(&mut out, n);
        return out;
    }
    let text = format_json(f).unwrap_or_default();
    if let Ok(n) = text.parse::<i64>() {
        n.to_string()
    } else if let Ok(n) = text.parse::<u64>() {
        n.to_string()
    } else {
        format_g(f)
    }
}

/// go-yaml's `stringv`: literal block for multi-line text, plain when the
/// text reads back as the same string, double quotes otherwise; the
/// emitter may still fall back to another style.
fn string_event(s: Cow<'_, str>) -> Event<'_> {
    let style = if s.contains('\n') {
        Style::Literal
    } else if resolves_as_string(&s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Event::Scalar(s, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Map, Value};

    fn yaml(v: Value) -> String {
        to_string(&v).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn writes_as_helm() {
        let mut inner = Map::new();
        inner.insert("b".into(), Value::List(vec![Value::Int(1), Value::String("on".into())]));
        inner.insert("a".into(), Value::Map(Map::new()));
        let mut m = Map::new();
        m.insert("x".into(), Value::Map(inner));
        m.insert("s".into(), Value::String("line1\nline2\n".into()));
        m.insert("f".into(), Value::Float64(3.0));
        m.insert("g".into(), Value::Float64(1e6));
        assert_eq!(
            yaml(Value::Map(m)),
            "f: 3\ng: 1000000\ns: |\n  line1\n  line2\nx:\n  a: {}\n  b:\n  - 1\n  - \"on\"\n"
        );
        assert_eq!(yaml(Value::Null), "null\n");
        assert_eq!(yaml(Value::List(vec![])), "[]\n");
        assert_eq!(yaml(Value::Float64(f64::NAN)), "error: error marshaling into JSON: json: unsupported value: NaN");
    }

    #[test]
    fn fast_path_writes_as_the_full_path() {
        let mut m = Map::new();
        m.insert("k".into(), Value::String("a\u{85}b".into()));
        m.insert("long".repeat(300), Value::Int(1));
        m.insert("del".into(), Value::String("x\u{7f}".into()));
        m.insert("n".into(), Value::Float64(f64::INFINITY));
        let mut deep = Value::Map(m.clone());
        for _ in 0..100 {
            deep = Value::List(vec![deep]);
        }
        let mut cases = vec![Value::Null, Value::Float64(2.5), Value::Map(m.clone()), deep];
        for key in m.keys() {
            let mut one = Map::new();
            one.insert(key.clone(), m[key].clone());
            cases.push(Value::Map(one));
        }
        cases.push(Value::Map(Map::from([("plain".to_owned(), Value::String("on\nx".into()))])));
        // The full path: the re-read check always runs.
        let checked = |v: &Value| -> Result<String, String> {
            if let Some(f) = first_unsupported_float(v) {
                return Err(format!("error marshaling into JSON: {}", crate::json::unsupported_float(f)));
            }
            reread::check(v).map_err(|e| e.to_string())?;
            Ok(emit_document(&events(v)))
        };
        for v in cases {
            assert_eq!(to_string(&v).map_err(|e| e.to_string()), checked(&v), "{v:?}");
        }
    }

    #[test]
    fn depth_is_bounded_as_go_yaml_bounds_it() {
        // Dropping a deeply nested value recurses, so give the test thread room.
        let run = || {
            let nest = |depth: usize| (0..depth).fold(Value::Null, |v, _| Value::List(vec![v]));
            let ok = to_string(&nest(10000)).map(|text| text.len());
            let too_deep = to_string(&nest(10001)).map_err(|e| e.to_string());
            (ok, too_deep)
        };
        let (ok, too_deep) = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(run)
            .map(|t| t.join())
            .unwrap_or_else(|e| panic!("spawn: {e}"))
            .unwrap_or_else(|_| panic!("thread panicked"));
        assert!(ok.is_ok_and(|len| len > 10000));
        assert_eq!(too_deep, Err("yaml: exceeded max depth of 10000".to_owned()));
    }
}

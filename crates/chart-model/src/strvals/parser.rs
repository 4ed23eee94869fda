//! The `--set` line parser shared by every flavour (`--set`, `--set-string`,
//! `--set-file`, `--set-json`, `--set-literal`), following Helm's
//! pkg/strvals/parser.go and literal_parser.go step by step.

use crate::strvals::quote::{AtoiError, atoi};
use crate::strvals::{IndexError, MAX_INDEX, MAX_NESTED_NAME_LEVEL, StrvalsError, json_scan};
use crate::value::{Map, Value};

/// The Go type names that Helm's type assertions name in their panics.
const MAP_TYPE: &str = "map[string]interface {}";
const LIST_TYPE: &str = "[]interface {}";

/// How far lists may nest inside one expression (`a[0][0]...`). Helm has no
/// limit (Go stacks grow); this one keeps a hostile line from exhausting ours.
const MAX_NESTED_LISTS: usize = 100;

/// Turns the runes of a value into a `Value` (Helm's `RunesValueReader`).
pub(crate) type Reader<'a> = dyn FnMut(&str) -> Result<Value, StrvalsError> + 'a;

/// What the parser does with the text after `=`.
pub(crate) enum Mode<'r, 'a> {
    /// `{a,b}` lists and plain values, each turned into a value by the reader.
    Values(&'r mut Reader<'a>),
    /// One JSON value (`--set-json`); an empty value is `null`.
    Json,
    /// The rest of the line as a string (`--set-literal`): no escapes, no lists, no commas.
    Literal,
}

/// Why parsing stopped: the end of the line (Go's `io.EOF`, not an error at
/// the top) or an error.
enum Stop {
    Eof,
    Error(StrvalsError),
}

impl From<StrvalsError> for Stop {
    fn from(e: StrvalsError) -> Self {
        Stop::Error(e)
    }
}

type Step<T = ()> = Result<T, Stop>;

pub(crate) struct Parser<'r, 'a> {
    runes: Vec<char>,
    pos: usize,
    mode: Mode<'r, 'a>,
}

impl<'r, 'a> Parser<'r, 'a> {
    pub(crate) fn new(line: &str, mode: Mode<'r, 'a>) -> Self {
        Parser { runes: line.chars().collect(), pos: 0, mode }
    }

    /// Parses the whole line into `data`, as Helm's `parser.parse`.
    pub(crate) fn parse(mut self, data: &mut Map) -> Result<(), StrvalsError> {
        loop {
            match self.key(data, 0, 0) {
                Ok(()) => {}
                Err(Stop::Eof) => return Ok(()),
                Err(Stop::Error(e)) => return Err(e),
            }
        }
    }

    fn literal(&self) -> bool {
        matches!(self.mode, Mode::Literal)
    }

    fn read_rune(&mut self) -> Option<char> {
        let r = self.runes.get(self.pos).copied();
        if r.is_some() {
            self.pos += 1;
        }
        r
    }

    /// Reads up to a stop rune, Helm's `runesUntil` (with backslash escapes)
    /// or `runesUntilLiteral` (without). Returns the text and the stop rune,
    /// or `None` at the end of the line.
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let escapes = !self.literal();
        let mut v = String::new();
        loop {
            match self.read_rune() {
                None => return (v, None),
                Some(r) if stop.contains(&r) => return (v, Some(r)),
                Some('\\') if escapes => match self.read_rune() {
                    None => return (v, None),
                    Some(next) => v.push(next),
                },
                Some(r) => v.push(r),
            }
        }
    }

    fn key(&mut self, data: &mut Map, nested_name_level: usize, nested_lists: usize) -> Step {
        let stop: &[char] = if self.literal() { &['=', '[', '.'] } else { &['=', '[', ',', '.'] };
        let (k, last) = self.runes_until(stop);
        match last {
            None => {
                if k.is_empty() {
                    return Err(Stop::Eof);
                }
                Err(StrvalsError::KeyHasNoValue(k).into())
            }
            Some('[') => {
                let i = self.key_index()?;
                let list = match data.get_mut(&k) {
                    None => Vec::new(),
                    Some(Value::List(l)) => std::mem::take(l),
                    Some(other) => return Err(type_mismatch(other, LIST_TYPE)),
                };
                let (list, result) = self.list_item(list, i, nested_name_level, nested_lists + 1);
                set(data, k, Value::List(list));
                result
            }
            Some('=') => self.key_value(data, k),
            Some(',') => {
                set(data, k.clone(), Value::String(String::new()));
                Err(StrvalsError::KeyEndsWithComma(k).into())
            }
            Some(_) => {
                // '.': a nested map.
                let level = nested_name_level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(StrvalsError::NestedTooDeep.into());
                }
                let (mut inner, existed) = match data.get_mut(&k) {
                    None => (Map::new(), false),
                    Some(Value::Map(m)) => (std::mem::take(m), true),
                    Some(other) => return Err(type_mismatch(other, MAP_TYPE)),
                };
                let result = self.key(&mut inner, level, nested_lists);
                let empty = inner.is_empty();
                // Helm shares the map with `data`, so an existing map keeps
                // whatever the recursion did to it, even on error.
                if existed || !empty {
                    set(data, k.clone(), Value::Map(inner));
                }
                if result.is_ok() && empty {
                    return Err(StrvalsError::KeyMapHasNoValue(k).into());
                }
                result
            }
        }
    }

    /// The value after `key=`.
    fn key_value(&mut self, data: &mut Map, k: String) -> Step {
        match self.mode {
            Mode::Literal => {
                let value = self.rest();
                set(data, k, Value::String(value));
                Ok(())
            }
            Mode::Json => {
                if self.empty_val() {
                    set(data, k, Value::Null);
                    return Ok(());
                }
                let v = self.json_value()?;
                set(data, k, v);
                self.empty_val();
                Ok(())
            }
            Mode::Values(_) => match self.val_list() {
                Ok(vl) => {
                    set(data, k, Value::List(vl));
                    Ok(())
                }
                Err(ValList::Eof) => {
                    set(data, k, Value::String(String::new()));
                    Err(Stop::Eof)
                }
                Err(ValList::NotList) => {
                    let rs = self.val();
                    let v = self.read_value(&rs);
                    match v {
                        Ok(v) => {
                            set(data, k, v);
                            Ok(())
                        }
                        Err(e) => {
                            set(data, k, Value::Null);
                            Err(e.into())
                        }
                    }
                }
                Err(ValList::Error(e)) => Err(e.into()),
            },
        }
    }

    fn read_value(&mut self, rs: &str) -> Result<Value, StrvalsError> {
        match &mut self.mode {
            Mode::Values(reader) => reader(rs),
            // Only the value-list modes call the reader.
            Mode::Json | Mode::Literal => Ok(Value::String(rs.to_owned())),
        }
    }

    fn key_index(&mut self) -> Result<i64, StrvalsError> {
        let (v, last) = self.runes_until(&[']']);
        if last.is_none() {
            return Err(StrvalsError::Index(IndexError::Eof));
        }
        atoi(&v).map_err(|e| {
            StrvalsError::Index(match e {
                AtoiError::Syntax => IndexError::Syntax(v.clone()),
                AtoiError::Range => IndexError::Range(v.clone()),
            })
        })
    }

    /// Helm's `listItem`: what follows `[i]`. Like Go, it hands the list back
    /// even when it fails, so the caller stores what was done so far.
    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        nested_name_level: usize,
        nested_lists: usize,
    ) -> (Vec<Value>, Step) {
        if i < 0 {
            return (list, Err(StrvalsError::NegativeIndex(i).into()));
        }
        if nested_lists > MAX_NESTED_LISTS {
            return (list, Err(StrvalsError::ListsNestedTooDeep.into()));
        }
        let (k, last) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            return (list, Err(StrvalsError::UnexpectedDataAfterIndex(k).into()));
        }
        match last {
            None => (list, Err(Stop::Eof)),
            Some('=') => match self.list_value() {
                Ok(v) => set_index(list, i, v),
                Err(e) => (list, Err(e)),
            },
            Some('[') => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e.into())),
                };
                let mut current = Vec::new();
                if let Some(existing) = index(i).and_then(|i| list.get_mut(i)) {
                    match existing {
                        Value::Null => {}
                        Value::List(l) => current = std::mem::take(l),
                        other => {
                            let e = type_mismatch(other, LIST_TYPE);
                            return (list, Err(e));
                        }
                    }
                }
                let (inner, result) = self.list_item(current, next_i, nested_name_level, nested_lists + 1);
                if let Err(e) = result {
                    // Go's copy of the nested list was never stored back.
                    if let Some(slot) = index(i).and_then(|i| list.get_mut(i))
                        && matches!(slot, Value::List(_))
                    {
                        *slot = Value::List(inner);
                    }
                    return (list, Err(e));
                }
                set_index(list, i, Value::List(inner))
            }
            Some(_) => {
                // '.': a map inside the list.
                let slot = index(i).filter(|&i| i < list.len());
                let mut inner = match slot.map(|s| std::mem::take(&mut list[s])) {
                    Some(Value::Map(m)) => m,
                    // Indices out of order: Helm starts an empty map here.
                    _ => Map::new(),
                };
                let result = self.key(&mut inner, nested_name_level, nested_lists);
                match (result, slot) {
                    (Err(e), Some(s)) => {
                        list[s] = Value::Map(inner);
                        (list, Err(e))
                    }
                    (Err(e), None) => (list, Err(e)),
                    (Ok(()), _) => set_index(list, i, Value::Map(inner)),
                }
            }
        }
    }

    /// The value after `[i]=`.
    fn list_value(&mut self) -> Result<Value, Stop> {
        match self.mode {
            Mode::Literal => Ok(Value::String(self.rest())),
            Mode::Json => {
                if self.empty_val() {
                    return Ok(Value::Null);
                }
                let v = self.json_value()?;
                self.empty_val();
                Ok(v)
            }
            Mode::Values(_) => match self.val_list() {
                Ok(vl) => Ok(Value::List(vl)),
                Err(ValList::Eof) => Ok(Value::String(String::new())),
                Err(ValList::NotList) => {
                    let rs = self.val();
                    Ok(self.read_value(&rs)?)
                }
                Err(ValList::Error(e)) => Err(e.into()),
            },
        }
    }

    /// The rest of the line (`--set-literal`).
    fn rest(&mut self) -> String {
        let v: String = self.runes[self.pos..].iter().collect();
        self.pos = self.runes.len();
        v
    }

    /// Helm's `emptyVal`: skips white space; true at a comma (consumed) or
    /// at the end of the line.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read_rune() {
                None | Some(',') => return true,
                Some(r) if r.is_whitespace() => {}
                Some(_) => {
                    self.pos -= 1;
                    return false;
                }
            }
        }
    }

    /// Decodes one JSON value at the current position and skips it.
    fn json_value(&mut self) -> Result<Value, StrvalsError> {
        let rest: String = self.runes[self.pos..].iter().collect();
        let len = json_scan::first_value_len(rest.as_bytes()).map_err(StrvalsError::Json)?;
        let text = &rest[..len];
        let v = crate::json::from_slice(text.as_bytes()).map_err(|e| StrvalsError::Json(e.to_string()))?;
        self.pos += text.chars().count();
        Ok(v)
    }

    fn val(&mut self) -> String {
        self.runes_until(&[',']).0
    }

    /// Helm's `valList`: a `{a,b}` list, or `NotList` (nothing consumed).
    fn val_list(&mut self) -> Result<Vec<Value>, ValList> {
        match self.read_rune() {
            None => return Err(ValList::Eof),
            Some('{') => {}
            Some(_) => {
                self.pos -= 1;
                return Err(ValList::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                None => return Err(ValList::Error(StrvalsError::ListNotTerminated)),
                Some('}') => {
                    // A comma after the closing brace is consumed with it.
                    if let Some(r) = self.read_rune()
                        && r != ','
                    {
                        self.pos -= 1;
                    }
                    list.push(self.read_value(&rs).map_err(ValList::Error)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.read_value(&rs).map_err(ValList::Error)?),
            }
        }
    }
}

enum ValList {
    Eof,
    NotList,
    Error(StrvalsError),
}

/// Helm's `set`: an empty key is dropped.
fn set(data: &mut Map, key: String, value: Value) {
    if !key.is_empty() {
        data.insert(key, value);
    }
}

fn index(i: i64) -> Option<usize> {
    usize::try_from(i).ok()
}

/// Helm's `setIndex`: grows the list with nulls up to the index.
fn set_index(mut list: Vec<Value>, i: i64, value: Value) -> (Vec<Value>, Step) {
    if i < 0 {
        return (list, Err(StrvalsError::NegativeIndex(i).into()));
    }
    if i > MAX_INDEX {
        return (list, Err(StrvalsError::IndexTooLarge(i).into()));
    }
    let Some(i) = index(i) else {
        return (list, Err(StrvalsError::IndexTooLarge(i).into()));
    };
    if list.len() <= i {
        list.resize(i + 1, Value::Null);
    }
    list[i] = value;
    (list, Ok(()))
}

/// The error Helm reports when a type assertion panics inside `key`.
fn type_mismatch(found: &Value, wanted: &'static str) -> Stop {
    let found = if found.is_null() { "nil" } else { found.go_type_name() };
    Stop::Error(StrvalsError::TypeMismatch { found, wanted })
}

/// Helm's `typedVal` for `--set` (and `--set-string` when `strings` is true).
pub(crate) fn typed_val(v: &str, strings: bool) -> Value {
    if strings {
        return Value::String(v.to_owned());
    }
    if equal_fold(v, "true") {
        return Value::Bool(true);
    }
    if equal_fold(v, "false") {
        return Value::Bool(false);
    }
    if equal_fold(v, "null") {
        return Value::Null;
    }
    if v == "0" {
        return Value::Int64(0);
    }
    // A leading zero keeps the value a string ("0123", "0x1F").
    if !v.is_empty()
        && !v.starts_with('0')
        && let Ok(n) = atoi_int64(v)
    {
        return Value::Int64(n);
    }
    Value::String(v.to_owned())
}

/// Go's `strconv.ParseInt(v, 10, 64)`, which is `Atoi` on 64-bit platforms.
fn atoi_int64(v: &str) -> Result<i64, AtoiError> {
    atoi(v)
}

/// Go's `strings.EqualFold` against an ASCII lowercase word: simple Unicode
/// case folding, under which `ſ` (U+017F) folds to `s` and the Kelvin sign to `k`.
fn equal_fold(v: &str, word: &str) -> bool {
    let mut chars = v.chars();
    for w in word.chars() {
        let Some(c) = chars.next() else { return false };
        let same = c.to_ascii_lowercase() == w || (w == 's' && c == 'ſ') || (w == 'k' && c == '\u{212A}');
        if !same {
            return false;
        }
    }
    chars.next().is_none()
}

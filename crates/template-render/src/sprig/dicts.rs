//! Sprig's dict functions (dict.go), with mergo's merge rules for `merge` and `mergeOverwrite`.
//!
//! Go's maps are references: `set`, `unset` and the merges change the map they are given, in
//! place, and return it; a merge also stores the source's nested maps by reference, as mergo does.
//! No map guard is held across another map's lock (`merge $d $d` is fine).

use std::sync::Arc;

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Kind, Map, SharedMap, Value};

use super::args::{is_nil, str};
use super::cast::{elements, strval};
use super::deep::MAX_MERGE_DEPTH;
use super::gotypes::strings;

use GoType::{Any, Map as GoMap, String as Str};

/// The dict functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::variadic("dict", &[], Any, dict),
    Function::new("get", &[GoMap, Str], get),
    Function::new("set", &[GoMap, Str, Any], set),
    Function::new("unset", &[GoMap, Str], unset),
    Function::new("hasKey", &[GoMap, Str], has_key),
    Function::variadic("pluck", &[Str], GoMap, pluck),
    Function::variadic("keys", &[], GoMap, keys),
    Function::variadic("pick", &[GoMap], Str, pick),
    Function::variadic("omit", &[GoMap], Str, omit),
    Function::variadic("merge", &[GoMap], GoMap, merge),
    Function::variadic("mustMerge", &[GoMap], GoMap, must_merge),
    Function::variadic("mergeOverwrite", &[GoMap], GoMap, merge_overwrite),
    Function::variadic("mustMergeOverwrite", &[GoMap], GoMap, must_merge_overwrite),
    Function::new("values", &[GoMap], values),
    Function::variadic("dig", &[], Any, dig),
    Function::new("deepCopy", &[Any], deep_copy),
    Function::new("mustDeepCopy", &[Any], deep_copy),
];

type R = Result<Value, FuncError>;

/// The entries of a `map[string]interface{}` argument as they are now (a nil map has none).
fn entries(v: &Value) -> Map {
    match v {
        Value::Map(m) => m.snapshot(),
        _ => Map::new(),
    }
}

fn lookup(v: &Value, key: &str) -> Option<Value> {
    match v {
        Value::Map(m) => m.get(key),
        _ => None,
    }
}

fn dict(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut m = Map::new();
    for pair in a.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
        m.insert(Arc::from(strval(&pair[0])), value);
    }
    Ok(Value::map(m))
}

fn get(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(lookup(&a[0], str(a, 1)).unwrap_or_else(|| Value::from("")))
}

fn set(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    match &a[0] {
        Value::Map(m) => {
            m.insert(Arc::from(str(a, 1)), a[2].clone());
            Ok(a[0].clone())
        }
        _ => Err("assignment to entry in nil map".to_owned()),
    }
}

fn unset(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    if let Value::Map(m) = &a[0] {
        m.remove(str(a, 1));
    }
    Ok(a[0].clone())
}

fn has_key(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(lookup(&a[0], str(a, 1)).is_some()))
}

fn pluck(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let key = str(a, 0);
    Ok(Value::list(a[1..].iter().filter_map(|d| lookup(d, key)).collect()))
}

fn keys(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(strings(a.iter().flat_map(|d| entries(d).into_keys().map(|k| k.to_string())).collect()))
}

fn pick(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut m = Map::new();
    for k in &a[1..] {
        let k = k.as_str().unwrap_or("");
        if let Some(v) = lookup(&a[0], k) {
            m.insert(Arc::from(k), v);
        }
    }
    Ok(Value::map(m))
}

fn omit(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut m = entries(&a[0]);
    for k in &a[1..] {
        m.remove(k.as_str().unwrap_or(""));
    }
    Ok(Value::map(m))
}

fn values(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::list(entries(&a[0]).into_values().collect()))
}

/// mergo's `isEmptyValue` of a map element, looking through the interface.
fn mergo_empty(v: &Value) -> bool {
    match v {
        Value::Invalid | Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(n) | Value::Int64(n) => *n == 0,
        Value::Float64(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => match o.kind() {
            Kind::Slice | Kind::Map | Kind::String => v.is_empty(),
            Kind::Bool => !v.is_true(),
            Kind::Int => o.int() == Some(0),
            Kind::Uint => o.uint() == Some(0),
            Kind::Float => o.float() == Some(0.0),
            Kind::Pointer | Kind::Func | Kind::Interface => o.is_nil(),
            _ => false,
        },
    }
}

/// mergo's `deepMerge` of one `map[string]interface{}` into another, in place (`Merge`, or
/// `MergeWithOverwrite` when `overwrite`).
fn merge_into(dst: &SharedMap, src: &Map, overwrite: bool, depth: usize) -> Result<(), FuncError> {
    if depth > MAX_MERGE_DEPTH {
        return Err(format!("maps nested more than {MAX_MERGE_DEPTH} levels deep (a map containing itself?)"));
    }
    for (key, sv) in src {
        if is_nil(sv) {
            if overwrite {
                dst.insert(key.clone(), Value::Nil);
            }
            continue;
        }
        let dv = dst.get(key);
        let src_is_map = sv.kind() == Kind::Map;
        let src_is_slice = sv.kind() == Kind::Slice;
        if let (Value::Map(s), Some(Value::Map(d))) = (sv, &dv) {
            super::deep::grow(|| merge_into(d, &s.snapshot(), overwrite, depth + 1))?;
        } else if src_is_slice {
            let slice = match &dv {
                _ if overwrite || dst.is_empty() => sv.clone(),
                None | Some(Value::Nil) => Value::list(Vec::new()),
                Some(v) => v.clone(),
            };
            dst.insert(key.clone(), slice);
        }
        if let Some(d) = &dv
            && !mergo_empty(d)
            && (src_is_slice || (src_is_map && d.kind() == Kind::Map))
        {
            continue;
        }
        if overwrite || dv.as_ref().is_none_or(mergo_empty) {
            dst.insert(key.clone(), sv.clone());
        }
    }
    Ok(())
}

/// Merges every source into the first map; `Err` is mergo's failure (Sprig's `must*` forms return it).
fn merge_all(a: &[Value], overwrite: bool) -> R {
    let dst = match &a[0] {
        Value::Map(_) => a[0].clone(),
        _ => Value::map(Map::new()),
    };
    if let Value::Map(d) = &dst {
        for src in &a[1..] {
            if let Value::Map(s) = src {
                merge_into(d, &s.snapshot(), overwrite, 0)?;
            }
        }
    }
    Ok(dst)
}

fn merge(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(merge_all(a, false).unwrap_or_else(|_| Value::from("")))
}

fn must_merge(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    merge_all(a, false)
}

fn merge_overwrite(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(merge_all(a, true).unwrap_or_else(|_| Value::from("")))
}

fn must_merge_overwrite(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    merge_all(a, true)
}

/// Go's text for a failed type assertion `x.(T)` on an `interface{}`.
fn conversion_panic(v: &Value, want: &str) -> FuncError {
    let got = if is_nil(v) { "nil".to_owned() } else { v.type_name().into_owned() };
    format!("interface conversion: interface {{}} is {got}, not {want}")
}

fn dig(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    if a.len() < 3 {
        return Err("dig needs at least three arguments".to_owned());
    }
    let last = &a[a.len() - 1];
    let default = &a[a.len() - 2];
    if !matches!(last, Value::Map(_)) && last.type_name() != "map[string]interface {}" {
        return Err(conversion_panic(last, "map[string]interface {}"));
    }
    let mut keys = Vec::new();
    for k in &a[..a.len() - 2] {
        match k {
            Value::String(s) => keys.push(s.clone()),
            other => return Err(conversion_panic(other, "string")),
        }
    }
    let mut current = last.clone();
    for (i, k) in keys.iter().enumerate() {
        let step = match lookup(&current, k) {
            Some(v) => v,
            None => return Ok(default.clone()),
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        if !matches!(step, Value::Map(_)) && step.type_name() != "map[string]interface {}" {
            return Err(conversion_panic(&step, "map[string]interface {}"));
        }
        current = step;
    }
    Ok(default.clone())
}

/// copystructure's `Copy`: maps and slices rebuilt, everything else shared; `None` for a map
/// that contains itself.
pub(crate) fn copy_value(v: &Value) -> Option<Value> {
    copy_in(v, &mut Vec::new())
}

fn copy_in(v: &Value, open: &mut Vec<*const SharedMap>) -> Option<Value> {
    super::deep::grow(|| {
        Some(match v {
            Value::List(l) => Value::list(l.iter().map(|e| copy_in(e, open)).collect::<Option<_>>()?),
            Value::Map(m) => {
                let ptr = Arc::as_ptr(m);
                if open.contains(&ptr) {
                    return None;
                }
                open.push(ptr);
                let copy =
                    m.snapshot().iter().map(|(k, e)| Some((k.clone(), copy_in(e, open)?))).collect::<Option<_>>();
                open.pop();
                match m.map_type() {
                    // copystructure keeps the map's named type (`chartutil.Values`).
                    Some(t) => Value::Map(Arc::new(SharedMap::with_type(copy?, t))),
                    None => Value::map(copy?),
                }
            }
            Value::Object(o) if o.kind() == Kind::Slice && !o.is_nil() => super::gotypes::same_slice(
                v,
                elements(v).unwrap_or_default().iter().map(|e| copy_in(e, open)).collect::<Option<_>>()?,
            ),
            Value::Object(o) if o.type_name() == "*semver.Version" => super::semver::copied_version(),
            other => other.clone(),
        })
    })
}

fn deep_copy(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    if is_nil(&a[0]) {
        return Err("reflect: call of reflect.Value.Type on zero Value".to_owned());
    }
    copy_value(&a[0]).ok_or_else(|| "deepCopy: the value contains itself".to_owned())
}

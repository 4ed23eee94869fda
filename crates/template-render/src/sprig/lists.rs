//! Sprig's list functions (list.go): every one copies, none modifies its argument.

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use std::sync::Arc;

use crate::value::{GoType, SharedMap, Value};

use super::cast::{NIL_DEREFERENCE, elements, empty, kind_name, to_int64};
use super::gotypes::{lists, nil_list, same_slice};

use GoType::{Any, Int};

/// The list functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::variadic("list", &[], Any, list),
    Function::variadic("tuple", &[], Any, list),
    Function::new("append", &[Any, Any], push),
    Function::new("push", &[Any, Any], push),
    Function::new("mustAppend", &[Any, Any], push),
    Function::new("mustPush", &[Any, Any], push),
    Function::new("prepend", &[Any, Any], prepend),
    Function::new("mustPrepend", &[Any, Any], prepend),
    Function::new("first", &[Any], first),
    Function::new("mustFirst", &[Any], first),
    Function::new("rest", &[Any], rest),
    Function::new("mustRest", &[Any], rest),
    Function::new("last", &[Any], last),
    Function::new("mustLast", &[Any], last),
    Function::new("initial", &[Any], initial),
    Function::new("mustInitial", &[Any], initial),
    Function::new("reverse", &[Any], reverse),
    Function::new("mustReverse", &[Any], reverse),
    Function::new("uniq", &[Any], uniq),
    Function::new("mustUniq", &[Any], uniq),
    Function::variadic("without", &[Any], Any, without),
    Function::variadic("mustWithout", &[Any], Any, without),
    Function::new("has", &[Any, Any], has),
    Function::new("mustHas", &[Any, Any], has),
    Function::variadic("slice", &[Any], Any, slice),
    Function::variadic("mustSlice", &[Any], Any, slice),
    Function::variadic("concat", &[], Any, concat),
    Function::new("chunk", &[Int, Any], chunk),
    Function::new("mustChunk", &[Int, Any], chunk),
    Function::new("compact", &[Any], compact),
    Function::new("mustCompact", &[Any], compact),
];

type R = Result<Value, FuncError>;

/// The elements of a list argument, or Sprig's error (`Cannot <what> on type <kind>`).
fn items(v: &Value, what: impl FnOnce(&str) -> String) -> Result<Vec<Value>, FuncError> {
    match elements(v) {
        Some(items) => Ok(items),
        None => match kind_name(v) {
            Some(kind) => Err(what(&kind)),
            None => Err(NIL_DEREFERENCE.to_owned()),
        },
    }
}

fn list(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::list(a.to_vec()))
}

fn push(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut l = items(&a[0], |k| format!("Cannot push on type {k}"))?;
    l.push(a[1].clone());
    Ok(Value::list(l))
}

fn prepend(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut l = items(&a[0], |k| format!("Cannot prepend on type {k}"))?;
    l.insert(0, a[1].clone());
    Ok(Value::list(l))
}

fn first(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let l = items(&a[0], |k| format!("Cannot find first on type {k}"))?;
    Ok(l.into_iter().next().unwrap_or(Value::Nil))
}

fn last(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let l = items(&a[0], |k| format!("Cannot find last on type {k}"))?;
    Ok(l.into_iter().next_back().unwrap_or(Value::Nil))
}

fn rest(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let l = items(&a[0], |k| format!("Cannot find rest on type {k}"))?;
    if l.is_empty() {
        return Ok(nil_list());
    }
    Ok(Value::list(l[1..].to_vec()))
}

fn initial(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let l = items(&a[0], |k| format!("Cannot find initial on type {k}"))?;
    if l.is_empty() {
        return Ok(nil_list());
    }
    Ok(Value::list(l[..l.len() - 1].to_vec()))
}

fn reverse(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut l = items(&a[0], |k| format!("Cannot find reverse on type {k}"))?;
    l.reverse();
    Ok(Value::list(l))
}

fn compact(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let l = items(&a[0], |k| format!("Cannot compact on type {k}"))?;
    Ok(Value::list(l.into_iter().filter(|v| !empty(v)).collect()))
}

/// Go's `reflect.DeepEqual` between two `interface{}` values.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_in(a, b, &mut Vec::new())
}

/// Pairs of maps being compared: met again, they count as equal, as Go's `visited` set makes them.
type Visited = Vec<(*const SharedMap, *const SharedMap)>;

fn deep_equal_in(a: &Value, b: &Value, visited: &mut Visited) -> bool {
    super::deep::grow(|| deep_equal_step(a, b, visited))
}

fn deep_equal_step(a: &Value, b: &Value, visited: &mut Visited) -> bool {
    match (a, b) {
        (Value::Invalid | Value::Nil, Value::Invalid | Value::Nil) => true,
        (Value::Float64(x), Value::Float64(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equal_in(p, q, visited))
        }
        (Value::Map(x), Value::Map(y)) => {
            let pair = (Arc::as_ptr(x), Arc::as_ptr(y));
            if x.map_type().map(|t| t.name()) != y.map_type().map(|t| t.name()) {
                return false;
            }
            if Arc::ptr_eq(x, y) || visited.contains(&pair) {
                return true;
            }
            visited.push(pair);
            let (x, y) = (x.snapshot(), y.snapshot());
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| deep_equal_in(v, w, visited)))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.type_name() != y.type_name() || x.is_nil() != y.is_nil() {
                return false;
            }
            if x.type_name() == "time.Time" {
                return super::date::same_time_value(a, b);
            }
            if let (Some(p), Some(q)) = (x.elements(), y.elements()) {
                return p.len() == q.len() && p.iter().zip(q.iter()).all(|(p, q)| deep_equal_in(p, q, visited));
            }
            if x.kind() == crate::value::Kind::Map {
                let (p, q) = (x.fields(), y.fields());
                return p.len() == q.len()
                    && p.iter().zip(q.iter()).all(|(p, q)| p.0 == q.0 && deep_equal_in(&p.1, &q.1, visited));
            }
            if let (Some(p), Some(q)) = (x.str(), y.str()) {
                return p == q;
            }
            if let (Some(p), Some(q)) = (x.int(), y.int()) {
                return p == q;
            }
            if let (Some(p), Some(q)) = (x.uint(), y.uint()) {
                return p == q;
            }
            if let (Some(p), Some(q)) = (x.float(), y.float()) {
                return p == q;
            }
            a == b
        }
        _ => a == b,
    }
}

fn in_list(haystack: &[Value], needle: &Value) -> bool {
    haystack.iter().any(|h| deep_equal(needle, h))
}

fn uniq(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let l = items(&a[0], |k| format!("Cannot find uniq on type {k}"))?;
    let mut dest: Vec<Value> = Vec::new();
    for item in l {
        if !in_list(&dest, &item) {
            dest.push(item);
        }
    }
    Ok(Value::list(dest))
}

fn without(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let l = items(&a[0], |k| format!("Cannot find without on type {k}"))?;
    Ok(Value::list(l.into_iter().filter(|v| !in_list(&a[1..], v)).collect()))
}

fn has(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    if super::args::is_nil(&a[1]) {
        return Ok(Value::Bool(false));
    }
    let l = items(&a[1], |k| format!("Cannot find has on type {k}"))?;
    Ok(Value::Bool(in_list(&l, &a[0])))
}

fn slice(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let l = items(&a[0], |k| format!("list should be type of slice or array but {k}"))?;
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map_or(0, to_int64);
    let end = if a.len() < 3 { l.len() as i64 } else { to_int64(&a[2]) };
    if start < 0 || end < start || end > l.len() as i64 {
        return Err("reflect.Value.Slice: slice index out of bounds".to_owned());
    }
    Ok(same_slice(&a[0], l[start as usize..end as usize].to_vec()))
}

fn concat(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let mut res: Vec<Value> = Vec::new();
    for l in a {
        res.extend(items(l, |k| format!("Cannot concat type {k} as list"))?);
    }
    if res.is_empty() {
        return Ok(nil_list());
    }
    Ok(Value::list(res))
}

fn chunk(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let size = a[0].as_int().unwrap_or(0);
    let l = items(&a[1], |k| format!("Cannot chunk type {k}"))?;
    let len = l.len() as i64;
    if size == 0 {
        return Err(DIVIDE_BY_ZERO_CHUNK.to_owned());
    }
    let count = ((len - 1) as f64 / size as f64).floor() as i64 + 1;
    if count < 0 {
        return Err("runtime error: makeslice: len out of range".to_owned());
    }
    let mut out = Vec::new();
    for i in 0..count {
        let mut clen = size;
        if i == count - 1 {
            clen = (len as f64 % size as f64).floor() as i64;
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err("runtime error: makeslice: len out of range".to_owned());
        }
        let mut c = Vec::new();
        for j in 0..clen {
            let ix = i * size + j;
            match usize::try_from(ix).ok().and_then(|ix| l.get(ix)) {
                Some(v) => c.push(v.clone()),
                None => return Err("reflect: slice index out of range".to_owned()),
            }
        }
        out.push(Value::list(c));
    }
    Ok(lists(out))
}

/// What `chunk 0` gives: Go computes a float division by zero, then a huge slice length.
const DIVIDE_BY_ZERO_CHUNK: &str = "runtime error: makeslice: len out of range";

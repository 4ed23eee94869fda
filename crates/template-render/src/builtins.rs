//! Go's builtin template functions (`text/template/funcs.go`): and, or, not, len, index, slice,
//! print, printf, println, eq, ne, lt, le, gt, ge, call, html, js, urlquery.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::exec::CallContext;
use crate::gofmt;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Kind, Scalar, Value};

use GoType::{Any, Reflect, String as Str};

/// The builtins, as Go declares them. `and`, `or` and `call` are special-cased by the executor.
pub static BUILTINS: &[Function] = &[
    Function::variadic("and", &[Reflect], Reflect, unreachable_builtin),
    Function::variadic("call", &[Reflect], Reflect, unreachable_builtin),
    Function::variadic("html", &[], Any, html),
    Function::variadic("index", &[Reflect], Reflect, index),
    Function::variadic("slice", &[Reflect], Reflect, slice),
    Function::variadic("js", &[], Any, js),
    Function::new("len", &[Reflect], len),
    Function::new("not", &[Reflect], not),
    Function::variadic("or", &[Reflect], Reflect, unreachable_builtin),
    Function::variadic("print", &[], Any, print),
    Function::variadic("printf", &[Str], Any, printf),
    Function::variadic("println", &[], Any, println),
    Function::variadic("urlquery", &[], Any, urlquery),
    Function::variadic("eq", &[Reflect], Reflect, eq),
    Function::new("ge", &[Reflect, Reflect], ge),
    Function::new("gt", &[Reflect, Reflect], gt),
    Function::new("le", &[Reflect, Reflect], le),
    Function::new("lt", &[Reflect, Reflect], lt),
    Function::new("ne", &[Reflect, Reflect], ne),
];

fn unreachable_builtin(_: &mut CallContext<'_, '_>, _: &[Value]) -> Result<Value, FuncError> {
    Err("unreachable".to_owned())
}

/// Go's `indirectInterface`: a nil interface is no value.
fn indirect_interface(v: &Value) -> &Value {
    if matches!(v, Value::Nil) { &Value::Invalid } else { v }
}

/// Go's truth of an argument.
pub(crate) fn truth(v: &Value) -> bool {
    v.is_true()
}

fn not(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Bool(!truth(&a[0])))
}

const ZERO_TYPE: &str = "reflect: call of reflect.Value.Type on zero Value";

fn len(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let item = &a[0];
    if matches!(item, Value::Nil) || (item.kind() == Kind::Pointer && item.is_nil()) {
        return Err("len of nil pointer".to_owned());
    }
    match item.len() {
        Some(n) => Ok(Value::Int(n as i64)),
        None if item.is_invalid() => Err(ZERO_TYPE.to_owned()),
        None => Err(format!("len of type {}", item.type_name())),
    }
}

fn index_arg(index: &Value, cap: usize) -> Result<usize, FuncError> {
    let x: i128 = match index.kind() {
        Kind::Int => i128::from(index.as_int().unwrap_or(0)),
        Kind::Uint => i128::from(index.as_uint().unwrap_or(0)),
        Kind::Invalid => return Err("cannot index slice/array with nil".to_owned()),
        _ => return Err(format!("cannot index slice/array with type {}", index.type_name())),
    };
    if x < 0 || x > cap as i128 {
        return Err(format!("index out of range: {}", x as i64));
    }
    Ok(x as usize)
}

fn index(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let mut item = indirect_interface(&a[0]).clone();
    if item.is_invalid() {
        return Err("index of untyped nil".to_owned());
    }
    for index in &a[1..] {
        let index = indirect_interface(index);
        if matches!(item, Value::Nil) || (matches!(item.kind(), Kind::Pointer) && item.is_nil()) {
            return Err("index of nil pointer".to_owned());
        }
        item = match &item {
            Value::String(s) => {
                let x = index_arg(index, s.len())?;
                match s.as_bytes().get(x) {
                    Some(&b) => Scalar::uint8(b),
                    None => return Err("reflect: string index out of range".to_owned()),
                }
            }
            Value::List(l) => {
                let x = index_arg(index, l.len())?;
                match l.get(x) {
                    Some(v) => v.clone(),
                    None => return Err("reflect: slice index out of range".to_owned()),
                }
            }
            Value::Map(m) => {
                let key = match index {
                    Value::Invalid => return Err("value is nil; should be of type string".to_owned()),
                    Value::String(s) => s,
                    other if other.kind() == Kind::String => &Arc::from(other.as_str().unwrap_or("")),
                    other => return Err(format!("value has type {}; should be string", other.type_name())),
                };
                m.get(key).unwrap_or(Value::Nil)
            }
            Value::Object(o) if o.kind() == Kind::Slice => {
                let elems = o.elements().unwrap_or_default();
                let x = index_arg(index, elems.len())?;
                match elems.get(x) {
                    Some(v) => v.clone(),
                    None => return Err("reflect: slice index out of range".to_owned()),
                }
            }
            // A host map such as Sprig's `map[string]string` (from `split`): looked up by key.
            Value::Object(o) if o.kind() == Kind::Map => {
                let Some(key) = index.as_str() else {
                    return Err(format!("value has type {}; should be string", index.type_name()));
                };
                o.fields().into_iter().find(|(k, _)| k == key).map_or(Value::Nil, |(_, v)| v)
            }
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

fn slice(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let item = indirect_interface(&a[0]);
    if item.is_invalid() {
        return Err("slice of untyped nil".to_owned());
    }
    if matches!(item, Value::Nil) {
        return Err("slice of nil pointer".to_owned());
    }
    let indexes = &a[1..];
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".to_owned());
            }
            s.len()
        }
        Value::List(l) => l.len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(indirect_interface(index), len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(match item {
        Value::String(s) => match s.get(idx[0]..idx[1]) {
            Some(sub) => Value::string(sub),
            None => Value::String(Arc::from(String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]]))),
        },
        Value::List(l) => Value::list(l[idx[0]..idx[1]].to_vec()),
        _ => Value::Invalid,
    })
}

fn print(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let buf = ctx.scratch();
    gofmt::sprint_into(buf, a);
    Ok(Value::string(buf))
}

fn printf(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let buf = ctx.scratch();
    gofmt::sprintf_into(buf, a[0].as_str().unwrap_or(""), &a[1..]);
    Ok(Value::string(buf))
}

fn println(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let buf = ctx.scratch();
    gofmt::sprintln_into(buf, a);
    Ok(Value::string(buf))
}

/// Go's `evalArgs` for html, js and urlquery: one string as is, anything else printed with `Sprint`.
fn eval_args(a: &[Value]) -> String {
    if let [Value::String(s)] = a {
        return s.to_string();
    }
    let printable: Vec<Value> = a
        .iter()
        .map(|v| if v.is_invalid() || matches!(v, Value::Nil) { Value::string("<no value>") } else { v.clone() })
        .collect();
    gofmt::sprint(&printable)
}

fn html(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let s = eval_args(a);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Ok(Value::from(out))
}

fn js(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let s = eval_args(a);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if c < ' ' => {
                let _ = write!(out, "\\u00{:02X}", c as u32);
            }
            c if c.is_ascii() => out.push(c),
            c if crate::quote::is_print(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    Ok(Value::from(out))
}

fn urlquery(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let s = eval_args(a);
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    Ok(Value::from(out))
}

// ---- comparison ----

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BasicKind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> BasicKind {
    match v.kind() {
        Kind::Bool => BasicKind::Bool,
        Kind::Int => BasicKind::Int,
        Kind::Uint => BasicKind::Uint,
        Kind::Float => BasicKind::Float,
        Kind::String => BasicKind::String,
        _ => BasicKind::Invalid,
    }
}

const BAD_COMPARISON: &str = "invalid type for comparison";

fn type_of(v: &Value) -> String {
    if v.is_invalid() { "<nil>".to_owned() } else { v.type_name().into_owned() }
}

fn bool_of(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Object(o) => o.int().unwrap_or(0) != 0,
        _ => false,
    }
}

/// Whether Go's `==` works on the value's type: not on slices, maps, functions, or structs holding them.
fn comparable(v: &Value) -> bool {
    match v {
        Value::Object(o) if o.kind() == Kind::Struct => o.fields().iter().all(|(_, f)| comparable(f)),
        v => !matches!(v.kind(), Kind::Map | Kind::Slice | Kind::Func),
    }
}

/// Go's `==` on two values of one comparable type.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if x.kind() == Kind::Struct && y.kind() == Kind::Struct => {
            x.type_name() == y.type_name() && {
                let (fx, fy) = (x.fields(), y.fields());
                fx.len() == fy.len() && fx.iter().zip(fy.iter()).all(|((_, p), (_, q))| same(p, q))
            }
        }
        (a, b) if a.is_nil() && b.is_nil() => a.type_name() == b.type_name(),
        (a, b) => match (basic_kind(a), basic_kind(b)) {
            (BasicKind::Invalid, _) | (_, BasicKind::Invalid) => a == b,
            _ => a.type_name() == b.type_name() && equal(a, std::slice::from_ref(b)).unwrap_or(false),
        },
    }
}

fn equal(arg1: &Value, args: &[Value]) -> Result<bool, FuncError> {
    let arg1 = indirect_interface(arg1);
    if args.is_empty() {
        return Err("missing argument for comparison".to_owned());
    }
    let k1 = basic_kind(arg1);
    for arg in args {
        let arg = indirect_interface(arg);
        let k2 = basic_kind(arg);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (BasicKind::Int, BasicKind::Uint) => {
                    let i = arg1.as_int().unwrap_or(0);
                    i >= 0 && i as u64 == arg.as_uint().unwrap_or(0)
                }
                (BasicKind::Uint, BasicKind::Int) => {
                    let i = arg.as_int().unwrap_or(0);
                    i >= 0 && arg1.as_uint().unwrap_or(0) == i as u64
                }
                _ => {
                    if !arg1.is_invalid() && !arg.is_invalid() {
                        return Err(format!(
                            "incompatible types for comparison: {} and {}",
                            type_of(arg1),
                            type_of(arg)
                        ));
                    }
                    false
                }
            }
        } else {
            match k1 {
                BasicKind::Bool => bool_of(arg1) == bool_of(arg),
                BasicKind::Float => arg1.as_float() == arg.as_float(),
                BasicKind::Int => arg1.as_int() == arg.as_int(),
                BasicKind::String => arg1.as_str() == arg.as_str(),
                BasicKind::Uint => arg1.as_uint() == arg.as_uint(),
                BasicKind::Invalid => {
                    let (v1, v2) = (arg1.kind(), arg.kind());
                    if v1 != v2 && v1 != Kind::Invalid && v2 != Kind::Invalid {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            gofmt::sprintf("%s", std::slice::from_ref(arg1)),
                            type_of(arg1),
                            type_of(arg),
                            gofmt::sprintf("%v", std::slice::from_ref(arg)),
                        ));
                    }
                    if arg1.is_nil() || arg.is_nil() {
                        arg1.is_nil() == arg.is_nil()
                    } else {
                        if !comparable(arg) {
                            return Err(format!(
                                "non-comparable type {}: {}",
                                gofmt::sprintf("%s", std::slice::from_ref(arg)),
                                type_of(arg)
                            ));
                        }
                        same(arg1, arg)
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn eq(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    equal(&a[0], &a[1..]).map(Value::Bool)
}

fn ne(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    equal(&a[0], &a[1..]).map(|b| Value::Bool(!b))
}

fn less(arg1: &Value, arg2: &Value) -> Result<bool, FuncError> {
    let arg1 = indirect_interface(arg1);
    let k1 = basic_kind(arg1);
    if k1 == BasicKind::Invalid {
        return Err(BAD_COMPARISON.to_owned());
    }
    let arg2 = indirect_interface(arg2);
    let k2 = basic_kind(arg2);
    if k2 == BasicKind::Invalid {
        return Err(BAD_COMPARISON.to_owned());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (BasicKind::Int, BasicKind::Uint) => {
                let i = arg1.as_int().unwrap_or(0);
                Ok(i < 0 || (i as u64) < arg2.as_uint().unwrap_or(0))
            }
            (BasicKind::Uint, BasicKind::Int) => {
                let i = arg2.as_int().unwrap_or(0);
                Ok(i >= 0 && arg1.as_uint().unwrap_or(0) < i as u64)
            }
            _ => Err(format!("incompatible types for comparison: {} and {}", type_of(arg1), type_of(arg2))),
        };
    }
    Ok(match k1 {
        BasicKind::Bool | BasicKind::Invalid => return Err(BAD_COMPARISON.to_owned()),
        BasicKind::Float => arg1.as_float() < arg2.as_float(),
        BasicKind::Int => arg1.as_int() < arg2.as_int(),
        BasicKind::String => arg1.as_str() < arg2.as_str(),
        BasicKind::Uint => arg1.as_uint() < arg2.as_uint(),
    })
}

fn lt(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    less(&a[0], &a[1]).map(Value::Bool)
}

fn less_equal(a: &Value, b: &Value) -> Result<bool, FuncError> {
    let lt = less(a, b)?;
    if lt {
        return Ok(true);
    }
    equal(a, std::slice::from_ref(b))
}

fn le(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    less_equal(&a[0], &a[1]).map(Value::Bool)
}

fn gt(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    less_equal(&a[0], &a[1]).map(|b| Value::Bool(!b))
}

fn ge(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    less(&a[0], &a[1]).map(|b| Value::Bool(!b))
}

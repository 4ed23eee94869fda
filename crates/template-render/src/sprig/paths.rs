//! Sprig's path functions: Go's `path` (`base`, `dir`, `clean`, `ext`, `isAbs`) and `path/filepath`
//! (`osBase`...), which on Linux behave the same.

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

use super::args::str;

use GoType::String as Str;

/// The path functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("base", &[Str], base),
    Function::new("dir", &[Str], dir),
    Function::new("clean", &[Str], clean),
    Function::new("ext", &[Str], ext),
    Function::new("isAbs", &[Str], is_abs),
    Function::new("osBase", &[Str], base),
    Function::new("osDir", &[Str], dir),
    Function::new("osClean", &[Str], clean),
    Function::new("osExt", &[Str], ext),
    Function::new("osIsAbs", &[Str], is_abs),
];

type R = Result<Value, FuncError>;

/// Go's `path.Clean`.
pub(crate) fn go_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_owned();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

fn base(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let p = str(a, 0);
    if p.is_empty() {
        return Ok(Value::from("."));
    }
    let p = p.trim_end_matches('/');
    if p.is_empty() {
        return Ok(Value::from("/"));
    }
    Ok(Value::from(p.rsplit('/').next().unwrap_or(p)))
}

fn dir(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let p = str(a, 0);
    let head = p.rfind('/').map_or("", |i| &p[..=i]);
    Ok(Value::from(go_clean(head)))
}

fn clean(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(go_clean(str(a, 0))))
}

fn ext(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let p = str(a, 0);
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => break,
            '.' => return Ok(Value::from(&p[i..])),
            _ => {}
        }
    }
    Ok(Value::from(""))
}

fn is_abs(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(str(a, 0).starts_with('/')))
}

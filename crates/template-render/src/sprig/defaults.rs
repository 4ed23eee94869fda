//! Sprig's default and flow functions (defaults.go): default, empty, coalesce, all, any,
//! ternary, and the JSON functions Helm keeps from Sprig (`toPrettyJson`, `toRawJson`, `must*Json`).

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

use super::args::str;
use super::cast::empty;
use super::json::{Style, marshal};

use GoType::{Any, Bool, String as Str};

/// The default, flow and JSON functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::variadic("default", &[Any], Any, default),
    Function::new("empty", &[Any], is_empty),
    Function::variadic("coalesce", &[], Any, coalesce),
    Function::variadic("all", &[], Any, all),
    Function::variadic("any", &[], Any, any),
    Function::new("ternary", &[Any, Any, Bool], ternary),
    Function::new("mustFromJson", &[Str], must_from_json),
    Function::new("toPrettyJson", &[Any], to_pretty_json),
    Function::new("toRawJson", &[Any], to_raw_json),
    Function::new("mustToJson", &[Any], must_to_json),
    Function::new("mustToPrettyJson", &[Any], must_to_pretty_json),
    Function::new("mustToRawJson", &[Any], must_to_raw_json),
];

type R = Result<Value, FuncError>;

fn default(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    match a.get(1) {
        Some(given) if !empty(given) => Ok(given.clone()),
        _ => Ok(a[0].clone()),
    }
}

fn is_empty(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(empty(&a[0])))
}

fn coalesce(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
}

fn all(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(a.iter().all(|v| !empty(v))))
}

fn any(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(a.iter().any(|v| !empty(v))))
}

fn ternary(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(if a[2].is_true() { a[0].clone() } else { a[1].clone() })
}

fn must_from_json(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    chart_model::json::from_slice(str(a, 0).as_bytes()).map(|v| Value::from(&v)).map_err(|e| e.to_string())
}

const COMPACT: Style = Style { indent: false, escape_html: true };
const PRETTY: Style = Style { indent: true, escape_html: true };
const RAW: Style = Style { indent: false, escape_html: false };

fn to_pretty_json(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(marshal(&a[0], PRETTY).unwrap_or_default()))
}

fn to_raw_json(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(marshal(&a[0], RAW)?))
}

fn must_to_json(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(marshal(&a[0], COMPACT)?))
}

fn must_to_pretty_json(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(marshal(&a[0], PRETTY)?))
}

fn must_to_raw_json(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(marshal(&a[0], RAW)?))
}

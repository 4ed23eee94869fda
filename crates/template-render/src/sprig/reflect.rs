//! Sprig's reflection functions: `typeOf` (Go's `%T`), `kindOf` (`reflect.Kind`), their `Is`
//! forms, and `deepEqual`.

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

use super::args::str;
use super::cast::kind_name;
use super::lists::deep_equal;

use GoType::{Any, String as Str};

/// The reflection functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("typeOf", &[Any], type_of),
    Function::new("typeIs", &[Str, Any], type_is),
    Function::new("typeIsLike", &[Str, Any], type_is_like),
    Function::new("kindOf", &[Any], kind_of),
    Function::new("kindIs", &[Str, Any], kind_is),
    Function::new("deepEqual", &[Any, Any], deep_equal_fn),
];

type R = Result<Value, FuncError>;

fn type_name(v: &Value) -> String {
    v.type_name().into_owned()
}

/// `reflect.ValueOf(v).Kind().String()`.
fn kind(v: &Value) -> String {
    kind_name(v).unwrap_or_else(|| "invalid".to_owned())
}

fn type_of(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(type_name(&a[0])))
}

fn type_is(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(str(a, 0) == type_name(&a[1])))
}

fn type_is_like(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let t = type_name(&a[1]);
    let target = str(a, 0);
    Ok(Value::Bool(target == t || format!("*{target}") == t))
}

fn kind_of(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::from(kind(&a[0])))
}

fn kind_is(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(str(a, 0) == kind(&a[1])))
}

fn deep_equal_fn(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Bool(deep_equal(&a[0], &a[1])))
}

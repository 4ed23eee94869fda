//! `required` and `fail`, which stop a render with the chart author's message (or, when linting, let it pass).

use crate::exec::CallContext;
use crate::registry::FuncError;
use crate::value::Value;

use super::{HelmHost, warn_wrap};

fn lint_mode(ctx: &CallContext<'_, '_>) -> bool {
    ctx.host::<HelmHost>().is_some_and(|h| h.lint_mode)
}

/// `required MSG VALUE`: VALUE, unless it is nil or the empty string.
pub(super) fn required(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let missing = match &a[1] {
        Value::Nil | Value::Invalid => true,
        Value::String(s) => s.is_empty(),
        _ => false,
    };
    if !missing {
        return Ok(a[1].clone());
    }
    if lint_mode(ctx) {
        return Ok(Value::string(""));
    }
    Err(warn_wrap(a[0].as_str().unwrap_or("")))
}

/// `fail MSG`: always an error carrying MSG.
pub(super) fn fail(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    if lint_mode(ctx) {
        return Ok(Value::string(""));
    }
    Err(warn_wrap(a[0].as_str().unwrap_or("")))
}

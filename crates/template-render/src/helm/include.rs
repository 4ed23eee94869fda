//! `include` (execute a named template into a string, with Helm's nesting limit) and `tpl`
//! (parse a string as a template of the calling set and execute it).

use crate::exec::{CallContext, MissingKey};
use crate::quote::go_quote;
use crate::registry::FuncError;
use crate::value::Value;

use super::{HelmHost, MAX_INCLUDE_DEPTH};

/// The name Helm's `tpl` gives the templates it parses: that of the engine's root template.
const TPL_NAME: &str = "gotpl";

/// Go hands `ExecuteTemplate` a nil `interface{}` as no value at all.
fn dot(v: &Value) -> Value {
    if matches!(v, Value::Nil) { Value::Invalid } else { v.clone() }
}

/// `include NAME DATA`.
pub(super) fn include(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let name = a[0].as_str().unwrap_or("");
    // Helm refuses a call when the name already has more than MAX_INCLUDE_DEPTH calls open.
    if ctx.add_to_counter(name, 1) > MAX_INCLUDE_DEPTH + 1 {
        ctx.add_to_counter(name, -1);
        return Err(format!("rendering template has a nested reference name: {name}: unable to execute template"));
    }
    let result = ctx.execute_template_value(name, &dot(&a[1]));
    ctx.add_to_counter(name, -1);
    result.map_err(|e| e.to_string())
}

/// `tpl TEXT DATA`: TEXT parsed into a copy of the calling set (so it may use and add
/// `define`s), executed with DATA, `<no value>` removed.
pub(super) fn tpl(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let text = a[0].as_str().unwrap_or("");
    let mut set = ctx.set().clone();
    // Helm re-applies the missingkey option from its own strict flag (Go issue 43022).
    let strict = ctx.host::<HelmHost>().is_some_and(|h| h.strict);
    set.set_missing_key(if strict { MissingKey::Error } else { MissingKey::Zero });
    let tree =
        set.parse_main(TPL_NAME, text, None).map_err(|e| format!("cannot parse template {}: {e}", go_quote(text)))?;
    let Some(tree) = tree else { return Ok(Value::string("")) };
    let out = ctx
        .execute_tree_in(&set, &tree, &dot(&a[1]))
        .map_err(|e| format!("error during tpl function execution for {}: {e}", go_quote(text)))?;
    Ok(Value::from(out.replace("<no value>", "")))
}

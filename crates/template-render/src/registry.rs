//! The function registry: functions a template may call, each a Rust fn with a declared Go signature.
//!
//! Adding a function is one entry: a name, its Go parameter types and the fn that
//! implements it. The executor converts and checks arguments against the signature
//! exactly as Go's reflection does, so the fn receives values of the declared types.

use std::collections::HashMap;

use crate::exec::CallContext;
use crate::functions::FunctionNames;
use crate::value::{GoType, Signature, Value};

/// What a function returns when it fails; Go prints it after `error calling NAME: `.
pub type FuncError = String;

/// The Rust side of a template function: it receives its arguments already converted to its signature.
pub type FuncImpl = fn(&mut CallContext<'_, '_>, &[Value]) -> Result<Value, FuncError>;

/// A template function.
#[derive(Clone, Copy)]
pub struct Function {
    /// The name templates call it by.
    pub name: &'static str,
    /// Its Go signature.
    pub sig: Signature,
    /// Its implementation.
    pub call: FuncImpl,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function").field("name", &self.name).field("sig", &self.sig).finish_non_exhaustive()
    }
}

impl Function {
    /// A function with fixed parameters.
    pub const fn new(name: &'static str, params: &'static [GoType], call: FuncImpl) -> Self {
        Function { name, sig: Signature { params, variadic: None }, call }
    }

    /// A variadic function: fixed parameters, then any number of `variadic` arguments.
    pub const fn variadic(name: &'static str, params: &'static [GoType], variadic: GoType, call: FuncImpl) -> Self {
        Function { name, sig: Signature { params, variadic: Some(variadic) }, call }
    }
}

/// A template's function map (Go's `FuncMap`) on top of Go's builtins.
#[derive(Clone, Debug, Default)]
pub struct FuncMap {
    funcs: HashMap<&'static str, Function>,
}

impl FuncMap {
    /// Only Go's builtins.
    pub fn new() -> Self {
        FuncMap::default()
    }

    /// Adds functions, replacing any of the same name.
    pub fn extend(&mut self, funcs: &[Function]) {
        for f in funcs {
            self.funcs.insert(f.name, *f);
        }
    }

    /// Looks a function up: the map's own first, then Go's builtins (as Go's `findFunction`).
    /// The flag tells whether it is a builtin.
    pub fn get(&self, name: &str) -> Option<(&Function, bool)> {
        if let Some(f) = self.funcs.get(name) {
            return Some((f, false));
        }
        crate::builtins::BUILTINS.iter().find(|f| f.name == name).map(|f| (f, true))
    }
}

impl FunctionNames for FuncMap {
    fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

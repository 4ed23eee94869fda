//! The function registry: functions a template may call, each a Rust fn with a declared Go signature.
//!
//! Adding a function is one entry: a name, its Go parameter types and the fn that
//! implements it. The executor converts and checks arguments against the signature
//! exactly as Go's reflection does, so the fn receives values of the declared types.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

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

/// FNV-1a: function and template names are short, and the lookup is on every call.
#[derive(Default, Clone, Copy)]
pub(crate) struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A template's function map (Go's `FuncMap`) on top of Go's builtins.
#[derive(Clone, Debug)]
pub struct FuncMap {
    /// Every function by name, with whether it is one of Go's builtins.
    funcs: HashMap<&'static str, (Function, bool), BuildHasherDefault<NameHasher>>,
    /// Unique to these contents: a clone keeps it, any change gets a new one.
    id: u64,
}

/// The next [`FuncMap`] id.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Default for FuncMap {
    fn default() -> Self {
        let mut funcs = HashMap::default();
        for f in crate::builtins::BUILTINS {
            funcs.insert(f.name, (*f, true));
        }
        FuncMap { funcs, id: NEXT_ID.fetch_add(1, Ordering::Relaxed) }
    }
}

impl FuncMap {
    /// Only Go's builtins.
    pub fn new() -> Self {
        FuncMap::default()
    }

    /// Adds functions, replacing any of the same name (a builtin replaced is an ordinary function).
    pub fn extend(&mut self, funcs: &[Function]) {
        for f in funcs {
            self.funcs.insert(f.name, (*f, false));
        }
        self.id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    }

    /// An id that no other function map with different functions has.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Looks a function up (as Go's `findFunction`); the flag tells whether it is a builtin.
    pub fn get(&self, name: &str) -> Option<(&Function, bool)> {
        self.funcs.get(name).map(|(f, builtin)| (f, *builtin))
    }

    /// The names of every function, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.funcs.keys().copied().collect();
        names.sort_unstable();
        names
    }
}

impl FunctionNames for FuncMap {
    fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn resolve(&self, name: &str) -> Option<(u64, Function, bool)> {
        self.get(name).map(|(f, builtin)| (self.id, *f, builtin))
    }
}

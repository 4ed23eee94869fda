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

/// A multiply-rotate hash taking eight bytes a step: function and template names are short,
/// and they are looked up on every call (HashDoS is no concern: names come from the chart
/// being rendered, whose author controls its cost anyway).
#[derive(Default, Clone, Copy)]
pub(crate) struct NameHasher(u64);

impl NameHasher {
    const SEED: u64 = 0x517c_c1b7_2722_0a95;

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in words.by_ref() {
            self.add(u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or_default()));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            self.add(rest.iter().rev().fold(0, |n, &b| n << 8 | u64::from(b)));
        }
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The table picks buckets from the low bits, which the multiply mixes least.
        self.0.rotate_left(26)
    }
}

/// A template's function map (Go's `FuncMap`) on top of Go's builtins.
#[derive(Clone, Debug)]
pub struct FuncMap {
    /// Where each function is in `entries`, by name.
    index: HashMap<&'static str, u32, BuildHasherDefault<NameHasher>>,
    /// Every function, with whether it is one of Go's builtins.
    entries: Vec<(Function, bool)>,
    /// Unique to these contents: a clone keeps it, any change gets a new one.
    id: u64,
}

/// Where a name was found in a [`FuncMap`]: the map's id and the function's place in it. The
/// parser records it, so that executing the call needs no lookup by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    map: u64,
    slot: u32,
}

/// The next [`FuncMap`] id.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Default for FuncMap {
    fn default() -> Self {
        let mut map = FuncMap { index: HashMap::default(), entries: Vec::new(), id: 0 };
        for f in crate::builtins::BUILTINS {
            map.insert(*f, true);
        }
        map.id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        map
    }
}

impl FuncMap {
    /// Only Go's builtins.
    pub fn new() -> Self {
        FuncMap::default()
    }

    fn insert(&mut self, f: Function, builtin: bool) {
        match self.index.get(f.name) {
            Some(&slot) => self.entries[slot as usize] = (f, builtin),
            None => {
                let slot = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
                self.index.insert(f.name, slot);
                self.entries.push((f, builtin));
            }
        }
    }

    /// Adds functions, replacing any of the same name (a builtin replaced is an ordinary function).
    pub fn extend(&mut self, funcs: &[Function]) {
        for f in funcs {
            self.insert(*f, false);
        }
        self.id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    }

    /// An id that no other function map with different functions has.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Looks a function up (as Go's `findFunction`); the flag tells whether it is a builtin.
    pub fn get(&self, name: &str) -> Option<(&Function, bool)> {
        let &slot = self.index.get(name)?;
        self.entries.get(slot as usize).map(|(f, builtin)| (f, *builtin))
    }

    /// The function recorded by [`FunctionNames::resolve`] on this map; `None` when it was
    /// another map.
    pub fn resolved(&self, r: Resolved) -> Option<(&Function, bool)> {
        if r.map != self.id {
            return None;
        }
        self.entries.get(r.slot as usize).map(|(f, builtin)| (f, *builtin))
    }

    /// The names of every function, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.index.keys().copied().collect();
        names.sort_unstable();
        names
    }
}

impl FunctionNames for FuncMap {
    fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn resolve(&self, name: &str) -> Option<(Resolved, &'static str)> {
        self.index.get_key_value(name).map(|(&name, &slot)| (Resolved { map: self.id, slot }, name))
    }

    fn static_name(&self, name: &str) -> Option<&'static str> {
        self.index.get_key_value(name).map(|(k, _)| *k)
    }
}

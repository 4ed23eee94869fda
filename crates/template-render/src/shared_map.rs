//! Go's `map[string]interface{}` as a template holds it: shared by every holder and changed in place.
//!
//! Go maps are references: Sprig's `set`, `unset`, `merge` and `mergeOverwrite` change the map
//! that every variable, every field and every caller holding it sees (`{{ $_ := set $d "k" 1 }}{{ $d.k }}`).
//! A [`SharedMap`] gives that: an `Arc<SharedMap>` is the map, its entries sit behind a lock.
//!
//! Rule for every user: never hold a guard from [`SharedMap::read`] or [`SharedMap::write`] while
//! evaluating a template, calling a function or locking another map that could be the same one
//! (`merge $d $d`); take what is needed, drop the guard, then go on.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::sorted_map::SortedMap;
use crate::value::{Signature, Value};

/// The entries of a Go map. Keys are shared so that ranging over a map hands them out without copying.
pub type Map = SortedMap<Arc<str>, Value>;

/// A Go map, mutable in place through a shared reference.
///
/// Most maps a template sees (values, `.Chart`, `.Release`) are never written: they are read
/// from `frozen` with no lock and no reference count, and a reader may borrow their entries
/// for as long as it holds the map ([`SharedMap::frozen`]). The first write copies the entries
/// behind the lock, and from then on every access goes through it; `frozen` stays as it was,
/// so what was borrowed from it stays valid.
#[derive(Default)]
pub struct SharedMap {
    frozen: Map,
    written: AtomicBool,
    entries: RwLock<Map>,
    map_type: Option<&'static dyn MapType>,
}

/// A named Go map type with methods, such as Helm's `chartutil.Values`: its methods shadow
/// the map's keys (`.Values.YAML` calls the method even when there is a `YAML` key).
pub trait MapType: Send + Sync {
    /// The type's name as `%T` prints it.
    fn name(&self) -> &'static str;
    /// The signature of a method, if the type has one of that name.
    fn method(&self, name: &str) -> Option<Signature>;
    /// Calls a method on `map` with arguments already converted to its signature.
    fn call_method(&self, map: &Arc<SharedMap>, name: &str, args: &[Value]) -> Result<Value, String>;
}

/// The entries of a map, for reading (see [`SharedMap::read`]).
pub enum MapGuard<'a> {
    /// A map never written: its entries as they were made.
    Frozen(&'a Map),
    /// A written map: its entries under the read lock.
    Locked(RwLockReadGuard<'a, Map>),
}

impl Deref for MapGuard<'_> {
    type Target = Map;

    fn deref(&self) -> &Map {
        match self {
            MapGuard::Frozen(m) => m,
            MapGuard::Locked(g) => g,
        }
    }
}

/// The entries of a map, for changing in place (see [`SharedMap::write`]).
pub struct MapWriteGuard<'a>(RwLockWriteGuard<'a, Map>);

impl Deref for MapWriteGuard<'_> {
    type Target = Map;

    fn deref(&self) -> &Map {
        &self.0
    }
}

impl DerefMut for MapWriteGuard<'_> {
    fn deref_mut(&mut self) -> &mut Map {
        &mut self.0
    }
}

impl SharedMap {
    /// A map holding `entries`.
    pub fn new(entries: Map) -> Self {
        SharedMap { frozen: entries, written: AtomicBool::new(false), entries: RwLock::new(Map::new()), map_type: None }
    }

    /// A map of a named map type holding `entries`.
    pub fn with_type(entries: Map, map_type: &'static dyn MapType) -> Self {
        SharedMap { map_type: Some(map_type), ..SharedMap::new(entries) }
    }

    /// The named map type, if the map has one (plain `map[string]interface{}` has none).
    pub fn map_type(&self) -> Option<&'static dyn MapType> {
        self.map_type
    }

    /// Whether `name` is a method of the map's type, which a field access calls instead of reading the key.
    pub fn has_method(&self, name: &str) -> bool {
        self.map_type.is_some_and(|t| t.method(name).is_some())
    }

    /// The entries of a map that was never written, borrowed for as long as the map is held;
    /// `None` once it has been written (then read it with [`SharedMap::read`]).
    pub fn frozen(&self) -> Option<&Map> {
        (!self.written.load(Ordering::Acquire)).then_some(&self.frozen)
    }

    /// The entries, for reading. A panic while a guard was held cannot leave a map half-written
    /// (every change is one `BTreeMap` call), so a poisoned lock is simply taken over.
    pub fn read(&self) -> MapGuard<'_> {
        match self.frozen() {
            Some(m) => MapGuard::Frozen(m),
            None => MapGuard::Locked(self.entries.read().unwrap_or_else(std::sync::PoisonError::into_inner)),
        }
    }

    /// The entries, for changing in place.
    pub fn write(&self) -> MapWriteGuard<'_> {
        let mut guard = self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The flag only changes under the write lock, so the copy is made once.
        if !self.written.load(Ordering::Acquire) {
            guard.clone_from(&self.frozen);
            self.written.store(true, Ordering::Release);
        }
        MapWriteGuard(guard)
    }

    /// The value under `key` (a cheap clone).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Sets `key` to `value`, as Go's `m[key] = value`.
    pub fn insert(&self, key: Arc<str>, value: Value) {
        self.write().insert(key, value);
    }

    /// Deletes `key`, as Go's `delete(m, key)`.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.write().remove(key)
    }

    /// A copy of the entries as they are now (values shared, not deep-copied).
    pub fn snapshot(&self) -> Map {
        self.read().clone()
    }

    /// The keys, sorted.
    pub fn keys(&self) -> Vec<Arc<str>> {
        self.read().keys().cloned().collect()
    }
}

impl From<Map> for SharedMap {
    fn from(entries: Map) -> Self {
        SharedMap::new(entries)
    }
}

impl std::fmt::Debug for SharedMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(t) = self.map_type {
            f.write_str(t.name())?;
        }
        f.debug_map().entries(self.read().iter()).finish()
    }
}

/// Maps compare by their entries, as `reflect.DeepEqual` does; a map is equal to itself without locking twice.
pub fn maps_equal(a: &Arc<SharedMap>, b: &Arc<SharedMap>) -> bool {
    if Arc::ptr_eq(a, b) {
        return true;
    }
    let left = a.snapshot();
    let right = b.read();
    left == *right
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_seen_by_every_holder() {
        let m = Arc::new(SharedMap::default());
        let other = Arc::clone(&m);
        m.insert(Arc::from("k"), Value::Int(1));
        assert_eq!(other.get("k"), Some(Value::Int(1)));
        other.remove("k");
        assert!(m.is_empty());
    }

    #[test]
    fn what_was_borrowed_before_a_write_stays_valid() {
        let m = Arc::new(SharedMap::new(Map::from([(Arc::from("a"), Value::Int(1))])));
        let before = m.frozen().and_then(|f| f.get("a"));
        m.insert(Arc::from("a"), Value::Int(2));
        assert!(m.frozen().is_none());
        assert_eq!(before, Some(&Value::Int(1)));
        assert_eq!(m.get("a"), Some(Value::Int(2)));
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn a_map_equals_itself_and_its_copy() {
        let m = Arc::new(SharedMap::new(Map::from([(Arc::from("a"), Value::Int(1))])));
        assert!(maps_equal(&m, &m));
        let copy = Arc::new(SharedMap::new(m.snapshot()));
        assert!(maps_equal(&m, &copy));
        copy.insert(Arc::from("b"), Value::Nil);
        assert!(!maps_equal(&m, &copy));
    }
}

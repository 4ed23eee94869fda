//! Go's `map[string]interface{}` as a template holds it: shared by every holder and changed in place.
//!
//! Go maps are references: Sprig's `set`, `unset`, `merge` and `mergeOverwrite` change the map
//! that every variable, every field and every caller holding it sees (`{{ $_ := set $d "k" 1 }}{{ $d.k }}`).
//! A [`SharedMap`] gives that: an `Arc<SharedMap>` is the map, its entries sit behind a lock.
//!
//! Rule for every user: never hold a guard from [`SharedMap::read`] or [`SharedMap::write`] while
//! evaluating a template, calling a function or locking another map that could be the same one
//! (`merge $d $d`); take what is needed, drop the guard, then go on.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::value::Value;

/// The entries of a Go map. Keys are shared so that ranging over a map hands them out without copying.
pub type Map = BTreeMap<Arc<str>, Value>;

/// A Go map, mutable in place through a shared reference.
#[derive(Default)]
pub struct SharedMap {
    entries: RwLock<Map>,
}

impl SharedMap {
    /// A map holding `entries`.
    pub fn new(entries: Map) -> Self {
        SharedMap { entries: RwLock::new(entries) }
    }

    /// The entries, for reading. A panic while a guard was held cannot leave a map half-written
    /// (every change is one `BTreeMap` call), so a poisoned lock is simply taken over.
    pub fn read(&self) -> RwLockReadGuard<'_, Map> {
        self.entries.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The entries, for changing in place.
    pub fn write(&self) -> RwLockWriteGuard<'_, Map> {
        self.entries.write().unwrap_or_else(std::sync::PoisonError::into_inner)
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
    fn a_map_equals_itself_and_its_copy() {
        let m = Arc::new(SharedMap::new(Map::from([(Arc::from("a"), Value::Int(1))])));
        assert!(maps_equal(&m, &m));
        let copy = Arc::new(SharedMap::new(m.snapshot()));
        assert!(maps_equal(&m, &copy));
        copy.insert(Arc::from("b"), Value::Nil);
        assert!(!maps_equal(&m, &copy));
    }
}

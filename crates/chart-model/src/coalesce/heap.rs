//! Maps shared by reference, as Go's `map[string]interface{}` values are.
//!
//! Helm's coalescing copies some maps deeply, some shallowly and shares the
//! rest, and the sharing shows in its results: a subchart's default globals
//! can reach into the parent's `global` tables, and one import can change
//! what a later one sees. To compute exactly what Helm computes, coalescing
//! works on maps held in this arena and addressed by id, so that two places
//! holding the same id see the same changes, as two Go references would.

use std::collections::BTreeMap;

use crate::value::{Map, Value};

/// The id of a map in a [`Heap`].
pub(crate) type Id = usize;

/// A value inside a heap map: a map by reference, or anything else by value.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    /// Anything but a map (lists are never changed in place while coalescing,
    /// so they may be held by value). `Value::Null` is Go's nil.
    Leaf(Value),
    /// A map, by reference.
    Map(Id),
}

impl Slot {
    pub(crate) fn is_nil(&self) -> bool {
        matches!(self, Slot::Leaf(Value::Null))
    }
}

/// The arena of maps.
#[derive(Debug, Default)]
pub(crate) struct Heap {
    maps: Vec<BTreeMap<String, Slot>>,
}

impl Heap {
    pub(crate) fn new_map(&mut self) -> Id {
        self.maps.push(BTreeMap::new());
        self.maps.len() - 1
    }

    /// A fresh deep copy of `m` in the heap.
    pub(crate) fn import_map(&mut self, m: &Map) -> Id {
        let id = self.new_map();
        for (k, v) in m {
            let slot = self.import(v);
            self.maps[id].insert(k.clone(), slot);
        }
        id
    }

    pub(crate) fn import(&mut self, v: &Value) -> Slot {
        match v {
            Value::Map(m) => Slot::Map(self.import_map(m)),
            other => Slot::Leaf(other.clone()),
        }
    }

    /// The map as a plain value tree. A map that contains itself (which Helm
    /// warns might be possible) is cut at the repetition rather than looping.
    pub(crate) fn export_map(&self, id: Id) -> Map {
        let mut path = Vec::new();
        self.export_inner(id, &mut path)
    }

    fn export_inner(&self, id: Id, path: &mut Vec<Id>) -> Map {
        if path.contains(&id) {
            return Map::new();
        }
        path.push(id);
        let out = self.maps[id]
            .iter()
            .map(|(k, slot)| {
                let v = match slot {
                    Slot::Leaf(v) => v.clone(),
                    Slot::Map(inner) => Value::Map(self.export_inner(*inner, path)),
                };
                (k.clone(), v)
            })
            .collect();
        path.pop();
        out
    }

    /// `copystructure.Copy`: a deep copy with no sharing left.
    pub(crate) fn deep_copy(&mut self, id: Id) -> Id {
        let exported = self.export_map(id);
        self.import_map(&exported)
    }

    /// Helm's `copyMap`: a new map holding the same entries (inner maps shared).
    pub(crate) fn shallow_copy(&mut self, id: Id) -> Id {
        let copy = self.maps[id].clone();
        self.maps.push(copy);
        self.maps.len() - 1
    }

    pub(crate) fn get(&self, id: Id, key: &str) -> Option<&Slot> {
        self.maps[id].get(key)
    }

    pub(crate) fn insert(&mut self, id: Id, key: impl Into<String>, slot: Slot) {
        self.maps[id].insert(key.into(), slot);
    }

    pub(crate) fn remove(&mut self, id: Id, key: &str) {
        self.maps[id].remove(key);
    }

    pub(crate) fn len(&self, id: Id) -> usize {
        self.maps[id].len()
    }

    /// The entries as they are now, to iterate while the map changes (Go
    /// allows that; its random order is replaced here by key order).
    pub(crate) fn entries(&self, id: Id) -> Vec<(String, Slot)> {
        self.maps[id].iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// A slot as a plain value, for messages.
    pub(crate) fn export(&self, slot: &Slot) -> Value {
        match slot {
            Slot::Leaf(v) => v.clone(),
            Slot::Map(id) => Value::Map(self.export_map(*id)),
        }
    }
}

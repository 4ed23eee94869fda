//! `SortedMap`: an ordered map kept as one vector of entries sorted by key.
//!
//! The maps templates see are small and mostly built once in key order (values files, the
//! objects of a render, dictionaries) and then read: one allocation holding the entries next to
//! each other is cheaper to build, read, copy and free than a B-tree's nodes. Inserting in the
//! middle moves the later entries, which is cheap at these sizes. The interface is that of
//! `BTreeMap`, as far as the crate uses it, with the same order and the same results.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;

/// An ordered map on a sorted vector (see the module documentation).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { entries: Vec::new() }
    }
}

impl<K, V> SortedMap<K, V> {
    /// An empty map (no allocation).
    pub const fn new() -> Self {
        SortedMap { entries: Vec::new() }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    /// The entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The keys in order, taken out of the map.
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    /// The values in key order, taken out of the map.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }
}

/// Up to this many entries, a lookup scans rather than searches.
const SCAN_MAX: usize = 16;

/// Byte order of two keys. Keys are short: a byte loop beats a `memcmp` call.
#[inline]
fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    if n > 32 {
        return a.cmp(b);
    }
    for i in 0..n {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    a.len().cmp(&b.len())
}

/// Whether two short strings (keys, names) are equal: lengths first, then a byte loop, which
/// beats a `memcmp` call at these lengths (and makes a scan of a map of a few keys beat the
/// ordered search).
#[inline]
pub(crate) fn same_str(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 32 {
        return a == b;
    }
    a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

impl<K: Ord + Borrow<str>, V> SortedMap<K, V> {
    /// Where `key` is (`Ok`), or where it would go (`Err`).
    fn search(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| compare(k.borrow(), key))
    }

    /// Where `key` is: small maps are scanned.
    #[inline]
    fn position(&self, key: &str) -> Option<usize> {
        if self.entries.len() <= SCAN_MAX {
            return self.entries.iter().position(|(k, _)| same_str(k.borrow(), key));
        }
        self.search(key).ok()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// The stored key equal to `key`, and its value.
    pub fn get_key_value(&self, key: &str) -> Option<(&K, &V)> {
        self.position(key).map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }

    /// The value of `key`, mutable.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.position(key).map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` has an entry.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`; the value it replaces, if any (the stored key stays, as in
    /// `BTreeMap`).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Entries added in key order (the usual way maps are built) go at the end.
        if self.entries.last().is_none_or(|(last, _)| compare(last.borrow(), key.borrow()).is_lt()) {
            self.entries.push((key, value));
            return None;
        }
        match self.search(key.borrow()) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`'s entry; its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.position(key).map(|i| self.entries.remove(i).1)
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// As `BTreeMap`'s: sorted by key; of entries with equal keys, the last one's value stays
    /// (with the first one's key).
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(K, V)> = iter.into_iter().collect();
        if entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return SortedMap { entries };
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        // Equal keys are now adjacent, in their original order: the last value wins.
        let mut out: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        SortedMap { entries: out }
    }
}

impl<K: Ord + Borrow<str>, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// The entries of a [`SortedMap`] in key order.
#[derive(Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// The entries of a [`SortedMap`] in key order, values mutable.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for IterMut<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}

impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A small deterministic generator (xorshift), so that failures repeat.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn same(a: &SortedMap<String, u32>, b: &BTreeMap<String, u32>) {
        assert!(a.iter().eq(b.iter()), "{a:?} != {b:?}");
        assert_eq!(a.len(), b.len());
    }

    #[test]
    fn behaves_as_btreemap() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..300 {
            let size = 1 + rng.next(if round % 3 == 0 { 60 } else { 12 });
            let key = |rng: &mut Rng| format!("k{}", rng.next(size));
            let mut ours = SortedMap::new();
            let mut std = BTreeMap::new();
            for step in 0..40 {
                let k = key(&mut rng);
                match rng.next(6) {
                    0..=2 => assert_eq!(ours.insert(k.clone(), step), std.insert(k, step)),
                    3 => assert_eq!(ours.remove(k.as_str()), std.remove(k.as_str())),
                    4 => {
                        assert_eq!(ours.get(k.as_str()), std.get(k.as_str()));
                        assert_eq!(ours.contains_key(k.as_str()), std.contains_key(k.as_str()));
                        assert_eq!(ours.get_key_value(k.as_str()), std.get_key_value(k.as_str()));
                    }
                    _ => {
                        if let Some(n) = ours.get_mut(k.as_str()) {
                            *n += 1;
                        }
                        if let Some(n) = std.get_mut(k.as_str()) {
                            *n += 1;
                        }
                    }
                }
                same(&ours, &std);
            }
            let pairs: Vec<(String, u32)> = (0..rng.next(30)).map(|i| (key(&mut rng), i as u32)).collect();
            let ours: SortedMap<String, u32> = pairs.iter().cloned().collect();
            let std: BTreeMap<String, u32> = pairs.iter().cloned().collect();
            same(&ours, &std);
        }
    }
}

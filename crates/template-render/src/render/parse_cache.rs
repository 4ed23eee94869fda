//! `ParseCache`: template files parsed once and shared by later renders of the same text.
//!
//! Helm parses every template of a chart on every render. A server renders the same chart
//! again and again (each upgrade, each release of a shared chart), and a file's trees depend
//! only on its name, its text and the function map, so they can be kept: a render that finds
//! a file here takes its trees (immutable, shared) instead of parsing it. Only successful
//! parses are kept; the cache holds at most a set amount of template text, dropping the
//! files it took first when full.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::ParseError;
use crate::parse::{ParseOptions, Tree};
use crate::registry::{FuncMap, NameHasher};

/// What a cache holds by default: 16 MiB of template text (the trees take several times that),
/// the templates of a hundred charts or more.
pub const DEFAULT_PARSE_CACHE_BYTES: usize = 16 << 20;

/// Parsed template files kept between renders (see the module documentation). Shared by
/// threads; pass one to [`super::RenderOptions::parse_cache`].
pub struct ParseCache {
    max_bytes: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The files by the hash of their name, text and function map; colliding files share a list.
    files: HashMap<u64, Vec<Parsed>, BuildHasherDefault<NameHasher>>,
    /// Hashes in the order their files came in, for dropping the oldest.
    order: VecDeque<u64>,
    /// The template text held, in bytes.
    bytes: usize,
}

/// One parsed file.
struct Parsed {
    name: Arc<str>,
    text: Arc<str>,
    funcs: u64,
    trees: Arc<[Arc<Tree>]>,
}

impl Parsed {
    fn is(&self, name: &str, text: &str, funcs: u64) -> bool {
        self.funcs == funcs && *self.name == *name && *self.text == *text
    }
}

impl Default for ParseCache {
    fn default() -> Self {
        ParseCache::new(DEFAULT_PARSE_CACHE_BYTES)
    }
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("ParseCache")
            .field("max_bytes", &self.max_bytes)
            .field("files", &state.order.len())
            .field("bytes", &state.bytes)
            .finish()
    }
}

impl ParseCache {
    /// A cache that holds at most `max_bytes` of template text (0 keeps nothing).
    pub fn new(max_bytes: usize) -> Self {
        ParseCache { max_bytes, state: Mutex::new(State::default()) }
    }

    /// The number of files held.
    pub fn len(&self) -> usize {
        self.lock().order.len()
    }

    /// Whether no file is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Every change is complete before the lock is released: a panic elsewhere cannot leave
        // the state half-changed, so a poisoned lock is taken over.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The trees of the file `name` with `text`, as [`crate::parse::parse`] gives them with
    /// `funcs` as the function names: kept ones, or parsed now (and kept when that succeeds).
    pub fn parse(&self, name: &str, text: &str, funcs: &FuncMap) -> Result<Vec<Arc<Tree>>, ParseError> {
        let key = key(name, text, funcs.id());
        if let Some(found) =
            self.lock().files.get(&key).and_then(|list| list.iter().find(|p| p.is(name, text, funcs.id())))
        {
            return Ok(found.trees.to_vec());
        }
        let options = ParseOptions { left_delim: "", right_delim: "", functions: funcs };
        let trees: Arc<[Arc<Tree>]> = crate::parse::parse(name, text, &options)?.into_iter().map(Arc::new).collect();
        if text.len() <= self.max_bytes {
            self.keep(key, name, text, funcs.id(), trees.clone());
        }
        Ok(trees.to_vec())
    }

    fn keep(&self, key: u64, name: &str, text: &str, funcs: u64, trees: Arc<[Arc<Tree>]>) {
        let mut guard = self.lock();
        let state = &mut *guard;
        let list = state.files.entry(key).or_default();
        // Another thread may have parsed the same file meanwhile.
        if list.iter().any(|p| p.is(name, text, funcs)) {
            return;
        }
        // The trees share the file's text: keep that one copy.
        let shared = trees.first().map_or_else(|| Arc::from(text), |t| t.source.clone());
        list.push(Parsed { name: Arc::from(name), text: shared, funcs, trees });
        state.order.push_back(key);
        state.bytes += text.len();
        while state.bytes > self.max_bytes {
            let Some(oldest) = state.order.pop_front() else { break };
            let Some(list) = state.files.get_mut(&oldest) else { continue };
            if !list.is_empty() {
                let dropped = list.remove(0);
                state.bytes -= dropped.text.len();
            }
            if list.is_empty() {
                state.files.remove(&oldest);
            }
        }
    }
}

fn key(name: &str, text: &str, funcs: u64) -> u64 {
    let mut h = NameHasher::default();
    name.hash(&mut h);
    text.hash(&mut h);
    h.write_u64(funcs);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funcs() -> FuncMap {
        crate::helm::func_map()
    }

    #[test]
    fn a_file_is_parsed_once_and_its_trees_shared() {
        let cache = ParseCache::default();
        let f = funcs();
        let text = r#"{{ define "a" }}x{{ end }}{{ include "a" . }}"#;
        let first = cache.parse("c/templates/t.yaml", text, &f).expect("parses");
        let again = cache.parse("c/templates/t.yaml", text, &f).expect("parses");
        assert_eq!(first.len(), 2);
        assert!(first.iter().zip(&again).all(|(a, b)| Arc::ptr_eq(a, b)));
        assert_eq!(cache.len(), 1);
        // Another name or text is another file.
        let other = cache.parse("c/templates/u.yaml", text, &f).expect("parses");
        assert!(!Arc::ptr_eq(&first[1], &other[1]));
        assert_eq!(other[1].parse_name.as_ref(), "c/templates/u.yaml");
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn errors_are_not_kept_and_the_size_is_bounded() {
        let f = funcs();
        let cache = ParseCache::new(10);
        assert!(cache.parse("t", "{{ nope }}", &f).is_err());
        assert!(cache.is_empty());
        cache.parse("a", "0123456", &f).expect("parses");
        cache.parse("b", "0123456", &f).expect("parses");
        // 14 bytes do not fit in 10: the first file went.
        assert_eq!(cache.len(), 1);
        cache.parse("c", "this text is longer than the cache", &f).expect("parses");
        assert_eq!(cache.len(), 1);
        assert!(ParseCache::new(0).parse("a", "x", &f).is_ok());
    }
}

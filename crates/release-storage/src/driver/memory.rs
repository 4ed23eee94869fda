//! `MemoryDriver`: releases kept in memory, as Helm's memory driver (used for dry runs and tests).

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::driver::{BoxFuture, Driver, Filter, parse_key};
use crate::error::{Error, Result};
use crate::object::system_labels;
use crate::release::Release;

const DEFAULT_NAMESPACE: &str = "default";

/// Releases in memory, by namespace and name, each name's revisions sorted by version.
///
/// As in Helm, `create` and `update` switch the driver to the release's
/// namespace (`default` when it has none), and `get`, `delete`, `list` and
/// `query` look in the current namespace; an empty namespace (set with
/// [`MemoryDriver::set_namespace`]) makes `list` and `query` see all of them.
/// Queries match the labels Helm's memory driver keeps: `name`, `owner`,
/// `status` and `version`.
#[derive(Debug)]
pub struct MemoryDriver {
    state: RwLock<State>,
}

#[derive(Debug)]
struct State {
    namespace: String,
    cache: BTreeMap<String, BTreeMap<String, Vec<Record>>>,
}

#[derive(Debug, Clone)]
struct Record {
    key: String,
    labels: BTreeMap<String, String>,
    release: Release,
}

impl Default for MemoryDriver {
    fn default() -> Self {
        MemoryDriver::new()
    }
}

impl MemoryDriver {
    /// An empty driver in namespace `default`.
    pub fn new() -> Self {
        MemoryDriver { state: RwLock::new(State { namespace: DEFAULT_NAMESPACE.to_owned(), cache: BTreeMap::new() }) }
    }

    /// Switches the namespace later calls look in; empty means all namespaces for `list` and `query`.
    pub fn set_namespace(&self, namespace: &str) {
        self.write().namespace = namespace.to_owned();
    }

    /// The namespace later calls look in.
    pub fn namespace(&self) -> String {
        self.read().namespace.clone()
    }

    // A panic while holding the lock cannot leave the maps half-updated (every
    // change is one insert or remove), so a poisoned lock is safe to reuse.
    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn get_now(&self, key: &str) -> Result<Release> {
        let (name, _) = parse_key(key)?;
        let state = self.read();
        state
            .cache
            .get(&state.namespace)
            .and_then(|names| names.get(name))
            .and_then(|recs| recs.iter().find(|r| r.key == key))
            .map(|r| r.release.clone())
            .ok_or(Error::ReleaseNotFound)
    }

    /// The records of the current namespace, or of all of them when it is empty.
    fn each_record(state: &State, mut f: impl FnMut(&Record)) {
        let namespaces: Vec<&BTreeMap<String, Vec<Record>>> = if state.namespace.is_empty() {
            state.cache.values().collect()
        } else {
            state.cache.get(&state.namespace).into_iter().collect()
        };
        for names in namespaces {
            for recs in names.values() {
                recs.iter().for_each(&mut f);
            }
        }
    }

    fn create_now(&self, key: &str, release: &Release) -> Result<()> {
        let namespace = namespace_of(release);
        let mut state = self.write();
        state.namespace = namespace.clone();
        let recs = state.cache.entry(namespace).or_default().entry(release.name.clone()).or_default();
        if recs.iter().any(|r| r.key == key) {
            return Err(Error::ReleaseExists);
        }
        recs.push(record(key, release));
        // Go's sort.Sort is not stable, but revisions of one name have distinct versions in practice.
        recs.sort_by_key(|r| r.release.version);
        Ok(())
    }

    fn update_now(&self, key: &str, release: &Release) -> Result<()> {
        let namespace = namespace_of(release);
        let mut state = self.write();
        state.namespace = namespace.clone();
        let slot = state
            .cache
            .get_mut(&namespace)
            .and_then(|names| names.get_mut(&release.name))
            .and_then(|recs| recs.iter_mut().find(|r| r.key == key))
            .ok_or(Error::ReleaseNotFound)?;
        *slot = record(key, release);
        Ok(())
    }

    fn delete_now(&self, key: &str) -> Result<Release> {
        let (name, _) = parse_key(key)?;
        let mut state = self.write();
        let namespace = state.namespace.clone();
        let recs =
            state.cache.get_mut(&namespace).and_then(|names| names.get_mut(name)).ok_or(Error::ReleaseNotFound)?;
        let at = recs.iter().position(|r| r.key == key).ok_or(Error::ReleaseNotFound)?;
        Ok(recs.remove(at).release)
    }
}

fn namespace_of(release: &Release) -> String {
    if release.namespace.is_empty() { DEFAULT_NAMESPACE.to_owned() } else { release.namespace.clone() }
}

fn record(key: &str, release: &Release) -> Record {
    Record { key: key.to_owned(), labels: system_labels(release).into_iter().collect(), release: release.clone() }
}

impl Driver for MemoryDriver {
    fn name(&self) -> &'static str {
        "Memory"
    }

    fn create<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.create_now(key, release) })
    }

    fn update<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.update_now(key, release) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>> {
        Box::pin(async move { self.delete_now(key) })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>> {
        Box::pin(async move { self.get_now(key) })
    }

    fn list<'a>(&'a self, filter: Filter<'a>) -> BoxFuture<'a, Result<Vec<Release>>> {
        Box::pin(async move {
            let state = self.read();
            let mut out = Vec::new();
            Self::each_record(&state, |r| {
                if filter(&r.release) {
                    out.push(r.release.clone());
                }
            });
            Ok(out)
        })
    }

    fn query<'a>(&'a self, labels: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Vec<Release>>> {
        Box::pin(async move {
            let state = self.read();
            let mut out = Vec::new();
            Self::each_record(&state, |r| {
                // Helm compares with `get`, so a label the record lacks matches an empty value.
                if labels.iter().all(|(k, v)| r.labels.get(k).map_or("", String::as_str) == v) {
                    out.push(r.release.clone());
                }
            });
            if out.is_empty() { Err(Error::ReleaseNotFound) } else { Ok(out) }
        })
    }
}

//! The storage `Driver` interface, as Helm's `pkg/storage/driver.Driver`.

mod kube;
mod memory;
mod sql;
mod sql_tls;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use self::kube::KubeDriver;
pub(crate) use self::kube::now_unix;
pub use memory::MemoryDriver;
pub use sql::SqlDriver;

use crate::error::{Error, Result};
use crate::release::Release;
use crate::summary::ReleaseSummary;

/// A boxed, sendable future: what driver methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A predicate over releases for [`Driver::list`].
pub type Filter<'a> = &'a (dyn Fn(&Release) -> bool + Send + Sync);

/// The prefix of every storage key.
pub const KEY_PREFIX: &str = "sh.helm.release.v1";

/// The storage key of a revision: `sh.helm.release.v1.<name>.v<revision>`
/// (also the Secret's or ConfigMap's name).
pub fn release_key(name: &str, version: i64) -> String {
    format!("{KEY_PREFIX}.{name}.v{version}")
}

/// The release name and revision of a key, as Helm's memory driver splits it
/// (the prefix is optional; the rest must be `<name>.v<number>` with one `.v`).
pub fn parse_key(key: &str) -> Result<(&str, i64)> {
    let rest = key.strip_prefix("sh.helm.release.v1.").unwrap_or(key);
    let mut parts = rest.split(".v");
    match (parts.next(), parts.next(), parts.next()) {
        (Some(name), Some(version), None) => {
            let version = parse_go_int(version).ok_or(Error::InvalidKey)?;
            Ok((name, version))
        }
        _ => Err(Error::InvalidKey),
    }
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Where releases are stored: Helm's `Driver` (memory, Secrets, ConfigMaps, SQL).
///
/// A driver is bound to one namespace, as Helm's are (the memory driver's
/// empty namespace means all of them for `list` and `query`).
///
/// The methods are asynchronous and return boxed futures. Asynchronous,
/// because the real backends (the Kubernetes API through kube-rs, PostgreSQL)
/// are asynchronous clients, and a synchronous trait would force them to
/// block inside the server's runtime. Boxed rather than `async fn`, so that
/// the trait stays object-safe: helm-core picks a driver at run time
/// (`Box<dyn Driver>`, as Helm's `HELM_DRIVER`), and the futures are `Send`
/// so they run on a multi-threaded runtime. The box costs one allocation per
/// call, nothing next to a network round trip. This crate needs no runtime
/// itself: the memory driver never waits.
pub trait Driver: Send + Sync {
    /// The driver's name as Helm gives it (`Memory`, `Secret`, `ConfigMap`, `SQL`).
    fn name(&self) -> &'static str;

    /// Stores a new revision under `key`, or fails with [`Error::ReleaseExists`].
    fn create<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>>;

    /// Replaces the revision under `key`, or fails with [`Error::ReleaseNotFound`].
    fn update<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>>;

    /// Removes the revision under `key` and returns it, or fails with [`Error::ReleaseNotFound`].
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>>;

    /// The revision under `key`, or [`Error::ReleaseNotFound`].
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>>;

    /// Every stored revision the filter accepts (possibly none).
    fn list<'a>(&'a self, filter: Filter<'a>) -> BoxFuture<'a, Result<Vec<Release>>>;

    /// Every revision whose labels match all of `labels`, or [`Error::ReleaseNotFound`] when none does.
    fn query<'a>(&'a self, labels: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Vec<Release>>>;

    /// The name, namespace, revision and status of every revision whose labels
    /// match all of `labels` (every revision when empty), possibly none.
    ///
    /// The Kubernetes drivers answer from labels alone, without decoding any
    /// payload; the default decodes through [`Driver::query`] or [`Driver::list`].
    fn summaries<'a>(&'a self, labels: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Vec<ReleaseSummary>>> {
        Box::pin(async move {
            let releases = if labels.is_empty() {
                self.list(&|_| true).await?
            } else {
                match self.query(labels).await {
                    Ok(found) => found,
                    Err(Error::ReleaseNotFound) => Vec::new(),
                    Err(e) => return Err(e),
                }
            };
            Ok(releases.iter().map(ReleaseSummary::of).collect())
        })
    }
}

macro_rules! forward {
    ($ty:ty) => {
        impl<D: Driver + ?Sized> Driver for $ty {
            fn name(&self) -> &'static str {
                (**self).name()
            }
            fn create<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>> {
                (**self).create(key, release)
            }
            fn update<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>> {
                (**self).update(key, release)
            }
            fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>> {
                (**self).delete(key)
            }
            fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>> {
                (**self).get(key)
            }
            fn list<'a>(&'a self, filter: Filter<'a>) -> BoxFuture<'a, Result<Vec<Release>>> {
                (**self).list(filter)
            }
            fn query<'a>(&'a self, labels: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Vec<Release>>> {
                (**self).query(labels)
            }
            fn summaries<'a>(
                &'a self,
                labels: &'a BTreeMap<String, String>,
            ) -> BoxFuture<'a, Result<Vec<ReleaseSummary>>> {
                (**self).summaries(labels)
            }
        }
    };
}

forward!(Box<D>);
forward!(Arc<D>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(release_key("web", 3), "sh.helm.release.v1.web.v3");
        assert_eq!(parse_key("sh.helm.release.v1.web.v3").ok(), Some(("web", 3)));
        assert_eq!(parse_key("web.v12").ok(), Some(("web", 12)));
        assert!(matches!(parse_key("sh.helm.release.v1.web.vx"), Err(Error::InvalidKey)));
        assert!(matches!(parse_key("sh.helm.release.v1.a.vb.v1"), Err(Error::InvalidKey)));
        assert!(matches!(parse_key("web"), Err(Error::InvalidKey)));
    }
}

//! Per-release locks, so that two operations on one release never interleave.
//!
//! Helm 3 has no such lock (two `helm upgrade` runs on one release race, and
//! the loser leaves `pending-upgrade` behind); helm-api takes one around
//! every operation that writes a release:
//!
//! - [`LeaseLocker`] holds a Kubernetes `coordination.k8s.io/v1` Lease named
//!   `helm-api-lock.<release>` in the release's namespace, so the lock holds
//!   across processes and replicas. The Lease records the holder's identity,
//!   when it was acquired and renewed, and for how long it is valid; while
//!   the lock is held a background task renews it every third of that time.
//!   Each acquisition writes its own identity (`<holder>/<n>`), so two
//!   operations of one process exclude each other as two processes do.
//!   A holder that dies stops renewing, so its lock goes stale and the next
//!   caller takes it over once `renewTime + leaseDurationSeconds` has passed.
//!   Every change is a compare-and-swap on the Lease's `resourceVersion`, so
//!   two callers never both win. Releasing deletes the Lease if we still hold it.
//! - [`MemoryLocker`] is an in-process lock per release (for the memory driver,
//!   tests and single-process use); it is released when the guard is dropped.
//!
//! The real `helm` CLI does not know these Leases and ignores them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::Client;
use kube::api::{Api, DeleteParams, PostParams, Preconditions};

use crate::driver::BoxFuture;
use crate::error::{Error, Result};

/// The prefix of a lock Lease's name: `helm-api-lock.<release>`.
pub const LEASE_PREFIX: &str = "helm-api-lock.";

/// Something that hands out per-release locks.
pub trait Locker: Send + Sync {
    /// Waits for the lock of release `name` in `namespace` and takes it, or
    /// fails with [`Error::Locked`] when another holder keeps it past the wait.
    fn lock<'a>(&'a self, namespace: &'a str, name: &'a str) -> BoxFuture<'a, Result<ReleaseLock>>;
}

/// A held release lock. Call [`ReleaseLock::release`] when done; dropping it
/// also lets go (a Lease is then deleted in the background, or left to expire
/// when no runtime is there to delete it).
#[derive(Debug)]
pub struct ReleaseLock {
    held: Option<Held>,
}

#[derive(Debug)]
enum Held {
    // Holding the guard is the lock; it is never read.
    Memory(#[allow(dead_code)] tokio::sync::OwnedMutexGuard<()>),
    Lease(Box<LeaseHeld>),
}

#[derive(Debug)]
struct LeaseHeld {
    api: Api<Lease>,
    name: String,
    holder: String,
    renew: tokio::task::JoinHandle<()>,
}

impl ReleaseLock {
    /// Lets the lock go; for a Lease, deletes it if we still hold it.
    pub async fn release(mut self) -> Result<()> {
        match self.held.take() {
            Some(Held::Lease(lease)) => lease.release().await,
            Some(Held::Memory(_)) | None => Ok(()),
        }
    }

    /// For a Lease lock, the identity written in the Lease (`<holder>/<n>`).
    pub fn holder(&self) -> Option<&str> {
        match &self.held {
            Some(Held::Lease(l)) => Some(&l.holder),
            _ => None,
        }
    }
}

/// How many dropped Lease locks are being let go right now (see [`settle`]).
static RELEASING: AtomicU64 = AtomicU64::new(0);

/// Waits (up to `timeout`) until the Leases of dropped locks are deleted: a process about to exit
/// after cancelling an operation calls this, so the next operation need not wait for them to expire.
pub async fn settle(timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while RELEASING.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Drop for ReleaseLock {
    fn drop(&mut self) {
        if let Some(Held::Lease(lease)) = self.held.take() {
            lease.renew.abort();
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                RELEASING.fetch_add(1, Ordering::SeqCst);
                handle.spawn(async move {
                    // Best effort: if this fails the Lease expires on its own.
                    let _ = lease.release().await;
                    RELEASING.fetch_sub(1, Ordering::SeqCst);
                });
            }
        }
    }
}

impl LeaseHeld {
    async fn release(self) -> Result<()> {
        self.renew.abort();
        let Some(current) = self.api.get_opt(&self.name).await.map_err(|e| kube_err("lock: get lease", e))? else {
            return Ok(());
        };
        if holder_of(&current) != self.holder {
            // Someone took it over after it went stale; it is theirs now.
            return Ok(());
        }
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                resource_version: current.metadata.resource_version.clone(),
                uid: None,
            }),
            ..DeleteParams::default()
        };
        match self.api.delete(&self.name, &params).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.is_not_found() || s.is_conflict() => Ok(()),
            Err(e) => Err(kube_err("lock: delete lease", e)),
        }
    }
}

fn kube_err(context: &str, e: kube::Error) -> Error {
    Error::Backend { context: context.to_owned(), source: Box::new(e) }
}

fn holder_of(lease: &Lease) -> &str {
    lease.spec.as_ref().and_then(|s| s.holder_identity.as_deref()).unwrap_or("")
}

/// Whether nobody holds the Lease, or its holder stopped renewing it in time.
fn is_free(lease: &Lease, now: Timestamp) -> bool {
    let Some(spec) = &lease.spec else { return true };
    if spec.holder_identity.as_deref().unwrap_or("").is_empty() {
        return true;
    }
    let (Some(renewed), Some(seconds)) = (&spec.renew_time, spec.lease_duration_seconds) else { return true };
    renewed.0.checked_add(SignedDuration::from_secs(i64::from(seconds))).map_or(true, |until| until < now)
}

/// Per-release locks held as Kubernetes Leases (see the module documentation).
#[derive(Clone)]
pub struct LeaseLocker {
    client: Client,
    holder: String,
    ttl: Duration,
    wait: Duration,
    poll: Duration,
}

impl std::fmt::Debug for LeaseLocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaseLocker").field("holder", &self.holder).field("ttl", &self.ttl).finish()
    }
}

impl LeaseLocker {
    /// Leases through `client`, held by a fresh identity (`<host>-<pid>-<nanos>`),
    /// valid 60 s between renewals, waiting up to 5 minutes for a busy lock.
    pub fn new(client: Client) -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
        let nanos = Timestamp::now().subsec_nanosecond();
        LeaseLocker {
            client,
            holder: format!("helm-api-{}-{}-{nanos}", host.trim(), std::process::id()),
            ttl: Duration::from_secs(60),
            wait: Duration::from_secs(300),
            poll: Duration::from_millis(500),
        }
    }

    /// Sets the holder identity; each lock writes it with its own suffix (`<holder>/<n>`).
    pub fn with_holder(mut self, holder: impl Into<String>) -> Self {
        self.holder = holder.into();
        self
    }

    /// Sets how long a Lease stays valid without renewal (at least one second);
    /// a holder that dies leaves a lock that others may take after this.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_secs(1));
        self
    }

    /// Sets how long [`Locker::lock`] waits for a busy lock, and how often it looks.
    pub fn with_wait(mut self, wait: Duration, poll: Duration) -> Self {
        self.wait = wait;
        self.poll = poll.max(Duration::from_millis(10));
        self
    }

    /// The holder identity written in the Leases.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    fn lease(&self, name: &str, identity: &str, previous: Option<Lease>, now: Timestamp) -> Lease {
        let mut lease = previous.unwrap_or_else(|| Lease {
            metadata: ObjectMeta { name: Some(name.to_owned()), ..ObjectMeta::default() },
            spec: None,
        });
        let mut spec = lease.spec.take().unwrap_or_default();
        let ours = spec.holder_identity.as_deref() == Some(identity);
        if !ours {
            spec.acquire_time = Some(MicroTime(now));
            spec.lease_transitions =
                Some(spec.lease_transitions.unwrap_or(0) + i32::from(spec.holder_identity.is_some()));
        }
        spec.holder_identity = Some(identity.to_owned());
        spec.renew_time = Some(MicroTime(now));
        spec.lease_duration_seconds = Some(i32::try_from(self.ttl.as_secs()).unwrap_or(i32::MAX));
        lease.spec = Some(LeaseSpec { ..spec });
        lease
    }

    async fn acquire(&self, namespace: &str, release: &str) -> Result<ReleaseLock> {
        let api: Api<Lease> = Api::namespaced(self.client.clone(), namespace);
        let name = format!("{LEASE_PREFIX}{release}");
        let started = Instant::now();
        let params = PostParams::default();
        // This acquisition's own identity: a lock is never re-entered, not even by this process.
        static ACQUISITIONS: AtomicU64 = AtomicU64::new(0);
        let identity = format!("{}/{}", self.holder, ACQUISITIONS.fetch_add(1, Ordering::Relaxed));
        loop {
            let now = Timestamp::now();
            let current = api.get_opt(&name).await.map_err(|e| kube_err("lock: get lease", e))?;
            let attempt = match current {
                None => api.create(&params, &self.lease(&name, &identity, None, now)).await,
                Some(cur) if is_free(&cur, now) => {
                    api.replace(&name, &params, &self.lease(&name, &identity, Some(cur), now)).await
                }
                Some(cur) => {
                    let waited = started.elapsed();
                    if waited >= self.wait {
                        return Err(Error::Locked {
                            release: release.to_owned(),
                            holder: holder_of(&cur).to_owned(),
                            waited_seconds: waited.as_secs(),
                        });
                    }
                    tokio::time::sleep(self.poll.min(self.wait - waited)).await;
                    continue;
                }
            };
            match attempt {
                Ok(_) => break,
                // Someone else created or changed it between our read and write: look again.
                Err(kube::Error::Api(s)) if s.is_conflict() || s.is_already_exists() => continue,
                Err(e) => return Err(kube_err("lock: write lease", e)),
            }
        }
        let renew = tokio::spawn(renew_loop(api.clone(), name.clone(), identity.clone(), self.clone()));
        let held = LeaseHeld { api, name, holder: identity, renew };
        Ok(ReleaseLock { held: Some(Held::Lease(Box::new(held))) })
    }
}

/// Renews the Lease every third of its validity until it is lost or the task is aborted.
async fn renew_loop(api: Api<Lease>, name: String, identity: String, locker: LeaseLocker) {
    let every = (locker.ttl / 3).max(Duration::from_millis(100));
    loop {
        tokio::time::sleep(every).await;
        let Ok(Some(cur)) = api.get_opt(&name).await else { continue };
        if holder_of(&cur) != identity {
            return;
        }
        // A conflict means a concurrent change; the next round looks again.
        let lease = locker.lease(&name, &identity, Some(cur), Timestamp::now());
        let _ = api.replace(&name, &PostParams::default(), &lease).await;
    }
}

impl Locker for LeaseLocker {
    fn lock<'a>(&'a self, namespace: &'a str, name: &'a str) -> BoxFuture<'a, Result<ReleaseLock>> {
        Box::pin(self.acquire(namespace, name))
    }
}

/// (namespace, release name).
type ReleaseId = (String, String);

/// Per-release locks within this process.
#[derive(Debug)]
pub struct MemoryLocker {
    locks: Mutex<HashMap<ReleaseId, Arc<tokio::sync::Mutex<()>>>>,
    wait: Duration,
}

impl Default for MemoryLocker {
    fn default() -> Self {
        MemoryLocker::new(Duration::from_secs(300))
    }
}

impl MemoryLocker {
    /// Locks that wait up to `wait` for a busy release.
    pub fn new(wait: Duration) -> Self {
        MemoryLocker { locks: Mutex::new(HashMap::new()), wait }
    }
}

impl Locker for MemoryLocker {
    fn lock<'a>(&'a self, namespace: &'a str, name: &'a str) -> BoxFuture<'a, Result<ReleaseLock>> {
        Box::pin(async move {
            let mutex = {
                let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
                // Forget locks nobody holds or waits for, so the map does not grow forever.
                locks.retain(|_, m| Arc::strong_count(m) > 1);
                locks.entry((namespace.to_owned(), name.to_owned())).or_default().clone()
            };
            match tokio::time::timeout(self.wait, mutex.lock_owned()).await {
                Ok(guard) => Ok(ReleaseLock { held: Some(Held::Memory(guard)) }),
                Err(_) => Err(Error::Locked {
                    release: name.to_owned(),
                    holder: "another operation in this process".to_owned(),
                    waited_seconds: self.wait.as_secs(),
                }),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(holder: Option<&str>, renewed_ago: Option<i64>, seconds: Option<i32>) -> Lease {
        let now = Timestamp::now();
        Lease {
            metadata: ObjectMeta::default(),
            spec: Some(LeaseSpec {
                holder_identity: holder.map(str::to_owned),
                renew_time: renewed_ago.map(|ago| MicroTime(now - SignedDuration::from_secs(ago))),
                lease_duration_seconds: seconds,
                ..LeaseSpec::default()
            }),
        }
    }

    #[test]
    fn stale_and_free_leases() {
        let now = Timestamp::now();
        assert!(is_free(&Lease { metadata: ObjectMeta::default(), spec: None }, now));
        assert!(is_free(&lease(None, Some(0), Some(60)), now));
        assert!(is_free(&lease(Some(""), Some(0), Some(60)), now));
        assert!(!is_free(&lease(Some("a"), Some(10), Some(60)), now));
        assert!(is_free(&lease(Some("a"), Some(61), Some(60)), now));
        // A Lease without renew time or duration cannot be proven alive.
        assert!(is_free(&lease(Some("a"), None, Some(60)), now));
        assert!(is_free(&lease(Some("a"), Some(0), None), now));
    }
}

//! What every writing action shares: the per-release lock, the guard that never leaves a
//! revision `pending-*`, hooks between kube-apply's and the release record's shapes.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kube_apply::{HookOptions, HookRun, KubeClient, Resource};
use release_storage::lock::ReleaseLock;
use release_storage::{HookExecution, HookPhase, Release, Status, Time};

use crate::config::{Configuration, ReleaseStorage};
use crate::error::{Error, Result};

/// Takes the release's lock; a busy lock is Helm's `ErrPendingRelease`, naming the holder.
pub async fn lock(config: &Configuration, name: &str) -> Result<ReleaseLock> {
    match config.locker().lock(config.namespace(), name).await {
        Ok(lock) => Ok(lock),
        Err(release_storage::Error::Locked { holder, .. }) => {
            Err(Error::PendingRelease(format!(" (held by {holder})")))
        }
        Err(release_storage::Error::Backend { context, source }) => {
            let message = match source.downcast_ref::<kube::Error>() {
                Some(kube::Error::Api(status)) => status.message.clone(),
                _ => source.to_string(),
            };
            // The Lease lives in the release namespace: a missing namespace fails here,
            // where Helm's install fails storing the release.
            if message.starts_with("namespaces ") && message.ends_with(" not found") {
                return Err(Error::Storage(format!("create: failed to create: {message}")));
            }
            Err(Error::Storage(format!("{context}: {message}")))
        }
        Err(e) => Err(Error::Storage(e.to_string())),
    }
}

/// With the lock held, a last revision still `pending-*` was left by an operation that
/// died: it is marked failed so that the new operation can go on.
pub async fn recover_pending(storage: &ReleaseStorage, name: &str) -> Result<()> {
    let last = match storage.last(name).await {
        Ok(last) => last,
        Err(release_storage::Error::ReleaseNotFound | release_storage::Error::NoRevision(_)) => return Ok(()),
        Err(e) => return Err(storage_error(e)),
    };
    if last.status().is_pending() {
        let mut stale = last;
        let was = stale.status().as_str().to_owned();
        stale.set_status(Status::Failed, format!("Release {:?} failed: interrupted while {was}", stale.name));
        tracing::warn!(target: "helm_core", event = "recovered", release = %name, revision = stale.version,
            "revision {} was left {was}; marked failed", stale.version);
        storage.update(&stale).await.map_err(storage_error)?;
    }
    Ok(())
}

/// A storage error as helm-core's.
pub fn storage_error(e: release_storage::Error) -> Error {
    Error::Storage(e.to_string())
}

/// A kube-apply error as helm-core's.
pub fn cluster_error(e: kube_apply::Error) -> Error {
    // The API server's own message, as Helm shows it (not the client's debug dump).
    if let kube_apply::Error::Kube { source, .. } = &e
        && let kube::Error::Api(status) = source.as_ref()
    {
        return Error::Cluster(status.message.clone());
    }
    Error::Cluster(e.to_string())
}

/// How a writing action failed: before anything was recorded, or after its revision was
/// recorded failed (then `--atomic` undoes it).
#[derive(Debug)]
pub enum Failure {
    /// Nothing was stored.
    Before(Error),
    /// The revision was stored and marked failed.
    Recorded(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Before(e)
    }
}

/// An error of Helm 3's install (`KubeClient.Create`): a multierror list.
pub fn create_error(e: kube_apply::Error) -> Error {
    match cluster_error(e) {
        Error::Cluster(m) => Error::Cluster(format!("1 error occurred:\n\t* {m}\n\n")),
        other => other,
    }
}

/// An error of Helm 3's `KubeClient.Update`: `cannot patch "NAME" with kind KIND: ...` for a
/// patch, `failed to create resource: ...` for an object new to the release.
pub fn update_error(e: kube_apply::Error) -> Error {
    let context = match &e {
        kube_apply::Error::Kube { context, .. } => context.clone(),
        _ => String::new(),
    };
    let message = cluster_error(e).to_string();
    if let Some(rest) = context.strip_prefix("updating ")
        && let Some((kind, tail)) = rest.split_once(' ')
        && let Some(name) = tail.strip_prefix('"').and_then(|t| t.split('"').next())
    {
        return Error::Cluster(format!("cannot patch {name:?} with kind {kind}: {message}"));
    }
    if context.starts_with("replacing ") {
        return Error::Cluster(format!("failed to replace object: {message}"));
    }
    if context.starts_with("creating ") {
        return Error::Cluster(format!("failed to create resource: {message}"));
    }
    Error::Cluster(message)
}

/// kube-apply's options for writing a release's objects with `method`: Helm 3's `--force`
/// (replace) is client-side only and `--force-conflicts` server-side only, as Helm 4 checks
/// (refused before anything is stored).
pub fn apply_options(
    owner: &kube_apply::ReleaseRef,
    method: release_storage::ApplyMethod,
    force: bool,
    force_conflicts: bool,
    take_ownership: bool,
) -> Result<kube_apply::ApplyOptions> {
    let server_side = method == release_storage::ApplyMethod::Ssa;
    if server_side && force {
        return Err(Error::Options(
            "invalid operation: cannot use server-side apply and force replace together".into(),
        ));
    }
    if !server_side && force_conflicts {
        return Err(Error::Options(
            "invalid client update option(s): forceConflicts enabled when serverSideApply disabled".into(),
        ));
    }
    Ok(kube_apply::ApplyOptions {
        release: Some(owner.clone()),
        take_ownership,
        force_conflicts,
        force_replace: force,
        dry_run: false,
    })
}

/// Runs `body` holding the release's lock, then lets the lock go before returning.
pub async fn with_lock<T, E: From<Error>>(
    config: &Configuration,
    name: &str,
    body: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let held = lock(config, name).await?;
    let result = body.await;
    if let Err(e) = held.release().await {
        tracing::warn!(target: "helm_core", error = %e, "could not release the lock of {name}");
    }
    result
}

/// How many cancelled revisions are being marked failed right now (see [`settle`]).
static FAILING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Waits (up to `timeout`) until the revisions of cancelled operations are recorded failed: a
/// process that cancels an operation (a CLI on SIGINT, a server shutting down) calls this before
/// it exits, so that nothing is left `pending-*`.
/// Their locks are let go too.
pub async fn settle(timeout: Duration) {
    let deadline = std::time::Instant::now() + timeout;
    while FAILING.load(std::sync::atomic::Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    release_storage::lock::settle(deadline.saturating_duration_since(std::time::Instant::now())).await;
}

/// Marks a stored pending revision failed if the operation is dropped (cancelled, timed out)
/// before it [`PendingGuard::disarm`]s.
pub struct PendingGuard {
    storage: Arc<ReleaseStorage>,
    release: Option<Release>,
    description: String,
}

impl PendingGuard {
    /// Guards `release` (already stored): if dropped armed it becomes `failed` with `description`.
    pub fn new(storage: Arc<ReleaseStorage>, release: &Release, description: String) -> Self {
        PendingGuard { storage, release: Some(release.clone()), description }
    }

    /// The operation finished and recorded its outcome itself.
    pub fn disarm(mut self) {
        self.release = None;
    }
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        let Some(mut release) = self.release.take() else { return };
        release.set_status(Status::Failed, std::mem::take(&mut self.description));
        let storage = self.storage.clone();
        tracing::warn!(target: "helm_core", event = "cancelled", release = %release.name, revision = release.version,
            "operation cancelled; marking revision {} failed", release.version);
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            FAILING.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            handle.spawn(async move {
                if let Err(e) = storage.update(&release).await {
                    tracing::error!(target: "helm_core", error = %e, "could not mark a cancelled revision failed");
                }
                FAILING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            });
        }
    }
}

/// A kube-apply hook as the release records it, with its run if it ran.
pub fn record_hook(hook: &kube_apply::Hook, run: Option<&HookRun>) -> release_storage::Hook {
    let last_run = run.map_or_else(HookExecution::default, |r| HookExecution {
        started_at: time_of(r.started_at),
        completed_at: time_of(r.completed_at),
        phase: if r.succeeded { HookPhase::Succeeded } else { HookPhase::Failed },
    });
    release_storage::Hook {
        name: hook.name.clone(),
        kind: hook.kind.clone(),
        path: hook.path.clone(),
        manifest: hook.manifest.clone(),
        events: hook.events.iter().map(|e| release_storage::HookEvent::from_word(e.as_str())).collect(),
        last_run,
        weight: hook.weight,
        // Helm's execHook gives a hook it runs without a policy `before-hook-creation`, and stores that.
        delete_policies: if run.is_some() && hook.delete_policies.is_empty() {
            vec![release_storage::HookDeletePolicy::BeforeHookCreation]
        } else {
            hook.delete_policies.iter().map(|p| release_storage::HookDeletePolicy::from_word(p.as_str())).collect()
        },
        output_log_policies: hook
            .output_log_policies
            .iter()
            .map(|p| release_storage::HookOutputLogPolicy::from_word(p))
            .collect(),
    }
}

/// A recorded hook as kube-apply runs it.
pub fn runnable_hook(hook: &release_storage::Hook) -> kube_apply::Hook {
    kube_apply::Hook {
        name: hook.name.clone(),
        kind: hook.kind.clone(),
        path: hook.path.clone(),
        manifest: hook.manifest.clone(),
        events: hook.events.iter().filter_map(|e| kube_apply::HookEvent::parse(e.as_str())).collect(),
        weight: hook.weight,
        delete_policies: hook.delete_policies.iter().map(|p| kube_apply::HookDeletePolicy::parse(p.as_str())).collect(),
        output_log_policies: hook.output_log_policies.iter().map(|p| p.as_str().to_owned()).collect(),
    }
}

/// Runs the hooks of `event` (Helm's `execHook`), records each run in `release.hooks`, and
/// wraps a failure as Helm does (`pre-install hooks failed: ...` is the caller's).
pub async fn run_hooks(
    kube: &KubeClient,
    release: &mut Release,
    event: kube_apply::HookEvent,
    timeout: Duration,
) -> Result<()> {
    let hooks: Vec<kube_apply::Hook> = release.hooks.iter().map(runnable_hook).collect();
    if !hooks.iter().any(|h| h.events.contains(&event)) {
        return Ok(());
    }
    let outcome = kube.run_hooks(&hooks, event, &HookOptions { timeout, ..Default::default() }).await;
    for run in &outcome.runs {
        if let Some(h) = release.hooks.iter_mut().find(|h| h.name == run.name && h.path == run.path) {
            *h = record_hook(&runnable_hook(h), Some(run));
        }
    }
    outcome.into_result().map(|_| ()).map_err(hook_error)
}

/// Helm's `--wait` / `--wait-for-jobs`: waits until the release's objects are ready, as a progress event says.
pub async fn wait_ready(
    kube: &KubeClient,
    release: &str,
    resources: &[Resource],
    timeout: Duration,
    wait_for_jobs: bool,
) -> Result<()> {
    tracing::info!(target: "helm_core", event = "waiting", release = %release, objects = resources.len(),
        "waiting for {} objects to be ready", resources.len());
    let wait = kube_apply::WaitOptions { timeout, wait_for_jobs, ..Default::default() };
    kube.wait_ready(resources, &wait).await.map_err(cluster_error)
}

/// Helm 3's `execHook` text: `warning: Hook EVENT PATH failed: ...`, a refused creation as
/// the multierror Helm's `KubeClient.Create` returns.
fn hook_error(e: kube_apply::Error) -> Error {
    let kube_apply::Error::HookFailed { event, path, message } = &e else { return cluster_error(e) };
    if message.starts_with("unable to build ") {
        return Error::Cluster(message.clone());
    }
    if !message.starts_with("creating ") {
        // A hook that ran and failed (or timed out): the multierror of Helm's `WatchUntilReady`.
        return Error::Cluster(format!("1 error occurred:\n\t* {message}\n\n"));
    }
    let detail = match api_message(message) {
        Some(api) => format!("1 error occurred:\n\t* {api}\n\n"),
        None => message.clone(),
    };
    Error::Cluster(format!("warning: Hook {event} {path} failed: {detail}"))
}

/// The API server's message inside a kube client error's text
/// (`...: ApiError: MESSAGE: Reason (Status { ... })`).
fn api_message(text: &str) -> Option<&str> {
    let start = text.find("ApiError: ")? + "ApiError: ".len();
    let end = text.rfind(" (Status {")?;
    let inner = text.get(start..end)?;
    Some(inner.rsplit_once(": ").map_or(inner, |(m, _reason)| m))
}

/// A stored manifest's objects, mapped through discovery (objects of kinds the cluster no
/// longer serves are skipped, as Helm's uninstall does).
pub async fn build_manifest(kube: &KubeClient, manifest: &str) -> Result<Vec<Resource>> {
    let sorted = kube_apply::sort_release_manifest(manifest, kube_apply::INSTALL_ORDER)
        .map_err(|e| Error::Manifest(e.to_string()))?;
    let mut out = Vec::new();
    for m in &sorted.manifests {
        match kube.build(&m.name, &m.content).await {
            Ok(mut rs) => out.append(&mut rs),
            Err(e @ kube_apply::Error::NoMatch { .. }) => {
                tracing::warn!(target: "helm_core", error = %e, "skipping an object the cluster does not serve");
            }
            Err(e) => return Err(cluster_error(e)),
        }
    }
    Ok(out)
}

/// Builds a new manifest's objects; every one must map.
pub async fn build_target(kube: &KubeClient, manifest: &str) -> Result<Vec<Resource>> {
    let sorted = kube_apply::sort_release_manifest(manifest, kube_apply::INSTALL_ORDER)
        .map_err(|e| Error::Manifest(e.to_string()))?;
    let mut out = Vec::new();
    for m in &sorted.manifests {
        let mut rs = kube
            .build(&m.name, &m.content)
            .await
            .map_err(|e| Error::Cluster(format!("unable to build kubernetes objects from release manifest: {e}")))?;
        out.append(&mut rs);
    }
    Ok(out)
}

/// Now, as the release records times.
pub fn now() -> Time {
    Time::now()
}

fn time_of(t: SystemTime) -> Time {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    Time::from_unix(i64::try_from(d.as_secs()).unwrap_or(i64::MAX), d.subsec_nanos(), 0)
}

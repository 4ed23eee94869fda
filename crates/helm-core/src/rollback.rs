//! `Rollback`: Helm's `action.Rollback` — a new revision made of an old one's chart, values and manifest.

use std::time::Duration;

use kube_apply::{HookEvent, ReleaseRef};
use release_storage::{Info, Release, Status};

use crate::config::Configuration;
use crate::error::{Error, Result};
use crate::operation::{
    PendingGuard, build_manifest, build_target, now, recover_pending, run_hooks, storage_error, with_lock,
};
use crate::operation::{apply_options, update_error};
use crate::server_side::{ServerSide, kube_method};
use crate::template::validate_release_name;

/// The options of `helm rollback`.
#[derive(Debug, Clone)]
pub struct RollbackOptions {
    /// The revision to roll back to; 0 is the previous one.
    pub version: i64,
    /// `--no-hooks`.
    pub disable_hooks: bool,
    /// `--wait`.
    pub wait: bool,
    /// `--wait-for-jobs`.
    pub wait_for_jobs: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--cleanup-on-fail`.
    pub cleanup_on_fail: bool,
    /// `--history-max` (0: unlimited).
    pub max_history: usize,
    /// `--dry-run`: check that the revision exists and can be built; store and change nothing.
    pub dry_run: bool,
    /// `--force`: replace objects instead of patching them (client-side only).
    pub force: bool,
    /// `--force-conflicts` (Helm 4, server-side apply only): take fields other managers own.
    pub force_conflicts: bool,
    /// `--server-side` (Helm 4): `auto` (the default) follows the method of the revision rolled back to.
    pub server_side: ServerSide,
}

impl Default for RollbackOptions {
    fn default() -> Self {
        RollbackOptions {
            version: 0,
            disable_hooks: false,
            wait: false,
            wait_for_jobs: false,
            timeout: Duration::from_secs(300),
            cleanup_on_fail: false,
            max_history: 10,
            dry_run: false,
            force: false,
            force_conflicts: false,
            server_side: ServerSide::Auto,
        }
    }
}

/// `helm rollback`.
#[derive(Debug, Clone)]
pub struct Rollback {
    config: Configuration,
    /// The options.
    pub options: RollbackOptions,
}

impl Rollback {
    /// A rollback in `config`'s namespace.
    pub fn new(config: Configuration, options: RollbackOptions) -> Self {
        Rollback { config, options }
    }

    /// Rolls release `name` back; returns the new revision.
    pub async fn run(&self, name: &str) -> Result<Release> {
        validate_release_name(name)?;
        if self.options.version < 0 {
            return Err(Error::Action("invalid release revision".to_owned()));
        }
        tracing::info!(target: "helm_core", event = "start", action = "rollback", release = %name, "rolling back {name}");
        with_lock(&self.config, name, self.locked(name)).await
    }

    async fn locked(&self, name: &str) -> Result<Release> {
        let o = &self.options;
        let storage = self.config.storage().clone();
        recover_pending(&storage, name).await?;
        let current = storage.last(name).await.map_err(storage_error)?;
        let previous_version = if o.version == 0 { current.version - 1 } else { o.version };
        let history = storage.history(name).await.map_err(storage_error)?;
        if !history.iter().any(|r| r.version == previous_version) {
            return Err(Error::Action(format!("release has no {previous_version} version")));
        }
        let previous = storage.get(name, previous_version).await.map_err(storage_error)?;
        let current_info = current.info.clone().unwrap_or_default();
        let previous_info = previous.info.clone().unwrap_or_default();
        let mut target = Release {
            name: name.to_owned(),
            namespace: current.namespace.clone(),
            chart: previous.chart.clone(),
            config: previous.config.clone(),
            manifest: previous.manifest.clone(),
            hooks: previous.hooks.clone(),
            version: current.version + 1,
            info: Some(Info {
                first_deployed: current_info.first_deployed,
                last_deployed: now(),
                status: Status::PendingRollback,
                notes: previous_info.notes,
                description: format!("Rollback to {previous_version}"),
                ..Info::default()
            }),
            labels: previous.labels.clone(),
            apply_method: Some(o.server_side.following(previous.apply_method)),
        };
        let kube = self.config.kube().clone();
        let original = build_manifest(&kube, &current.manifest).await?;
        let mut resources = build_target(&kube, &target.manifest).await?;
        let owner = ReleaseRef { name: name.to_owned(), namespace: target.namespace.clone() };
        let method = target.apply_method.unwrap_or(release_storage::ApplyMethod::Csa);
        let apply = apply_options(&owner, method, o.force, o.force_conflicts, false)?;
        if o.dry_run {
            return Ok(target);
        }
        if o.max_history > 0 {
            crate::upgrade::prune_history(&storage, name, o.max_history).await?;
        }
        storage.create(&target).await.map_err(storage_error)?;
        let guard = PendingGuard::new(
            storage.clone(),
            &target,
            format!("Rollback {name:?} failed: the operation was cancelled"),
        );
        if !o.disable_hooks
            && let Err(e) = run_hooks(&kube, &mut target, HookEvent::PreRollback, o.timeout).await
        {
            target.set_status(Status::Failed, format!("Rollback {name:?} failed: {e}"));
            storage.update(&target).await.map_err(storage_error)?;
            guard.disarm();
            return Err(e);
        }
        if let Err(e) = kube
            .update(
                &original,
                &mut resources,
                kube_method(target.apply_method.unwrap_or(release_storage::ApplyMethod::Csa)),
                &apply,
            )
            .await
        {
            let e = update_error(e);
            let mut superseded = current.clone();
            superseded.set_status(Status::Superseded, superseded.info.clone().unwrap_or_default().description);
            storage.update(&superseded).await.map_err(storage_error)?;
            target.set_status(Status::Failed, format!("Rollback {name:?} failed: {e}"));
            storage.update(&target).await.map_err(storage_error)?;
            guard.disarm();
            if o.cleanup_on_fail {
                let created: Vec<kube_apply::Resource> = resources
                    .iter()
                    .filter(|r| !original.iter().any(|x| x.reference() == r.reference()))
                    .cloned()
                    .collect();
                let _ = kube.delete(&created, kube_apply::Propagation::Background).await;
            }
            return Err(e);
        }
        let after = async {
            if o.wait || o.wait_for_jobs {
                crate::operation::wait_ready(&kube, name, &resources, o.timeout, o.wait_for_jobs).await?;
            }
            Ok::<(), Error>(())
        }
        .await;
        let after = match after {
            Ok(()) if !o.disable_hooks => run_hooks(&kube, &mut target, HookEvent::PostRollback, o.timeout).await,
            other => other,
        };
        if let Err(e) = after {
            target.set_status(Status::Failed, format!("Rollback {name:?} failed: {e}"));
            storage.update(&target).await.map_err(storage_error)?;
            guard.disarm();
            return Err(e);
        }
        // Every revision still deployed is superseded by the rollback.
        if let Ok(deployed) = storage.deployed_all(name).await {
            for mut r in deployed {
                // Helm 3 changes only the status: the revision keeps its description.
                let description = r.info.clone().unwrap_or_default().description;
                r.set_status(Status::Superseded, description);
                storage.update(&r).await.map_err(storage_error)?;
            }
        }
        if let Some(info) = target.info.as_mut() {
            info.status = Status::Deployed;
        }
        storage.update(&target).await.map_err(storage_error)?;
        guard.disarm();
        tracing::info!(target: "helm_core", event = "done", action = "rollback", release = %name,
            revision = target.version, "rollback of {name} to {previous_version} complete");
        Ok(target)
    }
}

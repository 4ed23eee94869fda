//! `Upgrade`: Helm's `action.Upgrade` — values as Helm decides them, hooks, supersede, atomic rollback.

use std::time::Duration;

use chart_model::coalesce::{CoalesceOptions, coalesce_tables};
use chart_model::{Chart, Map};
use kube_apply::{ApplyOptions, HookEvent, ReleaseRef};
use release_storage::{Info, Release, ReleaseChart, Status};

use crate::config::Configuration;
use crate::error::{Error, Result};
use crate::install::InstallOptions;
use crate::operation::{
    Failure, PendingGuard, apply_options, build_manifest, build_target, cluster_error, now, record_hook,
    recover_pending, run_hooks, storage_error, update_error, with_lock,
};
use crate::render_release::{RenderFor, render_release};
use crate::rollback::{Rollback, RollbackOptions};
use crate::server_side::{ServerSide, kube_method};
use crate::template::validate_release_name;

/// What `helm upgrade --install` finds before it decides between installing and upgrading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeTarget {
    /// The release has a revision to upgrade.
    Existing,
    /// No revision is stored: install.
    Missing,
    /// The last revision is uninstalled (history kept): install, replacing it.
    Uninstalled,
}

/// Helm's check in `upgrade --install`: a release that is not found, or whose last revision is
/// uninstalled, is installed instead; any other storage error is returned.
pub async fn upgrade_target(config: &Configuration, name: &str) -> Result<UpgradeTarget> {
    match config.storage().history(name).await {
        Ok(history) => match history.iter().max_by_key(|r| r.version) {
            None => Ok(UpgradeTarget::Missing),
            Some(last) if last.status() == Status::Uninstalled => Ok(UpgradeTarget::Uninstalled),
            Some(_) => Ok(UpgradeTarget::Existing),
        },
        Err(release_storage::Error::ReleaseNotFound) => Ok(UpgradeTarget::Missing),
        Err(e) => Err(storage_error(e)),
    }
}

/// The options of `helm upgrade`.
#[derive(Debug, Clone)]
pub struct UpgradeOptions {
    /// `--reuse-values`: the last release's values (and its chart's defaults) under the new ones.
    pub reuse_values: bool,
    /// `--reset-values`: only the new values.
    pub reset_values: bool,
    /// `--reset-then-reuse-values`: the new chart's defaults, the last release's values, the new ones.
    pub reset_then_reuse_values: bool,
    /// `--no-hooks`.
    pub disable_hooks: bool,
    /// `--wait`.
    pub wait: bool,
    /// `--wait-for-jobs`.
    pub wait_for_jobs: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--atomic`: roll back on failure (implies wait).
    pub atomic: bool,
    /// `--cleanup-on-fail`: delete the objects this upgrade created when it fails.
    pub cleanup_on_fail: bool,
    /// `--history-max` (0: unlimited).
    pub max_history: usize,
    /// `--description`.
    pub description: Option<String>,
    /// `--dry-run`: render and check, store nothing, change nothing.
    pub dry_run: bool,
    /// `--dry-run=server` (with `dry_run`): `lookup` is also answered from the cluster.
    pub dry_run_server: bool,
    /// `--force`: replace objects instead of patching them (client-side only).
    pub force: bool,
    /// `--force-conflicts` (Helm 4, server-side apply only): take fields other managers own.
    pub force_conflicts: bool,
    /// `--take-ownership`: objects new to the release that exist already are adopted
    /// whoever owns them, instead of refused.
    pub take_ownership: bool,
    /// `--server-side` (Helm 4): `auto` (the default) follows the last release's method.
    pub server_side: ServerSide,
}

impl Default for UpgradeOptions {
    fn default() -> Self {
        UpgradeOptions {
            reuse_values: false,
            reset_values: false,
            reset_then_reuse_values: false,
            disable_hooks: false,
            wait: false,
            wait_for_jobs: false,
            timeout: Duration::from_secs(300),
            atomic: false,
            cleanup_on_fail: false,
            max_history: 10,
            description: None,
            dry_run: false,
            dry_run_server: false,
            force: false,
            force_conflicts: false,
            take_ownership: false,
            server_side: ServerSide::Auto,
        }
    }
}

impl UpgradeOptions {
    /// The install `helm upgrade --install` runs when [`upgrade_target`] finds no revision to upgrade:
    /// the upgrade's options carried over as Helm's upgrade command copies them, replacing an
    /// uninstalled release's history.
    pub fn install_options(&self, release_name: &str, create_namespace: bool, target: UpgradeTarget) -> InstallOptions {
        InstallOptions {
            release_name: release_name.to_owned(),
            create_namespace,
            dry_run: self.dry_run,
            dry_run_server: self.dry_run_server,
            replace: target == UpgradeTarget::Uninstalled,
            force: self.force,
            force_conflicts: self.force_conflicts,
            disable_hooks: self.disable_hooks,
            wait: self.wait,
            wait_for_jobs: self.wait_for_jobs,
            timeout: self.timeout,
            atomic: self.atomic,
            description: self.description.clone(),
            take_ownership: self.take_ownership,
            server_side: self.server_side,
            ..InstallOptions::default()
        }
    }
}

/// `helm upgrade`.
#[derive(Debug, Clone)]
pub struct Upgrade {
    config: Configuration,
    /// The options.
    pub options: UpgradeOptions,
}

impl Upgrade {
    /// An upgrade in `config`'s namespace.
    pub fn new(config: Configuration, options: UpgradeOptions) -> Self {
        Upgrade { config, options }
    }

    /// Upgrades release `name` to `chart` with the user's `values`.
    pub async fn run(&self, name: &str, chart: &Chart, values: &Map) -> Result<Release> {
        let o = &self.options;
        validate_release_name(name)?;
        tracing::info!(target: "helm_core", event = "start", action = "upgrade", release = %name,
            namespace = %self.config.namespace(), "upgrading {name}");
        let result = with_lock(&self.config, name, self.locked(name, chart, values)).await;
        match result {
            Err(Failure::Recorded(e)) if o.atomic => {
                let rollback = Rollback::new(
                    self.config.clone(),
                    RollbackOptions {
                        wait: true,
                        timeout: o.timeout,
                        cleanup_on_fail: o.cleanup_on_fail,
                        disable_hooks: o.disable_hooks,
                        wait_for_jobs: o.wait_for_jobs,
                        force: o.force,
                        force_conflicts: o.force_conflicts,
                        server_side: o.server_side,
                        ..RollbackOptions::default()
                    },
                );
                if let Err(r) = rollback.run(name).await {
                    return Err(Error::Action(format!(
                        "an error occurred while rolling back the release. original upgrade error: {e}: {r}"
                    )));
                }
                Err(Error::Action(format!(
                    "release {name} failed, and has been rolled back due to atomic being set: {e}"
                )))
            }
            Err(Failure::Recorded(e) | Failure::Before(e)) => Err(e),
            Ok(release) => Ok(release),
        }
    }

    /// The upgrade with the lock held; a failure after the revision was stored is `Recorded`.
    async fn locked(&self, name: &str, chart: &Chart, values: &Map) -> Result<Release, Failure> {
        let o = &self.options;
        let storage = self.config.storage().clone();
        recover_pending(&storage, name).await?;
        let last = match storage.last(name).await {
            Ok(last) => last,
            Err(release_storage::Error::ReleaseNotFound | release_storage::Error::NoRevision(_)) => {
                return Err(Error::Storage(format!("{name:?} has no deployed releases")).into());
            }
            Err(e) => return Err(storage_error(e).into()),
        };
        let current = if last.status() == Status::Deployed {
            last.clone()
        } else {
            match storage.deployed(name).await {
                Ok(d) => d,
                Err(release_storage::Error::NoDeployedReleases(_))
                    if matches!(last.status(), Status::Failed | Status::Superseded) =>
                {
                    last.clone()
                }
                Err(e) => return Err(storage_error(e).into()),
            }
        };
        let mut chart = chart.clone();
        let values = self.reuse_values(&mut chart, &current, values);
        let namespace = self.config.namespace().to_owned();
        let revision = last.version + 1;
        let kube = self.config.kube().clone();
        let capabilities = self.config.capabilities().await?;
        let target = RenderFor { name, namespace: &namespace, revision, is_upgrade: true };
        let lookup = (!o.dry_run || o.dry_run_server).then(|| kube.clone());
        let rendered = render_release(&chart, &values, &target, capabilities, lookup).await?;
        let first_deployed = current.info.as_ref().map(|i| i.first_deployed).unwrap_or_default();
        let mut upgraded = Release {
            name: name.to_owned(),
            namespace: namespace.clone(),
            chart: Some(ReleaseChart::from(chart.clone())),
            config: values,
            manifest: rendered.manifest.clone(),
            hooks: rendered.hooks.iter().map(|h| record_hook(h, None)).collect(),
            version: revision,
            info: Some(Info {
                first_deployed,
                last_deployed: now(),
                status: Status::PendingUpgrade,
                description: "Preparing upgrade".to_owned(),
                notes: rendered.notes.clone(),
                ..Info::default()
            }),
            labels: current.labels.clone(),
            apply_method: Some(o.server_side.following(last.apply_method)),
        };
        let mut original = build_manifest(&kube, &current.manifest).await?;
        let mut resources = build_target(&kube, &rendered.manifest).await?;
        let owner = ReleaseRef { name: name.to_owned(), namespace: namespace.clone() };
        let method = upgraded.apply_method.unwrap_or(release_storage::ApplyMethod::Csa);
        let apply = apply_options(&owner, method, o.force, o.force_conflicts, o.take_ownership)?;
        // Objects new to this revision must not belong to someone else, unless taken over:
        // then, as Helm, the new object is also the base of its three-way merge (nothing is removed).
        let fresh: Vec<kube_apply::Resource> =
            resources.iter().filter(|r| !original.iter().any(|o| o.reference() == r.reference())).cloned().collect();
        if o.take_ownership {
            for r in fresh {
                if kube.get(&r).await.map_err(cluster_error)?.is_some() {
                    original.push(r);
                }
            }
        } else {
            kube.existing_resource_conflict(&fresh, &owner)
                .await
                .map_err(|e| Error::Action(format!("Unable to continue with update: {e}")))?;
        }
        if o.dry_run {
            let description = o.description.clone().unwrap_or_else(|| "Dry run complete".to_owned());
            upgraded.set_status(Status::PendingUpgrade, description);
            return Ok(upgraded);
        }
        if o.max_history > 0 {
            prune_history(&storage, name, o.max_history).await?;
        }
        storage.create(&upgraded).await.map_err(storage_error)?;
        let guard = PendingGuard::new(storage.clone(), &upgraded, format!("Upgrade {name:?} failed: context canceled"));
        let result = self.perform(&mut upgraded, &original, &mut resources, &apply).await;
        match result {
            Ok(()) => {
                let mut superseded = current;
                // Helm 3 changes only the status: the revision keeps its description.
                let description = superseded.info.clone().unwrap_or_default().description;
                superseded.set_status(Status::Superseded, description);
                storage.update(&superseded).await.map_err(storage_error)?;
                let description = o.description.clone().unwrap_or_else(|| "Upgrade complete".to_owned());
                upgraded.set_status(Status::Deployed, description);
                storage.update(&upgraded).await.map_err(storage_error)?;
                guard.disarm();
                tracing::info!(target: "helm_core", event = "done", action = "upgrade", release = %name, revision,
                    "upgrade of {name} to revision {revision} complete");
                Ok(upgraded)
            }
            Err(e) => {
                upgraded.set_status(Status::Failed, format!("Upgrade {name:?} failed: {e}"));
                storage.update(&upgraded).await.map_err(storage_error)?;
                guard.disarm();
                tracing::warn!(target: "helm_core", event = "failed", action = "upgrade", release = %name, error = %e,
                    "upgrade of {name} failed");
                if o.cleanup_on_fail {
                    let created: Vec<kube_apply::Resource> = resources
                        .iter()
                        .filter(|r| !original.iter().any(|o| o.reference() == r.reference()))
                        .cloned()
                        .collect();
                    if let Err(c) = kube.delete(&created, kube_apply::Propagation::Background).await {
                        tracing::warn!(target: "helm_core", error = %c, "cleanup on fail");
                    }
                }
                Err(Failure::Recorded(e))
            }
        }
    }

    /// Helm 3's `reuseValues`.
    fn reuse_values(&self, chart: &mut Chart, current: &Release, new: &Map) -> Map {
        let o = &self.options;
        if o.reset_values {
            return new.clone();
        }
        let mut values = new.clone();
        if o.reuse_values {
            values = coalesce_tables(&values, &current.config, &CoalesceOptions::default()).values;
            if let Some(c) = &current.chart {
                chart.values = c.chart.values.clone();
            }
        } else if o.reset_then_reuse_values {
            values = coalesce_tables(&values, &current.config, &CoalesceOptions::default()).values;
        }
        if values.is_empty() && !current.config.is_empty() {
            return current.config.clone();
        }
        values
    }

    async fn perform(
        &self,
        release: &mut Release,
        original: &[kube_apply::Resource],
        resources: &mut [kube_apply::Resource],
        apply: &ApplyOptions,
    ) -> Result<()> {
        let o = &self.options;
        let kube = self.config.kube();
        if !o.disable_hooks {
            run_hooks(kube, release, HookEvent::PreUpgrade, o.timeout)
                .await
                .map_err(|e| Error::Action(format!("pre-upgrade hooks failed: {e}")))?;
        }
        let result = kube
            .update(
                original,
                resources,
                kube_method(release.apply_method.unwrap_or(release_storage::ApplyMethod::Csa)),
                apply,
            )
            .await
            .map_err(update_error)?;
        tracing::info!(target: "helm_core", event = "updated", release = %release.name, created = result.created.len(),
            updated = result.updated.len(), deleted = result.deleted.len(), "objects created {}, updated {}, deleted {}",
            result.created.len(), result.updated.len(), result.deleted.len());
        if o.wait || o.atomic || o.wait_for_jobs {
            crate::operation::wait_ready(kube, &release.name, resources, o.timeout, o.wait_for_jobs).await?;
        }
        if !o.disable_hooks {
            run_hooks(kube, release, HookEvent::PostUpgrade, o.timeout)
                .await
                .map_err(|e| Error::Action(format!("post-upgrade hooks failed: {e}")))?;
        }
        Ok(())
    }
}

/// Keeps at most `max` revisions once a new one is added, never the deployed one.
pub(crate) async fn prune_history(storage: &crate::config::ReleaseStorage, name: &str, max: usize) -> Result<()> {
    let mut history = match storage.history(name).await {
        Ok(h) => h,
        Err(release_storage::Error::ReleaseNotFound) => return Ok(()),
        Err(e) => return Err(storage_error(e)),
    };
    history.sort_by_key(|r| r.version);
    let keep = max.saturating_sub(1);
    let mut excess = history.len().saturating_sub(keep);
    for r in &history {
        if excess == 0 {
            break;
        }
        if r.status() == Status::Deployed {
            continue;
        }
        storage.delete(name, r.version).await.map_err(storage_error)?;
        excess -= 1;
    }
    Ok(())
}

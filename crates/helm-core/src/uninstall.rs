//! `Uninstall`: Helm's `action.Uninstall` — hooks, objects deleted in uninstall order, keep policy, history.

use std::time::Duration;

/// How dependents of deleted objects go (`--cascade`).
pub use kube_apply::Propagation;
use kube_apply::{HookEvent, UNINSTALL_ORDER, filter_manifests_to_keep, sort_release_manifest};
use release_storage::{Release, Status};

use crate::config::Configuration;
use crate::error::{Error, Result};
use crate::operation::{PendingGuard, cluster_error, now, run_hooks, storage_error, with_lock};
use crate::template::validate_release_name;

/// The options of `helm uninstall`.
#[derive(Debug, Clone)]
pub struct UninstallOptions {
    /// `--no-hooks`.
    pub disable_hooks: bool,
    /// `--keep-history`.
    pub keep_history: bool,
    /// `--wait`: until the objects are gone.
    pub wait: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--cascade`.
    pub propagation: Propagation,
    /// `--description`.
    pub description: Option<String>,
}

impl Default for UninstallOptions {
    fn default() -> Self {
        UninstallOptions {
            disable_hooks: false,
            keep_history: false,
            wait: false,
            timeout: Duration::from_secs(300),
            propagation: Propagation::Background,
            description: None,
        }
    }
}

/// What an uninstall did.
#[derive(Debug, Clone)]
pub struct UninstallResult {
    /// The last revision as recorded.
    pub release: Release,
    /// Helm's text about kept objects (`These resources were kept due to the resource policy:` ...).
    pub info: String,
}

/// `helm uninstall`.
#[derive(Debug, Clone)]
pub struct Uninstall {
    config: Configuration,
    /// The options.
    pub options: UninstallOptions,
}

impl Uninstall {
    /// An uninstall in `config`'s namespace.
    pub fn new(config: Configuration, options: UninstallOptions) -> Self {
        Uninstall { config, options }
    }

    /// Uninstalls release `name`.
    pub async fn run(&self, name: &str) -> Result<UninstallResult> {
        validate_release_name(name).map_err(|_| Error::Action("uninstall: Release name is invalid".to_owned()))?;
        tracing::info!(target: "helm_core", event = "start", action = "uninstall", release = %name, "uninstalling {name}");
        with_lock(&self.config, name, self.locked(name)).await
    }

    async fn locked(&self, name: &str) -> Result<UninstallResult> {
        let o = &self.options;
        let storage = self.config.storage().clone();
        let mut history = match storage.history(name).await {
            Ok(h) => h,
            Err(e) => return Err(Error::Storage(format!("uninstall: Release not loaded: {name}: {e}"))),
        };
        history.sort_by_key(|r| r.version);
        let Some(mut release) = history.last().cloned() else {
            return Err(Error::Storage("release: not found".to_owned()));
        };
        if release.status() == Status::Uninstalled {
            if !o.keep_history {
                for r in &history {
                    storage.delete(name, r.version).await.map_err(storage_error)?;
                }
                return Ok(UninstallResult { release, info: String::new() });
            }
            return Err(Error::Action(format!("the release named {name:?} is already deleted")));
        }
        release.set_status(Status::Uninstalling, "Deletion in progress (or silently failed)");
        if let Some(info) = release.info.as_mut() {
            info.deleted = now();
        }
        storage.update(&release).await.map_err(storage_error)?;
        let guard = PendingGuard::new(
            storage.clone(),
            &release,
            format!("Uninstallation of {name:?} failed: the operation was cancelled"),
        );
        let kube = self.config.kube().clone();
        if !o.disable_hooks {
            run_hooks(&kube, &mut release, HookEvent::PreDelete, o.timeout).await.inspect_err(guard_fail)?;
        }
        let sorted =
            sort_release_manifest(&release.manifest, UNINSTALL_ORDER).map_err(|e| Error::Manifest(e.to_string()))?;
        let (kept, doomed) = filter_manifests_to_keep(sorted.manifests);
        let mut info = String::new();
        if !kept.is_empty() {
            info.push_str("These resources were kept due to the resource policy:\n");
            for m in &kept {
                info.push_str(&format!("[{}] {}\n", m.head.kind, m.head.name()));
            }
        }
        let mut resources = Vec::new();
        let mut errors = Vec::new();
        for m in &doomed {
            match kube.build(&m.name, &m.content).await {
                Ok(mut rs) => resources.append(&mut rs),
                Err(e @ kube_apply::Error::NoMatch { .. }) => {
                    tracing::warn!(target: "helm_core", error = %e, "skipping an object the cluster does not serve");
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        match kube.delete(&resources, o.propagation).await {
            Ok(_) => {}
            Err(e) => errors.push(e.to_string()),
        }
        if o.wait && errors.is_empty() {
            kube.wait_for_delete(&resources, o.timeout).await.map_err(cluster_error)?;
        }
        if !o.disable_hooks && errors.is_empty() {
            run_hooks(&kube, &mut release, HookEvent::PostDelete, o.timeout).await?;
        }
        let description = o.description.clone().unwrap_or_else(|| "Uninstallation complete".to_owned());
        release.set_status(Status::Uninstalled, description);
        if !errors.is_empty() {
            let e = Error::Action(format!(
                "uninstallation completed with {} error(s): {}",
                errors.len(),
                errors.join("; ")
            ));
            release.set_status(Status::Failed, format!("Uninstallation of {name:?} failed: {e}"));
            storage.update(&release).await.map_err(storage_error)?;
            guard.disarm();
            return Err(e);
        }
        if o.keep_history {
            storage.update(&release).await.map_err(storage_error)?;
        } else {
            for r in &history {
                storage.delete(name, r.version).await.map_err(storage_error)?;
            }
        }
        guard.disarm();
        tracing::info!(target: "helm_core", event = "done", action = "uninstall", release = %name,
            "release {name} uninstalled");
        Ok(UninstallResult { release, info })
    }
}

fn guard_fail(e: &Error) {
    tracing::warn!(target: "helm_core", event = "failed", action = "uninstall", error = %e, "uninstall hooks failed");
}

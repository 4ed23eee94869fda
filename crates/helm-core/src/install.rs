//! `Install`: Helm's `action.Install` — a new release at revision 1, hooks, CRDs first, wait, atomic.

use std::collections::BTreeMap;
use std::time::Duration;

use chart_model::{Chart, Map};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};
use kube_apply::{ApplyOptions, HookEvent, ReleaseRef, crd_objects};
use release_storage::{ApplyMethod, Info, Release, ReleaseChart, Status};

use crate::config::Configuration;
use crate::error::{Error, Result};
use crate::operation::{
    Failure, PendingGuard, apply_options, build_target, cluster_error, create_error, now, record_hook, recover_pending,
    run_hooks, storage_error, update_error, with_lock,
};
use crate::render_release::{RenderFor, render_release};
use crate::server_side::{ServerSide, kube_method};
use crate::template::validate_release_name;
use crate::uninstall::{Uninstall, UninstallOptions};

/// The options of `helm install`.
#[derive(Debug, Clone)]
pub struct InstallOptions {
    /// The release name (ignored with `generate_name`).
    pub release_name: String,
    /// `--generate-name`: `<chart>-<unix seconds>`.
    pub generate_name: bool,
    /// `--create-namespace`.
    pub create_namespace: bool,
    /// `--dry-run`: render and check, store nothing, change nothing. The cluster is still
    /// asked for its capabilities, to map the objects and for ownership conflicts, as Helm does.
    pub dry_run: bool,
    /// `--dry-run=server` (with `dry_run`): `lookup` is also answered from the cluster.
    pub dry_run_server: bool,
    /// `--replace`: re-use the name of a release whose last revision is uninstalled (kept
    /// history) or failed; the new revision follows it.
    pub replace: bool,
    /// `--force`: objects adopted from the cluster are replaced, not patched (client-side only).
    pub force: bool,
    /// `--force-conflicts` (Helm 4, server-side apply only): take fields other managers own.
    pub force_conflicts: bool,
    /// `--no-hooks`.
    pub disable_hooks: bool,
    /// `--skip-crds`.
    pub skip_crds: bool,
    /// `--wait`.
    pub wait: bool,
    /// `--wait-for-jobs`.
    pub wait_for_jobs: bool,
    /// `--timeout` (hooks and waits).
    pub timeout: Duration,
    /// `--atomic`: uninstall on failure (implies wait).
    pub atomic: bool,
    /// `--description`.
    pub description: Option<String>,
    /// `--labels`, stored with the release.
    pub labels: BTreeMap<String, String>,
    /// `--take-ownership`.
    pub take_ownership: bool,
    /// `--server-side` (Helm 4): `auto` (the default) and `true` apply server-side, `false` as Helm 3.
    pub server_side: ServerSide,
}

impl Default for InstallOptions {
    fn default() -> Self {
        InstallOptions {
            release_name: String::new(),
            generate_name: false,
            create_namespace: false,
            dry_run: false,
            dry_run_server: false,
            replace: false,
            force: false,
            force_conflicts: false,
            disable_hooks: false,
            skip_crds: false,
            wait: false,
            wait_for_jobs: false,
            timeout: Duration::from_secs(300),
            atomic: false,
            description: None,
            labels: BTreeMap::new(),
            take_ownership: false,
            server_side: ServerSide::Auto,
        }
    }
}

/// `helm install`.
#[derive(Debug, Clone)]
pub struct Install {
    config: Configuration,
    /// The options.
    pub options: InstallOptions,
}

impl Install {
    /// An install in `config`'s namespace.
    pub fn new(config: Configuration, options: InstallOptions) -> Self {
        Install { config, options }
    }

    /// Installs `chart` with the user's `values`; returns the release as recorded.
    pub async fn run(&self, chart: &Chart, values: &Map) -> Result<Release> {
        let o = &self.options;
        let name = if o.generate_name {
            let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
            format!("{}-{secs}", chart.name())
        } else {
            o.release_name.clone()
        };
        validate_release_name(&name)?;
        match chart.metadata.chart_type.as_str() {
            "" | "application" => {}
            other => return Err(Error::Chart(format!("{other} charts are not installable"))),
        }
        let namespace = self.config.namespace().to_owned();
        tracing::info!(target: "helm_core", event = "start", action = "install", release = %name, namespace = %namespace,
            "installing {name}");
        let capabilities = self.config.capabilities().await?;
        let kube = self.config.kube().clone();
        let target = RenderFor { name: &name, namespace: &namespace, revision: 1, is_upgrade: false };
        let lookup = (!o.dry_run || o.dry_run_server).then(|| kube.clone());
        let rendered = render_release(chart, values, &target, capabilities, lookup).await?;
        let time = now();
        let mut release = Release {
            name: name.clone(),
            namespace: namespace.clone(),
            chart: Some(ReleaseChart::from(chart.clone())),
            config: values.clone(),
            manifest: rendered.manifest.clone(),
            hooks: rendered.hooks.iter().map(|h| record_hook(h, None)).collect(),
            version: 1,
            info: Some(Info {
                first_deployed: time,
                last_deployed: time,
                notes: rendered.notes.clone(),
                status: Status::Unknown,
                ..Info::default()
            }),
            labels: o.labels.clone(),
            apply_method: Some(o.server_side.for_install()),
        };
        if o.dry_run {
            // As Helm: the objects must map, and existing ones must be the release's (or taken over).
            let resources = build_target(&kube, &rendered.manifest).await?;
            if !o.take_ownership {
                let owner = ReleaseRef { name: name.clone(), namespace: namespace.clone() };
                kube.existing_resource_conflict(&resources, &owner)
                    .await
                    .map_err(|e| Error::Action(format!("Unable to continue with install: {e}")))?;
            }
            release.set_status(Status::PendingInstall, "Dry run complete");
            return Ok(release);
        }
        if o.create_namespace {
            create_namespace(&kube, &namespace).await?;
        }
        let result = with_lock(&self.config, &name, self.locked(chart, release, &rendered, &kube)).await;
        match result {
            Err(Failure::Recorded(e)) if o.atomic => {
                let uninstall = Uninstall::new(
                    self.config.clone(),
                    UninstallOptions {
                        timeout: o.timeout,
                        disable_hooks: o.disable_hooks,
                        ..UninstallOptions::default()
                    },
                );
                if let Err(u) = uninstall.run(&name).await {
                    return Err(Error::Action(format!(
                        "an error occurred while uninstalling the release. original install error: {e}: {u}"
                    )));
                }
                Err(Error::Action(format!(
                    "release {name} failed, and has been uninstalled due to atomic being set: {e}"
                )))
            }
            Err(Failure::Recorded(e) | Failure::Before(e)) => Err(e),
            Ok(release) => Ok(release),
        }
    }

    /// The install with the lock held; a failure after the release was stored is `Recorded`.
    async fn locked(
        &self,
        chart: &Chart,
        mut release: Release,
        rendered: &crate::render_release::Rendered,
        kube: &kube_apply::KubeClient,
    ) -> Result<Release, Failure> {
        let o = &self.options;
        let name = release.name.clone();
        let namespace = release.namespace.clone();
        let storage = self.config.storage().clone();
        recover_pending(&storage, &name).await?;
        // Helm's availableName: a name in use is refused; an uninstalled-with-history or failed
        // one too, unless --replace.
        let replaced = match storage.history(&name).await {
            Ok(h) => match h.into_iter().max_by_key(|r| r.version) {
                Some(last) if o.replace && matches!(last.status(), Status::Uninstalled | Status::Failed) => Some(last),
                Some(_) => return Err(Error::Action("cannot re-use a name that is still in use".to_owned()).into()),
                None => None,
            },
            Err(release_storage::Error::ReleaseNotFound) => None,
            Err(e) => return Err(storage_error(e).into()),
        };
        let resources = build_target(kube, &rendered.manifest).await;
        if !o.skip_crds {
            let crds = crd_objects(chart);
            if !crds.is_empty() {
                kube.install_crds(&crds).await.map_err(cluster_error)?;
            }
        }
        let mut resources = match resources {
            Ok(r) => r,
            // Custom resources of CRDs just installed map only now.
            Err(_) if !o.skip_crds && !crd_objects(chart).is_empty() => build_target(kube, &rendered.manifest).await?,
            Err(e) => return Err(e.into()),
        };
        let owner = ReleaseRef { name: name.clone(), namespace: namespace.clone() };
        let adopted = if o.take_ownership {
            Vec::new()
        } else {
            kube.existing_resource_conflict(&resources, &owner)
                .await
                .map_err(|e| Error::Action(format!("Unable to continue with install: {e}")))?
        };
        let method = release.apply_method.unwrap_or(ApplyMethod::Csa);
        let apply = apply_options(&owner, method, o.force, o.force_conflicts, o.take_ownership)?;
        // Helm's replaceRelease: the new revision follows the last one, which is superseded
        // unless it failed.
        if let Some(mut last) = replaced {
            release.version = last.version + 1;
            if last.status() != Status::Failed {
                last.set_status(Status::Superseded, "superseded by new release");
                storage.update(&last).await.map_err(storage_error)?;
            }
        }
        release.set_status(Status::PendingInstall, "Initial install underway");
        storage.create(&release).await.map_err(storage_error)?;
        let guard = PendingGuard::new(storage.clone(), &release, format!("Release {name:?} failed: context canceled"));
        let result = self.perform(&mut release, &mut resources, &adopted, &apply).await;
        match result {
            Ok(()) => {
                let description = o.description.clone().unwrap_or_else(|| "Install complete".to_owned());
                release.set_status(Status::Deployed, description);
                storage.update(&release).await.map_err(storage_error)?;
                guard.disarm();
                tracing::info!(target: "helm_core", event = "done", action = "install", release = %name, revision = release.version,
                    "install of {name} complete");
                Ok(release)
            }
            Err(e) => {
                release.set_status(Status::Failed, format!("Release {name:?} failed: {e}"));
                storage.update(&release).await.map_err(storage_error)?;
                guard.disarm();
                tracing::warn!(target: "helm_core", event = "failed", action = "install", release = %name, error = %e,
                    "install of {name} failed");
                Err(Failure::Recorded(e))
            }
        }
    }

    async fn perform(
        &self,
        release: &mut Release,
        resources: &mut [kube_apply::Resource],
        adopted: &[kube_apply::ObjectRef],
        apply: &ApplyOptions,
    ) -> Result<()> {
        let o = &self.options;
        let kube = self.config.kube();
        let storage = self.config.storage();
        if !o.disable_hooks {
            run_hooks(kube, release, HookEvent::PreInstall, o.timeout)
                .await
                .map_err(|e| Error::Action(format!("failed pre-install: {e}")))?;
            storage.update(release).await.map_err(storage_error)?;
        }
        let method = release.apply_method.unwrap_or(ApplyMethod::Csa);
        if method == ApplyMethod::Ssa {
            kube.apply(resources, apply).await.map_err(create_error)?;
        } else if adopted.is_empty() && !o.take_ownership {
            kube.create(resources, apply).await.map_err(create_error)?;
        } else {
            let original: Vec<kube_apply::Resource> =
                resources.iter().filter(|r| adopted.contains(&r.reference())).cloned().collect();
            kube.update(&original, resources, kube_method(method), apply).await.map_err(update_error)?;
        }
        if o.wait || o.atomic || o.wait_for_jobs {
            crate::operation::wait_ready(kube, &release.name, resources, o.timeout, o.wait_for_jobs).await?;
        }
        if !o.disable_hooks {
            run_hooks(kube, release, HookEvent::PostInstall, o.timeout)
                .await
                .map_err(|e| Error::Action(format!("failed post-install: {e}")))?;
        }
        Ok(())
    }
}

/// `--create-namespace`: creates the namespace unless it exists.
pub async fn create_namespace(kube: &kube_apply::KubeClient, namespace: &str) -> Result<()> {
    let api: Api<Namespace> = Api::all(kube.client().clone());
    let ns = Namespace {
        metadata: kube::api::ObjectMeta {
            name: Some(namespace.to_owned()),
            labels: Some([("name".to_owned(), namespace.to_owned())].into()),
            ..Default::default()
        },
        ..Default::default()
    };
    match api.create(&PostParams::default(), &ns).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(()),
        Err(e) => Err(Error::Cluster(format!("failed to create namespace: {e}"))),
    }
}

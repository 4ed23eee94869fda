//! The release RPCs over helm-core's actions: install, upgrade, rollback, uninstall, get, values,
//! history, status, manifest, list. Request fields become action options; nothing Helm-like here.

use std::future::Future;

use helm_core::{
    Install, InstallOptions, List, ListOptions, Rollback, RollbackOptions, Uninstall, UninstallOptions, Upgrade,
    UpgradeOptions, release_info,
};

use crate::backend::errors::from_core;
use crate::backend::helm::HelmBackend;
use crate::backend::{ProgressSink, chart, convert};
use crate::contexts::Context;
use crate::error::Result;
use crate::proto;

/// Runs `operation`, reporting its helm-core progress events to `sink` when someone listens.
async fn observed<T>(sink: &ProgressSink, operation: impl Future<Output = T>) -> T {
    if !sink.is_active() {
        return operation.await;
    }
    helm_core::progress::observe(operation, |event| sink.report(convert::progress(event))).await
}

fn revision(req: &proto::ReleaseReq) -> i64 {
    i64::from(req.revision)
}

/// InstallRelease: the chart from the context's repositories (or the request's archive), the
/// request's values, a new release.
pub async fn install(
    backend: &HelmBackend,
    context: &Context,
    req: proto::InstallReq,
    progress: ProgressSink,
) -> Result<proto::Release> {
    let values = convert::parse_values(&req.values)?;
    let chart =
        chart::chart_for(backend, context, &req.repo_chart_name, &req.chart_version, &req.chart_archive).await?;
    let config = backend.configuration(context, &req.namespace).await?;
    let options = InstallOptions {
        release_name: req.release_name.clone(),
        create_namespace: req.create_namespace,
        dry_run: req.dry_run,
        disable_hooks: req.disable_hooks,
        wait: req.wait,
        wait_for_jobs: req.wait_for_jobs,
        timeout: convert::timeout(req.timeout_seconds),
        atomic: req.atomic,
        description: convert::description(&req.description),
        server_side: convert::server_side(&req.server_side),
        take_ownership: req.take_ownership,
        replace: req.replace,
        force_conflicts: req.force_conflicts,
        labels: req.labels.clone().into_iter().collect(),
        ..InstallOptions::default()
    };
    let release = observed(&progress, Install::new(config, options).run(&chart, &values)).await.map_err(from_core)?;
    Ok(convert::release(&release))
}

/// UpgradeRelease: a new revision (or, with `install`, a first one when the release does not exist).
pub async fn upgrade(
    backend: &HelmBackend,
    context: &Context,
    req: proto::UpgradeReq,
    progress: ProgressSink,
) -> Result<proto::Release> {
    let values = convert::parse_values(&req.values)?;
    let chart =
        chart::chart_for(backend, context, &req.repo_chart_name, &req.chart_version, &req.chart_archive).await?;
    let config = backend.configuration(context, &req.namespace).await?;
    let options = UpgradeOptions {
        reuse_values: req.reuse_values,
        reset_values: req.reset_values,
        reset_then_reuse_values: req.reset_then_reuse_values,
        disable_hooks: req.disable_hooks,
        wait: req.wait,
        wait_for_jobs: req.wait_for_jobs,
        timeout: convert::timeout(req.timeout_seconds),
        atomic: req.atomic,
        max_history: usize::try_from(req.history_max).unwrap_or(0),
        description: convert::description(&req.description),
        dry_run: req.dry_run,
        server_side: convert::server_side(&req.server_side),
        cleanup_on_fail: req.cleanup_on_fail,
        force: req.force,
        force_conflicts: req.force_conflicts,
        take_ownership: req.take_ownership,
        ..UpgradeOptions::default()
    };
    if req.install {
        let target = helm_core::upgrade_target(&config, &req.release_name).await.map_err(from_core)?;
        if target != helm_core::UpgradeTarget::Existing {
            let install =
                Install::new(config, options.install_options(&req.release_name, req.create_namespace, target));
            let release = observed(&progress, install.run(&chart, &values)).await.map_err(from_core)?;
            return Ok(convert::release(&release));
        }
    }
    let upgrade = Upgrade::new(config, options);
    let release = observed(&progress, upgrade.run(&req.release_name, &chart, &values)).await.map_err(from_core)?;
    Ok(convert::release(&release))
}

/// RollbackRelease: a new revision made of an earlier one (`reversion`, 0 the previous one).
pub async fn rollback(
    backend: &HelmBackend,
    context: &Context,
    req: proto::ReleaseRollbackReq,
    progress: ProgressSink,
) -> Result<proto::Release> {
    let config = backend.configuration(context, &req.namespace).await?;
    let options = RollbackOptions {
        version: i64::from(req.reversion),
        disable_hooks: req.disable_hooks,
        wait: req.wait,
        wait_for_jobs: req.wait_for_jobs,
        timeout: convert::timeout(req.timeout_seconds),
        max_history: usize::try_from(req.history_max).unwrap_or(0),
        force: req.force,
        server_side: convert::server_side(&req.server_side),
        ..RollbackOptions::default()
    };
    let rollback = Rollback::new(config, options);
    let release = observed(&progress, rollback.run(&req.release_name)).await.map_err(from_core)?;
    Ok(convert::release(&release))
}

/// UninstallRelease: the release's objects deleted, its history dropped unless `keep_history`.
pub async fn uninstall(
    backend: &HelmBackend,
    context: &Context,
    req: proto::ReleaseReq,
    progress: ProgressSink,
) -> Result<proto::Release> {
    let config = backend.configuration(context, &req.namespace).await?;
    let options = UninstallOptions {
        disable_hooks: req.disable_hooks,
        keep_history: req.keep_history,
        wait: req.wait,
        timeout: convert::timeout(req.timeout_seconds),
        description: convert::description(&req.description),
        ..UninstallOptions::default()
    };
    let uninstall = Uninstall::new(config, options);
    let result = observed(&progress, uninstall.run(&req.release_name)).await.map_err(from_core)?;
    Ok(convert::release(&result.release))
}

/// GetRelease: the latest revision, or `revision`.
pub async fn get(backend: &HelmBackend, context: &Context, req: proto::ReleaseReq) -> Result<proto::Release> {
    let config = backend.configuration(context, &req.namespace).await?;
    let release = release_info::status(&config, &req.release_name, revision(&req)).await.map_err(from_core)?;
    Ok(convert::release(&release))
}

/// GetReleaseValues: the user-supplied values, or all computed values with `all_values`.
pub async fn values(backend: &HelmBackend, context: &Context, req: proto::ReleaseReq) -> Result<proto::Values> {
    let config = backend.configuration(context, &req.namespace).await?;
    let values = release_info::get_values(&config, &req.release_name, revision(&req), req.all_values)
        .await
        .map_err(from_core)?;
    Ok(proto::Values { yaml: convert::values_yaml(&values) })
}

/// GetReleaseHistory: every revision, oldest first (the newest `max` when set).
pub async fn history(backend: &HelmBackend, context: &Context, req: proto::ReleaseReq) -> Result<Vec<proto::Release>> {
    let config = backend.configuration(context, &req.namespace).await?;
    let max = usize::try_from(req.max).unwrap_or(0);
    let history = release_info::history(&config, &req.release_name, max).await.map_err(from_core)?;
    Ok(history.iter().map(convert::release).collect())
}

/// GetReleaseStatus.
pub async fn status(backend: &HelmBackend, context: &Context, req: proto::ReleaseReq) -> Result<proto::ReleaseStatus> {
    let config = backend.configuration(context, &req.namespace).await?;
    let release = release_info::status(&config, &req.release_name, revision(&req)).await.map_err(from_core)?;
    Ok(convert::release_status(&release))
}

/// GetReleaseManifest.
pub async fn manifest(backend: &HelmBackend, context: &Context, req: proto::ReleaseReq) -> Result<proto::Manifest> {
    let config = backend.configuration(context, &req.namespace).await?;
    let manifest = release_info::get_manifest(&config, &req.release_name, revision(&req)).await.map_err(from_core)?;
    Ok(proto::Manifest { manifest })
}

/// ListRelease: the latest revision of each release of the namespace (or every namespace),
/// filtered by status and name.
pub async fn list(backend: &HelmBackend, context: &Context, req: proto::ListReleaseReq) -> Result<Vec<proto::Release>> {
    let (all, statuses) = convert::statuses(&req.status)?;
    let config = backend.configuration(context, &req.namespace).await?;
    let options = ListOptions {
        all_namespaces: req.all_namespaces,
        all,
        statuses,
        filter: convert::description(&req.filter),
        limit: usize::try_from(req.limit).unwrap_or(0),
        offset: usize::try_from(req.offset).unwrap_or(0),
        ..ListOptions::default()
    };
    let releases = List::new(config, options).run().await.map_err(from_core)?;
    Ok(releases.iter().map(convert::release_summary).collect())
}

//! The tonic implementation of `helmapi.HelmApiService`: validation, context resolution, then the `Backend`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::auth::{Principal, principal_of};
use crate::backend::{Backend, ProgressSink};
use crate::contexts::name::{validate_namespace, validate_release_name};
use crate::contexts::{Context, Contexts, context_info, repositories};
use crate::error::{Error, Result};
use crate::operations::Operations;
use crate::proto;
use crate::proto::helm_api_service_server::HelmApiService;
use crate::proto::release_event::Event;

/// The stream of a streaming operation: progress events, then the release or an error.
pub type EventStream = Pin<Box<dyn Stream<Item = Result<proto::ReleaseEvent, Status>> + Send + 'static>>;

/// The service: contexts and a backend.
#[derive(Clone)]
pub struct ApiService {
    contexts: Contexts,
    backend: Arc<dyn Backend>,
    operations: Operations,
}

impl std::fmt::Debug for ApiService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiService").finish_non_exhaustive()
    }
}

impl ApiService {
    /// A service over `contexts` and `backend`; mutating operations are counted in `operations`.
    pub fn new(contexts: Contexts, backend: Arc<dyn Backend>, operations: Operations) -> Self {
        Self { contexts, backend, operations }
    }

    /// The contexts of the service.
    pub fn contexts(&self) -> &Contexts {
        &self.contexts
    }

    async fn resolve(
        &self,
        principal: &Principal,
        context_name: &str,
        kubeinfo: Option<proto::KubeInfo>,
        repoinfo: Option<proto::RepoInfo>,
    ) -> Result<Context> {
        self.contexts.resolve(principal, context_name, kubeinfo, repoinfo).await
    }

    /// Runs `op` in its own task, streaming its progress, then its release or its error.
    fn stream<F, Fut>(&self, context: Context, op: F) -> EventStream
    where
        F: FnOnce(Arc<dyn Backend>, Context, ProgressSink) -> Fut + Send + 'static,
        Fut: Future<Output = Result<proto::Release>> + Send + 'static,
    {
        let (out, rx) = mpsc::channel(64);
        let backend = self.backend.clone();
        // The operation runs to its end even when the client goes away, so a
        // release is never left half-done because a connection dropped.
        self.operations.spawn(async move {
            let (progress_tx, mut progress_rx) = mpsc::unbounded_channel();
            let operation = op(backend, context, ProgressSink::new(progress_tx));
            tokio::pin!(operation);
            let result = loop {
                tokio::select! {
                    Some(progress) = progress_rx.recv() => {
                        let _ = out.send(Ok(progress_event(progress))).await;
                    }
                    result = &mut operation => break result,
                }
            };
            while let Ok(progress) = progress_rx.try_recv() {
                let _ = out.send(Ok(progress_event(progress))).await;
            }
            let last = match result {
                Ok(release) => Ok(proto::ReleaseEvent { event: Some(Event::Release(release)) }),
                Err(err) => Err(Status::from(err)),
            };
            let _ = out.send(last).await;
        });
        Box::pin(ReceiverStream::new(rx))
    }
}

fn progress_event(progress: proto::Progress) -> proto::ReleaseEvent {
    proto::ReleaseEvent { event: Some(Event::Progress(progress)) }
}

fn check_release(name: &str, namespace: &str) -> Result<()> {
    validate_release_name(name)?;
    validate_namespace(namespace)
}

fn check_install(req: &proto::InstallReq) -> Result<()> {
    check_release(&req.release_name, &req.namespace)?;
    check_chart(&req.repo_chart_name, &req.chart_archive)?;
    check_server_side(&req.server_side)?;
    check_timeout(req.timeout_seconds)?;
    // The labels Helm's storage drivers set themselves (Helm refuses them too).
    const SYSTEM_LABELS: [&str; 6] = ["name", "owner", "status", "version", "createdAt", "modifiedAt"];
    if let Some(key) = req.labels.keys().find(|k| SYSTEM_LABELS.contains(&k.as_str())) {
        return Err(Error::InvalidArgument(format!(
            "user supplied labels contains system reserved label name {key:?}. System labels: {SYSTEM_LABELS:?}"
        )));
    }
    Ok(())
}

fn check_upgrade(req: &proto::UpgradeReq) -> Result<()> {
    check_release(&req.release_name, &req.namespace)?;
    check_chart(&req.repo_chart_name, &req.chart_archive)?;
    check_server_side(&req.server_side)?;
    check_timeout(req.timeout_seconds)?;
    if req.history_max < 0 {
        return Err(Error::InvalidArgument("history_max must not be negative".to_owned()));
    }
    if [req.reset_values, req.reuse_values, req.reset_then_reuse_values].iter().filter(|b| **b).count() > 1 {
        return Err(Error::InvalidArgument(
            "choose one of reset_values, reuse_values and reset_then_reuse_values".to_owned(),
        ));
    }
    Ok(())
}

fn check_rollback(req: &proto::ReleaseRollbackReq) -> Result<()> {
    check_release(&req.release_name, &req.namespace)?;
    check_server_side(&req.server_side)?;
    check_timeout(req.timeout_seconds)?;
    if req.history_max < 0 {
        return Err(Error::InvalidArgument("history_max must not be negative".to_owned()));
    }
    if req.reversion < 0 {
        return Err(Error::InvalidArgument("reversion must not be negative".to_owned()));
    }
    Ok(())
}

fn check_release_req(req: &proto::ReleaseReq) -> Result<()> {
    check_release(&req.release_name, &req.namespace)?;
    check_timeout(req.timeout_seconds)?;
    if req.revision < 0 || req.max < 0 {
        return Err(Error::InvalidArgument("revision and max must not be negative".to_owned()));
    }
    Ok(())
}

/// A chart is named (`repo/chart` or `oci://...`) or carried (`chart_archive`), not both.
fn check_chart(chart: &str, archive: &[u8]) -> Result<()> {
    match (chart.is_empty(), archive.is_empty()) {
        (true, false) => Ok(()),
        (false, false) => {
            Err(Error::InvalidArgument("give either repoChartName or chart_archive, not both".to_owned()))
        }
        _ => check_chart_ref(chart),
    }
}

fn check_server_side(value: &str) -> Result<()> {
    match value {
        "" | "auto" | "true" | "false" => Ok(()),
        other => Err(Error::InvalidArgument(format!(
            "server_side must be auto, true or false, not {:?}",
            other.chars().take(20).collect::<String>()
        ))),
    }
}

/// `<repo>/<chart>` (a repository name and a chart name, nothing more) or `oci://...`.
fn check_chart_ref(chart: &str) -> Result<()> {
    let plain = |s: &str| {
        !s.is_empty() && s != "." && s != ".." && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    let ok = chart.split_once('/').is_some_and(|(repo, name)| plain(repo) && plain(name))
        || (chart.starts_with("oci://") && chart.len() > "oci://".len());
    if !ok {
        return Err(Error::InvalidArgument(format!(
            "repoChartName must be <repo>/<chart> or an oci:// reference, not {:?}",
            chart.chars().take(80).collect::<String>()
        )));
    }
    Ok(())
}

fn check_timeout(seconds: i64) -> Result<()> {
    if seconds < 0 {
        return Err(Error::InvalidArgument("timeout_seconds must not be negative".to_owned()));
    }
    Ok(())
}

#[tonic::async_trait]
impl HelmApiService for ApiService {
    async fn create_context(
        &self,
        request: Request<proto::HelmContextReq>,
    ) -> Result<Response<proto::HelmContextRes>, Status> {
        let principal = principal_of(&request)?;
        let context = Contexts::from_request(&principal, request.into_inner())?;
        self.backend.check_context(&context).await?;
        let name = context.name.clone();
        self.contexts.put(&principal, context).await?;
        tracing::info!(context = %name, principal = %principal.name, "context stored");
        Ok(Response::new(proto::HelmContextRes { name }))
    }

    async fn delete_context(
        &self,
        request: Request<proto::DeleteHelmContextReq>,
    ) -> Result<Response<pbjson_types::Empty>, Status> {
        let principal = principal_of(&request)?;
        let name = request.into_inner().name;
        self.contexts.delete(&principal, &name).await?;
        tracing::info!(context = %name, principal = %principal.name, "context deleted");
        Ok(Response::new(pbjson_types::Empty {}))
    }

    async fn update_repo(
        &self,
        request: Request<proto::UpdateRepoReq>,
    ) -> Result<Response<pbjson_types::Empty>, Status> {
        let principal = principal_of(&request)?;
        let req = request.into_inner();
        let mut context = self.contexts.get(&principal, &req.context_name).await?;
        let repos = repositories(req.repoinfo)?;
        context.upsert_repos(repos.clone());
        // Indexes are downloaded first: an unreachable repository changes nothing.
        self.backend.update_repos(&context, &repos).await?;
        self.contexts.put(&principal, context).await?;
        Ok(Response::new(pbjson_types::Empty {}))
    }

    async fn install_release(&self, request: Request<proto::InstallReq>) -> Result<Response<proto::Release>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_install(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), req.repoinfo.take()).await?;
        let backend = self.backend.clone();
        let release =
            self.operations.run(async move { backend.install(&context, req, ProgressSink::discard()).await }).await?;
        Ok(Response::new(release))
    }

    async fn upgrade_release(&self, request: Request<proto::UpgradeReq>) -> Result<Response<proto::Release>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_upgrade(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), req.repoinfo.take()).await?;
        let backend = self.backend.clone();
        let release =
            self.operations.run(async move { backend.upgrade(&context, req, ProgressSink::discard()).await }).await?;
        Ok(Response::new(release))
    }

    async fn uninstall_release(
        &self,
        request: Request<proto::ReleaseReq>,
    ) -> Result<Response<pbjson_types::Empty>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_release_req(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), None).await?;
        let backend = self.backend.clone();
        self.operations.run(async move { backend.uninstall(&context, req, ProgressSink::discard()).await }).await?;
        Ok(Response::new(pbjson_types::Empty {}))
    }

    async fn get_chart(&self, request: Request<proto::GetChartReq>) -> Result<Response<proto::Chart>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        if req.repo.is_empty() || req.chart_name.is_empty() {
            return Err(Error::InvalidArgument("repo and chartName are required".to_owned()).into());
        }
        let context = self.resolve(&principal, &req.context_name, None, req.repoinfo.take()).await?;
        Ok(Response::new(self.backend.get_chart(&context, req).await?))
    }

    async fn get_release(&self, request: Request<proto::ReleaseReq>) -> Result<Response<proto::Release>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_release_req(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), None).await?;
        Ok(Response::new(self.backend.get_release(&context, req).await?))
    }

    async fn get_release_values(&self, request: Request<proto::ReleaseReq>) -> Result<Response<proto::Values>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_release_req(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), None).await?;
        Ok(Response::new(self.backend.get_release_values(&context, req).await?))
    }

    async fn list_release(
        &self,
        request: Request<proto::ListReleaseReq>,
    ) -> Result<Response<proto::ListReleaseRes>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        validate_namespace(&req.namespace)?;
        if req.limit < 0 || req.offset < 0 {
            return Err(Error::InvalidArgument("limit and offset must not be negative".to_owned()).into());
        }
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), None).await?;
        let releases = self.backend.list_releases(&context, req).await?;
        Ok(Response::new(proto::ListReleaseRes { releases }))
    }

    async fn rollback_release(
        &self,
        request: Request<proto::ReleaseRollbackReq>,
    ) -> Result<Response<pbjson_types::Empty>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_rollback(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), req.repoinfo.take()).await?;
        let backend = self.backend.clone();
        self.operations.run(async move { backend.rollback(&context, req, ProgressSink::discard()).await }).await?;
        Ok(Response::new(pbjson_types::Empty {}))
    }

    async fn get_release_history(
        &self,
        request: Request<proto::ReleaseReq>,
    ) -> Result<Response<proto::ListReleaseRes>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_release_req(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), None).await?;
        let releases = self.backend.get_release_history(&context, req).await?;
        Ok(Response::new(proto::ListReleaseRes { releases }))
    }

    async fn search(&self, request: Request<proto::SearchReq>) -> Result<Response<proto::SearchRes>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        let context = self.resolve(&principal, &req.context_name, None, req.repoinfo.take()).await?;
        Ok(Response::new(self.backend.search(&context, req).await?))
    }

    async fn all(&self, request: Request<proto::ListChartReq>) -> Result<Response<proto::SearchRes>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        let context = self.resolve(&principal, &req.context_name, None, req.repoinfo.take()).await?;
        Ok(Response::new(self.backend.all_charts(&context).await?))
    }

    async fn get_release_status(
        &self,
        request: Request<proto::ReleaseReq>,
    ) -> Result<Response<proto::ReleaseStatus>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_release_req(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), None).await?;
        Ok(Response::new(self.backend.get_release_status(&context, req).await?))
    }

    async fn get_release_manifest(
        &self,
        request: Request<proto::ReleaseReq>,
    ) -> Result<Response<proto::Manifest>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_release_req(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), None).await?;
        Ok(Response::new(self.backend.get_release_manifest(&context, req).await?))
    }

    async fn list_contexts(
        &self,
        request: Request<proto::ListContextsReq>,
    ) -> Result<Response<proto::ListContextsRes>, Status> {
        let principal = principal_of(&request)?;
        let contexts = self.contexts.list(&principal).await?;
        Ok(Response::new(proto::ListContextsRes { contexts: contexts.iter().map(context_info).collect() }))
    }

    type InstallReleaseStreamStream = EventStream;

    async fn install_release_stream(
        &self,
        request: Request<proto::InstallReq>,
    ) -> Result<Response<EventStream>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_install(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), req.repoinfo.take()).await?;
        Ok(Response::new(
            self.stream(
                context,
                move |backend, context, sink| async move { backend.install(&context, req, sink).await },
            ),
        ))
    }

    type UpgradeReleaseStreamStream = EventStream;

    async fn upgrade_release_stream(
        &self,
        request: Request<proto::UpgradeReq>,
    ) -> Result<Response<EventStream>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_upgrade(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), req.repoinfo.take()).await?;
        Ok(Response::new(
            self.stream(
                context,
                move |backend, context, sink| async move { backend.upgrade(&context, req, sink).await },
            ),
        ))
    }

    type RollbackReleaseStreamStream = EventStream;

    async fn rollback_release_stream(
        &self,
        request: Request<proto::ReleaseRollbackReq>,
    ) -> Result<Response<EventStream>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_rollback(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), req.repoinfo.take()).await?;
        Ok(Response::new(
            self.stream(
                context,
                move |backend, context, sink| async move { backend.rollback(&context, req, sink).await },
            ),
        ))
    }

    type UninstallReleaseStreamStream = EventStream;

    async fn uninstall_release_stream(
        &self,
        request: Request<proto::ReleaseReq>,
    ) -> Result<Response<EventStream>, Status> {
        let principal = principal_of(&request)?;
        let mut req = request.into_inner();
        check_release_req(&req)?;
        let context = self.resolve(&principal, &req.context_name, req.kubeinfo.take(), None).await?;
        Ok(Response::new(self.stream(context, move |backend, context, sink| async move {
            backend.uninstall(&context, req, sink).await
        })))
    }
}

//! `HelmBackend`: the `Backend` over helm-core. A helm-core `Configuration` per request from the
//! context (kubeconfig text, kube context and namespace, or in-cluster), repositories cached per
//! context under the server's cache folder.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use helm_core::{Configuration, StorageDriver};
use sha2::{Digest, Sha256};

use crate::backend::errors::from_core;
use crate::backend::{Backend, ProgressSink, chart, release};
use crate::contexts::{Context, Repository};
use crate::error::{Error, Result};
use crate::proto;

/// How long a context's cluster configuration (client and discovered capabilities) is reused.
const CONFIG_TTL: Duration = Duration::from_secs(60);

/// Cluster configurations by [`cluster_key`], with when they were made.
type ConfigCache = HashMap<[u8; 32], (Instant, Configuration)>;

/// The settings of a [`HelmBackend`].
#[derive(Clone, Debug)]
pub struct HelmBackendOptions {
    /// Where releases are stored (Helm's `HELM_DRIVER`; Secrets by default).
    pub driver: StorageDriver,
    /// The folder under which each context gets its repository cache.
    pub cache_dir: PathBuf,
}

/// The backend over helm-core.
#[derive(Clone)]
pub struct HelmBackend {
    pub(crate) options: HelmBackendOptions,
    configs: Arc<Mutex<ConfigCache>>,
}

impl std::fmt::Debug for HelmBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelmBackend").field("options", &self.options).finish_non_exhaustive()
    }
}

impl HelmBackend {
    /// A backend with these settings.
    pub fn new(options: HelmBackendOptions) -> Self {
        Self { options, configs: Arc::default() }
    }

    /// The configuration for `context`'s cluster with releases in `namespace` (empty: the
    /// context's namespace, else the kubeconfig context's, else `default`).
    pub(crate) async fn configuration(&self, context: &Context, namespace: &str) -> Result<Configuration> {
        let base = self.base_configuration(context).await?;
        let namespace = match (namespace, context.kube.namespace.as_str()) {
            ("", "") => base.namespace().to_owned(),
            ("", ns) | (ns, _) => ns.to_owned(),
        };
        if namespace == base.namespace() {
            return Ok(base);
        }
        base.with_namespace(&namespace).await.map_err(from_core)
    }

    async fn base_configuration(&self, context: &Context) -> Result<Configuration> {
        let key = cluster_key(context);
        if let Some(config) = self.cached(&key) {
            return Ok(config);
        }
        let driver = self.options.driver.clone();
        let config = if context.incluster {
            Configuration::in_cluster(None, driver).await.map_err(from_core)?
        } else {
            check_kubeconfig(&context.kube.kubeconfig, &context.kube.context)?;
            let kube_context = (!context.kube.context.is_empty()).then_some(context.kube.context.as_str());
            Configuration::from_kubeconfig_yaml(&context.kube.kubeconfig, kube_context, None, driver)
                .await
                .map_err(from_core)?
        };
        // One cheap request tells an unreachable cluster (or refused credentials) from
        // everything later requests could fail on.
        if let Err(e) = config.kube().client().apiserver_version().await {
            return Err(unreachable(e));
        }
        let mut configs = self.configs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        configs.retain(|_, (at, _)| at.elapsed() < CONFIG_TTL);
        configs.insert(key, (Instant::now(), config.clone()));
        Ok(config)
    }

    fn cached(&self, key: &[u8; 32]) -> Option<Configuration> {
        let configs = self.configs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        configs.get(key).filter(|(at, _)| at.elapsed() < CONFIG_TTL).map(|(_, c)| c.clone())
    }
}

/// The error for a cluster that does not answer its version.
fn unreachable(e: kube::Error) -> Error {
    match &e {
        kube::Error::Api(status) if status.code == 401 || status.code == 403 => {
            Error::PermissionDenied(format!("kubernetes cluster refused the credentials: {}", status.message))
        }
        _ => Error::Unavailable(format!("kubernetes cluster unreachable: {}", first_line(&e.to_string()))),
    }
}

/// What identifies a cluster connection: the kubeconfig, its context, or in-cluster.
fn cluster_key(context: &Context) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(if context.incluster { b"in-cluster\0" as &[u8] } else { b"kubeconfig\0" });
    hash.update(context.kube.kubeconfig.as_bytes());
    hash.update([0]);
    hash.update(context.kube.context.as_bytes());
    hash.finalize().into()
}

/// A kubeconfig that parses and has the context asked for (or a current one).
pub(crate) fn check_kubeconfig(text: &str, context: &str) -> Result<()> {
    let config = kube::config::Kubeconfig::from_yaml(text)
        .map_err(|e| Error::InvalidArgument(format!("kubeconfig: cannot parse: {}", first_line(&e.to_string()))))?;
    let wanted =
        if context.is_empty() { config.current_context.clone().unwrap_or_default() } else { context.to_owned() };
    if wanted.is_empty() {
        return Err(Error::InvalidArgument("kubeconfig: no context given and no current-context".to_owned()));
    }
    if !config.contexts.iter().any(|c| c.name == wanted) {
        return Err(Error::InvalidArgument(format!("kubeconfig: context {wanted:?} not found")));
    }
    Ok(())
}

/// The first line of an error (parse errors may quote the input, which may hold secrets).
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().chars().take(200).collect()
}

#[tonic::async_trait]
impl Backend for HelmBackend {
    async fn check_context(&self, context: &Context) -> Result<()> {
        if context.incluster {
            return Ok(());
        }
        check_kubeconfig(&context.kube.kubeconfig, &context.kube.context)
    }

    async fn update_repos(&self, context: &Context, repos: &[Repository]) -> Result<()> {
        chart::update_repos(self, context, repos).await
    }

    async fn get_chart(&self, context: &Context, req: proto::GetChartReq) -> Result<proto::Chart> {
        chart::get_chart(self, context, req).await
    }

    async fn search(&self, context: &Context, req: proto::SearchReq) -> Result<proto::SearchRes> {
        chart::search(self, context, req).await
    }

    async fn all_charts(&self, context: &Context) -> Result<proto::SearchRes> {
        chart::all(self, context).await
    }

    async fn install(
        &self,
        context: &Context,
        req: proto::InstallReq,
        progress: ProgressSink,
    ) -> Result<proto::Release> {
        release::install(self, context, req, progress).await
    }

    async fn upgrade(
        &self,
        context: &Context,
        req: proto::UpgradeReq,
        progress: ProgressSink,
    ) -> Result<proto::Release> {
        release::upgrade(self, context, req, progress).await
    }

    async fn rollback(
        &self,
        context: &Context,
        req: proto::ReleaseRollbackReq,
        progress: ProgressSink,
    ) -> Result<proto::Release> {
        release::rollback(self, context, req, progress).await
    }

    async fn uninstall(
        &self,
        context: &Context,
        req: proto::ReleaseReq,
        progress: ProgressSink,
    ) -> Result<proto::Release> {
        release::uninstall(self, context, req, progress).await
    }

    async fn get_release(&self, context: &Context, req: proto::ReleaseReq) -> Result<proto::Release> {
        release::get(self, context, req).await
    }

    async fn get_release_values(&self, context: &Context, req: proto::ReleaseReq) -> Result<proto::Values> {
        release::values(self, context, req).await
    }

    async fn get_release_history(&self, context: &Context, req: proto::ReleaseReq) -> Result<Vec<proto::Release>> {
        release::history(self, context, req).await
    }

    async fn get_release_status(&self, context: &Context, req: proto::ReleaseReq) -> Result<proto::ReleaseStatus> {
        release::status(self, context, req).await
    }

    async fn get_release_manifest(&self, context: &Context, req: proto::ReleaseReq) -> Result<proto::Manifest> {
        release::manifest(self, context, req).await
    }

    async fn list_releases(&self, context: &Context, req: proto::ListReleaseReq) -> Result<Vec<proto::Release>> {
        release::list(self, context, req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECONFIG: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:6443'}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: ctx\n  context: {cluster: c, user: u}\ncurrent-context: ctx\n";

    #[test]
    fn kubeconfigs_are_checked_before_use() {
        assert!(check_kubeconfig(KUBECONFIG, "").is_ok());
        assert!(check_kubeconfig(KUBECONFIG, "ctx").is_ok());
        assert!(matches!(check_kubeconfig(KUBECONFIG, "other"), Err(Error::InvalidArgument(_))));
        assert!(matches!(check_kubeconfig("not: [a kubeconfig", ""), Err(Error::InvalidArgument(_))));
        assert!(matches!(check_kubeconfig("apiVersion: v1\nkind: Config\n", ""), Err(Error::InvalidArgument(_))));
    }
}

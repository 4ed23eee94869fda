//! `Configuration`: what every action works with (Helm's `action.Configuration`): a kube
//! client, release storage, per-release locks and the cluster's capabilities.

use std::sync::Arc;
use std::time::Duration;

use kube_apply::KubeClient;
use release_storage::lock::{LeaseLocker, Locker, MemoryLocker};
use release_storage::{Driver, KubeDriver, MemoryDriver, SqlDriver, Storage};
use template_render::render::{Capabilities, KubeVersion};
use tokio::sync::OnceCell;

use crate::error::{Error, Result};

/// Where releases are stored (Helm's `HELM_DRIVER`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StorageDriver {
    /// Secrets in the release namespace (Helm's default).
    #[default]
    Secret,
    /// ConfigMaps in the release namespace.
    ConfigMap,
    /// In memory, for this process only.
    Memory,
    /// PostgreSQL with Helm's tables, at this connection URL.
    Sql(String),
}

/// The release storage every action uses.
pub type ReleaseStorage = Storage<Box<dyn Driver>>;

/// A kube client, release storage, locks and capabilities for one namespace.
#[derive(Clone)]
pub struct Configuration {
    kube: KubeClient,
    namespace: String,
    driver: StorageDriver,
    storage: Arc<ReleaseStorage>,
    locker: Arc<dyn Locker>,
    capabilities: Arc<OnceCell<Capabilities>>,
}

impl std::fmt::Debug for Configuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Configuration")
            .field("namespace", &self.namespace)
            .field("driver", &self.driver)
            .finish_non_exhaustive()
    }
}

impl Configuration {
    /// A configuration from a kubeconfig's text, an optional context and an
    /// optional namespace (default: the context's, else `default`).
    pub async fn from_kubeconfig_yaml(
        text: &str,
        context: Option<&str>,
        namespace: Option<&str>,
        driver: StorageDriver,
    ) -> Result<Configuration> {
        let kube = KubeClient::from_kubeconfig_yaml(text, context, namespace)
            .await
            .map_err(|e| Error::Cluster(format!("kubernetes cluster unreachable: {e}")))?;
        Configuration::new(kube, driver).await
    }

    /// A configuration from the pod's service account (in-cluster).
    pub async fn in_cluster(namespace: Option<&str>, driver: StorageDriver) -> Result<Configuration> {
        let config = kube::Config::incluster().map_err(|e| Error::Cluster(e.to_string()))?;
        let namespace = namespace.map_or_else(|| config.default_namespace.clone(), str::to_owned);
        let client = kube::Client::try_from(config).map_err(|e| Error::Cluster(e.to_string()))?;
        Configuration::new(KubeClient::new(client, namespace), driver).await
    }

    /// A configuration over a kube client (its namespace is the release namespace).
    pub async fn new(kube: KubeClient, driver: StorageDriver) -> Result<Configuration> {
        let namespace = kube.namespace().to_owned();
        let storage = storage_for(&kube, &driver, &namespace).await?;
        let locker: Arc<dyn Locker> = match driver {
            StorageDriver::Memory => Arc::new(MemoryLocker::new(Duration::ZERO)),
            _ => {
                Arc::new(LeaseLocker::new(kube.client().clone()).with_wait(Duration::ZERO, Duration::from_millis(100)))
            }
        };
        Ok(Configuration {
            kube,
            namespace,
            driver,
            storage: Arc::new(storage),
            locker,
            capabilities: Arc::new(OnceCell::new()),
        })
    }

    /// Sets how long a release lock stays valid without renewal (default 60 s; the holder
    /// renews it every third of that). A process that dies holding a lock leaves it to
    /// expire after this; the next operation then takes it over and marks the revision
    /// the dead process left `pending-*` failed. No effect with the memory driver.
    pub fn with_lock_ttl(mut self, ttl: Duration) -> Self {
        if self.driver != StorageDriver::Memory {
            self.locker = Arc::new(
                LeaseLocker::new(self.kube.client().clone())
                    .with_ttl(ttl)
                    .with_wait(Duration::ZERO, Duration::from_millis(100)),
            );
        }
        self
    }

    /// The same cluster, locks and capabilities, with releases of `namespace`
    /// (empty: every namespace, for listing).
    pub async fn with_namespace(&self, namespace: &str) -> Result<Configuration> {
        let kube = KubeClient::new(self.kube.client().clone(), namespace);
        let storage = storage_for(&kube, &self.driver, namespace).await?;
        Ok(Configuration {
            kube,
            namespace: namespace.to_owned(),
            driver: self.driver.clone(),
            storage: Arc::new(storage),
            locker: self.locker.clone(),
            capabilities: self.capabilities.clone(),
        })
    }

    /// The kube client.
    pub fn kube(&self) -> &KubeClient {
        &self.kube
    }

    /// The release namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The release storage.
    pub fn storage(&self) -> &Arc<ReleaseStorage> {
        &self.storage
    }

    /// The per-release locks.
    pub fn locker(&self) -> &Arc<dyn Locker> {
        &self.locker
    }

    /// The cluster's capabilities, discovered once (Helm's `GetCapabilities`).
    pub async fn capabilities(&self) -> Result<Capabilities> {
        self.capabilities.get_or_try_init(|| discover(self.kube.client())).await.cloned()
    }
}

async fn storage_for(kube: &KubeClient, driver: &StorageDriver, namespace: &str) -> Result<ReleaseStorage> {
    let client = kube.client().clone();
    let boxed: Box<dyn Driver> = match driver {
        StorageDriver::Secret => Box::new(KubeDriver::secrets(client, namespace)),
        StorageDriver::ConfigMap => Box::new(KubeDriver::config_maps(client, namespace)),
        StorageDriver::Memory => {
            let memory = MemoryDriver::new();
            memory.set_namespace(namespace);
            Box::new(memory)
        }
        StorageDriver::Sql(url) => {
            Box::new(SqlDriver::connect(url, namespace).await.map_err(|e| Error::Storage(e.to_string()))?)
        }
    };
    Ok(Storage::new(boxed))
}

/// Helm's `GetCapabilities`: the server's version, and every group-version
/// it serves with, for each, `group/version/Kind` of its resources.
pub async fn discover(client: &kube::Client) -> Result<Capabilities> {
    let err = |e: kube::Error| Error::Cluster(format!("could not get apiVersions from Kubernetes: {e}"));
    let info = client
        .apiserver_version()
        .await
        .map_err(|e| Error::Cluster(format!("could not get server version from Kubernetes: {e}")))?;
    let mut capabilities = Capabilities::default();
    let text = info.git_version.clone();
    capabilities.kube_version = KubeVersion::parse(&text).map_err(Error::Cluster)?;
    // Helm keeps the server's own major and minor, and the full git version.
    capabilities.kube_version.version = text;
    let mut versions = Vec::new();
    let core = client.list_core_api_versions().await.map_err(err)?;
    for version in &core.versions {
        versions.push(version.clone());
        let resources = client.list_core_api_resources(version).await.map_err(err)?;
        for r in &resources.resources {
            versions.push(format!("{version}/{}", r.kind));
        }
    }
    let groups = client.list_api_groups().await.map_err(err)?;
    for group in &groups.groups {
        for gv in &group.versions {
            versions.push(gv.group_version.clone());
            match client.list_api_group_resources(&gv.group_version).await {
                Ok(resources) => {
                    for r in &resources.resources {
                        versions.push(format!("{}/{}", gv.group_version, r.kind));
                    }
                }
                // Helm tolerates groups whose discovery fails (an aggregated API down).
                Err(e) => tracing::warn!(target: "helm_core", group_version = %gv.group_version, error = %e,
                    "discovery of a group version failed"),
            }
        }
    }
    versions.sort();
    versions.dedup();
    capabilities.api_versions = versions;
    Ok(capabilities)
}

//! Waiting until objects are ready, as `helm --wait` does, with progress events naming what is not ready.

use std::time::{Duration, Instant};

use kube::api::{Api, DynamicObject, ListParams};
use serde_json::Value as Json;

use crate::client::KubeClient;
use crate::error::{Error, Result};
use crate::object::Resource;
use crate::ready::{self, Readiness};

/// How to wait.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    /// Give up after this long (Helm's `--timeout`, 5 minutes by default).
    pub timeout: Duration,
    /// Also wait for Jobs to complete (`--wait-for-jobs`).
    pub wait_for_jobs: bool,
    /// Time between checks (Helm polls every 2 seconds).
    pub interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions { timeout: Duration::from_secs(300), wait_for_jobs: false, interval: Duration::from_secs(2) }
    }
}

impl KubeClient {
    /// Waits until every object is ready. Each round emits a `waiting` event
    /// with the count ready and what is not; a timeout names what never was.
    pub async fn wait_ready(&self, resources: &[Resource], options: &WaitOptions) -> Result<()> {
        let start = Instant::now();
        loop {
            let mut not_ready = Vec::new();
            for resource in resources {
                match self.readiness(resource, options.wait_for_jobs).await? {
                    Readiness::Ready => {}
                    Readiness::NotReady(why) => not_ready.push(format!("{}: {why}", resource.reference())),
                    Readiness::Failed(why) => {
                        return Err(Error::ResourceFailed { resource: resource.reference().to_string(), message: why });
                    }
                }
            }
            let total = resources.len();
            tracing::info!(target: "kube_apply", event = "waiting", ready = total - not_ready.len(), total,
                not_ready = %not_ready.join("; "), "{} of {total} resources ready", total - not_ready.len());
            if not_ready.is_empty() {
                return Ok(());
            }
            if start.elapsed() >= options.timeout {
                return Err(Error::Timeout { timeout: options.timeout, not_ready });
            }
            tokio::time::sleep(options.interval).await;
        }
    }

    /// The readiness of one object now, as Helm 3's `ReadyChecker.IsReady`.
    pub async fn readiness(&self, resource: &Resource, check_jobs: bool) -> Result<Readiness> {
        let kind = resource.kind();
        let waits = matches!(
            kind,
            "Pod"
                | "Deployment"
                | "PersistentVolumeClaim"
                | "Service"
                | "DaemonSet"
                | "CustomResourceDefinition"
                | "StatefulSet"
                | "ReplicationController"
                | "ReplicaSet"
        ) || (kind == "Job" && check_jobs);
        if !waits {
            return Ok(Readiness::Ready);
        }
        let Some(live) = self.get(resource).await? else {
            return Ok(Readiness::NotReady("not found".to_owned()));
        };
        Ok(match kind {
            "Pod" => ready::pod_ready(&live),
            "Job" => ready::job_ready(&live),
            "PersistentVolumeClaim" => ready::pvc_ready(&live),
            "Service" => ready::service_ready(&live),
            "DaemonSet" => ready::daemon_set_ready(&live),
            "StatefulSet" => ready::stateful_set_ready(&live),
            "CustomResourceDefinition" => match ready::crd_ready(&live) {
                Readiness::Ready => self.crd_served(&live).await?,
                not => not,
            },
            "Deployment" => {
                let rs = self.new_replica_set(resource, &live).await?;
                ready::deployment_ready(&live, rs.as_ref())
            }
            other => match ready::replica_set_ready(other, &live) {
                Readiness::Ready => self.pods_ready(&resource.namespace, &live).await?,
                not => not,
            },
        })
    }

    /// An established CRD whose kind discovery does not list yet is not ready:
    /// the objects that follow it would not map.
    async fn crd_served(&self, crd: &Json) -> Result<Readiness> {
        let group = crate::object::str_at(crd, "/spec/group");
        let kind = crate::object::str_at(crd, "/spec/names/kind");
        let versions = crd.pointer("/spec/versions").and_then(Json::as_array).cloned().unwrap_or_default();
        for v in versions.iter().filter(|v| v.get("served") == Some(&Json::Bool(true))) {
            let api_version = format!("{group}/{}", crate::object::str_at(v, "/name"));
            if self.mapper().map(self.client(), &api_version, kind).await?.is_none() {
                return Ok(Readiness::NotReady(format!("{kind} in {api_version} is not served yet")));
            }
        }
        Ok(Readiness::Ready)
    }

    async fn new_replica_set(&self, resource: &Resource, deployment: &Json) -> Result<Option<Json>> {
        let api: Api<DynamicObject> = Api::namespaced_with(
            self.client().clone(),
            &resource.namespace,
            &kube::api::ApiResource::from_gvk(&kube::api::GroupVersionKind::gvk("apps", "v1", "ReplicaSet")),
        );
        let selector = match_labels_selector(deployment.pointer("/spec/selector/matchLabels"));
        let list = api
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| Error::kube(format!("listing ReplicaSets of {}", resource.reference()), e))?;
        for rs in list.items {
            let rs = serde_json::to_value(rs).map_err(|e| Error::Config(e.to_string()))?;
            if ready::is_new_replica_set(deployment, &rs) {
                return Ok(Some(rs));
            }
        }
        Ok(None)
    }

    async fn pods_ready(&self, namespace: &str, owner: &Json) -> Result<Readiness> {
        // ReplicaSets select with matchLabels, ReplicationControllers with a plain map.
        let selector = owner
            .pointer("/spec/selector/matchLabels")
            .or_else(|| owner.pointer("/spec/selector"))
            .map(|s| match_labels_selector(Some(s)))
            .unwrap_or_default();
        let api: Api<DynamicObject> = Api::namespaced_with(
            self.client().clone(),
            namespace,
            &kube::api::ApiResource::from_gvk(&kube::api::GroupVersionKind::gvk("", "v1", "Pod")),
        );
        let pods = api
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| Error::kube(format!("listing pods in {namespace}"), e))?;
        for pod in pods.items {
            let pod = serde_json::to_value(pod).map_err(|e| Error::Config(e.to_string()))?;
            if let not @ Readiness::NotReady(_) = ready::pod_ready(&pod) {
                return Ok(not);
            }
        }
        Ok(Readiness::Ready)
    }
}

fn match_labels_selector(labels: Option<&Json>) -> String {
    labels
        .and_then(Json::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}"))).collect::<Vec<_>>().join(","))
        .unwrap_or_default()
}

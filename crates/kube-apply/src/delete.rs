//! Deleting objects with a propagation policy, and waiting until they are gone.

use std::time::{Duration, Instant};

use kube::api::{DeleteParams, PropagationPolicy};

use crate::client::KubeClient;
use crate::error::{Error, Result};
use crate::object::{ObjectRef, Resource};

/// How dependents of a deleted object are deleted (Helm's `--cascade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    /// The garbage collector deletes dependents afterwards (Helm's default).
    #[default]
    Background,
    /// Dependents are deleted first; the object goes last.
    Foreground,
    /// Dependents are left behind.
    Orphan,
}

impl KubeClient {
    /// Deletes each object in order; objects already gone are skipped, as
    /// Helm ignores "not found". Returns the objects a delete was sent for.
    /// Which objects to delete (keep policy, CRDs) is the caller's decision.
    pub async fn delete(&self, resources: &[Resource], propagation: Propagation) -> Result<Vec<ObjectRef>> {
        let params = DeleteParams {
            propagation_policy: Some(match propagation {
                Propagation::Background => PropagationPolicy::Background,
                Propagation::Foreground => PropagationPolicy::Foreground,
                Propagation::Orphan => PropagationPolicy::Orphan,
            }),
            ..Default::default()
        };
        let mut deleted = Vec::new();
        for resource in resources {
            let reference = resource.reference();
            match self.api(resource).delete(&resource.name, &params).await {
                Ok(_) => {
                    tracing::info!(target: "kube_apply", event = "deleted", kind = %reference.kind,
                        name = %reference.name, namespace = %reference.namespace, "deleted {reference}");
                    deleted.push(reference);
                }
                Err(kube::Error::Api(status)) if status.code == 404 => {
                    tracing::debug!(target: "kube_apply", event = "delete-skipped", kind = %reference.kind,
                        name = %reference.name, namespace = %reference.namespace, "{reference} already gone");
                }
                Err(e) => return Err(Error::kube(format!("deleting {reference}"), e)),
            }
        }
        Ok(deleted)
    }

    /// Waits until every object is gone from the API.
    pub async fn wait_for_delete(&self, resources: &[Resource], timeout: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            let mut remaining = Vec::new();
            for resource in resources {
                if self.get(resource).await?.is_some() {
                    remaining.push(resource.reference().to_string());
                }
            }
            if remaining.is_empty() {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                return Err(Error::Timeout { timeout, not_ready: remaining });
            }
            tracing::debug!(target: "kube_apply", event = "waiting-delete", remaining = remaining.len(),
                "waiting for {} to be deleted", remaining.join(", "));
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

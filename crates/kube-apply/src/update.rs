//! Upgrading a release's objects: apply the new set, then delete what the old set had and the new one dropped (Helm's `KubeClient.Update`).

use serde_json::Value as Json;

use crate::apply::{ApplyOptions, ApplyOutcome};
use crate::client::KubeClient;
use crate::delete::Propagation;
use crate::error::{Error, Result};
use crate::object::{ObjectRef, Resource, string_map};
use crate::ownership::{ReleaseRef, check_ownership};
use crate::resource_policy::{KEEP_POLICY, RESOURCE_POLICY_ANNOTATION};

/// How a release's objects are written, recorded per release as Helm 4's `apply_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApplyMethod {
    /// Server-side apply, field manager `helm` (Helm 4).
    #[default]
    ServerSide,
    /// Create, then three-way merge patches from the previous manifest (Helm 3).
    ClientSide,
}

impl ApplyMethod {
    /// Helm 4's text for it (`ssa`/`csa`).
    pub fn as_str(self) -> &'static str {
        match self {
            ApplyMethod::ServerSide => "ssa",
            ApplyMethod::ClientSide => "csa",
        }
    }
}

/// What an update did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateResult {
    /// Objects that did not exist before.
    pub created: Vec<ObjectRef>,
    /// Objects that existed and were updated.
    pub updated: Vec<ObjectRef>,
    /// Objects of the old set, absent from the new one, deleted.
    pub deleted: Vec<ObjectRef>,
}

fn identity(r: &Resource) -> (String, String, String, String) {
    (r.api_resource.group.clone(), r.kind().to_owned(), r.namespace.clone(), r.name.clone())
}

impl KubeClient {
    /// Helm's `existingResourceConflict`, run before an install creates
    /// anything: every object that already exists must belong to `release`.
    /// Returns the ones that exist (to be adopted).
    pub async fn existing_resource_conflict(
        &self,
        resources: &[Resource],
        release: &ReleaseRef,
    ) -> Result<Vec<ObjectRef>> {
        let mut existing = Vec::new();
        for resource in resources {
            if let Some(live) = self.get(resource).await? {
                check_ownership(&live, release)
                    .map_err(|reason| Error::Ownership { resource: resource.reference().to_string(), reason })?;
                existing.push(resource.reference());
            }
        }
        Ok(existing)
    }

    /// Applies `target` in order with `method` (client-side patches use the
    /// same object of `original` as the base of the three-way merge), then
    /// deletes the objects of `original` that `target` no longer has, unless
    /// annotated `helm.sh/resource-policy: keep`.
    pub async fn update(
        &self,
        original: &[Resource],
        target: &mut [Resource],
        method: ApplyMethod,
        options: &ApplyOptions,
    ) -> Result<UpdateResult> {
        let mut result = UpdateResult::default();
        for resource in target.iter_mut() {
            let outcome = match method {
                ApplyMethod::ServerSide => {
                    let mut one = [resource.clone()];
                    let outcome = self.apply(&mut one, options).await?;
                    *resource = one.into_iter().next().unwrap_or_else(|| resource.clone());
                    outcome.first().copied().unwrap_or(ApplyOutcome::Updated)
                }
                ApplyMethod::ClientSide => {
                    let id = identity(resource);
                    let base: Option<&Json> = original.iter().find(|o| identity(o) == id).map(|o| &o.object);
                    let mut base = base.cloned();
                    if let (Some(b), Some(release)) = (base.as_mut(), &options.release) {
                        // The previous release stored the manifest without the ownership metadata Helm adds when applying.
                        crate::ownership::set_ownership(b, release);
                    }
                    self.update_client_side(base.as_ref(), resource, options).await?
                }
            };
            match outcome {
                ApplyOutcome::Created => result.created.push(resource.reference()),
                ApplyOutcome::Updated => result.updated.push(resource.reference()),
            }
        }
        let kept: Vec<&Resource> = original
            .iter()
            .filter(|o| !target.iter().any(|t| identity(t) == identity(o)))
            .filter(|o| {
                let policy = string_map(&o.object, "annotations").get(RESOURCE_POLICY_ANNOTATION).cloned();
                if policy.is_some_and(|p| p.trim().to_lowercase() == KEEP_POLICY) {
                    tracing::info!(target: "kube_apply", event = "kept", kind = %o.kind(), name = %o.name,
                        "skipping delete of {} due to annotation [{RESOURCE_POLICY_ANNOTATION}={KEEP_POLICY}]", o.reference());
                    false
                } else {
                    true
                }
            })
            .collect();
        let stale: Vec<Resource> = kept.into_iter().cloned().collect();
        result.deleted = self.delete(&stale, Propagation::Background).await?;
        Ok(result)
    }
}

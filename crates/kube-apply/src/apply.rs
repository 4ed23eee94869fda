//! Creating and updating objects: server-side apply (field manager `helm`), create, and Helm 3's client-side three-way merge.

use std::fmt;

use kube::api::{Patch, PatchParams, PostParams};
use serde_json::Value as Json;

use crate::client::{KubeClient, dynamic};
use crate::error::{Error, Result};
use crate::object::Resource;
use crate::ownership::{ReleaseRef, check_ownership, set_ownership};
use crate::strategic::{is_built_in_group, three_way_strategic_patch};
use crate::three_way::three_way_merge_patch;

/// The field manager Helm 4 applies with.
pub const FIELD_MANAGER: &str = "helm";

/// How objects are applied.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// The release the objects belong to: ownership is checked and set. `None` applies them as given.
    pub release: Option<ReleaseRef>,
    /// Adopt existing objects that belong to another release or to none.
    pub take_ownership: bool,
    /// Server-side apply: take fields other managers own instead of failing.
    pub force_conflicts: bool,
    /// Ask the server to validate without persisting.
    pub dry_run: bool,
    /// Client-side updates replace an existing object (a PUT of the new object over the
    /// live one's `resourceVersion`) instead of patching it: Helm 3's `--force`.
    pub force_replace: bool,
}

/// A field another manager owns, from a server-side apply conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    /// The other field manager.
    pub manager: String,
    /// The field path (`.data.key`).
    pub field: String,
}

impl fmt::Display for FieldConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "conflict with {:?}: {}", self.manager, self.field)
    }
}

/// What happened to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// It did not exist and was created.
    Created,
    /// It existed and was updated (or found unchanged).
    Updated,
}

impl KubeClient {
    /// Checks ownership and sets the release metadata on an object (when a release is given);
    /// returns the live object if it exists.
    async fn prepare(&self, resource: &mut Resource, options: &ApplyOptions) -> Result<Option<Json>> {
        let live = self.get(resource).await?;
        if let Some(release) = &options.release {
            if let Some(live) = &live
                && !options.take_ownership
            {
                check_ownership(live, release)
                    .map_err(|reason| Error::Ownership { resource: resource.reference().to_string(), reason })?;
            }
            set_ownership(&mut resource.object, release);
        }
        Ok(live)
    }

    /// Server-side applies each object in order with field manager `helm`.
    /// A conflict names each field and its other manager; `force_conflicts` takes them.
    pub async fn apply(&self, resources: &mut [Resource], options: &ApplyOptions) -> Result<Vec<ApplyOutcome>> {
        let mut outcomes = Vec::with_capacity(resources.len());
        for resource in resources.iter_mut() {
            let live = self.prepare(resource, options).await?;
            let mut params = PatchParams::apply(FIELD_MANAGER);
            params.force = options.force_conflicts;
            params.dry_run = options.dry_run;
            let reference = resource.reference();
            let api = self.api(resource);
            let first = api.patch(&resource.name, &params, &Patch::Apply(&resource.object)).await;
            match first.map_err(|e| apply_error(&reference.to_string(), e)) {
                Ok(_) => {}
                // Fields held by `helm` itself through client-side updates (a
                // release installed by Helm 3, or objects created here) are
                // ours: take them over instead of reporting a conflict with ourselves.
                Err(Error::ApplyConflict { conflicts, .. })
                    if !params.force && conflicts.iter().all(|c| c.manager == FIELD_MANAGER) =>
                {
                    params.force = true;
                    api.patch(&resource.name, &params, &Patch::Apply(&resource.object))
                        .await
                        .map_err(|e| apply_error(&reference.to_string(), e))?;
                }
                Err(e) => return Err(e),
            }
            let outcome = if live.is_some() { ApplyOutcome::Updated } else { ApplyOutcome::Created };
            tracing::info!(target: "kube_apply", event = "applied", kind = %reference.kind, name = %reference.name,
                namespace = %reference.namespace, method = "server-side", outcome = ?outcome, "applied {reference}");
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Creates each object in order (Helm 3's install); an existing object is an error from the server.
    pub async fn create(&self, resources: &mut [Resource], options: &ApplyOptions) -> Result<()> {
        for resource in resources.iter_mut() {
            if let Some(release) = &options.release {
                set_ownership(&mut resource.object, release);
            }
            let reference = resource.reference();
            let params = PostParams { dry_run: options.dry_run, field_manager: Some(FIELD_MANAGER.to_owned()) };
            self.api(resource)
                .create(&params, &dynamic(resource)?)
                .await
                .map_err(|e| Error::kube(format!("creating {reference}"), e))?;
            tracing::info!(target: "kube_apply", event = "created", kind = %reference.kind, name = %reference.name,
                namespace = %reference.namespace, "created {reference}");
        }
        Ok(())
    }

    /// Helm 3's client-side update of one object: created when missing, else
    /// patched with the three-way merge of `original` (the object as the
    /// previous release's manifest had it), the new object and the live one,
    /// so a field dropped from the chart is dropped from the live object.
    pub async fn update_client_side(
        &self,
        original: Option<&Json>,
        resource: &mut Resource,
        options: &ApplyOptions,
    ) -> Result<ApplyOutcome> {
        let live = self.prepare(resource, options).await?;
        let reference = resource.reference();
        let Some(live) = live else {
            let params = PostParams { dry_run: options.dry_run, field_manager: Some(FIELD_MANAGER.to_owned()) };
            self.api(resource)
                .create(&params, &dynamic(resource)?)
                .await
                .map_err(|e| Error::kube(format!("creating {reference}"), e))?;
            tracing::info!(target: "kube_apply", event = "applied", kind = %reference.kind, name = %reference.name,
                namespace = %reference.namespace, method = "client-side", outcome = "Created", "created {reference}");
            return Ok(ApplyOutcome::Created);
        };
        if options.force_replace {
            self.replace(resource, &live, options).await?;
            return Ok(ApplyOutcome::Updated);
        }
        // Built-in kinds get a strategic merge patch and custom resources a
        // JSON merge patch, as Helm 3 chooses by whether its scheme knows the kind.
        let strategic = is_built_in_group(&resource.api_resource.group);
        let patch = if strategic {
            three_way_strategic_patch(original, &resource.object, &live)
        } else {
            three_way_merge_patch(original, &resource.object, &live)
        };
        if let Some(patch) = patch {
            let params = PatchParams {
                dry_run: options.dry_run,
                field_manager: Some(FIELD_MANAGER.to_owned()),
                ..Default::default()
            };
            let patch = if strategic { Patch::Strategic(&patch) } else { Patch::Merge(&patch) };
            self.api(resource)
                .patch(&resource.name, &params, &patch)
                .await
                .map_err(|e| Error::kube(format!("updating {reference}"), e))?;
        }
        tracing::info!(target: "kube_apply", event = "applied", kind = %reference.kind, name = %reference.name,
            namespace = %reference.namespace, method = "client-side", outcome = "Updated", "updated {reference}");
        Ok(ApplyOutcome::Updated)
    }
}

impl KubeClient {
    /// Helm 3's `--force`: the new object replaces the live one (a PUT carrying the live
    /// `resourceVersion`, as client-go's `Helper.Replace` with overwrite), so fields the
    /// chart does not set are dropped whoever set them.
    async fn replace(&self, resource: &mut Resource, live: &Json, options: &ApplyOptions) -> Result<()> {
        let reference = resource.reference();
        if let (Some(version), Some(metadata)) = (
            live.pointer("/metadata/resourceVersion"),
            resource.object.get_mut("metadata").and_then(Json::as_object_mut),
        ) {
            metadata.entry("resourceVersion").or_insert_with(|| version.clone());
        }
        let params = PostParams { dry_run: options.dry_run, field_manager: Some(FIELD_MANAGER.to_owned()) };
        self.api(resource)
            .replace(&resource.name, &params, &dynamic(resource)?)
            .await
            .map_err(|e| Error::kube(format!("replacing {reference}"), e))?;
        if let Some(metadata) = resource.object.get_mut("metadata").and_then(Json::as_object_mut) {
            metadata.remove("resourceVersion");
        }
        tracing::info!(target: "kube_apply", event = "applied", kind = %reference.kind, name = %reference.name,
            namespace = %reference.namespace, method = "replace", outcome = "Updated", "replaced {reference}");
        Ok(())
    }
}

/// A 409 from server-side apply becomes `ApplyConflict` with each field and manager.
fn apply_error(resource: &str, error: kube::Error) -> Error {
    if let kube::Error::Api(status) = &error
        && status.code == 409
    {
        let conflicts: Vec<FieldConflict> = status
            .details
            .as_ref()
            .map(|d| {
                d.causes
                    .iter()
                    .map(|c| FieldConflict { manager: manager_of(&c.message), field: c.field.clone() })
                    .collect()
            })
            .unwrap_or_default();
        if !conflicts.is_empty() {
            return Error::ApplyConflict { resource: resource.to_owned(), conflicts };
        }
    }
    Error::kube(format!("applying {resource}"), error)
}

/// The manager from a cause message: `conflict with "kubectl" using v1`.
fn manager_of(message: &str) -> String {
    message.split('"').nth(1).unwrap_or(message).to_owned()
}

//! Applying rendered manifests to Kubernetes as Helm does: ordering, ownership, hooks, readiness.
//!
//! The pure half turns rendered templates into what Helm would send:
//! [`split_manifests`], [`sort_manifests`] (hooks apart, in
//! [`INSTALL_ORDER`] or [`UNINSTALL_ORDER`]), [`filter_manifests_to_keep`].
//! The cluster half, [`KubeClient`], maps each object to its API resource
//! through discovery, applies it (server-side apply with field manager
//! `helm`, or Helm 3's client-side three-way merge), checks and sets release
//! ownership, deletes, waits for readiness and runs hooks, emitting
//! `tracing` events as it goes. It decides no release policy: which objects
//! to apply, keep or delete is the caller's (helm-core's) choice.

mod apply;
mod client;
mod cluster_lookup;
mod crds;
mod delete;
mod error;
mod go_float;
mod head;
mod hook;
mod hooks_run;
mod kind_order;
mod lookup;
mod manifest;
mod mapper;
mod object;
mod ownership;
pub mod ready;
mod resource_policy;
mod split;
mod strategic;
mod three_way;
mod update;
mod wait;

pub use apply::{ApplyOptions, ApplyOutcome, FIELD_MANAGER, FieldConflict};
pub use client::KubeClient;
pub use cluster_lookup::ClusterLookup;
pub use crds::{CrdFile, crd_objects};
pub use delete::Propagation;
pub use hooks_run::{HookOptions, HookRun, HooksOutcome};
pub use mapper::{Mapping, ResourceMapper};
pub use object::{ObjectRef, Resource, document_to_json};
pub use ownership::{
    MANAGED_BY_HELM, MANAGED_BY_LABEL, RELEASE_NAME_ANNOTATION, RELEASE_NAMESPACE_ANNOTATION, ReleaseRef,
    check_ownership, set_ownership,
};
pub use strategic::{is_built_in_group, three_way_strategic_patch};
pub use three_way::three_way_merge_patch;
pub use update::{ApplyMethod, UpdateResult};
pub use wait::WaitOptions;

pub use error::{Error, Result};
pub use head::{HeadMetadata, SimpleHead};
pub use hook::{
    HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, HOOK_OUTPUT_LOG_POLICY_ANNOTATION, HOOK_WEIGHT_ANNOTATION, Hook,
    HookDeletePolicy, HookEvent,
};
pub use kind_order::{INSTALL_ORDER, KindSortOrder, UNINSTALL_ORDER};
pub use manifest::{Manifest, SortedManifests, sort_manifests, sort_release_manifest};
pub use resource_policy::{KEEP_POLICY, RESOURCE_POLICY_ANNOTATION, filter_manifests_to_keep, is_kept};
pub use split::split_manifests;

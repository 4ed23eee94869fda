//! Helm 3 releases and their storage, as Helm's `pkg/release` and `pkg/storage`.
//!
//! - [`Release`] and its parts ([`Info`], [`Status`], [`Hook`], [`ReleaseChart`])
//!   encode to JSON byte for byte as Helm 3's `json.Marshal` of `release.Release`
//!   ([`Release::to_json`], [`Release::from_json`]).
//! - [`codec`] is what Helm's Secret and ConfigMap drivers store: base64 of the
//!   gzipped JSON, and the [`StorageObject`] shape (name, type, labels, data).
//! - [`Driver`] is the storage interface of `pkg/storage/driver`, with the
//!   [`MemoryDriver`], the [`KubeDriver`] (Secrets or ConfigMaps, as Helm's
//!   default drivers) and the [`SqlDriver`] (PostgreSQL with Helm's tables);
//!   [`Storage`] adds history, last deployed and pruning.
//! - [`lock`] keeps two operations on one release from interleaving: a
//!   Kubernetes Lease across processes, or an in-process lock.

pub mod codec;
pub mod driver;
mod error;
mod hook;
mod json;
pub mod lock;
mod object;
mod release;
mod status;
mod storage;
mod summary;
mod time;

pub use driver::{BoxFuture, Driver, KubeDriver, MemoryDriver, SqlDriver, release_key};
pub use error::{Error, Result};
pub use hook::{Hook, HookDeletePolicy, HookEvent, HookExecution, HookOutputLogPolicy, HookPhase};
pub use object::{
    MAX_DATA_BYTES, ObjectKind, RELEASE_TYPE, SYSTEM_LABELS, StorageObject, filter_system_labels, system_labels,
};
pub use release::{ApplyMethod, Info, Release, ReleaseChart};
pub use status::Status;
pub use storage::Storage;
pub use summary::ReleaseSummary;
pub use time::Time;

//! The chart as data: what `loader.Load` returns in Helm (`pkg/chart`).

// `chart::chart` mirrors Helm's `pkg/chart/chart.go`.
#[allow(clippy::module_inception)]
mod chart;
pub(crate) mod decode;
mod dependency;
mod file;
pub mod json_fields;
mod kube_version;
mod lock;
mod metadata;
mod time;
mod validate;

pub use chart::Chart;
pub use dependency::Dependency;
pub use file::{File, FileData};
pub use kube_version::IncompatibleKubeVersion;
pub use lock::Lock;
pub use metadata::{Maintainer, Metadata};
pub use validate::ValidationError;
pub(crate) use validate::validate as validate_decoded;

//! The chart as data: what `loader.Load` returns in Helm (`pkg/chart`).

mod chart;
mod dependency;
mod file;
mod lock;
mod metadata;

pub use chart::Chart;
pub use dependency::Dependency;
pub use file::File;
pub use lock::Lock;
pub use metadata::{Maintainer, Metadata};

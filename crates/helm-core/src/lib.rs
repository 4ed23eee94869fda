//! Helm actions (install, upgrade, rollback, uninstall, list, history, template) over the helm-api crates.
//!
//! - [`template()`], what `helm template` does and prints.
//! - [`Configuration`] (kube client, release storage, per-release locks, capabilities) and
//!   one action per verb: [`Install`], [`Upgrade`], [`Rollback`], [`Uninstall`], [`List`],
//!   and [`release_info`] (status, history, get values, get manifest). Every writing action
//!   holds the release's lock and never leaves a revision `pending-*`; progress is
//!   `tracing` events (target `helm_core`, field `event`) next to kube-apply's.

pub mod chart_source;
pub mod config;
pub mod error;
pub mod install;
pub mod list;
pub mod operation;
pub mod progress;
pub mod release_info;
pub mod release_test;
pub mod render_release;
pub mod rollback;
pub mod server_side;
pub mod show;
pub mod template;
pub mod uninstall;
pub mod upgrade;
pub mod values;

pub use chart_source::{
    ChartArchive, ChartOrigin, ChartPathOptions, LocatedChart, RepositorySearch, RepositorySettings, RepositoryUpdate,
    fetch_chart, locate_chart, update_repositories,
};
pub use config::{Configuration, StorageDriver};
pub use error::{Error, Result};
pub use install::{Install, InstallOptions};
pub use list::{List, ListOptions, ListSort};
pub use release_test::ReleaseTesting;
pub use rollback::{Rollback, RollbackOptions};
pub use server_side::ServerSide;
pub use template::{TemplateOptions, TemplateOutput, template};
pub use uninstall::{Uninstall, UninstallOptions, UninstallResult};
pub use upgrade::{Upgrade, UpgradeOptions, UpgradeTarget, upgrade_target};
pub use values::ValuesOptions;

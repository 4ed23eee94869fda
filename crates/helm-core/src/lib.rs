//! Helm actions (install, upgrade, rollback, uninstall, list, history, template) over the helm-api crates.
//!
//! So far: [`template()`], what `helm template` does and prints.

pub mod error;
pub mod template;
pub mod values;

pub use error::{Error, Result};
pub use template::{TemplateOptions, TemplateOutput, template};
pub use values::ValuesOptions;

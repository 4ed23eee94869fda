//! Helm's own template functions (`pkg/engine/funcs.go` and `engine.go` of Helm v3.22): `include`,
//! `tpl`, `required`, `fail`, the YAML, JSON and TOML conversions, `lookup` and `getHostByName`,
//! plus Helm 4's `mustToYaml` and `mustToToml` so that newer charts render.
//!
//! Functions that depend on how the engine runs (lint mode, strict mode, a cluster for `lookup`,
//! DNS) read a [`HelmHost`] attached to the template set.

mod convert;
mod include;
mod lookup;
pub(crate) mod marshal;
mod required;
mod toml;
mod toml_read;
mod yaml_node;
mod yaml_pretty;

use std::sync::Arc;

use crate::registry::{FuncMap, Function};
use crate::value::GoType::{Any, String as Str};

pub use convert::{from_chart_value, to_chart_value};
pub use lookup::{Lookup, NoCluster};

/// Helm's limit on how many times one template name may be nested through `include`.
pub const MAX_INCLUDE_DEPTH: usize = 1000;

/// How Helm's engine runs, as its functions see it (Helm's `Engine` fields).
#[derive(Clone, Default)]
pub struct HelmHost {
    /// `missingkey=error`: `tpl` re-applies it to the templates it parses.
    pub strict: bool,
    /// Lint mode: `required` and `fail` log instead of failing, `lookup` never asks a cluster.
    pub lint_mode: bool,
    /// Whether `getHostByName` really resolves names (Helm's `--enable-dns`).
    pub enable_dns: bool,
    /// Where `lookup` reads cluster objects; without one it returns an empty map, as Helm
    /// does with no cluster connection.
    pub lookup: Option<Arc<dyn Lookup>>,
}

impl std::fmt::Debug for HelmHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelmHost")
            .field("strict", &self.strict)
            .field("lint_mode", &self.lint_mode)
            .field("enable_dns", &self.enable_dns)
            .field("lookup", &self.lookup.is_some())
            .finish()
    }
}

/// Helm's functions, which replace Sprig's of the same name (`fail`, `toJson`...).
pub static FUNCTIONS: &[Function] = &[
    Function::new("include", &[Str, Any], include::include),
    Function::new("tpl", &[Str, Any], include::tpl),
    Function::new("required", &[Str, Any], required::required),
    Function::new("fail", &[Str], required::fail),
    Function::new("toYaml", &[Any], convert::to_yaml),
    Function::new("mustToYaml", &[Any], convert::must_to_yaml),
    Function::new("toYamlPretty", &[Any], convert::to_yaml_pretty),
    Function::new("fromYaml", &[Str], convert::from_yaml),
    Function::new("fromYamlArray", &[Str], convert::from_yaml_array),
    Function::new("toJson", &[Any], convert::to_json),
    Function::new("fromJson", &[Str], convert::from_json),
    Function::new("fromJsonArray", &[Str], convert::from_json_array),
    Function::new("toToml", &[Any], toml::to_toml),
    Function::new("mustToToml", &[Any], toml::must_to_toml),
    Function::new("fromToml", &[Str], toml::from_toml),
    Function::new("lookup", &[Str, Str, Str, Str], lookup::lookup),
    Function::new("getHostByName", &[Str], lookup::get_host_by_name),
];

/// Adds Helm's functions to `map` (after Sprig's, which some of them replace).
pub fn register(map: &mut FuncMap) {
    map.extend(FUNCTIONS);
}

/// Helm's whole function map: Go's builtins, Sprig as Helm ships it, and Helm's own.
pub fn func_map() -> FuncMap {
    let mut map = FuncMap::new();
    crate::sprig::register(&mut map);
    register(&mut map);
    map
}

/// The marker Helm wraps `required` and `fail` messages in, so that its error cleanup finds them.
pub(crate) const WARN_START: &str = "HELM_ERR_START";
/// The end marker.
pub(crate) const WARN_END: &str = "HELM_ERR_END";

fn warn_wrap(message: &str) -> String {
    format!("{WARN_START}{message}{WARN_END}")
}

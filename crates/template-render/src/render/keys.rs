//! The keys of the maps a render builds for every chart and template (`.Chart`, `.Values`,
//! `.Template.Name`...), allocated once per process: each map gets a reference, not a copy.

use std::sync::{Arc, LazyLock};

/// The shared key strings.
pub(super) struct Keys {
    pub(super) name: Arc<str>,
    pub(super) namespace: Arc<str>,
    pub(super) is_upgrade: Arc<str>,
    pub(super) is_install: Arc<str>,
    pub(super) revision: Arc<str>,
    pub(super) service: Arc<str>,
    pub(super) chart: Arc<str>,
    pub(super) files: Arc<str>,
    pub(super) release: Arc<str>,
    pub(super) capabilities: Arc<str>,
    pub(super) values: Arc<str>,
    pub(super) subcharts: Arc<str>,
    pub(super) template: Arc<str>,
    pub(super) base_path: Arc<str>,
}

/// The keys, built on first use.
pub(super) static KEYS: LazyLock<Keys> = LazyLock::new(|| Keys {
    name: Arc::from("Name"),
    namespace: Arc::from("Namespace"),
    is_upgrade: Arc::from("IsUpgrade"),
    is_install: Arc::from("IsInstall"),
    revision: Arc::from("Revision"),
    service: Arc::from("Service"),
    chart: Arc::from("Chart"),
    files: Arc::from("Files"),
    release: Arc::from("Release"),
    capabilities: Arc::from("Capabilities"),
    values: Arc::from("Values"),
    subcharts: Arc::from("Subcharts"),
    template: Arc::from("Template"),
    base_path: Arc::from("BasePath"),
});

//! Rendering a chart for a release as Helm's `renderResources`: values, capabilities and
//! `lookup` from the cluster, then hooks apart and manifests in install order.

use std::sync::{Arc, LazyLock};

use chart_model::{Chart, Map};
use kube_apply::{Hook, INSTALL_ORDER, KubeClient, sort_manifests};
use template_render::helm::Lookup;
use template_render::render::{Capabilities, ReleaseOptions};
use template_render::{ParseCache, RenderOptions, render};

use crate::error::{Error, Result};

/// The template files this process has parsed, shared by every render it makes: a chart
/// rendered again (an upgrade, another release of it) is not parsed again.
pub(crate) fn parse_cache() -> Arc<ParseCache> {
    static CACHE: LazyLock<Arc<ParseCache>> = LazyLock::new(Default::default);
    CACHE.clone()
}

/// What a render gives a release.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The hooks, in install order.
    pub hooks: Vec<Hook>,
    /// `---\n# Source: PATH\n...` documents in install order (Helm's release manifest).
    pub manifest: String,
    /// The top chart's NOTES.txt.
    pub notes: String,
}

/// The release a render is for.
#[derive(Debug, Clone)]
pub struct RenderFor<'a> {
    /// Release name.
    pub name: &'a str,
    /// Release namespace.
    pub namespace: &'a str,
    /// Revision being made.
    pub revision: i64,
    /// Whether it is an upgrade (or a rollback).
    pub is_upgrade: bool,
}

/// `lookup` answered from the cluster (the renderer runs on a blocking thread).
struct ClusterLookup {
    kube: KubeClient,
    handle: tokio::runtime::Handle,
}

impl Lookup for ClusterLookup {
    fn lookup(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> Result<Map, String> {
        let found =
            self.handle.block_on(self.kube.lookup(api_version, kind, namespace, name)).map_err(|e| e.to_string())?;
        let text = serde_json::to_string(&serde_json::Value::Object(found)).map_err(|e| e.to_string())?;
        match chart_model::json::from_slice(text.as_bytes()) {
            Ok(chart_model::Value::Map(m)) => Ok(m),
            Ok(_) => Ok(Map::new()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Renders `chart` with the user's `config` for a release. `kube` answers `lookup` unless
/// `None` (client-side dry-run). Dependencies are checked and processed here.
pub async fn render_release(
    chart: &Chart,
    config: &Map,
    target: &RenderFor<'_>,
    capabilities: Capabilities,
    kube: Option<KubeClient>,
) -> Result<Rendered> {
    if !chart.metadata.dependencies.is_empty() {
        chart_model::dependencies::check_dependencies(chart).map_err(|e| {
            Error::Chart(format!(
                "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: {e}"
            ))
        })?;
    }
    let mut chart = chart.clone();
    chart_model::dependencies::process_dependencies(&mut chart, config, &Default::default())
        .map_err(|e| Error::Render(template_render::Error::Values(e.to_string())))?;
    let values = chart_model::coalesce::render_values(&chart, config, &Default::default())
        .map_err(|e| Error::Render(template_render::Error::Values(e.to_string())))?
        .values;
    chart.metadata.check_kube_version(&capabilities.kube_version.version).map_err(|e| Error::Chart(e.to_string()))?;
    let lookup: Option<Arc<dyn Lookup>> =
        kube.map(|kube| Arc::new(ClusterLookup { kube, handle: tokio::runtime::Handle::current() }) as Arc<dyn Lookup>);
    let options = RenderOptions {
        release: ReleaseOptions {
            name: target.name.to_owned(),
            namespace: target.namespace.to_owned(),
            revision: target.revision,
            is_upgrade: target.is_upgrade,
        },
        capabilities,
        lookup,
        parse_cache: Some(parse_cache()),
        ..RenderOptions::default()
    };
    let top_notes = format!("{}/templates/NOTES.txt", chart.name());
    let rendered = tokio::task::spawn_blocking(move || render(&chart, &values, &options))
        .await
        .map_err(|e| Error::Action(format!("rendering stopped: {e}")))??;
    let mut notes = String::new();
    let mut files = rendered;
    files.retain(|name, text| {
        if !name.ends_with("NOTES.txt") {
            return true;
        }
        if *name == top_notes {
            notes.push_str(text);
        }
        false
    });
    let sorted = sort_manifests(&files, INSTALL_ORDER).map_err(|e| Error::Manifest(e.to_string()))?;
    let mut manifest = String::new();
    for m in &sorted.manifests {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
    }
    tracing::info!(target: "helm_core", event = "rendered", release = %target.name, revision = target.revision,
        manifests = sorted.manifests.len(), hooks = sorted.hooks.len(), "rendered {} manifests and {} hooks",
        sorted.manifests.len(), sorted.hooks.len());
    Ok(Rendered { hooks: sorted.hooks, manifest, notes })
}

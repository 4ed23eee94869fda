//! OCI registries as Helm uses them: `oci://host/path/chart` references,
//! Helm's artifact layout (config `application/vnd.cncf.helm.config.v1+json`,
//! chart layer `application/vnd.cncf.helm.chart.content.v1.tar+gzip`,
//! optional provenance layer), tag listing for version constraints (`+`
//! becomes `_` in tags), anonymous, basic and bearer-token authentication,
//! pull and push.

mod client;
mod reference;

pub use client::{PulledChart, RegistryClient, RegistryOptions};
pub use reference::OciReference;

/// The media type of a Helm chart's config blob.
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// The media type of a Helm chart's content layer.
pub const CHART_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// The media type of a Helm chart's provenance layer.
pub const PROVENANCE_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.provenance.v1.prov";
/// The OCI image manifest media type.
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// A chart version as an OCI tag (`+` is not allowed in tags).
pub fn version_to_tag(version: &str) -> String {
    version.replace('+', "_")
}

/// An OCI tag as a chart version.
pub fn tag_to_version(tag: &str) -> String {
    tag.replace('_', "+")
}

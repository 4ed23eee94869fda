//! CRDs from a chart's crds/ folders: collected as Helm's `CRDObjects`, created before anything else, never updated.

use std::time::Duration;

use chart_model::Chart;

use crate::client::KubeClient;
use crate::error::{Error, Result};
use crate::object::Resource;
use crate::wait::WaitOptions;

/// One file of a crds/ folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdFile {
    /// Its path in its chart (`crds/widget.yaml`).
    pub name: String,
    /// Its path from the top chart (`top/charts/sub/crds/widget.yaml`), Helm's `Filename`.
    pub filename: String,
    /// Its text.
    pub data: String,
}

/// The crds/ files (`.yaml`, `.yml`, `.json`) of a chart, then of its
/// subcharts depth first, in file order, as Helm's `Chart.CRDObjects`.
pub fn crd_objects(chart: &Chart) -> Vec<CrdFile> {
    let mut out = Vec::new();
    collect(chart, None, &mut out);
    out
}

fn collect(chart: &Chart, parent: Option<&str>, out: &mut Vec<CrdFile>) {
    let full = chart.full_path(parent);
    for f in chart.crd_files() {
        out.push(CrdFile {
            name: f.name.clone(),
            filename: format!("{full}/{}", f.name),
            data: String::from_utf8_lossy(&f.data).into_owned(),
        });
    }
    for dep in &chart.dependencies {
        collect(dep, Some(&full), out);
    }
}

impl KubeClient {
    /// Installs CRDs as Helm's install does: each file's objects are created,
    /// those already present are skipped (never updated), then the new ones
    /// are waited for (60 seconds) and discovery is refreshed so the
    /// templates' custom resources map. Returns the CRDs created.
    pub async fn install_crds(&self, crds: &[CrdFile]) -> Result<Vec<Resource>> {
        let mut created = Vec::new();
        for crd in crds {
            let failed = |e: Error| Error::InvalidObject {
                source_name: crd.name.clone(),
                message: format!("failed to install CRD {}: {e}", crd.name),
            };
            let resources = self.build(&crd.filename, &crd.data).await.map_err(failed)?;
            for resource in resources {
                let mut one = [resource];
                match self.create(&mut one, &Default::default()).await {
                    Ok(()) => {
                        let [resource] = one;
                        created.push(resource);
                    }
                    Err(Error::Kube { source, .. }) if matches!(source.as_ref(), kube::Error::Api(s) if s.code == 409) =>
                    {
                        tracing::info!(target: "kube_apply", event = "crd-skipped", name = %one[0].name,
                            "CRD {} is already present. Skipping.", one[0].name);
                    }
                    Err(e) => return Err(failed(e)),
                }
            }
        }
        if !created.is_empty() {
            let options = WaitOptions { timeout: Duration::from_secs(60), ..Default::default() };
            self.wait_ready(&created, &options).await?;
            self.mapper().invalidate().await;
        }
        Ok(created)
    }
}

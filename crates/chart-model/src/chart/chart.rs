//! `Chart`: one chart with its templates, values, files and subcharts.

use crate::chart::{File, Lock, Metadata};
use crate::value::Map;

/// A loaded chart, as Helm's `chart.Chart`.
///
/// Subcharts are owned by their parent in `dependencies`; Helm's parent
/// pointer is replaced by passing the path down where it is needed
/// (see [`Chart::full_path`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chart {
    /// Chart.yaml.
    pub metadata: Metadata,
    /// Chart.lock (or requirements.lock for apiVersion v1 charts).
    pub lock: Option<Lock>,
    /// Files under templates/, in the order Helm loads them.
    pub templates: Vec<File>,
    /// The default values from values.yaml.
    pub values: Map,
    /// values.schema.json, as bytes.
    pub schema: Option<Vec<u8>>,
    /// Every other file of the chart (README, LICENSE, crds/, files read with `.Files`).
    pub files: Vec<File>,
    /// Every file as read, before it was sorted into the fields above.
    pub raw: Vec<File>,
    /// Subcharts: folders and archives under charts/.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    /// The chart's name from its metadata.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Whether this is a library chart (`type: library`).
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type == "library"
    }

    /// The path Helm uses to name this chart's templates, given the full path
    /// of its parent (`None` for the top chart): `parent/charts/name`.
    pub fn full_path(&self, parent_full_path: Option<&str>) -> String {
        match parent_full_path {
            Some(parent) => format!("{parent}/charts/{}", self.name()),
            None => self.name().to_owned(),
        }
    }

    /// Files under crds/ (with a .yaml, .yml or .json suffix), as Helm's `CRDObjects`.
    pub fn crd_files(&self) -> impl Iterator<Item = &File> {
        self.files.iter().filter(|f| {
            f.name.starts_with("crds/")
                && (f.name.ends_with(".yaml") || f.name.ends_with(".yml") || f.name.ends_with(".json"))
        })
    }
}

//! `Release`: one revision of an installed chart, as Helm's `release.Release`.

use std::collections::BTreeMap;

use chart_model::{Chart, Map, Value};

use crate::error::Result;
use crate::hook::Hook;
use crate::status::Status;
use crate::time::Time;

/// One revision of a release, as Helm's `release.Release`.
///
/// [`Release::to_json`] writes exactly what Helm's `json.Marshal` writes for
/// the same release, and [`Release::from_json`] reads it back as Helm's
/// `json.Unmarshal` does (so values read back are `float64`, as in Helm).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Release {
    /// `name`: the release name.
    pub name: String,
    /// `info`: status and times (Helm's pointer; `None` is written as nothing).
    pub info: Option<Info>,
    /// `chart`: the chart this revision was made from.
    pub chart: Option<ReleaseChart>,
    /// `config`: the values given by the user (not the chart's defaults).
    pub config: Map,
    /// `manifest`: the rendered manifests, without hooks.
    pub manifest: String,
    /// `hooks`: the hooks of this revision.
    pub hooks: Vec<Hook>,
    /// `version`: the revision number, from 1.
    pub version: i64,
    /// `namespace`: the Kubernetes namespace.
    pub namespace: String,
    /// Custom labels. Helm keeps them in the storage object's labels, not in the JSON.
    pub labels: BTreeMap<String, String>,
    /// `apply_method` (Helm 4): how the objects were applied. `None` (a
    /// release made by Helm 3) is written as nothing and means client-side.
    pub apply_method: Option<ApplyMethod>,
}

/// Helm 4's `ApplyMethod`: how a release's objects were written to the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyMethod {
    /// `csa`: create, then client-side three-way merge patches (Helm 3's way).
    Csa,
    /// `ssa`: server-side apply with field manager `helm` (Helm 4's default).
    Ssa,
}

impl ApplyMethod {
    /// Helm 4's text for it: `csa` or `ssa`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplyMethod::Csa => "csa",
            ApplyMethod::Ssa => "ssa",
        }
    }

    /// The method named by Helm 4's text (`csa` or `ssa`), `None` for anything else.
    pub fn parse(text: &str) -> Option<ApplyMethod> {
        match text {
            "csa" => Some(ApplyMethod::Csa),
            "ssa" => Some(ApplyMethod::Ssa),
            _ => None,
        }
    }
}

impl Release {
    /// The release as Helm's `json.Marshal` writes it.
    pub fn to_json(&self) -> Result<String> {
        crate::json::write_release(self)
    }

    /// A release from its JSON, as Helm's `json.Unmarshal` reads it.
    pub fn from_json(data: &[u8]) -> Result<Release> {
        crate::json::read_release(data)
    }

    /// The status of this revision (`unknown` when there is no info).
    pub fn status(&self) -> Status {
        self.info.as_ref().map_or(Status::Other(String::new()), |i| i.status.clone())
    }

    /// Sets the status and description, as Helm's `SetStatus`.
    pub fn set_status(&mut self, status: Status, description: impl Into<String>) {
        let info = self.info.get_or_insert_with(Info::default);
        info.status = status;
        info.description = description.into();
    }
}

/// Status and times of a revision, as Helm's `release.Info`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    /// `first_deployed`: when the release was first deployed.
    pub first_deployed: Time,
    /// `last_deployed`: when this revision was deployed.
    pub last_deployed: Time,
    /// `deleted`: when it was uninstalled.
    pub deleted: Time,
    /// `description`: a human-friendly log entry.
    pub description: String,
    /// `status`: the state of the revision.
    pub status: Status,
    /// `notes`: the rendered NOTES.txt.
    pub notes: String,
    /// `resources`: the deployed objects by kind, as JSON texts written as they are
    /// (Helm fills this only for `status --show-resources`; it is never stored).
    pub resources: BTreeMap<String, Vec<String>>,
}

/// The chart of a release, as Helm's `chart.Chart` writes itself to JSON.
///
/// Only the top chart is stored (Helm's subcharts are not part of its JSON).
/// Go tells a nil map or slice from an empty one and chart-model does not, so
/// two flags say which of Helm's empty values is meant where both occur.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReleaseChart {
    /// The chart.
    pub chart: Chart,
    /// Whether the values are Go's nil map (written `null`, as for a chart
    /// without values.yaml) rather than an empty one; only meaningful when they are empty.
    pub values_is_null: bool,
    /// Whether the lock's dependencies are an empty list (written `[]`, as
    /// Chart.lock's `dependencies: []`) rather than nil (`null`, as a lock
    /// without them); only meaningful when they are empty.
    pub lock_dependencies_listed: bool,
}

impl From<Chart> for ReleaseChart {
    /// The chart as Helm's loader leaves it: values are nil when there is no
    /// values.yaml (an empty one gives an empty map), and the lock's
    /// dependencies are a list only when the lock file lists them.
    fn from(chart: Chart) -> Self {
        let values_is_null = !chart.raw.iter().any(|f| f.name == "values.yaml");
        let lock_dependencies_listed = chart.lock.as_ref().is_some_and(|l| l.dependencies.is_empty())
            && chart.raw.iter().any(|f| {
                (f.name == "Chart.lock" || f.name == "requirements.lock")
                    && matches!(chart_model::yaml::from_slice(&f.data),
                        Ok(Value::Map(m)) if matches!(m.get("dependencies"), Some(Value::List(_))))
            });
        ReleaseChart { chart, values_is_null, lock_dependencies_listed }
    }
}

#[cfg(test)]
mod tests {
    use super::{ApplyMethod, Release};

    fn release(apply_method: Option<ApplyMethod>) -> Release {
        Release { name: "web".into(), version: 2, namespace: "ns".into(), apply_method, ..Release::default() }
    }

    #[test]
    fn apply_method_is_written_last_and_omitted_when_unset() {
        assert_eq!(release(None).to_json().unwrap(), r#"{"name":"web","version":2,"namespace":"ns"}"#);
        assert_eq!(
            release(Some(ApplyMethod::Ssa)).to_json().unwrap(),
            r#"{"name":"web","version":2,"namespace":"ns","apply_method":"ssa"}"#
        );
        assert_eq!(
            release(Some(ApplyMethod::Csa)).to_json().unwrap(),
            r#"{"name":"web","version":2,"namespace":"ns","apply_method":"csa"}"#
        );
    }

    #[test]
    fn apply_method_reads_back() {
        for method in [None, Some(ApplyMethod::Csa), Some(ApplyMethod::Ssa)] {
            let json = release(method).to_json().unwrap();
            assert_eq!(Release::from_json(json.as_bytes()).unwrap(), release(method));
        }
        let empty = Release::from_json(br#"{"name":"web","apply_method":""}"#).unwrap();
        assert_eq!(empty.apply_method, None);
        let null = Release::from_json(br#"{"name":"web","apply_method":null}"#).unwrap();
        assert_eq!(null.apply_method, None);
    }

    #[test]
    fn bad_apply_method_is_a_clear_error() {
        let err = Release::from_json(br#"{"apply_method":"xyz"}"#).unwrap_err().to_string();
        assert!(err.contains("unknown apply method \"xyz\""), "{err}");
        let err = Release::from_json(br#"{"apply_method":3}"#).unwrap_err().to_string();
        assert!(err.contains("Release.apply_method"), "{err}");
    }
}

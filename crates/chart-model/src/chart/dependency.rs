//! `Dependency`: one entry of Chart.yaml's `dependencies`.

use crate::value::Value;

/// A dependency of a chart, as Helm's `chart.Dependency`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// `name`: the subchart's chart name.
    pub name: String,
    /// `version`: a SemVer version or constraint.
    pub version: String,
    /// `repository`: a URL, an `@alias`/`alias:` repository name, or `file://`.
    pub repository: String,
    /// `condition`: comma-separated values paths; the first that resolves to a bool wins.
    pub condition: String,
    /// `tags`: any true tag enables the subchart.
    pub tags: Vec<String>,
    /// `enabled`: computed from condition and tags while processing dependencies.
    pub enabled: bool,
    /// `import-values`: strings, or maps with `child` and `parent`.
    pub import_values: Vec<Value>,
    /// `alias`: the name the subchart takes in this chart.
    pub alias: String,
}

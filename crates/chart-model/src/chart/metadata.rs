//! `Metadata`: the contents of Chart.yaml.

use std::collections::BTreeMap;

use crate::chart::Dependency;

/// Chart.yaml, as Helm's `chart.Metadata`. Field names follow Helm's Go
/// names; the YAML keys are Helm's JSON tags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// `name`.
    pub name: String,
    /// `home`.
    pub home: String,
    /// `sources`.
    pub sources: Vec<String>,
    /// `version`: a SemVer 2 version.
    pub version: String,
    /// `description`.
    pub description: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `maintainers`.
    pub maintainers: Vec<Maintainer>,
    /// `icon`.
    pub icon: String,
    /// `apiVersion`: `v1` or `v2`.
    pub api_version: String,
    /// `condition`.
    pub condition: String,
    /// `tags`.
    pub tags: String,
    /// `appVersion`.
    pub app_version: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// `annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `kubeVersion`: a SemVer constraint on the cluster's version.
    pub kube_version: String,
    /// `dependencies` (for apiVersion v1 charts, read from requirements.yaml).
    pub dependencies: Vec<Dependency>,
    /// `type`: `application` (the default when empty) or `library`.
    pub chart_type: String,
}

/// One entry of `maintainers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: String,
    /// `url`.
    pub url: String,
}

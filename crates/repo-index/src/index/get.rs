//! Choosing a chart version from an index, as Helm's `IndexFile.Get`.

use chart_model::semver::{Constraints, Version};

use crate::error::{Error, Result};
use crate::index::{ChartVersion, IndexFile};

impl IndexFile {
    /// The version of chart `name` that `version` selects, as Helm's
    /// `IndexFile.Get`: an empty `version` means the latest stable version;
    /// otherwise an exact match of the version text wins, then the newest
    /// version satisfying it as a constraint (prereleases only when the
    /// constraint names one).
    pub fn get(&self, name: &str, version: &str) -> Result<&ChartVersion> {
        let versions = self.entries.get(name).ok_or(Error::NoChartName)?;
        if versions.is_empty() {
            return Err(Error::NoChartVersion);
        }
        let constraint = Constraints::parse(if version.is_empty() { "*" } else { version })
            .map_err(|e| Error::Constraint(e.to_string()))?;
        if !version.is_empty()
            && let Some(cv) = versions.iter().find(|cv| cv.metadata.version == version)
        {
            return Ok(cv);
        }
        versions
            .iter()
            .find(|cv| Version::parse(&cv.metadata.version).is_ok_and(|v| constraint.check(&v)))
            .ok_or_else(|| Error::NoMatchingVersion { name: name.to_string(), version: version.to_string() })
    }

    /// Whether the index has chart `name` at exactly `version` (Helm's `Has`).
    pub fn has(&self, name: &str, version: &str) -> bool {
        self.get(name, version).is_ok()
    }
}

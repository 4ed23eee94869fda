//! TODO(semver): arrives with the chart-model issue.

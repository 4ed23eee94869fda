//! TODO(semver): conformance suite arrives with the chart-model issue.

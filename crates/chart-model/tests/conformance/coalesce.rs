//! TODO(coalesce): conformance suite arrives with the chart-model issue.

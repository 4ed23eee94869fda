//! TODO(load): conformance suite arrives with the chart-model issue.

//! TODO(to_yaml): conformance suite arrives with the chart-model issue.

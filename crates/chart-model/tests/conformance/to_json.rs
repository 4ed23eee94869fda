//! TODO(to_json): conformance suite arrives with the chart-model issue.

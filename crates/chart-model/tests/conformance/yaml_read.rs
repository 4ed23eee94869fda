//! TODO(yaml_read): conformance suite arrives with the chart-model issue.

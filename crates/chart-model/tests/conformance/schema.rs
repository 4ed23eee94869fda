//! TODO(schema): conformance suite arrives with the chart-model issue.

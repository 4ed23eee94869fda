//! TODO(strvals): conformance suite arrives with the chart-model issue.

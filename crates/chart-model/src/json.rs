//! TODO(json): arrives with the chart-model issue.

//! TODO(package): arrives with the chart-model issue.

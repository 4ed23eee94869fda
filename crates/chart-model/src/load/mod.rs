//! TODO(load): arrives with the chart-model issue.

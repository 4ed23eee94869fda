//! TODO(coalesce): arrives with the chart-model issue.

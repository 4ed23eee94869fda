//! TODO(yaml): arrives with the chart-model issue.

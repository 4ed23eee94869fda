//! TODO(dependencies): arrives with the chart-model issue.

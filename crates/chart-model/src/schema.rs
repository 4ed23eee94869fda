//! TODO(schema): arrives with the chart-model issue.

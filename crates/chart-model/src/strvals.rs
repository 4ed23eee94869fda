//! TODO(strvals): arrives with the chart-model issue.

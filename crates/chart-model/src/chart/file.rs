//! `File`: one file of a chart, by its path inside the chart and its bytes.

/// A file of a chart: `name` is its slash-separated path inside the chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct File {
    /// The path inside the chart, such as `templates/deployment.yaml`.
    pub name: String,
    /// The file's bytes, which need not be UTF-8.
    pub data: Vec<u8>,
}

impl File {
    /// A file from its path and bytes.
    pub fn new(name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        File { name: name.into(), data: data.into() }
    }
}

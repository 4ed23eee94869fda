//! `File`: one file of a chart, by its path inside the chart and its bytes.

use std::ops::Deref;
use std::sync::Arc;

/// A file of a chart: `name` is its slash-separated path inside the chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct File {
    /// The path inside the chart, such as `templates/deployment.yaml`.
    pub name: String,
    /// The file's bytes, which need not be UTF-8.
    pub data: FileData,
}

impl File {
    /// A file from its path and bytes.
    pub fn new(name: impl Into<String>, data: impl Into<FileData>) -> Self {
        File { name: name.into(), data: data.into() }
    }
}

/// A file's bytes, shared: cloning a chart, or handing its files to a render, copies none.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct FileData(Arc<[u8]>);

impl FileData {
    /// The bytes, shared.
    pub fn shared(&self) -> Arc<[u8]> {
        self.0.clone()
    }
}

impl Deref for FileData {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for FileData {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for FileData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Vec<u8>> for FileData {
    fn from(bytes: Vec<u8>) -> Self {
        FileData(Arc::from(bytes))
    }
}

impl From<&[u8]> for FileData {
    fn from(bytes: &[u8]) -> Self {
        FileData(Arc::from(bytes))
    }
}

impl<const N: usize> From<&[u8; N]> for FileData {
    fn from(bytes: &[u8; N]) -> Self {
        FileData(Arc::from(&bytes[..]))
    }
}

impl From<String> for FileData {
    fn from(text: String) -> Self {
        FileData(Arc::from(text.into_bytes()))
    }
}

impl From<&str> for FileData {
    fn from(text: &str) -> Self {
        FileData(Arc::from(text.as_bytes()))
    }
}

impl From<Arc<[u8]>> for FileData {
    fn from(bytes: Arc<[u8]>) -> Self {
        FileData(bytes)
    }
}

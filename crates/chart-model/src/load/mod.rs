//! Loading charts from a folder, a .tgz archive or a list of files, as Helm's `chart/loader`.
//!
//! Every error is Helm's message where Helm refuses the chart. Where Helm
//! accepts something unsafe (links in archives, several top-level folders),
//! [`LoadOptions`] refuses it by default with a message of our own.

mod archive;
mod content_type;
mod directory;
mod files;
mod glob;
pub mod ignore;
#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::Path;

use crate::chart::{Chart, File};

pub use archive::archive_files;

/// A chart Helm would refuse to load, with Helm's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LoadError {
    message: String,
}

impl LoadError {
    /// An error with Helm's message text.
    pub fn new(message: impl Into<String>) -> Self {
        LoadError { message: message.into() }
    }

    /// The message, as Helm prints it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefixes the message as Go's `errors.Wrap` does: `context: message`.
    pub(crate) fn wrap(self, context: impl std::fmt::Display) -> Self {
        LoadError { message: format!("{context}: {}", self.message) }
    }
}

/// Helm's default cap on a chart's decompressed size (`MaxDecompressedChartSize`, 100 MiB).
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;

/// Helm's default cap on one decompressed file (`MaxDecompressedFileSize`, 5 MiB).
pub const MAX_DECOMPRESSED_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Limits and safety switches for loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Most bytes an archive may decompress to, all files together.
    pub max_chart_size: u64,
    /// Most bytes one file may have, in an archive or a folder.
    pub max_file_size: u64,
    /// Accept symbolic links, hard links and device entries in archives as
    /// Helm does (as empty files). Off by default: they are refused.
    pub allow_archive_links: bool,
    /// Accept archives whose files sit under more than one top-level folder,
    /// as Helm does (it strips the first path element of each). Off by default.
    pub allow_several_top_folders: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_chart_size: MAX_DECOMPRESSED_CHART_SIZE,
            max_file_size: MAX_DECOMPRESSED_FILE_SIZE,
            allow_archive_links: false,
            allow_several_top_folders: false,
        }
    }
}

impl LoadOptions {
    /// Options that accept whatever Helm accepts (links, several top-level folders), with Helm's caps.
    pub fn helm_compatible() -> Self {
        LoadOptions { allow_archive_links: true, allow_several_top_folders: true, ..LoadOptions::default() }
    }
}

/// Loads a chart from a folder or a .tgz archive, as Helm's `loader.Load`.
pub fn load(path: &Path) -> Result<Chart, LoadError> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with explicit limits.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Chart, LoadError> {
    let meta =
        std::fs::metadata(path).map_err(|e| LoadError::new(format!("stat {}: {}", path.display(), os_error(&e))))?;
    if meta.is_dir() { directory::load_dir(path, options) } else { archive::load_file(path, options) }
}

/// Loads a chart from a gzipped tar stream, as Helm's `loader.LoadArchive`.
pub fn from_archive(reader: impl Read, options: &LoadOptions) -> Result<Chart, LoadError> {
    let files = archive_files(reader, options)?;
    files::load_files(files, options)
}

/// Builds a chart from its files (paths inside the chart), as Helm's `loader.LoadFiles`.
pub fn from_files(files: Vec<File>) -> Result<Chart, LoadError> {
    files::load_files(files, &LoadOptions::default())
}

/// [`from_files`] with explicit limits (they apply to subchart archives).
pub fn from_files_with(files: Vec<File>, options: &LoadOptions) -> Result<Chart, LoadError> {
    files::load_files(files, options)
}

/// An OS error as Go prints it (`no such file or directory`), without Rust's `(os error N)`.
pub(crate) fn os_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    // Go's messages start in lower case ("no such file or directory").
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

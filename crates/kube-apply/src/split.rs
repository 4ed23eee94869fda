//! Splitting a YAML stream into documents with Helm's rules (`releaseutil.SplitManifests`).

use std::sync::LazyLock;

use regex::Regex;

/// Helm's separator: `---` at the start of the text or after a newline (and
/// any whitespace before that newline), together with all whitespace after it.
/// `\s` is spelled out because Go's RE2 `\s` is ASCII only.
static SEPARATOR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").ok());

/// Splits a stream of YAML documents as Helm does: the whole text and each
/// document are trimmed of whitespace and empty documents are dropped, in
/// input order. The quirks are Helm's: `----` leaves a `-` in the next
/// document, `--- # c` keeps `# c`, and the whitespace after a separator,
/// indentation included, is eaten.
pub fn split_manifests(stream: &str) -> Vec<String> {
    let text = stream.trim();
    let Some(separator) = SEPARATOR.as_ref() else {
        return vec![text.to_owned()];
    };
    separator.split(text).filter(|piece| !piece.is_empty()).map(|piece| piece.trim().to_owned()).collect()
}

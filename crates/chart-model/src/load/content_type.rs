//! A small part of Go's `http.DetectContentType`, for Helm's "not a gzipped archive" message.

/// The content type Go's sniffer reports for the first 512 bytes of a file
/// (Helm reads them into a zeroed 512-byte buffer, so short files end in zeros).
pub(crate) fn detect(head: &[u8]) -> &'static str {
    let mut buf = [0u8; 512];
    buf[..head.len()].copy_from_slice(head);
    let data = &buf[..];
    let ws = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let start = data.iter().position(|b| !ws(*b)).unwrap_or(data.len());
    let body = &data[start..];
    let lower = |n: usize| body.get(..n).map(<[u8]>::to_ascii_lowercase);
    for tag in [
        "<!doctype html",
        "<html",
        "<head",
        "<script",
        "<iframe",
        "<h1",
        "<div",
        "<font",
        "<table",
        "<a",
        "<style",
        "<title",
        "<b",
        "<body",
        "<br",
        "<p",
        "<!--",
    ] {
        if lower(tag.len()).as_deref() == Some(tag.as_bytes())
            && body.get(tag.len()).is_some_and(|b| *b == b' ' || *b == b'>')
        {
            return "text/html; charset=utf-8";
        }
    }
    if body.starts_with(b"<?xml") {
        return "text/xml; charset=utf-8";
    }
    if data.starts_with(b"%PDF-") {
        return "application/pdf";
    }
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return "image/png";
    }
    if data.starts_with(b"PK\x03\x04") {
        return "application/zip";
    }
    if data.starts_with(b"\x1f\x8b\x08") {
        return "application/x-gzip";
    }
    if data.starts_with(b"BZh") {
        return "application/x-bzip2";
    }
    if data.starts_with(b"\xFE\xFF") || data.starts_with(b"\xFF\xFE") {
        return "text/plain; charset=utf-16";
    }
    if data.starts_with(b"\xEF\xBB\xBF") {
        return "text/plain; charset=utf-8";
    }
    let binary = |b: u8| b <= 0x08 || b == 0x0B || (0x0E..=0x1A).contains(&b) || (0x1C..=0x1F).contains(&b);
    if data.iter().any(|b| binary(*b)) { "application/octet-stream" } else { "text/plain; charset=utf-8" }
}

//! Reading a chart from a gzipped tar archive, as Helm's `LoadArchiveFiles`,
//! with its safety checks and decompression caps.

use std::io::Read;
use std::path::Path;

use crate::chart::{Chart, File};
use crate::load::{LoadError, LoadOptions, content_type, files};
use crate::semver::go_quote;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Loads a chart archive from disk, as Helm's `loader.LoadFile`.
pub(crate) fn load_file(path: &Path, options: &LoadOptions) -> Result<Chart, LoadError> {
    let name = path.display().to_string();
    let open_error = |e: std::io::Error| LoadError::new(format!("open {name}: {}", super::os_error(&e)));
    // The archive is streamed: only its first 512 bytes are read to sniff its type.
    let mut file = std::fs::File::open(path).map_err(open_error)?;
    let mut head = Vec::with_capacity(512);
    (&mut file)
        .take(512)
        .read_to_end(&mut head)
        .map_err(|e| LoadError::new(format!("file '{name}' cannot be read: {}", super::os_error(&e))))?;
    let head = head.as_slice();
    if !head.starts_with(b"\x1F\x8B\x08") {
        let kind = content_type::detect(head);
        if kind != "application/x-gzip" {
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                return Err(LoadError::new(format!(
                    "file '{name}' seems to be a YAML file, but expected a gzipped archive"
                )));
            }
            return Err(LoadError::new(format!("file '{name}' does not appear to be a gzipped archive; got '{kind}'")));
        }
    }
    let data = std::io::Cursor::new(head.to_vec()).chain(file);
    let files = archive_files(data, options).map_err(|e| {
        if e.message() == GZIP_HEADER {
            LoadError::new(format!("file '{name}' does not appear to be a valid chart file (details: {GZIP_HEADER})"))
        } else {
            e
        }
    })?;
    files::load_files(files, options)
}

const GZIP_HEADER: &str = "gzip: invalid header";

/// Reads the files of a chart archive, as Helm's `loader.LoadArchiveFiles`:
/// the first path element (the chart's folder) is dropped, names are
/// cleaned, and entries that would land outside the chart are refused. Stops
/// reading as soon as a size cap is passed.
pub fn archive_files(reader: impl Read, options: &LoadOptions) -> Result<Vec<File>, LoadError> {
    // Go's gzip.NewReader reads the 10-byte header at once, with its own errors.
    let mut reader = reader;
    let mut head = Vec::with_capacity(10);
    (&mut reader).take(10).read_to_end(&mut head).map_err(|e| io_error(&e))?;
    match head.len() {
        0 => return Err(LoadError::new("EOF")),
        1..=9 => return Err(LoadError::new("unexpected EOF")),
        _ if head[..3] != [0x1f, 0x8b, 0x08] => return Err(LoadError::new(GZIP_HEADER)),
        _ => {}
    }
    let input = std::io::BufReader::new(std::io::Cursor::new(head).chain(reader));
    let stream = flate2::bufread::MultiGzDecoder::new(input);
    let mut archive = tar::Archive::new(stream);
    let mut out = Vec::new();
    let mut remaining = options.max_chart_size;
    let mut top: Option<String> = None;
    let entries = archive.entries().map_err(|e| io_error(&e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| io_error(&e))?;
        let header = entry.header();
        let flag = header.as_bytes()[156];
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let mode = header.mode().unwrap_or(0);
        // Go's tar reader takes an old-style entry named with a final slash for a folder.
        let is_dir = flag == b'5' || (mode & 0o170000) == 0o040000 || (flag == 0 && raw_name.ends_with('/'));
        if is_dir || matches!(flag, b'g' | b'x') {
            continue;
        }
        let size = entry.size();
        let delimiter = if raw_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw_name.split(delimiter).collect();
        let n = parts[1..].join("/");
        if n.starts_with('/') {
            return Err(LoadError::new("chart illegally contains absolute paths"));
        }
        let n = go_clean(&n);
        if n == "." {
            return Err(LoadError::new(format!(
                "chart illegally contains content outside the base directory: {}",
                go_quote(&raw_name)
            )));
        }
        if n.starts_with("..") {
            return Err(LoadError::new("chart illegally references parent directory"));
        }
        let b = n.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
            return Err(LoadError::new("chart contains illegally named files"));
        }
        if parts[0] == "Chart.yaml" {
            return Err(LoadError::new("chart yaml not in base directory"));
        }
        // Checks Helm does not make: links and devices would be loaded as
        // empty files, and files from several folders would be merged.
        if !options.allow_archive_links && !matches!(flag, 0 | b'0' | b'7') {
            let what = match flag {
                b'1' => "a hard link",
                b'2' => "a symbolic link",
                _ => "a special file",
            };
            return Err(LoadError::new(format!(
                "chart archive entry {} is {what}, which is not allowed",
                go_quote(&raw_name)
            )));
        }
        if !options.allow_several_top_folders {
            match &top {
                None => top = Some(parts[0].to_owned()),
                Some(t) if t != parts[0] => {
                    return Err(LoadError::new(format!(
                        "chart archive has more than one top-level folder: {} and {}",
                        go_quote(t),
                        go_quote(parts[0])
                    )));
                }
                Some(_) => {}
            }
        }
        if size > remaining {
            return Err(total_too_large(options));
        }
        if size > options.max_file_size {
            return Err(LoadError::new(format!(
                "decompressed chart file {} is larger than the maximum file size {}",
                go_quote(&raw_name),
                options.max_file_size
            )));
        }
        let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 20));
        let written = (&mut entry).take(remaining).read_to_end(&mut data).map_err(|e| io_error(&e))? as u64;
        remaining -= written;
        if written < size || remaining == 0 {
            return Err(total_too_large(options));
        }
        let data = data.strip_prefix(UTF8_BOM).map(<[u8]>::to_vec).unwrap_or(data);
        out.push(File::new(n, data));
    }
    if out.is_empty() {
        return Err(LoadError::new("no files in chart archive"));
    }
    Ok(out)
}

fn total_too_large(options: &LoadOptions) -> LoadError {
    LoadError::new(format!("decompressed chart is larger than the maximum file size {}", options.max_chart_size))
}

/// A read error in Go's words where they are known.
fn io_error(e: &std::io::Error) -> LoadError {
    let text = e.to_string();
    LoadError::new(match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "unexpected EOF",
        _ if text.contains("invalid gzip header") => GZIP_HEADER,
        _ if text.contains("checksum") && text.contains("gzip") => "gzip: invalid checksum",
        _ if text.contains("deflate") => "flate: corrupt input",
        _ => "archive/tar: invalid tar header",
    })
}

/// Go's `path.Clean`.
pub(crate) fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            p => out.push(p),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

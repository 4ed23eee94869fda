//! The parsed form of an index kept in a compact binary file, keyed by the
//! sha256 of the index it came from, so a later load of the same index
//! skips YAML entirely.
//!
//! The format is private to this crate and versioned by its magic; a file
//! that does not decode, or was made from other bytes, is ignored and
//! rewritten, never trusted. Every distinct string is stored once, in a
//! table at the front; the body refers to strings by their index (varints),
//! which keeps the file a fraction of the index's size. Each chart's versions
//! are prefixed by their byte length, so [`CachedIndex`] opens a file by
//! reading only the chart names and decodes a chart's versions when asked
//! (a `repo/chart` lookup touches one chart; a full decode runs on every core).
//!
//! A stamp beside the cache remembers, per index file, its size, times and
//! inode with its sha256, so opening an unchanged index file does not read
//! or hash it at all.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chart_model::chart::Maintainer;
use chart_model::{Dependency, Metadata, Value};

use crate::error::{Error, Result};
use crate::index::{ChartVersion, IndexFile, LoadedIndex, load_index, sha256_hex};

const MAGIC: &[u8; 8] = b"HRIDX\x00\x00\x03";

/// A folder of cached parsed indexes.
#[derive(Debug, Clone)]
pub struct IndexCache {
    dir: PathBuf,
}

impl IndexCache {
    /// A cache in `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        IndexCache { dir: dir.into() }
    }

    /// Where the cache entry for an index with this sha256 lives.
    pub fn path_for(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.idx"))
    }

    /// Loads the index at `path` through the cache (every chart decoded).
    pub fn load_file(&self, path: &Path) -> Result<LoadedIndex> {
        self.open_file(path)?.to_loaded()
    }

    /// Opens the index at `path` through the cache without decoding its charts: an
    /// unchanged file (its stamp matches) is neither read nor hashed; a new one is
    /// loaded, cached and stamped.
    pub fn open_file(&self, path: &Path) -> Result<CachedIndex> {
        if let Some(sha) = self.stamped_sha(path)
            && let Ok(bytes) = std::fs::read(self.path_for(&sha))
            && let Ok(cached) = CachedIndex::decode(bytes, &sha)
        {
            return Ok(cached);
        }
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let sha = sha256_hex(&data);
        let cached = match std::fs::read(self.path_for(&sha)).ok().and_then(|b| CachedIndex::decode(b, &sha).ok()) {
            Some(c) => c,
            None => {
                let loaded = load_index(&data, &path.display().to_string())?;
                let bytes = encode_cached(&loaded, &sha);
                let _ = self.store(&sha, &bytes);
                CachedIndex::decode(bytes, &sha)?
            }
        };
        self.remember(path, &sha);
        Ok(cached)
    }

    /// Loads an index from its bytes through the cache: the cached form when
    /// there is one for these bytes, else a full load that is then cached
    /// (a failure to write the cache is not an error).
    pub fn load(&self, data: &[u8], source: &str) -> Result<LoadedIndex> {
        let sha = sha256_hex(data);
        let path = self.path_for(&sha);
        if let Ok(bytes) = std::fs::read(&path)
            && let Ok(loaded) = CachedIndex::decode(bytes, &sha).and_then(|c| c.to_loaded())
        {
            return Ok(loaded);
        }
        let loaded = load_index(data, source)?;
        let _ = self.store(&sha, &encode_cached(&loaded, &sha));
        Ok(loaded)
    }

    /// Records that the index file at `path`, as it is now on disk, has sha256 `sha`
    /// (a failure to write the stamp is not an error: the next open hashes the file).
    pub fn remember(&self, path: &Path, sha: &str) {
        let Some(key) = file_key(path) else { return };
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let stamp = self.stamp_path(path);
        let previous = std::fs::read_to_string(&stamp).ok().and_then(|t| stamp_sha(&t));
        let tmp = stamp.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, format!("{key}\n{sha}\n")).is_ok() && std::fs::rename(&tmp, &stamp).is_ok() {
            // The parsed form of the file's previous content goes, unless another file still has it.
            if let Some(old) = previous
                && old != sha
                && !self.stamped_shas().contains(&old)
            {
                let _ = std::fs::remove_file(self.path_for(&old));
            }
        }
    }

    /// Every sha256 a stamp in the cache folder records.
    fn stamped_shas(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".stamp"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok().and_then(|t| stamp_sha(&t)))
            .collect()
    }

    /// The sha256 the stamp records for `path`, when the file is unchanged since.
    fn stamped_sha(&self, path: &Path) -> Option<String> {
        let key = file_key(path)?;
        let text = std::fs::read_to_string(self.stamp_path(path)).ok()?;
        (text.split_once('\n')?.0 == key).then(|| stamp_sha(&text)).flatten()
    }

    fn stamp_path(&self, path: &Path) -> PathBuf {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let id = sha256_hex(full.to_string_lossy().as_bytes());
        self.dir.join(format!("{name}.{}.stamp", &id[..16]))
    }

    fn store(&self, sha: &str, bytes: &[u8]) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let path = self.path_for(sha);
        let tmp = self.dir.join(format!(".{sha}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }
}

/// The sha256 a stamp's text records.
fn stamp_sha(text: &str) -> Option<String> {
    let sha = text.split_once('\n')?.1.trim_end();
    (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha.to_string())
}

/// What identifies one version of a file on disk: size, modification and change
/// times (nanoseconds) and inode. Index files are replaced by rename, so a new
/// download has a new inode even within the same clock tick.
#[cfg(unix)]
fn file_key(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(path).ok()?;
    Some(format!(
        "{} {}.{} {}.{} {} {}",
        m.len(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
        m.ino(),
        m.dev()
    ))
}

#[cfg(not(unix))]
fn file_key(_path: &Path) -> Option<String> {
    None
}

/// One chart's place in a cache file: version count, body start, body end.
type ChartSpan = (usize, usize, usize);

/// Decoded charts: name and versions.
type DecodedCharts = Vec<(String, Vec<ChartVersion>)>;

/// A cached index, opened: the index's own fields and the chart names are read,
/// each chart's versions are decoded on demand.
#[derive(Debug, Clone)]
pub struct CachedIndex {
    data: Vec<u8>,
    /// (start, length) of every table string within `data`.
    strings: Vec<(usize, usize)>,
    /// The index with no entries: apiVersion, generated, public keys, annotations.
    header: IndexFile,
    warnings: Vec<String>,
    /// Chart name -> (version count, body start, body end), in name order.
    charts: BTreeMap<String, ChartSpan>,
}

impl CachedIndex {
    /// Opens a cache file's bytes, checking that it was made from an index with sha256 `sha`.
    pub fn decode(data: Vec<u8>, sha: &str) -> Result<CachedIndex> {
        let mut r = Reader { data: &data, pos: 0, strings: &[] };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(Error::Cache("not an index cache file".into()));
        }
        let n = r.len()?;
        if r.take(n)? != sha.as_bytes() {
            return Err(Error::Cache("made from another index".into()));
        }
        let count = r.len()?;
        let mut strings = Vec::with_capacity(count);
        for _ in 0..count {
            let n = r.len()?;
            let start = r.pos;
            std::str::from_utf8(r.take(n)?).map_err(|_| Error::Cache("bad text".into()))?;
            strings.push((start, n));
        }
        let pos = r.pos;
        let mut r = Reader { data: &data, pos, strings: &strings };
        let mut header =
            IndexFile { api_version: r.str()?, generated: r.str()?, public_keys: r.strs()?, ..Default::default() };
        header.annotations = r.map()?;
        let warnings = r.strs()?;
        let n = r.len()?;
        let mut charts = BTreeMap::new();
        for _ in 0..n {
            let name = r.str()?;
            let versions = r.len()?;
            let length = r.len()?;
            let start = r.pos;
            r.take(length)?;
            charts.insert(name, (versions, start, r.pos));
        }
        if r.pos != data.len() {
            return Err(Error::Cache("trailing bytes".into()));
        }
        Ok(CachedIndex { data, strings, header, warnings, charts })
    }

    /// The chart names, in order.
    pub fn chart_names(&self) -> impl Iterator<Item = &str> {
        self.charts.keys().map(String::as_str)
    }

    /// The number of chart versions.
    pub fn version_count(&self) -> usize {
        self.charts.values().map(|c| c.0).sum()
    }

    /// The warnings of the load that made the cache.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The versions of chart `name`, newest first, decoded now; `None` when there is no such chart.
    pub fn chart_versions(&self, name: &str) -> Result<Option<Vec<ChartVersion>>> {
        self.charts.get(name).map(|&(n, start, end)| self.decode_chart(n, start, end)).transpose()
    }

    /// What search reads of each version of chart `name` (no other field is decoded).
    pub(crate) fn search_fields(&self, name: &str) -> Result<Vec<crate::search::SearchFields>> {
        let Some(&(n, start, end)) = self.charts.get(name) else { return Ok(Vec::new()) };
        let mut r = Reader { data: &self.data[..end], pos: start, strings: &self.strings };
        let mut out = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            out.push(r.search_fields()?);
        }
        Ok(out)
    }

    /// The version of chart `name` that `version` selects, as [`IndexFile::get`], decoding that chart only.
    pub fn get(&self, name: &str, version: &str) -> Result<ChartVersion> {
        let versions = self.chart_versions(name)?.ok_or(Error::NoChartName)?;
        let mut one = IndexFile::default();
        one.entries.insert(name.to_string(), versions);
        one.get(name, version).cloned()
    }

    /// Every chart decoded (in parallel on the available cores): the whole index.
    pub fn to_loaded(&self) -> Result<LoadedIndex> {
        let charts: Vec<(&String, &ChartSpan)> = self.charts.iter().collect();
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let decode_all = |part: &[(&String, &ChartSpan)]| -> Result<DecodedCharts> {
            part.iter().map(|&(name, &(n, s, e))| Ok((name.clone(), self.decode_chart(n, s, e)?))).collect()
        };
        let parts: Vec<Result<DecodedCharts>> = if workers == 1 || charts.len() < 64 {
            vec![decode_all(&charts)]
        } else {
            let chunk = charts.len().div_ceil(workers);
            std::thread::scope(|scope| {
                let handles: Vec<_> = charts.chunks(chunk).map(|part| scope.spawn(move || decode_all(part))).collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Err(Error::Cache("decoder panicked".into()))))
                    .collect()
            })
        };
        let mut index = self.header.clone();
        for part in parts {
            index.entries.extend(part?);
        }
        Ok(LoadedIndex { index, warnings: self.warnings.clone() })
    }

    fn decode_chart(&self, n: usize, start: usize, end: usize) -> Result<Vec<ChartVersion>> {
        let mut r = Reader { data: &self.data[..end], pos: start, strings: &self.strings };
        let mut versions = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            versions.push(r.chart_version()?);
        }
        if r.pos != end {
            return Err(Error::Cache("chart length mismatch".into()));
        }
        Ok(versions)
    }
}

/// The binary form of a loaded index made from bytes with sha256 `sha`.
pub fn encode_cached(loaded: &LoadedIndex, sha: &str) -> Vec<u8> {
    let mut w = Writer { body: Vec::with_capacity(1 << 20), table: HashMap::new(), order: Vec::new() };
    let i = &loaded.index;
    w.str(&i.api_version);
    w.str(&i.generated);
    w.strs(&i.public_keys);
    w.map(&i.annotations);
    w.strs(&loaded.warnings);
    w.len(i.entries.len());
    for (name, versions) in &i.entries {
        w.str(name);
        w.len(versions.len());
        // The chart's versions go to a buffer of their own, then in after their length.
        let outer = std::mem::take(&mut w.body);
        for cv in versions {
            w.chart_version(cv);
        }
        let chart = std::mem::replace(&mut w.body, outer);
        w.len(chart.len());
        w.body.extend_from_slice(&chart);
    }
    let mut out = Vec::with_capacity(w.body.len() + w.order.iter().map(|s| s.len() + 2).sum::<usize>() + 128);
    out.extend_from_slice(MAGIC);
    put_varint(&mut out, sha.len() as u64);
    out.extend_from_slice(sha.as_bytes());
    put_varint(&mut out, w.order.len() as u64);
    for s in &w.order {
        put_varint(&mut out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
    out.extend_from_slice(&w.body);
    out
}

/// Reads a whole cache file, checking that it was made from bytes with sha256 `sha`.
pub fn decode_cached(bytes: &[u8], sha: &str) -> Result<LoadedIndex> {
    CachedIndex::decode(bytes.to_vec(), sha)?.to_loaded()
}

struct Writer<'a> {
    body: Vec<u8>,
    table: HashMap<&'a str, u64>,
    order: Vec<&'a str>,
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

impl<'a> Writer<'a> {
    fn len(&mut self, n: usize) {
        put_varint(&mut self.body, n as u64);
    }

    fn str(&mut self, s: &'a str) {
        let next = self.order.len() as u64;
        let id = *self.table.entry(s).or_insert(next);
        if id == next {
            self.order.push(s);
        }
        put_varint(&mut self.body, id);
    }

    fn strs(&mut self, list: &'a [String]) {
        self.len(list.len());
        list.iter().for_each(|s| self.str(s));
    }

    fn map(&mut self, map: &'a BTreeMap<String, String>) {
        self.len(map.len());
        for (k, v) in map {
            self.str(k);
            self.str(v);
        }
    }

    fn chart_version(&mut self, cv: &'a ChartVersion) {
        let md = &cv.metadata;
        for s in [
            &md.name,
            &md.home,
            &md.version,
            &md.description,
            &md.icon,
            &md.api_version,
            &md.condition,
            &md.tags,
            &md.app_version,
            &md.kube_version,
            &md.chart_type,
            &cv.created,
            &cv.digest,
        ] {
            self.str(s);
        }
        self.body.push(u8::from(md.deprecated) | (u8::from(cv.removed) << 1));
        self.strs(&md.sources);
        self.strs(&md.keywords);
        self.strs(&cv.urls);
        self.map(&md.annotations);
        self.len(md.maintainers.len());
        for m in &md.maintainers {
            self.str(&m.name);
            self.str(&m.email);
            self.str(&m.url);
        }
        self.len(md.dependencies.len());
        for d in &md.dependencies {
            self.str(&d.name);
            self.str(&d.version);
            self.str(&d.repository);
            self.str(&d.condition);
            self.str(&d.alias);
            self.body.push(u8::from(d.enabled));
            self.strs(&d.tags);
            self.len(d.import_values.len());
            d.import_values.iter().for_each(|v| self.value(v));
        }
    }

    fn value(&mut self, v: &'a Value) {
        match v {
            Value::Null => self.body.push(0),
            Value::Bool(b) => self.body.extend_from_slice(&[1, u8::from(*b)]),
            Value::Int(n) => {
                self.body.push(2);
                self.body.extend_from_slice(&n.to_le_bytes());
            }
            Value::Int64(n) => {
                self.body.push(3);
                self.body.extend_from_slice(&n.to_le_bytes());
            }
            Value::Float64(f) => {
                self.body.push(4);
                self.body.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::String(s) => {
                self.body.push(5);
                self.str(s);
            }
            Value::List(items) => {
                self.body.push(6);
                self.len(items.len());
                items.iter().for_each(|v| self.value(v));
            }
            Value::Map(map) => {
                self.body.push(7);
                self.len(map.len());
                for (k, v) in map {
                    self.str(k);
                    self.value(v);
                }
            }
        }
    }
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// (start, length) of each table string within `data`.
    strings: &'a [(usize, usize)],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.data.len())
            .ok_or_else(|| Error::Cache("truncated".into()))?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    fn varint(&mut self) -> Result<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(Error::Cache("bad varint".into()))
    }

    fn len(&mut self) -> Result<usize> {
        let n = usize::try_from(self.varint()?).map_err(|_| Error::Cache("bad length".into()))?;
        // Every counted thing takes at least one byte: refuse counts past the end.
        if n > self.data.len() - self.pos {
            return Err(Error::Cache("bad length".into()));
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<String> {
        let id = self.varint()?;
        let bad = || Error::Cache("bad string index".into());
        let &(start, len) = usize::try_from(id).ok().and_then(|i| self.strings.get(i)).ok_or_else(bad)?;
        let bytes = self.data.get(start..start + len).ok_or_else(bad)?;
        std::str::from_utf8(bytes).map(str::to_string).map_err(|_| Error::Cache("bad text".into()))
    }

    fn strs(&mut self) -> Result<Vec<String>> {
        let n = self.len()?;
        (0..n).map(|_| self.str()).collect()
    }

    fn map(&mut self) -> Result<BTreeMap<String, String>> {
        let n = self.len()?;
        (0..n).map(|_| Ok((self.str()?, self.str()?))).collect()
    }

    fn chart_version(&mut self) -> Result<ChartVersion> {
        let mut md = Metadata {
            name: self.str()?,
            home: self.str()?,
            version: self.str()?,
            description: self.str()?,
            icon: self.str()?,
            api_version: self.str()?,
            condition: self.str()?,
            tags: self.str()?,
            app_version: self.str()?,
            kube_version: self.str()?,
            chart_type: self.str()?,
            ..Default::default()
        };
        let created = self.str()?;
        let digest = self.str()?;
        let flags = self.byte()?;
        md.deprecated = flags & 1 != 0;
        md.sources = self.strs()?;
        md.keywords = self.strs()?;
        let urls = self.strs()?;
        md.annotations = self.map()?;
        let n = self.len()?;
        for _ in 0..n {
            md.maintainers.push(Maintainer { name: self.str()?, email: self.str()?, url: self.str()? });
        }
        let n = self.len()?;
        for _ in 0..n {
            let mut d = Dependency {
                name: self.str()?,
                version: self.str()?,
                repository: self.str()?,
                condition: self.str()?,
                alias: self.str()?,
                ..Default::default()
            };
            d.enabled = self.byte()? != 0;
            d.tags = self.strs()?;
            let n = self.len()?;
            for _ in 0..n {
                d.import_values.push(self.value(0)?);
            }
            md.dependencies.push(d);
        }
        Ok(ChartVersion { metadata: md, urls, created, removed: flags & 2 != 0, digest })
    }

    /// A string index, checked but not decoded.
    fn skip_str(&mut self) -> Result<()> {
        let id = self.varint()?;
        usize::try_from(id)
            .ok()
            .filter(|i| *i < self.strings.len())
            .map(|_| ())
            .ok_or_else(|| Error::Cache("bad string index".into()))
    }

    fn skip_strs(&mut self, per_item: usize) -> Result<()> {
        let n = self.len()?;
        for _ in 0..n * per_item {
            self.skip_str()?;
        }
        Ok(())
    }

    /// A chart version read as [`Self::chart_version`] does, keeping only what search reads.
    fn search_fields(&mut self) -> Result<crate::search::SearchFields> {
        let name = self.str()?;
        self.skip_str()?;
        let version = self.str()?;
        let description = self.str()?;
        for _ in 0..9 {
            self.skip_str()?;
        }
        self.byte()?;
        self.skip_strs(1)?;
        let keywords = self.strs()?;
        self.skip_strs(1)?;
        self.skip_strs(2)?;
        self.skip_strs(3)?;
        let n = self.len()?;
        for _ in 0..n {
            for _ in 0..5 {
                self.skip_str()?;
            }
            self.byte()?;
            self.skip_strs(1)?;
            let n = self.len()?;
            for _ in 0..n {
                self.value(0)?;
            }
        }
        Ok(crate::search::SearchFields { name, version, description, keywords })
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        if depth > 1000 {
            return Err(Error::Cache("too deep".into()));
        }
        Ok(match self.byte()? {
            0 => Value::Null,
            1 => Value::Bool(self.byte()? != 0),
            2 => Value::Int(self.u64()? as i64),
            3 => Value::Int64(self.u64()? as i64),
            4 => Value::Float64(f64::from_bits(self.u64()?)),
            5 => Value::String(self.str()?),
            6 => {
                let n = self.len()?;
                Value::List((0..n).map(|_| self.value(depth + 1)).collect::<Result<_>>()?)
            }
            7 => {
                let n = self.len()?;
                Value::Map((0..n).map(|_| Ok((self.str()?, self.value(depth + 1)?))).collect::<Result<_>>()?)
            }
            _ => return Err(Error::Cache("bad value tag".into())),
        })
    }
}

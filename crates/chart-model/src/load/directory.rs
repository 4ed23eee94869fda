//! Loading a chart from a folder, as Helm's `loader.LoadDir`: a sorted walk
//! that follows symbolic links and honours .helmignore.

use std::fs;
use std::path::{Path, PathBuf};

use crate::chart::{Chart, File};
use crate::load::ignore::{HELM_IGNORE, Rules};
use crate::load::{LoadError, LoadOptions, files, os_error};
use crate::semver::go_quote;

/// What the walk callback tells the walker, as Go's `filepath.SkipDir`.
enum Step {
    Continue,
    SkipDir,
}

struct Walk<'a> {
    top: String,
    rules: Rules,
    options: &'a LoadOptions,
    files: Vec<File>,
    /// Canonical folders on the current path, to stop at a link back to an ancestor
    /// (Helm would recurse forever).
    stack: Vec<PathBuf>,
}

/// `LoadDir`.
pub(crate) fn load_dir(dir: &Path, options: &LoadOptions) -> Result<Chart, LoadError> {
    let top = std::path::absolute(dir).map_err(|e| LoadError::new(os_error(&e)))?;
    let top = super::archive::go_clean(&top.to_string_lossy());
    let mut rules = Rules::empty();
    let ifile = format!("{top}/{HELM_IGNORE}");
    if fs::metadata(&ifile).is_ok() {
        let data = fs::read(&ifile).map_err(|e| LoadError::new(format!("open {ifile}: {}", os_error(&e))))?;
        rules = Rules::parse(&data).map_err(|e| LoadError::new(e.to_string()))?;
    }
    rules.add_defaults();
    let mut walk = Walk { top: format!("{top}/"), rules, options, files: Vec::new(), stack: Vec::new() };
    let root = PathBuf::from(&walk.top);
    let meta = fs::metadata(&root).map_err(|e| LoadError::new(format!("lstat {}: {}", walk.top, os_error(&e))))?;
    walk.symwalk(&root, &meta)?;
    files::load_files(walk.files, options)
}

impl Walk<'_> {
    fn symwalk(&mut self, path: &Path, meta: &fs::Metadata) -> Result<Step, LoadError> {
        if meta.file_type().is_symlink() {
            let resolved = fs::canonicalize(path).map_err(|e| {
                LoadError::new(format!(
                    "error evaluating symlink {}: lstat {}: {}",
                    path.display(),
                    link_target(path).display(),
                    os_error(&e)
                ))
            })?;
            let info = fs::symlink_metadata(&resolved)
                .map_err(|e| LoadError::new(format!("lstat {}: {}", resolved.display(), os_error(&e))))?;
            self.symwalk(path, &info)?;
            return Ok(Step::Continue);
        }
        if let Step::SkipDir = self.visit(path, meta)? {
            return Ok(Step::SkipDir);
        }
        if !meta.is_dir() {
            return Ok(Step::Continue);
        }
        let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.stack.contains(&canonical) {
            return Err(LoadError::new(format!(
                "chart contains a symbolic link loop at {}",
                go_quote(&path.display().to_string())
            )));
        }
        let mut names: Vec<String> = fs::read_dir(path)
            .map_err(|e| LoadError::new(format!("open {}: {}", path.display(), os_error(&e))))?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        self.stack.push(canonical);
        for name in names {
            let child = path.join(&name);
            let info = fs::symlink_metadata(&child)
                .map_err(|e| LoadError::new(format!("lstat {}: {}", child.display(), os_error(&e))))?;
            self.symwalk(&child, &info)?;
        }
        self.stack.pop();
        Ok(Step::Continue)
    }

    /// Helm's walk callback: skip ignored folders and files, refuse irregular and oversized files.
    fn visit(&mut self, path: &Path, meta: &fs::Metadata) -> Result<Step, LoadError> {
        let full = path.to_string_lossy();
        let n = full.strip_prefix(self.top.as_str()).unwrap_or(&full).to_owned();
        if n.is_empty() || format!("{n}/") == self.top || full == self.top.trim_end_matches('/') {
            return Ok(Step::Continue);
        }
        if meta.is_dir() {
            return Ok(if self.rules.ignore(&n, true) { Step::SkipDir } else { Step::Continue });
        }
        if self.rules.ignore(&n, false) {
            return Ok(Step::Continue);
        }
        if !meta.file_type().is_file() {
            return Err(LoadError::new(format!("cannot load irregular file {full} as it has file mode type bits set")));
        }
        if meta.len() > self.options.max_file_size {
            let base = fs::canonicalize(path)
                .ok()
                .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
                .unwrap_or_else(|| n.rsplit('/').next().unwrap_or(&n).to_owned());
            return Err(LoadError::new(format!(
                "chart file {} is larger than the maximum file size {}",
                go_quote(&base),
                self.options.max_file_size
            )));
        }
        let data =
            fs::read(path).map_err(|e| LoadError::new(format!("error reading {n}: open {full}: {}", os_error(&e))))?;
        let data = data.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(data);
        self.files.push(File::new(n, data));
        Ok(Step::Continue)
    }
}

/// Where a dangling link points, for Go's "lstat TARGET" message.
fn link_target(path: &Path) -> PathBuf {
    match fs::read_link(path) {
        Ok(t) if t.is_absolute() => t,
        Ok(t) => {
            let joined = path.parent().unwrap_or(Path::new("/")).join(t);
            PathBuf::from(super::archive::go_clean(&joined.to_string_lossy()))
        }
        Err(_) => path.to_path_buf(),
    }
}

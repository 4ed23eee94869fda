//! Helm's chart renderer (`engine.Render`): one template set over a chart and its enabled
//! subcharts, each template executed with its own chart's scoped values, `.Chart`, `.Files`,
//! `.Release`, `.Capabilities`, `.Template` and `.Subcharts`; partials produce nothing;
//! `<no value>` is removed from every output; errors are rewritten as Helm rewrites them.
//! Templates execute in parallel; the result does not depend on scheduling.

mod capabilities;
mod chart_object;
mod cleanup;
mod files;
mod glob;
mod keys;
pub mod objects;
mod parse_cache;
mod values_type;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use chart_model::Chart;
use memchr::memmem::Finder;

use crate::error::{Error, Result};
use crate::exec::{MissingKey, TemplateSet};
use crate::helm::{HelmHost, Lookup};
use crate::parse::ParseOptions;
use crate::registry::FuncMap;
use crate::value::{Map, SharedMap, Value};
use keys::KEYS;

pub use capabilities::{Capabilities, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, HelmVersion, KubeVersion};
pub use chart_object::ChartObject;
pub use cleanup::{cleanup_exec_error, cleanup_parse_error};
pub use files::Files;
pub use glob::Glob;
pub use parse_cache::{DEFAULT_PARSE_CACHE_BYTES, ParseCache};
pub use values_type::{VALUES, ValuesType};

/// `.Release` as a render sees it (Helm's `chartutil.ReleaseOptions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseOptions {
    /// The release name (`helm template` uses `release-name`).
    pub name: String,
    /// The namespace.
    pub namespace: String,
    /// The revision (1 for an install).
    pub revision: i64,
    /// An upgrade rather than an install.
    pub is_upgrade: bool,
}

impl Default for ReleaseOptions {
    fn default() -> Self {
        ReleaseOptions {
            name: "release-name".to_owned(),
            namespace: "default".to_owned(),
            revision: 1,
            is_upgrade: false,
        }
    }
}

/// How to render.
#[derive(Clone, Default)]
pub struct RenderOptions {
    /// `.Release`.
    pub release: ReleaseOptions,
    /// `.Capabilities`.
    pub capabilities: Capabilities,
    /// Strict mode (`missingkey=error`), as `helm lint --strict`.
    pub strict: bool,
    /// Lint mode: `required` and `fail` do not fail.
    pub lint_mode: bool,
    /// Let `getHostByName` resolve names.
    pub enable_dns: bool,
    /// Where `lookup` reads the cluster; `None` answers an empty map, as `helm template` does.
    pub lookup: Option<Arc<dyn Lookup>>,
    /// 1 executes templates on the calling thread; more than 1 on the process's worker pool
    /// (one thread per core; `RAYON_NUM_THREADS` sets another count); 0 uses the pool for charts
    /// large enough to repay it. Templates always parse on the calling thread.
    pub threads: usize,
    /// The function map; `None` is Helm's ([`crate::helm::func_map`]).
    pub funcs: Option<Arc<FuncMap>>,
    /// Where parsed template files are kept for later renders of the same text; `None`
    /// parses every file on every render, as Helm does.
    pub parse_cache: Option<Arc<ParseCache>>,
}

impl std::fmt::Debug for RenderOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderOptions")
            .field("release", &self.release)
            .field("capabilities", &self.capabilities)
            .field("strict", &self.strict)
            .field("lint_mode", &self.lint_mode)
            .field("enable_dns", &self.enable_dns)
            .field("lookup", &self.lookup.is_some())
            .field("threads", &self.threads)
            .field("parse_cache", &self.parse_cache)
            .finish_non_exhaustive()
    }
}

/// Renders a chart whose dependencies have been processed, with `values` the coalesced
/// `.Values` of the top chart (Helm's `ToRenderValues`), as Helm's `engine.Render`: the map
/// from template path (`mychart/templates/svc.yaml`, `mychart/charts/sub/templates/x.yaml`)
/// to its output. Partials are absent; NOTES.txt files are present, as in Helm.
pub fn render(chart: &Chart, values: &chart_model::Map, options: &RenderOptions) -> Result<BTreeMap<String, String>> {
    let funcs = options.funcs.clone().unwrap_or_else(helm_funcs);
    let top_values = values_type::chart_values(values, chart);
    let mut collected = Vec::new();
    let common = Common { release: release_value(&options.release), capabilities: options.capabilities.shared_value() };
    collect(chart, None, &top_values, true, &common, &mut collected);

    // Helm parses and executes in this order: deepest paths first, then reverse lexical order.
    let depths: Vec<usize> = collected.iter().map(|t| t.name.bytes().filter(|&b| b == b'/').count()).collect();
    let mut order: Vec<usize> = (0..collected.len()).collect();
    order.sort_unstable_by(|&a, &b| depths[b].cmp(&depths[a]).then_with(|| collected[b].name.cmp(&collected[a].name)));

    let mut set = TemplateSet::with_shared_funcs(funcs.clone());
    set.set_name("gotpl");
    set.set_missing_key(if options.strict { MissingKey::Error } else { MissingKey::Zero });
    set.set_host(Arc::new(HelmHost {
        strict: options.strict,
        lint_mode: options.lint_mode,
        enable_dns: options.enable_dns,
        lookup: options.lookup.clone(),
    }));
    let jobs: Vec<usize> = order.iter().copied().filter(|&i| !is_partial(&collected[i].name)).collect();
    let threads = thread_count(options.threads, &collected, &jobs);
    // Trees join the set in Helm's order, so redefinitions resolve as Helm resolves them. Files
    // parse on this thread: one parses in a microsecond or two, less than handing it to another
    // thread costs.
    let names: &FuncMap = &funcs;
    let parse_options = ParseOptions { left_delim: "", right_delim: "", functions: names };
    for &i in &order {
        let t = &collected[i];
        let trees = match &options.parse_cache {
            Some(cache) => cache.parse(&t.name, &t.text, names),
            None => crate::parse::parse(&t.name, &t.text, &parse_options)
                .map(|trees| trees.into_iter().map(Arc::new).collect()),
        };
        match trees {
            Ok(trees) => trees.into_iter().for_each(|tree| set.add_shared_tree(tree)),
            Err(e) => return Err(Error::Render(cleanup_parse_error(&t.name, &e.to_string()))),
        }
    }

    // Helm executes one template after another over shared maps: a template that changes
    // them (Sprig's set, unset, merge...) is seen by the later ones. Such charts run in
    // Helm's order on the shared maps; the others run in parallel on per-template copies.
    let results = if changes_shared_maps(&collected, values, chart) {
        execute_in_order(&set, &collected, &jobs)
    } else {
        execute_all(&set, &collected, &jobs, threads)
    };
    let mut rendered = BTreeMap::new();
    let mut collected = collected;
    for (&i, result) in jobs.iter().zip(results) {
        // Each template runs once: its name moves into the result.
        let name = std::mem::take(&mut collected[i].name);
        match result {
            Ok(out) => {
                let out = if contains(&out, &NO_VALUE) { out.replace("<no value>", "") } else { out };
                rendered.insert(name, out);
            }
            Err(e) => return Err(Error::Render(cleanup_exec_error(&name, &e))),
        }
    }
    Ok(rendered)
}

/// Helm's function map, built once per process.
fn helm_funcs() -> Arc<FuncMap> {
    static FUNCS: std::sync::OnceLock<Arc<FuncMap>> = std::sync::OnceLock::new();
    FUNCS.get_or_init(|| Arc::new(crate::helm::func_map())).clone()
}

/// Everything `helm template` does before rendering: dependencies processed against the
/// user's values, values coalesced and checked against schemas, then [`render`].
pub fn render_chart(
    chart: &Chart,
    user_values: &chart_model::Map,
    options: &RenderOptions,
) -> Result<BTreeMap<String, String>> {
    let mut chart = chart.clone();
    chart_model::dependencies::process_dependencies(&mut chart, user_values, &Default::default())
        .map_err(|e| Error::Values(e.to_string()))?;
    let values = chart_model::coalesce::render_values(&chart, user_values, &Default::default())
        .map_err(|e| Error::Values(e.to_string()))?;
    render(&chart, &values.values, options)
}

fn is_partial(name: &str) -> bool {
    name.rsplit('/').next().is_some_and(|base| base.starts_with('_'))
}

struct Common {
    release: Value,
    capabilities: Value,
}

/// One template to parse: its path, text (borrowed from the chart when it is UTF-8), and the
/// dot its chart gives it.
struct Collected<'c> {
    name: String,
    text: Cow<'c, str>,
    base_path: Arc<str>,
    dot: Arc<SharedMap>,
}

fn release_value(r: &ReleaseOptions) -> Value {
    let mut m = Map::new();
    m.insert(KEYS.name.clone(), Value::string(&r.name));
    m.insert(KEYS.namespace.clone(), Value::string(&r.namespace));
    m.insert(KEYS.is_upgrade.clone(), Value::Bool(r.is_upgrade));
    m.insert(KEYS.is_install.clone(), Value::Bool(!r.is_upgrade));
    m.insert(KEYS.revision.clone(), Value::Int(r.revision));
    m.insert(KEYS.service.clone(), Value::string("Helm"));
    Value::map(m)
}

/// Helm's `Values.Table("Values." + name)`: the map at that dotted path, if it is one.
fn table(values: &Value, name: &str) -> Option<Value> {
    let mut v = values.clone();
    for part in name.split('.') {
        let next = match &v {
            Value::Map(m) => m.get(part)?,
            _ => return None,
        };
        v = next;
    }
    matches!(v, Value::Map(_)).then_some(v)
}

/// Helm's `recAllTpls`: the chart's dot, its subcharts' first (for `.Subcharts`), and its templates.
fn collect<'c>(
    chart: &'c Chart,
    parent_path: Option<&str>,
    parent_values: &Value,
    is_root: bool,
    common: &Common,
    out: &mut Vec<Collected<'c>>,
) -> Value {
    let values = if is_root {
        parent_values.clone()
    } else {
        table(parent_values, chart.name()).unwrap_or_else(|| values_type::values_map(Map::new()))
    };
    let full_path = chart.full_path(parent_path);
    let mut subcharts = Map::new();
    for child in &chart.dependencies {
        let sub = collect(child, Some(&full_path), &values, false, common, out);
        subcharts.insert(Arc::from(child.name()), sub);
    }
    let mut dot = Map::new();
    dot.insert(KEYS.chart.clone(), Value::object(ChartObject::new(&chart.metadata, is_root)));
    dot.insert(KEYS.files.clone(), Value::object(Files::new(&chart.files)));
    dot.insert(KEYS.release.clone(), common.release.clone());
    dot.insert(KEYS.capabilities.clone(), common.capabilities.clone());
    dot.insert(KEYS.values.clone(), values);
    dot.insert(KEYS.subcharts.clone(), Value::map(subcharts));
    let dot = Arc::new(SharedMap::new(dot));
    let base_path: Arc<str> = Arc::from(format!("{full_path}/templates"));
    let library = chart.metadata.chart_type.eq_ignore_ascii_case("library");
    for t in &chart.templates {
        if library && !is_partial(&t.name) {
            continue;
        }
        out.push(Collected {
            name: join_path(&full_path, &t.name),
            // `from_utf8` checks ASCII a word at a time; the lossy decoder only runs on bad input.
            text: std::str::from_utf8(&t.data).map_or_else(|_| String::from_utf8_lossy(&t.data), Cow::Borrowed),
            base_path: base_path.clone(),
            dot: dot.clone(),
        });
    }
    Value::Map(dot)
}

/// Go's `path.Join` for a chart path and a template name (names are already clean).
fn join_path(a: &str, b: &str) -> String {
    let clean = |s: &str| !s.is_empty() && s.split('/').all(|part| !matches!(part, "" | "." | ".."));
    if clean(a) && clean(b) {
        // Nothing for `Join` to remove: the two joined by a slash.
        let mut joined = String::with_capacity(a.len() + 1 + b.len());
        joined.push_str(a);
        joined.push('/');
        joined.push_str(b);
        return joined;
    }
    let joined = format!("{a}/{b}");
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Below this many templates to execute, a render runs on the calling thread.
const PARALLEL_MIN_TEMPLATES: usize = 256;
/// Below this much template text, a render runs on the calling thread.
const PARALLEL_MIN_BYTES: usize = 128 * 1024;

/// Substring searches built once (vectorised; `str::contains` is several times slower here).
static NO_VALUE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("<no value>"));
static SET: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("set"));
static MERGE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("merge"));
static TPL: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("tpl"));

fn contains(text: &str, finder: &Finder<'_>) -> bool {
    finder.find(text.as_bytes()).is_some()
}

/// The functions that change a map they are given.
const MAP_WRITERS: &[&str] = &["set", "unset", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite"];

fn mentions_writer(text: &str) -> bool {
    // Most templates contain neither word: a fast substring search rules them out.
    if !contains(text, &SET) && !contains(text, &MERGE) {
        return false;
    }
    // One pass over the identifiers of the text.
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        let word = &bytes[start..i];
        if matches!(word.first(), Some(b's' | b'u' | b'm')) && MAP_WRITERS.iter().any(|w| w.as_bytes() == word) {
            return true;
        }
    }
    false
}

fn strings_mention_writer(v: &chart_model::Value) -> bool {
    match v {
        chart_model::Value::String(s) => s.contains("{{") && mentions_writer(s),
        chart_model::Value::List(l) => l.iter().any(strings_mention_writer),
        chart_model::Value::Map(m) => m.values().any(strings_mention_writer),
        _ => false,
    }
}

/// Whether any template (or, through `tpl`, any values string or chart file) may change a shared map.
fn changes_shared_maps(collected: &[Collected<'_>], values: &chart_model::Map, chart: &Chart) -> bool {
    let mut uses_tpl = false;
    for t in collected {
        if mentions_writer(&t.text) {
            return true;
        }
        uses_tpl = uses_tpl || contains(&t.text, &TPL);
    }
    uses_tpl && (values.values().any(strings_mention_writer) || files_mention_writer(chart))
}

fn files_mention_writer(chart: &Chart) -> bool {
    chart.files.iter().any(|f| std::str::from_utf8(&f.data).is_ok_and(|t| t.contains("{{") && mentions_writer(t)))
        || chart.dependencies.iter().any(files_mention_writer)
}

fn template_value(t: &Collected<'_>) -> Value {
    let mut template = Map::new();
    template.insert(KEYS.name.clone(), Value::string(&t.name));
    template.insert(KEYS.base_path.clone(), Value::String(t.base_path.clone()));
    values_type::values_map(template)
}

/// Helm's loop: each template's chart map gets `Template` set, then the template runs on it.
fn execute_in_order(set: &TemplateSet, collected: &[Collected<'_>], jobs: &[usize]) -> Vec<Result<String>> {
    let mut results = Vec::with_capacity(jobs.len());
    for &i in jobs {
        let t = &collected[i];
        t.dot.insert(KEYS.template.clone(), template_value(t));
        let result = set.execute(&t.name, &Value::Map(t.dot.clone()));
        let failed = result.is_err();
        results.push(result);
        if failed {
            break;
        }
    }
    results
}

fn execute_one(set: &TemplateSet, t: &Collected<'_>, template: Value) -> Result<String> {
    let mut dot = t.dot.snapshot();
    dot.insert(KEYS.template.clone(), template);
    set.execute(&t.name, &values_type::values_map(dot))
}

/// How many threads a render uses: `requested`, or (0) the machine's parallelism for charts
/// with enough templates and text to repay starting threads.
fn thread_count(requested: usize, collected: &[Collected<'_>], jobs: &[usize]) -> usize {
    if requested != 0 {
        return requested;
    }
    // Handing work to other cores costs tens of microseconds on a small VM (waking threads,
    // moving the data): on 2 vCPUs, charts of 8 templates and 9 KiB of text and of 18 templates
    // and 15 KiB got 1.1-1.3x slower split in two, and since templates execute in about 6 µs
    // each, so did a chart of 60 templates and 24 KiB (0.53-0.59 ms instead of 0.44).
    let text: usize = collected.iter().map(|t| t.text.len()).sum();
    if jobs.len() < PARALLEL_MIN_TEMPLATES || text < PARALLEL_MIN_BYTES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Runs `f(0..n)`, on the process's worker pool (rayon's, whose threads stay up between
/// renders: starting a thread costs about 30 µs on a small VM, waking one a few) when `threads`
/// > 1; results in index order. A panicking job yields `None`.
fn run_jobs<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<Option<T>> {
    if threads.min(n) <= 1 {
        return (0..n).map(|k| Some(f(k))).collect();
    }
    use rayon::prelude::*;
    (0..n)
        .into_par_iter()
        .with_max_len(1)
        .map(|k| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(k))).ok())
        .collect()
}

/// Runs templates that change no shared map in parallel, each on a copy of its chart's map.
/// Every chart map first gets the `Template` it holds when Helm runs the parent's templates
/// (that of its last template; subcharts run before their parents), for `.Subcharts`.
fn execute_all(set: &TemplateSet, collected: &[Collected<'_>], jobs: &[usize], threads: usize) -> Vec<Result<String>> {
    let templates: Vec<Value> = jobs.iter().map(|&i| template_value(&collected[i])).collect();
    // Only the last value set in each chart map stays: set that one alone.
    let mut done: Vec<&Arc<SharedMap>> = Vec::new();
    for (k, &i) in jobs.iter().enumerate().rev() {
        let dot = &collected[i].dot;
        if !done.iter().any(|d| Arc::ptr_eq(d, dot)) {
            dot.insert(KEYS.template.clone(), templates[k].clone());
            done.push(dot);
        }
    }
    run_jobs(jobs.len(), threads, |k| execute_one(set, &collected[jobs[k]], templates[k].clone()))
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| Err(Error::Render("rendering template failed: a worker thread panicked".to_owned())))
        })
        .collect()
}

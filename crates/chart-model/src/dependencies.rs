//! Dependency processing as Helm's `chartutil.ProcessDependenciesWithMerge`:
//! aliases, tags and conditions decide which subcharts stay; disabled ones
//! are removed; import-values copy subchart values into their parents.

use crate::chart::{Chart, Dependency};
use crate::coalesce::heap::{Id, Slot};
use crate::coalesce::{CoalesceError, CoalesceOptions, Run, coalesce_values, go_v};
use crate::semver::{Constraints, Version};
use crate::strvals::quote::go_quote;
use crate::value::{Map, Value};

/// How dependencies are processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessOptions {
    /// Keep nulls while importing values (`ProcessDependenciesWithMerge`,
    /// what installs and upgrades use); false is the older `ProcessDependencies`.
    pub keep_nulls: bool,
}

impl Default for ProcessOptions {
    fn default() -> Self {
        ProcessOptions { keep_nulls: true }
    }
}

/// An error from dependency processing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DependencyError {
    /// Coalescing values to evaluate conditions failed.
    #[error(transparent)]
    Coalesce(#[from] CoalesceError),
    /// Dependencies named in Chart.yaml are not in charts/ (Helm's
    /// `action.CheckDependencies`, run by install and upgrade).
    #[error("found in Chart.yaml, but missing in charts/ directory: {}", .0.join(", "))]
    Missing(Vec<String>),
}

/// Processes `chart`'s dependencies against the user's `values`, as Helm's
/// `ProcessDependenciesWithMerge`, and returns the warnings Helm logs.
///
/// Subcharts disabled by a condition or tags are removed from
/// `chart.dependencies` and `metadata.dependencies`; aliased subcharts become
/// renamed copies; import-values are merged into each parent's values.
/// Dependencies missing from charts/ are skipped, as Helm skips them here
/// (see [`check_dependencies`] for the check install makes first).
pub fn process_dependencies(
    chart: &mut Chart,
    values: &Map,
    options: &ProcessOptions,
) -> Result<Vec<String>, DependencyError> {
    let mut warnings = Vec::new();
    process_enabled(chart, values, "", &mut warnings)?;
    process_import_values(chart, options.keep_nulls, &mut warnings)?;
    Ok(warnings)
}

/// Helm's `action.CheckDependencies`: every dependency in Chart.yaml must be
/// a chart in charts/ (by name; an alias may rename it).
pub fn check_dependencies(chart: &Chart) -> Result<(), DependencyError> {
    let missing: Vec<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.clone())
        .collect();
    if missing.is_empty() { Ok(()) } else { Err(DependencyError::Missing(missing)) }
}

/// Helm's `IsCompatibleRange`: whether `version` satisfies the constraint.
fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let (Ok(c), Ok(v)) = (Constraints::parse(constraint), Version::parse(version)) else {
        return false;
    };
    c.check(&v)
}

/// Helm's `getAliasDependency`: the first subchart matching the dependency by
/// name and version, renamed to its alias.
fn alias_dependency(charts: &[Chart], dep: &Dependency) -> Option<Chart> {
    let found =
        charts.iter().find(|c| c.name() == dep.name && is_compatible_range(&dep.version, &c.metadata.version))?;
    let mut out = found.clone();
    if !dep.alias.is_empty() {
        out.metadata.name = dep.alias.clone();
    }
    Some(out)
}

/// Helm's `processDependencyEnabled`.
fn process_enabled(
    chart: &mut Chart,
    values: &Map,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<(), DependencyError> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut chart.dependencies);
    // Subcharts that no Chart.yaml entry claims are kept as they are.
    let mut chart_deps: Vec<Chart> = existing
        .iter()
        .filter(|e| {
            !chart
                .metadata
                .dependencies
                .iter()
                .any(|r| e.name() == r.name && is_compatible_range(&r.version, &e.metadata.version))
        })
        .cloned()
        .collect();
    for req in &mut chart.metadata.dependencies {
        if let Some(c) = alias_dependency(&existing, req) {
            chart_deps.push(c);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    chart.dependencies = chart_deps;
    for req in &mut chart.metadata.dependencies {
        req.enabled = true;
    }
    let coalesced = coalesce_values(chart, values, &CoalesceOptions::default())?;
    warnings.extend(coalesced.warnings);
    let cvals = coalesced.values;
    process_tags(&mut chart.metadata.dependencies, &cvals, warnings);
    process_conditions(&mut chart.metadata.dependencies, &cvals, path, warnings);

    let removed: Vec<String> =
        chart.metadata.dependencies.iter().filter(|r| !r.enabled).map(|r| r.name.clone()).collect();
    chart.dependencies.retain(|c| !removed.iter().any(|n| n == c.name()));
    chart.metadata.dependencies.retain(|r| !removed.contains(&r.name));
    for sub in &mut chart.dependencies {
        let subpath = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &subpath, warnings)?;
    }
    Ok(())
}

/// Helm's `processDependencyTags`: a subchart with a false tag and no true
/// one is disabled; tags that are not booleans are warned about.
fn process_tags(reqs: &mut [Dependency], cvals: &Map, warnings: &mut Vec<String>) {
    let Some(tags) = table(cvals, "tags") else { return };
    for r in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            match tags.get(k) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => warnings.push(format!("Warning: Tag '{k}' for chart {} returned non-bool value", r.name)),
                None => {}
            }
        }
        r.enabled = has_true || !has_false;
    }
}

/// Helm's `processDependencyConditions`: the first condition path that
/// holds a bool decides.
fn process_conditions(reqs: &mut [Dependency], cvals: &Map, path: &str, warnings: &mut Vec<String>) {
    for r in reqs {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            match path_value(cvals, &format!("{path}{c}")) {
                Some(Value::Bool(b)) => {
                    r.enabled = *b;
                    break;
                }
                Some(_) => {
                    warnings.push(format!("Warning: Condition path '{c}' for chart {} returned non-bool value", r.name))
                }
                None => {}
            }
        }
    }
}

/// Helm's `Values.Table`: the map at a dotted path.
fn table<'a>(values: &'a Map, name: &str) -> Option<&'a Map> {
    let mut t = values;
    for part in name.split('.') {
        t = t.get(part)?.as_map()?;
    }
    Some(t)
}

/// Helm's `Values.PathValue`: the non-map value at a dotted path (nil included).
fn path_value<'a>(values: &'a Map, path: &str) -> Option<&'a Value> {
    let (parent, key) = match path.rsplit_once('.') {
        Some((parent, key)) => (table(values, parent)?, key),
        None => (values, path),
    };
    parent.get(key).filter(|v| !matches!(v, Value::Map(_)))
}

/// Helm's `processDependencyImportValues`: children first, then this chart.
fn process_import_values(chart: &mut Chart, merge: bool, warnings: &mut Vec<String>) -> Result<(), DependencyError> {
    for sub in &mut chart.dependencies {
        process_import_values(sub, merge, warnings)?;
    }
    import_values(chart, merge, warnings)
}

/// Helm's `processImportValues`: merges each dependency's import-values
/// into this chart's values, under the chart's own values.
fn import_values(chart: &mut Chart, merge: bool, warnings: &mut Vec<String>) -> Result<(), DependencyError> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let mut run = Run::default();
    let cvals = run.heap.new_map();
    run.coalesce(chart, cvals, "", merge)?;
    let mut b = run.heap.new_map();
    for r in &mut chart.metadata.dependencies {
        let mut outiv = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Map(iv) => {
                    let child = go_v(iv.get("child").unwrap_or(&Value::Null));
                    let parent = go_v(iv.get("parent").unwrap_or(&Value::Null));
                    outiv.push(import_entry(&child, &parent));
                    let vv = match heap_table(&mut run, cvals, &format!("{}.{child}", r.name)) {
                        Ok(id) => id,
                        Err(key) => {
                            run.warnings.push(format!(
                                "Warning: ImportValues missing table from chart {}: {} is not a table",
                                r.name,
                                go_quote(&key)
                            ));
                            continue;
                        }
                    };
                    let src = path_to_map(&mut run, &parent, vv);
                    run.coalesce_tables(b, src, "", merge);
                }
                Value::String(iv) => {
                    let child = format!("exports.{iv}");
                    outiv.push(import_entry(&child, "."));
                    let vm = match heap_table(&mut run, cvals, &format!("{}.{child}", r.name)) {
                        Ok(id) => id,
                        Err(key) => {
                            run.warnings.push(format!(
                                "Warning: ImportValues missing table: {} is not a table",
                                go_quote(&key)
                            ));
                            continue;
                        }
                    };
                    run.coalesce_tables(b, vm, "", merge);
                }
                // Helm ignores other forms, and drops them from the list.
                _ => {}
            }
        }
        r.import_values = outiv;
    }
    // The parent's own values win over what it imports.
    let cvals = if merge {
        run.heap.deep_copy(cvals)
    } else {
        let trimmed = trim_nil_values(&run.heap.export_map(cvals));
        run.heap.import_map(&trimmed)
    };
    run.coalesce_tables(cvals, b, "", merge);
    b = cvals;
    chart.values = run.heap.export_map(b);
    warnings.append(&mut run.warnings);
    Ok(())
}

fn import_entry(child: &str, parent: &str) -> Value {
    let mut m = Map::new();
    m.insert("child".to_owned(), Value::from(child));
    m.insert("parent".to_owned(), Value::from(parent));
    Value::Map(m)
}

/// `Values.Table(name).AsMap()` on shared maps: the table itself (shared),
/// or a fresh map when it is empty; the failing key on error.
fn heap_table(run: &mut Run, root: Id, name: &str) -> Result<Id, String> {
    let mut t = root;
    for part in name.split('.') {
        match run.heap.get(t, part) {
            Some(Slot::Map(id)) => t = *id,
            _ => return Err(part.to_owned()),
        }
    }
    if run.heap.len(t) == 0 { Ok(run.heap.new_map()) } else { Ok(t) }
}

/// Helm's `pathToMap`: `data` nested under a dotted path (`.` is the top).
fn path_to_map(run: &mut Run, path: &str, data: Id) -> Id {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let m = run.heap.new_map();
        run.heap.insert(m, part, Slot::Map(cur));
        cur = m;
    }
    cur
}

/// Helm's `trimNilValues`: nulls removed at every depth.
fn trim_nil_values(values: &Map) -> Map {
    values
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            Value::Map(m) => (k.clone(), Value::Map(trim_nil_values(m))),
            other => (k.clone(), other.clone()),
        })
        .collect()
}

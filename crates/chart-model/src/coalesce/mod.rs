//! Values coalescing as Helm's chartutil: user values over chart defaults,
//! `null` deleting keys, globals flowing into every subchart, subchart values
//! under the subchart's name (its alias once dependencies are processed), and
//! Helm's warnings on type clashes, returned rather than logged.

mod go_fmt;
pub(crate) mod heap;

use crate::chart::Chart;
use crate::schema::{self, SchemaError};
use crate::value::{Map, Value};
use heap::{Heap, Id, Slot};

pub(crate) use go_fmt::go_v;

/// The key under which values are shared with every subchart.
pub const GLOBAL_KEY: &str = "global";

/// How values are coalesced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoalesceOptions {
    /// Keep user `null`s instead of letting them delete keys: Helm's
    /// `MergeValues` rather than `CoalesceValues`.
    pub keep_nulls: bool,
}

/// How the `.Values` of a render are computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderValuesOptions {
    /// Skip values.schema.json validation (`--skip-schema-validation`).
    pub skip_schema_validation: bool,
}

/// Values with the warnings Helm logged while computing them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coalesced {
    /// The resulting values.
    pub values: Map,
    /// Helm's warnings (`warning: skipped value for ...`), in the order met.
    pub warnings: Vec<String>,
}

/// An error coalescing values; its message is Helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoalesceError {
    /// The values under a subchart's name are not a map.
    #[error("type mismatch on {subchart}: {value}")]
    TypeMismatch {
        /// The subchart's name (or alias).
        subchart: String,
        /// The value found, formatted as Go's `%t` formats it.
        value: String,
    },
}

/// An error computing render values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderValuesError {
    /// Coalescing failed.
    #[error(transparent)]
    Coalesce(#[from] CoalesceError),
    /// The values do not satisfy a chart's values.schema.json.
    #[error("values don't meet the specifications of the schema(s) in the following chart(s):\n{0}")]
    Schema(SchemaError),
}

/// Helm's `CoalesceValues` (or `MergeValues` with `keep_nulls`): the chart's
/// default values and its subcharts', with `values` on top.
pub fn coalesce_values(chart: &Chart, values: &Map, options: &CoalesceOptions) -> Result<Coalesced, CoalesceError> {
    let mut run = Run::default();
    let dest = run.heap.import_map(values);
    run.coalesce(chart, dest, "", options.keep_nulls)?;
    Ok(Coalesced { values: run.heap.export_map(dest), warnings: run.warnings })
}

/// The `.Values` of a render, as Helm's `ToRenderValues`: the chart's values
/// coalesced with `values`, then checked against every values.schema.json.
/// Dependencies should have been processed first
/// ([`crate::dependencies::process_dependencies`]).
pub fn render_values(
    chart: &Chart,
    values: &Map,
    options: &RenderValuesOptions,
) -> Result<Coalesced, RenderValuesError> {
    let coalesced = coalesce_values(chart, values, &CoalesceOptions::default())?;
    if !options.skip_schema_validation {
        schema::validate_against_schema(chart, &coalesced.values).map_err(RenderValuesError::Schema)?;
    }
    Ok(coalesced)
}

/// Helm's `CoalesceTables` (or `MergeTables` with `keep_nulls`): `src` merged
/// under `dst`, which wins.
pub fn coalesce_tables(dst: &Map, src: &Map, options: &CoalesceOptions) -> Coalesced {
    let mut run = Run::default();
    let d = run.heap.import_map(dst);
    let s = run.heap.import_map(src);
    run.coalesce_tables(d, s, "", options.keep_nulls);
    Coalesced { values: run.heap.export_map(d), warnings: run.warnings }
}

/// One coalescing computation: the shared maps and the warnings so far.
#[derive(Debug, Default)]
pub(crate) struct Run {
    pub(crate) heap: Heap,
    pub(crate) warnings: Vec<String>,
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() { b.to_owned() } else { format!("{a}.{b}") }
}

impl Run {
    fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }

    /// Helm's `coalesce`: this chart's values, then its subcharts'.
    pub(crate) fn coalesce(&mut self, chart: &Chart, dest: Id, prefix: &str, merge: bool) -> Result<(), CoalesceError> {
        self.coalesce_chart_values(chart, dest, prefix, merge);
        self.coalesce_deps(chart, dest, prefix, merge)
    }

    fn coalesce_deps(&mut self, chart: &Chart, dest: Id, prefix: &str, merge: bool) -> Result<(), CoalesceError> {
        for sub in &chart.dependencies {
            let name = sub.name();
            let dv = match self.heap.get(dest, name) {
                None => {
                    let id = self.heap.new_map();
                    self.heap.insert(dest, name, Slot::Map(id));
                    id
                }
                Some(Slot::Map(id)) => *id,
                Some(other) => {
                    let value = go_fmt::go_t(&self.heap.export(other));
                    return Err(CoalesceError::TypeMismatch { subchart: name.to_owned(), value });
                }
            };
            let sub_prefix = concat_prefix(prefix, chart.name());
            self.coalesce_globals(dv, dest, &sub_prefix);
            self.coalesce(sub, dv, &sub_prefix, merge)?;
        }
        Ok(())
    }

    /// Helm's `coalesceGlobals`: the parent's globals merged into the subchart's.
    fn coalesce_globals(&mut self, dest: Id, src: Id, prefix: &str) {
        let dg = match self.heap.get(dest, GLOBAL_KEY) {
            None => self.heap.new_map(),
            Some(Slot::Map(id)) => *id,
            Some(Slot::Leaf(_)) => {
                self.warn(format!("warning: skipping globals because destination {GLOBAL_KEY} is not a table."));
                return;
            }
        };
        let sg = match self.heap.get(src, GLOBAL_KEY) {
            None => self.heap.new_map(),
            Some(Slot::Map(id)) => *id,
            Some(Slot::Leaf(_)) => {
                self.warn(format!("warning: skipping globals because source {GLOBAL_KEY} is not a table."));
                return;
            }
        };
        for (key, val) in self.heap.entries(sg) {
            match val {
                Slot::Map(vid) => {
                    let vv = self.heap.shallow_copy(vid);
                    match self.heap.get(dg, &key).cloned() {
                        None => self.heap.insert(dg, key, Slot::Map(vv)),
                        Some(Slot::Map(destv)) => {
                            // Top-down: the parent's globals win over the subchart's.
                            let sub_prefix = concat_prefix(prefix, &key);
                            self.coalesce_tables(vv, destv, &sub_prefix, true);
                            self.heap.insert(dg, key, Slot::Map(vv));
                        }
                        Some(Slot::Leaf(_)) => {
                            self.warn(format!(
                                "Conflict: cannot merge map onto non-map for {}. Skipping.",
                                crate::strvals::quote::go_quote(&key)
                            ));
                        }
                    }
                }
                leaf => {
                    if let Some(Slot::Map(_)) = self.heap.get(dg, &key) {
                        self.warn(format!("key {key} is table. Skipping"));
                    } else {
                        self.heap.insert(dg, key, leaf);
                    }
                }
            }
        }
        self.heap.insert(dest, GLOBAL_KEY, Slot::Map(dg));
    }

    /// Helm's `coalesceValues`: the chart's defaults under the values in `v`.
    fn coalesce_chart_values(&mut self, chart: &Chart, v: Id, prefix: &str, merge: bool) {
        let sub_prefix = concat_prefix(prefix, chart.name());
        // A deep copy, so that coalescing never changes the chart's own values.
        let vc = self.heap.import_map(&chart.values);
        for (key, val) in self.heap.entries(vc) {
            match self.heap.get(v, &key).cloned() {
                Some(value) if value.is_nil() && !merge => self.heap.remove(v, &key),
                Some(Slot::Map(dest)) => match val {
                    Slot::Map(src) => {
                        let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                        self.coalesce_tables(dest, src, &concat_prefix(&sub_prefix, &key), merge);
                    }
                    // Nothing to coalesce from a nil default, and no warning either.
                    Slot::Leaf(Value::Null) => {}
                    Slot::Leaf(_) => self.warn(format!("warning: skipped value for {sub_prefix}.{key}: Not a table.")),
                },
                Some(Slot::Leaf(_)) => {}
                None => self.heap.insert(v, key, val),
            }
        }
    }

    /// Helm's `coalesceTablesFullKey`: `src` merged under `dst`, which wins.
    pub(crate) fn coalesce_tables(&mut self, dst: Id, src: Id, prefix: &str, merge: bool) {
        // Which keys the defaults set to something, before user nulls are copied over them.
        let src_non_nil: Vec<String> =
            self.heap.entries(src).into_iter().filter(|(_, v)| !v.is_nil()).map(|(k, _)| k).collect();
        for (key, val) in self.heap.entries(dst) {
            if val.is_nil() {
                self.heap.insert(src, key, Slot::Leaf(Value::Null));
            }
        }
        for (key, val) in self.heap.entries(src) {
            let full_key = concat_prefix(prefix, &key);
            let dv = self.heap.get(dst, &key).cloned();
            match dv {
                // A user null over a default deletes the key when coalescing.
                Some(ref d) if !merge && d.is_nil() && src_non_nil.contains(&key) => self.heap.remove(dst, &key),
                None => self.heap.insert(dst, key, val),
                Some(d) => match (val, d) {
                    (Slot::Map(s), Slot::Map(d)) => self.coalesce_tables(d, s, &full_key, merge),
                    (Slot::Map(s), Slot::Leaf(_)) => {
                        let shown = go_v(&self.heap.export(&Slot::Map(s)));
                        self.warn(format!("warning: cannot overwrite table with non table for {full_key} ({shown})"));
                    }
                    (Slot::Leaf(v), Slot::Map(_)) if !v.is_null() => {
                        self.warn(format!(
                            "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                            go_v(&v)
                        ));
                    }
                    _ => {}
                },
            }
        }
    }
}

#[cfg(test)]
mod tests;

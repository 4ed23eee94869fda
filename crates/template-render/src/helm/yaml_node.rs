//! Template values as chart-model's YAML writer reads them, so that `toYaml` of plain data
//! (the usual `.Values` subtree) is written without first being copied into chart values.

use std::sync::Arc;

use chart_model::yaml::{Node, NodeView};

use crate::value::Value;

/// Whether `v` is plain data the writer can read as it stands: scalars, lists, and maps never
/// written since they were made. Host objects and written maps go through
/// [`super::to_chart_value`] instead (a written map sits behind a lock that cannot be held
/// while the writer walks it).
pub(super) fn is_plain(v: &Value) -> bool {
    match v {
        Value::List(items) => items.iter().all(is_plain),
        Value::Map(m) => m.frozen().is_some_and(|entries| entries.values().all(is_plain)),
        Value::Object(_) => false,
        _ => true,
    }
}

type Entries<'a> =
    std::iter::Map<crate::sorted_map::Iter<'a, Arc<str>, Value>, fn((&'a Arc<str>, &'a Value)) -> (&'a str, &'a Value)>;

fn entry<'a>((key, value): (&'a Arc<str>, &'a Value)) -> (&'a str, &'a Value) {
    (key, value)
}

/// Only trees for which [`is_plain`] holds are handed to the writer; anything else reads as
/// `nil` here.
impl Node for Value {
    type Items<'a> = std::slice::Iter<'a, Value>;
    type Entries<'a> = Entries<'a>;

    fn view(&self) -> NodeView<'_, Self> {
        match self {
            Value::Bool(b) => NodeView::Bool(*b),
            Value::Int(n) | Value::Int64(n) => NodeView::Int(*n),
            Value::Float64(f) => NodeView::Float(*f),
            Value::String(s) => NodeView::String(s),
            Value::List(items) => NodeView::List(items.iter()),
            Value::Map(m) => match m.frozen() {
                Some(entries) => NodeView::Map(entries.iter().map(entry as fn(_) -> _)),
                None => NodeView::Null,
            },
            Value::Invalid | Value::Nil | Value::Object(_) => NodeView::Null,
        }
    }

    fn to_value(&self) -> chart_model::Value {
        super::to_chart_value(self).unwrap_or_default()
    }
}

//! The view of a value tree that the YAML writer walks: chart values, or a caller's own tree
//! (a template's values) written as it stands instead of being copied into a [`Value`] first.

use crate::value::Value;

/// A value tree that [`crate::yaml::to_string`] can write.
pub trait Node: Sized {
    /// A list's items, in order.
    type Items<'a>: Iterator<Item = &'a Self>
    where
        Self: 'a;
    /// A map's entries, keys sorted bytewise (as `json.Marshal` writes them).
    type Entries<'a>: Iterator<Item = (&'a str, &'a Self)>
    where
        Self: 'a;

    /// What this node is, as `json.Marshal` sees it.
    fn view(&self) -> NodeView<'_, Self>;

    /// The tree as chart values, for the rare value (non-ASCII text, long keys, deep nesting)
    /// whose JSON round trip the writer checks in full.
    fn to_value(&self) -> Value;
}

/// One node of a [`Node`] tree.
pub enum NodeView<'a, N: Node + 'a> {
    /// `nil`.
    Null,
    /// A `bool`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A `float64`.
    Float(f64),
    /// A string.
    String(&'a str),
    /// A list.
    List(N::Items<'a>),
    /// A map.
    Map(N::Entries<'a>),
}

type ChartEntries<'a> = std::iter::Map<
    std::collections::btree_map::Iter<'a, String, Value>,
    fn((&'a String, &'a Value)) -> (&'a str, &'a Value),
>;

fn chart_entry<'a>((key, value): (&'a String, &'a Value)) -> (&'a str, &'a Value) {
    (key.as_str(), value)
}

impl Node for Value {
    type Items<'a> = std::slice::Iter<'a, Value>;
    type Entries<'a> = ChartEntries<'a>;

    fn view(&self) -> NodeView<'_, Self> {
        match self {
            Value::Null => NodeView::Null,
            Value::Bool(b) => NodeView::Bool(*b),
            Value::Int(n) | Value::Int64(n) => NodeView::Int(*n),
            Value::Float64(f) => NodeView::Float(*f),
            Value::String(s) => NodeView::String(s),
            Value::List(items) => NodeView::List(items.iter()),
            Value::Map(map) => NodeView::Map(map.iter().map(chart_entry as fn(_) -> _)),
        }
    }

    fn to_value(&self) -> Value {
        self.clone()
    }
}

//! The Go types Sprig's functions return beyond `[]interface{}` and `map[string]interface{}`:
//! `[]string`, `[]int`, `[][]interface{}`, `map[string]string`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::value::{GoType, Kind, Object, Value};

/// A Go slice of a named element type (`[]string`, `[]int`, `[][]interface {}`).
#[derive(Debug)]
pub(crate) struct GoSlice {
    type_name: &'static str,
    items: Vec<Value>,
}

impl Object for GoSlice {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.type_name)
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn elements(&self) -> Option<Vec<Value>> {
        Some(self.items.clone())
    }
}

/// A `[]string`.
pub(crate) fn strings(items: Vec<String>) -> Value {
    Value::object(GoSlice { type_name: "[]string", items: items.into_iter().map(Value::from).collect() })
}

/// A `[]int`.
pub(crate) fn ints(items: Vec<i64>) -> Value {
    Value::object(GoSlice { type_name: "[]int", items: items.into_iter().map(Value::Int).collect() })
}

/// A `[][]interface {}`.
pub(crate) fn lists(items: Vec<Value>) -> Value {
    Value::object(GoSlice { type_name: "[][]interface {}", items })
}

/// A slice of the same Go type as `like` holding `items` (what `reflect.Value.Slice` returns).
pub(crate) fn same_slice(like: &Value, items: Vec<Value>) -> Value {
    match like {
        Value::Object(o) if o.kind() == Kind::Slice => {
            let name = o.type_name();
            let type_name = match name.as_ref() {
                "[]string" => "[]string",
                "[]int" => "[]int",
                "[][]interface {}" => "[][]interface {}",
                _ => return Value::list(items),
            };
            Value::object(GoSlice { type_name, items })
        }
        _ => Value::list(items),
    }
}

/// A nil `[]interface {}`.
pub(crate) fn nil_list() -> Value {
    GoType::List.zero()
}

/// A `map[string]string`.
#[derive(Debug)]
pub(crate) struct StringMap(pub(crate) BTreeMap<String, String>);

impl Object for StringMap {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("map[string]string")
    }
    fn kind(&self) -> Kind {
        Kind::Map
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.0.get(name).map(|s| Value::string(s))
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        self.0.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Value::string(v))).collect()
    }
}

/// A nil `[]string`.
pub(crate) fn nil_strings() -> Value {
    GoType::Named(&crate::value::NamedType { name: "[]string", kind: Kind::Slice }).zero()
}

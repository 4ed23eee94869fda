//! Host objects for the Go types Helm hands templates beyond values: `[]string`,
//! `map[string]string`, `[]byte` and plain structs with exported fields.

use std::borrow::Cow;
use std::sync::Arc;

use crate::helm::marshal::{JSON, StructField};
use crate::value::{Kind, Scalar, Signature, Value};

/// A Go `[]string` (or a named string slice type).
#[derive(Debug, Clone)]
pub struct StringList {
    /// The Go type name.
    pub type_name: &'static str,
    /// The strings; `None` is a nil slice.
    pub items: Option<Arc<[String]>>,
}

impl StringList {
    /// A `[]string` value (nil when `items` is empty and `nil_when_empty`).
    pub fn value(items: &[String], nil_when_empty: bool) -> Value {
        let items = if nil_when_empty && items.is_empty() { None } else { Some(Arc::from(items)) };
        Value::object(StringList { type_name: "[]string", items })
    }
}

impl crate::value::Object for StringList {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.type_name)
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn is_nil(&self) -> bool {
        self.items.is_none()
    }
    fn elements(&self) -> Option<Vec<Value>> {
        Some(self.items.as_deref().unwrap_or_default().iter().map(|s| Value::string(s)).collect())
    }
}

/// A Go `map[string]string`.
#[derive(Debug, Clone)]
pub struct StringMap {
    /// The entries, sorted by key; `None` is a nil map.
    pub entries: Option<Arc<[(String, String)]>>,
}

impl StringMap {
    /// A `map[string]string` value from sorted entries (nil when empty and `nil_when_empty`).
    pub fn value<'a>(entries: impl Iterator<Item = (&'a String, &'a String)>, nil_when_empty: bool) -> Value {
        let entries: Vec<(String, String)> = entries.map(|(k, v)| (k.clone(), v.clone())).collect();
        let entries = if nil_when_empty && entries.is_empty() { None } else { Some(Arc::from(entries)) };
        Value::object(StringMap { entries })
    }
}

impl crate::value::Object for StringMap {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("map[string]string")
    }
    fn kind(&self) -> Kind {
        Kind::Map
    }
    fn is_nil(&self) -> bool {
        self.entries.is_none()
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        self.entries
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), Value::string(v)))
            .collect()
    }
}

/// A Go `[]byte`.
#[derive(Debug, Clone)]
pub struct Bytes(pub Arc<[u8]>);

impl crate::value::Object for Bytes {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("[]uint8")
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn elements(&self) -> Option<Vec<Value>> {
        Some(self.0.iter().map(|b| Scalar::uint8(*b)).collect())
    }
}

/// A Go struct (or pointer to one) with exported fields only.
#[derive(Debug, Clone)]
pub struct Struct {
    /// The Go type name (`chartutil.KubeVersion`, `*chart.Maintainer`).
    pub type_name: &'static str,
    /// Whether it is a pointer to the struct.
    pub pointer: bool,
    /// The fields in declaration order.
    pub fields: Vec<(&'static str, Value)>,
    /// Each field's JSON name and whether it is `omitempty`, as its tag says; empty when the
    /// struct has no tags (the Go names, nothing omitted).
    pub json: &'static [(&'static str, bool)],
}

impl Struct {
    /// `json.Marshal`'s text for the struct.
    pub fn json_text(&self) -> Result<String, String> {
        crate::helm::marshal::struct_text(self.fields.iter().enumerate().map(|(i, (name, value))| {
            let (name, omitempty) = self.json.get(i).copied().unwrap_or((name, false));
            StructField::Field { name, value, omitempty }
        }))
    }
}

impl crate::value::Object for Struct {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.type_name)
    }
    fn kind(&self) -> Kind {
        if self.pointer { Kind::Pointer } else { Kind::Struct }
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        self.fields.iter().map(|(n, v)| (Cow::Borrowed(*n), v.clone())).collect()
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == JSON).then_some(Signature { params: &[], variadic: None })
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        if name != JSON {
            return Err(format!("no method {name}"));
        }
        self.json_text().map(Value::from)
    }
}

/// A slice of host objects of one Go type (`[]*chart.Maintainer`).
#[derive(Debug, Clone)]
pub struct ObjectList {
    /// The Go type name.
    pub type_name: &'static str,
    /// The elements; `None` is a nil slice.
    pub items: Option<Vec<Value>>,
}

impl crate::value::Object for ObjectList {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.type_name)
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn is_nil(&self) -> bool {
        self.items.is_none()
    }
    fn elements(&self) -> Option<Vec<Value>> {
        Some(self.items.clone().unwrap_or_default())
    }
}

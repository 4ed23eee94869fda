//! `.Chart`: Helm's `struct { chart.Metadata; IsRoot bool }`, so `.Chart.Name` works and
//! `.Chart.name` fails as Go's reflection makes it fail.

use std::borrow::Cow;

use chart_model::Metadata;

use super::objects::{ObjectList, StringList, StringMap, Struct};
use crate::value::{Kind, Object, Value};

/// The `.Chart` a template sees.
#[derive(Debug, Clone)]
pub struct ChartObject {
    metadata: Value,
    fields: Vec<(&'static str, Value)>,
    is_root: bool,
}

fn s(v: &str) -> Value {
    Value::string(v)
}

impl ChartObject {
    /// The object for a chart's metadata.
    pub fn new(md: &Metadata, is_root: bool) -> ChartObject {
        let maintainers = md
            .maintainers
            .iter()
            .map(|m| {
                Value::object(Struct {
                    type_name: "*chart.Maintainer",
                    pointer: true,
                    fields: vec![("Name", s(&m.name)), ("Email", s(&m.email)), ("URL", s(&m.url))],
                })
            })
            .collect::<Vec<_>>();
        let dependencies = md
            .dependencies
            .iter()
            .map(|d| {
                Value::object(Struct {
                    type_name: "*chart.Dependency",
                    pointer: true,
                    fields: vec![
                        ("Name", s(&d.name)),
                        ("Version", s(&d.version)),
                        ("Repository", s(&d.repository)),
                        ("Condition", s(&d.condition)),
                        ("Tags", StringList::value(&d.tags, true)),
                        ("Enabled", Value::Bool(d.enabled)),
                        ("ImportValues", Value::list(d.import_values.iter().map(Value::from).collect())),
                        ("Alias", s(&d.alias)),
                    ],
                })
            })
            .collect::<Vec<_>>();
        let list = |type_name: &'static str, items: Vec<Value>| {
            Value::object(ObjectList { type_name, items: if items.is_empty() { None } else { Some(items) } })
        };
        let fields = vec![
            ("Name", s(&md.name)),
            ("Home", s(&md.home)),
            ("Sources", StringList::value(&md.sources, true)),
            ("Version", s(&md.version)),
            ("Description", s(&md.description)),
            ("Keywords", StringList::value(&md.keywords, true)),
            ("Maintainers", list("[]*chart.Maintainer", maintainers)),
            ("Icon", s(&md.icon)),
            ("APIVersion", s(&md.api_version)),
            ("Condition", s(&md.condition)),
            ("Tags", s(&md.tags)),
            ("AppVersion", s(&md.app_version)),
            ("Deprecated", Value::Bool(md.deprecated)),
            ("Annotations", StringMap::value(md.annotations.iter(), true)),
            ("KubeVersion", s(&md.kube_version)),
            ("Dependencies", list("[]*chart.Dependency", dependencies)),
            ("Type", s(&md.chart_type)),
        ];
        let metadata = Value::object(Struct { type_name: "chart.Metadata", pointer: false, fields: fields.clone() });
        ChartObject { metadata, fields, is_root }
    }
}

impl Object for ChartObject {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("struct { chart.Metadata; IsRoot bool }")
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "IsRoot" => Some(Value::Bool(self.is_root)),
            "Metadata" => Some(self.metadata.clone()),
            _ => self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()),
        }
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        vec![(Cow::Borrowed("Metadata"), self.metadata.clone()), (Cow::Borrowed("IsRoot"), Value::Bool(self.is_root))]
    }
}

//! `.Chart`: Helm's `struct { chart.Metadata; IsRoot bool }`, so `.Chart.Name` works and
//! `.Chart.name` fails as Go's reflection makes it fail.

use std::borrow::Cow;

use chart_model::Metadata;

use super::objects::{ObjectList, StringList, StringMap, Struct};
use crate::helm::marshal::{JSON, StructField, struct_text};
use crate::value::{Kind, Object, Signature, Value};

/// `chart.Metadata`'s JSON tags, all `omitempty`.
const METADATA_JSON: &[(&str, bool)] = &[
    ("name", true),
    ("home", true),
    ("sources", true),
    ("version", true),
    ("description", true),
    ("keywords", true),
    ("maintainers", true),
    ("icon", true),
    ("apiVersion", true),
    ("condition", true),
    ("tags", true),
    ("appVersion", true),
    ("deprecated", true),
    ("annotations", true),
    ("kubeVersion", true),
    ("dependencies", true),
    ("type", true),
];

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
                    json: &[("name", true), ("email", true), ("url", true)],
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
                    json: &[
                        ("name", false),
                        ("version", true),
                        ("repository", false),
                        ("condition", true),
                        ("tags", true),
                        ("enabled", true),
                        ("import-values", true),
                        ("alias", true),
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
        let metadata = Value::object(Struct {
            type_name: "chart.Metadata",
            pointer: false,
            fields: fields.clone(),
            json: METADATA_JSON,
        });
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
    fn method(&self, name: &str) -> Option<Signature> {
        (name == JSON).then_some(Signature { params: &[], variadic: None })
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        if name != JSON {
            return Err(format!("no method {name}"));
        }
        // The embedded Metadata has no tag: its fields are promoted into the object.
        let metadata =
            Struct { type_name: "chart.Metadata", pointer: false, fields: self.fields.clone(), json: METADATA_JSON };
        let is_root = Value::Bool(self.is_root);
        struct_text(
            [
                StructField::Inline(metadata.json_text()?),
                StructField::Field { name: "IsRoot", value: &is_root, omitempty: false },
            ]
            .into_iter(),
        )
        .map(Value::from)
    }
}

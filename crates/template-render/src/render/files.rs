//! `.Files`: Helm's `engine.files`, the chart's non-template files with `Get`, `GetBytes`,
//! `Glob`, `Lines`, `AsConfig` and `AsSecrets`, printing exactly what Helm prints.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;

use super::glob::Glob;
use super::objects::{Bytes, StringList};
use crate::value::{GoType, Kind, Object, Signature, Value};

/// A chart's files by name.
#[derive(Debug, Clone, Default)]
pub struct Files(BTreeMap<String, Arc<[u8]>>);

impl Files {
    /// The files of a chart.
    pub fn new(files: &[chart_model::File]) -> Files {
        Files(files.iter().map(|f| (f.name.clone(), f.data.shared())).collect())
    }

    fn get_bytes(&self, name: &str) -> &[u8] {
        self.0.get(name).map_or(&[], |b| b)
    }

    fn glob(&self, pattern: &str) -> Files {
        let g = Glob::compile(pattern);
        Files(
            self.0
                .iter()
                .filter(|(name, _)| g.as_ref().is_none_or(|g| g.matches(name)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    /// A map of base names to text, written as `toYaml` writes it.
    fn as_yaml(&self, encode: impl Fn(&[u8]) -> String) -> String {
        let mut m = chart_model::Map::new();
        for (name, data) in &self.0 {
            let base = name.rsplit('/').next().unwrap_or(name);
            m.insert(base.to_owned(), chart_model::Value::String(encode(data)));
        }
        let text = chart_model::yaml::to_string(&chart_model::Value::Map(m)).unwrap_or_default();
        text.strip_suffix('\n').map(str::to_owned).unwrap_or(text)
    }

    fn lines(&self, name: &str) -> Vec<String> {
        let data = self.get_bytes(name);
        if data.is_empty() {
            return Vec::new();
        }
        let s = String::from_utf8_lossy(data);
        let s = s.strip_suffix('\n').unwrap_or(&s);
        s.split('\n').map(str::to_owned).collect()
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

impl Object for Files {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("engine.files")
    }
    fn kind(&self) -> Kind {
        Kind::Map
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        self.0.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Value::object(Bytes(v.clone())))).collect()
    }
    fn method(&self, name: &str) -> Option<Signature> {
        let params: &'static [GoType] = match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => &[GoType::String],
            "AsConfig" | "AsSecrets" => &[],
            _ => return None,
        };
        Some(Signature { params, variadic: None })
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let arg = args.first().and_then(Value::as_str).unwrap_or("");
        Ok(match name {
            "Get" => Value::from(text(self.get_bytes(arg))),
            "GetBytes" => Value::object(Bytes(Arc::from(self.get_bytes(arg)))),
            "Glob" => Value::object(self.glob(arg)),
            "Lines" => StringList::value(&self.lines(arg), false),
            "AsConfig" => Value::from(self.as_yaml(text)),
            "AsSecrets" => Value::from(self.as_yaml(|d| base64::engine::general_purpose::STANDARD.encode(d))),
            _ => return Err(format!("no method {name}")),
        })
    }
}

//! The eval suite: templates executed by Go's text/template (builtins only) and by ours, outputs
//! and error texts compared. Data is typed JSON; `{"fixture": NAME}` stands for the oracle's Go structs,
//! mirrored here as host objects.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value as Json;
use template_render::{FuncMap, GoType, Kind, MissingKey, Object, Signature, TemplateSet, Value};

use crate::golden::{Golden, check_all};

/// Go's `Person` of tools/oracle/gotemplate.go.
struct Person {
    name: &'static str,
    age: i64,
    tags: Option<Vec<&'static str>>,
    friend: Option<Arc<Person>>,
    pointer: bool,
    nil: bool,
}

impl Person {
    fn nil() -> Person {
        Person { name: "", age: 0, tags: None, friend: None, pointer: true, nil: true }
    }
}

const PERSON_FIELDS: [&str; 5] = ["Name", "Age", "Tags", "Friend", "Extra"];

impl Object for Person {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(if self.pointer { "*main.Person" } else { "main.Person" })
    }
    fn kind(&self) -> Kind {
        if self.pointer { Kind::Pointer } else { Kind::Struct }
    }
    fn is_nil(&self) -> bool {
        self.nil
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Name" => Value::string(self.name),
            "Age" => Value::Int(self.age),
            "Tags" => Value::object(Strings { name: "[]string", items: self.tags.clone() }),
            "Friend" => match &self.friend {
                Some(f) => Value::Object(f.clone()),
                None => Value::object(Person::nil()),
            },
            "Extra" => Value::Nil,
            _ => return None,
        })
    }
    fn has_field(&self, name: &str) -> bool {
        PERSON_FIELDS.contains(&name)
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        PERSON_FIELDS.iter().map(|f| (Cow::Borrowed(*f), self.field(f).unwrap_or_default())).collect()
    }
    fn method(&self, name: &str) -> Option<Signature> {
        let (params, variadic): (&'static [GoType], _) = match name {
            "Greet" => (&[GoType::String], None),
            "Older" if self.pointer => (&[GoType::Int], None),
            "Fail" | "Adult" => (&[], None),
            "Join" => (&[GoType::String], Some(GoType::String)),
            "Ratio" => (&[GoType::Float64], None),
            "Wide" => (&[GoType::Int64], None),
            "Any" => (&[GoType::Any], None),
            _ => return None,
        };
        Some(Signature { params, variadic })
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        if self.nil {
            if name == "Older" {
                return Err("runtime error: invalid memory address or nil pointer dereference".to_owned());
            }
            return Err(format!("value method main.Person.{name} called using nil *Person pointer"));
        }
        let s = |i: usize| args.get(i).and_then(Value::as_str).unwrap_or("").to_owned();
        Ok(match name {
            "Greet" => Value::from(format!("{}, {}", s(0), self.name)),
            "Older" => Value::Int(self.age + args[0].as_int().unwrap_or(0)),
            "Fail" => return Err("it failed".to_owned()),
            "Join" => Value::from((1..args.len()).map(s).collect::<Vec<_>>().join(&s(0))),
            "Ratio" => Value::Float64(self.age as f64 * args[0].as_float().unwrap_or(0.0)),
            "Adult" => Value::Bool(self.age >= 18),
            "Wide" => Value::Int64(args[0].as_int().unwrap_or(0) * 2),
            "Any" => args[0].clone(),
            _ => return Err(format!("no method {name}")),
        })
    }
}

/// A Go `[]string` (or a named slice of strings such as `VersionSet`).
struct Strings {
    name: &'static str,
    items: Option<Vec<&'static str>>,
}

impl Object for Strings {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.name)
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn is_nil(&self) -> bool {
        self.items.is_none()
    }
    fn elements(&self) -> Option<Vec<Value>> {
        Some(self.items.iter().flatten().map(|s| Value::string(s)).collect())
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (self.name == "main.VersionSet" && name == "Has")
            .then_some(Signature { params: &[GoType::String], variadic: None })
    }
    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, String> {
        let want = args.first().and_then(Value::as_str).unwrap_or("");
        Ok(Value::Bool(self.items.iter().flatten().any(|s| *s == want)))
    }
}

/// A struct of string fields.
struct Plain {
    name: &'static str,
    fields: Vec<(&'static str, Value)>,
}

impl Object for Plain {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.name)
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        self.fields.iter().map(|(n, v)| (Cow::Borrowed(*n), v.clone())).collect()
    }
}

fn fixture(name: &str) -> Value {
    match name {
        "person" => Value::object(Person {
            name: "Ann",
            age: 30,
            tags: Some(vec!["a", "b"]),
            friend: Some(Arc::new(Person {
                name: "Bob",
                age: 25,
                tags: None,
                friend: None,
                pointer: true,
                nil: false,
            })),
            pointer: true,
            nil: false,
        }),
        "person_value" => {
            Value::object(Person { name: "Cy", age: 5, tags: None, friend: None, pointer: false, nil: false })
        }
        "nil_person" => Value::object(Person::nil()),
        "caps" => Value::object(Plain {
            name: "main.Caps",
            fields: vec![
                ("APIVersions", Value::object(Strings { name: "main.VersionSet", items: Some(vec!["v1", "apps/v1"]) })),
                (
                    "KubeVersion",
                    Value::object(Plain {
                        name: "main.KubeVersion",
                        fields: vec![
                            ("Version", Value::string("v1.30.0")),
                            ("Major", Value::string("1")),
                            ("Minor", Value::string("30")),
                        ],
                    }),
                ),
            ],
        }),
        "strings" => Value::object(Strings { name: "[]string", items: Some(vec!["x", "y"]) }),
        other => panic!("unknown fixture {other}"),
    }
}

/// Typed JSON (tools/oracle/README.md) to a value.
pub fn typed(j: &Json) -> Value {
    match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::string(s),
        Json::Array(a) => Value::list(a.iter().map(typed).collect()),
        Json::Object(o) => {
            let (tag, inner) = o.iter().next().expect("a typed object has one key");
            let text = inner.as_str().unwrap_or_default();
            match tag.as_str() {
                "map" => Value::map(
                    inner
                        .as_object()
                        .expect("map holds an object")
                        .iter()
                        .map(|(k, v)| (Arc::from(k.as_str()), typed(v)))
                        .collect(),
                ),
                "int" => Value::Int(text.parse().expect("int")),
                "int64" => Value::Int64(text.parse().expect("int64")),
                "float64" => Value::Float64(match text {
                    "NaN" => f64::NAN,
                    "+Inf" => f64::INFINITY,
                    "-Inf" => f64::NEG_INFINITY,
                    t => t.parse().expect("float64"),
                }),
                "fixture" => fixture(text),
                other => panic!("unknown tag {other}"),
            }
        }
        Json::Number(_) => panic!("bare numbers are not typed"),
    }
}

fn run(g: &Golden) -> Result<String, String> {
    let case = &g.case;
    let mut set = TemplateSet::new(FuncMap::new());
    set.set_missing_key(match case["missingkey"].as_str() {
        Some("zero") => MissingKey::Zero,
        Some("error") => MissingKey::Error,
        _ => MissingKey::Invalid,
    });
    let delims: Vec<&str> =
        case["delims"].as_array().map(|d| d.iter().filter_map(|s| s.as_str()).collect()).unwrap_or_default();
    let delims = if let [l, r] = delims[..] { Some((l, r)) } else { None };
    let text = case["template"].as_str().unwrap_or_default();
    set.parse("t", text, delims).map_err(|e| e.to_string())?;
    for f in case["files"].as_array().into_iter().flatten() {
        let name = f["name"].as_str().unwrap_or_default();
        set.parse(name, f["text"].as_str().unwrap_or_default(), delims).map_err(|e| e.to_string())?;
    }
    let data = case.get("data").map_or(Value::Invalid, typed);
    let name = case["exec"].as_str().unwrap_or("t");
    set.execute(name, &data).map_err(|e| e.to_string())
}

fn check(g: &Golden) -> Result<(), String> {
    let ours = run(g);
    match (&ours, g.expected.get("output"), g.expected.get("error")) {
        (Ok(out), Some(want), _) => {
            let want = want.as_str().unwrap_or_default();
            if out == want { Ok(()) } else { Err(format!("outputs differ\n  go:   {want:?}\n  ours: {out:?}")) }
        }
        (Err(e), _, Some(want)) => {
            let want = want.as_str().unwrap_or_default();
            if e == want { Ok(()) } else { Err(format!("errors differ\n  go:   {want}\n  ours: {e}")) }
        }
        (Ok(out), None, Some(want)) => Err(format!("go failed with {want}\n  ours printed: {out:?}")),
        (Err(e), Some(want), _) => Err(format!("go printed {want}\n  ours failed: {e}")),
        _ => Err("expected.json has neither output nor error".to_owned()),
    }
}

#[test]
fn eval_matches_go() {
    check_all("eval", check);
}

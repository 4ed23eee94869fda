//! Template values with Go's types: what `reflect.Value` is to Go's text/template, shared and reference-counted.
//!
//! A [`Value`] is cheap to clone (scalars are copied, everything else is an `Arc`), so
//! field access hands out the value stored in the tree rather than a copy of it. Go types
//! beyond the few that values files produce (uint32, []string, time.Time, structs with
//! methods...) are host objects: an [`Object`] says its Go type, its reflect kind, its
//! fields and methods, and how `fmt` prints it.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

pub use crate::shared_map::{Map, MapGuard, MapType, MapWriteGuard, SharedMap};

/// A value as a template sees it.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's invalid `reflect.Value`: a missing map key (with the default `missingkey`), an unset dot.
    /// It prints as `<no value>`.
    #[default]
    Invalid,
    /// A nil `interface{}`.
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int` (64 bits).
    Int(i64),
    /// `int64`.
    Int64(i64),
    /// `float64`.
    Float64(f64),
    /// `string`.
    String(Arc<str>),
    /// `[]interface{}`.
    List(Arc<Vec<Value>>),
    /// `map[string]interface{}`.
    Map(Arc<SharedMap>),
    /// Any other Go value, described by the host.
    Object(Arc<dyn Object>),
}

/// Go's `reflect.Kind`, as far as templates tell kinds apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No value.
    Invalid,
    /// `bool`.
    Bool,
    /// A signed integer type.
    Int,
    /// An unsigned integer type.
    Uint,
    /// A floating-point type.
    Float,
    /// A complex type.
    Complex,
    /// A string type.
    String,
    /// A slice or array.
    Slice,
    /// A map.
    Map,
    /// A struct.
    Struct,
    /// A pointer (to a struct, for host objects).
    Pointer,
    /// A function.
    Func,
    /// An interface value (only ever nil here).
    Interface,
}

/// A Go type of a parameter of a function or method, for Go's assignability and conversion rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoType {
    /// `interface{}`: anything.
    Any,
    /// `reflect.Value`: anything, including no value at all (Go's builtins take these).
    Reflect,
    /// `bool`.
    Bool,
    /// `int`.
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float64,
    /// `string`.
    String,
    /// `[]interface{}`.
    List,
    /// `map[string]interface{}`.
    Map,
    /// Another named type, such as `[]string` or `*chart.Metadata`; only values of exactly that type are accepted.
    Named(&'static NamedType),
}

/// A named Go type: its name and kind. Held by reference in [`GoType`], which then stays two
/// words: types are passed with every argument of every call.
#[derive(Debug, PartialEq, Eq)]
pub struct NamedType {
    /// The name as Go prints it.
    pub name: &'static str,
    /// Its kind.
    pub kind: Kind,
}

impl GoType {
    /// The type's name as Go prints it.
    pub fn name(&self) -> &'static str {
        match self {
            GoType::Any => "interface {}",
            GoType::Reflect => "reflect.Value",
            GoType::Bool => "bool",
            GoType::Int => "int",
            GoType::Int64 => "int64",
            GoType::Float64 => "float64",
            GoType::String => "string",
            GoType::List => "[]interface {}",
            GoType::Map => "map[string]interface {}",
            GoType::Named(t) => t.name,
        }
    }

    /// Go's reflect kind of the type.
    pub fn kind(&self) -> Kind {
        match self {
            GoType::Any => Kind::Interface,
            GoType::Reflect => Kind::Struct,
            GoType::Bool => Kind::Bool,
            GoType::Int | GoType::Int64 => Kind::Int,
            GoType::Float64 => Kind::Float,
            GoType::String => Kind::String,
            GoType::List => Kind::Slice,
            GoType::Map => Kind::Map,
            GoType::Named(t) => t.kind,
        }
    }

    /// Whether Go's untyped `nil` converts to the type (`canBeNil`).
    pub fn can_be_nil(&self) -> bool {
        matches!(self.kind(), Kind::Func | Kind::Interface | Kind::Map | Kind::Pointer | Kind::Slice)
            || *self == GoType::Reflect
    }

    /// The zero value of the type, which nil becomes when passed as an argument.
    pub fn zero(&self) -> Value {
        match self {
            GoType::Any | GoType::Reflect => Value::Nil,
            GoType::Bool => Value::Bool(false),
            GoType::Int => Value::Int(0),
            GoType::Int64 => Value::Int64(0),
            GoType::Float64 => Value::Float64(0.0),
            GoType::String => Value::String(Arc::from("")),
            GoType::List => Value::Object(Arc::new(NilOf("[]interface {}", Kind::Slice))),
            GoType::Map => Value::Object(Arc::new(NilOf("map[string]interface {}", Kind::Map))),
            GoType::Named(t) => Value::Object(Arc::new(NilOf(t.name, t.kind))),
        }
    }

    /// Whether a value of the value's dynamic type is assignable to this type.
    pub fn accepts(&self, v: &Value) -> bool {
        match self {
            GoType::Any | GoType::Reflect => true,
            // A named map type is assignable to its underlying `map[string]interface{}`.
            GoType::Map if matches!(v, Value::Map(_)) => true,
            // Host objects and maps (which may have a named type) are compared by name.
            _ if matches!(v, Value::Object(_) | Value::Map(_)) => v.type_name() == self.name(),
            // Any other value's type is its variant's.
            GoType::Bool => matches!(v, Value::Bool(_)),
            GoType::Int => matches!(v, Value::Int(_)),
            GoType::Int64 => matches!(v, Value::Int64(_)),
            GoType::Float64 => matches!(v, Value::Float64(_)),
            GoType::String => matches!(v, Value::String(_)),
            GoType::List => matches!(v, Value::List(_)),
            GoType::Map | GoType::Named(..) => false,
        }
    }
}

/// The signature of a function or method: its parameter types and whether it returns an error too.
#[derive(Clone, Copy, Debug)]
pub struct Signature {
    /// The fixed parameters.
    pub params: &'static [GoType],
    /// The type of each variadic argument, if the function is variadic.
    pub variadic: Option<GoType>,
}

/// A Go value provided by the host: a struct with fields and methods, or a scalar or slice
/// of a Go type that [`Value`] has no variant for.
pub trait Object: Send + Sync {
    /// The type as `%T` prints it (`*chart.Metadata`, `uint32`, `[]string`).
    fn type_name(&self) -> Cow<'_, str>;
    /// The reflect kind.
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    /// Whether this is a nil pointer, slice or map.
    fn is_nil(&self) -> bool {
        false
    }
    /// An exported field, for a struct (or a pointer to one).
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    /// Whether the struct has a field of that name (exported or not), to tell Go's errors apart.
    fn has_field(&self, name: &str) -> bool {
        self.field(name).is_some()
    }
    /// The fields in declaration order with their values, for `%v` (`{a b}`) and `%+v` (`{Name:a}`).
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        Vec::new()
    }
    /// The signature of a method, if the type has one of that name.
    fn method(&self, _name: &str) -> Option<Signature> {
        None
    }
    /// Calls a method with arguments already converted to its signature.
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("no method {name}"))
    }
    /// The integer inside a value of an integer kind.
    fn int(&self) -> Option<i64> {
        None
    }
    /// The integer inside a value of an unsigned kind.
    fn uint(&self) -> Option<u64> {
        None
    }
    /// The number inside a value of a float kind.
    fn float(&self) -> Option<f64> {
        None
    }
    /// The text inside a value of a string kind.
    fn str(&self) -> Option<&str> {
        None
    }
    /// The elements of a slice or array kind.
    fn elements(&self) -> Option<Vec<Value>> {
        None
    }
    /// What `String()` returns, when the type implements `fmt.Stringer` (or `Error()` for an error).
    fn stringer(&self) -> Option<String> {
        None
    }
    /// The value as a function receives it, when that differs: Go copies an argument into an
    /// `interface{}`, so a struct reached through a pointer (addressable) loses the methods of
    /// its pointer type (`String` among them) on the way.
    fn unaddressed(&self) -> Option<Value> {
        None
    }
}

/// An argument as Go passes it to a function or method (see [`Object::unaddressed`]).
pub(crate) fn as_argument(v: Value) -> Value {
    match &v {
        Value::Object(o) => o.unaddressed().unwrap_or(v),
        _ => v,
    }
}

/// Whether passing `v` to a function changes it (see [`Object::unaddressed`]).
pub(crate) fn changes_as_argument(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.unaddressed().is_some())
}

/// A typed nil: a nil slice, map or pointer of the named type.
#[derive(Debug)]
struct NilOf(&'static str, Kind);

impl Object for NilOf {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.0)
    }
    fn kind(&self) -> Kind {
        self.1
    }
    fn is_nil(&self) -> bool {
        true
    }
    fn elements(&self) -> Option<Vec<Value>> {
        (self.1 == Kind::Slice).then(Vec::new)
    }
}

impl Value {
    /// A string value.
    pub fn string(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// A map value.
    pub fn map(map: Map) -> Value {
        Value::Map(Arc::new(SharedMap::new(map)))
    }

    /// A host object.
    pub fn object(o: impl Object + 'static) -> Value {
        Value::Object(Arc::new(o))
    }

    /// The Go type as `%T` prints it (`<nil>` for nil).
    pub fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Value::Invalid | Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float64(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Map(m) => m.map_type().map_or("map[string]interface {}", |t| t.name()),
            Value::Object(o) => return o.type_name(),
        })
    }

    /// The reflect kind.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Invalid => Kind::Invalid,
            Value::Nil => Kind::Interface,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) | Value::Int64(_) => Kind::Int,
            Value::Float64(_) => Kind::Float,
            Value::String(_) => Kind::String,
            Value::List(_) => Kind::Slice,
            Value::Map(_) => Kind::Map,
            Value::Object(o) => o.kind(),
        }
    }

    /// Whether this is Go's invalid value.
    pub fn is_invalid(&self) -> bool {
        matches!(self, Value::Invalid)
    }

    /// Whether this is nil: no value, a nil interface or a typed nil.
    pub fn is_nil(&self) -> bool {
        match self {
            Value::Invalid | Value::Nil => true,
            Value::Object(o) => o.is_nil(),
            _ => false,
        }
    }

    /// The string inside, for a string kind.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Object(o) => o.str(),
            _ => None,
        }
    }

    /// The integer inside, for a signed integer kind.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) | Value::Int64(n) => Some(*n),
            Value::Object(o) => o.int(),
            _ => None,
        }
    }

    /// The integer inside, for an unsigned integer kind.
    pub fn as_uint(&self) -> Option<u64> {
        match self {
            Value::Object(o) => o.uint(),
            _ => None,
        }
    }

    /// The number inside, for a float kind.
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float64(f) => Some(*f),
            Value::Object(o) => o.float(),
            _ => None,
        }
    }

    /// Go's truth (`template.IsTrue`): not the zero value of its type. Invalid and nil are false.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Invalid | Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(n) | Value::Int64(n) => *n != 0,
            Value::Float64(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => match o.kind() {
                Kind::Struct => true,
                Kind::Int => o.int().unwrap_or(0) != 0,
                Kind::Uint => o.uint().unwrap_or(0) != 0,
                Kind::Float => o.float().unwrap_or(0.0) != 0.0,
                Kind::String => !o.str().unwrap_or("").is_empty(),
                Kind::Slice => !o.elements().unwrap_or_default().is_empty(),
                Kind::Map => !o.fields().is_empty(),
                _ => !o.is_nil(),
            },
        }
    }

    /// The number of elements (`len`) of a string, slice or map.
    pub fn len(&self) -> Option<usize> {
        match self {
            Value::String(s) => Some(s.len()),
            Value::List(l) => Some(l.len()),
            Value::Map(m) => Some(m.len()),
            Value::Object(o) => match o.kind() {
                Kind::String => o.str().map(str::len),
                Kind::Slice => o.elements().map(|e| e.len()),
                Kind::Map => Some(o.fields().len()),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `len` is 0 (see [`Value::len`]).
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Invalid => f.write_str("Invalid"),
            Value::Nil => f.write_str("Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(n) => write!(f, "Int({n})"),
            Value::Int64(n) => write!(f, "Int64({n})"),
            Value::Float64(x) => write!(f, "Float64({x:?})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::List(l) => f.debug_list().entries(l.iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.read().iter()).finish(),
            Value::Object(o) => write!(f, "Object({})", o.type_name()),
        }
    }
}

/// Values compare as Go's `reflect.DeepEqual` would for these types (objects by identity).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Invalid, Value::Invalid) | (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Float64(a), Value::Float64(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => crate::shared_map::maps_equal(a, b),
            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<&chart_model::Value> for Value {
    fn from(v: &chart_model::Value) -> Self {
        match v {
            chart_model::Value::Null => Value::Nil,
            chart_model::Value::Bool(b) => Value::Bool(*b),
            chart_model::Value::Int(n) => Value::Int(*n),
            chart_model::Value::Int64(n) => Value::Int64(*n),
            chart_model::Value::Float64(f) => Value::Float64(*f),
            chart_model::Value::String(s) => Value::string(s),
            chart_model::Value::List(l) => Value::list(l.iter().map(Value::from).collect()),
            chart_model::Value::Map(m) => {
                Value::map(m.iter().map(|(k, v)| (Arc::from(k.as_str()), Value::from(v))).collect())
            }
        }
    }
}

impl From<&chart_model::Map> for Value {
    fn from(m: &chart_model::Map) -> Self {
        Value::map(m.iter().map(|(k, v)| (Arc::from(k.as_str()), Value::from(v))).collect())
    }
}

impl Value {
    /// The values tree this value holds, if it is made only of values-file types
    /// (objects, and the invalid value, have no counterpart).
    pub fn to_chart_value(&self) -> Option<chart_model::Value> {
        Some(match self {
            Value::Nil => chart_model::Value::Null,
            Value::Bool(b) => chart_model::Value::Bool(*b),
            Value::Int(n) => chart_model::Value::Int(*n),
            Value::Int64(n) => chart_model::Value::Int64(*n),
            Value::Float64(f) => chart_model::Value::Float64(*f),
            Value::String(s) => chart_model::Value::String(s.to_string()),
            Value::List(l) => chart_model::Value::List(l.iter().map(Value::to_chart_value).collect::<Option<_>>()?),
            Value::Map(m) => chart_model::Value::Map(
                m.read().iter().map(|(k, v)| Some((k.to_string(), v.to_chart_value()?))).collect::<Option<_>>()?,
            ),
            Value::Invalid | Value::Object(_) => return None,
        })
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Arc::from(s))
    }
}

/// A number of a Go type that [`Value`] has no variant for (`uint8`, `int32`, `uint64`, `float32`...).
#[derive(Clone, Copy, Debug)]
pub struct Scalar {
    /// The Go type's name.
    pub type_name: &'static str,
    /// Its kind: [`Kind::Int`], [`Kind::Uint`] or [`Kind::Float`].
    pub kind: Kind,
    /// The value: an `i64`, a `u64` or an `f64`'s bits, by kind.
    pub bits: u64,
}

impl Scalar {
    /// A Go `uint8` (a byte of a string, as `index` returns it).
    pub fn uint8(b: u8) -> Value {
        Value::object(Scalar { type_name: "uint8", kind: Kind::Uint, bits: u64::from(b) })
    }

    /// A value of a signed integer type.
    pub fn int(type_name: &'static str, n: i64) -> Value {
        Value::object(Scalar { type_name, kind: Kind::Int, bits: n as u64 })
    }

    /// A value of an unsigned integer type.
    pub fn uint(type_name: &'static str, n: u64) -> Value {
        Value::object(Scalar { type_name, kind: Kind::Uint, bits: n })
    }
}

impl Object for Scalar {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.type_name)
    }
    fn kind(&self) -> Kind {
        self.kind
    }
    fn int(&self) -> Option<i64> {
        (self.kind == Kind::Int).then_some(self.bits as i64)
    }
    fn uint(&self) -> Option<u64> {
        (self.kind == Kind::Uint).then_some(self.bits)
    }
    fn float(&self) -> Option<f64> {
        (self.kind == Kind::Float).then(|| f64::from_bits(self.bits))
    }
}

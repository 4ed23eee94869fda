//! Sprig's `semver` and `semverCompare`, with chart-model's Masterminds-compatible versions.

use std::borrow::Cow;

use chart_model::semver::{Constraints, Version};

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Kind, Object, Scalar, Signature, Value};

use super::args::str;

use GoType::String as Str;

/// The semver functions.
pub(super) const FUNCTIONS: &[Function] =
    &[Function::new("semver", &[Str], semver), Function::new("semverCompare", &[Str, Str], semver_compare)];

type R = Result<Value, FuncError>;

/// A `*semver.Version`.
#[derive(Debug)]
struct SemVer(Version);

const VERSION_PTR: GoType = GoType::Named("*semver.Version", Kind::Pointer);

impl Object for SemVer {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("*semver.Version")
    }
    fn kind(&self) -> Kind {
        Kind::Pointer
    }
    fn method(&self, name: &str) -> Option<Signature> {
        let params: &'static [GoType] = match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "Original" | "String" => &[],
            "Compare" | "LessThan" | "GreaterThan" | "Equal" | "LessThanEqual" | "GreaterThanEqual" => &[VERSION_PTR],
            _ => return None,
        };
        Some(Signature { params, variadic: None })
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let v = &self.0;
        let other = || -> Result<Version, String> {
            match args.first() {
                Some(Value::Object(o)) => o
                    .stringer()
                    .and_then(|s| Version::parse(&s).ok())
                    .ok_or_else(|| "runtime error: invalid memory address or nil pointer dereference".to_owned()),
                _ => Err("runtime error: invalid memory address or nil pointer dereference".to_owned()),
            }
        };
        Ok(match name {
            "Major" => Scalar::uint("uint64", v.major()),
            "Minor" => Scalar::uint("uint64", v.minor()),
            "Patch" => Scalar::uint("uint64", v.patch()),
            "Prerelease" => Value::from(v.prerelease()),
            "Metadata" => Value::from(v.metadata()),
            "Original" => Value::from(v.original()),
            "String" => Value::from(v.to_string()),
            "Compare" => Value::Int(v.compare(&other()?) as i64),
            "LessThan" => Value::Bool(v.compare(&other()?).is_lt()),
            "GreaterThan" => Value::Bool(v.compare(&other()?).is_gt()),
            "Equal" => Value::Bool(v.compare(&other()?).is_eq()),
            "LessThanEqual" => Value::Bool(v.compare(&other()?).is_le()),
            "GreaterThanEqual" => Value::Bool(v.compare(&other()?).is_ge()),
            _ => return Err(format!("no method {name}")),
        })
    }
    fn stringer(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}

/// What copystructure makes of a `*semver.Version`: a new Version with only exported fields
/// copied, and it has none, so the zero version.
pub(crate) fn copied_version() -> Value {
    Value::object(SemVer(Version::new(0, 0, 0, "", "")))
}

fn semver(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Version::parse(str(a, 0)).map(|v| Value::object(SemVer(v))).map_err(|e| e.to_string())
}

fn semver_compare(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let c = Constraints::parse(str(a, 0)).map_err(|e| e.to_string())?;
    let v = Version::parse(str(a, 1)).map_err(|e| e.to_string())?;
    Ok(Value::Bool(c.check(&v)))
}

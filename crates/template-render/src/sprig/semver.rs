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

/// A `*semver.Version` (what `semver` returns), or a `semver.Version` (what its `Inc*` methods return).
#[derive(Debug)]
struct SemVer(Version, bool);

impl SemVer {
    fn pointer(v: Version) -> Value {
        Value::object(SemVer(v, true))
    }

    /// Masterminds' `IncMajor`/`IncMinor`/`IncPatch`: a new version, its original text keeping a `v` prefix.
    fn increment(&self, which: &str) -> Result<Value, String> {
        let v = &self.0;
        let bump = |n: u64, part: &str| {
            n.checked_add(1).ok_or_else(|| format!("{part} version increment would overflow uint64"))
        };
        let next = match which {
            "IncMajor" => Version::new(bump(v.major(), "major")?, 0, 0, "", ""),
            "IncMinor" => Version::new(v.major(), bump(v.minor(), "minor")?, 0, "", ""),
            _ if !v.prerelease().is_empty() => Version::new(v.major(), v.minor(), v.patch(), "", ""),
            _ => Version::new(v.major(), v.minor(), bump(v.patch(), "patch")?, "", ""),
        };
        let prefix = if v.original().starts_with('v') { "v" } else { "" };
        let next = Version::parse(&format!("{prefix}{next}")).unwrap_or(next);
        Ok(Value::object(SemVer(next, false)))
    }
}

const VERSION_PTR: GoType = GoType::Named(&crate::value::NamedType { name: "*semver.Version", kind: Kind::Pointer });

impl Object for SemVer {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(if self.1 { "*semver.Version" } else { "semver.Version" })
    }
    fn kind(&self) -> Kind {
        if self.1 { Kind::Pointer } else { Kind::Struct }
    }
    fn method(&self, name: &str) -> Option<Signature> {
        let params: &'static [GoType] = match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "String" => &[],
            "IncMajor" | "IncMinor" | "IncPatch" => &[],
            // Pointer methods: a `semver.Version` value held in an interface cannot call them.
            "Original" if self.1 => &[],
            "Compare" | "LessThan" | "GreaterThan" | "Equal" | "LessThanEqual" | "GreaterThanEqual" if self.1 => {
                &[VERSION_PTR]
            }
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
            "IncMajor" | "IncMinor" | "IncPatch" => return self.increment(name),
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
    SemVer::pointer(Version::new(0, 0, 0, "", ""))
}

fn semver(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Version::parse(str(a, 0)).map(SemVer::pointer).map_err(|e| e.to_string())
}

fn semver_compare(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let c = Constraints::parse(str(a, 0)).map_err(|e| e.to_string())?;
    let v = Version::parse(str(a, 1)).map_err(|e| e.to_string())?;
    Ok(Value::Bool(c.check(&v)))
}

//! SemVer versions and constraints as Helm uses them (Masterminds/semver v3).
//!
//! Helm validates chart versions with [`Version::parse`] (Masterminds'
//! lax `NewVersion`), checks `kubeVersion` and dependency versions with
//! [`Constraints`], and orders repository entries with [`Version`]'s `Ord`.

mod constraints;
mod error;
mod quote;
mod version;

pub use constraints::Constraints;
pub use error::SemverError;
pub(crate) use quote::{go_quote, is_go_print};
pub use version::Version;

/// Whether `version` satisfies `constraint`, as Helm's `chartutil.IsCompatibleRange`
/// (false when either does not parse). Helm checks a chart's `kubeVersion` with it.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (Version::parse(version), Constraints::parse(constraint)) {
        (Ok(v), Ok(c)) => c.check(&v),
        _ => false,
    }
}

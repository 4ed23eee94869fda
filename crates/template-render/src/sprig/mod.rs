//! Sprig v3.3.0's function map as Helm 3 ships it (every function but `env` and `expandenv`).
//!
//! Each submodule holds one family of functions as a `FUNCTIONS` table; [`register`] adds them all.

mod args;
mod cast;
mod crypto;
pub(crate) mod date;
mod deep;
mod defaults;
mod dicts;
mod encoding;
mod gotypes;
pub(crate) mod json;
mod lists;
mod numeric;
mod paths;
mod random;
mod reflect;
mod regex;
mod semver;
mod strings;
mod unicode;
mod url;

use crate::registry::FuncMap;

/// Adds every Sprig function Helm offers to `map`.
pub fn register(map: &mut FuncMap) {
    map.extend(crypto::FUNCTIONS);
    map.extend(date::FUNCTIONS);
    map.extend(random::FUNCTIONS);
    map.extend(strings::FUNCTIONS);
    map.extend(numeric::FUNCTIONS);
    map.extend(defaults::FUNCTIONS);
    map.extend(lists::FUNCTIONS);
    map.extend(dicts::FUNCTIONS);
    map.extend(regex::FUNCTIONS);
    map.extend(reflect::FUNCTIONS);
    map.extend(encoding::FUNCTIONS);
    map.extend(paths::FUNCTIONS);
    map.extend(url::FUNCTIONS);
    map.extend(semver::FUNCTIONS);
}

//! Sprig v3.3.0's function map as Helm 3 ships it (every function but `env` and `expandenv`).
//!
//! Each submodule holds one family of functions as a `FUNCTIONS` table; [`register`] adds them all.

mod crypto;
mod date;
mod random;

use crate::registry::FuncMap;

/// Adds every Sprig function Helm offers to `map`.
pub fn register(map: &mut FuncMap) {
    map.extend(crypto::FUNCTIONS);
    map.extend(date::FUNCTIONS);
    map.extend(random::FUNCTIONS);
}

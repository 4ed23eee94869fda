//! Sprig's random functions.

use crate::registry::Function;

/// The random functions.
pub(super) const FUNCTIONS: &[Function] = &[];

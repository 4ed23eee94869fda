//! Sprig's date functions.

use crate::registry::Function;

/// The date functions.
pub(super) const FUNCTIONS: &[Function] = &[];

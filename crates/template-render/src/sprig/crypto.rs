//! Sprig's crypto functions.

use crate::registry::Function;

/// The crypto functions.
pub(super) const FUNCTIONS: &[Function] = &[];

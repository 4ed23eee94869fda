//! Guards for Sprig's recursive walks over values (deep copies, comparisons, merges, JSON):
//! the stack grows on demand for deep values, and maps that contain themselves are detected.

/// Stack kept free before a recursive step; below it, a new segment is allocated.
const RED_ZONE: usize = 64 * 1024;
/// The size of each new stack segment.
const SEGMENT: usize = 1024 * 1024;

/// The most levels of nested maps a merge walks (a merge of maps that contain themselves would never end).
pub(crate) const MAX_MERGE_DEPTH: usize = 10_000;

/// Runs one recursive step, growing the stack when it runs low.
pub(crate) fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

//! Conformance of render against the oracle's goldens (filled in as the functions land).

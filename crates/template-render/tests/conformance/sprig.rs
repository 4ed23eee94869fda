//! Conformance of sprig against the oracle's goldens (filled in as the functions land).

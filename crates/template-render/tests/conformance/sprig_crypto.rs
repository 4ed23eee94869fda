//! Conformance of sprig_crypto against the oracle's goldens (filled in as the functions land).

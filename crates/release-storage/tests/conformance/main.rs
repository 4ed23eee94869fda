//! Conformance with real Helm: release JSON and the stored payload, against goldens from the oracle.

//! Conformance tests: chart-model against goldens produced by real Helm (the oracle in tools/oracle).
//!
//! One test binary made of modules, one per feature; each reads
//! `tests/golden/<suite>/cases.json` and the oracle's `expected.json` beside it.

mod golden;
mod typed;

mod coalesce;
mod load;
mod schema;
mod semver;
mod strvals;
mod to_json;
mod to_yaml;
mod yaml_read;

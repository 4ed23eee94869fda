//! Conformance against Go: every golden case of tests/golden, compared with what Go's text/template produced.

mod eval;
mod golden;
mod parse;
mod render;
mod sprig;
mod sprig_crypto;

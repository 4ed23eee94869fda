//! The Go text/template language, Sprig and Helm functions, and Helm's chart renderer.
//!
//! So far: the lexer and parser of Go's template language ([`parse()`]), which
//! turn a template file into its trees exactly as Go does, with Go's error texts.

pub mod error;
pub mod functions;
pub mod lex;
pub mod parse;
mod quote;

pub use error::{Error, ParseError, Result};
pub use functions::{FunctionNames, HELM_FUNCTIONS};
pub use parse::{ParseOptions, Tree, parse};

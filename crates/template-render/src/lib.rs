//! The Go text/template language, Sprig and Helm functions, and Helm's chart renderer.
//!
//! So far: the lexer and parser of Go's template language ([`parse()`]), which turn a
//! template file into its trees exactly as Go does; values with Go's types ([`Value`]);
//! Go's `fmt` ([`gofmt`]); and the executor ([`TemplateSet`]) with Go's builtins and a
//! function registry ([`FuncMap`]) that Sprig's and Helm's functions fill.

pub mod builtins;
pub mod error;
pub mod exec;
pub mod functions;
pub mod gofmt;
pub mod helm;
pub mod lex;
pub mod parse;
mod quote;
pub mod registry;
pub mod render;
mod scope;
mod shared_map;
pub mod sorted_map;
pub mod sprig;
pub mod value;

pub use error::{Error, ExecError, ParseError, Result};
pub use exec::{CallContext, MissingKey, TemplateSet};
pub use functions::{FunctionNames, HELM_FUNCTIONS};
pub use parse::{ParseOptions, Tree, parse};
pub use registry::{FuncError, FuncImpl, FuncMap, Function, Resolved};
pub use render::{ParseCache, RenderOptions, render, render_chart};
pub use value::{GoType, Kind, Map, NamedType, Object, Scalar, SharedMap, Signature, Value};

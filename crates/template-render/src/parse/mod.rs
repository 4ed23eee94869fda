//! Parsing a template file into its trees, as Go's `text/template` `Parse` does.

mod fast;
mod literal;
pub(crate) mod node;
mod parser;
mod scratch;
#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use literal::NumberValue;
pub use node::{
    Action, Branch, Chain, Command, Control, Identifier, List, Name, Node, Number, Operand, Path, Pipe, Pos, StringLit,
    TemplateCall, Text, Tree, Variable,
};

use crate::error::ParseError;
use crate::functions::{FunctionNames, HELM_FUNCTIONS};

/// How to parse: the delimiters and the functions templates may call.
#[derive(Clone, Copy)]
pub struct ParseOptions<'a> {
    /// The left delimiter; empty means `{{`.
    pub left_delim: &'a str,
    /// The right delimiter; empty means `}}`.
    pub right_delim: &'a str,
    /// The function names the parser accepts.
    pub functions: &'a dyn FunctionNames,
}

impl Default for ParseOptions<'_> {
    fn default() -> Self {
        ParseOptions { left_delim: "", right_delim: "", functions: HELM_FUNCTIONS }
    }
}

impl std::fmt::Debug for ParseOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseOptions")
            .field("left_delim", &self.left_delim)
            .field("right_delim", &self.right_delim)
            .finish_non_exhaustive()
    }
}

/// Parses the template file `name`: its own tree and every `define` and `block` in it,
/// in the order Go adds them to its set (a later definition replaces an empty one).
///
/// Files of the usual shape take a one-pass fast path; any other file, and every file with an
/// error, the parser that follows Go's step by step. Both give the same trees.
pub fn parse(name: &str, text: &str, options: &ParseOptions<'_>) -> Result<Vec<Tree>, ParseError> {
    let source: Arc<str> = Arc::from(text);
    let name: Arc<str> = Arc::from(name);
    if default_delims(options)
        && let Some(trees) = fast::parse(&name, text, &source, options.functions)
    {
        return Ok(trees);
    }
    parser::Parser::new(name, text, source, options).run()
}

/// The node for a function name, if the function set has it: resolved to its slot in a function
/// map (one lookup in the usual case), lent by a static list, or copied for other name sets.
fn identifier(functions: &dyn FunctionNames, pos: Pos, name: &str) -> Option<Identifier> {
    let (resolved, name) = if let Some((resolved, name)) = functions.resolve(name) {
        (Some(resolved), std::borrow::Cow::Borrowed(name))
    } else if let Some(name) = functions.static_name(name) {
        (None, std::borrow::Cow::Borrowed(name))
    } else if functions.contains(name) {
        (None, std::borrow::Cow::Owned(name.to_owned()))
    } else {
        return None;
    };
    Some(Identifier { pos, name, resolved })
}

fn default_delims(options: &ParseOptions<'_>) -> bool {
    matches!(options.left_delim, "" | "{{") && matches!(options.right_delim, "" | "}}")
}

/// The fast path of [`parse`] alone: `None` where it leaves the file to the step-by-step parser.
/// For tests that compare the two.
#[doc(hidden)]
pub fn parse_fast(name: &str, text: &str, options: &ParseOptions<'_>) -> Option<Vec<Tree>> {
    default_delims(options).then(|| fast::parse(&Arc::from(name), text, &Arc::from(text), options.functions)).flatten()
}

/// The step-by-step parser of [`parse`] alone. For tests that compare the two.
#[doc(hidden)]
pub fn parse_exact(name: &str, text: &str, options: &ParseOptions<'_>) -> Result<Vec<Tree>, ParseError> {
    parser::Parser::new(Arc::from(name), text, Arc::from(text), options).run()
}

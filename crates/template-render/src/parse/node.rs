//! The parse tree of a template (Go's `parse.Node` types) and its printing as Go's `String` methods do.
//!
//! Every node keeps its byte position in the file it came from; text and literal
//! spellings stay spans of that file's shared source.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::literal::NumberValue;
use crate::quote::go_quote;
use crate::registry::Resolved;

/// A byte offset in a template file's source.
pub type Pos = usize;

/// A field or variable name: short names (nearly all) are stored inline, not allocated.
pub type Name = smol_str::SmolStr;

/// One parsed template: a file's own tree, or a `define`/`block` in it. Nodes keep byte
/// positions only; [`Tree::location`] gives a position's line, as Go's nodes carry it.
#[derive(Clone, Debug)]
pub struct Tree {
    /// The template's name (the file name, or the name given to `define`/`block`).
    pub name: Arc<str>,
    /// The name of the file it was parsed from, for error messages.
    pub parse_name: Arc<str>,
    /// The whole text of that file; positions and spans index into it.
    pub source: Arc<str>,
    /// The template's body.
    pub root: List,
}

impl Tree {
    /// The text of a span of the source.
    pub fn text(&self, start: Pos, end: Pos) -> &str {
        self.source.get(start..end).unwrap_or("")
    }

    /// The 1-based line and the column (bytes since the line's start, as Go counts) of a position.
    pub fn location(&self, pos: Pos) -> (usize, usize) {
        let before = self.source.get(..pos).unwrap_or(&self.source);
        let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
        let col = before.rfind('\n').map_or(pos, |nl| pos - nl - 1);
        (line, col)
    }

    /// Whether the tree holds nothing but space (Go's `IsEmptyTree` on its root).
    pub fn is_empty(&self) -> bool {
        self.root.nodes.iter().all(|n| match n {
            Node::Text(t) => self.text(t.pos, t.end).trim().is_empty(),
            _ => false,
        })
    }
}

/// Prints the tree's body as Go's `Tree.Root.String()` does.
impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        Printer { src: &self.source, out: &mut out }.list(&self.root);
        f.write_str(&out)
    }
}

/// A sequence of nodes.
#[derive(Clone, Debug, Default)]
pub struct List {
    /// Where the list starts.
    pub pos: Pos,
    /// The nodes in order.
    pub nodes: Vec<Node>,
}

/// A node of a template body.
#[derive(Clone, Debug)]
pub enum Node {
    /// Plain text.
    Text(Text),
    /// An action that prints a pipeline's value (or only declares variables).
    Action(Action),
    /// `{{if}}` (boxed, as the rarer large nodes are, to keep every node small).
    If(Box<Branch>),
    /// `{{range}}`.
    Range(Box<Branch>),
    /// `{{with}}`.
    With(Box<Branch>),
    /// `{{template}}`, and the call made by `{{block}}`.
    Template(Box<TemplateCall>),
    /// `{{break}}`.
    Break(Control),
    /// `{{continue}}`.
    Continue(Control),
}

/// Plain text: a span of the source.
#[derive(Clone, Copy, Debug)]
pub struct Text {
    /// Where the text starts.
    pub pos: Pos,
    /// Where it ends.
    pub end: Pos,
}

/// An action around a pipeline.
#[derive(Clone, Debug)]
pub struct Action {
    /// Where the action's pipeline starts.
    pub pos: Pos,
    /// The pipeline.
    pub pipe: Pipe,
}

/// `{{break}}` or `{{continue}}`.
#[derive(Clone, Copy, Debug)]
pub struct Control {
    /// Where the keyword is.
    pub pos: Pos,
}

/// The parts of `if`, `range` and `with`.
#[derive(Clone, Debug)]
pub struct Branch {
    /// Where the pipeline starts.
    pub pos: Pos,
    /// The pipeline tested (or ranged over).
    pub pipe: Pipe,
    /// What runs when the value is non-empty.
    pub list: List,
    /// What runs otherwise, when there is an `else`.
    pub else_list: Option<List>,
}

/// `{{template "name" pipeline}}`.
#[derive(Clone, Debug)]
pub struct TemplateCall {
    /// Where the name is.
    pub pos: Pos,
    /// The template called (unquoted).
    pub name: Arc<str>,
    /// The value given as dot, if any.
    pub pipe: Option<Pipe>,
}

/// A pipeline: optional variable declarations, then commands joined by `|`.
#[derive(Clone, Debug)]
pub struct Pipe {
    /// Where it starts.
    pub pos: Pos,
    /// The variables are assigned (`=`), not declared (`:=`).
    pub is_assign: bool,
    /// The variables, in order.
    pub decl: Vec<Variable>,
    /// The commands, in order.
    pub cmds: Vec<Command>,
}

/// A command: an operand and its arguments.
#[derive(Clone, Debug)]
pub struct Command {
    /// Where it starts.
    pub pos: Pos,
    /// The operands in order: a function, field or constant first.
    pub args: Vec<Operand>,
}

impl Command {
    /// Whether the command starts with a constant (Go's non-executable operands: a bool, dot,
    /// nil, a number or a string), which only a pipeline's first command may.
    pub(crate) fn starts_with_constant(&self) -> bool {
        matches!(
            self.args.first(),
            Some(Operand::Bool(..) | Operand::Dot(_) | Operand::Nil(_) | Operand::Number(_) | Operand::String(_))
        )
    }
}

/// One operand of a command.
#[derive(Clone, Debug)]
pub enum Operand {
    /// A function name.
    Identifier(Identifier),
    /// `.`.
    Dot(Pos),
    /// `nil`.
    Nil(Pos),
    /// `true` or `false`.
    Bool(Pos, bool),
    /// A number or character constant.
    Number(Box<Number>),
    /// A string constant.
    String(StringLit),
    /// A field chain on dot: `.a.b`.
    Field(Path),
    /// A variable and its fields: `$x.a`.
    Variable(Variable),
    /// Fields of another operand: `(.a).b`.
    Chain(Box<Chain>),
    /// A parenthesised pipeline.
    Pipe(Box<Pipe>),
}

/// A function name.
#[derive(Clone, Debug)]
pub struct Identifier {
    /// Where it is.
    pub pos: Pos,
    /// The name (the function map's own, when it has one for the program's life).
    pub name: Cow<'static, str>,
    /// Where the parser found the function in its function map, so that a call does not look
    /// the name up again.
    pub(crate) resolved: Option<Resolved>,
}

/// A field path such as `.Values.image` (names without dots).
#[derive(Clone, Debug)]
pub struct Path {
    /// Where it starts.
    pub pos: Pos,
    /// The names in order.
    pub names: Box<[Name]>,
}

/// A variable, possibly with fields: the first name is the variable (`$` or `$x`).
pub type Variable = Path;

/// A number literal: its spelling and its values.
#[derive(Clone, Debug)]
pub struct Number {
    /// Where it starts.
    pub pos: Pos,
    /// Where its spelling ends.
    pub end: Pos,
    /// Its values.
    pub value: NumberValue,
}

/// A string literal: its spelling (a span) and its value.
#[derive(Clone, Debug)]
pub struct StringLit {
    /// Where it starts.
    pub pos: Pos,
    /// Where the quoted spelling ends.
    pub end: Pos,
    /// The string after unquoting.
    pub text: Arc<str>,
}

/// Field accesses on an operand that is not a field or variable.
#[derive(Clone, Debug)]
pub struct Chain {
    /// Where the first field is.
    pub pos: Pos,
    /// The operand.
    pub node: Operand,
    /// The field names in order.
    pub fields: Box<[Name]>,
}

/// Writes nodes as Go's `writeTo` methods do.
pub(crate) struct Printer<'a> {
    pub(crate) src: &'a str,
    pub(crate) out: &'a mut String,
}

impl Printer<'_> {
    pub(crate) fn list(&mut self, list: &List) {
        for node in &list.nodes {
            self.node(node);
        }
    }

    pub(crate) fn node(&mut self, node: &Node) {
        match node {
            Node::Text(t) => self.out.push_str(self.src.get(t.pos..t.end).unwrap_or("")),
            Node::Action(a) => {
                self.out.push_str("{{");
                self.pipe(&a.pipe);
                self.out.push_str("}}");
            }
            Node::If(b) => self.branch("if", b),
            Node::Range(b) => self.branch("range", b),
            Node::With(b) => self.branch("with", b),
            Node::Template(t) => {
                self.out.push_str("{{template ");
                self.out.push_str(&go_quote(&t.name));
                if let Some(pipe) = &t.pipe {
                    self.out.push(' ');
                    self.pipe(pipe);
                }
                self.out.push_str("}}");
            }
            Node::Break(_) => self.out.push_str("{{break}}"),
            Node::Continue(_) => self.out.push_str("{{continue}}"),
        }
    }

    fn branch(&mut self, name: &str, b: &Branch) {
        self.out.push_str("{{");
        self.out.push_str(name);
        self.out.push(' ');
        self.pipe(&b.pipe);
        self.out.push_str("}}");
        self.list(&b.list);
        if let Some(else_list) = &b.else_list {
            self.out.push_str("{{else}}");
            self.list(else_list);
        }
        self.out.push_str("{{end}}");
    }

    pub(crate) fn pipe(&mut self, pipe: &Pipe) {
        if !pipe.decl.is_empty() {
            for (i, v) in pipe.decl.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.path(&v.names, false);
            }
            self.out.push_str(if pipe.is_assign { " = " } else { " := " });
        }
        for (i, c) in pipe.cmds.iter().enumerate() {
            if i > 0 {
                self.out.push_str(" | ");
            }
            for (j, arg) in c.args.iter().enumerate() {
                if j > 0 {
                    self.out.push(' ');
                }
                self.operand(arg);
            }
        }
    }

    fn path(&mut self, names: &[Name], leading_dot: bool) {
        for (i, name) in names.iter().enumerate() {
            if i > 0 || leading_dot {
                self.out.push('.');
            }
            self.out.push_str(name);
        }
    }

    pub(crate) fn operand(&mut self, op: &Operand) {
        match op {
            Operand::Identifier(id) => self.out.push_str(&id.name),
            Operand::Dot(_) => self.out.push('.'),
            Operand::Nil(_) => self.out.push_str("nil"),
            Operand::Bool(_, b) => self.out.push_str(if *b { "true" } else { "false" }),
            Operand::Number(n) => self.out.push_str(self.src.get(n.pos..n.end).unwrap_or("")),
            Operand::String(s) => self.out.push_str(self.src.get(s.pos..s.end).unwrap_or("")),
            Operand::Field(p) => self.path(&p.names, true),
            Operand::Variable(v) => self.path(&v.names, false),
            Operand::Chain(c) => {
                self.operand(&c.node);
                self.path(&c.fields, true);
            }
            Operand::Pipe(p) => {
                self.out.push('(');
                self.pipe(p);
                self.out.push(')');
            }
        }
    }
}

//! The recursive-descent parser over the lexer's tokens, following Go's `parse.Tree` step by step,
//! including its three-token lookahead, so that errors name the same token and line as Go.

use std::sync::Arc;

use super::ParseOptions;
use super::literal::{number_value, unquote, unquote_shared};
use super::node::{
    Action, Branch, Chain, Command, Control, List, Name, Node, Number, Operand, Path, Pipe, Pos, StringLit,
    TemplateCall, Text, Tree,
};
use super::scratch::Scratch;
use crate::error::ParseError;
use crate::functions::FunctionNames;
use crate::lex::{Lexer, Token, TokenKind};
use crate::quote::{go_quote, go_quote_truncated};

/// Go's limit on nested parenthesised expressions (`maxStackDepth`, as on WebAssembly:
/// the non-wasm 10000 would need more stack than a thread may have).
const MAX_PAREN_DEPTH: usize = 1000;
/// Our limit on nested control structures and blocks (Go has none); it keeps the recursion
/// within a 2 MiB thread stack. Real charts nest a dozen levels at most.
const MAX_NESTING: usize = 200;

type Result<T> = std::result::Result<T, ParseError>;

/// What `textOrAction` yields: a node, or the `{{end}}`/`{{else}}` that closes a list.
enum Item {
    Node(Node),
    End,
    Else(Pos),
}

impl Item {
    fn describe(&self) -> &'static str {
        match self {
            Item::Else(..) => "{{else}}",
            _ => "{{end}}",
        }
    }
}

/// What `term` yields: an operand, or the start of a field or variable path whose first
/// name is on the parser's names stack.
enum Term {
    Operand(Operand),
    Field(Pos),
    Variable(Pos),
}

/// The per-tree state of Go's `parse.Tree`: each `define` and `block` gets its own.
struct TreeState {
    tokens: [Token; 3],
    peek_count: usize,
    /// Where this tree's variables start on the parser's variable stack.
    vars_base: usize,
    action_start: Option<Token>,
    range_depth: usize,
    stack_depth: usize,
}

impl TreeState {
    fn new(vars_base: usize) -> Self {
        let none = Token { kind: TokenKind::Eof, pos: 0, end: 0 };
        TreeState { tokens: [none; 3], peek_count: 0, vars_base, action_start: None, range_depth: 0, stack_depth: 0 }
    }
}

pub(super) struct Parser<'a> {
    lex: Lexer<'a>,
    functions: &'a dyn FunctionNames,
    parse_name: Arc<str>,
    source: Arc<str>,
    st: TreeState,
    /// The variables in scope, of every tree being parsed; each tree's start at its `vars_base`.
    vars: Vec<&'a str>,
    nesting: usize,
    trees: Vec<Tree>,
    /// Scratch stacks: a list, pipeline, command or path under construction keeps its items on
    /// top of these and moves them into one allocation of the right size when it is done.
    scratch: Scratch,
}

impl<'a> Parser<'a> {
    pub(super) fn new(parse_name: Arc<str>, text: &'a str, source: Arc<str>, options: &ParseOptions<'a>) -> Self {
        let mut lex = Lexer::new(text, options.left_delim, options.right_delim);
        lex.set_keywords(!options.functions.contains("break"), !options.functions.contains("continue"));
        Parser {
            lex,
            functions: options.functions,
            parse_name,
            source,
            st: TreeState::new(0),
            vars: vec!["$"],
            nesting: 0,
            trees: Vec::new(),
            scratch: Scratch::take(),
        }
    }

    /// Parses the whole file (Go's `Tree.Parse` on the top-level tree).
    pub(super) fn run(mut self) -> Result<Vec<Tree>> {
        let result = self.parse_file();
        std::mem::take(&mut self.scratch).keep();
        result.map(|()| self.trees)
    }

    fn parse_file(&mut self) -> Result<()> {
        let root = self.parse_top()?;
        let line = self.lex.line(self.st.tokens[0]);
        let name = self.parse_name.clone();
        self.add(name, root, line)
    }

    /// Starts a `define` or `block` tree: its own lookahead and variables. Returns the outer state.
    fn enter_tree(&mut self) -> TreeState {
        let inner = TreeState::new(self.vars.len());
        self.vars.push("$");
        std::mem::replace(&mut self.st, inner)
    }

    /// Ends the tree [`Self::enter_tree`] started; returns its state.
    fn leave_tree(&mut self, outer: TreeState) -> TreeState {
        self.vars.truncate(self.st.vars_base);
        std::mem::replace(&mut self.st, outer)
    }

    // ---- tokens ----

    fn next(&mut self) -> Token {
        if self.st.peek_count > 0 {
            self.st.peek_count -= 1;
        } else {
            self.st.tokens[0] = self.lex.next_token();
        }
        self.st.tokens[self.st.peek_count]
    }

    fn backup(&mut self) {
        self.st.peek_count += 1;
    }

    fn backup2(&mut self, t1: Token) {
        self.st.tokens[1] = t1;
        self.st.peek_count = 2;
    }

    fn backup3(&mut self, t2: Token, t1: Token) {
        self.st.tokens[1] = t1;
        self.st.tokens[2] = t2;
        self.st.peek_count = 3;
    }

    fn peek(&mut self) -> Token {
        if self.st.peek_count > 0 {
            return self.st.tokens[self.st.peek_count - 1];
        }
        self.st.peek_count = 1;
        self.st.tokens[0] = self.lex.next_token();
        self.st.tokens[0]
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let token = self.next();
            if token.kind != TokenKind::Space {
                return token;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let token = self.next_non_space();
        self.backup();
        token
    }

    fn text(&self, token: Token) -> &'a str {
        if token.kind == TokenKind::Error {
            return "";
        }
        self.lex.source().get(token.pos..token.end).unwrap_or("")
    }

    /// Go's `item.String`, as messages show a token.
    fn describe(&self, token: Token) -> String {
        match token.kind {
            TokenKind::Eof => "EOF".to_owned(),
            TokenKind::Error => self.lex.error_message().to_owned(),
            k if k.is_keyword() => format!("<{}>", self.text(token)),
            _ => {
                let text = self.text(token);
                if text.len() > 10 { go_quote_truncated(text, 10) } else { go_quote(text) }
            }
        }
    }

    // ---- errors ----

    /// An error at the line of the last token read, as Go's `errorf`.
    fn error(&self, message: String) -> ParseError {
        self.error_at(self.lex.line(self.st.tokens[0]), message)
    }

    fn error_at(&self, line: usize, message: String) -> ParseError {
        ParseError { name: self.parse_name.clone(), line, message }
    }

    fn unexpected(&self, token: Token, context: &str) -> ParseError {
        if token.kind == TokenKind::Error {
            let message = self.lex.error_message();
            let mut extra = String::new();
            let action_line = self.st.action_start.map(|start| self.lex.line(start));
            if let Some(action_line) = action_line
                && action_line != self.lex.line(token)
            {
                let started = format!(" started at {}:{}", self.parse_name, action_line);
                extra = if message.ends_with(" action") { started } else { format!(" in action{started}") };
            }
            return self.error(format!("{message}{extra}"));
        }
        self.error(format!("unexpected {} in {context}", self.describe(token)))
    }

    fn expect(&mut self, expected: TokenKind, context: &str) -> Result<Token> {
        let token = self.next_non_space();
        if token.kind != expected {
            return Err(self.unexpected(token, context));
        }
        Ok(token)
    }

    // ---- trees ----

    /// Adds a finished tree to the set (Go's `Tree.add`); `line` is that tree's last token line.
    fn add(&mut self, name: Arc<str>, root: List, line: usize) -> Result<()> {
        let tree = Tree { name, parse_name: self.parse_name.clone(), source: self.source.clone(), root };
        match self.trees.iter_mut().find(|t| t.name == tree.name) {
            None => self.trees.push(tree),
            Some(existing) if existing.is_empty() => *existing = tree,
            Some(_) if !tree.is_empty() => {
                let message = format!("template: multiple definition of template {}", go_quote(&tree.name));
                return Err(self.error_at(line, message));
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// The top level of a file: like `item_list`, but also takes `{{define}}` and runs to EOF.
    fn parse_top(&mut self) -> Result<List> {
        let pos = self.peek().pos;
        let base = self.scratch.nodes.len();
        while self.peek().kind != TokenKind::Eof {
            if self.peek().kind == TokenKind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == TokenKind::Define {
                    let outer = self.enter_tree();
                    let result = self.parse_definition();
                    self.leave_tree(outer);
                    result?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Item::Node(n) => self.scratch.nodes.push(n),
                end => return Err(self.error(format!("unexpected {}", end.describe()))),
            }
        }
        Ok(List { pos, nodes: self.scratch.nodes.split_off(base) })
    }

    /// `{{define "name"}} ... {{end}}`, the keyword already read.
    fn parse_definition(&mut self) -> Result<()> {
        const CONTEXT: &str = "define clause";
        let token = self.next_non_space();
        if !matches!(token.kind, TokenKind::String | TokenKind::RawString) {
            return Err(self.unexpected(token, CONTEXT));
        }
        let name = unquote(self.text(token)).map_err(|e| self.error(e.to_owned()))?;
        self.expect(TokenKind::RightDelim, CONTEXT)?;
        let (root, end) = self.item_list()?;
        if !matches!(end, Item::End) {
            return Err(self.error(format!("unexpected {} in {CONTEXT}", end.describe())));
        }
        let line = self.lex.line(self.st.tokens[0]);
        self.add(Arc::from(name), root, line)
    }

    /// Nodes up to `{{end}}` or `{{else}}`, which is returned apart.
    fn item_list(&mut self) -> Result<(List, Item)> {
        let pos = self.peek_non_space().pos;
        let base = self.scratch.nodes.len();
        while self.peek_non_space().kind != TokenKind::Eof {
            match self.text_or_action()? {
                Item::Node(n) => self.scratch.nodes.push(n),
                end => return Ok((List { pos, nodes: self.scratch.nodes.split_off(base) }, end)),
            }
        }
        Err(self.error("unexpected EOF".to_owned()))
    }

    fn text_or_action(&mut self) -> Result<Item> {
        let token = self.next_non_space();
        match token.kind {
            TokenKind::Text => Ok(Item::Node(Node::Text(Text { pos: token.pos, end: token.end }))),
            TokenKind::LeftDelim => {
                self.st.action_start = Some(token);
                let result = self.action();
                self.st.action_start = None;
                result
            }
            _ => Err(self.unexpected(token, "input")),
        }
    }

    // ---- actions ----

    fn action(&mut self) -> Result<Item> {
        let token = self.next_non_space();
        match token.kind {
            TokenKind::Block => return self.block_control().map(Item::Node),
            TokenKind::Break | TokenKind::Continue => return self.break_or_continue(token),
            TokenKind::Else => return self.else_control(),
            TokenKind::End => {
                self.expect(TokenKind::RightDelim, "end")?;
                return Ok(Item::End);
            }
            TokenKind::If | TokenKind::Range | TokenKind::With => return self.control(token.kind).map(Item::Node),
            TokenKind::Template => return self.template_control().map(Item::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", TokenKind::RightDelim)?;
        Ok(Item::Node(Node::Action(Action { pos: token.pos, pipe })))
    }

    fn break_or_continue(&mut self, keyword: Token) -> Result<Item> {
        let name = if keyword.kind == TokenKind::Break { "{{break}}" } else { "{{continue}}" };
        let token = self.next_non_space();
        if token.kind != TokenKind::RightDelim {
            return Err(self.unexpected(token, name));
        }
        if self.st.range_depth == 0 {
            return Err(self.error(format!("{name} outside {{{{range}}}}")));
        }
        let control = Control { pos: keyword.pos };
        Ok(Item::Node(if keyword.kind == TokenKind::Break { Node::Break(control) } else { Node::Continue(control) }))
    }

    fn else_control(&mut self) -> Result<Item> {
        let peek = self.peek_non_space();
        // "{{else if" and "{{else with" leave the keyword pending for the branch to see.
        if matches!(peek.kind, TokenKind::If | TokenKind::With) {
            return Ok(Item::Else(peek.pos));
        }
        let token = self.expect(TokenKind::RightDelim, "else")?;
        Ok(Item::Else(token.pos))
    }

    /// `if`, `range` or `with`, the keyword already read.
    fn control(&mut self, kind: TokenKind) -> Result<Node> {
        if self.nesting >= MAX_NESTING {
            return Err(self.error("max nesting depth exceeded".to_owned()));
        }
        self.nesting += 1;
        let vars = self.vars.len();
        let result = self.parse_control(kind);
        self.vars.truncate(vars);
        self.nesting -= 1;
        let branch = result?;
        Ok(match kind {
            TokenKind::If => Node::If(Box::new(branch)),
            TokenKind::Range => Node::Range(Box::new(branch)),
            _ => Node::With(Box::new(branch)),
        })
    }

    fn parse_control(&mut self, kind: TokenKind) -> Result<Branch> {
        let context = match kind {
            TokenKind::If => "if",
            TokenKind::Range => "range",
            _ => "with",
        };
        let pipe = self.pipeline(context, TokenKind::RightDelim)?;
        if kind == TokenKind::Range {
            self.st.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if kind == TokenKind::Range {
            self.st.range_depth -= 1;
        }
        let mut else_list = None;
        if let Item::Else(pos) = next {
            // "{{else if b}}" is "{{else}}{{if b}}...{{end}}" with the last {{end}} shared.
            let chained = self.peek().kind;
            if (kind == TokenKind::If || kind == TokenKind::With) && chained == kind {
                self.next();
                let node = self.control(kind)?;
                else_list = Some(List { pos, nodes: vec![node] });
            } else {
                let (list, next) = self.item_list()?;
                if !matches!(next, Item::End) {
                    return Err(self.error(format!("expected end; found {}", next.describe())));
                }
                else_list = Some(list);
            }
        }
        Ok(Branch { pos: pipe.pos, pipe, list, else_list })
    }

    /// `{{block "name" pipeline}} ... {{end}}`: defines the template and calls it.
    fn block_control(&mut self) -> Result<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, TokenKind::RightDelim)?;
        if self.nesting >= MAX_NESTING {
            return Err(self.error("max nesting depth exceeded".to_owned()));
        }
        self.nesting += 1;
        let outer = self.enter_tree();
        let result = self.item_list();
        let inner = self.leave_tree(outer);
        self.nesting -= 1;
        let (root, end) = result?;
        if !matches!(end, Item::End) {
            return Err(self.error(format!("unexpected {} in {CONTEXT}", end.describe())));
        }
        let name: Arc<str> = Arc::from(name);
        self.add(name.clone(), root, self.lex.line(inner.tokens[0]))?;
        Ok(Node::Template(Box::new(TemplateCall { pos: token.pos, name, pipe: Some(pipe) })))
    }

    fn template_control(&mut self) -> Result<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().kind != TokenKind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, TokenKind::RightDelim)?);
        }
        Ok(Node::Template(Box::new(TemplateCall { pos: token.pos, name: Arc::from(name), pipe })))
    }

    fn template_name(&self, token: Token, context: &str) -> Result<String> {
        match token.kind {
            TokenKind::String | TokenKind::RawString => unquote(self.text(token)).map_err(|e| self.error(e.to_owned())),
            _ => Err(self.unexpected(token, context)),
        }
    }

    // ---- pipelines ----

    fn variable(&self, token: Token) -> Path {
        Path { pos: token.pos, names: Box::new([Name::new(self.text(token))]) }
    }

    /// `declarations? command ('|' command)*` up to `end`.
    fn pipeline(&mut self, context: &str, end: TokenKind) -> Result<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe { pos: token.pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        loop {
            let v = self.peek_non_space();
            if v.kind != TokenKind::Variable {
                break;
            }
            self.next();
            // Spaces are tokens, so "$x foo" needs three tokens of lookahead to tell
            // an argument from a declaration.
            let after = self.peek();
            let next = self.peek_non_space();
            if matches!(next.kind, TokenKind::Assign | TokenKind::Declare) {
                pipe.is_assign = next.kind == TokenKind::Assign;
                self.next_non_space();
                pipe.decl.push(self.variable(v));
                self.vars.push(self.text(v));
            } else if next.kind == TokenKind::Char && self.text(next) == "," {
                self.next_non_space();
                pipe.decl.push(self.variable(v));
                self.vars.push(self.text(v));
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().kind {
                        TokenKind::Variable | TokenKind::RightDelim | TokenKind::RightParen => continue,
                        _ => return Err(self.error("range can only initialize variables".to_owned())),
                    }
                }
                return Err(self.error(format!("too many declarations in {context}")));
            } else if after.kind == TokenKind::Space {
                self.backup3(v, after);
            } else {
                self.backup2(v);
            }
            break;
        }
        let base = self.scratch.cmds.len();
        loop {
            let token = self.next_non_space();
            match token.kind {
                k if k == end => {
                    pipe.cmds = self.scratch.cmds.split_off(base);
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                TokenKind::Bool
                | TokenKind::CharConstant
                | TokenKind::Complex
                | TokenKind::Dot
                | TokenKind::Field
                | TokenKind::Identifier
                | TokenKind::Number
                | TokenKind::Nil
                | TokenKind::RawString
                | TokenKind::String
                | TokenKind::Variable
                | TokenKind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    self.scratch.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> Result<()> {
        if pipe.cmds.is_empty() {
            return Err(self.error(format!("missing value for {context}")));
        }
        // Only the first command of a pipeline may start with a non-executable operand.
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if c.starts_with_constant() {
                return Err(self.error(format!("non executable command in pipeline stage {}", i + 1)));
            }
        }
        Ok(())
    }

    /// Space-separated operands up to `|`, a right delimiter or a right paren.
    fn command(&mut self) -> Result<Command> {
        let pos = self.peek_non_space().pos;
        let base = self.scratch.args.len();
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                self.scratch.args.push(operand);
            }
            let token = self.next();
            match token.kind {
                TokenKind::Space => continue,
                TokenKind::RightDelim | TokenKind::RightParen => self.backup(),
                TokenKind::Pipe => {}
                _ => return Err(self.unexpected(token, "operand")),
            }
            break;
        }
        if self.scratch.args.len() == base {
            return Err(self.error("empty command".to_owned()));
        }
        Ok(Command { pos, args: self.scratch.args.split_off(base) })
    }

    /// A term followed by field accesses.
    fn operand(&mut self) -> Result<Option<Operand>> {
        let base = self.scratch.names.len();
        let Some(term) = self.term()? else { return Ok(None) };
        let mut pos = match term {
            Term::Operand(_) => 0,
            Term::Field(pos) | Term::Variable(pos) => pos,
        };
        if self.peek().kind == TokenKind::Field {
            pos = self.peek().pos;
            // A field or variable takes the fields after it into one list of names.
            while self.peek().kind == TokenKind::Field {
                let token = self.next();
                self.scratch.names.push(Name::new(self.text(token).get(1..).unwrap_or("")));
            }
        } else if let Term::Operand(node) = term {
            return Ok(Some(node));
        }
        let names = self.scratch.names.split_off(base).into_boxed_slice();
        Ok(Some(match term {
            Term::Field(_) => Operand::Field(Path { pos, names }),
            Term::Variable(_) => Operand::Variable(Path { pos, names }),
            Term::Operand(
                node
                @ (Operand::Bool(..) | Operand::String(_) | Operand::Number(_) | Operand::Nil(_) | Operand::Dot(_)),
            ) => {
                let mut shown = String::new();
                super::node::Printer { src: self.lex.source(), out: &mut shown }.operand(&node);
                return Err(self.error(format!("unexpected . after term {}", go_quote(&shown))));
            }
            Term::Operand(node) => Operand::Chain(Box::new(Chain { pos, node, fields: names })),
        }))
    }

    /// A literal, a function name, dot, a field, a variable or a parenthesised pipeline;
    /// a field's or variable's name goes on the names stack.
    fn term(&mut self) -> Result<Option<Term>> {
        let token = self.next_non_space();
        let pos = token.pos;
        let operand = match token.kind {
            TokenKind::Identifier => {
                let name = self.text(token);
                let Some(identifier) = super::identifier(self.functions, pos, name) else {
                    return Err(self.error(format!("function {} not defined", go_quote(name))));
                };
                Operand::Identifier(identifier)
            }
            TokenKind::Dot => Operand::Dot(pos),
            TokenKind::Nil => Operand::Nil(pos),
            TokenKind::Variable => {
                let name = self.text(token);
                if !self.vars[self.st.vars_base..].contains(&name) {
                    return Err(self.error(format!("undefined variable {}", go_quote(name))));
                }
                self.scratch.names.push(Name::new(name));
                return Ok(Some(Term::Variable(pos)));
            }
            TokenKind::Field => {
                let name = self.text(token).get(1..).unwrap_or("");
                self.scratch.names.push(Name::new(name));
                return Ok(Some(Term::Field(pos)));
            }
            TokenKind::Bool => Operand::Bool(pos, self.text(token) == "true"),
            TokenKind::CharConstant | TokenKind::Complex | TokenKind::Number => {
                let text = self.text(token);
                let value = number_value(text, token.kind == TokenKind::CharConstant, token.kind == TokenKind::Complex)
                    .map_err(|e| self.error(e))?;
                Operand::Number(Box::new(Number { pos, end: token.end, value }))
            }
            TokenKind::LeftParen => {
                if self.st.stack_depth >= MAX_PAREN_DEPTH {
                    return Err(self.error("max expression depth exceeded".to_owned()));
                }
                self.st.stack_depth += 1;
                let result = self.pipeline("parenthesized pipeline", TokenKind::RightParen);
                self.st.stack_depth -= 1;
                Operand::Pipe(Box::new(result?))
            }
            TokenKind::String | TokenKind::RawString => {
                let text = unquote_shared(self.text(token)).map_err(|e| self.error(e.to_owned()))?;
                Operand::String(StringLit { pos, end: token.end, text })
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(Term::Operand(operand)))
    }
}

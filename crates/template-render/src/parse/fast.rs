//! The fast path of parsing: one pass over a template file, without tokens, for the shapes
//! real charts are made of (text, comments, trim markers, actions, `if`/`else`/`range`/`with`,
//! `define`, `template`, pipelines of functions, fields, variables, strings, numbers and
//! parenthesised pipelines).
//!
//! It gives up (`None`) on anything else and on every error, and the exact parser, which
//! follows Go's step by step, parses the file instead; so errors are always Go's. When it does
//! not give up, its trees are the exact parser's, positions included: the parser's tests run
//! both on every test template and on random variants of them and compare the trees.

use std::sync::Arc;

use super::literal::{number_value, unquote, unquote_shared};
use super::node::{
    Action, Branch, Chain, Command, List, Name, Node, Number, Operand, Path, Pipe, Pos, StringLit, TemplateCall, Text,
    Tree,
};
use super::scratch::Scratch;
use crate::functions::FunctionNames;
use crate::lex::{find, is_ascii_word, is_space, scan_number_at};

/// Deeper nesting (of controls or parentheses) is left to the exact parser, which limits it.
const MAX_DEPTH: usize = 64;

/// Parses `text` as the file `name`, or `None` when the exact parser must.
pub(super) fn parse(
    name: &Arc<str>,
    text: &str,
    source: &Arc<str>,
    functions: &dyn FunctionNames,
) -> Option<Vec<Tree>> {
    let mut p = Fast {
        s: text.as_bytes(),
        text,
        parse_name: name,
        source,
        pos: 0,
        functions,
        vars: vec!["$"],
        depth: 0,
        trees: Vec::new(),
        scratch: Scratch::take(),
    };
    let parsed = p.items(true);
    std::mem::take(&mut p.scratch).keep();
    let (root, end) = parsed?;
    if !matches!(end, Closer::Eof) {
        return None;
    }
    p.add(name.clone(), root)?;
    Some(p.trees)
}

struct Fast<'a> {
    s: &'a [u8],
    text: &'a str,
    /// The file's name and shared text, which every tree of it holds.
    parse_name: &'a Arc<str>,
    source: &'a Arc<str>,
    pos: usize,
    functions: &'a dyn FunctionNames,
    /// The variables in scope in the tree being parsed.
    vars: Vec<&'a str>,
    depth: usize,
    trees: Vec<Tree>,
    /// Stacks the lists, pipelines, commands and paths under construction keep their items on;
    /// a finished one moves its items into one allocation of their number.
    scratch: Scratch,
}

/// What ends a list of nodes.
enum Closer {
    Eof,
    End,
    /// `{{else}}`, or `{{else if`/`{{else with` with the keyword (and its position) pending.
    Else(Option<(Keyword, Pos)>),
}

/// An item of a list: a node, or what ends the list.
enum Item {
    Node(Node),
    /// A `define` at the top level, already added.
    Nothing,
    End(Closer),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keyword {
    If,
    Range,
    With,
    Else,
    End,
    Define,
    Template,
    /// `block`, `break`, `continue`: the exact parser's.
    Other,
}

/// What a pipeline is for: Go's context names matter only in errors, but `range` allows two
/// declarations and a parenthesised pipeline ends at `)`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Range,
    Action,
    Paren,
}

/// Whether a field name may start with the byte (a digit after `.` makes a number).
fn starts_name(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// The keyword a word is. `break` and `continue` (which a function map may make functions)
/// are left to the exact parser with `block`.
fn keyword(word: &str) -> Option<Keyword> {
    Some(match word {
        "if" => Keyword::If,
        "range" => Keyword::Range,
        "with" => Keyword::With,
        "else" => Keyword::Else,
        "end" => Keyword::End,
        "define" => Keyword::Define,
        "template" => Keyword::Template,
        "block" | "break" | "continue" => Keyword::Other,
        _ => return None,
    })
}

impl<'a> Fast<'a> {
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    /// Where the run of spaces at `i` ends.
    fn space_end(&self, mut i: usize) -> usize {
        while i < self.s.len() && is_space(self.s[i]) {
            i += 1;
        }
        i
    }

    fn skip_space(&mut self) {
        self.pos = self.space_end(self.pos);
    }

    /// Whether a right delimiter starts at the position: `}}`, or `-}}` after a space (a trim
    /// marker, which takes that space); `Some(trim)` if so.
    fn at_right_delim(&self) -> Option<bool> {
        let rest = &self.s[self.pos..];
        if rest.starts_with(b"}}") {
            return Some(false);
        }
        (rest.starts_with(b"-}}") && self.pos > 0 && is_space(self.s[self.pos - 1])).then_some(true)
    }

    /// Steps over a right delimiter found by [`Self::at_right_delim`], and the space a trim
    /// marker removes after it.
    fn take_right_delim(&mut self, trim: bool) {
        self.pos += if trim { 3 } else { 2 };
        if trim {
            self.skip_space();
        }
    }

    /// After space, the right delimiter that must close the action.
    fn expect_right_delim(&mut self) -> Option<()> {
        self.skip_space();
        let trim = self.at_right_delim()?;
        self.take_right_delim(trim);
        Some(())
    }

    /// Whether the lexer would end an identifier, field or variable here (Go's `atTerminator`).
    fn at_terminator(&self, i: usize) -> bool {
        match self.s.get(i) {
            None => true,
            Some(&b) if is_space(b) => true,
            Some(b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(_) => self.s[i..].starts_with(b"}}"),
        }
    }

    /// The ASCII word at `i` (letters, digits, `_`) and where it ends, when a terminator ends it.
    fn word_at(&self, i: usize) -> Option<(&'a str, usize)> {
        let mut end = i;
        while end < self.s.len() && is_ascii_word(self.s[end]) {
            end += 1;
        }
        // A letter beyond ASCII would continue the word: the exact parser's.
        if self.at(end) >= 0x80 || !self.at_terminator(end) {
            return None;
        }
        Some((&self.text[i..end], end))
    }

    // ---- lists ----

    /// Nodes up to `{{end}}`, `{{else}}` or (at the top) the end of the file, and the list's
    /// position: that of its first token.
    fn items(&mut self, top: bool) -> Option<(List, Closer)> {
        let base = self.scratch.nodes.len();
        let mut list_pos = None;
        loop {
            let rest = &self.s[self.pos..];
            let delim = find(rest, b"{{").map(|x| self.pos + x);
            let text_end = delim.unwrap_or(self.s.len());
            let left_trim = delim.is_some_and(|x| self.at(x + 2) == b'-' && is_space(self.at(x + 3)));
            let mut end = text_end;
            if left_trim {
                while end > self.pos && is_space(self.s[end - 1]) {
                    end -= 1;
                }
            }
            if end > self.pos {
                list_pos.get_or_insert(self.pos);
                self.scratch.nodes.push(Node::Text(Text { pos: self.pos, end }));
            }
            let Some(x) = delim else {
                if !top {
                    return None;
                }
                let pos = *list_pos.get_or_insert(self.s.len());
                return Some((List { pos, nodes: self.scratch.nodes.split_off(base) }, Closer::Eof));
            };
            let inside = x + 2 + if left_trim { 2 } else { 0 };
            if self.s[inside..].starts_with(b"/*") {
                self.comment(inside + 2)?;
                continue;
            }
            list_pos.get_or_insert(x);
            self.pos = inside;
            match self.action(top)? {
                Item::Node(n) => self.scratch.nodes.push(n),
                Item::Nothing => {}
                Item::End(end) => {
                    let pos = list_pos.unwrap_or(x);
                    return if top {
                        None
                    } else {
                        Some((List { pos, nodes: self.scratch.nodes.split_off(base) }, end))
                    };
                }
            }
        }
    }

    /// A comment whose text starts at `from`: it must end right before a right delimiter.
    fn comment(&mut self, from: usize) -> Option<()> {
        let close = memchr::memmem::find(&self.s[from..], b"*/")? + from + 2;
        self.pos = close;
        let rest = &self.s[close..];
        if rest.starts_with(b"}}") {
            self.take_right_delim(false);
        } else if rest.len() >= 4 && is_space(rest[0]) && rest[1] == b'-' && rest[2..].starts_with(b"}}") {
            self.pos += 1;
            self.take_right_delim(true);
        } else {
            return None;
        }
        Some(())
    }

    // ---- actions ----

    fn action(&mut self, top: bool) -> Option<Item> {
        self.skip_space();
        let start = self.pos;
        if self.at(start).is_ascii_alphabetic()
            && let Some((word, end)) = self.word_at(start)
            && let Some(kw) = keyword(word)
        {
            self.pos = end;
            return match kw {
                Keyword::End => {
                    self.expect_right_delim()?;
                    Some(Item::End(Closer::End))
                }
                Keyword::Else => {
                    self.skip_space();
                    let at = self.pos;
                    if self.at(at).is_ascii_alphabetic()
                        && let Some((word, _)) = self.word_at(at)
                        && let Some(kw @ (Keyword::If | Keyword::With)) = keyword(word)
                    {
                        return Some(Item::End(Closer::Else(Some((kw, at)))));
                    }
                    self.expect_right_delim()?;
                    Some(Item::End(Closer::Else(None)))
                }
                Keyword::If | Keyword::Range | Keyword::With => self.control(kw).map(Item::Node),
                Keyword::Template => self.template().map(Item::Node),
                Keyword::Define if top => self.define().map(|()| Item::Nothing),
                Keyword::Define | Keyword::Other => None,
            };
        }
        let pipe = self.pipeline(Context::Action)?;
        Some(Item::Node(Node::Action(Action { pos: start, pipe })))
    }

    /// `if`, `range` or `with`, the keyword read.
    fn control(&mut self, kind: Keyword) -> Option<Node> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let vars = self.vars.len();
        let branch = self.branch(kind);
        self.vars.truncate(vars);
        self.depth -= 1;
        let branch = Box::new(branch?);
        Some(match kind {
            Keyword::If => Node::If(branch),
            Keyword::Range => Node::Range(branch),
            _ => Node::With(branch),
        })
    }

    fn branch(&mut self, kind: Keyword) -> Option<Branch> {
        let pipe = self.pipeline(if kind == Keyword::Range { Context::Range } else { Context::Action })?;
        let (list, end) = self.items(false)?;
        let else_list = match end {
            Closer::End => None,
            Closer::Else(None) => {
                let (list, end) = self.items(false)?;
                if !matches!(end, Closer::End) {
                    return None;
                }
                Some(list)
            }
            // `{{else if b}}` is `{{else}}{{if b}}...{{end}}`, the last `{{end}}` shared.
            Closer::Else(Some((chained, at))) if chained == kind && kind != Keyword::Range => {
                self.pos = at + if chained == Keyword::If { 2 } else { 4 };
                let node = self.control(kind)?;
                Some(List { pos: at, nodes: vec![node] })
            }
            Closer::Else(Some(_)) | Closer::Eof => return None,
        };
        Some(Branch { pos: pipe.pos, pipe, list, else_list })
    }

    /// The end of the quoted or raw string at the position (`unquote` gives its text), and
    /// whether unquoting has anything to change (a backslash, or in a raw string a carriage
    /// return); without one, the text is the span between the quotes.
    fn string_token(&self) -> Option<(usize, bool)> {
        let quote = self.at(self.pos);
        let mut i = self.pos + 1;
        let mut escaped = false;
        match quote {
            b'"' => loop {
                match self.s.get(i)? {
                    b'\\' => {
                        if matches!(self.s.get(i + 1), None | Some(b'\n')) {
                            return None;
                        }
                        escaped = true;
                        i += 2;
                    }
                    b'\n' => return None,
                    b'"' => return Some((i + 1, escaped)),
                    _ => i += 1,
                }
            },
            b'`' => {
                let end = memchr::memchr(b'`', &self.s[i..])? + i;
                Some((end + 1, memchr::memchr(b'\r', &self.s[i..end]).is_some()))
            }
            _ => None,
        }
    }

    /// `{{template "name" pipeline}}`, the keyword read.
    fn template(&mut self) -> Option<Node> {
        self.skip_space();
        let pos = self.pos;
        let (end, _) = self.string_token()?;
        let name = unquote(&self.text[pos..end]).ok()?;
        self.pos = end;
        self.skip_space();
        let pipe = if let Some(trim) = self.at_right_delim() {
            self.take_right_delim(trim);
            None
        } else {
            Some(self.pipeline(Context::Action)?)
        };
        Some(Node::Template(Box::new(TemplateCall { pos, name: Arc::from(name), pipe })))
    }

    /// `{{define "name"}} ... {{end}}` at the top level, the keyword read: a tree of its own.
    fn define(&mut self) -> Option<()> {
        self.skip_space();
        let pos = self.pos;
        let (end, _) = self.string_token()?;
        let name = unquote(&self.text[pos..end]).ok()?;
        self.pos = end;
        self.expect_right_delim()?;
        let outer = std::mem::replace(&mut self.vars, vec!["$"]);
        let result = self.items(false);
        self.vars = outer;
        let (root, end) = result?;
        if !matches!(end, Closer::End) {
            return None;
        }
        self.add(Arc::from(name), root)
    }

    /// Adds a tree; a name met twice (which Go resolves by emptiness, or refuses) is the exact
    /// parser's.
    fn add(&mut self, name: Arc<str>, root: List) -> Option<()> {
        if self.trees.iter().any(|t| t.name == name) {
            return None;
        }
        self.trees.push(Tree { name, parse_name: self.parse_name.clone(), source: self.source.clone(), root });
        Some(())
    }

    // ---- pipelines ----

    /// Declarations and commands up to the right delimiter (taken) or, in parentheses, `)`.
    fn pipeline(&mut self, context: Context) -> Option<Pipe> {
        self.skip_space();
        let mut pipe = Pipe { pos: self.pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        let base = self.scratch.cmds.len();
        while self.at(self.pos) == b'$' && context != Context::Paren {
            let at = self.pos;
            let (name, end) = self.variable_token()?;
            let after = self.space_end(end);
            let rest = &self.s[after..];
            let declared = if rest.starts_with(b":=") {
                Some((false, 2))
            } else if rest.starts_with(b"=") && !rest.starts_with(b"==") {
                Some((true, 1))
            } else {
                None
            };
            if let Some((is_assign, len)) = declared {
                pipe.is_assign = is_assign;
                pipe.decl.push(Path { pos: at, names: Box::new([Name::new(name)]) });
                self.vars.push(name);
                self.pos = after + len;
                break;
            }
            if rest.first() == Some(&b',') && context == Context::Range && pipe.decl.is_empty() {
                pipe.decl.push(Path { pos: at, names: Box::new([Name::new(name)]) });
                self.vars.push(name);
                self.pos = after + 1;
                self.skip_space();
                if self.at(self.pos) != b'$' {
                    return None;
                }
                // The second variable must be declared too.
                let (_, end) = self.variable_token()?;
                let after = self.space_end(end);
                if !self.s[after..].starts_with(b":=") && !self.s[after..].starts_with(b"=") {
                    return None;
                }
                continue;
            }
            if !pipe.decl.is_empty() {
                return None;
            }
            // An argument, not a declaration.
            break;
        }
        loop {
            self.skip_space();
            match context {
                Context::Paren if self.at(self.pos) == b')' => {
                    self.pos += 1;
                    break;
                }
                Context::Paren => {}
                _ => {
                    if let Some(trim) = self.at_right_delim() {
                        self.take_right_delim(trim);
                        break;
                    }
                }
            }
            let cmd = self.command(context)?;
            self.scratch.cmds.push(cmd);
        }
        pipe.cmds = self.scratch.cmds.split_off(base);
        // Go's checkPipeline: something to run, and only the first command may be a constant.
        if pipe.cmds.is_empty() {
            return None;
        }
        if pipe.cmds.iter().skip(1).any(Command::starts_with_constant) {
            return None;
        }
        Some(pipe)
    }

    /// Space-separated operands up to `|` (taken), `)` or the right delimiter (left).
    fn command(&mut self, context: Context) -> Option<Command> {
        let pos = self.pos;
        let base = self.scratch.args.len();
        loop {
            self.skip_space();
            self.operand()?;
            // Go reads one token after an operand: a space (then another operand may follow),
            // `|`, `)` or the right delimiter; anything else is an error.
            match self.at(self.pos) {
                b if is_space(b) => {}
                b'|' => {
                    self.pos += 1;
                    break;
                }
                b')' if context == Context::Paren => break,
                _ if self.at_right_delim().is_some() => break,
                _ => return None,
            }
        }
        if self.scratch.args.len() == base {
            return None;
        }
        Some(Command { pos, args: self.scratch.args.split_off(base) })
    }

    /// A term and the fields after it (Go's `operand`), pushed onto the operand stack;
    /// `Some(false)` when no term starts here. Operands are built where they are stored, not
    /// handed back through returns: moving them costs more than building them.
    fn operand(&mut self) -> Option<bool> {
        let pos = self.pos;
        match self.at(pos) {
            b'$' => {
                let (name, end) = self.variable_token()?;
                if !self.vars.contains(&name) {
                    return None;
                }
                self.pos = end;
                self.path(pos, name, true)?;
                return Some(true);
            }
            b'.' if starts_name(self.at(pos + 1)) => {
                let (name, end) = self.word_at(pos + 1)?;
                self.pos = end;
                self.path(pos, name, false)?;
                return Some(true);
            }
            _ => {}
        }
        if !self.term()? {
            return Some(false);
        }
        if self.at(self.pos) != b'.' {
            return Some(true);
        }
        // Fields right after a parenthesised pipeline: `(pipeline).a.b`.
        let chain_pos = self.pos;
        let Some(node @ Operand::Pipe(_)) = self.scratch.args.pop() else { return None };
        let fields = self.fields(self.scratch.names.len())?;
        self.scratch.args.push(Operand::Chain(Box::new(Chain { pos: chain_pos, node, fields })));
        Some(true)
    }

    /// Pushes the field path or variable whose first name (`first`, at `pos`) was read, with
    /// the fields right after it (`.a.b`, `$x.a`).
    fn path(&mut self, pos: Pos, first: &str, variable: bool) -> Option<()> {
        let (pos, names): (Pos, Box<[Name]>) = if self.at(self.pos) == b'.' {
            let chain_pos = self.pos;
            let base = self.scratch.names.len();
            self.scratch.names.push(Name::new(first));
            (chain_pos, self.fields(base)?)
        } else {
            (pos, Box::new([Name::new(first)]))
        };
        let path = Path { pos, names };
        self.scratch.args.push(if variable { Operand::Variable(path) } else { Operand::Field(path) });
        Some(())
    }

    /// The names of the fields at the position (`.a.b`) after those on the name stack from
    /// `base`.
    fn fields(&mut self, base: usize) -> Option<Box<[Name]>> {
        while self.at(self.pos) == b'.' {
            let start = self.pos + 1;
            if !starts_name(self.at(start)) {
                return None;
            }
            let (name, end) = self.word_at(start)?;
            self.scratch.names.push(Name::new(name));
            self.pos = end;
        }
        Some(self.scratch.names.split_off(base).into_boxed_slice())
    }

    /// The variable (`$` or `$name`) at the position: its text and end. Whether it is in scope
    /// is the caller's to check.
    fn variable_token(&self) -> Option<(&'a str, usize)> {
        let name = self.pos + 1;
        let end = if self.at_terminator(name) {
            name
        } else if is_ascii_word(self.at(name)) {
            self.word_at(name)?.1
        } else {
            return None;
        };
        Some((&self.text[self.pos..end], end))
    }

    /// A term other than a field or variable, pushed onto the operand stack; `Some(false)` when
    /// none starts here.
    fn term(&mut self) -> Option<bool> {
        let pos = self.pos;
        let b = self.at(pos);
        let operand = match b {
            b'"' | b'`' => {
                let (end, escaped) = self.string_token()?;
                let text = if escaped {
                    unquote_shared(&self.text[pos..end]).ok()?
                } else {
                    Arc::from(&self.text[pos + 1..end - 1])
                };
                self.pos = end;
                Operand::String(StringLit { pos, end, text })
            }
            // A variable out of place (`$x` where `operand` does not look), or a field whose
            // name does not start as a name: the exact parser's.
            b'$' => return None,
            b'.' if self.at(pos + 1).is_ascii_digit() => return None,
            b'.' => {
                if !self.at_terminator(pos + 1) {
                    return None;
                }
                self.pos = pos + 1;
                Operand::Dot(pos)
            }
            b'0'..=b'9' | b'-' | b'+' => {
                if self.at_right_delim().is_some() {
                    return Some(false);
                }
                let mut end = pos;
                if !scan_number_at(self.text, &mut end) || matches!(self.at(end), b'+' | b'-') {
                    return None;
                }
                let text = &self.text[pos..end];
                // Character constants and complex numbers are the exact parser's.
                if text.ends_with('i') {
                    return None;
                }
                let value = number_value(text, false, false).ok()?;
                self.pos = end;
                Operand::Number(Box::new(Number { pos, end, value }))
            }
            b'(' => {
                if self.depth >= MAX_DEPTH {
                    return None;
                }
                self.depth += 1;
                self.pos = pos + 1;
                let pipe = self.pipeline(Context::Paren);
                self.depth -= 1;
                Operand::Pipe(Box::new(pipe?))
            }
            b if starts_name(b) => {
                let (name, end) = self.word_at(pos)?;
                let operand = match name {
                    "true" | "false" => Operand::Bool(pos, name == "true"),
                    "nil" => Operand::Nil(pos),
                    _ if keyword(name).is_some() => return None,
                    _ => Operand::Identifier(super::identifier(self.functions, pos, name)?),
                };
                self.pos = end;
                operand
            }
            _ => return Some(false),
        };
        self.scratch.args.push(operand);
        Some(true)
    }
}

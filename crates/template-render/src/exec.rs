//! Executing templates as Go's `text/template/exec.go` does: template sets, the walk over a tree,
//! pipelines, field and method access, function calls with Go's argument conversions, and Go's errors.

use std::any::Any;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use crate::builtins::truth;
use crate::error::{Error, ExecError, ParseError};
use crate::gofmt;
use crate::parse::{
    Action, Branch, Command, Identifier, List, Name, Node, Operand, ParseOptions, Pipe, Pos, TemplateCall, Tree,
};
use crate::quote::go_quote;
use crate::registry::{FuncMap, Function, NameHasher};
use crate::scope::{Dot, Frame, Held, Index, Slot, Val, VarRef};
use crate::sorted_map::{SortedMap, same_str};
use crate::value::{GoType, Kind, MapType, Object, SharedMap, Signature, Value, as_argument, changes_as_argument};

/// Counters shared by nested executions (see [`CallContext::counter`]): a few names (the
/// templates being included), which a scan comparing lengths first finds faster than hashing.
type Counters = SortedMap<Box<str>, usize>;

/// Go's limit on nested `{{template}}` calls (`maxExecDepth`).
pub const MAX_EXEC_DEPTH: usize = 100_000;

/// What a field lookup on a map does when the key is missing (Go's `missingkey` option).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingKey {
    /// The default: no value, which prints as `<no value>`.
    #[default]
    Invalid,
    /// The zero value of the map's element type (nil for `interface{}`), as Helm sets it.
    Zero,
    /// An error, `map has no entry for key "x"` (Helm's strict mode).
    Error,
}

/// A set of templates that can call one another, with the functions they may use.
#[derive(Clone, Debug, Default)]
pub struct TemplateSet {
    trees: HashMap<Arc<str>, Arc<Tree>, BuildHasherDefault<NameHasher>>,
    funcs: Arc<FuncMap>,
    missing_key: MissingKey,
    root: Option<Arc<str>>,
    host: Host,
}

/// Data the embedder hands to its functions (Helm's engine options, the `lookup` client).
#[derive(Clone, Default)]
struct Host(Option<Arc<dyn Any + Send + Sync>>);

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Host(..)" } else { "Host(None)" })
    }
}

impl TemplateSet {
    /// An empty set whose templates may call `funcs` (and Go's builtins).
    pub fn new(funcs: FuncMap) -> Self {
        TemplateSet::with_shared_funcs(Arc::new(funcs))
    }

    /// An empty set sharing a function map with other sets.
    pub fn with_shared_funcs(funcs: Arc<FuncMap>) -> Self {
        TemplateSet { trees: HashMap::default(), funcs, missing_key: MissingKey::Invalid, root: None, host: Host(None) }
    }

    /// Names the set as Go's `template.New(name)` does: error messages about missing
    /// templates say `associated with template NAME`.
    pub fn set_name(&mut self, name: &str) {
        self.root = Some(Arc::from(name));
    }

    /// Attaches data for the functions, which they read with [`CallContext::host`].
    pub fn set_host(&mut self, host: Arc<dyn Any + Send + Sync>) {
        self.host = Host(Some(host));
    }

    /// The data attached with [`TemplateSet::set_host`], if it is a `T`.
    pub fn host<T: Any>(&self) -> Option<&T> {
        self.host.0.as_deref().and_then(|h| h.downcast_ref::<T>())
    }

    /// Sets the `missingkey` option.
    pub fn set_missing_key(&mut self, missing_key: MissingKey) {
        self.missing_key = missing_key;
    }

    /// The `missingkey` option.
    pub fn missing_key(&self) -> MissingKey {
        self.missing_key
    }

    /// The functions.
    pub fn funcs(&self) -> &FuncMap {
        &self.funcs
    }

    /// Parses a file as `t.New(name).Parse(text)` does and adds its templates to the set:
    /// a definition replaces an earlier one of the same name unless it is empty.
    pub fn parse(&mut self, name: &str, text: &str, delims: Option<(&str, &str)>) -> Result<(), ParseError> {
        self.parse_main(name, text, delims).map(|_| ())
    }

    /// Parses a file as [`TemplateSet::parse`] does and returns the file's own tree, which is
    /// what Go's `t.New(name).Parse(text)` returns even when an existing non-empty
    /// template of that name is kept in the set.
    pub fn parse_main(
        &mut self,
        name: &str,
        text: &str,
        delims: Option<(&str, &str)>,
    ) -> Result<Option<Arc<Tree>>, ParseError> {
        let (left_delim, right_delim) = delims.unwrap_or(("", ""));
        let options = ParseOptions { left_delim, right_delim, functions: &*self.funcs };
        let trees = crate::parse::parse(name, text, &options)?;
        if self.root.is_none() {
            self.root = Some(Arc::from(name));
        }
        let mut main = None;
        for tree in trees {
            let tree = Arc::new(tree);
            if &*tree.name == name {
                main = Some(tree.clone());
            }
            self.add_shared_tree(tree);
        }
        Ok(main)
    }

    /// Adds a parsed template (Go's `AddParseTree`, keeping a non-empty one over an empty newcomer).
    pub fn add_tree(&mut self, tree: Tree) {
        self.add_shared_tree(Arc::new(tree));
    }

    /// [`TemplateSet::add_tree`] for a tree shared with other sets (see [`crate::ParseCache`]).
    pub fn add_shared_tree(&mut self, tree: Arc<Tree>) {
        if self.trees.contains_key(&tree.name) && tree.is_empty() {
            return;
        }
        self.trees.insert(tree.name.clone(), tree);
    }

    /// The template of that name.
    pub fn lookup(&self, name: &str) -> Option<&Tree> {
        self.trees.get(name).map(|t| &**t)
    }

    /// The names of the templates in the set, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.trees.keys().map(|k| &**k).collect();
        names.sort_unstable();
        names
    }

    /// Executes the template `name` with `data` as dot (Go's `ExecuteTemplate`).
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        // Output is about as long as the template's file: one growth at most, rather than a dozen.
        let size = self.trees.get(name).map_or(0, |t| t.source.len());
        let mut out = String::with_capacity(size.clamp(4096, 1 << 20));
        let mut counters = Counters::new();
        self.execute_into(name, data, &mut out, &mut counters)?;
        Ok(out)
    }

    fn execute_into(&self, name: &str, data: &Value, out: &mut String, counters: &mut Counters) -> Result<(), Error> {
        let Some(tree) = self.lookup(name) else { return Err(self.no_template(name)) };
        self.execute_tree_into(tree, data, out, counters)
    }

    /// Go's error for executing a template the set does not have.
    fn no_template(&self, name: &str) -> Error {
        ExecError {
            name: Arc::from(name),
            message: format!(
                "template: no template {} associated with template {}",
                go_quote(name),
                go_quote(self.root.as_deref().unwrap_or(name))
            ),
        }
        .into()
    }

    fn execute_tree_into(
        &self,
        tree: &Tree,
        data: &Value,
        out: &mut String,
        counters: &mut Counters,
    ) -> Result<(), Error> {
        let mut state = State {
            set: self,
            tree,
            vars: Vec::new(),
            base: 0,
            depth: 0,
            at: At::None,
            counters: std::mem::take(counters),
            arg_pool: Vec::new(),
            scratch: String::new(),
            out_pool: Vec::new(),
        };
        state.vars.push(("$", Slot::Val(Val::concrete(data.clone()))));
        let result = state.walk_list(Dot { v: data, iface: false, frames: None }, &tree.root, out);
        *counters = std::mem::take(&mut state.counters);
        result.map(|_| ()).map_err(|e| *e)
    }
}

/// What a function sees of the execution that calls it: enough for `include` and `tpl`.
pub struct CallContext<'s, 't> {
    state: &'s mut State<'t>,
}

impl<'t> CallContext<'_, 't> {
    /// The template set being executed.
    pub fn set(&self) -> &'t TemplateSet {
        self.state.set
    }

    /// The name of the template executing the call.
    pub fn template_name(&self) -> &str {
        &self.state.tree.name
    }

    /// Executes another template of the set into a string, as `ExecuteTemplate` does from a function
    /// (a fresh variable scope and depth; counters are shared with the caller).
    pub fn execute_template(&mut self, name: &str, dot: &Value) -> Result<String, Error> {
        // Helpers print a line or a few: one allocation usually holds them.
        let mut out = String::with_capacity(NESTED_OUTPUT_CAPACITY);
        self.execute_template_into(name, dot, &mut out)?;
        Ok(out)
    }

    /// [`CallContext::execute_template`] as a string value, written into a buffer this
    /// execution keeps for the next call.
    pub fn execute_template_value(&mut self, name: &str, dot: &Value) -> Result<Value, Error> {
        let mut out = self.state.out_pool.pop().unwrap_or_else(|| String::with_capacity(NESTED_OUTPUT_CAPACITY));
        let value = self.execute_template_into(name, dot, &mut out).map(|()| Value::string(&out));
        out.clear();
        self.state.out_pool.push(out);
        value
    }

    fn execute_template_into(&mut self, name: &str, dot: &Value, out: &mut String) -> Result<(), Error> {
        let set: &'t TemplateSet = self.state.set;
        let Some(tree) = set.trees.get(name) else { return Err(set.no_template(name)) };
        let state = &mut *self.state;
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || state.execute_nested(tree, dot, out))
    }

    /// Executes a tree of another set (such as a clone of this one extended by `tpl`) into a
    /// string, sharing this execution's counters.
    pub fn execute_tree_in(&mut self, set: &TemplateSet, tree: &Tree, dot: &Value) -> Result<String, Error> {
        let mut out = String::new();
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || {
            set.execute_tree_into(tree, dot, &mut out, &mut self.state.counters)
        })?;
        Ok(out)
    }

    /// The data the embedder attached to the executing set, if it is a `T`.
    pub fn host<T: Any>(&self) -> Option<&'t T> {
        self.state.set.host::<T>()
    }

    /// A buffer functions may reuse to build their results, emptied.
    pub fn scratch(&mut self) -> &mut String {
        self.state.scratch.clear();
        &mut self.state.scratch
    }

    /// A counter shared by every execution nested in this one, such as Helm's count of
    /// `include` calls per template name (0 until changed).
    pub fn counter(&self, key: &str) -> usize {
        self.state.counters.get(key).copied().unwrap_or(0)
    }

    /// Adds `delta` to a counter (see [`CallContext::counter`]), which never goes below 0;
    /// its new value. One lookup when the counter exists.
    pub fn add_to_counter(&mut self, key: &str, delta: isize) -> usize {
        let apply = |n: usize| n.saturating_add_signed(delta);
        if let Some(n) = self.state.counters.get_mut(key) {
            *n = apply(*n);
            return *n;
        }
        let n = apply(0);
        self.state.counters.insert(Box::from(key), n);
        n
    }
}

const STACK_RED_ZONE: usize = 128 * 1024;
/// The first allocation for the text of a template executed from a function (`include`).
const NESTED_OUTPUT_CAPACITY: usize = 256;
const STACK_GROWTH: usize = 4 * 1024 * 1024;

/// Go's print builtins, which the executor can call on borrowed arguments.
#[derive(Clone, Copy)]
enum PrintFn {
    Print,
    Printf,
    Println,
}

impl PrintFn {
    fn of(name: &str) -> Option<PrintFn> {
        match name {
            "print" => Some(PrintFn::Print),
            "printf" => Some(PrintFn::Printf),
            "println" => Some(PrintFn::Println),
            _ => None,
        }
    }
}

/// The node an error is reported at (Go's `state.node`).
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    Action(&'t Action),
    Pipe(&'t Pipe),
    Command(&'t Command),
    Operand(&'t Operand),
}

enum Flow {
    Normal,
    Break,
    Continue,
}

/// Errors are rare and large: boxed, the results passed back at every step stay small.
type Result<T, E = Box<Error>> = std::result::Result<T, E>;

/// The function being called: a registered function or a host object's method.
enum Callee<'a> {
    Function(&'a Function, bool),
    Method(&'a Arc<dyn Object>, Signature),
    MapMethod(&'a Arc<SharedMap>, &'static dyn MapType, Signature),
}

struct State<'t> {
    set: &'t TemplateSet,
    tree: &'t Tree,
    vars: Vec<(&'t str, Slot)>,
    base: usize,
    depth: usize,
    at: At<'t>,
    counters: Counters,
    arg_pool: Vec<Vec<Value>>,
    scratch: String,
    /// Buffers that templates executed from functions wrote into, kept for the next ones.
    out_pool: Vec<String>,
}

fn operand_pos(op: &Operand) -> Pos {
    match op {
        Operand::Identifier(i) => i.pos,
        Operand::Dot(p) | Operand::Nil(p) | Operand::Bool(p, _) => *p,
        Operand::Number(n) => n.pos,
        Operand::String(s) => s.pos,
        Operand::Field(p) | Operand::Variable(p) => p.pos,
        Operand::Chain(c) => c.pos,
        Operand::Pipe(p) => p.pos,
    }
}

/// Follows field names through maps never written, borrowing: the value at the end of the
/// path, or `None` as soon as a step is anything else (a missing key, a written map, not a map),
/// which the general path then evaluates with Go's rules.
fn stored_path<'v>(start: &'v Value, names: &[Name]) -> Option<&'v Value> {
    let mut v = start;
    for name in names {
        let Value::Map(m) = v else { return None };
        if m.has_method(name) {
            return None;
        }
        v = m.frozen()?.get(name)?;
    }
    Some(v)
}

/// How many leading names [`stored_path`] follows, and the value it reaches after them (a
/// field of a map, so held in an `interface{}`). `None` when it follows none.
fn stored_prefix(start: &Value, names: &[Name]) -> Option<(usize, Val)> {
    let mut v = start;
    let mut steps = 0;
    for name in names {
        let Value::Map(m) = v else { break };
        if m.has_method(name) {
            break;
        }
        let Some(next) = m.frozen().and_then(|f| f.get(name)) else { break };
        v = next;
        steps += 1;
    }
    (steps > 0).then(|| (steps, Val { v: v.clone(), iface: Held::Interface }))
}

/// The value of a pipeline that is only dot or a field path on it, borrowed from dot (see [`stored_path`]).
fn stored_operand<'d>(dot: Dot<'d>, pipe: &Pipe) -> Option<&'d Value> {
    let [cmd] = &pipe.cmds[..] else { return None };
    match &cmd.args[..] {
        [Operand::Dot(_)] => Some(dot.v),
        [Operand::Field(p)] => stored_path(dot.v, &p.names),
        _ => None,
    }
}

/// Where a field chain's evaluation starts: as far along `names` as [`stored_prefix`] goes (the
/// last name only when it takes no arguments, as a method might), and how many names that took.
fn chain_start(receiver: Dot<'_>, names: &[Name], last_free: bool) -> (Val, usize) {
    let limit = if last_free { names.len() } else { names.len().saturating_sub(1) };
    match stored_prefix(receiver.v, &names[..limit]) {
        Some((skip, v)) => (v, skip),
        None => (receiver.to_val(), 0),
    }
}

impl<'t> State<'t> {
    // ---- errors ----

    fn node_string(&self, at: At<'t>) -> String {
        let mut out = String::new();
        let mut p = crate::parse::node::Printer { src: &self.tree.source, out: &mut out };
        match at {
            At::None => {}
            At::Node(n) => p.node(n),
            At::Action(a) => {
                p.out.push_str("{{");
                p.pipe(&a.pipe);
                p.out.push_str("}}");
            }
            At::Pipe(pipe) => p.pipe(pipe),
            At::Command(c) => {
                for (i, arg) in c.args.iter().enumerate() {
                    if i > 0 {
                        p.out.push(' ');
                    }
                    p.operand(arg);
                }
            }
            At::Operand(o) => p.operand(o),
        }
        out
    }

    fn operand_string(&self, op: &Operand) -> String {
        let mut out = String::new();
        crate::parse::node::Printer { src: &self.tree.source, out: &mut out }.operand(op);
        out
    }

    fn error(&self, message: impl Into<String>) -> Box<Error> {
        let message = message.into();
        let name = &self.tree.name;
        let pos = match self.at {
            At::None => {
                let message = format!("template: {name}: {message}");
                return Box::new(ExecError { name: name.clone(), message }.into());
            }
            At::Node(n) => match n {
                Node::Text(t) => t.pos,
                Node::Action(a) => a.pos,
                Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
                Node::Template(t) => t.pos,
                Node::Break(c) | Node::Continue(c) => c.pos,
            },
            At::Action(a) => a.pos,
            At::Pipe(p) => p.pos,
            At::Command(c) => c.pos,
            At::Operand(o) => operand_pos(o),
        };
        let (line, col) = self.tree.location(pos);
        let context = self.node_string(self.at);
        let message = format!(
            "template: {}:{line}:{col}: executing {} at <{context}>: {message}",
            self.tree.parse_name,
            go_quote(name)
        );
        Box::new(ExecError { name: name.clone(), message }.into())
    }

    // ---- variables ----

    /// The value of a command that is only dot, a variable or a field path through maps never
    /// written, borrowed where it is stored (see [`stored_path`]).
    fn stored_command<'a>(&'a self, dot: Dot<'a>, cmd: &Command) -> Option<&'a Value> {
        let [operand] = &cmd.args[..] else { return None };
        self.stored_operand_ref(dot, operand)
    }

    /// [`State::stored_command`] for one operand.
    fn stored_operand_ref<'a>(&'a self, dot: Dot<'a>, operand: &Operand) -> Option<&'a Value> {
        match operand {
            Operand::Dot(_) => Some(dot.v),
            Operand::Field(p) => stored_path(dot.v, &p.names),
            Operand::Variable(p) => self
                .var_ref(&p.names[0], dot)
                .and_then(VarRef::value)
                .and_then(|v| stored_path(v, p.names.get(1..).unwrap_or(&[]))),
            _ => None,
        }
    }

    /// The variable, borrowed where it is stored; `dot` is where it is read, for the ranges around.
    fn var_ref<'a>(&'a self, name: &str, dot: Dot<'a>) -> Option<VarRef<'a>> {
        let (_, slot) = self.vars[self.base..].iter().rev().find(|(n, _)| same_str(n, name))?;
        slot.get(dot.frames)
    }

    /// [`chain_start`] from a variable, without cloning it first.
    fn var_chain_start(&self, name: &str, dot: Dot<'_>, names: &[Name], last_free: bool) -> Result<(Val, usize)> {
        match self.var_ref(name, dot) {
            Some(VarRef::Value(v, iface)) => Ok(chain_start(Dot { v, iface, frames: None }, names, last_free)),
            Some(var) => Ok((var.to_val(), 0)),
            None => Err(self.error(format!("undefined variable: {name}"))),
        }
    }

    fn var_value(&self, name: &str, dot: Dot<'_>) -> Result<Val> {
        match self.var_ref(name, dot) {
            Some(var) => Ok(var.to_val()),
            None => Err(self.error(format!("undefined variable: {name}"))),
        }
    }

    fn set_var(&mut self, name: &str, value: Val) -> Result<()> {
        for (n, v) in self.vars[self.base..].iter_mut().rev() {
            if same_str(n, name) {
                *v = Slot::Val(value);
                return Ok(());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: Slot) {
        let len = self.vars.len();
        if let Some(slot) = self.vars.get_mut(len - n) {
            slot.1 = value;
        }
    }

    // ---- walking ----

    /// Executes a template of this set as a fresh execution would (only `$` defined, depth 0),
    /// reusing this execution's buffers and counters; everything is restored afterwards.
    fn execute_nested(&mut self, tree: &'t Tree, data: &Value, out: &mut String) -> Result<(), Error> {
        let saved = (self.tree, self.base, self.depth, self.at);
        let mark = self.vars.len();
        self.tree = tree;
        self.base = mark;
        self.depth = 0;
        self.at = At::None;
        self.vars.push(("$", Slot::Val(Val::concrete(data.clone()))));
        let result = self.walk_list(Dot { v: data, iface: false, frames: None }, &tree.root, out);
        self.vars.truncate(mark);
        (self.tree, self.base, self.depth, self.at) = saved;
        result.map(|_| ()).map_err(|e| *e)
    }

    fn walk_list(&mut self, dot: Dot<'_>, list: &'t List, out: &mut String) -> Result<Flow> {
        for node in &list.nodes {
            match self.walk(dot, node, out)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: Dot<'_>, node: &'t Node, out: &mut String) -> Result<Flow> {
        self.at = At::Node(node);
        match node {
            Node::Text(t) => out.push_str(self.tree.text(t.pos, t.end)),
            Node::Action(a) => {
                if self.print_stored(dot, &a.pipe, out) {
                    return Ok(Flow::Normal);
                }
                if a.pipe.decl.is_empty()
                    && let Some((last, init)) = a.pipe.cmds.split_last()
                    && let Some(print) = self.print_builtin(last)
                {
                    // A pipeline ending in print, printf or println writes its text straight out.
                    self.at = At::Pipe(&a.pipe);
                    if let [first] = init
                        && let Some(v) = self.stored_command(dot, first)
                        && !matches!(v, Value::Nil | Value::Invalid)
                        && self.print_borrowed(dot, print, &last.args[1..], Some(v), out)
                    {
                        return Ok(Flow::Normal);
                    }
                    let mut value: Option<Val> = None;
                    for cmd in init {
                        value = Some(self.eval_step(dot, cmd, value.take())?);
                    }
                    if self.print_borrowed(dot, print, &last.args[1..], value.as_ref().map(|v| &v.v), out) {
                        return Ok(Flow::Normal);
                    }
                    let val = self.eval_step(dot, last, value)?;
                    self.at = At::Action(a);
                    self.print_value(&val.v, out)?;
                    return Ok(Flow::Normal);
                }
                let val = self.eval_pipeline(dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.at = At::Action(a);
                    self.print_value(&val.v, out)?;
                }
            }
            Node::If(b) => return self.walk_if_or_with(false, dot, b, out),
            Node::With(b) => return self.walk_if_or_with(true, dot, b, out),
            Node::Range(b) => return self.walk_range(dot, b, out),
            Node::Template(t) => self.walk_template(dot, t, out)?,
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    /// Prints an action that is only dot, a variable or a field path through maps never written,
    /// straight from where the value is stored: no clone, no reference count. Anything else
    /// (a missing key, nil, a host object) is left to the general path, which says `false`.
    fn print_stored(&self, dot: Dot<'_>, pipe: &Pipe, out: &mut String) -> bool {
        let ([cmd], true) = (&pipe.cmds[..], pipe.decl.is_empty()) else { return false };
        if let [Operand::Variable(p)] = &cmd.args[..]
            && p.names.len() == 1
            && let Some(var) = self.var_ref(&p.names[0], dot)
            && var.print_index(out)
        {
            return true;
        }
        match self.stored_command(dot, cmd) {
            Some(v @ (Value::String(_) | Value::Bool(_) | Value::Int(_) | Value::Int64(_) | Value::Float64(_))) => {
                gofmt::print_value(v, out);
                true
            }
            _ => false,
        }
    }

    fn print_value(&self, v: &Value, out: &mut String) -> Result<()> {
        match v {
            Value::Invalid => out.push_str("<no value>"),
            Value::Object(o) if o.kind() == Kind::Func => {
                return Err(self.error(format!("can't print {} of type {}", self.node_string(self.at), o.type_name())));
            }
            Value::Object(o) if o.kind() == Kind::Pointer && !o.is_nil() && o.stringer().is_none() => {
                // printableValue indirects pointers: a pointer to a struct prints as the struct.
                let mut s = gofmt::sprint(std::slice::from_ref(v));
                if s.starts_with('&') {
                    s.remove(0);
                }
                out.push_str(&s);
            }
            v => gofmt::print_value(v, out),
        }
        Ok(())
    }

    fn walk_if_or_with(&mut self, with: bool, dot: Dot<'_>, b: &'t Branch, out: &mut String) -> Result<Flow> {
        let mark = self.vars.len();
        let result = self.if_or_with(with, dot, b, out);
        self.vars.truncate(mark);
        result
    }

    fn if_or_with(&mut self, with: bool, dot: Dot<'_>, b: &'t Branch, out: &mut String) -> Result<Flow> {
        if b.pipe.decl.is_empty()
            && let Some(v) = stored_operand(dot, &b.pipe)
            && !matches!(v, Value::Object(_))
        {
            return if truth(v) {
                self.walk_list(if with { Dot { v, iface: false, frames: dot.frames } } else { dot }, &b.list, out)
            } else if let Some(else_list) = &b.else_list {
                self.walk_list(dot, else_list, out)
            } else {
                Ok(Flow::Normal)
            };
        }
        let val = self.eval_pipeline(dot, &b.pipe)?;
        if let Value::Object(o) = &val.v
            && o.kind() == Kind::Func
        {
            return Err(self.error(format!("if/with can't use {}", gofmt::sprint(std::slice::from_ref(&val.v)))));
        }
        if truth(&val.v) {
            if with {
                self.walk_list(val.dot_within(dot.frames), &b.list, out)
            } else {
                self.walk_list(dot, &b.list, out)
            }
        } else if let Some(else_list) = &b.else_list {
            self.walk_list(dot, else_list, out)
        } else {
            Ok(Flow::Normal)
        }
    }

    fn walk_range(&mut self, dot: Dot<'_>, r: &'t Branch, out: &mut String) -> Result<Flow> {
        let mark = self.vars.len();
        let result = self.range(dot, r, out);
        self.vars.truncate(mark);
        result.map(|_| Flow::Normal)
    }

    /// One iteration of a range inside the ranges of `dot`: the element is the body's dot, and
    /// the variables declared name the iteration's frame rather than copy its values.
    fn one_iteration(
        &mut self,
        r: &'t Branch,
        dot: Dot<'_>,
        index: Index<'_>,
        elem: &Value,
        iface: bool,
        out: &mut String,
    ) -> Result<bool> {
        let depth = Frame::next_depth(dot.frames);
        let decl = &r.pipe.decl;
        if !decl.is_empty() {
            if r.pipe.is_assign {
                let elem = Val { v: elem.clone(), iface: Held::from(iface) };
                if decl.len() > 1 {
                    self.set_var(&decl[0].names[0], index.to_val())?;
                    self.set_var(&decl[1].names[0], elem)?;
                } else {
                    self.set_var(&decl[0].names[0], elem)?;
                }
            } else {
                self.set_top_var(1, Slot::Elem(depth));
                if decl.len() > 1 {
                    self.set_top_var(2, Slot::Index(depth));
                }
            }
        }
        let frame = Frame { depth, index, elem, iface, parent: dot.frames };
        let mark = self.vars.len();
        let flow = self.walk_list(Dot { v: elem, iface, frames: Some(&frame) }, &r.list, out);
        self.vars.truncate(mark);
        Ok(matches!(flow?, Flow::Break))
    }

    fn range(&mut self, dot: Dot<'_>, r: &'t Branch, out: &mut String) -> Result<()> {
        self.at = At::Pipe(&r.pipe);
        // Ranging over a list or map stored in dot borrows it; the variables still get their copy.
        if let Some(v @ (Value::List(_) | Value::Map(_))) = stored_operand(dot, &r.pipe)
            && !r.pipe.is_assign
        {
            for var in &r.pipe.decl {
                self.vars.push((&var.names[0], Slot::Val(Val::concrete(v.clone()))));
            }
            return self.range_over(dot, r, v, out);
        }
        let val = self.eval_pipeline(dot, &r.pipe)?;
        self.range_over(dot, r, &val.v, out)
    }

    fn range_over(&mut self, dot: Dot<'_>, r: &'t Branch, v: &Value, out: &mut String) -> Result<()> {
        match v {
            Value::Int(_) | Value::Int64(_) => {
                if r.pipe.decl.len() > 1 {
                    return Err(self.error(format!(
                        "can't use {} to iterate over more than one variable",
                        gofmt::sprint(std::slice::from_ref(v))
                    )));
                }
                let n = v.as_int().unwrap_or(0);
                if n > 0 {
                    for i in 0..n {
                        let e = if matches!(v, Value::Int(_)) { Value::Int(i) } else { Value::Int64(i) };
                        if self.one_iteration(r, dot, Index::Invalid, &e, false, out)? {
                            break;
                        }
                    }
                    return Ok(());
                }
            }
            Value::List(l) => {
                if !l.is_empty() {
                    for (i, e) in l.iter().enumerate() {
                        if self.one_iteration(r, dot, Index::Int(i as i64), e, true, out)? {
                            break;
                        }
                    }
                    return Ok(());
                }
            }
            Value::Map(m) => {
                if !m.is_empty() {
                    // Go sorts the keys first, then reads each entry when its turn comes, so an
                    // iteration sees what earlier ones changed (a deleted entry is no value).
                    if let Some(frozen) = m.frozen() {
                        // The sorted keys are the frozen ones; an entry is read from the lock only
                        // once an iteration has written the map.
                        for (k, e) in frozen {
                            let current;
                            let elem = if m.frozen().is_some() {
                                e
                            } else {
                                current = m.get(k).unwrap_or(Value::Invalid);
                                &current
                            };
                            if self.one_iteration(r, dot, Index::Key(k), elem, true, out)? {
                                break;
                            }
                        }
                        return Ok(());
                    }
                    for k in m.keys() {
                        let elem = m.get(&k).unwrap_or(Value::Invalid);
                        if self.one_iteration(r, dot, Index::Key(&k), &elem, true, out)? {
                            break;
                        }
                    }
                    return Ok(());
                }
            }
            Value::Invalid => {}
            Value::Object(o) if o.kind() == Kind::Slice => {
                let elems = o.elements().unwrap_or_default();
                if !elems.is_empty() {
                    for (i, e) in elems.iter().enumerate() {
                        if self.one_iteration(r, dot, Index::Int(i as i64), e, false, out)? {
                            break;
                        }
                    }
                    return Ok(());
                }
            }
            Value::Object(o) if o.kind() == Kind::Map => {
                let fields = o.fields();
                if !fields.is_empty() {
                    for (k, e) in &fields {
                        if self.one_iteration(r, dot, Index::Value(Value::string(k)), e, false, out)? {
                            break;
                        }
                    }
                    return Ok(());
                }
            }
            Value::Object(o) if matches!(o.kind(), Kind::Int | Kind::Uint) => {
                if r.pipe.decl.len() > 1 {
                    return Err(self.error(format!(
                        "can't use {} to iterate over more than one variable",
                        gofmt::sprint(std::slice::from_ref(v))
                    )));
                }
                let n = o.int().map_or_else(|| o.uint().unwrap_or(0), |i| i.max(0) as u64);
                if n > 0 {
                    for i in 0..n {
                        let e = Value::Int(i as i64);
                        if self.one_iteration(r, dot, Index::Invalid, &e, false, out)? {
                            break;
                        }
                    }
                    return Ok(());
                }
            }
            _ => {
                return Err(self.error(format!("range can't iterate over {}", gofmt::sprint(std::slice::from_ref(v)))));
            }
        }
        if let Some(else_list) = &r.else_list {
            self.walk_list(dot, else_list, out)?;
        }
        Ok(())
    }

    fn walk_template(&mut self, dot: Dot<'_>, t: &'t TemplateCall, out: &mut String) -> Result<()> {
        let set = self.set;
        let Some(tree) = set.trees.get(&*t.name) else {
            return Err(self.error(format!("template {} not defined", go_quote(&t.name))));
        };
        if self.depth >= MAX_EXEC_DEPTH {
            return Err(self.error(format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})")));
        }
        let new_dot = match &t.pipe {
            Some(pipe) => self.eval_pipeline(dot, pipe)?,
            None => Val::concrete(Value::Invalid),
        };
        let saved_tree = self.tree;
        let saved_base = self.base;
        let saved_at = self.at;
        let mark = self.vars.len();
        self.tree = tree;
        self.base = mark;
        self.depth += 1;
        self.vars.push(("$", Slot::Val(new_dot.clone())));
        let result =
            stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || self.walk_list(new_dot.as_dot(), &tree.root, out));
        self.depth -= 1;
        self.vars.truncate(mark);
        self.base = saved_base;
        if result.is_ok() {
            self.tree = saved_tree;
            self.at = saved_at;
        }
        result.map(|_| ())
    }

    // ---- evaluation ----

    fn eval_pipeline(&mut self, dot: Dot<'_>, pipe: &'t Pipe) -> Result<Val> {
        self.at = At::Pipe(pipe);
        let mut value: Option<Val> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_step(dot, cmd, value.take())?);
        }
        let value = value.unwrap_or_else(|| Val::concrete(Value::Invalid));
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&var.names[0], value.clone())?;
            } else {
                self.vars.push((&var.names[0], Slot::Val(value.clone())));
            }
        }
        Ok(value)
    }

    /// One command of a pipeline, given the previous command's value.
    fn eval_step(&mut self, dot: Dot<'_>, cmd: &'t Command, prev: Option<Val>) -> Result<Val> {
        let mut v = self.eval_command(dot, cmd, prev)?;
        // An interface{} is unwrapped to the value inside; a nil one to no value.
        if matches!(v.v, Value::Nil) {
            v.v = Value::Invalid;
        }
        v.iface = Held::Concrete;
        Ok(v)
    }

    /// Which of Go's print builtins a command calls, if it calls one (and the function map kept it).
    fn print_builtin(&self, cmd: &'t Command) -> Option<PrintFn> {
        let Some(Operand::Identifier(id)) = cmd.args.first() else { return None };
        let print = PrintFn::of(&id.name)?;
        matches!(self.function(id), Some((_, true))).then_some(print)
    }

    /// The function a name calls (and whether it is a builtin): where the parser found it, or
    /// (a tree parsed for another function map) looked up by name.
    fn function(&self, id: &'t Identifier) -> Option<(&'t Function, bool)> {
        let funcs: &'t FuncMap = &self.set.funcs;
        id.resolved.and_then(|r| funcs.resolved(r)).or_else(|| funcs.get(&id.name))
    }

    /// Calls print, printf or println on arguments borrowed where they are stored, appending the
    /// text to `out`: no argument is cloned. Only for arguments that need no evaluation (dot,
    /// variables, fields through maps never written, printf's literal format) and that Go passes
    /// unchanged; says `false` and appends nothing otherwise, and the general path runs.
    fn print_borrowed(
        &self,
        dot: Dot<'_>,
        print: PrintFn,
        args: &[Operand],
        final_: Option<&Value>,
        out: &mut String,
    ) -> bool {
        const MAX: usize = 8;
        static NO_VALUE: Value = Value::Invalid;
        let (format, args) = match (print, args) {
            (PrintFn::Printf, [Operand::String(format), rest @ ..]) => (Some(&*format.text), rest),
            (PrintFn::Printf, _) => return false,
            (_, args) => (None, args),
        };
        if args.len() + usize::from(final_.is_some()) > MAX {
            return false;
        }
        let mut refs: [&Value; MAX] = [&NO_VALUE; MAX];
        for (slot, arg) in refs.iter_mut().zip(args) {
            match self.stored_operand_ref(dot, arg) {
                // No value becomes nil when passed as an interface{}, and an addressable struct
                // loses its pointer methods: the general path does that.
                Some(v) if !v.is_invalid() && !changes_as_argument(v) => *slot = v,
                _ => return false,
            }
        }
        let mut n = args.len();
        if let Some(f) = final_ {
            if f.is_invalid() || changes_as_argument(f) {
                return false;
            }
            refs[n] = f;
            n += 1;
        }
        let refs = &refs[..n];
        match (print, format) {
            (PrintFn::Printf, Some(format)) => gofmt::sprintf_into(out, format, refs),
            (PrintFn::Println, _) => gofmt::sprintln_into(out, refs),
            _ => gofmt::sprint_into(out, refs),
        }
        true
    }

    /// A parenthesised pipeline: the only place expressions nest deeply, so the stack grows here.
    fn eval_nested_pipeline(&mut self, dot: Dot<'_>, pipe: &'t Pipe) -> Result<Val> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || self.eval_pipeline(dot, pipe))
    }

    fn not_a_function(&self, args: &[Operand], has_final: bool, first: &Operand) -> Result<()> {
        if args.len() > 1 || has_final {
            let shown = match first {
                Operand::Pipe(p) => {
                    let mut out = String::new();
                    crate::parse::node::Printer { src: &self.tree.source, out: &mut out }.pipe(p);
                    out
                }
                other => self.operand_string(other),
            };
            return Err(self.error(format!("can't give argument to non-function {shown}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: Dot<'_>, cmd: &'t Command, final_: Option<Val>) -> Result<Val> {
        let Some(first) = cmd.args.first() else { return Ok(Val::concrete(Value::Invalid)) };
        match first {
            Operand::Field(p) => {
                self.at = At::Operand(first);
                let args = &cmd.args[1..];
                let (receiver, skip) = chain_start(dot, &p.names, args.is_empty() && final_.is_none());
                return self.eval_field_chain(dot, receiver, first, &p.names[skip..], args, final_, cmd);
            }
            Operand::Chain(c) => return self.eval_chain(dot, first, c, &cmd.args[1..], final_, cmd),
            Operand::Identifier(id) => {
                self.at = At::Operand(first);
                return self.eval_function(dot, &id.name, first, At::Command(cmd), &cmd.args[1..], final_);
            }
            Operand::Pipe(p) => {
                self.not_a_function(&cmd.args, final_.is_some(), first)?;
                return self.eval_nested_pipeline(dot, p);
            }
            Operand::Variable(v) => return self.eval_variable(dot, first, &v.names, &cmd.args, final_, cmd),
            _ => {}
        }
        self.at = At::Operand(first);
        self.not_a_function(&cmd.args, final_.is_some(), first)?;
        match first {
            Operand::Bool(_, b) => Ok(Val::concrete(Value::Bool(*b))),
            Operand::Dot(_) => Ok(dot.to_val()),
            Operand::Nil(_) => Err(self.error("nil is not a command")),
            Operand::Number(_) => self.ideal_constant(first).map(Val::concrete),
            Operand::String(s) => Ok(Val::concrete(Value::String(s.text.clone()))),
            _ => Err(self.error(format!("can't evaluate command {}", go_quote(&self.operand_string(first))))),
        }
    }

    fn ideal_constant(&mut self, op: &'t Operand) -> Result<Value> {
        self.at = At::Operand(op);
        let Operand::Number(n) = op else { return Ok(Value::Invalid) };
        let text = self.tree.text(n.pos, n.end);
        let v = &n.value;
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes()[1], b'x' | b'X')
            && !text.contains(['p', 'P']);
        if v.is_complex {
            return Err(self.error("complex constants are not supported"));
        }
        if v.is_float && !is_hex_int && !text.starts_with('\'') && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Value::Float64(v.float64));
        }
        if v.is_int {
            return Ok(Value::Int(v.int64));
        }
        if v.is_uint {
            return Err(self.error(format!("{text} overflows int")));
        }
        Ok(Value::Invalid)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_chain(
        &mut self,
        dot: Dot<'_>,
        node: &'t Operand,
        chain: &'t crate::parse::Chain,
        args: &'t [Operand],
        final_: Option<Val>,
        cmd: &'t Command,
    ) -> Result<Val> {
        self.at = At::Operand(node);
        if matches!(chain.node, Operand::Nil(_)) {
            return Err(self.error(format!("indirection through explicit nil in {}", self.operand_string(node))));
        }
        let pipe = self.eval_arg_val(dot, GoType::Reflect, &chain.node)?;
        let (receiver, skip) = chain_start(pipe.as_dot(), &chain.fields, args.is_empty() && final_.is_none());
        self.eval_field_chain(dot, receiver, node, &chain.fields[skip..], args, final_, cmd)
    }

    fn eval_variable(
        &mut self,
        dot: Dot<'_>,
        node: &'t Operand,
        names: &'t [Name],
        cmd_args: &'t [Operand],
        final_: Option<Val>,
        cmd: &'t Command,
    ) -> Result<Val> {
        self.at = At::Operand(node);
        if names.len() == 1 {
            let value = self.var_value(&names[0], dot)?;
            self.not_a_function(cmd_args, final_.is_some(), node)?;
            return Ok(value);
        }
        let args = if cmd_args.is_empty() { cmd_args } else { &cmd_args[1..] };
        let (receiver, skip) =
            self.var_chain_start(&names[0], dot, &names[1..], args.is_empty() && final_.is_none())?;
        self.eval_field_chain(dot, receiver, node, &names[1 + skip..], args, final_, cmd)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain(
        &mut self,
        dot: Dot<'_>,
        mut receiver: Val,
        node: &'t Operand,
        idents: &'t [Name],
        args: &'t [Operand],
        final_: Option<Val>,
        cmd: &'t Command,
    ) -> Result<Val> {
        let Some((last, init)) = idents.split_last() else { return Ok(receiver) };
        for ident in init {
            receiver = self.eval_field(dot, ident, node, &[], None, receiver, cmd)?;
        }
        self.eval_field(dot, last, node, args, final_, receiver, cmd)
    }

    fn eval_function(
        &mut self,
        dot: Dot<'_>,
        name: &str,
        node: &'t Operand,
        call_node: At<'t>,
        args: &'t [Operand],
        final_: Option<Val>,
    ) -> Result<Val> {
        self.at = At::Operand(node);
        let found = match node {
            Operand::Identifier(id) => self.function(id),
            _ => self.set.funcs.get(name),
        };
        let Some((function, builtin)) = found else {
            return Err(self.error(format!("{} is not a defined function", go_quote(name))));
        };
        self.eval_call(dot, Callee::Function(function, builtin), call_node, name, args, final_)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field(
        &mut self,
        dot: Dot<'_>,
        name: &str,
        node: &'t Operand,
        args: &'t [Operand],
        final_: Option<Val>,
        receiver: Val,
        _cmd: &'t Command,
    ) -> Result<Val> {
        let missing_key = self.set.missing_key;
        if receiver.v.is_invalid() {
            if missing_key == MissingKey::Error {
                return Err(self.error(format!("nil data; no entry for key {}", go_quote(name))));
            }
            return Ok(Val::concrete(Value::Invalid));
        }
        if matches!(receiver.v, Value::Nil) {
            return Err(self.error(format!("nil pointer evaluating interface {{}}.{name}")));
        }
        let has_args = !args.is_empty() || final_.is_some();
        match &receiver.v {
            Value::Map(m) => {
                // A named map type's methods come before its keys, as Go looks methods up first.
                if let Some(t) = m.map_type()
                    && let Some(sig) = t.method(name)
                {
                    let m = m.clone();
                    return self.eval_call(dot, Callee::MapMethod(&m, t, sig), At::Operand(node), name, args, final_);
                }
                if has_args {
                    return Err(self.error(format!("{name} is not a method but has arguments")));
                }
                return match m.get(name) {
                    Some(v) => Ok(Val { v: v.clone(), iface: Held::Interface }),
                    None => match missing_key {
                        MissingKey::Invalid => Ok(Val::concrete(Value::Invalid)),
                        MissingKey::Zero => Ok(Val { v: Value::Nil, iface: Held::Interface }),
                        MissingKey::Error => Err(self.error(format!("map has no entry for key {}", go_quote(name)))),
                    },
                };
            }
            Value::Object(o) => {
                if let Some(sig) = o.method(name) {
                    let o = o.clone();
                    return self.eval_call(dot, Callee::Method(&o, sig), At::Operand(node), name, args, final_);
                }
                match o.kind() {
                    Kind::Struct | Kind::Pointer if !o.is_nil() => {
                        if let Some(field) = o.field(name) {
                            if has_args {
                                return Err(
                                    self.error(format!("{name} has arguments but cannot be invoked as function"))
                                );
                            }
                            return Ok(Val::concrete(field));
                        }
                    }
                    Kind::Pointer if o.has_field(name) => {
                        return Err(self.error(format!("nil pointer evaluating {}.{name}", receiver.type_name())));
                    }
                    Kind::Map => {
                        if has_args {
                            return Err(self.error(format!("{name} is not a method but has arguments")));
                        }
                        let found = o.fields().into_iter().find(|(k, _)| k == name).map(|(_, v)| v);
                        return match found {
                            Some(v) => Ok(Val::concrete(v)),
                            None => match missing_key {
                                MissingKey::Invalid => Ok(Val::concrete(Value::Invalid)),
                                MissingKey::Zero => Ok(Val { v: Value::Nil, iface: Held::Interface }),
                                MissingKey::Error => {
                                    Err(self.error(format!("map has no entry for key {}", go_quote(name))))
                                }
                            },
                        };
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Err(self.error(format!("can't evaluate field {name} in type {}", receiver.type_name())))
    }

    fn eval_call(
        &mut self,
        dot: Dot<'_>,
        callee: Callee<'_>,
        call_node: At<'t>,
        name: &str,
        args: &'t [Operand],
        final_: Option<Val>,
    ) -> Result<Val> {
        // Borrowed, not copied: a copy of the signature is stored and loaded in odd-sized
        // pieces, which stalls.
        let (sig, builtin): (&Signature, bool) = match &callee {
            Callee::Function(f, b) => (&f.sig, *b),
            Callee::Method(_, sig) | Callee::MapMethod(_, _, sig) => (sig, false),
        };
        let num_in = args.len() + usize::from(final_.is_some());
        let num_fixed = sig.params.len();
        if sig.variadic.is_some() {
            if num_in < num_fixed {
                return Err(self
                    .error(format!("wrong number of args for {name}: want at least {num_fixed} got {}", args.len())));
            }
        } else if num_in != num_fixed {
            return Err(self.error(format!("wrong number of args for {name}: want {num_fixed} got {num_in}")));
        }

        if builtin && (name == "and" || name == "or") {
            let mut v = Val::concrete(Value::Invalid);
            for arg in args {
                v = self.eval_arg_val(dot, GoType::Reflect, arg)?;
                if truth(&v.v) == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = final_ {
                v = f;
            }
            return Ok(v);
        }

        if builtin && let Some(print) = PrintFn::of(name) {
            let mut buf = std::mem::take(&mut self.scratch);
            buf.clear();
            let done = self.print_borrowed(dot, print, args, final_.as_ref().map(|v| &v.v), &mut buf);
            let result = done.then(|| Val::concrete(Value::string(&buf)));
            self.scratch = buf;
            if let Some(v) = result {
                return Ok(v);
            }
        }

        let param_type =
            |i: usize| -> GoType { if i < num_fixed { sig.params[i] } else { sig.variadic.unwrap_or(GoType::Any) } };
        let mut argv: Vec<Value> = self.arg_pool.pop().unwrap_or_default();
        argv.clear();
        for (i, arg) in args.iter().enumerate() {
            let v = self.eval_arg(dot, param_type(i), arg)?;
            argv.push(as_argument(v));
        }
        if let Some(f) = final_ {
            let t = param_type(num_in - 1);
            let v = self.validate_type(f, t)?;
            argv.push(as_argument(v));
        }

        if builtin && name == "call" {
            let callee_name = match args.first() {
                Some(a) => self.operand_string(a),
                None => argv.first().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            };
            let f = argv.first().cloned().unwrap_or(Value::Invalid);
            let result = match &f {
                Value::Invalid | Value::Nil => Err("call of nil".to_owned()),
                v => Err(format!("non-function {callee_name} of type {}", v.type_name())),
            };
            return result.map(Val::concrete).map_err(|e| {
                self.at = call_node;
                self.error(format!("error calling {name}: {e}"))
            });
        }

        let result = match callee {
            Callee::Function(f, _) => (f.call)(&mut CallContext { state: self }, &argv),
            Callee::Method(o, _) => o.call_method(name, &argv),
            Callee::MapMethod(m, t, _) => t.call_method(m, name, &argv),
        };
        argv.clear();
        self.arg_pool.push(argv);
        match result {
            Ok(v) => Ok(Val::concrete(v)),
            Err(e) => {
                self.at = call_node;
                Err(self.error(format!("error calling {name}: {e}")))
            }
        }
    }

    fn eval_arg_val(&mut self, dot: Dot<'_>, typ: GoType, n: &'t Operand) -> Result<Val> {
        self.at = At::Operand(n);
        let v = match n {
            Operand::Dot(_) => dot.to_val(),
            Operand::Nil(_) => {
                if typ == GoType::Reflect {
                    return Ok(Val::concrete(Value::Invalid));
                }
                return Ok(Val::concrete(Value::Nil));
            }
            Operand::Field(p) => {
                let (receiver, skip) = chain_start(dot, &p.names, true);
                let v = self.eval_field_chain_arg_from(dot, receiver, n, &p.names[skip..])?;
                return Ok(self.validate_any(v, typ));
            }
            Operand::Variable(p) => {
                self.at = At::Operand(n);
                let (receiver, skip) = self.var_chain_start(&p.names[0], dot, &p.names[1..], true)?;
                self.eval_field_chain_arg_from(dot, receiver, n, &p.names[1 + skip..])?
            }
            Operand::Pipe(p) => self.eval_nested_pipeline(dot, p)?,
            Operand::Identifier(id) => self.eval_function(dot, &id.name, n, At::Operand(n), &[], None)?,
            Operand::Chain(c) => {
                self.at = At::Operand(n);
                if matches!(c.node, Operand::Nil(_)) {
                    return Err(self.error(format!("indirection through explicit nil in {}", self.operand_string(n))));
                }
                let pipe = self.eval_arg_val(dot, GoType::Reflect, &c.node)?;
                let (receiver, skip) = chain_start(pipe.as_dot(), &c.fields, true);
                self.eval_field_chain_arg_from(dot, receiver, n, &c.fields[skip..])?
            }
            Operand::Bool(_, b) => Val::concrete(Value::Bool(*b)),
            Operand::Number(_) => Val::concrete(self.ideal_constant(n)?),
            Operand::String(s) => Val::concrete(Value::String(s.text.clone())),
        };
        Ok(self.validate_any(v, typ))
    }

    fn validate_any(&self, v: Val, typ: GoType) -> Val {
        if typ == GoType::Any && v.v.is_invalid() { Val::concrete(Value::Nil) } else { v }
    }

    fn eval_field_chain_arg_from(
        &mut self,
        dot: Dot<'_>,
        receiver: Val,
        n: &'t Operand,
        names: &'t [Name],
    ) -> Result<Val> {
        // Arguments are evaluated with no arguments of their own; `cmd` is only for positions.
        static EMPTY: Command = Command { pos: 0, args: Vec::new() };
        self.eval_field_chain(dot, receiver, n, names, &[], None, &EMPTY)
    }

    /// Go's `evalArg`: an argument converted to the parameter's type.
    fn eval_arg(&mut self, dot: Dot<'_>, typ: GoType, n: &'t Operand) -> Result<Value> {
        self.at = At::Operand(n);
        match n {
            Operand::Dot(_)
            | Operand::Field(_)
            | Operand::Variable(_)
            | Operand::Pipe(_)
            | Operand::Identifier(_)
            | Operand::Chain(_) => {
                let v = self.eval_arg_val(dot, GoType::Reflect, n)?;
                return self.validate_type(v, typ);
            }
            Operand::Nil(_) => {
                if typ.can_be_nil() {
                    return Ok(if typ == GoType::Reflect { Value::Invalid } else { typ.zero() });
                }
                return Err(self.error(format!("cannot assign nil to {}", typ.name())));
            }
            _ => {}
        }
        let found = |s: &Self| s.operand_string(n);
        match typ.kind() {
            Kind::Bool => match n {
                Operand::Bool(_, b) => Ok(Value::Bool(*b)),
                _ => Err(self.error(format!("expected bool; found {}", found(self)))),
            },
            Kind::Float => match n {
                Operand::Number(num) if num.value.is_float => Ok(Value::Float64(num.value.float64)),
                _ => Err(self.error(format!("expected float; found {}", found(self)))),
            },
            Kind::Int => match n {
                Operand::Number(num) if num.value.is_int => Ok(match typ {
                    GoType::Int => Value::Int(num.value.int64),
                    GoType::Int64 => Value::Int64(num.value.int64),
                    GoType::Named(t) => crate::value::Scalar::int(t.name, num.value.int64),
                    _ => Value::Int(num.value.int64),
                }),
                _ => Err(self.error(format!("expected integer; found {}", found(self)))),
            },
            Kind::Uint => match n {
                Operand::Number(num) if num.value.is_uint => Ok(match typ {
                    GoType::Named(t) => crate::value::Scalar::uint(t.name, num.value.uint64),
                    _ => crate::value::Scalar::uint("uint", num.value.uint64),
                }),
                _ => Err(self.error(format!("expected unsigned integer; found {}", found(self)))),
            },
            Kind::String => match n {
                Operand::String(s) => Ok(Value::String(s.text.clone())),
                _ => Err(self.error(format!("expected string; found {}", found(self)))),
            },
            Kind::Interface => Ok(self.eval_arg_val(dot, GoType::Any, n)?.v),
            Kind::Struct if typ == GoType::Reflect => Ok(self.eval_arg_val(dot, GoType::Reflect, n)?.v),
            _ => Err(self.error(format!("can't handle {} for arg of type {}", found(self), typ.name()))),
        }
    }

    /// Go's `validateType`: the value must be assignable to the parameter's type.
    fn validate_type(&self, value: Val, typ: GoType) -> Result<Value> {
        if value.v.is_invalid() {
            return match typ {
                GoType::Reflect => Ok(Value::Invalid),
                GoType::Any => Ok(Value::Nil),
                t if t.can_be_nil() => Ok(t.zero()),
                t => Err(self.error(format!("invalid value; expected {}", t.name()))),
            };
        }
        if matches!(typ, GoType::Any | GoType::Reflect) {
            return Ok(value.v);
        }
        if matches!(value.v, Value::Nil) {
            return Err(self.error(format!("wrong type for value; expected {}; got interface {{}}", typ.name())));
        }
        if typ.accepts(&value.v) {
            return Ok(value.v);
        }
        Err(self.error(format!("wrong type for value; expected {}; got {}", typ.name(), value.v.type_name())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn sets_and_values_are_shared_across_threads() {
        assert_send_sync::<TemplateSet>();
        assert_send_sync::<Value>();
        let mut set = TemplateSet::new(FuncMap::new());
        set.parse("t", "{{range .}}{{.}}{{end}}", None).unwrap();
        let data = Value::list((0..100).map(Value::Int).collect());
        let outputs: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| set.execute("t", &data).unwrap())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn deep_recursion_fails_with_go_error_not_overflow() {
        let mut set = TemplateSet::new(FuncMap::new());
        set.parse("t", r#"{{define "r"}}{{template "r" .}}{{end}}{{template "r" 1}}"#, None).unwrap();
        // A small thread stack: the executor grows its own.
        let err = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || set.execute("t", &Value::Invalid).unwrap_err().to_string())
            .unwrap()
            .join()
            .unwrap();
        assert!(err.ends_with("exceeded maximum template depth (100000)"), "{err}");
    }

    #[test]
    fn functions_are_one_entry_each() {
        fn shout(_: &mut CallContext<'_, '_>, a: &[Value]) -> std::result::Result<Value, String> {
            Ok(Value::from(a[0].as_str().unwrap_or("").to_uppercase()))
        }
        fn include(ctx: &mut CallContext<'_, '_>, a: &[Value]) -> std::result::Result<Value, String> {
            let name = a[0].as_str().unwrap_or("");
            ctx.execute_template(name, &a[1]).map(Value::from).map_err(|e| e.to_string())
        }
        let mut funcs = FuncMap::new();
        funcs.extend(&[
            Function::new("shout", &[GoType::String], shout),
            Function::new("include", &[GoType::String, GoType::Any], include),
        ]);
        let mut set = TemplateSet::new(funcs);
        set.parse("t", r#"{{define "x"}}<{{.}}>{{end}}{{include "x" 5 | shout}}{{shout "a"}}"#, None).unwrap();
        assert_eq!(set.execute("t", &Value::Invalid).unwrap(), "<5>A");
        let err = set.execute("t", &Value::Invalid);
        assert!(err.is_ok());
        let mut bad = TemplateSet::new(set.funcs().clone());
        bad.parse("t", "{{shout 1}}", None).unwrap();
        assert_eq!(
            bad.execute("t", &Value::Invalid).unwrap_err().to_string(),
            r#"template: t:1:8: executing "t" at <1>: expected string; found 1"#
        );
    }
}

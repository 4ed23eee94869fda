//! Decoding go-yaml v2's node tree into `interface{}`: aliases with go-yaml's budget, `<<` merges, duplicate keys.
//!
//! The result keeps go-yaml's own types (`map[interface{}]interface{}` with
//! int, float, bool or nil keys); the JSON step comes after. Decoding walks an
//! explicit stack, so a deep document cannot overflow the native one.

use std::collections::HashMap;

use crate::yaml::compose::{Document, Node};
use crate::yaml::resolve::{MERGE_TAG, Scalar, resolve_scalar};

/// Containers nested deeper than this after alias expansion are refused. go-yaml has no such
/// limit (Go stacks grow), but without aliases its scanner already stops at 10000 flow plus
/// 10000 block levels, so only alias chains can reach it.
const MAX_DECODED_DEPTH: usize = 20_000;

/// A value as go-yaml v2 decodes it into an `interface{}`.
#[derive(Debug)]
pub(crate) enum GoValue {
    Scalar(Scalar),
    Seq(Vec<GoValue>),
    /// Pairs in the order their keys were first set; a key set again keeps its place.
    Map(Vec<(GoValue, GoValue)>),
}

impl Default for GoValue {
    fn default() -> Self {
        GoValue::Scalar(Scalar::Null)
    }
}

impl Drop for GoValue {
    // Dropping without recursion: children are moved to a work list first.
    fn drop(&mut self) {
        let mut work = Vec::new();
        take_children(self, &mut work);
        while let Some(mut value) = work.pop() {
            take_children(&mut value, &mut work);
        }
    }
}

fn take_children(value: &mut GoValue, work: &mut Vec<GoValue>) {
    match value {
        GoValue::Scalar(_) => {}
        GoValue::Seq(items) => work.append(items),
        GoValue::Map(pairs) => {
            for (k, v) in pairs.drain(..) {
                work.push(k);
                work.push(v);
            }
        }
    }
}

/// A map key under Go's `==` on `interface{}` values; NaN keys never match and are not indexed.
#[derive(Hash, PartialEq, Eq)]
enum KeyIdentity {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(u64),
    Str(Vec<u8>),
}

fn key_identity(key: &GoValue) -> Option<KeyIdentity> {
    let GoValue::Scalar(s) = key else { return None };
    Some(match s {
        Scalar::Null => KeyIdentity::Null,
        Scalar::Bool(b) => KeyIdentity::Bool(*b),
        Scalar::Int(i) => KeyIdentity::Int(*i),
        Scalar::Uint(u) => KeyIdentity::Uint(*u),
        Scalar::Float(f) if f.is_nan() => return None,
        // 0.0 == -0.0 in Go.
        Scalar::Float(f) => KeyIdentity::Float(if *f == 0.0 { 0 } else { f.to_bits() }),
        Scalar::Str(b) => KeyIdentity::Str(b.clone()),
    })
}

#[derive(Default)]
struct MapBuilder {
    pairs: Vec<(GoValue, GoValue)>,
    index: HashMap<KeyIdentity, usize>,
}

impl MapBuilder {
    /// go-yaml's `setMapIndex` outside strict mode: a repeated key replaces the value.
    fn set(&mut self, key: GoValue, value: GoValue) {
        match key_identity(&key) {
            Some(id) => match self.index.get(&id) {
                Some(&i) => self.pairs[i].1 = value,
                None => {
                    self.index.insert(id, self.pairs.len());
                    self.pairs.push((key, value));
                }
            },
            None => self.pairs.push((key, value)),
        }
    }
}

enum Frame {
    Seq {
        node: usize,
        next: usize,
        items: Vec<GoValue>,
    },
    Map {
        node: usize,
        next: usize,
        map: MapBuilder,
        key: Option<GoValue>,
    },
    /// A mapping merged by `<<` into the map of the frame at `into`.
    MergeMap {
        node: usize,
        next: usize,
        into: usize,
        key: Option<GoValue>,
    },
    /// A sequence of mappings merged by `<<`, walked from the last to the first.
    MergeSeq {
        node: usize,
        remaining: usize,
        into: usize,
    },
    /// Leaving the expansion of an alias.
    AliasExit {
        alias: usize,
    },
}

struct Decoder<'d> {
    nodes: &'d [Node],
    stack: Vec<Frame>,
    decode_count: u64,
    alias_count: u64,
    alias_depth: u64,
    active_aliases: Vec<bool>,
    containers: usize,
}

/// Decodes the document as go-yaml v2 does into an `interface{}`; the error is go-yaml's message.
pub(crate) fn decode(doc: &Document) -> Result<GoValue, String> {
    let Some(root) = doc.root else { return Ok(GoValue::default()) };
    let mut d = Decoder {
        nodes: &doc.nodes,
        stack: Vec::new(),
        // The document node itself counts as the first decode.
        decode_count: 1,
        alias_count: 0,
        alias_depth: 0,
        active_aliases: vec![false; doc.nodes.len()],
        containers: 0,
    };
    if let Some(value) = d.enter(root)? {
        return Ok(value);
    }
    loop {
        let Some(top) = d.stack.last_mut() else {
            return Err("yaml: internal error: empty decoder stack".to_owned());
        };
        let step = match top {
            Frame::Seq { node, next, items } => {
                let children = children(d.nodes, *node);
                if *next < children.len() {
                    *next += 1;
                    Step::Enter(children[*next - 1])
                } else {
                    Step::Complete(Some(GoValue::Seq(std::mem::take(items))))
                }
            }
            Frame::Map { node, next, map, .. } => {
                let children = children(d.nodes, *node);
                if *next < children.len() {
                    pair_step(d.nodes, children, next)
                } else {
                    Step::Complete(Some(GoValue::Map(std::mem::take(&mut map.pairs))))
                }
            }
            Frame::MergeMap { node, next, .. } => {
                let children = children(d.nodes, *node);
                if *next < children.len() { pair_step(d.nodes, children, next) } else { Step::Complete(None) }
            }
            Frame::MergeSeq { node, remaining, into } => {
                if *remaining > 0 {
                    *remaining -= 1;
                    let element = children(d.nodes, *node)[*remaining];
                    let target = match &d.nodes[element] {
                        Node::Alias { target, .. } => *target,
                        _ => element,
                    };
                    if !matches!(d.nodes[target], Node::Mapping(_)) {
                        return Err(WANT_MAP.to_owned());
                    }
                    Step::EnterMerge(element, *into)
                } else {
                    Step::Complete(None)
                }
            }
            Frame::AliasExit { .. } => Step::Complete(None),
        };
        let index = d.stack.len() - 1;
        match step {
            Step::Enter(node) => {
                if let Some(value) = d.enter(node)?
                    && let Some(done) = d.deliver(value)?
                {
                    return Ok(done);
                }
            }
            Step::Merge(node) => {
                let into = match &d.stack[index] {
                    Frame::MergeMap { into, .. } => *into,
                    _ => index,
                };
                d.start_merge(node, into)?;
            }
            Step::EnterMerge(node, into) => d.enter_merge(node, into)?,
            Step::Complete(value) => {
                d.pop();
                let delivered = match value {
                    Some(value) => d.deliver(value)?,
                    None => {
                        d.unwind_aliases();
                        None
                    }
                };
                if let Some(done) = delivered {
                    return Ok(done);
                }
            }
        }
    }
}

const WANT_MAP: &str = "yaml: map merge requires map or sequence of maps as the value";

enum Step {
    Enter(usize),
    /// The value of a `<<` key.
    Merge(usize),
    EnterMerge(usize, usize),
    Complete(Option<GoValue>),
}

fn children(nodes: &[Node], node: usize) -> &[usize] {
    match &nodes[node] {
        Node::Sequence(c) | Node::Mapping(c) => c,
        _ => &[],
    }
}

/// The next step through a mapping's keys and values; a `<<` key is not decoded itself.
fn pair_step(nodes: &[Node], children: &[usize], next: &mut usize) -> Step {
    let child = children[*next];
    if (*next).is_multiple_of(2) && is_merge(&nodes[child]) {
        *next += 2;
        return match children.get(*next - 1) {
            Some(&value) => Step::Merge(value),
            None => Step::Complete(None),
        };
    }
    *next += 1;
    Step::Enter(child)
}

/// go-yaml's `isMerge`: a plain `<<`, or one tagged `!!merge`.
fn is_merge(node: &Node) -> bool {
    matches!(node, Node::Scalar { value, tag, implicit } if value == "<<" && (*implicit || tag == MERGE_TAG))
}

impl Decoder<'_> {
    /// go-yaml's per-node accounting and its alias expansion budget.
    fn count(&mut self) -> Result<(), String> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64 > allowed_alias_ratio(self.decode_count)
        {
            return Err("yaml: document contains excessive aliasing".to_owned());
        }
        Ok(())
    }

    fn enter_alias(&mut self, alias: usize) -> Result<usize, String> {
        let Node::Alias { name, target } = &self.nodes[alias] else { return Ok(alias) };
        if self.active_aliases[alias] {
            return Err(format!("yaml: anchor '{name}' value contains itself"));
        }
        self.active_aliases[alias] = true;
        self.alias_depth += 1;
        self.stack.push(Frame::AliasExit { alias });
        Ok(*target)
    }

    /// Starts decoding a node; a scalar is finished at once and returned.
    fn enter(&mut self, mut node: usize) -> Result<Option<GoValue>, String> {
        loop {
            self.count()?;
            match &self.nodes[node] {
                Node::Alias { .. } => node = self.enter_alias(node)?,
                Node::Scalar { value, tag, implicit } => {
                    let scalar = resolve_scalar(tag, *implicit, value).map_err(|e| format!("yaml: {e}"))?;
                    return Ok(Some(GoValue::Scalar(scalar)));
                }
                Node::Sequence(_) => {
                    self.push_container(Frame::Seq { node, next: 0, items: Vec::new() })?;
                    return Ok(None);
                }
                Node::Mapping(_) => {
                    self.push_container(Frame::Map { node, next: 0, map: MapBuilder::default(), key: None })?;
                    return Ok(None);
                }
            }
        }
    }

    fn push_container(&mut self, frame: Frame) -> Result<(), String> {
        self.containers += 1;
        if self.containers > MAX_DECODED_DEPTH {
            return Err(format!("yaml: exceeded max depth of {MAX_DECODED_DEPTH}"));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// go-yaml's `merge`: what may follow `<<`.
    fn start_merge(&mut self, node: usize, into: usize) -> Result<(), String> {
        match &self.nodes[node] {
            Node::Mapping(_) => self.enter_merge(node, into),
            Node::Alias { target, .. } if matches!(self.nodes[*target], Node::Mapping(_)) => {
                self.enter_merge(node, into)
            }
            Node::Sequence(children) => {
                self.stack.push(Frame::MergeSeq { node, remaining: children.len(), into });
                Ok(())
            }
            _ => Err(WANT_MAP.to_owned()),
        }
    }

    /// Decodes a mapping (possibly through aliases) into the map of the frame at `into`.
    fn enter_merge(&mut self, mut node: usize, into: usize) -> Result<(), String> {
        loop {
            self.count()?;
            match &self.nodes[node] {
                Node::Alias { .. } => node = self.enter_alias(node)?,
                Node::Mapping(_) => {
                    self.stack.push(Frame::MergeMap { node, next: 0, into, key: None });
                    return Ok(());
                }
                _ => return Err(WANT_MAP.to_owned()),
            }
        }
    }

    fn pop(&mut self) {
        match self.stack.pop() {
            Some(Frame::Seq { .. } | Frame::Map { .. }) => self.containers -= 1,
            Some(Frame::AliasExit { alias }) => {
                self.active_aliases[alias] = false;
                self.alias_depth -= 1;
            }
            _ => {}
        }
    }

    /// Leaves the aliases whose expansion just finished.
    fn unwind_aliases(&mut self) {
        while let Some(Frame::AliasExit { alias }) = self.stack.last() {
            self.active_aliases[*alias] = false;
            self.alias_depth -= 1;
            self.stack.pop();
        }
    }

    /// Hands a finished value to the frame below; returns the root value when there is none.
    fn deliver(&mut self, value: GoValue) -> Result<Option<GoValue>, String> {
        self.unwind_aliases();
        let Some(top) = self.stack.last_mut() else { return Ok(Some(value)) };
        let (key, into) = match top {
            Frame::Seq { items, .. } => {
                items.push(value);
                return Ok(None);
            }
            Frame::Map { key, .. } => (key, None),
            Frame::MergeMap { key, into, .. } => (key, Some(*into)),
            Frame::MergeSeq { .. } | Frame::AliasExit { .. } => return Ok(None),
        };
        match key.take() {
            None => {
                if matches!(value, GoValue::Seq(_) | GoValue::Map(_)) {
                    return Err(format!("yaml: invalid map key: {}", crate::yaml::gofmt::sharp_v(&value)));
                }
                *key = Some(value);
            }
            Some(k) => {
                let target = match into {
                    Some(i) => self.stack.get_mut(i),
                    None => self.stack.last_mut(),
                };
                if let Some(Frame::Map { map, .. }) = target {
                    map.set(k, value);
                }
            }
        }
        Ok(None)
    }
}

/// go-yaml's `allowedAliasRatio`: 99% of decodes may come from aliases in small documents, 10% in huge ones.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

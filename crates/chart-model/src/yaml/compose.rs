//! The first YAML document of a stream as go-yaml v2's node tree, built from libyaml events.
//!
//! go-yaml parses the whole document before decoding it, so syntax errors and
//! unknown anchors win over every decoding error. Nodes live in one arena and
//! refer to each other by index: no recursion when building or dropping them.

use std::collections::HashMap;

use libyaml_safer::{ErrorKind, EventData, MappingStyle, Parser, SequenceStyle};

use crate::yaml::input::{ChunkedInput, reader_problem};

/// go-yaml's `max_flow_level` and `max_indents`: deeper nesting is refused while scanning.
const MAX_DEPTH: usize = 10_000;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One node of the document.
pub(crate) enum Node {
    Scalar {
        value: String,
        /// The resolved tag (`tag:yaml.org,2002:str` for `!!str`), empty when there is none.
        tag: String,
        /// Plain and untagged (or tagged `!`): subject to implicit resolution.
        implicit: bool,
    },
    Sequence(Vec<usize>),
    /// Keys and values alternate.
    Mapping(Vec<usize>),
    Alias {
        name: String,
        target: usize,
    },
}

/// The first document of a stream; `root` is `None` for an empty stream.
pub(crate) struct Document {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<usize>,
}

/// An open collection while composing.
struct Open {
    node: usize,
    flow: bool,
    /// Whether it counts toward go-yaml's indentation depth.
    block_level: bool,
    column: u64,
    mapping: bool,
}

/// Parses the first document of `data`; the error is go-yaml's message (`yaml: line 3: ...`).
pub(crate) fn compose(data: &[u8]) -> Result<Document, String> {
    // go-yaml reads an empty input as a single line break.
    let mut owned = Vec::new();
    let mut input: &[u8] = if data.is_empty() { b"\n" } else { data };
    // libyaml-safer takes a leading 0xEF for a broken byte order mark, go-yaml for the start of a
    // character (U+F000..U+FFFF); an explicit mark makes both read it as a character.
    if input.first() == Some(&0xEF) && !input.starts_with(BOM) {
        owned.extend_from_slice(BOM);
        owned.extend_from_slice(input);
        input = &owned;
    }
    // Marks count bytes after the byte order mark.
    let bom_len = if input.starts_with(BOM) { BOM.len() } else { 0 };
    let mut parser = Parser::new();
    parser.set_input(ChunkedInput::new(input));
    let mut composer = Composer {
        nodes: Vec::new(),
        anchors: HashMap::new(),
        open: Vec::new(),
        flow_depth: 0,
        block_depth: 0,
        last_key_line: 0,
    };

    let next = |parser: &mut Parser<ChunkedInput<'_>>| parser.parse().map_err(|e| parse_error(&e, data));
    // Stream start, then either the end of the stream or a document.
    next(&mut parser)?;
    let event = next(&mut parser)?;
    if !matches!(event.data, EventData::DocumentStart { .. }) {
        return Ok(Document { nodes: Vec::new(), root: None });
    }
    let mut root = None;
    while root.is_none() {
        let event = next(&mut parser)?;
        let line = event.start_mark.line;
        let column = event.start_mark.column;
        let finished = match event.data {
            EventData::Scalar { anchor, tag, value, plain_implicit, .. } => {
                if composer.flow_depth == 0 {
                    composer.last_key_line = line;
                }
                let id = composer.push(Node::Scalar { value, tag: tag.unwrap_or_default(), implicit: plain_implicit });
                composer.anchor(anchor, id);
                Some(id)
            }
            EventData::Alias { anchor } => {
                let Some(&target) = composer.anchors.get(&anchor) else {
                    return Err(format!("yaml: unknown anchor '{anchor}' referenced"));
                };
                Some(composer.push(Node::Alias { name: anchor, target }))
            }
            EventData::SequenceStart { anchor, style, .. } => {
                let flow = style == SequenceStyle::Flow;
                // A block sequence at its parent mapping's own column has no indentation of its own.
                let indentless =
                    !flow && composer.open.last().is_some_and(|p| p.mapping && !p.flow && p.column == column);
                composer.open_collection(
                    Node::Sequence(Vec::new()),
                    anchor,
                    flow,
                    !flow && !indentless,
                    column,
                    line,
                )?;
                None
            }
            EventData::MappingStart { anchor, style, .. } => {
                let flow = style == MappingStyle::Flow;
                // A single `key: value` pair inside a flow sequence is a mapping without a `{`.
                let braced = !flow
                    || usize::try_from(event.start_mark.index).ok().and_then(|i| input.get(i + bom_len)) == Some(&b'{');
                if !flow {
                    composer.last_key_line = line;
                }
                composer.open_collection(Node::Mapping(Vec::new()), anchor, flow && braced, !flow, column, line)?;
                None
            }
            EventData::SequenceEnd | EventData::MappingEnd => composer.close(),
            EventData::StreamStart { .. }
            | EventData::StreamEnd
            | EventData::DocumentStart { .. }
            | EventData::DocumentEnd { .. } => {
                return Err("yaml: did not find expected node content".to_owned());
            }
        };
        if let Some(id) = finished {
            match composer.open.last() {
                Some(parent) => composer.add_child(parent.node, id),
                None => root = Some(id),
            }
        }
    }
    // go-yaml consumes the document's end, which may still meet a syntax error, and stops there.
    next(&mut parser)?;
    Ok(Document { nodes: composer.nodes, root })
}

struct Composer {
    nodes: Vec<Node>,
    anchors: HashMap<String, usize>,
    open: Vec<Open>,
    /// Open collections that raised the scanner's flow level (`[` and `{`).
    flow_depth: usize,
    /// Open block collections that pushed an indentation level.
    block_depth: usize,
    /// The line of the scanner's last simple key in block context, which go-yaml reports on a too deep indentation.
    last_key_line: u64,
}

impl Composer {
    fn push(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Anchors are bound when their node starts, so a later anchor of the same name wins from there on.
    fn anchor(&mut self, anchor: Option<String>, id: usize) {
        if let Some(name) = anchor {
            self.anchors.insert(name, id);
        }
    }

    fn open_collection(
        &mut self,
        node: Node,
        anchor: Option<String>,
        flow_level: bool,
        block_level: bool,
        column: u64,
        line: u64,
    ) -> Result<(), String> {
        let mapping = matches!(node, Node::Mapping(_));
        let id = self.push(node);
        self.anchor(anchor, id);
        // A scanner error: its 0-based line plus one, no line at all on the first line.
        let too_deep = |line: u64| match line {
            0 => format!("yaml: exceeded max depth of {MAX_DEPTH}"),
            _ => format!("yaml: line {}: exceeded max depth of {MAX_DEPTH}", line + 1),
        };
        if flow_level && self.flow_depth >= MAX_DEPTH {
            return Err(too_deep(line));
        }
        if block_level && self.block_depth >= MAX_DEPTH {
            return Err(too_deep(self.last_key_line));
        }
        self.flow_depth += usize::from(flow_level);
        self.block_depth += usize::from(block_level);
        self.open.push(Open { node: id, flow: flow_level, block_level, column, mapping });
        Ok(())
    }

    fn close(&mut self) -> Option<usize> {
        let open = self.open.pop()?;
        self.flow_depth -= usize::from(open.flow);
        self.block_depth -= usize::from(open.block_level);
        Some(open.node)
    }

    fn add_child(&mut self, parent: usize, child: usize) {
        if let Some(Node::Sequence(children) | Node::Mapping(children)) = self.nodes.get_mut(parent) {
            children.push(child);
        }
    }
}

/// go-yaml's `parser.fail`: the 0-based line of a parser error, the 1-based line of a scanner
/// error, no line at all on the first line.
fn parse_error(error: &libyaml_safer::Error, data: &[u8]) -> String {
    match error.kind() {
        ErrorKind::Reader | ErrorKind::Io => {
            format!("yaml: {}", reader_problem(data).unwrap_or_else(|| error.problem()))
        }
        kind => {
            let problem_line = error.problem_mark().map_or(0, |m| m.line);
            let context_line = error.context_mark().map_or(0, |m| m.line);
            let line =
                if problem_line != 0 { problem_line + u64::from(kind == ErrorKind::Scanner) } else { context_line };
            if line != 0 {
                format!("yaml: line {line}: {}", error.problem())
            } else {
                format!("yaml: {}", error.problem())
            }
        }
    }
}

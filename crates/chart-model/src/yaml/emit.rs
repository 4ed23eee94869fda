//! go-yaml v2's emitter (libyaml's, translated to Go): turns a stream of
//! events into YAML text with its exact choices of layout and scalar style.
//!
//! This follows go-yaml's state machine step by step, because its output
//! depends on details (where a space is written, when a line is folded at
//! 80 columns, which quoting a scalar falls back to) that only the same
//! algorithm reproduces. Only what `yaml.Marshal` of plain data uses is
//! here: no anchors, tags, directives or folded scalars. The machine keeps
//! its own stacks, so nesting depth costs no native stack.

use std::borrow::Cow;

/// A scalar style, as the encoder asks for it and as the emitter settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Unquoted.
    Plain,
    /// `'...'`.
    SingleQuoted,
    /// `"..."` with escapes.
    DoubleQuoted,
    /// `|` block.
    Literal,
}

/// One event of a single document's content; a scalar's text is borrowed from the value
/// written where it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event<'t> {
    /// A scalar with the style the encoder asks for.
    Scalar(Cow<'t, str>, Style),
    /// The start of a sequence.
    SequenceStart,
    /// The end of a sequence.
    SequenceEnd,
    /// The start of a mapping.
    MappingStart,
    /// The end of a mapping.
    MappingEnd,
}

/// Writes one document made of `events` (the content between document
/// start and end, well nested) as go-yaml v2's `Marshal` does.
pub(crate) fn emit_document(events: &[Event<'_>]) -> String {
    let mut e = Emitter::new(events);
    e.run();
    String::from_utf8(e.out).unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: i64 = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    DocumentEnd,
    FlowSequenceFirstItem,
    FlowSequenceItem,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingSimpleValue,
    FlowMappingValue,
    BlockSequenceFirstItem,
    BlockSequenceItem,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingSimpleValue,
    BlockMappingValue,
}

/// What the emitter learned about the current scalar (go-yaml's `scalar_data`).
#[derive(Default, Debug, PartialEq, Eq)]
pub(super) struct ScalarData {
    pub(super) multiline: bool,
    flow_plain_allowed: bool,
    pub(super) block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
    style: Option<Style>,
}

struct Emitter<'a, 't> {
    events: &'a [Event<'t>],
    head: usize,
    out: Vec<u8>,
    state: State,
    states: Vec<State>,
    indent: i64,
    indents: Vec<i64>,
    flow_level: usize,
    root_context: bool,
    sequence_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
    column: i64,
    whitespace: bool,
    indention: bool,
    scalar: ScalarData,
}

impl<'a, 't> Emitter<'a, 't> {
    fn new(events: &'a [Event<'t>]) -> Self {
        Emitter {
            events,
            head: 0,
            out: Vec::with_capacity(64 + events.len() * 16),
            state: State::DocumentEnd,
            states: Vec::new(),
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            root_context: false,
            sequence_context: false,
            mapping_context: false,
            simple_key_context: false,
            column: 0,
            whitespace: true,
            indention: true,
            scalar: ScalarData::default(),
        }
    }

    /// Stream start and an implicit document start write nothing; then the
    /// root node, every further event, and the document end's line break.
    fn run(&mut self) {
        if self.events.is_empty() {
            return;
        }
        self.analyze();
        self.states.push(State::DocumentEnd);
        self.emit_node(true, false, false, false);
        self.head += 1;
        while self.head < self.events.len() {
            self.analyze();
            self.dispatch();
            self.head += 1;
        }
        self.write_indent();
    }

    fn event(&self) -> &'a Event<'t> {
        let events: &'a [Event<'t>] = self.events;
        &events[self.head.min(events.len().saturating_sub(1))]
    }

    fn analyze(&mut self) {
        if let Event::Scalar(value, _) = self.event() {
            self.scalar = analyze_scalar(value.as_bytes());
        }
    }

    fn dispatch(&mut self) {
        match self.state {
            // Nothing follows the root node in a well-nested stream.
            State::DocumentEnd => {}
            State::FlowSequenceFirstItem => self.emit_flow_sequence_item(true),
            State::FlowSequenceItem => self.emit_flow_sequence_item(false),
            State::FlowMappingFirstKey => self.emit_flow_mapping_key(true),
            State::FlowMappingKey => self.emit_flow_mapping_key(false),
            State::FlowMappingSimpleValue => self.emit_flow_mapping_value(true),
            State::FlowMappingValue => self.emit_flow_mapping_value(false),
            State::BlockSequenceFirstItem => self.emit_block_sequence_item(true),
            State::BlockSequenceItem => self.emit_block_sequence_item(false),
            State::BlockMappingFirstKey => self.emit_block_mapping_key(true),
            State::BlockMappingKey => self.emit_block_mapping_key(false),
            State::BlockMappingSimpleValue => self.emit_block_mapping_value(true),
            State::BlockMappingValue => self.emit_block_mapping_value(false),
        }
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::DocumentEnd);
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn emit_flow_sequence_item(&mut self, first: bool) {
        if first {
            self.write_indicator(b"[", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if *self.event() == Event::SequenceEnd {
            self.flow_level = self.flow_level.saturating_sub(1);
            self.pop_indent();
            self.write_indicator(b"]", false, false, false);
            self.pop_state();
            return;
        }
        if !first {
            self.write_indicator(b",", false, false, false);
        }
        if self.column > BEST_WIDTH {
            self.write_indent();
        }
        self.states.push(State::FlowSequenceItem);
        self.emit_node(false, true, false, false);
    }

    fn emit_flow_mapping_key(&mut self, first: bool) {
        if first {
            self.write_indicator(b"{", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if *self.event() == Event::MappingEnd {
            self.flow_level = self.flow_level.saturating_sub(1);
            self.pop_indent();
            self.write_indicator(b"}", false, false, false);
            self.pop_state();
            return;
        }
        if !first {
            self.write_indicator(b",", false, false, false);
        }
        if self.column > BEST_WIDTH {
            self.write_indent();
        }
        if self.check_simple_key() {
            self.states.push(State::FlowMappingSimpleValue);
            self.emit_node(false, false, true, true);
        } else {
            self.write_indicator(b"?", true, false, false);
            self.states.push(State::FlowMappingValue);
            self.emit_node(false, false, true, false);
        }
    }

    fn emit_flow_mapping_value(&mut self, simple: bool) {
        if simple {
            self.write_indicator(b":", false, false, false);
        } else {
            if self.column > BEST_WIDTH {
                self.write_indent();
            }
            self.write_indicator(b":", true, false, false);
        }
        self.states.push(State::FlowMappingKey);
        self.emit_node(false, false, true, false);
    }

    fn emit_block_sequence_item(&mut self, first: bool) {
        if first {
            // A sequence that is a mapping's value on the key's line is not indented under it.
            let indentless = self.mapping_context && !self.indention;
            self.increase_indent(false, indentless);
        }
        if *self.event() == Event::SequenceEnd {
            self.pop_indent();
            self.pop_state();
            return;
        }
        self.write_indent();
        self.write_indicator(b"-", true, false, true);
        self.states.push(State::BlockSequenceItem);
        self.emit_node(false, true, false, false);
    }

    fn emit_block_mapping_key(&mut self, first: bool) {
        if first {
            self.increase_indent(false, false);
        }
        if *self.event() == Event::MappingEnd {
            self.pop_indent();
            self.pop_state();
            return;
        }
        self.write_indent();
        if self.check_simple_key() {
            self.states.push(State::BlockMappingSimpleValue);
            self.emit_node(false, false, true, true);
        } else {
            self.write_indicator(b"?", true, false, true);
            self.states.push(State::BlockMappingValue);
            self.emit_node(false, false, true, false);
        }
    }

    fn emit_block_mapping_value(&mut self, simple: bool) {
        if simple {
            self.write_indicator(b":", false, false, false);
        } else {
            self.write_indent();
            self.write_indicator(b":", true, false, true);
        }
        self.states.push(State::BlockMappingKey);
        self.emit_node(false, false, true, false);
    }

    fn emit_node(&mut self, root: bool, sequence: bool, mapping: bool, simple_key: bool) {
        self.root_context = root;
        self.sequence_context = sequence;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match self.event() {
            Event::Scalar(value, style) => self.emit_scalar(value.as_bytes(), *style),
            Event::SequenceStart => {
                self.state = if self.flow_level > 0 || self.next_is(&Event::SequenceEnd) {
                    State::FlowSequenceFirstItem
                } else {
                    State::BlockSequenceFirstItem
                };
            }
            Event::MappingStart => {
                self.state = if self.flow_level > 0 || self.next_is(&Event::MappingEnd) {
                    State::FlowMappingFirstKey
                } else {
                    State::BlockMappingFirstKey
                };
            }
            // An end where a node belongs cannot come from a well-nested stream.
            Event::SequenceEnd | Event::MappingEnd => self.pop_state(),
        }
    }

    fn next_is(&self, end: &Event<'_>) -> bool {
        self.events.get(self.head + 1) == Some(end)
    }

    fn emit_scalar(&mut self, value: &[u8], style: Style) {
        let style = self.select_scalar_style(value, style);
        self.scalar.style = Some(style);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain_scalar(value, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted_scalar(value, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted_scalar(value, allow_breaks),
            Style::Literal => self.write_literal_scalar(value),
        }
        self.pop_indent();
        self.pop_state();
    }

    /// Whether the current node may be a simple key (`key: value` rather than `? key`).
    fn check_simple_key(&self) -> bool {
        match self.event() {
            Event::Scalar(value, _) => !self.scalar.multiline && value.len() <= 128,
            Event::SequenceStart => self.next_is(&Event::SequenceEnd),
            Event::MappingStart => self.next_is(&Event::MappingEnd),
            _ => false,
        }
    }

    fn select_scalar_style(&self, value: &[u8], requested: Style) -> Style {
        let data = &self.scalar;
        let mut style = requested;
        if self.simple_key_context && data.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !data.flow_plain_allowed) || (self.flow_level == 0 && !data.block_plain_allowed)
            {
                style = Style::SingleQuoted;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !data.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!data.block_allowed || self.flow_level > 0 || self.simple_key_context) {
            style = Style::DoubleQuoted;
        }
        style
    }

    // ---- writing ----

    fn put(&mut self, b: u8) {
        self.out.push(b);
        self.column += 1;
    }

    /// Copies ASCII characters, one column each.
    fn put_run(&mut self, run: &[u8]) {
        self.out.extend_from_slice(run);
        self.column += run.len() as i64;
    }

    fn put_break(&mut self) {
        self.out.push(b'\n');
        self.column = 0;
    }

    /// Copies one character; the column counts characters, not bytes.
    fn write(&mut self, s: &[u8], i: &mut usize) {
        let w = width(s[*i]).max(1);
        let end = (*i + w).min(s.len());
        self.out.extend_from_slice(&s[*i..end]);
        self.column += 1;
        *i = end;
    }

    fn write_all(&mut self, s: &[u8]) {
        let mut i = 0;
        while i < s.len() {
            self.write(s, &mut i);
        }
    }

    fn write_break(&mut self, s: &[u8], i: &mut usize) {
        if s[*i] == b'\n' {
            self.put_break();
            *i += 1;
        } else {
            self.write(s, i);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(b' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &[u8], need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(b' ');
        }
        self.write_all(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn write_plain_scalar(&mut self, value: &[u8], allow_breaks: bool) {
        if !self.whitespace {
            self.put(b' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < value.len() {
            if is_space(value, i) {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !is_space(value, i + 1) {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else if is_break(value, i) {
                if !breaks && value[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(value, &mut i);
                // The ASCII characters that follow and take this same branch, copied at once.
                let run = ascii_run(&value[i..], |b| b != b' ' && b != b'\r' && b != b'\n');
                self.put_run(&value[i..i + run]);
                i += run;
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted_scalar(&mut self, value: &[u8], allow_breaks: bool) {
        self.write_indicator(b"'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < value.len() {
            if is_space(value, i) {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < value.len() - 1
                    && !is_space(value, i + 1)
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else if is_break(value, i) {
                if !breaks && value[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if value[i] == b'\'' {
                    self.put(b'\'');
                }
                self.write(value, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator(b"'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted_scalar(&mut self, value: &[u8], allow_breaks: bool) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.write_indicator(b"\"", true, false, false);
        // go-yaml looks for a byte order mark at the start of the value, not at
        // each character: a value that starts with one has every character escaped.
        let starts_with_bom = value.starts_with(&[0xef, 0xbb, 0xbf]);
        let mut spaces = false;
        let mut i = 0;
        while i < value.len() {
            if !is_printable(value, i) || starts_with_bom || is_break(value, i) || value[i] == b'"' || value[i] == b'\\'
            {
                let w = width(value[i]).max(1);
                let end = (i + w).min(value.len());
                let c = std::str::from_utf8(&value[i..end]).ok().and_then(|s| s.chars().next()).map_or(0, u32::from);
                i = end;
                self.put(b'\\');
                let short = match c {
                    0x00 => Some(b'0'),
                    0x07 => Some(b'a'),
                    0x08 => Some(b'b'),
                    0x09 => Some(b't'),
                    0x0a => Some(b'n'),
                    0x0b => Some(b'v'),
                    0x0c => Some(b'f'),
                    0x0d => Some(b'r'),
                    0x1b => Some(b'e'),
                    0x22 => Some(b'"'),
                    0x5c => Some(b'\\'),
                    0x85 => Some(b'N'),
                    0xa0 => Some(b'_'),
                    0x2028 => Some(b'L'),
                    0x2029 => Some(b'P'),
                    _ => None,
                };
                match short {
                    Some(b) => self.put(b),
                    None => {
                        let (letter, digits) = if c <= 0xff {
                            (b'x', 2)
                        } else if c <= 0xffff {
                            (b'u', 4)
                        } else {
                            (b'U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            self.put(HEX[((c >> (4 * k)) & 0xf) as usize]);
                        }
                    }
                }
                spaces = false;
            } else if is_space(value, i) {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < value.len() - 1 {
                    self.write_indent();
                    if is_space(value, i + 1) {
                        self.put(b'\\');
                    }
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else {
                self.write(value, &mut i);
                if !starts_with_bom {
                    // Printable ASCII that needs no escape and is no space, copied at once.
                    let run = ascii_run(&value[i..], |b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\');
                    self.put_run(&value[i..i + run]);
                    i += run;
                }
                spaces = false;
            }
        }
        self.write_indicator(b"\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_scalar_hints(&mut self, value: &[u8]) {
        if is_space(value, 0) || is_break(value, 0) {
            let hint = [b'0' + BEST_INDENT as u8];
            self.write_indicator(&hint, false, false, false);
        }
        // Chomping: `-` when the value does not end in a line break, `+`
        // when it ends in more than one (or is only one), none for exactly one.
        let chomp = match last_char_start(value, value.len()) {
            None => Some(b'-'),
            Some(last) if !is_break(value, last) => Some(b'-'),
            Some(0) => Some(b'+'),
            Some(last) => match last_char_start(value, last) {
                Some(prev) if is_break(value, prev) => Some(b'+'),
                _ => None,
            },
        };
        if let Some(c) = chomp {
            self.write_indicator(&[c], false, false, false);
        }
    }

    fn write_literal_scalar(&mut self, value: &[u8]) {
        self.write_indicator(b"|", true, false, false);
        self.write_block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < value.len() {
            if is_break(value, i) {
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(value, &mut i);
                let run = ascii_run(&value[i..], |b| b != b'\r' && b != b'\n');
                self.put_run(&value[i..i + run]);
                i += run;
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// How many leading bytes of `s` are ASCII and pass `take`.
fn ascii_run(s: &[u8], take: impl Fn(u8) -> bool) -> usize {
    s.iter().position(|&b| b >= 0x80 || !take(b)).unwrap_or(s.len())
}

/// The start of the character that ends before `end`.
fn last_char_start(value: &[u8], end: usize) -> Option<usize> {
    let mut i = end.checked_sub(1)?;
    while i > 0 && value[i] & 0xc0 == 0x80 {
        i -= 1;
    }
    Some(i)
}

/// go-yaml's `yaml_emitter_analyze_scalar`: which styles can hold the value.
pub(super) fn analyze_scalar(value: &[u8]) -> ScalarData {
    if value.is_empty() {
        return ScalarData {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
            style: None,
        };
    }
    if is_plain_word(value) {
        return ScalarData {
            multiline: false,
            flow_plain_allowed: true,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
            style: None,
        };
    }
    analyze_each_byte(value)
}

/// The analysis proper, character by character.
fn analyze_each_byte(value: &[u8]) -> ScalarData {
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with(b"---") || value.starts_with(b"...") {
        block_indicators = true;
        flow_indicators = true;
    }
    // ASCII text (the usual) is classified byte by byte without the UTF-8 lookahead.
    let ascii = value.is_ascii();
    let mut preceded_by_whitespace = true;
    let mut i = 0;
    while i < value.len() {
        let c = value[i];
        let (w, printable, space, line_break, blankz) = if ascii {
            (
                1,
                c == b'\n' || (0x20..=0x7e).contains(&c),
                c == b' ',
                c == b'\r' || c == b'\n',
                matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0),
            )
        } else {
            (width(c).max(1), is_printable(value, i), is_space(value, i), is_break(value, i), is_blankz(value, i))
        };
        let followed_by_whitespace = i + w >= value.len() || is_blank(value, i + w);
        if i == 0 {
            match value[i] {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%'
                | b'@' | b'`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                b'?' | b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match value[i] {
                b',' | b'?' | b'[' | b']' | b'{' | b'}' => flow_indicators = true,
                b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !printable {
            special_characters = true;
        }
        if space {
            if i == 0 {
                leading_space = true;
            }
            if i + w == value.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if line_break {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + w == value.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = blankz;
        i += w;
    }

    let mut data = ScalarData {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
        style: None,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        data.flow_plain_allowed = false;
        data.block_plain_allowed = false;
    }
    if trailing_space {
        data.block_allowed = false;
    }
    if break_space {
        data.flow_plain_allowed = false;
        data.block_plain_allowed = false;
        data.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        data.flow_plain_allowed = false;
        data.block_plain_allowed = false;
        data.single_quoted_allowed = false;
        data.block_allowed = false;
    }
    if line_breaks {
        data.flow_plain_allowed = false;
        data.block_plain_allowed = false;
    }
    if flow_indicators {
        data.flow_plain_allowed = false;
    }
    if block_indicators {
        data.block_plain_allowed = false;
    }
    data
}

/// Bytes that are never an indicator, a space or a break, and are printable.
const WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-' | b'+' | b'=');
        b += 1;
    }
    table
};

/// Whether a scalar (most keys and values) is made of such bytes and starts with a letter, a
/// digit, `_` or `/`: then nothing in it restricts its style, and the byte-by-byte analysis
/// would find nothing.
fn is_plain_word(value: &[u8]) -> bool {
    matches!(value.first(), Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'/'))
        && value.iter().all(|&c| WORD[usize::from(c)])
}

fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// go-yaml's `is_printable`, byte for byte: note that it refuses every
/// character outside the Basic Multilingual Plane (so emoji are escaped).
fn is_printable(b: &[u8], i: usize) -> bool {
    let (c0, c1, c2) = (at(b, i), at(b, i + 1), at(b, i + 2));
    c0 == 0x0a
        || (0x20..=0x7e).contains(&c0)
        || (c0 == 0xc2 && c1 >= 0xa0)
        || (c0 > 0xc2 && c0 < 0xed)
        || (c0 == 0xed && c1 < 0xa0)
        || c0 == 0xee
        || (c0 == 0xef && !(c1 == 0xbb && c2 == 0xbf) && !(c1 == 0xbf && (c2 == 0xbe || c2 == 0xbf)))
}

fn is_space(b: &[u8], i: usize) -> bool {
    at(b, i) == b' '
}

fn is_blank(b: &[u8], i: usize) -> bool {
    matches!(at(b, i), b' ' | b'\t')
}

/// A line break: CR, LF, NEL (U+0085), LS (U+2028) or PS (U+2029).
fn is_break(b: &[u8], i: usize) -> bool {
    let (c0, c1, c2) = (at(b, i), at(b, i + 1), at(b, i + 2));
    c0 == b'\r' || c0 == b'\n' || (c0 == 0xc2 && c1 == 0x85) || (c0 == 0xe2 && c1 == 0x80 && (c2 == 0xa8 || c2 == 0xa9))
}

fn is_blankz(b: &[u8], i: usize) -> bool {
    is_blank(b, i) || is_break(b, i) || at(b, i) == 0
}

/// The byte length of the UTF-8 character that starts with `b`.
fn width(b: u8) -> usize {
    if b & 0x80 == 0 {
        1
    } else if b & 0xe0 == 0xc0 {
        2
    } else if b & 0xf0 == 0xe0 {
        3
    } else if b & 0xf8 == 0xf0 {
        4
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_skip_an_analysis_that_would_find_nothing() {
        let words =
            ["a", "app", "v1.2.3", "nginx/1.25", "_x", "/path/to-x", "a-b+c=d", "0", "10Mi", "x.", "a--", "Z_9"];
        for w in words {
            assert!(is_plain_word(w.as_bytes()), "{w}");
            assert_eq!(analyze_scalar(w.as_bytes()), analyze_each_byte(w.as_bytes()), "{w}");
        }
        for w in ["-", "-a", ".a", "...", "---", "a:b", "a b", "a#", "+1", "=", "é", "a\n", ""] {
            assert!(!is_plain_word(w.as_bytes()), "{w}");
        }
    }
}

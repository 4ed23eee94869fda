//! The emitter's output for the usual document, written directly: block mappings and
//! sequences of plain scalars that fit on their line, and empty collections. For any other
//! event stream it gives up, and [`super::emit::emit_document`] (go-yaml's state machine)
//! writes the document; where it does not give up, the text is the state machine's, which
//! the tests check on random documents.

use super::emit::{Event, Style, analyze_scalar};

/// go-yaml's line width: a plain scalar may be folded at a space beyond it.
const BEST_WIDTH: usize = 80;
/// go-yaml writes longer keys as complex keys (`? key`).
const MAX_SIMPLE_KEY: usize = 128;
/// Deeper documents are left to the state machine.
const MAX_DEPTH: usize = 64;

/// `events` written as [`super::emit::emit_document`] writes them, or `None`.
pub(crate) fn emit_block(events: &[Event<'_>]) -> Option<String> {
    let mut w = Writer { events, next: 0, out: String::with_capacity(events.len() * 12), line_start: 0 };
    match events.first()? {
        Event::Scalar(..) => {
            w.scalar(false)?;
            w.newline();
        }
        _ => w.node(0, Place::Top)?,
    }
    (w.next == events.len()).then_some(w.out)
}

struct Writer<'a, 't> {
    events: &'a [Event<'t>],
    next: usize,
    out: String,
    /// Where the current line starts in `out`.
    line_start: usize,
}

/// Where a collection is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The whole document.
    Top,
    /// A mapping's value: after `key:` on its line.
    Value,
    /// A sequence item: after `- `.
    Item,
}

impl Writer<'_, '_> {
    fn newline(&mut self) {
        self.out.push('\n');
        self.line_start = self.out.len();
    }

    fn indent(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// The next event's scalar, written where the output is, if it is a plain scalar that
    /// stays on its line; `key` says it is a mapping key.
    fn scalar(&mut self, key: bool) -> Option<()> {
        let Event::Scalar(text, Style::Plain) = self.events.get(self.next)? else { return None };
        if text.is_empty() || (key && text.len() > MAX_SIMPLE_KEY) {
            return None;
        }
        let data = analyze_scalar(text.as_bytes());
        if data.multiline || !data.block_plain_allowed {
            return None;
        }
        // A space beyond the line width may be written as a line break.
        let column = self.out.len() - self.line_start;
        if column + text.len() > BEST_WIDTH && text.contains(' ') {
            return None;
        }
        self.out.push_str(text);
        self.next += 1;
        Some(())
    }

    /// A mapping or sequence starting at the next event, its lines indented by `indent`.
    fn node(&mut self, indent: usize, place: Place) -> Option<()> {
        if indent / 2 > MAX_DEPTH {
            return None;
        }
        let (mapping, end, empty) = match self.events.get(self.next)? {
            Event::MappingStart => (true, Event::MappingEnd, "{}"),
            Event::SequenceStart => (false, Event::SequenceEnd, "[]"),
            _ => return None,
        };
        self.next += 1;
        if *self.events.get(self.next)? == end {
            // Empty: in flow style, on the line.
            self.next += 1;
            if place == Place::Value {
                self.out.push(' ');
            }
            self.out.push_str(empty);
            if place == Place::Top {
                self.newline();
            }
            return Some(());
        }
        if place == Place::Value {
            self.newline();
        }
        let mut first = true;
        while *self.events.get(self.next)? != end {
            // The first entry of an item's collection goes on the item's line.
            if !(first && place == Place::Item) {
                self.indent(indent);
            }
            first = false;
            if mapping {
                self.scalar(true)?;
                self.out.push(':');
                self.value(indent)?;
            } else {
                self.out.push_str("- ");
                if let Event::Scalar(..) = self.events.get(self.next)? {
                    self.scalar(false)?;
                    self.newline();
                } else {
                    self.collection(indent + 2, Place::Item)?;
                }
            }
        }
        self.next += 1;
        Some(())
    }

    /// A mapping's value, after `key:`; the mapping's lines are indented by `indent`.
    fn value(&mut self, indent: usize) -> Option<()> {
        match self.events.get(self.next)? {
            Event::Scalar(..) => {
                self.out.push(' ');
                self.scalar(false)?;
                self.newline();
                Some(())
            }
            // A sequence under a key is not indented; a mapping is.
            Event::SequenceStart => self.collection(indent, Place::Value),
            _ => self.collection(indent + 2, Place::Value),
        }
    }

    /// A collection as a mapping's value or a sequence item; its lines indented by `indent`.
    fn collection(&mut self, indent: usize, place: Place) -> Option<()> {
        let empty = matches!(self.events.get(self.next + 1)?, Event::MappingEnd | Event::SequenceEnd);
        self.node(indent, place)?;
        if empty {
            self.newline();
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::yaml::emit::emit_document;

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> usize {
            usize::try_from(self.next() % n).unwrap_or(0)
        }
    }

    const WORDS: &[&str] = &[
        "a",
        "app",
        "name",
        "nginx",
        "1.25",
        "v1",
        "true",
        "null",
        "~",
        "",
        " ",
        "a b",
        "x: y",
        "- z",
        "#c",
        "c#d",
        "-",
        "--",
        "---",
        "...",
        "?",
        "key?",
        "[x]",
        "{y}",
        "'q'",
        "\"dq\"",
        "tab\tin",
        "é",
        "日本",
        "a\nb",
        "trailing ",
        " leading",
        "100m",
        "128Mi",
        "http://example.com/path?q=1",
        "%x",
        "@at",
        "`b`",
        "a,b",
        "*star",
        "&amp",
        "!bang",
        "|pipe",
        ">gt",
        "0x1F",
        "1e3",
        "+1",
        ".5",
        "yes",
        "No",
        "ON",
    ];

    fn text(rng: &mut Rng) -> String {
        let mut s = String::new();
        for _ in 0..1 + rng.below(3) {
            s.push_str(WORDS[rng.below(WORDS.len() as u64)]);
            if rng.below(4) == 0 {
                s.push(' ');
            }
        }
        if rng.below(10) == 0 {
            s = s.repeat(1 + rng.below(12));
        }
        s
    }

    fn scalar(rng: &mut Rng, out: &mut Vec<Event<'static>>) {
        let style = match rng.below(12) {
            0 => Style::DoubleQuoted,
            1 => Style::Literal,
            _ => Style::Plain,
        };
        out.push(Event::Scalar(Cow::Owned(text(rng)), style));
    }

    fn node(rng: &mut Rng, depth: usize, out: &mut Vec<Event<'static>>) {
        match if depth > 4 { 0 } else { rng.below(3) } {
            0 => scalar(rng, out),
            1 => {
                out.push(Event::MappingStart);
                for _ in 0..rng.below(4) {
                    scalar(rng, out);
                    node(rng, depth + 1, out);
                }
                out.push(Event::MappingEnd);
            }
            _ => {
                out.push(Event::SequenceStart);
                for _ in 0..rng.below(4) {
                    node(rng, depth + 1, out);
                }
                out.push(Event::SequenceEnd);
            }
        }
    }

    #[test]
    fn writes_what_the_state_machine_writes() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut taken, total) = (0, 20_000);
        for _ in 0..total {
            let mut events = Vec::new();
            node(&mut rng, 0, &mut events);
            if let Some(fast) = emit_block(&events) {
                taken += 1;
                assert_eq!(fast, emit_document(&events), "{events:?}");
            }
        }
        eprintln!("{taken} of {total} documents written directly");
        // Enough of the documents must take the direct path for the comparison to mean much.
        assert!(taken > total / 5, "only {taken} of {total} documents written directly");
    }
}

//! `Scratch`: the stacks a parse builds its lists on, kept by each thread between parses so
//! that they grow once rather than in every file. A finished list leaves with `split_off`,
//! which copies its items into a new allocation of exactly their number.

use std::cell::Cell;

use super::node::{Command, Name, Node, Operand};

/// The stacks of nodes, commands, operands and names under construction.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) nodes: Vec<Node>,
    pub(super) cmds: Vec<Command>,
    pub(super) args: Vec<Operand>,
    pub(super) names: Vec<Name>,
}

/// The most items a kept scratch stack may hold room for; a larger one is dropped.
const MAX_KEPT: usize = 4096;

thread_local! {
    static KEPT: Cell<Scratch> = Cell::new(Scratch::default());
}

impl Scratch {
    /// This thread's stacks (empty), or new ones.
    pub(super) fn take() -> Scratch {
        KEPT.take()
    }

    /// Gives the stacks back for the thread's next parse; what a failed parse left on them
    /// is dropped, and so are stacks grown too large to keep.
    pub(super) fn keep(mut self) {
        self.nodes.clear();
        self.cmds.clear();
        self.args.clear();
        self.names.clear();
        let largest = self.nodes.capacity().max(self.cmds.capacity()).max(self.args.capacity());
        if largest.max(self.names.capacity()) <= MAX_KEPT {
            KEPT.set(self);
        }
    }
}

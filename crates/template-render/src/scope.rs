//! What an executing template holds besides its output: dot and its variables, borrowed from
//! where the values are stored whenever that is possible, so that walking a range clones nothing.
//!
//! A range iteration's element and index live in a [`Frame`] on the executor's stack; the
//! variables a `range $i, $e :=` declares are [`Slot`]s naming that frame, resolved through
//! the chain of frames dot carries. Everything else a variable holds is its own [`Val`].

use std::fmt::Write as _;
use std::sync::Arc;

use crate::value::Value;

/// A value with whether it is held in an `interface{}` (a map or slice element), which
/// changes how Go names its type in errors.
#[derive(Clone, Debug)]
pub(crate) struct Val {
    pub(crate) v: Value,
    pub(crate) iface: Held,
}

/// Whether a [`Val`] is held in an `interface{}`. A whole word rather than a `bool`: a value
/// then moves as four words, where a byte after the value made the compiler move the end of
/// a `Val` in odd-sized pieces, and the loads that followed stalled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Held {
    Concrete = 0,
    Interface = 1,
}

impl From<bool> for Held {
    fn from(iface: bool) -> Held {
        if iface { Held::Interface } else { Held::Concrete }
    }
}

impl Val {
    pub(crate) fn concrete(v: Value) -> Val {
        Val { v, iface: Held::Concrete }
    }

    /// The value as dot, outside any range.
    pub(crate) fn as_dot(&self) -> Dot<'_> {
        Dot { v: &self.v, iface: self.iface == Held::Interface, frames: None }
    }

    /// The value as dot inside the ranges of `frames`.
    pub(crate) fn dot_within<'a>(&'a self, frames: Option<&'a Frame<'a>>) -> Dot<'a> {
        Dot { v: &self.v, iface: self.iface == Held::Interface, frames }
    }

    /// The type Go's reflection shows for it.
    pub(crate) fn type_name(&self) -> String {
        if self.iface == Held::Interface || matches!(self.v, Value::Nil) {
            "interface {}".to_owned()
        } else {
            self.v.type_name().into_owned()
        }
    }
}

/// Dot: a value borrowed from where it is stored (the data, a variable, an element being
/// ranged over), and the range iterations it is inside.
#[derive(Clone, Copy)]
pub(crate) struct Dot<'a> {
    pub(crate) v: &'a Value,
    pub(crate) iface: bool,
    pub(crate) frames: Option<&'a Frame<'a>>,
}

impl Dot<'_> {
    pub(crate) fn to_val(self) -> Val {
        Val { v: self.v.clone(), iface: self.iface.into() }
    }
}

/// One iteration of a range: its index and element, borrowed, and the iterations around it.
pub(crate) struct Frame<'a> {
    /// How many frames there are up to this one (1 for the outermost).
    pub(crate) depth: u32,
    pub(crate) index: Index<'a>,
    pub(crate) elem: &'a Value,
    pub(crate) iface: bool,
    pub(crate) parent: Option<&'a Frame<'a>>,
}

impl<'a> Frame<'a> {
    /// The frame of that depth among `frames` and its parents.
    pub(crate) fn at(frames: Option<&'a Frame<'a>>, depth: u32) -> Option<&'a Frame<'a>> {
        let mut frame = frames;
        while let Some(f) = frame {
            if f.depth == depth {
                return Some(f);
            }
            frame = f.parent;
        }
        None
    }

    /// The depth of a frame pushed inside `frames`.
    pub(crate) fn next_depth(frames: Option<&Frame<'_>>) -> u32 {
        frames.map_or(1, |f| f.depth + 1)
    }
}

/// The index of a range iteration.
pub(crate) enum Index<'a> {
    /// Ranging over an integer has none.
    Invalid,
    /// A slice's position.
    Int(i64),
    /// A map's key, where the map stores it.
    Key(&'a Arc<str>),
    /// Any other key, made for the iteration.
    Value(Value),
}

impl<'a> Index<'a> {
    fn var_ref(&'a self) -> VarRef<'a> {
        static NO_VALUE: Value = Value::Invalid;
        match self {
            Index::Invalid => VarRef::Value(&NO_VALUE, false),
            Index::Int(i) => VarRef::Int(*i),
            Index::Key(k) => VarRef::Key(k),
            Index::Value(v) => VarRef::Value(v, false),
        }
    }

    pub(crate) fn to_val(&self) -> Val {
        self.var_ref().to_val()
    }
}

/// What a variable holds.
pub(crate) enum Slot {
    /// Its own value.
    Val(Val),
    /// The element of the range iteration at that frame depth.
    Elem(u32),
    /// The index of the range iteration at that frame depth.
    Index(u32),
}

impl Slot {
    /// The variable's value, resolved through the frames of the dot it is read under.
    pub(crate) fn get<'a>(&'a self, frames: Option<&'a Frame<'a>>) -> Option<VarRef<'a>> {
        match self {
            Slot::Val(v) => Some(VarRef::Value(&v.v, v.iface == Held::Interface)),
            Slot::Elem(depth) => Frame::at(frames, *depth).map(|f| VarRef::Value(f.elem, f.iface)),
            Slot::Index(depth) => Frame::at(frames, *depth).map(|f| f.index.var_ref()),
        }
    }
}

/// A variable's value, borrowed.
#[derive(Clone, Copy)]
pub(crate) enum VarRef<'a> {
    Value(&'a Value, bool),
    Int(i64),
    Key(&'a Arc<str>),
}

impl<'a> VarRef<'a> {
    /// The value, when it is stored as one (a map key or slice index is made on demand).
    pub(crate) fn value(self) -> Option<&'a Value> {
        match self {
            VarRef::Value(v, _) => Some(v),
            VarRef::Int(_) | VarRef::Key(_) => None,
        }
    }

    /// A copy of the value (cheap: values are shared).
    pub(crate) fn to_val(self) -> Val {
        match self {
            VarRef::Value(v, iface) => Val { v: v.clone(), iface: iface.into() },
            VarRef::Int(i) => Val::concrete(Value::Int(i)),
            VarRef::Key(k) => Val::concrete(Value::String(k.clone())),
        }
    }

    /// Prints an index or key as an action prints it; `false` for any other value.
    pub(crate) fn print_index(self, out: &mut String) -> bool {
        match self {
            VarRef::Int(i) => {
                let _ = write!(out, "{i}");
                true
            }
            VarRef::Key(k) => {
                out.push_str(k);
                true
            }
            VarRef::Value(..) => false,
        }
    }
}

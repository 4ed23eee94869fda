//! `Constraints`: version ranges such as `^1.2`, `>= 1.0, < 2.0 || 3.x`, as Masterminds/semver v3.

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

use super::version::compare_prerelease;
use super::{SemverError, Version, go_quote};

/// The longest constraint text Masterminds accepts, in bytes.
pub const MAX_CONSTRAINT_LEN: usize = 512;

/// The most `||` groups a constraint may have.
pub const MAX_CONSTRAINT_GROUPS: usize = 32;

/// A parsed constraint: groups joined by `||`, each a list of conditions that must all hold.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    contains_pre: Vec<bool>,
    include_prerelease: bool,
}

/// One condition such as `>=1.2` or `~1.x`.
#[derive(Debug, Clone)]
struct Constraint {
    con: Version,
    orig: String,
    op: Op,
    op_text: String,
    minor_dirty: bool,
    dirty: bool,
    patch_dirty: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    GreaterThan,
    LessThan,
    GreaterThanEqual,
    LessThanEqual,
    Tilde,
    Caret,
}

const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
// Go's `\s` is ASCII white space only.
const WS: &str = r"[\t\n\f\r ]";
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";

struct Patterns {
    constraint: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |p: String| Regex::new(&p).unwrap_or_else(|_| unreachable!("the patterns are constants"));
        Patterns {
            constraint: re(format!(r"^{WS}*({OPS}){WS}*({CV}){WS}*$")),
            range: re(format!(r"{WS}*({CV}){WS}+-{WS}+({CV}){WS}*")),
            find: re(format!(r"({OPS}){WS}*({CV})")),
            valid: re(format!(r"^({WS}*({OPS}){WS}*({CV}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV}){WS}*)*$")),
        }
    })
}

impl Constraints {
    /// Parses a constraint as Masterminds' `NewConstraint`.
    pub fn parse(text: &str) -> Result<Constraints, SemverError> {
        if text.len() > MAX_CONSTRAINT_LEN {
            return Err(SemverError::ConstraintTooLong);
        }
        let p = patterns();
        let rewritten = rewrite_range(text);
        let ors: Vec<&str> = rewritten.split("||").collect();
        if ors.len() > MAX_CONSTRAINT_GROUPS {
            return Err(SemverError::TooManyConstraintGroups);
        }
        let mut groups = Vec::with_capacity(ors.len());
        let mut contains_pre = Vec::with_capacity(ors.len());
        for or in ors {
            if !p.valid.is_match(or) {
                return Err(SemverError::ImproperConstraint(or.to_owned()));
            }
            let mut found: Vec<&str> = p.find.find_iter(or).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(or);
            }
            let mut group = Vec::with_capacity(found.len());
            let mut has_pre = false;
            for s in found {
                let c = parse_constraint(s)?;
                has_pre |= !c.con.prerelease().is_empty();
                group.push(c);
            }
            groups.push(group);
            contains_pre.push(has_pre);
        }
        Ok(Constraints { groups, contains_pre, include_prerelease: false })
    }

    /// Lets prereleases match every group, as Masterminds' `IncludePrerelease`.
    pub fn set_include_prerelease(&mut self, include: bool) {
        self.include_prerelease = include;
    }

    /// Whether the version satisfies the constraint (`Check`).
    pub fn check(&self, v: &Version) -> bool {
        self.groups.iter().zip(&self.contains_pre).any(|(group, &pre)| {
            let include_pre = self.include_prerelease || pre;
            group.iter().all(|c| c.check(v, include_pre).is_ok())
        })
    }

    /// Whether the version satisfies the constraint, with the reasons it does
    /// not, as Masterminds' `Validate`.
    pub fn validate(&self, v: &Version) -> (bool, Vec<String>) {
        let mut errors = Vec::new();
        let mut prerelease_reported = false;
        for (group, &pre) in self.groups.iter().zip(&self.contains_pre) {
            let include_pre = self.include_prerelease || pre;
            let mut joy = true;
            for c in group {
                if !include_pre && !v.prerelease().is_empty() {
                    if !prerelease_reported {
                        errors.push(prerelease_message(v));
                        prerelease_reported = true;
                    }
                    joy = false;
                } else if let Err(e) = c.check(v, include_pre) {
                    errors.push(e);
                    joy = false;
                }
            }
            if joy {
                return (true, Vec::new());
            }
        }
        (false, errors)
    }
}

impl fmt::Display for Constraints {
    /// The constraint as Masterminds' `String`: each condition as written, groups joined by ` || `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(" || ")?;
            }
            for (j, c) in group.iter().enumerate() {
                if j > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{}{}", c.op_text, c.orig)?;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Constraints {
    type Err = SemverError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Constraints::parse(s)
    }
}

/// Turns each `a - b` into `>= a, <= b `, as Masterminds' `rewriteRange`.
fn rewrite_range(text: &str) -> String {
    let mut out = text.to_owned();
    for caps in patterns().range.captures_iter(text) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let from = caps.get(1).map_or("", |m| m.as_str());
        let to = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {from}, <= {to} "), 1);
    }
    out
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

fn parse_constraint(c: &str) -> Result<Constraint, SemverError> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::new(0, 0, 0, "", ""),
            orig: String::new(),
            op: Op::TildeOrEqual,
            op_text: String::new(),
            minor_dirty: false,
            dirty: true,
            patch_dirty: false,
        });
    }
    let m = patterns().constraint.captures(c).ok_or_else(|| SemverError::ImproperConstraint(c.to_owned()))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let op_text = g(1);
    let op = match op_text {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::GreaterThan,
        "<" => Op::LessThan,
        ">=" | "=>" => Op::GreaterThanEqual,
        "<=" | "=<" => Op::LessThanEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_owned()
    };
    let con = Version::parse(&ver).map_err(|_| SemverError::ConstraintParser)?;
    Ok(Constraint { con, orig: g(2).to_owned(), op, op_text: op_text.to_owned(), minor_dirty, dirty, patch_dirty })
}

fn prerelease_message(v: &Version) -> String {
    format!(
        "{} is a prerelease version and the constraint is only looking for release versions",
        go_quote(&v.to_string())
    )
}

impl Constraint {
    /// Checks one condition; the error is Masterminds' reason.
    fn check(&self, v: &Version, include_pre: bool) -> Result<(), String> {
        if !v.prerelease().is_empty() && !include_pre {
            return Err(prerelease_message(v));
        }
        match self.op {
            Op::TildeOrEqual => {
                if self.dirty {
                    return self.tilde(v);
                }
                if v == &self.con { Ok(()) } else { Err(self.why(v, "is not equal to")) }
            }
            Op::NotEqual => self.not_equal(v),
            Op::GreaterThan => self.greater_than(v),
            Op::LessThan => {
                if v.compare(&self.con) == Ordering::Less {
                    Ok(())
                } else {
                    Err(self.why(v, "is greater than or equal to"))
                }
            }
            Op::GreaterThanEqual => {
                if v.compare(&self.con) != Ordering::Less {
                    Ok(())
                } else {
                    Err(self.why(v, "is less than"))
                }
            }
            Op::LessThanEqual => self.less_than_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    fn why(&self, v: &Version, relation: &str) -> String {
        format!("{} {relation} {}", go_quote(&v.to_string()), go_quote(&self.orig))
    }

    fn not_equal(&self, v: &Version) -> Result<(), String> {
        let c = &self.con;
        if self.dirty {
            if c.major() != v.major() {
                return Ok(());
            }
            if c.minor() != v.minor() && !self.minor_dirty {
                return Ok(());
            } else if self.minor_dirty {
                return Err(self.why(v, "is equal to"));
            } else if c.patch() != v.patch() && !self.patch_dirty {
                return Ok(());
            } else if self.patch_dirty {
                if (!v.prerelease().is_empty() || !c.prerelease().is_empty())
                    && compare_prerelease(v.prerelease(), c.prerelease()) != Ordering::Equal
                {
                    return Ok(());
                }
                return Err(self.why(v, "is equal to"));
            }
        }
        if v == c { Err(self.why(v, "is equal to")) } else { Ok(()) }
    }

    fn greater_than(&self, v: &Version) -> Result<(), String> {
        let c = &self.con;
        let fail = || Err(self.why(v, "is less than or equal to"));
        if !self.dirty {
            return if v.compare(c) == Ordering::Greater { Ok(()) } else { fail() };
        }
        if v.major() > c.major() {
            Ok(())
        } else if v.major() < c.major() || self.minor_dirty {
            fail()
        } else if self.patch_dirty {
            if v.minor() > c.minor() { Ok(()) } else { fail() }
        } else if v.compare(c) == Ordering::Greater {
            Ok(())
        } else {
            fail()
        }
    }

    fn less_than_equal(&self, v: &Version) -> Result<(), String> {
        let c = &self.con;
        if !self.dirty {
            return if v.compare(c) != Ordering::Greater { Ok(()) } else { Err(self.why(v, "is greater than")) };
        }
        if v.major() > c.major() || (v.major() == c.major() && v.minor() > c.minor() && !self.minor_dirty) {
            return Err(self.why(v, "is greater than"));
        }
        Ok(())
    }

    fn tilde(&self, v: &Version) -> Result<(), String> {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return Err(self.why(v, "is less than"));
        }
        if c.major() == 0 && c.minor() == 0 && c.patch() == 0 && !self.minor_dirty && !self.patch_dirty {
            return Ok(());
        }
        if v.major() != c.major() {
            return Err(self.why(v, "does not have same major version as"));
        }
        if v.minor() != c.minor() && !self.minor_dirty {
            return Err(self.why(v, "does not have same major and minor version as"));
        }
        Ok(())
    }

    fn caret(&self, v: &Version) -> Result<(), String> {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return Err(self.why(v, "is less than"));
        }
        if c.major() > 0 || self.minor_dirty {
            return if v.major() == c.major() {
                Ok(())
            } else {
                Err(self.why(v, "does not have same major version as"))
            };
        }
        if v.major() > 0 {
            return Err(self.why(v, "does not have same major version as"));
        }
        if c.minor() > 0 || self.patch_dirty {
            return if v.minor() == c.minor() {
                Ok(())
            } else {
                Err(self.why(v, "does not have same minor version as")
                    + ". Expected minor versions to match when constraint major version is 0")
            };
        }
        if v.minor() > 0 {
            return Err(self.why(v, "does not have same minor version as"));
        }
        if c.patch() == v.patch() {
            Ok(())
        } else {
            Err(self.why(v, "does not equal")
                + ". Expect version and constraint to equal when major and minor versions are 0")
        }
    }
}

//! .helmignore rules, as Helm's `pkg/ignore`.

use crate::load::glob;

/// The file that holds a chart's ignore rules.
pub const HELM_IGNORE: &str = ".helmignore";

/// A .helmignore file that Helm cannot use; Display is Helm's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IgnoreError(String);

/// Parsed ignore rules, checked in order.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    rule: String,
    kind: Kind,
    negate: bool,
    must_dir: bool,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Starts with `/`: matched against the whole path, from the chart's root.
    Rooted,
    /// Contains `/`: matched against the whole path.
    Path,
    /// A plain name: matched against the last path element.
    Base,
}

impl Rules {
    /// No rules (Helm's `ignore.Empty`).
    pub fn empty() -> Self {
        Rules::default()
    }

    /// Parses a .helmignore file: one rule a line, `#` comments, a UTF-8 BOM skipped.
    pub fn parse(data: &[u8]) -> Result<Self, IgnoreError> {
        let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        let mut rules = Rules::empty();
        for line in data.split(|b| *b == b'\n') {
            // Go's bufio.Scanner drops one carriage return before each newline.
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            rules.add(&String::from_utf8_lossy(line))?;
        }
        Ok(rules)
    }

    /// Adds Helm's default rule, which hides dot files under templates/.
    pub fn add_defaults(&mut self) {
        let _ = self.add("templates/.?*");
    }

    /// Adds one rule, as Helm's `parseRule`.
    pub fn add(&mut self, rule: &str) -> Result<(), IgnoreError> {
        let rule = rule.trim_matches(|c: char| c.is_whitespace());
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(IgnoreError("double-star (**) syntax is not supported".into()));
        }
        glob::matches(rule, "abc").map_err(|e| IgnoreError(e.into()))?;
        let mut r = rule;
        let negate = r.starts_with('!');
        if negate {
            r = &r[1..];
        }
        let must_dir = r.ends_with('/');
        if must_dir {
            r = &r[..r.len() - 1];
        }
        let (kind, r) = if let Some(rest) = r.strip_prefix('/') {
            (Kind::Rooted, rest)
        } else if r.contains('/') {
            (Kind::Path, r)
        } else {
            (Kind::Base, r)
        };
        self.patterns.push(Pattern { rule: r.to_owned(), kind, negate, must_dir });
        Ok(())
    }

    /// Whether a path (slash-separated, relative to the chart) is ignored, as Helm's `Rules.Ignore`.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            // Helm's negation is odd but is what charts rely on: a negated
            // rule ignores everything it does *not* match.
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !p.matches(path) {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if p.matches(path) {
                return true;
            }
        }
        false
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        let target = match self.kind {
            Kind::Rooted | Kind::Path => path,
            Kind::Base => go_base(path),
        };
        glob::matches(&self.rule, target).unwrap_or(false)
    }
}

/// Go's `filepath.Base` on Unix.
fn go_base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    trimmed.rfind('/').map_or(trimmed, |i| &trimmed[i + 1..])
}

#[cfg(test)]
mod tests {
    use super::Rules;

    #[test]
    fn helm_rules() {
        let mut r = Rules::parse(b"*.bak\n/top.txt\ndocs/\nsub/*.md\n# c\n").unwrap_or_default();
        r.add_defaults();
        assert!(r.ignore("a/b.bak", false));
        assert!(r.ignore("top.txt", false));
        assert!(!r.ignore("x/top.txt", false));
        assert!(r.ignore("docs", true));
        assert!(!r.ignore("docs", false));
        assert!(r.ignore("sub/a.md", false));
        assert!(r.ignore("templates/.hidden", false));
        assert!(Rules::parse(b"a/**/b").is_err());
    }
}

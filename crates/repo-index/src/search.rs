//! `helm search repo`: keyword or regular-expression search over the
//! indexes of the configured repositories, with Helm's scoring, ordering
//! and version filtering.
//!
//! Each chart version becomes one line, `name\vrepo/name\vdescription\vkeywords`;
//! a match scores the number of separators before it (lower is better, 25
//! or more is no match). Results sort by score, then name, then newest
//! version, and the version constraint (by default `>0.0.0`, or
//! `>0.0.0-0` with `devel`) then keeps the first match per chart unless
//! all versions are asked for.

use chart_model::semver::{Constraints, Version};
use regex::Regex;

use crate::error::{Error, Result};
use crate::index::{ChartVersion, IndexFile};

/// Helm's `searchMaxScore`: matches scoring this or more are dropped.
const MAX_SCORE: usize = 25;

/// The separator between the fields of a search line.
const SEP: char = '\u{b}';

/// What to search for, as the flags of `helm search repo`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// The search terms, joined by a space; none lists every chart.
    pub terms: Vec<String>,
    /// `--regexp`: the joined terms are a regular expression.
    pub regexp: bool,
    /// `--versions`: every matching version, not only the newest per chart.
    pub versions: bool,
    /// `--devel`: include prereleases (ignored when `version` is set).
    pub devel: bool,
    /// `--version`: a semver constraint the versions must satisfy.
    pub version: String,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    /// `repo/chart`.
    pub name: String,
    /// The match's score (0 is best).
    pub score: usize,
    /// The chart version found.
    pub chart: ChartVersion,
}

/// Searches the indexes of `repos` (repository name, index) as `helm search repo`.
pub fn search_repositories(repos: &[(&str, &IndexFile)], options: &SearchOptions) -> Result<Vec<SearchResult>> {
    let version = match (options.version.is_empty(), options.devel) {
        (false, _) => options.version.clone(),
        (true, true) => ">0.0.0-0".to_string(),
        (true, false) => ">0.0.0".to_string(),
    };
    // Helm keys its lines by name and version, so a repeated version keeps the last entry.
    let mut lines: Vec<(String, String, &ChartVersion)> = Vec::new();
    for (repo, index) in repos {
        for (name, versions) in &index.entries {
            let full = format!("{repo}/{name}");
            let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
            for cv in versions {
                let line = format!(
                    "{}{SEP}{repo}/{}{SEP}{}{SEP}{}",
                    cv.metadata.name,
                    cv.metadata.name,
                    cv.metadata.description,
                    cv.metadata.keywords.join(" ")
                );
                match seen.get(cv.metadata.version.as_str()) {
                    Some(&i) => lines[i] = (full.clone(), line, cv),
                    None => {
                        seen.insert(&cv.metadata.version, lines.len());
                        lines.push((full.clone(), line, cv));
                    }
                }
            }
        }
    }
    let mut found: Vec<(String, usize, &ChartVersion)> = Vec::new();
    if options.terms.is_empty() {
        found = lines.into_iter().map(|(name, _, cv)| (name, 0, cv)).collect();
    } else {
        let term = options.terms.join(" ");
        if options.regexp {
            let re = Regex::new(&term).map_err(|e| Error::Regex(go_regexp_error(&e.to_string(), &term)))?;
            for (name, line, cv) in lines {
                if let Some(m) = re.find(&line) {
                    let score = score(m.start(), &line);
                    if score < MAX_SCORE {
                        found.push((name, score, cv));
                    }
                }
            }
        } else {
            let term = term.to_lowercase();
            for (name, line, cv) in lines {
                let lower = line.to_lowercase();
                if let Some(at) = lower.find(&term) {
                    let score = score(at, &lower);
                    if score < MAX_SCORE {
                        found.push((name, score, cv));
                    }
                }
            }
        }
    }
    let parsed: Vec<Option<Version>> =
        found.iter().map(|(_, _, cv)| Version::parse(&cv.metadata.version).ok()).collect();
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by(|&a, &b| {
        let (na, sa, _) = &found[a];
        let (nb, sb, _) = &found[b];
        sa.cmp(sb).then_with(|| na.cmp(nb)).then_with(|| match (&parsed[a], &parsed[b]) {
            (Some(va), Some(vb)) => vb.cmp(va),
            _ => std::cmp::Ordering::Equal,
        })
    });
    let constraint = Constraints::parse(&version)
        .map_err(|e| Error::Constraint(format!("an invalid version/constraint format: {e}")))?;
    let mut taken = std::collections::HashSet::new();
    let mut results = Vec::new();
    for i in order {
        let (name, score, cv) = &found[i];
        if !options.versions && taken.contains(name) {
            continue;
        }
        let Some(v) = &parsed[i] else { continue };
        if constraint.check(v) {
            taken.insert(name.clone());
            results.push(SearchResult { name: name.clone(), score: *score, chart: (*cv).clone() });
        }
    }
    Ok(results)
}

/// How many separators come before byte `at` of `line`.
fn score(at: usize, line: &str) -> usize {
    line.char_indices().filter(|(i, c)| *c == SEP && *i < at).count()
}

/// A regular-expression error in Go's words (`error parsing regexp: CODE: `EXPR``), for the common cases.
fn go_regexp_error(rust: &str, expr: &str) -> String {
    let code = if rust.contains("unclosed group") {
        "missing closing )"
    } else if rust.contains("unopened group") {
        "unexpected )"
    } else if rust.contains("unclosed character class") {
        "missing closing ]"
    } else if rust.contains("repetition operator missing expression") {
        "missing argument to repetition operator"
    } else if rust.contains("escape") {
        "invalid escape sequence"
    } else {
        "invalid syntax"
    };
    format!("error parsing regexp: {code}: `{expr}`")
}

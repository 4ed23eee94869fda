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
use crate::index::{CachedIndex, ChartVersion, IndexFile};

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
    let mut candidates = Vec::new();
    for (r, (repo, index)) in repos.iter().enumerate() {
        for (name, versions) in &index.entries {
            let fields = versions.iter().map(|cv| SearchFields {
                name: cv.metadata.name.clone(),
                version: cv.metadata.version.clone(),
                description: cv.metadata.description.clone(),
                keywords: cv.metadata.keywords.clone(),
            });
            add_chart(&mut candidates, repo, r, name, fields);
        }
    }
    select(candidates, options)?
        .into_iter()
        .map(|(c, score)| {
            let cv = repos[c.repo].1.entries.get(&c.chart).and_then(|v| v.get(c.position));
            let cv = cv.ok_or_else(|| Error::Cache("search result out of range".into()))?;
            Ok(SearchResult { name: c.full_name, score, chart: cv.clone() })
        })
        .collect()
}

/// Searches cached indexes as [`search_repositories`], decoding only the fields search
/// reads, then the charts of the results.
pub fn search_cached(repos: &[(&str, &CachedIndex)], options: &SearchOptions) -> Result<Vec<SearchResult>> {
    let mut candidates = Vec::new();
    for (r, (repo, index)) in repos.iter().enumerate() {
        for name in index.chart_names() {
            let fields = index.search_fields(name)?;
            add_chart(&mut candidates, repo, r, name, fields.into_iter());
        }
    }
    let mut decoded: std::collections::HashMap<(usize, String), Vec<ChartVersion>> = std::collections::HashMap::new();
    let mut results = Vec::new();
    for (c, score) in select(candidates, options)? {
        let key = (c.repo, c.chart.clone());
        if !decoded.contains_key(&key) {
            let versions = repos[c.repo].1.chart_versions(&c.chart)?.unwrap_or_default();
            decoded.insert(key.clone(), versions);
        }
        let cv = decoded.get(&key).and_then(|v| v.get(c.position));
        let cv = cv.ok_or_else(|| Error::Cache("search result out of range".into()))?;
        results.push(SearchResult { name: c.full_name, score, chart: cv.clone() });
    }
    Ok(results)
}

/// What search reads of a chart version.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchFields {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) description: String,
    pub(crate) keywords: Vec<String>,
}

/// One searchable chart version.
struct Candidate {
    /// `repo/chart`.
    full_name: String,
    /// `name\vrepo/name\vdescription\vkeywords`.
    line: String,
    version: String,
    repo: usize,
    chart: String,
    position: usize,
}

/// Adds a chart's versions; Helm keys its lines by name and version, so a
/// repeated version keeps the last entry.
fn add_chart(
    out: &mut Vec<Candidate>,
    repo: &str,
    repo_number: usize,
    chart: &str,
    versions: impl Iterator<Item = SearchFields>,
) {
    let full = format!("{repo}/{chart}");
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (position, f) in versions.enumerate() {
        let line = format!("{}{SEP}{repo}/{}{SEP}{}{SEP}{}", f.name, f.name, f.description, f.keywords.join(" "));
        let candidate = Candidate {
            full_name: full.clone(),
            line,
            version: f.version,
            repo: repo_number,
            chart: chart.to_string(),
            position,
        };
        match seen.get(&candidate.version) {
            Some(&i) => out[i] = candidate,
            None => {
                seen.insert(candidate.version.clone(), out.len());
                out.push(candidate);
            }
        }
    }
}

/// Scores, sorts and filters the candidates as Helm: the results with their scores.
fn select(lines: Vec<Candidate>, options: &SearchOptions) -> Result<Vec<(Candidate, usize)>> {
    let version = match (options.version.is_empty(), options.devel) {
        (false, _) => options.version.clone(),
        (true, true) => ">0.0.0-0".to_string(),
        (true, false) => ">0.0.0".to_string(),
    };
    let mut found: Vec<(Candidate, usize)> = Vec::new();
    if options.terms.is_empty() {
        found = lines.into_iter().map(|c| (c, 0)).collect();
    } else {
        let term = options.terms.join(" ");
        if options.regexp {
            let re = Regex::new(&term).map_err(|e| Error::Regex(go_regexp_error(&e.to_string(), &term)))?;
            for c in lines {
                if let Some(m) = re.find(&c.line) {
                    let score = score(m.start(), &c.line);
                    if score < MAX_SCORE {
                        found.push((c, score));
                    }
                }
            }
        } else {
            let term = term.to_lowercase();
            for c in lines {
                let lower = c.line.to_lowercase();
                if let Some(at) = lower.find(&term) {
                    let score = score(at, &lower);
                    if score < MAX_SCORE {
                        found.push((c, score));
                    }
                }
            }
        }
    }
    let parsed: Vec<Option<Version>> = found.iter().map(|(c, _)| Version::parse(&c.version).ok()).collect();
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, sa) = &found[a];
        let (cb, sb) = &found[b];
        sa.cmp(sb).then_with(|| ca.full_name.cmp(&cb.full_name)).then_with(|| match (&parsed[a], &parsed[b]) {
            (Some(va), Some(vb)) => vb.cmp(va),
            _ => std::cmp::Ordering::Equal,
        })
    });
    let constraint = Constraints::parse(&version)
        .map_err(|e| Error::Constraint(format!("an invalid version/constraint format: {e}")))?;
    let mut taken = std::collections::HashSet::new();
    let mut kept_order = Vec::new();
    for i in order {
        let name = &found[i].0.full_name;
        if !options.versions && taken.contains(name) {
            continue;
        }
        let Some(v) = &parsed[i] else { continue };
        if constraint.check(v) {
            taken.insert(name.clone());
            kept_order.push(i);
        }
    }
    let mut slots: Vec<Option<(Candidate, usize)>> = found.into_iter().map(Some).collect();
    Ok(kept_order.into_iter().filter_map(|i| slots[i].take()).collect())
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

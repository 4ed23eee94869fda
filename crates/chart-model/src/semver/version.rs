//! `Version`: a SemVer version as Masterminds/semver v3 parses, prints and orders it.

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

use super::SemverError;

/// The longest version text Masterminds accepts, in bytes.
pub const MAX_VERSION_LEN: usize = 256;

const NUM: &str = "0123456789";

/// A parsed version: `major.minor.patch[-prerelease][+metadata]`.
///
/// Equality and ordering follow Masterminds' `Compare`: build metadata and
/// the original text are ignored, a prerelease sorts before its release.
#[derive(Debug, Clone)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

/// Masterminds' loose pattern, which `NewVersion` uses (it coerces `1.2` to `1.2.0`).
fn loose_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
        )
        .unwrap_or_else(|_| unreachable!("the pattern is a constant"))
    })
}

impl Version {
    /// Parses a version as Masterminds' `NewVersion` does: an optional `v`,
    /// missing minor and patch taken as 0, leading zeros tolerated.
    pub fn parse(text: &str) -> Result<Version, SemverError> {
        if text.len() > MAX_VERSION_LEN {
            return Err(SemverError::VersionTooLong);
        }
        let caps = loose_regex().captures(text).ok_or(SemverError::InvalidSemVer)?;
        let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
        let segment = |s: &str| -> Result<u64, SemverError> {
            if s.is_empty() {
                return Ok(0);
            }
            parse_uint(s).map_err(|e| SemverError::Segment(format!("error parsing version segment: {e}")))
        };
        let v = Version {
            major: segment(group(1))?,
            minor: segment(group(2).trim_start_matches('.'))?,
            patch: segment(group(3).trim_start_matches('.'))?,
            pre: group(5).to_owned(),
            metadata: group(8).to_owned(),
            original: text.to_owned(),
        };
        if !v.pre.is_empty() {
            validate_prerelease(&v.pre)?;
        }
        if !v.metadata.is_empty() {
            validate_metadata(&v.metadata)?;
        }
        Ok(v)
    }

    /// Parses a strict SemVer 2 version as Masterminds' `StrictNewVersion`:
    /// three segments, no `v`, no leading zeros.
    pub fn parse_strict(text: &str) -> Result<Version, SemverError> {
        if text.is_empty() {
            return Err(SemverError::EmptyString);
        }
        if text.len() > MAX_VERSION_LEN {
            return Err(SemverError::VersionTooLong);
        }
        let mut parts: Vec<&str> = text.splitn(3, '.').collect();
        if parts.len() != 3 {
            return Err(SemverError::InvalidSemVer);
        }
        let mut metadata = "";
        let mut pre = "";
        if let Some((rest, meta)) = parts[2].split_once('+') {
            metadata = meta;
            parts[2] = rest;
            validate_metadata(metadata)?;
        }
        if let Some((rest, p)) = parts[2].split_once('-') {
            pre = p;
            parts[2] = rest;
            validate_prerelease(pre)?;
        }
        for p in &parts {
            if !contains_only(p, NUM) {
                return Err(SemverError::InvalidCharacters);
            }
            if p.len() > 1 && p.starts_with('0') {
                return Err(SemverError::SegmentStartsZero);
            }
        }
        let segment = |s: &str| parse_uint(s).map_err(SemverError::Segment);
        Ok(Version {
            major: segment(parts[0])?,
            minor: segment(parts[1])?,
            patch: segment(parts[2])?,
            pre: pre.to_owned(),
            metadata: metadata.to_owned(),
            original: text.to_owned(),
        })
    }

    /// A version from its parts, as Masterminds' `New` (the original text is the canonical one).
    pub fn new(major: u64, minor: u64, patch: u64, pre: &str, metadata: &str) -> Version {
        let mut v = Version {
            major,
            minor,
            patch,
            pre: pre.to_owned(),
            metadata: metadata.to_owned(),
            original: String::new(),
        };
        v.original = v.to_string();
        v
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor number.
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch number.
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The prerelease, without its `-` (empty for a release).
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata, without its `+`.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text the version was parsed from (`v1.2`), where Display gives the canonical `1.2.0`.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Masterminds' `Compare`: -1, 0 or 1 as an `Ordering`, metadata ignored.
    pub fn compare(&self, other: &Version) -> Ordering {
        self.major.cmp(&other.major).then(self.minor.cmp(&other.minor)).then(self.patch.cmp(&other.patch)).then_with(
            || match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            },
        )
    }
}

impl fmt::Display for Version {
    /// The canonical text, as Masterminds' `String`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.compare(other)
    }
}

impl std::str::FromStr for Version {
    type Err = SemverError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

/// Masterminds' `comparePrerelease`: dot-separated parts compared in turn,
/// a missing part sorting first.
pub(super) fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let sa: Vec<&str> = a.split('.').collect();
    let sb: Vec<&str> = b.split('.').collect();
    for i in 0..sa.len().max(sb.len()) {
        let d = compare_pre_part(sa.get(i).copied().unwrap_or(""), sb.get(i).copied().unwrap_or(""));
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (parse_uint(s), parse_uint(o)) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        // A numeric part sorts before a textual one.
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(si), Ok(oi)) => {
            // Masterminds answers -1 for equal numbers written differently ("01" vs "1").
            if si > oi { Ordering::Greater } else { Ordering::Less }
        }
    }
}

fn contains_only(s: &str, set: &str) -> bool {
    s.chars().all(|c| set.contains(c))
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn validate_prerelease(p: &str) -> Result<(), SemverError> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(SemverError::InvalidPrerelease);
        } else if contains_only(part, NUM) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(SemverError::SegmentStartsZero);
            }
        } else if !part.chars().all(allowed) {
            return Err(SemverError::InvalidPrerelease);
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), SemverError> {
    for part in m.split('.') {
        if part.is_empty() || !part.chars().all(allowed) {
            return Err(SemverError::InvalidMetadata);
        }
    }
    Ok(())
}

/// Go's `strconv.ParseUint(s, 10, 64)`, with its error text.
pub(super) fn parse_uint(s: &str) -> Result<u64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseUint: parsing {}: invalid syntax", super::go_quote(s)));
    }
    s.parse::<u64>().map_err(|_| format!("strconv.ParseUint: parsing {}: value out of range", super::go_quote(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lax_and_strict() {
        assert_eq!(Version::parse("v1.2").map(|v| v.to_string()), Ok("1.2.0".to_owned()));
        assert_eq!(Version::parse_strict("v1.2.3").err(), Some(SemverError::InvalidCharacters));
        assert_eq!(Version::parse_strict("1.2").err(), Some(SemverError::InvalidSemVer));
        assert_eq!(Version::parse_strict("01.2.3").err(), Some(SemverError::SegmentStartsZero));
        assert!(Version::parse("1.0.0-alpha").ok() < Version::parse("1.0.0").ok());
        assert!(Version::parse("1.0.0-2").ok() < Version::parse("1.0.0-a").ok());
    }
}

//! The JSON field names of Helm's chart types and Go's rule for matching a key to one.
//!
//! `encoding/json` (and `sigs.k8s.io/yaml` through it) selects a struct field by an
//! exact name first, then by a case-insensitive match with Unicode simple folding.
//! The chart loader and the repository index decoder both decode these types.

/// `chart.Metadata`'s JSON fields, in the struct's order.
pub const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

/// `chart.Maintainer`'s JSON fields.
pub const MAINTAINER_FIELDS: &[&str] = &["name", "email", "url"];

/// `chart.Dependency`'s JSON fields.
pub const DEPENDENCY_FIELDS: &[&str] =
    &["name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias"];

/// `chart.Lock`'s JSON fields.
pub const LOCK_FIELDS: &[&str] = &["generated", "digest", "dependencies"];

/// The field `key` selects among `fields`: an exact name first, then a case-insensitive one.
pub fn match_field(key: &str, fields: &[&'static str]) -> Option<&'static str> {
    match_field_in(key, &[fields])
}

/// The field `key` selects among several field lists of one struct (a struct and
/// the structs it embeds): an exact name in any list first, then a case-insensitive one.
pub fn match_field_in(key: &str, lists: &[&[&'static str]]) -> Option<&'static str> {
    let all = || lists.iter().flat_map(|l| l.iter());
    all().find(|f| **f == key).or_else(|| all().find(|f| eq_fold(f, key))).copied()
}

fn eq_fold(a: &str, b: &str) -> bool {
    let mut x = a.chars();
    let mut y = b.chars();
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(d)) if c == d || fold(c) == fold(d) => {}
            _ => return false,
        }
    }
}

/// Simple case folding as Go's JSON field matching sees it (the Kelvin sign is a `k`, the long s an `s`).
fn fold(c: char) -> char {
    match c {
        '\u{212A}' => 'k',
        '\u{17F}' => 's',
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_then_folded() {
        assert_eq!(match_field("apiVersion", METADATA_FIELDS), Some("apiVersion"));
        assert_eq!(match_field("APIVERSION", METADATA_FIELDS), Some("apiVersion"));
        assert_eq!(match_field("\u{212A}eywords", METADATA_FIELDS), Some("keywords"));
        assert_eq!(match_field("nope", METADATA_FIELDS), None);
        assert_eq!(match_field_in("URLS", &[METADATA_FIELDS, &["urls", "url"]]), Some("urls"));
        assert_eq!(match_field_in("url", &[MAINTAINER_FIELDS, &["Url"]]), Some("url"));
    }
}

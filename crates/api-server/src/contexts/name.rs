//! Validation of context, release and namespace names: a name is never a path.

use crate::error::{Error, Result};

/// Context names that would collide with the HTTP routes (`/v1/context/...`, `_` = no stored context).
const RESERVED: &[&str] = &["context", "_"];

/// Checks a context name: a DNS-1123 label (lowercase letters, digits, `-`; 1 to 63 characters).
pub fn validate_context_name(name: &str) -> Result<()> {
    if RESERVED.contains(&name) {
        return Err(Error::InvalidArgument(format!("context name {name:?} is reserved")));
    }
    if !is_dns_label(name, 63) {
        return Err(Error::InvalidArgument(format!(
            "invalid context name {:?}: use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
            shorten(name)
        )));
    }
    Ok(())
}

/// Checks a release name as Helm does: dot-separated DNS-1123 labels, at most 53 characters.
pub fn validate_release_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::InvalidArgument("releaseName is required".to_owned()));
    }
    if name.len() > 53 || !name.split('.').all(|label| is_dns_label(label, 63)) {
        return Err(Error::InvalidArgument(format!(
            "invalid release name {:?}: names must be lowercase DNS-1123 names of at most 53 characters",
            shorten(name)
        )));
    }
    Ok(())
}

/// Checks a namespace when one is given (empty means the context's default).
pub fn validate_namespace(namespace: &str) -> Result<()> {
    if !namespace.is_empty() && !is_dns_label(namespace, 63) {
        return Err(Error::InvalidArgument(format!("invalid namespace {:?}", shorten(namespace))));
    }
    Ok(())
}

/// Checks a repository name: letters, digits, `-`, `_`, `.`; never a path.
pub fn validate_repo_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(Error::InvalidArgument(format!("invalid repository name {:?}", shorten(name))));
    }
    Ok(())
}

fn is_dns_label(s: &str, max: usize) -> bool {
    let bytes = s.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= max
        && bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

/// At most 80 characters of untrusted input in an error message.
fn shorten(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_names() {
        for good in ["test", "a", "prod-eu-1", &"x".repeat(63)] {
            assert!(validate_context_name(good).is_ok(), "{good}");
        }
        for bad in ["", "Test", "-a", "a-", "../etc", "a/b", "a.b", "context", "_", &"x".repeat(64), "a b", "é"] {
            assert!(validate_context_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn release_names() {
        for good in ["mysql", "my-release.v2", "a"] {
            assert!(validate_release_name(good).is_ok(), "{good}");
        }
        for bad in ["", "My", "a..b", ".a", "a/b", "../x", &"x".repeat(54)] {
            assert!(validate_release_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn repo_names() {
        assert!(validate_repo_name("bitnami").is_ok());
        assert!(validate_repo_name("my_repo.1").is_ok());
        for bad in ["", ".", "..", "a/b", "a\\b", "a b"] {
            assert!(validate_repo_name(bad).is_err(), "{bad}");
        }
    }
}

//! helm-core's errors as the service's codes: Helm's message kept, the code chosen by what went wrong.

use helm_core::Error as Core;

use crate::error::Error;

/// The service error for a helm-core error.
pub fn from_core(err: Core) -> Error {
    let message = err.to_string();
    match err {
        Core::ReleaseName(m) => Error::InvalidArgument(m),
        Core::PendingRelease(_) => Error::FailedPrecondition(message),
        Core::Render(_) | Core::Manifest(_) | Core::Options(_) => Error::InvalidArgument(message),
        Core::Chart(m) if is_not_found(&m) => Error::NotFound(m),
        Core::Chart(m) => Error::InvalidArgument(m),
        Core::Repository(m) if m.starts_with("repo ") && m.ends_with(" not found") => Error::NotFound(m),
        Core::Repository(m) => by_message(m, Error::Unavailable),
        Core::Storage(m) if is_not_found(&m) || m.ends_with("has no deployed releases") => Error::NotFound(m),
        Core::Action(m) if m.contains("cannot re-use a name that is still in use") => Error::AlreadyExists(m),
        Core::Action(m) if m.contains("has no ") && m.contains(" version") => Error::NotFound(m),
        Core::Storage(m) | Core::Cluster(m) | Core::Action(m) => by_message(m, Error::Failed),
    }
}

fn is_not_found(m: &str) -> bool {
    m.ends_with("release: not found")
        || m.contains("not found in")
        || m.starts_with("chart \"") && m.contains("not found")
}

/// Timeouts and unreachable clusters by their text; anything else is `otherwise`.
fn by_message(m: String, otherwise: fn(String) -> Error) -> Error {
    let lower = m.to_lowercase();
    if lower.contains("timed out") || lower.contains("deadline exceeded") {
        Error::DeadlineExceeded(m)
    } else if lower.contains("cluster unreachable")
        || lower.contains("connection refused")
        || lower.contains("error trying to connect")
        || lower.contains("tcp connect error")
        || lower.contains("dns error")
        || lower.contains("failed to connect")
    {
        Error::Unavailable(m)
    } else if lower.contains("forbidden") || lower.contains("unauthorized") {
        Error::PermissionDenied(m)
    } else {
        otherwise(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    fn code(err: Core) -> Code {
        from_core(err).code()
    }

    #[test]
    fn codes_follow_what_went_wrong() {
        assert_eq!(code(Core::Storage("release: not found".into())), Code::NotFound);
        assert_eq!(
            code(Core::Storage("uninstall: Release not loaded: web: release: not found".into())),
            Code::NotFound
        );
        assert_eq!(code(Core::Storage("\"web\" has no deployed releases".into())), Code::NotFound);
        assert_eq!(code(Core::ReleaseName("release name \"A\" is invalid".into())), Code::InvalidArgument);
        assert_eq!(code(Core::Action("cannot re-use a name that is still in use".into())), Code::AlreadyExists);
        assert_eq!(code(Core::PendingRelease(" (held by x)".into())), Code::FailedPrecondition);
        assert_eq!(
            code(Core::Cluster("kubernetes cluster unreachable: error trying to connect".into())),
            Code::Unavailable
        );
        assert_eq!(
            code(Core::Action("release web failed: timed out after 1s waiting for: Deployment/web".into())),
            Code::DeadlineExceeded
        );
        assert_eq!(code(Core::Action("release has no 9 version".into())), Code::NotFound);
        assert_eq!(code(Core::Repository("repo nope not found".into())), Code::NotFound);
        assert_eq!(
            code(Core::Repository("looks like \"http://x\" is not a valid chart repository".into())),
            Code::Unavailable
        );
        assert_eq!(code(Core::Cluster("admission webhook denied the request".into())), Code::Unknown);
    }
}

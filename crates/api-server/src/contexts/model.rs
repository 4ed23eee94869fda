//! The context record: cluster credentials, default namespace and repositories, with their owner.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A context: what an operation needs to reach a cluster and its chart repositories.
///
/// `Debug` never prints credentials.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Context {
    /// The context's name (empty for a temporary context).
    pub name: String,
    /// The principal that created it.
    pub owner: String,
    /// The cluster credentials.
    pub kube: KubeCredentials,
    /// Uses the server's own service account instead of a kubeconfig.
    pub incluster: bool,
    /// The chart repositories, sorted by name.
    pub repos: Vec<Repository>,
    /// Creation time, seconds since the Unix epoch.
    pub created_at: i64,
    /// Expiry time, seconds since the Unix epoch; `None` never expires.
    pub expires_at: Option<i64>,
    /// Whether the context was made from a request's inline kubeinfo/repoinfo (never stored).
    #[serde(default)]
    pub temporary: bool,
}

/// A kubeconfig with the context and namespace to use in it.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct KubeCredentials {
    /// The kubeconfig file's content (secret).
    pub kubeconfig: String,
    /// The kubeconfig context; empty uses its current-context.
    pub context: String,
    /// The default namespace of operations.
    pub namespace: String,
}

/// A chart repository: an HTTP repository or an OCI registry.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Repository {
    /// The repository's name.
    pub name: String,
    /// The repository URL.
    pub url: String,
    /// Basic-auth user name.
    pub username: String,
    /// Basic-auth password (secret).
    pub password: String,
    /// Client certificate, PEM.
    pub cert_pem: String,
    /// Client certificate key, PEM (secret).
    pub key_pem: String,
    /// CA bundle, PEM.
    pub ca_pem: String,
    /// Skip TLS verification.
    pub insecure_skip_tls_verify: bool,
    /// An OCI registry rather than an index repository.
    pub oci: bool,
    /// Plain HTTP to an OCI registry.
    pub plain_http: bool,
    /// Send credentials to every domain (`--pass-credentials`).
    pub pass_credentials_all: bool,
}

impl Context {
    /// Whether the context has expired at `now` (seconds since the epoch).
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// The default namespace of the context's operations (`default` when none is set).
    pub fn namespace(&self) -> &str {
        if self.kube.namespace.is_empty() { "default" } else { &self.kube.namespace }
    }

    /// Adds or replaces repositories by name, keeping them sorted.
    pub fn upsert_repos(&mut self, repos: Vec<Repository>) {
        for repo in repos {
            self.repos.retain(|r| r.name != repo.name);
            self.repos.push(repo);
        }
        self.repos.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

impl Repository {
    /// Whether the entry carries credentials.
    pub fn has_credentials(&self) -> bool {
        !self.username.is_empty() || !self.password.is_empty() || !self.key_pem.is_empty()
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("name", &self.name)
            .field("owner", &self.owner)
            .field("kube", &self.kube)
            .field("incluster", &self.incluster)
            .field("repos", &self.repos)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("temporary", &self.temporary)
            .finish()
    }
}

impl fmt::Debug for KubeCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KubeCredentials")
            .field("kubeconfig", &redacted(&self.kubeconfig))
            .field("context", &self.context)
            .field("namespace", &self.namespace)
            .finish()
    }
}

impl fmt::Debug for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repository")
            .field("name", &self.name)
            .field("url", &self.url)
            .field("username", &redacted(&self.username))
            .field("password", &redacted(&self.password))
            .field("key_pem", &redacted(&self.key_pem))
            .field("oci", &self.oci)
            .finish_non_exhaustive()
    }
}

fn redacted(secret: &str) -> &'static str {
    if secret.is_empty() { "" } else { "<redacted>" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_secrets() {
        let ctx = Context {
            name: "a".into(),
            owner: "me".into(),
            kube: KubeCredentials { kubeconfig: "SECRET-KUBECONFIG".into(), ..Default::default() },
            incluster: false,
            repos: vec![Repository { name: "r".into(), password: "SECRET-PW".into(), ..Default::default() }],
            created_at: 0,
            expires_at: None,
            temporary: false,
        };
        let text = format!("{ctx:?}");
        assert!(!text.contains("SECRET"), "{text}");
    }
}

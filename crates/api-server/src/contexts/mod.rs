//! Contexts: stored kubeconfigs, namespaces and repositories, their owners and expiry.

pub mod cipher;
pub mod kube_store;
pub mod model;
pub mod name;
pub mod store;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use cipher::Cipher;
pub use kube_store::KubeSecretStore;
pub use model::{Context, KubeCredentials, Repository};
pub use store::{ContextStore, EmbeddedStore};

use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::proto;

/// The contexts of the server: validation, ownership, expiry, over a `ContextStore`.
#[derive(Clone)]
pub struct Contexts {
    store: Arc<dyn ContextStore>,
}

impl std::fmt::Debug for Contexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contexts").finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Contexts {
    /// Contexts kept in `store`.
    pub fn new(store: Arc<dyn ContextStore>) -> Self {
        Self { store }
    }

    /// Builds a context from a CreateContext request (not stored yet); an empty name gets a generated one.
    pub fn from_request(principal: &Principal, req: proto::HelmContextReq) -> Result<Context> {
        let name = if req.name.is_empty() { format!("ctx-{}", cipher::random_hex(8)) } else { req.name };
        name::validate_context_name(&name)?;
        if req.expiry < 0 {
            return Err(Error::InvalidArgument("expiry must be 0 (never) or a number of seconds".to_owned()));
        }
        let kube = kube_credentials(req.kubeinfo)?;
        if !req.incluster && kube.kubeconfig.trim().is_empty() {
            return Err(Error::InvalidArgument("kubeinfo.kubeconfig is required unless incluster is set".to_owned()));
        }
        if req.incluster && !kube.kubeconfig.is_empty() {
            return Err(Error::InvalidArgument("incluster and kubeinfo.kubeconfig exclude each other".to_owned()));
        }
        let created_at = now();
        let mut context = Context {
            name,
            owner: principal.name.clone(),
            kube,
            incluster: req.incluster,
            repos: Vec::new(),
            created_at,
            expires_at: (req.expiry > 0).then(|| created_at.saturating_add(req.expiry)),
            temporary: false,
        };
        context.upsert_repos(repositories(req.repoinfo)?);
        Ok(context)
    }

    /// Stores a context, replacing one of the same name the caller may use.
    pub async fn put(&self, principal: &Principal, context: Context) -> Result<()> {
        if let Some(existing) = self.load(&context.name).await? {
            check_owner(principal, &existing)?;
        }
        self.store.put(&context).await
    }

    /// The stored context `name`, if the caller may use it and it has not expired.
    pub async fn get(&self, principal: &Principal, name: &str) -> Result<Context> {
        name::validate_context_name(name)?;
        let context = self
            .load(name)
            .await?
            .filter(|c| !c.is_expired(now()))
            .ok_or_else(|| Error::NotFound(format!("context {name:?} not found")))?;
        check_owner(principal, &context)?;
        Ok(context)
    }

    /// Deletes a context the caller may use.
    pub async fn delete(&self, principal: &Principal, name: &str) -> Result<()> {
        self.get(principal, name).await?;
        self.store.delete(name).await?;
        Ok(())
    }

    /// The contexts the caller may use (all of them for an admin), without expired ones.
    pub async fn list(&self, principal: &Principal) -> Result<Vec<Context>> {
        let mut all = self.store.list().await?;
        let now = now();
        all.retain(|c| !c.is_expired(now) && (principal.admin || c.owner == principal.name));
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// The context of a request: the stored one named `context_name`, or a temporary one
    /// from the inline `kubeinfo` / `repoinfo` when the name is empty or `_`.
    pub async fn resolve(
        &self,
        principal: &Principal,
        context_name: &str,
        kubeinfo: Option<proto::KubeInfo>,
        repoinfo: Option<proto::RepoInfo>,
    ) -> Result<Context> {
        if !context_name.is_empty() && context_name != "_" {
            return self.get(principal, context_name).await;
        }
        if kubeinfo.is_none() && repoinfo.is_none() {
            return Err(Error::InvalidArgument(
                "contextName, or an inline kubeinfo or repoinfo, is required".to_owned(),
            ));
        }
        let mut context = Context {
            name: String::new(),
            owner: principal.name.clone(),
            kube: kube_credentials(kubeinfo)?,
            incluster: false,
            repos: Vec::new(),
            created_at: now(),
            expires_at: None,
            temporary: true,
        };
        context.upsert_repos(repositories(repoinfo)?);
        Ok(context)
    }

    /// Deletes every expired context; how many.
    pub async fn collect_expired(&self) -> Result<usize> {
        let now = now();
        let mut removed = 0;
        for context in self.store.list().await? {
            if context.is_expired(now) && self.store.delete(&context.name).await? {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Collects expired contexts every `period` until the task is dropped.
    pub fn spawn_collector(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        let contexts = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            loop {
                tick.tick().await;
                match contexts.collect_expired().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "expired contexts collected"),
                    Err(err) => tracing::warn!(error = %err, "collecting expired contexts failed"),
                }
            }
        })
    }

    async fn load(&self, name: &str) -> Result<Option<Context>> {
        self.store.get(name).await
    }
}

/// The non-secret view of a context.
pub fn context_info(context: &Context) -> proto::ContextInfo {
    proto::ContextInfo {
        name: context.name.clone(),
        namespace: context.kube.namespace.clone(),
        kube_context: context.kube.context.clone(),
        incluster: context.incluster,
        repos: context
            .repos
            .iter()
            .map(|r| proto::RepoSummary {
                name: r.name.clone(),
                url: r.url.clone(),
                oci: r.oci,
                has_credentials: r.has_credentials(),
                insecure_skip_tls_verify: r.insecure_skip_tls_verify,
            })
            .collect(),
        created_at: Some(timestamp(context.created_at)),
        expires_at: context.expires_at.map(timestamp),
        owner: context.owner.clone(),
    }
}

/// Repositories from a request's entries, validated.
pub fn repositories(info: Option<proto::RepoInfo>) -> Result<Vec<Repository>> {
    let entries = info.map(|i| i.entrys).unwrap_or_default();
    let mut out: Vec<Repository> = Vec::with_capacity(entries.len());
    for entry in entries {
        name::validate_repo_name(&entry.name)?;
        let scheme = entry.url.split_once("://").map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
        let oci = match scheme.as_str() {
            "oci" => true,
            "http" | "https" if !entry.oci => false,
            "http" | "https" => {
                return Err(Error::InvalidArgument(format!(
                    "repository {:?}: an OCI registry needs an oci:// URL",
                    entry.name
                )));
            }
            _ => {
                return Err(Error::InvalidArgument(format!(
                    "repository {:?}: the URL must start with https://, http:// or oci://",
                    entry.name
                )));
            }
        };
        if out.iter().any(|r| r.name == entry.name) {
            return Err(Error::InvalidArgument(format!("repository {:?} is listed twice", entry.name)));
        }
        out.push(Repository {
            name: entry.name,
            url: entry.url,
            username: entry.username,
            password: entry.password,
            cert_pem: entry.cert_file,
            key_pem: entry.key_file,
            ca_pem: entry.ca_file,
            insecure_skip_tls_verify: entry.insecure_skip_tls_verify,
            oci,
            plain_http: entry.plain_http,
            pass_credentials_all: entry.pass_credentials_all,
        });
    }
    Ok(out)
}

fn kube_credentials(info: Option<proto::KubeInfo>) -> Result<KubeCredentials> {
    let info = info.unwrap_or_default();
    name::validate_namespace(&info.namespace)?;
    let credentials = KubeCredentials { kubeconfig: info.kubeconfig, context: info.context, namespace: info.namespace };
    check_kubeconfig(&credentials)?;
    Ok(credentials)
}

/// Checks that a kubeconfig parses and names the context to use. Messages never quote the
/// kubeconfig: a parse error could echo a token.
fn check_kubeconfig(kube: &KubeCredentials) -> Result<()> {
    if kube.kubeconfig.trim().is_empty() {
        return Ok(());
    }
    let config = kube::config::Kubeconfig::from_yaml(&kube.kubeconfig)
        .map_err(|_| Error::InvalidArgument("kubeinfo.kubeconfig is not a valid kubeconfig".to_owned()))?;
    let wanted = if kube.context.is_empty() { config.current_context.clone() } else { Some(kube.context.clone()) };
    let Some(wanted) = wanted else {
        return Err(Error::InvalidArgument(
            "kubeinfo.kubeconfig has no current-context: set kubeinfo.context".to_owned(),
        ));
    };
    if !config.contexts.iter().any(|c| c.name == wanted) {
        return Err(Error::InvalidArgument(format!(
            "kubeinfo.context {:?} is not a context of the kubeconfig",
            wanted.chars().take(80).collect::<String>()
        )));
    }
    Ok(())
}

fn check_owner(principal: &Principal, context: &Context) -> Result<()> {
    if principal.admin || context.owner == principal.name {
        Ok(())
    } else {
        Err(Error::PermissionDenied(format!("context {:?} belongs to another principal", context.name)))
    }
}

/// A protobuf timestamp of Unix seconds.
pub fn timestamp(seconds: i64) -> crate::wire_time::Timestamp {
    crate::wire_time::Timestamp::from_unix(seconds)
}

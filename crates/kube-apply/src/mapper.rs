//! `ResourceMapper`: apiVersion and kind to API resource, through cached discovery refreshed on a miss.

use std::collections::HashMap;
use std::sync::Arc;

use kube::api::ApiResource;
use kube::core::GroupVersion;
use kube::discovery::{Scope, pinned_group};
use tokio::sync::Mutex;

use crate::error::{Error, Result};

/// What discovery says about one kind.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The resource (group, version, plural).
    pub api_resource: ApiResource,
    /// Whether objects of the kind live in a namespace.
    pub namespaced: bool,
}

/// Maps kinds to resources. Each group-version is discovered once and
/// cached; a kind missing from the cache triggers one new discovery of its
/// group-version, so a CRD created a moment ago is found.
#[derive(Debug, Clone, Default)]
pub struct ResourceMapper {
    cache: Arc<Mutex<HashMap<String, Vec<Mapping>>>>,
}

impl ResourceMapper {
    /// Forgets everything discovered.
    pub async fn invalidate(&self) {
        self.cache.lock().await.clear();
    }

    /// The resource for an apiVersion and kind; `name`/`namespace` only shape the error.
    pub async fn map(&self, client: &kube::Client, api_version: &str, kind: &str) -> Result<Option<Mapping>> {
        if let Some(found) = self.cached(api_version, kind).await {
            return Ok(Some(found));
        }
        let gv: GroupVersion = match api_version.parse() {
            Ok(gv) => gv,
            Err(_) => return Ok(None),
        };
        let mappings = match pinned_group(client, &gv).await {
            Ok(group) => group
                .versioned_resources(&gv.version)
                .into_iter()
                .map(|(api_resource, caps)| Mapping { api_resource, namespaced: caps.scope == Scope::Namespaced })
                .collect(),
            Err(kube::Error::Api(status)) if status.code == 404 => Vec::new(),
            Err(e) => return Err(Error::kube(format!("discovering {api_version}"), e)),
        };
        let found = mappings.iter().find(|m| m.api_resource.kind == kind).cloned();
        self.cache.lock().await.insert(api_version.to_owned(), mappings);
        Ok(found)
    }

    /// Whether the server serves this group-version at all (from the cache, filled by [`Self::map`]).
    pub async fn serves_group_version(&self, client: &kube::Client, api_version: &str) -> Result<bool> {
        if let Some(list) = self.cache.lock().await.get(api_version) {
            return Ok(!list.is_empty());
        }
        self.map(client, api_version, "").await?;
        Ok(self.cache.lock().await.get(api_version).is_some_and(|l| !l.is_empty()))
    }

    async fn cached(&self, api_version: &str, kind: &str) -> Option<Mapping> {
        let cache = self.cache.lock().await;
        cache.get(api_version)?.iter().find(|m| m.api_resource.kind == kind).cloned()
    }
}

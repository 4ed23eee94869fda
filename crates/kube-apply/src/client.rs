//! `KubeClient`: a kube client with discovery, turning manifests into mapped resources and reading them back.

use kube::api::{Api, DynamicObject};
use serde_json::Value as Json;

use crate::error::{Error, Result};
use crate::mapper::ResourceMapper;
use crate::object::{Resource, document_to_json, str_at};
use crate::split::split_manifests;

/// The cluster side of Helm's work: build, apply, delete, wait, run hooks.
#[derive(Clone)]
pub struct KubeClient {
    client: kube::Client,
    namespace: String,
    mapper: ResourceMapper,
}

impl std::fmt::Debug for KubeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeClient").field("namespace", &self.namespace).finish_non_exhaustive()
    }
}

impl KubeClient {
    /// A client over `client`; namespaced objects without a namespace go to `namespace`.
    pub fn new(client: kube::Client, namespace: impl Into<String>) -> Self {
        KubeClient { client, namespace: namespace.into(), mapper: ResourceMapper::default() }
    }

    /// A client from a kubeconfig's text, an optional context and an optional
    /// namespace (default: the context's namespace, else `default`).
    pub async fn from_kubeconfig_yaml(text: &str, context: Option<&str>, namespace: Option<&str>) -> Result<Self> {
        let kubeconfig = kube::config::Kubeconfig::from_yaml(text).map_err(|e| Error::Config(e.to_string()))?;
        let options = kube::config::KubeConfigOptions { context: context.map(str::to_owned), ..Default::default() };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|e| Error::Config(e.to_string()))?;
        let namespace = namespace.map_or_else(|| config.default_namespace.clone(), str::to_owned);
        let client = kube::Client::try_from(config).map_err(|e| Error::Config(e.to_string()))?;
        Ok(KubeClient::new(client, namespace))
    }

    /// The underlying kube client.
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// The default namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The discovery cache.
    pub fn mapper(&self) -> &ResourceMapper {
        &self.mapper
    }

    /// Splits a manifest stream and maps each document to its resource, as
    /// Helm's `KubeClient.Build`: documents without content are skipped;
    /// namespaced objects without a namespace get the client's.
    pub async fn build(&self, source_name: &str, manifest: &str) -> Result<Vec<Resource>> {
        let mut out = Vec::new();
        for document in split_manifests(manifest) {
            if let Some(object) = document_to_json(source_name, &document)? {
                for item in flatten(object) {
                    out.push(self.resource(source_name, item).await?);
                }
            }
        }
        Ok(out)
    }

    /// Builds sorted manifests (from [`crate::sort_manifests`]) in their order, each named by its template.
    pub async fn build_manifests(&self, manifests: &[crate::Manifest]) -> Result<Vec<Resource>> {
        let mut out = Vec::new();
        for m in manifests {
            if let Some(object) = document_to_json(&m.name, &m.content)? {
                for item in flatten(object) {
                    out.push(self.resource(&m.name, item).await?);
                }
            }
        }
        Ok(out)
    }

    /// Maps one JSON object to its resource.
    pub async fn resource(&self, source_name: &str, mut object: Json) -> Result<Resource> {
        let api_version = str_at(&object, "/apiVersion").to_owned();
        let kind = str_at(&object, "/kind").to_owned();
        let name = str_at(&object, "/metadata/name").to_owned();
        let invalid =
            |message: &str| Error::InvalidObject { source_name: source_name.to_owned(), message: message.to_owned() };
        if kind.is_empty() {
            return Err(invalid("Object 'Kind' is missing"));
        }
        if api_version.is_empty() {
            return Err(invalid("Object 'apiVersion' is missing"));
        }
        if name.is_empty() {
            return Err(invalid("metadata.name is missing (generateName is not supported)"));
        }
        let given_namespace = str_at(&object, "/metadata/namespace").to_owned();
        let Some(mapping) = self.mapper.map(&self.client, &api_version, &kind).await? else {
            return Err(Error::NoMatch { api_version, kind, name, namespace: given_namespace });
        };
        let namespace = if mapping.namespaced {
            let ns = if given_namespace.is_empty() { self.namespace.clone() } else { given_namespace };
            if let Some(metadata) = object.get_mut("metadata").and_then(Json::as_object_mut) {
                metadata.insert("namespace".to_owned(), Json::String(ns.clone()));
            }
            ns
        } else {
            String::new()
        };
        Ok(Resource { object, api_resource: mapping.api_resource, namespaced: mapping.namespaced, namespace, name })
    }

    /// The typed API handle for a resource.
    pub(crate) fn api(&self, resource: &Resource) -> Api<DynamicObject> {
        if resource.namespaced {
            Api::namespaced_with(self.client.clone(), &resource.namespace, &resource.api_resource)
        } else {
            Api::all_with(self.client.clone(), &resource.api_resource)
        }
    }

    /// The live object, `None` when it does not exist.
    pub async fn get(&self, resource: &Resource) -> Result<Option<Json>> {
        let live = self
            .api(resource)
            .get_opt(&resource.name)
            .await
            .map_err(|e| Error::kube(format!("getting {}", resource.reference()), e))?;
        live.map(|o| serde_json::to_value(o).map_err(|e| Error::Config(e.to_string()))).transpose()
    }
}

/// A list object (`kind: List`, `ConfigMapList`... with `items`) becomes its
/// items, recursively, as the resource builder's `Flatten` does.
pub(crate) fn flatten(object: Json) -> Vec<Json> {
    let is_list = str_at(&object, "/kind").ends_with("List") && object.get("items").is_some_and(Json::is_array);
    if !is_list {
        return vec![object];
    }
    let Json::Object(mut map) = object else { return Vec::new() };
    match map.remove("items") {
        Some(Json::Array(items)) => items.into_iter().flat_map(flatten).collect(),
        _ => Vec::new(),
    }
}

/// A JSON object as a `DynamicObject` for the client.
pub(crate) fn dynamic(resource: &Resource) -> Result<DynamicObject> {
    serde_json::from_value(resource.object.clone())
        .map_err(|e| Error::InvalidObject { source_name: resource.reference().to_string(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::flatten;

    #[test]
    fn lists_are_flattened() {
        let list = json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "ConfigMapList", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}]}]});
        let names: Vec<String> =
            flatten(list).iter().map(|o| o["metadata"]["name"].as_str().unwrap_or("").to_owned()).collect();
        assert_eq!(names, ["a", "b"]);
        let plain = json!({"kind": "Widget", "items": "x"});
        assert_eq!(flatten(plain.clone()), vec![plain]);
    }
}

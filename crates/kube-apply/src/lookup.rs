//! The cluster side of the template function `lookup`, as Helm's engine answers it.

use kube::api::{Api, DynamicObject, ListParams};
use serde_json::{Map, Value as Json};

use crate::client::KubeClient;
use crate::error::{Error, Result};

impl KubeClient {
    /// `lookup API_VERSION KIND NAMESPACE NAME`: the object as a map, or with
    /// an empty NAME the list object; a missing object (or a kind the
    /// group-version does not serve) is an empty map, as in Helm. A
    /// group-version the server does not know is Helm's error.
    pub async fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Map<String, Json>> {
        let Some(mapping) = self.mapper().map(self.client(), api_version, kind).await? else {
            if self.mapper().serves_group_version(self.client(), api_version).await? {
                return Ok(Map::new());
            }
            let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
            return Err(Error::Lookup(format!(
                "unable to get apiresource from unstructured: {group}/{version}, Kind={kind}: the server could not find the requested resource"
            )));
        };
        let api: Api<DynamicObject> = if mapping.namespaced && !namespace.is_empty() {
            Api::namespaced_with(self.client().clone(), namespace, &mapping.api_resource)
        } else {
            Api::all_with(self.client().clone(), &mapping.api_resource)
        };
        let context = format!("lookup {api_version} {kind} {namespace:?} {name:?}");
        let value = if name.is_empty() {
            match api.list(&ListParams::default()).await {
                Ok(list) => {
                    // client-go gives each item of an unstructured list its apiVersion and kind.
                    let items: Vec<Json> = list
                        .items
                        .into_iter()
                        .filter_map(|o| serde_json::to_value(o).ok())
                        .map(|mut item| {
                            if let Some(m) = item.as_object_mut() {
                                m.entry("apiVersion").or_insert_with(|| Json::from(api_version));
                                m.entry("kind").or_insert_with(|| Json::from(kind));
                            }
                            item
                        })
                        .collect();
                    serde_json::json!({
                        "apiVersion": api_version,
                        "kind": format!("{kind}List"),
                        "metadata": serde_json::to_value(&list.metadata).unwrap_or(Json::Null),
                        "items": items,
                    })
                }
                Err(kube::Error::Api(s)) if s.code == 404 => return Ok(Map::new()),
                Err(e) => return Err(Error::kube(context, e)),
            }
        } else {
            match api.get_opt(name).await {
                Ok(Some(o)) => serde_json::to_value(o).unwrap_or(Json::Null),
                Ok(None) => return Ok(Map::new()),
                Err(e) => return Err(Error::kube(context, e)),
            }
        };
        Ok(match value {
            Json::Object(m) => m,
            _ => Map::new(),
        })
    }
}

//! `KubeDriver`: releases in Secrets or ConfigMaps of a Kubernetes namespace, as Helm's `secrets` and `configmaps` drivers.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::Client;
use kube::api::{Api, DeleteParams, ListParams, PostParams};

use crate::driver::{BoxFuture, Driver, Filter, parse_key};
use crate::error::{Error, Result};
use crate::object::{ObjectKind, StorageObject};
use crate::release::Release;
use crate::status::Status;
use crate::summary::ReleaseSummary;

/// Releases stored as Kubernetes Secrets (Helm's default driver) or ConfigMaps.
///
/// Every revision is one object named `sh.helm.release.v1.<name>.v<revision>`
/// with Helm's labels (`name`, `owner=helm`, `status`, `version`, `createdAt`
/// or `modifiedAt`, and the release's custom labels) and the payload under
/// `release`, exactly as [`StorageObject`] builds it, so the real `helm` reads
/// what this driver writes and the other way round.
///
/// The driver is bound to one namespace; an empty namespace makes `list`,
/// `query` and [`Driver::summaries`] look in all namespaces (as `helm list -A`)
/// and makes `create` and `update` write to the release's own namespace.
/// Queries are label selectors evaluated by the API server, so only matching
/// objects travel; [`Driver::summaries`] asks for metadata only and decodes no
/// payload; `list` and `query` decode the payloads on several threads.
#[derive(Clone)]
pub struct KubeDriver {
    client: Client,
    namespace: String,
    kind: ObjectKind,
}

impl std::fmt::Debug for KubeDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeDriver").field("namespace", &self.namespace).field("kind", &self.kind).finish()
    }
}

impl KubeDriver {
    /// Releases in the Secrets of `namespace` (Helm's `secret` driver).
    pub fn secrets(client: Client, namespace: &str) -> Self {
        KubeDriver { client, namespace: namespace.to_owned(), kind: ObjectKind::Secret }
    }

    /// Releases in the ConfigMaps of `namespace` (Helm's `configmap` driver).
    pub fn config_maps(client: Client, namespace: &str) -> Self {
        KubeDriver { client, namespace: namespace.to_owned(), kind: ObjectKind::ConfigMap }
    }

    /// The namespace the driver looks in (empty: all of them for listing).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Secret or ConfigMap.
    pub fn kind(&self) -> ObjectKind {
        self.kind
    }

    fn secrets_api(&self, namespace: &str) -> Api<Secret> {
        if namespace.is_empty() {
            Api::all(self.client.clone())
        } else {
            Api::namespaced(self.client.clone(), namespace)
        }
    }

    fn config_maps_api(&self, namespace: &str) -> Api<ConfigMap> {
        if namespace.is_empty() {
            Api::all(self.client.clone())
        } else {
            Api::namespaced(self.client.clone(), namespace)
        }
    }

    /// The namespace a write goes to: the driver's, or the release's when the driver has none.
    fn write_namespace<'a>(&'a self, release: &'a Release) -> &'a str {
        if !self.namespace.is_empty() {
            &self.namespace
        } else if release.namespace.is_empty() {
            "default"
        } else {
            &release.namespace
        }
    }

    async fn get_object(&self, key: &str) -> Result<Option<StorageObject>> {
        let found = match self.kind {
            ObjectKind::Secret => {
                self.secrets_api(&self.namespace).get_opt(key).await.map(|o| o.map(|s| secret_to_object(&s)))
            }
            ObjectKind::ConfigMap => {
                self.config_maps_api(&self.namespace).get_opt(key).await.map(|o| o.map(|c| config_map_to_object(&c)))
            }
        };
        found.map_err(|e| backend(format!("get: failed to get {key:?}"), e))
    }

    async fn list_objects(&self, selector: &str, context: &str) -> Result<Vec<StorageObject>> {
        let params = ListParams::default().labels(selector);
        let listed = match self.kind {
            ObjectKind::Secret => self
                .secrets_api(&self.namespace)
                .list(&params)
                .await
                .map(|l| l.items.iter().map(secret_to_object).collect()),
            ObjectKind::ConfigMap => self
                .config_maps_api(&self.namespace)
                .list(&params)
                .await
                .map(|l| l.items.iter().map(config_map_to_object).collect()),
        };
        listed.map_err(|e| backend(context.to_owned(), e))
    }

    async fn write(&self, object: &StorageObject, namespace: &str, create: bool) -> Result<()> {
        let params = PostParams::default();
        let done = match self.kind {
            ObjectKind::Secret => {
                let api = self.secrets_api(namespace);
                let secret = object_to_secret(object);
                if create {
                    api.create(&params, &secret).await.map(drop)
                } else {
                    api.replace(&object.name, &params, &secret).await.map(drop)
                }
            }
            ObjectKind::ConfigMap => {
                let api = self.config_maps_api(namespace);
                let map = object_to_config_map(object);
                if create {
                    api.create(&params, &map).await.map(drop)
                } else {
                    api.replace(&object.name, &params, &map).await.map(drop)
                }
            }
        };
        match done {
            Ok(()) => Ok(()),
            Err(kube::Error::Api(s)) if create && s.is_already_exists() => Err(Error::ReleaseExists),
            Err(kube::Error::Api(s)) if !create && s.is_not_found() => Err(Error::ReleaseNotFound),
            Err(e) if create => Err(backend("create: failed to create".to_owned(), e)),
            Err(e) => Err(backend("update: failed to update".to_owned(), e)),
        }
    }
}

/// The current Unix time in seconds, as Helm stamps `createdAt` and `modifiedAt`.
pub(crate) fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn backend(context: String, e: kube::Error) -> Error {
    Error::Backend { context, source: Box::new(e) }
}

fn secret_to_object(secret: &Secret) -> StorageObject {
    let release = secret
        .data
        .as_ref()
        .and_then(|d| d.get(StorageObject::DATA_KEY))
        .map(|b| String::from_utf8_lossy(&b.0).into_owned())
        .unwrap_or_default();
    StorageObject {
        kind: ObjectKind::Secret,
        name: secret.metadata.name.clone().unwrap_or_default(),
        labels: secret.metadata.labels.clone().unwrap_or_default(),
        release,
    }
}

fn config_map_to_object(map: &ConfigMap) -> StorageObject {
    let release = map.data.as_ref().and_then(|d| d.get(StorageObject::DATA_KEY)).cloned().unwrap_or_default();
    StorageObject {
        kind: ObjectKind::ConfigMap,
        name: map.metadata.name.clone().unwrap_or_default(),
        labels: map.metadata.labels.clone().unwrap_or_default(),
        release,
    }
}

fn meta(object: &StorageObject) -> ObjectMeta {
    ObjectMeta { name: Some(object.name.clone()), labels: Some(object.labels.clone()), ..ObjectMeta::default() }
}

fn object_to_secret(object: &StorageObject) -> Secret {
    let data = BTreeMap::from([(StorageObject::DATA_KEY.to_owned(), ByteString(object.release.clone().into_bytes()))]);
    Secret {
        metadata: meta(object),
        type_: object.type_name().map(str::to_owned),
        data: Some(data),
        ..Secret::default()
    }
}

fn object_to_config_map(object: &StorageObject) -> ConfigMap {
    let data = BTreeMap::from([(StorageObject::DATA_KEY.to_owned(), object.release.clone())]);
    ConfigMap { metadata: meta(object), data: Some(data), ..ConfigMap::default() }
}

/// A label selector `k=v,k2=v2` in key order, as Kubernetes' `labels.Set.AsSelector().String()`.
pub(crate) fn selector(labels: &BTreeMap<String, String>) -> String {
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// Decodes payloads on several threads, skipping (as Helm does) those that do not decode.
async fn decode_all(objects: Vec<StorageObject>, listed: bool) -> Vec<Release> {
    const CHUNK: usize = 64;
    if objects.len() <= CHUNK {
        return decode_chunk(objects, listed);
    }
    let mut tasks = Vec::new();
    let mut rest = objects;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(CHUNK));
        let chunk = std::mem::replace(&mut rest, tail);
        tasks.push(tokio::task::spawn_blocking(move || decode_chunk(chunk, listed)));
    }
    let mut out = Vec::new();
    for task in tasks {
        // A decoding thread only panics on a bug; its releases are then missing, as undecodable ones are.
        if let Ok(releases) = task.await {
            out.extend(releases);
        }
    }
    out
}

fn decode_chunk(objects: Vec<StorageObject>, listed: bool) -> Vec<Release> {
    objects.iter().filter_map(|o| if listed { o.to_listed_release() } else { o.to_release() }.ok()).collect()
}

/// Checks a label value as Kubernetes' `validation.IsValidLabelValue`, with Helm's message.
pub(crate) fn check_label_value(value: &str) -> Result<()> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_owned());
    }
    let bytes = value.as_bytes();
    let alnum = |b: &u8| b.is_ascii_alphanumeric();
    let ok = value.is_empty()
        || (bytes.first().is_some_and(alnum)
            && bytes.last().is_some_and(alnum)
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')));
    if !ok {
        errs.push(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', \
             regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
                .to_owned(),
        );
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidLabelValue { value: value.to_owned(), reason: errs.join("; ") })
    }
}

impl Driver for KubeDriver {
    fn name(&self) -> &'static str {
        match self.kind {
            ObjectKind::Secret => "Secret",
            ObjectKind::ConfigMap => "ConfigMap",
        }
    }

    fn create<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let object = StorageObject::for_create(self.kind, key, release, now_unix())?;
            self.write(&object, self.write_namespace(release), true).await
        })
    }

    fn update<'a>(&'a self, key: &'a str, release: &'a Release) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let object = StorageObject::for_update(self.kind, key, release, now_unix())?;
            self.write(&object, self.write_namespace(release), false).await
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>> {
        Box::pin(async move {
            let release = self.get(key).await?;
            let params = DeleteParams::default();
            let done = match self.kind {
                ObjectKind::Secret => self.secrets_api(&self.namespace).delete(key, &params).await.map(drop),
                ObjectKind::ConfigMap => self.config_maps_api(&self.namespace).delete(key, &params).await.map(drop),
            };
            match done {
                Ok(()) => Ok(release),
                Err(kube::Error::Api(s)) if s.is_not_found() => Err(Error::ReleaseNotFound),
                Err(e) => Err(backend(format!("delete: failed to delete {key:?}"), e)),
            }
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Release>> {
        Box::pin(async move {
            parse_key(key)?;
            self.get_object(key).await?.ok_or(Error::ReleaseNotFound)?.to_release()
        })
    }

    fn list<'a>(&'a self, filter: Filter<'a>) -> BoxFuture<'a, Result<Vec<Release>>> {
        Box::pin(async move {
            let objects = self.list_objects("owner=helm", "list: failed to list").await?;
            let mut releases = decode_all(objects, true).await;
            releases.retain(|r| filter(r));
            Ok(releases)
        })
    }

    fn query<'a>(&'a self, labels: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Vec<Release>>> {
        Box::pin(async move {
            for value in labels.values() {
                check_label_value(value)?;
            }
            let objects = self.list_objects(&selector(labels), "query: failed to query with labels").await?;
            if objects.is_empty() {
                return Err(Error::ReleaseNotFound);
            }
            Ok(decode_all(objects, true).await)
        })
    }

    fn summaries<'a>(&'a self, labels: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Vec<ReleaseSummary>>> {
        Box::pin(async move {
            for value in labels.values() {
                check_label_value(value)?;
            }
            let mut all = labels.clone();
            all.entry("owner".to_owned()).or_insert_with(|| "helm".to_owned());
            let params = ListParams::default().labels(&selector(&all));
            let metas = match self.kind {
                ObjectKind::Secret => self
                    .secrets_api(&self.namespace)
                    .list_metadata(&params)
                    .await
                    .map(|l| l.items.into_iter().map(|m| m.metadata).collect::<Vec<_>>()),
                ObjectKind::ConfigMap => self
                    .config_maps_api(&self.namespace)
                    .list_metadata(&params)
                    .await
                    .map(|l| l.items.into_iter().map(|m| m.metadata).collect::<Vec<_>>()),
            }
            .map_err(|e| backend("list: failed to list".to_owned(), e))?;
            Ok(metas.into_iter().filter_map(|m| summary_of(&m)).collect())
        })
    }
}

/// A summary from an object's labels; `None` when they are not Helm's.
fn summary_of(meta: &ObjectMeta) -> Option<ReleaseSummary> {
    let labels = meta.labels.as_ref()?;
    Some(ReleaseSummary {
        name: labels.get("name")?.clone(),
        namespace: meta.namespace.clone().unwrap_or_default(),
        version: labels.get("version")?.parse().ok()?,
        status: Status::from_word(labels.get("status")?),
        labels: labels.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn selectors_are_sorted_equalities() {
        assert_eq!(selector(&labels(&[("owner", "helm"), ("name", "web")])), "name=web,owner=helm");
        assert_eq!(selector(&BTreeMap::new()), "");
    }

    #[test]
    fn label_values_as_kubernetes_checks_them() {
        for ok in ["", "web", "a.b_c-d", "1", &"x".repeat(63)] {
            assert!(check_label_value(ok).is_ok(), "{ok}");
        }
        for bad in ["-web", "web-", "a b", "é", &"x".repeat(64)] {
            assert!(matches!(check_label_value(bad), Err(Error::InvalidLabelValue { .. })), "{bad}");
        }
        let long = check_label_value(&"-".repeat(64)).expect_err("both reasons");
        assert!(long.to_string().contains("must be no more than 63 characters; a valid label must"), "{long}");
    }

    #[test]
    fn summaries_need_helms_labels() {
        let meta = ObjectMeta {
            namespace: Some("team".into()),
            labels: Some(labels(&[("name", "web"), ("owner", "helm"), ("status", "failed"), ("version", "3")])),
            ..ObjectMeta::default()
        };
        let s = summary_of(&meta).expect("summary");
        assert_eq!((s.name.as_str(), s.namespace.as_str(), s.version, s.status), ("web", "team", 3, Status::Failed));
        let no_version =
            ObjectMeta { labels: Some(labels(&[("name", "web"), ("status", "x")])), ..ObjectMeta::default() };
        assert!(summary_of(&no_version).is_none());
    }

    #[test]
    fn objects_round_trip_through_secrets_and_config_maps() {
        let r = Release { name: "web".into(), version: 2, ..Release::default() };
        for kind in [ObjectKind::Secret, ObjectKind::ConfigMap] {
            let object = StorageObject::for_create(kind, "sh.helm.release.v1.web.v2", &r, 7).expect("object");
            let back = match kind {
                ObjectKind::Secret => {
                    let secret = object_to_secret(&object);
                    assert_eq!(secret.type_.as_deref(), Some("helm.sh/release.v1"));
                    secret_to_object(&secret)
                }
                ObjectKind::ConfigMap => config_map_to_object(&object_to_config_map(&object)),
            };
            assert_eq!(back, object);
        }
    }
}

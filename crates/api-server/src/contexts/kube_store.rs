//! The distributed store: one Kubernetes Secret per context in the server's namespace, so replicas share contexts.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::Client;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};

use super::cipher::Cipher;
use super::model::Context;
use super::store::ContextStore;
use crate::error::{Error, Result};

/// The label every context Secret carries (the list selector).
const KIND_LABEL: &str = "helm-api.io/kind";
/// The label holding the context's name.
const NAME_LABEL: &str = "helm-api.io/context";
/// The Secret type of context records.
const SECRET_TYPE: &str = "helm-api.io/context";
/// The data key of the sealed record.
const RECORD_KEY: &str = "record";

/// Contexts as Secrets `helm-api-context-<name>` whose `record` is the same
/// AES-256-GCM sealed JSON the embedded store keeps: Secrets are only base64,
/// so the records stay encrypted with the server's key.
#[derive(Clone)]
pub struct KubeSecretStore {
    api: Api<Secret>,
    cipher: Cipher,
}

impl std::fmt::Debug for KubeSecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeSecretStore").finish_non_exhaustive()
    }
}

impl KubeSecretStore {
    /// A store in `namespace` through `client`.
    pub fn new(client: Client, namespace: &str, cipher: Cipher) -> Self {
        Self { api: Api::namespaced(client, namespace), cipher }
    }

    /// A store in `namespace` with the in-cluster service account (or the local kubeconfig).
    pub async fn from_environment(namespace: &str, cipher: Cipher) -> Result<Self> {
        let client = Client::try_default()
            .await
            .map_err(|e| Error::Unavailable(format!("no Kubernetes client for the contexts store: {e}")))?;
        Ok(Self::new(client, namespace, cipher))
    }

    fn secret_name(name: &str) -> String {
        format!("helm-api-context-{name}")
    }

    fn decode(&self, secret: &Secret) -> Result<Option<Context>> {
        let Some(name) = secret.metadata.labels.as_ref().and_then(|l| l.get(NAME_LABEL)) else { return Ok(None) };
        let Some(record) = secret.data.as_ref().and_then(|d| d.get(RECORD_KEY)) else { return Ok(None) };
        let json = self.cipher.open(name.as_bytes(), &record.0)?;
        serde_json::from_slice(&json)
            .map(Some)
            .map_err(|e| Error::Internal(format!("a stored context is corrupt: {e}")))
    }
}

#[tonic::async_trait]
impl ContextStore for KubeSecretStore {
    async fn put(&self, context: &Context) -> Result<()> {
        let json = serde_json::to_vec(context).map_err(|e| Error::Internal(e.to_string()))?;
        let sealed = self.cipher.seal(context.name.as_bytes(), &json)?;
        let name = Self::secret_name(&context.name);
        let labels = BTreeMap::from([
            (KIND_LABEL.to_owned(), "context".to_owned()),
            (NAME_LABEL.to_owned(), context.name.clone()),
            ("app.kubernetes.io/managed-by".to_owned(), "helm-api".to_owned()),
        ]);
        let secret = Secret {
            metadata: ObjectMeta { name: Some(name.clone()), labels: Some(labels), ..Default::default() },
            type_: Some(SECRET_TYPE.to_owned()),
            data: Some(BTreeMap::from([(RECORD_KEY.to_owned(), ByteString(sealed))])),
            ..Default::default()
        };
        self.api
            .patch(&name, &PatchParams::apply("helm-api").force(), &Patch::Apply(&secret))
            .await
            .map_err(|e| kube_error("storing", &e))?;
        Ok(())
    }

    async fn get(&self, name: &str) -> Result<Option<Context>> {
        match self.api.get_opt(&Self::secret_name(name)).await.map_err(|e| kube_error("reading", &e))? {
            Some(secret) => self.decode(&secret),
            None => Ok(None),
        }
    }

    async fn delete(&self, name: &str) -> Result<bool> {
        match self.api.delete(&Self::secret_name(name), &DeleteParams::default()).await {
            Ok(_) => Ok(true),
            Err(kube::Error::Api(status)) if status.is_not_found() => Ok(false),
            Err(e) => Err(kube_error("deleting", &e)),
        }
    }

    async fn list(&self) -> Result<Vec<Context>> {
        let secrets = self
            .api
            .list(&ListParams::default().labels(&format!("{KIND_LABEL}=context")))
            .await
            .map_err(|e| kube_error("listing", &e))?;
        let mut out = Vec::new();
        for secret in &secrets.items {
            if let Some(context) = self.decode(secret)? {
                out.push(context);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}

fn kube_error(action: &str, err: &kube::Error) -> Error {
    Error::Unavailable(format!("{action} a context Secret: {err}"))
}

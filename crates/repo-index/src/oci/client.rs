//! The registry client: the distribution API calls Helm makes (tags list,
//! manifest and blob GET, blob upload and manifest PUT) with the registry
//! authentication flow (a 401 challenge answered with basic credentials or
//! with a bearer token fetched from the challenge's realm).

use std::sync::Mutex;

use chart_model::Metadata;
use chart_model::semver::{Constraints, Version};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::getter::DownloadLimits;
use crate::index::load::hex;
use crate::oci::{
    CHART_LAYER_MEDIA_TYPE, CONFIG_MEDIA_TYPE, MANIFEST_MEDIA_TYPE, OciReference, PROVENANCE_LAYER_MEDIA_TYPE,
    tag_to_version, version_to_tag,
};

/// How to reach a registry.
#[derive(Debug, Clone, Default)]
pub struct RegistryOptions {
    /// Basic credentials (also used to obtain bearer tokens); empty for anonymous access.
    pub username: String,
    /// The password or identity token.
    pub password: String,
    /// Talk HTTP instead of HTTPS (`--plain-http`).
    pub plain_http: bool,
    /// Accept any server certificate.
    pub insecure_skip_tls_verify: bool,
    /// A CA bundle replacing the system roots.
    pub ca_file: String,
    /// Client certificate and key (PEM).
    pub cert_file: String,
    /// Client key (PEM).
    pub key_file: String,
    /// Timeouts and size limits.
    pub limits: DownloadLimits,
}

/// A chart pulled from a registry.
#[derive(Debug, Clone, PartialEq)]
pub struct PulledChart {
    /// The chart version (the tag with `_` turned back into `+`).
    pub version: String,
    /// The manifest's digest (`sha256:...`).
    pub manifest_digest: String,
    /// The chart archive (.tgz), its digest checked.
    pub chart: Vec<u8>,
    /// The provenance file, when the artifact has one.
    pub provenance: Option<Vec<u8>>,
    /// The config blob: the chart's metadata as JSON.
    pub config: Value,
}

/// A client for OCI registries.
#[derive(Debug)]
pub struct RegistryClient {
    http: reqwest::Client,
    options: RegistryOptions,
    /// The Authorization header that last worked.
    auth: Mutex<Option<String>>,
}

const MAX_MANIFEST_BYTES: u64 = 4 << 20;

impl RegistryClient {
    /// A client with these options.
    pub fn new(options: RegistryOptions) -> Result<Self> {
        let entry = crate::repo_file::RepositoryEntry {
            name: "oci".into(),
            url: "https://registry.invalid".into(),
            cert_file: options.cert_file.clone(),
            key_file: options.key_file.clone(),
            ca_file: options.ca_file.clone(),
            insecure_skip_tls_verify: options.insecure_skip_tls_verify,
            ..Default::default()
        };
        let http = crate::getter::client_builder(&entry, options.limits)?
            .redirect(reqwest::redirect::Policy::limited(10))
            .build()
            .map_err(|e| Error::Tls(e.to_string()))?;
        Ok(RegistryClient { http, options, auth: Mutex::new(None) })
    }

    fn base(&self, r: &OciReference) -> String {
        let scheme = if self.options.plain_http { "http" } else { "https" };
        format!("{scheme}://{}/v2/{}", r.registry, r.repository)
    }

    /// Sends a request, answering an authentication challenge once.
    async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(reqwest::header::HeaderName, String)],
        body: Option<Vec<u8>>,
        scope: &str,
    ) -> Result<reqwest::Response> {
        let build = |auth: Option<&str>| {
            let mut request = self.http.request(method.clone(), url);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            if let Some(a) = auth {
                request = request.header(AUTHORIZATION, a);
            }
            if let Some(b) = &body {
                request = request.body(b.clone());
            }
            request
        };
        let http_err =
            |e: reqwest::Error| Error::Http { url: url.to_string(), message: crate::getter::error_chain(&e) };
        let cached = self.auth.lock().ok().and_then(|a| a.clone());
        let response = build(cached.as_deref()).send().await.map_err(http_err)?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let challenge =
            response.headers().get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let auth = self.answer(&challenge, scope, url).await?;
        if let Ok(mut a) = self.auth.lock() {
            *a = Some(auth.clone());
        }
        build(Some(&auth)).send().await.map_err(http_err)
    }

    /// The Authorization header that answers `challenge`.
    async fn answer(&self, challenge: &str, scope: &str, url: &str) -> Result<String> {
        let denied = |m: String| Error::Oci(format!("{url}: authentication failed: {m}"));
        let (scheme, params) = challenge.split_once(' ').unwrap_or((challenge, ""));
        let has_credentials = !self.options.username.is_empty() || !self.options.password.is_empty();
        if scheme.eq_ignore_ascii_case("basic") {
            if !has_credentials {
                return Err(denied("basic credentials required".into()));
            }
            return Ok(basic(&self.options.username, &self.options.password));
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(denied(format!("unsupported challenge {challenge:?}")));
        }
        let params = challenge_params(params);
        let get = |k: &str| params.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str());
        let realm = get("realm").ok_or_else(|| denied("bearer challenge without realm".into()))?;
        let mut token_url = reqwest::Url::parse(realm).map_err(|e| denied(format!("bad realm {realm:?}: {e}")))?;
        {
            let mut q = token_url.query_pairs_mut();
            if let Some(service) = get("service") {
                q.append_pair("service", service);
            }
            q.append_pair("scope", get("scope").unwrap_or(scope));
        }
        let mut request = self.http.get(token_url.clone());
        if has_credentials {
            request = request.basic_auth(&self.options.username, Some(&self.options.password));
        }
        let response = request.send().await.map_err(|e| denied(crate::getter::error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(denied(format!("token request to {token_url}: {}", response.status())));
        }
        let bytes = response.bytes().await.map_err(|e| denied(e.to_string()))?;
        let body: Value = serde_json::from_slice(&bytes).map_err(|e| denied(e.to_string()))?;
        let token = body["token"]
            .as_str()
            .or_else(|| body["access_token"].as_str())
            .ok_or_else(|| denied("no token".into()))?;
        Ok(format!("Bearer {token}"))
    }

    async fn read_limited(&self, url: &str, mut response: reqwest::Response, limit: u64) -> Result<Vec<u8>> {
        if !response.status().is_success() {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            return Err(Error::Oci(registry_error("GET", url, status, &text)));
        }
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(Error::TooLarge { url: url.into(), limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::Http { url: url.into(), message: crate::getter::error_chain(&e) })?
        {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(Error::TooLarge { url: url.into(), limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Checks that the registry at `host` (`host[:port]`) accepts these options' credentials,
    /// as `helm registry login` does before storing them (`GET /v2/`).
    pub async fn ping(&self, host: &str) -> Result<()> {
        let scheme = if self.options.plain_http { "http" } else { "https" };
        let url = format!("{scheme}://{host}/v2/");
        let response = self.send(Method::GET, &url, &[], None, "").await?;
        if response.status().is_success() {
            return Ok(());
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        Err(Error::Oci(registry_error("GET", &url, status, &text)))
    }

    /// The chart versions published under `r`'s repository, newest first
    /// (tags that are not versions are left out).
    pub async fn tags(&self, r: &OciReference) -> Result<Vec<String>> {
        let scope = format!("repository:{}:pull", r.repository);
        let mut url = format!("{}/tags/list", self.base(r));
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..100 {
            let response = self.send(Method::GET, &url, &[], None, &scope).await?;
            let next = response.headers().get("link").and_then(|v| v.to_str().ok()).and_then(next_link);
            let body = self.read_limited(&url, response, MAX_MANIFEST_BYTES).await?;
            let v: Value = serde_json::from_slice(&body).map_err(|e| Error::Oci(format!("{url}: {e}")))?;
            tags.extend(v["tags"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(tag_to_version)));
            match next {
                Some(n) => {
                    let base = reqwest::Url::parse(&url).map_err(|e| Error::Oci(e.to_string()))?;
                    url = base.join(&n).map_err(|e| Error::Oci(e.to_string()))?.to_string();
                }
                None => break,
            }
        }
        let mut versions: Vec<(Version, String)> =
            tags.into_iter().filter_map(|t| Version::parse(&t).ok().map(|v| (v, t))).collect();
        versions.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(versions.into_iter().map(|(_, t)| t).collect())
    }

    /// The version `version` (exact, or a constraint; empty for the latest
    /// stable) selects among the repository's tags, as Helm's
    /// `GetTagMatchingVersionOrConstraint`.
    pub async fn resolve_version(&self, r: &OciReference, version: &str) -> Result<String> {
        let tags = self.tags(r).await?;
        if tags.is_empty() {
            return Err(Error::Oci(format!("Unable to locate any tags in provided repository: {r}")));
        }
        if !version.is_empty() && tags.iter().any(|t| t == version) {
            return Ok(version.to_string());
        }
        let constraint = Constraints::parse(if version.is_empty() { "*" } else { version })
            .map_err(|e| Error::Constraint(e.to_string()))?;
        tags.into_iter()
            .find(|t| Version::parse(t).is_ok_and(|v| constraint.check(&v)))
            .ok_or_else(|| Error::Oci(format!("Could not locate a version matching provided version string {version}")))
    }

    /// Pulls a chart as Helm's `ValidateReference` then `Pull`: `r`'s digest, else its tag
    /// (which `version`, when given, must equal), else `version` itself when it is a
    /// version, else the newest tag that `version` (a constraint, or empty for the latest
    /// stable) selects.
    pub async fn pull(&self, r: &OciReference, version: &str) -> Result<PulledChart> {
        let reference = match (&r.digest, &r.tag) {
            (Some(d), _) => d.clone(),
            (None, Some(t)) => {
                if !version.is_empty() && tag_to_version(t) != version && *t != version {
                    return Err(Error::Oci(format!("chart reference and version mismatch: {version} is not {t}")));
                }
                t.clone()
            }
            (None, None) if Version::parse(version).is_ok() => version_to_tag(version),
            (None, None) => version_to_tag(&self.resolve_version(r, version).await?),
        };
        let scope = format!("repository:{}:pull", r.repository);
        let url = format!("{}/manifests/{reference}", self.base(r));
        let accept = [(ACCEPT, MANIFEST_MEDIA_TYPE.to_string())];
        let response = self.send(Method::GET, &url, &accept, None, &scope).await?;
        if response.status() == StatusCode::NOT_FOUND {
            let separator = if reference.starts_with("sha256:") { '@' } else { ':' };
            return Err(Error::Oci(format!(
                "failed to perform \"FetchReference\" on source: {}/{}{separator}{reference}: not found",
                r.registry, r.repository
            )));
        }
        let body = self.read_limited(&url, response, MAX_MANIFEST_BYTES).await?;
        let manifest_digest = format!("sha256:{}", hex(&Sha256::digest(&body)));
        if let Some(d) = &r.digest
            && *d != manifest_digest
        {
            return Err(Error::Oci(format!("{url}: manifest digest {manifest_digest} is not {d}")));
        }
        let manifest: Value = serde_json::from_slice(&body).map_err(|e| Error::Oci(format!("{url}: {e}")))?;
        let config_desc = &manifest["config"];
        if config_desc["mediaType"].as_str() != Some(CONFIG_MEDIA_TYPE) {
            return Err(Error::Oci(format!(
                "{url}: not a Helm chart (config media type {})",
                config_desc["mediaType"]
            )));
        }
        let layers = manifest["layers"].as_array().cloned().unwrap_or_default();
        let find = |t: &str| layers.iter().find(|l| l["mediaType"].as_str() == Some(t)).cloned();
        let chart_desc =
            find(CHART_LAYER_MEDIA_TYPE).ok_or_else(|| Error::Oci(format!("{url}: manifest has no chart layer")))?;
        let config = self.blob(r, config_desc, MAX_MANIFEST_BYTES).await?;
        let chart = self.blob(r, &chart_desc, self.options.limits.max_chart_bytes).await?;
        let provenance = match find(PROVENANCE_LAYER_MEDIA_TYPE) {
            Some(d) => Some(self.blob(r, &d, MAX_MANIFEST_BYTES).await?),
            None => None,
        };
        let config: Value = serde_json::from_slice(&config).map_err(|e| Error::Oci(format!("{url}: config: {e}")))?;
        let version = config["version"].as_str().map_or_else(|| tag_to_version(&reference), str::to_string);
        Ok(PulledChart { version, manifest_digest, chart, provenance, config })
    }

    /// Downloads a blob, checking its digest.
    async fn blob(&self, r: &OciReference, desc: &Value, limit: u64) -> Result<Vec<u8>> {
        let digest = desc["digest"].as_str().unwrap_or_default();
        let hexpart = digest
            .strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| Error::Oci(format!("unsupported blob digest {digest:?}")))?;
        let url = format!("{}/blobs/{digest}", self.base(r));
        let response = self.send(Method::GET, &url, &[], None, &format!("repository:{}:pull", r.repository)).await?;
        let body = self.read_limited(&url, response, limit).await?;
        let actual = hex(&Sha256::digest(&body));
        if actual != hexpart {
            return Err(Error::DigestMismatch { url, expected: hexpart.into(), actual });
        }
        Ok(body)
    }

    /// Pushes a packaged chart (and its provenance) under `r`'s repository
    /// joined with the chart name, tagged with its version; returns the
    /// reference pushed and the manifest digest.
    pub async fn push(
        &self,
        r: &OciReference,
        chart: &[u8],
        metadata: &Metadata,
        provenance: Option<&[u8]>,
    ) -> Result<(OciReference, String)> {
        if r.tag.is_some() || r.digest.is_some() {
            return Err(Error::Oci(format!("{r}: push takes a repository without a tag or digest")));
        }
        let target = OciReference {
            registry: r.registry.clone(),
            repository: format!("{}/{}", r.repository, metadata.name),
            tag: Some(version_to_tag(&metadata.version)),
            digest: None,
        };
        let config = serde_json::to_vec(&metadata_json(metadata)).map_err(|e| Error::Oci(e.to_string()))?;
        let config_desc = self.upload(&target, &config, CONFIG_MEDIA_TYPE).await?;
        let mut layers = vec![self.upload(&target, chart, CHART_LAYER_MEDIA_TYPE).await?];
        if let Some(p) = provenance {
            layers.push(self.upload(&target, p, PROVENANCE_LAYER_MEDIA_TYPE).await?);
        }
        let mut annotations = serde_json::Map::new();
        annotations.insert("org.opencontainers.image.title".into(), json!(metadata.name));
        annotations.insert("org.opencontainers.image.version".into(), json!(metadata.version));
        if !metadata.description.is_empty() {
            annotations.insert("org.opencontainers.image.description".into(), json!(metadata.description));
        }
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST_MEDIA_TYPE,
            "config": config_desc,
            "layers": layers,
            "annotations": annotations,
        });
        let body = serde_json::to_vec(&manifest).map_err(|e| Error::Oci(e.to_string()))?;
        let digest = format!("sha256:{}", hex(&Sha256::digest(&body)));
        let url = format!("{}/manifests/{}", self.base(&target), target.tag.as_deref().unwrap_or_default());
        let scope = format!("repository:{}:pull,push", target.repository);
        let headers = [(CONTENT_TYPE, MANIFEST_MEDIA_TYPE.to_string())];
        let response = self.send(Method::PUT, &url, &headers, Some(body), &scope).await?;
        if !response.status().is_success() {
            let status = response.status();
            return Err(Error::Http {
                url,
                message: format!("{status}: {}", response.text().await.unwrap_or_default().trim()),
            });
        }
        Ok((target, digest))
    }

    /// Uploads a blob (monolithic upload) unless the registry has it; its descriptor.
    async fn upload(&self, r: &OciReference, data: &[u8], media_type: &str) -> Result<Value> {
        let digest = format!("sha256:{}", hex(&Sha256::digest(data)));
        let desc = json!({"mediaType": media_type, "digest": digest, "size": data.len()});
        let scope = format!("repository:{}:pull,push", r.repository);
        let head = format!("{}/blobs/{digest}", self.base(r));
        if self.send(Method::HEAD, &head, &[], None, &scope).await?.status().is_success() {
            return Ok(desc);
        }
        let start = format!("{}/blobs/uploads/", self.base(r));
        let response = self.send(Method::POST, &start, &[], None, &scope).await?;
        if response.status() != StatusCode::ACCEPTED {
            return Err(Error::Http { url: start, message: format!("upload not accepted: {}", response.status()) });
        }
        let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let base = reqwest::Url::parse(&start).map_err(|e| Error::Oci(e.to_string()))?;
        let mut put = base.join(&location).map_err(|e| Error::Oci(format!("upload location {location:?}: {e}")))?;
        put.query_pairs_mut().append_pair("digest", &digest);
        let headers = [(CONTENT_TYPE, "application/octet-stream".to_string())];
        let response = self.send(Method::PUT, put.as_str(), &headers, Some(data.to_vec()), &scope).await?;
        if response.status() != StatusCode::CREATED {
            return Err(Error::Http {
                url: put.to_string(),
                message: format!("blob upload failed: {}", response.status()),
            });
        }
        Ok(desc)
    }
}

/// `Basic base64(user:password)`.
fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// `key="value"` pairs of a challenge.
fn challenge_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().trim_start_matches(',').trim().to_string();
        let after = &rest[eq + 1..];
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"').unwrap_or(q.len());
            (q[..end].to_string(), q.get(end + 1..).unwrap_or(""))
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        out.push((key, value));
        rest = next.trim_start_matches([',', ' ']);
    }
    out
}

/// A registry's error answer as Helm (oras-go's `ErrorResponse`) words it:
/// `GET "URL": response status code 404: name unknown: MESSAGE: map[DETAIL]`.
fn registry_error(method: &str, url: &str, status: StatusCode, body: &str) -> String {
    let errors: Vec<String> = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["errors"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let code = e["code"].as_str().unwrap_or_default().replace('_', " ").to_lowercase();
            let message = e["message"].as_str().unwrap_or_default();
            match e.get("detail") {
                None | Some(Value::Null) => format!("{code}: {message}"),
                Some(detail) => format!("{code}: {message}: {}", go_value(detail)),
            }
        })
        .collect();
    let text =
        if errors.is_empty() { status.canonical_reason().unwrap_or_default().to_string() } else { errors.join("; ") };
    format!("{method} {url:?}: response status code {}: {text}", status.as_u16())
}

/// Go's `%v` of a decoded JSON value (maps as `map[k:v]` with sorted keys, lists as `[a b]`).
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!("[{}]", items.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys.iter().map(|k| format!("{k}:{}", go_value(&m[*k]))).collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// The target of a `Link: <url>; rel="next"` header.
fn next_link(header: &str) -> Option<String> {
    let (target, params) = header.split_once(';')?;
    params.contains("rel=\"next\"").then(|| target.trim().trim_start_matches('<').trim_end_matches('>').to_string())
}

/// The chart's metadata as Helm's `json.Marshal(chart.Metadata)` (the config blob).
pub(crate) fn metadata_json(md: &Metadata) -> Value {
    let mut m = serde_json::Map::new();
    let mut s = |k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k.into(), json!(v));
        }
    };
    s("name", &md.name);
    s("home", &md.home);
    let mut m2 = m;
    if !md.sources.is_empty() {
        m2.insert("sources".into(), json!(md.sources));
    }
    let mut put = |k: &str, v: &str| {
        if !v.is_empty() {
            m2.insert(k.into(), json!(v));
        }
    };
    put("version", &md.version);
    put("description", &md.description);
    if !md.keywords.is_empty() {
        m2.insert("keywords".into(), json!(md.keywords));
    }
    if !md.maintainers.is_empty() {
        let list: Vec<Value> = md
            .maintainers
            .iter()
            .map(|x| {
                let mut o = serde_json::Map::new();
                for (k, v) in [("name", &x.name), ("email", &x.email), ("url", &x.url)] {
                    if !v.is_empty() {
                        o.insert(k.into(), json!(v));
                    }
                }
                Value::Object(o)
            })
            .collect();
        m2.insert("maintainers".into(), Value::Array(list));
    }
    for (k, v) in [
        ("icon", &md.icon),
        ("apiVersion", &md.api_version),
        ("condition", &md.condition),
        ("tags", &md.tags),
        ("appVersion", &md.app_version),
    ] {
        if !v.is_empty() {
            m2.insert(k.into(), json!(v));
        }
    }
    if md.deprecated {
        m2.insert("deprecated".into(), json!(true));
    }
    if !md.annotations.is_empty() {
        m2.insert("annotations".into(), json!(md.annotations));
    }
    if !md.kube_version.is_empty() {
        m2.insert("kubeVersion".into(), json!(md.kube_version));
    }
    if !md.dependencies.is_empty() {
        let deps: Vec<Value> = md
            .dependencies
            .iter()
            .map(|d| {
                let mut o = serde_json::Map::new();
                o.insert("name".into(), json!(d.name));
                if !d.version.is_empty() {
                    o.insert("version".into(), json!(d.version));
                }
                o.insert("repository".into(), json!(d.repository));
                if !d.condition.is_empty() {
                    o.insert("condition".into(), json!(d.condition));
                }
                if !d.tags.is_empty() {
                    o.insert("tags".into(), json!(d.tags));
                }
                if !d.alias.is_empty() {
                    o.insert("alias".into(), json!(d.alias));
                }
                Value::Object(o)
            })
            .collect();
        m2.insert("dependencies".into(), Value::Array(deps));
    }
    if !md.chart_type.is_empty() {
        m2.insert("type".into(), json!(md.chart_type));
    }
    Value::Object(m2)
}

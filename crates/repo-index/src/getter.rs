//! HTTP(S) downloads as Helm's HTTP getter does them: TLS with a custom CA,
//! a client certificate or no verification, basic auth sent only to the
//! repository's own scheme and host unless `pass_credentials_all`, and here
//! also a timeout and a size limit on every download.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};

use crate::error::{Error, Result};
use crate::repo_file::RepositoryEntry;

/// Limits applied to every download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadLimits {
    /// The whole request, connection to last byte.
    pub timeout: Duration,
    /// The largest index accepted, in bytes.
    pub max_index_bytes: u64,
    /// The largest chart archive accepted, in bytes.
    pub max_chart_bytes: u64,
}

impl Default for DownloadLimits {
    fn default() -> Self {
        DownloadLimits { timeout: Duration::from_secs(120), max_index_bytes: 256 << 20, max_chart_bytes: 64 << 20 }
    }
}

/// Validators of a previous download, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` the server sent.
    pub etag: String,
    /// The `Last-Modified` the server sent.
    pub last_modified: String,
}

/// What a GET gave.
#[derive(Debug)]
pub enum Fetched {
    /// 304: what was downloaded before is current.
    NotModified,
    /// The body, with the validators for next time.
    Body(Vec<u8>, Validators),
}

/// An HTTP client configured for one repository.
#[derive(Debug, Clone)]
pub struct Getter {
    client: reqwest::Client,
    repo_url: reqwest::Url,
    username: String,
    password: String,
    pass_credentials_all: bool,
    limits: DownloadLimits,
}

impl Getter {
    /// A client for `entry`'s TLS settings and credentials.
    pub fn new(entry: &RepositoryEntry, limits: DownloadLimits) -> Result<Self> {
        let repo_url = parse_url(&entry.url)?;
        let client = client_builder(entry, limits)?.build().map_err(|e| Error::Tls(e.to_string()))?;
        Ok(Getter {
            client,
            repo_url,
            username: entry.username.clone(),
            password: entry.password.clone(),
            pass_credentials_all: entry.pass_credentials_all,
            limits,
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> DownloadLimits {
        self.limits
    }

    /// Whether credentials go to `url`: Helm sends them to the repository's
    /// own scheme and host (port included), elsewhere only with `pass_credentials_all`.
    pub fn sends_credentials_to(&self, url: &reqwest::Url) -> bool {
        self.pass_credentials_all
            || (url.scheme() == self.repo_url.scheme()
                && url.host_str() == self.repo_url.host_str()
                && url.port_or_known_default() == self.repo_url.port_or_known_default())
    }

    /// GETs `url`, conditionally when `previous` validators are given, refusing bodies over `limit` bytes.
    pub async fn get(&self, url: &reqwest::Url, previous: Option<&Validators>, limit: u64) -> Result<Fetched> {
        let http = |message: String| Error::Http { url: url.to_string(), message };
        let mut headers = HeaderMap::new();
        if let Some(v) = previous {
            if let Ok(h) = HeaderValue::from_str(&v.etag)
                && !v.etag.is_empty()
            {
                headers.insert(reqwest::header::IF_NONE_MATCH, h);
            }
            if let Ok(h) = HeaderValue::from_str(&v.last_modified)
                && !v.last_modified.is_empty()
            {
                headers.insert(reqwest::header::IF_MODIFIED_SINCE, h);
            }
        }
        let mut request = self.client.get(url.clone()).headers(headers);
        if (!self.username.is_empty() || !self.password.is_empty()) && self.sends_credentials_to(url) {
            request = request.basic_auth(&self.username, Some(&self.password));
        }
        let mut response = request.send().await.map_err(|e| http(error_chain(&e)))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED && previous.is_some() {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(http(format!("failed to fetch {url} : {status}")));
        }
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(Error::TooLarge { url: url.to_string(), limit });
        }
        let header = |name: reqwest::header::HeaderName| {
            response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
        };
        let validators =
            Validators { etag: header(reqwest::header::ETAG), last_modified: header(reqwest::header::LAST_MODIFIED) };
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| http(error_chain(&e)))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(Error::TooLarge { url: url.to_string(), limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body(body, validators))
    }
}

/// A repository or chart URL: http or https only.
pub fn parse_url(text: &str) -> Result<reqwest::Url> {
    let url = reqwest::Url::parse(text).map_err(|e| Error::InvalidUrl { url: text.into(), reason: e.to_string() })?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(Error::InvalidUrl { url: text.into(), reason: format!("unsupported scheme {other:?}") }),
    }
}

/// An error with its causes, which reqwest keeps apart.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// A client builder with the entry's TLS settings, the limits' timeouts and Helm's user agent.
pub(crate) fn client_builder(entry: &RepositoryEntry, limits: DownloadLimits) -> Result<reqwest::ClientBuilder> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(limits.timeout)
        .connect_timeout(limits.timeout.min(Duration::from_secs(30)))
        .user_agent(concat!("Helm/3 (helm-api ", env!("CARGO_PKG_VERSION"), ")"));
    if !entry.ca_file.is_empty() {
        let pem = std::fs::read(&entry.ca_file).map_err(|e| Error::io(&entry.ca_file, e))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| Error::Tls(format!("can't read CA file {}: {e}", entry.ca_file)))?;
        // As Helm, a CA file replaces the system roots.
        builder = builder.tls_built_in_root_certs(false);
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    if !entry.cert_file.is_empty() || !entry.key_file.is_empty() {
        let mut pem = std::fs::read(&entry.cert_file).map_err(|e| Error::io(&entry.cert_file, e))?;
        pem.push(b'\n');
        pem.extend(std::fs::read(&entry.key_file).map_err(|e| Error::io(&entry.key_file, e))?);
        let identity = reqwest::Identity::from_pem(&pem)
            .map_err(|e| Error::Tls(format!("can't load client certificate {}: {e}", entry.cert_file)))?;
        builder = builder.identity(identity);
    }
    if entry.insecure_skip_tls_verify {
        builder = builder.danger_accept_invalid_certs(true);
    }
    Ok(builder)
}

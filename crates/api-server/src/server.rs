//! Running the server: configuration (keys, tokens, data folder, ports), startup checks, both listeners, graceful shutdown.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::app::{AppOptions, app};
use crate::auth::{Principal, Tokens};
use crate::backend::Backend;
use crate::contexts::{Cipher, ContextStore, Contexts, EmbeddedStore, KubeSecretStore};
use crate::error::{Error, Result};
use crate::operations::Operations;
use crate::tls::TlsConfig;

/// Where the encryption key of stored credentials comes from.
#[derive(Clone, Default)]
pub enum KeySource {
    /// No key given: refused unless in dev mode.
    #[default]
    None,
    /// 64 hexadecimal digits (from an environment variable).
    Hex(String),
    /// A file holding 64 hexadecimal digits.
    File(PathBuf),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::None => f.write_str("None"),
            KeySource::Hex(_) => f.write_str("Hex(<redacted>)"),
            KeySource::File(path) => write!(f, "File({})", path.display()),
        }
    }
}

/// Where contexts are kept.
#[derive(Clone, Debug, Default)]
pub enum StoreKind {
    /// One local database file in the data folder (the default).
    #[default]
    Embedded,
    /// Kubernetes Secrets in this namespace, shared by every replica.
    KubernetesSecrets {
        /// The server's namespace.
        namespace: String,
    },
}

/// The server's configuration (the binary fills it from flags and environment).
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The address both listeners bind (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// The gRPC port (HELM_API_PORT, 8848); it answers HTTP too.
    pub grpc_port: u16,
    /// The HTTP port (HELM_API_HTTP_PORT, 8611); it answers gRPC too.
    pub http_port: u16,
    /// The folder of the contexts database (and, in dev mode, the generated key and token).
    pub data_dir: PathBuf,
    /// The encryption key of stored credentials.
    pub key: KeySource,
    /// Where contexts are kept.
    pub store: StoreKind,
    /// TLS on both ports (plain HTTP/2 and HTTP/1.1 when `None`).
    pub tls: Option<TlsConfig>,
    /// A tokens file (`<principal> <token> [admin]` per line).
    pub tokens_file: Option<PathBuf>,
    /// Dev mode: generate a key and an admin token in the data folder when none is given.
    pub dev: bool,
    /// The largest request accepted, in bytes.
    pub max_body_bytes: usize,
    /// How often expired contexts are collected.
    pub expiry_period: Duration,
    /// The longest a request may take to answer.
    pub request_timeout: Duration,
    /// How long shutdown waits for running operations.
    pub shutdown_grace: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            grpc_port: 8848,
            http_port: 8611,
            data_dir: PathBuf::from("helm-api-data"),
            key: KeySource::None,
            store: StoreKind::Embedded,
            tls: None,
            tokens_file: None,
            dev: false,
            max_body_bytes: AppOptions::default().max_body_bytes,
            expiry_period: Duration::from_secs(60),
            request_timeout: AppOptions::default().request_timeout,
            shutdown_grace: Duration::from_secs(300),
        }
    }
}

/// A server ready to listen.
#[derive(Debug)]
pub struct Prepared {
    /// The application router.
    pub router: Router,
    /// The contexts (the expiry collector runs over them).
    pub contexts: Contexts,
    /// The running operations.
    pub operations: Operations,
    /// In dev mode, where the generated admin token was written (the binary prints it).
    pub dev_token: Option<(String, PathBuf)>,
}

/// Checks the configuration, opens the store and builds the router.
///
/// Refuses to start without an encryption key or tokens unless in dev mode,
/// and refuses dev mode on an address other than loopback.
pub async fn prepare(config: &ServerConfig, backend: Arc<dyn Backend>) -> Result<Prepared> {
    if config.dev && !config.bind.is_loopback() {
        return Err(Error::InvalidArgument("dev mode only listens on a loopback address".to_owned()));
    }
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| Error::InvalidArgument(format!("creating the data folder {}: {e}", config.data_dir.display())))?;
    let cipher = match &config.key {
        KeySource::Hex(hex) => Cipher::from_hex(hex)?,
        KeySource::File(path) => Cipher::from_hex(&read_secret(path)?)?,
        KeySource::None if config.dev => {
            Cipher::from_hex(&dev_secret(&config.data_dir.join("dev-encryption.key"), Cipher::generate_hex_key)?)?
        }
        KeySource::None => {
            return Err(Error::InvalidArgument(
                "no encryption key for stored credentials: set HELM_API_ENCRYPTION_KEY_FILE (or HELM_API_ENCRYPTION_KEY), \
                 64 hexadecimal digits, or run in dev mode (--dev)"
                    .to_owned(),
            ));
        }
    };
    let (tokens, dev_token) = match &config.tokens_file {
        Some(path) => (Tokens::parse(&read_secret(path)?)?, None),
        None if config.dev => {
            let path = config.data_dir.join("dev-token");
            let token = dev_secret(&path, || crate::contexts::cipher::random_hex(24))?;
            let tokens = Tokens::new([(token.clone(), Principal { name: "dev".to_owned(), admin: true })]);
            (tokens, Some((token, path)))
        }
        None => {
            return Err(Error::InvalidArgument(
                "no bearer tokens: set HELM_API_TOKENS_FILE (`<principal> <token> [admin]` per line), or run in dev mode (--dev)"
                    .to_owned(),
            ));
        }
    };
    let store: Arc<dyn ContextStore> = match &config.store {
        StoreKind::Embedded => Arc::new(EmbeddedStore::open(&config.data_dir.join("contexts.redb"), cipher)?),
        StoreKind::KubernetesSecrets { namespace } => {
            Arc::new(KubeSecretStore::from_environment(namespace, cipher).await?)
        }
    };
    let contexts = Contexts::new(store);
    let operations = Operations::default();
    let options = AppOptions {
        max_body_bytes: config.max_body_bytes,
        request_timeout: config.request_timeout,
        operations: operations.clone(),
    };
    let router = app(contexts.clone(), backend, tokens, options).await?;
    Ok(Prepared { router, contexts, operations, dev_token })
}

/// Serves `prepared` on both ports until `shutdown` completes, then lets running requests finish.
pub async fn serve(
    config: &ServerConfig,
    prepared: Prepared,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let collector = prepared.contexts.spawn_collector(config.expiry_period);
    let mut addresses = vec![SocketAddr::new(config.bind, config.grpc_port)];
    if config.http_port != config.grpc_port {
        addresses.push(SocketAddr::new(config.bind, config.http_port));
    }
    let acceptor = config.tls.as_ref().map(TlsConfig::acceptor).transpose()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut servers = Vec::new();
    for address in addresses {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|e| Error::Unavailable(format!("cannot listen on {address}: {e}")))?;
        tracing::info!(%address, tls = acceptor.is_some(), "listening (gRPC and HTTP)");
        let mut stop = stop_rx.clone();
        let router = prepared.router.clone();
        match acceptor.clone() {
            Some(acceptor) => servers.push(tokio::spawn(serve_tls(listener, router, acceptor, stop))),
            None => servers.push(tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stop.wait_for(|s| *s).await;
                    })
                    .await
            })),
        }
    }
    shutdown.await;
    tracing::info!("shutting down: waiting for running requests");
    let _ = stop_tx.send(true);
    for server in servers {
        match server.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "server stopped with an error"),
            Err(e) => tracing::warn!(error = %e, "server task failed"),
        }
    }
    // Operations run in their own tasks: give them time to finish, so no release is left pending.
    let running = prepared.operations.running();
    if running > 0 {
        tracing::info!(running, "waiting for running operations");
        if !prepared.operations.wait_idle(config.shutdown_grace).await {
            tracing::warn!(running = prepared.operations.running(), "operations still running at shutdown");
        }
    }
    collector.abort();
    Ok(())
}

/// Serves `router` over TLS on `listener` until `stop` turns true, then lets open connections finish.
pub async fn serve_tls(
    listener: TcpListener,
    router: Router,
    acceptor: TlsAcceptor,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        continue;
                    }
                };
                let acceptor = acceptor.clone();
                let service = TowerToHyperService::new(router.clone());
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let tls = match acceptor.accept(stream).await {
                        Ok(tls) => tls,
                        Err(e) => {
                            tracing::debug!(%peer, error = %e, "TLS handshake failed");
                            return;
                        }
                    };
                    let builder = auto::Builder::new(TokioExecutor::new());
                    let connection = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
                    if let Err(e) = watcher.watch(connection.into_owned()).await {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                });
            }
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Reads a key or tokens file, refusing files others may read.
fn read_secret(path: &Path) -> Result<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "a secret file is readable by group or others");
        }
    }
    std::fs::read_to_string(path).map_err(|e| Error::InvalidArgument(format!("reading {}: {e}", path.display())))
}

/// Reads a dev-mode secret, generating it (mode 0600) the first time.
fn dev_secret(path: &Path, generate: impl FnOnce() -> String) -> Result<String> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return Ok(text.trim().to_owned());
    }
    let secret = generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| Error::Internal(format!("writing {}: {e}", path.display())))?;
    std::io::Write::write_all(&mut file, secret.as_bytes())
        .map_err(|e| Error::Internal(format!("writing {}: {e}", path.display())))?;
    Ok(secret)
}

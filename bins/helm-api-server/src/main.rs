//! The helm-api server binary: flags and environment to configuration, then run.

#![allow(clippy::print_stderr)]

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use api_server::server::{KeySource, ServerConfig, StoreKind, prepare, serve};
use api_server::tls::TlsConfig;
use api_server::{HelmBackend, HelmBackendOptions};
use helm_core::StorageDriver;

/// mimalloc: rendering allocates many small, short-lived values; with it a render takes about a quarter
/// less CPU than with glibc's malloc (template-render's render_chart benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: helm-api-server [flags]

flags (environment variable in brackets):
  --port N              gRPC port [HELM_API_PORT, default 8848]; it answers HTTP too
  --http-port N         HTTP port [HELM_API_HTTP_PORT, default 8611]; it answers gRPC too
  --bind ADDR           listen address [HELM_API_BIND, default 127.0.0.1]
  --data-dir DIR        contexts database folder [HELM_API_DATA_DIR, default $HELM_API_TMP/helm-api
                        or ~/.local/share/helm-api]
  --key-file FILE       encryption key of stored credentials, 64 hex digits
                        [HELM_API_ENCRYPTION_KEY_FILE; or the key itself in HELM_API_ENCRYPTION_KEY]
  --contexts-store S    embedded (one database file) or kubernetes (Secrets in --namespace, for replicas)
                        [HELM_API_CONTEXTS_STORE, default embedded]
  --namespace NS        the server's namespace for the kubernetes store [HELM_API_NAMESPACE, POD_NAMESPACE]
  --tls-cert FILE       TLS on both ports: the certificate chain, PEM [HELM_API_TLS_CERT_FILE]
  --tls-key FILE        its key, PEM [HELM_API_TLS_KEY_FILE]
  --tls-client-ca FILE  require client certificates signed by this CA (mTLS) [HELM_API_TLS_CLIENT_CA_FILE]
  --tokens-file FILE    bearer tokens, `<principal> <token> [admin]` per line [HELM_API_TOKENS_FILE]
  --dev                 dev mode: generate a key and an admin token in the data folder [HELM_API_DEV=1]
  --storage-driver D    where releases are stored: secret, configmap, memory or sql (URL in
                        HELM_DRIVER_SQL_CONNECTION_STRING) [HELM_API_STORAGE_DRIVER, HELM_DRIVER, default secret]
  --cache-dir DIR       repository caches, one folder per context [HELM_API_CACHE_DIR, default
                        $HELM_API_TMP/helm-api-cache or <data-dir>/cache]
  --log-level LEVEL     error, warn, info, debug, trace [HELM_API_LOGLEVEL, default info]
  --log-format FORMAT   text or json [HELM_API_LOG_FORMAT, default text]
  --max-body-bytes N    largest request accepted [HELM_API_MAX_BODY_BYTES, default 8388608]
  --request-timeout S   longest a request may take, in seconds [HELM_API_REQUEST_TIMEOUT, default 3600]

With no key, no tokens file and a loopback address, the server starts in dev mode.";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        eprintln!("{USAGE}");
        return Ok(());
    }
    let settings = Settings::read(&args)?;
    init_logging(&settings.log_level, &settings.log_format)?;
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    runtime.block_on(run(settings.config, settings.backend))
}

struct Settings {
    config: ServerConfig,
    backend: HelmBackendOptions,
    log_level: String,
    log_format: String,
}

impl Settings {
    fn read(args: &[String]) -> Result<Self> {
        let mut flags = std::collections::HashMap::new();
        let mut dev = env("HELM_API_DEV").is_some_and(|v| v == "1" || v == "true");
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--dev" => dev = true,
                flag if flag.starts_with("--") => {
                    let (name, value) = match flag.split_once('=') {
                        Some((name, value)) => (name.to_owned(), value.to_owned()),
                        None => {
                            (flag.to_owned(), iter.next().with_context(|| format!("{flag} needs a value"))?.clone())
                        }
                    };
                    flags.insert(name, value);
                }
                other => bail!("unexpected argument {other:?}\n\n{USAGE}"),
            }
        }
        let get = |flag: &str, var: &str| flags.get(flag).cloned().or_else(|| env(var));
        for known in flags.keys() {
            if ![
                "--port",
                "--http-port",
                "--bind",
                "--data-dir",
                "--key-file",
                "--tokens-file",
                "--contexts-store",
                "--tls-cert",
                "--tls-key",
                "--tls-client-ca",
                "--namespace",
                "--log-level",
                "--log-format",
                "--max-body-bytes",
                "--request-timeout",
                "--storage-driver",
                "--cache-dir",
            ]
            .contains(&known.as_str())
            {
                bail!("unknown flag {known}\n\n{USAGE}");
            }
        }
        let mut config = ServerConfig::default();
        if let Some(port) = get("--port", "HELM_API_PORT") {
            config.grpc_port = port.parse().context("--port / HELM_API_PORT")?;
        }
        if let Some(port) = get("--http-port", "HELM_API_HTTP_PORT") {
            config.http_port = port.parse().context("--http-port / HELM_API_HTTP_PORT")?;
        }
        if let Some(bind) = get("--bind", "HELM_API_BIND") {
            config.bind = bind.parse::<IpAddr>().context("--bind / HELM_API_BIND")?;
        }
        if let Some(n) = get("--max-body-bytes", "HELM_API_MAX_BODY_BYTES") {
            config.max_body_bytes = n.parse().context("--max-body-bytes / HELM_API_MAX_BODY_BYTES")?;
        }
        if let Some(s) = get("--request-timeout", "HELM_API_REQUEST_TIMEOUT") {
            config.request_timeout =
                std::time::Duration::from_secs(s.parse().context("--request-timeout / HELM_API_REQUEST_TIMEOUT")?);
        }
        config.data_dir = match get("--data-dir", "HELM_API_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir(),
        };
        config.key = match (get("--key-file", "HELM_API_ENCRYPTION_KEY_FILE"), env("HELM_API_ENCRYPTION_KEY")) {
            (Some(file), _) => KeySource::File(PathBuf::from(file)),
            (None, Some(hex)) => KeySource::Hex(hex),
            (None, None) => KeySource::None,
        };
        config.tokens_file = get("--tokens-file", "HELM_API_TOKENS_FILE").map(PathBuf::from);
        config.tls = match (get("--tls-cert", "HELM_API_TLS_CERT_FILE"), get("--tls-key", "HELM_API_TLS_KEY_FILE")) {
            (Some(cert), Some(key)) => Some(TlsConfig {
                cert_file: PathBuf::from(cert),
                key_file: PathBuf::from(key),
                client_ca_file: get("--tls-client-ca", "HELM_API_TLS_CLIENT_CA_FILE").map(PathBuf::from),
            }),
            (None, None) if get("--tls-client-ca", "HELM_API_TLS_CLIENT_CA_FILE").is_none() => None,
            _ => bail!("TLS needs both --tls-cert and --tls-key (a client CA needs them too)"),
        };
        config.store = match get("--contexts-store", "HELM_API_CONTEXTS_STORE").as_deref() {
            None | Some("embedded") => StoreKind::Embedded,
            Some("kubernetes") => StoreKind::KubernetesSecrets {
                namespace: get("--namespace", "HELM_API_NAMESPACE")
                    .or_else(|| env("POD_NAMESPACE"))
                    .context("the kubernetes contexts store needs --namespace (HELM_API_NAMESPACE or POD_NAMESPACE)")?,
            },
            Some(other) => bail!("unknown contexts store {other:?} (embedded or kubernetes)"),
        };
        // Nothing configured on loopback: the README's one command starts a dev server.
        let nothing_configured = matches!(config.key, KeySource::None) && config.tokens_file.is_none();
        config.dev = dev || (nothing_configured && config.bind.is_loopback());
        let driver = match get("--storage-driver", "HELM_API_STORAGE_DRIVER")
            .or_else(|| env("HELM_DRIVER"))
            .unwrap_or_default()
            .to_lowercase()
            .as_str()
        {
            "" | "secret" | "secrets" => StorageDriver::Secret,
            "configmap" | "configmaps" => StorageDriver::ConfigMap,
            "memory" => StorageDriver::Memory,
            "sql" => StorageDriver::Sql(
                env("HELM_DRIVER_SQL_CONNECTION_STRING")
                    .context("the sql storage driver needs HELM_DRIVER_SQL_CONNECTION_STRING")?,
            ),
            other => bail!("unknown storage driver {other:?} (secret, configmap, memory or sql)"),
        };
        let cache_dir = match get("--cache-dir", "HELM_API_CACHE_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => match env("HELM_API_TMP") {
                Some(tmp) => PathBuf::from(tmp).join("helm-api-cache"),
                None => config.data_dir.join("cache"),
            },
        };
        Ok(Self {
            backend: HelmBackendOptions { driver, cache_dir },
            config,
            log_level: get("--log-level", "HELM_API_LOGLEVEL").unwrap_or_else(|| "info".to_owned()),
            log_format: get("--log-format", "HELM_API_LOG_FORMAT").unwrap_or_else(|| "text".to_owned()),
        })
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn default_data_dir() -> PathBuf {
    if let Some(tmp) = env("HELM_API_TMP") {
        return PathBuf::from(tmp).join("helm-api");
    }
    match env("XDG_DATA_HOME").map(PathBuf::from).or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    {
        Some(base) => base.join("helm-api"),
        None => PathBuf::from("helm-api-data"),
    }
}

/// Logs at the chosen level; helm-core's progress layer beside them routes each operation's
/// events to the client streaming it, whatever the log level.
fn init_logging(level: &str, format: &str) -> Result<()> {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_new(level).context("--log-level / HELM_API_LOGLEVEL")?;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let fmt = match format {
        "json" => fmt.json().with_filter(filter).boxed(),
        "text" => fmt.with_filter(filter).boxed(),
        other => bail!("unknown log format {other:?} (text or json)"),
    };
    tracing_subscriber::registry().with(fmt).with(helm_core::progress::layer()).init();
    Ok(())
}

async fn run(config: ServerConfig, backend: HelmBackendOptions) -> Result<()> {
    let backend = Arc::new(HelmBackend::new(backend));
    let prepared = prepare(&config, backend).await?;
    if config.dev {
        eprintln!("helm-api-server: DEV MODE (generated key and token in {})", config.data_dir.display());
        if let Some((token, path)) = &prepared.dev_token {
            eprintln!("helm-api-server: admin token (also in {}):\n\n    {token}\n", path.display());
            eprintln!("try: curl -H 'Authorization: Bearer {token}' http://127.0.0.1:{}/v1/context", config.http_port);
        }
    }
    serve(&config, prepared, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

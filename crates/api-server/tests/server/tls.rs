//! TLS and mTLS on a real loopback port: ALPN offers h2 and http/1.1, client certificates are enforced when configured.

use std::path::Path;
use std::sync::Arc;

use api_server::server::serve_tls;
use api_server::tls::TlsConfig;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;

use crate::support::*;

struct Pki {
    ca_pem: String,
    server: (String, String),
    client: (String, String),
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf = |names: Vec<String>| {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(names).unwrap().signed_by(&key, &issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    };
    Pki { ca_pem: ca.pem(), server: leaf(vec!["localhost".into()]), client: leaf(vec!["client".into()]) }
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Starts the app over TLS on a free loopback port; the port and the stop switch.
async fn start(app: &TestApp, config: &TlsConfig) -> (u16, tokio::sync::watch::Sender<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(serve_tls(listener, app.router.clone(), config.acceptor().unwrap(), stop_rx));
    (port, stop)
}

fn connector(pki: &Pki, client_cert: bool, alpn: &[&[u8]]) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(pki.ca_pem.as_bytes()).unwrap()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let mut config = if client_cert {
        let cert = CertificateDer::from_pem_slice(pki.client.0.as_bytes()).unwrap();
        let key = PrivateKeyDer::from_pem_slice(pki.client.1.as_bytes()).unwrap();
        builder.with_client_auth_cert(vec![cert], key).unwrap()
    } else {
        builder.with_no_client_auth()
    };
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    TlsConnector::from(Arc::new(config))
}

/// A GET /healthz over HTTP/1.1; the status line, or the error.
async fn healthz(port: u16, connector: &TlsConnector) -> Result<String, std::io::Error> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut tls = connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await?;
    tls.write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n").await?;
    let mut answer = String::new();
    tls.read_to_string(&mut answer).await?;
    Ok(answer.lines().next().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn tls_serves_http1_and_offers_h2() {
    let app = test_app().await;
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let config = TlsConfig {
        cert_file: write(dir.path(), "tls.crt", &pki.server.0),
        key_file: write(dir.path(), "tls.key", &pki.server.1),
        client_ca_file: None,
    };
    let (port, stop) = start(&app, &config).await;
    assert_eq!(healthz(port, &connector(&pki, false, &[b"http/1.1"])).await.unwrap(), "HTTP/1.1 200 OK");
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let tls = connector(&pki, false, &[b"h2", b"http/1.1"])
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]), "gRPC needs h2 on the same port");
    stop.send(true).unwrap();
}

#[tokio::test]
async fn mtls_refuses_clients_without_a_certificate() {
    let app = test_app().await;
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let config = TlsConfig {
        cert_file: write(dir.path(), "tls.crt", &pki.server.0),
        key_file: write(dir.path(), "tls.key", &pki.server.1),
        client_ca_file: Some(write(dir.path(), "ca.crt", &pki.ca_pem)),
    };
    let (port, stop) = start(&app, &config).await;
    assert_eq!(healthz(port, &connector(&pki, true, &[b"http/1.1"])).await.unwrap(), "HTTP/1.1 200 OK");
    assert!(healthz(port, &connector(&pki, false, &[b"http/1.1"])).await.is_err());
    stop.send(true).unwrap();
}

#[test]
fn bad_tls_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = TlsConfig {
        cert_file: write(dir.path(), "tls.crt", "not a certificate"),
        key_file: write(dir.path(), "tls.key", "not a key"),
        client_ca_file: None,
    };
    let err = config.acceptor().err().unwrap().to_string();
    assert!(err.contains("tls.crt"), "{err}");
}

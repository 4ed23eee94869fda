//! TLS on both ports with rustls (ALPN h2 and http/1.1, so gRPC and HTTP share the port), optionally requiring client certificates (mTLS).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::error::{Error, Result};

/// Where the server's certificate and key are, and the CA that client certificates must chain to.
#[derive(Clone, Debug)]
pub struct TlsConfig {
    /// The server certificate chain, PEM.
    pub cert_file: PathBuf,
    /// The server key, PEM.
    pub key_file: PathBuf,
    /// With a CA bundle, every client must present a certificate it signed (mTLS).
    pub client_ca_file: Option<PathBuf>,
}

impl TlsConfig {
    /// The acceptor for this configuration.
    pub fn acceptor(&self) -> Result<TlsAcceptor> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certs = read_certs(&self.cert_file)?;
        let key = PrivateKeyDer::from_pem_file(&self.key_file)
            .map_err(|e| Error::InvalidArgument(format!("reading the TLS key {}: {e}", self.key_file.display())))?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::InvalidArgument(format!("TLS: {e}")))?;
        let builder = match &self.client_ca_file {
            Some(ca) => {
                let mut roots = RootCertStore::empty();
                for cert in read_certs(ca)? {
                    roots.add(cert).map_err(|e| Error::InvalidArgument(format!("client CA {}: {e}", ca.display())))?;
                }
                let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .map_err(|e| Error::InvalidArgument(format!("client CA {}: {e}", ca.display())))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder
            .with_single_cert(certs, key)
            .map_err(|e| Error::InvalidArgument(format!("TLS certificate and key: {e}")))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| Error::InvalidArgument(format!("reading certificates {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::InvalidArgument(format!("no certificate in {}", path.display())));
    }
    Ok(certs)
}

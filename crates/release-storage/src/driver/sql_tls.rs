//! TLS for the SQL driver: libpq's `sslmode` words, as Helm's lib/pq reads them, over rustls.
//!
//! Helm's connection strings are lib/pq's, whose `sslmode` knows more words than tokio-postgres:
//! `disable` (no TLS), `allow`/`prefer`/`require` (TLS without checking the server's certificate, as
//! libpq's `require`), `verify-ca`/`verify-full` (the certificate must chain to `sslrootcert` or the
//! system's roots, and name the host). Without `sslmode`, lib/pq requires TLS; here TLS is tried
//! and plain TCP accepted when the server has no TLS (tokio-postgres' `prefer`), a superset.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{Error, Result};

/// How the connection string asks for TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tls {
    /// `sslmode=disable`.
    Off,
    /// Encrypt, but accept any certificate (`allow`, `prefer`, `require`, or no `sslmode`).
    Unverified,
    /// `verify-ca` or `verify-full`: check the chain (to `sslrootcert` when given) and the host name.
    Verified {
        /// The `sslrootcert` file.
        root_cert: Option<String>,
    },
}

/// Splits the TLS options off a connection string (URL or `key=value` words) and returns what
/// tokio-postgres reads: the string with `sslmode` mapped to its words and `sslrootcert` removed.
pub(crate) fn split_tls(connection: &str) -> (String, Tls) {
    let is_url = connection.starts_with("postgres://") || connection.starts_with("postgresql://");
    let (base, params, sep) = if is_url {
        match connection.split_once('?') {
            Some((b, q)) => (b.to_owned(), q.split('&').map(str::to_owned).collect::<Vec<_>>(), "&"),
            None => (connection.to_owned(), Vec::new(), "&"),
        }
    } else {
        (String::new(), connection.split_whitespace().map(str::to_owned).collect(), " ")
    };
    let (mut mode, mut root_cert, mut kept) = (None, None, Vec::new());
    for p in params {
        match p.split_once('=') {
            Some(("sslmode", v)) => mode = Some(v.trim_matches('\'').to_owned()),
            Some(("sslrootcert", v)) => root_cert = Some(v.trim_matches('\'').to_owned()),
            _ => kept.push(p),
        }
    }
    let (word, tls) = match mode.as_deref() {
        Some("disable") => ("disable", Tls::Off),
        Some("verify-ca" | "verify-full") => ("require", Tls::Verified { root_cert }),
        Some("require") => ("require", Tls::Unverified),
        // allow, prefer, none, or a word tokio-postgres will refuse with its own error.
        Some(other) if !matches!(other, "allow" | "prefer") => {
            kept.push(format!("sslmode={other}"));
            return (join(is_url, &base, &kept, sep), Tls::Unverified);
        }
        _ => ("prefer", Tls::Unverified),
    };
    kept.push(format!("sslmode={word}"));
    (join(is_url, &base, &kept, sep), tls)
}

fn join(is_url: bool, base: &str, params: &[String], sep: &str) -> String {
    if is_url { format!("{base}?{}", params.join(sep)) } else { params.join(sep) }
}

/// The rustls connector for `tls` (never called for [`Tls::Off`]).
pub(crate) fn connector(tls: &Tls) -> Result<MakeRustlsConnect> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error("sql: TLS setup", e))?;
    let config = match tls {
        Tls::Verified { root_cert } => {
            let mut roots = RootCertStore::empty();
            match root_cert {
                Some(path) => {
                    for cert in CertificateDer::pem_file_iter(path).map_err(|e| tls_error("sql: sslrootcert", e))? {
                        roots
                            .add(cert.map_err(|e| tls_error("sql: sslrootcert", e))?)
                            .map_err(|e| tls_error("sql: sslrootcert", e))?;
                    }
                }
                None => {
                    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
                }
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Tls::Off | Tls::Unverified => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider.signature_verification_algorithms)))
            .with_no_client_auth(),
    };
    Ok(MakeRustlsConnect::new(config))
}

fn tls_error(context: &str, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Backend { context: context.to_owned(), source: Box::new(e) }
}

/// libpq's `require`: any certificate is accepted, but the handshake signatures are still checked.
#[derive(Debug)]
struct AnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_words_as_lib_pq() {
        let (s, t) = split_tls("postgres://u@h:5/db?sslmode=disable");
        assert_eq!((s.as_str(), t), ("postgres://u@h:5/db?sslmode=disable", Tls::Off));
        let (s, t) = split_tls("postgres://u@h/db");
        assert_eq!((s.as_str(), t), ("postgres://u@h/db?sslmode=prefer", Tls::Unverified));
        let (s, t) = split_tls("postgres://u@h/db?sslmode=verify-full&sslrootcert=/ca.pem&connect_timeout=3");
        assert_eq!(s, "postgres://u@h/db?connect_timeout=3&sslmode=require");
        assert_eq!(t, Tls::Verified { root_cert: Some("/ca.pem".into()) });
        let (s, t) = split_tls("host=h user=u dbname=d sslmode=require");
        assert_eq!((s.as_str(), t), ("host=h user=u dbname=d sslmode=require", Tls::Unverified));
        let (s, t) = split_tls("host=h sslmode=verify-ca");
        assert_eq!((s.as_str(), t), ("host=h sslmode=require", Tls::Verified { root_cert: None }));
        let (s, _) = split_tls("host=h sslmode=bogus");
        assert_eq!(s, "host=h sslmode=bogus");
    }
}

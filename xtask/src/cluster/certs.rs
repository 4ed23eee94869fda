//! The cluster's PKI, made with the `openssl` CLI: a CA, the API server's serving cert, client certs, the
//! service-account key pair.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// A minimal openssl configuration, so the system's openssl.cnf adds no extensions of its own.
const OPENSSL_CNF: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = @san
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[san]
DNS.1 = localhost
DNS.2 = kubernetes
DNS.3 = kubernetes.default
DNS.4 = kubernetes.default.svc
DNS.5 = kubernetes.default.svc.cluster.local
IP.1 = 127.0.0.1
IP.2 = ::1
IP.3 = 10.96.0.1
";

/// The client identities: (file stem, subject). `system:masters` makes the admin a cluster admin under RBAC.
pub const CLIENTS: &[(&str, &str)] = &[
    ("admin", "/O=system:masters/CN=helm-api-admin"),
    ("kube-controller-manager", "/CN=system:kube-controller-manager"),
    ("kube-scheduler", "/CN=system:kube-scheduler"),
    ("front-proxy-client", "/CN=front-proxy-client"),
];

/// Writes ca.{crt,key}, apiserver.{crt,key}, one {crt,key} pair per client and sa.{key,pub} into `pki`.
pub fn generate(pki: &Path) -> Result<()> {
    std::fs::create_dir_all(pki).with_context(|| format!("creating {}", pki.display()))?;
    std::fs::write(pki.join("openssl.cnf"), OPENSSL_CNF)?;
    let days = "3650";
    // The CA.
    openssl(
        pki,
        &[
            "req",
            "-config",
            "openssl.cnf",
            "-x509",
            "-extensions",
            "ca",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            days,
            "-subj",
            "/CN=helm-api-cluster-ca",
        ],
    )?;
    leaf(pki, "apiserver", "/CN=kube-apiserver", "server")?;
    for (stem, subject) in CLIENTS {
        leaf(pki, stem, subject, "client")?;
    }
    openssl(pki, &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"])?;
    openssl(pki, &["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"])?;
    Ok(())
}

/// A key and a certificate signed by the CA, with the extensions of `section`.
fn leaf(pki: &Path, stem: &str, subject: &str, section: &str) -> Result<()> {
    let (key, crt) = (format!("{stem}.key"), format!("{stem}.crt"));
    openssl(
        pki,
        &[
            "req",
            "-config",
            "openssl.cnf",
            "-x509",
            "-extensions",
            section,
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &crt,
            "-days",
            "3650",
            "-subj",
            subject,
        ],
    )
}

fn openssl(dir: &Path, args: &[&str]) -> Result<()> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .context("starting `openssl` (Debian package openssl) to make the cluster's certificates")?;
    if !out.status.success() {
        bail!("`openssl {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

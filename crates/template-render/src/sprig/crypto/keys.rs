//! Private keys as Sprig makes and reads them: generation, PEM blocks of Sprig's types, public
//! keys and signatures for certificates.

use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use rsa::pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _};
use rsa::pkcs8::EncodePublicKey as _;
use signature::Signer as _;

use super::{der, pem, str_arg};
use crate::exec::CallContext;
use crate::registry::FuncError;
use crate::value::Value;

/// A private key of a type Sprig handles.
pub(crate) enum PrivateKey {
    /// RSA.
    Rsa(Box<rsa::RsaPrivateKey>),
    /// DSA, kept as its DER: Go can neither sign with it nor put its public key in a certificate.
    Dsa(Vec<u8>),
    /// ECDSA on P-256.
    P256(p256::SecretKey),
    /// ECDSA on P-384.
    P384(p384::SecretKey),
    /// ECDSA on P-521.
    P521(p521::SecretKey),
    /// Ed25519.
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// X25519 (Go's `*ecdh.PrivateKey` from PKCS #8), kept as its PKCS #8 DER: it can neither
    /// sign nor go in a certificate.
    X25519(Vec<u8>),
}

/// OIDs Sprig's keys and certificates use.
pub(crate) mod oid {
    /// rsaEncryption.
    pub const RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
    /// sha256WithRSAEncryption.
    pub const SHA256_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
    /// id-ecPublicKey.
    pub const EC: &[u64] = &[1, 2, 840, 10045, 2, 1];
    /// ecdsa-with-SHA256.
    pub const ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
    /// ecdsa-with-SHA512.
    pub const ECDSA_SHA512: &[u64] = &[1, 2, 840, 10045, 4, 3, 4];
    /// ecdsa-with-SHA384.
    pub const ECDSA_SHA384: &[u64] = &[1, 2, 840, 10045, 4, 3, 3];
    /// id-X25519.
    pub const X25519: &[u64] = &[1, 3, 101, 110];
    /// id-Ed25519.
    pub const ED25519: &[u64] = &[1, 3, 101, 112];
    /// prime256v1.
    pub const P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
    /// secp521r1.
    pub const P521: &[u64] = &[1, 3, 132, 0, 35];
    /// secp384r1.
    pub const P384: &[u64] = &[1, 3, 132, 0, 34];
}

impl PrivateKey {
    /// Sprig's `pemBlockForKey`, encoded.
    pub(crate) fn to_pem(&self) -> Result<String, String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        Ok(match self {
            PrivateKey::Rsa(k) => pem::encode("RSA PRIVATE KEY", k.to_pkcs1_der().map_err(|x| e(&x))?.as_bytes()),
            PrivateKey::Dsa(d) => pem::encode("DSA PRIVATE KEY", d),
            PrivateKey::X25519(d) => pem::encode("PRIVATE KEY", d),
            PrivateKey::P256(k) => {
                let point = k.public_key().to_encoded_point(false);
                pem::encode("EC PRIVATE KEY", &sec1(&k.to_bytes(), oid::P256, point.as_bytes()))
            }
            PrivateKey::P384(k) => {
                let point = k.public_key().to_encoded_point(false);
                pem::encode("EC PRIVATE KEY", &sec1(&k.to_bytes(), oid::P384, point.as_bytes()))
            }
            PrivateKey::P521(k) => {
                let point = k.public_key().to_encoded_point(false);
                pem::encode("EC PRIVATE KEY", &sec1(&k.to_bytes(), oid::P521, point.as_bytes()))
            }
            PrivateKey::Ed25519(k) => {
                let info = der::seq(&[
                    der::small_int(0),
                    der::seq(&[der::oid(oid::ED25519)]),
                    der::octets(&der::octets(k.as_bytes())),
                ]);
                pem::encode("PRIVATE KEY", &info)
            }
        })
    }

    /// The DER SubjectPublicKeyInfo of the public key, as Go's `MarshalPKIXPublicKey`.
    pub(crate) fn public_key_info(&self) -> Result<Vec<u8>, String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        Ok(match self {
            PrivateKey::Rsa(k) => k.to_public_key().to_public_key_der().map_err(|x| e(&x))?.into_vec(),
            PrivateKey::Dsa(_) => return Err("x509: unsupported public key type: *dsa.PublicKey".to_owned()),
            PrivateKey::X25519(_) => return Err("x509: unsupported public key type: *ecdh.PublicKey".to_owned()),
            PrivateKey::P256(k) => k.public_key().to_public_key_der().map_err(|x| e(&x))?.into_vec(),
            PrivateKey::P384(k) => k.public_key().to_public_key_der().map_err(|x| e(&x))?.into_vec(),
            PrivateKey::P521(k) => {
                let point = k.public_key().to_encoded_point(false);
                der::seq(&[der::seq(&[der::oid(oid::EC), der::oid(oid::P521)]), der::bits(point.as_bytes())])
            }
            PrivateKey::Ed25519(k) => {
                der::seq(&[der::seq(&[der::oid(oid::ED25519)]), der::bits(k.verifying_key().as_bytes())])
            }
        })
    }

    /// The signature AlgorithmIdentifier Go picks for this signing key.
    pub(crate) fn signature_algorithm(&self) -> Result<Vec<u8>, String> {
        Ok(match self {
            PrivateKey::Rsa(_) => der::seq(&[der::oid(oid::SHA256_RSA), der::null()]),
            PrivateKey::Dsa(_) | PrivateKey::X25519(_) => {
                return Err("x509: certificate private key does not implement crypto.Signer".to_owned());
            }
            PrivateKey::P256(_) => der::seq(&[der::oid(oid::ECDSA_SHA256)]),
            PrivateKey::P384(_) => der::seq(&[der::oid(oid::ECDSA_SHA384)]),
            PrivateKey::P521(_) => der::seq(&[der::oid(oid::ECDSA_SHA512)]),
            PrivateKey::Ed25519(_) => der::seq(&[der::oid(oid::ED25519)]),
        })
    }

    /// Signs `data` with the algorithm of [`PrivateKey::signature_algorithm`].
    pub(crate) fn sign(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        Ok(match self {
            PrivateKey::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(k.as_ref().clone());
                let sig: rsa::pkcs1v15::Signature = signer.try_sign(data).map_err(|e| e.to_string())?;
                signature::SignatureEncoding::to_vec(&sig)
            }
            PrivateKey::Dsa(_) | PrivateKey::X25519(_) => {
                return Err("x509: certificate private key does not implement crypto.Signer".to_owned());
            }
            PrivateKey::P256(k) => {
                let sig: p256::ecdsa::Signature =
                    p256::ecdsa::SigningKey::from(k).try_sign(data).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::P384(k) => {
                let sig: p384::ecdsa::Signature =
                    p384::ecdsa::SigningKey::from(k).try_sign(data).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::P521(k) => {
                let signer = p521::ecdsa::SigningKey::from_bytes(&k.to_bytes()).map_err(|e| e.to_string())?;
                let sig: p521::ecdsa::Signature = signer.try_sign(data).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::Ed25519(k) => k.sign(data).to_bytes().to_vec(),
        })
    }

    /// A new RSA key of `bits` bits.
    pub(crate) fn rsa(bits: usize) -> Result<PrivateKey, String> {
        rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, bits)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("error generating rsa key: {e}"))
    }
}

/// Go's `MarshalECPrivateKey`: version 1, the scalar, the curve and the uncompressed public point.
fn sec1(scalar: &[u8], curve: &[u64], point: &[u8]) -> Vec<u8> {
    der::seq(&[
        der::small_int(1),
        der::octets(scalar),
        der::context(0, true, &der::oid(curve)),
        der::context(1, true, &der::bits(point)),
    ])
}

/// A new DSA key (L=2048, N=256), encoded as Sprig encodes it.
fn dsa_key() -> Vec<u8> {
    let mut rng = rand::rngs::OsRng;
    let components = dsa::Components::generate(&mut rng, dsa::KeySize::DSA_2048_256);
    let key = dsa::SigningKey::generate(&mut rng, components);
    let c = key.verifying_key().components();
    let int = |n: &dsa::BigUint| der::uint(&n.to_bytes_be());
    der::seq(&[der::small_int(0), int(c.p()), int(c.q()), int(c.g()), int(key.verifying_key().y()), int(key.x())])
}

/// `genPrivateKey TYPE`: a PEM private key, or Sprig's message saying why not.
pub(super) fn gen_private_key(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let kind = str_arg(a, 0);
    let key = match kind {
        "" | "rsa" => match rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 4096) {
            Ok(k) => PrivateKey::Rsa(Box::new(k)),
            Err(e) => return Ok(Value::from(format!("failed to generate private key: {e}"))),
        },
        "dsa" => PrivateKey::Dsa(dsa_key()),
        "ecdsa" => PrivateKey::P256(p256::SecretKey::random(&mut rand::rngs::OsRng)),
        "ed25519" => PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng))),
        _ => return Ok(Value::from(format!("Unknown type {kind}"))),
    };
    Ok(Value::from(key.to_pem()?))
}

/// Reads DER TLVs: the tag, the content and what follows, or None when malformed.
pub(crate) fn read_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// Decodes an OID's content bytes into arcs.
pub(crate) fn oid_arcs(content: &[u8]) -> Vec<u64> {
    let mut arcs = Vec::new();
    let mut n = 0u64;
    for &b in content {
        n = (n << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (n / 40).min(2);
                arcs.push(first);
                arcs.push(n - first * 40);
            } else {
                arcs.push(n);
            }
            n = 0;
        }
    }
    arcs
}

/// Go's `ParsePKCS8PrivateKey` for the key types Go knows.
fn parse_pkcs8(bytes: &[u8]) -> Result<PrivateKey, String> {
    let bad = || "x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)".to_owned();
    let (_, info, _) = read_tlv(bytes).filter(|(t, _, _)| *t == 0x30).ok_or_else(bad)?;
    let (_, _version, rest) = read_tlv(info).ok_or_else(bad)?;
    let (_, alg, rest) = read_tlv(rest).ok_or_else(bad)?;
    let (_, private, _) = read_tlv(rest).filter(|(t, _, _)| *t == 0x04).ok_or_else(bad)?;
    let (_, alg_oid, params) = read_tlv(alg).ok_or_else(bad)?;
    let arcs = oid_arcs(alg_oid);
    if arcs == oid::RSA {
        let k = rsa::RsaPrivateKey::from_pkcs1_der(private)
            .map_err(|e| format!("x509: failed to parse RSA private key embedded in PKCS#8: {e}"))?;
        Ok(PrivateKey::Rsa(Box::new(k)))
    } else if arcs == oid::EC {
        let curve = read_tlv(params).map(|(_, c, _)| oid_arcs(c)).unwrap_or_default();
        parse_ec(private, Some(&curve))
            .map_err(|e| format!("x509: failed to parse EC private key embedded in PKCS#8: {e}"))
    } else if arcs == oid::ED25519 {
        let (_, seed, _) = read_tlv(private).ok_or("x509: invalid Ed25519 private key: asn1: syntax error")?;
        let seed: [u8; 32] =
            seed.try_into().map_err(|_| format!("x509: invalid Ed25519 private key length: {}", seed.len()))?;
        Ok(PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&seed))))
    } else if arcs == oid::X25519 {
        match read_tlv(private) {
            Some((0x04, key, _)) if key.len() == 32 => Ok(PrivateKey::X25519(bytes.to_vec())),
            _ => Err("x509: failed to parse X25519 private key embedded in PKCS#8: invalid size".to_owned()),
        }
    } else {
        let text: Vec<String> = arcs.iter().map(u64::to_string).collect();
        Err(format!("x509: PKCS#8 wrapping contained private key with unknown algorithm: {}", text.join(".")))
    }
}

/// Go's `ParseECPrivateKey` for P-256, P-384 and P-521 (the curve from the key, or from PKCS #8).
fn parse_ec(bytes: &[u8], curve: Option<&[u64]>) -> Result<PrivateKey, String> {
    if let Ok(k) = p256::SecretKey::from_sec1_der(bytes)
        && curve.is_none_or(|c| c == oid::P256)
    {
        return Ok(PrivateKey::P256(k));
    }
    if let Ok(k) = p384::SecretKey::from_sec1_der(bytes)
        && curve.is_none_or(|c| c == oid::P384)
    {
        return Ok(PrivateKey::P384(k));
    }
    if let Ok(k) = p521::SecretKey::from_sec1_der(bytes)
        && curve.is_none_or(|c| c == oid::P521)
    {
        return Ok(PrivateKey::P521(k));
    }
    Err("x509: unknown elliptic curve".to_owned())
}

/// Sprig's `parsePrivateKeyPEM`.
pub(crate) fn parse_private_key_pem(text: &str) -> Result<PrivateKey, String> {
    let block = pem::decode(text).ok_or("no PEM data in input")?;
    if block.kind == "PRIVATE KEY" {
        return parse_pkcs8(&block.bytes).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(kind) = block.kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {}", block.kind));
    };
    match kind {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&block.bytes)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => parse_ec(&block.bytes, None).map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => match read_tlv(&block.bytes) {
            Some((0x30, _, _)) => Ok(PrivateKey::Dsa(block.bytes)),
            _ => Err("parsing DSA private key from PEM: asn1: structure error".to_owned()),
        },
        _ => Err(format!("invalid private key type {}", block.kind)),
    }
}

//! Certificates as Sprig makes them (genCA, genSelfSignedCert, genSignedCert and their WithKey
//! forms, buildCustomCert): the fields and extensions of Go's `x509.CreateCertificate` for
//! Sprig's template, signed with the key's usual algorithm.

use std::borrow::Cow;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::Digest as _;

use super::keys::{PrivateKey, oid_arcs, parse_private_key_pem, read_tlv};
use super::{base64, der, int_arg, pem, str_arg};
use crate::exec::CallContext;
use crate::registry::FuncError;
use crate::value::{Object, Value};

/// Sprig's `certificate`: a PEM certificate and its PEM private key.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The certificate, PEM.
    pub cert: String,
    /// The private key, PEM.
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("sprig.certificate")
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::from(self.cert.as_str())),
            "Key" => Some(Value::from(self.key.as_str())),
            _ => None,
        }
    }
    fn fields(&self) -> Vec<(Cow<'_, str>, Value)> {
        vec![
            (Cow::Borrowed("Cert"), Value::from(self.cert.as_str())),
            (Cow::Borrowed("Key"), Value::from(self.key.as_str())),
        ]
    }
}

const KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
const BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
const AUTHORITY_KEY_ID: &[u64] = &[2, 5, 29, 35];
const SUBJECT_ALT_NAME: &[u64] = &[2, 5, 29, 17];
const COMMON_NAME: &[u64] = &[2, 5, 4, 3];
const SERVER_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 1];
const CLIENT_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 2];

/// What Sprig's `getBaseCertTemplate` fills in, and the CA override.
struct Template {
    common_name: String,
    ips: Vec<IpAddr>,
    dns_names: Vec<String>,
    days_valid: i64,
    is_ca: bool,
}

/// The certificate that signs: its subject (the new certificate's issuer) and key identifier.
struct Parent {
    subject: Vec<u8>,
    key_id: Option<Vec<u8>>,
    public_key_info: Option<Vec<u8>>,
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut items = vec![der::oid(id)];
    if critical {
        items.push(der::boolean(true));
    }
    items.push(der::octets(value));
    der::seq(&items)
}

/// Go's choice of string type for a name attribute: PrintableString when it can, else UTF8String.
fn directory_string(s: &str) -> Vec<u8> {
    let printable = s.bytes().all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?*".contains(&b));
    der::tlv(if printable { 0x13 } else { 0x0c }, s.as_bytes())
}

fn name(common_name: &str) -> Vec<u8> {
    if common_name.is_empty() {
        return der::seq(&[]);
    }
    let attr = der::seq(&[der::oid(COMMON_NAME), directory_string(common_name)]);
    der::seq(&[der::tlv(0x31, &attr)])
}

/// UTCTime for years 1950 to 2049, GeneralizedTime otherwise, as Go writes validity times.
fn time(unix: i64) -> Result<Vec<u8>, String> {
    let ts = jiff::Timestamp::from_second(unix).map_err(|e| format!("error creating certificate: {e}"))?;
    let dt = ts.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    let (y, rest) =
        (dt.year(), format!("{:02}{:02}{:02}{:02}{:02}Z", dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second()));
    Ok(if (1950..2050).contains(&y) {
        der::tlv(0x17, format!("{:02}{rest}", y % 100).as_bytes())
    } else {
        der::tlv(0x18, format!("{y:04}{rest}").as_bytes())
    })
}

/// Go's `x509.CreateCertificate(rand, template, parent, signee's public key, signer)`, PEM.
fn create(t: &Template, signee: &PrivateKey, parent: Option<&Parent>, signer: &PrivateKey) -> Result<String, String> {
    let fail = |e: String| format!("error creating certificate: {e}");
    let signature_algorithm = signer.signature_algorithm().map_err(fail)?;
    if let Some(spki) = parent.and_then(|p| p.public_key_info.as_ref())
        && *spki != signer.public_key_info().map_err(fail)?
    {
        return Err(fail("x509: provided PrivateKey doesn't match parent's PublicKey".to_owned()));
    }
    let spki = signee.public_key_info().map_err(fail)?;
    let subject = name(&t.common_name);
    let issuer = parent.map_or_else(|| subject.clone(), |p| p.subject.clone());

    let mut serial = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut serial);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let not_after = now.saturating_add(t.days_valid.saturating_mul(86_400));

    let mut exts = Vec::new();
    let key_usage = if t.is_ca { [0x02, 0xa4] } else { [0x05, 0xa0] };
    exts.push(extension(KEY_USAGE, true, &der::tlv(0x03, &key_usage)));
    exts.push(extension(EXT_KEY_USAGE, false, &der::seq(&[der::oid(SERVER_AUTH), der::oid(CLIENT_AUTH)])));
    let constraints = if t.is_ca { der::seq(&[der::boolean(true)]) } else { der::seq(&[]) };
    exts.push(extension(BASIC_CONSTRAINTS, true, &constraints));
    if t.is_ca {
        // Go derives a missing CA key identifier from the public key: truncated SHA-256 since Go 1.25.
        let (_, info, _) = read_tlv(&spki).ok_or("bad public key")?;
        let (_, _, rest) = read_tlv(info).ok_or("bad public key")?;
        let (_, bits, _) = read_tlv(rest).ok_or("bad public key")?;
        let digest = sha2::Sha256::digest(bits.get(1..).unwrap_or_default());
        exts.push(extension(SUBJECT_KEY_ID, false, &der::octets(&digest[..20])));
    }
    if let Some(key_id) = parent.and_then(|p| p.key_id.as_ref()).filter(|_| issuer != subject) {
        exts.push(extension(AUTHORITY_KEY_ID, false, &der::seq(&[der::context(0, false, key_id)])));
    }
    if !t.dns_names.is_empty() || !t.ips.is_empty() {
        let mut names: Vec<Vec<u8>> = t.dns_names.iter().map(|d| der::context(2, false, d.as_bytes())).collect();
        for ip in &t.ips {
            let bytes = match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => v6.octets().to_vec(),
                },
            };
            names.push(der::context(7, false, &bytes));
        }
        exts.push(extension(SUBJECT_ALT_NAME, subject.len() == 2, &der::seq(&names)));
    }

    let tbs = der::seq(&[
        der::context(0, true, &der::small_int(2)),
        der::uint(&serial),
        signature_algorithm.clone(),
        issuer,
        der::seq(&[time(now)?, time(not_after)?]),
        subject,
        spki,
        der::context(3, true, &der::seq(&exts)),
    ]);
    let signature = signer.sign(&tbs).map_err(fail)?;
    let cert = der::seq(&[tbs, signature_algorithm, der::bits(&signature)]);
    Ok(pem::encode("CERTIFICATE", &cert))
}

/// Sprig's `getCertAndKey`.
fn cert_and_key(
    t: &Template,
    signee: &PrivateKey,
    parent: Option<&Parent>,
    signer: &PrivateKey,
) -> Result<Value, String> {
    let cert = create(t, signee, parent, signer)?;
    let key = signee.to_pem().map_err(|e| format!("error pem-encoding key: {e}"))?;
    Ok(Value::object(Certificate { cert, key }))
}

/// The elements of a `[]interface{}` argument (nil is empty).
fn elements(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.as_ref().clone(),
        Value::Object(o) => o.elements().unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Sprig's `getBaseCertTemplate`: checks the IPs and DNS names.
fn template(cn: &str, ips: &Value, dns: &Value, days_valid: i64) -> Result<Template, String> {
    let mut parsed = Vec::new();
    for ip in elements(ips) {
        let Some(s) = ip.as_str().filter(|_| matches!(ip, Value::String(_))) else {
            return Err(format!("error parsing ip: {} is not a string", crate::gofmt::sprint(&[ip])));
        };
        parsed.push(parse_ip(s).ok_or_else(|| format!("error parsing ip: {s}"))?);
    }
    let mut dns_names = Vec::new();
    for d in elements(dns) {
        let Some(s) = d.as_str().filter(|_| matches!(d, Value::String(_))) else {
            return Err(format!("error processing alternate dns name: {} is not a string", crate::gofmt::sprint(&[d])));
        };
        dns_names.push(s.to_owned());
    }
    Ok(Template { common_name: cn.to_owned(), ips: parsed, dns_names, days_valid, is_ca: false })
}

/// Go's `net.ParseIP`: dotted IPv4 (no leading zeros) or IPv6 (no zone).
fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse().ok()
}

/// Reads a PEM certificate as the parent of a new one.
fn parent(ca_cert: &str) -> Result<Parent, String> {
    let block = pem::decode(ca_cert).ok_or("unable to decode certificate")?;
    let bad = |what: &str| format!("error parsing certificate: decodedSignerCert.Bytes: x509: malformed {what}");
    let (_, cert, _) = read_tlv(&block.bytes).filter(|(t, _, _)| *t == 0x30).ok_or_else(|| bad("certificate"))?;
    let (_, tbs, _) = read_tlv(cert).filter(|(t, _, _)| *t == 0x30).ok_or_else(|| bad("tbs certificate"))?;
    let mut rest = tbs;
    let mut items = Vec::new();
    while !rest.is_empty() {
        let (tag, content, next) = read_tlv(rest).ok_or_else(|| bad("tbs certificate"))?;
        items.push((tag, content, &rest[..rest.len() - next.len()]));
        rest = next;
    }
    // Version is optional; then serial, signature, issuer, validity, subject, key, ..., [3] extensions.
    let start = usize::from(items.first().is_some_and(|(t, _, _)| *t == 0xa0));
    let subject = items.get(start + 4).ok_or_else(|| bad("subject"))?.2.to_vec();
    let public_key_info = items.get(start + 5).map(|i| i.2.to_vec());
    let mut key_id = None;
    if let Some((_, exts, _)) = items.iter().find(|(t, _, _)| *t == 0xa3) {
        let (_, mut list, _) = read_tlv(exts).ok_or_else(|| bad("extensions"))?;
        while let Some((_, ext, next)) = read_tlv(list) {
            let (_, id, mut fields) = read_tlv(ext).ok_or_else(|| bad("extension"))?;
            if oid_arcs(id) == SUBJECT_KEY_ID {
                while let Some((tag, value, more)) = read_tlv(fields) {
                    if tag == 0x04 {
                        key_id = read_tlv(value).map(|(_, k, _)| k.to_vec());
                    }
                    fields = more;
                }
            }
            list = next;
        }
    }
    Ok(Parent { subject, key_id, public_key_info })
}

fn key_arg(a: &[Value], i: usize) -> Result<PrivateKey, String> {
    parse_private_key_pem(str_arg(a, i)).map_err(|e| format!("parsing private key: {e}"))
}

fn ca(cn: &str, days: i64, key: &PrivateKey) -> Result<Value, String> {
    let mut t = template(cn, &Value::Nil, &Value::Nil, days)?;
    t.is_ca = true;
    cert_and_key(&t, key, None, key)
}

pub(super) fn gen_ca(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    ca(str_arg(a, 0), int_arg(a, 1), &PrivateKey::rsa(2048)?)
}

pub(super) fn gen_ca_with_key(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    ca(str_arg(a, 0), int_arg(a, 1), &key_arg(a, 2)?)
}

fn self_signed(a: &[Value], key: &PrivateKey) -> Result<Value, String> {
    let t = template(str_arg(a, 0), &a[1], &a[2], int_arg(a, 3))?;
    cert_and_key(&t, key, None, key)
}

pub(super) fn gen_self_signed_cert(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    self_signed(a, &PrivateKey::rsa(2048)?)
}

pub(super) fn gen_self_signed_cert_with_key(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    self_signed(a, &key_arg(a, 4)?)
}

fn signed(a: &[Value], key: &PrivateKey) -> Result<Value, String> {
    let (ca_cert, ca_key) = match &a[4] {
        Value::Object(o) => (
            o.field("Cert").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            o.field("Key").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        ),
        _ => (String::new(), String::new()),
    };
    let parent = parent(&ca_cert)?;
    let signer = parse_private_key_pem(&ca_key).map_err(|e| format!("error parsing private key: {e}"))?;
    let t = template(str_arg(a, 0), &a[1], &a[2], int_arg(a, 3))?;
    cert_and_key(&t, key, Some(&parent), &signer)
}

pub(super) fn gen_signed_cert(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    // Sprig makes the key before it reads the CA.
    let key = PrivateKey::rsa(2048)?;
    signed(a, &key)
}

pub(super) fn gen_signed_cert_with_key(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    signed(a, &key_arg(a, 5)?)
}

pub(super) fn build_custom_cert(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let cert = base64::decode(str_arg(a, 0)).map_err(|_| "unable to decode base64 certificate".to_owned())?;
    let key = base64::decode(str_arg(a, 1)).map_err(|_| "unable to decode base64 private key".to_owned())?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let block = pem::decode(&cert).ok_or("unable to decode certificate")?;
    if !matches!(read_tlv(&block.bytes), Some((0x30, _, rest)) if rest.is_empty()) {
        return Err("error parsing certificate: decodedCert.Bytes: x509: malformed certificate".to_owned());
    }
    parse_private_key_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(Value::object(Certificate { cert, key }))
}

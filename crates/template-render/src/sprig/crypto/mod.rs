//! Sprig's crypto functions: hashes, derivePassword, AES, bcrypt, keys and certificates.

mod aes;
mod base64;
mod cert;
mod der;
mod keys;
mod password;
mod pem;

use std::fmt::Write as _;

use sha1::Digest as _;

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Kind, Value};

use GoType::{Int, List, String as Str};

/// Sprig's unexported `certificate` struct, as a parameter type.
const CERT: GoType = GoType::Named(&crate::value::NamedType { name: "sprig.certificate", kind: Kind::Struct });
/// Go's `uint32`.
const UINT32: GoType = GoType::Named(&crate::value::NamedType { name: "uint32", kind: Kind::Uint });

/// The crypto functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("sha1sum", &[Str], sha1sum),
    Function::new("sha256sum", &[Str], sha256sum),
    Function::new("sha512sum", &[Str], sha512sum),
    Function::new("adler32sum", &[Str], adler32sum),
    Function::new("bcrypt", &[Str], password::bcrypt),
    Function::new("htpasswd", &[Str, Str], password::htpasswd),
    Function::new("derivePassword", &[UINT32, Str, Str, Str, Str], password::derive_password),
    Function::new("randBytes", &[Int], rand_bytes),
    Function::new("uuidv4", &[], uuidv4),
    Function::new("encryptAES", &[Str, Str], aes::encrypt),
    Function::new("decryptAES", &[Str, Str], aes::decrypt),
    Function::new("genPrivateKey", &[Str], keys::gen_private_key),
    Function::new("buildCustomCert", &[Str, Str], cert::build_custom_cert),
    Function::new("genCA", &[Str, Int], cert::gen_ca),
    Function::new("genCAWithKey", &[Str, Int, Str], cert::gen_ca_with_key),
    Function::new("genSelfSignedCert", &[Str, List, List, Int], cert::gen_self_signed_cert),
    Function::new("genSelfSignedCertWithKey", &[Str, List, List, Int, Str], cert::gen_self_signed_cert_with_key),
    Function::new("genSignedCert", &[Str, List, List, Int, CERT], cert::gen_signed_cert),
    Function::new("genSignedCertWithKey", &[Str, List, List, Int, CERT, Str], cert::gen_signed_cert_with_key),
];

/// The string argument `i` (the executor has already checked the signature).
pub(crate) fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

/// The int argument `i`.
pub(crate) fn int_arg(args: &[Value], i: usize) -> i64 {
    args.get(i).and_then(Value::as_int).unwrap_or(0)
}

/// Lowercase hexadecimal, as Go's `hex.EncodeToString`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn sha1sum(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(hex(&sha1::Sha1::digest(str_arg(a, 0).as_bytes()))))
}

fn sha256sum(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(hex(&sha2::Sha256::digest(str_arg(a, 0).as_bytes()))))
}

fn sha512sum(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(hex(&sha2::Sha512::digest(str_arg(a, 0).as_bytes()))))
}

/// Adler-32 (RFC 1950), printed in decimal as Sprig does.
fn adler32sum(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    const MOD: u32 = 65521;
    let (mut s1, mut s2) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before the u32 sums could overflow.
    for chunk in str_arg(a, 0).as_bytes().chunks(5552) {
        for &b in chunk {
            s1 += u32::from(b);
            s2 += s1;
        }
        s1 %= MOD;
        s2 %= MOD;
    }
    Ok(Value::from(((s2 << 16) | s1).to_string()))
}

/// `randBytes`: base64 of `count` bytes from the system's secure source.
fn rand_bytes(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let count = int_arg(a, 0);
    let count = usize::try_from(count).map_err(|_| "runtime error: makeslice: len out of range".to_owned())?;
    if count > 1 << 30 {
        return Err("runtime error: makeslice: len out of range".to_owned());
    }
    let mut buf = vec![0u8; count];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut buf);
    Ok(Value::from(base64::encode(&buf)))
}

/// A random (version 4, variant 10) UUID in its canonical text form.
fn uuidv4(_: &mut CallContext<'_, '_>, _: &[Value]) -> Result<Value, FuncError> {
    let mut b = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(Value::from(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])))
}

//! Password functions: bcrypt, htpasswd and derivePassword (the Master Password algorithm).

use hmac::Mac as _;

use super::str_arg;
use crate::exec::CallContext;
use crate::registry::FuncError;
use crate::value::Value;

/// Go's `bcrypt.DefaultCost`.
const DEFAULT_COST: u32 = 10;

/// A `$2a$` bcrypt hash of `input` with cost 10, or Sprig's message when it fails.
fn bcrypt_hash(input: &str) -> String {
    // Go's bcrypt refuses passwords over 72 bytes (since x/crypto v0.36).
    if input.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes".to_owned();
    }
    match bcrypt::hash_with_result(input, DEFAULT_COST) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

pub(super) fn bcrypt(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(bcrypt_hash(str_arg(a, 0))))
}

pub(super) fn htpasswd(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let (user, password) = (str_arg(a, 0), str_arg(a, 1));
    if user.contains(':') {
        return Ok(Value::from(format!("invalid username: {user}")));
    }
    Ok(Value::from(format!("{user}:{}", bcrypt_hash(password))))
}

const SEED: &str = "com.lyndir.masterpassword";

/// The password templates of each password type.
fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

/// The characters a template letter stands for.
fn characters(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// `derivePassword counter type password user site`.
pub(super) fn derive_password(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let counter = a.first().and_then(Value::as_uint).unwrap_or(0) as u32;
    let (kind, password, user, site) = (str_arg(a, 1), str_arg(a, 2), str_arg(a, 3), str_arg(a, 4));
    let Some(templates) = templates(kind) else {
        return Ok(Value::from(format!("cannot find password template {kind}")));
    };
    let mut salt = Vec::with_capacity(SEED.len() + 4 + user.len());
    salt.extend_from_slice(SEED.as_bytes());
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = scrypt::Params::new(15, 8, 2, 64).map_err(|e| e.to_string())?;
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return Ok(Value::from(format!("failed to derive password: {e}")));
    }
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(SEED.as_bytes());
    mac.update(&(site.len() as u32).to_be_bytes());
    mac.update(site.as_bytes());
    mac.update(&counter.to_be_bytes());
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()];
    let password: String = template
        .bytes()
        .enumerate()
        .map(|(i, class)| {
            let chars = characters(class);
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect();
    Ok(Value::from(password))
}

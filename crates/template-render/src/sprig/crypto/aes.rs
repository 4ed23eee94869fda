//! encryptAES and decryptAES: AES-256-CBC with the password as the key (zero-padded or cut to
//! 32 bytes), PKCS #7 padding, a random IV before the ciphertext, all in base64.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::NoPadding};

use super::{base64, str_arg};
use crate::exec::CallContext;
use crate::registry::FuncError;
use crate::value::Value;

const BLOCK: usize = 16;

fn key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    key
}

pub(super) fn encrypt(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let (password, plaintext) = (str_arg(a, 0), str_arg(a, 1));
    if plaintext.is_empty() {
        return Ok(Value::from(""));
    }
    let padding = BLOCK - plaintext.len() % BLOCK;
    let mut buf = Vec::with_capacity(BLOCK + plaintext.len() + padding);
    let mut iv = [0u8; BLOCK];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut iv);
    buf.extend_from_slice(&iv);
    buf.extend_from_slice(plaintext.as_bytes());
    buf.extend(std::iter::repeat_n(padding as u8, padding));
    let enc = cbc::Encryptor::<aes::Aes256>::new(&key(password).into(), &iv.into());
    let len = buf.len() - BLOCK;
    enc.encrypt_padded_mut::<NoPadding>(&mut buf[BLOCK..], len).map_err(|e| e.to_string())?;
    Ok(Value::from(base64::encode(&buf)))
}

pub(super) fn decrypt(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let (password, crypt64) = (str_arg(a, 0), str_arg(a, 1));
    if crypt64.is_empty() {
        return Ok(Value::from(""));
    }
    let crypt = base64::decode(crypt64)?;
    // Sprig does no checks of its own: these are the panics Go's runtime turns them into.
    if crypt.len() < BLOCK {
        // Go's decoder allocates three bytes per four characters: that is the slice's capacity.
        let capacity = crypt64.len() / 4 * 3;
        return Err(format!("runtime error: slice bounds out of range [:{BLOCK}] with capacity {capacity}"));
    }
    let (iv, body) = crypt.split_at(BLOCK);
    if body.len() % BLOCK != 0 {
        return Err("crypto/cipher: input not full blocks".to_owned());
    }
    let mut buf = body.to_vec();
    let iv: [u8; BLOCK] = iv.try_into().map_err(|_| "crypto/cipher: bad IV length".to_owned())?;
    let dec = cbc::Decryptor::<aes::Aes256>::new(&key(password).into(), &iv.into());
    dec.decrypt_padded_mut::<NoPadding>(&mut buf).map_err(|e| e.to_string())?;
    let Some(&last) = buf.last() else {
        return Err("runtime error: index out of range [-1]".to_owned());
    };
    let keep = buf.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(format!("runtime error: slice bounds out of range [:{keep}]"));
    }
    buf.truncate(keep as usize);
    // Go's string conversion keeps invalid UTF-8 bytes; a template prints them as they are.
    Ok(Value::from(String::from_utf8_lossy(&buf).into_owned()))
}

//! Encryption at rest of context records: AES-256-GCM with a random nonce, the context name as associated data.

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

use crate::error::{Error, Result};

/// The nonce length of AES-GCM.
const NONCE_LEN: usize = 12;

/// A 256-bit key and the cipher built from it. `Debug` never prints the key.
#[derive(Clone)]
pub struct Cipher {
    aead: Aes256Gcm,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(<key redacted>)")
    }
}

impl Cipher {
    /// A cipher from 32 key bytes.
    pub fn new(key: &[u8]) -> Result<Self> {
        let aead = Aes256Gcm::new_from_slice(key)
            .map_err(|_| Error::InvalidArgument("the encryption key must be 32 bytes".to_owned()))?;
        Ok(Self { aead })
    }

    /// A cipher from a key written as 64 hexadecimal digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<Self> {
        let key = decode_hex(text.trim())
            .ok_or_else(|| Error::InvalidArgument("the encryption key must be 64 hexadecimal digits".to_owned()))?;
        Self::new(&key)
    }

    /// A new random key as 64 hexadecimal digits.
    pub fn generate_hex_key() -> String {
        random_hex(32)
    }

    /// Encrypts `plaintext` bound to `aad`: nonce followed by ciphertext and tag.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .aead
            .encrypt(&nonce, Payload { msg: plaintext, aad })
            .map_err(|_| Error::Internal("encryption failed".to_owned()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts what `seal` wrote for the same `aad`.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return Err(Error::Internal("a stored record is truncated".to_owned()));
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.aead
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
            .map_err(|_| Error::Internal("a stored record cannot be decrypted (wrong encryption key?)".to_owned()))
    }
}

/// `n` random bytes as lowercase hexadecimal (tokens, keys, generated names).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let cipher = Cipher::from_hex(&Cipher::generate_hex_key()).unwrap();
        let sealed = cipher.seal(b"ctx-a", b"kubeconfig").unwrap();
        assert_eq!(cipher.open(b"ctx-a", &sealed).unwrap(), b"kubeconfig");
        assert!(cipher.open(b"ctx-b", &sealed).is_err(), "bound to the name");
        let other = Cipher::from_hex(&Cipher::generate_hex_key()).unwrap();
        assert!(other.open(b"ctx-a", &sealed).is_err(), "wrong key");
        assert!(cipher.open(b"ctx-a", &sealed[..5]).is_err());
    }

    #[test]
    fn bad_keys() {
        assert!(Cipher::from_hex("abc").is_err());
        assert!(Cipher::from_hex(&"zz".repeat(32)).is_err());
        assert!(Cipher::from_hex(&"ab".repeat(16)).is_err());
        assert!(Cipher::from_hex(&format!(" {}\n", "ab".repeat(32))).is_ok());
    }
}

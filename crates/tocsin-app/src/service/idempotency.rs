//! Idempotent submissions: the key a report form renders as a hidden field (or an API
//! client sends as `Idempotency-Key`), bound to who submits and what, so that a repeated
//! submission (a double click, a reload, back and resubmit, a retry) within a day gets the
//! first receipt and files nothing new. Only hashes are stored; the first receipt's status
//! secret is kept sealed with a pad derived from the key and the content, so only a caller
//! holding both can open it again.

use base64::Engine;
use sha2::{Digest, Sha256};
use tocsin_domain::Timestamp;

/// How long a key is remembered.
pub const WINDOW_HOURS: i64 = 24;

/// Most characters of a key taken into account (a longer one is cut).
const MAX_KEY_CHARS: usize = 200;

/// A submission's identity: the stored hash and the sealing pad.
#[derive(Clone)]
pub(crate) struct Idem {
    /// What the row is found by.
    pub key_hash: [u8; 32],
    /// XORed with the status secret's bytes.
    pad: [u8; 32],
}

impl std::fmt::Debug for Idem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Idem(…)")
    }
}

/// Builds the identity of a submission from the caller's key and the parts of its content
/// (each length-prefixed, so no two different contents collide by concatenation); None
/// when the caller sent no key.
pub(crate) fn idem(key: Option<&str>, scope: &str, parts: &[&[u8]]) -> Option<Idem> {
    let key = key.map(str::trim).filter(|k| !k.is_empty())?;
    let key: String = key.chars().take(MAX_KEY_CHARS).collect();
    let mut h = Sha256::new();
    for p in [
        b"tocsin-idempotency".as_slice(),
        scope.as_bytes(),
        key.as_bytes(),
    ]
    .into_iter()
    .chain(parts.iter().copied())
    {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    let seed = h.finalize();
    let derive = |label: &[u8]| -> [u8; 32] {
        let mut d = Sha256::new();
        d.update(label);
        d.update(seed);
        d.finalize().into()
    };
    Some(Idem {
        key_hash: derive(b"key"),
        pad: derive(b"pad"),
    })
}

impl Idem {
    /// The status secret sealed for storage (empty if it is not of the expected shape).
    pub fn seal(&self, secret: &str) -> Vec<u8> {
        match base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(secret) {
            Ok(b) if b.len() == self.pad.len() => {
                b.iter().zip(self.pad.iter()).map(|(x, p)| x ^ p).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The status secret a row sealed, if it holds one.
    pub fn open(&self, sealed: &[u8]) -> Option<String> {
        if sealed.len() != self.pad.len() {
            return None;
        }
        let b: Vec<u8> = sealed
            .iter()
            .zip(self.pad.iter())
            .map(|(x, p)| x ^ p)
            .collect();
        Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
    }
}

/// The oldest key still remembered at `now`.
pub(crate) fn since(now: Timestamp) -> Timestamp {
    now.plus(time::Duration::hours(-WINDOW_HOURS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_key_and_content_is_the_same_submission() {
        let a = idem(Some("k1"), "incident", &[b"x", b"y"]).expect("key");
        let b = idem(Some(" k1 "), "incident", &[b"x", b"y"]).expect("key");
        assert_eq!(a.key_hash, b.key_hash);
        let other_content = idem(Some("k1"), "incident", &[b"xy", b""]).expect("key");
        assert_ne!(a.key_hash, other_content.key_hash);
        let other_key = idem(Some("k2"), "incident", &[b"x", b"y"]).expect("key");
        assert_ne!(a.key_hash, other_key.key_hash);
        let other_scope = idem(Some("k1"), "phishing", &[b"x", b"y"]).expect("key");
        assert_ne!(a.key_hash, other_scope.key_hash);
        assert!(idem(Some("  "), "incident", &[]).is_none());
        assert!(idem(None, "incident", &[]).is_none());
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_pad() {
        let a = idem(Some("k1"), "incident", &[b"x"]).expect("key");
        let b = idem(Some("k2"), "incident", &[b"x"]).expect("key");
        let secret = crate::auth::new_secret();
        let sealed = a.seal(&secret);
        assert_eq!(sealed.len(), 32);
        assert_eq!(a.open(&sealed).as_deref(), Some(secret.as_str()));
        assert_ne!(b.open(&sealed).as_deref(), Some(secret.as_str()));
        assert_eq!(a.open(&[]), None);
    }
}

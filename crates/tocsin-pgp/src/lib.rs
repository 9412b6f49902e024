//! The desk's OpenPGP, and nothing else: its key pair, signing (clear-signed text and
//! detached signatures), verifying, encrypting to recipients' certificates, decrypting
//! what is sent to the desk, armored text, and the Web Key Directory hash.
//!
//! A crate of its own so that rPGP's compile cost stays in one place; MIME (PGP/MIME,
//! RFC 3156) is `tocsin-mail`'s and `tocsin-formats`'s. Keys are v4 Curve25519 (EdDSA
//! primary that certifies and signs, ECDH encryption subkey), which every GnuPG since 2.1
//! reads. Times are given by the caller (the desk's clock), never read here.

use std::io::Cursor;

use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, Deserializable, DetachedSignature, EncryptionCaps,
    KeyType, Message, MessageBuilder, SecretKeyParamsBuilder, SignedPublicKey, SignedSecretKey,
    SubkeyParamsBuilder, SubpacketConfig,
};
use pgp::crypto::ecc_curve::ECCCurve;
use pgp::crypto::hash::HashAlgorithm;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{SignatureConfig, SignatureType, Subpacket, SubpacketData};
use pgp::ser::Serialize;
use pgp::types::{CompressionAlgorithm, KeyDetails, Password, Timestamp, VerifyingKey};
use rand_core::OsRng;
use sha1::{Digest, Sha1};

mod wkd;

pub use wkd::{wkd_hash, wkd_local_part, zbase32};

/// Why an OpenPGP operation failed. The message is rPGP's, for the log; callers show
/// their own words to users.
#[derive(Debug, thiserror::Error)]
pub enum PgpError {
    /// The text is not an OpenPGP key (or not the kind expected).
    #[error("not an OpenPGP {expected}: {detail}")]
    NotAKey {
        /// What was expected: `public key` or `secret key`.
        expected: &'static str,
        /// rPGP's reason.
        detail: String,
    },
    /// The key's self-signatures do not verify.
    #[error("the key's self-signatures do not verify: {0}")]
    Bindings(String),
    /// The secret key cannot be unlocked with the passphrase given.
    #[error("the secret key cannot be used with the passphrase given")]
    Locked,
    /// The certificate has no key that may encrypt.
    #[error("the key {0} has no encryption key")]
    NoEncryptionKey(String),
    /// The data is not an OpenPGP message, or is not for the desk's key.
    #[error("cannot decrypt: {0}")]
    Decrypt(String),
    /// Signing, encrypting or armoring failed.
    #[error("OpenPGP: {0}")]
    Pgp(String),
}

fn pgp_err(e: impl std::fmt::Display) -> PgpError {
    PgpError::Pgp(e.to_string())
}

/// A public certificate: the desk's, a user's uploaded key, a team's.
#[derive(Clone, Debug)]
pub struct PublicCert {
    key: SignedPublicKey,
}

impl PublicCert {
    /// Reads an armored (or binary) public key and checks its self-signatures.
    pub fn parse(data: &[u8]) -> Result<PublicCert, PgpError> {
        let (key, _) = SignedPublicKey::from_reader_single(Cursor::new(data)).map_err(|e| {
            PgpError::NotAKey {
                expected: "public key",
                detail: e.to_string(),
            }
        })?;
        key.verify_bindings()
            .map_err(|e| PgpError::Bindings(e.to_string()))?;
        Ok(PublicCert { key })
    }

    /// The armored key (`-----BEGIN PGP PUBLIC KEY BLOCK-----`).
    pub fn armored(&self) -> Result<String, PgpError> {
        self.key
            .to_armored_string(ArmorOptions::default())
            .map_err(pgp_err)
    }

    /// The key as binary packets, as WKD serves it.
    pub fn binary(&self) -> Result<Vec<u8>, PgpError> {
        self.key.to_bytes().map_err(pgp_err)
    }

    /// The fingerprint, upper-case hexadecimal without spaces (as `gpg --with-colons`).
    pub fn fingerprint(&self) -> String {
        format!("{:X}", self.key.fingerprint())
    }

    /// The user ids, as written in the key (lossy UTF-8).
    pub fn user_ids(&self) -> Vec<String> {
        self.key
            .details
            .users
            .iter()
            .map(|u| String::from_utf8_lossy(u.id.id()).into_owned())
            .collect()
    }

    /// Whether mail can be encrypted to it: it has a subkey of an encrypting algorithm.
    pub fn can_encrypt(&self) -> bool {
        self.encryption_key().is_some()
    }

    fn encryption_key(&self) -> Option<&pgp::composed::SignedPublicSubKey> {
        self.key
            .public_subkeys
            .iter()
            .find(|s| s.key.algorithm().can_encrypt())
    }

    /// Whether a user id names `address` (case-insensitive, `<address>` or bare).
    pub fn has_address(&self, address: &str) -> bool {
        let address = address.trim().to_lowercase();
        self.user_ids().iter().any(|u| {
            let u = u.to_lowercase();
            u == address || u.contains(&format!("<{address}>"))
        })
    }

    /// The keys that may have made a signature: the primary and every subkey.
    fn verifiers(&self) -> Vec<&dyn VerifyingKey> {
        let mut out: Vec<&dyn VerifyingKey> = vec![&self.key.primary_key];
        out.extend(
            self.key
                .public_subkeys
                .iter()
                .map(|s| &s.key as &dyn VerifyingKey),
        );
        out
    }

    /// Whether a clear-signed text (`-----BEGIN PGP SIGNED MESSAGE-----`) carries a valid
    /// signature by this key; returns the text signed.
    pub fn verify_cleartext(&self, armored: &str) -> Result<String, PgpError> {
        let (msg, _) = CleartextSignedMessage::from_string(armored)
            .map_err(|e| PgpError::Decrypt(e.to_string()))?;
        let by_primary = msg.verify(&self.key.primary_key).is_ok();
        if by_primary
            || self
                .key
                .public_subkeys
                .iter()
                .any(|s| msg.verify(&s.key).is_ok())
        {
            Ok(msg.signed_text())
        } else {
            Err(PgpError::Pgp("no valid signature by this key".into()))
        }
    }

    /// Whether an armored detached signature over `data` is valid and by this key.
    pub fn verify_detached(&self, data: &[u8], armored_signature: &str) -> bool {
        let Ok((sig, _)) = DetachedSignature::from_string(armored_signature) else {
            return false;
        };
        sig.signature.verify(&self.key.primary_key, data).is_ok()
            || self
                .key
                .public_subkeys
                .iter()
                .any(|s| sig.signature.verify(&s.key, data).is_ok())
    }
}

/// The desk's key pair, unlocked with its passphrase.
#[derive(Clone, Debug)]
pub struct DeskKey {
    secret: SignedSecretKey,
    passphrase: String,
    public: PublicCert,
}

impl DeskKey {
    /// A new key pair for `user_id` (`Name <address>`), created at `created` (seconds
    /// since the epoch, from the desk's clock), locked with `passphrase` when not empty.
    pub fn generate(user_id: &str, created: u32, passphrase: &str) -> Result<DeskKey, PgpError> {
        let at = Timestamp::from_secs(created);
        let pass = (!passphrase.is_empty()).then(|| passphrase.to_string());
        let sub = SubkeyParamsBuilder::default()
            .key_type(KeyType::ECDH(ECCCurve::Curve25519Legacy))
            .can_encrypt(EncryptionCaps::All)
            .created_at(at)
            .passphrase(pass.clone())
            .build()
            .map_err(pgp_err)?;
        let params = SecretKeyParamsBuilder::default()
            .key_type(KeyType::Ed25519Legacy)
            .can_certify(true)
            .can_sign(true)
            .created_at(at)
            .primary_user_id(user_id.to_string())
            .passphrase(pass)
            .preferred_symmetric_algorithms(
                [
                    SymmetricKeyAlgorithm::AES256,
                    SymmetricKeyAlgorithm::AES192,
                    SymmetricKeyAlgorithm::AES128,
                ]
                .into_iter()
                .collect(),
            )
            .preferred_hash_algorithms(
                [HashAlgorithm::Sha256, HashAlgorithm::Sha512]
                    .into_iter()
                    .collect(),
            )
            .preferred_compression_algorithms(
                [CompressionAlgorithm::ZLIB, CompressionAlgorithm::ZIP]
                    .into_iter()
                    .collect(),
            )
            .subkeys(vec![sub])
            .build()
            .map_err(pgp_err)?;
        let secret = params.generate(OsRng).map_err(pgp_err)?;
        Ok(Self::from_secret(secret, passphrase.to_string()))
    }

    /// Reads an armored (or binary) secret key and checks that `passphrase` unlocks it.
    pub fn parse(data: &[u8], passphrase: &str) -> Result<DeskKey, PgpError> {
        let (secret, _) = SignedSecretKey::from_reader_single(Cursor::new(data)).map_err(|e| {
            PgpError::NotAKey {
                expected: "secret key",
                detail: e.to_string(),
            }
        })?;
        secret
            .verify_bindings()
            .map_err(|e| PgpError::Bindings(e.to_string()))?;
        let key = Self::from_secret(secret, passphrase.to_string());
        // Unlocking now, not at the first mail: a wrong passphrase is a start-up error.
        key.sign_detached(b"", 0).map_err(|_| PgpError::Locked)?;
        Ok(key)
    }

    fn from_secret(secret: SignedSecretKey, passphrase: String) -> DeskKey {
        let public = PublicCert {
            key: secret.to_public_key(),
        };
        DeskKey {
            secret,
            passphrase,
            public,
        }
    }

    /// The armored secret key (still locked with its passphrase).
    pub fn secret_armored(&self) -> Result<String, PgpError> {
        self.secret
            .to_armored_string(ArmorOptions::default())
            .map_err(pgp_err)
    }

    /// The public half.
    pub fn public(&self) -> &PublicCert {
        &self.public
    }

    /// The fingerprint (upper-case hexadecimal).
    pub fn fingerprint(&self) -> String {
        self.public.fingerprint()
    }

    fn password(&self) -> Password {
        Password::from(self.passphrase.as_str())
    }

    /// The hashed subpackets of a signature made at `at`: creation time and issuer
    /// fingerprint, and the issuer key id unhashed (GnuPG 2.2 looks the key up by it).
    fn subpackets(&self, at: u32) -> Result<SubpacketConfig, PgpError> {
        let key = &self.secret.primary_key;
        Ok(SubpacketConfig::UserDefined {
            hashed: vec![
                Subpacket::regular(SubpacketData::SignatureCreationTime(Timestamp::from_secs(
                    at,
                )))
                .map_err(pgp_err)?,
                Subpacket::regular(SubpacketData::IssuerFingerprint(key.fingerprint()))
                    .map_err(pgp_err)?,
            ],
            unhashed: vec![
                Subpacket::regular(SubpacketData::IssuerKeyId(key.legacy_key_id()))
                    .map_err(pgp_err)?,
            ],
        })
    }

    /// `text` clear-signed (RFC 9580 §7, as security.txt wants it), signed at `at`.
    pub fn clearsign(&self, text: &str, at: u32) -> Result<String, PgpError> {
        let key = &self.secret.primary_key;
        let SubpacketConfig::UserDefined { hashed, unhashed } = self.subpackets(at)? else {
            return Err(PgpError::Pgp("subpackets".into()));
        };
        let mut config =
            SignatureConfig::v4(SignatureType::Text, key.algorithm(), HashAlgorithm::Sha256);
        config.hashed_subpackets = hashed;
        config.unhashed_subpackets = unhashed;
        let msg = CleartextSignedMessage::new(text, config, key, &self.password())
            .map_err(|_| PgpError::Locked)?;
        msg.to_armored_string(ArmorOptions::default())
            .map_err(pgp_err)
    }

    /// An armored detached binary signature over `data` (the second part of a PGP/MIME
    /// `multipart/signed` message), signed at `at`.
    pub fn sign_detached(&self, data: &[u8], at: u32) -> Result<String, PgpError> {
        let sig = DetachedSignature::sign_binary_data_with_subpackets(
            OsRng,
            &self.secret.primary_key,
            &self.password(),
            HashAlgorithm::Sha256,
            data,
            self.subpackets(at)?,
        )
        .map_err(|_| PgpError::Locked)?;
        sig.to_armored_string(ArmorOptions::default())
            .map_err(pgp_err)
    }

    /// `data` encrypted to `recipients` (and to the desk itself, so its copy stays
    /// readable) and signed by the desk at `at`, armored (`-----BEGIN PGP MESSAGE-----`).
    pub fn encrypt_signed(
        &self,
        data: &[u8],
        recipients: &[&PublicCert],
        at: u32,
    ) -> Result<String, PgpError> {
        let mut builder = MessageBuilder::from_bytes("", data.to_vec())
            .seipd_v1(OsRng, SymmetricKeyAlgorithm::AES256);
        for cert in recipients.iter().copied().chain([&self.public]) {
            let sub = cert
                .encryption_key()
                .ok_or_else(|| PgpError::NoEncryptionKey(cert.fingerprint()))?;
            builder.encrypt_to_key(OsRng, &sub.key).map_err(pgp_err)?;
        }
        builder.sign_with_subpackets(
            &self.secret.primary_key,
            self.password(),
            HashAlgorithm::Sha256,
            self.subpackets(at)?,
        );
        builder
            .to_armored_string(OsRng, ArmorOptions::default())
            .map_err(pgp_err)
    }

    /// Decrypts a message sent to the desk (armored or binary), and checks its signature, if
    /// any, against `senders` (the keys the sender may hold).
    pub fn decrypt(&self, data: &[u8], senders: &[PublicCert]) -> Result<Decrypted, PgpError> {
        let text = std::str::from_utf8(data).ok().map(str::trim_start);
        let msg = match text {
            Some(t) if t.starts_with("-----BEGIN PGP MESSAGE-----") => {
                Message::from_string(t).map(|(m, _)| m)
            }
            _ => Message::from_bytes(Cursor::new(data)),
        }
        .map_err(|e| PgpError::Decrypt(e.to_string()))?;
        if !msg.is_encrypted() {
            return Err(PgpError::Decrypt("not an encrypted message".into()));
        }
        let mut msg = msg
            .decrypt(&self.password(), &self.secret)
            .map_err(|e| PgpError::Decrypt(e.to_string()))?;
        if msg.is_compressed() {
            msg = msg
                .decompress()
                .map_err(|e| PgpError::Decrypt(e.to_string()))?;
        }
        let data = msg
            .as_data_vec()
            .map_err(|e| PgpError::Decrypt(e.to_string()))?;
        let signed = msg.is_signed();
        let signer = if signed {
            senders
                .iter()
                .find(|c| c.verifiers().iter().any(|k| msg.verify(*k).is_ok()))
                .map(|c| c.fingerprint())
        } else {
            None
        };
        Ok(Decrypted {
            data,
            signed,
            signer,
        })
    }
}

/// A message the desk decrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decrypted {
    /// The plaintext.
    pub data: Vec<u8>,
    /// It carried a signature (valid or not, known key or not).
    pub signed: bool,
    /// The fingerprint of the sender key whose signature verified, if one did.
    pub signer: Option<String>,
}

/// SHA-1, for what OpenPGP's conventions hash with it (WKD).
fn sha1(data: &[u8]) -> [u8; 20] {
    Sha1::digest(data).into()
}

//! The desk's OpenPGP and published identity: its key (read once at start), the public key
//! and Web Key Directory, `security.txt` signed with the key, the RFC 2350 description's
//! settings, the keys users upload on their account page, [`recipient_key`] (the one
//! look-up of the key mail to an address is encrypted to), opening encrypted mail to
//! intake and verifying signed mail against the sender's key ([`open_inbound`]), and
//! opening a text a reporter uploaded encrypted to the desk ([`open_upload`]). Mail
//! tocsin sends is signed and encrypted by `mailer`, through [`recipient_key`].

use tocsin_domain::{FieldError, FieldErrors, Timestamp};
use tocsin_formats::mail_in::{self, Inbound, Limits};
use tocsin_formats::pgp_mime::{self, Sealed};
use tocsin_formats::security_txt::SecurityTxt;
use tocsin_pgp::{DeskKey, PublicCert};
use tocsin_storage::UserPgpKey;

use super::account::own_account;
use super::audit_entry;
use crate::auth::CurrentUser;
use crate::config::{ConfigError, Pgp};
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::App;

/// Where the desk's public key is served, as security.txt's Encryption names it.
pub const KEY_PATH: &str = "/pgp-key.asc";
/// Where security.txt is served (RFC 9116 §3).
pub const SECURITY_TXT_PATH: &str = "/.well-known/security.txt";
/// The RFC 2350 page, security.txt's default Policy.
pub const RFC2350_PATH: &str = "/about/rfc2350";

/// Reads and unlocks the key `[pgp]` names; none configured is `None`, not an error.
pub(crate) fn load_desk_key(c: &Pgp) -> Result<Option<DeskKey>, ConfigError> {
    let path = c.secret_key_file.trim();
    if path.is_empty() {
        return Ok(None);
    }
    let data = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.into(),
        source,
    })?;
    DeskKey::parse(&data, &c.passphrase)
        .map(Some)
        .map_err(|e| ConfigError::Invalid {
            name: "pgp.secret_key_file",
            message: e.to_string(),
        })
}

/// Seconds since the epoch, as OpenPGP stamps signatures (0 before 1970, the maximum after
/// 2106).
pub(crate) fn pgp_time(at: Timestamp) -> u32 {
    u32::try_from(at.micros().div_euclid(1_000_000).max(0)).unwrap_or(u32::MAX)
}

/// Signs CSAF documents (`.asc`) with the desk's key, stamped by the product's clock; the
/// provider metadata names the key served at [`KEY_PATH`].
pub(crate) struct CsafSigner {
    key: std::sync::Arc<DeskKey>,
    clock: tocsin_domain::Clock,
    key_url: String,
}

impl CsafSigner {
    /// The signer of `key`, whose public half is served under `public_url`.
    pub(crate) fn new(
        key: std::sync::Arc<DeskKey>,
        clock: tocsin_domain::Clock,
        public_url: &str,
    ) -> Self {
        let key_url = format!("{}{KEY_PATH}", public_url.trim_end_matches('/'));
        CsafSigner {
            key,
            clock,
            key_url,
        }
    }
}

impl super::csaf::DetachedSigner for CsafSigner {
    fn sign_detached(&self, bytes: &[u8]) -> Result<String, super::csaf::SignError> {
        self.key
            .sign_detached(bytes, pgp_time(self.clock.now()))
            .map_err(|e| super::csaf::SignError(e.to_string()))
    }

    fn public_key(&self) -> tocsin_formats::csaf::OpenPgpKey {
        tocsin_formats::csaf::OpenPgpKey {
            url: self.key_url.clone(),
            fingerprint: Some(self.key.fingerprint()),
        }
    }
}

/// The desk's fingerprint, when it has a key.
pub fn fingerprint(state: &App) -> Option<String> {
    state.pgp.as_ref().map(|k| k.fingerprint())
}

/// The desk's armored public key, when it has one.
pub fn public_key(state: &App) -> Result<Option<String>, AppError> {
    state
        .pgp
        .as_ref()
        .map(|k| k.public().armored())
        .transpose()
        .map_err(|e| AppError::internal(format!("pgp: {e}")))
}

/// The desk's addresses a WKD request may ask for: those in its key's user ids.
fn key_addresses(key: &DeskKey) -> Vec<String> {
    key.public()
        .user_ids()
        .iter()
        .filter_map(|u| {
            let a = match (u.rfind('<'), u.rfind('>')) {
                (Some(s), Some(e)) if s < e => &u[s + 1..e],
                _ => u.as_str(),
            };
            a.contains('@').then(|| a.trim().to_lowercase())
        })
        .collect()
}

/// The key WKD serves for `hash` (`/.well-known/openpgpkey/hu/<hash>`): the desk's binary
/// key when one of its addresses hashes to it.
pub fn wkd_key(state: &App, hash: &str) -> Result<Option<Vec<u8>>, AppError> {
    let Some(key) = state.pgp.as_ref() else {
        return Ok(None);
    };
    let found = key_addresses(key)
        .iter()
        .any(|a| tocsin_pgp::wkd_local_part(a).is_some_and(|l| tocsin_pgp::wkd_hash(l) == hash));
    if !found {
        return Ok(None);
    }
    key.public()
        .binary()
        .map(Some)
        .map_err(|e| AppError::internal(format!("pgp: {e}")))
}

/// The fields of the desk's security.txt, from `[about]`, `[operator]` and the key.
pub fn security_txt_fields(state: &App) -> SecurityTxt {
    let c = &state.config;
    let a = &c.about;
    let contact = if a.contact.is_empty() {
        vec![format!("mailto:{}", c.operator.email)]
    } else {
        a.contact.clone()
    };
    let expires = state
        .now()
        .plus(time::Duration::days(a.expires_days))
        .rfc3339();
    let or_default = |v: &str, path: &str| {
        if v.trim().is_empty() {
            c.link(path)
        } else {
            v.trim().to_string()
        }
    };
    // The desk is a CSAF trusted provider: its provider metadata unless another is named.
    let csaf = match a.csaf_url.trim() {
        "" => format!(
            "{}/provider-metadata.json",
            super::csaf::well_known_url(state)
        ),
        other => other.to_string(),
    };
    SecurityTxt {
        contact,
        expires,
        encryption: state
            .pgp
            .as_ref()
            .map(|_| vec![c.link(KEY_PATH)])
            .unwrap_or_default(),
        preferred_languages: a.preferred_languages.clone(),
        policy: vec![or_default(&a.policy_url, RFC2350_PATH)],
        canonical: vec![c.link(SECURITY_TXT_PATH)],
        csaf: vec![csaf],
    }
}

/// The desk's security.txt, clear-signed with its key when it has one (RFC 9116 §2.3).
pub fn security_txt(state: &App) -> Result<String, AppError> {
    let text = security_txt_fields(state).emit();
    match state.pgp.as_ref() {
        Some(k) => k
            .clearsign(&text, pgp_time(state.now()))
            .map_err(|e| AppError::internal(format!("pgp: {e}"))),
        None => Ok(text),
    }
}

/// The key mail to `address` is encrypted to, if the desk knows one: the key the account of
/// that address uploaded, else the key of the directory team whose contact address it is
/// (checked against its fingerprint when the team was saved). A stored key that no longer
/// reads is treated as none, and logged.
pub async fn recipient_key(state: &App, address: &str) -> Result<Option<PublicCert>, AppError> {
    let address = address.trim();
    let mut stored = Vec::new();
    if let Some(user) = state.store.find_user_by_email(address).await?
        && !user.disabled
        && let Some(row) = state.store.user_pgp_key(user.id).await?
    {
        stored.push(row.armored);
    }
    stored.extend(
        state
            .store
            .teams_by_email(&address.to_lowercase())
            .await?
            .into_iter()
            .map(|t| t.pgp_key)
            .filter(|k| !k.trim().is_empty()),
    );
    for armored in stored {
        match PublicCert::parse(armored.as_bytes()) {
            Ok(c) => return Ok(Some(c)),
            Err(e) => tracing::warn!(%address, error = %e, "a stored OpenPGP key does not read"),
        }
    }
    Ok(None)
}

/// The signed-in user's uploaded key, if any.
pub async fn my_key(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Option<UserPgpKey>, AppError> {
    let user = own_account(state, who, ctx).await?;
    Ok(state.store.user_pgp_key(user.id).await?)
}

/// Stores the signed-in user's public key (replacing theirs), refused on field `pgp_key`
/// when it is not a public key with an encryption key, or names none of the account's
/// address. Returns its fingerprint. Audited.
pub async fn upload_key(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    armored: &str,
) -> Result<String, AppError> {
    let user = own_account(state, who, ctx).await?;
    let refuse = |code: &'static str| {
        let mut e = FieldErrors::new();
        e.add("pgp_key", FieldError::new(code));
        AppError::Validation(e)
    };
    let cert =
        PublicCert::parse(armored.trim().as_bytes()).map_err(|_| refuse("pgp-key-unreadable"))?;
    if !cert.has_address(&user.email) {
        return Err(refuse("pgp-key-other-address"));
    }
    if !cert.can_encrypt() {
        return Err(refuse("pgp-key-no-encryption"));
    }
    let fingerprint = cert.fingerprint();
    let text = cert
        .armored()
        .map_err(|e| AppError::internal(format!("pgp: {e}")))?;
    let mut tx = state.store.begin().await?;
    tx.set_user_pgp_key(user.id, &fingerprint, &text).await?;
    let mut a = audit_entry(who, ctx, "user.pgp_key", "user", &user.id.to_string());
    a.detail = format!("fingerprint={fingerprint}");
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(fingerprint)
}

/// Removes the signed-in user's key; mail to them goes unencrypted again. Audited.
pub async fn remove_key(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<(), AppError> {
    let user = own_account(state, who, ctx).await?;
    let mut tx = state.store.begin().await?;
    if tx.remove_user_pgp_key(user.id).await? {
        tx.audit(&audit_entry(
            who,
            ctx,
            "user.pgp_key_removed",
            "user",
            &user.id.to_string(),
        ))
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// How an encrypted message to intake was opened: what the report shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Opened {
    /// It came encrypted and was decrypted (else it was only signed).
    pub encrypted: bool,
    /// It carried a signature.
    pub signed: bool,
    /// The fingerprint of the sender's key whose signature verified, if one did.
    pub signer: Option<String>,
}

/// An encrypted message to intake, opened: when `mail` (read from `raw`) is PGP/MIME or
/// inline PGP and the desk has a key, the message as if sent in clear (its own headers,
/// the decrypted body), read again with the same limits, and how it was opened; its
/// signature is checked against the key the sender's account uploaded. Anything else, or
/// a message the desk cannot decrypt, is returned as it is (the desk sees the ciphertext
/// and can ask again). The stored message stays the ciphertext, the evidence.
pub async fn open_inbound(
    state: &App,
    raw: &[u8],
    mail: Inbound,
    limits: &Limits,
    envelope_sender: Option<&str>,
) -> Result<(Inbound, Option<Opened>), AppError> {
    let Some(sealed) = pgp_mime::sealed(raw, &mail.text) else {
        let signed = verify_signed(state, raw, &mail).await?;
        return Ok((mail, signed));
    };
    let Some(key) = state.pgp.as_ref() else {
        return Ok((mail, None));
    };
    let cipher = match &sealed {
        Sealed::Mime(c) => c.clone(),
        Sealed::Inline { armored, .. } => armored.clone().into_bytes(),
    };
    let mut senders = Vec::new();
    if let Some(from) = mail.from.as_ref()
        && let Some(cert) = recipient_key(state, &from.email).await?
    {
        senders.push(cert);
    }
    let plain = match key.decrypt(&cipher, &senders) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "encrypted mail to intake could not be decrypted");
            return Ok((mail, None));
        }
    };
    let rebuilt = pgp_mime::opened(raw, &sealed, &plain.data);
    match mail_in::parse(&rebuilt, envelope_sender, limits) {
        Ok(open) => Ok((
            open,
            Some(Opened {
                encrypted: true,
                signed: plain.signed,
                signer: plain.signer,
            }),
        )),
        Err(e) => {
            tracing::warn!(error = %e, "decrypted mail to intake does not read");
            Ok((mail, None))
        }
    }
}

/// A signed, unencrypted message to intake (PGP/MIME `multipart/signed` or clear-signed
/// text): its signature checked against the key the sender's account uploaded or the
/// directory holds for the address. `None` when it is not signed.
async fn verify_signed(
    state: &App,
    raw: &[u8],
    mail: &Inbound,
) -> Result<Option<Opened>, AppError> {
    let Some(signed) = pgp_mime::signed(raw, &mail.text) else {
        return Ok(None);
    };
    let cert = match mail.from.as_ref() {
        Some(from) => recipient_key(state, &from.email).await?,
        None => None,
    };
    let signer = cert.and_then(|c| {
        let valid = match &signed {
            pgp_mime::Signed::Mime { data, signature } => c.verify_detached(data, signature),
            pgp_mime::Signed::Clear(text) => c.verify_cleartext(text).is_ok(),
        };
        valid.then(|| c.fingerprint())
    });
    Ok(Some(Opened {
        encrypted: false,
        signed: true,
        signer,
    }))
}

/// The event of a case that came signed or encrypted, by how it came.
fn received_kind(opened: &Opened) -> &'static str {
    match (opened.encrypted, opened.signer.is_some()) {
        (true, true) => "pgp_received_signed",
        (true, false) => "pgp_received",
        (false, true) => "pgp_signed",
        // A signature by an unknown key, or one that fails, proves nothing: the desk sees
        // that it did not verify.
        (false, false) => "pgp_signed_unverified",
    }
}

/// Whether an uploaded text is an armored OpenPGP message (as `gpg --armor --encrypt`
/// writes it), which [`open_upload`] opens.
pub fn is_armored_message(bytes: &[u8]) -> bool {
    // The armor header is ASCII: look at the first bytes only, whatever follows.
    let head = &bytes[..bytes.len().min(256)];
    String::from_utf8_lossy(head)
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("-----BEGIN PGP MESSAGE-----")
}

/// A text a reporter encrypted to the desk's key before uploading it (a form's TXT):
/// the plain text and how it was opened, its signature checked against the key the
/// account of `sender` uploaded. `None` when it is not an armored message (it is read as
/// it is). An armored message the desk cannot open (no desk key, or not encrypted to it)
/// is the field error `field` names, so the reporter learns it at once.
pub async fn open_upload(
    state: &App,
    bytes: &[u8],
    sender: &str,
    field: &'static str,
) -> Result<Option<(Vec<u8>, Opened)>, AppError> {
    if !is_armored_message(bytes) {
        return Ok(None);
    }
    let Some(key) = state.pgp.as_ref() else {
        return Err(AppError::field(field, "error-pgp-upload-no-key"));
    };
    let mut senders = Vec::new();
    if !sender.trim().is_empty()
        && let Some(cert) = recipient_key(state, sender).await?
    {
        senders.push(cert);
    }
    match key.decrypt(bytes, &senders) {
        Ok(plain) => Ok(Some((
            plain.data,
            Opened {
                encrypted: true,
                signed: plain.signed,
                signer: plain.signer,
            },
        ))),
        Err(e) => {
            tracing::info!(error = %e, "an uploaded OpenPGP message could not be decrypted");
            Err(AppError::field(field, "error-pgp-upload-unreadable"))
        }
    }
}

/// The case's record of an upload that came encrypted (`file`, as the reporter named it):
/// the same events as encrypted mail, [`received_event`].
pub(crate) fn upload_received_event(
    file: &str,
    opened: &Opened,
) -> tocsin_storage::reports::NewEvent {
    pgp_event(opened, ("file", file.into()))
}

/// The case's record of a report that came encrypted or signed ([`received_kind`]), with
/// the fingerprint of the sender key that verified (a signature by an unknown key proves
/// nothing, so encrypted mail with one reads as unsigned).
pub(crate) fn received_event(
    mail: &crate::context::FromMail,
    opened: &Opened,
) -> tocsin_storage::reports::NewEvent {
    pgp_event(opened, ("inbound_id", mail.inbound_id.clone().into()))
}

/// The event of [`received_kind`], its data naming where it came from (`source`).
fn pgp_event(
    opened: &Opened,
    source: (&str, serde_json::Value),
) -> tocsin_storage::reports::NewEvent {
    let mut data = serde_json::json!({
        "signed": opened.signed,
        "signer": opened.signer,
    });
    data[source.0] = source.1;
    tocsin_storage::reports::NewEvent {
        actor_id: None,
        actor: "system".into(),
        event: received_kind(opened).into(),
        visibility: tocsin_storage::reports::Visibility::Internal,
        body: opened.signer.clone().unwrap_or_default(),
        data: data.to_string(),
    }
}

/// Whether shared intel at `tlp` must reach `to` as a notice with its link only: the
/// operator requires encryption (`[pgp] require_encryption`) for TLP:AMBER, AMBER+STRICT
/// and RED, and mail to `to` cannot be encrypted (no desk key, or no key for `to`).
pub(crate) async fn withhold_content(
    state: &App,
    tlp: tocsin_domain::Tlp,
    to: &str,
) -> Result<bool, AppError> {
    use tocsin_domain::Tlp;
    if !state.config.pgp.require_encryption
        || !matches!(tlp, Tlp::Amber | Tlp::AmberStrict | Tlp::Red)
    {
        return Ok(false);
    }
    Ok(state.pgp.is_none() || recipient_key(state, to).await?.is_none())
}

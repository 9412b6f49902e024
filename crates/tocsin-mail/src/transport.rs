//! Delivering a claimed outbox message: over SMTP with lettre, or as `.eml` files in a folder
//! (development, tests, and sites that hand mail to another system by file).
//!
//! A delivery either succeeds, fails temporarily (SMTP 4xx, connection, TLS or timeout
//! errors, an unwritable folder: try again later) or fails permanently (SMTP 5xx, an
//! envelope that cannot be sent: give up).

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use tocsin_domain::OutboxId;
use tocsin_storage::ClaimedMail;
use uuid::Uuid;

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text; only for a trusted relay on the same host or network.
    None,
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    #[serde(rename = "starttls")]
    StartTls,
    /// TLS from the first byte, "SMTPS" (usually port 465).
    #[default]
    Tls,
}

impl TlsMode {
    /// The usual port for this mode: 25, 587 or 465.
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::None => 25,
            TlsMode::StartTls => 587,
            TlsMode::Tls => 465,
        }
    }
}

/// Where and how to reach the SMTP relay.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// The relay's host name (also the name its TLS certificate must carry).
    pub host: String,
    /// The relay's port.
    pub port: u16,
    /// Connection security.
    pub tls: TlsMode,
    /// Login name; no authentication when `None`.
    pub username: Option<String>,
    /// Password for [`SmtpSettings::username`].
    pub password: Option<String>,
    /// Timeout of the connection and of each SMTP command.
    pub timeout: Duration,
}

impl SmtpSettings {
    /// Settings for `host` with `tls`, its usual port, no authentication and a 30 s timeout.
    pub fn new(host: impl Into<String>, tls: TlsMode) -> Self {
        SmtpSettings {
            host: host.into(),
            port: tls.default_port(),
            tls,
            username: None,
            password: None,
            timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Where delivered messages go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    /// To an SMTP relay.
    Smtp(SmtpSettings),
    /// As `<dir>/<Message-ID>.eml` files (see [`eml_file_name`]), written atomically; a
    /// re-delivery after a crash overwrites the same file instead of adding a second one.
    /// The folder is created if needed.
    Files {
        /// The folder.
        dir: PathBuf,
    },
}

/// A failed delivery.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth trying again later (SMTP 4xx, network, TLS, timeouts, file system).
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Will never succeed (SMTP 5xx, an invalid envelope).
    #[error("permanent failure: {0}")]
    Permanent(String),
}

impl DeliveryError {
    /// Whether retrying is pointless.
    pub fn is_permanent(&self) -> bool {
        matches!(self, DeliveryError::Permanent(_))
    }
}

impl Transport {
    /// Delivers one claimed message, unchanged, to its envelope recipients.
    pub async fn deliver(&self, claimed: &ClaimedMail) -> Result<(), DeliveryError> {
        match self {
            Transport::Smtp(settings) => deliver_smtp(settings, claimed).await,
            Transport::Files { dir } => {
                let name = eml_file_name(&claimed.message_id, claimed.id);
                deliver_file(dir, name, &claimed.message).await
            }
        }
    }
}

/// The envelope of a claimed message; an empty sender is the null reverse-path `<>`.
fn envelope(claimed: &ClaimedMail) -> Result<Envelope, DeliveryError> {
    let parse = |kind: &str, value: &str| {
        value.parse::<Address>().map_err(|e| {
            DeliveryError::Permanent(format!("invalid envelope {kind} {value:?}: {e}"))
        })
    };
    let from = if claimed.sender.is_empty() {
        None
    } else {
        Some(parse("sender", &claimed.sender)?)
    };
    let to = claimed
        .recipients
        .iter()
        .map(|r| parse("recipient", r))
        .collect::<Result<Vec<_>, _>>()?;
    Envelope::new(from, to).map_err(|e| DeliveryError::Permanent(format!("invalid envelope: {e}")))
}

fn smtp_transport(
    settings: &SmtpSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
    let tls_parameters = || {
        TlsParameters::new(settings.host.clone())
            .map_err(|e| DeliveryError::Temporary(format!("TLS settings: {e}")))
    };
    let tls = match settings.tls {
        TlsMode::None => Tls::None,
        TlsMode::StartTls => Tls::Required(tls_parameters()?),
        TlsMode::Tls => Tls::Wrapper(tls_parameters()?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
        .port(settings.port)
        .tls(tls)
        .timeout(Some(settings.timeout));
    if let Some(user) = &settings.username {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            settings.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

async fn deliver_smtp(settings: &SmtpSettings, claimed: &ClaimedMail) -> Result<(), DeliveryError> {
    let envelope = envelope(claimed)?;
    let transport = smtp_transport(settings)?;
    match transport.send_raw(&envelope, &claimed.message).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_permanent() => Err(DeliveryError::Permanent(e.to_string())),
        Err(e) => Err(DeliveryError::Temporary(e.to_string())),
    }
}

/// Longest encoded Message-ID used as a file name; file systems allow 255 bytes.
const MAX_NAME_STEM: usize = 200;

/// The `.eml` file name of a message: its Message-ID (angle brackets dropped) with every
/// byte outside `A-Z a-z 0-9 @ . _ + -` written as `%XX`, and a leading `.` too, so the
/// name is one path component, never hidden, and two Message-IDs never share a file. A
/// Message-ID that is empty or too long for a file name falls back to the outbox id,
/// which is just as stable across re-deliveries.
pub fn eml_file_name(message_id: &str, id: OutboxId) -> String {
    let bare = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    let mut stem = String::with_capacity(bare.len());
    for (i, b) in bare.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric()
            || matches!(b, b'@' | b'_' | b'+' | b'-')
            || (b == b'.' && i > 0);
        if plain {
            stem.push(char::from(b));
        } else {
            stem.push_str(&format!("%{b:02X}"));
        }
    }
    if stem.is_empty() || stem.len() > MAX_NAME_STEM {
        stem = id.to_string();
    }
    format!("{stem}.eml")
}

async fn deliver_file(dir: &Path, name: String, message: &[u8]) -> Result<(), DeliveryError> {
    let dir = dir.to_owned();
    let bytes = message.to_vec();
    let shown = dir.join(&name);
    tokio::task::spawn_blocking(move || write_atomically(&dir, &name, &bytes))
        .await
        .map_err(|e| DeliveryError::Temporary(format!("writing {}: {e}", shown.display())))?
        .map_err(|e| DeliveryError::Temporary(format!("writing {}: {e}", shown.display())))
}

/// Writes `dir/name` so that readers see the old file or the whole new one, never a part:
/// a uniquely named `.tmp` file in the same folder, synced, then renamed over the target.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}.tmp", Uuid::new_v4().simple()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &target)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        // Best effort: the error being reported matters more than a stray temporary file.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Makes the rename itself durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimed(sender: &str, recipients: &[&str]) -> ClaimedMail {
        ClaimedMail {
            id: OutboxId::new(),
            message_id: "x@cert.example".to_owned(),
            sender: sender.to_owned(),
            recipients: recipients.iter().map(|r| (*r).to_owned()).collect(),
            message: b"Subject: x\r\n\r\nx\r\n".to_vec(),
            attempts: 1,
        }
    }

    #[test]
    fn bad_envelopes_are_permanent() {
        assert!(envelope(&claimed("a@b.example", &["c@d.example"])).is_ok());
        assert!(envelope(&claimed("", &["c@d.example"])).is_ok());
        for bad in [
            claimed("not an address", &["c@d.example"]),
            claimed("a@b.example", &["nope"]),
            claimed("a@b.example", &[]),
        ] {
            assert!(matches!(envelope(&bad), Err(DeliveryError::Permanent(_))));
        }
    }

    #[test]
    fn file_names_come_from_the_message_id() {
        let id = OutboxId::new();
        assert_eq!(
            eml_file_name("<0190@cert.example>", id),
            "0190@cert.example.eml"
        );
        assert_eq!(eml_file_name("a/../b c@x", id), "a%2F..%2Fb%20c@x.eml");
        assert_eq!(eml_file_name(".hidden@x", id), "%2Ehidden@x.eml");
        assert_ne!(
            eml_file_name("a%2Fb@x", id),
            eml_file_name("a/b@x", id),
            "injective"
        );
        assert_eq!(eml_file_name("", id), format!("{id}.eml"));
        assert_eq!(eml_file_name(&"a".repeat(300), id), format!("{id}.eml"));
    }

    #[test]
    fn settings_debug_hides_the_password() {
        let mut s = SmtpSettings::new("mail.example", TlsMode::StartTls);
        s.username = Some("tocsin".into());
        s.password = Some("hunter2".into());
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"));
        assert_eq!(s.port, 587);
    }
}

//! The IMAP poller of mail intake, for operators whose mailbox is hosted elsewhere: for each
//! configured account (`[[intake.imap]]`) and folder it connects over IMAPS or STARTTLS,
//! fetches every message whole (`BODY.PEEK[]`, so a failure leaves it unread), hands the
//! bytes to [`mail_intake::receive`] — the function behind `POST /api/v1/mail/inbound`, so
//! there is one intake path — and moves the message to the processed folder only after
//! intake answered that it is stored. A message intake refused or could not store stays
//! where it is and is tried again next pass; a crash between storing and moving is
//! harmless, since intake recognizes the same bytes as the same message.

use std::sync::Arc;
use std::time::Duration;

use async_imap::imap_proto::{Response, Status};
use futures::TryStreamExt;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tocsin_domain::Locale;
use tocsin_domain::policy::{Action, Resource, authorize};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::auth::{AuthMethod, CurrentUser, principal_of};
use crate::config::ImapAccount;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::mail_intake::{self, Envelope};
use crate::state::App;

/// A logged-in IMAP session; STARTTLS and IMAPS both end up on TLS over TCP.
pub type ImapSession = async_imap::Session<TlsStream<TcpStream>>;

/// The longest any one exchange with the server may take (a whole message of the largest
/// size intake takes included); a server that stalls longer is given up for this pass.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a pass over an account stopped. Messages not yet handled stay for the next pass.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The TCP connection failed.
    #[error("cannot connect to {address}: {source}")]
    Connect {
        /// host:port.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// The host is not a name or address a certificate can be checked against.
    #[error("{0} is not a valid server name")]
    ServerName(String),
    /// The extra roots of `ca_file` could not be read.
    #[error("ca_file {path}: {message}")]
    CaFile {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The TLS handshake failed (an untrusted or mismatched certificate among others).
    #[error("TLS with {address}: {source}")]
    Tls {
        /// host:port.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// The server greeted with BYE or closed the connection.
    #[error("the server closed the connection before the session began")]
    Greeting,
    /// The server refused STARTTLS, so the password is never sent in the clear.
    #[error("the server refused STARTTLS: {0}")]
    StartTls(async_imap::error::Error),
    /// The user name or password was refused.
    #[error("login refused for {username}: {source}")]
    Login {
        /// The IMAP user.
        username: String,
        /// The server's answer.
        source: async_imap::error::Error,
    },
    /// Any other failed IMAP exchange.
    #[error("IMAP {doing}: {source}")]
    Imap {
        /// The command.
        doing: String,
        /// Why.
        source: async_imap::error::Error,
    },
    /// The server did not answer in time.
    #[error("IMAP {0}: no answer within {EXCHANGE_TIMEOUT:?}")]
    Timeout(String),
    /// The desk account to hand mail over as is missing, disabled or not of the desk.
    #[error("desk_account {0}: {1}")]
    DeskAccount(String, &'static str),
    /// The store could not be asked for the desk account.
    #[error("storage: {0}")]
    Storage(String),
}

/// What one pass over one account did.
#[derive(Debug, Default)]
pub struct AccountPass {
    /// Messages stored (or found stored before) and moved to the processed folder.
    pub moved: usize,
    /// Of those, how many intake had been handed before (a pass interrupted after storing).
    pub duplicates: usize,
    /// Messages left in their folder, as (folder, UID, why): intake refused them or could
    /// not store them.
    pub left: Vec<(String, u32, String)>,
}

/// One account's pass: its label (`user@host`) and how it went.
#[derive(Debug)]
pub struct PassReport {
    /// `username@host:port`.
    pub account: String,
    /// What the pass did, or why it stopped.
    pub result: Result<AccountPass, ImapError>,
}

fn label(a: &ImapAccount) -> String {
    format!("{}@{}:{}", a.username, a.host, a.port())
}

/// Runs `fut`, giving up after [`EXCHANGE_TIMEOUT`].
async fn timed<T>(
    doing: &str,
    fut: impl Future<Output = Result<T, async_imap::error::Error>>,
) -> Result<T, ImapError> {
    match tokio::time::timeout(EXCHANGE_TIMEOUT, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(source)) => Err(ImapError::Imap {
            doing: doing.to_string(),
            source,
        }),
        Err(_) => Err(ImapError::Timeout(doing.to_string())),
    }
}

fn tls_connector(a: &ImapAccount) -> Result<TlsConnector, ImapError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &a.ca_file {
        let ca_err = |message: String| ImapError::CaFile {
            path: path.display().to_string(),
            message,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| ca_err(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ca_err(e.to_string()))?;
        if certs.is_empty() {
            return Err(ca_err("no certificate in it".into()));
        }
        for c in certs {
            roots.add(c).map_err(|e| ca_err(e.to_string()))?;
        }
    }
    // The provider is named rather than taken from the process default, so that another
    // crate enabling a second provider cannot make this ambiguous.
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ImapError::Tls {
        address: label(a),
        source: std::io::Error::other(e),
    })?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// Reads the server's greeting: anything but BYE lets the session begin.
async fn greeting<T>(client: &mut async_imap::Client<T>) -> Result<(), ImapError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let first = tokio::time::timeout(EXCHANGE_TIMEOUT, client.read_response())
        .await
        .map_err(|_| ImapError::Timeout("greeting".into()))?
        .map_err(|e| ImapError::Imap {
            doing: "greeting".into(),
            source: e.into(),
        })?;
    match first {
        Some(r)
            if !matches!(
                r.parsed(),
                Response::Data {
                    status: Status::Bye,
                    ..
                }
            ) =>
        {
            Ok(())
        }
        _ => Err(ImapError::Greeting),
    }
}

/// Connects and logs in to `a` over IMAPS or STARTTLS, checking the server's certificate
/// against the web roots and `ca_file`.
pub async fn connect(a: &ImapAccount) -> Result<ImapSession, ImapError> {
    let address = format!("{}:{}", a.host, a.port());
    let connector = tls_connector(a)?;
    let name =
        ServerName::try_from(a.host.clone()).map_err(|_| ImapError::ServerName(a.host.clone()))?;
    let tcp = tokio::time::timeout(
        EXCHANGE_TIMEOUT,
        TcpStream::connect((a.host.as_str(), a.port())),
    )
    .await
    .map_err(|_| ImapError::Timeout("connect".into()))?
    .map_err(|source| ImapError::Connect {
        address: address.clone(),
        source,
    })?;
    let tls_err = |source| ImapError::Tls {
        address: address.clone(),
        source,
    };
    let client = if a.tls == "starttls" {
        let mut plain = async_imap::Client::new(tcp);
        greeting(&mut plain).await?;
        match tokio::time::timeout(
            EXCHANGE_TIMEOUT,
            plain.run_command_and_check_ok("STARTTLS", None),
        )
        .await
        {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(ImapError::StartTls(e)),
            Err(_) => return Err(ImapError::Timeout("STARTTLS".into())),
        }
        // No greeting follows STARTTLS: the session goes on inside TLS.
        let tls = tokio::time::timeout(
            EXCHANGE_TIMEOUT,
            connector.connect(name, plain.into_inner()),
        )
        .await
        .map_err(|_| ImapError::Timeout("TLS handshake".into()))?
        .map_err(tls_err)?;
        async_imap::Client::new(tls)
    } else {
        let tls = tokio::time::timeout(EXCHANGE_TIMEOUT, connector.connect(name, tcp))
            .await
            .map_err(|_| ImapError::Timeout("TLS handshake".into()))?
            .map_err(tls_err)?;
        let mut client = async_imap::Client::new(tls);
        greeting(&mut client).await?;
        client
    };
    match tokio::time::timeout(EXCHANGE_TIMEOUT, client.login(&a.username, &a.password)).await {
        Ok(Ok(session)) => Ok(session),
        Ok(Err((source, _))) => Err(ImapError::Login {
            username: a.username.clone(),
            source,
        }),
        Err(_) => Err(ImapError::Timeout("LOGIN".into())),
    }
}

/// A mailbox name as an IMAP quoted string (for LIST, whose pattern the crate leaves as is).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Creates `folder` unless it exists (another instance may create it at the same moment:
/// a failed CREATE is only an error when the folder is still missing afterwards).
async fn ensure_folder(session: &mut ImapSession, folder: &str) -> Result<(), ImapError> {
    async fn exists(session: &mut ImapSession, folder: &str) -> Result<bool, ImapError> {
        let pattern = quoted(folder);
        let names: Vec<_> = timed("LIST", async {
            session
                .list(Some(""), Some(&pattern))
                .await?
                .try_collect()
                .await
        })
        .await?;
        Ok(names.iter().any(|n| n.name() == folder))
    }
    if exists(session, folder).await? {
        return Ok(());
    }
    match timed("CREATE", session.create(folder)).await {
        Ok(()) => Ok(()),
        Err(e) => {
            if exists(session, folder).await? {
                Ok(())
            } else {
                Err(e)
            }
        }
    }
}

/// Moves one message out of the selected folder: UID MOVE where the server has it, else
/// UID COPY, `\Deleted` and an expunge (of that UID alone where UIDPLUS allows).
async fn move_message(
    session: &mut ImapSession,
    uid: u32,
    to: &str,
    caps: &Capabilities,
) -> Result<(), ImapError> {
    let set = uid.to_string();
    if caps.r#move {
        return timed("UID MOVE", session.uid_mv(&set, to)).await;
    }
    timed("UID COPY", session.uid_copy(&set, to)).await?;
    timed("UID STORE", async {
        session
            .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?;
    if caps.uidplus {
        timed("UID EXPUNGE", async {
            session
                .uid_expunge(&set)
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?;
    } else {
        // Without UIDPLUS, EXPUNGE also removes what someone else marked deleted here,
        // which is what EXPUNGE means to every client of this folder anyway.
        timed("EXPUNGE", async {
            session.expunge().await?.try_collect::<Vec<_>>().await
        })
        .await?;
    }
    Ok(())
}

/// The server's capabilities this poller cares about.
struct Capabilities {
    r#move: bool,
    uidplus: bool,
}

/// A short reason for a message intake did not take, for the log and the report.
fn describe(e: &AppError) -> String {
    match e {
        AppError::Validation(f) => {
            let tr = Tr::new(Locale::En);
            f.iter()
                .map(|(k, v)| format!("{k}: {}", tr.field_error(v)))
                .collect::<Vec<_>>()
                .join("; ")
        }
        other => other.to_string(),
    }
}

/// The account the poller hands mail over as, checked against the access policy before
/// any connection, so that a misconfiguration is one clear error rather than a refusal
/// per message.
async fn desk_user(state: &App, a: &ImapAccount) -> Result<CurrentUser, ImapError> {
    let user = state
        .store
        .find_user_by_email(&a.desk_account)
        .await
        .map_err(|e| ImapError::Storage(e.to_string()))?
        .ok_or_else(|| ImapError::DeskAccount(a.desk_account.clone(), "no such account"))?;
    if user.disabled {
        return Err(ImapError::DeskAccount(
            a.desk_account.clone(),
            "the account is disabled",
        ));
    }
    if authorize(
        Some(&principal_of(&user)),
        Action::Create,
        &Resource::InboundMail,
    )
    .is_err()
    {
        return Err(ImapError::DeskAccount(
            a.desk_account.clone(),
            "the account may not hand over mail (a desk role is needed)",
        ));
    }
    Ok(CurrentUser(Some((user, AuthMethod::Imap))))
}

/// One pass over one account: every folder, every message not marked deleted. Stops
/// between messages when `stop` turns true.
pub async fn poll_account(
    state: &App,
    a: &ImapAccount,
    stop: Option<&watch::Receiver<bool>>,
) -> Result<AccountPass, ImapError> {
    let who = desk_user(state, a).await?;
    let mut session = connect(a).await?;
    let result = poll_session(state, a, &who, &mut session, stop).await;
    // A failed LOGOUT changes nothing: everything that matters is done or left as it was.
    let _ = tokio::time::timeout(Duration::from_secs(10), session.logout()).await;
    result
}

async fn poll_session(
    state: &App,
    a: &ImapAccount,
    who: &CurrentUser,
    session: &mut ImapSession,
    stop: Option<&watch::Receiver<bool>>,
) -> Result<AccountPass, ImapError> {
    let stopped = || stop.is_some_and(|s| *s.borrow());
    let caps = timed("CAPABILITY", session.capabilities()).await?;
    let caps = Capabilities {
        r#move: caps.has_str("MOVE"),
        uidplus: caps.has_str("UIDPLUS"),
    };
    ensure_folder(session, &a.processed_folder).await?;
    let envelope = Envelope {
        // Neither is known here: the delivering MTA's Return-Path header stands for the
        // envelope sender (mail intake reads it), and To/Cc route.
        sender: None,
        recipient: None,
        queue: Some(a.queue.clone()).filter(|q| !q.is_empty()),
    };
    let mut pass = AccountPass::default();
    for folder in &a.folders {
        if stopped() {
            break;
        }
        timed("SELECT", session.select(folder)).await?;
        let mut uids: Vec<u32> = timed("UID SEARCH", session.uid_search("UNDELETED"))
            .await?
            .into_iter()
            .collect();
        uids.sort_unstable();
        for uid in uids {
            if stopped() {
                break;
            }
            // One message at a time: a folder of large messages never sits in memory whole.
            let fetches: Vec<_> = timed("UID FETCH", async {
                session
                    .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
                    .await?
                    .try_collect()
                    .await
            })
            .await?;
            let Some(raw) = fetches
                .iter()
                .find(|f| f.uid == Some(uid))
                .and_then(|f| f.body())
            else {
                // Expunged by another client since the search: nothing to do.
                continue;
            };
            let ctx = Ctx {
                locale: Locale::ZhTw,
                ip: format!("imap:{}", a.host),
                request_id: uuid::Uuid::now_v7().to_string(),
                from_mail: Some(crate::context::FromMail::default()),
                idempotency_key: None,
            };
            match mail_intake::receive(state, who, &ctx, raw, &envelope).await {
                Ok(out) => {
                    // Stored: only now may it leave the folder.
                    move_message(session, uid, &a.processed_folder, &caps).await?;
                    pass.moved += 1;
                    if out.duplicate {
                        pass.duplicates += 1;
                    }
                    tracing::info!(
                        account = %label(a), folder = %folder, uid, id = %out.id,
                        status = %out.status, route = %out.route, target = %out.target,
                        duplicate = out.duplicate, "mail taken from IMAP"
                    );
                }
                Err(e) => {
                    let why = describe(&e);
                    tracing::warn!(
                        account = %label(a), folder = %folder, uid, request_id = %ctx.request_id,
                        error = %why, "mail not stored; left in its folder for the next pass"
                    );
                    pass.left.push((folder.clone(), uid, why));
                }
            }
        }
    }
    Ok(pass)
}

/// One pass over every configured account, one after the other; every error is logged.
/// Used by tests and the `tocsin imap poll-once` command.
pub async fn poll_once(state: &App) -> Vec<PassReport> {
    let mut reports = Vec::new();
    for a in &state.config.intake.imap {
        let result = poll_account(state, a, None).await;
        log_pass(a, &result);
        reports.push(PassReport {
            account: label(a),
            result,
        });
    }
    reports
}

fn log_pass(a: &ImapAccount, result: &Result<AccountPass, ImapError>) {
    match result {
        Ok(p) if p.left.is_empty() => {
            tracing::debug!(account = %label(a), moved = p.moved, "IMAP pass done");
        }
        Ok(p) => tracing::warn!(
            account = %label(a), moved = p.moved, left = p.left.len(),
            "IMAP pass left messages it could not store"
        ),
        Err(e) => tracing::error!(account = %label(a), error = %e, "IMAP pass failed"),
    }
}

/// The wait before the next try after `failures` failed passes in a row: 10 s, doubling,
/// at most 15 minutes (or the poll interval, when that is longer).
pub fn backoff(poll_seconds: u64, failures: u32) -> Duration {
    let cap = poll_seconds.max(900);
    let secs = 10u64.saturating_mul(1u64 << failures.saturating_sub(1).min(16));
    Duration::from_secs(secs.min(cap))
}

/// Starts one poller task per configured account; each stops when `stop` turns true.
pub fn spawn(state: &App, stop: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    state
        .config
        .intake
        .imap
        .iter()
        .cloned()
        .map(|a| tokio::spawn(run_account(state.clone(), a, stop.clone())))
        .collect()
}

async fn run_account(state: App, a: ImapAccount, mut stop: watch::Receiver<bool>) {
    let mut failures = 0u32;
    loop {
        if *stop.borrow() {
            break;
        }
        let result = poll_account(&state, &a, Some(&stop)).await;
        log_pass(&a, &result);
        let wait = match result {
            Ok(_) => {
                failures = 0;
                Duration::from_secs(a.poll_seconds)
            }
            Err(_) => {
                failures = failures.saturating_add(1);
                backoff(a.poll_seconds, failures)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            r = stop.changed() => {
                if r.is_err() || *stop.borrow() { break; }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_cap() {
        assert_eq!(backoff(60, 1), Duration::from_secs(10));
        assert_eq!(backoff(60, 2), Duration::from_secs(20));
        assert_eq!(backoff(60, 4), Duration::from_secs(80));
        assert_eq!(backoff(60, 40), Duration::from_secs(900));
        assert_eq!(backoff(3600, 40), Duration::from_secs(3600));
    }

    #[test]
    fn folder_names_are_quoted() {
        assert_eq!(quoted("Processed"), "\"Processed\"");
        assert_eq!(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}

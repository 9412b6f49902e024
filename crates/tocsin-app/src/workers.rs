//! Background work of every instance: the mail outbox worker, the newsletter's sender,
//! the IMAP pollers of mail intake (when accounts are configured) and periodic clean-up of expired sessions and old
//! login failures. All state is in the database, so any number
//! of instances can run these side by side.

use std::time::Duration;

use tocsin_mail::{OutboxWorker, SmtpSettings, TlsMode, Transport, instance_worker_id};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::state::App;

/// The mail transport the configuration asks for: SMTP, or .eml files under
/// `data_dir/outbox` when no SMTP host is set.
pub fn transport(config: &Config) -> Transport {
    let m = &config.mail;
    if m.smtp_host.is_empty() {
        return Transport::Files {
            dir: config.data_dir.join("outbox"),
        };
    }
    let tls = match m.smtp_tls.as_str() {
        "tls" => TlsMode::Tls,
        "none" => TlsMode::None,
        _ => TlsMode::StartTls,
    };
    let mut s = SmtpSettings::new(m.smtp_host.clone(), tls);
    s.port = m.smtp_port;
    if !m.smtp_username.is_empty() {
        s.username = Some(m.smtp_username.clone());
        s.password = Some(m.smtp_password.clone());
    }
    Transport::Smtp(s)
}

/// This instance's outbox worker id: `mail.instance_id`, or one derived from the host name
/// and `data_dir` ([`instance_worker_id`]). Stable across restarts, so the worker can
/// release what it held when the previous process died.
pub fn worker_id(config: &Config) -> String {
    if config.mail.instance_id.is_empty() {
        instance_worker_id(&config.data_dir)
    } else {
        config.mail.instance_id.clone()
    }
}

/// Starts the workers; they stop when `stop` turns true. The outbox worker first releases
/// the leases its (stable) id still holds, then claims.
pub fn spawn(state: &App, stop: watch::Receiver<bool>) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let mut handles = Vec::new();
    if state.config.mail.worker {
        let worker = OutboxWorker::new(state.store.clone(), transport(&state.config))
            .with_worker_id(worker_id(&state.config));
        handles.push(tokio::spawn(worker.run(stop.clone())));
    }
    // Virus Check's bounded pool of scan workers.
    handles.extend(crate::service::virus::spawn_workers(
        state,
        &worker_id(&state.config),
        stop.clone(),
    ));
    // Virus Check by mail: answers the senders whose files are checked.
    if !state.config.virus_check.mail_address.trim().is_empty() {
        let answering = state.clone();
        let mut stop3 = stop.clone();
        handles.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        if let Err(e) = crate::service::virus_mail::answer_completed(&answering).await {
                            tracing::warn!(error = %e, "virus check mail answers failed");
                        }
                    }
                    r = stop3.changed() => {
                        if r.is_err() || *stop3.borrow() { break; }
                    }
                }
            }
        }));
    }
    // The newsletter: queues the copies of an issue being sent, within the rate.
    let sending = state.clone();
    let mut stop4 = stop.clone();
    handles.push(tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(e) = crate::service::newsletter::send_due(&sending).await {
                        tracing::warn!(error = %e, "newsletter sending failed");
                    }
                }
                r = stop4.changed() => {
                    if r.is_err() || *stop4.borrow() { break; }
                }
            }
        }
    }));
    // Mailboxes hosted elsewhere: one IMAP poller per configured account.
    handles.extend(crate::imap::spawn(state, stop.clone()));
    let store = state.store.clone();
    let escalation_state = state.clone();
    let window = state.config.security.login_window_minutes;
    let mut stop2 = stop;
    let cleanup = tokio::spawn(async move {
        // Every few minutes: clean-up, and reminders for unanswered phishing notices.
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    let now = store.now();
                    if let Err(e) = store.purge_expired_sessions(now).await {
                        tracing::warn!(error = %e, "session clean-up failed");
                    }
                    let before = now.plus(time::Duration::minutes(-window * 4));
                    if let Err(e) = store.purge_login_failures(before).await {
                        tracing::warn!(error = %e, "throttle clean-up failed");
                    }
                    let today = escalation_state.today();
                    if let Err(e) = crate::service::vuln::remind_publication_due(&escalation_state, today).await {
                        tracing::warn!(error = %e, "publication reminders failed");
                    }
                    let hours = escalation_state.config.phishing.escalation_hours;
                    if let Err(e) = crate::service::phishing::escalate_due(&escalation_state, hours).await {
                        tracing::warn!(error = %e, "phishing escalation failed");
                    }
                    if let Err(e) = crate::service::forward::remind_due(&escalation_state).await {
                        tracing::warn!(error = %e, "forward reminders failed");
                    }
                    if let Err(e) = store.purge_rate_events(now.plus(time::Duration::hours(-2))).await {
                        tracing::warn!(error = %e, "rate-limit clean-up failed");
                    }
                    let keys_before = crate::service::idempotency::since(now);
                    if let Err(e) = store.purge_idempotency_keys(keys_before).await {
                        tracing::warn!(error = %e, "idempotency key clean-up failed");
                    }
                    if let Err(e) = crate::service::virus::purge_expired(&escalation_state).await {
                        tracing::warn!(error = %e, "virus check retention clean-up failed");
                    }
                    // TAXII asks that a POST's status be kept at least 24 hours; a week.
                    if let Err(e) = store.purge_taxii_status(now.plus(time::Duration::days(-7))).await {
                        tracing::warn!(error = %e, "TAXII status clean-up failed");
                    }
                }
                r = stop2.changed() => {
                    if r.is_err() || *stop2.borrow() { break; }
                }
            }
        }
    });
    handles.push(cleanup);
    Ok(handles)
}

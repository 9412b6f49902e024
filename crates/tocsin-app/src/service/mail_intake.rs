//! Mail intake: a message handed over by the mailgate (or the IMAP poller) is read with
//! its limits, stored whole and durably first, then routed: a reply to a case joins it
//! when the sender is a party; mail to a routed address becomes an incident,
//! vulnerability, phishing report or intel draft through the same service functions as the
//! web form and the API (so the same validation, policy and acknowledgment apply);
//! automatic mail (bounces, auto-replies, lists) is never answered; anything else is
//! held for an analyst with its reason. Retrying the same bytes gives the same outcome.
//! Other CSIRTs use the same paths (`service::forward`): a proven reply from a team the
//! case was forwarded to joins that team's thread instead of the reporter's, and a case
//! opened by mail from a directory address is marked as that team's request.
//!
//! A message is stored once (`inbound_mail`), its hash taken without the delivery headers
//! the MTA prepends (`mail_in::identity`); each recipient's delivery is a row of its own
//! (`inbound_deliveries`) with its route and outcome, and a route runs once per message.

use serde::Serialize;
use sha2::{Digest, Sha256};
use tocsin_domain::intel::{ObservableKind, extract_observables};
use tocsin_domain::policy::{Action, Resource, authorize};
use tocsin_domain::{FieldError, FieldErrors, IncidentInput, Locale, Timestamp};
use tocsin_formats::mail_in::{self, ForwardedDate, Inbound, Limits};
use tocsin_storage::reports::{NewEvent, Visibility};
use tocsin_storage::{InboundDelivery, InboundMail, Report};
use uuid::Uuid;

use super::pgp::Opened;
use super::reports::{Upload, store_uploads};
use super::{audit_entry, check};
use crate::auth::{AuthMethod, CurrentUser, principal_of};
use crate::context::{Ctx, FromMail};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::App;

/// What the MTA says besides the message.
#[derive(Clone, Debug, Default)]
pub struct Envelope {
    /// `MAIL FROM` (`""` for a bounce); None when the MTA did not say.
    pub sender: Option<String>,
    /// The address it was delivered to, when the MTA says (else To/Cc decide).
    pub recipient: Option<String>,
    /// The desk the MTA routes it to (`--queue`), over any address route.
    pub queue: Option<String>,
}

/// What intake made of a message.
#[derive(Clone, Debug, Serialize)]
pub struct IntakeOutcome {
    /// The stored message's id.
    pub id: String,
    /// created, appended, held or ignored (received while it is being handled).
    pub status: String,
    /// incident, vulnerability, phishing, intel or reply; empty when unrouted.
    pub route: String,
    /// The tracking number or intel record it became or joined.
    pub target: String,
    /// Why it was held or ignored.
    pub reason: String,
    /// The same message had been handed over before (an MTA retry).
    pub duplicate: bool,
}

impl IntakeOutcome {
    fn of(m: &InboundMail, d: &InboundDelivery, duplicate: bool) -> Self {
        IntakeOutcome {
            id: m.id.to_string(),
            status: d.status.clone(),
            route: d.route.clone(),
            target: d.target.clone(),
            reason: d.reason.clone(),
            duplicate,
        }
    }
}

pub use crate::config::ROUTES;

fn limits(state: &App) -> Limits {
    let c = &state.config.intake;
    Limits {
        max_bytes: c.max_bytes,
        max_parts: c.max_parts,
        max_depth: c.max_depth,
        max_attachments: state.config.reports.max_attachments,
        max_attachment_bytes: state.config.reports.max_attachment_bytes,
        ..Limits::default()
    }
}

/// What a mailgate needs to know before it reads a message: the largest message the
/// server takes (`intake.max_bytes`), so the gate and the server never disagree.
#[derive(Clone, Debug, Serialize)]
pub struct IntakeLimits {
    /// The largest message taken, in bytes.
    pub max_bytes: usize,
    /// The largest attachment taken into a case; larger ones stay in the stored message.
    pub max_attachment_bytes: usize,
}

/// The limits, for whoever may hand over mail.
pub async fn intake_limits(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<IntakeLimits, AppError> {
    check(state, who, ctx, Action::Create, &Resource::InboundMail).await?;
    let l = limits(state);
    Ok(IntakeLimits {
        max_bytes: l.max_bytes,
        max_attachment_bytes: l.max_attachment_bytes,
    })
}

/// The recipient as a delivery records it: trimmed, without angle brackets, lower-cased
/// (a `+tag` kept); `""` when the MTA did not say.
fn delivery_recipient(envelope: &Envelope) -> String {
    envelope
        .recipient
        .as_deref()
        .map(|r| r.trim().trim_matches(['<', '>']).trim().to_lowercase())
        .unwrap_or_default()
}

/// Takes one delivery of a message. A message refused by the limits is a 422 naming the
/// reason and is not stored. Anything else is stored before it is handled (the message
/// once, whatever it was delivered for; each recipient's delivery once) and each delivery
/// is handled once: the MTA's retry of a delivery gets the first outcome.
pub async fn receive(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    raw: &[u8],
    envelope: &Envelope,
) -> Result<IntakeOutcome, AppError> {
    check(state, who, ctx, Action::Create, &Resource::InboundMail).await?;
    let mail = mail_in::parse(raw, envelope.sender.as_deref(), &limits(state)).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.add(
            "message",
            FieldError::new("error-mail-refused").arg("reason", &e),
        );
        AppError::Validation(errors)
    })?;
    // Encrypted mail is read as its plaintext; the ciphertext is what is stored below.
    let (mail, opened) =
        super::pgp::open_inbound(state, raw, mail, &limits(state), envelope.sender.as_deref())
            .await?;
    let sha = hex::encode(Sha256::digest(mail_in::identity(raw)));
    let now = state.now();
    let recipient = delivery_recipient(envelope);
    let envelope_sender = envelope.sender.clone().unwrap_or_default();
    let audit = |id: &Uuid, from: &str, subject: &str| {
        let mut a = audit_entry(who, ctx, "mail.receive", "inbound_mail", &id.to_string());
        a.detail = format!("from={from} subject={subject} recipient={recipient}");
        a
    };
    // Durable before anything else happens, acknowledgments included: a new message and
    // its delivery in one transaction.
    let mut message = state.store.inbound_by_sha(&sha).await?;
    if message.is_none() {
        let row = InboundMail {
            id: Uuid::now_v7(),
            sha256: sha.clone(),
            received_at: now,
            envelope_sender: envelope_sender.clone(),
            recipient: recipient.clone(),
            message_id: mail.message_id.clone().unwrap_or_default(),
            from_email: mail
                .from
                .as_ref()
                .map(|f| f.email.clone())
                .unwrap_or_default(),
            subject: mail.subject.chars().take(500).collect(),
            raw: raw.to_vec(),
        };
        let delivery = new_delivery(&row, &recipient, &envelope_sender, now);
        let mut tx = state.store.begin().await?;
        if tx.insert_inbound(&row).await? {
            tx.insert_inbound_delivery(&delivery).await?;
            tx.audit(&audit(&row.id, &row.from_email, &row.subject))
                .await?;
            tx.commit().await?;
            return handle(state, ctx, &row, &delivery, &mail, &opened, envelope).await;
        }
        // Another delivery stored the same message a moment ago.
        tx.rollback().await?;
        message = state.store.inbound_by_sha(&sha).await?;
    }
    let message = message.ok_or_else(|| AppError::internal("inbound mail vanished"))?;
    let delivery = new_delivery(&message, &recipient, &envelope_sender, now);
    let mut tx = state.store.begin().await?;
    let fresh = tx.insert_inbound_delivery(&delivery).await?;
    if fresh {
        tx.audit(&audit(&message.id, &message.from_email, &message.subject))
            .await?;
    }
    tx.commit().await?;
    if fresh {
        return handle(state, ctx, &message, &delivery, &mail, &opened, envelope).await;
    }
    let stored = state
        .store
        .inbound_deliveries(message.id)
        .await?
        .into_iter()
        .find(|d| d.recipient == recipient)
        .ok_or_else(|| AppError::internal("inbound delivery vanished"))?;
    if stored.status != "received" {
        return Ok(IntakeOutcome::of(&message, &stored, true));
    }
    // Stored but not handled (the server stopped in between): handle it now.
    let mut outcome = handle(state, ctx, &message, &stored, &mail, &opened, envelope).await?;
    outcome.duplicate = true;
    Ok(outcome)
}

fn new_delivery(
    message: &InboundMail,
    recipient: &str,
    envelope_sender: &str,
    now: Timestamp,
) -> InboundDelivery {
    InboundDelivery {
        id: Uuid::now_v7(),
        mail_id: message.id,
        recipient: recipient.to_string(),
        envelope_sender: envelope_sender.to_string(),
        received_at: now,
        route: String::new(),
        status: "received".into(),
        reason: String::new(),
        target: String::new(),
    }
}

/// Routes a stored delivery and records the outcome.
async fn handle(
    state: &App,
    ctx: &Ctx,
    message: &InboundMail,
    delivery: &InboundDelivery,
    mail: &Inbound,
    opened: &Option<Opened>,
    envelope: &Envelope,
) -> Result<IntakeOutcome, AppError> {
    let (route, status, reason, target) =
        decide(state, ctx, message, delivery, mail, opened, envelope).await?;
    let mut tx = state.store.begin().await?;
    tx.set_delivery_outcome(delivery.id, &route, status, &reason, &target)
        .await?;
    tx.commit().await?;
    Ok(IntakeOutcome {
        id: message.id.to_string(),
        status: status.to_string(),
        route,
        target,
        reason,
        duplicate: false,
    })
}

type Decision = (String, &'static str, String, String);

fn held(route: &str, reason: impl Into<String>) -> Result<Decision, AppError> {
    Ok((route.to_string(), "held", reason.into(), String::new()))
}

/// The case a message says it answers.
enum Answer {
    /// It replies to a message we sent about the case: its `In-Reply-To`/`References`
    /// carries one of our Message-IDs, which only that message's recipients saw.
    Proven(String),
    /// Only its subject names the case. Tracking numbers are sequential: anyone can write
    /// one, so this proves nothing.
    Claimed(String),
}

/// The case a message answers: the case of the message of ours it replies to, else a
/// tracking number in its subject (unproven).
async fn answered_case(state: &App, mail: &Inbound) -> Result<Option<Answer>, AppError> {
    let t = &state.config.tracking;
    let prefixes = [
        t.incident_prefix.as_str(),
        t.vulnerability_prefix.as_str(),
        t.phishing_prefix.as_str(),
    ];
    for id in mail.thread_ids() {
        if let Some(subject) = state.store.sent_subject(id).await?
            && let Some(n) = mail_in::tracking_numbers(&subject, &prefixes)
                .into_iter()
                .next()
        {
            return Ok(Some(Answer::Proven(n)));
        }
    }
    Ok(mail_in::tracking_numbers(&mail.subject, &prefixes)
        .into_iter()
        .next()
        .map(Answer::Claimed))
}

/// Whether `email` is a party to the report: its reporter's address, or an account the
/// access policy lets add to it (its organization's members, a notified vendor's, the desk).
async fn is_party(state: &App, report: &Report, email: &str) -> Result<bool, AppError> {
    if report.reporter_email.eq_ignore_ascii_case(email) {
        return Ok(true);
    }
    let Some(user) = state.store.find_user_by_email(email).await? else {
        return Ok(false);
    };
    if user.disabled {
        return Ok(false);
    }
    let resource = super::reports::report_resource(state, report).await?;
    Ok(authorize(Some(&principal_of(&user)), Action::Append, &resource).is_ok())
}

fn uploads(mail: &Inbound) -> Vec<Upload> {
    mail.attachments
        .iter()
        .map(|a| Upload {
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            bytes: a.bytes.clone(),
        })
        .collect()
}

/// The text a reply adds to its case: its own, the forwarded messages not inline in it,
/// and what was not taken from it.
fn reply_body(mail: &Inbound, not_taken: &[String]) -> String {
    let mut body = mail.text.clone();
    // Inline forwards (and the quoted original Outlook puts under a reply) are in the
    // text already.
    for f in mail.forwarded.iter().filter(|f| !f.inline) {
        body.push_str("\n\n---\n");
        body.push_str(&f.text);
    }
    if !not_taken.is_empty() {
        body.push_str("\n\n---\n");
        body.push_str(&not_taken.join("\n"));
    }
    body
}

/// Text a form field may hold: no controls but line breaks and tabs, at most `max` chars.
fn field_text(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .take(max)
        .collect()
}

/// The language of an acknowledgment: Chinese unless the message has no CJK at all.
fn locale_of(mail: &Inbound) -> Locale {
    let cjk = |s: &str| s.chars().any(tocsin_domain::search::is_cjk);
    if cjk(&mail.subject) || cjk(&mail.text) {
        Locale::ZhTw
    } else {
        Locale::En
    }
}

/// A short reason from a refused submission, in the desk's language.
fn reason_of(e: &AppError) -> String {
    match e {
        AppError::Validation(f) => {
            let tr = Tr::new(Locale::ZhTw);
            f.iter()
                .map(|(k, v)| {
                    // Intel errors name their field already.
                    if v.args.iter().any(|(a, _)| *a == "field") {
                        tr.field_error(v)
                    } else {
                        format!("{k}: {}", tr.field_error(v))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
        AppError::TooManyRequests => "rate limited".into(),
        other => other.to_string(),
    }
}

/// The newsletter delivery a bounce answers: the VERP tag of the address it was
/// delivered to (the MTA's recipient, else its To/Cc).
fn bounce_key(mail: &Inbound, envelope: &Envelope) -> Option<String> {
    envelope
        .recipient
        .iter()
        .map(String::as_str)
        .chain(mail.recipients.iter().map(|m| m.email.as_str()))
        .find_map(tocsin_domain::newsletter::bounce_key_of)
}

async fn decide(
    state: &App,
    ctx: &Ctx,
    message: &InboundMail,
    delivery: &InboundDelivery,
    mail: &Inbound,
    opened: &Option<Opened>,
    envelope: &Envelope,
) -> Result<Decision, AppError> {
    if mail.automatic == Some(mail_in::Automatic::Bounce)
        && let Some(key) = bounce_key(mail, envelope)
    {
        // A bounce of a newsletter copy (its VERP return path names the delivery).
        let outcome = super::newsletter::record_bounce(state, &key).await?;
        return Ok((
            String::new(),
            "ignored",
            format!("automatic: bounce (newsletter: {outcome:?})"),
            String::new(),
        ));
    }
    if let Some(kind) = mail.automatic {
        let kind = serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        return Ok((
            String::new(),
            "ignored",
            format!("automatic: {kind}"),
            String::new(),
        ));
    }
    let Some(from) = mail.from.as_ref() else {
        return held("", "no sender address");
    };
    let verdicts = mail_in::authentication_verdicts(&message.raw);
    let checks = if verdicts.is_empty() {
        String::new()
    } else {
        format!(" [{verdicts}]")
    };
    let answer = answered_case(state, mail).await?;
    let route = match answer {
        Some(_) => "reply".to_string(),
        None => match route_of(state, mail, envelope) {
            Ok(r) => r,
            Err(decision) => return Ok(decision),
        },
    };
    // The same message delivered for two addresses of one route (a reply copied to
    // incident@ and phishing@) runs that route once; each delivery is recorded.
    if let Some(first) = state
        .store
        .inbound_deliveries(message.id)
        .await?
        .into_iter()
        .find(|d| d.id != delivery.id && d.route == route && d.status != "received")
    {
        let reason = format!(
            "the same message was handled as {route} when delivered for {}",
            if first.recipient.is_empty() {
                "its first recipient"
            } else {
                &first.recipient
            }
        );
        return Ok((route, "ignored", reason, first.target));
    }
    let not_taken: Vec<String> = mail.dropped.iter().map(|d| d.to_string()).collect();
    // Replies first: they join their case whatever address they went to, when they prove
    // they belong (they answer a message of ours) and come from a party to the case.
    if let Some(answer) = answer {
        let tracking = match answer {
            Answer::Proven(t) => t,
            Answer::Claimed(t) => {
                return held(
                    "reply",
                    format!("names {t} but answers no message we sent about it{checks}"),
                );
            }
        };
        let Some(report) = state.store.report_by_tracking(&tracking).await? else {
            return held("reply", format!("no case {tracking}"));
        };
        // From: is the sender's claim; the envelope sender is the MTA's. Either may
        // stand for a party; the proof above is what a forger lacks.
        let mut party = None;
        for address in [Some(from.email.as_str()), envelope.sender.as_deref()]
            .into_iter()
            .flatten()
        {
            if party.is_none() && is_party(state, &report, address).await? {
                party = Some(address.to_ascii_lowercase());
            }
        }
        let body = reply_body(mail, &not_taken);
        let Some(party) = party else {
            // Not a party, but perhaps a team the case went to (or came from): its
            // thread, not the reporter's.
            let senders: Vec<&str> = [Some(from.email.as_str()), envelope.sender.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let text = field_text(body.trim(), 20_000);
            if super::forward::team_reply(state, ctx, &report, &senders, message, mail, &text)
                .await?
            {
                return Ok(("reply".into(), "appended", String::new(), tracking));
            }
            return held(
                "reply",
                format!("{} is not a party to {tracking}{checks}", from.email),
            );
        };
        let mut tx = state.store.begin().await?;
        let ev = tx
            .add_event(
                report.id,
                &NewEvent {
                    actor_id: None,
                    actor: party.clone(),
                    event: "reporter_info".into(),
                    visibility: Visibility::Reporter,
                    body: field_text(body.trim(), 20_000),
                    data: serde_json::json!({
                        "via": "mail",
                        "authentication": verdicts,
                        "inbound_id": message.id.to_string(),
                        "not_taken": not_taken,
                        "encrypted": opened.as_ref().is_some_and(|o| o.encrypted),
                        "signer": opened.as_ref().and_then(|o| o.signer.clone()),
                    })
                    .to_string(),
                },
            )
            .await?;
        store_uploads(&mut tx, &report, Some(ev), &uploads(mail)).await?;
        let mut a = audit_entry(
            &CurrentUser(None),
            ctx,
            "report.reporter_info",
            "report",
            &tracking,
        );
        a.actor = party;
        a.detail = format!("by mail{checks}");
        tx.audit(&a).await?;
        tx.commit().await?;
        return Ok(("reply".into(), "appended", String::new(), tracking));
    }
    let intake = &state.config.intake;
    // Loop and flood guard: a sender's messages are routed (and answered) at most N an
    // hour. The slot is taken before the check, in one step, so that messages handed over
    // at once cannot all pass (an attempt counts, whether or not it becomes a case).
    let key = format!("mail-ack:{}", from.email);
    let now = state.now();
    if intake.acks_per_hour > 0 {
        let mut tx = state.store.begin().await?;
        let taken = tx
            .take_rate_slot(
                &key,
                now,
                now.plus(time::Duration::hours(-1)),
                intake.acks_per_hour,
            )
            .await?;
        tx.commit().await?;
        if !taken {
            return held(
                &route,
                format!(
                    "more than {} messages an hour from {}",
                    intake.acks_per_hour, from.email
                ),
            );
        }
    }
    let ctx = Ctx {
        locale: locale_of(mail),
        // Per sender, so that the per-address intake limit counts senders, not the mailgate.
        ip: format!("mail:{}", from.email),
        request_id: ctx.request_id.clone(),
        from_mail: Some(FromMail {
            inbound_id: message.id.to_string(),
            not_taken,
            pgp: opened.clone(),
        }),
        idempotency_key: None,
    };
    let anonymous = CurrentUser(None);
    let result = match route.as_str() {
        "incident" => {
            // When it was written, on the desk's clock and calendar; never in the future.
            let date = mail
                .date
                .map(|d| Timestamp::from_micros(d.saturating_mul(1_000_000)))
                .filter(|d| *d <= now)
                .unwrap_or(now);
            let description = if mail.subject.is_empty() {
                mail.text.clone()
            } else {
                format!("{}\n\n{}", mail.subject, mail.text)
            };
            let input = IncidentInput {
                reporter_name: field_text(
                    if from.name.is_empty() {
                        &from.email
                    } else {
                        &from.name
                    },
                    200,
                ),
                email: from.email.clone(),
                discovered_at: state.local_minute(date),
                time_zone: state.desk.calendar.time_zone_name().to_string(),
                incident_type: intake.incident_type.clone(),
                description: field_text(description.trim(), 20_000),
                needs_support: Some(false),
                ..IncidentInput::default()
            };
            super::reports::submit_incident(state, &anonymous, &ctx, &input, uploads(mail))
                .await
                .map(|r| r.tracking_id)
        }
        "vulnerability" => {
            // The first text attachment is the form (as for intel), kept under the
            // sender's name for it; the rest is evidence.
            let form = mail.attachments.iter().position(|a| a.is_text());
            let mut files = uploads(mail);
            let txt = match form {
                Some(i) => files.remove(i),
                None => super::vuln::form_upload(mail.text.clone().into_bytes()),
            };
            let parsed = tocsin_formats::vuln_form::parse_bytes(&txt.bytes);
            let mut input = tocsin_domain::VulnInput::default();
            if parsed
                .form
                .reporter_email
                .as_deref()
                .is_none_or(|e| e.trim().is_empty())
            {
                input.reporter_email = from.email.clone();
            }
            super::vuln::submit_vulnerability(state, &anonymous, &ctx, &input, Some(txt), files)
                .await
                .map(|r| r.tracking_id)
        }
        "phishing" => {
            let mut text = mail.text.clone();
            for l in &mail.links {
                text.push('\n');
                text.push_str(l);
            }
            let mut original = String::new();
            for f in &mail.forwarded {
                if !f.inline {
                    text.push('\n');
                    text.push_str(&f.text);
                }
                if !original.is_empty() {
                    original.push_str("\n\n");
                }
                // Decoded headers, for reading; the .eml keeps them as sent.
                original.push_str(&f.headers);
                original.push_str("\n\n");
                original.push_str(&f.text);
            }
            if original.is_empty() {
                original = mail.text.clone();
            }
            let urls: Vec<String> = extract_observables(&text)
                .into_iter()
                .filter(|o| o.kind == ObservableKind::Url)
                .map(|o| o.value)
                .collect();
            // The brand impersonated is not in the mail's headers; the forwarded sender's
            // name or the subject stands in until the desk corrects it.
            let brand = mail
                .forwarded
                .iter()
                .find_map(|f| f.from.as_ref().map(|a| a.name.clone()))
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| mail.subject.clone());
            let brand = if brand.trim().is_empty() {
                "?".to_string()
            } else {
                field_text(&brand, 200)
            };
            // When the phishing mail came: the forwarded message's date, on the desk's
            // calendar (a date written without an offset is taken as the desk's).
            let seen_at = mail
                .forwarded
                .iter()
                .find_map(|f| f.date)
                .and_then(|d| seen_at(state, d, now))
                .unwrap_or_default();
            let input = tocsin_domain::phishing::PhishingInput {
                urls,
                brand,
                seen_in: "email".into(),
                seen_at,
                time_zone: state.desk.calendar.time_zone_name().to_string(),
                original_message: field_text(&original, 50_000),
                reporter_email: from.email.clone(),
                reporter_name: field_text(&from.name, 200),
            };
            super::phishing::submit_phishing(state, &anonymous, &ctx, &input, uploads(mail))
                .await
                .map(|r| r.tracking_id)
        }
        "intel" => {
            let user = state.store.find_user_by_email(&from.email).await?;
            let Some(user) = user.filter(|u| !u.disabled) else {
                return held(
                    &route,
                    format!("{} has no account to submit intel with", from.email),
                );
            };
            intel(state, &ctx, mail, user).await
        }
        // Automatic mail and bounces (a null envelope sender too) were ignored above.
        super::virus_mail::ROUTE => {
            super::virus_mail::submit(state, &ctx, message.id, mail, &from.email).await
        }
        other => return held(other, format!("unknown route {other}")),
    };
    match result {
        Ok(target) => {
            // A request from a team of the directory: the case is marked as theirs.
            if matches!(route.as_str(), "incident" | "vulnerability" | "phishing") {
                super::forward::mark_request(state, &ctx, &target, &from.email, mail).await?;
            }
            Ok((route, "created", String::new(), target))
        }
        Err(
            e @ (AppError::Validation(_)
            | AppError::TooManyRequests
            | AppError::Forbidden
            | AppError::Unauthorized),
        ) => held(&route, reason_of(&e)),
        Err(e) => Err(e),
    }
}

/// The desk a delivery goes to: the MTA's `--queue`, else the recipient's route (a
/// `+tag` does not change it), else `intake.default_route`. When the MTA names the
/// recipient, that address alone decides: the To and Cc a sender wrote would route a copy
/// meant for another desk twice.
fn route_of(state: &App, mail: &Inbound, envelope: &Envelope) -> Result<String, Decision> {
    let intake = &state.config.intake;
    match envelope
        .queue
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        Some(q) if ROUTES.contains(&q) => return Ok(q.to_string()),
        Some(q) => {
            return Err((
                q.to_string(),
                "held",
                format!("unknown queue {q}"),
                String::new(),
            ));
        }
        None => {}
    }
    let lookup = |address: &str| {
        intake
            .routes
            .get(&mail_in::route_address(address).0)
            .cloned()
    };
    // Virus Check's address, when configured, is a route of its own.
    let lookup = |address: &str| {
        if super::virus_mail::is_address(state, address) {
            Some(super::virus_mail::ROUTE.to_string())
        } else {
            lookup(address)
        }
    };
    let route = match envelope
        .recipient
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(r) => lookup(r),
        None => mail.recipients.iter().find_map(|r| lookup(&r.email)),
    }
    .unwrap_or_else(|| intake.default_route.clone());
    if route.is_empty() {
        return Err((
            String::new(),
            "held",
            "no route for its recipients".into(),
            String::new(),
        ));
    }
    Ok(route)
}

/// A forwarded message's date as the desk's wall-clock minute (a date written without an
/// offset is the desk's); `None` for one that does not exist or lies in the future, so a
/// sender's odd date never refuses the report.
fn seen_at(state: &App, date: ForwardedDate, now: Timestamp) -> Option<String> {
    let at = match date {
        ForwardedDate::At(secs) => Timestamp::from_micros(secs.checked_mul(1_000_000)?),
        ForwardedDate::Local {
            year,
            month,
            day,
            hour,
            minute,
        } => {
            let civil = jiff::civil::DateTime::new(
                i16::try_from(year).ok()?,
                i8::try_from(month).ok()?,
                i8::try_from(day).ok()?,
                i8::try_from(hour).ok()?,
                i8::try_from(minute).ok()?,
                0,
                0,
            )
            .ok()?;
            let ts = state
                .desk
                .calendar
                .time_zone()
                .to_ambiguous_timestamp(civil)
                .compatible()
                .ok()?;
            tocsin_domain::zone::from_jiff(ts)
        }
    };
    (at <= now).then(|| state.local_minute(at))
}

/// An intel record by mail: the TXT form attached (or in the body), submitted as a draft by
/// the account of the sender's address.
async fn intel(
    state: &App,
    ctx: &Ctx,
    mail: &Inbound,
    user: tocsin_storage::User,
) -> Result<String, AppError> {
    let bytes = mail
        .attachments
        .iter()
        .find(|a| a.is_text())
        .map(|a| a.bytes.clone())
        .unwrap_or_else(|| mail.text.clone().into_bytes());
    let input = super::intel::read_txt(&bytes)?;
    // The sender address stands for the account, as it does for a reporter: the record is
    // only a draft until an analyst accepts it.
    let who = CurrentUser(Some((user, AuthMethod::Mail)));
    let record = super::intel::submit(state, &who, ctx, &input, super::intel::Channel::Txt).await?;
    Ok(record.row.id.to_string())
}

/// Stored messages for the desk, newest first, optionally of one status (audited).
pub async fn list(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    status: Option<&str>,
) -> Result<Vec<(InboundMail, Vec<InboundDelivery>)>, AppError> {
    check(state, who, ctx, Action::List, &Resource::InboundMail).await?;
    let rows = state.store.list_inbound(status, 200).await?;
    let mut a = audit_entry(who, ctx, "mail.list", "inbound_mail", "");
    a.detail = format!("{} messages", rows.len());
    state.store.audit(&a).await?;
    Ok(rows)
}

/// One stored message, its raw bytes included (audited: it is evidence).
pub async fn get(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
) -> Result<InboundMail, AppError> {
    check(state, who, ctx, Action::Read, &Resource::InboundMail).await?;
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let m = state
        .store
        .get_inbound(id)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "mail.read",
            "inbound_mail",
            &id.to_string(),
        ))
        .await?;
    Ok(m)
}

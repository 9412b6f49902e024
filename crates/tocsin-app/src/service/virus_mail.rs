//! Virus Check by mail: mail intake routes a message sent to `virus_check.mail_address`
//! here (after its guards: automatic mail and bounces are never answered, and a sender's
//! messages are routed at most `intake.acks_per_hour` an hour, so a forged sender cannot
//! turn us into a mail cannon). Each attachment is submitted as an anonymous upload
//! (written through `virus::Upload` in chunks, refused past `virus_check.max_bytes`: a
//! forged sender must not put files in someone's history), and the request is recorded.
//! A worker answers each request once, when its analyses are completed (or after
//! [`GIVE_UP`]): one mail with every file's verdict through the outbox, as an automatic
//! answer (`Auto-Submitted: auto-replied`), in the language of the sender's account, else
//! zh-TW. The verdicts are an anonymous reader's: the shared-intel engine names only what
//! anyone may read, since the sender is not proven.

use serde::{Deserialize, Serialize};
use tocsin_domain::Locale;
use tocsin_domain::virus::AnalysisStatus;
use tocsin_formats::mail_in::Inbound;
use tocsin_storage::virus::{NewVirusMailRequest, VirusMailRequest};
use uuid::Uuid;

use super::virus;
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::App;

/// The route's name in mail intake.
pub const ROUTE: &str = "virus_check";

/// How long a request waits for its analyses before it is answered with what is known.
const GIVE_UP: time::Duration = time::Duration::hours(1);

/// How many bytes an attachment is written in at a time.
const CHUNK: usize = 64 * 1024;

/// One file of a request: its name and analysis (None: refused, too large).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct File {
    name: String,
    analysis: Option<Uuid>,
}

/// Whether `address` is Virus Check's mail address (a `+tag` and case do not matter).
pub fn is_address(state: &App, address: &str) -> bool {
    let own = state.config.virus_check.mail_address.trim();
    !own.is_empty()
        && tocsin_formats::mail_in::route_address(address).0
            == tocsin_formats::mail_in::route_address(own).0
}

/// Submits each attachment of `mail` from `sender` and records the request to answer;
/// returns what the delivery records as its target (the analyses' ids). A message with no
/// attachment is refused (the caller holds it: a person wrote to the wrong address).
pub async fn submit(
    state: &App,
    ctx: &Ctx,
    inbound_id: Uuid,
    mail: &Inbound,
    sender: &str,
) -> Result<String, AppError> {
    if mail.attachments.is_empty() {
        return Err(AppError::field("file", "error-required"));
    }
    let anonymous = CurrentUser(None);
    let mut files = Vec::with_capacity(mail.attachments.len());
    for a in &mail.attachments {
        let mut up = virus::begin_upload(state).await?;
        let mut fits = true;
        for chunk in a.bytes.chunks(CHUNK) {
            match up.write(chunk).await {
                Ok(()) => {}
                Err(AppError::TooLarge) => {
                    fits = false;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        let analysis = if fits {
            Some(
                virus::submit(state, &anonymous, ctx, up, &a.filename, "")
                    .await?
                    .analysis_id,
            )
        } else {
            None
        };
        files.push(File {
            name: a.filename.clone(),
            analysis,
        });
    }
    // Files intake dropped (over its own limits) are named in the answer too.
    for d in &mail.dropped {
        files.push(File {
            name: d.to_string(),
            analysis: None,
        });
    }
    let locale = match state.store.find_user_by_email(sender).await? {
        Some(u) => Locale::from_tag(&u.locale).unwrap_or(Locale::ZhTw),
        None => Locale::ZhTw,
    };
    let target = files
        .iter()
        .filter_map(|f| f.analysis.map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    state
        .store
        .record_virus_mail_request(&NewVirusMailRequest {
            id: Uuid::now_v7(),
            inbound_id,
            sender: sender.to_string(),
            locale: locale.tag().to_string(),
            subject: mail.subject.chars().take(200).collect(),
            files: serde_json::to_string(&files)
                .map_err(|e| AppError::internal(format!("virus mail files: {e}")))?,
        })
        .await?;
    Ok(target)
}

/// Answers the requests whose analyses are all completed (or that waited [`GIVE_UP`]):
/// each once, its mail queued in the transaction that marks it answered. Returns how many
/// were answered.
pub async fn answer_completed(state: &App) -> Result<usize, AppError> {
    let mut n = 0;
    for r in state.store.waiting_virus_mail_requests(100).await? {
        let files: Vec<File> = serde_json::from_str(&r.files)
            .map_err(|e| AppError::internal(format!("virus mail files: {e}")))?;
        let mut reports = Vec::with_capacity(files.len());
        let mut done = true;
        for f in &files {
            let report = match f.analysis {
                Some(id) => Some(virus::report(state, &CurrentUser(None), id).await?),
                None => None,
            };
            done &= report
                .as_ref()
                .is_none_or(|r| r.status == AnalysisStatus::Completed);
            reports.push((f, report));
        }
        if !done && state.now() < r.created_at.plus(GIVE_UP) {
            continue;
        }
        let (subject, text) = answer(state, &r, &reports);
        let mut tx = state.store.begin().await?;
        if tx.mark_virus_mail_answered(r.id).await? {
            crate::mailer::queue_answer(&mut tx, state, &r.sender, &subject, &text).await?;
            tx.commit().await?;
            n += 1;
        } else {
            tx.rollback().await?;
        }
    }
    Ok(n)
}

/// The answer's subject and text.
fn answer(
    state: &App,
    r: &VirusMailRequest,
    reports: &[(&File, Option<virus::Report>)],
) -> (String, String) {
    let tr = Tr::new(Locale::from_tag(&r.locale).unwrap_or(Locale::ZhTw));
    let subject = if r.subject.trim().is_empty() {
        tr.t("virus-mail-subject")
    } else {
        format!("{} Re: {}", tr.t("virus-mail-subject"), r.subject.trim())
    };
    let mut lines = vec![tr.t("virus-mail-intro"), String::new()];
    for (f, report) in reports {
        let verdict = match report {
            None => tr.t("virus-mail-not-checked"),
            Some(rep) => match rep.verdict() {
                Some(v) => tr.t2("virus-verdict-", v.as_str()),
                None => tr.t2("virus-status-", rep.status.as_str()),
            },
        };
        lines.push(format!("{}: {verdict}", f.name));
        if let Some(rep) = report {
            lines.push(format!("  SHA-256 {}", rep.sha256));
            for e in rep.results.values() {
                if let Some(found) = &e.result {
                    lines.push(format!("  {}: {found}", e.engine_name));
                }
            }
            lines.push(format!(
                "  {}/virus-check/{}",
                state.config.public_url.trim_end_matches('/'),
                rep.id
            ));
        }
    }
    lines.push(String::new());
    lines.push(tr.t("virus-mail-outro"));
    (subject, lines.join("\n"))
}

//! Composing tocsin's own mail and queueing it in the caller's transaction, so the mail
//! is sent if and only if the change that caused it commits.

use tocsin_mail::{MailAttachment, OutgoingMail};
use tocsin_storage::Tx;

use crate::error::AppError;
use crate::state::App;

/// Queues an automatic plain-text message to `to` inside `tx`.
pub async fn queue(
    tx: &mut Tx,
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<(), AppError> {
    queue_with(tx, state, to, subject, text, vec![]).await?;
    Ok(())
}

/// Queues a message the desk writes to be answered (a message to a reporter, a vendor or
/// abuse notice): from the desk's address, with `Reply-To` the same, so that the answer
/// reaches mail intake and joins the case (it answers our Message-ID); no
/// `Auto-Submitted`, so the recipient's own systems treat it as a person's mail.
pub async fn queue_conversation(
    tx: &mut Tx,
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<(), AppError> {
    let desk = state.config.desk_address();
    let domain = desk.rsplit_once('@').map(|(_, d)| d).unwrap_or("localhost");
    let mail = OutgoingMail {
        from: desk.clone(),
        from_name: Some(state.config.mail.from_name.clone()),
        to: vec![to.to_string()],
        subject: subject.to_string(),
        text: text.to_string(),
        html: None,
        in_reply_to: None,
        references: vec![],
        reply_to: Some(desk.clone()),
        auto_submitted: false,
        answers_message: false,
        attachments: vec![],
    };
    let rendered =
        tocsin_mail::render(&mail, domain).map_err(|e| AppError::internal(format!("mail: {e}")))?;
    tx.enqueue_mail(&rendered).await?;
    Ok(())
}

/// Queues an automatic answer to a received message (`Auto-Submitted: auto-replied`, so
/// that the other side's responders stay quiet too).
pub async fn queue_answer(
    tx: &mut Tx,
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<(), AppError> {
    compose_and_queue(tx, state, to, subject, text, vec![], true).await?;
    Ok(())
}

/// Queues an automatic message with files attached; returns its Message-ID, which a
/// caller records to show what was delivered.
pub async fn queue_with(
    tx: &mut Tx,
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
    attachments: Vec<MailAttachment>,
) -> Result<String, AppError> {
    compose_and_queue(tx, state, to, subject, text, attachments, false).await
}

async fn compose_and_queue(
    tx: &mut Tx,
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
    attachments: Vec<MailAttachment>,
    answers_message: bool,
) -> Result<String, AppError> {
    let m = &state.config.mail;
    let domain = m
        .from
        .rsplit_once('@')
        .map(|(_, d)| d)
        .unwrap_or("localhost");
    let mail = OutgoingMail {
        from: m.from.clone(),
        from_name: Some(m.from_name.clone()),
        to: vec![to.to_string()],
        subject: subject.to_string(),
        text: text.to_string(),
        html: None,
        in_reply_to: None,
        references: vec![],
        reply_to: None,
        auto_submitted: true,
        answers_message,
        attachments,
    };
    let rendered =
        tocsin_mail::render(&mail, domain).map_err(|e| AppError::internal(format!("mail: {e}")))?;
    tx.enqueue_mail(&rendered).await?;
    Ok(rendered.message_id)
}

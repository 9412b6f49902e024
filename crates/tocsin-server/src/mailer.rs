//! Composing tocsin's own mail and queueing it in the caller's transaction, so the mail
//! is sent if and only if the change that caused it commits.

use tocsin_mail::OutgoingMail;
use tocsin_storage::Tx;

use crate::error::AppError;
use crate::state::AppState;

/// Queues an automatic plain-text message to `to` inside `tx`.
pub async fn queue(
    tx: &mut Tx,
    state: &AppState,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<(), AppError> {
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
        auto_submitted: true,
        attachments: vec![],
    };
    let rendered =
        tocsin_mail::render(&mail, domain).map_err(|e| AppError::internal(format!("mail: {e}")))?;
    tx.enqueue_mail(&rendered).await?;
    Ok(())
}

//! Composing tocsin's own mail and queueing it in the caller's transaction, so the mail
//! is sent if and only if the change that caused it commits.

use tocsin_mail::{MailAttachment, OutgoingMail};
use tocsin_storage::{NewMail, Tx};

use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::App;

/// A notice written from message ids, rendered in its reader's language: the one way
/// tocsin's notices get a subject (led by the case's tracking number in brackets when it
/// concerns a case) and a body.
#[derive(Clone, Copy, Debug)]
pub struct Letter<'a> {
    /// The tracking number of the case it concerns, if any.
    pub case: Option<&'a str>,
    /// The message id of the subject.
    pub subject: &'a str,
    /// The message id of the body.
    pub body: &'a str,
    /// The values the two messages name.
    pub args: &'a [(&'static str, String)],
}

impl Letter<'_> {
    /// Its subject and body in `tr`'s language.
    pub fn render(&self, tr: &Tr) -> (String, String) {
        let subject = tr.t_args(self.subject, self.args);
        let subject = match self.case {
            Some(case) => format!("[{case}] {subject}"),
            None => subject,
        };
        (subject, tr.t_args(self.body, self.args))
    }

    /// Its subject and body in Traditional Chinese followed by English, for a reader
    /// whose language tocsin does not know.
    pub fn render_both(&self) -> (String, String) {
        let zh = self.render(&Tr::new(tocsin_domain::Locale::ZhTw));
        let en = self.render(&Tr::new(tocsin_domain::Locale::En));
        (
            format!("{} / {}", zh.0, en.0),
            format!("{}\n\n----\n\n{}\n", zh.1, en.1),
        )
    }
}

/// Queues an automatic notice to `to` in `tr`'s language inside `tx`; an empty address
/// (a reporter who left none) gets nothing.
pub async fn queue_letter(
    tx: &mut Tx,
    state: &App,
    to: &str,
    tr: &Tr,
    letter: &Letter<'_>,
) -> Result<(), AppError> {
    if to.trim().is_empty() {
        return Ok(());
    }
    let (subject, body) = letter.render(tr);
    queue(tx, state, to, &subject, &body).await
}

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
    let kind = Kind::Conversation {
        desk: desk.as_str(),
    };
    compose_and_queue(tx, state, kind, to, subject, text, vec![]).await?;
    Ok(())
}

/// Queues a message the desk writes to another team in a thread of its own: as
/// [`queue_conversation`], with files attached and, when the team wrote before, `In-Reply-To`
/// and `References` naming their last message (so their ticket system files it under their
/// ticket). Returns its Message-ID, which the thread records.
pub async fn queue_conversation_in_thread(
    tx: &mut Tx,
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
    attachments: Vec<MailAttachment>,
    answers: Option<&str>,
) -> Result<String, AppError> {
    let desk = state.config.desk_address();
    let kind = Kind::Conversation {
        desk: desk.as_str(),
    };
    let answers = answers.map(str::trim).filter(|id| !id.is_empty());
    let mail = outgoing(state, kind, to, subject, text, attachments, answers);
    let rendered = render_outgoing(state, &mail).await?;
    tx.enqueue_mail(&rendered).await?;
    Ok(rendered.message_id)
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
    compose_and_queue(tx, state, Kind::Answer, to, subject, text, vec![]).await?;
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
    compose_and_queue(tx, state, Kind::Automatic, to, subject, text, attachments).await
}

/// Renders one copy of a list message (the newsletter) to `to`: automatic, with the
/// one-click unsubscribe headers for `unsubscribe_url` and `envelope_sender` (a VERP
/// address) as the envelope sender. The caller queues it with the row that records it.
pub async fn render_list_message(
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
    attachments: Vec<MailAttachment>,
    unsubscribe_url: &str,
    envelope_sender: &str,
) -> Result<NewMail, AppError> {
    let mut mail = outgoing(state, Kind::Automatic, to, subject, text, attachments, None);
    mail.list_unsubscribe = Some(unsubscribe_url.to_string());
    mail.envelope_sender = Some(envelope_sender.to_string());
    render_outgoing(state, &mail).await
}

/// What a message is, for its sender and marks.
enum Kind<'a> {
    /// Automatic, from `mail.from` (`Auto-Submitted: auto-generated`).
    Automatic,
    /// An automatic answer to a received message (`Auto-Submitted: auto-replied`).
    Answer,
    /// Written to be answered: from and `Reply-To` the desk's address, no `Auto-Submitted`.
    Conversation {
        /// The desk's address.
        desk: &'a str,
    },
}

/// Renders an automatic plain-text message to `to`, for a caller that queues several at
/// once (the group commit of intake).
pub(crate) async fn render(
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<NewMail, AppError> {
    compose(state, Kind::Automatic, to, subject, text, vec![]).await
}

/// Renders an automatic answer to a received message (as [`queue_answer`] queues).
pub(crate) async fn render_answer(
    state: &App,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<NewMail, AppError> {
    compose(state, Kind::Answer, to, subject, text, vec![]).await
}

async fn compose_and_queue(
    tx: &mut Tx,
    state: &App,
    kind: Kind<'_>,
    to: &str,
    subject: &str,
    text: &str,
    attachments: Vec<MailAttachment>,
) -> Result<String, AppError> {
    let rendered = compose(state, kind, to, subject, text, attachments).await?;
    tx.enqueue_mail(&rendered).await?;
    Ok(rendered.message_id)
}

/// Composes a message; when the desk has an OpenPGP key it is signed, and encrypted
/// (PGP/MIME) when the recipient's key is known (`service::pgp::recipient_key`).
async fn compose(
    state: &App,
    kind: Kind<'_>,
    to: &str,
    subject: &str,
    text: &str,
    attachments: Vec<MailAttachment>,
) -> Result<NewMail, AppError> {
    let mail = outgoing(state, kind, to, subject, text, attachments, None);
    render_outgoing(state, &mail).await
}

/// The message to `to`, answering the message `answers` (its Message-ID) when given.
fn outgoing(
    state: &App,
    kind: Kind<'_>,
    to: &str,
    subject: &str,
    text: &str,
    attachments: Vec<MailAttachment>,
    answers: Option<&str>,
) -> OutgoingMail {
    let m = &state.config.mail;
    let (from, reply_to) = match &kind {
        Kind::Conversation { desk } => (desk.to_string(), Some(desk.to_string())),
        Kind::Automatic | Kind::Answer => (m.from.clone(), None),
    };
    OutgoingMail {
        from,
        from_name: Some(m.from_name.clone()),
        to: vec![to.to_string()],
        subject: subject.to_string(),
        text: text.to_string(),
        html: None,
        in_reply_to: answers.map(str::to_string),
        references: answers.map(str::to_string).into_iter().collect(),
        reply_to,
        auto_submitted: !matches!(kind, Kind::Conversation { .. }),
        answers_message: matches!(kind, Kind::Answer),
        attachments,
        list_unsubscribe: None,
        envelope_sender: None,
    }
}

/// Renders `mail`; when the desk has an OpenPGP key it is signed, and encrypted (PGP/MIME)
/// when the recipient's key is known (`service::pgp::recipient_key`).
async fn render_outgoing(state: &App, mail: &OutgoingMail) -> Result<NewMail, AppError> {
    let domain = mail
        .from
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "localhost".into());
    let keys = match (state.pgp.as_ref(), mail.to.as_slice()) {
        (Some(_), [to]) => crate::service::pgp::recipient_key(state, to)
            .await?
            .into_iter()
            .collect(),
        _ => vec![],
    };
    let seal = state.pgp.as_ref().map(|key| tocsin_mail::Seal {
        key,
        encrypt_to: &keys,
        at: crate::service::pgp::pgp_time(state.now()),
    });
    tocsin_mail::render_sealed(mail, &domain, seal.as_ref())
        .map_err(|e| AppError::internal(format!("mail: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_domain::Locale;

    /// A case's notice leads its subject with the tracking number and fills both messages
    /// in the reader's language; a notice of no case has no brackets; the bilingual form
    /// puts Chinese first.
    #[test]
    fn letters_render_in_the_readers_language() {
        let args = [("tracking", "INC-20261207-0001".to_string())];
        let letter = Letter {
            case: Some("INC-20261207-0001"),
            subject: "mail-referral-accepted-subject",
            body: "mail-referral-accepted-body",
            args: &args,
        };
        let zh = Tr::new(Locale::ZhTw);
        let en = Tr::new(Locale::En);
        let (subject, body) = letter.render(&en);
        assert_eq!(
            subject,
            format!(
                "[INC-20261207-0001] {}",
                en.t("mail-referral-accepted-subject")
            )
        );
        assert!(body.contains("INC-20261207-0001"), "{body}");
        let (zh_subject, _) = letter.render(&zh);
        assert_ne!(zh_subject, subject, "the subject is translated");
        let (both, text) = letter.render_both();
        assert_eq!(both, format!("{zh_subject} / {subject}"));
        let zh_body = zh.t_args("mail-referral-accepted-body", &args);
        assert!(text.starts_with(&zh_body), "{text}");
        assert!(text.contains("----"), "{text}");
        let plain = Letter {
            case: None,
            ..letter
        };
        assert!(!plain.render(&en).0.starts_with('['));
    }
}

//! The monthly e-newsletter (電子報月報) and the public monthly statistics.
//!
//! Subscription is double opt-in: [`subscribe`] stores a pending subscriber and mails the
//! one confirmation link (a random secret stored only as its hash, expiring after
//! `newsletter.confirm_hours`); nothing else goes to an unconfirmed address. Every issue's
//! copy carries its own one-click unsubscribe link (RFC 8058) and a VERP envelope sender,
//! so a bounce handed to mail intake finds its delivery ([`record_bounce`]).
//!
//! The desk drafts the issue of a month ([`draft`]), writes its editorial, previews it and
//! sends it ([`send`]); the worker ([`send_due`]) then queues the copies in batches within
//! `newsletter.rate_per_minute`, each copy's delivery row in the same transaction as its
//! outbox row, so a send interrupted at any point resumes without mailing anyone twice.
//!
//! [`statistics`] counts a month for the public report: counts only, nothing that names a
//! reporter or a case.

use serde::Serialize;
use tocsin_domain::newsletter::{IssueStatus, Month, SubscriberStatus, verp_sender};
use tocsin_domain::policy::{Action, Resource};
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::{FieldError, Locale};
use tocsin_formats::{chart, csv};
use tocsin_mail::MailAttachment;
use tocsin_storage::{BounceOutcome, Issue, IssueCounts, MonthCounts, Subscriber};

use super::vuln::Advisory;
use super::{audit_entry, check};
use crate::auth::{self, CurrentUser};
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mailer::{self, Letter};
use crate::state::App;

/// Subscription requests allowed from one client address in an hour.
const SUBSCRIBES_PER_IP_HOUR: i64 = 20;
/// Confirmation mails to one address in a day (nobody is flooded through the form).
const CONFIRMS_PER_ADDRESS_DAY: i64 = 3;
/// The charts of a month, by the name of their file.
pub const CHARTS: &[&str] = &[
    "reports-by-kind",
    "incidents-by-type",
    "phishing-by-brand",
    "vulns-by-severity",
    "intel-by-category",
    "trend",
];

/// Asks for the newsletter at `email` in `locale`: mails the confirmation link. The answer
/// is the same whether the address was new, pending or already subscribed, so the form
/// tells nobody who reads the newsletter.
pub async fn subscribe(state: &App, ctx: &Ctx, email: &str, locale: &str) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    e.check("email", validate::email(email));
    let locale = Locale::from_tag(locale.trim());
    if locale.is_none() {
        e.add("locale", FieldError::new("error-choice"));
    }
    e.into_result().map_err(AppError::Validation)?;
    let locale = locale.unwrap_or_default();
    let email = validate::normalize_email(email);
    let now = state.now();
    let mut tx = state.store.begin().await?;
    if !tx
        .take_rate_slot(
            &format!("newsletter:ip:{}", ctx.ip),
            now,
            now.plus(time::Duration::hours(-1)),
            SUBSCRIBES_PER_IP_HOUR,
        )
        .await?
    {
        return Err(AppError::TooManyRequests);
    }
    let within = tx
        .take_rate_slot(
            &format!("newsletter:email:{email}"),
            now,
            now.plus(time::Duration::days(-1)),
            CONFIRMS_PER_ADDRESS_DAY,
        )
        .await?;
    let existing = tx.subscriber_by_email(&email).await?;
    let active = existing
        .as_ref()
        .is_some_and(|s| s.state().ok() == Some(SubscriberStatus::Active));
    let anon = CurrentUser(None);
    let mut a = audit_entry(
        &anon,
        ctx,
        "newsletter.subscribe",
        "newsletter_subscriber",
        "",
    );
    if !active && within {
        let secret = auth::new_secret();
        let hours = state.config.newsletter.confirm_hours;
        let id = tx
            .put_pending_subscriber(
                &email,
                locale.tag(),
                &auth::hash_secret(&secret),
                now.plus(time::Duration::hours(hours)),
                &auth::hash_secret(&auth::new_secret()),
            )
            .await?;
        a.target_id = id.to_string();
        let args = [
            (
                "link",
                state.config.link(&format!("/newsletter/confirm/{secret}")),
            ),
            ("hours", hours.to_string()),
        ];
        let letter = Letter {
            case: None,
            subject: "nl-mail-confirm-subject",
            body: "nl-mail-confirm-body",
            args: &args,
        };
        mailer::queue_letter(&mut tx, state, &email, &Tr::new(locale), &letter).await?;
    }
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// Follows a confirmation link: the subscription becomes active and a welcome mail with
/// an unsubscribe link is sent. A used, unknown or expired link is `NotFound`.
pub async fn confirm(state: &App, ctx: &Ctx, token: &str) -> Result<(), AppError> {
    let mut tx = state.store.begin().await?;
    let s = tx
        .confirm_subscriber(&auth::hash_secret(token.trim()))
        .await?
        .ok_or(AppError::NotFound)?;
    let secret = auth::new_secret();
    tx.set_unsubscribe_hash(s.id, &auth::hash_secret(&secret))
        .await?;
    let args = [
        (
            "link",
            state
                .config
                .link(&format!("/newsletter/unsubscribe/{secret}")),
        ),
        ("archive", state.config.link("/newsletter/archive")),
    ];
    let letter = Letter {
        case: None,
        subject: "nl-mail-welcome-subject",
        body: "nl-mail-welcome-body",
        args: &args,
    };
    mailer::queue_letter(
        &mut tx,
        state,
        &s.email,
        &Tr::for_reader(&s.locale),
        &letter,
    )
    .await?;
    let anon = CurrentUser(None);
    tx.audit(&audit_entry(
        &anon,
        ctx,
        "newsletter.confirm",
        "newsletter_subscriber",
        &s.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Follows an unsubscribe link (one click, RFC 8058: no session, no form token). True
/// when someone was subscribed; an unknown or used link changes nothing and says so.
pub async fn unsubscribe(state: &App, ctx: &Ctx, token: &str) -> Result<bool, AppError> {
    let mut tx = state.store.begin().await?;
    let left = tx.unsubscribe(&auth::hash_secret(token.trim())).await?;
    if left {
        let anon = CurrentUser(None);
        tx.audit(&audit_entry(
            &anon,
            ctx,
            "newsletter.unsubscribe",
            "newsletter_subscriber",
            "",
        ))
        .await?;
    }
    tx.commit().await?;
    Ok(left)
}

/// Counts a bounce that came back to a VERP address with `key` (mail intake calls this
/// for bounces); a subscriber who bounced `newsletter.bounce_limit` times is
/// unsubscribed. Bounces no delivery knows are ignored.
pub async fn record_bounce(state: &App, key: &str) -> Result<BounceOutcome, AppError> {
    let mut tx = state.store.begin().await?;
    let outcome = tx
        .record_bounce(key, state.config.newsletter.bounce_limit)
        .await?;
    tx.commit().await?;
    if outcome == BounceOutcome::Unsubscribed {
        tracing::info!("newsletter subscriber unsubscribed after repeated bounces");
    }
    Ok(outcome)
}

/// One month's public figures.
#[derive(Clone, Debug, Serialize)]
pub struct Statistics {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The month's counts.
    pub counts: MonthCounts,
    /// Median days from first report to takedown of the URLs taken down in the month,
    /// one decimal.
    pub takedown_median_days: Option<String>,
    /// Reports received in each of the twelve months ending with this one.
    pub trend: Vec<(String, i64)>,
}

/// The public statistics of `month` (`YYYY-MM`, not in the future).
pub async fn statistics(state: &App, month: &str) -> Result<Statistics, AppError> {
    let m = Month::parse(month.trim()).map_err(|_| AppError::NotFound)?;
    let tz = state.desk.calendar.time_zone();
    if m > Month::of(state.now(), tz) {
        return Err(AppError::NotFound);
    }
    let (from, until) = m.bounds(tz).ok_or(AppError::NotFound)?;
    let counts = state.store.month_counts(from, until).await?;
    let mut minutes = counts.takedown_minutes.clone();
    let takedown_median_days = tocsin_domain::phishing::median_and_p90(&mut minutes)
        .map(|(median, _)| format!("{:.1}", median as f64 / (60.0 * 24.0)));
    let mut trend = Vec::with_capacity(12);
    for p in m.last_twelve() {
        let (f, u) = p.bounds(tz).ok_or(AppError::NotFound)?;
        trend.push((
            p.to_string(),
            state.store.count_reports_between(f, u).await?,
        ));
    }
    Ok(Statistics {
        month: m.to_string(),
        counts,
        takedown_median_days,
        trend,
    })
}

impl Statistics {
    /// The rows of one chart, labels in `tr`'s language where they are tocsin's words.
    fn rows(&self, name: &str, tr: &Tr) -> Option<Vec<(String, i64)>> {
        let label = |prefix: &str, rows: &[(String, i64)]| {
            rows.iter()
                .map(|(k, n)| {
                    let key = if k.is_empty() { "none" } else { k.as_str() };
                    let id = format!("{prefix}{}", key.to_ascii_lowercase());
                    (tr.try_t(&id).unwrap_or_else(|| k.clone()), *n)
                })
                .collect()
        };
        let c = &self.counts;
        Some(match name {
            "reports-by-kind" => label("stats-kind-", &c.reports_by_kind),
            "incidents-by-type" => c.incidents_by_type.clone(),
            "phishing-by-brand" => c.phishing_by_brand.clone(),
            "vulns-by-severity" => label("stats-severity-", &c.vulns_by_severity),
            "intel-by-category" => c.intel_by_category.clone(),
            "trend" => self.trend.clone(),
            _ => return None,
        })
    }

    /// The chart `name` (one of [`CHARTS`]) as SVG, titled in `tr`'s language.
    pub fn chart(&self, name: &str, tr: &Tr) -> Option<String> {
        let rows: Vec<(String, u64)> = self
            .rows(name, tr)?
            .into_iter()
            .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
            .collect();
        let title = tr.t_args(
            &format!("stats-chart-{name}"),
            &[("month", self.month.clone())],
        );
        Some(if name == "trend" {
            chart::line_chart(&title, &rows)
        } else {
            chart::bar_chart(&title, &rows, &tr.t("stats-no-data"))
        })
    }

    /// Every figure as CSV: `section,key,count`, the same numbers as the page's tables.
    pub fn csv(&self, tr: &Tr) -> String {
        let mut out = csv::line(&["section", "key", "count"]);
        for name in CHARTS {
            for (k, n) in self.rows(name, tr).unwrap_or_default() {
                out.push_str(&csv::line(&[name.to_string(), k, n.to_string()]));
            }
        }
        out.push_str(&csv::line(&[
            "cves-published".to_string(),
            String::new(),
            self.counts.cves_published.to_string(),
        ]));
        out.push_str(&csv::line(&[
            "takedown-median-days".to_string(),
            String::new(),
            self.takedown_median_days.clone().unwrap_or_default(),
        ]));
        out
    }

    /// The rows of the chart `name`, for the page's tables.
    pub fn table(&self, name: &str, tr: &Tr) -> Vec<(String, i64)> {
        self.rows(name, tr).unwrap_or_default()
    }
}

/// An issue as the desk and the archive see it.
#[derive(Clone, Debug, Serialize)]
pub struct IssueView {
    /// The issue.
    pub issue: Issue,
    /// The month's published advisories.
    pub advisories: Vec<Advisory>,
    /// The month's figures.
    pub statistics: Statistics,
    /// What became of its mail (the desk's view; zero in the archive).
    pub counts: IssueCounts,
}

/// The issues sent, newest first (public archive).
pub async fn archive(state: &App) -> Result<Vec<Issue>, AppError> {
    Ok(state.store.list_issues(Some(IssueStatus::Sent)).await?)
}

/// One sent issue (public); drafts and issues being sent are not public.
pub async fn archived(state: &App, month: &str) -> Result<IssueView, AppError> {
    let issue = state
        .store
        .issue(month.trim())
        .await?
        .filter(|i| i.state().ok() == Some(IssueStatus::Sent))
        .ok_or(AppError::NotFound)?;
    let mut v = view(state, issue).await?;
    v.counts = IssueCounts::default();
    Ok(v)
}

async fn view(state: &App, issue: Issue) -> Result<IssueView, AppError> {
    let statistics = statistics(state, &issue.month).await?;
    let tz = state.desk.calendar.time_zone();
    let m = Month::parse(&issue.month).map_err(|e| AppError::internal(e.to_string()))?;
    let (from, until) = m
        .bounds(tz)
        .ok_or_else(|| AppError::internal("month out of range"))?;
    let advisories = super::vuln::advisories_between(state, from, until).await?;
    let counts = state.store.issue_counts(issue.id).await?;
    Ok(IssueView {
        issue,
        advisories,
        statistics,
        counts,
    })
}

/// Every issue, newest first, for the desk.
pub async fn issues(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Vec<Issue>, AppError> {
    check(state, who, ctx, Action::List, &Resource::NewsletterIssue).await?;
    Ok(state.store.list_issues(None).await?)
}

/// The issue of `month` for the desk (any state), with its counts.
pub async fn issue(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    month: &str,
) -> Result<IssueView, AppError> {
    check(state, who, ctx, Action::Read, &Resource::NewsletterIssue).await?;
    let issue = state
        .store
        .issue(month.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    view(state, issue).await
}

/// Drafts the issue of `month` (default: the month before this one), or returns the
/// existing one: each month has one issue.
pub async fn draft(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    month: Option<&str>,
) -> Result<Issue, AppError> {
    check(state, who, ctx, Action::Create, &Resource::NewsletterIssue).await?;
    let tz = state.desk.calendar.time_zone();
    let this = Month::of(state.now(), tz);
    let m = match month.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Month::parse(m).map_err(|_| AppError::field("month", "nl-error-month"))?,
        None => this.previous(),
    };
    if m > this {
        return Err(AppError::field("month", "nl-error-month"));
    }
    let mut tx = state.store.begin().await?;
    let issue = match tx.issue_of_month(&m.to_string()).await? {
        Some(i) => i,
        None => {
            let i = tx.create_issue(&m.to_string()).await?;
            tx.audit(&audit_entry(
                who,
                ctx,
                "newsletter.draft",
                "newsletter_issue",
                &i.id.to_string(),
            ))
            .await?;
            i
        }
    };
    tx.commit().await?;
    Ok(issue)
}

/// Sets a draft's editorial (at most 20,000 characters); `Conflict` once it is sent.
pub async fn set_editorial(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    month: &str,
    editorial: &str,
) -> Result<(), AppError> {
    check(state, who, ctx, Action::Update, &Resource::NewsletterIssue).await?;
    let mut e = FieldErrors::new();
    e.check("editorial", validate::optional_text(editorial, 20_000));
    e.into_result().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    let issue = tx
        .issue_of_month(month.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    if !tx
        .set_issue_editorial(issue.id, &text_of(editorial))
        .await?
    {
        return Err(AppError::Conflict("nl-error-not-draft".into()));
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "newsletter.edit",
        "newsletter_issue",
        &issue.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

fn text_of(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_string()
}

/// Starts sending a draft: the worker mails it to every active subscriber at the
/// configured rate. `Conflict` when it is no longer a draft.
pub async fn send(state: &App, who: &CurrentUser, ctx: &Ctx, month: &str) -> Result<(), AppError> {
    check(state, who, ctx, Action::Update, &Resource::NewsletterIssue).await?;
    let mut tx = state.store.begin().await?;
    let issue = tx
        .issue_of_month(month.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    if !tx.start_sending_issue(issue.id).await? {
        return Err(AppError::Conflict("nl-error-not-draft".into()));
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "newsletter.send",
        "newsletter_issue",
        &issue.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An issue's mail in one language: subject and text (the preview shows it as sent,
/// with a placeholder for the reader's own unsubscribe link).
pub fn mail_text(state: &App, v: &IssueView, tr: &Tr, unsubscribe: &str) -> (String, String) {
    let month = v.issue.month.clone();
    let subject = tr.t_args("nl-mail-issue-subject", &[("month", month.clone())]);
    let mut body = String::new();
    body.push_str(&tr.t_args("nl-mail-issue-intro", &[("month", month.clone())]));
    body.push_str("\n\n");
    if !v.issue.editorial.is_empty() {
        body.push_str(&v.issue.editorial);
        body.push_str("\n\n");
    }
    body.push_str(&tr.t("nl-advisories"));
    body.push('\n');
    if v.advisories.is_empty() {
        body.push_str(&tr.t("nl-no-advisories"));
        body.push('\n');
    }
    for a in &v.advisories {
        body.push_str(&format!(
            "- {} {} {}\n  {}\n",
            a.cve_id,
            a.title,
            a.cvss,
            state.config.link(&format!("/advisories/{}", a.cve_id))
        ));
    }
    body.push('\n');
    body.push_str(&tr.t("nl-statistics"));
    body.push('\n');
    for name in CHARTS.iter().filter(|n| **n != "trend") {
        body.push_str(&format!(
            "{}\n",
            tr.t_args(&format!("stats-chart-{name}"), &[("month", month.clone())])
        ));
        let rows = v.statistics.table(name, tr);
        if rows.is_empty() {
            body.push_str(&format!("  {}\n", tr.t("stats-no-data")));
        }
        for (k, n) in rows {
            body.push_str(&format!("  {k}: {n}\n"));
        }
    }
    body.push_str(&format!(
        "{}: {}\n",
        tr.t("stats-cves-published"),
        v.statistics.counts.cves_published
    ));
    body.push_str(&format!(
        "{}: {}\n\n",
        tr.t("stats-takedown-median"),
        v.statistics.takedown_median_days.as_deref().unwrap_or("-")
    ));
    body.push_str(&tr.t_args(
        "nl-mail-issue-footer",
        &[
            ("stats", state.config.link(&format!("/stats/{month}"))),
            (
                "archive",
                state.config.link(&format!("/newsletter/archive/{month}")),
            ),
            ("unsubscribe", unsubscribe.to_string()),
        ],
    ));
    body.push('\n');
    (subject, body)
}

/// The charts of an issue as SVG attachments.
fn chart_attachments(v: &IssueView, tr: &Tr) -> Vec<MailAttachment> {
    CHARTS
        .iter()
        .filter_map(|name| {
            Some(MailAttachment {
                filename: format!("{}-{name}.svg", v.issue.month),
                content_type: "image/svg+xml".into(),
                content: v.statistics.chart(name, tr)?.into_bytes(),
            })
        })
        .collect()
}

/// One turn of the sending worker: for each issue being sent, queues copies for the
/// subscribers who have none yet, as many as the rate leaves for this minute (counted
/// over every instance from the delivery rows), and marks the issue sent when nobody is
/// left. Returns how many copies it queued.
pub async fn send_due(state: &App) -> Result<usize, AppError> {
    let rate = i64::from(state.config.newsletter.rate_per_minute);
    let mut queued = 0;
    for issue in state.store.list_issues(Some(IssueStatus::Sending)).await? {
        // A look first, so the issue is only rendered when this minute's rate has room.
        let minute_ago = state.now().plus(time::Duration::minutes(-1));
        if state.store.newsletter_deliveries_since(minute_ago).await? >= rate {
            return Ok(queued);
        }
        let v = view(state, issue).await?;
        let now = state.now();
        let mut tx = state.store.begin().await?;
        let budget = rate
            - tx.deliveries_since(now.plus(time::Duration::minutes(-1)))
                .await?;
        if budget <= 0 {
            return Ok(queued);
        }
        let recipients = tx.issue_recipients(v.issue.id, budget).await?;
        let mut rendered: Vec<(Locale, (String, String), Vec<MailAttachment>)> = Vec::new();
        for s in &recipients {
            queue_copy(state, &mut tx, &v, s, &mut rendered).await?;
        }
        queued += recipients.len();
        if (recipients.len() as i64) < budget {
            tx.finish_issue(v.issue.id).await?;
        }
        tx.commit().await?;
    }
    Ok(queued)
}

async fn queue_copy(
    state: &App,
    tx: &mut tocsin_storage::Tx,
    v: &IssueView,
    s: &Subscriber,
    cache: &mut Vec<(Locale, (String, String), Vec<MailAttachment>)>,
) -> Result<(), AppError> {
    let locale = Locale::from_tag(&s.locale).unwrap_or_default();
    let tr = Tr::new(locale);
    const LINK: &str = "{unsubscribe}";
    if !cache.iter().any(|c| c.0 == locale) {
        let text = mail_text(state, v, &tr, LINK);
        cache.push((locale, text, chart_attachments(v, &tr)));
    }
    let Some((_, (subject, text), attachments)) = cache.iter().find(|c| c.0 == locale) else {
        return Err(AppError::internal("newsletter copy not rendered"));
    };
    let secret = auth::new_secret();
    let url = state
        .config
        .link(&format!("/newsletter/unsubscribe/{secret}"));
    let bounce_key = uuid::Uuid::now_v7().simple().to_string();
    let sender = verp_sender(&state.config.mail.from, &bounce_key)
        .ok_or_else(|| AppError::internal("mail.from is not an address"))?;
    let mail = mailer::render_list_message(
        state,
        &s.email,
        subject,
        &text.replace(LINK, &url),
        attachments.clone(),
        &url,
        &sender,
    )
    .await?;
    let outbox = tx.enqueue_mail(&mail).await?;
    tx.insert_newsletter_delivery(
        v.issue.id,
        s.id,
        outbox,
        &bounce_key,
        &auth::hash_secret(&secret),
    )
    .await?;
    Ok(())
}

/// Every subscriber, for the admin's export (personal data: the export is audited).
pub async fn export_subscribers(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<Subscriber>, AppError> {
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::NewsletterSubscribers,
    )
    .await?;
    let list = state.store.list_subscribers().await?;
    let mut a = audit_entry(who, ctx, "newsletter.export", "newsletter_subscriber", "");
    a.detail = format!("{} subscribers", list.len());
    state.store.audit(&a).await?;
    Ok(list)
}

/// Erases the subscriber with this address (a request under the personal data act).
/// `NotFound` when there is none.
pub async fn erase_subscriber(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    email: &str,
) -> Result<(), AppError> {
    check(
        state,
        who,
        ctx,
        Action::Delete,
        &Resource::NewsletterSubscribers,
    )
    .await?;
    let email = validate::normalize_email(email);
    let mut tx = state.store.begin().await?;
    let s = tx
        .subscriber_by_email(&email)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.erase_subscriber(&email).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "newsletter.erase",
        "newsletter_subscriber",
        &s.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

//! The staff home: what needs action now on each desk the reader may work (new
//! incidents, breached SLAs, reports assigned to them, reports waiting on the reporter, new
//! vulnerability cases and those past their state's timer, new phishing cases, intel drafts, held mail, redemptions waiting), each a count with the listing it
//! comes from. Every count is read through that desk's own use case, so the policy decides
//! what a reader is shown here exactly as on the listing itself; a desk they may not list is
//! left out.

use serde::Serialize;
use tocsin_domain::ReportState;
use tocsin_domain::phishing::UrlState;
use tocsin_domain::vuln::CnaState;

use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::App;

/// The staff home counts the reports of a queue up to this many (the queue's pages say
/// the rest).
const HOME_COUNT_CAP: i64 = 500;

/// One thing that waits for the desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NeedsAction {
    /// Which desk: incident, vulnerability, phishing, intel, mail or points.
    pub desk: &'static str,
    /// What waits (a message id suffix: `staffhome-<what>`).
    pub what: &'static str,
    /// How many.
    pub count: usize,
    /// Where the listing is.
    pub link: &'static str,
}

/// What needs action now, for a member of staff; desks the reader may not list are left
/// out (a refusal there is no error here).
pub async fn needs_action(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<NeedsAction>, AppError> {
    let mut out = Vec::new();
    let mut push = |desk, what, count: Result<usize, AppError>, link| -> Result<(), AppError> {
        match count {
            Ok(count) => out.push(NeedsAction {
                desk,
                what,
                count,
                link,
            }),
            Err(AppError::Forbidden | AppError::NotFound | AppError::Unauthorized) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    };
    let queue = |f: fn(&mut super::reports::QueueQuery)| {
        let mut q = super::reports::QueueQuery::default();
        f(&mut q);
        q
    };
    let new = queue(|q| q.state = ReportState::Received.as_str().into());
    let breached = queue(|q| q.breached = "1".into());
    let mine = queue(|q| q.assignee = "me".into());
    let waiting = queue(|q| q.waiting = "1".into());
    let count = |q| async move {
        super::reports::queue_page(state, who, ctx, &q, HOME_COUNT_CAP)
            .await
            .map(|page| page.rows.len())
    };
    push("incident", "new", count(new).await, "/desk?state=received")?;
    push(
        "incident",
        "breached",
        count(breached).await,
        "/desk?breached=1",
    )?;
    push("incident", "mine", count(mine).await, "/desk?assignee=me")?;
    push(
        "incident",
        "waiting-reporter",
        count(waiting).await,
        "/desk?waiting=1",
    )?;
    // One listing gives both counts: new cases, and cases past their state's timer.
    let newest = super::vuln::CasesQuery {
        cna_state: None,
        after: None,
        limit: HOME_COUNT_CAP,
    };
    match super::vuln::cases(state, who, ctx, &newest).await {
        Ok(page) => {
            let cases = page.cases;
            let new = cases
                .iter()
                .filter(|c| c.state == CnaState::INITIAL)
                .count();
            let breached = cases
                .iter()
                .filter(|c| c.sla.is_some_and(|s| s.breached))
                .count();
            push(
                "vulnerability",
                "new",
                Ok(new),
                "/desk/vulnerabilities?state=received",
            )?;
            push(
                "vulnerability",
                "breached",
                Ok(breached),
                "/desk/vulnerabilities?breached=1",
            )?;
        }
        // A refusal leaves the desk out; anything else is an error.
        Err(e) => push("vulnerability", "new", Err(e), "/desk/vulnerabilities")?,
    }
    let phish =
        super::phishing::cases(state, who, ctx, &[UrlState::Received], None, HOME_COUNT_CAP)
            .await
            .map(|c| c.cases.len());
    push("phishing", "new", phish, "/desk/phishing")?;
    let drafts = super::intel::inbox(
        state,
        who,
        ctx,
        &super::intel::InboxQuery {
            status: "draft".into(),
            ..Default::default()
        },
    )
    .await
    .map(|r| r.len());
    push("intel", "drafts", drafts, "/intel?status=draft")?;
    let held = super::mail_intake::list(state, who, ctx, Some("held"))
        .await
        .map(|m| m.len());
    push("mail", "held", held, "/desk/mail?status=held")?;
    let waiting = super::points::pending(state, who, ctx)
        .await
        .map(|r| r.len());
    push("points", "waiting", waiting, "/admin/points")?;
    Ok(out)
}

//! The inbox: the records the caller may read, filtered and paged.

use super::*;

// ---------------------------------------------------------------------------------------
// The inbox.

/// One row of the inbox.
pub(super) struct RowView {
    id: String,
    published: String,
    category: String,
    category_label: String,
    tlp: String,
    tlp_class: String,
    impact: String,
    subject: String,
    status: String,
    status_label: String,
}

pub(super) fn row_view(state: &AppState, tr: &Tr, i: &Intel) -> RowView {
    RowView {
        id: i.row.id.to_string(),
        published: when(state, tr, i.row.published_at),
        category: i.row.category.clone(),
        category_label: category_label(tr, &i.row.category),
        tlp: tlp_marking(&i.row.tlp),
        tlp_class: tlp_class(&i.row.tlp),
        impact: i
            .row
            .impact_level
            .map(|n| n.to_string())
            .unwrap_or_default(),
        subject: i.row.subject.clone(),
        status: i.row.status.clone(),
        status_label: status_label(tr, &i.row.status),
    }
}

#[derive(Template)]
#[template(path = "intel_inbox.html")]
pub(super) struct InboxPage {
    page: Page,
    q: InboxQuery,
    categories: Options,
    tlps: Options,
    statuses: Options,
    rows: Vec<RowView>,
    errors: Errors,
    page_label: String,
    prev_href: String,
    /// On a page reached by cursor: the first page (a cursor leads forward only).
    first_href: String,
    next_href: String,
    may_create: bool,
}

/// The inbox with `q`'s filters, page `page` starting after the cursor `after`: the
/// cursor decides where the page starts, the number only labels it.
pub(super) fn inbox_href_after(q: &InboxQuery, page: i64, after: &str) -> String {
    let base = inbox_href(q, page);
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}after={}", pct(after))
}

/// The query string of the inbox with `q`'s filters and page `page`.
pub(super) fn inbox_href(q: &InboxQuery, page: i64) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("status", &q.status),
        ("category", &q.category),
        ("tlp", &q.tlp),
        ("min_impact", &q.min_impact),
        ("since", &q.since),
        ("until", &q.until),
        ("q", &q.q),
        ("observable", &q.observable),
    ] {
        if !v.trim().is_empty() {
            parts.push(format!("{k}={}", pct(v.trim())));
        }
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        "/intel".to_string()
    } else {
        format!("/intel?{}", parts.join("&"))
    }
}

/// The name of an inbox filter, as its errors say it: `分享等級 (tlp)`.
pub(super) fn filter_name(tr: &Tr, key: &str) -> String {
    match key {
        "category" => IntelField::Category.label(),
        "tlp" => IntelField::Tlp.label(),
        other => format!("{} ({other})", tr.t2("intel-filter-", other)),
    }
}

pub(in crate::web) async fn inbox(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let tr = ctx.tr();
    let (list, next, errors, status) = match svc::inbox_page(&state, &who, &ctx, &q).await {
        Ok(l) => (l.records, l.next, vec![], StatusCode::OK),
        Err(AppError::Validation(e)) => {
            // Each message names its filter, in the page's language and by its key.
            let errors = e
                .iter()
                .map(|(k, v)| {
                    let message = tr.t_args(v.code, &v.args);
                    let named = tr.t_args(
                        "field-named",
                        &[("field", filter_name(&tr, k)), ("message", message)],
                    );
                    (k.to_string(), named)
                })
                .collect();
            (vec![], None, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return e.into_response(),
    };
    let page_no = q
        .page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=10_000).contains(n))
        .unwrap_or(1);
    let by_cursor = !q.after.trim().is_empty();
    let may_create = authorize_create(&who);
    let mut statuses: Options = vec![(String::new(), tr.t("intel-status-any"))];
    statuses.extend(
        [status::DRAFT, status::SHARED]
            .iter()
            .map(|s| (s.to_string(), status_label(&tr, s))),
    );
    let page = InboxPage {
        page: Page::new(
            &state,
            &ctx,
            &who,
            &if by_cursor {
                inbox_href_after(&q, page_no, q.after.trim())
            } else {
                inbox_href(&q, page_no)
            },
        ),
        categories: IntelCategory::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), category_label(&tr, c.as_str())))
            .collect(),
        tlps: tlp_options_from(Tlp::Clear),
        statuses,
        rows: list.iter().map(|i| row_view(&state, &tr, i)).collect(),
        errors,
        prev_href: if page_no > 1 && !by_cursor {
            inbox_href(&q, page_no - 1)
        } else {
            String::new()
        },
        first_href: if by_cursor {
            inbox_href(&q, 1)
        } else {
            String::new()
        },
        // The next page always by cursor: it costs what the first does.
        next_href: next
            .map(|c| inbox_href_after(&q, page_no + 1, &c))
            .unwrap_or_default(),
        page_label: tr.t_args("intel-page", &[("page", page_no.to_string())]),
        may_create,
        q,
    };
    render(status, &page)
}

/// Whether to offer the "new record" link (the policy's answer; the form asks again).
pub(super) fn authorize_create(who: &CurrentUser) -> bool {
    tocsin_domain::policy::authorize(
        who.principal().as_ref(),
        Action::Create,
        &Resource::Intel {
            tlp: Tlp::Red,
            draft: true,
            audience: IntelAudience::default(),
        },
    )
    .is_ok()
}

//! The intel-sharing pages (資安情資分享, issue 6): the inbox of the signed-in user's
//! organization (the desk sees every record), the 25-field form with its TXT alternative,
//! one record with its indicators, FBI answers and TXT download, the desk's editing,
//! indicators and sharing forms with the audiences and deliveries, the recipients' FBI
//! feedback and re-share forms, the admins' sharing groups, and the desk's "intel draft
//! from an incident" action.
//!
//! The pages are split along the desk: `form.rs` (the 25-field form and TXT), `inbox.rs`,
//! `record.rs` (one record and the forms on it, the incident → draft action) and
//! `groups.rs`; this module holds what they share (labels, the TXT-entry lines).
//!
//! Who may see or do what is the service's (`service::intel`) and the policy's decision,
//! never this module's: a record the caller may not read is the same 404 as one that does
//! not exist. Every text is shown escaped.

use crate::error::IntoHttp as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::intel::{IntelCategory, IntelField, IntelInput, IntelRecord, IntelTime};
use tocsin_domain::policy::{Action, IntelAudience, Resource, may_reshare};
use tocsin_domain::{FieldError, FieldErrors, GroupId, IntelId, Locale, OrgId, Tlp};
use tocsin_formats::intel_form::{self, ParseOutcome, Problem, ProblemKind};
use tocsin_storage::AudienceKind;
use uuid::Uuid;

use super::kit::{
    Errors, MultipartForm, discovered, field_errors, find, pct, read_multipart, when,
};
use super::kit::{Options, attachment};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::intel::{
    self as svc, Channel, GROUP_KINDS, GroupInput, InboxQuery, Intel, ShareInput, status,
};
use tocsin_app::service::{self};

mod form;
mod groups;
mod inbox;
mod record;

pub(super) use form::{edit_form, edit_submit, new_form, new_submit, template};
pub(super) use groups::{group_member, groups_page, groups_submit};
pub(super) use inbox::inbox;
pub(super) use record::{feedback, from_incident, observables, record, reshare, share, txt};

// ---------------------------------------------------------------------------------------
// Shared pieces.

/// A record id from a path; one that cannot be an id is "not found" like a missing one.
pub(super) fn record_id(s: &str) -> Result<IntelId, AppError> {
    s.trim().parse::<IntelId>().map_err(|_| AppError::NotFound)
}

/// The TLP as people see it, the same in every language: `TLP:AMBER`.
pub(super) fn tlp_marking(s: &str) -> String {
    s.parse::<Tlp>()
        .map(|t| t.marking().to_string())
        .unwrap_or_else(|_| s.to_string())
}

/// The class of a TLP badge: `tlp-amber-strict`.
pub(super) fn tlp_class(s: &str) -> String {
    let name = s.parse::<Tlp>().map(|t| t.as_str()).unwrap_or("unknown");
    format!("tlp-{}", name.replace('+', "-"))
}

/// A status for people (the stored name if unknown).
pub(super) fn status_label(tr: &Tr, s: &str) -> String {
    match s {
        status::DRAFT | status::SHARED => tr.t2("intel-status-", s),
        other => other.to_string(),
    }
}

/// A category for people: `DEF · 網頁攻擊`.
pub(super) fn category_label(tr: &Tr, s: &str) -> String {
    match IntelCategory::parse(s) {
        Some(c) => tr.t2("intel-category-", &c.as_str().to_ascii_lowercase()),
        None => s.to_string(),
    }
}

/// The field's name in the page's language (the format's Chinese name in zh-TW).
pub(super) fn field_label(tr: &Tr, f: IntelField) -> String {
    tr.t2("intel-field-", f.key())
}

/// What is shown beside a field's label so both names of the format are always there:
/// the English key in zh-TW, the Chinese name and the key in English.
pub(super) fn field_alt(tr: &Tr, f: IntelField) -> String {
    match tr.locale {
        Locale::ZhTw => f.key().to_string(),
        Locale::En => format!("{} · {}", f.zh(), f.key()),
    }
}

/// The UTC offset of the desk's time zone now, in minutes (the format writes times with
/// their offset; a form is prefilled with the desk's).
pub(super) fn desk_offset_minutes(state: &AppState) -> i16 {
    let tz = state.desk.calendar.time_zone();
    let seconds = tz
        .to_offset(tocsin_domain::zone::to_jiff(state.now()))
        .seconds();
    i16::try_from(seconds / 60).unwrap_or(0)
}

/// Now, in the format's shape, at the desk's offset.
pub(super) fn now_text(state: &AppState) -> String {
    IntelTime::at(state.now(), desk_offset_minutes(state)).to_string()
}

/// (value, label) of every TLP at or above `floor`: what a re-share or feedback may carry.
pub(super) fn tlp_options_from(floor: Tlp) -> Options {
    Tlp::ALL
        .iter()
        .filter(|t| may_reshare(floor, **t))
        .map(|t| (t.as_str().to_string(), t.marking().to_string()))
        .collect()
}

/// The translated message of a TXT parse problem.
pub(super) fn problem_text(tr: &Tr, kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Duplicate => tr.t("intel-problem-duplicate"),
        ProblemKind::UnclosedFence => tr.t("intel-problem-unclosed-fence"),
    }
}

/// Every problem of an uploaded TXT form, one message each with its line and field, then
/// every line that belongs to no field; empty when the file was read whole.
pub(super) fn txt_problems(tr: &Tr, outcome: &ParseOutcome) -> Vec<String> {
    let mut out: Vec<(usize, String)> = outcome
        .problems
        .iter()
        .map(|p: &Problem| {
            (
                p.line,
                tr.t_args(
                    "intel-txt-problem",
                    &[
                        ("line", p.line.to_string()),
                        ("field", p.field.label()),
                        ("problem", problem_text(tr, &p.kind)),
                    ],
                ),
            )
        })
        .collect();
    out.extend(outcome.unknown_lines.iter().map(|(n, text)| {
        (
            *n,
            tr.t_args(
                "intel-txt-unknown-line",
                &[("line", n.to_string()), ("text", text.clone())],
            ),
        )
    }));
    out.sort_by_key(|(n, _)| *n);
    let mut messages: Vec<String> = out.into_iter().map(|(_, m)| m).collect();
    if outcome.lossy {
        messages.insert(0, tr.t("intel-txt-lossy"));
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::inbox::inbox_href;
    use super::*;

    #[test]
    fn chinese_field_labels_are_the_formats_names() {
        let tr = Tr::new(Locale::ZhTw);
        for f in IntelField::ALL {
            assert_eq!(field_label(&tr, f), f.zh(), "{}", f.key());
        }
        let en = Tr::new(Locale::En);
        assert_eq!(field_label(&en, IntelField::ImpactLevel), "Impact level");
    }

    #[test]
    fn inbox_links_keep_the_filters() {
        let q = InboxQuery {
            q: "勒索 軟體".into(),
            tlp: "amber".into(),
            ..Default::default()
        };
        assert_eq!(
            inbox_href(&q, 2),
            "/intel?tlp=amber&q=%E5%8B%92%E7%B4%A2%20%E8%BB%9F%E9%AB%94&page=2"
        );
        assert_eq!(inbox_href(&InboxQuery::default(), 1), "/intel");
    }
}

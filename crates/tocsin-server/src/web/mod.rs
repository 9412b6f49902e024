//! Server-rendered pages: askama templates (checked at compile time, escaped), plain POST
//! forms that redirect, usable without JavaScript; zh-TW first, English by a switch.

use crate::error::IntoHttp as _;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::error::AppError;
use crate::state::AppState;

mod about;
mod account;
mod admin;
mod claim;
mod csaf;
mod desk;
mod forward;
mod front;
mod intel;
mod kit;
mod labels;
mod mail;
mod matching;
mod membership;
mod newsletter;
mod page;
mod phishing;
mod points;
mod receipt;
mod referral;
mod report;
mod session;
mod status;
mod teams;
mod vendor;
mod virus;
mod virus_desk;
mod virus_rules;
mod vuln;

pub use page::{LANG_COOKIE, Page, render, see_other};

#[derive(serde::Deserialize)]
struct Next {
    next: Option<String>,
}

/// The language switch: a cookie, then back to where the user was. Only local paths are
/// followed, so the switch cannot be used as an open redirect.
async fn switch_lang(
    axum::extract::Path(tag): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<Next>,
) -> Response {
    let Some(locale) = tocsin_domain::Locale::from_tag(&tag) else {
        return AppError::NotFound.into_response();
    };
    let next = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".to_string());
    let mut resp = Redirect::to(&next).into_response();
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        LANG_COOKIE,
        locale.tag()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(front::home))
        .route("/privacy", get(front::privacy))
        .route(
            "/join",
            get(membership::join_page).post(membership::join_submit),
        )
        .route(
            "/join/confirm",
            get(membership::confirm_page).post(membership::confirm_submit),
        )
        .route("/admin/applications", get(membership::applications))
        .route(
            "/admin/applications/{id}/approve",
            post(membership::approve),
        )
        .route("/admin/applications/{id}/reject", post(membership::reject))
        .route("/org", get(membership::own_org))
        .route("/org/{id}", get(membership::org_page))
        .route("/org/{id}/alliance", post(membership::alliance_apply))
        .route("/org/{id}/colleagues", post(membership::invite_colleague))
        .route(
            "/org/{id}/alliance/listed",
            post(membership::alliance_listed),
        )
        .route("/admin/alliance", get(membership::admin_alliance))
        .route(
            "/admin/alliance/{id}",
            post(membership::admin_alliance_move),
        )
        .route("/admin/isacs/{code}", post(membership::map_isac))
        .route("/alliance", get(membership::alliance))
        .route("/alliance/directory", get(membership::directory))
        .route("/isac", get(membership::isacs))
        .route("/isac/{code}", get(membership::isac))
        .route("/isac/{code}/members", get(membership::isac_members))
        .route("/.well-known/security.txt", get(about::security_txt))
        .route("/pgp-key.asc", get(about::public_key))
        .route("/.well-known/openpgpkey/hu/{hash}", get(about::wkd_key))
        .route("/.well-known/openpgpkey/policy", get(about::wkd_policy))
        .route("/about/rfc2350", get(about::rfc2350))
        .route(
            "/newsletter",
            get(newsletter::page).post(newsletter::subscribe),
        )
        .route(
            "/newsletter/confirm/{token}",
            get(newsletter::confirm_page).post(newsletter::confirm),
        )
        .route(
            "/newsletter/unsubscribe/{token}",
            get(newsletter::unsubscribe_page).post(newsletter::unsubscribe),
        )
        .route("/newsletter/archive", get(newsletter::archive))
        .route("/newsletter/archive/{month}", get(newsletter::archived))
        .route("/stats/{month}", get(newsletter::stats))
        .route("/stats/{month}/{file}", get(newsletter::stats_file))
        .route(
            "/desk/newsletter",
            get(newsletter::desk).post(newsletter::draft),
        )
        .route("/desk/newsletter/{month}", get(newsletter::desk_issue))
        .route(
            "/desk/newsletter/{month}/editorial",
            post(newsletter::editorial),
        )
        .route("/desk/newsletter/{month}/send", post(newsletter::send))
        .route(
            "/admin/newsletter/subscribers.json",
            get(newsletter::export),
        )
        .route("/admin/newsletter/erase", post(newsletter::erase))
        .route("/help", get(front::help))
        .route("/status", get(front::lookup))
        .route("/lang/{tag}", get(switch_lang))
        .route("/static/app.css", get(stylesheet))
        .route(
            "/login",
            get(session::login_page).post(session::login_submit),
        )
        .route("/logout", post(session::logout))
        .route(
            "/setup",
            get(session::setup_page).post(session::setup_submit),
        )
        .route(
            "/password",
            get(session::password_page).post(session::password_submit),
        )
        .route(
            "/password/forgot",
            get(session::forgot_page).post(session::forgot_submit),
        )
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/account/phone", post(account::set_phone))
        .route("/account/pgp-key", post(account::upload_pgp_key))
        .route("/account/pgp-key/remove", post(account::remove_pgp_key))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route(
            "/admin/orgs",
            get(admin::orgs_page).post(admin::orgs_submit),
        )
        .route(
            "/admin/users",
            get(admin::users_page).post(admin::users_submit),
        )
        .route(
            "/admin/orgs/{id}",
            get(admin::org_edit_page).post(admin::org_edit_submit),
        )
        .route(
            "/admin/users/{id}",
            get(admin::user_edit_page).post(admin::user_edit_submit),
        )
        .route(
            "/admin/users/{id}/password-link",
            post(admin::user_password_link),
        )
        .route("/admin/audit", get(admin::audit_page))
        .route(
            "/admin/virus-check/rules",
            get(virus_rules::page).post(virus_rules::upload),
        )
        .route("/admin/virus-check/rules/{id}", post(virus_rules::change))
        .route("/admin/teams", get(teams::page).post(teams::save))
        .route(
            "/desk/reports/{tracking}/forwards",
            get(forward::page).post(forward::submit),
        )
        .route(
            "/desk/reports/{tracking}/forwards/{id}/state",
            post(forward::set_state),
        )
        .route("/admin/teams/import", post(teams::import))
        .route("/desk/mail", get(mail::list))
        .route("/admin/surveys", get(desk::admin_surveys))
        // Multipart forms with files: bounded by the server's body limit (room for the
        // configured attachments), not axum's default 2 MB.
        .route(
            "/report/incident",
            get(report::form).post(report::submit.layer(DefaultBodyLimit::disable())),
        )
        .route(
            "/status/{tracking}",
            get(status::status).post(status::status_submit.layer(DefaultBodyLimit::disable())),
        )
        .route(
            "/report/phishing",
            get(phishing::form).post(phishing::submit.layer(DefaultBodyLimit::disable())),
        )
        .route("/report/receipt/{tracking}", get(receipt::page))
        .route("/status/{tracking}/files/{id}", get(status::status_file))
        .route("/status/{tracking}/referral", post(status::status_action))
        .route("/desk/reports/{tracking}/referral", post(desk::offer))
        .route("/referrals", get(referral::list))
        .route("/referrals/{id}/accept", post(referral::accept))
        .route("/referrals/{id}/outcome", post(referral::outcome))
        .route("/referrals/{id}/withdraw", post(referral::withdraw))
        .route("/my/reports", get(report::mine))
        .route(
            "/my/reports/claim",
            get(claim::confirm_page).post(claim::request),
        )
        .route("/my/reports/claim/confirm", post(claim::confirm))
        .route("/vulnerabilities", get(vendor::list))
        .route("/desk", get(desk::queue))
        .route("/desk/reports/{tracking}", get(desk::report))
        .route("/desk/reports/{tracking}/classify", post(desk::classify))
        .route("/desk/reports/{tracking}/assign", post(desk::assign))
        .route(
            "/desk/reports/{tracking}/transition",
            post(desk::transition),
        )
        .route("/desk/reports/{tracking}/notes", post(desk::note))
        .route("/desk/reports/{tracking}/messages", post(desk::message))
        .route(
            "/desk/reports/{tracking}/assistance",
            post(desk::assistance),
        )
        .route("/desk/reports/{tracking}/tasks/{task_id}", post(desk::task))
        .route("/desk/reports/{tracking}/files/{id}", get(desk::file))
        .route("/desk/phishing", get(phishing::cases))
        .route("/desk/phishing/{id}", get(phishing::case))
        .route("/desk/phishing/{id}/transition", post(phishing::transition))
        .route("/desk/phishing/{id}/contacts", post(phishing::add_contact))
        .route(
            "/desk/phishing/{id}/contacts/{contact}/remove",
            post(phishing::remove_contact),
        )
        .route(
            "/desk/phishing/{id}/evidence",
            post(phishing::evidence.layer(DefaultBodyLimit::disable())),
        )
        .route("/desk/phishing/{id}/fetch", post(phishing::fetch))
        .route("/desk/phishing/{id}/rdap", post(phishing::rdap))
        .route("/desk/phishing/{id}/notify", post(phishing::notify))
        .route("/admin/phishing", get(phishing::figures))
        .route("/report/vulnerability/template.txt", get(vuln::template))
        .route(
            "/report/vulnerability",
            get(vuln::form).post(vuln::submit.layer(DefaultBodyLimit::disable())),
        )
        .route("/desk/vulnerabilities", get(vuln::cases))
        .route("/desk/vulnerabilities/{tracking}", get(vuln::case))
        .route(
            "/desk/vulnerabilities/{tracking}/transition",
            post(vuln::transition),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/vendor",
            post(vuln::vendor),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/notify-vendor",
            post(vuln::notify_vendor),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/cve",
            post(vuln::assign_cve),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/advisory",
            post(vuln::advisory),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/cve-record.json",
            get(vuln::cve_record),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/cve/reject",
            post(vuln::reject_cve),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/duplicate-of",
            post(vuln::duplicate_of),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/assign",
            post(vuln::assign),
        )
        .route("/desk/vulnerabilities/{tracking}/notes", post(vuln::note))
        .route(
            "/desk/vulnerabilities/{tracking}/messages",
            post(vuln::message),
        )
        .route("/vulnerabilities/{tracking}", get(vuln::vendor_view))
        .route(
            "/vulnerabilities/{tracking}/files/{id}",
            get(vuln::vendor_file),
        )
        .route(
            "/admin/cve-ids",
            get(vuln::cve_ids).post(vuln::cve_ids_submit),
        )
        .route("/desk/vulnerabilities/{tracking}/csaf", get(csaf::page))
        .route(
            "/desk/vulnerabilities/{tracking}/csaf/settings",
            post(csaf::settings),
        )
        .route(
            "/desk/vulnerabilities/{tracking}/csaf/import",
            post(csaf::import.layer(DefaultBodyLimit::disable())),
        )
        .route("/desk/csaf/imports", get(csaf::search))
        .route("/desk/csaf/imports/{id}", get(csaf::imported))
        .route(
            "/.well-known/csaf/provider-metadata.json",
            get(csaf::provider_metadata),
        )
        .route("/.well-known/csaf/{folder}/{file}", get(csaf::folder_file))
        .route(
            "/.well-known/csaf/{folder}/{year}/{file}",
            get(csaf::document_file),
        )
        .route("/advisories", get(vuln::advisories))
        .route("/advisories.atom", get(vuln::advisories_atom))
        .route("/advisories/{cve}", get(vuln::advisory_page))
        .route(
            "/survey/{token}",
            get(desk::survey).post(desk::survey_submit),
        )
        .route("/intel", get(intel::inbox))
        .route(
            "/virus-check",
            get(virus::form).post(virus::submit.layer(DefaultBodyLimit::disable())),
        )
        .route("/virus-check/{id}", get(virus::report))
        .route("/desk/virus-check", get(virus_desk::desk))
        .route("/desk/virus-check/{id}/intel", post(virus_desk::to_intel))
        .route("/desk/virus-check/{id}/attach", post(virus_desk::attach))
        .route(
            "/intel/match",
            get(matching::form).post(matching::submit.layer(DefaultBodyLimit::disable())),
        )
        .route("/intel/template.txt", get(intel::template))
        .route(
            "/intel/new",
            get(intel::new_form).post(intel::new_submit.layer(DefaultBodyLimit::disable())),
        )
        .route("/intel/{id}", get(intel::record))
        .route("/intel/{id}/txt", get(intel::txt))
        .route(
            "/intel/{id}/edit",
            get(intel::edit_form).post(intel::edit_submit.layer(DefaultBodyLimit::disable())),
        )
        .route("/intel/{id}/observables", post(intel::observables))
        .route("/intel/{id}/share", post(intel::share))
        .route("/intel/{id}/feedback", post(intel::feedback))
        .route("/intel/{id}/reshare", post(intel::reshare))
        .route("/desk/reports/{tracking}/intel", post(intel::from_incident))
        .route(
            "/admin/groups",
            get(intel::groups_page).post(intel::groups_submit),
        )
        .route("/admin/groups/{id}/members", post(intel::group_member))
        .route("/points", get(points::member_page))
        .route("/points/redeem", post(points::redeem))
        .route("/points/leaderboard", get(points::leaderboard))
        .route("/points/opt-out", post(points::opt_out))
        .route("/admin/points", get(points::admin_page))
        .route("/admin/points/redemptions/{id}", post(points::decide))
        .route("/admin/points/adjust", post(points::adjust))
        .route("/admin/points/items", post(points::create_item))
        .route("/admin/points/items/{id}", post(points::update_item))
}

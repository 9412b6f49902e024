//! The frame of every page: the language, the signed-in user's navigation (the policy's
//! answer), the operator's contacts; rendering and the redirect after a POST.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;

/// The cookie holding the chosen language (set by the switch, read by the middleware).
pub const LANG_COOKIE: &str = "tocsin_lang";

/// What every page shows: language, signed-in user, the operator and its channels.
#[derive(Clone, Debug)]
pub struct Page {
    /// Translator.
    pub tr: Tr,
    /// The signed-in user's name, if any.
    pub user_name: Option<String>,
    /// Whether to show the admin navigation.
    pub is_admin: bool,
    /// Whether to show the desk's navigation (the operator's staff).
    pub is_staff: bool,
    /// Whether to show the vulnerability coordination's navigation (coordinators, admins).
    pub is_coordinator: bool,
    /// Whether the user receives a notified vendor's cases (the policy's answer), for the
    /// link to its list.
    pub is_vendor: bool,
    /// Whether the user holds a points account (the policy's answer), for its link.
    pub has_points: bool,
    /// Operator name in the page's language.
    pub operator_name: String,
    /// Operator web site.
    pub operator_site: String,
    /// Operator mail address.
    pub operator_email: String,
    /// Operator phones.
    pub operator_phones: Vec<String>,
    /// Operator addresses.
    pub operator_addresses: Vec<String>,
    /// The current path, to come back to after switching language.
    pub path: String,
    /// The operator's social links for the footer (`newsletter.social`): name and URL.
    pub social: Vec<(String, String)>,
    /// The desk calendar's time zone in the reader's words (`台北時間`), for texts that
    /// say which clock their dates and months follow.
    pub zone: String,
}

impl Page {
    /// A page for the current request.
    pub fn new(state: &AppState, ctx: &Ctx, who: &CurrentUser, path: &str) -> Self {
        let mut p = Page::bare(state, ctx.tr());
        p.user_name = who.user().map(|u| u.name.clone());
        let nav = tocsin_domain::policy::navigation(who.principal().as_ref());
        p.is_admin = nav.admin;
        p.is_staff = nav.desk;
        p.is_coordinator = nav.coordination;
        p.is_vendor = who
            .principal()
            .as_ref()
            .is_some_and(tocsin_domain::policy::receives_vendor_notice);
        p.has_points = tocsin_app::service::points::has_account(who);
        p.path = path.to_string();
        p
    }

    /// A page with no user context (error pages).
    pub fn bare(state: &AppState, tr: Tr) -> Self {
        let op = &state.config.operator;
        Page {
            tr,
            user_name: None,
            is_admin: false,
            is_staff: false,
            is_coordinator: false,
            is_vendor: false,
            has_points: false,
            operator_name: match tr.locale {
                tocsin_domain::Locale::ZhTw => op.name_zh.clone(),
                tocsin_domain::Locale::En => op.name_en.clone(),
            },
            operator_site: op.site.clone(),
            operator_email: op.email.clone(),
            operator_phones: op.phones.clone(),
            operator_addresses: op.addresses.clone(),
            path: "/".to_string(),
            social: state
                .config
                .newsletter
                .social
                .iter()
                .map(|l| (l.name.clone(), l.url.clone()))
                .collect(),
            zone: {
                let name = state.desk.calendar.time_zone_name();
                tr.zone_name(name).unwrap_or_else(|| name.to_string())
            },
        }
    }

    /// The message `id` with the desk's time zone as `$zone`.
    pub fn t_zone(&self, id: &str) -> String {
        self.tr.t_args(id, &[("zone", self.zone.clone())])
    }

    /// The tag of the other language, for the switch.
    pub fn other_lang(&self) -> &'static str {
        match self.tr.locale {
            tocsin_domain::Locale::ZhTw => "en",
            tocsin_domain::Locale::En => "zh-TW",
        }
    }
}

/// Renders a template into a response with a status.
pub fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => AppError::internal(format!("template: {e}")).into_response(),
    }
}

/// A 303 redirect after a POST.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

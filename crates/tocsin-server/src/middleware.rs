//! Cross-cutting request handling: the request context (locale, client address, request
//! id), refusal of cross-site state changes, security headers, metrics, and rendering of
//! errors in the caller's language.

use crate::error::IntoHttp as _;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tocsin_domain::Locale;

use crate::error::{AppError, ErrorBody, HttpError};
use crate::state::AppState;
use tocsin_app::i18n::Tr;

pub use crate::web::LANG_COOKIE;

pub use tocsin_app::Ctx;

impl FromRequestParts<AppState> for Ctx {
    type Rejection = HttpError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, HttpError> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::internal("request context missing").into())
    }
}

/// Language: the cookie set by the switch, then Accept-Language, then zh-TW.
pub fn negotiate_locale(parts: &Parts) -> Locale {
    let from_cookie = crate::auth::cookie(parts, LANG_COOKIE).and_then(Locale::from_tag);
    from_cookie
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or_default()
}

/// The client's address: the peer's, or the one a trusted proxy names
/// (`security.trusted_proxies`; see [`tocsin_domain::client_addr::client_ip`]).
pub fn client_ip(parts: &Parts, trusted: &[tocsin_domain::client_addr::Cidr]) -> Option<IpAddr> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
    let values = |name: &str| -> Vec<&str> {
        parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    };
    Some(tocsin_domain::client_addr::client_ip(
        peer,
        &values("forwarded"),
        &values("x-forwarded-for"),
        trusted,
    ))
}

/// Builds the [`Ctx`] of each request.
pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let locale = negotiate_locale(&parts);
    let ip = client_ip(&parts, &state.config.security.trusted_proxy_ranges)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "local".to_string());
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // An API client's retry key (RFC draft `Idempotency-Key`); the report forms send theirs
    // as a field, which their handlers put here.
    let idempotency_key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    parts.extensions.insert(Ctx {
        locale,
        ip,
        request_id,
        from_mail: None,
        idempotency_key,
    });
    next.run(Request::from_parts(parts, body)).await
}

/// Refuses cross-site state-changing requests, from Fetch Metadata and Origin (no tokens,
/// no server state, so it works across instances): safe methods pass; `Sec-Fetch-Site`
/// must be `same-origin` or `none`; without it, an `Origin` must match `Host`. Requests
/// with neither header come from non-browser clients and pass (they cannot ride a
/// browser's cookies).
pub async fn csrf(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let allowed = if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        matches!(site, "same-origin" | "none")
    } else if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = h
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        origin != "null" && !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
    } else {
        true
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        AppError::CrossSite.into_response()
    }
}

/// Security headers on every response, and `no-store` unless the handler chose caching.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Private unless a handler says otherwise: pages and answers carry reports, cases,
    // intel, tokens and personal data, and a shared cache or the browser's history must
    // keep none of it. Public, unchanging answers (static files, published advisories)
    // set their own Cache-Control.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}

/// Counts requests and their latency by matched route.
pub async fn metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let resp = next.run(req).await;
    state.metrics.observe(
        &method,
        &route,
        resp.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    resp
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: crate::web::Page,
    title: String,
    message: String,
    fields: Vec<(String, String)>,
}

/// Renders [`ErrorBody`] responses: JSON under `/api/`, an HTML page elsewhere.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    // TAXII answers with its own error messages (crate::taxii).
    if req.uri().path().starts_with("/taxii2/") {
        return next.run(req).await;
    }
    let ctx = req.extensions().get::<Ctx>().cloned();
    let mut resp = next.run(req).await;
    let body = match resp.extensions_mut().remove::<ErrorBody>() {
        Some(b) => b,
        // The body-limit layer answers 413 on its own; say it in the user's language too.
        None if resp.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => ErrorBody {
            code: "too_large",
            fields: Default::default(),
            detail: None,
        },
        None => return resp,
    };
    let status = resp.status();
    let tr = Tr::new(ctx.as_ref().map(|c| c.locale).unwrap_or_default());
    let message = match &body.detail {
        Some(d) => format!("{} {d}", tr.t(&format!("err-{}", body.code))),
        None => tr.t(&format!("err-{}", body.code)),
    };
    let fields: Vec<(String, String)> = body
        .fields
        .iter()
        .map(|(f, e)| (f.to_string(), tr.field_error(e)))
        .collect();
    let mut out = if is_api {
        let mut json = serde_json::json!({ "error": body.code, "message": message });
        if !fields.is_empty() {
            json["fields"] = serde_json::Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect(),
            );
        }
        (status, axum::Json(json)).into_response()
    } else {
        let page = crate::web::Page::bare(&state, tr);
        let html = askama::Template::render(&ErrorPage {
            page,
            title: tr.t("err-title"),
            message,
            fields,
        })
        .unwrap_or_else(|_| "error".to_string());
        (status, Html(html)).into_response()
    };
    for name in [header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(v) = resp.headers().get(&name).cloned() {
            out.headers_mut().insert(name, v);
        }
    }
    out
}

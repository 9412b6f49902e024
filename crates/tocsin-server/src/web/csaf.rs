//! CSAF 2.0 (issue 25): the trusted provider's layout under `/.well-known/csaf/`, the
//! coordinators' CSAF page of a case (the document previewed with the validator's verdict,
//! its settings and revisions, imports of other publishers' advisories), one imported
//! advisory, and the search over imported advisories.
//!
//! Who reads what is decided by `service::csaf`; an anonymous caller asking for a document
//! above TLP:CLEAR gets 401 with `WWW-Authenticate`, never a redirect (the spec's rule).

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_app::Ctx;
use tocsin_app::service::csaf::{self as svc, ImportSource, SettingsInput};
use tocsin_domain::Tlp;

use super::kit::{Errors, field_errors, find, read_multipart, when};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::error::IntoHttp as _;
use crate::state::AppState;

// ---------------------------------------------------------------------------------------
// The provider layout.

/// A provider file, or the error; a 401 says how to authenticate.
fn provider_response(result: Result<svc::ProviderFile, AppError>) -> Response {
    match result {
        Ok(f) => {
            let mut resp = (StatusCode::OK, f.bytes).into_response();
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(f.media_type));
            resp
        }
        Err(AppError::Unauthorized) => {
            let mut resp = AppError::Unauthorized.into_response();
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            resp
        }
        Err(e) => e.into_response(),
    }
}

/// `/.well-known/csaf/provider-metadata.json`.
pub(super) async fn provider_metadata(State(state): State<AppState>) -> Response {
    provider_response(svc::provider_metadata(&state).await)
}

/// `/.well-known/csaf/{folder}/{file}`: `index.txt`, `changes.csv`, the ROLIE feed.
pub(super) async fn folder_file(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((folder, file)): Path<(String, String)>,
) -> Response {
    provider_response(svc::folder_file(&state, &who, &ctx, &folder, &file).await)
}

/// `/.well-known/csaf/{folder}/{year}/{file}`: a document, its hashes, its signature.
pub(super) async fn document_file(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((folder, year, file)): Path<(String, String, String)>,
) -> Response {
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return AppError::NotFound.into_response();
    }
    let path = format!("{year}/{file}");
    provider_response(svc::folder_file(&state, &who, &ctx, &folder, &path).await)
}

// ---------------------------------------------------------------------------------------
// The coordinators' CSAF page of a case.

struct RevisionRow {
    number: i64,
    date: String,
    summary: String,
}

struct ImportRow {
    id: String,
    title: String,
    publisher: String,
    tracking_id: String,
}

#[derive(Template)]
#[template(path = "vuln_csaf.html")]
struct CsafPage {
    page: Page,
    tracking: String,
    released: bool,
    valid: bool,
    errors_found: Vec<String>,
    build_error: Option<String>,
    json: String,
    url: Option<String>,
    revisions: Vec<RevisionRow>,
    imports: Vec<ImportRow>,
    tlps: Vec<(String, String, bool)>,
    fixed_version: String,
    cpe: String,
    purl: String,
    summary: String,
    errors: Errors,
}

impl CsafPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

/// What was typed into the settings form when it was refused.
#[derive(Default)]
struct Typed {
    settings: Option<SettingsInput>,
    errors: Errors,
}

async fn csaf_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    typed: Typed,
    status: StatusCode,
) -> Response {
    let p = match svc::preview(state, who, ctx, tracking).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let s = typed.settings.unwrap_or_else(|| SettingsInput {
        tlp: p.settings.tlp.clone(),
        fixed_version: p.settings.fixed_version.clone(),
        cpe: p.settings.cpe.clone(),
        purl: p.settings.purl.clone(),
        revision_summary: String::new(),
    });
    let tlps = Tlp::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_owned(),
                t.marking().to_owned(),
                t.as_str() == s.tlp,
            )
        })
        .collect();
    let page = CsafPage {
        page: Page::new(state, ctx, who, "/desk/vulnerabilities"),
        tracking: p.tracking_id.clone(),
        released: p.released,
        valid: p.build_error.is_none() && p.verdict.is_valid(),
        errors_found: p.verdict.errors.clone(),
        build_error: p.build_error.clone(),
        json: p.json.clone(),
        url: p.url.clone(),
        revisions: p
            .revisions
            .iter()
            .map(|r| RevisionRow {
                number: r.number,
                date: when(state, &tr, r.created_at),
                summary: r.summary.clone(),
            })
            .collect(),
        imports: p
            .imports
            .iter()
            .map(|i| ImportRow {
                id: i.id.to_string(),
                title: i.title.clone(),
                publisher: i.publisher.clone(),
                tracking_id: i.tracking_id.clone(),
            })
            .collect(),
        tlps,
        fixed_version: s.fixed_version,
        cpe: s.cpe,
        purl: s.purl,
        summary: s.revision_summary,
        errors: typed.errors,
    };
    render(status, &page)
}

/// The case's CSAF page.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    csaf_view(
        &state,
        &ctx,
        &who,
        &tracking,
        Typed::default(),
        StatusCode::OK,
    )
    .await
}

fn back(tracking: &str, anchor: &str) -> Response {
    see_other(&format!(
        "/desk/vulnerabilities/{}/csaf#{anchor}",
        super::kit::canonical(tracking)
    ))
}

/// The settings form.
pub(super) async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<SettingsInput>,
) -> Response {
    match svc::set_settings(&state, &who, &ctx, &tracking, &f).await {
        Ok(()) => back(&tracking, "csaf-settings"),
        Err(AppError::Validation(e)) => {
            let typed = Typed {
                errors: field_errors(&ctx, &e),
                settings: Some(f),
            };
            csaf_view(
                &state,
                &ctx,
                &who,
                &tracking,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// The import form: a file (`file`) or a URL (`url`); the file wins.
pub(super) async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let source = match f.take_file("file") {
        Some(file) => ImportSource::Upload {
            name: file.filename,
            bytes: file.bytes,
        },
        None => ImportSource::Url(f.get("url")),
    };
    match svc::import(&state, &who, &ctx, &tracking, source).await {
        Ok(id) => see_other(&format!("/desk/csaf/imports/{id}")),
        Err(AppError::Validation(e)) => {
            let typed = Typed {
                errors: field_errors(&ctx, &e),
                settings: None,
            };
            csaf_view(
                &state,
                &ctx,
                &who,
                &tracking,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// Imported advisories.

#[derive(Template)]
#[template(path = "csaf_import.html")]
struct ImportPage {
    page: Page,
    title: String,
    publisher: String,
    tracking_id: String,
    tlp_label: String,
    current_release: String,
    summary: String,
    source: String,
    sha256: String,
    case_tracking: Option<String>,
    cves: Vec<String>,
    products: Vec<String>,
    valid: bool,
    errors_found: Vec<String>,
}

/// One imported advisory.
pub(super) async fn imported(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let v = match svc::imported(&state, &who, &ctx, &id).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let page = ImportPage {
        page: Page::new(&state, &ctx, &who, "/desk/csaf/imports"),
        title: v.import.title,
        publisher: v.import.publisher,
        tracking_id: v.import.tracking_id,
        tlp_label: v.import.tlp_label,
        current_release: v.import.current_release,
        summary: v.import.summary,
        source: v.import.source,
        sha256: v.import.sha256,
        case_tracking: v.case_tracking,
        cves: v.terms.cves,
        products: v.terms.products,
        valid: v.verdict.is_valid(),
        errors_found: v.verdict.errors,
    };
    render(StatusCode::OK, &page)
}

/// The search query.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SearchQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "csaf_imports.html")]
struct SearchPage {
    page: Page,
    q: String,
    searched: bool,
    rows: Vec<ImportRow>,
}

/// Imported advisories by CVE id or product.
pub(super) async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> Response {
    let found = match svc::search_imports(&state, &who, &ctx, &q.q).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let page = SearchPage {
        page: Page::new(&state, &ctx, &who, "/desk/csaf/imports"),
        searched: !q.q.trim().is_empty(),
        q: q.q,
        rows: found
            .into_iter()
            .map(|i| ImportRow {
                id: i.id.to_string(),
                title: i.title,
                publisher: i.publisher,
                tracking_id: i.tracking_id,
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}

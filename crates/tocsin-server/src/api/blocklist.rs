//! Indicator blocklists of the intel records the caller may read (TLP-filtered like the
//! inbox and TAXII): one value a line for firewalls and DNS filters, or CSV with kind and
//! TLP, of one kind (`?kind=ipv4`, `domain`, `url`, `sha256`…) or all.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tocsin_domain::Tlp;
use utoipa::IntoParams;

use super::ApiErrorBody;
use crate::auth::CurrentUser;
use crate::error::HttpError;
use crate::state::AppState;
use tocsin_app::service::taxii as svc;

/// Which indicators.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct KindQuery {
    /// ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256 or cve; all when empty.
    pub kind: String,
}

/// The indicators of the intel records the caller may read, one value a line.
#[utoipa::path(get, path = "/api/v1/feeds/intel.txt", operation_id = "getIntelIndicatorsTxt", tag = "feeds", params(KindQuery),
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn txt(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<KindQuery>,
) -> Result<Response, HttpError> {
    let mut text = String::new();
    for e in svc::blocklist(&state, &who, Some(&q.kind)).await? {
        text.push_str(&e.value);
        text.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// The indicators of the intel records the caller may read, as CSV: kind, value, and the
/// least restrictive TLP of the records naming it.
#[utoipa::path(get, path = "/api/v1/feeds/intel.csv", operation_id = "getIntelIndicatorsCsv", tag = "feeds", params(KindQuery),
    responses((status = 200, body = String, content_type = "text/csv"), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn csv(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<KindQuery>,
) -> Result<Response, HttpError> {
    let mut text = String::from("kind,value,tlp\n");
    for e in svc::blocklist(&state, &who, Some(&q.kind)).await? {
        let tlp = usize::try_from(e.tlp_rank)
            .ok()
            .and_then(|i| Tlp::ALL.get(i))
            .map(|t| t.marking())
            .unwrap_or("TLP:RED");
        text.push_str(&tocsin_formats::csv::line(&[
            e.kind.as_str(),
            e.value.as_str(),
            tlp,
        ]));
    }
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response())
}

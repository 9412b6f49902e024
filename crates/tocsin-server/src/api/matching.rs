//! IOC matching over the API: `POST /api/v1/match` (a JSON list in, the hits out) and
//! `POST /api/v1/match/stream` (NDJSON in, NDJSON out: one observable a line, one hit a
//! line as they are found, a summary last). Thin over `service::matching`, which decides
//! every hit by the policy.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tocsin_app::Ctx;
use tocsin_app::service::matching::{self as svc, MatchHit, MatchOutcome};
use utoipa::ToSchema;

use super::{ApiErrorBody, ApiJson};
use crate::auth::CurrentUser;
use crate::error::HttpError;
use crate::state::AppState;

/// Observables to match.
#[derive(Deserialize, ToSchema)]
pub struct MatchRequest {
    /// Addresses, blocks, domains, URLs (defanged or not), mail addresses, hashes; at
    /// most 1,000,000.
    pub observables: Vec<String>,
}

/// The record a hit comes from.
#[derive(Serialize, ToSchema)]
pub struct MatchedRecordView {
    /// Record id.
    pub id: String,
    /// Subject.
    pub subject: String,
    /// TLP name (`amber+strict`).
    pub tlp: String,
    /// Published (RFC 3339).
    pub published_at: String,
}

/// One observable meeting one indicator of a record the caller may read.
#[derive(Serialize, ToSchema)]
pub struct MatchHitView {
    /// The observable's position in the request, from 1.
    pub line: u64,
    /// The observable as sent (trimmed).
    pub observable: String,
    /// The indicator met, as records write it.
    pub indicator: String,
    /// Its kind: ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, cve.
    pub kind: String,
    /// How they met: exact, subdomain, host, within, contains.
    pub how: String,
    /// Where the record names it: extracted, analyst, victim, reference.
    pub origin: String,
    /// The record.
    pub record: MatchedRecordView,
}

impl From<MatchHit> for MatchHitView {
    fn from(h: MatchHit) -> Self {
        MatchHitView {
            line: h.line as u64,
            observable: h.observable,
            indicator: h.indicator,
            kind: h.kind.to_string(),
            how: h.how.to_string(),
            origin: h.origin.to_string(),
            record: MatchedRecordView {
                id: h.record.id.to_string(),
                subject: h.record.subject,
                tlp: h.record.tlp,
                published_at: h.record.published_at.rfc3339(),
            },
        }
    }
}

/// The answer: every hit, by line.
#[derive(Serialize, ToSchema)]
pub struct MatchResponse {
    /// Observables read.
    pub observables: u64,
    /// Of those, how many name no indicator kind.
    pub unreadable: u64,
    /// Hits were cut at 100,000.
    pub truncated: bool,
    /// The hits.
    pub hits: Vec<MatchHitView>,
}

impl From<MatchOutcome> for MatchResponse {
    fn from(o: MatchOutcome) -> Self {
        MatchResponse {
            observables: o.observables as u64,
            unreadable: o.unreadable as u64,
            truncated: o.truncated,
            hits: o.hits.into_iter().map(MatchHitView::from).collect(),
        }
    }
}

/// Matches observables against the indicators of every record the caller may read (by
/// TLP, as every channel) and answers each hit with its record.
#[utoipa::path(post, path = "/api/v1/match", operation_id = "matchObservables", tag = "intel",
    request_body = MatchRequest,
    responses((status = 200, body = MatchResponse), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 413, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn match_json(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(body): ApiJson<MatchRequest>,
) -> Result<Json<MatchResponse>, HttpError> {
    let out = svc::check(&state, &who, &ctx, body.observables).await?;
    Ok(Json(out.into()))
}

/// The last line of a stream.
#[derive(Serialize, ToSchema)]
pub struct MatchSummary {
    /// Observables read.
    pub observables: u64,
    /// Of those, how many name no indicator kind.
    pub unreadable: u64,
    /// Hits found.
    pub hits: u64,
    /// Hits were cut at 100,000, or the input at 1,000,000 observables.
    pub truncated: bool,
    /// Why the stream stopped early (a line that is not JSON, a body too large), if it did.
    pub error: Option<String>,
}

/// One line of the input: a JSON string, or an object with `value`.
#[derive(Deserialize)]
#[serde(untagged)]
enum InLine {
    Text(String),
    Object { value: String },
}

/// Observables handed to the matcher at a time.
const BATCH: usize = 10_000;

/// Matches a stream: NDJSON in (one observable a line: a JSON string, or an object with
/// `value`), NDJSON out (one hit a line, as in `/api/v1/match`, then `{"summary": …}`).
/// Hits of a batch of observables are sent while the next is read.
#[utoipa::path(post, path = "/api/v1/match/stream", operation_id = "matchObservableStream", tag = "intel",
    request_body(content = String, content_type = "application/x-ndjson"),
    responses((status = 200, body = String, content_type = "application/x-ndjson"), (status = 401, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn match_stream(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    body: Body,
) -> Result<Response, HttpError> {
    let caller = svc::begin(&state, &who, &ctx).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        let mut input = body.into_data_stream();
        let mut pending: Vec<u8> = Vec::new();
        let mut batch: Vec<String> = Vec::with_capacity(BATCH);
        let mut summary = MatchSummary {
            observables: 0,
            unreadable: 0,
            hits: 0,
            truncated: false,
            error: None,
        };
        let (mut line_no, mut first_line, mut done) = (0usize, 1usize, false);
        while !done {
            let chunk = match input.next().await {
                Some(Ok(c)) => c,
                Some(Err(e)) => {
                    summary.error = Some(format!("body: {e}"));
                    break;
                }
                None => {
                    done = true;
                    Bytes::new()
                }
            };
            pending.extend_from_slice(&chunk);
            let mut lines: Vec<Vec<u8>> = Vec::new();
            while let Some(i) = pending.iter().position(|b| *b == b'\n') {
                lines.push(pending.drain(..=i).collect());
            }
            if done && !pending.is_empty() {
                lines.push(std::mem::take(&mut pending));
            }
            for l in lines {
                line_no += 1;
                let text = String::from_utf8_lossy(&l);
                let text = text.trim();
                if text.is_empty() {
                    batch.push(String::new());
                    continue;
                }
                match serde_json::from_str::<InLine>(text) {
                    Ok(InLine::Text(v) | InLine::Object { value: v }) => batch.push(v),
                    Err(e) => {
                        summary.error = Some(format!("line {line_no}: {e}"));
                        done = true;
                        break;
                    }
                }
                if line_no >= svc::MAX_OBSERVABLES {
                    summary.truncated = true;
                    done = true;
                    break;
                }
            }
            if batch.len() >= BATCH || (done && !batch.is_empty()) {
                let n = batch.len();
                let left = svc::MAX_HITS.saturating_sub(summary.hits as usize);
                match svc::run(
                    &state,
                    &caller,
                    std::mem::take(&mut batch),
                    first_line,
                    left,
                )
                .await
                {
                    Ok(out) => {
                        summary.observables += out.observables as u64;
                        summary.unreadable += out.unreadable as u64;
                        summary.hits += out.hits.len() as u64;
                        summary.truncated |= out.truncated;
                        let mut buf = Vec::new();
                        for h in out.hits {
                            if serde_json::to_writer(&mut buf, &MatchHitView::from(h)).is_ok() {
                                buf.push(b'\n');
                            }
                        }
                        if !buf.is_empty() && tx.send(Bytes::from(buf)).await.is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "matching a stream");
                        summary.error = Some("internal error".into());
                        done = true;
                    }
                }
                first_line += n;
            }
        }
        let mut last =
            serde_json::to_vec(&serde_json::json!({ "summary": summary })).unwrap_or_default();
        last.push(b'\n');
        let _ = tx.send(Bytes::from(last)).await;
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<Bytes, std::convert::Infallible>(b), rx))
    });
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

//! Virus Check over the API: `POST /api/v1/virus-check` (multipart `file`, optional
//! `note`; streamed to the app as it arrives, answered 202 with the analysis's id) and
//! `GET /api/v1/virus-check/{analysis_id}` in the shape of VirusTotal's v3 API. Thin over
//! `service::virus`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use tocsin_app::Ctx;
use tocsin_app::service::virus::{self as svc, Report, Submitted};
use utoipa::ToSchema;
use uuid::Uuid;

use super::ApiErrorBody;
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;

/// The upload (multipart/form-data).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VirusCheckUpload {
    /// The file to check (up to `virus_check.max_bytes`, 32 MiB by default).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// A note for the desk (where the file came from).
    pub note: Option<String>,
}

/// An upload accepted for analysis.
#[derive(Serialize, ToSchema)]
pub struct VirusCheckAccepted {
    /// The analysis's id.
    pub analysis_id: String,
    /// Where its report is (`GET`).
    pub status_url: String,
}

/// One engine's answer.
#[derive(Serialize, ToSchema)]
pub struct EngineResultView {
    /// Engine name.
    pub engine_name: String,
    /// Engine version (for ClamAV, its signature database too).
    pub engine_version: String,
    /// malicious, suspicious, undetected, failure or timeout.
    pub category: String,
    /// What it found (a signature name; for tocsin-intel the records), or null.
    pub result: Option<String>,
    /// How it looked (`blacklist`).
    pub method: String,
}

/// Counts of the engines' answers by category.
#[derive(Serialize, ToSchema)]
pub struct StatsView {
    /// Malicious.
    pub malicious: u32,
    /// Suspicious.
    pub suspicious: u32,
    /// Undetected.
    pub undetected: u32,
    /// Failure.
    pub failure: u32,
    /// Timeout.
    pub timeout: u32,
}

/// The analysis's attributes, as VirusTotal's v3 analysis and file objects name them.
#[derive(Serialize, ToSchema)]
pub struct VirusCheckAttributes {
    /// queued, in-progress or completed.
    pub status: String,
    /// The verdict (the worst category of any engine), once completed.
    pub verdict: Option<String>,
    /// Uploaded (Unix seconds).
    pub date: i64,
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Type by magic bytes (peexe, elf, pdf, zip, text, …).
    pub type_tag: String,
    /// This upload's file name.
    pub meaningful_name: String,
    /// Every name the file was uploaded under.
    pub names: Vec<String>,
    /// First upload of this file (Unix seconds).
    pub first_submission_date: i64,
    /// Last completed scan of this file (Unix seconds).
    pub last_analysis_date: Option<i64>,
    /// Counts by category.
    pub stats: StatsView,
    /// Answers by engine name.
    pub results: BTreeMap<String, EngineResultView>,
}

/// An analysis (`data` of VirusTotal's answer).
#[derive(Serialize, ToSchema)]
pub struct VirusCheckData {
    /// `analysis`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The analysis's id.
    pub id: String,
    /// Its attributes.
    pub attributes: VirusCheckAttributes,
}

/// The answer: `{"data": {...}}` as VirusTotal's v3 API.
#[derive(Serialize, ToSchema)]
pub struct VirusCheckReport {
    /// The analysis.
    pub data: VirusCheckData,
}

impl From<Report> for VirusCheckReport {
    fn from(r: Report) -> Self {
        let secs = |t: tocsin_domain::Timestamp| t.micros().div_euclid(1_000_000);
        VirusCheckReport {
            data: VirusCheckData {
                kind: "analysis".into(),
                id: r.id.to_string(),
                attributes: VirusCheckAttributes {
                    status: r.status.as_str().into(),
                    verdict: r.verdict().map(|c| c.as_str().to_string()),
                    date: secs(r.date),
                    md5: r.md5,
                    sha1: r.sha1,
                    sha256: r.sha256,
                    size: r.size,
                    type_tag: r.type_tag,
                    meaningful_name: r.name,
                    names: r.names,
                    first_submission_date: secs(r.first_submission_date),
                    last_analysis_date: r.last_analysis_date.map(secs),
                    stats: StatsView {
                        malicious: r.stats.malicious,
                        suspicious: r.stats.suspicious,
                        undetected: r.stats.undetected,
                        failure: r.stats.failure,
                        timeout: r.stats.timeout,
                    },
                    results: r
                        .results
                        .into_iter()
                        .map(|(k, v)| {
                            (
                                k,
                                EngineResultView {
                                    engine_name: v.engine_name,
                                    engine_version: v.engine_version,
                                    category: v.category.as_str().into(),
                                    result: v.result,
                                    method: v.method,
                                },
                            )
                        })
                        .collect(),
                },
            },
        }
    }
}

/// Reads a Virus Check upload: the part `file` streamed into the app's upload as it
/// arrives (never whole in memory), `note` as text. Shared by the API and the page.
pub async fn receive(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Submitted, HttpError> {
    // The hourly limit first: a refused upload is not read.
    tocsin_app::service::virus_desk::take_upload_slot(state, ctx).await?;
    let bad = |e: &dyn std::fmt::Display| AppError::BadRequest(format!("multipart: {e}"));
    let mut mp = mp.map_err(|e| bad(&e))?;
    let mut note = String::new();
    let mut file: Option<(svc::Upload, String)> = None;
    while let Some(mut field) = mp.next_field().await.map_err(|e| bad(&e))? {
        match field.name().unwrap_or_default() {
            "file" if file.is_none() => {
                let name = field.file_name().unwrap_or_default().to_string();
                let mut up = svc::begin_upload(state).await?;
                let mut any = false;
                while let Some(chunk) = field.chunk().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        AppError::TooLarge
                    } else {
                        bad(&e)
                    }
                })? {
                    any |= !chunk.is_empty();
                    up.write(&chunk).await?;
                }
                // A browser sends an empty, nameless part when no file was chosen.
                if any || !name.is_empty() {
                    file = Some((up, name));
                }
            }
            "note" => note = field.text().await.map_err(|e| bad(&e))?,
            _ => {}
        }
    }
    let Some((up, name)) = file else {
        return Err(AppError::field("file", "error-required").into());
    };
    Ok(svc::submit(state, who, ctx, up, &name, &note).await?)
}

/// Uploads a file to be checked by every engine (ClamAV through clamd, and the shared
/// intel each reader may read). Answers at once with the analysis's id; the report is at
/// `status_url`. The same file is answered from its stored result unless an engine's
/// signatures changed since.
#[utoipa::path(post, path = "/api/v1/virus-check", operation_id = "createVirusCheck", tag = "virus-check",
    request_body(content = VirusCheckUpload, content_type = "multipart/form-data"),
    responses((status = 202, body = VirusCheckAccepted), (status = 400, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<VirusCheckAccepted>), HttpError> {
    let s = receive(&state, &who, &ctx, mp).await?;
    let id = s.analysis_id.to_string();
    Ok((
        StatusCode::ACCEPTED,
        Json(VirusCheckAccepted {
            status_url: format!("{}/api/v1/virus-check/{id}", state.config.public_url),
            analysis_id: id,
        }),
    ))
}

/// An analysis in the shape of VirusTotal's v3 API: status, the file's hashes, size,
/// type, names and times, `stats` and `results` per engine. The shared-intel engine
/// answers for the caller: a record the caller may not read is not named.
#[utoipa::path(get, path = "/api/v1/virus-check/{analysis_id}", operation_id = "getVirusCheck", tag = "virus-check",
    params(("analysis_id" = String, Path, description = "The analysis's id")),
    responses((status = 200, body = VirusCheckReport), (status = 404, body = ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(analysis_id): Path<String>,
) -> Result<Json<VirusCheckReport>, HttpError> {
    let id = analysis_id
        .parse::<Uuid>()
        .map_err(|_| AppError::NotFound)?;
    Ok(Json(svc::report(&state, &who, id).await?.into()))
}

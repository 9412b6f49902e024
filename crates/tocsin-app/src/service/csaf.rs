//! Advisories as CSAF 2.0 documents, served as a trusted provider (issue 25), and CSAF
//! advisories imported from vendors and foreign CERTs.
//!
//! A case's document is built by `tocsin_formats::csaf::document` from the case, its
//! report, the operator (the publisher) and the case's CSAF settings (TLP, fixed version,
//! CPE, PURL). Publication releases revision 1 in the transition's transaction; each later
//! change of the advisory or the settings of a published case releases the next revision,
//! with the coordinator's summary, in the change's transaction ([`release`]). Every
//! revision's document is stored as served, so its bytes (hashed, signed) never change; the
//! newest is the current document of the provider layout under `/.well-known/csaf/`.
//!
//! Who reads a document is the policy's `Resource::CsafDocument`: TLP:CLEAR (WHITE) is
//! public, above it the TLP rule with the case's notified vendor as recipient and its
//! reporter as named user; an anonymous caller asking for one above CLEAR is told to sign
//! in (401), a signed-in one who may not read it that there is none (404). Listings
//! (`index.txt`, `changes.csv`, the ROLIE feed) hold only what the caller may read.
//!
//! Signatures: [`DetachedSigner`] is the one call that signs a document (`.asc`); the
//! desk's OpenPGP key is not this module's, so the signer is plugged into
//! [`App::csaf_signer`] by whoever holds the key, and the provider metadata names its public
//! key. Without one, `.asc` files are 404 and the metadata lists no key.
//!
//! Imports: a CSAF document uploaded or fetched (through the phishing desk's guarded
//! fetcher, [`super::fetch::Fetcher`]) is read by `csaf::read`, stored as received with its
//! SHA-256, linked to a case, and its CVE ids and product names indexed for search.

use std::sync::Arc;

use serde::Deserialize;
use sha2::{Digest, Sha256, Sha512};
use tocsin_domain::policy::{Action, Resource, csaf_audience};
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::vuln::CnaState;
use tocsin_domain::{FieldError, Timestamp, Tlp};
use tocsin_formats::csaf::{self as fmt, CsafInput, OpenPgpKey, Verdict};
use tocsin_formats::cve_record::{CvssMetricInput, FinderInput, Localized};
use tocsin_storage::csaf::{CsafImport, CsafImportTerms, CsafRevision, CsafSettings};
use tocsin_storage::{Report, VulnCase};

use super::vuln::{VulnDetails, vendor_with_access};
use super::{audit_entry, check, check_hidden};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::App;

/// The path of the provider layout under the public URL.
pub const WELL_KNOWN: &str = "/.well-known/csaf";
/// The most bytes an imported document may have (the fetcher reads at most 2 MiB too).
pub const MAX_IMPORT: usize = 2 * 1024 * 1024;

/// Why a document could not be signed.
#[derive(Debug, thiserror::Error)]
#[error("signing failed: {0}")]
pub struct SignError(pub String);

/// Makes the detached OpenPGP signature (`.asc`, ASCII-armoured) of a document with the
/// desk's key, and says where that key's public half is published. Implemented by the
/// holder of the key and set in [`App::csaf_signer`].
pub trait DetachedSigner: Send + Sync {
    /// The ASCII-armoured detached signature of `bytes`.
    fn sign_detached(&self, bytes: &[u8]) -> Result<String, SignError>;
    /// The public key as the provider metadata names it (URL and fingerprint).
    fn public_key(&self) -> OpenPgpKey;
}

/// A signer to plug into [`App::csaf_signer`].
pub type Signer = Arc<dyn DetachedSigner>;

/// The base URL of the provider layout.
pub fn well_known_url(state: &App) -> String {
    format!(
        "{}{WELL_KNOWN}",
        state.config.public_url.trim_end_matches('/')
    )
}

fn publisher(state: &App) -> fmt::Publisher {
    let op = &state.config.operator;
    fmt::Publisher {
        name: op.name_en.clone(),
        namespace: state.config.public_url.trim_end_matches('/').to_owned(),
        contact_details: Some(op.email.clone()).filter(|e| !e.is_empty()),
    }
}

/// A case's settings, or the defaults (TLP:CLEAR, nothing else).
fn settings_or_default(s: Option<CsafSettings>) -> CsafSettings {
    s.unwrap_or_else(|| CsafSettings {
        tlp: Tlp::Clear.as_str().into(),
        fixed_version: String::new(),
        cpe: String::new(),
        purl: String::new(),
    })
}

fn tlp_of(s: &CsafSettings) -> Tlp {
    s.tlp.parse().unwrap_or(Tlp::Clear)
}

/// The document's title: the advisory's, or product and type as the advisory page says.
fn title(d: &VulnDetails, case: &VulnCase) -> String {
    if case.title.is_empty() {
        format!("{} {}", d.product, d.vuln_type)
    } else {
        case.title.clone()
    }
}

/// Splits a version text the reporter wrote (`1.0, 1.1`, `1.0、1.1`) into versions.
fn versions(text: &str) -> Vec<String> {
    text.split([',', '、', ';', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The input of a case's document with these revisions.
fn input(
    state: &App,
    report: &Report,
    case: &VulnCase,
    settings: &CsafSettings,
    revisions: Vec<fmt::Revision>,
    status: fmt::TrackingStatus,
    now: Timestamp,
) -> CsafInput {
    let d = VulnDetails::of(report);
    let vector = tocsin_formats::cvss::Vector::parse(&d.cvss_vector).ok();
    let metrics = vector
        .iter()
        .map(|v| {
            let score = v.base_score();
            CvssMetricInput {
                vector: d.cvss_vector.clone(),
                version: v.version(),
                base_score: score,
                base_severity: score.severity(),
            }
        })
        .collect();
    let initial = revisions.first().map(|r| r.date).unwrap_or(now);
    let tlp = tlp_of(settings);
    let path = fmt::document_path(&report.tracking_id, initial);
    let base = state.config.public_url.trim_end_matches('/');
    let advisory_url = (!case.cve_id.is_empty() && tlp == Tlp::Clear)
        .then(|| format!("{base}/advisories/{}", case.cve_id));
    CsafInput {
        tracking_id: report.tracking_id.clone(),
        title: title(&d, case),
        publisher: publisher(state),
        tlp,
        status,
        revisions,
        current_release: now,
        generated: now,
        generator_version: env!("CARGO_PKG_VERSION").into(),
        canonical_url: format!("{}/{}/{path}", well_known_url(state), fmt::tlp_folder(tlp)),
        advisory_url,
        products: vec![fmt::ProductInput {
            vendor: d.vendor.clone(),
            product: d.product.clone(),
            affected: versions(&d.version),
            fixed: versions(&settings.fixed_version),
            cpe: Some(settings.cpe.clone()),
            purl: Some(settings.purl.clone()),
        }],
        vulnerability: fmt::VulnerabilityInput {
            cve: Some(case.cve_id.clone()),
            cwe: Some(case.cwe.clone()),
            title: Some(title(&d, case)),
            description: Localized::new([
                case.advisory_en.clone(),
                case.advisory_zh.clone(),
                d.description.clone(),
            ]),
            metrics,
            remediation: Some(case.solution.clone()),
            finder: Some(FinderInput {
                name: report.reporter_name.clone(),
                organization: Some(d.reporter_organization.clone()).filter(|o| !o.is_empty()),
                public_credit: d.public_credit,
            }),
            release_date: case.published_at.0,
        },
    }
}

/// A document builder's refusal as the field the coordinator can fix.
fn build_error(e: &fmt::CsafError) -> AppError {
    let mut f = FieldErrors::new();
    f.add(
        "csaf",
        FieldError::new("csaf-error-document").arg("reason", e.to_string()),
    );
    AppError::Validation(f)
}

/// Releases the next revision of a published case's document in the caller's transaction
/// (which holds the case's row): revision 1 at publication, then one per change, with
/// `summary` as its history line. The document is refused if the run-time verdict finds it
/// invalid, so nothing invalid is ever served.
pub(crate) async fn release(
    state: &App,
    tx: &mut tocsin_storage::Tx,
    report: &Report,
    case: &VulnCase,
    summary: &str,
) -> Result<(), AppError> {
    let now = tx.now();
    let settings = settings_or_default(tx.csaf_settings(report.id).await?);
    let stored = tx.csaf_revisions(report.id).await?;
    let mut revisions: Vec<fmt::Revision> = stored
        .iter()
        .map(|r| fmt::Revision {
            number: u32::try_from(r.number).unwrap_or(u32::MAX),
            date: r.created_at,
            summary: r.summary.clone(),
        })
        .collect();
    let number = revisions.len() as u32 + 1;
    revisions.push(fmt::Revision {
        number,
        date: now,
        summary: summary.to_owned(),
    });
    let initial = revisions[0].date;
    let input = input(
        state,
        report,
        case,
        &settings,
        revisions,
        fmt::TrackingStatus::Final,
        now,
    );
    let doc = fmt::document(&input).map_err(|e| build_error(&e))?;
    let verdict = fmt::validate(&doc);
    if !verdict.is_valid() {
        let mut f = FieldErrors::new();
        f.add(
            "csaf",
            FieldError::new("csaf-error-invalid").arg("reason", verdict.errors.join("; ")),
        );
        return Err(AppError::Validation(f));
    }
    let bytes = fmt::to_bytes(&doc);
    tx.add_csaf_revision(&CsafRevision {
        report_id: report.id,
        number: i64::from(number),
        tlp: input.tlp.as_str().into(),
        path: fmt::document_path(&input.tracking_id, initial),
        tracking_id: input.tracking_id.clone(),
        title: input.title.clone(),
        summary: summary.to_owned(),
        document: String::from_utf8(bytes).map_err(|e| AppError::internal(e.to_string()))?,
        initial_release: initial,
        created_at: now,
    })
    .await?;
    Ok(())
}

/// What a coordinator sees of a case's CSAF document.
#[derive(Clone, Debug)]
pub struct Preview {
    /// The case's tracking number.
    pub tracking_id: String,
    /// The document: the current revision once published, a draft before.
    pub json: String,
    /// Whether it is the released document (false: a draft built now).
    pub released: bool,
    /// The run-time verdict.
    pub verdict: Verdict,
    /// Why no document could be built, if so (the field and reason).
    pub build_error: Option<String>,
    /// The released revisions, oldest first.
    pub revisions: Vec<CsafRevision>,
    /// The case's settings.
    pub settings: CsafSettings,
    /// The document's URL in the provider layout, once released.
    pub url: Option<String>,
    /// The advisories imported for the case, newest first.
    pub imports: Vec<CsafImport>,
}

/// The case's CSAF document as coordinators preview it (before publication: a draft, with
/// the validator's verdict; after: the released document).
pub async fn preview(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<Preview, AppError> {
    let (report, case) = super::vuln::case_for_update(state, who, ctx, tracking).await?;
    let settings = settings_or_default(state.store.csaf_settings(report.id).await?);
    let revisions = state.store.csaf_revisions(report.id).await?;
    let imports = state.store.csaf_imports_of(report.id).await?;
    let base = well_known_url(state);
    if let Some(current) = revisions.last() {
        let doc: serde_json::Value = serde_json::from_str(&current.document)
            .map_err(|e| AppError::internal(e.to_string()))?;
        let url = format!(
            "{base}/{}/{}",
            fmt::tlp_folder(current.tlp.parse().unwrap_or(Tlp::Clear)),
            current.path
        );
        return Ok(Preview {
            tracking_id: report.tracking_id.clone(),
            json: current.document.clone(),
            released: true,
            verdict: fmt::validate(&doc),
            build_error: None,
            revisions,
            settings,
            url: Some(url),
            imports,
        });
    }
    let now = state.now();
    let draft = fmt::Revision {
        number: 0,
        date: now,
        summary: "Draft".into(),
    };
    let built = fmt::document(&input(
        state,
        &report,
        &case,
        &settings,
        vec![draft],
        fmt::TrackingStatus::Draft,
        now,
    ));
    let (json, verdict, build_error) = match built {
        Ok(doc) => {
            let verdict = fmt::validate(&doc);
            (
                String::from_utf8_lossy(&fmt::to_bytes(&doc)).into_owned(),
                verdict,
                None,
            )
        }
        Err(e) => (String::new(), Verdict::default(), Some(e.to_string())),
    };
    Ok(Preview {
        tracking_id: report.tracking_id.clone(),
        json,
        released: false,
        verdict,
        build_error,
        revisions,
        settings,
        url: None,
        imports,
    })
}

/// A coordinator's CSAF settings of a case.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsInput {
    /// TLP: clear, green, amber, amber+strict or red.
    pub tlp: String,
    /// The version that fixes the vulnerability (empty: none yet).
    pub fixed_version: String,
    /// The product's CPE 2.3 name (empty: none).
    pub cpe: String,
    /// The product's package URL (empty: none).
    pub purl: String,
    /// What changed, for the revision history of a published case.
    pub revision_summary: String,
}

/// Sets a case's CSAF settings (coordinators). On a published case this releases the next
/// revision, whose history line is the summary given (required then).
pub async fn set_settings(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &SettingsInput,
) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    let tlp: Option<Tlp> = input.tlp.trim().parse().ok();
    if tlp.is_none() {
        e.add("tlp", FieldError::new("error-choice"));
    }
    e.check(
        "fixed_version",
        validate::optional_line(&input.fixed_version, 200),
    );
    e.check("cpe", validate::optional_line(&input.cpe, 500));
    e.check("purl", validate::optional_line(&input.purl, 500));
    e.check(
        "revision_summary",
        validate::optional_line(&input.revision_summary, 500),
    );
    // The formats' own checks of CPE and PURL, named by field.
    let probe = fmt::ProductInput {
        vendor: "v".into(),
        product: "p".into(),
        affected: vec![],
        fixed: vec![],
        cpe: Some(input.cpe.clone()),
        purl: Some(input.purl.clone()),
    };
    if let Err(err) = probe_helper(&probe) {
        let field = if err.field().ends_with("cpe") {
            "cpe"
        } else {
            "purl"
        };
        e.add(
            field,
            FieldError::new("csaf-error-identifier").arg("reason", err.to_string()),
        );
    }
    e.into_result().map_err(AppError::Validation)?;
    let settings = CsafSettings {
        tlp: tlp.unwrap_or(Tlp::Clear).as_str().into(),
        fixed_version: input.fixed_version.trim().into(),
        cpe: input.cpe.trim().into(),
        purl: input.purl.trim().into(),
    };
    let (mut tx, report, case) = super::vuln::begin_case(state, who, ctx, tracking).await?;
    let published = case.cna_state == CnaState::Published.as_str();
    let summary = input.revision_summary.trim();
    if published && summary.is_empty() {
        return Err(AppError::field("revision_summary", "error-required"));
    }
    tx.put_csaf_settings(report.id, &settings).await?;
    if published {
        release(state, &mut tx, &report, &case, summary).await?;
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "csaf.settings",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a CPE and PURL the way the document writer will.
fn probe_helper(p: &fmt::ProductInput) -> Result<(), fmt::CsafError> {
    let input = fmt::CsafInput {
        tracking_id: "x".into(),
        title: "x".into(),
        publisher: fmt::Publisher {
            name: "x".into(),
            namespace: "https://x".into(),
            contact_details: None,
        },
        tlp: Tlp::Clear,
        status: fmt::TrackingStatus::Draft,
        revisions: vec![fmt::Revision {
            number: 0,
            date: Timestamp::from_micros(0),
            summary: "x".into(),
        }],
        current_release: Timestamp::from_micros(0),
        generated: Timestamp::from_micros(0),
        generator_version: String::new(),
        canonical_url: "https://x/x.json".into(),
        advisory_url: None,
        products: vec![p.clone()],
        vulnerability: fmt::VulnerabilityInput {
            cve: None,
            cwe: None,
            title: None,
            description: Localized::one("x"),
            metrics: vec![],
            remediation: None,
            finder: None,
            release_date: None,
        },
    };
    fmt::document(&input).map(|_| ())
}

// ---------------------------------------------------------------------------------------
// The provider layout
// ---------------------------------------------------------------------------------------

/// A file of the provider layout with its media type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderFile {
    /// The media type to serve it with.
    pub media_type: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

fn file(media_type: &'static str, bytes: impl Into<Vec<u8>>) -> ProviderFile {
    ProviderFile {
        media_type,
        bytes: bytes.into(),
    }
}

/// The policy's view of a released document for this caller.
async fn document_resource(
    state: &App,
    who: &CurrentUser,
    rev: &CsafRevision,
) -> Result<Resource, AppError> {
    let tlp: Tlp = rev.tlp.parse().unwrap_or(Tlp::Red);
    let (vendor, reporter) = if tlp == Tlp::Clear {
        (None, None)
    } else {
        let case = state.store.vuln_case(rev.report_id).await?;
        let report = state.store.get_report(rev.report_id).await?;
        (
            case.as_ref().and_then(vendor_with_access),
            report
                .and_then(|r| r.reporter_user_id)
                .map(tocsin_domain::UserId),
        )
    };
    Ok(Resource::CsafDocument {
        tlp,
        audience: csaf_audience(who.principal().as_ref(), vendor, reporter),
    })
}

/// The current documents in a TLP folder that the caller may read.
async fn readable(
    state: &App,
    who: &CurrentUser,
    folder: Tlp,
) -> Result<Vec<CsafRevision>, AppError> {
    let p = who.principal();
    let mut out = Vec::new();
    for rev in state.store.csaf_current_revisions().await? {
        let tlp: Tlp = rev.tlp.parse().unwrap_or(Tlp::Red);
        if fmt::tlp_folder(tlp) != fmt::tlp_folder(folder) {
            continue;
        }
        let r = document_resource(state, who, &rev).await?;
        if tocsin_domain::policy::authorize(p.as_ref(), Action::Read, &r).is_ok() {
            out.push(rev);
        }
    }
    Ok(out)
}

fn listed(revs: &[CsafRevision]) -> Vec<fmt::Listed> {
    revs.iter()
        .map(|r| fmt::Listed {
            tracking_id: r.tracking_id.clone(),
            title: r.title.clone(),
            path: r.path.clone(),
            initial_release: r.initial_release,
            current_release: r.created_at,
        })
        .collect()
}

/// `provider-metadata.json` (public): a ROLIE feed for each TLP folder, the WHITE directory,
/// and the signer's public key when one is plugged in.
pub async fn provider_metadata(state: &App) -> Result<ProviderFile, AppError> {
    let revs = state.store.csaf_current_revisions().await?;
    let updated = revs
        .iter()
        .map(|r| r.created_at)
        .max()
        .unwrap_or_else(|| state.now());
    let keys: Vec<OpenPgpKey> = state.csaf_signer.iter().map(|s| s.public_key()).collect();
    let doc = fmt::provider_metadata(
        &publisher(state),
        &well_known_url(state),
        &[Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::Red],
        &keys,
        updated,
    );
    Ok(file(fmt::MEDIA_TYPE_JSON, fmt::to_bytes(&doc)))
}

/// Refuses an anonymous caller a folder above CLEAR (the spec: no redirect, an answer
/// that asks for credentials).
fn folder_access(who: &CurrentUser, folder: Tlp) -> Result<(), AppError> {
    if folder != Tlp::Clear && who.principal().is_none() {
        return Err(AppError::Unauthorized);
    }
    Ok(())
}

/// A file of a TLP folder: `index.txt`, `changes.csv`, the ROLIE feed
/// `csaf-feed-tlp-{folder}.json`, or under `{year}/` a document, its `.sha256`, `.sha512`
/// or `.asc`. `folder` and `path` are as requested; anything else is 404.
pub async fn folder_file(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    folder: &str,
    path: &str,
) -> Result<ProviderFile, AppError> {
    let tlp = fmt::folder_tlp(folder).ok_or(AppError::NotFound)?;
    let feed = format!("csaf-feed-tlp-{folder}.json");
    match path {
        "index.txt" | "changes.csv" => {
            folder_access(who, tlp)?;
            let docs = listed(&readable(state, who, tlp).await?);
            return Ok(if path == "index.txt" {
                file("text/plain; charset=utf-8", fmt::index_txt(&docs))
            } else {
                file("text/csv; charset=utf-8", fmt::changes_csv(&docs))
            });
        }
        p if p == feed => {
            folder_access(who, tlp)?;
            let revs = readable(state, who, tlp).await?;
            let updated = revs
                .iter()
                .map(|r| r.created_at)
                .max()
                .unwrap_or_else(|| state.now());
            let doc = fmt::rolie_feed(
                &state.config.operator.name_en,
                tlp,
                &format!("{}/{folder}", well_known_url(state)),
                &listed(&revs),
                updated,
            );
            return Ok(file(fmt::MEDIA_TYPE_JSON, fmt::to_bytes(&doc)));
        }
        _ => {}
    }
    // A document or one of its companions.
    let (doc_path, kind) = if let Some(p) = path.strip_suffix(".sha256") {
        (p, "sha256")
    } else if let Some(p) = path.strip_suffix(".sha512") {
        (p, "sha512")
    } else if let Some(p) = path.strip_suffix(".asc") {
        (p, "asc")
    } else {
        (path, "json")
    };
    if !doc_path.ends_with(".json") {
        return Err(AppError::NotFound);
    }
    let rev = state
        .store
        .csaf_current_revisions()
        .await?
        .into_iter()
        .find(|r| {
            r.path == doc_path
                && fmt::tlp_folder(r.tlp.parse().unwrap_or(Tlp::Red)) == fmt::tlp_folder(tlp)
        });
    let Some(rev) = rev else {
        folder_access(who, tlp)?;
        return Err(AppError::NotFound);
    };
    let resource = document_resource(state, who, &rev).await?;
    check_hidden(state, who, ctx, Action::Read, &resource).await?;
    if resource.is_confidential() {
        state
            .store
            .audit(&audit_entry(
                who,
                ctx,
                "csaf.read",
                "csaf_document",
                &format!("{folder}/{}", rev.path),
            ))
            .await?;
    }
    let bytes = rev.document.as_bytes();
    let name = rev.path.rsplit('/').next().unwrap_or(&rev.path);
    Ok(match kind {
        "sha256" => file(
            "text/plain; charset=utf-8",
            fmt::hash_line(&hex::encode(Sha256::digest(bytes)), name),
        ),
        "sha512" => file(
            "text/plain; charset=utf-8",
            fmt::hash_line(&hex::encode(Sha512::digest(bytes)), name),
        ),
        "asc" => {
            let signer = state.csaf_signer.as_ref().ok_or(AppError::NotFound)?;
            let sig = signer
                .sign_detached(bytes)
                .map_err(|e| AppError::internal(e.to_string()))?;
            file("application/pgp-signature", sig)
        }
        _ => file(fmt::MEDIA_TYPE_JSON, bytes.to_vec()),
    })
}

// ---------------------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------------------

/// Where an imported advisory comes from.
#[derive(Clone, Debug)]
pub enum ImportSource {
    /// An uploaded file: its name and bytes.
    Upload {
        /// The file's name as sent.
        name: String,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// A URL to fetch through the guarded fetcher.
    Url(String),
}

/// An imported advisory as the desk sees it.
#[derive(Clone, Debug)]
pub struct ImportView {
    /// The stored import.
    pub import: CsafImport,
    /// Its CVE ids and product names.
    pub terms: CsafImportTerms,
    /// The run-time verdict on it.
    pub verdict: Verdict,
    /// The tracking number of the case it is linked to.
    pub case_tracking: Option<String>,
}

/// Imports a vendor's or foreign CERT's CSAF advisory and links it to a case
/// (coordinators). A URL is fetched through the phishing desk's guarded fetcher (off unless
/// the fetcher is configured). Returns the import's id.
pub async fn import(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    source: ImportSource,
) -> Result<uuid::Uuid, AppError> {
    let (report, _case) = super::vuln::case_for_update(state, who, ctx, tracking).await?;
    let (name, bytes) = match source {
        ImportSource::Upload { name, bytes } => (name, bytes),
        ImportSource::Url(url) => {
            let url = url.trim().to_owned();
            if url.is_empty() {
                return Err(AppError::field("url", "error-required"));
            }
            let cfg = &state.config.phishing;
            if !cfg.fetcher {
                return Err(AppError::field("url", "error-fetch-off"));
            }
            let fetcher = super::fetch::Fetcher::from_config(cfg);
            let u = url.clone();
            let fetched = tokio::task::spawn_blocking(move || fetcher.fetch_body(&u))
                .await
                .map_err(|e| AppError::internal(e.to_string()))?
                .map_err(|e| {
                    tracing::warn!(error = %e, "CSAF fetch failed");
                    match e {
                        super::fetch::FetchError::Forbidden { .. } => {
                            AppError::field("url", "error-fetch-private")
                        }
                        _ => AppError::field("url", "error-fetch-failed"),
                    }
                })?;
            if fetched.0.status != 200 {
                return Err(AppError::field("url", "error-fetch-failed"));
            }
            (url, fetched.1)
        }
    };
    if bytes.is_empty() {
        return Err(AppError::field("file", "error-required"));
    }
    if bytes.len() > MAX_IMPORT {
        return Err(AppError::TooLarge);
    }
    let read = fmt::read(&bytes).map_err(|e| {
        let mut f = FieldErrors::new();
        f.add(
            "file",
            FieldError::new("csaf-error-import").arg("reason", e.to_string()),
        );
        AppError::Validation(f)
    })?;
    let document =
        String::from_utf8(bytes.clone()).map_err(|_| AppError::field("file", "csaf-error-utf8"))?;
    let id = uuid::Uuid::now_v7();
    let mut tx = state.store.begin().await?;
    let row = CsafImport {
        id,
        report_id: Some(report.id),
        tracking_id: read.tracking_id.clone(),
        title: read.title.clone(),
        publisher: read.publisher.clone(),
        tlp_label: read.tlp_label.clone().unwrap_or_default(),
        current_release: read.current_release.clone(),
        summary: read.summary.clone(),
        source: name,
        sha256: hex::encode(Sha256::digest(&bytes)),
        document,
        imported_by: who.user().map(|u| u.id),
        created_at: tx.now(),
    };
    let terms = CsafImportTerms {
        cves: read.cves.clone(),
        products: read.products.clone(),
    };
    tx.add_csaf_import(&row, &terms).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "csaf.import",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Coordinators' right to the imported advisories: any case's update right, asked of the
/// collection (imports belong to the vulnerability desk).
async fn desk_only(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<(), AppError> {
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::Vulnerability {
            vendor_org: None,
            reporter: None,
        },
    )
    .await
}

/// One imported advisory (coordinators).
pub async fn imported(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
) -> Result<ImportView, AppError> {
    desk_only(state, who, ctx).await?;
    let id: uuid::Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let import = state
        .store
        .csaf_import(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let terms = state.store.csaf_import_terms(id).await?;
    let verdict = serde_json::from_str(&import.document)
        .map(|v| fmt::validate(&v))
        .unwrap_or_else(|e| Verdict {
            errors: vec![e.to_string()],
        });
    let case_tracking = match import.report_id {
        Some(r) => state.store.get_report(r).await?.map(|r| r.tracking_id),
        None => None,
    };
    Ok(ImportView {
        import,
        terms,
        verdict,
        case_tracking,
    })
}

/// Imported advisories with a CVE id or a product name holding `query` (coordinators).
pub async fn search_imports(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    query: &str,
) -> Result<Vec<CsafImport>, AppError> {
    desk_only(state, who, ctx).await?;
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    Ok(state.store.search_csaf_imports(query).await?)
}

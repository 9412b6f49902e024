//! CSAF 2.0 (OASIS Common Security Advisory Framework): the documents tocsin writes for its
//! published advisories (profile `csaf_security_advisory`), the files of a trusted
//! provider's layout (section 7: `provider-metadata.json`, ROLIE feeds, `index.txt`,
//! `changes.csv`, hash files), the run-time verdict shown to coordinators before
//! publication ([`validate`]), and the reading of other publishers' advisories ([`read`]).
//!
//! [`document`] is a pure function of a [`CsafInput`] (plain values the app fills from a
//! case) to a `serde_json::Value`. What CSAF 2.0 cannot hold is said elsewhere in the
//! document rather than dropped: CVSS 4.0 has no place in a 2.0 `scores` entry (only CSAF
//! 2.1 has `cvss_v4`), so a 4.0 vector is written as a vulnerability note. The finder is
//! named only through [`FinderInput::credited`], the one reading of their consent that the
//! CVE record uses too. Keys come out sorted (serde_json's map is ordered), which the
//! optional test 6.2.13 asks for.
//!
//! The reference validator (the BSI's `@secvisogram/csaf-validator-lib`) is the test-time
//! judge of every document written here (`tests/csaf/validate.mjs`); at run time the server
//! has no node, so [`validate`] checks the vendored strict JSON schema (`data/csaf/`) and
//! the mandatory tests that are pure functions of the document and matter for what tocsin
//! writes (6.1.1, 6.1.2, 6.1.8–6.1.11 in part, 6.1.14, 6.1.16, 6.1.21, 6.1.22).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use serde_json::{Map, Value, json};
use tocsin_domain::{Timestamp, Tlp};

use crate::cve_record::{CvssMetricInput, FinderInput, LANG_EN, LANG_ZH_TW, Localized, lang_of};
use crate::cvss::{Vector, Version};

/// The media type of a CSAF document and of the provider's JSON files.
pub const MEDIA_TYPE_JSON: &str = "application/json";
/// The URL of the strict schema tocsin validates against (its `$id`).
pub const SCHEMA_URL: &str = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json";
/// Where the TLP definitions are (the `distribution.tlp.url` tocsin writes).
pub const TLP_URL: &str = "https://www.first.org/tlp/";

const SCHEMA: &str = include_str!("../data/csaf/csaf_json_schema_strict.json");
const CVSS_V2: &str = include_str!("../data/csaf/cvss-v2.0.json");
const CVSS_V30: &str = include_str!("../data/csaf/cvss-v3.0.json");
const CVSS_V31: &str = include_str!("../data/csaf/cvss-v3.1.json");
/// `CWE-n<TAB>name`, the CWE catalogue the reference validator checks names against.
const CWE_NAMES: &str = include_str!("../data/csaf/cwe_names.tsv");

/// Most products a document read from outside is indexed with (a hostile document may
/// hold millions).
const MAX_INDEXED: usize = 2_000;
/// How deep the product tree of a document read from outside is walked.
const MAX_DEPTH: usize = 32;

/// A refusal: what is wrong, naming the field (a JSON path into the document for a
/// document read from outside).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsafError {
    /// A required value is missing or blank.
    #[error("{field}: required")]
    Missing {
        /// The field.
        field: String,
    },
    /// A value breaks a rule of the format.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field.
        field: String,
        /// Why, in English (shown to coordinators next to the field).
        reason: String,
    },
    /// Not JSON, or not a CSAF 2.0 document at all.
    #[error("not a CSAF 2.0 document: {0}")]
    NotCsaf(String),
}

impl CsafError {
    /// The field the error names.
    pub fn field(&self) -> &str {
        match self {
            CsafError::Missing { field } | CsafError::Invalid { field, .. } => field,
            CsafError::NotCsaf(_) => "document",
        }
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> CsafError {
    CsafError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------------------------------
// TLP and paths
// ---------------------------------------------------------------------------------------

/// The CSAF 2.0 TLP label of a TLP (CSAF 2.0 has TLP 1.0's labels: CLEAR is WHITE, and
/// AMBER+STRICT is written AMBER with the stricter rule in the distribution text).
pub fn tlp_label(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "WHITE",
        Tlp::Green => "GREEN",
        Tlp::Amber | Tlp::AmberStrict => "AMBER",
        Tlp::Red => "RED",
    }
}

/// The folder of the provider layout a TLP's documents are in (`white`, `green`, `amber`,
/// `red`): the label in lower case (section 7.1.12's example layout).
pub fn tlp_folder(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "white",
        Tlp::Green => "green",
        Tlp::Amber | Tlp::AmberStrict => "amber",
        Tlp::Red => "red",
    }
}

/// The TLP of a folder name, if it is one.
pub fn folder_tlp(folder: &str) -> Option<Tlp> {
    match folder {
        "white" => Some(Tlp::Clear),
        "green" => Some(Tlp::Green),
        "amber" => Some(Tlp::Amber),
        "red" => Some(Tlp::Red),
        _ => None,
    }
}

/// The file name of a document (section 5.1): the tracking id in lower case, each run of
/// characters other than `+`, `-`, `a`-`z` and `0`-`9` replaced by one `_`, then `.json`.
pub fn file_name(tracking_id: &str) -> String {
    let mut out = String::with_capacity(tracking_id.len() + 5);
    let mut in_run = false;
    for c in tracking_id.to_lowercase().chars() {
        if c == '+' || c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('_');
            in_run = true;
        }
    }
    out.push_str(".json");
    out
}

/// The path of a document under a TLP folder: `{year}/{file name}`, the year being that of
/// its initial release date as the document writes it (UTC).
pub fn document_path(tracking_id: &str, initial_release: Timestamp) -> String {
    format!("{}/{}", initial_release.year(), file_name(tracking_id))
}

// ---------------------------------------------------------------------------------------
// Writing a document
// ---------------------------------------------------------------------------------------

/// Everything a CSAF document is built from, as plain values.
#[derive(Clone, Debug, PartialEq)]
pub struct CsafInput {
    /// The document's tracking id, unique for the publisher (tocsin: the case's tracking
    /// number; a CVE id there is discouraged by optional test 6.2.17).
    pub tracking_id: String,
    /// The title.
    pub title: String,
    /// Who publishes it: the operator.
    pub publisher: Publisher,
    /// Its TLP.
    pub tlp: Tlp,
    /// Final once published; a preview is a draft.
    pub status: TrackingStatus,
    /// The revisions, oldest first; numbered 1, 2, … (a draft's only revision is 0).
    pub revisions: Vec<Revision>,
    /// When the current version was released (at least the last revision's date).
    pub current_release: Timestamp,
    /// When the document was generated.
    pub generated: Timestamp,
    /// The version of tocsin (the generator).
    pub generator_version: String,
    /// The document's canonical URL (its place in the provider layout).
    pub canonical_url: String,
    /// The advisory's public page, if it has one.
    pub advisory_url: Option<String>,
    /// The affected product and its versions.
    pub products: Vec<ProductInput>,
    /// The vulnerability.
    pub vulnerability: VulnerabilityInput,
}

/// The publisher (`document.publisher`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publisher {
    /// The operator's name.
    pub name: String,
    /// Its namespace: the base URL of its public site.
    pub namespace: String,
    /// How to reach it, if said.
    pub contact_details: Option<String>,
}

/// The document's tracking status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackingStatus {
    /// Not released (a preview).
    Draft,
    /// Released.
    Final,
}

/// One revision of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// Its number: 1, 2, … (0 for a draft).
    pub number: u32,
    /// When it was made.
    pub date: Timestamp,
    /// What changed.
    pub summary: String,
}

/// One product: vendor, name, its affected versions and the versions that fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductInput {
    /// The vendor.
    pub vendor: String,
    /// The product.
    pub product: String,
    /// Affected versions (each one branch); empty: the product as a whole.
    pub affected: Vec<String>,
    /// Versions that fix it.
    pub fixed: Vec<String>,
    /// A CPE 2.3 name the coordinator gave, if any.
    pub cpe: Option<String>,
    /// A package URL the coordinator gave, if any.
    pub purl: Option<String>,
}

/// The vulnerability of the document.
#[derive(Clone, Debug, PartialEq)]
pub struct VulnerabilityInput {
    /// The CVE id, if assigned.
    pub cve: Option<String>,
    /// The CWE id (`CWE-79`), if known.
    pub cwe: Option<String>,
    /// A title.
    pub title: Option<String>,
    /// The description; written as one note per language (English and Traditional
    /// Chinese), the first text in each language.
    pub description: Localized,
    /// CVSS scores computed by tocsin; 3.0 and 3.1 are `scores`, 4.0 a note.
    pub metrics: Vec<CvssMetricInput>,
    /// The solution or mitigation, if any.
    pub remediation: Option<String>,
    /// The finder; named only if they agreed ([`FinderInput::credited`]).
    pub finder: Option<FinderInput>,
    /// When the vulnerability was made public (the advisory's publication).
    pub release_date: Option<Timestamp>,
}

/// The CWE's name in the catalogue the reference validator knows, if the id is in it.
pub fn cwe_name(id: &str) -> Option<&'static str> {
    CWE_NAMES.lines().find_map(|l| {
        let (i, name) = l.split_once('\t')?;
        (i == id).then_some(name)
    })
}

/// Words and signs that make a version text a range (mandatory test 6.1.31 refuses them
/// in `product_version`; such a text goes in `product_version_range`).
fn is_range(version: &str) -> bool {
    let lower = version.to_lowercase();
    ["<", ">"].iter().any(|s| lower.contains(s))
        || lower.split_whitespace().any(|w| {
            matches!(
                w,
                "after" | "all" | "before" | "earlier" | "later" | "prior" | "versions"
            )
        })
}

fn required(field: &str, value: &str) -> Result<String, CsafError> {
    let v = value.trim();
    if v.is_empty() {
        Err(CsafError::Missing {
            field: field.into(),
        })
    } else {
        Ok(v.to_owned())
    }
}

/// A CSAF date-time: RFC 3339 in UTC.
fn date(t: Timestamp) -> String {
    t.rfc3339()
}

/// One leaf of the product tree, and whether it is fixed.
struct Leaf {
    id: String,
    fixed: bool,
}

/// The product tree (vendor → product name → version) and its leaves.
fn product_tree(products: &[ProductInput]) -> Result<(Value, Vec<Leaf>), CsafError> {
    if products.is_empty() {
        return Err(CsafError::Missing {
            field: "products".into(),
        });
    }
    let mut leaves = Vec::new();
    let mut vendors: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut n = 0usize;
    for (i, p) in products.iter().enumerate() {
        let field = format!("products[{i}]");
        let vendor = required(&format!("{field}.vendor"), &p.vendor)?;
        let product = required(&format!("{field}.product"), &p.product)?;
        let helper = identification_helper(&field, p)?;
        let mut full = |name: String, fixed: bool| {
            n += 1;
            let id = format!("CSAFPID-{n:04}");
            let mut fp = json!({"name": name, "product_id": id});
            if let Some(h) = &helper {
                fp["product_identification_helper"] = h.clone();
            }
            leaves.push(Leaf {
                id: id.clone(),
                fixed,
            });
            fp
        };
        let mut versions: Vec<Value> = Vec::new();
        let mut seen = HashSet::new();
        for (list, fixed) in [(&p.affected, false), (&p.fixed, true)] {
            for v in list.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
                if !seen.insert(v.to_owned()) {
                    return Err(invalid(
                        format!("{field}.versions"),
                        format!("version {v} given twice"),
                    ));
                }
                let category = if is_range(v) {
                    "product_version_range"
                } else {
                    "product_version"
                };
                versions.push(json!({
                    "category": category,
                    "name": v,
                    "product": full(format!("{vendor} {product} {v}"), fixed),
                }));
            }
        }
        let branch = if versions.is_empty() {
            json!({
                "category": "product_name",
                "name": product,
                "product": full(format!("{vendor} {product}"), false),
            })
        } else {
            json!({"category": "product_name", "name": product, "branches": versions})
        };
        vendors.entry(vendor).or_default().push(branch);
    }
    let branches: Vec<Value> = vendors
        .into_iter()
        .map(|(vendor, products)| json!({"category": "vendor", "name": vendor, "branches": products}))
        .collect();
    Ok((json!({ "branches": branches }), leaves))
}

/// The CPE and PURL the coordinator gave, checked against the schema's patterns in
/// outline (prefix), as `product_identification_helper`.
fn identification_helper(field: &str, p: &ProductInput) -> Result<Option<Value>, CsafError> {
    let mut h = Map::new();
    if let Some(cpe) = p.cpe.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        if !(cpe.starts_with("cpe:2.3:") || cpe.starts_with("cpe:/")) || cpe.contains(' ') {
            return Err(invalid(
                format!("{field}.cpe"),
                "not a CPE name (cpe:2.3:…)",
            ));
        }
        h.insert("cpe".into(), json!(cpe));
    }
    if let Some(purl) = p.purl.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        let ok = purl
            .strip_prefix("pkg:")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(t, rest)| {
                !t.is_empty()
                    && t.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
                    && !rest.is_empty()
            });
        if !ok || purl.contains(' ') {
            return Err(invalid(
                format!("{field}.purl"),
                "not a package URL (pkg:type/name)",
            ));
        }
        h.insert("purl".into(), json!(purl));
    }
    Ok((!h.is_empty()).then_some(Value::Object(h)))
}

/// Builds the CSAF 2.0 document of an advisory, or names the field that keeps it from
/// being one.
pub fn document(input: &CsafInput) -> Result<Value, CsafError> {
    let tracking_id = required("tracking_id", &input.tracking_id)?;
    let title = required("title", &input.title)?;
    let publisher_name = required("publisher.name", &input.publisher.name)?;
    let namespace = required("publisher.namespace", &input.publisher.namespace)?;
    if input.revisions.is_empty() {
        return Err(CsafError::Missing {
            field: "revisions".into(),
        });
    }
    let mut revision_history = Vec::with_capacity(input.revisions.len());
    for (i, r) in input.revisions.iter().enumerate() {
        let expected = match input.status {
            TrackingStatus::Draft => 0,
            TrackingStatus::Final => i as u32 + 1,
        };
        if r.number != expected {
            return Err(invalid(
                format!("revisions[{i}].number"),
                format!("expected {expected}"),
            ));
        }
        if i > 0 && r.date < input.revisions[i - 1].date {
            return Err(invalid(
                format!("revisions[{i}].date"),
                "earlier than the revision before",
            ));
        }
        revision_history.push(json!({
            "date": date(r.date),
            "number": r.number.to_string(),
            "summary": required(&format!("revisions[{i}].summary"), &r.summary)?,
        }));
    }
    let first = &input.revisions[0];
    let last = &input.revisions[input.revisions.len() - 1];
    let current = input.current_release.max(last.date);

    let (tree, leaves) = product_tree(&input.products)?;
    let affected: Vec<&str> = leaves
        .iter()
        .filter(|l| !l.fixed)
        .map(|l| l.id.as_str())
        .collect();
    let fixed: Vec<&str> = leaves
        .iter()
        .filter(|l| l.fixed)
        .map(|l| l.id.as_str())
        .collect();

    let v = &input.vulnerability;
    let mut vuln = Map::new();
    // Notes: the description in each language, the CVSS 4.0 vectors CSAF 2.0 cannot score.
    let mut notes = Vec::new();
    let mut langs = BTreeSet::new();
    for t in v
        .description
        .texts
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        let lang = lang_of(t);
        if langs.insert(lang) {
            let title = if lang == LANG_ZH_TW {
                "漏洞描述"
            } else {
                "Vulnerability description"
            };
            notes.push(json!({"category": "description", "text": t, "title": title}));
        }
    }
    if notes.is_empty() {
        return Err(CsafError::Missing {
            field: "vulnerability.description".into(),
        });
    }
    let mut scores = Vec::new();
    for (i, m) in v.metrics.iter().enumerate() {
        let field = format!("vulnerability.metrics[{i}]");
        let vector = Vector::parse(&m.vector)
            .map_err(|e| invalid(format!("{field}.vector"), e.to_string()))?;
        if vector.version() != m.version {
            return Err(invalid(
                format!("{field}.vector"),
                "vector of another CVSS version",
            ));
        }
        if m.base_score.severity() != m.base_severity {
            return Err(invalid(
                format!("{field}.base_severity"),
                "not the severity of the score",
            ));
        }
        match m.version {
            Version::V3_0 | Version::V3_1 => {
                if affected.is_empty() {
                    continue;
                }
                scores.push(json!({
                    "cvss_v3": {
                        "baseScore": m.base_score.value(),
                        "baseSeverity": m.base_severity.as_str().to_ascii_uppercase(),
                        "vectorString": vector.to_string(),
                        "version": m.version.as_str(),
                    },
                    "products": affected,
                }));
            }
            Version::V4_0 => notes.push(json!({
                "category": "other",
                "text": format!(
                    "{vector} (base score {}, {})",
                    m.base_score,
                    m.base_severity.as_str()
                ),
                "title": "CVSS v4.0",
            })),
        }
    }
    vuln.insert("notes".into(), Value::Array(notes));
    if !scores.is_empty() {
        vuln.insert("scores".into(), Value::Array(scores));
    }
    if let Some(cve) = v.cve.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        vuln.insert("cve".into(), json!(cve));
    }
    if let Some(cwe) = v.cwe.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        // The schema needs the CWE's name; an id the catalogue does not know is said in a
        // note instead of being written with a made-up name.
        match cwe_name(cwe) {
            Some(name) => {
                vuln.insert("cwe".into(), json!({"id": cwe, "name": name}));
            }
            None => {
                if let Some(Value::Array(n)) = vuln.get_mut("notes") {
                    n.push(json!({"category": "other", "text": cwe, "title": "CWE"}));
                }
            }
        }
    }
    if let Some(t) = v.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        vuln.insert("title".into(), json!(t));
    }
    if let Some(t) = v.release_date {
        vuln.insert("release_date".into(), json!(date(t)));
    }
    let mut status = Map::new();
    if !affected.is_empty() {
        status.insert("known_affected".into(), json!(affected));
    }
    if !fixed.is_empty() {
        status.insert("fixed".into(), json!(fixed));
    }
    vuln.insert("product_status".into(), Value::Object(status));
    let remediation_text = v
        .remediation
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let mut remediations = Vec::new();
    if !affected.is_empty() {
        remediations.push(match remediation_text {
            Some(text) if !fixed.is_empty() => {
                json!({"category": "vendor_fix", "details": text, "product_ids": affected})
            }
            Some(text) => {
                json!({"category": "mitigation", "details": text, "product_ids": affected})
            }
            None => json!({
                "category": "none_available",
                "details": "No remediation is available yet.",
                "product_ids": affected,
            }),
        });
    }
    if !remediations.is_empty() {
        vuln.insert("remediations".into(), Value::Array(remediations));
    }
    if let Some(f) = v.finder.as_ref().and_then(FinderInput::credited) {
        let mut ack = json!({"names": [required("finder.name", &f.name)?]});
        if let Some(org) = f
            .organization
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            ack["organization"] = json!(org);
        }
        vuln.insert("acknowledgments".into(), json!([ack]));
    }
    let mut references = Vec::new();
    if let Some(url) = &input.advisory_url {
        references.push(json!({"category": "external", "summary": "Advisory", "url": url}));
    }
    if let Some(cve) = vuln.get("cve").and_then(Value::as_str) {
        references.push(json!({
            "category": "external",
            "summary": cve,
            "url": format!("https://www.cve.org/CVERecord?id={cve}"),
        }));
    }
    if !references.is_empty() {
        vuln.insert("references".into(), Value::Array(references));
    }

    // Document level.
    let summary = v
        .description
        .texts
        .iter()
        .map(|t| t.trim())
        .find(|t| !t.is_empty() && lang_of(t) == LANG_EN)
        .or_else(|| {
            v.description
                .texts
                .iter()
                .map(|t| t.trim())
                .find(|t| !t.is_empty())
        })
        .unwrap_or_default();
    let mut doc_refs = vec![json!({
        "category": "self",
        "summary": "Canonical URL",
        "url": required("canonical_url", &input.canonical_url)?,
    })];
    if let Some(url) = &input.advisory_url {
        doc_refs.push(json!({"category": "external", "summary": "Advisory page", "url": url}));
    }
    let mut publisher = json!({
        "category": "coordinator",
        "name": publisher_name,
        "namespace": namespace,
    });
    if let Some(c) = input
        .publisher
        .contact_details
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        publisher["contact_details"] = json!(c);
    }
    let mut distribution = json!({"tlp": {"label": tlp_label(input.tlp), "url": TLP_URL}});
    if input.tlp == Tlp::AmberStrict {
        distribution["text"] = json!("TLP:AMBER+STRICT: the recipient's organization only.");
    }
    let status = match input.status {
        TrackingStatus::Draft => "draft",
        TrackingStatus::Final => "final",
    };
    Ok(json!({
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "distribution": distribution,
            "lang": LANG_EN,
            "notes": [{"category": "summary", "text": summary, "title": "Summary"}],
            "publisher": publisher,
            "references": doc_refs,
            "title": title,
            "tracking": {
                "current_release_date": date(current),
                "generator": {
                    "date": date(input.generated),
                    "engine": {"name": "tocsin", "version": input.generator_version},
                },
                "id": tracking_id,
                "initial_release_date": date(first.date),
                "revision_history": revision_history,
                "status": status,
                "version": last.number.to_string(),
            },
        },
        "product_tree": tree,
        "vulnerabilities": [Value::Object(vuln)],
    }))
}

/// A document as the bytes tocsin serves and hashes: pretty JSON with a final newline.
pub fn to_bytes(doc: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(doc).unwrap_or_default();
    out.push(b'\n');
    out
}

// ---------------------------------------------------------------------------------------
// The run-time verdict
// ---------------------------------------------------------------------------------------

/// What [`validate`] found: empty lists for a valid document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Schema violations and failed mandatory tests, each `path: message`.
    pub errors: Vec<String>,
}

impl Verdict {
    /// No error.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Serves the CVSS schemas the CSAF schema refers to from the vendored copies: nothing is
/// fetched at run time.
struct Vendored;

impl jsonschema::Retrieve for Vendored {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let s = uri.as_str();
        let text = if s.starts_with("https://www.first.org/cvss/cvss-v2.0.json") {
            CVSS_V2
        } else if s.starts_with("https://www.first.org/cvss/cvss-v3.0.json") {
            CVSS_V30
        } else if s.starts_with("https://www.first.org/cvss/cvss-v3.1.json") {
            CVSS_V31
        } else {
            return Err(format!("no vendored schema for {s}").into());
        };
        let mut v: Value = serde_json::from_str(text)?;
        // The vendored files carry a dated `$id`; the CSAF schema refers to them undated.
        if let Some(o) = v.as_object_mut() {
            o.insert("$id".into(), json!(s));
        }
        Ok(v)
    }
}

fn schema_validator() -> Option<&'static jsonschema::Validator> {
    static V: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).ok()?;
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_retriever(Vendored)
            .build(&schema)
            .ok()
    })
    .as_ref()
}

/// The verdict on a document: the strict CSAF 2.0 schema, then the mandatory tests tocsin
/// checks itself. The BSI reference validator runs at test time over the same documents.
pub fn validate(doc: &Value) -> Verdict {
    let mut errors = Vec::new();
    match schema_validator() {
        Some(v) => {
            for e in v.iter_errors(doc).take(50) {
                errors.push(format!("{}: {}", e.instance_path(), e));
            }
        }
        None => errors.push("schema: the vendored CSAF schema did not compile".into()),
    }
    mandatory(doc, &mut errors);
    Verdict { errors }
}

/// Every `product_id` the product tree defines, with the path where.
fn defined_ids(node: &Value, path: &str, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(id) = node
        .get("product")
        .and_then(|p| p.get("product_id"))
        .and_then(Value::as_str)
    {
        out.push((id.to_owned(), format!("{path}/product/product_id")));
    }
    for key in ["full_product_names", "relationships"] {
        if let Some(list) = node.get(key).and_then(Value::as_array) {
            for (i, p) in list.iter().enumerate() {
                let fp = if key == "relationships" {
                    p.get("full_product_name")
                } else {
                    Some(p)
                };
                if let Some(id) = fp.and_then(|f| f.get("product_id")).and_then(Value::as_str) {
                    out.push((id.to_owned(), format!("{path}/{key}/{i}")));
                }
            }
        }
    }
    if let Some(list) = node.get("branches").and_then(Value::as_array) {
        for (i, b) in list.iter().enumerate() {
            defined_ids(b, &format!("{path}/branches/{i}"), out, depth + 1);
        }
    }
}

/// Every product id referred to outside the product tree, with the path where.
fn referenced_ids(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(vulns) = doc.get("vulnerabilities").and_then(Value::as_array) else {
        return out;
    };
    let push = |list: Option<&Value>, path: String, out: &mut Vec<(String, String)>| {
        if let Some(list) = list.and_then(Value::as_array) {
            for (j, id) in list.iter().enumerate() {
                if let Some(id) = id.as_str() {
                    out.push((id.to_owned(), format!("{path}/{j}")));
                }
            }
        }
    };
    for (i, v) in vulns.iter().enumerate() {
        if let Some(status) = v.get("product_status").and_then(Value::as_object) {
            for (k, list) in status {
                push(
                    Some(list),
                    format!("/vulnerabilities/{i}/product_status/{k}"),
                    &mut out,
                );
            }
        }
        for key in ["scores", "remediations", "threats"] {
            if let Some(list) = v.get(key).and_then(Value::as_array) {
                for (j, item) in list.iter().enumerate() {
                    let field = if key == "scores" {
                        "products"
                    } else {
                        "product_ids"
                    };
                    push(
                        item.get(field),
                        format!("/vulnerabilities/{i}/{key}/{j}/{field}"),
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

/// The mandatory tests checked at run time.
fn mandatory(doc: &Value, errors: &mut Vec<String>) {
    // 6.1.1 Missing definition of product id; 6.1.2 multiple definitions.
    let mut defined = Vec::new();
    if let Some(tree) = doc.get("product_tree") {
        defined_ids(tree, "/product_tree", &mut defined, 0);
    }
    let mut ids = HashSet::new();
    for (id, path) in &defined {
        if !ids.insert(id.as_str()) {
            errors.push(format!("{path}: 6.1.2 product id {id} defined twice"));
        }
    }
    for (id, path) in referenced_ids(doc) {
        if !ids.contains(id.as_str()) {
            errors.push(format!("{path}: 6.1.1 product id {id} not defined"));
        }
    }
    // 6.1.8–6.1.10: a CVSS v3 score must be the one its vector computes to.
    if let Some(vulns) = doc.get("vulnerabilities").and_then(Value::as_array) {
        for (i, v) in vulns.iter().enumerate() {
            for (j, s) in v
                .get("scores")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let Some(c) = s.get("cvss_v3") else { continue };
                let path = format!("/vulnerabilities/{i}/scores/{j}/cvss_v3");
                let Some(vector) = c.get("vectorString").and_then(Value::as_str) else {
                    continue;
                };
                match Vector::parse(vector) {
                    Ok(parsed) => {
                        let score = parsed.base_score();
                        if c.get("baseScore").and_then(Value::as_f64) != Some(score.value()) {
                            errors.push(format!(
                                "{path}/baseScore: 6.1.9 not the score of the vector ({score})"
                            ));
                        }
                        if c.get("version").and_then(Value::as_str)
                            != Some(parsed.version().as_str())
                        {
                            errors.push(format!(
                                "{path}/version: 6.1.10 not the version of the vector"
                            ));
                        }
                    }
                    Err(e) => errors.push(format!("{path}/vectorString: 6.1.8 {e}")),
                }
            }
            // 6.1.11: the CWE's name is the catalogue's.
            if let Some(cwe) = v.get("cwe") {
                let id = cwe.get("id").and_then(Value::as_str).unwrap_or_default();
                let name = cwe.get("name").and_then(Value::as_str).unwrap_or_default();
                match cwe_name(id) {
                    Some(n) if n == name => {}
                    Some(_) => errors.push(format!(
                        "/vulnerabilities/{i}/cwe/name: 6.1.11 not the name of {id}"
                    )),
                    None => errors.push(format!(
                        "/vulnerabilities/{i}/cwe/id: 6.1.11 unknown CWE {id}"
                    )),
                }
            }
        }
    }
    // 6.1.14 sorted revision history, 6.1.16 latest version, 6.1.21 no gap, 6.1.22 no
    // number twice (integer versioning, which tocsin uses).
    let tracking = doc.get("document").and_then(|d| d.get("tracking"));
    let history: Vec<(u64, String)> = tracking
        .and_then(|t| t.get("revision_history"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some((
                r.get("number")?.as_str()?.parse().ok()?,
                r.get("date")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    if !history.is_empty() {
        let mut numbers: Vec<u64> = history.iter().map(|(n, _)| *n).collect();
        let mut by_date = history.clone();
        by_date.sort_by(|a, b| {
            Timestamp::parse_rfc3339(&a.1)
                .ok()
                .cmp(&Timestamp::parse_rfc3339(&b.1).ok())
                .then(a.0.cmp(&b.0))
        });
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        if by_date.iter().map(|(n, _)| *n).collect::<Vec<_>>() != sorted {
            errors.push(
                "/document/tracking/revision_history: 6.1.14 not sorted by date and number".into(),
            );
        }
        let before = numbers.len();
        numbers.sort_unstable();
        numbers.dedup();
        if numbers.len() != before {
            errors.push("/document/tracking/revision_history: 6.1.22 a number given twice".into());
        }
        if numbers.windows(2).any(|w| w[1] != w[0] + 1) || numbers.first().is_some_and(|n| *n > 1) {
            errors.push("/document/tracking/revision_history: 6.1.21 a missing revision".into());
        }
        let version = tracking
            .and_then(|t| t.get("version"))
            .and_then(Value::as_str)
            .and_then(|v| v.parse::<u64>().ok());
        if version != numbers.last().copied() {
            errors
                .push("/document/tracking/version: 6.1.16 not the latest revision's number".into());
        }
    }
}

// ---------------------------------------------------------------------------------------
// The provider layout
// ---------------------------------------------------------------------------------------

/// One document as the layout lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// Its tracking id.
    pub tracking_id: String,
    /// Its title.
    pub title: String,
    /// Its path under the TLP folder (`2026/x.json`).
    pub path: String,
    /// Its initial release date.
    pub initial_release: Timestamp,
    /// Its current release date.
    pub current_release: Timestamp,
}

/// `index.txt` of a TLP folder: every document's path, one a line.
pub fn index_txt(docs: &[Listed]) -> String {
    let mut paths: Vec<&str> = docs.iter().map(|d| d.path.as_str()).collect();
    paths.sort_unstable();
    paths.iter().map(|p| format!("{p}\n")).collect()
}

/// `changes.csv` of a TLP folder: each document's path and current release date, newest
/// first (section 7.1.14), with the CSV quoting of the section's examples.
pub fn changes_csv(docs: &[Listed]) -> String {
    let mut rows: Vec<&Listed> = docs.iter().collect();
    rows.sort_by(|a, b| {
        b.current_release
            .cmp(&a.current_release)
            .then(a.path.cmp(&b.path))
    });
    rows.iter()
        .map(|d| {
            format!(
                "\"{}\",\"{}\"\n",
                d.path.replace('"', "\"\""),
                date(d.current_release)
            )
        })
        .collect()
}

/// The ROLIE feed of one TLP folder (section 7.1.20). `base` is the folder's URL.
pub fn rolie_feed(
    publisher: &str,
    tlp: Tlp,
    base: &str,
    docs: &[Listed],
    updated: Timestamp,
) -> Value {
    let label = tlp_label(tlp);
    let folder = tlp_folder(tlp);
    let mut rows: Vec<&Listed> = docs.iter().collect();
    rows.sort_by_key(|d| std::cmp::Reverse(d.current_release));
    let entries: Vec<Value> = rows
        .iter()
        .map(|d| {
            let url = format!("{base}/{}", d.path);
            json!({
                "content": {"src": url, "type": MEDIA_TYPE_JSON},
                "format": {"schema": SCHEMA_URL, "version": "2.0"},
                "id": d.tracking_id,
                "link": [
                    {"href": url, "rel": "self"},
                    {"href": format!("{url}.sha256"), "rel": "hash"},
                    {"href": format!("{url}.sha512"), "rel": "hash"},
                    {"href": format!("{url}.asc"), "rel": "signature"},
                ],
                "published": date(d.initial_release),
                "title": d.title,
                "updated": date(d.current_release),
            })
        })
        .collect();
    json!({
        "feed": {
            "category": [
                {"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}
            ],
            "entry": entries,
            "id": format!("csaf-feed-tlp-{folder}"),
            "link": [{"href": format!("{base}/csaf-feed-tlp-{folder}.json"), "rel": "self"}],
            "title": format!("{publisher} CSAF feed (TLP:{label})"),
            "updated": date(updated),
        }
    })
}

/// The public OpenPGP key a provider names in its metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenPgpKey {
    /// Where the key is served.
    pub url: String,
    /// Its fingerprint (hex), if known.
    pub fingerprint: Option<String>,
}

/// `provider-metadata.json` (section 7.1.1) of a trusted provider: one ROLIE feed per TLP
/// in `tlps`, the directory of the WHITE folder, and the public keys.
pub fn provider_metadata(
    publisher: &Publisher,
    well_known: &str,
    tlps: &[Tlp],
    keys: &[OpenPgpKey],
    updated: Timestamp,
) -> Value {
    let feeds: Vec<Value> = tlps
        .iter()
        .map(|t| {
            let folder = tlp_folder(*t);
            json!({
                "summary": format!("TLP:{} advisories", tlp_label(*t)),
                "tlp_label": tlp_label(*t),
                "url": format!("{well_known}/{folder}/csaf-feed-tlp-{folder}.json"),
            })
        })
        .collect();
    let keys: Vec<Value> = keys
        .iter()
        .map(|k| {
            let mut v = json!({"url": k.url});
            if let Some(f) = &k.fingerprint {
                v["fingerprint"] = json!(f);
            }
            v
        })
        .collect();
    let mut pubv = json!({
        "category": "coordinator",
        "name": publisher.name,
        "namespace": publisher.namespace,
    });
    if let Some(c) = &publisher.contact_details {
        pubv["contact_details"] = json!(c);
    }
    json!({
        "canonical_url": format!("{well_known}/provider-metadata.json"),
        "distributions": [
            {"directory_url": format!("{well_known}/white/")},
            {"rolie": {"feeds": feeds}},
        ],
        "last_updated": date(updated),
        "list_on_CSAF_aggregators": true,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": true,
        "public_openpgp_keys": keys,
        "publisher": pubv,
        "role": "csaf_trusted_provider",
    })
}

/// A hash file's contents, in the form `sha256sum -c`/`sha512sum -c` read:
/// `<hex>  <file name>`.
pub fn hash_line(hex: &str, file: &str) -> String {
    format!("{hex}  {file}\n")
}

// ---------------------------------------------------------------------------------------
// Reading another publisher's advisory
// ---------------------------------------------------------------------------------------

/// What tocsin keeps of a CSAF advisory from outside (a vendor's, a foreign CERT's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExternalAdvisory {
    /// `document.tracking.id`.
    pub tracking_id: String,
    /// `document.title`.
    pub title: String,
    /// `document.publisher.name`.
    pub publisher: String,
    /// `document.publisher.namespace`.
    pub publisher_namespace: String,
    /// `document.category`.
    pub category: String,
    /// `document.distribution.tlp.label`, if given (`WHITE`, `GREEN`, `AMBER`, `RED`).
    pub tlp_label: Option<String>,
    /// `document.tracking.version`.
    pub version: String,
    /// `document.tracking.initial_release_date`, as written.
    pub initial_release: String,
    /// `document.tracking.current_release_date`, as written.
    pub current_release: String,
    /// The CVE ids of its vulnerabilities, each once, in order.
    pub cves: Vec<String>,
    /// The names of the products it defines (at most a few thousand), each once.
    pub products: Vec<String>,
    /// The first summary or description note of the document.
    pub summary: String,
}

fn text_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

fn product_names(node: &Value, out: &mut Vec<String>, seen: &mut HashSet<String>, depth: usize) {
    if depth > MAX_DEPTH || out.len() >= MAX_INDEXED {
        return;
    }
    let mut add = |name: Option<&str>, out: &mut Vec<String>| {
        if let Some(n) = name.map(str::trim).filter(|n| !n.is_empty())
            && out.len() < MAX_INDEXED
            && seen.insert(n.to_owned())
        {
            out.push(n.to_owned());
        }
    };
    add(text_at(node, &["product", "name"]), out);
    for p in node
        .get("full_product_names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        add(p.get("name").and_then(Value::as_str), out);
    }
    for r in node
        .get("relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        add(text_at(r, &["full_product_name", "name"]), out);
    }
    for b in node
        .get("branches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        product_names(b, out, seen, depth + 1);
    }
}

/// Reads a CSAF 2.0 advisory from outside: what is needed to show it and index it. Refuses
/// what is not JSON or not a CSAF 2.0 document (no `document` with `csaf_version` 2.0, a
/// tracking id and a title); everything else is read as far as it goes. Never panics
/// (property-tested).
pub fn read(bytes: &[u8]) -> Result<ExternalAdvisory, CsafError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| CsafError::NotCsaf(e.to_string()))?;
    let d = v
        .get("document")
        .ok_or_else(|| CsafError::NotCsaf("no document".into()))?;
    if text_at(d, &["csaf_version"]) != Some("2.0") {
        return Err(CsafError::NotCsaf("csaf_version is not 2.0".into()));
    }
    let need = |path: &[&str], field: &str| {
        text_at(d, path)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| CsafError::Missing {
                field: field.into(),
            })
    };
    let tracking_id = need(&["tracking", "id"], "/document/tracking/id")?;
    let title = need(&["title"], "/document/title")?;
    let opt = |path: &[&str]| text_at(d, path).unwrap_or_default().to_owned();
    let mut cves = Vec::new();
    for vul in v
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(MAX_INDEXED)
    {
        if let Some(c) = vul.get("cve").and_then(Value::as_str)
            && tocsin_domain::cve::CveId::parse(c).is_ok()
            && !cves.iter().any(|x: &String| x == c)
        {
            cves.push(c.to_owned());
        }
    }
    let mut products = Vec::new();
    if let Some(tree) = v.get("product_tree") {
        product_names(tree, &mut products, &mut HashSet::new(), 0);
    }
    let summary = d
        .get("notes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|n| {
            matches!(
                n.get("category").and_then(Value::as_str),
                Some("summary" | "description")
            )
        })
        .and_then(|n| n.get("text").and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    Ok(ExternalAdvisory {
        tracking_id,
        title,
        publisher: opt(&["publisher", "name"]),
        publisher_namespace: opt(&["publisher", "namespace"]),
        category: opt(&["category"]),
        tlp_label: text_at(d, &["distribution", "tlp", "label"]).map(str::to_owned),
        version: opt(&["tracking", "version"]),
        initial_release: opt(&["tracking", "initial_release_date"]),
        current_release: opt(&["tracking", "current_release_date"]),
        cves,
        products,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_section_5_1() {
        assert_eq!(file_name("VA-24-201-01"), "va-24-201-01.json");
        assert_eq!(file_name("TWCERT/2026 #1"), "twcert_2026_1.json");
        assert_eq!(file_name("a..b"), "a_b.json");
        assert_eq!(file_name("x+y"), "x+y.json");
    }

    #[test]
    fn ranges_are_told_from_versions() {
        assert!(is_range("< 2.4"));
        assert!(is_range("all versions"));
        assert!(is_range("2.0 and later"));
        assert!(!is_range("2.3.1"));
        assert!(!is_range("2.3-beta"));
    }

    #[test]
    fn cwe_names_come_from_the_catalogue() {
        assert_eq!(
            cwe_name("CWE-79"),
            Some(
                "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"
            )
        );
        assert_eq!(cwe_name("CWE-999999"), None);
    }

    #[test]
    fn tlp_folders_round_trip() {
        for t in [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::Red] {
            assert_eq!(folder_tlp(tlp_folder(t)), Some(t));
        }
        assert_eq!(tlp_label(Tlp::AmberStrict), "AMBER");
        assert_eq!(folder_tlp("../etc"), None);
    }
}

//! CVE records in the CVE JSON 5.1 record format, as tocsin emits them when it publishes a
//! vulnerability as a CVE Numbering Authority.
//!
//! The server fills a [`CveRecordInput`] with plain values and [`cve_record`] checks them
//! and builds a [`CveRecord`], a set of serde types for the part of the format tocsin
//! writes: a PUBLISHED record with `cveMetadata` and the CNA container (provider metadata,
//! title, descriptions in English and Traditional Chinese, affected products and versions,
//! problem types, references, CVSS metrics, credits, solutions and source). Only a
//! published case has such a record: before publication [`cna_container`] builds the
//! container alone, which is what a CNA submits to the CVE Services (`cve publish -f`), so
//! that no record claims a publication that has not happened.
//!
//! A CVE id that must not be used any more is rejected: [`rejected_record`] builds the
//! REJECTED record (`rejectedReasons`, and `dateRejected`), [`rejected_container`] its CNA
//! container (what `cve reject` submits).
//!
//! Every text is tagged with the language it is written in ([`lang_of`]: `zh-TW` for text
//! with a Han character, `en` otherwise), never with the language of the field it came
//! from; [`Localized`] is a text in one or more languages, of which the first in each
//! language is kept. The schema requires an English description (and an English reason for
//! a rejection): a record without one is refused naming `description.en`.
//!
//! What the schema demands and a plain value could break is checked here, and an error
//! names the field: the CVE id's pattern, a version-4 UUID for the assigner, the lengths,
//! an English description, one decimal scores whose severity matches their band, `CWE-n`
//! ids, absolute http(s) reference URLs, years 1900 to 2999, no duplicate list entries. A
//! record built here is valid against the official schema (`tests/cve_record.rs` checks
//! that against the vendored `CVE_JSON_bundled_5.1.1.json`).
//!
//! Credits honour the reporter's choice: the finder is named (with their organization) only
//! when [`FinderInput::public_credit`] is true; otherwise the record has no `credits` at all
//! and the name is nowhere in it.
//!
//! CVSS metrics take scores already computed (by [`crate::cvss`] on the server); the vector
//! is only parsed to check it and written in canonical metric order, which the schema's 4.0
//! pattern requires.

use std::collections::HashSet;
use std::hash::Hash;

use serde::{Deserialize, Serialize};
use tocsin_domain::{Locale, Timestamp};
use uuid::Uuid;

use crate::cvss::{Score, Severity, Vector, Version};

/// The value of [`CveRecord::data_type`] (and of [`RejectedCveRecord::data_type`]).
pub const DATA_TYPE: &str = "CVE_RECORD";
/// The record format version written in [`CveRecord::data_version`].
pub const DATA_VERSION: &str = "5.1";
/// The language tag of English texts.
pub const LANG_EN: &str = "en";
/// The language tag of Traditional Chinese (Taiwan) texts; the schema's BCP 47 pattern
/// accepts `zh-TW`.
pub const LANG_ZH_TW: &str = "zh-TW";
/// The version type written for a version range when the input names none (the schema
/// requires one for a range).
pub const DEFAULT_VERSION_TYPE: &str = "custom";

// Lengths the schema sets, in characters (code points, as JSON Schema counts them).
const MAX_SHORT_NAME: usize = 32;
const MIN_SHORT_NAME: usize = 2;
const MAX_TITLE: usize = 256;
const MAX_TEXT: usize = 4096;
const MAX_VENDOR: usize = 512;
const MAX_PRODUCT: usize = 2048;
const MAX_VERSION: usize = 1024;
const MAX_VERSION_TYPE: usize = 128;
const MAX_URL: usize = 2048;
const MAX_REFERENCE_NAME: usize = 512;
const MAX_REFERENCES: usize = 512;

// ---------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------

/// Everything a CVE record is built from, as plain values. Optional texts that are empty or
/// only white space count as absent.
#[derive(Clone, Debug, PartialEq)]
pub struct CveRecordInput {
    /// The CVE id, e.g. `CVE-2026-12345`.
    pub cve_id: String,
    /// The CNA's organization UUID in the CVE Program (configuration); also the provider of
    /// the CNA container. The schema requires a version-4 UUID.
    pub assigner_org_id: Uuid,
    /// The CNA's short name in the CVE Program (configuration), 2 to 32 characters.
    pub assigner_short_name: String,
    /// When the CVE id was reserved, if known.
    pub date_reserved: Option<Timestamp>,
    /// When the record was (first) published; `None` before publication, when only the
    /// CNA container can be built ([`cna_container`]).
    pub date_published: Option<Timestamp>,
    /// When the record was last changed.
    pub date_updated: Timestamp,
    /// When the vulnerability was disclosed publicly (the advisory), if known.
    pub date_public: Option<Timestamp>,
    /// A short title, at most 256 characters.
    pub title: Option<String>,
    /// The description; one in English is required.
    pub description: Localized,
    /// The affected products; at least one.
    pub affected: Vec<AffectedInput>,
    /// The problem types (a CWE or a text); may be empty.
    pub problem_types: Vec<ProblemTypeInput>,
    /// The references; at least one, at most 512.
    pub references: Vec<ReferenceInput>,
    /// CVSS metrics, already scored; may be empty.
    pub metrics: Vec<CvssMetricInput>,
    /// The person who found the vulnerability, named only if they agreed.
    pub finder: Option<FinderInput>,
    /// The solution (upgrade, workaround), if any.
    pub solution: Option<Localized>,
    /// How the vulnerability came to the CNA, if to be said.
    pub discovery: Option<Discovery>,
}

/// One text in one or more languages, most preferred first. Each is written with the tag
/// of the language it is in ([`lang_of`]); of several texts in one language only the first
/// is kept, and blank texts count as absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Localized {
    /// The texts, most preferred first.
    pub texts: Vec<String>,
}

impl Localized {
    /// One text.
    pub fn one(text: impl Into<String>) -> Self {
        Self {
            texts: vec![text.into()],
        }
    }

    /// Several texts (translations of one another), most preferred first.
    pub fn new<T: Into<String>>(texts: impl IntoIterator<Item = T>) -> Self {
        Self {
            texts: texts.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether one of the texts is in English (as [`lang_of`] tells).
    pub fn has_english(&self) -> bool {
        self.texts
            .iter()
            .any(|t| !t.trim().is_empty() && lang_of(t) == LANG_EN)
    }
}

/// The language tag of a text: [`LANG_ZH_TW`] if it holds a Han character, [`LANG_EN`]
/// otherwise (the domain's [`Locale::of_text`]).
pub fn lang_of(text: &str) -> &'static str {
    match Locale::of_text(text) {
        Locale::ZhTw => LANG_ZH_TW,
        Locale::En => LANG_EN,
    }
}

/// One affected product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffectedInput {
    /// The vendor, at most 512 characters (`N/A` if none).
    pub vendor: String,
    /// The product, at most 2,048 characters.
    pub product: String,
    /// Versions or ranges with their status; may be empty (then only the default status
    /// says anything).
    pub versions: Vec<VersionInput>,
    /// The status of versions not listed.
    pub default_status: VersionStatus,
}

/// A single version, or a range from [`VersionInput::version`] up to an upper bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInput {
    /// The version, or the start of the range (`0` for "from the first"), at most 1,024
    /// characters.
    pub version: String,
    /// The status of the version or range.
    pub status: VersionStatus,
    /// The end of a range; `None` for a single version.
    pub upper: Option<UpperBound>,
    /// The version numbering scheme (`semver`, `custom`, …), at most 128 characters. A range
    /// without one is written with [`DEFAULT_VERSION_TYPE`].
    pub version_type: Option<String>,
}

/// The end of a version range (the schema allows one of the two).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpperBound {
    /// Up to but excluding this version (`lessThan`); may end in `*`.
    LessThan(String),
    /// Up to and including this version (`lessThanOrEqual`).
    LessThanOrEqual(String),
}

/// The vulnerability status of a version, range or product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionStatus {
    /// Affected.
    Affected,
    /// Not affected.
    Unaffected,
    /// Not known.
    Unknown,
}

/// One problem type: a CWE with its name, or a text alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemTypeInput {
    /// The CWE id, e.g. `CWE-79`; `None` for a text-only problem type.
    pub cwe_id: Option<String>,
    /// The CWE's name or the text, e.g. `CWE-79 Improper Neutralization of Input During
    /// Web Page Generation ('Cross-site Scripting')`, in one or more languages.
    pub description: Localized,
}

/// One reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceInput {
    /// An absolute `http` or `https` URL in ASCII (percent-encoded, punycode host), at most
    /// 2,048 characters.
    pub url: String,
    /// A name for it (often the page's title), if any.
    pub name: Option<String>,
    /// What the reference is; repeated tags are written once.
    pub tags: Vec<ReferenceTag>,
}

/// A CVE reference tag, as the schema enumerates them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceTag {
    /// The link no longer works.
    BrokenLink,
    /// Behind a customer login.
    CustomerEntitlement,
    /// An exploit or proof of concept.
    Exploit,
    /// From a government agency (such as a national CERT's own advisory).
    GovernmentResource,
    /// A bug tracker entry.
    IssueTracking,
    /// A mailing-list post.
    MailingList,
    /// Steps to mitigate.
    Mitigation,
    /// Not applicable.
    NotApplicable,
    /// A patch.
    Patch,
    /// Behind a log-in.
    PermissionsRequired,
    /// Press coverage.
    MediaCoverage,
    /// Describes the product.
    Product,
    /// A related vulnerability.
    Related,
    /// Release notes.
    ReleaseNotes,
    /// A detection signature.
    Signature,
    /// A technical write-up.
    TechnicalDescription,
    /// An advisory by someone other than the vendor.
    ThirdPartyAdvisory,
    /// The vendor's advisory.
    VendorAdvisory,
    /// A vulnerability database entry.
    VdbEntry,
}

/// A CVSS score already computed, to be written as a metric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CvssMetricInput {
    /// The vector, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`; its version must be
    /// [`CvssMetricInput::version`]. Written in canonical metric order.
    pub vector: String,
    /// The CVSS version.
    pub version: Version,
    /// The base score.
    pub base_score: Score,
    /// The base severity; must be the rating of [`CvssMetricInput::base_score`].
    pub base_severity: Severity,
}

/// The person who found the vulnerability, and whether they agreed to be named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinderInput {
    /// Their name.
    pub name: String,
    /// Their organization, if any.
    pub organization: Option<String>,
    /// Whether they agreed to public credit. If not, the record names them nowhere.
    pub public_credit: bool,
}

impl FinderInput {
    /// The finder as every public channel may name them: themselves if they agreed to
    /// public credit, `None` otherwise. The CVE record and the CSAF document both ask this,
    /// so the reporter's choice is read in one place.
    pub fn credited(&self) -> Option<&FinderInput> {
        self.public_credit.then_some(self)
    }
}

/// How the vulnerability was discovered, as CVE records say it in `source.discovery`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Discovery {
    /// Found by the vendor itself.
    Internal,
    /// Reported from outside (a researcher reporting to the CERT).
    External,
    /// Found by a user in the field.
    User,
    /// Not known.
    Unknown,
}

// ---------------------------------------------------------------------------------------
// Output: the record
// ---------------------------------------------------------------------------------------

/// A published CVE record (CVE JSON 5.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CveRecord {
    /// Always [`DATA_TYPE`].
    pub data_type: String,
    /// Always [`DATA_VERSION`].
    pub data_version: String,
    /// Who assigned the id, and when.
    pub cve_metadata: CveMetadata,
    /// The containers; tocsin writes the CNA's.
    pub containers: Containers,
}

/// The record's metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CveMetadata {
    /// The CVE id.
    pub cve_id: String,
    /// The assigning CNA's organization UUID.
    pub assigner_org_id: Uuid,
    /// The assigning CNA's short name.
    pub assigner_short_name: String,
    /// Always `PUBLISHED`: only a published case has a record.
    pub state: String,
    /// When the id was reserved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_reserved: Option<Timestamp>,
    /// When the record was published.
    pub date_published: Timestamp,
    /// When the record was last changed.
    pub date_updated: Timestamp,
}

/// The record's containers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Containers {
    /// The CNA container.
    pub cna: CnaContainer,
}

/// The CNA container of a published record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CnaContainer {
    /// The CNA that wrote the container.
    pub provider_metadata: ProviderMetadata,
    /// When the vulnerability was disclosed publicly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_public: Option<Timestamp>,
    /// A short title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Descriptions, English first (one in English is required).
    pub descriptions: Vec<LangText>,
    /// Affected products.
    pub affected: Vec<Product>,
    /// Problem types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problem_types: Vec<ProblemType>,
    /// References.
    pub references: Vec<Reference>,
    /// CVSS metrics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    /// Solutions, English first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solutions: Vec<LangText>,
    /// Credits: the finder, only with their consent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<Credit>,
    /// Where the report came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// The provider of a container.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderMetadata {
    /// The provider's organization UUID.
    pub org_id: Uuid,
    /// The provider's short name.
    pub short_name: String,
    /// When the container was last changed.
    pub date_updated: Timestamp,
}

/// A text in one language.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LangText {
    /// The BCP 47 language tag.
    pub lang: String,
    /// The text.
    pub value: String,
}

/// An affected product.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// The vendor.
    pub vendor: String,
    /// The product.
    pub product: String,
    /// Versions or ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<ProductVersion>,
    /// The status of versions not listed.
    pub default_status: VersionStatus,
}

/// A version or a range of versions with its status.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductVersion {
    /// The version, or the start of the range.
    pub version: String,
    /// Its status.
    pub status: VersionStatus,
    /// The numbering scheme (always present for a range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_type: Option<String>,
    /// The exclusive end of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than: Option<String>,
    /// The inclusive end of the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than_or_equal: Option<String>,
}

/// One problem type, in one or more languages.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProblemType {
    /// Its descriptions, English first.
    pub descriptions: Vec<ProblemTypeDescription>,
}

/// A problem type in one language.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemTypeDescription {
    /// The BCP 47 language tag.
    pub lang: String,
    /// The CWE's name or the text.
    pub description: String,
    /// `CWE` or `text`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The CWE id, for a CWE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwe_id: Option<String>,
}

/// A reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    /// The URL.
    pub url: String,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<ReferenceTag>,
}

/// One metrics entry: exactly one of the CVSS versions is set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// The format's name (`CVSS`).
    pub format: String,
    /// A CVSS v4.0 score.
    #[serde(rename = "cvssV4_0", default, skip_serializing_if = "Option::is_none")]
    pub cvss_v4_0: Option<CvssScore>,
    /// A CVSS v3.1 score.
    #[serde(rename = "cvssV3_1", default, skip_serializing_if = "Option::is_none")]
    pub cvss_v3_1: Option<CvssScore>,
    /// A CVSS v3.0 score.
    #[serde(rename = "cvssV3_0", default, skip_serializing_if = "Option::is_none")]
    pub cvss_v3_0: Option<CvssScore>,
}

/// The fields of a CVSS score object the schema requires (the same for 3.0, 3.1 and 4.0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CvssScore {
    /// `3.0`, `3.1` or `4.0`.
    pub version: String,
    /// The vector in canonical order.
    pub vector_string: String,
    /// The base score, one decimal.
    pub base_score: f64,
    /// The base severity in capitals (`NONE`, `LOW`, `MEDIUM`, `HIGH`, `CRITICAL`).
    pub base_severity: String,
}

/// A credit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Credit {
    /// The BCP 47 language tag.
    pub lang: String,
    /// Who is credited.
    pub value: String,
    /// The role (`finder`).
    #[serde(rename = "type")]
    pub kind: String,
}

/// The source of the record's information.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// How the vulnerability was discovered.
    pub discovery: Discovery,
}

// ---------------------------------------------------------------------------------------
// Rejection
// ---------------------------------------------------------------------------------------

/// What the REJECTED record of a CVE id is built from.
#[derive(Clone, Debug, PartialEq)]
pub struct RejectedInput {
    /// The CVE id.
    pub cve_id: String,
    /// The CNA's organization UUID (version 4).
    pub assigner_org_id: Uuid,
    /// The CNA's short name, 2 to 32 characters.
    pub assigner_short_name: String,
    /// When the CVE id was reserved, if known.
    pub date_reserved: Option<Timestamp>,
    /// When the record was published, if it ever was.
    pub date_published: Option<Timestamp>,
    /// When the id was rejected.
    pub date_rejected: Timestamp,
    /// When the record was last changed.
    pub date_updated: Timestamp,
    /// Why the id is rejected; one reason in English is required.
    pub reasons: Localized,
}

/// A REJECTED CVE record (CVE JSON 5.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedCveRecord {
    /// Always [`DATA_TYPE`].
    pub data_type: String,
    /// Always [`DATA_VERSION`].
    pub data_version: String,
    /// Who assigned the id, and when it was rejected.
    pub cve_metadata: RejectedMetadata,
    /// The CNA's container.
    pub containers: RejectedContainers,
}

/// The metadata of a rejected record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedMetadata {
    /// The CVE id.
    pub cve_id: String,
    /// The assigning CNA's organization UUID.
    pub assigner_org_id: Uuid,
    /// The assigning CNA's short name.
    pub assigner_short_name: String,
    /// Always `REJECTED`.
    pub state: String,
    /// When the id was reserved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_reserved: Option<Timestamp>,
    /// When the record was published, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_published: Option<Timestamp>,
    /// When the record was last changed.
    pub date_updated: Timestamp,
    /// When the id was rejected.
    pub date_rejected: Timestamp,
}

/// The containers of a rejected record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectedContainers {
    /// The CNA's container.
    pub cna: CnaRejectedContainer,
}

/// The CNA container of a rejected record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CnaRejectedContainer {
    /// The CNA that wrote the container.
    pub provider_metadata: ProviderMetadata,
    /// Why the id is rejected, English first.
    pub rejected_reasons: Vec<LangText>,
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Why a [`CveRecordInput`] cannot make a valid record. `field` is a path such as
/// `affected[0].versions[1].version`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CveRecordError {
    /// A required text or list is empty.
    #[error("{field}: required")]
    Missing {
        /// The field.
        field: String,
    },
    /// A text is longer than the format allows.
    #[error("{field}: longer than {max} characters")]
    TooLong {
        /// The field.
        field: String,
        /// The most allowed, in characters.
        max: usize,
    },
    /// A text is shorter than the format allows.
    #[error("{field}: shorter than {min} characters")]
    TooShort {
        /// The field.
        field: String,
        /// The least allowed, in characters.
        min: usize,
    },
    /// A list has more entries than the format allows.
    #[error("{field}: more than {max} entries")]
    TooMany {
        /// The field.
        field: String,
        /// The most allowed.
        max: usize,
    },
    /// A value is not of the required form.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A list holds the same entry twice (the format requires unique entries).
    #[error("{field}: same entry twice")]
    Duplicate {
        /// The field (the second occurrence).
        field: String,
    },
}

impl CveRecordError {
    /// The field the error is about.
    pub fn field(&self) -> &str {
        match self {
            Self::Missing { field }
            | Self::TooLong { field, .. }
            | Self::TooShort { field, .. }
            | Self::TooMany { field, .. }
            | Self::Invalid { field, .. }
            | Self::Duplicate { field } => field,
        }
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> CveRecordError {
    CveRecordError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------

/// Checks the input and builds the PUBLISHED record; the input must say when it was
/// published. Serialize the result with serde_json.
pub fn cve_record(input: &CveRecordInput) -> Result<CveRecord, CveRecordError> {
    let Some(date_published) = input.date_published else {
        return Err(CveRecordError::Missing {
            field: "date_published".into(),
        });
    };
    check_time("date_published", date_published)?;
    let cna = cna_container(input)?;
    Ok(CveRecord {
        data_type: DATA_TYPE.into(),
        data_version: DATA_VERSION.into(),
        cve_metadata: CveMetadata {
            cve_id: input.cve_id.clone(),
            assigner_org_id: input.assigner_org_id,
            assigner_short_name: cna.provider_metadata.short_name.clone(),
            state: "PUBLISHED".into(),
            date_reserved: input.date_reserved,
            date_published,
            date_updated: input.date_updated,
        },
        containers: Containers { cna },
    })
}

/// Checks the input and builds the CNA container alone: what is submitted to publish the
/// record (`cve publish`), valid against the schema's `cnaPublishedContainer`. The
/// publication time is not used; the rest is checked as for [`cve_record`].
pub fn cna_container(input: &CveRecordInput) -> Result<CnaContainer, CveRecordError> {
    let short_name = check_metadata(
        &input.cve_id,
        input.assigner_org_id,
        &input.assigner_short_name,
    )?;
    if let Some(t) = input.date_reserved {
        check_time("date_reserved", t)?;
    }
    check_time("date_updated", input.date_updated)?;
    if let Some(t) = input.date_public {
        check_time("date_public", t)?;
    }

    let title = optional("title", input.title.as_deref(), MAX_TITLE)?;
    let descriptions = lang_texts("description", &input.description, true)?;
    let affected = affected(&input.affected)?;
    let problem_types = input
        .problem_types
        .iter()
        .enumerate()
        .map(|(i, p)| problem_type(&format!("problem_types[{i}]"), p))
        .collect::<Result<Vec<_>, _>>()?;
    unique("problem_types", &problem_types)?;
    let references = references(&input.references)?;
    let metrics = input
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| metric(&format!("metrics[{i}]"), m))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, m) in metrics.iter().enumerate() {
        if metrics[..i].contains(m) {
            return Err(CveRecordError::Duplicate {
                field: format!("metrics[{i}]"),
            });
        }
    }
    let solutions = match &input.solution {
        Some(s) if s.texts.iter().any(|t| !t.trim().is_empty()) => {
            lang_texts("solution", s, false)?
        }
        _ => Vec::new(),
    };
    let credits = match input.finder.as_ref().and_then(FinderInput::credited) {
        Some(f) => vec![credit(f)?],
        None => Vec::new(),
    };

    Ok(CnaContainer {
        provider_metadata: ProviderMetadata {
            org_id: input.assigner_org_id,
            short_name,
            date_updated: input.date_updated,
        },
        date_public: input.date_public,
        title,
        descriptions,
        affected,
        problem_types,
        references,
        metrics,
        solutions,
        credits,
        source: input.discovery.map(|discovery| Source { discovery }),
    })
}

/// Checks the input and builds the REJECTED record of a CVE id.
pub fn rejected_record(input: &RejectedInput) -> Result<RejectedCveRecord, CveRecordError> {
    let cna = rejected_container(input)?;
    if let Some(t) = input.date_reserved {
        check_time("date_reserved", t)?;
    }
    if let Some(t) = input.date_published {
        check_time("date_published", t)?;
    }
    check_time("date_rejected", input.date_rejected)?;
    Ok(RejectedCveRecord {
        data_type: DATA_TYPE.into(),
        data_version: DATA_VERSION.into(),
        cve_metadata: RejectedMetadata {
            cve_id: input.cve_id.clone(),
            assigner_org_id: input.assigner_org_id,
            assigner_short_name: cna.provider_metadata.short_name.clone(),
            state: "REJECTED".into(),
            date_reserved: input.date_reserved,
            date_published: input.date_published,
            date_updated: input.date_updated,
            date_rejected: input.date_rejected,
        },
        containers: RejectedContainers { cna },
    })
}

/// Checks the input and builds the CNA container of a rejection alone (what `cve reject`
/// submits), valid against the schema's `cnaRejectedContainer`.
pub fn rejected_container(input: &RejectedInput) -> Result<CnaRejectedContainer, CveRecordError> {
    let short_name = check_metadata(
        &input.cve_id,
        input.assigner_org_id,
        &input.assigner_short_name,
    )?;
    check_time("date_updated", input.date_updated)?;
    Ok(CnaRejectedContainer {
        provider_metadata: ProviderMetadata {
            org_id: input.assigner_org_id,
            short_name,
            date_updated: input.date_updated,
        },
        rejected_reasons: lang_texts("reasons", &input.reasons, true)?,
    })
}

/// The CVE id, the assigner's UUID and short name, as every record and container has them;
/// returns the short name.
fn check_metadata(cve_id: &str, org: Uuid, short_name: &str) -> Result<String, CveRecordError> {
    check_cve_id(cve_id)?;
    check_org_id(org)?;
    let short_name = required("assigner_short_name", short_name, MAX_SHORT_NAME)?;
    if short_name.chars().count() < MIN_SHORT_NAME {
        return Err(CveRecordError::TooShort {
            field: "assigner_short_name".into(),
            min: MIN_SHORT_NAME,
        });
    }
    Ok(short_name)
}

/// `CVE-YYYY-NNNN…` with 4 to 19 digits in the sequence part.
fn check_cve_id(id: &str) -> Result<(), CveRecordError> {
    let ok = id
        .strip_prefix("CVE-")
        .and_then(|rest| rest.split_once('-'))
        .is_some_and(|(year, seq)| {
            year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && (4..=19).contains(&seq.len())
                && seq.bytes().all(|b| b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(invalid("cve_id", "not a CVE id (CVE-YYYY-NNNN)"))
    }
}

fn check_org_id(id: Uuid) -> Result<(), CveRecordError> {
    if id.get_version_num() == 4 && id.get_variant() == uuid::Variant::RFC4122 {
        Ok(())
    } else {
        Err(invalid(
            "assigner_org_id",
            "the CVE Program's organization ids are version-4 UUIDs",
        ))
    }
}

/// The schema's timestamp pattern takes years 1900 to 2999.
fn check_time(field: &str, t: Timestamp) -> Result<(), CveRecordError> {
    if (1900..=2999).contains(&t.year()) {
        Ok(())
    } else {
        Err(invalid(field, "year outside 1900 to 2999"))
    }
}

/// A required text: not blank, at most `max` characters. Returned as given.
fn required(field: &str, value: &str, max: usize) -> Result<String, CveRecordError> {
    if value.trim().is_empty() {
        return Err(CveRecordError::Missing {
            field: field.into(),
        });
    }
    if value.chars().count() > max {
        return Err(CveRecordError::TooLong {
            field: field.into(),
            max,
        });
    }
    Ok(value.to_owned())
}

/// An optional text: blank counts as absent.
fn optional(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, CveRecordError> {
    match value {
        Some(v) if !v.trim().is_empty() => required(field, v, max).map(Some),
        _ => Ok(None),
    }
}

/// The texts tagged with their languages ([`lang_of`]), the first of each language only,
/// English first. At least one is required, and one in English if `english` (the schema's
/// rule for descriptions and rejection reasons): its absence is named `{field}.en`.
fn lang_texts(
    field: &str,
    text: &Localized,
    english: bool,
) -> Result<Vec<LangText>, CveRecordError> {
    let mut out: Vec<LangText> = Vec::with_capacity(text.texts.len());
    for (i, t) in text.texts.iter().enumerate() {
        let Some(value) = optional(&format!("{field}[{i}]"), Some(t), MAX_TEXT)? else {
            continue;
        };
        let lang = lang_of(&value);
        if out.iter().all(|o| o.lang != lang) {
            out.push(LangText {
                lang: lang.into(),
                value,
            });
        }
    }
    // Stable: the order of the other languages is kept.
    out.sort_by_key(|t| t.lang != LANG_EN);
    if english && out.first().is_none_or(|t| t.lang != LANG_EN) {
        return Err(CveRecordError::Missing {
            field: format!("{field}.en"),
        });
    }
    if out.is_empty() {
        return Err(CveRecordError::Missing {
            field: field.into(),
        });
    }
    Ok(out)
}

/// Fails on the first entry equal to an earlier one.
fn unique<T: Eq + Hash>(field: &str, items: &[T]) -> Result<(), CveRecordError> {
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if !seen.insert(item) {
            return Err(CveRecordError::Duplicate {
                field: format!("{field}[{i}]"),
            });
        }
    }
    Ok(())
}

fn affected(input: &[AffectedInput]) -> Result<Vec<Product>, CveRecordError> {
    if input.is_empty() {
        return Err(CveRecordError::Missing {
            field: "affected".into(),
        });
    }
    let mut out = Vec::with_capacity(input.len());
    for (i, a) in input.iter().enumerate() {
        let field = format!("affected[{i}]");
        let mut versions = Vec::with_capacity(a.versions.len());
        for (j, v) in a.versions.iter().enumerate() {
            versions.push(product_version(&format!("{field}.versions[{j}]"), v)?);
        }
        unique(&format!("{field}.versions"), &versions)?;
        out.push(Product {
            vendor: required(&format!("{field}.vendor"), &a.vendor, MAX_VENDOR)?,
            product: required(&format!("{field}.product"), &a.product, MAX_PRODUCT)?,
            versions,
            default_status: a.default_status,
        });
    }
    unique("affected", &out)?;
    Ok(out)
}

fn product_version(field: &str, v: &VersionInput) -> Result<ProductVersion, CveRecordError> {
    let version = required(&format!("{field}.version"), &v.version, MAX_VERSION)?;
    let version_type = optional(
        &format!("{field}.version_type"),
        v.version_type.as_deref(),
        MAX_VERSION_TYPE,
    )?;
    let (less_than, less_than_or_equal) = match &v.upper {
        None => (None, None),
        Some(UpperBound::LessThan(u)) => (
            Some(required(&format!("{field}.less_than"), u, MAX_VERSION)?),
            None,
        ),
        Some(UpperBound::LessThanOrEqual(u)) => (
            None,
            Some(required(
                &format!("{field}.less_than_or_equal"),
                u,
                MAX_VERSION,
            )?),
        ),
    };
    let version_type = if v.upper.is_some() {
        Some(version_type.unwrap_or_else(|| DEFAULT_VERSION_TYPE.into()))
    } else {
        version_type
    };
    Ok(ProductVersion {
        version,
        status: v.status,
        version_type,
        less_than,
        less_than_or_equal,
    })
}

fn problem_type(field: &str, p: &ProblemTypeInput) -> Result<ProblemType, CveRecordError> {
    let cwe_id = match p.cwe_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => {
            check_cwe_id(&format!("{field}.cwe_id"), id)?;
            Some(id.to_owned())
        }
        _ => None,
    };
    let kind = if cwe_id.is_some() { "CWE" } else { "text" };
    let descriptions = lang_texts(&format!("{field}.description"), &p.description, false)?
        .into_iter()
        .map(|t| ProblemTypeDescription {
            lang: t.lang,
            description: t.value,
            kind: kind.into(),
            cwe_id: cwe_id.clone(),
        })
        .collect();
    Ok(ProblemType { descriptions })
}

/// `CWE-` and a number without a leading zero, 5 to 9 characters in all.
fn check_cwe_id(field: &str, id: &str) -> Result<(), CveRecordError> {
    let ok = id.strip_prefix("CWE-").is_some_and(|n| {
        (1..=5).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0')
    });
    if ok {
        Ok(())
    } else {
        Err(invalid(field, "not a CWE id (CWE-n)"))
    }
}

fn references(input: &[ReferenceInput]) -> Result<Vec<Reference>, CveRecordError> {
    if input.is_empty() {
        return Err(CveRecordError::Missing {
            field: "references".into(),
        });
    }
    if input.len() > MAX_REFERENCES {
        return Err(CveRecordError::TooMany {
            field: "references".into(),
            max: MAX_REFERENCES,
        });
    }
    let mut out: Vec<Reference> = Vec::with_capacity(input.len());
    for (i, r) in input.iter().enumerate() {
        let field = format!("references[{i}]");
        let url = required(&format!("{field}.url"), &r.url, MAX_URL)?;
        check_url(&format!("{field}.url"), &url)?;
        if out.iter().any(|o| o.url == url) {
            return Err(CveRecordError::Duplicate { field });
        }
        let mut tags: Vec<ReferenceTag> = Vec::with_capacity(r.tags.len());
        for t in &r.tags {
            if !tags.contains(t) {
                tags.push(*t);
            }
        }
        out.push(Reference {
            url,
            name: optional(
                &format!("{field}.name"),
                r.name.as_deref(),
                MAX_REFERENCE_NAME,
            )?,
            tags,
        });
    }
    Ok(out)
}

/// An absolute http(s) URL with a host, in ASCII, with nothing a URI cannot hold unescaped
/// (the schema's `uri` format; a Unicode URL must be percent-encoded and punycoded first).
fn check_url(field: &str, url: &str) -> Result<(), CveRecordError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Err(invalid(field, "not an http or https URL"));
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if rest.get(..host_end).is_none_or(str::is_empty) {
        return Err(invalid(field, "URL without a host"));
    }
    if url.chars().any(|c| {
        !c.is_ascii_graphic() || matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
    }) {
        return Err(invalid(
            field,
            "URL with a character that must be percent-encoded (or a host in Unicode)",
        ));
    }
    let bytes = url.as_bytes();
    let bad_escape = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if bad_escape {
        return Err(invalid(
            field,
            "URL with a % not followed by two hex digits",
        ));
    }
    Ok(())
}

fn metric(field: &str, m: &CvssMetricInput) -> Result<Metric, CveRecordError> {
    let vector =
        Vector::parse(&m.vector).map_err(|e| invalid(format!("{field}.vector"), e.to_string()))?;
    if vector.version() != m.version {
        return Err(invalid(
            format!("{field}.vector"),
            format!(
                "a CVSS {} vector given as version {}",
                vector.version(),
                m.version
            ),
        ));
    }
    if m.base_score.severity() != m.base_severity {
        return Err(invalid(
            format!("{field}.base_severity"),
            format!(
                "{} is not the severity of {}",
                m.base_severity, m.base_score
            ),
        ));
    }
    let score = CvssScore {
        version: m.version.as_str().into(),
        vector_string: vector.to_string(),
        base_score: m.base_score.value(),
        base_severity: m.base_severity.as_str().to_ascii_uppercase(),
    };
    let mut out = Metric {
        format: "CVSS".into(),
        cvss_v4_0: None,
        cvss_v3_1: None,
        cvss_v3_0: None,
    };
    match m.version {
        Version::V3_0 => out.cvss_v3_0 = Some(score),
        Version::V3_1 => out.cvss_v3_1 = Some(score),
        Version::V4_0 => out.cvss_v4_0 = Some(score),
    }
    Ok(out)
}

/// `Name (Organization)`, or the name alone.
fn credit(f: &FinderInput) -> Result<Credit, CveRecordError> {
    let name = required("finder.name", f.name.trim(), MAX_TEXT)?;
    let value = match optional("finder.organization", f.organization.as_deref(), MAX_TEXT)? {
        Some(org) => format!("{name} ({})", org.trim()),
        None => name,
    };
    if value.chars().count() > MAX_TEXT {
        return Err(CveRecordError::TooLong {
            field: "finder".into(),
            max: MAX_TEXT,
        });
    }
    Ok(Credit {
        lang: lang_of(&value).into(),
        value,
        kind: "finder".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids() {
        assert!(check_cve_id("CVE-2026-0001").is_ok());
        assert!(check_cve_id("CVE-2026-1234567890123456789").is_ok());
        assert!(check_cve_id("CVE-2026-123").is_err());
        assert!(check_cve_id("CVE-26-1234").is_err());
        assert!(check_cve_id("cve-2026-1234").is_err());
        assert!(check_cve_id("CVE-2026-12a4").is_err());
    }

    #[test]
    fn cwe_ids() {
        assert!(check_cwe_id("f", "CWE-79").is_ok());
        assert!(check_cwe_id("f", "CWE-1").is_ok());
        assert!(check_cwe_id("f", "CWE-12345").is_ok());
        assert!(check_cwe_id("f", "CWE-123456").is_err());
        assert!(check_cwe_id("f", "CWE-079").is_err());
        assert!(check_cwe_id("f", "CWE-").is_err());
        assert!(check_cwe_id("f", "79").is_err());
    }

    #[test]
    fn urls() {
        assert!(check_url("f", "https://example.org/a?b=c#d").is_ok());
        assert!(check_url("f", "http://example.org").is_ok());
        assert!(check_url("f", "ftp://example.org").is_err());
        assert!(check_url("f", "https:///path").is_err());
        assert!(check_url("f", "https://example.org/a b").is_err());
        assert!(check_url("f", "https://example.org/<x>").is_err());
        assert!(check_url("f", "https://例子.tw/").is_err());
        assert!(check_url("f", "https://example.org/%zz").is_err());
        assert!(check_url("f", "https://example.org/%e4%BE%8B").is_ok());
    }
}

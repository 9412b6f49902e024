//! Pure domain rules of tocsin.
//!
//! This crate holds the vocabulary of DOMAIN.md as types (ids, roles, organization kinds,
//! tracking numbers), the one access-policy module, and input validation; the incident
//! report and its validation (`incident`), the handling SOP as a state machine
//! (`workflow`), the RSIT incident taxonomy (`rsit`), SLA timers in working hours (`sla`),
//! SOP task checklists (`tasks`), and time zones from the bundled IANA database (`zone`);
//! the phishing desk's URL handling (`phish_url`: refang, defang, normalise) and its report,
//! URL states and figures (`phishing`), and the addresses its evidence fetcher never
//! connects to (`fetch`); the Traffic Light Protocol (`tlp`); the product
//! vulnerability report and the CNA workflow (`vuln`) and CVE ids (`cve`); intelligence
//! records in the N-ISAC 25-field layout and their indicators (`intel`), and search tokens
//! that find one- and two-character Chinese words (`search`); the reward scheme's earning
//! rules, ledger entry kinds and catalog items (`points`), and assistance referrals with the
//! check that an offer names nobody (`referral`), which finds the words that would in
//! `deident`; membership (`membership`): the 統一編號 checksum, the "domain verified"
//! mark of an organization's application, and the CERT/CSIRT alliance's state table.
//! It does no I/O (the shipped data files are compiled in) and depends on neither the
//! database nor HTTP, so every rule here is testable alone.
//!
//! # Modules
//!
//! The vocabulary of DOMAIN.md as types: typed UUIDv7 ids (`ids.rs`), roles (`role.rs`),
//! organization kinds (`org.rs`), tracking numbers `INC-2026-000001` (`tracking.rs`), time
//! as stored (`time_util.rs`: `Timestamp`, UTC microseconds), languages and
//! Accept-Language negotiation (`locale.rs`), input validation returning message ids per
//! field (`validate.rs`), and **the access policy** (`policy/`): `authorize(principal,
//! action, resource)` and `report_scope`. The incident desk's rules: the seed form and its
//! validation with time zones (`incident.rs`, `zone.rs`), the SOP state machine as one table
//! (`workflow.rs`), the ENISA RSIT taxonomy (`rsit.rs`), SLA timers in working hours with the
//! Taiwan holiday calendar (`sla.rs`, `data/tw-holidays.toml`) and SOP task templates
//! (`tasks.rs`, `data/incident-tasks.toml`).
//!
//! The phishing desk's rules: URL refang/defang/normalisation with IDNA and the public
//! suffix list (`phish_url.rs`), the phishing form, the per-URL state table and figures
//! (`phishing.rs`), the evidence fetcher's special-purpose address rule and redirect targets
//! (`fetch.rs`); TLP levels (`tlp.rs`). CVE coordination: CVE ids and reservation lists (`cve.rs`), the
//! vulnerability report's validation (ROC dates too), the CNA state table, vendor status and
//! target publication dates (`vuln.rs`). Intel sharing: the 25-field N-ISAC record, its
//! validation naming each field in Chinese and English, strict format date-times, the free
//! texts 受害IP, 惡意IP連線資訊 and 掃描資訊 kept as written and read into entries with
//! warnings, never refused (`intel/notation.rs`), indicator extraction (`intel/`), and the
//! CJK search tokens every engine indexes — single characters and bigrams, because trigram
//! indexes miss one- and two-character Chinese words; SQLite's FTS5 stores a lone character
//! only where it ends a run and finds one by prefix (`search.rs`).
//! The reward scheme's rules (`points.rs`): earning rules by event and CVSS severity, the
//! ledger's entry kinds, the idempotency key of an award (once per rule and record), catalog
//! item validation, the debit clamp that keeps a balance above what is held; its policy
//! resources are `PointsAccount`, `PointsCatalog` and `Leaderboard`.
//! Assistance referrals: their state table and the sanitised offer, refused when a field
//! names the reporter (`referral.rs`); what names them — a name as given or without its
//! legal form, mail parts, phone digits, and runs of four or more characters shared with a
//! name or the mail domain's label — is found by `deident.rs`.
//! The monthly e-newsletter (`newsletter.rs`): the desk's month (`YYYY-MM`, its bounds
//! in the calendar's zone, the twelve-month trend), subscription and issue states, and the
//! VERP tag of a copy's envelope sender that lets a bounce name its delivery; its policy
//! resources are `NewsletterIssue` (the desk) and `NewsletterSubscribers` (admins).
//! Other CSIRTs (`team.rs`): the directory entry's validation, the constituency matcher
//! (CIDR, then domain suffix, then ccTLD, then the registry's country), the ticket numbers
//! foreign teams write in their subjects, and the states of a forward.

pub mod client_addr;
pub mod clock;
pub mod cve;
pub mod deident;
pub mod fetch;
pub mod ids;
pub mod incident;
pub mod intel;
pub mod locale;
pub mod membership;
mod names;
pub mod newsletter;
pub mod org;
pub mod phish_url;
pub mod phishing;
pub mod points;
pub mod policy;
pub mod referral;
pub mod role;
pub mod rsit;
pub mod search;
pub mod sla;
pub mod tasks;
pub mod team;
pub mod time_util;
pub mod tlp;
pub mod tracking;
pub mod validate;
pub mod virus;
pub mod vuln;
pub mod workflow;
pub mod zone;

pub use clock::Clock;
pub use cve::{BadCveId, CveError, CveId};
pub use ids::{
    ApiTokenId, AttachmentId, AuditId, EventId, GroupId, IntelId, IssueId, OrgId, OutboxId,
    ReportId, SessionId, SubscriberId, TaskId, UserId,
};
pub use incident::{DiscoveredAt, IncidentInput, IncidentType, ValidIncident};
pub use intel::{IntelCategory, IntelField, IntelInput, IntelRecord, IntelTime};
pub use locale::Locale;
pub use org::OrgKind;
pub use phish_url::{PhishUrl, UrlError};
pub use phishing::{
    PhishingInput, SeenIn, UrlState, UrlTransitionError, ValidPhishing, check_url_transition,
};
pub use policy::{Action, Decision, Denied, IntelAudience, IntelScope, Principal, Resource};
pub use role::{Role, Roles};
pub use rsit::{RsitClass, RsitType};
pub use sla::{CalendarConfig, Priority, SlaPolicy, SlaStatus, SlaTimer, WorkCalendar};
pub use tasks::{TaskState, TaskTemplate, TaskTemplates};
pub use time_util::Timestamp;
pub use tlp::Tlp;
pub use tracking::{ReportKind, TrackingNumber};
pub use validate::{FieldError, FieldErrors};
pub use vuln::{
    CnaState, CnaTransitionError, ValidVuln, VendorStatus, VulnInput, VulnSource,
    check_cna_transition,
};
pub use workflow::{ReportState, TransitionError, TransitionInput, check_transition};

//! Pure domain rules of tocsin.
//!
//! This crate holds the vocabulary of DOMAIN.md as types (ids, roles, organization kinds,
//! tracking numbers), the one access-policy module, and input validation; the incident
//! report and its validation (`incident`), the handling SOP as a state machine
//! (`workflow`), the RSIT incident taxonomy (`rsit`), SLA timers in working hours (`sla`),
//! SOP task checklists (`tasks`), and time zones from the bundled IANA database (`zone`);
//! the phishing desk's URL handling (`phish_url`: refang, defang, normalise) and its report,
//! URL states and figures (`phishing`); the Traffic Light Protocol (`tlp`); the product
//! vulnerability report and the CNA workflow (`vuln`) and CVE ids (`cve`); intelligence
//! records in the N-ISAC 25-field layout and their indicators (`intel`), and search tokens
//! that find one- and two-character Chinese words (`search`); the reward scheme's earning
//! rules, ledger entry kinds and catalog items (`points`), and assistance referrals with the
//! check that an offer names nobody (`referral`).
//! It does no I/O (the shipped data files are compiled in) and depends on neither the
//! database nor HTTP, so every rule here is testable alone.

pub mod clock;
pub mod cve;
pub mod ids;
pub mod incident;
pub mod intel;
pub mod locale;
mod names;
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
pub mod time_util;
pub mod tlp;
pub mod tracking;
pub mod validate;
pub mod vuln;
pub mod workflow;
pub mod zone;

pub use clock::Clock;
pub use cve::{BadCveId, CveError, CveId};
pub use ids::{
    ApiTokenId, AttachmentId, AuditId, EventId, GroupId, IntelId, OrgId, OutboxId, ReportId,
    SessionId, TaskId, UserId,
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

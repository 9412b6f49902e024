//! Pure domain rules of tocsin.
//!
//! This crate holds the vocabulary of DOMAIN.md as types (ids, roles, organization kinds,
//! tracking numbers), the one access-policy module, and input validation. It does no I/O
//! and depends on neither the database nor HTTP, so every rule here is testable alone.

pub mod ids;
pub mod locale;
pub mod org;
pub mod policy;
pub mod role;
pub mod time_util;
pub mod tracking;
pub mod validate;

pub use ids::{ApiTokenId, AuditId, OrgId, OutboxId, SessionId, UserId};
pub use locale::Locale;
pub use org::OrgKind;
pub use policy::{Action, Decision, Denied, Principal, Resource};
pub use role::{Role, Roles};
pub use time_util::Timestamp;
pub use tracking::{ReportKind, TrackingNumber};
pub use validate::{FieldError, FieldErrors};

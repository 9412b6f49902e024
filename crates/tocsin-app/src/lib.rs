//! tocsin's application layer: every use case of the desk, with no HTTP.
//!
//! The server (HTTP pages, the JSON API, TAXII), the CLI and mail intake all call the
//! functions here with the [`App`] (storage, configuration, the desk's rules, the clock),
//! who acts ([`auth::CurrentUser`]) and from where ([`context::Ctx`]); they get typed
//! results or an [`error::AppError`], which the server maps to HTTP in one place.
//!
//! - [`service`]: the use cases, one module per desk (reports, vulnerabilities, phishing,
//!   intel and its bulk import, TAXII, points, referrals, feeds, mail intake).
//! - [`workers`]: the background jobs (mail outbox, clean-up, reminders, the IMAP poller
//!   in [`imap`]).
//! - [`mailer`] and [`i18n`]: mail composition in both languages.
//! - [`config`]: the configuration, read once at start.

pub mod archive;
pub mod auth;
pub mod config;
pub mod context;
pub mod engines;
pub mod error;
pub mod i18n;
pub mod imap;
pub mod mailer;
pub mod metrics;
pub mod sealed;
pub mod service;
pub mod state;
pub mod workers;

pub use config::Config;
pub use context::Ctx;
pub use error::AppError;
pub use state::App;

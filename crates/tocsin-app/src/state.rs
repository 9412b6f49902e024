//! The application: storage, configuration, the desk's rules and the clock, passed
//! explicitly to every use case; no globals.

use std::sync::Arc;

use tocsin_domain::Clock;
use tocsin_storage::Store;

use crate::config::{Config, ConfigError, DeskRules};
use crate::metrics::Metrics;
use crate::service::matching::Matcher;

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct App {
    /// Storage.
    pub store: Store,
    /// Configuration.
    pub config: Arc<Config>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// The desk's calendar, SLA targets and task templates.
    pub desk: Arc<DeskRules>,
    /// The product's clock: the store's, so what is written and what is decided agree.
    pub clock: Clock,
    /// The group commit of report intake (`service::intake`): one writer per App.
    pub intake: Arc<crate::service::intake::IntakeWriter>,
    /// The in-memory indicator index of IOC matching (`service::matching`).
    pub matcher: Arc<Matcher>,
    /// Virus Check's engines and key of files at rest (`service::virus`).
    pub virus: Arc<crate::service::virus::Scanner>,
    /// Signs CSAF documents (`.asc`) with the desk's OpenPGP key (`service::pgp`); `None`
    /// when the desk has no key.
    pub csaf_signer: Option<crate::service::csaf::Signer>,
    /// The desk's OpenPGP key (`[pgp]`), read and unlocked once at start; none configured:
    /// nothing is signed or decrypted.
    pub pgp: Option<Arc<tocsin_pgp::DeskKey>>,
}

impl App {
    /// Builds the state; fails only on configuration that [`Config::finish`] would refuse.
    pub fn new(store: Store, config: Config) -> Result<Self, ConfigError> {
        let desk = DeskRules::from_config(&config)?;
        let virus = Arc::new(crate::service::virus::Scanner::from_config(&config, &store));
        let pgp = crate::service::pgp::load_desk_key(&config.pgp)?.map(Arc::new);
        // The desk's key signs its CSAF documents too.
        let csaf_signer = pgp.clone().map(|key| {
            Arc::new(crate::service::pgp::CsafSigner::new(
                key,
                store.clock().clone(),
                &config.public_url,
            )) as crate::service::csaf::Signer
        });
        Ok(App {
            clock: store.clock().clone(),
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            desk: Arc::new(desk),
            intake: Default::default(),
            matcher: Arc::new(Matcher::default()),
            virus,
            csaf_signer,
            pgp,
        })
    }

    /// The same state with a signer of CSAF documents.
    pub fn with_csaf_signer(mut self, signer: crate::service::csaf::Signer) -> Self {
        self.csaf_signer = Some(signer);
        self
    }

    /// Now, by the product's clock.
    pub fn now(&self) -> tocsin_domain::Timestamp {
        self.clock.now()
    }

    /// Today's date in the desk's time zone (`calendar.time_zone`), never UTC's.
    pub fn today(&self) -> jiff::civil::Date {
        self.day_of(self.now())
    }

    /// `at` as the desk's wall-clock minute, `YYYY-MM-DDTHH:MM` in `calendar.time_zone`:
    /// the form the report forms take, with that zone's name beside it.
    pub fn local_minute(&self, at: tocsin_domain::Timestamp) -> String {
        let t = self
            .desk
            .calendar
            .time_zone()
            .to_datetime(tocsin_domain::zone::to_jiff(at));
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute()
        )
    }

    /// The desk's calendar date of `at`: the day, month and year a Taipei desk calls it.
    pub fn day_of(&self, at: tocsin_domain::Timestamp) -> jiff::civil::Date {
        tocsin_domain::clock::day_of(at, self.desk.calendar.time_zone())
    }
}

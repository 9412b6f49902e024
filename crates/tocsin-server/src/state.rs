//! The application state passed to every handler: explicit, no globals.

use std::sync::Arc;

use tocsin_storage::Store;

use crate::config::{Config, ConfigError, DeskRules};
use crate::metrics::Metrics;

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Store,
    /// Configuration.
    pub config: Arc<Config>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// The desk's calendar, SLA targets and task templates.
    pub desk: Arc<DeskRules>,
}

impl AppState {
    /// Builds the state; fails only on configuration that [`Config::finish`] would refuse.
    pub fn new(store: Store, config: Config) -> Result<Self, ConfigError> {
        let desk = DeskRules::from_config(&config)?;
        Ok(AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            desk: Arc::new(desk),
        })
    }
}

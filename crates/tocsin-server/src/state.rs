//! The application state passed to every handler: explicit, no globals.

use std::sync::Arc;

use tocsin_storage::Store;

use crate::config::Config;
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
}

impl AppState {
    /// Builds the state.
    pub fn new(store: Store, config: Config) -> Self {
        AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }
}

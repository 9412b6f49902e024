//! The router's state: the [`App`], behind a type of the server's own so that the
//! server's extractors (the signed-in user, the request context) can be defined for it.

use std::ops::Deref;

use tocsin_app::App;
use tocsin_app::config::{Config, ConfigError};
use tocsin_storage::Store;

/// The application as the router holds it; derefs to [`App`], cheap to clone.
#[derive(Clone)]
pub struct AppState(pub App);

impl AppState {
    /// Builds the state; fails only on configuration that [`Config::finish`] would refuse.
    pub fn new(store: Store, config: Config) -> Result<Self, ConfigError> {
        App::new(store, config).map(AppState)
    }
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

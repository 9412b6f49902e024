//! Column types the tables share.

use serde::{Deserialize, Serialize};
use tocsin_domain::Timestamp;

/// An optional timestamp column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OptTime(pub Option<Timestamp>);

impl OptTime {
    /// The stored form.
    pub fn micros(self) -> Option<i64> {
        self.0.map(Timestamp::micros)
    }
}

impl From<Option<i64>> for OptTime {
    fn from(v: Option<i64>) -> Self {
        OptTime(v.map(Timestamp::from_micros))
    }
}

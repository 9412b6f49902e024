//! The storage conformance suite: every test runs on SQLite and on PostgreSQL.

mod audit;
mod basics;
mod cna;
mod export;
mod idempotency;
mod intel;
mod mail_intake;
mod outbox;
mod pgp_keys;
mod phishing;
mod points;
mod referral;
mod reports;
mod taxii;
mod tracking;
mod yara;

use tocsin_storage::Engine;
use tocsin_storage::testing::TestStore;

/// Stamps one async test body `async fn NAME(store: TestStore)` into a SQLite and a
/// PostgreSQL test.
#[macro_export]
macro_rules! both_engines {
    ($(async fn $name:ident($s:ident: TestStore) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($s: tocsin_storage::testing::TestStore) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let s = $crate::store(tocsin_storage::Engine::Sqlite).await.expect("sqlite");
                body(s).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(s) = $crate::store(tocsin_storage::Engine::Postgres).await {
                    body(s).await
                }
            }
        }
    )*};
}

/// A fresh store on `engine` (None: PostgreSQL unavailable outside CI).
pub async fn store(engine: Engine) -> Option<TestStore> {
    TestStore::new(engine).await
}

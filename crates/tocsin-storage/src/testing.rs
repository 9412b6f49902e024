//! Throw-away stores for tests, on both engines. Every storage test runs on both: see
//! the `both_engines!` macro in the integration tests.
//!
//! PostgreSQL: `TOCSIN_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! each store gets its own schema. Where no server answers, tests on PostgreSQL fail under
//! `CI` and are skipped with a loud notice on a developer's machine.

use std::str::FromStr;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use crate::{Engine, Store};

/// The PostgreSQL URL tests use.
pub fn postgres_url() -> String {
    std::env::var("TOCSIN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A migrated store for a test, plus what is needed to clean it up.
pub struct TestStore {
    /// The store.
    pub store: Store,
    /// The database URL another process (e.g. a spawned server) can open.
    pub url: String,
    sqlite_path: Option<std::path::PathBuf>,
}

impl TestStore {
    /// A fresh migrated store on `engine`; `None` only when PostgreSQL is unavailable
    /// outside CI (a notice is printed).
    pub async fn new(engine: Engine) -> Option<TestStore> {
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir()
                    .join(format!("tocsin-test-{}", uuid::Uuid::now_v7().simple()));
                let path = dir.join("tocsin.db");
                let path_s = path.to_string_lossy().to_string();
                let store = Store::open_sqlite(&path_s).await.expect("open sqlite");
                store.migrate().await.expect("migrate sqlite");
                Some(TestStore {
                    store,
                    url: format!("sqlite:{path_s}"),
                    sqlite_path: Some(dir),
                })
            }
            Engine::Postgres => Self::postgres_at(&postgres_url()).await,
        }
    }

    /// A fresh migrated store in a throw-away schema of the PostgreSQL database at `base`
    /// (schemas of runs older than an hour are dropped); `None` as for [`TestStore::new`].
    pub async fn postgres_at(base: &str) -> Option<TestStore> {
        let base = base.to_string();
        let mut conn = match PgConnection::connect(&base).await {
            Ok(c) => c,
            Err(e) => {
                if std::env::var_os("CI").is_some() {
                    panic!("PostgreSQL is required in CI but {base} is unreachable: {e}");
                }
                eprintln!(
                    "\n!!! SKIPPING a PostgreSQL test: {base} is unreachable ({e}).\n!!! CI will run it; start PostgreSQL to run it here.\n"
                );
                return None;
            }
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        drop_stale_schemas(&mut conn, now).await;
        let schema = format!(
            "tocsin_t_{now}_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await
            .expect("create schema");
        let opts = PgConnectOptions::from_str(&base)
            .expect("postgres url")
            .options([("search_path", schema.as_str())]);
        let store = Store::open_postgres(opts).await.expect("open postgres");
        store.migrate().await.expect("migrate postgres");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        Some(TestStore {
            store,
            url,
            sqlite_path: None,
        })
    }
}

impl TestStore {
    /// Runs raw SQL, for tests that check what the database itself refuses.
    pub async fn store_exec(&self, sql: &'static str) -> crate::Result<u64> {
        Ok(dispatch!(pool self.store, c => {
            sqlx::query(sql).execute(c).await?.rows_affected()
        }))
    }

    /// The one integer a raw query answers (a count, a setting), for tests that check the
    /// database itself.
    pub async fn store_i64(&self, sql: &'static str) -> crate::Result<i64> {
        Ok(dispatch!(pool self.store, c => {
            sqlx::query_scalar::<_, i64>(sql).fetch_one(c).await?
        }))
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_path {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Schemas of earlier test runs older than an hour are dropped, so the shared database
/// does not fill up with leftovers of crashed tests.
async fn drop_stale_schemas(conn: &mut PgConnection, now: u64) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'tocsin\\_t\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    for n in names {
        let ts = n
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        if ts + 3600 < now {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {n} CASCADE"
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}

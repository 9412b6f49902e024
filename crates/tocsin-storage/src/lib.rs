//! tocsin's storage: one API over two engines.
//!
//! SQLite (embedded, the default: WAL, foreign keys, busy timeout, `synchronous=FULL`,
//! temporary files in memory, `BEGIN IMMEDIATE` for write transactions) and PostgreSQL
//! (for several instances). Each engine has its own migration folder with the same version
//! numbers; both are applied at start. Most SQL is one string for both engines (sqlx's SQLite driver accepts `$n`
//! placeholders); the [`dispatch!`] macro runs the same code on either pool or transaction.
//!
//! Conventions: ids are UUIDv7; times are BIGINT microseconds since the epoch (UTC), so
//! both engines hold exactly the same values and export → import is lossless.
//!
//! # Modules
//!
//! One API, two engines. `Store` holds a SQLite or PostgreSQL pool; `Tx` a write transaction
//! (`BEGIN IMMEDIATE` on SQLite). The `dispatch!` macro runs one body on either engine, so
//! most SQL is written once with `$n` placeholders; where dialects differ (the outbox claim:
//! `FOR UPDATE SKIP LOCKED`) there are two strings side by side. Modules by table:
//! `orgs`, `users`, `sessions`, `tokens`, `throttle`, `audit`, `outbox`, `tracking`,
//! `setup` (one-time setup and set-password tokens), `claims` (one-time links claiming a
//! report filed signed out), `reports` (reports, their events with a visibility,
//! attachments, SOP tasks, surveys, the queue filter; a queue page is SQL of only the
//! filters given, one index range per asked state, from a keyset cursor `ReportCursor`,
//! over the indexes of migration 0023 ending in (reported_at, id)), `phishing` (URL cases linked to
//! reports, abuse contacts, RDAP cache), `cna` (coordination cases and the CVE id
//! pool; an id is assigned at most once, tested under concurrency on both engines), `csaf`
//! (CSAF settings of a case, its released revisions with the documents as served, imported
//! advisories with their CVE ids and products for search; migration 0033), `intel`
//! (sharing groups and members, records with their audiences, deliveries and indicators;
//! full-text search as FTS5 over CJK tokens on SQLite and a `text[]` with a GIN index on
//! PostgreSQL; on SQLite indicator values are found through a second FTS5 index (one row a
//! record, the hex of each value's first 48 bytes as tokens, confirmed exactly) rather than a
//! b-tree on random values that every import batch would dirty all over — migration 0011
//! says why; for the same reason SQLite dropped a wide b-tree by (status, publication time,
//! id), which its listing never used — migration 0012; the listing walks one narrow index by (publication time,
//! seq) newest first and stops at the page's end, keyset pages starting from a cursor
//! (`IntelCursor`), and on SQLite a search with few hits reads and sorts them instead —
//! migration 0020; bulk batches reach PostgreSQL by COPY, the indicators through a staging
//! table; the policy's listing scope as SQL), `mail_intake` (inbound messages),
//! `points` (accounts with a cached balance checked against the ledger, the append-only
//! ledger with a unique idempotency key, catalog items, redemptions held by conditional
//! updates so no balance or stock goes below zero — 100 concurrent redemptions tested on
//! both engines — and the leaderboard), `referral` (referrals and firms' acceptances, each
//! backed by one approved assistance redemption), `idempotency` (the report forms' and the
//! API's idempotency keys, hashed with the content and claimed by primary key in the
//! report's transaction, purged after a day; transient, not exported), `taxii` (STIX object versions per
//! collection, each stored once, serialised, and linked to the intel records that govern
//! it, paged by a `(date_added, id)` cursor on one index, `date_added` distinct and
//! increasing per collection; the rows a caller sees are filtered by the very
//! scope clause of the intel listing; on PostgreSQL a page's transaction rules out sorting
//! so that a deep page walks the index too, and sessions run with JIT off), `export`
//! (export/import of all durable data), `matching` (what the IOC matcher's in-memory index
//! reads: every record's access columns, audiences and indicators, or those changed since), `virus` (Virus Check: files by hash with their scan results, and uploads, which are the scan queue claimed with a lease), `membership` (applications from `/join` with
//! their hashed one-time confirmation links, organizations' sign-up profiles, alliance members
//! with RFC 2350 team profiles, the ISACs and their sharing groups; decisions are conditional
//! updates; not exported yet), `pgp_keys` (the OpenPGP keys users upload), `teams` (the directory of other CSIRTs and the desk's threads with them about a case: forwards and requests, their state, the team's ticket number and Message-IDs; not yet in the export). `testing.rs` (feature `test-support`) makes throw-away stores on both engines.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use tocsin_domain::{Clock, Timestamp};

/// Runs one body against whichever engine `$src` holds. `$src` is a `Store` (`pool`), or
/// a `Tx` (`tx`); `$c` is bound to an executor of the engine's type.
macro_rules! dispatch {
    (pool $src:expr, $c:ident => $body:expr) => {
        match &$src.pool {
            crate::Pool::Sqlite($c) => $body,
            crate::Pool::Postgres($c) => $body,
        }
    };
    (tx $src:expr, $c:ident => $body:expr) => {
        match &mut $src.0 {
            crate::TxInner::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            crate::TxInner::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Inserts `$rows` (a slice) into a table with multi-row `INSERT … VALUES` statements:
/// `$head` is the statement up to `VALUES`, `$cols` the number of columns, and the
/// closure-like tail binds one row's values to the query `$q`. Batches of the group
/// commit go in chunks of a few fixed sizes ([`bulk::chunks`]), so each engine prepares a
/// handful of statements per table rather than one per batch size.
macro_rules! insert_rows {
    ($tx:expr, $head:expr, $cols:expr, $rows:expr, |$q:ident, $r:ident| $bind:expr) => {{
        let rows = $rows;
        for range in crate::bulk::chunks(rows.len()) {
            let sql = crate::bulk::values_sql($head, $cols, range.len());
            dispatch!(tx $tx, c => {
                let mut $q = sqlx::query(sql);
                for $r in &rows[range.clone()] {
                    $q = $bind;
                }
                $q.execute(&mut *c).await?;
            });
        }
    }};
}

pub mod audit;
mod bulk;
pub mod claims;
pub mod cna;
pub mod columns;
pub mod csaf;
pub mod export;
pub mod idempotency;
pub mod intel;
pub mod mail_intake;
pub mod matching;
pub mod membership;
pub mod newsletter;
pub mod orgs;
pub mod outbox;
pub mod pgp_keys;
pub mod phishing;
pub mod points;
pub mod referral;
pub mod reports;
pub mod scope;
pub mod sessions;
pub mod setup;
pub mod taxii;
pub mod teams;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod throttle;
pub mod tokens;
pub mod tracking;
pub mod users;
pub mod virus;
pub mod yara;

pub use audit::{AuditEntry, AuditFilter, NewAuditEntry};
pub use cna::{CveIdRow, VulnCase};
pub use idempotency::IdempotentReport;
pub use intel::{
    AudienceKind, AudienceRow, Delivery, GroupForOrg, GroupMember, IntelCursor, IntelFilter,
    IntelPage, IntelRow, NewIntel, ObservableRow, SharingGroup,
};
pub use mail_intake::{InboundDelivery, InboundMail};
pub use membership::{AllianceMember, Isac, OrgApplication, OrgProfile};
pub use newsletter::{BounceOutcome, Issue, IssueCounts, MonthCounts, Subscriber};
pub use orgs::{NewOrganization, Organization};
pub use outbox::{ClaimedMail, NewMail, OutboxRow, OutboxStatus};
pub use pgp_keys::UserPgpKey;
pub use phishing::{AbuseContact, NewPhishUrl, PhishUrlRow};
pub use points::{
    HoldRefused, Holder, LeaderRow, NewEntry, PointsAccount, PointsEntry, PointsItem, Redemption,
};
pub use referral::{Referral, ReferralResponse, ResponseView};
pub use reports::{
    AttachmentMeta, AttachmentRow, NewAttachment, NewEvent, NewReport, Report, ReportCursor,
    ReportEvent, ReportFilter, ReportPage, ReportTask, Survey, SurveyAnswer, SurveyMonth,
    Visibility,
};
pub use teams::{TeamRow, TeamThread};
pub use tokens::ApiToken;
pub use users::{NewUser, User};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database URL is not one tocsin understands.
    #[error("unsupported database URL (use sqlite:PATH or postgres://…): {0}")]
    BadUrl(String),
    /// A uniqueness rule was broken (e.g. a second organization with the same name).
    #[error("already exists: {0}")]
    Conflict(String),
    /// A referenced record does not exist.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// A stored value could not be read back.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// An import file that is not a tocsin export of this version.
    #[error("import: {0}")]
    Import(String),
    /// Migration failure.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database cannot be reached now; the caller may try again later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Any other database error.
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e
            && d.is_unique_violation()
        {
            return StorageError::Conflict(d.message().to_string());
        }
        if is_unavailable(&e) {
            return StorageError::Unavailable(e.to_string());
        }
        StorageError::Db(e)
    }
}

/// Whether an error says the database cannot be reached now (stopped, restarting, every
/// connection busy beyond the acquire timeout) rather than that the request was wrong.
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
        // PostgreSQL's connection exceptions (08…) and operator intervention (57P…:
        // shutting down, cannot connect now).
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

/// How a store connects: one place for the pool's waiting rules.
#[derive(Clone, Copy, Debug)]
pub struct ConnectOptions {
    /// The longest a request waits for a connection (or SQLite's write turn) before it is
    /// answered "unavailable, try again": a stopped database fails fast, not after 30 s.
    pub acquire_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            acquire_timeout: Duration::from_secs(2),
        }
    }
}

/// Result type of this crate.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Which engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The storage handle: cheap to clone, shared by the server, the workers and the CLI.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    /// SQLite has one writer at a time. Queueing writers here, in order, instead of in
    /// SQLite's busy handler (which sleeps and retries) keeps latency flat under load.
    write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// How long a writer waits for its turn (SQLite) before the store says unavailable.
    acquire_timeout: Duration,
    /// Where every time this crate writes comes from (storage never reads the machine's
    /// clock: a test sets the hour).
    clock: Clock,
}

/// A write transaction on either engine. Dropped without [`Tx::commit`], it rolls back.
/// Every time it writes is the one it began at ([`Tx::now`]), so the rows of one change
/// agree on when it happened.
pub struct Tx(
    pub(crate) TxInner,
    // Held only to be dropped after the commit or rollback.
    #[allow(dead_code)] Option<tokio::sync::OwnedMutexGuard<()>>,
    Timestamp,
);

pub(crate) enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The schema version this build expects: the highest migration version.
pub fn schema_version() -> i64 {
    SQLITE_MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The migration versions of each engine, for the test that they never diverge.
pub fn migration_versions() -> (Vec<i64>, Vec<i64>) {
    (
        SQLITE_MIGRATOR.iter().map(|m| m.version).collect(),
        POSTGRES_MIGRATOR.iter().map(|m| m.version).collect(),
    )
}

impl Store {
    /// Opens a store from a URL: `sqlite:PATH` (the file and its folder are created) or
    /// `postgres://…`. Does not migrate; call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Store> {
        Self::connect_with(url, ConnectOptions::default()).await
    }

    /// [`Store::connect`] with explicit waiting rules.
    pub async fn connect_with(url: &str, options: ConnectOptions) -> Result<Store> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Self::open_sqlite_with(path, options).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            Self::open_postgres_with(opts, options).await
        } else {
            Err(StorageError::BadUrl(url.to_string()))
        }
    }

    /// Opens (creating if needed) a SQLite database file with tocsin's settings.
    pub async fn open_sqlite(path: &str) -> Result<Store> {
        Self::open_sqlite_with(path, ConnectOptions::default()).await
    }

    /// [`Store::open_sqlite`] with explicit waiting rules.
    pub async fn open_sqlite_with(path: &str, options: ConnectOptions) -> Result<Store> {
        if let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| StorageError::Db(sqlx::Error::Io(e)))?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before we acknowledge it, even across power loss.
            .synchronous(SqliteSynchronous::Full)
            // 16 KiB pages (for a database created here; an existing one keeps its own):
            // a bulk import's batches and a TAXII page's range scan touch a quarter as
            // many pages as with 4 KiB (intel import measured about 18,000 records/s
            // before, about 20,000 after, on a noisy 2-core machine).
            .page_size(16384)
            .foreign_keys(true)
            // Temporary files in memory: above all the statement journals, which let a
            // multi-row INSERT that fails halfway be undone within its transaction. They
            // never need to outlive the process (after a crash the transaction is not
            // committed anyway), yet on disk they took more writes than the WAL itself:
            // 276 MiB beside the WAL's 187 MiB for an import of 50,000 intel records.
            .pragma("temp_store", "MEMORY")
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(opts)
            .await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
            write_lock: Default::default(),
            acquire_timeout: options.acquire_timeout,
            clock: Clock::system(),
        })
    }

    /// Opens a PostgreSQL pool, with JIT compilation off for its sessions.
    pub async fn open_postgres(opts: PgConnectOptions) -> Result<Store> {
        Self::open_postgres_with(opts, ConnectOptions::default()).await
    }

    /// [`Store::open_postgres`] with explicit waiting rules.
    pub async fn open_postgres_with(
        opts: PgConnectOptions,
        options: ConnectOptions,
    ) -> Result<Store> {
        // JIT pays off for long analytic queries only. A TAXII page is a LIMIT over an
        // index scan whose estimated cost (the whole collection) passes the JIT
        // threshold: measured at 200,000 objects, compiling took 50-360 ms of a page
        // whose execution takes 2 ms.
        let opts = opts.options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(opts)
            .await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
            write_lock: Default::default(),
            acquire_timeout: options.acquire_timeout,
            clock: Clock::system(),
        })
    }

    /// This store with `clock` as the source of every time it writes (the system clock
    /// unless set). Clones of the result share it.
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The clock this store writes times from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Now, by this store's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Which engine this store runs on.
    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies pending migrations. On PostgreSQL the migrator holds an advisory lock, so
    /// several instances may start at once.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATOR.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATOR.run(p).await?,
        }
        Ok(())
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so it waits for the write
    /// lock up front instead of failing when it upgrades).
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let guard = tokio::time::timeout(
                    self.acquire_timeout,
                    self.write_lock.clone().lock_owned(),
                )
                .await
                .map_err(|_| {
                    StorageError::Unavailable("no write turn within the timeout".into())
                })?;
                let inner = TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?);
                // Read after the write lock: transactions' times follow their commit order.
                Tx(inner, Some(guard), self.clock.now())
            }
            Pool::Postgres(p) => Tx(TxInner::Postgres(p.begin().await?), None, self.clock.now()),
        })
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// Writes a consistent copy of a SQLite database to `dest` while the server runs
    /// (`VACUUM INTO`). PostgreSQL deployments use `pg_dump` instead.
    pub async fn backup_sqlite(&self, dest: &str) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query("VACUUM INTO $1").bind(dest).execute(p).await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StorageError::BadUrl(
                "backup of PostgreSQL: use pg_dump".to_string(),
            )),
        }
    }

    /// Refreshes the query planner's statistics of the intel tables and the reports now
    /// (PostgreSQL's ANALYZE; autovacuum does it too, some time after a bulk load).
    /// SQLite's listings name their indexes or match them by equality and need none.
    pub async fn analyze(&self) -> Result<()> {
        if let Pool::Postgres(p) = &self.pool {
            sqlx::query("ANALYZE intel_records, intel_observables, intel_audience, reports")
                .execute(p)
                .await?;
        }
        Ok(())
    }

    /// A cheap liveness check of the database.
    pub async fn ping(&self) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("SELECT 1").execute(c).await?;
        });
        Ok(())
    }
}

impl Tx {
    /// When this transaction began, by its store's clock: the time of everything it writes.
    pub fn now(&self) -> Timestamp {
        self.2
    }

    /// Commits: once this returns, the writes are durable.
    pub async fn commit(self) -> Result<()> {
        // The write lock (field 1) is released when `self` is dropped, after the commit.
        match self.0 {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Rolls back explicitly.
    pub async fn rollback(self) -> Result<()> {
        match self.0 {
            TxInner::Sqlite(t) => t.rollback().await?,
            TxInner::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// Reads a uuid column into a typed id.
pub(crate) fn corrupt(what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(what.to_string())
}

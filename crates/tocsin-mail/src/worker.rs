//! The outbox worker: claims due messages with a lease, delivers them and records the
//! outcome, with exponential backoff between attempts.
//!
//! Any number of workers, on any number of instances, may run against one database: the
//! claim is a single atomic update, so a message is handed to one worker at a time, and a
//! worker that dies leaves its message to be claimed again when the lease runs out.
//!
//! An instance that restarts need not wait for that: given a stable id
//! ([`instance_worker_id`], or one configured), [`OutboxWorker::run`] first releases the
//! leases that id still holds, so the mail the dead process had claimed goes out at once.
//! A message sent just before a crash, but not yet recorded, is then sent a second time
//! with the same bytes and so the same Message-ID, which receivers deduplicate on.

use std::path::Path;
use std::time::Duration;

use tocsin_storage::{ClaimedMail, StorageError, Store};
use tokio::sync::watch;
use uuid::Uuid;

use crate::transport::{DeliveryError, Transport};

/// Longest wait between two attempts.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(6 * 60 * 60);

/// Delivers the outbox. Build it with [`OutboxWorker::new`], adjust it with the `with_…`
/// methods, then call [`OutboxWorker::run`] (or [`OutboxWorker::run_once`]).
#[derive(Debug)]
pub struct OutboxWorker {
    store: Store,
    transport: Transport,
    worker_id: String,
    lease: Duration,
    max_attempts: i32,
    interval: Duration,
}

impl OutboxWorker {
    /// A worker with a fresh id ([`default_worker_id`]), a 5 minute lease, 8 attempts per
    /// message and a 2 second polling interval.
    pub fn new(store: Store, transport: Transport) -> Self {
        OutboxWorker {
            store,
            transport,
            worker_id: default_worker_id(),
            lease: Duration::from_secs(5 * 60),
            max_attempts: 8,
            interval: Duration::from_secs(2),
        }
    }

    /// Sets the id recorded in the rows this worker holds; it must be unique among the
    /// workers running at the same time. A stable id (the same after a restart, see
    /// [`instance_worker_id`]) lets [`OutboxWorker::run`] take back what the previous
    /// process held instead of waiting for its leases to end.
    pub fn with_worker_id(mut self, worker_id: impl Into<String>) -> Self {
        self.worker_id = worker_id.into();
        self
    }

    /// Sets how long a claimed message stays reserved (clamped to 1 s … 24 h). A delivery
    /// is abandoned as a temporary failure after half the lease, so that it always ends
    /// before another worker may claim the message.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease.clamp(Duration::from_secs(1), Duration::from_secs(24 * 60 * 60));
        self
    }

    /// Sets the number of attempts after which a message is marked failed (at least 1).
    pub fn with_max_attempts(mut self, max_attempts: i32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the pause of [`OutboxWorker::run`] between two passes over the outbox.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// This worker's id.
    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    /// Claims and delivers due messages one by one until none is due, and returns how many
    /// it attempted (delivered or not). Messages that fail temporarily are due again only
    /// after their backoff, so this always ends. Stops at the first storage error; the
    /// message then being handled is claimed again when its lease runs out.
    pub async fn run_once(&self) -> Result<usize, StorageError> {
        self.drain(None).await
    }

    /// Ends the leases this worker's id still holds (left by a previous process with the
    /// same id that died), so those messages are due at once; returns how many.
    pub async fn release_own_leases(&self) -> Result<u64, StorageError> {
        let released = self
            .store
            .release_mail_leases(&self.worker_id, self.store.now())
            .await?;
        if released > 0 {
            tracing::warn!(
                worker = %self.worker_id, messages = released,
                "released leases left by a previous run; a message sent just before it ended may go out twice"
            );
        }
        Ok(released)
    }

    /// Releases this worker's own leases ([`OutboxWorker::release_own_leases`]), then runs
    /// [`OutboxWorker::run_once`] every interval until `shutdown` turns true (or its
    /// sender is dropped), logging errors instead of stopping. A shutdown is noticed
    /// between two messages, never in the middle of a delivery.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.worker_id, "outbox worker started");
        // Before the first claim: otherwise our own old claims would wait out their lease.
        if let Err(e) = self.release_own_leases().await {
            tracing::error!(worker = %self.worker_id, error = %e, "outbox worker: releasing old leases failed");
        }
        loop {
            if *shutdown.borrow_and_update() {
                break;
            }
            match self.drain(Some(&shutdown)).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(worker = %self.worker_id, messages = n, "outbox pass"),
                Err(e) => {
                    tracing::error!(worker = %self.worker_id, error = %e, "outbox worker: storage error")
                }
            }
            tokio::select! {
                () = tokio::time::sleep(self.interval) => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
        tracing::info!(worker = %self.worker_id, "outbox worker stopped");
    }

    async fn drain(&self, stop: Option<&watch::Receiver<bool>>) -> Result<usize, StorageError> {
        let lease = to_time(self.lease);
        let mut handled = 0;
        loop {
            if stop.is_some_and(|s| *s.borrow()) {
                break;
            }
            let now = self.store.now();
            let Some(mail) = self
                .store
                .claim_mail(&self.worker_id, now, now.plus(lease))
                .await?
            else {
                break;
            };
            handled += 1;
            self.attempt(mail).await?;
        }
        Ok(handled)
    }

    async fn attempt(&self, mail: ClaimedMail) -> Result<(), StorageError> {
        let outcome =
            match tokio::time::timeout(self.lease / 2, self.transport.deliver(&mail)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(DeliveryError::Temporary(format!(
                    "delivery did not finish within {} s",
                    (self.lease / 2).as_secs()
                ))),
            };
        match outcome {
            // The server accepted (or the file is in place): record that before anything
            // else, so a crash from here on re-sends at most this one message.
            Ok(()) => self.record_sent(&mail).await,
            Err(error) => {
                let give_up = error.is_permanent() || mail.attempts >= self.max_attempts;
                let now = self.store.now();
                let retry_at = (!give_up).then(|| now.plus(to_time(retry_delay(mail.attempts))));
                match retry_at {
                    Some(at) => tracing::warn!(
                        worker = %self.worker_id, outbox_id = %mail.id, attempts = mail.attempts,
                        retry_at = %at, error = %error, "mail delivery failed; will retry"
                    ),
                    None => tracing::error!(
                        worker = %self.worker_id, outbox_id = %mail.id, attempts = mail.attempts,
                        error = %error, "mail delivery failed; giving up"
                    ),
                }
                self.store
                    .mark_mail_failed(mail.id, &self.worker_id, &error.to_string(), retry_at)
                    .await
            }
        }
    }

    /// Records a delivery. The message is already out, so a storage error here is retried
    /// a few times before it is returned: an unrecorded delivery is sent again later.
    async fn record_sent(&self, mail: &ClaimedMail) -> Result<(), StorageError> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self
                .store
                .mark_mail_sent(mail.id, &self.worker_id, self.store.now())
                .await
            {
                Ok(true) => {
                    tracing::info!(worker = %self.worker_id, outbox_id = %mail.id, attempts = mail.attempts, "mail delivered");
                    return Ok(());
                }
                Ok(false) => {
                    tracing::warn!(
                        worker = %self.worker_id, outbox_id = %mail.id,
                        "mail delivered, but this worker's lease had ended; it may be sent twice"
                    );
                    return Ok(());
                }
                Err(e) if tries < 3 => {
                    tracing::warn!(worker = %self.worker_id, outbox_id = %mail.id, error = %e, "recording a delivery failed; retrying");
                    tokio::time::sleep(Duration::from_millis(250 * tries)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// The wait before the next attempt after `attempts` failed ones: 1 minute × 2^(attempts−1),
/// at most 6 hours.
pub fn retry_delay(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
    Duration::from_secs(60u64 << doublings).min(MAX_RETRY_DELAY)
}

/// A worker id unique among running workers: `hostname-pid-random`.
pub fn default_worker_id() -> String {
    let host = host_name();
    let random = Uuid::new_v4().simple().to_string();
    format!("{host}-{}-{}", std::process::id(), &random[..8])
}

/// A worker id that stays the same across restarts of one instance:
/// `<hostname>-<hash of data_dir>`, the hash being 16 hex digits of FNV-1a over the
/// absolute path of `data_dir`. One server with SQLite keeps its id for as long as its host
/// name and folder stay; several instances on one PostgreSQL get different ids as long as
/// no two of them share both host name and data folder (give each its own
/// `mail.instance_id` otherwise, e.g. containers whose host name changes on every start).
pub fn instance_worker_id(data_dir: &Path) -> String {
    // The folder may not exist yet; an absolute path is stable enough either way.
    let path = std::fs::canonicalize(data_dir)
        .or_else(|_| std::path::absolute(data_dir))
        .unwrap_or_else(|_| data_dir.to_owned());
    // FNV-1a, spelled out: std's hasher may change between Rust releases, and the id must not.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.as_os_str().as_encoded_bytes() {
        hash = (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{}-{hash:016x}", host_name())
}

/// This machine's host name, or `localhost` when it has none usable.
fn host_name() -> String {
    hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// A bounded standard duration as a `time` duration.
fn to_time(d: Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MINUTE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(retry_delay(1), Duration::from_secs(60));
        assert_eq!(retry_delay(2), Duration::from_secs(120));
        assert_eq!(retry_delay(3), Duration::from_secs(240));
        assert_eq!(retry_delay(9), Duration::from_secs(256 * 60));
        assert_eq!(retry_delay(10), Duration::from_secs(6 * 3600));
        assert_eq!(retry_delay(i32::MAX), Duration::from_secs(6 * 3600));
        assert_eq!(retry_delay(0), Duration::from_secs(60));
        assert_eq!(retry_delay(-5), Duration::from_secs(60));
    }

    #[test]
    fn instance_ids_are_stable_per_folder() {
        let a = instance_worker_id(Path::new("data"));
        assert_eq!(a, instance_worker_id(Path::new("data")));
        assert_ne!(a, instance_worker_id(Path::new("other-data")));
        assert!(a.starts_with(&host_name()));
    }

    #[test]
    fn worker_ids_differ() {
        let a = default_worker_id();
        assert_ne!(a, default_worker_id());
        assert!(a.contains(&format!("-{}-", std::process::id())));
    }
}

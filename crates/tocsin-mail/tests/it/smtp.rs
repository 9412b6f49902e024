//! The outbox worker against a real SMTP conversation with the in-process sink.

use std::collections::HashMap;
use std::time::Duration;

use tocsin_domain::Timestamp;
use tocsin_mail::{OutboxWorker, SmtpSettings, TlsMode, Transport};
use tocsin_storage::{OutboxRow, OutboxStatus, Store};

use crate::sink::{Rcpt, Sink};
use crate::{TempStore, mail};

fn smtp(sink: &Sink) -> Transport {
    let mut settings = SmtpSettings::new("127.0.0.1", TlsMode::None);
    settings.port = sink.addr.port();
    settings.timeout = Duration::from_secs(10);
    Transport::Smtp(settings)
}

async fn row(store: &Store, id: tocsin_domain::OutboxId) -> anyhow::Result<OutboxRow> {
    store
        .get_outbox(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("outbox row {id} missing"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_message_is_delivered_once() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let sink = Sink::start(Rcpt::Accept).await?;
    let m = mail("reporter@example.org", "通報已收到 INC-2026-000001")?;
    let id = db.store.enqueue_mail(&m).await?;

    let worker = OutboxWorker::new(db.store.clone(), smtp(&sink));
    assert_eq!(worker.run_once().await?, 1);
    assert_eq!(worker.run_once().await?, 0);

    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "cert@cert.example");
    assert_eq!(received[0].to, ["reporter@example.org"]);
    assert!(
        received[0].data.starts_with(&m.message),
        "the stored bytes, unchanged"
    );
    let text = String::from_utf8(received[0].data.clone())?;
    assert!(text.contains(&format!("Message-ID: <{}>", m.message_id)));
    assert!(text.contains("Auto-Submitted: auto-generated"));

    let r = row(&db.store, id).await?;
    assert_eq!(r.status, OutboxStatus::Sent);
    assert_eq!(r.attempts, 1);
    assert!(r.sent_at.0.is_some(), "sent_at set");
    assert_eq!(r.last_error, None);
    assert_eq!(db.store.outbox_depth().await?, 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4xx_leaves_the_message_queued_for_later() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let sink = Sink::start(Rcpt::TempFail).await?;
    let id = db
        .store
        .enqueue_mail(&mail("busy@example.org", "retry me")?)
        .await?;

    let worker = OutboxWorker::new(db.store.clone(), smtp(&sink));
    let before = Timestamp::now();
    assert_eq!(worker.run_once().await?, 1);
    assert_eq!(
        worker.run_once().await?,
        0,
        "not due again before its backoff"
    );
    assert!(sink.received().is_empty());

    let r = row(&db.store, id).await?;
    assert_eq!(r.status, OutboxStatus::Queued);
    assert_eq!(r.attempts, 1);
    // First retry after one minute.
    assert!(r.next_attempt_at > Timestamp::now());
    assert!(r.next_attempt_at >= before.plus(time::Duration::seconds(59)));
    assert!(r.next_attempt_at <= Timestamp::now().plus(time::Duration::seconds(61)));
    let error = r.last_error.unwrap_or_default();
    assert!(error.contains("451"), "{error}");
    assert!(error.starts_with("temporary"), "{error}");
    assert_eq!(db.store.outbox_depth().await?, 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_fails_the_message() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let sink = Sink::start(Rcpt::PermFail).await?;
    let id = db
        .store
        .enqueue_mail(&mail("nobody@example.org", "bounce")?)
        .await?;

    let worker = OutboxWorker::new(db.store.clone(), smtp(&sink));
    assert_eq!(worker.run_once().await?, 1);
    assert!(sink.received().is_empty());

    let r = row(&db.store, id).await?;
    assert_eq!(r.status, OutboxStatus::Failed);
    assert_eq!(r.attempts, 1);
    let error = r.last_error.unwrap_or_default();
    assert!(error.contains("550"), "{error}");
    assert!(error.starts_with("permanent"), "{error}");
    assert_eq!(db.store.outbox_depth().await?, 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_attempt_fails_the_message() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let sink = Sink::start(Rcpt::TempFail).await?;
    let id = db
        .store
        .enqueue_mail(&mail("busy@example.org", "give up")?)
        .await?;

    let worker = OutboxWorker::new(db.store.clone(), smtp(&sink)).with_max_attempts(1);
    assert_eq!(worker.run_once().await?, 1);
    let r = row(&db.store, id).await?;
    assert_eq!(r.status, OutboxStatus::Failed);
    assert!(r.last_error.unwrap_or_default().contains("451"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_relay_is_temporary() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    // A port that was free a moment ago: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut settings = SmtpSettings::new("127.0.0.1", TlsMode::None);
    settings.port = port;
    settings.timeout = Duration::from_secs(5);
    let id = db
        .store
        .enqueue_mail(&mail("reporter@example.org", "later")?)
        .await?;

    let worker = OutboxWorker::new(db.store.clone(), Transport::Smtp(settings));
    assert_eq!(worker.run_once().await?, 1);
    let r = row(&db.store, id).await?;
    assert_eq!(r.status, OutboxStatus::Queued);
    assert_eq!(r.attempts, 1);
    assert!(r.next_attempt_at > Timestamp::now());
    assert!(r.last_error.is_some());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_deliver_each_message_exactly_once() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let sink = Sink::start(Rcpt::Accept).await?;
    let mut ids = Vec::new();
    for i in 0..20 {
        let m = mail(&format!("r{i}@example.org"), &format!("通報 {i}"))?;
        ids.push((db.store.enqueue_mail(&m).await?, m.message_id));
    }

    let a = OutboxWorker::new(db.store.clone(), smtp(&sink)).with_worker_id("worker-a");
    let b = OutboxWorker::new(db.store.clone(), smtp(&sink)).with_worker_id("worker-b");
    let (na, nb) = tokio::join!(
        tokio::spawn(async move { a.run_once().await }),
        tokio::spawn(async move { b.run_once().await }),
    );
    let (na, nb) = (na??, nb??);
    assert_eq!(na + nb, 20, "worker a took {na}, worker b took {nb}");

    // Each Message-ID arrived exactly once.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in sink.received() {
        let text = String::from_utf8(r.data)?;
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: <"))
            .and_then(|l| l.strip_suffix('>'))
            .ok_or_else(|| anyhow::anyhow!("no Message-ID"))?
            .to_owned();
        *seen.entry(id).or_default() += 1;
    }
    assert_eq!(seen.len(), 20);
    for (id, message_id) in &ids {
        assert_eq!(seen.get(message_id), Some(&1), "{message_id}");
        let r = row(&db.store, *id).await?;
        assert_eq!(r.status, OutboxStatus::Sent);
        assert_eq!(r.attempts, 1);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_delivers_until_shutdown() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let sink = Sink::start(Rcpt::Accept).await?;
    let worker =
        OutboxWorker::new(db.store.clone(), smtp(&sink)).with_interval(Duration::from_millis(50));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(worker.run(stopped));

    // Queued while the worker is already polling.
    let id = db
        .store
        .enqueue_mail(&mail("reporter@example.org", "live")?)
        .await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while row(&db.store, id).await?.status != OutboxStatus::Sent {
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "not delivered in time"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sink.received().len(), 1);

    stop.send(true)?;
    tokio::time::timeout(Duration::from_secs(5), task).await??;
    Ok(())
}

/// The Message-ID of `data`, without angle brackets.
fn message_id_of(data: &[u8]) -> anyhow::Result<String> {
    let text = String::from_utf8(data.to_vec())?;
    text.lines()
        .find_map(|l| l.strip_prefix("Message-ID: <"))
        .and_then(|l| l.strip_suffix('>'))
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no Message-ID"))
}

/// A crash between the server's acceptance and recording it: the restarted instance (same
/// id) releases its lease and sends at once, not after the lease; the second copy carries
/// the same Message-ID as the first, fixed in the stored bytes when it was queued, so the
/// receiver can drop it. Nothing is sent a third time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_after_a_crash_keeps_the_message_id() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let sink = Sink::start(Rcpt::Accept).await?;
    let m = mail("reporter@example.org", "通報 crash")?;
    let id = db.store.enqueue_mail(&m).await?;
    assert_eq!(
        message_id_of(&m.message)?,
        m.message_id,
        "fixed at queueing"
    );

    let now = Timestamp::now();
    let claimed = db
        .store
        .claim_mail("instance-a", now, now.plus(time::Duration::minutes(5)))
        .await?
        .ok_or_else(|| anyhow::anyhow!("due"))?;
    smtp(&sink).deliver(&claimed).await?;

    let worker = OutboxWorker::new(db.store.clone(), smtp(&sink)).with_worker_id("instance-a");
    assert_eq!(worker.release_own_leases().await?, 1);
    assert_eq!(worker.run_once().await?, 1);
    assert_eq!(worker.run_once().await?, 0);

    let received = sink.received();
    assert_eq!(received.len(), 2, "sent at most once more");
    assert_eq!(message_id_of(&received[0].data)?, m.message_id);
    assert_eq!(message_id_of(&received[1].data)?, m.message_id);
    let r = row(&db.store, id).await?;
    assert_eq!((r.status, r.attempts), (OutboxStatus::Sent, 2));
    Ok(())
}

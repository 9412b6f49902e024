//! The file transport: one `.eml` per outbox message, named after its Message-ID and
//! replaced on re-delivery.

use std::path::Path;

use tocsin_mail::{OutboxWorker, Transport, eml_file_name};
use tocsin_storage::{ClaimedMail, OutboxStatus};

use crate::{TempDir, TempStore, mail};

/// The names of the files in `dir`.
fn files(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = std::fs::read_dir(dir)?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    names.sort();
    Ok(names)
}

#[tokio::test]
async fn one_file_per_message() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let dir = TempDir::fresh();
    let transport = Transport::Files { dir: dir.0.clone() };

    let mut ids = Vec::new();
    for i in 0..3 {
        let m = mail("reporter@example.org", &format!("通報 {i}"))?;
        ids.push((db.store.enqueue_mail(&m).await?, m));
    }
    let worker = OutboxWorker::new(db.store.clone(), transport.clone());
    assert_eq!(worker.run_once().await?, 3);
    assert_eq!(worker.run_once().await?, 0, "nothing left to do");

    let mut expected: Vec<String> = ids
        .iter()
        .map(|(_, m)| format!("{}.eml", m.message_id))
        .collect();
    expected.sort();
    assert_eq!(
        files(&dir.0)?,
        expected,
        "exactly one .eml per message, no temporary files"
    );

    for (id, m) in &ids {
        assert_eq!(
            std::fs::read(dir.0.join(eml_file_name(&m.message_id, *id)))?,
            m.message
        );
        let row = db
            .store
            .get_outbox(*id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("row"))?;
        assert_eq!(row.status, OutboxStatus::Sent);
        assert_eq!(row.attempts, 1);
    }

    // Delivering the same outbox message again replaces its file.
    let (id, m) = &ids[0];
    let again = ClaimedMail {
        id: *id,
        message_id: m.message_id.clone(),
        sender: m.sender.clone(),
        recipients: m.recipients.clone(),
        message: m.message.clone(),
        attempts: 2,
    };
    transport.deliver(&again).await?;
    transport.deliver(&again).await?;
    assert_eq!(files(&dir.0)?, expected);
    assert_eq!(
        std::fs::read(dir.0.join(eml_file_name(&m.message_id, *id)))?,
        m.message
    );
    Ok(())
}

/// A crash after the file is written but before the row is marked sent: the restarted
/// instance (same id) releases its lease, delivers again at once, and the second write
/// replaces the first file; no second file, no temporary file left behind.
#[tokio::test]
async fn a_resend_after_a_crash_replaces_the_same_file() -> anyhow::Result<()> {
    let db = TempStore::new().await?;
    let dir = TempDir::fresh();
    let transport = Transport::Files { dir: dir.0.clone() };
    let m = mail("reporter@example.org", "通報 crash")?;
    let id = db.store.enqueue_mail(&m).await?;

    // The first process claims and delivers, then dies before recording it.
    let now = db.store.now();
    let claimed = db
        .store
        .claim_mail("instance-a", now, now.plus(time::Duration::minutes(5)))
        .await?
        .ok_or_else(|| anyhow::anyhow!("due"))?;
    transport.deliver(&claimed).await?;
    let name = format!("{}.eml", m.message_id);
    assert_eq!(files(&dir.0)?, std::slice::from_ref(&name));

    // The restart: same id, lease released, sent again right away.
    let worker = OutboxWorker::new(db.store.clone(), transport).with_worker_id("instance-a");
    assert_eq!(
        worker.run_once().await?,
        0,
        "still leased before the release"
    );
    assert_eq!(worker.release_own_leases().await?, 1);
    assert_eq!(worker.run_once().await?, 1);
    assert_eq!(
        files(&dir.0)?,
        std::slice::from_ref(&name),
        "one file, no temporary files"
    );
    assert_eq!(std::fs::read(dir.0.join(&name))?, m.message);
    let row = db
        .store
        .get_outbox(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("row"))?;
    assert_eq!((row.status, row.attempts), (OutboxStatus::Sent, 2));
    Ok(())
}

#[tokio::test]
async fn an_unwritable_folder_is_a_temporary_failure() -> anyhow::Result<()> {
    let dir = TempDir::fresh();
    std::fs::write(&dir.0, b"a file, not a folder")?;
    let transport = Transport::Files {
        dir: dir.0.join("out"),
    };
    let claimed = ClaimedMail {
        id: tocsin_domain::OutboxId::new(),
        message_id: "x@cert.example".into(),
        sender: "cert@cert.example".into(),
        recipients: vec!["reporter@example.org".into()],
        message: b"Subject: x\r\n\r\nx\r\n".to_vec(),
        attempts: 1,
    };
    let result = transport.deliver(&claimed).await;
    assert!(
        matches!(result, Err(tocsin_mail::DeliveryError::Temporary(_))),
        "{result:?}"
    );
    let _ = std::fs::remove_file(&dir.0);
    Ok(())
}

//! Integration tests of tocsin-mail: composing, the file transport, and the outbox worker
//! against a real SMTP conversation with a small in-process sink.

mod compose;
mod files;
mod sink;
mod smtp;

use std::path::PathBuf;

use tocsin_storage::{NewMail, Store};
use uuid::Uuid;

/// A migrated SQLite store in a fresh temporary file, removed when dropped.
pub struct TempStore {
    /// The store.
    pub store: Store,
    path: PathBuf,
}

impl TempStore {
    /// Opens and migrates a new store.
    pub async fn new() -> anyhow::Result<TempStore> {
        let path = std::env::temp_dir().join(format!("tocsin-mail-test-{}.sqlite", Uuid::now_v7()));
        let store =
            Store::open_sqlite(path.to_str().ok_or_else(|| anyhow::anyhow!("temp path"))?).await?;
        store.migrate().await?;
        Ok(TempStore { store, path })
    }
}

impl Drop for TempStore {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// A fresh temporary folder path, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new path under the temporary folder (not created).
    pub fn fresh() -> TempDir {
        TempDir(std::env::temp_dir().join(format!("tocsin-mail-test-{}", Uuid::now_v7())))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A rendered message from `sender@cert.example` to `to`.
pub fn mail(to: &str, subject: &str) -> anyhow::Result<NewMail> {
    let m = tocsin_mail::OutgoingMail {
        from: "cert@cert.example".into(),
        from_name: Some("TOCSIN CERT".into()),
        to: vec![to.into()],
        subject: subject.into(),
        text: format!("{subject}\n\nThis is a test.\n"),
        auto_submitted: true,
        answers_message: false,
        ..Default::default()
    };
    Ok(tocsin_mail::render(&m, "cert.example")?)
}

//! Virus Check (病毒檢測): anyone uploads a file; it is streamed to disk encrypted
//! ([`crate::sealed`]) while its hashes are computed, queued in the database, scanned by a
//! bounded pool of workers on any instance with every configured engine
//! ([`crate::engines`]), and answered in VirusTotal's v3 shape. The same file uploaded
//! again is answered from the stored result unless an engine's version (its signatures)
//! changed since. The shared-intel engine is decided per reader at read time: a file whose
//! MD5, SHA-1 or SHA-256 is an indicator of a record the reader may read (the policy, as
//! for every channel) is malicious by `tocsin-intel`; a reader who may not read the record
//! does not learn of it.
//!
//! An analysis is read by whoever holds its id (a random UUIDv7, as VirusTotal's ids are
//! handed to the uploader); uploads are anonymous-friendly by design.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tocsin_domain::Timestamp;
use tocsin_domain::virus::archive::{ARCHIVE_ENGINE, Member, fold_member};
use tocsin_domain::virus::{
    AnalysisStatus, Category, EngineResult, EngineVersions, Results, Stats, TYPE_HEAD, file_type,
    still_current,
};
use tocsin_storage::virus::NewUpload;
use tokio::sync::watch;
use uuid::Uuid;

use super::audit_entry;
use crate::archive::{Hasher, SpillDir, Visitor};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::engines::{Chunks, Clamd, ClamdAddr, Engine};
use crate::error::AppError;
use crate::sealed::{SealKey, SealWriter};
use crate::state::App;

/// The shared-intel engine's name in `results`.
pub const INTEL_ENGINE: &str = "tocsin-intel";

/// How long a worker holds an analysis before another may take it over.
const LEASE: Duration = Duration::from_secs(600);

/// The longest a note is kept, in characters.
const MAX_NOTE: usize = 2000;

/// The engines and the key of files at rest of one `App`.
pub struct Scanner {
    engines: Vec<Arc<dyn Engine>>,
    key: tokio::sync::OnceCell<SealKey>,
    /// Wakes the workers when an upload is queued here.
    queued: tokio::sync::Notify,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field(
                "engines",
                &self.engines.iter().map(|e| e.name()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Scanner {
    /// The engines the configuration names, and the YARA engine over the rule sets in
    /// `store` (`service::yara`).
    pub fn from_config(config: &crate::config::Config, store: &tocsin_storage::Store) -> Scanner {
        let v = &config.virus_check;
        let mut engines: Vec<Arc<dyn Engine>> = Vec::new();
        if let Some(addr) = ClamdAddr::parse(&v.clamd) {
            engines.push(Arc::new(Clamd::new(
                addr,
                Duration::from_secs(v.clamd_timeout_seconds),
            )));
        }
        engines.push(Arc::new(crate::engines::yara::Yara::new(
            store.clone(),
            Duration::from_secs(v.clamd_timeout_seconds),
            v.max_bytes,
        )));
        Scanner {
            engines,
            key: tokio::sync::OnceCell::new(),
            queued: tokio::sync::Notify::new(),
        }
    }
}

fn dir(state: &App) -> PathBuf {
    state.config.data_dir.join("virus-check")
}

fn io_err(e: std::io::Error) -> AppError {
    AppError::internal(format!("virus check: {e}"))
}

/// The key of files at rest: the configured one, or one generated once into
/// `data_dir/virus-check/key` (readable by its owner only).
async fn key(state: &App) -> Result<SealKey, AppError> {
    state
        .virus
        .key
        .get_or_try_init(|| async {
            if !state.config.virus_check.key.trim().is_empty() {
                return SealKey::from_hex(&state.config.virus_check.key)
                    .ok_or_else(|| AppError::internal("virus_check.key"));
            }
            let d = dir(state);
            tokio::fs::create_dir_all(&d).await.map_err(io_err)?;
            let path = d.join("key");
            match tokio::fs::read_to_string(&path).await {
                Ok(k) => SealKey::from_hex(&k)
                    .ok_or_else(|| AppError::internal("virus-check/key is not a key")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let bytes: [u8; 32] = rand::random();
                    let tmp = d.join(format!("key.{}", Uuid::now_v7().simple()));
                    let mut o = tokio::fs::OpenOptions::new();
                    o.write(true).create_new(true);
                    #[cfg(unix)]
                    o.mode(0o600);
                    let mut f = o.open(&tmp).await.map_err(io_err)?;
                    tokio::io::AsyncWriteExt::write_all(&mut f, hex::encode(bytes).as_bytes())
                        .await
                        .map_err(io_err)?;
                    f.sync_all().await.map_err(io_err)?;
                    // Another instance may have won the race: its key is the one.
                    if tokio::fs::hard_link(&tmp, &path).await.is_err() {
                        let _ = tokio::fs::remove_file(&tmp).await;
                        let k = tokio::fs::read_to_string(&path).await.map_err(io_err)?;
                        return SealKey::from_hex(&k)
                            .ok_or_else(|| AppError::internal("virus-check/key is not a key"));
                    }
                    let _ = tokio::fs::remove_file(&tmp).await;
                    Ok(SealKey::new(&bytes))
                }
                Err(e) => Err(io_err(e)),
            }
        })
        .await
        .cloned()
}

/// A file being uploaded: written encrypted to disk as it arrives, hashed on the way.
pub struct Upload {
    id: Uuid,
    path: PathBuf,
    writer: Option<SealWriter>,
    hasher: Hasher,
    head: Vec<u8>,
    size: usize,
    max: usize,
}

impl Drop for Upload {
    fn drop(&mut self) {
        // An upload dropped before it was submitted (refused, cut off) leaves no file.
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Starts an upload.
pub async fn begin_upload(state: &App) -> Result<Upload, AppError> {
    let key = key(state).await?;
    let d = dir(state);
    tokio::fs::create_dir_all(&d).await.map_err(io_err)?;
    let id = Uuid::now_v7();
    let path = d.join(format!("{}.sealed", id.simple()));
    let writer = SealWriter::create(&path, &key).await.map_err(io_err)?;
    Ok(Upload {
        id,
        path,
        writer: Some(writer),
        hasher: Hasher::default(),
        head: Vec::new(),
        size: 0,
        max: state.config.virus_check.max_bytes,
    })
}

impl Upload {
    /// Appends bytes; past `virus_check.max_bytes` the upload is refused as too large.
    pub async fn write(&mut self, data: &[u8]) -> Result<(), AppError> {
        self.size = self.size.saturating_add(data.len());
        if self.size > self.max {
            return Err(AppError::TooLarge);
        }
        if self.head.len() < TYPE_HEAD {
            let take = (TYPE_HEAD - self.head.len()).min(data.len());
            self.head.extend_from_slice(&data[..take]);
        }
        self.hasher.update(data);
        match &mut self.writer {
            Some(w) => w.write(data).await.map_err(io_err),
            None => Err(AppError::internal("upload already finished")),
        }
    }
}

/// What an upload is answered with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    /// The analysis's id.
    pub analysis_id: Uuid,
    /// Whether it was answered at once from a stored result.
    pub completed: bool,
}

/// The engines' versions now; an engine that does not answer has none (so no stored
/// result counts as current for it, and the file is queued).
async fn versions_now(state: &App) -> EngineVersions {
    let mut out = EngineVersions::new();
    for e in &state.virus.engines {
        match e.version().await {
            Ok(v) => {
                out.insert(e.name().to_string(), v);
            }
            Err(err) => tracing::warn!(engine = e.name(), error = %err, "engine version"),
        }
    }
    out
}

/// Submits a finished upload under `name` with an optional note: recorded and queued, or
/// answered at once when the same file's stored result is still current.
pub async fn submit(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    mut upload: Upload,
    name: &str,
    note: &str,
) -> Result<Submitted, AppError> {
    let writer = upload
        .writer
        .take()
        .ok_or_else(|| AppError::internal("upload already finished"))?;
    if let Err(e) = writer.finish().await {
        let _ = tokio::fs::remove_file(&upload.path).await;
        return Err(io_err(e));
    }
    let (md5, sha1, sha256) = std::mem::take(&mut upload.hasher).finish();
    let stored = state.store.virus_file(&sha256).await?;
    let now_versions = versions_now(state).await;
    let current = stored.as_ref().is_some_and(|f| {
        f.last_analysed.0.is_some()
            && serde_json::from_str::<EngineVersions>(&f.engine_versions)
                .is_ok_and(|then| still_current(&then, &now_versions))
    });
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect();
    let note: String = note.trim().chars().take(MAX_NOTE).collect();
    let file_name = upload
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let new = NewUpload {
        id: upload.id,
        sha256,
        md5,
        sha1,
        size: upload.size as i64,
        file_type: file_type(&upload.head).to_string(),
        name,
        note,
        submitted_by: who.account().map(|u| u.id),
        stored_file: if current { None } else { file_name },
    };
    if let Err(e) = state.store.record_virus_upload(&new).await {
        let _ = tokio::fs::remove_file(&upload.path).await;
        return Err(e.into());
    }
    if current {
        let _ = tokio::fs::remove_file(&upload.path).await;
    } else {
        state.virus.queued.notify_waiters();
    }
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "virus_check.submit",
            "virus_analysis",
            &upload.id.to_string(),
        ))
        .await?;
    Ok(Submitted {
        analysis_id: upload.id,
        completed: current,
    })
}

/// An analysis as answered (VirusTotal v3's analysis and file attributes together).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Its id.
    pub id: Uuid,
    /// Where it stands.
    pub status: AnalysisStatus,
    /// Uploaded at.
    pub date: Timestamp,
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Type by magic bytes.
    pub type_tag: String,
    /// The name of this upload.
    pub name: String,
    /// Every name the file was uploaded under.
    pub names: Vec<String>,
    /// First upload of this file.
    pub first_submission_date: Timestamp,
    /// Last completed scan of this file.
    pub last_analysis_date: Option<Timestamp>,
    /// Counts by category (empty until completed).
    pub stats: Stats,
    /// Results by engine (empty until completed).
    pub results: Results,
}

impl Report {
    /// The verdict a reader is told first (None until completed).
    pub fn verdict(&self) -> Option<Category> {
        (self.status == AnalysisStatus::Completed).then(|| self.stats.verdict())
    }
}

/// An analysis by id, with the shared-intel engine's answer for this reader.
pub async fn report(state: &App, who: &CurrentUser, id: Uuid) -> Result<Report, AppError> {
    let (a, f) = state
        .store
        .virus_analysis(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = AnalysisStatus::parse(&a.status)
        .ok_or_else(|| AppError::internal(format!("analysis status {}", a.status)))?;
    let mut results = Results::new();
    if status == AnalysisStatus::Completed {
        results = serde_json::from_str(&f.results)
            .map_err(|e| AppError::internal(format!("stored results: {e}")))?;
        // The file's hashes, then each member's: a record naming a member says which.
        let members: Vec<Member> = serde_json::from_str(&f.members)
            .map_err(|e| AppError::internal(format!("stored members: {e}")))?;
        let mut hashes = vec![f.md5.as_str(), f.sha1.as_str(), f.sha256.as_str()];
        for m in &members {
            hashes.extend([m.md5.as_str(), m.sha1.as_str(), m.sha256.as_str()]);
        }
        let records = super::matching::records_naming_each_hash(state, who, &hashes).await?;
        results.insert(
            INTEL_ENGINE.to_string(),
            EngineResult {
                engine_name: INTEL_ENGINE.into(),
                engine_version: String::new(),
                category: if records.is_empty() {
                    Category::Undetected
                } else {
                    Category::Malicious
                },
                result: (!records.is_empty()).then(|| {
                    records
                        .iter()
                        .map(
                            |(n, r)| match (n / 3).checked_sub(1).and_then(|m| members.get(m)) {
                                Some(m) => format!("{} ({}) in {}", r.id, r.subject, m.path),
                                None => format!("{} ({})", r.id, r.subject),
                            },
                        )
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
                method: "blacklist".into(),
            },
        );
    }
    Ok(Report {
        id: a.id,
        status,
        date: a.created_at,
        md5: f.md5,
        sha1: f.sha1,
        sha256: f.sha256,
        size: f.size,
        type_tag: f.file_type,
        name: a.name,
        names: serde_json::from_str(&f.names).unwrap_or_default(),
        first_submission_date: f.first_seen,
        last_analysis_date: f.last_analysed.0,
        stats: Stats::of(results.values()),
        results,
    })
}

/// Scans one claimed analysis with every engine and stores the results.
async fn scan_one(state: &App, worker: &str, a: tocsin_storage::virus::VirusAnalysis) {
    let key = match key(state).await {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "virus check key");
            return;
        }
    };
    let mut results = Results::new();
    let mut versions = EngineVersions::new();
    for engine in &state.virus.engines {
        let file: Option<Chunks<'static>> = match &a.stored_file {
            Some(f) => match crate::sealed::open(&dir(state).join(f), &key).await {
                Ok(s) => Some(Box::pin(s)),
                Err(e) => {
                    tracing::warn!(analysis = %a.id, error = %e, "virus check file");
                    None
                }
            },
            None => None,
        };
        let r = match file {
            Some(file) => engine.scan(file).await,
            None => EngineResult {
                engine_name: engine.name().into(),
                engine_version: String::new(),
                category: Category::Failure,
                result: Some("file not available".into()),
                method: "blacklist".into(),
            },
        };
        results.insert(engine.name().to_string(), r);
    }
    // An archive: its members, each through the engines that do not open it themselves;
    // a finding in a member is the engine's finding about the file.
    let mut members = Vec::new();
    let opened = match &a.stored_file {
        Some(f) => open_archive(state, &key, &dir(state).join(f), &a.name).await,
        None => None,
    };
    if let Some(opened) = opened {
        for (engine, path, r) in opened.member_results {
            if let Some(file_result) = results.remove(&engine) {
                results.insert(engine, fold_member(file_result, r, &path));
            }
        }
        results.insert(ARCHIVE_ENGINE.to_string(), opened.result);
        members = opened.members;
    }
    for (name, r) in &results {
        if r.category != Category::Failure
            && r.category != Category::Timeout
            && name != ARCHIVE_ENGINE
        {
            versions.insert(name.clone(), r.engine_version.clone());
        }
    }
    let (Ok(results), Ok(versions), Ok(members)) = (
        serde_json::to_string(&results),
        serde_json::to_string(&versions),
        serde_json::to_string(&members),
    ) else {
        return;
    };
    match state
        .store
        .complete_virus_scan(a.id, worker, &results, &versions, &members)
        .await
    {
        Ok(true) => {}
        Ok(false) => tracing::warn!(analysis = %a.id, "virus scan lease lost"),
        Err(e) => tracing::warn!(analysis = %a.id, error = %e, "virus scan not stored"),
    }
}

/// What opening an uploaded archive found.
struct Opened {
    /// The archive engine's answer.
    result: EngineResult,
    /// The members taken out whole.
    members: Vec<Member>,
    /// Each engine's answer about each member it scanned: engine, member path, answer.
    member_results: Vec<(String, String, EngineResult)>,
}

/// What the archive reader (on a blocking thread) tells the scan.
enum Event {
    /// A member to scan begins.
    Begin { path: String, decrypted: bool },
    /// Its next bytes.
    Data(Vec<u8>),
    /// A member ended (None: cut short).
    End(Option<Member>),
}

/// The archive reader's side: members go over a bounded channel, so the reader waits
/// for the engines and no more than a few chunks are ever in memory.
struct Forward {
    tx: tokio::sync::mpsc::Sender<Event>,
    /// Whether an engine scans members of archives it opens itself (one that does not).
    plain: bool,
    /// Whether any engine is configured (decrypted members go to every engine).
    any: bool,
}

impl Visitor for Forward {
    fn begin(&mut self, path: &str, decrypted: bool) -> bool {
        let wanted = if decrypted { self.any } else { self.plain };
        wanted
            && self
                .tx
                .blocking_send(Event::Begin {
                    path: path.to_string(),
                    decrypted,
                })
                .is_ok()
    }

    fn data(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.tx
            .blocking_send(Event::Data(chunk.to_vec()))
            .map_err(|_| std::io::Error::other("the scan is gone"))
    }

    fn end(&mut self, member: Option<Member>) {
        let _ = self.tx.blocking_send(Event::End(member));
    }
}

/// One member being scanned: a stream to each engine that scans it, and its answer.
struct MemberScan {
    path: String,
    feeds: Vec<futures::channel::mpsc::Sender<std::io::Result<Vec<u8>>>>,
    scans: Vec<tokio::task::JoinHandle<EngineResult>>,
}

/// Opens an uploaded file that is an archive (None when it is not one, or cannot be
/// read), within `virus_check.archive_*`, scanning each member as it is taken out.
async fn open_archive(
    state: &App,
    key: &crate::sealed::SealKey,
    path: &std::path::Path,
    name: &str,
) -> Option<Opened> {
    use futures::SinkExt as _;
    let engines = state.virus.engines.clone();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Event>(8);
    let forward = Forward {
        tx,
        plain: engines.iter().any(|e| !e.opens_archives()),
        any: !engines.is_empty(),
    };
    let spill = SpillDir {
        dir: dir(state),
        key: key.clone(),
    };
    let limits = state.config.virus_check.archive_limits();
    let (path, name) = (path.to_path_buf(), name.to_string());
    let reader = tokio::task::spawn_blocking(move || {
        let mut forward = forward;
        let file = crate::sealed::SealedReader::open(&path, &spill.key).ok()?;
        let (kind, file) = crate::archive::sniff(file).ok()??;
        Some(crate::archive::open(
            file,
            kind,
            &name,
            limits,
            &spill,
            &mut forward,
        ))
    });
    let mut members = Vec::new();
    let mut member_results = Vec::new();
    let mut current: Option<MemberScan> = None;
    while let Some(event) = rx.recv().await {
        match event {
            Event::Begin { path, decrypted } => {
                let mut scan = MemberScan {
                    path,
                    feeds: Vec::new(),
                    scans: Vec::new(),
                };
                for e in engines.iter().filter(|e| decrypted || !e.opens_archives()) {
                    let (feed, chunks) = futures::channel::mpsc::channel(2);
                    let e = e.clone();
                    scan.feeds.push(feed);
                    scan.scans
                        .push(tokio::spawn(async move { e.scan(Box::pin(chunks)).await }));
                }
                current = Some(scan);
            }
            Event::Data(chunk) => {
                if let Some(scan) = &mut current {
                    for feed in &mut scan.feeds {
                        // An engine that stopped reading has answered already.
                        let _ = feed.send(Ok(chunk.clone())).await;
                    }
                }
            }
            Event::End(member) => {
                if let Some(mut scan) = current.take() {
                    if member.is_none() {
                        for feed in &mut scan.feeds {
                            let _ = feed
                                .send(Err(std::io::Error::other("member cut short")))
                                .await;
                        }
                    }
                    drop(scan.feeds);
                    for handle in scan.scans {
                        if let (Ok(r), Some(_)) = (handle.await, &member) {
                            member_results.push((r.engine_name.clone(), scan.path.clone(), r));
                        }
                    }
                }
                members.extend(member);
            }
        }
    }
    let findings = reader.await.ok()??;
    Some(Opened {
        result: findings.result(),
        members,
        member_results,
    })
}

/// One worker of the pool: claims an analysis, scans it, again; waits when none is
/// queued (woken by an upload on this instance, or after a second for other instances').
async fn worker_loop(state: App, worker: String, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            break;
        }
        let now = state.now();
        let lease = now.plus(time::Duration::seconds(LEASE.as_secs() as i64));
        match state.store.claim_virus_scan(&worker, now, lease).await {
            Ok(Some(a)) => {
                scan_one(&state, &worker, a).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "virus scan claim"),
        }
        tokio::select! {
            _ = state.virus.queued.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            r = stop.changed() => {
                if r.is_err() { break; }
            }
        }
    }
}

/// Starts `virus_check.workers` scan workers, each with its own lease id under this
/// instance's worker id.
pub fn spawn_workers(
    state: &App,
    instance: &str,
    stop: watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..state.config.virus_check.workers)
        .map(|n| {
            tokio::spawn(worker_loop(
                state.clone(),
                format!("{instance}/virus-{n}"),
                stop.clone(),
            ))
        })
        .collect()
}

/// Deletes the files of analyses older than `virus_check.retention_days`; their hashes
/// and verdicts stay. Returns how many were deleted.
pub async fn purge_expired(state: &App) -> Result<usize, AppError> {
    let before = state.now().plus(time::Duration::days(
        -state.config.virus_check.retention_days,
    ));
    // Nested archives set aside by a scan that never finished (a crash): a day is far
    // past any scan's lease.
    let day_ago = state.now().plus(time::Duration::days(-1)).micros();
    let day_ago =
        std::time::UNIX_EPOCH + Duration::from_micros(u64::try_from(day_ago).unwrap_or_default());
    let d = dir(state);
    tokio::task::spawn_blocking(move || crate::archive::remove_stale_spills(&d, day_ago))
        .await
        .map_err(|e| AppError::internal(format!("virus check clean-up: {e}")))?;
    let mut n = 0;
    loop {
        let batch = state.store.virus_files_uploaded_before(before, 100).await?;
        if batch.is_empty() {
            return Ok(n);
        }
        for (id, file) in batch {
            match tokio::fs::remove_file(dir(state).join(&file)).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(e)),
            }
            state.store.forget_virus_file(id).await?;
            n += 1;
        }
    }
}

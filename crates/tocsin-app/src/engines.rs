//! The scan engines of Virus Check, each behind one small interface ([`Engine`]) so more
//! can be added: ClamAV through clamd ([`Clamd`]), and admins' YARA rules ([`yara::Yara`]). The shared-intel engine is not here: its
//! answer depends on who asks, so `service::virus` decides it per reader, by the policy.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tocsin_domain::virus::{Category, EngineResult};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub mod yara;

/// A boxed future, so [`Engine`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A file's bytes in order, in chunks (decrypted as they are read from disk): an engine
/// never holds the whole file.
pub type Chunks<'a> = Pin<Box<dyn Stream<Item = io::Result<Vec<u8>>> + Send + 'a>>;

/// Why an engine could not answer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine could not be reached or the conversation broke.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The engine answered something unexpected.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// The engine took longer than allowed.
    #[error("timed out")]
    Timeout,
}

/// A scan engine.
pub trait Engine: Send + Sync {
    /// Its name in `results` (`ClamAV`).
    fn name(&self) -> &'static str;
    /// Its version now, signatures included: a stored result scanned under another
    /// version is stale.
    fn version(&self) -> BoxFuture<'_, Result<String, EngineError>>;
    /// Scans a file; a failure is an answer too (category `failure` or `timeout`).
    fn scan<'a>(&'a self, file: Chunks<'a>) -> BoxFuture<'a, EngineResult>;
    /// Whether it opens archives itself (zip, gzip, tar, not encrypted ones): if not,
    /// each member Virus Check takes out of an archive is scanned by it too; if so, only
    /// the members it could not open (those decrypted with the conventional password).
    fn opens_archives(&self) -> bool {
        false
    }
}

/// Where clamd listens: `unix:/path/to/clamd.ctl`, `/path/to/clamd.ctl` or `host:port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClamdAddr {
    /// A Unix socket (`LocalSocket`).
    Unix(std::path::PathBuf),
    /// A TCP address (`TCPSocket`/`TCPAddr`).
    Tcp(String),
}

impl ClamdAddr {
    /// Reads a configured address.
    pub fn parse(s: &str) -> Option<ClamdAddr> {
        let s = s.trim();
        if let Some(p) = s.strip_prefix("unix:") {
            return (!p.is_empty()).then(|| ClamdAddr::Unix(p.into()));
        }
        if s.starts_with('/') {
            return Some(ClamdAddr::Unix(s.into()));
        }
        let s = s.strip_prefix("tcp:").unwrap_or(s);
        let (_, port) = s.rsplit_once(':')?;
        port.parse::<u16>().ok()?;
        Some(ClamdAddr::Tcp(s.to_string()))
    }
}

trait Conn: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Conn for T {}

/// ClamAV's daemon, spoken to with `zINSTREAM` (the file in chunks, each after its
/// length as 4 bytes big-endian, then a zero length) and `zVERSION`.
#[derive(Clone, Debug)]
pub struct Clamd {
    addr: ClamdAddr,
    timeout: Duration,
    /// The version last asked and when: every scan (and every archive member) names it,
    /// and asking each time costs a connection.
    version: std::sync::Arc<std::sync::Mutex<Option<(std::time::Instant, String)>>>,
}

/// How long clamd's version is taken as known: a signature update is seen this late.
const VERSION_KEPT: Duration = Duration::from_secs(5);

/// The largest chunk sent to clamd at once (its default `StreamMaxLength` limits the
/// whole stream, not a chunk; small chunks keep memory flat).
const CLAMD_CHUNK: usize = 64 * 1024;

impl Clamd {
    /// A client of the clamd at `addr`; each command must finish within `timeout`.
    pub fn new(addr: ClamdAddr, timeout: Duration) -> Clamd {
        Clamd {
            addr,
            timeout,
            version: Default::default(),
        }
    }

    async fn connect(&self) -> io::Result<Box<dyn Conn>> {
        Ok(match &self.addr {
            #[cfg(unix)]
            ClamdAddr::Unix(p) => Box::new(tokio::net::UnixStream::connect(p).await?),
            #[cfg(not(unix))]
            ClamdAddr::Unix(_) => {
                return Err(io::Error::new(io::ErrorKind::Unsupported, "unix sockets"));
            }
            ClamdAddr::Tcp(a) => Box::new(tokio::net::TcpStream::connect(a).await?),
        })
    }

    /// Reads a NUL-terminated answer (the `z` commands end their answers with NUL).
    async fn answer(c: &mut Box<dyn Conn>) -> Result<String, EngineError> {
        let mut out = Vec::new();
        let mut buf = [0u8; 512];
        loop {
            let n = c.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            if out.last() == Some(&0) || out.len() > 64 * 1024 {
                break;
            }
        }
        while out.last() == Some(&0) {
            out.pop();
        }
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    async fn version_inner(&self) -> Result<String, EngineError> {
        let mut c = self.connect().await?;
        c.write_all(b"zVERSION\0").await?;
        let v = Self::answer(&mut c).await?;
        if !v.starts_with("ClamAV ") {
            return Err(EngineError::Protocol(v));
        }
        Ok(v.trim_start_matches("ClamAV ").to_string())
    }

    async fn instream(&self, mut file: Chunks<'_>) -> Result<String, EngineError> {
        let mut c = self.connect().await?;
        c.write_all(b"zINSTREAM\0").await?;
        while let Some(chunk) = file.next().await {
            let chunk = chunk?;
            for part in chunk.chunks(CLAMD_CHUNK) {
                let len = u32::try_from(part.len())
                    .map_err(|_| EngineError::Protocol("chunk too large".into()))?;
                c.write_all(&len.to_be_bytes()).await?;
                c.write_all(part).await?;
            }
        }
        c.write_all(&0u32.to_be_bytes()).await?;
        c.flush().await?;
        Self::answer(&mut c).await
    }
}

/// What clamd's answer to a scan means: `stream: OK`, `stream: NAME FOUND`, or
/// `... ERROR` (size limit exceeded and the like).
pub fn clamd_verdict(answer: &str) -> (Category, Option<String>) {
    let body = answer.strip_prefix("stream:").unwrap_or(answer).trim();
    if body == "OK" {
        (Category::Undetected, None)
    } else if let Some(name) = body.strip_suffix(" FOUND") {
        (Category::Malicious, Some(name.trim().to_string()))
    } else {
        (Category::Failure, Some(body.to_string()))
    }
}

impl Engine for Clamd {
    fn name(&self) -> &'static str {
        "ClamAV"
    }

    fn opens_archives(&self) -> bool {
        true
    }

    fn version(&self) -> BoxFuture<'_, Result<String, EngineError>> {
        Box::pin(async move {
            if let Ok(kept) = self.version.lock()
                && let Some((at, v)) = kept.as_ref()
                && at.elapsed() < VERSION_KEPT
            {
                return Ok(v.clone());
            }
            let v = tokio::time::timeout(self.timeout, self.version_inner())
                .await
                .map_err(|_| EngineError::Timeout)??;
            if let Ok(mut kept) = self.version.lock() {
                *kept = Some((std::time::Instant::now(), v.clone()));
            }
            Ok(v)
        })
    }

    fn scan<'a>(&'a self, file: Chunks<'a>) -> BoxFuture<'a, EngineResult> {
        Box::pin(async move {
            let version = self.version().await.unwrap_or_default();
            let (category, result) =
                match tokio::time::timeout(self.timeout, self.instream(file)).await {
                    Ok(Ok(answer)) => clamd_verdict(&answer),
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "clamd scan failed");
                        (Category::Failure, None)
                    }
                    Err(_) => (Category::Timeout, None),
                };
            EngineResult {
                engine_name: self.name().into(),
                engine_version: version,
                category,
                result,
                method: "blacklist".into(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamd_answers() {
        assert_eq!(clamd_verdict("stream: OK"), (Category::Undetected, None));
        assert_eq!(
            clamd_verdict("stream: Eicar-Signature FOUND"),
            (Category::Malicious, Some("Eicar-Signature".into()))
        );
        assert_eq!(
            clamd_verdict("INSTREAM size limit exceeded. ERROR").0,
            Category::Failure
        );
    }

    #[test]
    fn clamd_addresses() {
        assert_eq!(
            ClamdAddr::parse("unix:/run/clamav/clamd.ctl"),
            Some(ClamdAddr::Unix("/run/clamav/clamd.ctl".into()))
        );
        assert_eq!(
            ClamdAddr::parse("/run/clamd.sock"),
            Some(ClamdAddr::Unix("/run/clamd.sock".into()))
        );
        assert_eq!(
            ClamdAddr::parse("127.0.0.1:3310"),
            Some(ClamdAddr::Tcp("127.0.0.1:3310".into()))
        );
        assert_eq!(ClamdAddr::parse("nowhere"), None);
        assert_eq!(ClamdAddr::parse("unix:"), None);
    }
}

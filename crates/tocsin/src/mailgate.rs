//! `tocsin mailgate`: the MTA's pipe command, as rt-mailgate is. It reads one message on
//! standard input and posts it to `/api/v1/mail/inbound`; the exit status tells the MTA
//! what to do: 0 stored, 65 (EX_DATAERR) the message is refused for what it is (the MTA
//! bounces it to its sender, with our reason), 75 (EX_TEMPFAIL) anything else: the server
//! unreachable, busy or failing, and also a gate misconfigured (URL, token). A
//! misconfiguration is the operator's to fix, so the mail waits in the MTA's queue
//! rather than bouncing to a reporter. Plain HTTP: run it against a local instance or a
//! local TLS-terminating proxy.
//!
//! The size limit is the server's (`GET /api/v1/mail/limits`, one request), so the gate
//! and `intake.max_bytes` never disagree. The token is read from a file only its owner
//! can read (`--token-file`), not from the MTA's environment, which other local users can
//! list (`postconf -P`).

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Delivered (or already delivered).
pub const EX_OK: i32 = 0;
/// The message is refused for what it is.
pub const EX_DATAERR: i32 = 65;
/// Try again later: the server, the network or the gate's configuration.
pub const EX_TEMPFAIL: i32 = 75;

/// Where the gate's token comes from.
pub enum TokenSource {
    /// A file holding the token, readable by its owner only.
    File(PathBuf),
    /// Given in the environment (`TOCSIN_MAILGATE_TOKEN`).
    Value(String),
    /// Not given.
    Missing,
}

/// What the mailgate was told.
pub struct Gate {
    /// Base URL of the server, `http://host:port`.
    pub url: String,
    /// An API token of a desk account.
    pub token: TokenSource,
    /// Route the message to this desk instead of by recipient.
    pub queue: Option<String>,
    /// The envelope sender (`MAIL FROM`), as the MTA passes it (`${sender}`).
    pub sender: Option<String>,
    /// The envelope recipient (`${recipient}`).
    pub recipient: Option<String>,
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads the token. A file others can read, or one owned by someone else, is refused: the
/// token adds mail to any desk.
fn read_token(source: &TokenSource) -> Result<String, String> {
    let token = match source {
        TokenSource::Missing => {
            return Err("no token: give --token-file FILE (mode 0600)".into());
        }
        TokenSource::Value(v) => v.clone(),
        TokenSource::File(path) => {
            let shown = path.display();
            let meta = std::fs::metadata(path).map_err(|e| format!("--token-file {shown}: {e}"))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                if meta.mode() & 0o077 != 0 {
                    return Err(format!(
                        "--token-file {shown} is readable by others (mode {:o}): chmod 0600 it",
                        meta.mode() & 0o777
                    ));
                }
                // The owner of /proc/self is this process's effective user.
                if let Ok(me) = std::fs::metadata("/proc/self")
                    && me.uid() != meta.uid()
                {
                    return Err(format!(
                        "--token-file {shown} belongs to uid {}, not to the user the gate runs as (uid {})",
                        meta.uid(),
                        me.uid()
                    ));
                }
            }
            let _ = meta;
            std::fs::read_to_string(path).map_err(|e| format!("--token-file {shown}: {e}"))?
        }
    };
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err("the token is empty".into());
    }
    Ok(token)
}

/// The server's address, `host:port` and the path prefix, from `http://host:port[/base]`.
fn target(url: &str) -> Result<(String, String, String), String> {
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(format!("--url must be http://host:port, not {url}"));
    };
    let (host, base) = match rest.split_once('/') {
        Some((h, p)) => (h, format!("/{}", p.trim_end_matches('/'))),
        None => (rest, String::new()),
    };
    if host.is_empty() {
        return Err(format!("--url must be http://host:port, not {url}"));
    }
    let addr = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    Ok((
        host.to_string(),
        addr,
        base.trim_end_matches('/').to_string(),
    ))
}

/// An answer: status and body.
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    /// A top-level field of a JSON body, as text.
    fn field(&self, key: &str) -> String {
        let json: Option<serde_json::Value> = self.body.find('{').and_then(|i| {
            serde_json::from_str(self.body[i..].trim_end_matches(|c: char| c != '}')).ok()
        });
        json.as_ref()
            .and_then(|j| j.get(key))
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    }
}

/// One HTTP/1.1 exchange over a fresh connection, bounded in time.
async fn exchange(gate_host: &str, addr: &str, head: &str, body: &[u8]) -> Result<Answer, String> {
    let run = async {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(head.as_bytes()).await?;
        s.write_all(body).await?;
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let answer = match tokio::time::timeout(Duration::from_secs(120), run).await {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return Err(format!("{gate_host}: {e}")),
        Err(_) => return Err(format!("{gate_host}: no answer within 120 s")),
    };
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok(Answer { status, body })
}

/// What a refusal of the gate itself means to the operator.
fn misconfigured(status: u16) -> String {
    format!(
        "the server refused the gate ({status}): check --url and the token; the mail stays queued"
    )
}

/// Reads standard input and delivers it; returns the exit status and a line for stderr.
pub async fn run(gate: &Gate) -> (i32, String) {
    let (host, addr, base) = match target(&gate.url) {
        Ok(t) => t,
        Err(e) => return (EX_TEMPFAIL, e),
    };
    let token = match read_token(&gate.token) {
        Ok(t) => t,
        Err(e) => return (EX_TEMPFAIL, format!("{e}; the mail stays queued")),
    };
    // The server's limit, and a check of URL and token before the message is read.
    let head = format!(
        "GET {base}/api/v1/mail/limits HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    let limits = match exchange(&host, &addr, &head, b"").await {
        Ok(a) => a,
        Err(e) => return (EX_TEMPFAIL, e),
    };
    let max_bytes: usize = match limits.status {
        200 => match limits.field("max_bytes").parse() {
            Ok(n) => n,
            Err(_) => {
                return (
                    EX_TEMPFAIL,
                    format!("{host}: the limits answer has no max_bytes"),
                );
            }
        },
        401 | 403 | 404 => return (EX_TEMPFAIL, misconfigured(limits.status)),
        s => {
            return (
                EX_TEMPFAIL,
                format!("the server answered {s}; try again later"),
            );
        }
    };
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin()
        .take(max_bytes as u64 + 1)
        .read_to_end(&mut raw)
    {
        return (EX_TEMPFAIL, format!("reading the message: {e}"));
    }
    if raw.len() > max_bytes {
        return (
            EX_DATAERR,
            format!("the message is larger than {max_bytes} bytes, the most this desk accepts"),
        );
    }
    deliver_with(gate, &host, &addr, &base, &token, &raw).await
}

async fn deliver_with(
    gate: &Gate,
    host: &str,
    addr: &str,
    base: &str,
    token: &str,
    raw: &[u8],
) -> (i32, String) {
    let mut query = Vec::new();
    if let Some(s) = &gate.sender {
        query.push(format!("sender={}", encode(s)));
    }
    if let Some(r) = &gate.recipient {
        query.push(format!("recipient={}", encode(r)));
    }
    if let Some(q) = &gate.queue {
        query.push(format!("queue={}", encode(q)));
    }
    let head = format!(
        "POST {base}/api/v1/mail/inbound?{} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: message/rfc822\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        query.join("&"),
        raw.len()
    );
    let answer = match exchange(host, addr, &head, raw).await {
        Ok(a) => a,
        Err(e) => return (EX_TEMPFAIL, e),
    };
    match answer.status {
        200 | 201 => (
            EX_OK,
            format!(
                "{} {} {} {}",
                answer.field("status"),
                answer.field("route"),
                answer.field("target"),
                answer.field("reason")
            )
            .trim()
            .to_string(),
        ),
        // Refused for what it is: the sender gets this line in the bounce.
        400 | 413 | 422 => {
            let fields = answer.field("fields");
            (
                EX_DATAERR,
                format!("refused: {} {fields}", answer.field("message"))
                    .trim()
                    .to_string(),
            )
        }
        401 | 403 | 404 => (EX_TEMPFAIL, misconfigured(answer.status)),
        s => (
            EX_TEMPFAIL,
            format!("the server answered {s}; try again later"),
        ),
    }
}

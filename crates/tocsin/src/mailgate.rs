//! `tocsin mailgate`: the MTA's pipe command, as rt-mailgate is. It reads one message on
//! standard input and posts it to `/api/v1/mail/inbound`; the exit status tells the MTA
//! what to do: 0 stored, 75 (EX_TEMPFAIL) try again later (server unreachable, busy or
//! failing), 65 (EX_DATAERR) the message is refused for what it is, 69 (EX_UNAVAILABLE)
//! the gate is misconfigured (URL, token). Plain HTTP: run it against a local instance or
//! a local TLS-terminating proxy.

use std::io::Read;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Delivered (or already delivered).
pub const EX_OK: i32 = 0;
/// The message is refused for what it is.
pub const EX_DATAERR: i32 = 65;
/// The gate cannot work as configured.
pub const EX_UNAVAILABLE: i32 = 69;
/// Try again later.
pub const EX_TEMPFAIL: i32 = 75;

/// What the mailgate was told.
pub struct Gate {
    /// Base URL of the server, `http://host:port`.
    pub url: String,
    /// An API token of a desk account.
    pub token: String,
    /// Route the message to this desk instead of by recipient.
    pub queue: Option<String>,
    /// The envelope sender (`MAIL FROM`), as the MTA passes it (`${sender}`).
    pub sender: Option<String>,
    /// The envelope recipient (`${recipient}`).
    pub recipient: Option<String>,
    /// Largest message read from standard input.
    pub max_bytes: usize,
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

/// Reads standard input and delivers it; returns the exit status and a line for stderr.
pub async fn run(gate: &Gate) -> (i32, String) {
    let mut raw = Vec::new();
    let limit = gate.max_bytes as u64 + 1;
    if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut raw) {
        return (EX_TEMPFAIL, format!("reading the message: {e}"));
    }
    if raw.len() > gate.max_bytes {
        return (
            EX_DATAERR,
            format!("the message is larger than {} bytes", gate.max_bytes),
        );
    }
    deliver(gate, &raw).await
}

/// Posts one message.
pub async fn deliver(gate: &Gate, raw: &[u8]) -> (i32, String) {
    let Some(rest) = gate.url.strip_prefix("http://") else {
        return (
            EX_UNAVAILABLE,
            format!("--url must be http://host:port, not {}", gate.url),
        );
    };
    let (host, base) = match rest.split_once('/') {
        Some((h, p)) => (h, format!("/{}", p.trim_end_matches('/'))),
        None => (rest, String::new()),
    };
    let host = host.to_string();
    let addr = if host.contains(':') {
        host.clone()
    } else {
        format!("{host}:80")
    };
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
    let path = format!(
        "{}/api/v1/mail/inbound?{}",
        base.trim_end_matches('/'),
        query.join("&")
    );
    let exchange = async {
        let mut s = TcpStream::connect(&addr).await?;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Type: message/rfc822\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            gate.token.trim(),
            raw.len()
        );
        s.write_all(head.as_bytes()).await?;
        s.write_all(raw).await?;
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let answer = match tokio::time::timeout(Duration::from_secs(120), exchange).await {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return (EX_TEMPFAIL, format!("{addr}: {e}")),
        Err(_) => return (EX_TEMPFAIL, format!("{addr}: no answer within 120 s")),
    };
    let text = String::from_utf8_lossy(&answer);
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let json: Option<serde_json::Value> = body
        .find('{')
        .and_then(|i| serde_json::from_str(body[i..].trim_end_matches(|c: char| c != '}')).ok());
    let say = |key: &str| {
        json.as_ref()
            .and_then(|j| j.get(key))
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    match status {
        200 | 201 => (
            EX_OK,
            format!(
                "{} {} {} {}",
                say("status"),
                say("route"),
                say("target"),
                say("reason")
            )
            .trim()
            .to_string(),
        ),
        400 | 413 | 422 => {
            let fields = say("fields");
            (
                EX_DATAERR,
                format!("refused ({status}): {} {fields}", say("message")),
            )
        }
        401 | 403 | 404 => (
            EX_UNAVAILABLE,
            format!("the server refused the gate ({status}): check --url and --token"),
        ),
        _ => (
            EX_TEMPFAIL,
            format!("the server answered {status}; try again later"),
        ),
    }
}

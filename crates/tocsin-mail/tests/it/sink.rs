//! A tiny SMTP server for tests: speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT,
//! records every accepted message, and can refuse recipients temporarily or permanently.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// How the sink answers `RCPT TO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rcpt {
    /// 250.
    Accept,
    /// 451: try again later.
    TempFail,
    /// 550: no such user.
    PermFail,
}

/// A message the sink accepted.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope sender.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    /// The message, dot-unstuffed, up to the final `.` line.
    pub data: Vec<u8>,
}

/// A running sink; the server task ends when the test's runtime does.
#[derive(Clone)]
pub struct Sink {
    /// Where it listens.
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    rcpt: Rcpt,
}

impl Sink {
    /// Listens on a free port of 127.0.0.1, answering `RCPT TO` as `rcpt` says.
    pub async fn start(rcpt: Rcpt) -> anyhow::Result<Sink> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let sink = Sink {
            addr: listener.local_addr()?,
            received: Arc::default(),
            rcpt,
        };
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let conn = server.clone();
                tokio::spawn(async move {
                    // A client hanging up is not the sink's problem.
                    let _ = conn.session(stream).await;
                });
            }
        });
        Ok(sink)
    }

    /// The messages accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    async fn session(&self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
        let mut from = String::new();
        let mut to = Vec::new();
        let mut line = Vec::new();
        loop {
            line.clear();
            if lines.read_until(b'\n', &mut line).await? == 0 {
                return Ok(());
            }
            let text = String::from_utf8_lossy(&line).trim_end().to_owned();
            let upper = text.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-sink.test greets you\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
                b"250 OK\r\n"
            } else if upper.starts_with("MAIL FROM:") {
                from = path(&text["MAIL FROM:".len()..]);
                to.clear();
                b"250 2.1.0 OK\r\n"
            } else if upper.starts_with("RCPT TO:") {
                match self.rcpt {
                    Rcpt::Accept => {
                        to.push(path(&text["RCPT TO:".len()..]));
                        b"250 2.1.5 OK\r\n"
                    }
                    Rcpt::TempFail => b"451 4.3.0 Mailbox temporarily unavailable\r\n",
                    Rcpt::PermFail => b"550 5.1.1 No such user here\r\n",
                }
            } else if upper == "DATA" {
                if to.is_empty() {
                    b"554 5.5.1 No valid recipients\r\n"
                } else {
                    write
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .await?;
                    let mut data = Vec::new();
                    loop {
                        line.clear();
                        if lines.read_until(b'\n', &mut line).await? == 0 {
                            return Ok(());
                        }
                        if line == b".\r\n" {
                            break;
                        }
                        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
                        data.extend_from_slice(unstuffed);
                    }
                    if let Ok(mut r) = self.received.lock() {
                        r.push(Received {
                            from: std::mem::take(&mut from),
                            to: std::mem::take(&mut to),
                            data,
                        });
                    }
                    b"250 2.0.0 Queued\r\n"
                }
            } else if upper == "RSET" {
                from.clear();
                to.clear();
                b"250 OK\r\n"
            } else if upper == "QUIT" {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            } else {
                b"500 5.5.2 Unknown command\r\n"
            };
            write.write_all(reply).await?;
        }
    }
}

/// The address in `<addr>` (parameters after it ignored).
fn path(arg: &str) -> String {
    let arg = arg.trim();
    arg.strip_prefix('<')
        .and_then(|s| s.split_once('>'))
        .map(|(a, _)| a.to_owned())
        .unwrap_or_else(|| arg.to_owned())
}

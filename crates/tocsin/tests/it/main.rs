//! Tests of the `tocsin` binary as an operator runs it: real processes, real sockets,
//! SIGKILL, several instances on one database, the CLI's export and import.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tocsin_storage::Engine;
use tocsin_storage::testing::TestStore;

mod cli;
mod instances;
mod intake;
mod mailgate;
mod newsletter;
mod postfix;
mod taxii_client;
mod tidy;
mod virus;
mod virus_archive;
mod yara;

const BIN: &str = env!("CARGO_BIN_EXE_tocsin");

/// A fresh temporary folder, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates one.
    pub fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!("tocsin-bin-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Default for TempDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `tocsin serve`.
pub struct Server {
    /// The process.
    pub child: Child,
    /// Its address.
    pub addr: String,
    /// Its standard output lines so far.
    pub stdout: Vec<String>,
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

impl Server {
    /// Starts a server on `db` with data under `data` and extra environment.
    pub fn start(db: &str, data: &Path, env: &[(&str, &str)]) -> Server {
        Server::start_on(&format!("127.0.0.1:{}", free_port()), db, data, env)
    }

    /// Starts a server listening on `addr` (say, again where a stopped one listened).
    pub fn start_on(addr: &str, db: &str, data: &Path, env: &[(&str, &str)]) -> Server {
        let addr = addr.to_string();
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--database", db])
            .env("TOCSIN_LISTEN", &addr)
            .env("TOCSIN_DATA_DIR", data)
            .env("TOCSIN_LOG_FORMAT", "text")
            .env_remove("TOCSIN_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn tocsin");
        let out = child.stdout.take().expect("stdout");
        let mut stdout = Vec::new();
        let mut lines = BufReader::new(out).lines();
        // The first line says it listens; first start adds the setup link.
        if let Some(Ok(l)) = lines.next() {
            stdout.push(l);
        }
        std::thread::spawn(move || for _ in lines {});
        let s = Server {
            child,
            addr,
            stdout,
        };
        s.wait_healthy();
        s
    }

    fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok((200, _)) = http(&self.addr, "GET", "/readyz", &[], "") {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("server on {} did not become healthy", self.addr);
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill9(mut self) {
        self.child.kill().expect("kill");
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client: returns status and body.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    // Enough of chunked decoding for our small JSON bodies.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 || tail.len() < n {
                break;
            }
            out.push_str(&tail[..n]);
            rest = tail[n..].trim_start_matches("\r\n");
        }
        out
    } else {
        body.to_string()
    };
    Ok((status, body))
}

/// Runs the CLI; returns (success, stdout, stderr).
pub fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> (bool, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("TOCSIN_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// A migrated test database on `engine` (None: PostgreSQL unavailable outside CI).
pub fn db(engine: Engine) -> Option<TestStore> {
    rt().block_on(TestStore::new(engine))
}

/// The runtime for the async parts of these synchronous tests: one for the whole binary,
/// because a store's pool keeps tasks on the runtime that opened it, and a runtime
/// dropped after one call left later calls on a pool whose tasks were gone ("a Tokio 1.x
/// context was found, but it is being shutdown").
pub fn rt() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

/// Creates an admin with password `password-123456` and returns an API token.
pub fn admin(db: &TestStore, email: &str) -> String {
    user_token(db, email, "Admin", "admin,analyst")
}

/// Creates a user named `name` with `roles` and password `password-123456` and returns an
/// API token.
pub fn user_token(db: &TestStore, email: &str, name: &str, roles: &str) -> String {
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &db.url,
            "--email",
            email,
            "--name",
            name,
            "--roles",
            roles,
        ],
        &[("TOCSIN_PASSWORD", "password-123456")],
        None,
    );
    assert!(ok, "create-user: {err}");
    let (ok, out, err) = run(
        &[
            "admin",
            "create-token",
            "--database",
            &db.url,
            "--email",
            email,
        ],
        &[],
        None,
    );
    assert!(ok, "create-token: {err}");
    out.trim().to_string()
}

/// Both engines, as in the other suites.
pub const ENGINES: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];

//! The IMAP poller against a real dovecot, started by each test in a temporary folder with
//! its own configuration, certificate and maildir: every real-shaped fixture lands where it
//! does through the mailgate, messages leave the INBOX only once stored, over IMAPS and
//! STARTTLS, with and without the MOVE extension; a refused message stays; a wrong password
//! is a logged error.

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tocsin_app::config::ImapAccount;
use tocsin_app::imap::{self, AccountPass, ImapError};
use tocsin_domain::{Role, Timestamp};
use tocsin_storage::Engine;
use tracing::instrument::WithSubscriber as _;

use crate::Harness;
use crate::mail_api::{FIXTURES, Landed, assert_landed, fixture, routes};

const PASSWORD: &str = "imap-secret-42";

/// A dovecot of its own, stopped and removed on drop.
struct Dovecot {
    dir: PathBuf,
    child: Child,
    /// The IMAP port (STARTTLS).
    imap: u16,
    /// The IMAPS port.
    imaps: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn dovecot_binary() -> PathBuf {
    let known = Path::new("/usr/sbin/dovecot");
    if known.exists() {
        return known.to_path_buf();
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join("dovecot"))
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "dovecot is not installed: `apt-get install dovecot-imapd` (scripts/test \
                 installs it); the IMAP intake tests need a real IMAP server"
            )
        })
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A test CA and a server certificate for 127.0.0.1 signed by it (a self-signed leaf is
/// refused by rustls as a CA used as an end entity).
fn certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(Command::new("openssl")
        .current_dir(dir)
        .args(["req", "-x509"])
        .args(ec)
        .args(["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"])
        .args(["-subj", "/CN=tocsin test CA"]));
    run(Command::new("openssl")
        .current_dir(dir)
        .arg("req")
        .args(ec)
        .args(["-keyout", "server.key", "-out", "server.csr"])
        .args(["-subj", "/CN=127.0.0.1"]));
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n\
         subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .expect("ext");
    run(Command::new("openssl").current_dir(dir).args([
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]));
}

/// uid, gid and name of a system user, from /etc/passwd.
fn passwd_entry(want: impl Fn(&str, u32) -> bool) -> Option<(u32, u32, String)> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        let uid: u32 = f.get(2)?.parse().ok()?;
        let gid: u32 = f.get(3)?.parse().ok()?;
        want(f[0], uid).then(|| (uid, gid, f[0].to_string()))
    })
}

fn group_name(gid: u32) -> Option<String> {
    let text = std::fs::read_to_string("/etc/group").ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.get(2)?.parse::<u32>().ok()? == gid).then(|| f[0].to_string())
    })
}

impl Dovecot {
    /// Starts dovecot with user `desk` (password [`PASSWORD`]); `extra` is appended to
    /// its configuration.
    fn start(extra: &str) -> Dovecot {
        let binary = dovecot_binary();
        // Short: dovecot's sockets live under it and a socket path has at most 108 bytes.
        let dir = std::env::temp_dir().join(format!(
            "tdv-{}",
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        ));
        std::fs::create_dir_all(dir.join("run")).expect("dir");
        std::fs::create_dir_all(dir.join("mail")).expect("mail dir");
        certificates(&dir);
        let me = std::fs::metadata(&dir).expect("meta");
        // Root runs dovecot's processes as its own users (it refuses mail access as root);
        // anyone else runs them all as themselves.
        let (internal, login, mail_uid, mail_gid) = if me.uid() == 0 {
            let dovecot = passwd_entry(|n, _| n == "dovecot")
                .expect("the dovecot user (installed with dovecot-core)");
            let (uid, gid) = (dovecot.0, dovecot.1);
            std::os::unix::fs::chown(dir.join("mail"), Some(uid), Some(gid)).expect("chown");
            let group = group_name(gid).expect("dovecot's group");
            ((dovecot.2, group), "dovenull".to_string(), uid, gid)
        } else {
            let user =
                passwd_entry(|_, uid| uid == me.uid()).expect("the current user in /etc/passwd");
            let group = group_name(me.gid()).expect("the current group");
            ((user.2.clone(), group), user.2, me.uid(), me.gid())
        };
        let d = dir.display();
        std::fs::write(
            dir.join("users"),
            format!("desk:{{PLAIN}}{PASSWORD}:{mail_uid}:{mail_gid}::{d}/mail/desk\n"),
        )
        .expect("users");
        let (imap, imaps) = (free_port(), free_port());
        let conf = format!(
            r#"base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_internal_user = {iu}
default_internal_group = {ig}
default_login_user = {login}
first_valid_uid = 1
ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
disable_plaintext_auth = yes
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/users
}}
mail_location = maildir:{d}/mail/%u
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {iu}
  }}
  unix_listener stats-writer {{
    user = {iu}
  }}
}}
{extra}
"#,
            iu = internal.0,
            ig = internal.1,
        );
        std::fs::create_dir_all(dir.join("state")).expect("state");
        std::fs::write(dir.join("dovecot.conf"), conf).expect("conf");
        let child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(dir.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("stderr.log")).expect("stderr"))
            .spawn()
            .expect("start dovecot");
        let mut dovecot = Dovecot {
            dir,
            child,
            imap,
            imaps,
        };
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let up = [imap, imaps]
                .iter()
                .all(|p| std::net::TcpStream::connect(("127.0.0.1", *p)).is_ok());
            if up {
                break;
            }
            if let Ok(Some(status)) = dovecot.child.try_wait() {
                panic!("dovecot exited ({status}): {}", dovecot.logs());
            }
            assert!(
                Instant::now() < until,
                "dovecot did not listen: {}",
                dovecot.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        dovecot
    }

    fn logs(&self) -> String {
        let read = |n: &str| std::fs::read_to_string(self.dir.join(n)).unwrap_or_default();
        format!("{}{}", read("stderr.log"), read("dovecot.log"))
    }

    /// The account of user `desk` over `tls` (`tls` or `starttls`).
    fn account(&self, tls: &str) -> ImapAccount {
        ImapAccount {
            host: "127.0.0.1".into(),
            port: Some(if tls == "tls" { self.imaps } else { self.imap }),
            tls: tls.into(),
            username: "desk".into(),
            password: PASSWORD.into(),
            ca_file: Some(self.dir.join("ca.pem")),
            desk_account: "mailgate@cert.example.tw".into(),
            ..ImapAccount::default()
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its children; SIGKILL if it does not in time.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Appends `messages` to `folder` over IMAP, as a mail server's delivery would.
async fn append(account: &ImapAccount, folder: &str, messages: &[Vec<u8>]) {
    let mut s = imap::connect(account).await.expect("connect to append");
    for m in messages {
        s.append(folder, None, None, m).await.expect("APPEND");
    }
    s.logout().await.expect("logout");
}

/// How many messages each folder holds (a folder that does not exist holds none).
async fn counts(account: &ImapAccount, folders: &[&str]) -> Vec<u32> {
    let mut s = imap::connect(account).await.expect("connect");
    let mut out = Vec::new();
    for f in folders {
        out.push(s.examine(f).await.map(|m| m.exists).unwrap_or(0));
    }
    s.logout().await.expect("logout");
    out
}

/// A harness whose IMAP accounts are `accounts`, with the desk's routes, the desk account
/// the poller hands over as and the intel partner of the fixtures.
async fn harness(
    engine: Engine,
    accounts: Vec<ImapAccount>,
    tweak: impl FnOnce(&mut tocsin_server::Config),
) -> Option<Harness> {
    let h = Harness::with_config(engine, |c| {
        routes(c);
        c.intake.imap = accounts;
        tweak(c);
    })
    .await?;
    h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
    h.user("partner@isac.example.tw", &[Role::Partner]).await;
    Some(h)
}

fn one_pass(reports: Vec<imap::PassReport>) -> AccountPass {
    assert_eq!(reports.len(), 1);
    let r = reports.into_iter().next().expect("one account");
    r.result.unwrap_or_else(|e| panic!("{}: {e}", r.account))
}

/// The messages of every fixture, the reply rewritten to answer the case the first one
/// (multipart-attachments.eml) becomes: the first incident of a fresh store this year.
fn fixture_messages() -> Vec<(&'static str, Vec<u8>)> {
    let case = format!("INC-{}-000001", Timestamp::now().year());
    FIXTURES
        .iter()
        .map(|name| {
            let raw = fixture(name);
            let raw = if *name == "reply-tracking.eml" {
                String::from_utf8(raw)
                    .expect("utf-8")
                    .replace("INC-2026-000123", &case)
                    .into_bytes()
            } else {
                raw
            };
            (*name, raw)
        })
        .collect()
}

macro_rules! imap_tests {
    ($(async fn $name:ident($engine:ident: Engine) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($engine: Engine) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body(Engine::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                body(Engine::Postgres).await
            }
        }
    )*};
}

imap_tests! {
    async fn every_fixture_lands_over_imaps_and_leaves_the_inbox_once_stored(engine: Engine) {
        let dovecot = Dovecot::start("");
        let account = dovecot.account("tls");
        let Some(h) = harness(engine, vec![account.clone()], |_| {}).await else { return };
        let messages = fixture_messages();
        append(&account, "INBOX", &messages.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>()).await;
        assert_eq!(counts(&account, &["INBOX", "Processed"]).await, [messages.len() as u32, 0]);

        let pass = one_pass(imap::poll_once(&h.state).await);
        assert_eq!((pass.moved, pass.duplicates), (messages.len(), 0), "{pass:?}");
        assert!(pass.left.is_empty(), "{pass:?}");
        assert_eq!(counts(&account, &["INBOX", "Processed"]).await, [0, messages.len() as u32], "the processed folder was created and holds them all");

        let rows = h.state.store.list_inbound(None, 100).await.expect("inbound");
        assert_eq!(rows.len(), messages.len());
        let limits = tocsin_formats::mail_in::Limits::default();
        for (name, raw) in &messages {
            // Matched by sender and subject: IMAP may hand back other line endings.
            let mail = tocsin_formats::mail_in::parse(raw, None, &limits).expect("fixture parses");
            let from = mail.from.as_ref().map(|f| f.email.clone()).unwrap_or_default();
            let row = rows.iter().find(|r| r.0.from_email == from && r.0.subject == mail.subject)
                .unwrap_or_else(|| panic!("{name} was not stored: {rows:?}"));
            assert_landed(&h, name, raw, &Landed::of_row(row)).await;
        }
        let audit = h.state.store.list_audit(&tocsin_storage::AuditFilter { limit: 500, ..Default::default() }).await.expect("audit");
        let received: Vec<_> = audit.iter().filter(|e| e.action == "mail.receive").collect();
        assert_eq!(received.len(), messages.len());
        assert!(received.iter().all(|e| e.actor == "mailgate@cert.example.tw" && e.ip == "imap:127.0.0.1"), "handed over as the desk account: {received:?}");

        // A second pass finds nothing and stores nothing.
        let outbox = h.state.store.list_outbox(1000).await.expect("outbox").len();
        let again = one_pass(imap::poll_once(&h.state).await);
        assert_eq!((again.moved, again.left.len()), (0, 0), "{again:?}");
        assert_eq!(h.state.store.list_inbound(None, 100).await.expect("inbound").len(), messages.len());
        assert_eq!(h.state.store.list_outbox(1000).await.expect("outbox").len(), outbox, "no second acknowledgment");

        // A message stored before its move was interrupted comes back: moved, not stored twice.
        append(&account, "INBOX", &[messages[1].1.clone()]).await;
        let third = one_pass(imap::poll_once(&h.state).await);
        assert_eq!((third.moved, third.duplicates), (1, 1), "{third:?}");
        assert_eq!(h.state.store.list_inbound(None, 100).await.expect("inbound").len(), messages.len());
        assert_eq!(counts(&account, &["INBOX"]).await, [0]);
    }

    async fn starttls_without_move_copies_then_expunges(engine: Engine) {
        // A server without MOVE and UIDPLUS: the poller falls back to COPY, \Deleted, EXPUNGE.
        let dovecot = Dovecot::start("imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+\n");
        let account = ImapAccount {
            processed_folder: "Intake-done".into(),
            folders: vec!["INBOX".into(), "Reports".into()],
            ..dovecot.account("starttls")
        };
        let Some(h) = harness(engine, vec![account.clone()], |_| {}).await else { return };
        let mut s = imap::connect(&account).await.expect("connect");
        let caps = s.capabilities().await.expect("caps");
        assert!(!caps.has_str("MOVE") && !caps.has_str("UIDPLUS"), "the server offers neither");
        s.create("Reports").await.expect("create");
        s.logout().await.expect("logout");
        append(&account, "INBOX", &[fixture("big5-body.eml")]).await;
        append(&account, "Reports", &[fixture("html-only.eml")]).await;

        let pass = one_pass(imap::poll_once(&h.state).await);
        assert_eq!((pass.moved, pass.left.len()), (2, 0), "{pass:?}");
        assert_eq!(counts(&account, &["INBOX", "Reports", "Intake-done"]).await, [0, 0, 2]);
        let rows = h.state.store.list_inbound(None, 10).await.expect("inbound");
        for name in ["big5-body.eml", "html-only.eml"] {
            let raw = fixture(name);
            let mail = tocsin_formats::mail_in::parse(&raw, None, &Default::default()).expect("parses");
            let row = rows.iter().find(|r| r.0.subject == mail.subject).unwrap_or_else(|| panic!("{name}: {rows:?}"));
            assert_landed(&h, name, &raw, &Landed::of_row(row)).await;
        }
    }

    async fn a_message_intake_refuses_stays_in_the_inbox(engine: Engine) {
        let dovecot = Dovecot::start("");
        let account = dovecot.account("tls");
        let Some(h) = harness(engine, vec![account.clone()], |c| c.intake.max_bytes = 8 * 1024).await else { return };
        // Logs pasted into a mail: larger than intake takes.
        let mut big = String::from("From: it@hospital.example.tw\r\nTo: report@cert.example.tw\r\nSubject: logs\r\nMessage-ID: <big@hospital.example.tw>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        for i in 0..200 {
            big.push_str(&format!("{i:04} {}\r\n", "log line ".repeat(8)));
        }
        append(&account, "INBOX", &[big.into_bytes(), fixture("html-only.eml")]).await;

        for round in 0..2 {
            let pass = one_pass(imap::poll_once(&h.state).await);
            assert_eq!(pass.moved, 1 - round, "{pass:?}");
            assert_eq!(pass.left.len(), 1, "{pass:?}");
            let (folder, _, why) = &pass.left[0];
            assert_eq!(folder, "INBOX");
            assert!(why.contains("more than 8192"), "the reason is intake's: {why}");
            assert_eq!(counts(&account, &["INBOX", "Processed"]).await, [1, 1], "round {round}");
        }
        // Nothing of the refused message was stored; the other one was.
        let rows = h.state.store.list_inbound(None, 10).await.expect("inbound");
        assert_eq!(rows.iter().map(|r| r.0.subject.as_str()).collect::<Vec<_>>(), ["suspicious"]);
        // What is left is the refused message itself, unread.
        let mut s = imap::connect(&account).await.expect("connect");
        s.select("INBOX").await.expect("select");
        let left: Vec<_> = futures::TryStreamExt::try_collect(s.fetch("1", "(FLAGS RFC822.SIZE)").await.expect("fetch")).await.expect("fetch");
        assert!(left[0].size.is_some_and(|n| n > 8 * 1024), "{left:?}");
        assert!(!left[0].flags().any(|f| f == async_imap::types::Flag::Seen), "fetched with BODY.PEEK: still unread");
        s.logout().await.expect("logout");
    }

    async fn a_wrong_password_is_a_logged_error_and_touches_nothing(engine: Engine) {
        let dovecot = Dovecot::start("");
        let good = dovecot.account("tls");
        let wrong = ImapAccount { password: "not-the-password".into(), ..good.clone() };
        let stranger = ImapAccount { desk_account: "nobody@cert.example.tw".into(), ..good.clone() };
        let Some(h) = harness(engine, vec![wrong, stranger], |_| {}).await else { return };
        append(&good, "INBOX", &[fixture("big5-body.eml")]).await;

        let log = Arc::new(Mutex::new(Vec::<u8>::new()));
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || LogWriter(writer.clone()))
            .finish();
        let reports = imap::poll_once(&h.state).with_subscriber(subscriber).await;
        assert_eq!(reports.len(), 2);
        assert!(matches!(reports[0].result, Err(ImapError::Login { .. })), "{:?}", reports[0]);
        assert!(matches!(reports[1].result, Err(ImapError::DeskAccount(..))), "{:?}", reports[1]);
        let log = String::from_utf8(log.lock().expect("log").clone()).expect("utf-8");
        assert!(log.contains("ERROR") && log.contains("IMAP pass failed") && log.contains("login refused for desk"), "{log}");
        assert!(log.contains("desk_account nobody@cert.example.tw: no such account"), "{log}");
        assert!(!log.contains(PASSWORD) && !log.contains("not-the-password"), "no password in the log");
        assert_eq!(counts(&good, &["INBOX"]).await, [1]);
        assert!(h.state.store.list_inbound(None, 10).await.expect("inbound").is_empty());
    }

    async fn the_worker_polls_until_stopped(engine: Engine) {
        let dovecot = Dovecot::start("");
        let account = ImapAccount { poll_seconds: 1, ..dovecot.account("tls") };
        let Some(h) = harness(engine, vec![account.clone()], |_| {}).await else { return };
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let handles = imap::spawn(&h.state, stop);
        assert_eq!(handles.len(), 1);
        // Mail delivered while the poller runs is taken within a poll or two.
        append(&account, "INBOX", &[fixture("html-only.eml")]).await;
        let until = Instant::now() + Duration::from_secs(20);
        while h.state.store.list_inbound(None, 10).await.expect("inbound").is_empty() {
            assert!(Instant::now() < until, "not polled: {}", dovecot.logs());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let until = Instant::now() + Duration::from_secs(20);
        while counts(&account, &["INBOX"]).await != [0] {
            assert!(Instant::now() < until, "not moved");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        stop_tx.send(true).expect("stop");
        for handle in handles {
            tokio::time::timeout(Duration::from_secs(10), handle).await.expect("stops").expect("no panic");
        }
    }
}

/// A `tracing` writer into a shared buffer, to read what the poller logged.
struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

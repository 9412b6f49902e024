//! Postfix in front of the mailgate, set up exactly as `docs/mail-intake.md` says: the
//! blocks of that page marked `tested` are read from it and written, with the few
//! substitutions the page lists, into a private Postfix instance (`postfix -c DIR`), which
//! takes real messages on an SMTP port and pipes them to the real binary against a running
//! server. What is checked is what an operator would see: what tocsin stored and routed,
//! and what Postfix logged and kept in its queue.
//!
//! Needs root and Debian's `postfix` with a `tocsin` system user (`scripts/test setup`
//! installs both); without them the test fails and says so.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use tocsin_storage::Engine;
use tocsin_storage::testing::TestStore;

use crate::{BIN, Server, TempDir, db, free_port, http, rt, run};

/// The operator's documentation: the configuration under test.
const DOCS: &str = include_str!("../../../../docs/mail-intake.md");

/// How long anything is waited for (Postfix's deliveries, its start).
const PATIENCE: Duration = Duration::from_secs(30);

/// `intake.max_bytes` of the docs' `tocsin.toml` (tocsin's default).
const MAX_BYTES: usize = 26_214_400;

/// `message_size_limit` of the docs' `main.cf`: max_bytes plus 64 KiB.
const MESSAGE_SIZE_LIMIT: usize = MAX_BYTES + 64 * 1024;

/// The block of the docs page marked `<!-- tested: NAME -->`: the fenced block right after
/// the marker, without its fences.
fn tested_block(name: &str) -> String {
    let marker = format!("<!-- tested: {name} -->");
    let at = DOCS
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/mail-intake.md has no {marker}"));
    let mut lines = DOCS[at + marker.len()..].lines().skip(1);
    let fence = lines.next().unwrap_or_default();
    assert!(
        fence.starts_with("```"),
        "{marker} must be followed by a fenced block, not {fence:?}"
    );
    let mut out = String::new();
    for line in lines {
        if line.starts_with("```") {
            return out;
        }
        out.push_str(line);
        out.push('\n');
    }
    panic!("the block after {marker} is not closed");
}

/// `text` with its one occurrence of `from` replaced: a substitution the docs page lists,
/// which must find what it replaces (else the page and the test drifted apart).
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "expected {from:?} exactly once in:\n{text}"
    );
    text.replacen(from, to, 1)
}

/// `main.cf` with the parameter `key` set to `value` (its one `key = …` line replaced).
fn set_param(main_cf: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key} =");
    let mut found = 0;
    let out: Vec<String> = main_cf
        .lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                found += 1;
                format!("{key} = {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_eq!(found, 1, "main.cf must set {key} exactly once:\n{main_cf}");
    out.join("\n") + "\n"
}

/// Root, Postfix and the pipe's user, or a failure that says how to get them.
fn require_postfix() -> (u32, u32) {
    const HOW: &str = "run `scripts/test setup` (as root): it installs Debian's postfix \
                       and creates the tocsin system user";
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    assert!(
        root,
        "the Postfix test starts a private Postfix instance and must run as root; {HOW}"
    );
    assert!(
        Path::new("/usr/sbin/postfix").exists(),
        "/usr/sbin/postfix is missing; {HOW}"
    );
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, "tocsin"])
            .output()
            .expect("run id");
        assert!(out.status.success(), "there is no user tocsin; {HOW}");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("a numeric id")
    };
    (id("-u"), id("-g"))
}

/// A private Postfix instance configured from the docs page; stopped and removed on drop,
/// panic included.
struct Postfix {
    dir: PathBuf,
    config: PathBuf,
    token_file: PathBuf,
    log: PathBuf,
    /// Where its smtpd listens.
    smtp: String,
    /// The pipe's user and group.
    owner: (u32, u32),
}

impl Postfix {
    /// Writes the instance for a server at `server` (host:port) and starts it.
    fn start(server: &str, token: &str) -> Postfix {
        let owner = require_postfix();
        // Under /var: maillog_file must start with one of maillog_file_prefixes.
        let dir = PathBuf::from(format!(
            "/var/tmp/tocsin-postfix-{}",
            uuid::Uuid::now_v7().simple()
        ));
        let config = dir.join("etc");
        std::fs::create_dir_all(&config).expect("instance dir");
        // The pipe runs as tocsin: it must reach the binary and the token file.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::create_dir(dir.join("queue")).expect("queue dir");
        std::fs::create_dir(dir.join("bin")).expect("bin dir");
        let bin = dir.join("bin/tocsin");
        if std::fs::hard_link(BIN, &bin).is_err() {
            std::fs::copy(BIN, &bin).expect("copy the binary");
        }
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let pf = Postfix {
            token_file: dir.join("mailgate.token"),
            log: dir.join("postfix.log"),
            smtp: format!("127.0.0.1:{}", free_port()),
            config,
            dir,
            owner,
        };
        pf.write_token(token);

        // The substitutions the docs page lists under "What the CI test changes".
        let mut main_cf = tested_block("main.cf");
        main_cf = set_param(&main_cf, "inet_interfaces", "127.0.0.1");
        for (key, path) in [
            ("queue_directory", pf.dir.join("queue")),
            ("data_directory", pf.dir.join("data")),
            ("maillog_file", pf.log.clone()),
        ] {
            main_cf = set_param(&main_cf, key, &path.display().to_string());
        }
        let mut entry = tested_block("master.cf");
        entry = replace_once(&entry, "/usr/local/bin/tocsin", &bin.display().to_string());
        entry = replace_once(
            &entry,
            "/etc/tocsin/mailgate.token",
            &pf.token_file.display().to_string(),
        );
        entry = replace_once(&entry, "http://127.0.0.1:8080", &format!("http://{server}"));
        let debian = std::fs::read_to_string("/etc/postfix/master.cf")
            .expect("Debian's /etc/postfix/master.cf (package postfix)");
        // Debian's `smtp inet … smtpd` line, its one uncommented service of type inet.
        let mut listens = 0;
        let mut master_cf: String = debian
            .lines()
            .map(|l| {
                let fields: Vec<&str> = l.split_whitespace().collect();
                if l.starts_with("smtp")
                    && fields.len() > 2
                    && fields[0] == "smtp"
                    && fields[1] == "inet"
                {
                    listens += 1;
                    format!("{}{}\n", pf.smtp, &l["smtp".len()..])
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        assert_eq!(
            listens, 1,
            "one smtp inet service in Debian's master.cf:\n{debian}"
        );
        master_cf.push_str(&entry);
        for (name, text) in [
            ("main.cf", main_cf),
            ("master.cf", master_cf),
            ("tocsin_recipients", tested_block("tocsin_recipients")),
            ("tocsin_transport", tested_block("tocsin_transport")),
        ] {
            std::fs::write(pf.config.join(name), text).expect("write the configuration");
        }
        let out = pf.command("postfix", &["start"]);
        assert!(out.0, "postfix start: {}\nlog:\n{}", out.1, pf.log_text());
        let deadline = Instant::now() + PATIENCE;
        while TcpStream::connect(&pf.smtp).is_err() {
            assert!(
                Instant::now() < deadline,
                "Postfix does not listen on {}:\n{}",
                pf.smtp,
                pf.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        pf
    }

    /// Writes the token file as the docs say: one line, mode 0600, owned by tocsin.
    fn write_token(&self, token: &str) {
        std::fs::write(&self.token_file, format!("{token}\n")).expect("token file");
        std::fs::set_permissions(&self.token_file, std::fs::Permissions::from_mode(0o600))
            .expect("chmod");
        std::os::unix::fs::chown(&self.token_file, Some(self.owner.0), Some(self.owner.1))
            .expect("chown");
    }

    /// Runs a Postfix command on this instance: (success, stdout and stderr).
    fn command(&self, program: &str, args: &[&str]) -> (bool, String) {
        let out = Command::new(format!("/usr/sbin/{program}"))
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    /// What `postqueue -p` lists.
    fn queue(&self) -> String {
        self.command("postqueue", &["-p"]).1
    }

    /// Asks Postfix to deliver its whole queue now.
    fn flush(&self) {
        let (ok, out) = self.command("postqueue", &["-f"]);
        assert!(ok, "postqueue -f: {out}");
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits for the log line of the delivery of `queue_id` to `rcpt` with `status`
    /// (sent, deferred, bounced) and returns it.
    fn wait_delivery(&self, queue_id: &str, rcpt: &str, status: &str) -> String {
        self.wait_delivery_saying(queue_id, rcpt, status, "")
    }

    /// As `wait_delivery`, for a line that also says `text` (the mailgate's stderr is in it).
    fn wait_delivery_saying(&self, queue_id: &str, rcpt: &str, status: &str, text: &str) -> String {
        let head = format!("{queue_id}: to=<{rcpt}>, relay=tocsin,");
        let status = format!("status={status} ");
        let deadline = Instant::now() + PATIENCE;
        loop {
            let log = self.log_text();
            let mut lines = log.lines().filter(|l| l.contains(&head));
            if let Some(line) = lines
                .clone()
                .find(|l| l.contains(&status) && l.contains(text))
            {
                return line.to_string();
            }
            // A bounce is final: no use waiting for anything else.
            if let Some(line) = lines.find(|l| l.contains("status=bounced ")) {
                panic!("{queue_id} to {rcpt} bounced, expected {status}: {line}\nlog:\n{log}");
            }
            assert!(
                Instant::now() < deadline,
                "no {status}for {queue_id} to {rcpt} saying {text:?} within {PATIENCE:?}; queue:\n{}\nlog:\n{log}",
                self.queue()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Sends one message over SMTP; returns its queue id.
    fn send(&self, sender: &str, rcpts: &[&str], message: &str) -> String {
        let mut smtp = Smtp::connect(&self.smtp);
        smtp.expect(&format!("MAIL FROM:<{sender}>"), "250");
        for r in rcpts {
            smtp.expect(&format!("RCPT TO:<{r}>"), "250");
        }
        smtp.expect("DATA", "354");
        let mut data = String::new();
        for line in message.lines() {
            if line.starts_with('.') {
                data.push('.');
            }
            data.push_str(line);
            data.push_str("\r\n");
        }
        data.push('.');
        let reply = smtp.expect(&data, "250");
        smtp.expect("QUIT", "221");
        reply
            .rsplit("queued as ")
            .next()
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty() && !id.contains(' '))
            .unwrap_or_else(|| panic!("no queue id in {reply:?}"))
    }

    /// The reply to `RCPT TO:<rcpt>` in an otherwise ordinary transaction.
    fn rcpt_reply(&self, rcpt: &str) -> String {
        let mut smtp = Smtp::connect(&self.smtp);
        smtp.expect("MAIL FROM:<reporter@hospital.example>", "250");
        let reply = smtp.command(&format!("RCPT TO:<{rcpt}>"));
        smtp.expect("QUIT", "221");
        reply
    }

    /// The reply to a `MAIL FROM` announcing a message of `size` bytes (RFC 1870).
    fn size_reply(&self, size: usize) -> String {
        let mut smtp = Smtp::connect(&self.smtp);
        let reply = smtp.command(&format!(
            "MAIL FROM:<reporter@hospital.example> SIZE={size}"
        ));
        smtp.expect("QUIT", "221");
        reply
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let (stopped, _) = self.command("postfix", &["stop"]);
        if !stopped {
            let _ = self.command("postfix", &["abort"]);
        }
        // The master process leaves within moments of `postfix stop`; its lock goes with it.
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.command("postfix", &["status"]).0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A minimal SMTP client (RFC 5321), enough for a test.
struct Smtp {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Smtp {
    fn connect(addr: &str) -> Smtp {
        let s = TcpStream::connect(addr).expect("connect to Postfix");
        s.set_read_timeout(Some(PATIENCE)).expect("timeout");
        let mut smtp = Smtp {
            reader: BufReader::new(s.try_clone().expect("clone")),
            writer: s,
        };
        let greeting = smtp.reply();
        assert!(greeting.starts_with("220"), "{greeting}");
        smtp.expect("EHLO client.example", "250");
        smtp
    }

    /// The whole (possibly multi-line) reply.
    fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("read a reply");
            assert!(n > 0, "the server closed the connection after {all:?}");
            all.push_str(&line);
            // `250-…` continues, `250 …` ends.
            if line.as_bytes().get(3) != Some(&b'-') {
                return all.trim_end().to_string();
            }
        }
    }

    fn command(&mut self, line: &str) -> String {
        self.writer
            .write_all(format!("{line}\r\n").as_bytes())
            .expect("write a command");
        self.reply()
    }

    fn expect(&mut self, line: &str, code: &str) -> String {
        let reply = self.command(line);
        let last = reply.lines().last().unwrap_or_default();
        assert!(
            last.starts_with(code),
            "{:?} answered {reply:?}, not {code}",
            line.lines().next().unwrap_or_default()
        );
        reply
    }
}

/// A plain UTF-8 message with a unique Message-ID.
fn message(from: &str, to: &str, subject: &str, body: &str) -> String {
    format!(
        "From: {from}\nTo: {to}\nSubject: {subject}\nDate: Mon, 07 Dec 2026 09:00:00 +0800\n\
         Message-ID: <{}@hospital.example>\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n",
        uuid::Uuid::now_v7().simple()
    )
}

/// What the server lists at `GET /api/v1/mail/inbound`.
fn inbound(server: &Server, token: &str) -> Vec<Value> {
    let auth = format!("Bearer {token}");
    let (status, body) = http(
        &server.addr,
        "GET",
        "/api/v1/mail/inbound",
        &[("Authorization", &auth)],
        "",
    )
    .expect("list inbound mail");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Value>(&body)
        .expect("json")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The stored messages with this subject.
fn with_subject(list: &[Value], subject: &str) -> Vec<Value> {
    list.iter()
        .filter(|m| m["subject"] == subject)
        .cloned()
        .collect()
}

/// The one stored message with this subject.
fn the_one(server: &Server, token: &str, subject: &str) -> Value {
    let list = inbound(server, token);
    let found = with_subject(&list, subject);
    assert_eq!(found.len(), 1, "one stored message {subject:?}: {list:#?}");
    found[0].clone()
}

/// Whether an acknowledgment (or anything) is queued in tocsin's outbox for `address`.
fn mailed_to(db: &TestStore, address: &str) -> bool {
    rt().block_on(db.store.list_outbox(1000))
        .expect("outbox")
        .iter()
        .any(|m| m.recipients.contains(address))
}

/// The desk account and its token, made as the docs page says.
fn desk_token(db: &TestStore) -> String {
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &db.url,
            "--email",
            "mailgate@cert.example",
            "--name",
            "Mail gate",
            "--roles",
            "analyst",
            "--no-password",
        ],
        &[],
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
            "mailgate@cert.example",
            "--name",
            "mailgate",
        ],
        &[],
        None,
    );
    assert!(ok, "create-token: {err}");
    out.trim().to_string()
}

#[test]
fn the_docs_tables_and_routes_name_the_same_addresses() {
    let toml = tested_block("tocsin.toml");
    let recipients = tested_block("tocsin_recipients");
    let listed: BTreeSet<&str> = recipients
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let routed: BTreeSet<&str> = toml.split('"').filter(|s| s.contains('@')).collect();
    assert_eq!(listed, routed, "relay_recipient_maps and intake.routes");
    assert!(
        toml.contains(&format!("max_bytes = {MAX_BYTES}\n")),
        "{toml}"
    );
    let main_cf = tested_block("main.cf");
    // message_size_limit: intake.max_bytes plus 64 KiB, as the page explains.
    assert!(
        main_cf.contains(&format!("message_size_limit = {MESSAGE_SIZE_LIMIT}\n")),
        "{main_cf}"
    );
    assert!(
        main_cf.contains("tocsin_destination_recipient_limit = 1\n"),
        "{main_cf}"
    );
    let entry = tested_block("master.cf");
    for needed in ["flags=DRq", "user=tocsin", "null_sender=", "--token-file"] {
        assert!(entry.contains(needed), "master.cf lacks {needed}: {entry}");
    }
}

#[test]
fn postfix_delivers_through_the_mailgate_on_sqlite() {
    postfix_end_to_end(Engine::Sqlite);
}

#[test]
fn postfix_delivers_through_the_mailgate_on_postgres() {
    postfix_end_to_end(Engine::Postgres);
}

fn postfix_end_to_end(engine: Engine) {
    require_postfix();
    let Some(db) = db(engine) else { return };
    let token = desk_token(&db);
    let data = TempDir::new();
    let config = data.0.join("tocsin.toml");
    std::fs::write(&config, tested_block("tocsin.toml")).expect("config");
    let config = config.display().to_string();
    let env = [
        ("TOCSIN_CONFIG", config.as_str()),
        ("TOCSIN_MAIL_WORKER", "off"),
    ];
    let mut server = Server::start(&db.url, &data.0, &env);
    let pf = Postfix::start(&server.addr, &token);

    // Only the desk addresses are taken, and nothing is relayed anywhere else.
    let reply = pf.rcpt_reply("nobody@cert.example");
    assert!(reply.starts_with("550"), "{reply}");
    let reply = pf.rcpt_reply("someone@elsewhere.example");
    assert!(
        reply.starts_with("554") && reply.contains("Relay access denied"),
        "{reply}"
    );
    // Larger than message_size_limit: refused before any data is sent.
    let reply = pf.size_reply(MESSAGE_SIZE_LIMIT + 1);
    assert!(reply.starts_with("552"), "{reply}");

    // (a) A report to the incident desk: stored, a case, an acknowledgment.
    let subject = "Ransomware on our file server";
    let id = pf.send(
        "it@hospital.example",
        &["incident@cert.example"],
        &message(
            "Hospital IT <it@hospital.example>",
            "incident@cert.example",
            subject,
            "Our file server is encrypted since 03:00; ransom note attached.\n醫院檔案伺服器遭勒索軟體加密。",
        ),
    );
    let line = pf.wait_delivery(&id, "incident@cert.example", "sent");
    assert!(
        line.contains("INC-"),
        "the mailgate's answer is logged: {line}"
    );
    let m = the_one(&server, &token, subject);
    assert_eq!(m["status"], "created", "{m:#}");
    assert_eq!(m["route"], "incident", "{m:#}");
    assert!(
        m["target"].as_str().is_some_and(|t| t.starts_with("INC-")),
        "{m:#}"
    );
    assert_eq!(m["envelope_sender"], "it@hospital.example", "{m:#}");
    assert_eq!(m["recipient"], "incident@cert.example", "{m:#}");
    assert!(
        mailed_to(&db, "it@hospital.example"),
        "the reporter is acknowledged"
    );

    // (b) A bounce (null sender) that looks like any message: null_sender= passes the
    // empty sender, so it is stored, ignored, and never answered.
    let subject = "Returned mail: see transcript for details";
    let id = pf.send(
        "",
        &["incident@cert.example"],
        &message(
            "Clinic front desk <desk@clinic.example>",
            "incident@cert.example",
            subject,
            "The message you sent could not be delivered.",
        ),
    );
    pf.wait_delivery(&id, "incident@cert.example", "sent");
    let m = the_one(&server, &token, subject);
    assert_eq!(m["status"], "ignored", "{m:#}");
    assert_eq!(m["envelope_sender"], "", "not MAILER-DAEMON: {m:#}");
    assert!(
        m["reason"].as_str().is_some_and(|r| r.contains("bounce")),
        "{m:#}"
    );
    assert!(
        !mailed_to(&db, "desk@clinic.example"),
        "a bounce is never answered"
    );

    // (d) The server is down: Postfix defers, stores nothing, keeps the messages; once the
    // server is back, a flush delivers each exactly once.
    let addr = server.addr.clone();
    server.kill9();
    let subjects = ["Outage report 1", "Outage report 2", "Outage report 3"];
    let mut ids = Vec::new();
    for (n, subject) in subjects.iter().enumerate() {
        let from = format!("noc{n}@isp.example");
        ids.push(pf.send(
            &from,
            &["incident@cert.example"],
            &message(
                &from,
                "incident@cert.example",
                subject,
                "Our routers are down.",
            ),
        ));
    }
    for id in &ids {
        pf.wait_delivery(id, "incident@cert.example", "deferred");
    }
    let queue = pf.queue();
    for id in &ids {
        assert!(queue.contains(id.as_str()), "{id} is queued:\n{queue}");
    }
    let stored = rt()
        .block_on(db.store.list_inbound(None, 1000))
        .expect("list");
    for subject in subjects {
        assert!(
            stored.iter().all(|(m, _)| m.subject != subject),
            "{subject} stored while the server was down"
        );
    }
    server = Server::start_on(&addr, &db.url, &data.0, &env);
    pf.flush();
    for id in &ids {
        pf.wait_delivery(id, "incident@cert.example", "sent");
    }
    for subject in subjects {
        let m = the_one(&server, &token, subject);
        assert_eq!(m["status"], "created", "{m:#}");
    }

    // (e) A wrong token is the gate's fault, not the sender's: the message stays queued,
    // nothing is bounced; with the token fixed, a flush delivers it.
    pf.write_token("tocsin_this-is-not-a-token");
    let subject = "Defaced web site";
    let id = pf.send(
        "webmaster@school.example",
        &["incident@cert.example"],
        &message(
            "webmaster@school.example",
            "incident@cert.example",
            subject,
            "Our home page shows someone else's banner.",
        ),
    );
    pf.wait_delivery_saying(&id, "incident@cert.example", "deferred", "(401)");
    assert!(pf.queue().contains(id.as_str()), "{}", pf.queue());
    assert!(
        with_subject(&inbound(&server, &token), subject).is_empty(),
        "stored with a wrong token"
    );
    // The right token in a file others can read: refused too, still queued.
    pf.write_token(&token);
    std::fs::set_permissions(&pf.token_file, std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    pf.flush();
    pf.wait_delivery_saying(
        &id,
        "incident@cert.example",
        "deferred",
        "readable by others",
    );
    assert!(pf.queue().contains(id.as_str()), "{}", pf.queue());
    pf.write_token(&token);
    pf.flush();
    pf.wait_delivery(&id, "incident@cert.example", "sent");
    the_one(&server, &token, subject);

    // (g) Plus addresses (recipient_delimiter = +): Postfix accepts incident+tag@ for the
    // listed incident@, passes the whole address, and tocsin routes it like its base.
    let subject = "Phishing kit found on our server";
    let id = pf.send(
        "admin@university.example",
        &["incident+urgent@cert.example"],
        &message(
            "admin@university.example",
            "incident+urgent@cert.example",
            subject,
            "Someone uploaded a phishing kit to /tmp on our web server.",
        ),
    );
    pf.wait_delivery(&id, "incident+urgent@cert.example", "sent");
    let m = the_one(&server, &token, subject);
    assert_eq!(m["status"], "created", "{m:#}");
    assert_eq!(m["route"], "incident", "{m:#}");

    // (f) Larger than intake.max_bytes but within message_size_limit: tocsin refuses it
    // (exit 65) and Postfix returns it to its sender with tocsin's reason.
    let line = "x".repeat(998);
    let lines = (MAX_BYTES + 10_000) / (line.len() + 1);
    let big_body = vec![line.as_str(); lines].join("\n");
    let big = message(
        "big@hospital.example",
        "incident@cert.example",
        "Full packet capture",
        &big_body,
    );
    assert!(big.len() > MAX_BYTES && big.len() + 1_000 < MESSAGE_SIZE_LIMIT);
    let oversize = pf.send("big@hospital.example", &["incident@cert.example"], &big);
    let line = pf.wait_delivery(&oversize, "incident@cert.example", "bounced");
    assert!(
        line.contains("data format error") && line.contains(&MAX_BYTES.to_string()),
        "the sender is told why: {line}"
    );
    assert!(with_subject(&inbound(&server, &token), "Full packet capture").is_empty());

    // (c) One message to two desks: two pipe runs (one recipient each), one stored
    // message, one delivery per recipient, each routed.
    let subject = "Fake bank login page, also a possible incident";
    let id = pf.send(
        "soc@bank.example",
        &["incident@cert.example", "phishing@cert.example"],
        &message(
            "Bank SOC <soc@bank.example>",
            "incident@cert.example, phishing@cert.example",
            subject,
            "Customers were sent to https://login.examp1e-bank.example/verify today.",
        ),
    );
    pf.wait_delivery(&id, "incident@cert.example", "sent");
    pf.wait_delivery(&id, "phishing@cert.example", "sent");
    let m = the_one(&server, &token, subject);
    let deliveries = m["deliveries"].as_array().cloned().unwrap_or_default();
    let seen: BTreeSet<(String, String, String)> = deliveries
        .iter()
        .map(|d| {
            (
                d["recipient"].as_str().unwrap_or_default().to_string(),
                d["route"].as_str().unwrap_or_default().to_string(),
                d["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("incident@cert.example", "incident"),
        ("phishing@cert.example", "phishing"),
    ]
    .iter()
    .map(|(r, q)| (r.to_string(), q.to_string(), "created".to_string()))
    .collect();
    assert_eq!(deliveries.len(), 2, "{m:#}");
    assert_eq!(seen, want, "{m:#}");
    for d in &deliveries {
        let prefix = if d["route"] == "phishing" {
            "PHI-"
        } else {
            "INC-"
        };
        assert!(
            d["target"].as_str().is_some_and(|t| t.starts_with(prefix)),
            "each route made its own case: {m:#}"
        );
    }

    // Nothing but the oversize message was bounced, and nothing for the desks is left in
    // the queue (the oversize message's bounce may wait there: its sender's domain does
    // not resolve).
    let log = pf.log_text();
    for line in log.lines() {
        if line.contains("relay=tocsin") && line.contains("status=bounced") {
            assert!(line.contains(&oversize), "bounced: {line}");
        }
    }
    let queue = pf.queue();
    assert!(!queue.contains("@cert.example"), "{queue}");
    drop(server);
}

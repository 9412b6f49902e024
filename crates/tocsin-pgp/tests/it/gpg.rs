//! The GnuPG round trips. gpg is required (`scripts/test setup` installs `gnupg`): a
//! missing gpg fails these tests rather than skipping them.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use tocsin_pgp::{DeskKey, PublicCert, wkd_hash};

/// A fixed signing time (2026-12-07T16:30:00Z, 00:30 in Taipei): signatures are dated by
/// the caller's clock.
const AT: u32 = 1_796_661_000;

/// A throw-away GnuPG home; its agent is stopped when it is dropped.
struct Gpg {
    home: PathBuf,
}

impl Gpg {
    fn new() -> Gpg {
        static N: AtomicUsize = AtomicUsize::new(0);
        let home = std::env::temp_dir().join(format!(
            "tocsin-gpg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).expect("GNUPGHOME");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        }
        Gpg { home }
    }

    /// Runs gpg with `args` and `input` on stdin; returns (status ok, stdout, stderr).
    fn run(&self, args: &[&str], input: &[u8]) -> (bool, Vec<u8>, String) {
        let mut child = Command::new("gpg")
            .env("GNUPGHOME", &self.home)
            .args([
                "--batch",
                "--no-tty",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
            ])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gpg is installed (Debian package gnupg)");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write to gpg");
        let out = child.wait_with_output().expect("gpg ran");
        (
            out.status.success(),
            out.stdout,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// A new Curve25519 key for `uid` (ed25519 signing, cv25519 encryption); its
    /// fingerprint.
    fn generate(&self, uid: &str) -> String {
        let (ok, _, err) = self.run(
            &[
                "--quick-generate-key",
                uid,
                "future-default",
                "default",
                "never",
            ],
            b"",
        );
        assert!(ok, "gpg key generation: {err}");
        let (_, out, _) = self.run(&["--with-colons", "--list-keys", uid], b"");
        String::from_utf8_lossy(&out)
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .expect("fingerprint")
            .to_string()
    }

    fn export(&self, uid: &str) -> Vec<u8> {
        let (ok, out, err) = self.run(&["--armor", "--export", uid], b"");
        assert!(ok && !out.is_empty(), "gpg export: {err}");
        out
    }

    fn import(&self, key: &str) {
        let (ok, _, err) = self.run(&["--import"], key.as_bytes());
        assert!(ok, "gpg import: {err}");
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", &self.home)
            .args(["--kill", "all"])
            .status();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn desk() -> DeskKey {
    DeskKey::generate("TWCERT Desk <desk@cert.example.tw>", AT, "").expect("desk key")
}

/// A `[GNUPG:] NAME args` status line of `--status-fd`.
fn status_line(status: &str, name: &str) -> Option<String> {
    status.lines().find_map(|l| {
        l.strip_prefix(&format!("[GNUPG:] {name} "))
            .map(str::to_string)
    })
}

#[test]
fn gpg_decrypts_and_verifies_what_the_desk_encrypts() {
    let gpg = Gpg::new();
    gpg.generate("Reporter <reporter@example.org>");
    let reporter = PublicCert::parse(&gpg.export("reporter@example.org")).expect("reporter key");
    assert!(reporter.has_address("Reporter@Example.org"));
    let desk = desk();
    gpg.import(&desk.public().armored().expect("armor"));
    let text = "事件通報 INC-2026-000123：已受理。\r\nThe report was received.\r\n";
    let armored = desk
        .encrypt_signed(text.as_bytes(), &[&reporter], AT)
        .expect("encrypt");
    assert!(armored.starts_with("-----BEGIN PGP MESSAGE-----"));
    let (ok, plain, status) = gpg.run(
        &["--status-fd", "2", "--trust-model", "always", "--decrypt"],
        armored.as_bytes(),
    );
    assert!(ok, "gpg --decrypt: {status}");
    assert_eq!(String::from_utf8_lossy(&plain), text);
    let valid = status_line(&status, "VALIDSIG").expect("a valid signature");
    assert!(valid.starts_with(&desk.fingerprint()), "{valid}");
    assert!(status.contains("[GNUPG:] DECRYPTION_OKAY"), "{status}");
}

#[test]
fn the_desk_reads_what_gpg_encrypts_and_signs() {
    let gpg = Gpg::new();
    let fpr = gpg.generate("Reporter <reporter@example.org>");
    let reporter = PublicCert::parse(&gpg.export("reporter@example.org")).expect("reporter key");
    assert_eq!(reporter.fingerprint(), fpr);
    let desk = desk();
    gpg.import(&desk.public().armored().expect("armor"));
    let text = "網站遭入侵，附上紀錄。\nOur site was defaced.\n";
    let (ok, cipher, err) = gpg.run(
        &[
            "--trust-model",
            "always",
            "--armor",
            "--encrypt",
            "--sign",
            "--local-user",
            "reporter@example.org",
            "--recipient",
            "desk@cert.example.tw",
        ],
        text.as_bytes(),
    );
    assert!(ok, "gpg --encrypt --sign: {err}");
    let open = desk
        .decrypt(&cipher, std::slice::from_ref(&reporter))
        .expect("decrypt");
    assert_eq!(String::from_utf8_lossy(&open.data), text);
    assert!(open.signed);
    assert_eq!(open.signer.as_deref(), Some(fpr.as_str()));

    // Without the sender's key the signature proves nothing: read, but no signer.
    let unknown = desk.decrypt(&cipher, &[]).expect("decrypt");
    assert!(unknown.signed);
    assert_eq!(unknown.signer, None);

    // Encrypted only, binary (not armored): read too.
    let (ok, binary, err) = gpg.run(
        &[
            "--trust-model",
            "always",
            "--encrypt",
            "--recipient",
            "desk@cert.example.tw",
        ],
        text.as_bytes(),
    );
    assert!(ok, "{err}");
    let open = desk.decrypt(&binary, &[reporter]).expect("decrypt binary");
    assert_eq!(String::from_utf8_lossy(&open.data), text);
    assert!(!open.signed);

    // Not for the desk: refused, not misread.
    let other = DeskKey::generate("Other <other@example.org>", AT, "").expect("key");
    assert!(other.decrypt(&cipher, &[]).is_err());
}

#[test]
fn gpg_verifies_the_desks_clear_signed_text_and_detached_signatures() {
    let gpg = Gpg::new();
    let desk = desk();
    gpg.import(&desk.public().armored().expect("armor"));
    let text = "Contact: mailto:desk@cert.example.tw\n- a line that needs dash-escaping\n";
    let signed = desk.clearsign(text, AT).expect("clearsign");
    assert!(signed.starts_with("-----BEGIN PGP SIGNED MESSAGE-----"));
    let (ok, _, status) = gpg.run(
        &["--status-fd", "2", "--trust-model", "always", "--verify"],
        signed.as_bytes(),
    );
    assert!(ok, "gpg --verify: {status}");
    assert!(status_line(&status, "VALIDSIG").is_some_and(|v| v.starts_with(&desk.fingerprint())));
    // The desk's own check agrees, and a changed text fails both.
    assert!(desk.public().verify_cleartext(&signed).is_ok());
    let forged = signed.replace("desk@", "evil@");
    assert!(desk.public().verify_cleartext(&forged).is_err());
    let (ok, _, _) = gpg.run(&["--trust-model", "always", "--verify"], forged.as_bytes());
    assert!(!ok, "gpg accepted a changed text");

    let data = b"Content-Type: text/plain; charset=utf-8\r\n\r\nhello";
    let sig = desk.sign_detached(data, AT).expect("sign");
    assert!(desk.public().verify_detached(data, &sig));
    assert!(!desk.public().verify_detached(b"other", &sig));
    let dir = gpg.home.join("detached");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("data"), data).expect("data");
    std::fs::write(dir.join("data.asc"), &sig).expect("sig");
    let (ok, _, status) = gpg.run(
        &[
            "--status-fd",
            "2",
            "--verify",
            dir.join("data.asc").to_str().expect("path"),
            dir.join("data").to_str().expect("path"),
        ],
        b"",
    );
    assert!(ok, "gpg --verify detached: {status}");
}

#[test]
fn wkd_hash_is_gpgs() {
    let gpg = Gpg::new();
    gpg.generate("Joe Doe <Joe.Doe@Example.ORG>");
    let (ok, out, err) = gpg.run(
        &["--with-wkd-hash", "--list-keys", "Joe.Doe@Example.ORG"],
        b"",
    );
    assert!(ok, "{err}");
    let out = String::from_utf8_lossy(&out);
    let expected = format!("{}@example.org", wkd_hash("Joe.Doe"));
    assert!(out.contains(&expected), "{expected} not in:\n{out}");
}

#[test]
fn a_locked_key_needs_its_passphrase() {
    let key = DeskKey::generate("Desk <desk@cert.example.tw>", AT, "correct horse").expect("key");
    let armored = key.secret_armored().expect("armor");
    assert!(matches!(
        DeskKey::parse(armored.as_bytes(), "wrong"),
        Err(tocsin_pgp::PgpError::Locked)
    ));
    let again = DeskKey::parse(armored.as_bytes(), "correct horse").expect("unlocks");
    assert_eq!(again.fingerprint(), key.fingerprint());
    assert!(DeskKey::parse(b"not a key", "").is_err());
}

//! A clamd of the benchmark's own, on a Unix socket in a temp folder, with the tiny
//! signature database the repository ships for the tests (`tests/clamav`): what the
//! Virus Check tests start too.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running clamd, stopped when dropped.
pub struct Clamd {
    child: Child,
    /// Its socket.
    pub socket: PathBuf,
    /// Its configuration file (for `clamdscan -c`).
    pub conf: PathBuf,
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts clamd with its files in `dir`; waits until it answers `PING`.
pub fn start(dir: &Path) -> anyhow::Result<Clamd> {
    let sigs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/clamav");
    std::fs::create_dir_all(dir)?;
    let socket = dir.join("clamd.sock");
    let conf = dir.join("clamd.conf");
    std::fs::write(
        &conf,
        format!(
            "DatabaseDirectory {sigs}\nLocalSocket {}\nForeground yes\nTemporaryDirectory {}\n\
             LogFile {}\nStreamMaxLength 64M\n",
            socket.display(),
            dir.display(),
            dir.join("clamd.log").display()
        ),
    )?;
    let bin = ["/usr/sbin/clamd", "clamd"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok())
        .ok_or_else(|| anyhow::anyhow!("clamd is not installed (Debian's clamav-daemon)"))?;
    let child = Command::new(bin)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let clamd = Clamd {
        child,
        socket,
        conf,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(mut s) = std::os::unix::net::UnixStream::connect(&clamd.socket) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"zPING\0");
            let mut buf = [0u8; 16];
            if s.read(&mut buf)
                .is_ok_and(|n| buf[..n].starts_with(b"PONG"))
            {
                return Ok(clamd);
            }
        }
        if Instant::now() > deadline {
            anyhow::bail!("clamd did not start");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

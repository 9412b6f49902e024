//! Archives in Virus Check: which files are opened (zip, gzip, tar), how far (the
//! [`Limits`] of depth, member count and bytes unpacked, kept by a [`Budget`] as the
//! reader goes, so nothing is unpacked past them), the password tried on encrypted zips,
//! a zip's directory read from its end before anything is unpacked, and what the
//! `tocsin-archive` engine answers ([`Findings::result`]). The reading itself is in
//! tocsin-app.

use serde::{Deserialize, Serialize};

use super::{Category, EngineResult, file_type};

/// The archive engine's name in `results`.
pub const ARCHIVE_ENGINE: &str = "tocsin-archive";

/// The password malware samples are conventionally zipped with, tried on every
/// encrypted zip member.
pub const PASSWORD: &[u8] = b"infected";

/// What the archive engine answers for an archive opened past its limits.
pub const LIMITS_EXCEEDED: &str = "archive limits exceeded";

/// Separates an archive's path from a member's inside it (`outer.zip > inner.tar > a.exe`).
pub const PATH_SEPARATOR: &str = " > ";

/// The archive formats opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// PKZIP, stored or deflated members, encrypted ones with [`PASSWORD`].
    Zip,
    /// One gzip stream (a `.tar.gz` is opened as a tar inside, at the same depth).
    Gzip,
    /// A POSIX or GNU tar.
    Tar,
}

/// The archive format of a file by its first bytes (at least [`super::TYPE_HEAD`] of
/// them, or the whole file when shorter), or None when it is not one that is opened.
pub fn kind(head: &[u8]) -> Option<Kind> {
    match file_type(head) {
        "zip" => Some(Kind::Zip),
        "gzip" => Some(Kind::Gzip),
        "tar" => Some(Kind::Tar),
        _ => None,
    }
}

/// How far archives are opened (`virus_check.archive_max_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Archives opened one inside another, the uploaded one included.
    pub max_depth: u32,
    /// Members taken out, at every depth together.
    pub max_files: u64,
    /// Bytes unpacked, at every depth together.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 3,
            max_files: 1000,
            max_total_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Which limit an archive went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exceeded {
    /// Archives nested deeper than `max_depth`.
    Depth,
    /// More members than `max_files` (or a zip directory larger than that many could
    /// need).
    Files,
    /// More bytes than `max_total_bytes` unpacked.
    Bytes,
}

/// The largest zip central directory read for one member allowed: its fixed part, a
/// long name and some extra fields. A directory larger than `max_files` of these is
/// refused before it is read, so the reader never holds a huge one.
pub const DIRECTORY_BYTES_PER_MEMBER: u64 = 46 + 1024 + 256;

/// What has been taken out of an archive so far, against its limits.
#[derive(Clone, Debug)]
pub struct Budget {
    limits: Limits,
    files: u64,
    bytes: u64,
}

impl Budget {
    /// Nothing taken yet.
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            files: 0,
            bytes: 0,
        }
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Members taken out so far.
    pub fn files(&self) -> u64 {
        self.files
    }

    /// Bytes unpacked so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes that may still be unpacked.
    pub fn bytes_left(&self) -> u64 {
        self.limits.max_total_bytes.saturating_sub(self.bytes)
    }

    /// Whether an archive at `depth` (the uploaded one is 1) may be opened.
    pub fn open(&self, depth: u32) -> Result<(), Exceeded> {
        if depth > self.limits.max_depth {
            Err(Exceeded::Depth)
        } else {
            Ok(())
        }
    }

    /// Whether a zip directory of `entries` entries in `directory_bytes` may be read:
    /// every entry could be a member, so more than the members left is too many.
    pub fn directory(&self, entries: u64, directory_bytes: u64) -> Result<(), Exceeded> {
        let left = self.limits.max_files.saturating_sub(self.files);
        if entries > left
            || directory_bytes > left.saturating_mul(DIRECTORY_BYTES_PER_MEMBER).max(4096)
        {
            Err(Exceeded::Files)
        } else {
            Ok(())
        }
    }

    /// Takes one more member out.
    pub fn file(&mut self) -> Result<(), Exceeded> {
        if self.files >= self.limits.max_files {
            return Err(Exceeded::Files);
        }
        self.files += 1;
        Ok(())
    }

    /// Counts `n` more bytes unpacked; past the limit they are refused (and not counted),
    /// so the reader stops before using them.
    pub fn take(&mut self, n: u64) -> Result<(), Exceeded> {
        let total = self.bytes.saturating_add(n);
        if total > self.limits.max_total_bytes {
            return Err(Exceeded::Bytes);
        }
        self.bytes = total;
        Ok(())
    }
}

/// A member taken out of an archive, as stored with its file: the shared-intel engine
/// matches its hashes at read time, as it does the file's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Where it is: the names of the archives it is in and its own, joined by
    /// [`PATH_SEPARATOR`] (the uploaded file's name not included).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// MD5, lower-case hex.
    pub md5: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// A member's path: its name inside the archive at `parent` (empty for the uploaded one).
pub fn member_path(parent: &str, name: &str) -> String {
    let name: String = name.chars().filter(|c| !c.is_control()).take(255).collect();
    if parent.is_empty() {
        name
    } else {
        format!("{parent}{PATH_SEPARATOR}{name}")
    }
}

/// What opening an archive found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Members taken out.
    pub members: u64,
    /// Encrypted members opened with [`PASSWORD`].
    pub decrypted: u64,
    /// Encrypted members that did not open with it.
    pub locked: u64,
    /// Archives, or members, that could not be read (damaged, an unsupported method).
    pub unreadable: u64,
    /// The limit gone past, when one was: nothing was unpacked beyond it.
    pub exceeded: Option<Exceeded>,
}

impl Findings {
    /// The archive engine's answer: `suspicious` past the limits (an archive bomb, or one
    /// built to hide its content from scanners), `failure` when some content could not be
    /// opened (an unknown password, damage), else `undetected`.
    pub fn result(&self) -> EngineResult {
        let (category, result) = if self.exceeded.is_some() {
            (Category::Suspicious, Some(LIMITS_EXCEEDED.to_string()))
        } else if self.locked > 0 {
            (
                Category::Failure,
                Some("encrypted with an unknown password".to_string()),
            )
        } else if self.unreadable > 0 {
            (Category::Failure, Some("damaged archive".to_string()))
        } else {
            (Category::Undetected, None)
        };
        EngineResult {
            engine_name: ARCHIVE_ENGINE.into(),
            engine_version: "1".into(),
            category,
            result,
            method: "archive".into(),
        }
    }
}

/// A member's answer from an engine, folded into the answer the engine gave for the whole
/// file: the gravest wins (malicious, suspicious, then a failure or timeout, which means
/// part of the file went unchecked, then undetected), and a finding in a member names it.
pub fn fold_member(file: EngineResult, member: EngineResult, path: &str) -> EngineResult {
    fn rank(c: Category) -> u8 {
        match c {
            Category::Malicious => 0,
            Category::Suspicious => 1,
            Category::Timeout => 2,
            Category::Failure => 3,
            Category::Undetected => 4,
        }
    }
    if rank(member.category) >= rank(file.category) {
        return file;
    }
    let result = match (&member.category, member.result) {
        (Category::Malicious | Category::Suspicious, Some(r)) => Some(format!("{r} in {path}")),
        (_, r) => r,
    };
    EngineResult {
        category: member.category,
        result,
        ..file
    }
}

/// Where a zip's central directory is, from the end of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZipDirectory {
    /// Its entries.
    pub entries: u64,
    /// Its size in bytes.
    pub bytes: u64,
    /// Where the ZIP64 end record is, when the classic one says to look there.
    pub zip64_record_at: Option<u64>,
}

/// How many bytes from the end of a zip hold its end record (22 bytes and a comment of at
/// most 65,535) and the ZIP64 locator before it (20 bytes).
pub const ZIP_TAIL: usize = 22 + 65_535 + 20;

fn le16(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn le32(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(
        b.get(at..at + 4)?.try_into().ok()?,
    )))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Reads a zip's end of central directory record from the last bytes of the file (up to
/// [`ZIP_TAIL`] of them); None when there is none.
pub fn zip_directory(tail: &[u8]) -> Option<ZipDirectory> {
    const END: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    let at = tail
        .windows(4)
        .rposition(|w| w == END)
        .filter(|&i| tail.len() - i >= 22)?;
    let entries = le16(tail, at + 10)?;
    let bytes = le32(tail, at + 12)?;
    let zip64_record_at = if entries == 0xFFFF || bytes == 0xFFFF_FFFF {
        let l = at.checked_sub(20)?;
        if tail.get(l..l + 4)? != LOCATOR {
            return None;
        }
        Some(le64(tail, l + 8)?)
    } else {
        None
    };
    Some(ZipDirectory {
        entries,
        bytes,
        zip64_record_at,
    })
}

/// How many bytes of a ZIP64 end record [`zip64_directory`] reads.
pub const ZIP64_RECORD: usize = 56;

/// Reads the entries and size of a zip's central directory from its ZIP64 end record.
pub fn zip64_directory(record: &[u8]) -> Option<ZipDirectory> {
    if record.get(..4)? != b"PK\x06\x06" {
        return None;
    }
    Some(ZipDirectory {
        entries: le64(record, 32)?,
        bytes: le64(record, 40)?,
        zip64_record_at: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_depth: 2,
            max_files: 3,
            max_total_bytes: 100,
        }
    }

    #[test]
    fn the_budget_refuses_past_each_limit() {
        let mut b = Budget::new(limits());
        assert_eq!(b.open(1), Ok(()));
        assert_eq!(b.open(2), Ok(()));
        assert_eq!(b.open(3), Err(Exceeded::Depth));
        for _ in 0..3 {
            assert_eq!(b.file(), Ok(()));
        }
        assert_eq!(b.file(), Err(Exceeded::Files));
        assert_eq!(b.take(60), Ok(()));
        assert_eq!(b.take(40), Ok(()));
        assert_eq!(b.take(1), Err(Exceeded::Bytes));
        assert_eq!(b.bytes(), 100, "refused bytes are not counted");
        assert_eq!(b.take(u64::MAX), Err(Exceeded::Bytes));
        assert_eq!(b.bytes_left(), 0);
    }

    #[test]
    fn a_directory_larger_than_the_members_left_is_refused_unread() {
        let mut b = Budget::new(limits());
        assert_eq!(b.directory(3, 300), Ok(()));
        assert_eq!(b.directory(4, 300), Err(Exceeded::Files));
        assert_eq!(b.directory(1, 1 << 30), Err(Exceeded::Files));
        b.file().expect("file");
        assert_eq!(b.directory(3, 300), Err(Exceeded::Files));
    }

    #[test]
    fn archives_by_magic_bytes() {
        assert_eq!(kind(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(kind(b"PK\x05\x06"), Some(Kind::Zip));
        assert_eq!(kind(b"\x1f\x8b\x08\x00"), Some(Kind::Gzip));
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(kind(&tar), Some(Kind::Tar));
        assert_eq!(kind(b"MZ"), None);
        assert_eq!(kind(b"plain text"), None);
    }

    #[test]
    fn the_answer_past_the_limits_is_suspicious() {
        let f = Findings {
            members: 10,
            exceeded: Some(Exceeded::Bytes),
            locked: 1,
            ..Findings::default()
        };
        let r = f.result();
        assert_eq!(r.category, Category::Suspicious);
        assert_eq!(r.result.as_deref(), Some(LIMITS_EXCEEDED));
        assert_eq!(r.engine_name, ARCHIVE_ENGINE);
        let f = Findings {
            members: 1,
            locked: 1,
            ..Findings::default()
        };
        assert_eq!(f.result().category, Category::Failure);
        assert_eq!(
            Findings {
                members: 2,
                decrypted: 2,
                ..Findings::default()
            }
            .result()
            .category,
            Category::Undetected
        );
    }

    fn r(c: Category, result: Option<&str>) -> EngineResult {
        EngineResult {
            engine_name: "ClamAV".into(),
            engine_version: "1".into(),
            category: c,
            result: result.map(Into::into),
            method: "blacklist".into(),
        }
    }

    #[test]
    fn a_finding_in_a_member_names_it() {
        let f = fold_member(
            r(Category::Undetected, None),
            r(Category::Malicious, Some("Eicar")),
            "a.zip > eicar.com",
        );
        assert_eq!(f.category, Category::Malicious);
        assert_eq!(f.result.as_deref(), Some("Eicar in a.zip > eicar.com"));
        // The file's own finding stands.
        let f = fold_member(
            r(Category::Malicious, Some("Outer")),
            r(Category::Malicious, Some("Inner")),
            "x",
        );
        assert_eq!(f.result.as_deref(), Some("Outer"));
        // A member that could not be checked: the whole file was not checked.
        let f = fold_member(
            r(Category::Undetected, None),
            r(Category::Timeout, None),
            "x",
        );
        assert_eq!(f.category, Category::Timeout);
        let f = fold_member(
            r(Category::Failure, None),
            r(Category::Undetected, None),
            "x",
        );
        assert_eq!(f.category, Category::Failure);
    }

    #[test]
    fn member_paths() {
        assert_eq!(member_path("", "a.zip"), "a.zip");
        assert_eq!(member_path("a.zip", "b\n.exe"), "a.zip > b.exe");
    }

    #[test]
    fn zip_directories_from_the_end() {
        let mut tail = b"junk".to_vec();
        tail.extend_from_slice(b"PK\x05\x06\0\0\0\0\x03\0\x03\0\x90\0\0\0\x10\0\0\0\0\0");
        assert_eq!(
            zip_directory(&tail),
            Some(ZipDirectory {
                entries: 3,
                bytes: 0x90,
                zip64_record_at: None
            })
        );
        assert_eq!(zip_directory(b"PK\x05\x06short"), None);
        assert_eq!(zip_directory(b""), None);
        // ZIP64: the classic record says 0xFFFF, the locator before it says where.
        let mut z = b"PK\x06\x07\0\0\0\0".to_vec();
        z.extend_from_slice(&1234u64.to_le_bytes());
        z.extend_from_slice(&[1, 0, 0, 0]);
        z.extend_from_slice(
            b"PK\x05\x06\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\0\0",
        );
        assert_eq!(
            zip_directory(&z).and_then(|d| d.zip64_record_at),
            Some(1234)
        );
        let mut rec = b"PK\x06\x06".to_vec();
        rec.resize(32, 0);
        rec.extend_from_slice(&70_000u64.to_le_bytes());
        rec.extend_from_slice(&5_000_000u64.to_le_bytes());
        rec.resize(ZIP64_RECORD, 0);
        assert_eq!(
            zip64_directory(&rec).map(|d| (d.entries, d.bytes)),
            Some((70_000, 5_000_000))
        );
        assert_eq!(zip64_directory(b"nope"), None);
    }
}

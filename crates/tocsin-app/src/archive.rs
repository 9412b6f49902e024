//! Opening archives for Virus Check (the rules are `tocsin_domain::virus::archive`): zip
//! (encrypted members tried with the conventional password), gzip and tar, one inside
//! another, with blocking I/O (on a blocking thread). Each member is hashed and handed to
//! a [`Visitor`] chunk by chunk as it is unpacked; the [`Budget`] is charged before a
//! chunk is used, so nothing is unpacked past the limits and a zip bomb costs no more
//! memory than a small file. A nested archive is set aside while it is read, in memory
//! when small, else sealed on disk as uploads are ([`crate::sealed`]), and opened after.

use std::cell::Cell;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use md5::Digest as _;
use ring::digest;
use tocsin_domain::virus::TYPE_HEAD;
use tocsin_domain::virus::archive::{
    Budget, Exceeded, Findings, Kind, Limits, Member, PASSWORD, ZIP_TAIL, ZIP64_RECORD, kind,
    member_path, zip_directory, zip64_directory,
};
use uuid::Uuid;

use crate::sealed::{SealKey, SealWriterSync, SealedReader};

/// The three hashes Virus Check knows a file by, computed as its bytes go by: an upload's
/// and each member's.
#[derive(Clone)]
pub struct Hasher {
    md5: md5::Md5,
    sha1: digest::Context,
    sha256: digest::Context,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher {
            md5: md5::Md5::new(),
            sha1: digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY),
            sha256: digest::Context::new(&digest::SHA256),
        }
    }
}

impl Hasher {
    /// Adds bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.md5.update(data);
        self.sha1.update(data);
        self.sha256.update(data);
    }

    /// MD5, SHA-1 and SHA-256, lower-case hex.
    pub fn finish(self) -> (String, String, String) {
        (
            hex::encode(self.md5.finalize()),
            hex::encode(self.sha1.finish()),
            hex::encode(self.sha256.finish()),
        )
    }
}

/// Receives what is taken out of an archive.
pub trait Visitor {
    /// A member begins at `path`; `decrypted` when it was encrypted and opened with the
    /// password. Answers whether its bytes are wanted by [`Visitor::data`].
    fn begin(&mut self, path: &str, decrypted: bool) -> bool;
    /// The member's next bytes (only when wanted). An error stops the walk (whoever
    /// scans the members is gone).
    fn data(&mut self, chunk: &[u8]) -> io::Result<()>;
    /// The member ended: whole, with its hashes, or cut short (damaged, or the limits
    /// were reached in it) with None.
    fn end(&mut self, member: Option<Member>);
}

/// Where nested archives are set aside while read: this folder, sealed with this key.
#[derive(Clone, Debug)]
pub struct SpillDir {
    /// The folder (the uploads' own).
    pub dir: PathBuf,
    /// The key of files at rest.
    pub key: SealKey,
}

/// The file name prefix of set-aside archives (removed when the walk is done with them;
/// a crash may leave some, which the retention clean-up deletes a day later).
pub const SPILL_PREFIX: &str = "spill-";

/// Nested archives up to this size are set aside in memory.
const SPILL_IN_MEMORY: usize = 1024 * 1024;

/// Bytes read from a member at once.
const READ_CHUNK: usize = 64 * 1024;

/// A file set aside on disk, deleted when dropped.
struct SpillFile(PathBuf);

impl Drop for SpillFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An archive to open: the upload itself, or a nested one set aside.
enum Source {
    Sealed {
        reader: SealedReader,
        /// Deletes a set-aside file once it is no longer read.
        _spill: Option<SpillFile>,
    },
    Memory(Cursor<Vec<u8>>),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Sealed { reader, .. } => reader.read(buf),
            Source::Memory(c) => c.read(buf),
        }
    }
}

impl Seek for Source {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self {
            Source::Sealed { reader, .. } => reader.seek(to),
            Source::Memory(c) => c.seek(to),
        }
    }
}

/// A nested archive being set aside.
enum Spill {
    Memory(Vec<u8>),
    Disk(SealWriterSync, SpillFile),
}

impl Spill {
    fn write(&mut self, data: &[u8], to: &SpillDir) -> io::Result<()> {
        match self {
            Spill::Memory(v) if v.len() + data.len() <= SPILL_IN_MEMORY => {
                v.extend_from_slice(data);
                Ok(())
            }
            Spill::Memory(v) => {
                let path = to
                    .dir
                    .join(format!("{SPILL_PREFIX}{}.sealed", Uuid::now_v7().simple()));
                let mut w = SealWriterSync::create(&path, &to.key)?;
                let guard = SpillFile(path);
                w.write(v)?;
                w.write(data)?;
                *self = Spill::Disk(w, guard);
                Ok(())
            }
            Spill::Disk(w, _) => w.write(data),
        }
    }

    fn finish(self, to: &SpillDir) -> io::Result<Source> {
        match self {
            Spill::Memory(v) => Ok(Source::Memory(Cursor::new(v))),
            Spill::Disk(w, guard) => {
                w.finish()?;
                let reader = SealedReader::open(&guard.0, &to.key)?;
                Ok(Source::Sealed {
                    reader,
                    _spill: Some(guard),
                })
            }
        }
    }
}

/// Why a walk stopped early.
enum Stop {
    /// A limit was reached.
    Exceeded(Exceeded),
    /// The visitor is gone.
    Gone,
}

/// Output of a decompressor, cut at the bytes the budget has left when it was opened: a
/// decompressor's output read past (tar headers, skipped entries) is bounded too, not
/// only members' bytes.
struct Capped<R> {
    inner: R,
    left: u64,
    hit: Rc<Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more would be past the limit: is there one?
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.hit.set(true);
                    Err(io::Error::other("archive limits exceeded"))
                }
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// One walk through an archive and those inside it.
struct Walk<'a> {
    budget: Budget,
    findings: Findings,
    spill: &'a SpillDir,
    visitor: &'a mut dyn Visitor,
    /// Set when a decompressor's output reached the limit.
    capped: Rc<Cell<bool>>,
}

/// Opens the uploaded archive `file` of kind `kind` (named `name` when uploaded, for a
/// gzip without a name of its own inside) and every archive inside it, within `limits`.
pub fn open(
    mut file: SealedReader,
    kind: Kind,
    name: &str,
    limits: Limits,
    spill: &SpillDir,
    visitor: &mut dyn Visitor,
) -> Findings {
    let mut w = Walk {
        budget: Budget::new(limits),
        findings: Findings::default(),
        spill,
        visitor,
        capped: Rc::new(Cell::new(false)),
    };
    if file.seek(SeekFrom::Start(0)).is_err() {
        w.findings.unreadable += 1;
        return w.findings;
    }
    let mut src = Source::Sealed {
        reader: file,
        _spill: None,
    };
    match w.archive(&mut src, kind, 1, "", name) {
        Ok(()) | Err(Stop::Gone) => {}
        Err(Stop::Exceeded(e)) => w.findings.exceeded = Some(e),
    }
    w.findings
}

/// The archive kind of a sealed file by its first bytes (and the reader, back at the
/// start), or None when it is not an archive that is opened.
pub fn sniff(mut file: SealedReader) -> io::Result<Option<(Kind, SealedReader)>> {
    let mut head = Vec::with_capacity(TYPE_HEAD);
    (&mut file).take(TYPE_HEAD as u64).read_to_end(&mut head)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(kind(&head).map(|k| (k, file)))
}

/// Reads until `buf` is full or the end.
fn fill(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The name of a gzip's content when its header names none: its own name without `.gz`
/// (`.tgz` is a `.tar`).
fn gunzipped_name(gz: &str) -> String {
    let base = gz.rsplit(['/', '\\']).next().unwrap_or(gz);
    if let Some(stem) = base.strip_suffix(".tgz") {
        format!("{stem}.tar")
    } else if let Some(stem) = base.strip_suffix(".gz") {
        stem.to_string()
    } else if base.is_empty() {
        "gzip content".to_string()
    } else {
        base.to_string()
    }
}

impl Walk<'_> {
    /// Opens an archive at `depth` (the upload is 1) whose path is `path` and name `name`.
    fn archive(
        &mut self,
        src: &mut Source,
        kind: Kind,
        depth: u32,
        path: &str,
        name: &str,
    ) -> Result<(), Stop> {
        self.budget.open(depth).map_err(Stop::Exceeded)?;
        match kind {
            Kind::Zip => self.zip(src, depth, path),
            Kind::Gzip => self.gzip(src, depth, path, name),
            Kind::Tar => self.tar(src, depth, path),
        }
    }

    /// A zip's directory, read from its end: how many entries and how large, before the
    /// zip reader holds it.
    fn zip_size(src: &mut Source) -> io::Result<Option<(u64, u64)>> {
        let len = src.seek(SeekFrom::End(0))?;
        let tail_len = len.min(ZIP_TAIL as u64);
        src.seek(SeekFrom::Start(len - tail_len))?;
        let mut tail = Vec::with_capacity(tail_len as usize);
        (&mut *src).take(tail_len).read_to_end(&mut tail)?;
        let Some(d) = zip_directory(&tail) else {
            return Ok(None);
        };
        let d = match d.zip64_record_at {
            None => d,
            Some(at) => {
                src.seek(SeekFrom::Start(at))?;
                let mut rec = Vec::with_capacity(ZIP64_RECORD);
                (&mut *src)
                    .take(ZIP64_RECORD as u64)
                    .read_to_end(&mut rec)?;
                match zip64_directory(&rec) {
                    Some(d) => d,
                    None => return Ok(None),
                }
            }
        };
        src.seek(SeekFrom::Start(0))?;
        Ok(Some((d.entries, d.bytes)))
    }

    fn zip(&mut self, src: &mut Source, depth: u32, path: &str) -> Result<(), Stop> {
        let (entries, bytes) = match Self::zip_size(src) {
            Ok(Some(d)) => d,
            Ok(None) | Err(_) => {
                self.findings.unreadable += 1;
                return Ok(());
            }
        };
        self.budget
            .directory(entries, bytes)
            .map_err(Stop::Exceeded)?;
        let mut z = match zip::ZipArchive::new(&mut *src) {
            Ok(z) => z,
            Err(_) => {
                self.findings.unreadable += 1;
                return Ok(());
            }
        };
        for i in 0..z.len() {
            let mut f = match z.by_index_decrypt(i, PASSWORD) {
                Ok(f) => f,
                Err(zip::result::ZipError::InvalidPassword) => {
                    self.findings.locked += 1;
                    continue;
                }
                Err(_) => {
                    self.findings.unreadable += 1;
                    continue;
                }
            };
            if !f.is_file() {
                continue;
            }
            let encrypted = f.encrypted();
            let name = match f.name() {
                Ok(n) => n.into_owned(),
                Err(_) => String::from_utf8_lossy(f.name_raw()).into_owned(),
            };
            if encrypted {
                self.findings.decrypted += 1;
            }
            self.member(&mut f, &name, encrypted, depth, path)?;
        }
        Ok(())
    }

    fn gzip(&mut self, src: &mut Source, depth: u32, path: &str, name: &str) -> Result<(), Stop> {
        let mut gz = Capped {
            inner: flate2::read::MultiGzDecoder::new(&mut *src),
            left: self.budget.bytes_left(),
            hit: self.capped.clone(),
        };
        let mut head = vec![0u8; TYPE_HEAD];
        let n = match fill(&mut gz, &mut head) {
            Ok(n) => n,
            Err(_) => return self.unreadable_or_exceeded(),
        };
        head.truncate(n);
        let inner_name = gz
            .inner
            .header()
            .and_then(|h| h.filename())
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .unwrap_or_else(|| gunzipped_name(name));
        let is_tar = kind(&head) == Some(Kind::Tar);
        let mut content = Cursor::new(head).chain(gz);
        if is_tar {
            // A .tar.gz is one archive: its members are at this depth.
            self.tar(&mut content, depth, path)
        } else {
            self.member(&mut content, &inner_name, false, depth, path)
        }
    }

    fn tar(&mut self, src: &mut dyn Read, depth: u32, path: &str) -> Result<(), Stop> {
        let mut a = tar::Archive::new(src);
        // Raw: GNU long names and pax records are not gathered into memory by the reader
        // (they can be of any size); a long name of a sane size is read here.
        let entries = match a.entries() {
            Ok(e) => e.raw(true),
            Err(_) => return self.unreadable_or_exceeded(),
        };
        let mut long_name: Option<String> = None;
        for e in entries {
            let mut e = match e {
                Ok(e) => e,
                Err(_) => return self.unreadable_or_exceeded(),
            };
            let t = e.header().entry_type();
            if t.is_gnu_longname() {
                let mut n = Vec::new();
                if e.size() <= 4096 && e.read_to_end(&mut n).is_ok() {
                    while n.last() == Some(&0) {
                        n.pop();
                    }
                    long_name = Some(String::from_utf8_lossy(&n).into_owned());
                }
                continue;
            }
            if !t.is_file() {
                if !(t.is_pax_local_extensions() || t.is_gnu_longlink()) {
                    long_name = None;
                }
                continue;
            }
            let name = long_name
                .take()
                .unwrap_or_else(|| String::from_utf8_lossy(&e.path_bytes()).into_owned());
            self.member(&mut e, &name, false, depth, path)?;
        }
        if self.capped.get() {
            return Err(Stop::Exceeded(Exceeded::Bytes));
        }
        Ok(())
    }

    /// After a read error: the limit, if a decompressor reached it, else damage.
    fn unreadable_or_exceeded(&mut self) -> Result<(), Stop> {
        if self.capped.get() {
            return Err(Stop::Exceeded(Exceeded::Bytes));
        }
        self.findings.unreadable += 1;
        Ok(())
    }

    /// Takes one member out: hashes it, hands it to the visitor, and opens it in turn
    /// when it is an archive.
    fn member(
        &mut self,
        r: &mut dyn Read,
        name: &str,
        decrypted: bool,
        depth: u32,
        parent: &str,
    ) -> Result<(), Stop> {
        self.budget.file().map_err(Stop::Exceeded)?;
        self.findings.members += 1;
        let path = member_path(parent, name);
        let wanted = self.visitor.begin(&path, decrypted);
        let mut hasher = Hasher::default();
        let mut size = 0u64;
        let mut buf = vec![0u8; READ_CHUNK];
        // The first bytes, until the member's kind is known, then where a nested archive
        // is set aside.
        let mut head: Vec<u8> = Vec::new();
        let mut nested: Option<(Kind, Spill)> = None;
        let mut decided = false;
        let outcome: Result<(), Result<Stop, ()>> = loop {
            let n = match r.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) if self.capped.get() => break Err(Ok(Stop::Exceeded(Exceeded::Bytes))),
                Err(_) => break Err(Err(())),
            };
            if let Err(e) = self.budget.take(n as u64) {
                break Err(Ok(Stop::Exceeded(e)));
            }
            let chunk = &buf[..n];
            hasher.update(chunk);
            size += n as u64;
            if wanted && self.visitor.data(chunk).is_err() {
                break Err(Ok(Stop::Gone));
            }
            if let Some((_, spill)) = &mut nested {
                if spill.write(chunk, self.spill).is_err() {
                    break Err(Err(()));
                }
            } else if !decided {
                head.extend_from_slice(chunk);
                if head.len() >= TYPE_HEAD {
                    decided = true;
                    match self.nest(&head, depth) {
                        Ok(Some(k)) => {
                            let mut spill = Spill::Memory(Vec::new());
                            if spill.write(&head, self.spill).is_err() {
                                break Err(Err(()));
                            }
                            nested = Some((k, spill));
                        }
                        Ok(None) => {}
                        Err(e) => break Err(Ok(e)),
                    }
                    head = Vec::new();
                }
            }
        };
        if outcome.is_ok() && !decided {
            match self.nest(&head, depth) {
                Ok(Some(k)) => nested = Some((k, Spill::Memory(std::mem::take(&mut head)))),
                Ok(None) => {}
                Err(e) => {
                    self.visitor.end(None);
                    return Err(e);
                }
            }
        }
        match outcome {
            Ok(()) => {}
            Err(stop) => {
                self.visitor.end(None);
                return match stop {
                    Ok(stop) => Err(stop),
                    Err(()) => {
                        self.findings.unreadable += 1;
                        Ok(())
                    }
                };
            }
        }
        let (md5, sha1, sha256) = hasher.finish();
        self.visitor.end(Some(Member {
            path: path.clone(),
            size,
            md5,
            sha1,
            sha256,
        }));
        if let Some((k, spill)) = nested {
            let mut src = match spill.finish(self.spill) {
                Ok(s) => s,
                Err(_) => {
                    self.findings.unreadable += 1;
                    return Ok(());
                }
            };
            self.archive(&mut src, k, depth + 1, &path, name)?;
        }
        Ok(())
    }

    /// Whether a member beginning with `head`, at `depth`, is an archive to open: its
    /// kind, or None; one nested too deep stops the walk.
    fn nest(&self, head: &[u8], depth: u32) -> Result<Option<Kind>, Stop> {
        match kind(head) {
            Some(k) => {
                self.budget.open(depth + 1).map_err(Stop::Exceeded)?;
                Ok(Some(k))
            }
            None => Ok(None),
        }
    }
}

/// Deletes archives set aside by walks that never finished (a crash) and last written
/// before `before` (instances may share the folder: a recent one may be in use), from
/// `dir`. Returns how many.
pub fn remove_stale_spills(dir: &Path, before: std::time::SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < before);
        if stale
            && e.file_name().to_string_lossy().starts_with(SPILL_PREFIX)
            && std::fs::remove_file(e.path()).is_ok()
        {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;
    use tocsin_domain::virus::archive::{Exceeded, Limits};
    use zip::write::SimpleFileOptions;

    /// What a walk handed over.
    #[derive(Default)]
    struct Seen {
        /// Path, decrypted, bytes handed over (when wanted).
        begun: Vec<(String, bool, usize)>,
        ended: Vec<Option<Member>>,
        want: bool,
    }

    impl Visitor for Seen {
        fn begin(&mut self, path: &str, decrypted: bool) -> bool {
            self.begun.push((path.to_string(), decrypted, 0));
            self.want
        }
        fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
            if let Some(b) = self.begun.last_mut() {
                b.2 += chunk.len();
            }
            Ok(())
        }
        fn end(&mut self, member: Option<Member>) {
            self.ended.push(member);
        }
    }

    struct Tmp(PathBuf);
    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn key() -> SealKey {
        SealKey::new(&[9u8; 32])
    }

    /// Walks `bytes` (sealed first, as an upload is) with `limits`.
    fn walk(bytes: &[u8], limits: Limits) -> (Findings, Seen, usize) {
        let dir = std::env::temp_dir().join(format!("tocsin-archive-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let _tmp = Tmp(dir.clone());
        let path = dir.join("upload.sealed");
        let mut w = SealWriterSync::create(&path, &key()).expect("create");
        w.write(bytes).expect("write");
        w.finish().expect("finish");
        let file = SealedReader::open(&path, &key()).expect("open");
        let (k, file) = sniff(file).expect("sniff").expect("an archive");
        let mut seen = Seen {
            want: true,
            ..Seen::default()
        };
        let spill = SpillDir {
            dir: dir.clone(),
            key: key(),
        };
        let f = open(file, k, "upload.tgz", limits, &spill, &mut seen);
        let left = std::fs::read_dir(&dir).expect("dir").count();
        (f, seen, left)
    }

    fn zip_of(files: &[(&str, &[u8], Option<&str>)]) -> Vec<u8> {
        use zip::unstable::write::FileOptionsExt as _;
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data, password) in files {
            let o = SimpleFileOptions::default();
            let o = match password {
                Some(p) if p.starts_with("aes:") => {
                    o.with_aes_encryption(zip::AesMode::Aes256, &p[4..])
                }
                Some(p) => o
                    .with_deprecated_encryption(p.as_bytes())
                    .expect("zipcrypto"),
                None => o,
            };
            z.start_file(*name, o).expect("start");
            z.write_all(data).expect("write");
        }
        z.finish().expect("finish").into_inner()
    }

    fn gzip(data: &[u8], name: Option<&str>) -> Vec<u8> {
        let mut b = flate2::GzBuilder::new();
        if let Some(n) = name {
            b = b.filename(n);
        }
        let mut e = b.write(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("gzip");
        e.finish().expect("gzip")
    }

    fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut t = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            t.append_data(&mut h, name, *data).expect("tar");
        }
        t.into_inner().expect("tar")
    }

    fn sha256(data: &[u8]) -> String {
        let mut h = Hasher::default();
        h.update(data);
        h.finish().2
    }

    #[test]
    fn members_at_every_depth_are_hashed_and_handed_over() {
        let inner = tar_of(&[("docs/readme.txt", b"read me"), ("b.bin", &[0u8, 1, 2])]);
        let tgz = gzip(&inner, None);
        let nested = zip_of(&[("deep.txt", b"deep inside", None)]);
        let big: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
        let top = zip_of(&[
            ("a.txt", b"hello", None),
            ("inner.tar.gz", &tgz, None),
            ("inner.zip", &nested, None),
            ("big.bin", &big, None),
        ]);
        let (f, seen, left) = walk(&top, Limits::default());
        assert_eq!(f.exceeded, None);
        assert_eq!(f.unreadable, 0);
        let paths: Vec<&str> = seen.begun.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(
            paths,
            [
                "a.txt",
                "inner.tar.gz",
                "inner.tar.gz > docs/readme.txt",
                "inner.tar.gz > b.bin",
                "inner.zip",
                "inner.zip > deep.txt",
                "big.bin",
            ]
        );
        assert_eq!(f.members, 7);
        let ended: Vec<Member> = seen.ended.into_iter().map(|m| m.expect("whole")).collect();
        assert_eq!(ended[0].sha256, sha256(b"hello"));
        assert_eq!(ended[2].sha256, sha256(b"read me"));
        assert_eq!(ended[5].path, "inner.zip > deep.txt");
        assert_eq!(ended[6].size, big.len() as u64);
        assert_eq!(seen.begun[6].2, big.len(), "every byte handed over");
        assert_eq!(
            f.result().category,
            tocsin_domain::virus::Category::Undetected
        );
        assert_eq!(left, 1, "only the upload is left on disk");
    }

    #[test]
    fn a_large_nested_archive_is_set_aside_sealed_and_removed() {
        let big: Vec<u8> = (0..2 * SPILL_IN_MEMORY)
            .map(|i| (i * 7 % 253) as u8)
            .collect();
        let nested = zip_of(&[("big.bin", &big, None)]);
        // Stored, so the nested zip is larger than what is kept in memory.
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        z.start_file(
            "nested.zip",
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
        )
        .expect("start");
        z.write_all(&nested).expect("write");
        let top = z.finish().expect("finish").into_inner();
        let (f, seen, left) = walk(&top, Limits::default());
        assert_eq!(f.exceeded, None);
        assert_eq!(f.members, 2);
        let last = seen.ended.last().cloned().flatten().expect("whole");
        assert_eq!(last.sha256, sha256(&big));
        assert_eq!(left, 1, "the set-aside file is gone");
    }

    #[test]
    fn encrypted_members_open_with_the_conventional_password() {
        let top = zip_of(&[
            ("aes.txt", b"aes secret", Some("aes:infected")),
            ("legacy.txt", b"zipcrypto secret", Some("infected")),
            ("plain.txt", b"plain", None),
        ]);
        let (f, seen, _) = walk(&top, Limits::default());
        assert_eq!((f.decrypted, f.locked, f.unreadable), (2, 0, 0));
        assert_eq!(
            seen.begun
                .iter()
                .map(|b| (b.0.as_str(), b.1))
                .collect::<Vec<_>>(),
            [
                ("aes.txt", true),
                ("legacy.txt", true),
                ("plain.txt", false)
            ]
        );
        assert_eq!(
            seen.ended[1].as_ref().map(|m| m.sha256.clone()),
            Some(sha256(b"zipcrypto secret"))
        );
        let top = zip_of(&[
            ("aes.txt", b"aes secret", Some("aes:other")),
            ("plain.txt", b"plain", None),
        ]);
        let (f, seen, _) = walk(&top, Limits::default());
        assert_eq!((f.decrypted, f.locked), (0, 1));
        assert_eq!(seen.begun.len(), 1);
        assert_eq!(f.result().category, tocsin_domain::virus::Category::Failure);
    }

    #[test]
    fn a_bomb_stops_at_the_byte_limit() {
        let zeros = vec![0u8; 8 * 1024 * 1024];
        let limits = Limits {
            max_total_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let (f, seen, _) = walk(&zip_of(&[("zeros", &zeros, None)]), limits);
        assert_eq!(f.exceeded, Some(Exceeded::Bytes));
        assert_eq!(seen.ended, [None], "the member is cut short");
        assert!(seen.begun[0].2 <= 1024 * 1024, "nothing past the limit");
        assert_eq!(
            f.result().result.as_deref(),
            Some(tocsin_domain::virus::archive::LIMITS_EXCEEDED)
        );
        // A gzip bomb, and a tar inside one, the same.
        let (f, _, _) = walk(&gzip(&zeros, Some("zeros")), limits);
        assert_eq!(f.exceeded, Some(Exceeded::Bytes));
        let mut tar = tar_of(&[("a", b"a")]);
        tar.truncate(1024);
        tar.extend_from_slice(&zeros);
        // The tar's end is two zero blocks: the rest of the zeros are never read.
        let (f, _, _) = walk(&gzip(&tar, None), limits);
        assert_eq!(f.exceeded, None);
        let big_entry = tar_of(&[("zeros", &zeros)]);
        let (f, _, _) = walk(&gzip(&big_entry, None), limits);
        assert_eq!(f.exceeded, Some(Exceeded::Bytes));
    }

    #[test]
    fn depth_and_member_count_are_limited() {
        let mut z = zip_of(&[("core.txt", b"core", None)]);
        for i in 0..3 {
            z = zip_of(&[(&format!("layer{i}.zip"), &z, None)]);
        }
        // Four zips one inside another.
        let (f, _, _) = walk(&z, Limits::default());
        assert_eq!(f.exceeded, Some(Exceeded::Depth));
        let (f, seen, _) = walk(
            &z,
            Limits {
                max_depth: 4,
                ..Limits::default()
            },
        );
        assert_eq!(f.exceeded, None);
        assert_eq!(
            seen.begun.last().map(|b| b.0.as_str()),
            Some("layer2.zip > layer1.zip > layer0.zip > core.txt")
        );
        let names: Vec<String> = (0..11).map(|i| format!("f{i}")).collect();
        let files: Vec<(&str, &[u8], Option<&str>)> = names
            .iter()
            .map(|n| (n.as_str(), &b"x"[..], None))
            .collect();
        let limits = Limits {
            max_files: 10,
            ..Limits::default()
        };
        let (f, seen, _) = walk(&zip_of(&files), limits);
        assert_eq!(f.exceeded, Some(Exceeded::Files));
        assert!(seen.begun.is_empty(), "refused from the directory, unread");
        let (f, seen, _) = walk(&zip_of(&files[..10]), limits);
        assert_eq!((f.exceeded, seen.begun.len()), (None, 10));
        // Members in a tar are counted as they come.
        let tnames: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"y"[..])).collect();
        let (f, seen, _) = walk(&tar_of(&tnames), limits);
        assert_eq!(f.exceeded, Some(Exceeded::Files));
        assert_eq!(seen.begun.len(), 10);
    }

    #[test]
    fn damaged_archives_are_failures_not_errors() {
        let mut z = zip_of(&[("a.txt", b"some text to compress, some text", None)]);
        let cut = z.len() / 2;
        z.truncate(cut);
        let (f, _, _) = walk(&z, Limits::default());
        assert_eq!(f.unreadable, 1);
        assert_eq!(f.result().category, tocsin_domain::virus::Category::Failure);
        let (f, _, _) = walk(b"\x1f\x8b\x08\x00garbage", Limits::default());
        assert_eq!(f.unreadable, 1);
    }

    #[test]
    fn stale_spills_are_removed() {
        let dir = std::env::temp_dir().join(format!("tocsin-spill-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let _tmp = Tmp(dir.clone());
        std::fs::write(dir.join(format!("{SPILL_PREFIX}x.sealed")), b"x").expect("write");
        std::fs::write(dir.join("upload.sealed"), b"x").expect("write");
        let past = std::time::UNIX_EPOCH;
        assert_eq!(remove_stale_spills(&dir, past), 0, "a recent one stays");
        let future = std::time::UNIX_EPOCH + std::time::Duration::from_secs(u32::MAX.into());
        assert_eq!(remove_stale_spills(&dir, future), 1);
        assert!(dir.join("upload.sealed").exists());
    }
}

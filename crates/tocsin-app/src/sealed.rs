//! Files kept encrypted at rest (Virus Check's uploads): AES-256-GCM in chunks, so a file
//! is written and read back without ever being held whole in memory.
//!
//! Layout: the magic `TOCSINS1`, an 8-byte random nonce prefix, then records of a flag
//! byte (1 on the last record), the ciphertext's length (4 bytes big-endian) and the
//! ciphertext with its tag. A record's nonce is the prefix and its number; the flag is
//! authenticated, so a file cut after any record, or records reordered, fail to open.

use std::io;
use std::path::Path;

use futures::Stream;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use tokio::fs::File;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};

const MAGIC: &[u8; 8] = b"TOCSINS1";
/// Plaintext bytes per record.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// A 256-bit key for files at rest.
#[derive(Clone)]
pub struct SealKey(std::sync::Arc<LessSafeKey>);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

impl SealKey {
    /// A key from 32 bytes.
    pub fn new(bytes: &[u8; 32]) -> SealKey {
        // AES-256 takes exactly 32 bytes, which the type guarantees.
        #[allow(clippy::expect_used)]
        let k = UnboundKey::new(&AES_256_GCM, bytes).expect("a 32-byte AES-256 key");
        SealKey(std::sync::Arc::new(LessSafeKey::new(k)))
    }

    /// A key from 64 hexadecimal digits.
    pub fn from_hex(hex_key: &str) -> Option<SealKey> {
        let v = hex::decode(hex_key.trim()).ok()?;
        let b: [u8; 32] = v.try_into().ok()?;
        Some(SealKey::new(&b))
    }
}

fn nonce(prefix: &[u8; 8], n: u32) -> Nonce {
    let mut b = [0u8; NONCE_LEN];
    b[..8].copy_from_slice(prefix);
    b[8..].copy_from_slice(&n.to_be_bytes());
    Nonce::assume_unique_for_key(b)
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("sealed file: {what}"))
}

/// Bytes of a record besides its plaintext: the flag, the length and the tag.
const RECORD_OVERHEAD: u64 = 1 + 4 + TAG as u64;

/// Seals `data` as record number `*n` (then counts it): the flag, the length and the
/// ciphertext, as written.
fn seal_record(
    key: &SealKey,
    prefix: &[u8; 8],
    n: &mut u32,
    last: bool,
    mut data: Vec<u8>,
) -> io::Result<Vec<u8>> {
    let flag = [u8::from(last)];
    let this = *n;
    *n = n.checked_add(1).ok_or_else(|| bad("too long"))?;
    key.0
        .seal_in_place_append_tag(nonce(prefix, this), Aad::from(flag), &mut data)
        .map_err(|_| bad("seal"))?;
    let len = u32::try_from(data.len()).map_err(|_| bad("record too long"))?;
    let mut rec = Vec::with_capacity(5 + data.len());
    rec.extend_from_slice(&flag);
    rec.extend_from_slice(&len.to_be_bytes());
    rec.extend_from_slice(&data);
    Ok(rec)
}

/// Writes a sealed file chunk by chunk; [`SealWriter::finish`] writes the last record.
pub struct SealWriter {
    key: SealKey,
    out: BufWriter<File>,
    prefix: [u8; 8],
    n: u32,
    buf: Vec<u8>,
}

impl SealWriter {
    /// Creates `path` (which must not exist).
    pub async fn create(path: &Path, key: &SealKey) -> io::Result<SealWriter> {
        let f = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .await?;
        let prefix: [u8; 8] = rand::random();
        let mut out = BufWriter::new(f);
        out.write_all(MAGIC).await?;
        out.write_all(&prefix).await?;
        Ok(SealWriter {
            key: key.clone(),
            out,
            prefix,
            n: 0,
            buf: Vec::with_capacity(CHUNK),
        })
    }

    async fn record(&mut self, last: bool, take: usize) -> io::Result<()> {
        let data: Vec<u8> = self.buf.drain(..take).collect();
        let rec = seal_record(&self.key, &self.prefix, &mut self.n, last, data)?;
        self.out.write_all(&rec).await
    }

    /// Appends bytes.
    pub async fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let room = CHUNK + 1 - self.buf.len();
            let take = room.min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            // A full chunk is written only once a byte beyond it arrives: the last
            // record is known only at the end.
            if self.buf.len() > CHUNK {
                self.record(false, CHUNK).await?;
            }
        }
        Ok(())
    }

    /// Writes the last record and syncs the file to disk.
    pub async fn finish(mut self) -> io::Result<()> {
        let rest = self.buf.len();
        self.record(true, rest).await?;
        self.out.flush().await?;
        self.out.get_mut().sync_all().await
    }
}

/// Reads a sealed file back as a stream of plaintext chunks; a file that was altered or
/// cut gives an error.
pub async fn open(
    path: &Path,
    key: &SealKey,
) -> io::Result<impl Stream<Item = io::Result<Vec<u8>>> + Send + use<>> {
    let mut r = BufReader::new(File::open(path).await?);
    let mut head = [0u8; 16];
    r.read_exact(&mut head).await?;
    if &head[..8] != MAGIC {
        return Err(bad("not sealed"));
    }
    let mut prefix = [0u8; 8];
    prefix.copy_from_slice(&head[8..]);
    let key = key.clone();
    struct St {
        r: BufReader<File>,
        n: u32,
        done: bool,
    }
    let st = St {
        r,
        n: 0,
        done: false,
    };
    Ok(futures::stream::try_unfold(st, move |mut st| {
        let key = key.clone();
        async move {
            if st.done {
                // Nothing may follow the last record.
                let mut extra = [0u8; 1];
                return match st.r.read(&mut extra).await? {
                    0 => Ok(None),
                    _ => Err(bad("data after the end")),
                };
            }
            let mut h = [0u8; 5];
            st.r.read_exact(&mut h)
                .await
                .map_err(|_| bad("cut short"))?;
            let flag = h[0];
            if flag > 1 {
                return Err(bad("record flag"));
            }
            let len = u32::from_be_bytes([h[1], h[2], h[3], h[4]]) as usize;
            if !(TAG..=CHUNK + TAG).contains(&len) {
                return Err(bad("record length"));
            }
            let mut data = vec![0u8; len];
            st.r.read_exact(&mut data)
                .await
                .map_err(|_| bad("cut short"))?;
            let plain_len = key
                .0
                .open_in_place(nonce(&prefix, st.n), Aad::from([flag]), &mut data)
                .map_err(|_| bad("does not open with this key, or was altered"))?
                .len();
            data.truncate(plain_len);
            st.n = st.n.checked_add(1).ok_or_else(|| bad("too long"))?;
            st.done = flag == 1;
            Ok(Some((data, st)))
        }
    }))
}

/// Writes a sealed file with blocking I/O (for the archive reader, which runs on a
/// blocking thread): a nested archive is set aside here to be opened, never whole in
/// memory. The same layout as [`SealWriter`].
pub struct SealWriterSync {
    key: SealKey,
    out: std::io::BufWriter<std::fs::File>,
    prefix: [u8; 8],
    n: u32,
    buf: Vec<u8>,
}

impl SealWriterSync {
    /// Creates `path` (which must not exist).
    pub fn create(path: &Path, key: &SealKey) -> io::Result<SealWriterSync> {
        use std::io::Write as _;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        let prefix: [u8; 8] = rand::random();
        let mut out = std::io::BufWriter::new(f);
        out.write_all(MAGIC)?;
        out.write_all(&prefix)?;
        Ok(SealWriterSync {
            key: key.clone(),
            out,
            prefix,
            n: 0,
            buf: Vec::with_capacity(CHUNK + 1),
        })
    }

    fn record(&mut self, last: bool, take: usize) -> io::Result<()> {
        use std::io::Write as _;
        let data: Vec<u8> = self.buf.drain(..take).collect();
        let rec = seal_record(&self.key, &self.prefix, &mut self.n, last, data)?;
        self.out.write_all(&rec)
    }

    /// Appends bytes.
    pub fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let room = CHUNK + 1 - self.buf.len();
            let take = room.min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.buf.len() > CHUNK {
                self.record(false, CHUNK)?;
            }
        }
        Ok(())
    }

    /// Writes the last record. Not synced: these files live only while a scan runs.
    pub fn finish(mut self) -> io::Result<()> {
        use std::io::Write as _;
        let rest = self.buf.len();
        self.record(true, rest)?;
        self.out.flush()
    }
}

/// A sealed file read in place with blocking I/O, seeking as zip archives need (their
/// directory is at the end): one record decrypted at a time, so memory stays at a chunk
/// whatever the file's size. The last record is checked when the file is opened, so a
/// file cut at a record's end is refused as [`open`] refuses it.
pub struct SealedReader {
    key: SealKey,
    file: std::fs::File,
    prefix: [u8; 8],
    records: u64,
    last_len: u64,
    size: u64,
    pos: u64,
    /// The record decrypted now, and its number.
    current: Option<u64>,
    plain: Vec<u8>,
}

impl SealedReader {
    /// Opens a sealed file.
    pub fn open(path: &Path, key: &SealKey) -> io::Result<SealedReader> {
        use std::io::Read as _;
        let mut file = std::fs::File::open(path)?;
        let mut head = [0u8; 16];
        file.read_exact(&mut head).map_err(|_| bad("cut short"))?;
        if &head[..8] != MAGIC {
            return Err(bad("not sealed"));
        }
        let mut prefix = [0u8; 8];
        prefix.copy_from_slice(&head[8..]);
        let body = file.metadata()?.len().saturating_sub(16);
        let full = CHUNK as u64 + RECORD_OVERHEAD;
        let records = body.div_ceil(full);
        if records == 0 || records > u64::from(u32::MAX) {
            return Err(bad("cut short"));
        }
        let last_len = body - (records - 1) * full;
        if last_len < RECORD_OVERHEAD {
            return Err(bad("cut short"));
        }
        let size = (records - 1) * CHUNK as u64 + (last_len - RECORD_OVERHEAD);
        let mut r = SealedReader {
            key: key.clone(),
            file,
            prefix,
            records,
            last_len,
            size,
            pos: 0,
            current: None,
            plain: Vec::with_capacity(CHUNK + TAG),
        };
        r.load(records - 1)?;
        Ok(r)
    }

    /// The plaintext's size.
    pub fn len(&self) -> u64 {
        self.size
    }

    /// Whether the plaintext is empty.
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    fn load(&mut self, i: u64) -> io::Result<()> {
        use std::io::{Read as _, Seek as _};
        if self.current == Some(i) {
            return Ok(());
        }
        self.current = None;
        let last = i + 1 == self.records;
        let full = CHUNK as u64 + RECORD_OVERHEAD;
        self.file.seek(io::SeekFrom::Start(16 + i * full))?;
        let mut h = [0u8; 5];
        self.file.read_exact(&mut h).map_err(|_| bad("cut short"))?;
        let want_len = if last { self.last_len } else { full } - 5;
        let len = u64::from(u32::from_be_bytes([h[1], h[2], h[3], h[4]]));
        if h[0] != u8::from(last) || len != want_len {
            return Err(bad("record flag or length"));
        }
        self.plain.resize(len as usize, 0);
        self.file
            .read_exact(&mut self.plain)
            .map_err(|_| bad("cut short"))?;
        let n = u32::try_from(i).map_err(|_| bad("too long"))?;
        let plain_len = self
            .key
            .0
            .open_in_place(nonce(&self.prefix, n), Aad::from([h[0]]), &mut self.plain)
            .map_err(|_| bad("does not open with this key, or was altered"))?
            .len();
        self.plain.truncate(plain_len);
        self.current = Some(i);
        Ok(())
    }
}

impl std::io::Read for SealedReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.size || out.is_empty() {
            return Ok(0);
        }
        let i = self.pos / CHUNK as u64;
        self.load(i)?;
        let off = (self.pos % CHUNK as u64) as usize;
        let n = (self.plain.len() - off).min(out.len());
        out[..n].copy_from_slice(&self.plain[off..off + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for SealedReader {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let pos = match to {
            io::SeekFrom::Start(p) => Some(p),
            io::SeekFrom::End(d) => self.size.checked_add_signed(d),
            io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        }
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.pos = pos;
        Ok(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt;

    async fn roundtrip(len: usize, piece: usize) {
        let dir = std::env::temp_dir().join(format!("tocsin-seal-{}", uuid::Uuid::now_v7()));
        tokio::fs::create_dir_all(&dir).await.expect("dir");
        let p = dir.join("f");
        let key = SealKey::new(&[7u8; 32]);
        let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let mut w = SealWriter::create(&p, &key).await.expect("create");
        for c in data.chunks(piece.max(1)) {
            w.write(c).await.expect("write");
        }
        w.finish().await.expect("finish");
        let raw = tokio::fs::read(&p).await.expect("read");
        if len >= 64 {
            assert!(
                !raw.windows(64).any(|w| w == &data[..64]),
                "plaintext on disk"
            );
        }
        let back: Vec<Vec<u8>> = open(&p, &key)
            .await
            .expect("open")
            .try_collect()
            .await
            .expect("chunks");
        assert!(back.iter().all(|c| c.len() <= CHUNK));
        assert_eq!(back.concat(), data, "len {len} piece {piece}");
        // Another key, a cut and a flipped byte all fail.
        let other = SealKey::new(&[8u8; 32]);
        let r: io::Result<Vec<Vec<u8>>> = open(&p, &other).await.expect("open").try_collect().await;
        assert!(r.is_err());
        let cut = dir.join("cut");
        tokio::fs::write(&cut, &raw[..raw.len() - 1])
            .await
            .expect("write");
        let r: io::Result<Vec<Vec<u8>>> = open(&cut, &key).await.expect("open").try_collect().await;
        assert!(r.is_err());
        if len > CHUNK {
            // Dropping the last record leaves a file whose end is not marked.
            let first_record = 16 + 5 + CHUNK + TAG;
            tokio::fs::write(&cut, &raw[..first_record])
                .await
                .expect("write");
            let r: io::Result<Vec<Vec<u8>>> =
                open(&cut, &key).await.expect("open").try_collect().await;
            assert!(r.is_err());
        }
        // Read in place, seeking, the file reads the same; cut or from another key, it
        // does not open.
        {
            use std::io::{Read as _, Seek as _};
            let mut r = SealedReader::open(&p, &key).expect("open in place");
            assert_eq!(r.len(), len as u64);
            let mut all = Vec::new();
            r.read_to_end(&mut all).expect("read");
            assert_eq!(all, data);
            if len > 10 {
                let at = len as u64 - 10;
                r.seek(io::SeekFrom::End(-10)).expect("seek");
                let mut tail = Vec::new();
                r.read_to_end(&mut tail).expect("read");
                assert_eq!(tail, &data[at as usize..]);
                r.seek(io::SeekFrom::Start(3)).expect("seek");
                let mut b = [0u8; 4];
                r.read_exact(&mut b).expect("read");
                assert_eq!(&b, &data[3..7]);
            }
            assert!(SealedReader::open(&cut, &key).is_err());
            assert!(SealedReader::open(&p, &other).is_err());
        }
        // Written with blocking I/O, the same layout.
        let sync = dir.join("sync");
        let mut w = SealWriterSync::create(&sync, &key).expect("create");
        for c in data.chunks(piece.max(1)) {
            w.write(c).expect("write");
        }
        w.finish().expect("finish");
        let back: Vec<Vec<u8>> = open(&sync, &key)
            .await
            .expect("open")
            .try_collect()
            .await
            .expect("chunks");
        assert_eq!(back.concat(), data);
        let mut flipped = raw.clone();
        let i = flipped.len() / 2;
        flipped[i] ^= 1;
        tokio::fs::write(&cut, &flipped).await.expect("write");
        let r: io::Result<Vec<Vec<u8>>> = open(&cut, &key).await.expect("open").try_collect().await;
        assert!(r.is_err());
        let _ = tokio::fs::remove_dir_all(&dir).await;
    }

    #[tokio::test]
    async fn sealed_files_roundtrip_and_refuse_tampering() {
        for (len, piece) in [
            (0, 1),
            (1, 1),
            (100, 7),
            (CHUNK, 1000),
            (CHUNK + 1, CHUNK),
            (3 * CHUNK + 17, 4096),
        ] {
            roundtrip(len, piece).await;
        }
    }
}

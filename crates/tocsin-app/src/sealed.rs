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
        let mut data: Vec<u8> = self.buf.drain(..take).collect();
        let flag = [u8::from(last)];
        let n = self.n;
        self.n = self.n.checked_add(1).ok_or_else(|| bad("too long"))?;
        self.key
            .0
            .seal_in_place_append_tag(nonce(&self.prefix, n), Aad::from(flag), &mut data)
            .map_err(|_| bad("seal"))?;
        let len = u32::try_from(data.len()).map_err(|_| bad("record too long"))?;
        self.out.write_all(&flag).await?;
        self.out.write_all(&len.to_be_bytes()).await?;
        self.out.write_all(&data).await
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

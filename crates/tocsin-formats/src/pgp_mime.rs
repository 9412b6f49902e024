//! OpenPGP in mail, the MIME side only (the cryptography is `tocsin-pgp`'s): finding the
//! ciphertext of a PGP/MIME (RFC 3156 §4, `multipart/encrypted`) or inline-PGP message,
//! and putting the decrypted body back under the message's own headers so intake reads
//! it as it reads any mail; finding what a signed message (RFC 3156 §5,
//! `multipart/signed`, or a clear-signed text) signed and its signature.

use mail_parser::{MessageParser, MimeHeaders, PartType};

const BEGIN: &str = "-----BEGIN PGP MESSAGE-----";
const END: &str = "-----END PGP MESSAGE-----";

/// The ciphertext a message carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sealed {
    /// PGP/MIME: the second part of `multipart/encrypted`; it decrypts to a MIME entity
    /// (headers and body) that replaces the message's body.
    Mime(Vec<u8>),
    /// Inline PGP: an armored block in the plain-text body; it decrypts to text that
    /// replaces the block.
    Inline {
        /// The body's text, armored block included.
        text: String,
        /// The armored block.
        armored: String,
    },
}

/// The ciphertext of `raw`, if it is encrypted: PGP/MIME first, else an armored block in
/// `text` (the message's decoded plain-text body, as `mail_in` read it).
pub fn sealed(raw: &[u8], text: &str) -> Option<Sealed> {
    let parsed = std::panic::catch_unwind(|| {
        let msg = MessageParser::default().parse(raw)?;
        let root = msg.root_part();
        let ct = root.content_type()?;
        let encrypted = ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("encrypted"))
            && ct
                .attribute("protocol")
                .is_some_and(|p| p.eq_ignore_ascii_case("application/pgp-encrypted"));
        if !encrypted {
            return None;
        }
        let PartType::Multipart(children) = &root.body else {
            return None;
        };
        let second = msg.part(*children.get(1)?)?;
        Some(second.contents().to_vec())
    })
    .ok()
    .flatten();
    if let Some(c) = parsed {
        return Some(Sealed::Mime(c));
    }
    let start = text.find(BEGIN)?;
    let end = text[start..].find(END)? + start + END.len();
    Some(Sealed::Inline {
        text: text.to_string(),
        armored: text[start..end].to_string(),
    })
}

/// What a signed, unencrypted message signed, and the signature over it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed {
    /// PGP/MIME: the first part of `multipart/signed` exactly as it stands between its
    /// boundaries (headers included, lines ending in CRLF, RFC 3156 §5), and the armored
    /// detached signature of the second part.
    Mime {
        /// The signed entity.
        data: Vec<u8>,
        /// The armored signature.
        signature: String,
    },
    /// A clear-signed text (`-----BEGIN PGP SIGNED MESSAGE-----` … signature) in the
    /// plain-text body.
    Clear(String),
}

const SIGNED_BEGIN: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
const SIGNATURE_END: &str = "-----END PGP SIGNATURE-----";

/// The signed content of `raw`, if it is signed: PGP/MIME first, else a clear-signed block
/// in `text` (the message's decoded plain-text body).
pub fn signed(raw: &[u8], text: &str) -> Option<Signed> {
    if let Some(s) = signed_mime(raw) {
        return Some(s);
    }
    let start = text.find(SIGNED_BEGIN)?;
    let end = text[start..].find(SIGNATURE_END)? + start + SIGNATURE_END.len();
    Some(Signed::Clear(text[start..end].to_string()))
}

fn signed_mime(raw: &[u8]) -> Option<Signed> {
    let (boundary, signature) = std::panic::catch_unwind(|| {
        let msg = MessageParser::default().parse(raw)?;
        let root = msg.root_part();
        let ct = root.content_type()?;
        let signed = ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("signed"))
            && ct
                .attribute("protocol")
                .is_some_and(|p| p.eq_ignore_ascii_case("application/pgp-signature"));
        if !signed {
            return None;
        }
        let boundary = ct.attribute("boundary")?.to_string();
        let PartType::Multipart(children) = &root.body else {
            return None;
        };
        let second = msg.part(*children.get(1)?)?;
        let signature = String::from_utf8_lossy(second.contents()).into_owned();
        Some((boundary, signature))
    })
    .ok()
    .flatten()?;
    // The signed entity is taken from the raw bytes, not re-serialized: one changed byte
    // and the signature fails. Lines end in CRLF on the wire (RFC 3156 §5.1); a message
    // stored with bare LF is put back in that form.
    let crlf: Vec<u8> = if raw.windows(2).any(|w| w == b"\r\n") {
        raw.to_vec()
    } else {
        let mut v = Vec::with_capacity(raw.len() + raw.len() / 40);
        for &b in raw {
            if b == b'\n' {
                v.push(b'\r');
            }
            v.push(b);
        }
        v
    };
    let open = format!("--{boundary}\r\n");
    let next = format!("\r\n--{boundary}");
    let start = find(&crlf, open.as_bytes())? + open.len();
    let len = find(&crlf[start..], next.as_bytes())?;
    Some(Signed::Mime {
        data: crlf[start..start + len].to_vec(),
        signature,
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The header section of `raw` without the headers that describe its body (`Content-*`,
/// `MIME-Version`), unfolded lines kept whole, each ending in CRLF.
fn outer_headers(raw: &[u8]) -> Vec<u8> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 2)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 1))
        .unwrap_or(raw.len());
    let mut out = Vec::with_capacity(end + 32);
    let mut keep = true;
    for line in raw[..end].split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let continued = line[0] == b' ' || line[0] == b'\t';
        if !continued {
            let name = line.split(|&b| b == b':').next().unwrap_or_default();
            let name = String::from_utf8_lossy(name).to_ascii_lowercase();
            keep = !(name.starts_with("content-") || name == "mime-version");
        }
        if keep {
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// The message `raw` with its body replaced by what `sealed` decrypted to (`plain`): a
/// MIME entity for PGP/MIME, the text with the armored block replaced for inline PGP.
pub fn opened(raw: &[u8], sealed: &Sealed, plain: &[u8]) -> Vec<u8> {
    let mut out = outer_headers(raw);
    out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    match sealed {
        Sealed::Mime(_) => {
            // The entity starts with its own Content-Type; one that has no headers is
            // text (RFC 2045's default).
            let starts_with_header = plain
                .split(|&b| b == b'\n')
                .next()
                .is_some_and(|l| l.contains(&b':') && !l.starts_with(b" "));
            if !starts_with_header {
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(plain);
        }
        Sealed::Inline { text, armored } => {
            let plain = String::from_utf8_lossy(plain);
            let body = text.replacen(armored.as_str(), &plain, 1);
            out.extend_from_slice(
                b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
            );
            out.extend_from_slice(body.as_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PGP_MIME: &str = "From: a@example.org\r\nTo: report@cert.example.tw\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--b\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nabc\r\n-----END PGP MESSAGE-----\r\n\r\n--b--\r\n";

    #[test]
    fn pgp_mime_is_found_and_its_body_replaced() {
        let Some(Sealed::Mime(c)) = sealed(PGP_MIME.as_bytes(), "") else {
            panic!("not found");
        };
        assert!(String::from_utf8_lossy(&c).contains("abc"));
        let open = opened(
            PGP_MIME.as_bytes(),
            &Sealed::Mime(c),
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nhello",
        );
        let open = String::from_utf8_lossy(&open);
        assert!(open.starts_with("From: a@example.org\r\nTo: report@cert.example.tw\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain"));
        assert!(!open.contains("multipart/encrypted"));
        assert!(open.ends_with("\r\n\r\nhello"));
    }

    #[test]
    fn inline_pgp_is_found_in_the_text() {
        let text = format!("Hi\n{BEGIN}\n\nxyz\n{END}\nbye");
        let raw = b"From: a@example.org\r\nContent-Type: text/plain\r\n\r\nignored";
        let s = sealed(raw, &text).expect("found");
        let open = String::from_utf8_lossy(&opened(raw, &s, b"secret")).into_owned();
        assert!(open.ends_with("\r\n\r\nHi\nsecret\nbye"), "{open}");
        assert!(sealed(raw, "no armor here").is_none());
    }
}

//! Decoding the text files people send (TXT forms, intelligence records, mail parts) into a
//! `String`, whatever encoding their editor used.
//!
//! The order of the guesses:
//! 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) decides;
//! 2. valid UTF-8 without NUL bytes is UTF-8 (pure ASCII included);
//! 3. NUL bytes falling mostly on one parity of byte positions mean BOM-less UTF-16 (LE when
//!    on odd positions, BE when on even ones): Notepad's "Unicode" without its BOM, which
//!    chardetng never reports. ASCII-only UTF-16 is also valid UTF-8, so this check runs
//!    before UTF-8 is accepted when the bytes hold NULs;
//! 4. otherwise chardetng guesses with the `tw` top-level-domain hint, so short Big5 text
//!    from older Traditional-Chinese Windows is recognized, and encoding_rs decodes.
//!
//! Line endings are normalized to `\n` (CRLF and lone CR), and a leading U+FEFF is removed.
//! Nothing here panics: malformed sequences become U+FFFD and [`Decoded::lossy`] says so.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// Text decoded from bytes, with the encoding it was read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with `\n` line endings and no byte order mark.
    pub text: String,
    /// The WHATWG name of the encoding used, e.g. `UTF-8`, `UTF-16LE`, `Big5`.
    pub encoding: &'static str,
    /// True when some bytes were malformed in that encoding and became U+FFFD.
    pub lossy: bool,
}

/// Decodes a text file of unknown encoding (see the module documentation for the order of
/// the guesses). Never panics.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        return with_encoding(encoding, body);
    }
    let has_nul = bytes.contains(&0);
    if !has_nul && let Ok(text) = std::str::from_utf8(bytes) {
        return finish(text.to_owned(), "UTF-8", false);
    }
    if has_nul && let Some(encoding) = utf16_without_bom(bytes) {
        return with_encoding(encoding, bytes);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(text.to_owned(), "UTF-8", false);
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(Some(b"tw"), Utf8Detection::Allow);
    with_encoding(encoding, bytes)
}

/// Normalizes CRLF and lone CR line endings to LF.
pub fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

fn with_encoding(encoding: &'static Encoding, body: &[u8]) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    finish(text.into_owned(), encoding.name(), had_errors)
}

fn finish(text: String, encoding: &'static str, lossy: bool) -> Decoded {
    let text = normalize_newlines(&text);
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    Decoded {
        text,
        encoding,
        lossy,
    }
}

/// BOM-less UTF-16 from where the NUL bytes fall: the high byte of every ASCII character
/// (spaces, digits, line breaks, Latin letters) is NUL. A text file has many of these, so one
/// parity holds at least a tenth of the NULs' possible places and the other almost none.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let units = bytes.len() / 2;
    if units == 0 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in bytes.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let enough = |n: usize| n * 10 >= units;
    let few = |n: usize, of: usize| n * 8 <= of;
    if enough(odd) && few(even, odd) {
        Some(UTF_16LE)
    } else if enough(even) && few(odd, even) {
        Some(UTF_16BE)
    } else {
        None
    }
}

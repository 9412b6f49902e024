//! `text::decode`: every encoding reporters' editors write, with and without a BOM.

use encoding_rs::BIG5;
use proptest::prelude::*;
use tocsin_formats::text::{self, Decoded};

/// Known Traditional-Chinese text with ASCII, as the vulnerability form has it.
const SAMPLE: &str = "◎影響產品名稱 IP CAM\n◎版本 1.24\n◎漏洞描述：\n軟體並未對輸入的參數做驗證，導致攻擊者可以透過參數執行任意指令。\n";

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn big5(s: &str) -> Vec<u8> {
    let (bytes, encoding, unmappable) = BIG5.encode(s);
    assert_eq!(encoding, BIG5);
    assert!(!unmappable, "sample must be representable in Big5");
    bytes.into_owned()
}

fn check(bytes: &[u8], text: &str, encoding: &str) {
    let Decoded {
        text: got,
        encoding: got_encoding,
        lossy,
    } = text::decode(bytes);
    assert_eq!(got, text);
    assert_eq!(got_encoding, encoding);
    assert!(!lossy);
}

#[test]
fn utf8_without_and_with_bom() {
    check(SAMPLE.as_bytes(), SAMPLE, "UTF-8");
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend_from_slice(SAMPLE.as_bytes());
    check(&bom, SAMPLE, "UTF-8");
}

#[test]
fn ascii_is_utf8() {
    check(b"Product: IP CAM\n", "Product: IP CAM\n", "UTF-8");
    check(b"", "", "UTF-8");
}

#[test]
fn utf16le_with_bom_and_crlf_as_notepad_writes_it() {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(utf16le(&SAMPLE.replace('\n', "\r\n")));
    check(&bytes, SAMPLE, "UTF-16LE");
}

#[test]
fn utf16be_with_bom() {
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(utf16be(SAMPLE));
    check(&bytes, SAMPLE, "UTF-16BE");
}

#[test]
fn utf16_without_bom_from_the_nul_bytes() {
    check(&utf16le(&SAMPLE.replace('\n', "\r\n")), SAMPLE, "UTF-16LE");
    check(&utf16be(SAMPLE), SAMPLE, "UTF-16BE");
    // ASCII-only UTF-16 is also valid UTF-8 (NUL is a character): still read as UTF-16.
    check(&utf16le("Version: 1.24\n"), "Version: 1.24\n", "UTF-16LE");
    check(&utf16be("Version: 1.24\n"), "Version: 1.24\n", "UTF-16BE");
}

#[test]
fn big5_long_and_short() {
    check(&big5(&SAMPLE.replace('\n', "\r\n")), SAMPLE, "Big5");
    // chardetng with the tw hint finds Big5 even in two characters.
    check(&big5("測試"), "測試", "Big5");
    check(&big5("◎版本 1.24"), "◎版本 1.24", "Big5");
}

#[test]
fn big5_look_alikes_decode_as_the_bytes_say() {
    // Big5 has two slashes, 0xA1FE `／` and 0xA241 `∕` (U+2215), and small colons beside
    // the full-width one. Decoding keeps which was written: the form reader folds them when
    // it matches labels, and values stay as sent.
    let text = "◎產品開發者∕廠商﹕techOh Inc.\n◎產品開發者／廠商：techOh Inc.\n";
    let bytes = big5(text);
    assert!(bytes.windows(2).any(|w| w == [0xa2, 0x41]));
    assert!(bytes.windows(2).any(|w| w == [0xa1, 0xfe]));
    check(&bytes, text, "Big5");
}

#[test]
fn line_endings_become_lf() {
    check(b"a\r\nb\rc\n\r\n", "a\nb\nc\n\n", "UTF-8");
    assert_eq!(text::normalize_newlines("x\r\r\ny"), "x\n\ny");
}

#[test]
fn malformed_bytes_are_lossy_not_fatal() {
    // A UTF-16LE BOM followed by an unpaired surrogate.
    let d = text::decode(&[0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]);
    assert_eq!(d.encoding, "UTF-16LE");
    assert!(d.lossy);
    assert_eq!(d.text, "\u{fffd}A");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let d = text::decode(&bytes);
        prop_assert!(!d.text.contains('\r'));
    }

    #[test]
    fn utf8_text_comes_back(s in "[^\r\u{0}\u{feff}]{0,200}") {
        let d = text::decode(s.as_bytes());
        prop_assert_eq!(d.text, s);
        prop_assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf16_with_bom_comes_back(s in "[^\r\u{feff}]{0,200}") {
        let mut le = vec![0xff, 0xfe];
        le.extend(utf16le(&s));
        prop_assert_eq!(text::decode(&le).text, s.clone());
        let mut be = vec![0xfe, 0xff];
        be.extend(utf16be(&s));
        prop_assert_eq!(text::decode(&be).text, s);
    }
}

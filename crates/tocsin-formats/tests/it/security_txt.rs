//! security.txt (RFC 9116): what the desk emits reads back by the RFC's rules, the rules
//! refuse what they should, and no input makes the reader panic.

use proptest::prelude::*;
use tocsin_domain::Timestamp;
use tocsin_formats::security_txt::{Problem, SecurityTxt, parse};

const URL: &str = "https://cert.example.tw/.well-known/security.txt";

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2026-12-07T16:30:00Z").expect("now")
}

fn desk() -> SecurityTxt {
    SecurityTxt {
        contact: vec![
            "mailto:service@cert.example.tw".into(),
            "tel:+886-2-0000-0000".into(),
        ],
        expires: "2027-06-05T16:30:00Z".into(),
        encryption: vec!["https://cert.example.tw/pgp-key.asc".into()],
        preferred_languages: vec!["zh-TW".into(), "en".into()],
        policy: vec!["https://cert.example.tw/about/rfc2350".into()],
        canonical: vec![URL.into()],
        csaf: vec![],
    }
}

#[test]
fn the_desks_file_reads_back() {
    let p = parse(&desk().emit(), URL, now()).expect("valid");
    assert_eq!(p.fields, desk());
    assert!(!p.signed);
}

#[test]
fn the_rules_refuse_what_rfc_9116_refuses() {
    let no_contact = "Expires: 2027-01-01T00:00:00Z\n";
    assert_eq!(parse(no_contact, URL, now()), Err(vec![Problem::NoContact]));
    let two =
        "Contact: mailto:a@b.tw\nExpires: 2027-01-01T00:00:00Z\nExpires: 2027-02-01T00:00:00Z\n";
    assert_eq!(parse(two, URL, now()), Err(vec![Problem::ExpiresCount(2)]));
    let none = "Contact: mailto:a@b.tw\n";
    assert_eq!(parse(none, URL, now()), Err(vec![Problem::ExpiresCount(0)]));
    let past = "Contact: mailto:a@b.tw\nExpires: 2026-01-01T00:00:00Z\n";
    assert!(matches!(
        parse(past, URL, now()).err().as_deref(),
        Some([Problem::Expired(_)])
    ));
    let bad = "Contact: mailto:a@b.tw\nExpires: next year\n";
    assert!(matches!(
        parse(bad, URL, now()).err().as_deref(),
        Some([Problem::ExpiresFormat(_)])
    ));
    let http = "Contact: http://cert.example.tw/\nExpires: 2027-01-01T00:00:00Z\n";
    assert!(matches!(
        parse(http, URL, now()).err().as_deref(),
        Some([Problem::NotHttps { .. }])
    ));
    let elsewhere = "Contact: mailto:a@b.tw\nExpires: 2027-01-01T00:00:00Z\nCanonical: https://other.example/.well-known/security.txt\n";
    assert!(matches!(
        parse(elsewhere, URL, now()).err().as_deref(),
        Some([Problem::NotCanonical(_)])
    ));
    // Comments, blank lines, unknown fields and any case of a name are fine.
    let loose = "# hello\n\nCONTACT: mailto:a@b.tw\nexpires: 2027-01-01T00:00:00Z\nHiring: https://x.example/\n";
    assert!(parse(loose, URL, now()).is_ok());
}

#[test]
fn a_clear_signed_file_is_read_from_its_signed_text() {
    let text = format!(
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n{}-----BEGIN PGP SIGNATURE-----\n\nxyz\n-----END PGP SIGNATURE-----\n",
        desk().emit()
    );
    let p = parse(&text, URL, now()).expect("valid");
    assert!(p.signed);
    assert_eq!(p.fields, desk());
    assert_eq!(p.text, desk().emit().trim_end());
    let broken = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.tw\n";
    assert_eq!(parse(broken, URL, now()), Err(vec![Problem::Armor]));
}

proptest! {
    #[test]
    fn never_panics(s in ".{0,400}") {
        let _ = parse(&s, URL, now());
    }

    #[test]
    fn emitted_fields_read_back(contact in "[a-z]{1,10}@[a-z]{1,10}\\.tw", lang in "[a-z]{2}") {
        let mut f = desk();
        f.contact = vec![format!("mailto:{contact}")];
        f.preferred_languages = vec![lang];
        prop_assert_eq!(parse(&f.emit(), URL, now()).map(|p| p.fields), Ok(f));
    }
}

//! Fuzzes inbound mail: any bytes are read or refused with a reason, never a panic; every
//! text attachment of what was read goes through the form parsers unharmed, and the
//! OpenPGP look-ups (ciphertext, signed entity) take whatever came.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tocsin_formats::mail_in::{Limits, parse, tracking_numbers};
use tocsin_formats::{intel_form, pgp_mime, vuln_form};

fuzz_target!(
    init: {
        // libfuzzer-sys aborts from its panic hook, which would also count the MIME
        // library's panics that `parse` catches and turns into a refusal. With the default
        // hook back, a panic that escapes `parse` still aborts the process (it cannot unwind
        // out of the fuzzer's C entry point), so nothing is hidden.
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
        if let Ok(m) = parse(data, None, &Limits::default()) {
            let _ = tracking_numbers(&m.subject, &["INC", "VUL", "PHI"]);
            if let Some(sealed) = pgp_mime::sealed(data, &m.text) {
                let _ = pgp_mime::opened(data, &sealed, data);
            }
            let _ = pgp_mime::signed(data, &m.text);
            for a in m.attachments.iter().filter(|a| a.is_text()) {
                let _ = intel_form::parse_bytes(&a.bytes);
                let _ = vuln_form::parse_bytes(&a.bytes);
            }
        }
    }
);

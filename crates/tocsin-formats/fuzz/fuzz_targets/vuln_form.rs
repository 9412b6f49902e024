//! Fuzzes the vulnerability TXT form: decoding any bytes, parsing them, and parsing again
//! what `emit` writes from the result. None of it may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tocsin_formats::{text, vuln_form};

fuzz_target!(|data: &[u8]| {
    let decoded = text::decode(data);
    assert!(!decoded.text.contains('\r'));
    let outcome = vuln_form::parse_bytes(data);
    let _ = vuln_form::parse(&vuln_form::emit(&outcome.form));
    let _ = vuln_form::parse(&decoded.text);
});

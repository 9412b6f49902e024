//! Fuzzes the intelligence TXT form: decoding and parsing any bytes must not panic, and
//! what was read must come back unchanged through `emit` and `parse` (for a record that
//! validates, to the same record).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tocsin_formats::intel_form;

fuzz_target!(|data: &[u8]| {
    let outcome = intel_form::parse_bytes(data);
    if let Ok(record) = outcome.input.validate() {
        let again = intel_form::parse(&intel_form::emit(&outcome.input));
        assert_eq!(again.input, outcome.input);
        assert!(again.problems.is_empty(), "{:?}", again.problems);
        assert!(again.unknown_lines.is_empty(), "{:?}", again.unknown_lines);
        assert_eq!(again.input.validate(), Ok(record.clone()));
        let from_record = intel_form::parse(&intel_form::emit_record(&record));
        assert_eq!(from_record.input.validate(), Ok(record));
    } else {
        // Not a valid record: still no panic writing and reading it back.
        let _ = intel_form::parse(&intel_form::emit(&outcome.input));
    }
});

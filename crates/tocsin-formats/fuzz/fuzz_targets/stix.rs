//! Fuzzes the STIX bundle reader: any bytes must be read or refused without a panic, and
//! every draft read from them must validate or be refused without one either; the
//! streaming reader must read or refuse them without one too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tocsin_formats::stix;

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = stix::read_bundle(data, tocsin_domain::Timestamp::from_micros(0)) {
        for r in records {
            let _ = r.input.validate();
        }
    }
    let _ = stix::stream_objects(data, |_| true);
});

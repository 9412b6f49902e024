//! Pure wire formats of tocsin: parse and emit, no I/O, fuzzable. Today: the JSON-lines
//! export format. The TXT forms, STIX and the rest join here.

pub mod export;

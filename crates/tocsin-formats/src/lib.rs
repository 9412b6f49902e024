//! Pure wire formats of tocsin: parse and emit, no I/O, fuzzable. Today: the JSON-lines
//! export format. The TXT forms, STIX and the rest join here.

pub mod atom;
pub mod cve_record;
pub mod cvss;
pub mod export;
mod form_lines;
pub mod intel_form;
pub mod rdap;
pub mod text;
pub mod vuln_form;

//! Pure wire formats of tocsin: parse and emit, no I/O, fuzzable: the JSON-lines export
//! format, the TXT forms (product vulnerability, intelligence record), STIX 2.1 bundles, MISP
//! feeds and the rest.

pub mod atom;
pub mod csv;
pub mod cve_record;
pub mod cvss;
pub mod export;
mod form_lines;
pub mod intel_form;
pub mod mail_in;
pub mod misp;
pub mod rdap;
pub mod stix;
pub mod text;
pub mod vuln_form;

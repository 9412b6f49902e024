//! Pure wire formats of tocsin: parse and emit, no I/O, fuzzable: the JSON-lines export
//! format, the TXT forms (product vulnerability, intelligence record), STIX 2.1 bundles, MISP
//! feeds and the rest.
//!
//! # The formats
//!
//! Pure wire formats: parse and emit, no I/O, fuzzable: the JSON-lines export format
//! (`export.rs`); decoding of text files people send — BOM, UTF-16 without BOM, Big5 —
//! (`text.rs`, shared by every TXT form and mail intake); the vulnerability TXT form's
//! template, emitter and tolerant parser (`vuln_form.rs`); the intel record's mail TXT
//! (`intel_form.rs`: one `欄位名稱：值` line per field, continuation lines indented or fenced,
//! English names as aliases; emit → parse round-trips, property-tested), both built on the
//! shared line reader of `form_lines.rs`; inbound mail (`mail_in.rs`, mail-parser with full
//! encodings: addresses, decoded subjects and bodies, HTML reduced to text with its links,
//! attachments as raw bytes so form files keep their charset, forwarded messages, threading
//! ids, automatic-mail detection, limits that refuse MIME bombs); CVSS 3.0/3.1/4.0 parsing, scoring
//! and the reporter-claim check (`cvss.rs`, checked against 6,000 scores of an independent
//! implementation in `tests/data/`); RDAP bootstrap and abuse-contact reading (`rdap.rs`).
//! CVE JSON 5.1 records, PUBLISHED and REJECTED, and the CNA containers submitted before
//! (`cve_record.rs`, validated against the official schema vendored in `tests/data/`) and Atom feeds (`atom.rs`). STIX 2.1 (`stix.rs`, serde types of its own, no
//! STIX crate): an intel record as a bundle (publisher identity, report, one indicator with a
//! STIX pattern per observable, SCOs with the specification's UUIDv5 ids, relationships,
//! vulnerabilities for CVE ids, TLP 1.0 and 2.0 marking definitions, and the N-ISAC fields
//! with no STIX home in tocsin's property extension, so a record comes back whole), verified
//! phishing URLs as url indicators, advisories as vulnerabilities; partners' bundles and
//! TAXII envelopes read into draft records, with all three TLP encodings (1.0 ids, 2.0 ids,
//! statement markings); round trip and never-panic property-tested, output checked by the
//! OASIS stix2-validator (`tests/it/stix_validator.rs`, through `tests/stix/validate_bundles.py`). MISP
//! feed events, `manifest.json` and `hashes.csv` (`misp.rs`; PyMISP loads them in
//! `crates/tocsin-server/tests/it/feeds_api.rs`); the one CSV writer of every feed
//! (`csv.rs`, formula-safe). CSAF 2.0 (`csaf.rs`): an advisory as a `csaf_security_advisory`
//! document, a trusted provider's files (provider metadata, ROLIE feeds, `index.txt`,
//! `changes.csv`), the run-time verdict against the vendored strict schema (`data/csaf/`)
//! and pure mandatory tests, and the reading of other publishers' advisories; its documents
//! are checked by the BSI reference validator in `tests/it/csaf.rs`. `security.txt` (RFC
//! 9116) emitted and read by its rules, clear-signed or not (`security_txt.rs`). OpenPGP in
//! mail, the MIME side: the ciphertext of PGP/MIME and inline-PGP mail, and the message
//! rebuilt around what it decrypts to (`pgp_mime.rs`; the cryptography is `tocsin-pgp`'s).
//! Team directories in the shapes of FIRST's teams API and Trusted Introducer's export, and
//! the check of a team's OpenPGP key against its fingerprint (`teams.rs`).
//! `fuzz/` holds cargo-fuzz targets (its own workspace) for the parsers of what outsiders
//! send: inbound mail with the forms behind it, the intel and vulnerability TXT forms and
//! STIX bundles (the CVSS, CVE, text and Atom readers are property-tested instead); `scripts/fuzz` runs
//! each for a bounded time in every test run (it found a damaged multipart that makes
//! mail-parser panic: `mail_in::parse` catches that and refuses the message as
//! `Unreadable`).

pub mod atom;
pub mod chart;
pub mod csaf;
pub mod csv;
pub mod cve_record;
pub mod cvss;
pub mod export;
mod form_lines;
pub mod intel_form;
pub mod mail_in;
pub mod misp;
pub mod pgp_mime;
pub mod rdap;
pub mod security_txt;
pub mod stix;
pub mod teams;
pub mod text;
pub mod vuln_form;

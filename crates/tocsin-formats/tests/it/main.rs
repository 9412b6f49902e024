//! The wire formats' tests, in one binary: each module checks one format against its
//! specification's examples, the reference tools' verdicts and data written by others, and
//! holds its parser to properties over arbitrary input.

mod atom;
mod csaf;
mod cve_record;
mod cvss;
mod intel_form;
mod intel_notation;
mod intel_strategies;
mod mail_in;
mod security_txt;
mod stix;
mod stix_validator;
mod teams;
mod text;
mod vuln_form;

//! Virus Check (病毒檢測): the analysis of an uploaded file by several engines, in the
//! shape users of VirusTotal's v3 API expect (an analysis with a status, a file with its
//! hashes, `stats` by verdict category and `results` per engine), and the file type by its
//! magic bytes. The engines themselves (clamd, the shared intel) live in tocsin-app.

pub mod archive;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where an analysis stands, as VirusTotal names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnalysisStatus {
    /// Waiting for a scanner.
    Queued,
    /// A scanner holds it.
    InProgress,
    /// Every engine answered (or failed).
    Completed,
}

impl AnalysisStatus {
    /// The wire name (`queued`, `in-progress`, `completed`).
    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisStatus::Queued => "queued",
            AnalysisStatus::InProgress => "in-progress",
            AnalysisStatus::Completed => "completed",
        }
    }

    /// Reads a wire name.
    pub fn parse(s: &str) -> Option<AnalysisStatus> {
        match s {
            "queued" => Some(AnalysisStatus::Queued),
            "in-progress" => Some(AnalysisStatus::InProgress),
            "completed" => Some(AnalysisStatus::Completed),
            _ => None,
        }
    }
}

/// One engine's verdict category, as VirusTotal names them (`type-unsupported` and the
/// others it has are not used by tocsin's engines).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The engine knows it as harmful.
    Malicious,
    /// The engine has doubts (an archive past the limits, a heuristic).
    Suspicious,
    /// The engine found nothing.
    Undetected,
    /// The engine could not answer (unreachable, an error).
    Failure,
    /// The engine took too long.
    Timeout,
}

impl Category {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Malicious => "malicious",
            Category::Suspicious => "suspicious",
            Category::Undetected => "undetected",
            Category::Failure => "failure",
            Category::Timeout => "timeout",
        }
    }
}

/// One engine's answer about one file (VirusTotal's `results[engine]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineResult {
    /// The engine's name (`ClamAV`, `tocsin-intel`).
    pub engine_name: String,
    /// The engine's version (for ClamAV: program and signature database).
    pub engine_version: String,
    /// The verdict.
    pub category: Category,
    /// What it found (a signature name, a record's reference), or None.
    pub result: Option<String>,
    /// How it looked: `blacklist` for signatures and indicators, as VirusTotal says.
    pub method: String,
}

/// How many engines gave each category (VirusTotal's `stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Malicious.
    pub malicious: u32,
    /// Suspicious.
    pub suspicious: u32,
    /// Undetected.
    pub undetected: u32,
    /// Failure.
    pub failure: u32,
    /// Timeout.
    pub timeout: u32,
}

impl Stats {
    /// Counts the results.
    pub fn of<'a>(results: impl IntoIterator<Item = &'a EngineResult>) -> Stats {
        let mut s = Stats::default();
        for r in results {
            match r.category {
                Category::Malicious => s.malicious += 1,
                Category::Suspicious => s.suspicious += 1,
                Category::Undetected => s.undetected += 1,
                Category::Failure => s.failure += 1,
                Category::Timeout => s.timeout += 1,
            }
        }
        s
    }

    /// The verdict a reader is told first: malicious if any engine says so, then
    /// suspicious, then undetected when at least one engine answered, else failure.
    pub fn verdict(&self) -> Category {
        if self.malicious > 0 {
            Category::Malicious
        } else if self.suspicious > 0 {
            Category::Suspicious
        } else if self.undetected > 0 {
            Category::Undetected
        } else if self.timeout > 0 {
            Category::Timeout
        } else {
            Category::Failure
        }
    }
}

/// Results by engine name, in name order (as stored and answered).
pub type Results = BTreeMap<String, EngineResult>;

/// The engines' versions a file was scanned under, by engine name: when any differs
/// from the engines' versions now, a stored result is stale and the file is scanned again.
pub type EngineVersions = BTreeMap<String, String>;

/// Whether results scanned under `then` still hold under `now`: every engine of `now`
/// scanned it under the same version.
pub fn still_current(then: &EngineVersions, now: &EngineVersions) -> bool {
    !now.is_empty() && now.iter().all(|(k, v)| then.get(k) == Some(v))
}

/// A file's type by its first bytes (VirusTotal's `type_tag` for the common ones);
/// `unknown` when no signature matches, `text` for printable UTF-8.
pub fn file_type(head: &[u8]) -> &'static str {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"MZ", "peexe"),
        (b"\x7fELF", "elf"),
        (b"%PDF-", "pdf"),
        (b"PK\x03\x04", "zip"),
        (b"PK\x05\x06", "zip"),
        (b"\x1f\x8b", "gzip"),
        (b"Rar!\x1a\x07", "rar"),
        (b"7z\xbc\xaf\x27\x1c", "7zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "msoffice"),
        (b"{\\rtf", "rtf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"\xca\xfe\xba\xbe", "java-class"),
        (b"\xcf\xfa\xed\xfe", "macho"),
        (b"\xfe\xed\xfa\xcf", "macho"),
        (b"#!", "script"),
    ];
    if let Some((_, t)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return t;
    }
    // A tar archive names itself at offset 257.
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return "tar";
    }
    let lower: Vec<u8> = head.iter().take(64).map(u8::to_ascii_lowercase).collect();
    let trimmed = lower.trim_ascii_start();
    if trimmed.starts_with(b"<!doctype html") || trimmed.starts_with(b"<html") {
        return "html";
    }
    if head.is_empty() {
        return "empty";
    }
    // A multi-byte character cut at the end of the head is still text.
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if text
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
    {
        "text"
    } else {
        "unknown"
    }
}

/// How many leading bytes [`file_type`] looks at.
pub const TYPE_HEAD: usize = 512;

#[cfg(test)]
mod tests {
    use super::*;

    fn r(c: Category) -> EngineResult {
        EngineResult {
            engine_name: "e".into(),
            engine_version: "1".into(),
            category: c,
            result: None,
            method: "blacklist".into(),
        }
    }

    #[test]
    fn the_verdict_is_the_worst_answer() {
        let s = Stats::of(&[r(Category::Undetected), r(Category::Malicious)]);
        assert_eq!((s.malicious, s.undetected), (1, 1));
        assert_eq!(s.verdict(), Category::Malicious);
        assert_eq!(
            Stats::of(&[r(Category::Failure), r(Category::Undetected)]).verdict(),
            Category::Undetected
        );
        assert_eq!(
            Stats::of(&[r(Category::Failure)]).verdict(),
            Category::Failure
        );
        assert_eq!(Stats::default().verdict(), Category::Failure);
    }

    #[test]
    fn wire_names_are_virustotals() {
        assert_eq!(
            serde_json::to_string(&AnalysisStatus::InProgress).expect("json"),
            "\"in-progress\""
        );
        assert_eq!(
            AnalysisStatus::parse(AnalysisStatus::InProgress.as_str()),
            Some(AnalysisStatus::InProgress)
        );
        assert_eq!(
            serde_json::to_string(&r(Category::Malicious)).expect("json"),
            r#"{"engine_name":"e","engine_version":"1","category":"malicious","result":null,"method":"blacklist"}"#
        );
    }

    #[test]
    fn stale_when_an_engine_changed() {
        let then: EngineVersions = [("ClamAV".to_string(), "1/27000".to_string())].into();
        let mut now = then.clone();
        assert!(still_current(&then, &now));
        now.insert("ClamAV".into(), "1/27001".into());
        assert!(!still_current(&then, &now));
        assert!(!still_current(&then, &EngineVersions::new()));
    }

    #[test]
    fn types_by_magic_bytes() {
        assert_eq!(file_type(b"MZ\x90\x00"), "peexe");
        assert_eq!(file_type(b"\x7fELF\x02"), "elf");
        assert_eq!(file_type(b"%PDF-1.7"), "pdf");
        assert_eq!(file_type(b"PK\x03\x04...."), "zip");
        assert_eq!(file_type(b"\x1f\x8b\x08"), "gzip");
        assert_eq!(file_type(b"  <!DOCTYPE html><p>"), "html");
        assert_eq!(file_type("純文字 text\n".as_bytes()), "text");
        assert_eq!(file_type(&"中".as_bytes()[..2]), "text");
        assert_eq!(file_type(b"\x00\x01\x02"), "unknown");
        assert_eq!(file_type(b""), "empty");
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(file_type(&tar), "tar");
        assert_eq!(
            file_type(b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"),
            "text"
        );
    }
}

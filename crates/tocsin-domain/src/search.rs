//! Full-text search tokens that find Chinese words of one or two characters.
//!
//! Trigram indexes cannot find 漏洞 (two characters), so tokens are made here, the same for
//! both engines: Latin words (letters and digits) lower-cased; each run of CJK characters
//! as its single characters plus every overlapping pair. A query is tokenized the same
//! way, except that a CJK run of two or more characters contributes only its pairs (they
//! are enough to find it); every query token must be present, and the caller then confirms
//! the exact substring ([`matches`]) on the candidates.

use std::collections::BTreeSet;

/// Whether a character belongs to a CJK run: Han, kana, Hangul, bopomofo.
pub fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF      // kana
        | 0x3100..=0x312F    // bopomofo
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified
        | 0xAC00..=0xD7AF    // Hangul
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0x20000..=0x3134F) // extensions B–G
}

enum Run {
    Word(String),
    Cjk(Vec<char>),
}

fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut cjk: Vec<char> = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.push(Run::Word(std::mem::take(&mut word)));
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            if !cjk.is_empty() {
                out.push(Run::Cjk(std::mem::take(&mut cjk)));
            }
            word.extend(c.to_lowercase());
        } else {
            if !word.is_empty() {
                out.push(Run::Word(std::mem::take(&mut word)));
            }
            if !cjk.is_empty() {
                out.push(Run::Cjk(std::mem::take(&mut cjk)));
            }
        }
    }
    if !word.is_empty() {
        out.push(Run::Word(word));
    }
    if !cjk.is_empty() {
        out.push(Run::Cjk(cjk));
    }
    out
}

/// The tokens to index for a text, without duplicates.
pub fn index_tokens(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for run in runs(text) {
        match run {
            Run::Word(w) => {
                out.insert(w);
            }
            Run::Cjk(cs) => {
                out.extend(cs.iter().map(|c| c.to_string()));
                out.extend(cs.windows(2).map(|w| w.iter().collect::<String>()));
            }
        }
    }
    out
}

/// The tokens a query needs; empty when the query has no searchable characters.
pub fn query_tokens(query: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for run in runs(query) {
        match run {
            Run::Word(w) => {
                out.insert(w);
            }
            Run::Cjk(cs) if cs.len() == 1 => {
                out.extend(cs.iter().map(|c| c.to_string()));
            }
            Run::Cjk(cs) => {
                out.extend(cs.windows(2).map(|w| w.iter().collect::<String>()));
            }
        }
    }
    out
}

/// The tokens of a text joined by spaces, as stored for the SQLite full-text index.
pub fn index_string(text: &str) -> String {
    index_tokens(text).into_iter().collect::<Vec<_>>().join(" ")
}

/// Whether `text` holds the query as typed (Latin letters in any case): the final check
/// on the candidates the token index found.
pub fn matches(text: &str, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty() || text.to_lowercase().contains(&q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cjk_unigrams_and_bigrams() {
        assert_eq!(
            index_tokens("發現漏洞 CVE-2026-1234"),
            set(&[
                "發", "現", "漏", "洞", "發現", "現漏", "漏洞", "cve", "2026", "1234"
            ])
        );
        assert_eq!(query_tokens("漏洞"), set(&["漏洞"]));
        assert_eq!(query_tokens("洞"), set(&["洞"]));
        assert_eq!(query_tokens("漏洞攻擊"), set(&["漏洞", "洞攻", "攻擊"]));
        assert_eq!(query_tokens("Ransomware"), set(&["ransomware"]));
        assert!(query_tokens(" ，。!").is_empty());
    }

    #[test]
    fn every_query_token_is_indexed_when_the_text_holds_it() {
        let text = "金融業遭勒索軟體 LockBit 攻擊，建議封鎖";
        let idx = index_tokens(text);
        for q in ["勒索", "勒", "索軟體", "lockbit", "LockBit 攻擊", "封鎖"] {
            assert!(query_tokens(q).is_subset(&idx), "{q}");
        }
        assert!(!query_tokens("醫院").is_subset(&idx));
        assert!(!query_tokens("軟體攻").is_subset(&idx));
        assert!(matches(text, "lockbit"));
        assert!(!matches(text, "軟體攻"));
    }
}

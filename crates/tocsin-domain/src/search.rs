//! Full-text search tokens that find Chinese words of one or two characters.
//!
//! Trigram indexes cannot find 漏洞 (two characters), so tokens are made here, the same for
//! both engines: Latin words (letters and digits) lower-cased; each run of CJK characters
//! as its single characters plus every overlapping pair. A query is tokenized the same
//! way, except that a CJK run of two or more characters contributes only its pairs (they
//! are enough to find it); every query token must be present, and the caller then confirms
//! the exact substring ([`matches`]) on the candidates.

use std::borrow::Cow;
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

/// A run of the text: a Latin word (letters and digits) or a run of CJK characters, as a
/// slice of the text, so that tokens are made without copying.
enum Run<'a> {
    Word(&'a str),
    Cjk(&'a str),
}

fn runs(text: &str) -> Vec<Run<'_>> {
    #[derive(PartialEq)]
    enum In {
        Gap,
        Word,
        Cjk,
    }
    let mut out = Vec::new();
    let mut state = In::Gap;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let now = if is_cjk(c) {
            In::Cjk
        } else if c.is_alphanumeric() {
            In::Word
        } else {
            In::Gap
        };
        if now != state {
            if state != In::Gap {
                let run = &text[start..i];
                out.push(if state == In::Word {
                    Run::Word(run)
                } else {
                    Run::Cjk(run)
                });
            }
            start = i;
            state = now;
        }
    }
    if state != In::Gap {
        let run = &text[start..];
        out.push(if state == In::Word {
            Run::Word(run)
        } else {
            Run::Cjk(run)
        });
    }
    out
}

/// A word lower-cased character by character, copied only when that changes it.
fn folded(word: &str) -> Cow<'_, str> {
    // Most words are ASCII: their lower case needs no tables.
    if word.is_ascii() {
        return if word.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(word.to_ascii_lowercase())
        } else {
            Cow::Borrowed(word)
        };
    }
    let changes = |c: char| {
        let mut lower = c.to_lowercase();
        lower.next() != Some(c) || lower.next().is_some()
    };
    if word.chars().any(changes) {
        Cow::Owned(word.chars().flat_map(char::to_lowercase).collect())
    } else {
        Cow::Borrowed(word)
    }
}

/// The single characters and the overlapping pairs of a CJK run of a query, as slices of
/// it.
fn cjk_grams<'a>(run: &'a str, singles: bool, out: &mut Vec<Cow<'a, str>>) {
    let bounds: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(run.len()))
        .collect();
    if singles {
        out.extend(bounds.windows(2).map(|w| Cow::Borrowed(&run[w[0]..w[1]])));
    }
    out.extend(bounds.windows(3).map(|w| Cow::Borrowed(&run[w[0]..w[2]])));
}

/// Marks a packed CJK pair (see [`IndexTokens`]); characters take 21 bits.
const PAIR: u64 = 1 << 42;

/// The distinct tokens to index for a text: its Latin words (borrowed unless lower-casing
/// changed them) and its CJK characters and pairs packed as numbers (a character is its
/// code point; a pair is `PAIR | first << 21 | second`), so that sorting and removing the
/// duplicates of a long text's hundreds of grams compares integers, not strings.
struct IndexTokens<'a> {
    words: Vec<Cow<'a, str>>,
    grams: Vec<u64>,
}

impl<'a> IndexTokens<'a> {
    /// The tokens of `text`; with `every_single` false, a CJK character alone only where
    /// it ends a run (elsewhere the pair it starts stands for it, see [`index_string`]).
    fn of(text: &'a str, every_single: bool) -> Self {
        let mut words = Vec::new();
        // At most two grams for each CJK character, which takes three bytes or four.
        let mut grams = Vec::with_capacity(text.len() * 2 / 3);
        for run in runs(text) {
            match run {
                Run::Word(w) => words.push(folded(w)),
                Run::Cjk(cs) => {
                    let mut prev: Option<char> = None;
                    for c in cs.chars() {
                        if every_single {
                            grams.push(u64::from(c));
                        }
                        if let Some(p) = prev {
                            grams.push(PAIR | u64::from(p) << 21 | u64::from(c));
                        }
                        prev = Some(c);
                    }
                    if let (false, Some(last)) = (every_single, prev) {
                        grams.push(u64::from(last));
                    }
                }
            }
        }
        words.sort_unstable();
        words.dedup();
        grams.sort_unstable();
        grams.dedup();
        IndexTokens { words, grams }
    }

    /// Appends a packed gram's characters to `out`.
    fn push_gram(out: &mut String, g: u64) {
        let char_at = |v: u64| char::from_u32((v & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}');
        if g & PAIR != 0 {
            out.push(char_at(g >> 21));
        }
        out.push(char_at(g));
    }

    fn into_strings(self) -> impl Iterator<Item = String> + 'a {
        self.words
            .into_iter()
            .map(Cow::into_owned)
            .chain(self.grams.into_iter().map(|g| {
                let mut s = String::with_capacity(8);
                Self::push_gram(&mut s, g);
                s
            }))
    }
}

/// The tokens to index for a text, without duplicates.
pub fn index_tokens(text: &str) -> BTreeSet<String> {
    IndexTokens::of(text, true).into_strings().collect()
}

/// The tokens a query needs; empty when the query has no searchable characters.
pub fn query_tokens(query: &str) -> BTreeSet<String> {
    let mut out = Vec::new();
    for run in runs(query) {
        match run {
            Run::Word(w) => out.push(folded(w)),
            Run::Cjk(cs) => {
                // A run of two or more is found by its pairs alone.
                let single = cs.chars().nth(1).is_none();
                cjk_grams(cs, single, &mut out);
            }
        }
    }
    out.into_iter().map(Cow::into_owned).collect()
}

/// The tokens of a text joined by spaces (each once, in no particular order), as stored
/// for the SQLite full-text index, which answers a query of one CJK character by prefix
/// ([`is_prefix_token`]): so a character alone is stored only where it ends a CJK run, and
/// elsewhere the pair it starts finds it. That leaves out about a third of the tokens,
/// and as much of the index's upkeep. (PostgreSQL's array of tokens has no prefix
/// search: it stores [`index_tokens`].)
pub fn index_string(text: &str) -> String {
    let tokens = IndexTokens::of(text, false);
    let mut s = String::with_capacity(
        tokens.words.iter().map(|w| w.len() + 1).sum::<usize>() + tokens.grams.len() * 7,
    );
    for w in &tokens.words {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(w);
    }
    for &g in &tokens.grams {
        if !s.is_empty() {
            s.push(' ');
        }
        IndexTokens::push_gram(&mut s, g);
    }
    s
}

/// Whether a query token ([`query_tokens`]) is to be looked up by prefix in the SQLite
/// index ([`index_string`]): a CJK character alone.
pub fn is_prefix_token(token: &str) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_cjk(c))
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

    /// The tokens as first written (a character at a time, into owned strings): the
    /// oracle the borrowing tokenizer must agree with.
    fn reference_index_tokens(text: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut word = String::new();
        let mut cjk: Vec<char> = Vec::new();
        let mut flush = |word: &mut String, cjk: &mut Vec<char>| {
            if !word.is_empty() {
                out.insert(std::mem::take(word));
            }
            out.extend(cjk.iter().map(|c| c.to_string()));
            out.extend(cjk.windows(2).map(|w| w.iter().collect::<String>()));
            cjk.clear();
        };
        for c in text.chars() {
            if is_cjk(c) {
                if !word.is_empty() {
                    flush(&mut word, &mut Vec::new());
                }
                cjk.push(c);
            } else if c.is_alphanumeric() {
                if !cjk.is_empty() {
                    flush(&mut String::new(), &mut cjk);
                }
                word.extend(c.to_lowercase());
            } else {
                flush(&mut word, &mut cjk);
            }
        }
        flush(&mut word, &mut cjk);
        out
    }

    proptest::proptest! {
        #[test]
        fn tokens_agree_with_the_reference(text in "[a-zA-Z0-9ΣσÉé漏洞攻擊ア한 ，.\\-]{0,40}") {
            let tokens = index_tokens(&text);
            proptest::prop_assert_eq!(&tokens, &reference_index_tokens(&text));
            let joined = index_string(&text);
            let parts: Vec<&str> = joined.split(' ').filter(|t| !t.is_empty()).collect();
            let stored: BTreeSet<String> = parts.iter().map(|t| t.to_string()).collect();
            proptest::prop_assert_eq!(parts.len(), stored.len(), "each token once");
            proptest::prop_assert!(stored.is_subset(&tokens));
            // Every query token the full set holds is found in the SQLite form: as it is,
            // or a lone CJK character as the prefix of a stored token.
            for t in &tokens {
                let found = if is_prefix_token(t) {
                    stored.iter().any(|s| s.starts_with(t.as_str()))
                } else {
                    stored.contains(t)
                };
                proptest::prop_assert!(found, "{} of {:?} not found in {:?}", t, text, joined);
            }
        }

        #[test]
        fn any_text_agrees_with_the_reference(text in "\\PC{0,60}") {
            proptest::prop_assert_eq!(index_tokens(&text), reference_index_tokens(&text));
        }
    }
}

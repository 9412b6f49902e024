//! The user interface languages: Traditional Chinese first, English by a switch.

use serde::{Deserialize, Serialize};

/// A supported language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    /// 繁體中文 (Taiwan), the default.
    #[default]
    #[serde(rename = "zh-TW")]
    ZhTw,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Every supported locale, default first.
    pub const ALL: [Locale; 2] = [Locale::ZhTw, Locale::En];

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhTw => "zh-TW",
            Locale::En => "en",
        }
    }

    /// Reads a tag loosely: `zh`, `zh-TW`, `zh-Hant`, `en`, `en-US`… Unknown tags give `None`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let t = tag.trim().to_ascii_lowercase();
        if t == "zh" || t.starts_with("zh-") {
            // Simplified-Chinese readers are better served by Traditional than by English.
            Some(Locale::ZhTw)
        } else if t == "en" || t.starts_with("en-") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// The language a text is written in, as tocsin tells its two apart: Traditional
    /// Chinese if it holds a Han character, English otherwise (blank text included). Wire
    /// formats tag texts with it (a CVE record's `lang`), so a tag follows the text and not
    /// the form field it was typed into.
    pub fn of_text(text: &str) -> Locale {
        if text.chars().any(is_han) {
            Locale::ZhTw
        } else {
            Locale::En
        }
    }

    /// Picks the best locale from an Accept-Language header value, honouring q-values.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (idx, part) in accept_language.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if let Some(loc) = Locale::from_tag(tag) {
                let better = match best {
                    None => true,
                    Some((bq, _, _)) => q > bq,
                };
                if better {
                    best = Some((q, idx, loc));
                }
            }
        }
        best.map(|(_, _, l)| l)
    }
}

/// A Han ideograph (the unified block, its extensions and the compatibility block); kana,
/// Hangul and CJK punctuation are not.
fn is_han(c: char) -> bool {
    matches!(u32::from(c),
        0x3400..=0x4DBF      // extension A
        | 0x4E00..=0x9FFF    // unified
        | 0xF900..=0xFAFF    // compatibility
        | 0x20000..=0x3134F) // extensions B–G
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_of_a_text() {
        assert_eq!(Locale::of_text("Stored XSS in the web console"), Locale::En);
        assert_eq!(Locale::of_text(""), Locale::En);
        assert_eq!(Locale::of_text("CWE-78 命令注入"), Locale::ZhTw);
        assert_eq!(Locale::of_text("請更新至 1.25 版"), Locale::ZhTw);
        assert_eq!(Locale::of_text("𠀋"), Locale::ZhTw, "extension B");
        // Punctuation and kana alone are not Chinese text.
        assert_eq!(Locale::of_text("「」。カタカナ"), Locale::En);
    }

    #[test]
    fn negotiation() {
        assert_eq!(Locale::negotiate("en-US,en;q=0.9"), Some(Locale::En));
        assert_eq!(
            Locale::negotiate("zh-TW,zh;q=0.9,en;q=0.8"),
            Some(Locale::ZhTw)
        );
        assert_eq!(
            Locale::negotiate("fr, en;q=0.5, zh;q=0.7"),
            Some(Locale::ZhTw)
        );
        assert_eq!(Locale::negotiate("fr"), None);
        assert_eq!(Locale::negotiate("en;q=0, zh-Hant"), Some(Locale::ZhTw));
        assert_eq!(Locale::negotiate(""), None);
    }
}

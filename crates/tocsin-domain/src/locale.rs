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

#[cfg(test)]
mod tests {
    use super::*;

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

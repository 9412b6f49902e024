//! Translations: Fluent files under `locales/`, compiled into the binary. zh-TW is the
//! default and the fallback; a test checks both locales define the same message ids.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use tocsin_domain::{FieldError, Locale};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-TW",
        // No Unicode isolation marks around arguments: they show up in plain-text mail.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ZH_TW: LazyLock<LanguageIdentifier> = LazyLock::new(|| "zh-TW".parse().unwrap_or_default());
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().unwrap_or_default());

fn langid(l: Locale) -> &'static LanguageIdentifier {
    match l {
        Locale::ZhTw => &ZH_TW,
        Locale::En => &EN,
    }
}

/// A translator for one locale; templates call `tr.t("id")`.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    /// The locale.
    pub locale: Locale,
}

impl Tr {
    /// A translator for `locale`.
    pub fn new(locale: Locale) -> Self {
        Tr { locale }
    }

    /// The translator for a reader whose stored language tag is `tag` (a user's or a
    /// report's `locale`): every notification is mailed in its reader's language, and an
    /// unknown or empty tag reads the default (zh-TW).
    pub fn for_reader(tag: &str) -> Self {
        Tr::new(Locale::from_tag(tag).unwrap_or_default())
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        LOCALES.lookup(langid(self.locale), id)
    }

    /// The message `id`, or `None` where no locale defines it (a plain lookup answers
    /// with the id itself, which must never reach a page unnoticed).
    pub fn try_t(&self, id: &str) -> Option<String> {
        LOCALES.try_lookup(langid(self.locale), id)
    }

    /// The reader's name of a time zone (`Asia/Taipei` → 台北時間 / Taipei time), from the
    /// `tz-` messages (the IANA name in lower case, `/` and `_` as `-`); `None` for a zone
    /// without one, where the caller shows the UTC offset or the IANA name.
    pub fn zone_name(&self, iana: &str) -> Option<String> {
        let key: String = iana
            .chars()
            .map(|c| match c {
                '/' | '_' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        self.try_t(&format!("tz-{key}"))
    }

    /// A wall-clock time as the reporter typed it (`2026-11-28T09:15:00+08:00`) for people:
    /// `2026-11-28 09:15 (台北時間)` with the zone's name where it has one, else its offset.
    pub fn wall_clock(&self, rfc3339: &str, iana: &str) -> String {
        match (rfc3339.get(..10), rfc3339.get(11..16), rfc3339.get(19..)) {
            (Some(d), Some(t), Some(off)) if !off.is_empty() => {
                let zone = self.zone_name(iana).unwrap_or_else(|| format!("UTC{off}"));
                format!("{d} {t} ({zone})")
            }
            _ => rfc3339.to_string(),
        }
    }

    /// The message `prefix` + `key`, e.g. `kind-` + `isac`.
    pub fn t2(&self, prefix: &str, key: &str) -> String {
        self.t(&format!("{prefix}{key}"))
    }

    /// The message `id` with named arguments.
    pub fn t_args(&self, id: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(langid(self.locale), id, &map)
    }

    /// A field error in this locale; one that carries the field's name (the intel
    /// record's errors name it in Chinese and English) says it first.
    pub fn field_error(&self, e: &FieldError) -> String {
        let message = self.t_args(e.code, &e.args);
        match e.args.iter().find(|(k, _)| *k == "field") {
            Some((_, field)) => self.t_args(
                "field-named",
                &[("field", field.clone()), ("message", message)],
            ),
            None => message,
        }
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(&self) -> &'static str {
        self.locale.tag()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(text: &str) -> BTreeSet<String> {
        text.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
            .collect()
    }

    /// Every message id of one locale, across all its files.
    fn locale_ids(tag: &str) -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(tag);
        let mut all = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).expect("locale dir").flatten() {
            let text = std::fs::read_to_string(entry.path()).expect("ftl");
            let file_ids = ids(&text);
            for id in &file_ids {
                assert!(!all.contains(id), "{tag}: `{id}` defined twice");
            }
            all.extend(file_ids);
        }
        all
    }

    #[test]
    fn both_locales_have_the_same_ids() {
        let zh = locale_ids("zh-TW");
        let en = locale_ids("en");
        assert!(zh.len() > 20);
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "zh-TW only: {only_zh:?}; en only: {only_en:?}"
        );
    }

    #[test]
    fn lookup_and_args() {
        assert_eq!(Tr::new(Locale::En).t("nav-login"), "Sign in");
        assert_eq!(Tr::new(Locale::ZhTw).t("nav-login"), "登入");
        let e = FieldError::new("error-too-long").arg("max", 5);
        assert_eq!(Tr::new(Locale::En).field_error(&e), "At most 5 characters.");
    }

    #[test]
    fn a_named_field_comes_first() {
        let e = FieldError::new("error-intel-impact").arg("field", "影響等級 (impact_level)");
        assert_eq!(
            Tr::new(Locale::En).field_error(&e),
            "影響等級 (impact_level): The impact level is a number from 1 to 4."
        );
        assert_eq!(
            Tr::new(Locale::ZhTw).field_error(&e),
            "影響等級 (impact_level)：影響等級是 1 到 4 的數字。"
        );
    }

    /// A refused referral offer says, in each language, which field, which words and what
    /// they give away (the arguments come from `tocsin_domain::referral::identity_error`).
    #[test]
    fn a_referral_refusal_names_the_words() {
        use tocsin_domain::deident::{IdentityKind, Leak};
        let leak = |word: &str, kind| Leak {
            word: word.into(),
            kind,
        };
        let one = tocsin_domain::referral::identity_error(
            "summary",
            &[leak("台灣精密機械", IdentityKind::Organization)],
        );
        assert_eq!(
            Tr::new(Locale::En).field_error(&one),
            "The summary contains “台灣精密機械”, which names the reporter (their organization's name); remove it before sending."
        );
        assert_eq!(
            Tr::new(Locale::ZhTw).field_error(&one),
            "需要的支援欄的內容含有通報人的身分資訊：「台灣精密機械」（所屬單位名稱），請去識別化後再送出。"
        );
        let two = tocsin_domain::referral::identity_error(
            "sector",
            &[
                leak("Precision", IdentityKind::Mail),
                leak("陳志明", IdentityKind::Name),
            ],
        );
        assert_eq!(
            Tr::new(Locale::En).field_error(&two),
            "The sector contains “Precision, 陳志明”, which names the reporter (their name, organization or contact details); remove it before sending."
        );
        assert_eq!(
            Tr::new(Locale::ZhTw).field_error(&two),
            "產業別欄的內容含有通報人的身分資訊：「Precision, 陳志明」（名稱、單位或聯絡資訊），請去識別化後再送出。"
        );
    }
}

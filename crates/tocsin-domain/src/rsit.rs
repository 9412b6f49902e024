//! The Reference Security Incident Taxonomy (RSIT) of the ENISA / TF-CSIRT working group,
//! as published in the MISP taxonomy `rsit` (version 1003): eleven classes and their
//! incident types, with the machine identifiers exactly as in the taxonomy, an English label
//! (the taxonomy's "expanded" name) and a Traditional-Chinese one.
//!
//! The desk classifies every incident with one RSIT type; [`default_for`] gives the first
//! guess from the reporter's [`IncidentType`]. Stored as the key `class/type`, written as
//! the MISP machine tag `rsit:class="type"` when shared.

use crate::Locale;
use crate::incident::IncidentType;
use crate::names::names;

names! {
    /// An RSIT incident class (the MISP predicate).
    RsitClass, UnknownRsitClass, "RSIT class" {
        /// Abusive content.
        AbusiveContent => "abusive-content",
        /// Malicious code.
        MaliciousCode => "malicious-code",
        /// Information gathering.
        InformationGathering => "information-gathering",
        /// Intrusion attempts.
        IntrusionAttempts => "intrusion-attempts",
        /// Intrusions.
        Intrusions => "intrusions",
        /// Availability.
        Availability => "availability",
        /// Information content security.
        InformationContentSecurity => "information-content-security",
        /// Fraud.
        Fraud => "fraud",
        /// Vulnerable.
        Vulnerable => "vulnerable",
        /// Other.
        Other => "other",
        /// Test.
        Test => "test",
    }
}

impl RsitClass {
    /// The class's name for people.
    pub fn label(self, locale: Locale) -> &'static str {
        let (en, zh) = match self {
            RsitClass::AbusiveContent => ("Abusive Content", "有害內容"),
            RsitClass::MaliciousCode => ("Malicious Code", "惡意程式"),
            RsitClass::InformationGathering => ("Information Gathering", "資訊蒐集"),
            RsitClass::IntrusionAttempts => ("Intrusion Attempts", "入侵嘗試"),
            RsitClass::Intrusions => ("Intrusions", "入侵"),
            RsitClass::Availability => ("Availability", "可用性"),
            RsitClass::InformationContentSecurity => {
                ("Information Content Security", "資訊內容安全")
            }
            RsitClass::Fraud => ("Fraud", "詐欺"),
            RsitClass::Vulnerable => ("Vulnerable", "存在弱點"),
            RsitClass::Other => ("Other", "其他"),
            RsitClass::Test => ("Test", "測試"),
        };
        match locale {
            Locale::ZhTw => zh,
            Locale::En => en,
        }
    }

    /// The types of this class, in taxonomy order.
    pub fn types(self) -> impl Iterator<Item = RsitType> {
        all().iter().copied().filter(move |t| t.class == self)
    }
}

/// One incident type of the taxonomy. Values come only from [`all`], [`lookup`] and
/// [`default_for`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RsitType {
    /// The class.
    pub class: RsitClass,
    /// The type's machine identifier, e.g. `system-compromise`.
    pub id: &'static str,
    /// The taxonomy's English name.
    pub en: &'static str,
    /// The Traditional-Chinese name.
    pub zh: &'static str,
}

impl RsitType {
    /// The name for people.
    pub fn label(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::ZhTw => self.zh,
            Locale::En => self.en,
        }
    }

    /// The stored key, `class/type`, e.g. `intrusions/system-compromise`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.class.as_str(), self.id)
    }

    /// The MISP machine tag, e.g. `rsit:intrusions="system-compromise"`.
    pub fn machine_tag(&self) -> String {
        format!("rsit:{}=\"{}\"", self.class.as_str(), self.id)
    }

    /// Reads a key written by [`RsitType::key`], or a MISP machine tag.
    pub fn from_key(key: &str) -> Option<RsitType> {
        let k = key.trim();
        if let Some(tag) = k.strip_prefix("rsit:") {
            let (class, value) = tag.split_once('=')?;
            let id = value.strip_prefix('"')?.strip_suffix('"')?;
            return lookup(class, id);
        }
        let (class, id) = k.split_once('/')?;
        lookup(class, id)
    }
}

impl std::fmt::Display for RsitType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.class.as_str(), self.id)
    }
}

/// The whole taxonomy, classes in taxonomy order and types within them.
static TYPES: &[RsitType] = {
    use RsitClass::*;
    const fn t(class: RsitClass, id: &'static str, en: &'static str, zh: &'static str) -> RsitType {
        RsitType { class, id, en, zh }
    }
    &[
        t(AbusiveContent, "spam", "Spam", "垃圾郵件"),
        t(
            AbusiveContent,
            "harmful-speech",
            "Harmful Speech",
            "有害言論",
        ),
        t(
            AbusiveContent,
            "violence",
            "(Child) Sexual Exploitation/Sexual/Violent Content",
            "（兒少）性剝削／色情／暴力內容",
        ),
        t(
            MaliciousCode,
            "infected-system",
            "Infected System",
            "受感染系統",
        ),
        t(
            MaliciousCode,
            "c2-server",
            "C2 Server",
            "中繼站（C2 伺服器）",
        ),
        t(
            MaliciousCode,
            "malware-distribution",
            "Malware Distribution",
            "惡意程式散布",
        ),
        t(
            MaliciousCode,
            "malware-configuration",
            "Malware Configuration",
            "惡意程式組態檔",
        ),
        t(InformationGathering, "scanner", "Scanning", "掃描"),
        t(InformationGathering, "sniffing", "Sniffing", "監聽"),
        t(
            InformationGathering,
            "social-engineering",
            "Social Engineering",
            "社交工程",
        ),
        t(
            IntrusionAttempts,
            "ids-alert",
            "Exploitation of Known Vulnerabilities",
            "利用已知漏洞",
        ),
        t(
            IntrusionAttempts,
            "brute-force",
            "Login Attempts",
            "登入嘗試（暴力破解）",
        ),
        t(
            IntrusionAttempts,
            "exploit",
            "New Attack Signature",
            "新型攻擊手法",
        ),
        t(
            Intrusions,
            "privileged-account-compromise",
            "Privileged Account Compromise",
            "特權帳號遭入侵",
        ),
        t(
            Intrusions,
            "unprivileged-account-compromise",
            "Unprivileged Account Compromise",
            "一般帳號遭入侵",
        ),
        t(
            Intrusions,
            "application-compromise",
            "Application Compromise",
            "應用程式遭入侵",
        ),
        t(
            Intrusions,
            "system-compromise",
            "System Compromise",
            "系統遭入侵",
        ),
        t(Intrusions, "burglary", "Burglary", "實體入侵"),
        t(Availability, "dos", "Denial of Service", "阻斷服務"),
        t(
            Availability,
            "ddos",
            "Distributed Denial of Service",
            "分散式阻斷服務",
        ),
        t(
            Availability,
            "misconfiguration",
            "Misconfiguration",
            "組態錯誤",
        ),
        t(Availability, "sabotage", "Sabotage", "蓄意破壞"),
        t(Availability, "outage", "Outage", "服務中斷"),
        t(
            InformationContentSecurity,
            "unauthorised-information-access",
            "Unauthorised Access to Information",
            "未經授權存取資訊",
        ),
        t(
            InformationContentSecurity,
            "unauthorised-information-modification",
            "Unauthorised Modification of Information",
            "未經授權修改資訊",
        ),
        t(
            InformationContentSecurity,
            "data-loss",
            "Data Loss",
            "資料遺失",
        ),
        t(
            InformationContentSecurity,
            "data-leak",
            "Leak of Confidential Information",
            "機敏資訊外洩",
        ),
        t(
            Fraud,
            "unauthorised-use-of-resources",
            "Unauthorised Use of Resources",
            "未經授權使用資源",
        ),
        t(Fraud, "copyright", "Copyright", "侵害著作權"),
        t(Fraud, "masquerade", "Masquerade", "冒用身分"),
        t(Fraud, "phishing", "Phishing", "網路釣魚"),
        t(Vulnerable, "weak-crypto", "Weak Cryptography", "弱加密"),
        t(
            Vulnerable,
            "ddos-amplifier",
            "DDoS Amplifier",
            "DDoS 放大器",
        ),
        t(
            Vulnerable,
            "potentially-unwanted-accessible",
            "Potentially Unwanted Accessible Services",
            "不應對外開放的服務",
        ),
        t(
            Vulnerable,
            "information-disclosure",
            "Information Disclosure",
            "資訊揭露",
        ),
        t(
            Vulnerable,
            "vulnerable-system",
            "Vulnerable System",
            "存在弱點的系統",
        ),
        t(Other, "other", "Uncategorised", "未分類"),
        t(Other, "undetermined", "Undetermined", "無法判定"),
        t(Test, "test", "Test", "測試"),
    ]
};

/// Identifiers of earlier taxonomy versions still found in shared data, with today's.
const ALIASES: &[(RsitClass, &str, &str)] = &[(
    RsitClass::Fraud,
    "unauthorized-use-of-resources",
    "unauthorised-use-of-resources",
)];

/// Every type of the taxonomy.
pub fn all() -> &'static [RsitType] {
    TYPES
}

/// Finds a type by class and type identifier (exact, surrounding spaces ignored). The
/// American spelling `unauthorized-use-of-resources` of earlier versions is read as today's
/// `unauthorised-use-of-resources`.
pub fn lookup(class: &str, type_id: &str) -> Option<RsitType> {
    let class = class.parse::<RsitClass>().ok()?;
    let id = type_id.trim();
    let id = ALIASES
        .iter()
        .find(|(c, old, _)| *c == class && *old == id)
        .map_or(id, |(_, _, new)| *new);
    TYPES
        .iter()
        .copied()
        .find(|t| t.class == class && t.id == id)
}

/// The first classification of a new report, from what the reporter picked: a web attack
/// is an application compromise, an intrusion a system compromise, an early warning a
/// vulnerable system.
pub fn default_for(t: IncidentType) -> RsitType {
    let (class, id) = match t {
        IncidentType::WebAttack => (RsitClass::Intrusions, "application-compromise"),
        IncidentType::Intrusion => (RsitClass::Intrusions, "system-compromise"),
        IncidentType::EarlyWarning => (RsitClass::Vulnerable, "vulnerable-system"),
    };
    TYPES
        .iter()
        .copied()
        .find(|r| r.class == class && r.id == id)
        // The table holds all three (tested); "other/undetermined" keeps this total.
        .unwrap_or(RsitType {
            class: RsitClass::Other,
            id: "undetermined",
            en: "Undetermined",
            zh: "無法判定",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The taxonomy as published (MISP `rsit`, version 1003), written out independently.
    const PUBLISHED: &[(&str, &[&str])] = &[
        ("abusive-content", &["spam", "harmful-speech", "violence"]),
        (
            "malicious-code",
            &[
                "infected-system",
                "c2-server",
                "malware-distribution",
                "malware-configuration",
            ],
        ),
        (
            "information-gathering",
            &["scanner", "sniffing", "social-engineering"],
        ),
        (
            "intrusion-attempts",
            &["ids-alert", "brute-force", "exploit"],
        ),
        (
            "intrusions",
            &[
                "privileged-account-compromise",
                "unprivileged-account-compromise",
                "application-compromise",
                "system-compromise",
                "burglary",
            ],
        ),
        (
            "availability",
            &["dos", "ddos", "misconfiguration", "sabotage", "outage"],
        ),
        (
            "information-content-security",
            &[
                "unauthorised-information-access",
                "unauthorised-information-modification",
                "data-loss",
                "data-leak",
            ],
        ),
        (
            "fraud",
            &[
                "unauthorised-use-of-resources",
                "copyright",
                "masquerade",
                "phishing",
            ],
        ),
        (
            "vulnerable",
            &[
                "weak-crypto",
                "ddos-amplifier",
                "potentially-unwanted-accessible",
                "information-disclosure",
                "vulnerable-system",
            ],
        ),
        ("other", &["other", "undetermined"]),
        ("test", &["test"]),
    ];

    #[test]
    fn matches_the_published_taxonomy() {
        let got: Vec<(&str, Vec<&str>)> = RsitClass::ALL
            .iter()
            .map(|c| (c.as_str(), c.types().map(|t| t.id).collect()))
            .collect();
        let want: Vec<(&str, Vec<&str>)> =
            PUBLISHED.iter().map(|(c, ts)| (*c, ts.to_vec())).collect();
        assert_eq!(got, want);
        assert_eq!(all().len(), 39);
    }

    #[test]
    fn ids_unique_and_labelled() {
        let keys: BTreeSet<String> = all().iter().map(RsitType::key).collect();
        assert_eq!(keys.len(), all().len());
        for t in all() {
            assert!(!t.en.is_empty() && !t.zh.is_empty(), "{t}");
            assert!(
                t.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{t}"
            );
        }
        let class_labels: BTreeSet<&str> = RsitClass::ALL
            .iter()
            .map(|c| c.label(Locale::ZhTw))
            .collect();
        assert_eq!(class_labels.len(), RsitClass::ALL.len());
    }

    fn check(class: &str, id: &str, expected: Option<&str>) {
        assert_eq!(
            lookup(class, id).map(|t| t.key()).as_deref(),
            expected,
            "{class}/{id}"
        );
    }

    #[test]
    fn lookups() {
        for t in all() {
            assert_eq!(lookup(t.class.as_str(), t.id), Some(*t));
            assert_eq!(RsitType::from_key(&t.key()), Some(*t));
            assert_eq!(RsitType::from_key(&t.machine_tag()), Some(*t));
        }
        check(
            "intrusions",
            "system-compromise",
            Some("intrusions/system-compromise"),
        );
        check(" fraud ", " phishing ", Some("fraud/phishing"));
        check(
            "fraud",
            "unauthorized-use-of-resources",
            Some("fraud/unauthorised-use-of-resources"),
        );
        check("fraud", "system-compromise", None);
        check("Intrusions", "system-compromise", None);
        check("intrusion", "system-compromise", None);
        check("other", "", None);
        assert_eq!(
            RsitType::from_key("rsit:malicious-code=\"c2-server\"").map(|t| t.en),
            Some("C2 Server")
        );
        assert_eq!(RsitType::from_key("rsit:malicious-code=c2-server"), None);
        assert_eq!(RsitType::from_key("malicious-code"), None);
    }

    #[test]
    fn defaults_are_in_the_table() {
        let check = |t: IncidentType, key: &str| {
            let d = default_for(t);
            assert_eq!(d.key(), key);
            assert_eq!(lookup(d.class.as_str(), d.id), Some(d));
        };
        check(IncidentType::WebAttack, "intrusions/application-compromise");
        check(IncidentType::Intrusion, "intrusions/system-compromise");
        check(IncidentType::EarlyWarning, "vulnerable/vulnerable-system");
    }
}

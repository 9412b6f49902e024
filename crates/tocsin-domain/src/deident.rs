//! De-identification: which words of a text identify a reporter.
//!
//! The desk offers a request for support to security firms without saying who asked
//! ([`crate::referral`]); this finds what in the offer's text would say it anyway. From
//! what identifies the reporter ([`Identity`]: their name, their organization's name,
//! their mail address, their phone), [`Forbidden::of`] derives what must not appear:
//!
//! - each name as given, and without its legal form (台灣精密機械股份有限公司 →
//!   台灣精密機械, "Precision Machinery Co., Ltd." → "Precision Machinery", see
//!   [`legal_core`]);
//! - the mail address, its domain, the domain's own labels (`precision` of
//!   `soc@precision.com.tw`) and the local part unless it names a role (`soc`, `it`);
//! - the phone's digits, however they are spaced;
//! - any run of [`MIN_RUN_CHARS`] or more characters shared with a name without its legal
//!   form, a domain label or a personal local part: a shortened name (台灣精密, 精密機械)
//!   identifies as well as the whole one.
//!
//! Texts are compared folded: without case, full-width letters as ASCII, 臺 as 台, and
//! without spaces or punctuation (「台灣 精密機械」, "Datong-Precision"). In Latin
//! script a match must begin and end on word boundaries of both texts (each Chinese
//! character is a word of its own), so that "provision" shares nothing with "Precision"
//! and "innovation" does not contain "Nova". A run counts only if it holds a letter
//! (numbers are the phone's business), and not if it is made only of very common words
//! (資訊科技, "technology services"): those identify nobody and a name that has them is
//! still found whole.

use crate::names::names;

names! {
    /// What a word identifies the reporter by; a refusal names it.
    IdentityKind, UnknownIdentityKind, "identity kind" {
        /// The reporter's name as they gave it (a person or a company).
        Name => "name",
        /// The name of the reporter's organization.
        Organization => "org",
        /// Their mail address, its domain or the domain's labels.
        Mail => "mail",
        /// Their phone number.
        Phone => "phone",
    }
}

/// One fact that identifies the reporter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity<'a> {
    /// What kind of fact it is; it decides what is derived from it.
    pub kind: IdentityKind,
    /// The fact as stored (a name, a mail address, a phone number).
    pub value: &'a str,
}

impl<'a> Identity<'a> {
    /// A fact of `kind`.
    pub fn new(kind: IdentityKind, value: &'a str) -> Self {
        Identity { kind, value }
    }
}

/// A word of a text that identifies the reporter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leak {
    /// The word as the text writes it (its case and spacing kept, so the desk finds it).
    pub word: String,
    /// What it identifies the reporter by.
    pub kind: IdentityKind,
}

/// Whole names and mail parts shorter than this are not looked for: a two-character
/// company name (大同) would match ordinary words.
pub const MIN_WHOLE_CHARS: usize = 3;

/// The shortest run shared with a name that counts: three characters (機械廠, "net") are
/// too often shared by chance, four are already a name's short form (台灣精密).
pub const MIN_RUN_CHARS: usize = 4;

/// Chinese legal forms, longest first so that 股份有限公司 goes whole. They end a name,
/// and inside one they separate its parts (…股份有限公司台中分公司).
const LEGAL_ZH: &[&str] = &[
    "股份有限公司",
    "有限合夥",
    "有限公司",
    "無限公司",
    "兩合公司",
    "分公司",
    "企業社",
    "企業行",
    "工作室",
    "事務所",
    "公司",
    "商行",
    "商號",
    "集團",
];

/// Legal forms that end a company name in Latin script, compared without case or dots
/// (`Co., Ltd.`, `S.A.`, `GmbH`).
const LEGAL_EN: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "coltd",
    "limited",
    "co",
    "corp",
    "corporation",
    "company",
    "llc",
    "llp",
    "lp",
    "plc",
    "gmbh",
    "ag",
    "pte",
    "pty",
    "bhd",
    "sdn",
    "sa",
    "bv",
    "nv",
    "kk",
    "srl",
    "spa",
];

/// Words so common in company names and in descriptions of incidents that a run made only
/// of them identifies nobody. Chinese entries are whole phrases, not two-character words
/// to combine: 台灣 + 精密 would otherwise let 台灣精密 through. Deliberately short:
/// every entry is a hole in the check.
const GENERIC_WORDS: &[&str] = &[
    "股份有限",
    "資訊科技",
    "資訊安全",
    "資訊服務",
    "資訊系統",
    "網路安全",
    "網路科技",
    "數位科技",
    "系統整合",
    "電子商務",
    "國際貿易",
    "科技股份",
    "taiwan",
    "asia",
    "global",
    "international",
    "company",
    "companies",
    "corporation",
    "enterprise",
    "enterprises",
    "group",
    "holding",
    "holdings",
    "industrial",
    "industries",
    "industry",
    "trading",
    "service",
    "services",
    "solution",
    "solutions",
    "system",
    "systems",
    "technology",
    "technologies",
    "tech",
    "information",
    "data",
    "digital",
    "network",
    "networks",
    "cyber",
    "security",
    "software",
    "computer",
    "computers",
    "electronic",
    "electronics",
    "consulting",
    "management",
    "engineering",
    "communications",
    "cloud",
    "online",
    "the",
    "and",
];

/// Parts of mail addresses that name a role, a host or a mail provider rather than
/// someone: a local part or domain label made only of these is not looked for.
const MAIL_WORDS: &[&str] = &[
    "it",
    "mis",
    "soc",
    "noc",
    "cert",
    "csirt",
    "sirt",
    "psirt",
    "abuse",
    "admin",
    "info",
    "contact",
    "support",
    "help",
    "helpdesk",
    "sales",
    "office",
    "team",
    "noreply",
    "webmaster",
    "postmaster",
    "hostmaster",
    "mail",
    "email",
    "webmail",
    "www",
    "smtp",
    "mx",
    "gmail",
    "googlemail",
    "yahoo",
    "hotmail",
    "outlook",
    "live",
    "icloud",
    "proton",
    "protonmail",
    "hinet",
    "msa",
    "seed",
    "pchome",
];

/// One character of a folded text: what it compares as, whether a word begins or ends
/// with it, and where it came from (bytes of the original, to quote it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Folded {
    c: char,
    start: bool,
    end: bool,
    at: usize,
    to: usize,
}

/// Scripts written without spaces between words: each character is a word of its own.
fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3100}'..='\u{312F}' // Bopomofo
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{3FFFF}' // CJK extensions B and later
    )
}

/// Full-width ASCII as ASCII, and 臺 as 台: the same name typed either way.
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '臺' => '台',
        _ => c,
    }
}

/// A letter or digit of a space-separated script: part of a longer word.
fn is_latin_word(c: char) -> bool {
    c.is_alphanumeric() && !is_wide(c)
}

/// `s` folded for comparison: letters and digits only, lower case, each marked with the
/// word boundaries it sits on in `s`.
fn fold(s: &str) -> Vec<Folded> {
    let chars: Vec<(usize, char)> = s.char_indices().map(|(i, c)| (i, narrow(c))).collect();
    let mut out = Vec::with_capacity(chars.len());
    for (k, &(at, c)) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            continue;
        }
        let next = chars.get(k + 1);
        let to = next.map_or(s.len(), |&(i, _)| i);
        let wide = is_wide(c);
        let start = wide
            || k.checked_sub(1)
                .and_then(|p| chars.get(p))
                .is_none_or(|&(_, p)| !is_latin_word(p));
        let end = wide || next.is_none_or(|&(_, n)| !is_latin_word(n));
        let lower: Vec<char> = c.to_lowercase().collect();
        let last = lower.len().saturating_sub(1);
        for (j, l) in lower.into_iter().enumerate() {
            out.push(Folded {
                c: l,
                start: start && j == 0,
                end: end && j == last,
                at,
                to,
            });
        }
    }
    out
}

/// Whether `f` holds a letter: digits and punctuation alone are no name (numbers are the
/// phone's business).
fn has_letter(f: &[Folded]) -> bool {
    f.iter().any(|x| x.c.is_alphabetic())
}

/// Whether `run` is made only of `words`; with `bounds`, each word must also stand on word
/// boundaries of the text (so "data" is not found in "datong").
fn made_of(run: &[Folded], words: &[&str], bounds: bool) -> bool {
    let n = run.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for i in 0..n {
        if !reach[i] || (bounds && !run[i].start) {
            continue;
        }
        for w in words {
            let len = w.chars().count();
            let j = i + len;
            let fits = j <= n
                && run[i..j].iter().zip(w.chars()).all(|(f, c)| f.c == c)
                && (!bounds || run[j - 1].end);
            if fits {
                reach[j] = true;
            }
        }
    }
    n > 0 && reach[n]
}

/// The name without the legal forms that end it: 台灣精密機械股份有限公司 → 台灣精密機械,
/// "Taiwan Precision Machinery Co., Ltd." → "Taiwan Precision Machinery". A name that is
/// nothing but a legal form is returned as it is.
pub fn legal_core(name: &str) -> &str {
    let trim = |s: &str| -> usize { s.trim_end_matches(|c: char| !c.is_alphanumeric()).len() };
    let mut end = trim(name);
    loop {
        let head = &name[..end];
        let cut = if let Some(form) = LEGAL_ZH.iter().find(|f| head.ends_with(*f)) {
            end - form.len()
        } else {
            // The last Latin word, dots inside allowed (S.A., K.K.).
            let word_at = head
                .char_indices()
                .rev()
                .take_while(|&(_, c)| is_latin_word(c) || c == '.')
                .last()
                .map_or(end, |(i, _)| i);
            let word: String = head[word_at..]
                .chars()
                .filter(|c| *c != '.')
                .flat_map(char::to_lowercase)
                .collect();
            if word_at < end && LEGAL_EN.contains(&word.as_str()) {
                word_at
            } else {
                break;
            }
        };
        let rest = trim(&name[..cut]);
        if rest == 0 {
            break;
        }
        end = rest;
    }
    name[..end].trim_start()
}

/// The parts of a name between the legal forms inside it (…股份有限公司台中 → …, 台中):
/// shared runs are looked for within a part, never across a legal form.
fn parts(core: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i < core.len() {
        if let Some(form) = LEGAL_ZH.iter().find(|f| core[i..].starts_with(*f)) {
            out.push(&core[from..i]);
            i += form.len();
            from = i;
        } else {
            i += core[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push(&core[from..]);
    out.retain(|p| !p.trim().is_empty());
    out
}

/// The labels of a mail domain that belong to its holder: all but the public suffix
/// (`precision` of `precision.com.tw`, `soc` and `precision` of `soc.precision.com.tw`).
fn own_labels(domain: &str) -> Vec<String> {
    let d = domain.trim().trim_end_matches('.').to_lowercase();
    let labels: Vec<&str> = d.split('.').filter(|l| !l.is_empty()).collect();
    let ascii = idna::domain_to_ascii(&d).unwrap_or_else(|_| d.clone());
    let suffix = match psl::domain_str(&ascii) {
        Some(reg) => reg.split('.').count().saturating_sub(1),
        // Not under a known suffix: take the last label as one.
        None => usize::from(labels.len() > 1),
    };
    let own = labels.len().saturating_sub(suffix);
    labels.into_iter().take(own).map(str::to_string).collect()
}

/// One thing looked for: folded, with what it identifies by and whether runs shared with
/// it count too (names and labels) or only the whole of it (a mail address).
#[derive(Clone, Debug)]
struct Term {
    chars: Vec<Folded>,
    kind: IdentityKind,
    runs: bool,
}

/// What must not appear in a text about one reporter, derived once from what identifies
/// them and then looked for in each field.
#[derive(Clone, Debug, Default)]
pub struct Forbidden {
    terms: Vec<Term>,
    /// Phone numbers as their digits.
    phones: Vec<(Vec<char>, IdentityKind)>,
}

impl Forbidden {
    /// What must not appear in a text about the reporter identified by `who` (see the
    /// module's documentation for what is derived from each kind of fact).
    pub fn of(who: &[Identity<'_>]) -> Forbidden {
        let mut f = Forbidden::default();
        for id in who {
            let v = id.value.trim();
            if v.is_empty() {
                continue;
            }
            // A phone is found whatever its spacing and dashes; so is anything else that
            // is mostly digits.
            let digits: Vec<char> = v.chars().map(narrow).filter(char::is_ascii_digit).collect();
            if digits.len() >= 6 && digits.len() * 2 >= v.chars().count() {
                f.phones.push((digits, id.kind));
            }
            match id.kind {
                IdentityKind::Name | IdentityKind::Organization => {
                    f.add(v, id.kind, false);
                    let core = legal_core(v);
                    f.add(core, id.kind, false);
                    for part in parts(core) {
                        f.add(part, id.kind, true);
                    }
                }
                IdentityKind::Mail => {
                    f.add(v, id.kind, false);
                    if let Some((local, domain)) = v.rsplit_once('@') {
                        f.add(domain, id.kind, false);
                        // `wang+cert@` is `wang@`.
                        let local = local.split('+').next().unwrap_or(local);
                        f.add_personal(local, id.kind);
                        for label in own_labels(domain) {
                            f.add_personal(&label, id.kind);
                        }
                    }
                }
                IdentityKind::Phone => f.add(v, id.kind, false),
            }
        }
        f
    }

    /// Looks for `s`: whole from [`MIN_WHOLE_CHARS`] characters with a letter, and with
    /// `runs` its shared runs too.
    fn add(&mut self, s: &str, kind: IdentityKind, runs: bool) {
        let chars = fold(s);
        if chars.len() < MIN_WHOLE_CHARS.min(MIN_RUN_CHARS) || !has_letter(&chars) {
            return;
        }
        if let Some(t) = self
            .terms
            .iter_mut()
            .find(|t| t.kind == kind && t.chars.iter().map(|x| x.c).eq(chars.iter().map(|x| x.c)))
        {
            t.runs |= runs;
            return;
        }
        self.terms.push(Term { chars, kind, runs });
    }

    /// A mail part, looked for with its runs unless it only names a role or a provider.
    fn add_personal(&mut self, s: &str, kind: IdentityKind) {
        if !made_of(&fold(s), MAIL_WORDS, false) && !made_of(&fold(s), GENERIC_WORDS, false) {
            self.add(s, kind, true);
        }
    }

    /// Whether nothing is looked for (every fact was empty, too short or generic).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phones.is_empty()
    }

    /// The words of `text` that identify the reporter, in the order they appear, each
    /// once; overlapping finds are one word (台灣精密機械股份有限公司, not also 台灣精密機械).
    pub fn find(&self, text: &str) -> Vec<Leak> {
        let t = fold(text);
        // (first byte, byte after, characters matched, kind)
        let mut hits: Vec<(usize, usize, usize, IdentityKind)> = Vec::new();
        let mut hit = |a: usize, b: usize, kind: IdentityKind| {
            if let (Some(first), Some(last)) = (t.get(a), b.checked_sub(1).and_then(|l| t.get(l))) {
                hits.push((first.at, last.to, b - a, kind));
            }
        };
        for term in &self.terms {
            let s = &term.chars;
            if s.len() >= MIN_WHOLE_CHARS {
                for (p, w) in t.windows(s.len()).enumerate() {
                    let aligned =
                        w.first().is_some_and(|x| x.start) && w.last().is_some_and(|x| x.end);
                    if aligned && w.iter().zip(s).all(|(x, y)| x.c == y.c) {
                        hit(p, p + s.len(), term.kind);
                    }
                }
            }
            if term.runs {
                for (a, b) in shared_runs(s, &t) {
                    hit(a, b, term.kind);
                }
            }
        }
        for (digits, kind) in &self.phones {
            let only: Vec<usize> = (0..t.len()).filter(|&i| t[i].c.is_ascii_digit()).collect();
            let n = digits.len();
            for (k, w) in only.windows(n).enumerate() {
                if w.iter().zip(digits).all(|(&i, d)| t[i].c == *d)
                    && let (Some(&a), Some(&b)) = (only.get(k), only.get(k + n - 1))
                {
                    hit(a, b + 1, *kind);
                }
            }
        }
        merge(text, hits)
    }
}

/// The runs of `t` shared with `s` that count: on each diagonal, each stretch of equal
/// characters cut to its longest part that begins and ends on word boundaries of both,
/// kept if at least [`MIN_RUN_CHARS`] long, with a letter, and not made only of
/// [`GENERIC_WORDS`]. Returns ranges of `t`.
fn shared_runs(s: &[Folded], t: &[Folded]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if s.is_empty() || t.is_empty() {
        return out;
    }
    // Diagonal d pairs s[i] with t[i + d - (s.len() - 1)].
    for d in 0..(s.len() + t.len() - 1) {
        let (mut i, mut p) = match d.checked_sub(s.len() - 1) {
            Some(p) => (0, p),
            None => (s.len() - 1 - d, 0),
        };
        while i < s.len() && p < t.len() {
            if s[i].c != t[p].c {
                i += 1;
                p += 1;
                continue;
            }
            let (i0, p0) = (i, p);
            while i < s.len() && p < t.len() && s[i].c == t[p].c {
                i += 1;
                p += 1;
            }
            let len = i - i0;
            let first = (0..len).find(|&k| s[i0 + k].start && t[p0 + k].start);
            let last = (0..len).rev().find(|&k| s[i0 + k].end && t[p0 + k].end);
            if let (Some(a), Some(b)) = (first, last)
                && b + 1 >= a + MIN_RUN_CHARS
            {
                let run = &t[p0 + a..=p0 + b];
                if has_letter(run) && !made_of(run, GENERIC_WORDS, true) {
                    out.push((p0 + a, p0 + b + 1));
                }
            }
        }
    }
    out
}

/// Overlapping finds as one word each (the longest find's kind), in text order, each word
/// once whatever its case.
fn merge(text: &str, mut hits: Vec<(usize, usize, usize, IdentityKind)>) -> Vec<Leak> {
    hits.sort_by_key(|&(a, b, _, _)| (a, std::cmp::Reverse(b)));
    let mut spans: Vec<(usize, usize, usize, IdentityKind)> = Vec::new();
    for h in hits {
        match spans.last_mut() {
            Some(last) if h.0 < last.1 => {
                last.1 = last.1.max(h.1);
                if h.2 > last.2 {
                    (last.2, last.3) = (h.2, h.3);
                }
            }
            _ => spans.push(h),
        }
    }
    let mut out: Vec<Leak> = Vec::new();
    let mut seen: Vec<Vec<char>> = Vec::new();
    for (a, b, _, kind) in spans {
        let word = text.get(a..b).unwrap_or_default().trim();
        let key: Vec<char> = fold(word).into_iter().map(|f| f.c).collect();
        if !word.is_empty() && !seen.contains(&key) {
            seen.push(key);
            out.push(Leak {
                word: word.to_string(),
                kind,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use IdentityKind::*;

    /// A reporter of 台灣精密機械股份有限公司 with an English name on their own account.
    const WHO: &[Identity<'static>] = &[
        Identity {
            kind: Name,
            value: "陳志明",
        },
        Identity {
            kind: Organization,
            value: "台灣精密機械股份有限公司",
        },
        Identity {
            kind: Organization,
            value: "Taiwan Precision Machinery Co., Ltd.",
        },
        Identity {
            kind: Mail,
            value: "soc@tpmc.com.tw",
        },
        Identity {
            kind: Phone,
            value: "04-2345-6789",
        },
    ];

    fn words(text: &str, who: &[Identity<'_>]) -> Vec<(String, IdentityKind)> {
        Forbidden::of(who)
            .find(text)
            .into_iter()
            .map(|l| (l.word, l.kind))
            .collect()
    }

    #[test]
    fn legal_forms_are_cut_off() {
        for (name, core) in [
            ("台灣精密機械股份有限公司", "台灣精密機械"),
            ("台灣精密機械有限公司", "台灣精密機械"),
            ("大同精密企業社", "大同精密"),
            ("台塑集團", "台塑"),
            (
                "Taiwan Precision Machinery Co., Ltd.",
                "Taiwan Precision Machinery",
            ),
            (
                "Taiwan Precision Machinery Co.,Ltd",
                "Taiwan Precision Machinery",
            ),
            ("Precision Machinery CO LTD", "Precision Machinery"),
            ("Acme, Inc.", "Acme"),
            ("Acme Incorporated", "Acme"),
            ("Acme Corp.", "Acme"),
            ("Acme Corporation", "Acme"),
            ("Acme Holdings Limited", "Acme Holdings"),
            ("Acme GmbH", "Acme"),
            ("Acme S.A.", "Acme"),
            ("Acme LLC", "Acme"),
            (
                "台灣精密機械股份有限公司 Taiwan Precision Machinery Co., Ltd.",
                "台灣精密機械股份有限公司 Taiwan Precision Machinery",
            ),
            ("王小明", "王小明"),
            ("Limited", "Limited"),
            ("公司", "公司"),
            ("  ", ""),
        ] {
            assert_eq!(legal_core(name), core, "{name}");
        }
        assert_eq!(
            parts("台灣精密機械股份有限公司台中"),
            ["台灣精密機械", "台中"]
        );
    }

    #[test]
    fn the_domain_labels_that_name_the_holder() {
        for (domain, labels) in [
            ("precision.com.tw", vec!["precision"]),
            ("soc.precision.com.tw", vec!["soc", "precision"]),
            (
                "datong-precision.example.tw",
                vec!["datong-precision", "example"],
            ),
            ("acme.com", vec!["acme"]),
            ("Acme.COM.", vec!["acme"]),
            ("intranet", vec!["intranet"]),
        ] {
            assert_eq!(own_labels(domain), labels, "{domain}");
        }
    }

    /// What is refused, and what passes, for the reporter of [`WHO`].
    #[test]
    fn what_names_the_reporter() {
        let cases: &[(&str, &[(&str, IdentityKind)])] = &[
            // The organization's name, shortened: the issue this check was made for.
            (
                "台灣精密機械的檔案伺服器遭加密",
                &[("台灣精密機械", Organization)],
            ),
            ("台灣 精密機械 遭入侵", &[("台灣 精密機械", Organization)]),
            ("臺灣精密機械", &[("臺灣精密機械", Organization)]),
            ("一家精密機械廠", &[("精密機械", Organization)]),
            ("台灣精密遭勒索", &[("台灣精密", Organization)]),
            ("灣精密機", &[("灣精密機", Organization)]),
            (
                "台灣精密機械股份有限公司",
                &[("台灣精密機械股份有限公司", Organization)],
            ),
            // The English name, with or without its legal form, in any case.
            (
                "Taiwan Precision Machinery",
                &[("Taiwan Precision Machinery", Organization)],
            ),
            (
                "taiwan precision machinery co., ltd. was hit",
                &[("taiwan precision machinery co., ltd", Organization)],
            ),
            (
                "ＰＲＥＣＩＳＩＯＮ machines",
                &[("ＰＲＥＣＩＳＩＯＮ", Organization)],
            ),
            (
                "a Precision-Machinery plant",
                &[("Precision-Machinery", Organization)],
            ),
            ("machinery maker", &[("machinery", Organization)]),
            // The mail: address, domain, the domain's label, and the digits of the phone.
            ("mail SOC@TPMC.com.tw", &[("SOC@TPMC.com.tw", Mail)]),
            ("see tpmc.com.tw", &[("tpmc.com.tw", Mail)]),
            ("TPMC 的主機", &[("TPMC", Mail)]),
            ("請撥 04 2345 6789", &[("04 2345 6789", Phone)]),
            // The reporter's own name.
            ("聯絡人陳志明", &[("陳志明", Name)]),
            // Several at once, in text order.
            (
                "TPMC（台灣精密）",
                &[("TPMC", Mail), ("台灣精密", Organization)],
            ),
            // Generic descriptions that share three characters or common words only.
            ("密機械", &[]),
            ("機械廠遭勒索軟體加密，需要鑑識", &[]),
            ("台灣的工具機業者", &[]),
            (
                "a machine shop in Taiwan needs a precise forensic review",
                &[],
            ),
            ("a decision about provisioning", &[]),
            ("Taiwan company, security services", &[]),
            ("the SOC team noticed it", &[]),
            ("電話分機 1234", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            let got = words(text, WHO);
            let want: Vec<_> = want.iter().map(|(w, k)| (w.to_string(), *k)).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    /// The mail alone: its registrable label and the local part when it is a person's.
    #[test]
    fn what_a_mail_address_gives_away() {
        let who = [Identity::new(Mail, "wang.xiaoming@precision.com.tw")];
        for (text, want) in [
            ("the PRECISION intranet", vec!["PRECISION"]),
            ("Xiaoming reported it", vec!["Xiaoming"]),
            ("a precise timeline", vec![]),
        ] {
            let got: Vec<String> = Forbidden::of(&who)
                .find(text)
                .into_iter()
                .map(|l| l.word)
                .collect();
            assert_eq!(got, want, "{text}");
        }
        let role = [Identity::new(Mail, "security@service.com.tw")];
        assert!(
            Forbidden::of(&role)
                .find("security service needed")
                .is_empty(),
            "a role and a generic label name nobody"
        );
        assert_eq!(
            Forbidden::of(&role).find("security@service.com.tw")[0].word,
            "security@service.com.tw",
            "the address itself is still refused"
        );
    }

    #[test]
    fn short_and_empty_facts_are_not_looked_for() {
        let who = [
            Identity::new(Name, "IT"),
            Identity::new(Organization, "大同"),
            Identity::new(Phone, ""),
        ];
        assert!(Forbidden::of(&who).is_empty());
        assert!(Forbidden::of(&who).find("an IT team at 大同區").is_empty());
        let nova = [Identity::new(Organization, "Nova Co., Ltd.")];
        assert!(Forbidden::of(&nova).find("innovation").is_empty());
        assert_eq!(Forbidden::of(&nova).find("NOVA's servers")[0].word, "NOVA");
    }

    #[test]
    fn every_leak_is_a_slice_of_the_text() {
        // Case folding that changes length (İ) and full-width forms keep byte offsets right.
        let who = [Identity::new(Organization, "İstanbul Teknik")];
        let text = "İSTANBUL teknik";
        for l in Forbidden::of(&who).find(text) {
            assert!(text.contains(&l.word), "{l:?}");
        }
    }

    proptest::proptest! {
        /// Any text against any facts: no panic, and every word named is in the text, so
        /// the desk can find it.
        #[test]
        fn finds_are_slices_of_the_text(
            text in "[台灣精密機械股份有限公司 a-zA-Z0-9.,@ＡＢ臺İ-]{0,60}",
            name in "[台灣精密機械股份有限公司 a-zA-Z.,]{0,20}",
            mail in "[a-z.@-]{0,20}",
        ) {
            let who = [
                Identity::new(Organization, &name),
                Identity::new(Mail, &mail),
                Identity::new(Phone, "04-2345-6789"),
            ];
            for l in Forbidden::of(&who).find(&text) {
                proptest::prop_assert!(!l.word.is_empty() && text.contains(&l.word), "{:?}", l);
            }
        }
    }
}

//! Matching observables against indicators ("check my logs"): an in-memory index of the
//! indicators of intel records, and the reading of an observable a member pastes.
//!
//! An observable is read as the record extractor reads a token ([`super::classify`]:
//! defanged forms, ports, upper case), and a URL is then normalised as a reported
//! phishing URL is ([`crate::phish_url::normalize`]), on both sides, so that
//! `hxxps://EVIL[.]example.com:443/a#x` meets the indicator `https://evil.example.com/a`.
//! Observables already written as indicators are (a lower-case domain, a dotted quad, a
//! lower-case hash, a plain http(s) URL or mail address) skip that reading: they are looked up as they are, which is what
//! makes matching run near the speed of a bare hash-set lookup.
//!
//! What meets what ([`MatchKind`]):
//! - `exact`: the same value (an address, block, domain, URL, mail address, hash, CVE id);
//! - `subdomain`: the observable is a domain under an indicator domain
//!   (`a.evil.example.com` under `evil.example.com`);
//! - `host`: the host of an observable URL, or the domain of a mail address, is an
//!   indicator domain or under one, or the URL's host is an indicator address;
//! - `within`: the observable address or block lies in an indicator block;
//! - `contains`: the observable block holds an indicator address. (Indicator blocks
//!   inside an observable block are not looked for.)
//!
//! The index only stores: each record is a slot holding what the caller needs to decide
//! access (`R`), and who may read which record is the policy's to say, per hit. Records
//! are added and removed one at a time (a record shared, edited or withdrawn is removed
//! and added again); a removed record's postings stay until [`IndicatorIndex::stale`]
//! says it is time to build again, and are skipped meanwhile. No I/O.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{ObservableKind, ObservableOrigin, classify};

type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A record's place in the index.
pub type Slot = u32;

/// One indicator of one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posting {
    /// The record.
    pub slot: Slot,
    /// Where in the record the indicator came from.
    pub origin: ObservableOrigin,
}

/// The records that name one value; most values are named by one record.
#[derive(Debug)]
enum Postings {
    One(Posting),
    Many(Vec<Posting>),
}

impl Postings {
    fn push(&mut self, p: Posting) {
        match self {
            Postings::One(first) => *self = Postings::Many(vec![*first, p]),
            Postings::Many(v) => v.push(p),
        }
    }
    fn as_slice(&self) -> &[Posting] {
        match self {
            Postings::One(p) => std::slice::from_ref(p),
            Postings::Many(v) => v,
        }
    }
}

fn post<K: std::hash::Hash + Eq>(map: &mut Map<K, Postings>, key: K, p: Posting) {
    match map.get_mut(&key) {
        Some(ps) => ps.push(p),
        None => {
            map.insert(key, Postings::One(p));
        }
    }
}

/// How an observable met an indicator (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchKind {
    /// The same value.
    Exact,
    /// A domain under the indicator domain.
    Subdomain,
    /// The host of a URL or the domain of a mail address is (under) the indicator.
    Host,
    /// An address or block inside the indicator block.
    Within,
    /// A block holding the indicator address.
    Contains,
}

impl MatchKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Subdomain => "subdomain",
            MatchKind::Host => "host",
            MatchKind::Within => "within",
            MatchKind::Contains => "contains",
        }
    }
}

/// The indicator a hit met, as it is written in records (made into text only for hits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndicatorRef<'a> {
    /// A domain, URL, mail address, hash or CVE id.
    Text(ObservableKind, &'a str),
    /// An IPv4 address.
    V4(u32),
    /// An IPv6 address.
    V6(u128),
    /// An IPv4 block.
    Block4(u32, u8),
    /// An IPv6 block.
    Block6(u128, u8),
}

impl IndicatorRef<'_> {
    /// The indicator's kind.
    pub fn kind(&self) -> ObservableKind {
        match self {
            IndicatorRef::Text(k, _) => *k,
            IndicatorRef::V4(_) => ObservableKind::Ipv4,
            IndicatorRef::V6(_) => ObservableKind::Ipv6,
            IndicatorRef::Block4(..) | IndicatorRef::Block6(..) => ObservableKind::Cidr,
        }
    }
}

impl fmt::Display for IndicatorRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndicatorRef::Text(_, s) => f.write_str(s),
            IndicatorRef::V4(a) => write!(f, "{}", Ipv4Addr::from(*a)),
            IndicatorRef::V6(a) => write!(f, "{}", Ipv6Addr::from(*a)),
            IndicatorRef::Block4(a, n) => write!(f, "{}/{n}", Ipv4Addr::from(*a)),
            IndicatorRef::Block6(a, n) => write!(f, "{}/{n}", Ipv6Addr::from(*a)),
        }
    }
}

/// An observable read for matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe<'a> {
    /// An IPv4 address.
    V4(u32),
    /// An IPv6 address.
    V6(u128),
    /// An IPv4 block, its network address masked.
    Block4(u32, u8),
    /// An IPv6 block, its network address masked.
    Block6(u128, u8),
    /// A domain, lower case.
    Domain(Cow<'a, str>),
    /// A URL as [`crate::phish_url::normalize`] writes it, with its host.
    Url {
        /// The normalised URL.
        url: Cow<'a, str>,
        /// Its host: a domain, or an address.
        host: UrlHost<'a>,
    },
    /// A mail address, lower case; `at` is the position of its `@`.
    Email {
        /// The address.
        addr: Cow<'a, str>,
        /// Where its domain starts, less one.
        at: usize,
    },
    /// A hash or CVE id, as indicators write it.
    Text(ObservableKind, Cow<'a, str>),
}

/// The host of an observable URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlHost<'a> {
    /// A domain name.
    Domain(Cow<'a, str>),
    /// An address.
    Ip(IpAddr),
    /// Neither (kept as the URL only).
    None,
}

fn mask4(a: u32, len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        a & (u32::MAX << (32 - u32::from(len)))
    }
}

fn mask6(a: u128, len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        a & (u128::MAX << (128 - u32::from(len)))
    }
}

/// The key a URL indicator or observable is stored and looked up under: the phishing
/// normal form when it has one (http and https), else the extractor's form.
fn url_key(value: &str) -> (String, UrlHost<'static>) {
    match crate::phish_url::normalize(value) {
        Ok(u) => {
            let host = match u.ip {
                Some(ip) => UrlHost::Ip(ip),
                None => UrlHost::Domain(Cow::Owned(u.host_ascii)),
            };
            (u.normalized, host)
        }
        Err(_) => {
            let host = url::Url::parse(value)
                .ok()
                .and_then(|u| u.host_str().map(|h| h.trim_end_matches('.').to_string()))
                .map_or(UrlHost::None, |h| {
                    match h.trim_matches(['[', ']']).parse::<IpAddr>() {
                        Ok(ip) => UrlHost::Ip(ip),
                        Err(_) => UrlHost::Domain(Cow::Owned(h)),
                    }
                });
            (value.to_string(), host)
        }
    }
}

/// Reads one observable (a line of a log, a pasted value); `None` when it names no
/// indicator kind. Values already in an indicator's normal form are read without copying.
pub fn probe(raw: &str) -> Option<Probe<'_>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 4096 {
        return None;
    }
    // One pass over the bytes decides whether the value is already in normal form.
    let (mut digits_dots, mut hex, mut domainish, mut dot) = (true, true, true, false);
    for &b in s.as_bytes() {
        let digit = b.is_ascii_digit();
        let lower = b.is_ascii_lowercase();
        digits_dots &= digit || b == b'.';
        hex &= digit || (b'a'..=b'f').contains(&b);
        domainish &= digit || lower || b == b'.' || b == b'-';
        dot |= b == b'.';
    }
    if hex {
        let kind = match s.len() {
            32 => Some(ObservableKind::Md5),
            40 => Some(ObservableKind::Sha1),
            64 => Some(ObservableKind::Sha256),
            _ => None,
        };
        if let Some(k) = kind {
            return Some(Probe::Text(k, Cow::Borrowed(s)));
        }
    }
    if digits_dots && dot {
        return s.parse::<Ipv4Addr>().ok().map(|a| Probe::V4(a.into()));
    }
    if domainish && dot && !s.starts_with(['.', '-']) && !s.ends_with('.') {
        return Some(Probe::Domain(Cow::Borrowed(s)));
    }
    if s.contains(':')
        && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
        && let Ok(a) = s.parse::<Ipv6Addr>()
    {
        return Some(Probe::V6(a.into()));
    }
    if let Some(p) = normal_url(s).or_else(|| normal_email(s)) {
        return Some(p);
    }
    let o = classify(s)?;
    Some(match o.kind {
        ObservableKind::Ipv4 => Probe::V4(o.value.parse::<Ipv4Addr>().ok()?.into()),
        ObservableKind::Ipv6 => Probe::V6(o.value.parse::<Ipv6Addr>().ok()?.into()),
        ObservableKind::Cidr => match parse_block(&o.value)? {
            (IpAddr::V4(a), n) => Probe::Block4(mask4(a.into(), n), n),
            (IpAddr::V6(a), n) => Probe::Block6(mask6(a.into(), n), n),
        },
        ObservableKind::Domain => Probe::Domain(Cow::Owned(o.value)),
        ObservableKind::Url => {
            let (url, host) = url_key(&o.value);
            Probe::Url {
                url: Cow::Owned(url),
                host,
            }
        }
        ObservableKind::Email => {
            let at = o.value.rfind('@')?;
            Probe::Email {
                addr: Cow::Owned(o.value),
                at,
            }
        }
        k @ (ObservableKind::Md5
        | ObservableKind::Sha1
        | ObservableKind::Sha256
        | ObservableKind::Cve) => Probe::Text(k, Cow::Owned(o.value)),
    })
}

/// A host the URL Standard gives back as it is: two or more lower-case labels of letters,
/// digits and hyphens (no hyphen at either end, none punycode), the last with a letter
/// and not `0x…` (either would make the standard read an IPv4 address).
fn normal_host(h: &str) -> bool {
    h.len() <= 253
        && h.contains('.')
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && !l.starts_with("xn--")
                && !l.starts_with("0x")
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && h.rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_lowercase()))
}

/// An http(s) URL the extractor and the phishing normaliser both give back unchanged, read
/// without them: a normal host, a path (and at most one query) of characters neither
/// encodes, no port, user, fragment or dot segment, and a last character that no one
/// strips as punctuation. Anything else takes the slow reading; a property test holds
/// this one to it.
fn normal_url(s: &str) -> Option<Probe<'_>> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let (host, path) = rest.split_at(rest.find('/')?);
    let last = *s.as_bytes().last()?;
    let safe = path.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'.' | b'_' | b'~' | b'-' | b'=' | b'&' | b'?' | b'+'
            )
    });
    let (p, _) = path.split_once('?').unwrap_or((path, ""));
    let dots = p.split('/').any(|seg| seg == "." || seg == "..");
    let ok = s.len() <= crate::phish_url::MAX_URL_LEN
        && (last.is_ascii_alphanumeric() || last == b'/')
        && safe
        && !dots
        && path.matches('?').count() <= 1
        && normal_host(host);
    ok.then_some(Probe::Url {
        url: Cow::Borrowed(s),
        host: UrlHost::Domain(Cow::Borrowed(host)),
    })
}

/// A mail address the extractor gives back unchanged, read without it: lower case, one
/// `@`, a plain local part, and a domain it knows (the same checks it makes).
fn normal_email(s: &str) -> Option<Probe<'_>> {
    let (local, domain) = s.split_once('@')?;
    let plain = !local.is_empty()
        && local.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-' | b'+')
        })
        && domain
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-'))
        && domain
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    (plain && crate::validate::email(s).is_ok() && super::known_domain(domain)).then_some(
        Probe::Email {
            addr: Cow::Borrowed(s),
            at: local.len(),
        },
    )
}

fn parse_block(v: &str) -> Option<(IpAddr, u8)> {
    let (a, n) = v.split_once('/')?;
    let a = a.parse::<IpAddr>().ok()?;
    let n = n.parse::<u8>().ok()?;
    let max = if a.is_ipv4() { 32 } else { 128 };
    (n <= max).then_some((a, n))
}

#[derive(Debug)]
struct Entry<R> {
    record: R,
    postings: u32,
}

/// The indicators of many records, by value, for matching. `R` is what the caller keeps
/// of each record to decide who may read it.
#[derive(Debug)]
pub struct IndicatorIndex<R> {
    records: Vec<Option<Entry<R>>>,
    live_postings: usize,
    dead_postings: usize,
    domains: Map<Box<str>, Postings>,
    texts: Map<Box<str>, Postings>,
    v4: Map<u32, Postings>,
    v6: Map<u128, Postings>,
    v4_ordered: BTreeSet<u32>,
    v6_ordered: BTreeSet<u128>,
    blocks4: BTreeMap<u8, Blocks4>,
    blocks6: BTreeMap<u8, Map<u128, Postings>>,
}

/// The IPv4 blocks of one prefix length, with a bitmap of their first (up to) 20 bits, so
/// that most addresses skip the hash lookup: 128 KiB a length at most.
#[derive(Debug)]
struct Blocks4 {
    map: Map<u32, Postings>,
    bits: Vec<u64>,
    shift: u32,
}

impl Blocks4 {
    fn new(len: u8) -> Self {
        let top = u32::from(len.min(20));
        Blocks4 {
            map: Map::default(),
            bits: vec![0; ((1usize << top) / 64).max(1)],
            shift: 32 - top,
        }
    }
    fn slot(&self, net: u32) -> (usize, u64) {
        let i = if self.shift == 32 {
            0
        } else {
            (net >> self.shift) as usize
        };
        (i / 64, 1u64 << (i % 64))
    }
    fn insert(&mut self, net: u32, p: Posting) {
        let (w, b) = self.slot(net);
        if let Some(word) = self.bits.get_mut(w) {
            *word |= b;
        }
        post(&mut self.map, net, p);
    }
    fn get(&self, net: u32) -> Option<&Postings> {
        let (w, b) = self.slot(net);
        if self.bits.get(w).is_some_and(|word| word & b != 0) {
            self.map.get(&net)
        } else {
            None
        }
    }
}

impl<R> Default for IndicatorIndex<R> {
    fn default() -> Self {
        IndicatorIndex {
            records: Vec::new(),
            live_postings: 0,
            dead_postings: 0,
            domains: Map::default(),
            texts: Map::default(),
            v4: Map::default(),
            v6: Map::default(),
            v4_ordered: BTreeSet::new(),
            v6_ordered: BTreeSet::new(),
            blocks4: BTreeMap::new(),
            blocks6: BTreeMap::new(),
        }
    }
}

impl<R> IndicatorIndex<R> {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record with its indicators (kind, value as stored, origin); values that are
    /// not of their kind are skipped. Returns its slot.
    pub fn insert<'v>(
        &mut self,
        record: R,
        indicators: impl IntoIterator<Item = (ObservableKind, &'v str, ObservableOrigin)>,
    ) -> Slot {
        let slot = Slot::try_from(self.records.len()).unwrap_or(Slot::MAX);
        let mut n = 0u32;
        for (kind, value, origin) in indicators {
            let p = Posting { slot, origin };
            if self.add(kind, value, p) {
                n += 1;
            }
        }
        self.live_postings += n as usize;
        self.records.push(Some(Entry {
            record,
            postings: n,
        }));
        slot
    }

    fn add(&mut self, kind: ObservableKind, value: &str, p: Posting) -> bool {
        match kind {
            ObservableKind::Ipv4 => {
                let Ok(a) = value.parse::<Ipv4Addr>() else {
                    return false;
                };
                let a = u32::from(a);
                post(&mut self.v4, a, p);
                self.v4_ordered.insert(a);
            }
            ObservableKind::Ipv6 => {
                let Ok(a) = value.parse::<Ipv6Addr>() else {
                    return false;
                };
                let a = u128::from(a);
                post(&mut self.v6, a, p);
                self.v6_ordered.insert(a);
            }
            ObservableKind::Cidr => match parse_block(value) {
                Some((IpAddr::V4(a), n)) => self
                    .blocks4
                    .entry(n)
                    .or_insert_with(|| Blocks4::new(n))
                    .insert(mask4(a.into(), n), p),
                Some((IpAddr::V6(a), n)) => {
                    post(self.blocks6.entry(n).or_default(), mask6(a.into(), n), p)
                }
                None => return false,
            },
            ObservableKind::Domain => {
                post(&mut self.domains, value.to_ascii_lowercase().into(), p);
            }
            ObservableKind::Url => {
                post(&mut self.texts, url_key(value).0.into(), p);
            }
            ObservableKind::Email
            | ObservableKind::Md5
            | ObservableKind::Sha1
            | ObservableKind::Sha256
            | ObservableKind::Cve => post(&mut self.texts, value.into(), p),
        }
        true
    }

    /// Removes a record: its indicators stop matching at once.
    pub fn remove(&mut self, slot: Slot) -> Option<R> {
        let e = self.records.get_mut(slot as usize)?.take()?;
        self.live_postings -= e.postings as usize;
        self.dead_postings += e.postings as usize;
        Some(e.record)
    }

    /// The record in a slot, if it is still there.
    pub fn record(&self, slot: Slot) -> Option<&R> {
        self.records.get(slot as usize)?.as_ref().map(|e| &e.record)
    }

    /// The records in the index.
    pub fn records(&self) -> impl Iterator<Item = (Slot, &R)> {
        self.records.iter().enumerate().filter_map(|(i, e)| {
            let e = e.as_ref()?;
            Some((Slot::try_from(i).ok()?, &e.record))
        })
    }

    /// How many indicators (record × value) match.
    pub fn len(&self) -> usize {
        self.live_postings
    }

    /// Whether nothing matches.
    pub fn is_empty(&self) -> bool {
        self.live_postings == 0
    }

    /// Whether removed records' postings outnumber the live ones: time to build anew.
    pub fn stale(&self) -> bool {
        self.dead_postings > 1024 && self.dead_postings > self.live_postings
    }

    /// Calls `found` for every live indicator the raw observable meets. Returns whether
    /// the observable was read at all.
    pub fn match_raw(
        &self,
        raw: &str,
        found: impl FnMut(MatchKind, IndicatorRef<'_>, Posting, &R),
    ) -> bool {
        match probe(raw) {
            Some(p) => {
                self.match_probe(&p, found);
                true
            }
            None => false,
        }
    }

    /// Calls `found` for every live indicator the observable meets.
    pub fn match_probe(
        &self,
        probe: &Probe<'_>,
        mut found: impl FnMut(MatchKind, IndicatorRef<'_>, Posting, &R),
    ) {
        let mut emit = |how, ind: IndicatorRef<'_>, ps: &Postings| {
            for p in ps.as_slice() {
                if let Some(Some(e)) = self.records.get(p.slot as usize) {
                    found(how, ind, *p, &e.record);
                }
            }
        };
        match probe {
            Probe::V4(a) => self.match_v4(*a, MatchKind::Exact, &mut emit),
            Probe::V6(a) => self.match_v6(*a, MatchKind::Exact, &mut emit),
            Probe::Block4(net, n) => {
                self.match_block4(*net, *n, &mut emit);
            }
            Probe::Block6(net, n) => {
                self.match_block6(*net, *n, &mut emit);
            }
            Probe::Domain(d) => self.match_domain(d, MatchKind::Exact, &mut emit),
            Probe::Url { url, host } => {
                if let Some(ps) = self.texts.get(url.as_ref()) {
                    emit(
                        MatchKind::Exact,
                        IndicatorRef::Text(ObservableKind::Url, url),
                        ps,
                    );
                }
                match host {
                    UrlHost::Domain(d) => self.match_domain(d, MatchKind::Host, &mut emit),
                    UrlHost::Ip(IpAddr::V4(a)) => {
                        self.match_v4(u32::from(*a), MatchKind::Host, &mut emit)
                    }
                    UrlHost::Ip(IpAddr::V6(a)) => {
                        self.match_v6(u128::from(*a), MatchKind::Host, &mut emit)
                    }
                    UrlHost::None => {}
                }
            }
            Probe::Email { addr, at } => {
                if let Some(ps) = self.texts.get(addr.as_ref()) {
                    emit(
                        MatchKind::Exact,
                        IndicatorRef::Text(ObservableKind::Email, addr),
                        ps,
                    );
                }
                if let Some(d) = addr.get(at + 1..) {
                    self.match_domain(d, MatchKind::Host, &mut emit);
                }
            }
            Probe::Text(k, t) => {
                if let Some(ps) = self.texts.get(t.as_ref()) {
                    emit(MatchKind::Exact, IndicatorRef::Text(*k, t), ps);
                }
            }
        }
    }

    /// The domain itself (`how`), then every parent of two labels or more (`Subdomain`,
    /// or `Host` for a URL's host).
    fn match_domain(
        &self,
        d: &str,
        how: MatchKind,
        emit: &mut impl FnMut(MatchKind, IndicatorRef<'_>, &Postings),
    ) {
        let d = d.trim_end_matches('.');
        if let Some((k, ps)) = self.domains.get_key_value(d) {
            emit(how, IndicatorRef::Text(ObservableKind::Domain, k), ps);
        }
        let parent = if how == MatchKind::Exact {
            MatchKind::Subdomain
        } else {
            how
        };
        let mut rest = d;
        while let Some((_, up)) = rest.split_once('.') {
            if !up.contains('.') {
                break;
            }
            if let Some((k, ps)) = self.domains.get_key_value(up) {
                emit(parent, IndicatorRef::Text(ObservableKind::Domain, k), ps);
            }
            rest = up;
        }
    }

    fn match_v4(
        &self,
        a: u32,
        how: MatchKind,
        emit: &mut impl FnMut(MatchKind, IndicatorRef<'_>, &Postings),
    ) {
        if let Some(ps) = self.v4.get(&a) {
            emit(how, IndicatorRef::V4(a), ps);
        }
        for (n, blocks) in &self.blocks4 {
            let net = mask4(a, *n);
            if let Some(ps) = blocks.get(net) {
                emit(MatchKind::Within, IndicatorRef::Block4(net, *n), ps);
            }
        }
    }

    fn match_v6(
        &self,
        a: u128,
        how: MatchKind,
        emit: &mut impl FnMut(MatchKind, IndicatorRef<'_>, &Postings),
    ) {
        if let Some(ps) = self.v6.get(&a) {
            emit(how, IndicatorRef::V6(a), ps);
        }
        for (n, blocks) in &self.blocks6 {
            let net = mask6(a, *n);
            if let Some(ps) = blocks.get(&net) {
                emit(MatchKind::Within, IndicatorRef::Block6(net, *n), ps);
            }
        }
    }

    fn match_block4(
        &self,
        net: u32,
        len: u8,
        emit: &mut impl FnMut(MatchKind, IndicatorRef<'_>, &Postings),
    ) {
        for (n, blocks) in self.blocks4.range(..=len) {
            let outer = mask4(net, *n);
            if let Some(ps) = blocks.get(outer) {
                let how = if *n == len {
                    MatchKind::Exact
                } else {
                    MatchKind::Within
                };
                emit(how, IndicatorRef::Block4(outer, *n), ps);
            }
        }
        let last = net | !mask4(u32::MAX, len);
        for a in self.v4_ordered.range(net..=last) {
            if let Some(ps) = self.v4.get(a) {
                emit(MatchKind::Contains, IndicatorRef::V4(*a), ps);
            }
        }
    }

    fn match_block6(
        &self,
        net: u128,
        len: u8,
        emit: &mut impl FnMut(MatchKind, IndicatorRef<'_>, &Postings),
    ) {
        for (n, blocks) in self.blocks6.range(..=len) {
            let outer = mask6(net, *n);
            if let Some(ps) = blocks.get(&outer) {
                let how = if *n == len {
                    MatchKind::Exact
                } else {
                    MatchKind::Within
                };
                emit(how, IndicatorRef::Block6(outer, *n), ps);
            }
        }
        let last = net | !mask6(u128::MAX, len);
        for a in self.v6_ordered.range(net..=last) {
            if let Some(ps) = self.v6.get(a) {
                emit(MatchKind::Contains, IndicatorRef::V6(*a), ps);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ObservableKind as K;
    use ObservableOrigin::Extracted as X;

    fn hits(ix: &IndicatorIndex<&'static str>, raw: &str) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        ix.match_raw(raw, |how, ind, _, r| {
            out.push((how.as_str().to_string(), ind.to_string(), r.to_string()))
        });
        out.sort();
        out
    }

    fn h(how: &str, ind: &str, r: &str) -> (String, String, String) {
        (how.into(), ind.into(), r.into())
    }

    fn index() -> IndicatorIndex<&'static str> {
        let mut ix = IndicatorIndex::new();
        ix.insert(
            "a",
            [
                (K::Domain, "evil.example.com", X),
                (K::Ipv4, "198.51.100.7", X),
                (K::Cidr, "203.0.113.0/24", X),
                (K::Url, "https://phish.example.net/login?x=1", X),
                (K::Email, "boss@corp.example.org", X),
                (K::Md5, "d41d8cd98f00b204e9800998ecf8427e", X),
                (K::Ipv6, "2001:db8::1", X),
            ],
        );
        ix.insert(
            "b",
            [(K::Domain, "example.com", X), (K::Ipv4, "198.51.100.7", X)],
        );
        ix
    }

    #[test]
    fn each_kind_meets_its_indicators() {
        let ix = index();
        assert_eq!(
            hits(&ix, "198.51.100.7"),
            vec![
                h("exact", "198.51.100.7", "a"),
                h("exact", "198.51.100.7", "b")
            ]
        );
        assert_eq!(
            hits(&ix, "a.b.evil.example.com"),
            vec![
                h("subdomain", "evil.example.com", "a"),
                h("subdomain", "example.com", "b")
            ]
        );
        assert_eq!(
            hits(&ix, "EVIL[.]example.com."),
            vec![
                h("exact", "evil.example.com", "a"),
                h("subdomain", "example.com", "b")
            ]
        );
        assert_eq!(
            hits(&ix, "203.0.113.99"),
            vec![h("within", "203.0.113.0/24", "a")]
        );
        assert_eq!(
            hits(&ix, "203.0.113.128/25"),
            vec![h("within", "203.0.113.0/24", "a")]
        );
        assert_eq!(
            hits(&ix, "198.51.100.0/24"),
            vec![
                h("contains", "198.51.100.7", "a"),
                h("contains", "198.51.100.7", "b")
            ]
        );
        assert_eq!(
            hits(&ix, "hxxps://PHISH.example[.]net:443/login?x=1#top"),
            vec![h("exact", "https://phish.example.net/login?x=1", "a")]
        );
        assert_eq!(
            hits(&ix, "http://x.evil.example.com/a"),
            vec![
                h("host", "evil.example.com", "a"),
                h("host", "example.com", "b")
            ]
        );
        assert_eq!(
            hits(&ix, "Boss@Corp.Example.org"),
            vec![h("exact", "boss@corp.example.org", "a")]
        );
        assert_eq!(
            hits(&ix, "D41D8CD98F00B204E9800998ECF8427E"),
            vec![h("exact", "d41d8cd98f00b204e9800998ecf8427e", "a")]
        );
        assert_eq!(
            hits(&ix, "2001:0db8:0::1"),
            vec![h("exact", "2001:db8::1", "a")]
        );
        assert_eq!(hits(&ix, "198.51.100.8"), vec![]);
        assert_eq!(hits(&ix, "com"), vec![]);
        assert_eq!(hits(&ix, "notexample.com"), vec![]);
        assert!(!ix.match_raw("just words", |_, _, _, _| {}));
    }

    #[test]
    fn a_removed_record_stops_matching() {
        let mut ix = index();
        let before = ix.len();
        assert_eq!(ix.remove(0), Some("a"));
        assert_eq!(ix.remove(0), None);
        assert_eq!(
            hits(&ix, "198.51.100.7"),
            vec![h("exact", "198.51.100.7", "b")]
        );
        assert_eq!(
            hits(&ix, "evil.example.com"),
            vec![h("subdomain", "example.com", "b")]
        );
        assert_eq!(ix.len(), before - 7);
        assert_eq!(ix.records().map(|(_, r)| *r).collect::<Vec<_>>(), vec!["b"]);
    }

    #[test]
    fn values_in_normal_form_take_the_quick_reading() {
        for url in [
            "https://login-1a.example.com/a/b.php",
            "http://bank.com.tw/x?a=1&b=2",
        ] {
            assert!(matches!(normal_url(url), Some(Probe::Url { .. })), "{url}");
        }
        // Each of these the extractor or the normaliser would change.
        for url in [
            "http://a.com/?",
            "http://a.com/x.",
            "http://A.com/x",
            "http://a.com:80/x",
            "http://a.com/./x",
            "http://xn--abc.com/x",
            "http://a.0x1/x",
            "http://a.com/%41",
            "http://a.com",
        ] {
            assert!(normal_url(url).is_none(), "{url}");
        }
        assert!(matches!(
            normal_email("phish+1@evil.example.com"),
            Some(Probe::Email { at: 7, .. })
        ));
        for mail in [
            "Phish@evil.com",
            "a@evil.zz",
            "a@@evil.com",
            "@evil.com",
            "a@evil.com.",
        ] {
            assert!(normal_email(mail).is_none(), "{mail}");
        }
    }

    proptest::proptest! {
        /// The quick reading of values already in normal form agrees with the extractor.
        #[test]
        fn the_fast_reading_agrees_with_the_extractor(
            raw in "[0-9]{1,3}(\\.[0-9]{1,3}){3}|[a-z0-9-]{1,8}(\\.[a-z0-9-]{1,8}){1,3}|[0-9a-f]{32}|[0-9a-f]{64}"
        ) {
            let fast = probe(&raw);
            match classify(&raw) {
                Some(o) => match (o.kind, fast) {
                    (ObservableKind::Ipv4, Some(Probe::V4(a))) => {
                        proptest::prop_assert_eq!(Ipv4Addr::from(a).to_string(), o.value)
                    }
                    (ObservableKind::Domain, Some(Probe::Domain(d))) => {
                        proptest::prop_assert_eq!(d.as_ref(), o.value.as_str())
                    }
                    (k, Some(Probe::Text(pk, t))) => {
                        proptest::prop_assert_eq!(k, pk);
                        proptest::prop_assert_eq!(t.as_ref(), o.value.as_str())
                    }
                    (k, p) => proptest::prop_assert!(false, "{raw}: {k:?} vs {p:?}"),
                },
                // What the extractor does not take may be read as a domain that no
                // indicator can be, never as anything else.
                None => proptest::prop_assert!(
                    matches!(fast, None | Some(Probe::Domain(_))),
                    "{raw}: {fast:?}"
                ),
            }
        }

        /// A URL or mail address read without the extractor and the normaliser is what
        /// they would make of it; what they refuse is not read quickly either.
        #[test]
        fn the_fast_url_and_mail_readings_agree_with_the_normaliser(
            raw in "https?://([a-z0-9-]{1,6}|xn--[a-z0-9]{1,4}|0x[0-9])(\\.[a-z0-9-]{1,6}){0,2}\\.(com|tw|0x1|1|zz)/[a-zA-Z0-9/._~=&?+%:()!-]{0,20}|[a-z0-9._+-]{1,8}@[a-z0-9.-]{1,10}\\.(com|net|zz|1)[.]?"
        ) {
            let Some(fast) = normal_url(&raw).or_else(|| normal_email(&raw)) else {
                return Ok(());
            };
            let slow = classify(&raw).map(|o| match o.kind {
                ObservableKind::Url => {
                    let (url, host) = url_key(&o.value);
                    format!("{url} {host:?}")
                }
                _ => o.value,
            });
            let fast = match &fast {
                Probe::Url { url, host } => {
                    let host = match host {
                        UrlHost::Domain(d) => UrlHost::Domain(Cow::Owned(d.to_string())),
                        _ => UrlHost::None,
                    };
                    format!("{url} {host:?}")
                }
                Probe::Email { addr, .. } => addr.to_string(),
                other => format!("{other:?}"),
            };
            proptest::prop_assert_eq!(Some(fast), slow, "{}", raw);
        }

        /// Never panics, whatever is pasted.
        #[test]
        fn probing_never_panics(raw in "\\PC{0,80}") {
            let ix = index();
            ix.match_raw(&raw, |_, _, _, _| {});
        }
    }
}

//! Threat-intelligence records (資安情資分享) in the N-ISAC 25-field layout of DOMAIN.md.
//!
//! - [`IntelField`]: the 25 fields in the table's order, with their Chinese and English
//!   names; every validation error names its field by both ([`IntelField::label`]).
//! - [`IntelInput`]: a record as it arrives (web form, JSON API, parsed TXT), every field
//!   a string (null and numbers read too, so a record read from the API can be written
//!   back); validated into an [`IntelRecord`] by [`IntelInput::validate`]. An
//!   [`IntelRecord`] turns back into the same input ([`IntelRecord::to_input`]), which the
//!   TXT emitter writes, with the TLP in the seed's lower case ([`tlp_value`]).
//! - 受害IP, 惡意IP連線資訊 and 掃描資訊 are free text (字串): kept as written, never
//!   refused for their notation; [`notation`] reads entries from them
//!   ([`IntelRecord::victims`], [`IntelRecord::connections`], [`IntelRecord::scans`]) and
//!   says line by line what it could not read ([`IntelRecord::notation_warnings`]).
//! - [`IntelTime`]: the format's one date-time shape, `YYYY-MM-DDThh:mm:ss+hh:mm`, with
//!   its offset kept; other shapes are refused.
//! - [`extract_observables`]: typed indicators (ip, cidr, domain, url, e-mail, hashes, CVE
//!   ids) found in a record's text, defanged forms included.
//! - [`matching`]: the in-memory index that matches observables against indicators.
//! - [`IntelCategory::for_incident`]: the incident type → category mapping of DOMAIN.md.

use crate::incident::IncidentType;
use crate::names::names;
use crate::validate::{self, FieldError, FieldErrors};
use crate::{Timestamp, Tlp};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;

pub mod matching;
pub mod notation;

/// Length limits of the record's texts, in characters.
pub mod limits {
    /// One-line texts: subject, source, event subject, publisher.
    pub const LINE: usize = 500;
    /// Short identifiers: dispatch id, source id, intel type.
    pub const ID: usize = 200;
    /// 情資內容.
    pub const CONTENT: usize = 100_000;
    /// The other free texts.
    pub const TEXT: usize = 20_000;
    /// Entries of the list fields (victim IPs, malicious connections).
    pub const ENTRIES: usize = 1_000;
    /// A protocol name.
    pub const PROTOCOL: usize = 20;
}

/// The category of a record (情資種類).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IntelCategory {
    /// Analysis without an event.
    #[serde(rename = "ANA")]
    Ana,
    /// Defacement and web attacks (網頁攻擊).
    #[serde(rename = "DEF")]
    Def,
    /// Intrusion (入侵攻擊).
    #[serde(rename = "INT")]
    Int,
    /// Early warning (資安預警).
    #[serde(rename = "EWA")]
    Ewa,
    /// Feedback on an earlier record.
    #[serde(rename = "FBI")]
    Fbi,
}

impl IntelCategory {
    /// Every category, in the format's order.
    pub const ALL: &'static [IntelCategory] = &[
        IntelCategory::Ana,
        IntelCategory::Def,
        IntelCategory::Int,
        IntelCategory::Ewa,
        IntelCategory::Fbi,
    ];

    /// The format's name: `ANA`, `DEF`, `INT`, `EWA`, `FBI`.
    pub fn as_str(self) -> &'static str {
        match self {
            IntelCategory::Ana => "ANA",
            IntelCategory::Def => "DEF",
            IntelCategory::Int => "INT",
            IntelCategory::Ewa => "EWA",
            IntelCategory::Fbi => "FBI",
        }
    }

    /// Reads a category in any case, surrounding spaces ignored.
    pub fn parse(s: &str) -> Option<IntelCategory> {
        let s = s.trim();
        IntelCategory::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }

    /// The category an incident report of this type becomes (DOMAIN.md).
    pub fn for_incident(t: IncidentType) -> IntelCategory {
        match t {
            IncidentType::WebAttack => IntelCategory::Def,
            IncidentType::Intrusion => IntelCategory::Int,
            IncidentType::EarlyWarning => IntelCategory::Ewa,
        }
    }
}

impl fmt::Display for IntelCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The 25 fields of the N-ISAC layout, in the table's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum IntelField {
    Category,
    Subject,
    Source,
    PublishedAt,
    Tlp,
    DispatchId,
    EventSubject,
    EventDiscoveredAt,
    EventSentAt,
    EventResolvedAt,
    Content,
    IntelType,
    Publisher,
    Contact,
    ImpactLevel,
    Recommendation,
    References,
    Attachments,
    VictimIp,
    AffectedPlatforms,
    Technique,
    MaliciousConnections,
    ScanInfo,
    SourceId,
    SourceTime,
}

impl IntelField {
    /// Every field, in the table's order.
    pub const ALL: [IntelField; 25] = [
        IntelField::Category,
        IntelField::Subject,
        IntelField::Source,
        IntelField::PublishedAt,
        IntelField::Tlp,
        IntelField::DispatchId,
        IntelField::EventSubject,
        IntelField::EventDiscoveredAt,
        IntelField::EventSentAt,
        IntelField::EventResolvedAt,
        IntelField::Content,
        IntelField::IntelType,
        IntelField::Publisher,
        IntelField::Contact,
        IntelField::ImpactLevel,
        IntelField::Recommendation,
        IntelField::References,
        IntelField::Attachments,
        IntelField::VictimIp,
        IntelField::AffectedPlatforms,
        IntelField::Technique,
        IntelField::MaliciousConnections,
        IntelField::ScanInfo,
        IntelField::SourceId,
        IntelField::SourceTime,
    ];

    /// The English name, as in JSON and error keys: `event_subject`.
    pub fn key(self) -> &'static str {
        self.names().0
    }

    /// The Chinese name of the format: `事件主旨`.
    pub fn zh(self) -> &'static str {
        self.names().1
    }

    /// The long free texts, written over several lines (情資內容, 聯絡資訊, 建議措施, 參考資訊,
    /// 附件, 影響平台, 手法研判, and 受害IP, 惡意IP連線資訊, 掃描資訊): the TXT form reads
    /// a label-shaped line inside them as text, and the pages show them as blocks.
    pub fn is_free_text(self) -> bool {
        use IntelField as F;
        matches!(
            self,
            F::Content
                | F::Contact
                | F::Recommendation
                | F::References
                | F::Attachments
                | F::AffectedPlatforms
                | F::Technique
                | F::VictimIp
                | F::MaliciousConnections
                | F::ScanInfo
        )
    }

    /// Both names, as errors show them: `事件主旨 (event_subject)`.
    pub fn label(self) -> String {
        format!("{} ({})", self.zh(), self.key())
    }

    /// The field of an English key.
    pub fn from_key(key: &str) -> Option<IntelField> {
        IntelField::ALL.iter().copied().find(|f| f.key() == key)
    }

    fn names(self) -> (&'static str, &'static str) {
        use IntelField::*;
        match self {
            Category => ("category", "情資種類"),
            Subject => ("subject", "情資主旨"),
            Source => ("source", "情資來源資訊"),
            PublishedAt => ("published_at", "情資發布時間"),
            Tlp => ("tlp", "分享等級"),
            DispatchId => ("dispatch_id", "發送編號"),
            EventSubject => ("event_subject", "事件主旨"),
            EventDiscoveredAt => ("event_discovered_at", "事件發現時間"),
            EventSentAt => ("event_sent_at", "事件發送時間"),
            EventResolvedAt => ("event_resolved_at", "事件解決時間"),
            Content => ("content", "情資內容"),
            IntelType => ("intel_type", "情資類型"),
            Publisher => ("publisher", "發布單位"),
            Contact => ("contact", "聯絡資訊"),
            ImpactLevel => ("impact_level", "影響等級"),
            Recommendation => ("recommendation", "建議措施"),
            References => ("references", "參考資訊"),
            Attachments => ("attachments", "附件"),
            VictimIp => ("victim_ip", "受害IP"),
            AffectedPlatforms => ("affected_platforms", "影響平台"),
            Technique => ("technique", "手法研判"),
            MaliciousConnections => ("malicious_connections", "惡意IP連線資訊"),
            ScanInfo => ("scan_info", "掃描資訊"),
            SourceId => ("source_id", "來源編號"),
            SourceTime => ("source_time", "來源時間"),
        }
    }
}

/// A date-time in the format's one shape, `YYYY-MM-DDThh:mm:ss+hh:mm`, with its offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IntelTime {
    /// The instant.
    pub utc: Timestamp,
    /// The writer's UTC offset in minutes.
    pub offset_minutes: i16,
}

impl IntelTime {
    /// The instant `utc` shown at `offset_minutes` east of UTC, to the whole second (the
    /// format has no fractions, so a stored record reads back equal).
    pub fn at(utc: Timestamp, offset_minutes: i16) -> IntelTime {
        let us = utc.micros();
        IntelTime {
            utc: Timestamp::from_micros(us - us.rem_euclid(1_000_000)),
            offset_minutes,
        }
    }

    /// Reads exactly `YYYY-MM-DDThh:mm:ss±hh:mm` (surrounding spaces ignored); `None`
    /// for any other shape or an impossible date or time.
    pub fn parse(s: &str) -> Option<IntelTime> {
        let b = s.trim().as_bytes();
        if b.len() != 25 {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<i32> {
            let part = b.get(r)?;
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        let at = |i: usize, c: u8| b.get(i) == Some(&c);
        if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':'))
            || !(at(19, b'+') || at(19, b'-'))
            || !at(22, b':')
        {
            return None;
        }
        let (y, mo, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (h, mi, sec) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        let (oh, om) = (digits(20..22)?, digits(23..25)?);
        if oh > 14 || om > 59 {
            return None;
        }
        let sign = if at(19, b'-') { -1 } else { 1 };
        let offset_minutes = i16::try_from(sign * (oh * 60 + om)).ok()?;
        let date = time::Date::from_calendar_date(
            y,
            time::Month::try_from(u8::try_from(mo).ok()?).ok()?,
            u8::try_from(d).ok()?,
        )
        .ok()?;
        let t = time::Time::from_hms(
            u8::try_from(h).ok()?,
            u8::try_from(mi).ok()?,
            u8::try_from(sec).ok()?,
        )
        .ok()?;
        let offset = time::UtcOffset::from_whole_seconds(i32::from(offset_minutes) * 60).ok()?;
        let dt = time::PrimitiveDateTime::new(date, t).assume_offset(offset);
        Some(IntelTime {
            utc: Timestamp::from_datetime(dt),
            offset_minutes,
        })
    }
}

impl fmt::Display for IntelTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = time::UtcOffset::from_whole_seconds(i32::from(self.offset_minutes) * 60)
            .unwrap_or(time::UtcOffset::UTC);
        let t = self.utc.datetime().to_offset(offset);
        let m = self.offset_minutes.unsigned_abs();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            if self.offset_minutes < 0 { '-' } else { '+' },
            m / 60,
            m % 60
        )
    }
}

impl Serialize for IntelTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IntelTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        IntelTime::parse(&s).ok_or_else(|| serde::de::Error::custom("bad intel time"))
    }
}

names! {
    /// Which way a malicious connection went, seen from the victim.
    Direction, UnknownDirection, "connection direction" {
        /// The address was the source of the traffic.
        Source => "source",
        /// The address was the destination.
        Destination => "destination",
    }
}

/// One entry of 掃描資訊 as read from its text ([`notation::scans`]): scan engine, engine
/// type, version, result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScanInfo {
    /// The scan engine.
    pub engine: String,
    /// The engine's type.
    pub engine_type: String,
    /// The engine's version.
    pub version: String,
    /// What it found.
    pub result: String,
}

impl ScanInfo {
    /// True when every part is empty.
    pub fn is_empty(&self) -> bool {
        [&self.engine, &self.engine_type, &self.version, &self.result]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// A record as it arrives, before validation: nothing is lost, missing fields are empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntelInput {
    /// 1 情資種類: ANA, DEF, INT, EWA or FBI (any case).
    #[serde(deserialize_with = "de_text")]
    pub category: String,
    /// 2 情資主旨.
    #[serde(deserialize_with = "de_text")]
    pub subject: String,
    /// 3 情資來源資訊: the issuing unit.
    #[serde(deserialize_with = "de_text")]
    pub source: String,
    /// 4 情資發布時間: `YYYY-MM-DDThh:mm:ss+hh:mm`.
    #[serde(deserialize_with = "de_text")]
    pub published_at: String,
    /// 5 分享等級: red, amber, green, white, or the TLP 2.0 names (clear, amber+strict).
    #[serde(deserialize_with = "de_text")]
    pub tlp: String,
    /// 6 發送編號: the sender's own numbering.
    #[serde(deserialize_with = "de_text")]
    pub dispatch_id: String,
    /// 7 事件主旨: not for ANA.
    #[serde(deserialize_with = "de_text")]
    pub event_subject: String,
    /// 8 事件發現時間.
    #[serde(deserialize_with = "de_text")]
    pub event_discovered_at: String,
    /// 9 事件發送時間.
    #[serde(deserialize_with = "de_text")]
    pub event_sent_at: String,
    /// 10 事件解決時間.
    #[serde(deserialize_with = "de_text")]
    pub event_resolved_at: String,
    /// 11 情資內容.
    #[serde(deserialize_with = "de_text")]
    pub content: String,
    /// 12 情資類型.
    #[serde(deserialize_with = "de_text")]
    pub intel_type: String,
    /// 13 發布單位.
    #[serde(deserialize_with = "de_text")]
    pub publisher: String,
    /// 14 聯絡資訊.
    #[serde(deserialize_with = "de_text")]
    pub contact: String,
    /// 15 影響等級: 1 to 4 (a number or a string).
    #[serde(deserialize_with = "de_text")]
    pub impact_level: String,
    /// 16 建議措施.
    #[serde(deserialize_with = "de_text")]
    pub recommendation: String,
    /// 17 參考資訊.
    #[serde(deserialize_with = "de_text")]
    pub references: String,
    /// 18 附件.
    #[serde(deserialize_with = "de_text")]
    pub attachments: String,
    /// 19 受害IP: free text, "IP, port, protocol" as the partner writes it
    /// ([`notation::endpoints`] reads it).
    #[serde(deserialize_with = "de_free")]
    pub victim_ip: String,
    /// 20 影響平台.
    #[serde(deserialize_with = "de_text")]
    pub affected_platforms: String,
    /// 21 手法研判.
    #[serde(deserialize_with = "de_text")]
    pub technique: String,
    /// 22 惡意IP連線資訊: free text, source or destination IP, port, protocol entries
    /// ([`notation::connections`]).
    #[serde(deserialize_with = "de_free")]
    pub malicious_connections: String,
    /// 23 掃描資訊: free text, scan engine, engine type, version, result
    /// ([`notation::scans`]).
    #[serde(deserialize_with = "de_free")]
    pub scan_info: String,
    /// 24 來源編號: for FBI, the dispatch id of the record answered.
    #[serde(deserialize_with = "de_text")]
    pub source_id: String,
    /// 25 來源時間: for FBI, that record's publication time.
    #[serde(deserialize_with = "de_text")]
    pub source_time: String,
}

impl IntelInput {
    /// The value of a field, as written.
    pub fn text(&self, field: IntelField) -> &str {
        use IntelField as F;
        match field {
            F::Category => &self.category,
            F::Subject => &self.subject,
            F::Source => &self.source,
            F::PublishedAt => &self.published_at,
            F::Tlp => &self.tlp,
            F::DispatchId => &self.dispatch_id,
            F::EventSubject => &self.event_subject,
            F::EventDiscoveredAt => &self.event_discovered_at,
            F::EventSentAt => &self.event_sent_at,
            F::EventResolvedAt => &self.event_resolved_at,
            F::Content => &self.content,
            F::IntelType => &self.intel_type,
            F::Publisher => &self.publisher,
            F::Contact => &self.contact,
            F::ImpactLevel => &self.impact_level,
            F::Recommendation => &self.recommendation,
            F::References => &self.references,
            F::Attachments => &self.attachments,
            F::AffectedPlatforms => &self.affected_platforms,
            F::Technique => &self.technique,
            F::SourceId => &self.source_id,
            F::SourceTime => &self.source_time,
            F::VictimIp => &self.victim_ip,
            F::MaliciousConnections => &self.malicious_connections,
            F::ScanInfo => &self.scan_info,
        }
    }

    /// The slot of a field.
    pub fn text_mut(&mut self, field: IntelField) -> &mut String {
        use IntelField as F;
        match field {
            F::Category => &mut self.category,
            F::Subject => &mut self.subject,
            F::Source => &mut self.source,
            F::PublishedAt => &mut self.published_at,
            F::Tlp => &mut self.tlp,
            F::DispatchId => &mut self.dispatch_id,
            F::EventSubject => &mut self.event_subject,
            F::EventDiscoveredAt => &mut self.event_discovered_at,
            F::EventSentAt => &mut self.event_sent_at,
            F::EventResolvedAt => &mut self.event_resolved_at,
            F::Content => &mut self.content,
            F::IntelType => &mut self.intel_type,
            F::Publisher => &mut self.publisher,
            F::Contact => &mut self.contact,
            F::ImpactLevel => &mut self.impact_level,
            F::Recommendation => &mut self.recommendation,
            F::References => &mut self.references,
            F::Attachments => &mut self.attachments,
            F::AffectedPlatforms => &mut self.affected_platforms,
            F::Technique => &mut self.technique,
            F::SourceId => &mut self.source_id,
            F::SourceTime => &mut self.source_time,
            F::VictimIp => &mut self.victim_ip,
            F::MaliciousConnections => &mut self.malicious_connections,
            F::ScanInfo => &mut self.scan_info,
        }
    }
}

/// Reads a string, a number or null as text: a record read from the API (where an empty
/// field is null and the impact level a number) can be written back as it is.
fn de_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum T {
        S(String),
        I(i64),
        F(f64),
        N(()),
    }
    Ok(match Option::<T>::deserialize(d)? {
        Some(T::S(s)) => s,
        Some(T::I(i)) => i.to_string(),
        Some(T::F(f)) => f.to_string(),
        Some(T::N(())) | None => String::new(),
    })
}

/// Reads a free-text field (19, 22, 23): a string or null, or the list of objects (or, for
/// 掃描資訊, the object) that earlier versions took and stored, written back in tocsin's
/// `key=value` notation, which [`notation`] reads.
fn de_free<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        S(String),
        I(i64),
        F(f64),
    }
    impl Scalar {
        fn text(self) -> String {
            match self {
                Scalar::S(s) => s,
                Scalar::I(i) => i.to_string(),
                Scalar::F(f) => f.to_string(),
            }
        }
    }
    type Entry = std::collections::BTreeMap<String, Option<Scalar>>;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Free {
        Text(String),
        Entries(Vec<Entry>),
        Entry(Entry),
        Nothing(()),
    }
    fn line(entry: Entry) -> String {
        const ORDER: [&str; 8] = [
            "direction",
            "ip",
            "port",
            "protocol",
            "engine",
            "engine_type",
            "version",
            "result",
        ];
        let mut pairs: Vec<(String, String)> = entry
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?.text())))
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        pairs.sort_by_key(|(k, _)| ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len()));
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", notation::quote(v)))
            .collect::<Vec<_>>()
            .join(" ")
    }
    Ok(match Option::<Free>::deserialize(d)? {
        Some(Free::Text(s)) => s,
        Some(Free::Entries(list)) => list
            .into_iter()
            .map(line)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        Some(Free::Entry(e)) => line(e),
        Some(Free::Nothing(())) | None => String::new(),
    })
}

/// A 受害IP entry read from the field's text ([`notation::endpoints`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// The address (of a block, its first address).
    pub ip: IpAddr,
    /// The block's prefix length, for `203.0.113.0/24`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<u8>,
    /// The port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The protocol, lower case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

impl Endpoint {
    /// The address or block as text: `203.0.113.5`, `203.0.113.0/24`.
    pub fn address(&self) -> String {
        address_text(self.ip, self.prefix)
    }
}

/// `203.0.113.5:443/tcp`, `[2001:db8::1]:443`, `203.0.113.0/24`.
impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_endpoint(f, self.ip, self.prefix, self.port, self.protocol.as_deref())
    }
}

/// A 惡意IP連線資訊 entry read from the field's text ([`notation::connections`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// Which way, when the text says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The address (of a block, its first address).
    pub ip: IpAddr,
    /// The block's prefix length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<u8>,
    /// The port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The protocol, lower case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

impl Connection {
    /// The address or block as text.
    pub fn address(&self) -> String {
        address_text(self.ip, self.prefix)
    }
}

/// `source 198.51.100.7:8080/tcp`, or without the direction when the text gave none.
impl fmt::Display for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = self.direction {
            write!(f, "{} ", d.as_str())?;
        }
        write_endpoint(f, self.ip, self.prefix, self.port, self.protocol.as_deref())
    }
}

fn address_text(ip: IpAddr, prefix: Option<u8>) -> String {
    match prefix {
        Some(p) => format!("{ip}/{p}"),
        None => ip.to_string(),
    }
}

fn write_endpoint(
    f: &mut fmt::Formatter<'_>,
    ip: IpAddr,
    prefix: Option<u8>,
    port: Option<u16>,
    protocol: Option<&str>,
) -> fmt::Result {
    match (ip, port) {
        (IpAddr::V6(v6), Some(_)) => write!(f, "[{v6}]")?,
        _ => write!(f, "{ip}")?,
    }
    if let Some(p) = prefix {
        write!(f, "/{p}")?;
    }
    if let Some(p) = port {
        write!(f, ":{p}")?;
    }
    if let Some(p) = protocol {
        write!(f, "/{p}")?;
    }
    Ok(())
}

/// [`de_free`] for a checked record's field, which is `None` when empty; records stored by
/// earlier versions hold lists there.
fn de_free_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    de_free(d).map(|s| validate::non_empty(&s))
}

/// A checked record: one-line texts trimmed, free texts without surrounding blank lines,
/// empty optional texts `None`. Serialized as the API's JSON shape (the same names as
/// [`IntelInput`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // The fields are IntelInput's, documented there.
pub struct IntelRecord {
    pub category: IntelCategory,
    pub subject: String,
    pub source: String,
    pub published_at: IntelTime,
    pub tlp: Tlp,
    pub dispatch_id: Option<String>,
    pub event_subject: Option<String>,
    pub event_discovered_at: Option<IntelTime>,
    pub event_sent_at: Option<IntelTime>,
    pub event_resolved_at: Option<IntelTime>,
    pub content: String,
    pub intel_type: Option<String>,
    pub publisher: Option<String>,
    pub contact: Option<String>,
    pub impact_level: Option<u8>,
    pub recommendation: Option<String>,
    pub references: Option<String>,
    pub attachments: Option<String>,
    #[serde(default, deserialize_with = "de_free_opt")]
    pub victim_ip: Option<String>,
    pub affected_platforms: Option<String>,
    pub technique: Option<String>,
    #[serde(default, deserialize_with = "de_free_opt")]
    pub malicious_connections: Option<String>,
    #[serde(default, deserialize_with = "de_free_opt")]
    pub scan_info: Option<String>,
    pub source_id: Option<String>,
    pub source_time: Option<IntelTime>,
}

/// The seed's TLP value in a record (分享等級): lower case, as its readers expect, `white`
/// for clear (TLP 1.0's name, which the format uses), `amber+strict` as TLP 2.0 writes it.
pub fn tlp_value(t: Tlp) -> &'static str {
    match t {
        Tlp::Clear => "white",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    }
}

/// The TLP as people write it in a subject line or a message (`TLP:AMBER`): upper case,
/// `WHITE` for clear as the format says.
pub fn tlp_name(t: Tlp) -> &'static str {
    match t {
        Tlp::Clear => "WHITE",
        Tlp::Green => "GREEN",
        Tlp::Amber => "AMBER",
        Tlp::AmberStrict => "AMBER+STRICT",
        Tlp::Red => "RED",
    }
}

fn err(field: IntelField, code: &'static str) -> FieldError {
    FieldError::new(code).arg("field", field.label())
}

/// Adds the field's names to an error from the shared validators.
fn named(field: IntelField, r: Result<(), FieldError>) -> Result<(), FieldError> {
    r.map_err(|e| e.arg("field", field.label()))
}

impl IntelInput {
    /// Checks every field and returns the record, or the first error of every bad field;
    /// each error carries the field's Chinese and English names as the argument `field`.
    ///
    /// Message ids: `error-required`, `error-too-long`, `error-control-chars`,
    /// `error-choice`, `error-intel-time`, `error-intel-ana-event`, `error-intel-impact`,
    /// `error-intel-ip`, `error-intel-port`, `error-intel-protocol`,
    /// `error-intel-direction`, `error-intel-too-many`, `error-intel-resolved-before`.
    pub fn validate(&self) -> Result<IntelRecord, FieldErrors> {
        use IntelField as F;
        let mut e = FieldErrors::new();

        let category = IntelCategory::parse(&self.category);
        if category.is_none() {
            let code = if self.category.trim().is_empty() {
                "error-required"
            } else {
                "error-choice"
            };
            e.add(F::Category.key(), err(F::Category, code));
        }
        let tlp = self.tlp.parse::<Tlp>().ok();
        if tlp.is_none() {
            let code = if self.tlp.trim().is_empty() {
                "error-required"
            } else {
                "error-choice"
            };
            e.add(F::Tlp.key(), err(F::Tlp, code));
        }

        for (f, v, max) in [
            (F::Subject, &self.subject, limits::LINE),
            (F::Source, &self.source, limits::LINE),
        ] {
            e.check(f.key(), named(f, validate::required_line(v, max)));
        }
        e.check(
            F::Content.key(),
            named(
                F::Content,
                validate::required_text(&self.content, limits::CONTENT),
            ),
        );
        for (f, v, max) in [
            (F::DispatchId, &self.dispatch_id, limits::ID),
            (F::EventSubject, &self.event_subject, limits::LINE),
            (F::IntelType, &self.intel_type, limits::ID),
            (F::Publisher, &self.publisher, limits::LINE),
            (F::Contact, &self.contact, limits::TEXT),
            (F::Recommendation, &self.recommendation, limits::TEXT),
            (F::References, &self.references, limits::TEXT),
            (F::Attachments, &self.attachments, limits::TEXT),
            (F::AffectedPlatforms, &self.affected_platforms, limits::TEXT),
            (F::Technique, &self.technique, limits::TEXT),
            (F::SourceId, &self.source_id, limits::ID),
            // Free texts: how they are written is never refused (see `notation`).
            (F::VictimIp, &self.victim_ip, limits::TEXT),
            (
                F::MaliciousConnections,
                &self.malicious_connections,
                limits::TEXT,
            ),
            (F::ScanInfo, &self.scan_info, limits::TEXT),
        ] {
            e.check(f.key(), named(f, validate::optional_text(v.trim(), max)));
        }
        if category == Some(IntelCategory::Ana) && !self.event_subject.trim().is_empty() {
            e.add(
                F::EventSubject.key(),
                err(F::EventSubject, "error-intel-ana-event"),
            );
        }

        let mut time = |f: IntelField, v: &str, required: bool| -> Option<IntelTime> {
            if v.trim().is_empty() {
                if required {
                    e.add(f.key(), err(f, "error-required"));
                }
                return None;
            }
            let t = IntelTime::parse(v);
            if t.is_none() {
                e.add(f.key(), err(f, "error-intel-time"));
            }
            t
        };
        let fbi = category == Some(IntelCategory::Fbi);
        let published_at = time(F::PublishedAt, &self.published_at, true);
        let event_discovered_at = time(F::EventDiscoveredAt, &self.event_discovered_at, false);
        let event_sent_at = time(F::EventSentAt, &self.event_sent_at, false);
        let event_resolved_at = time(F::EventResolvedAt, &self.event_resolved_at, false);
        let source_time = time(F::SourceTime, &self.source_time, fbi);
        if let (Some(d), Some(r)) = (event_discovered_at, event_resolved_at)
            && r.utc < d.utc
        {
            e.add(
                F::EventResolvedAt.key(),
                err(F::EventResolvedAt, "error-intel-resolved-before"),
            );
        }
        if fbi && self.source_id.trim().is_empty() {
            e.add(F::SourceId.key(), err(F::SourceId, "error-required"));
        }

        let impact_level = match self.impact_level.trim() {
            "" => None,
            v => match v.parse::<u8>() {
                Ok(n @ 1..=4) => Some(n),
                _ => {
                    e.add(
                        F::ImpactLevel.key(),
                        err(F::ImpactLevel, "error-intel-impact"),
                    );
                    None
                }
            },
        };

        let (Some(category), Some(tlp), Some(published_at)) = (category, tlp, published_at) else {
            return Err(e);
        };
        e.into_result()?;
        let line = |v: &str| validate::non_empty(v.trim());
        let block = |v: &str| validate::non_empty(&validate::trim_block(v));
        Ok(IntelRecord {
            category,
            subject: self.subject.trim().to_string(),
            source: self.source.trim().to_string(),
            published_at,
            tlp,
            dispatch_id: line(&self.dispatch_id),
            event_subject: line(&self.event_subject),
            event_discovered_at,
            event_sent_at,
            event_resolved_at,
            content: validate::trim_block(&self.content),
            intel_type: line(&self.intel_type),
            publisher: line(&self.publisher),
            contact: block(&self.contact),
            impact_level,
            recommendation: block(&self.recommendation),
            references: block(&self.references),
            attachments: block(&self.attachments),
            victim_ip: block(&self.victim_ip),
            affected_platforms: block(&self.affected_platforms),
            technique: block(&self.technique),
            malicious_connections: block(&self.malicious_connections),
            scan_info: block(&self.scan_info),
            source_id: line(&self.source_id),
            source_time,
        })
    }
}

impl IntelRecord {
    /// The record as input again: validating it gives the same record back.
    pub fn to_input(&self) -> IntelInput {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let t = |v: &Option<IntelTime>| v.map(|t| t.to_string()).unwrap_or_default();
        IntelInput {
            category: self.category.as_str().to_string(),
            subject: self.subject.clone(),
            source: self.source.clone(),
            published_at: self.published_at.to_string(),
            tlp: tlp_value(self.tlp).to_string(),
            dispatch_id: o(&self.dispatch_id),
            event_subject: o(&self.event_subject),
            event_discovered_at: t(&self.event_discovered_at),
            event_sent_at: t(&self.event_sent_at),
            event_resolved_at: t(&self.event_resolved_at),
            content: self.content.clone(),
            intel_type: o(&self.intel_type),
            publisher: o(&self.publisher),
            contact: o(&self.contact),
            impact_level: self.impact_level.map(|n| n.to_string()).unwrap_or_default(),
            recommendation: o(&self.recommendation),
            references: o(&self.references),
            attachments: o(&self.attachments),
            victim_ip: o(&self.victim_ip),
            affected_platforms: o(&self.affected_platforms),
            technique: o(&self.technique),
            malicious_connections: o(&self.malicious_connections),
            scan_info: o(&self.scan_info),
            source_id: o(&self.source_id),
            source_time: t(&self.source_time),
        }
    }

    /// The texts searched by full-text search: subject and content (and the event subject).
    pub fn search_text(&self) -> String {
        let mut s = self.subject.clone();
        if let Some(es) = &self.event_subject {
            s.push('\n');
            s.push_str(es);
        }
        s.push('\n');
        s.push_str(&self.content);
        s
    }

    /// Every text of the record that describes the threat, from which indicators are
    /// extracted. Not the victims (受害IP: [`IntelRecord::victims`]), not the reference links (參考資訊), the recommendation or the affected
    /// platforms: an advisory's URL or a vendor's download page there is no indicator,
    /// and a firewall fed with it would block the cure ([`IntelRecord::reference_text`]).
    pub fn indicator_text(&self) -> String {
        let mut parts: Vec<String> = vec![self.subject.clone(), self.content.clone()];
        for v in [&self.event_subject, &self.technique].into_iter().flatten() {
            parts.push(v.clone());
        }
        // The connections' text as written (a host name there is an indicator too), and
        // the blocks read from it, which the extractor does not see in `a.b.c.d/nn, 443`.
        if let Some(c) = &self.malicious_connections {
            parts.push(c.clone());
        }
        parts.extend(self.connections().entries.iter().map(Connection::address));
        parts.extend(self.scans().entries.into_iter().map(|s| s.result));
        parts.join("\n")
    }

    /// The victims read from 受害IP.
    pub fn victims(&self) -> notation::Reading<Endpoint> {
        notation::endpoints(self.victim_ip.as_deref().unwrap_or_default())
    }

    /// The connections read from 惡意IP連線資訊.
    pub fn connections(&self) -> notation::Reading<Connection> {
        notation::connections(self.malicious_connections.as_deref().unwrap_or_default())
    }

    /// The scans read from 掃描資訊.
    pub fn scans(&self) -> notation::Reading<ScanInfo> {
        notation::scans(self.scan_info.as_deref().unwrap_or_default())
    }

    /// Everything the readers of the free texts could not read, by field, for the desk.
    pub fn notation_warnings(&self) -> Vec<(IntelField, notation::Warning)> {
        let mut out: Vec<(IntelField, notation::Warning)> = Vec::new();
        let tag = |f: IntelField, w: Vec<notation::Warning>| w.into_iter().map(move |w| (f, w));
        out.extend(tag(IntelField::VictimIp, self.victims().warnings));
        out.extend(tag(
            IntelField::MaliciousConnections,
            self.connections().warnings,
        ));
        out.extend(tag(IntelField::ScanInfo, self.scans().warnings));
        out
    }

    /// The record's texts that point elsewhere (references, recommendation, affected
    /// platforms): what they name is searchable, never blocked.
    pub fn reference_text(&self) -> String {
        [
            &self.references,
            &self.recommendation,
            &self.affected_platforms,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
    }
}

names! {
    /// Where a record's indicator came from. A victim (受害IP) is an indicator for search
    /// ("which records name my address") but never for blocking.
    ObservableOrigin, UnknownObservableOrigin, "observable origin" {
        /// Found in the record's text.
        Extracted => "extracted",
        /// Added by an analyst.
        Analyst => "analyst",
        /// One of the record's victim IPs.
        Victim => "victim",
        /// Named only in the record's references, recommendation or affected platforms.
        Reference => "reference",
    }
}

impl ObservableOrigin {
    /// Whether blocklists carry indicators of this origin: a victim or a reference is
    /// something to search for, never to block.
    pub fn blocks(self) -> bool {
        matches!(
            self,
            ObservableOrigin::Extracted | ObservableOrigin::Analyst
        )
    }
}

names! {
    /// The kind of an indicator extracted from a record.
    ObservableKind, UnknownObservableKind, "observable kind" {
        /// An IPv4 address.
        Ipv4 => "ipv4",
        /// An IPv6 address.
        Ipv6 => "ipv6",
        /// An address block, `10.0.0.0/8`.
        Cidr => "cidr",
        /// A domain name with a known public suffix.
        Domain => "domain",
        /// An http, https or ftp URL.
        Url => "url",
        /// A mail address.
        Email => "email",
        /// An MD5 hash (32 hex digits).
        Md5 => "md5",
        /// A SHA-1 hash (40 hex digits).
        Sha1 => "sha1",
        /// A SHA-256 hash (64 hex digits).
        Sha256 => "sha256",
        /// A CVE id.
        Cve => "cve",
    }
}

/// A typed indicator.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Observable {
    /// What it is.
    pub kind: ObservableKind,
    /// Its value, normalized (lower case but for URLs and CVE ids).
    pub value: String,
}

impl Observable {
    /// Checks and normalizes an indicator an analyst typed; `None` when `value` is not of
    /// that kind.
    pub fn new(kind: ObservableKind, value: &str) -> Option<Observable> {
        classify(value.trim()).filter(|o| o.kind == kind)
    }
}

/// Finds the indicators in a text, defanged forms (`hxxp://`, `[.]`) included; sorted,
/// without duplicates. Never panics.
pub fn extract_observables(text: &str) -> Vec<Observable> {
    let mut out = BTreeSet::new();
    // Tokens are split apart by white space, by every non-ASCII character and by ASCII
    // quotes and list punctuation. Every byte of a non-ASCII character is 0x80 or above,
    // so the bytes are split without decoding the characters: a token is ASCII and its
    // ends are character boundaries.
    let is_sep = |b: &u8| {
        !b.is_ascii()
            || matches!(
                b,
                b'\t'
                    | b'\n'
                    | 0x0B
                    | 0x0C
                    | b'\r'
                    | b' '
                    | b','
                    | b';'
                    | b'"'
                    | b'\''
                    | b'<'
                    | b'>'
                    | b'|'
                    | b'`'
            )
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while bytes.get(i).is_some_and(is_sep) {
            i += 1;
        }
        let start = i;
        while bytes.get(i).is_some_and(|b| !is_sep(b)) {
            i += 1;
        }
        let Some(token) = text.get(start..i).filter(|t| !t.is_empty()) else {
            continue;
        };
        if token.len() > 4096 || !may_be_indicator(token) {
            continue;
        }
        if let Some(o) = classify(token) {
            out.insert(o);
        }
    }
    out.into_iter().collect()
}

/// Whether a token can name an indicator at all, checked before [`classify`] so that the
/// ordinary words and numbers of a record skip it: every kind but a hash has a dot, colon,
/// slash, at sign or hyphen, or a defanging bracket that stands for one (`[.]`, `(dot)`,
/// `{at}`), and a hash has 32 hex digits or more. A property test holds `classify` to it.
fn may_be_indicator(token: &str) -> bool {
    token.len() >= 32
        || token
            .bytes()
            .any(|b| matches!(b, b'.' | b':' | b'/' | b'@' | b'-' | b'[' | b'(' | b'{'))
}

fn classify(token: &str) -> Option<Observable> {
    let t = crate::phish_url::refang(token);
    let t = t.trim_end_matches(['.', ':', ')', ']', '!', '?']);
    let mk = |kind, value: String| Some(Observable { kind, value });
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("ftp://")
    {
        let u = url::Url::parse(t).ok()?;
        u.host_str()?;
        return mk(ObservableKind::Url, u.to_string());
    }
    if let Ok(c) = t.parse::<crate::CveId>() {
        return mk(ObservableKind::Cve, c.to_string());
    }
    if t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return match t.len() {
            32 => mk(ObservableKind::Md5, lower),
            40 => mk(ObservableKind::Sha1, lower),
            64 => mk(ObservableKind::Sha256, lower),
            _ => None,
        };
    }
    if let Some((addr, bits)) = t.split_once('/')
        && let (Ok(a), Ok(b)) = (addr.parse::<IpAddr>(), bits.parse::<u8>())
    {
        let max = if a.is_ipv4() { 32 } else { 128 };
        return (b <= max).then(|| Observable {
            kind: ObservableKind::Cidr,
            value: format!("{a}/{b}"),
        });
    }
    // An address with a port: `1.2.3.4:443` or `[2001:db8::1]:443`.
    let bare = match t.rsplit_once(':') {
        Some((a, p)) if a.contains('.') && p.parse::<u16>().is_ok() => a,
        _ => t,
    };
    let bare = bare.trim_start_matches('[').trim_end_matches(']');
    if let Ok(a) = bare.parse::<IpAddr>() {
        return if a.is_ipv4() {
            // The parser takes only the dotted quad without leading zeros, which is how
            // an address is written: the text is its own normal form (a test holds it).
            mk(ObservableKind::Ipv4, bare.to_string())
        } else {
            mk(ObservableKind::Ipv6, a.to_string())
        };
    }
    if let Some((local, domain)) = lower.rsplit_once('@') {
        return (validate::email(&lower).is_ok() && !local.is_empty() && known_domain(domain))
            .then(|| Observable {
                kind: ObservableKind::Email,
                value: lower.clone(),
            });
    }
    let host = lower.trim_end_matches('.');
    if known_domain(host) {
        return mk(ObservableKind::Domain, host.to_string());
    }
    None
}

/// A domain of two or more labels of letters, digits and hyphens, under a public suffix
/// the list knows.
fn known_domain(d: &str) -> bool {
    d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && d.rsplit('.')
            .next()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
        && psl::domain(d.as_bytes()).is_some_and(|dom| dom.suffix().is_known())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> IntelInput {
        IntelInput {
            category: "DEF".into(),
            subject: "網頁置換攻擊".into(),
            source: "TWCERT/CC".into(),
            published_at: "2026-12-01T10:00:00+08:00".into(),
            tlp: "amber".into(),
            content: "某網站遭置換".into(),
            ..Default::default()
        }
    }

    fn codes(input: &IntelInput) -> Vec<(&'static str, &'static str)> {
        match input.validate() {
            Ok(_) => vec![],
            Err(e) => e.iter().map(|(f, e)| (f, e.code)).collect(),
        }
    }

    #[test]
    fn field_names() {
        assert_eq!(IntelField::ALL.len(), 25);
        assert_eq!(IntelField::EventSubject.label(), "事件主旨 (event_subject)");
        for f in IntelField::ALL {
            assert_eq!(IntelField::from_key(f.key()), Some(f));
        }
    }

    #[test]
    fn times() {
        let t = IntelTime::parse("2026-12-01T10:00:00+08:00").expect("time");
        assert_eq!(t.to_string(), "2026-12-01T10:00:00+08:00");
        assert_eq!(t.offset_minutes, 480);
        assert_eq!(t.utc.rfc3339(), "2026-12-01T02:00:00.000000Z");
        let neg = IntelTime::parse("2026-01-01T00:30:00-05:30").expect("time");
        assert_eq!(neg.to_string(), "2026-01-01T00:30:00-05:30");
        for bad in [
            "2026-12-01 10:00:00+08:00",
            "2026-12-01T10:00:00Z",
            "2026-12-01T10:00+08:00",
            "2026/12/01T10:00:00+08:00",
            "2026-02-30T10:00:00+08:00",
            "2026-12-01T24:00:00+08:00",
            "2026-12-01T10:00:00+15:00",
            "2026-12-01T10:00:00+0800",
            "２０２６-12-01T10:00:00+08:00",
            "",
        ] {
            assert_eq!(IntelTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn minimal_record_is_valid_and_round_trips() {
        let r = minimal().validate().expect("valid");
        assert_eq!(r.category, IntelCategory::Def);
        assert_eq!(r.tlp, Tlp::Amber);
        assert_eq!(r.to_input().validate(), Ok(r.clone()));
        let json = serde_json::to_string(&r).expect("json");
        assert_eq!(serde_json::from_str::<IntelRecord>(&json).ok(), Some(r));
    }

    /// A way to break a valid input, the field it breaks and the expected error code.
    type BreakCase = (fn(&mut IntelInput), &'static str, &'static str);

    #[test]
    fn each_rule_refuses_what_breaks_it() {
        let cases: Vec<BreakCase> = vec![
            (|i| i.category = String::new(), "category", "error-required"),
            (|i| i.category = "XYZ".into(), "category", "error-choice"),
            (|i| i.tlp = "blue".into(), "tlp", "error-choice"),
            (|i| i.tlp = String::new(), "tlp", "error-required"),
            (|i| i.subject = " ".into(), "subject", "error-required"),
            (|i| i.content = String::new(), "content", "error-required"),
            (
                |i| i.published_at = "2026-12-01".into(),
                "published_at",
                "error-intel-time",
            ),
            (
                |i| i.event_sent_at = "yesterday".into(),
                "event_sent_at",
                "error-intel-time",
            ),
            (
                |i| {
                    i.category = "ANA".into();
                    i.event_subject = "x".into();
                },
                "event_subject",
                "error-intel-ana-event",
            ),
            (
                |i| {
                    i.category = "FBI".into();
                    i.source_time = "2026-11-30T09:00:00+08:00".into();
                },
                "source_id",
                "error-required",
            ),
            (
                |i| {
                    i.category = "FBI".into();
                    i.source_id = "A-1".into();
                },
                "source_time",
                "error-required",
            ),
            (
                |i| i.impact_level = "5".into(),
                "impact_level",
                "error-intel-impact",
            ),
            (
                |i| i.impact_level = "0".into(),
                "impact_level",
                "error-intel-impact",
            ),
            (
                |i| i.impact_level = "high".into(),
                "impact_level",
                "error-intel-impact",
            ),
            (
                |i| {
                    i.event_discovered_at = "2026-12-02T10:00:00+08:00".into();
                    i.event_resolved_at = "2026-12-01T10:00:00+08:00".into();
                },
                "event_resolved_at",
                "error-intel-resolved-before",
            ),
            (
                |i| i.subject = "a\u{1}b".into(),
                "subject",
                "error-control-chars",
            ),
        ];
        for (i, (breaks, field, code)) in cases.into_iter().enumerate() {
            let mut input = minimal();
            breaks(&mut input);
            assert_eq!(codes(&input), vec![(field, code)], "case {i}");
            let errs = input.validate().expect_err("invalid");
            let label = IntelField::from_key(field).expect("field").label();
            assert!(
                errs.get(field)
                    .is_some_and(|e| e.args.iter().any(|(k, v)| *k == "field" && *v == label)),
                "case {i}: the error names the field"
            );
        }
    }

    #[test]
    fn accepted_variants() {
        let mut i = minimal();
        i.category = " fbi ".into();
        i.source_id = "F-ISAC-2026-0001".into();
        i.source_time = "2026-11-30T09:00:00+08:00".into();
        i.tlp = "TLP:AMBER+STRICT".into();
        i.impact_level = "3".into();
        i.victim_ip = "203.0.113[.]5, 443, TCP".into();
        i.malicious_connections = "目的 2001:db8::1\n999.1.1.1".into();
        let r = i
            .validate()
            .expect("valid: a free text is never refused for its notation");
        assert_eq!(r.category, IntelCategory::Fbi);
        assert_eq!(r.tlp, Tlp::AmberStrict);
        assert_eq!(r.impact_level, Some(3));
        assert_eq!(r.victim_ip.as_deref(), Some("203.0.113[.]5, 443, TCP"));
        let v = r.victims().entries;
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].protocol.as_deref(), Some("tcp"));
        assert_eq!(v[0].ip.to_string(), "203.0.113.5");
        let c = r.connections();
        assert_eq!(c.entries.len(), 1);
        assert_eq!(c.entries[0].direction, Some(Direction::Destination));
        assert_eq!(
            c.warnings.len(),
            1,
            "the bad address is a warning on its line"
        );
        assert_eq!(c.warnings[0].line, 2);
        let warned = r.notation_warnings();
        assert_eq!(warned.len(), 1);
        assert_eq!(warned[0].0, IntelField::MaliciousConnections);
        let mut w = minimal();
        w.tlp = "WHITE".into();
        assert_eq!(w.validate().map(|r| r.tlp), Ok(Tlp::Clear));
        assert_eq!(r.to_input().validate(), Ok(r));
    }

    #[test]
    fn json_numbers_nulls_and_earlier_shapes() {
        let i: IntelInput = serde_json::from_str(
            r#"{"impact_level": 2, "attachments": null, "event_resolved_at": null,
                "victim_ip": null, "scan_info": null,
                "malicious_connections": [{"direction":"source","ip":"1.2.3.4","port":8080,"protocol":"tcp"}]}"#,
        )
        .expect("json");
        assert_eq!(i.impact_level, "2");
        assert_eq!(i.attachments, "");
        assert_eq!(i.scan_info, "");
        assert_eq!(
            i.malicious_connections,
            "direction=source ip=1.2.3.4 port=8080 protocol=tcp"
        );
        // A record stored by an earlier version, with lists and an object.
        let mut json = serde_json::to_value(minimal().validate().expect("valid")).expect("json");
        json["victim_ip"] = serde_json::json!([{"ip": "203.0.113.5", "port": 443}]);
        json["scan_info"] = serde_json::json!({"engine": "ClamAV", "result": "Win.Trojan \"x\""});
        let r: IntelRecord = serde_json::from_value(json).expect("an earlier record reads");
        assert_eq!(r.victims().entries[0].to_string(), "203.0.113.5:443");
        assert_eq!(r.scans().entries[0].result, "Win.Trojan \"x\"");
        assert_eq!(r.scans().entries[0].engine, "ClamAV");
    }

    #[test]
    fn incident_types_map_to_categories() {
        assert_eq!(
            IntelCategory::for_incident(IncidentType::WebAttack),
            IntelCategory::Def
        );
        assert_eq!(
            IntelCategory::for_incident(IncidentType::Intrusion),
            IntelCategory::Int
        );
        assert_eq!(
            IntelCategory::for_incident(IncidentType::EarlyWarning),
            IntelCategory::Ewa
        );
    }

    fn kinds(text: &str) -> Vec<(String, String)> {
        extract_observables(text)
            .into_iter()
            .map(|o| (o.kind.to_string(), o.value))
            .collect()
    }

    #[test]
    fn observables() {
        let found = kinds(
            "惡意IP為198.51.100[.]7:8443，C2 hxxps://evil-c2[.]com/gate.php 與 bad.example.com.tw；\
             雜湊 D41D8CD98F00B204E9800998ECF8427E 與 da39a3ee5e6b4b0d3255bfef95601890afd80709 \
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855，\
             網段 10.0.0.0/8，IPv6 2001:db8::1，聯絡 soc@bank.com.tw，漏洞 CVE-2026-12345。\
             檔案 report.pdfx 不是網域，版本 1.2.3 也不是。",
        );
        let want: Vec<(String, String)> = [
            ("ipv4", "198.51.100.7"),
            ("ipv6", "2001:db8::1"),
            ("cidr", "10.0.0.0/8"),
            ("domain", "bad.example.com.tw"),
            ("url", "https://evil-c2.com/gate.php"),
            ("email", "soc@bank.com.tw"),
            ("md5", "d41d8cd98f00b204e9800998ecf8427e"),
            ("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (
                "sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("cve", "CVE-2026-12345"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut want = want;
        want.sort_by(|a, b| {
            (a.0.parse::<ObservableKind>().ok(), &a.1).cmp(&(b.0.parse().ok(), &b.1))
        });
        assert_eq!(found, want);
        assert_eq!(
            Observable::new(ObservableKind::Domain, "Example.COM").map(|o| o.value),
            Some("example.com".to_string())
        );
        assert_eq!(Observable::new(ObservableKind::Ipv4, "example.com"), None);
    }

    proptest::proptest! {
        /// An IPv4 address the parser takes is written as its normal form, so `classify`
        /// may keep the text as it is.
        #[test]
        fn a_parsed_ipv4_address_is_its_own_normal_form(text in "[0-9.]{1,16}|[0-9]{1,3}(\\.[0-9]{1,3}){3}") {
            if let Ok(a) = text.parse::<std::net::Ipv4Addr>() {
                proptest::prop_assert_eq!(a.to_string(), text);
            }
        }

        /// The quick check before `classify` never drops a token `classify` would take.
        #[test]
        fn only_tokens_that_may_be_indicators_are_classified(
            token in "(hxxps?://|CVE-|cve-)?[a-z0-9.:/@\\-\\[\\](){}]{0,40}(dot|at)?[a-f0-9]{0,64}"
        ) {
            if classify(&token).is_some() {
                proptest::prop_assert!(may_be_indicator(&token), "{}", token);
            }
        }

        /// Splitting the bytes finds the same tokens as splitting the characters (the
        /// first version), whatever the text: separators of every kind, Chinese text
        /// and other non-ASCII characters around indicators.
        #[test]
        fn byte_split_extraction_agrees_with_the_reference(
            text in "([a-z0-9.:/@\\-\\[\\](){}]{0,12}|198\\.51\\.100\\.[0-9]|evil\\[\\.\\]example\\.com|hxxp://a\\.example\\.net/x|CVE-2026-1234|[ \t\n\u{0B}\u{0C}\r,;\"'<>|`]|漏洞|\u{3000}|\u{85}|é|\\PC){0,16}"
        ) {
            let is_sep = |c: char| {
                c.is_whitespace()
                    || !c.is_ascii()
                    || matches!(c, ',' | ';' | '"' | '\'' | '<' | '>' | '|' | '`')
            };
            let mut reference = BTreeSet::new();
            for token in text.split(is_sep).filter(|t| !t.is_empty()) {
                if token.len() <= 4096 && may_be_indicator(token)
                    && let Some(o) = classify(token)
                {
                    reference.insert(o);
                }
            }
            let reference: Vec<Observable> = reference.into_iter().collect();
            proptest::prop_assert_eq!(extract_observables(&text), reference);
        }
    }

    #[test]
    fn every_kind_passes_the_quick_check() {
        for token in [
            "198.51.100.7",
            "2001:db8::1",
            "10.0.0.0/8",
            "evil[.]example[.]net",
            "evil(dot)example(dot)net",
            "a{at}example.com",
            "hxxp://x.example.com/a",
            "CVE-2026-12345",
            &"a".repeat(32),
            &"b".repeat(64),
        ] {
            assert!(may_be_indicator(token), "{token}");
        }
        assert!(!may_be_indicator("LockBit"));
        assert!(!may_be_indicator("2026"));
    }
}

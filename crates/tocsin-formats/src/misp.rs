//! MISP feeds: a shared intel record as a MISP event, and the feed's `manifest.json` and
//! `hashes.csv`, in the layout a MISP instance subscribes to (one `<uuid>.json` event a
//! record). Attribute ids are UUIDv5 of the event and the value, so a record exported
//! twice is the same event and MISP updates it instead of adding another.
//!
//! Pure: the caller says which records the reader may see; nothing here reads storage.

use std::fmt::Write as _;

use md5::{Digest, Md5};
use serde::Serialize;
use serde_json::{Value, json};
use tocsin_domain::intel::{ObservableKind, ObservableOrigin};
use tocsin_domain::tlp::Tlp;
use uuid::Uuid;

/// What an event is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSource {
    /// The event's uuid (the intel record's id).
    pub uuid: Uuid,
    /// 情資主旨: the event's info line.
    pub info: String,
    /// The publication day, `YYYY-MM-DD`.
    pub date: String,
    /// The last change, seconds since the epoch.
    pub timestamp: i64,
    /// The record's TLP, tagged `tlp:…`.
    pub tlp: Tlp,
    /// 情資種類 (ANA, DEF, INT, EWA, FBI), tagged `tocsin:category="…"`.
    pub category: String,
    /// 影響等級 1–4 (4 the worst), if given.
    pub impact_level: Option<i32>,
    /// 情資內容, the event's first text attribute (a comment).
    pub content: String,
    /// The publisher's name and uuid (MISP's Orgc).
    pub publisher: (String, Uuid),
    /// The indicators: kind, normalised value and where they came from. Victims (受害IP)
    /// and what only the references name are kept for correlation but never marked for
    /// detection (`to_ids` false), so nobody blocks a victim or an advisory's link.
    pub indicators: Vec<(ObservableKind, String, ObservableOrigin)>,
}

/// The MISP tag of a TLP level (the TLP 2.0 names of MISP's `tlp` taxonomy).
pub fn tlp_tag(t: Tlp) -> &'static str {
    match t {
        Tlp::Red => "tlp:red",
        Tlp::AmberStrict => "tlp:amber+strict",
        Tlp::Amber => "tlp:amber",
        Tlp::Green => "tlp:green",
        Tlp::Clear => "tlp:clear",
    }
}

fn tlp_colour(t: Tlp) -> &'static str {
    match t {
        Tlp::Red => "#FF2B2B",
        Tlp::AmberStrict | Tlp::Amber => "#FFC000",
        Tlp::Green => "#33FF00",
        Tlp::Clear => "#FFFFFF",
    }
}

/// MISP's distribution for a TLP: 0 (this organization only) for RED and AMBER, 1 (this
/// community) for GREEN, 3 (all communities) for CLEAR. The feed itself is filtered by
/// the policy; this tells the subscriber how far to pass it on.
pub fn distribution(t: Tlp) -> u8 {
    match t {
        Tlp::Red | Tlp::AmberStrict | Tlp::Amber => 0,
        Tlp::Green => 1,
        Tlp::Clear => 3,
    }
}

/// MISP's threat level (1 high, 2 medium, 3 low, 4 undefined) for 影響等級 1–4.
pub fn threat_level(impact: Option<i32>) -> u8 {
    match impact {
        Some(3..=4) => 1,
        Some(2) => 2,
        Some(1) => 3,
        _ => 4,
    }
}

/// The MISP type and category of an indicator: a victim is targeting data
/// (`target-machine`), a URL only the references name a `link`, the rest by kind.
pub fn attribute_type(
    kind: ObservableKind,
    origin: ObservableOrigin,
) -> (&'static str, &'static str) {
    match (origin, kind) {
        (ObservableOrigin::Victim, _) => return ("target-machine", "Targeting data"),
        (ObservableOrigin::Reference, ObservableKind::Url) => return ("link", "External analysis"),
        _ => {}
    }
    match kind {
        ObservableKind::Ipv4 | ObservableKind::Ipv6 | ObservableKind::Cidr => {
            ("ip-dst", "Network activity")
        }
        ObservableKind::Domain => ("domain", "Network activity"),
        ObservableKind::Url => ("url", "Network activity"),
        ObservableKind::Email => ("email-src", "Payload delivery"),
        ObservableKind::Md5 => ("md5", "Payload delivery"),
        ObservableKind::Sha1 => ("sha1", "Payload delivery"),
        ObservableKind::Sha256 => ("sha256", "Payload delivery"),
        ObservableKind::Cve => ("vulnerability", "External analysis"),
    }
}

/// The uuid of an attribute: v5 of the event's uuid and the value.
pub fn attribute_uuid(event: Uuid, kind: &str, value: &str) -> Uuid {
    Uuid::new_v5(&event, format!("{kind}|{value}").as_bytes())
}

fn tags(e: &EventSource) -> Value {
    json!([
        {"name": tlp_tag(e.tlp), "colour": tlp_colour(e.tlp), "exportable": true},
        {"name": format!("tocsin:category=\"{}\"", e.category), "colour": "#0088CC", "exportable": true},
    ])
}

fn orgc(e: &EventSource) -> Value {
    json!({"name": e.publisher.0, "uuid": e.publisher.1.to_string()})
}

/// The event file (`<uuid>.json`): `{"Event": {…}}` with the indicators as attributes
/// (`to_ids` for all but CVE ids) and the content as a text attribute.
pub fn event(e: &EventSource) -> Value {
    let ts = e.timestamp.to_string();
    let dist = distribution(e.tlp).to_string();
    let mut attributes: Vec<Value> = Vec::with_capacity(e.indicators.len() + 1);
    if !e.content.trim().is_empty() {
        attributes.push(json!({
            "uuid": attribute_uuid(e.uuid, "text", "content").to_string(),
            "type": "text",
            "category": "Other",
            "value": e.content,
            "to_ids": false,
            "distribution": "5",
            "timestamp": ts,
            "comment": "情資內容 (content)",
            "deleted": false,
            "disable_correlation": true,
        }));
    }
    for (kind, value, origin) in &e.indicators {
        let (t, category) = attribute_type(*kind, *origin);
        let comment = match origin {
            ObservableOrigin::Victim => "受害IP (victim_ip)",
            ObservableOrigin::Reference => "參考資訊 (references)",
            ObservableOrigin::Extracted | ObservableOrigin::Analyst => "",
        };
        attributes.push(json!({
            "uuid": attribute_uuid(e.uuid, t, value).to_string(),
            "type": t,
            "category": category,
            "value": value,
            "to_ids": *kind != ObservableKind::Cve && origin.blocks(),
            "distribution": "5",
            "timestamp": ts,
            "comment": comment,
            "deleted": false,
            "disable_correlation": false,
        }));
    }
    json!({"Event": {
        "uuid": e.uuid.to_string(),
        "info": e.info,
        "date": e.date,
        "timestamp": ts,
        "publish_timestamp": ts,
        "published": true,
        "analysis": "2",
        "threat_level_id": threat_level(e.impact_level).to_string(),
        "distribution": dist,
        "Orgc": orgc(e),
        "Tag": tags(e),
        "Attribute": attributes,
    }})
}

/// One entry of `manifest.json`, keyed by the event's uuid.
#[derive(Clone, Debug, Serialize)]
pub struct ManifestEntry {
    /// The event's info line.
    pub info: String,
    /// Its date.
    pub date: String,
    /// MISP's analysis state (2: completed).
    pub analysis: u8,
    /// MISP's threat level.
    pub threat_level_id: u8,
    /// The last change, seconds since the epoch.
    pub timestamp: i64,
    /// The publisher.
    #[serde(rename = "Orgc")]
    pub orgc: Value,
    /// The tags.
    #[serde(rename = "Tag")]
    pub tag: Value,
}

/// `manifest.json`: every event of the feed, keyed by uuid.
pub fn manifest(events: &[EventSource]) -> Value {
    let map: serde_json::Map<String, Value> = events
        .iter()
        .map(|e| {
            let entry = ManifestEntry {
                info: e.info.clone(),
                date: e.date.clone(),
                analysis: 2,
                threat_level_id: threat_level(e.impact_level),
                timestamp: e.timestamp,
                orgc: orgc(e),
                tag: tags(e),
            };
            (
                e.uuid.to_string(),
                serde_json::to_value(entry).unwrap_or(Value::Null),
            )
        })
        .collect();
    Value::Object(map)
}

/// `hashes.csv`: one line `<md5 of the value>,<event uuid>` for every attribute of the
/// event ([`event`]: the text one too), as MISP computes it to correlate a feed without
/// fetching its events.
pub fn hashes_csv(events: &[EventSource]) -> String {
    let mut out = String::new();
    for e in events {
        let ev = event(e);
        let values = ev["Event"]["Attribute"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["value"].as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for value in values {
            let digest = Md5::digest(value.as_bytes());
            for b in digest {
                let _ = write!(out, "{b:02x}");
            }
            let _ = writeln!(out, ",{}", e.uuid);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> EventSource {
        EventSource {
            uuid: Uuid::parse_str("0193f2a4-1b2c-7d3e-8f40-123456789abc").expect("uuid"),
            info: "金融業網路銀行遭撞庫攻擊".into(),
            date: "2026-12-01".into(),
            timestamp: 1_764_547_200,
            tlp: Tlp::AmberStrict,
            category: "INT".into(),
            impact_level: Some(3),
            content: "來源 198.51.100.23".into(),
            publisher: ("TWCERT/CC".into(), Uuid::nil()),
            indicators: vec![
                (
                    ObservableKind::Ipv4,
                    "198.51.100.23".into(),
                    ObservableOrigin::Extracted,
                ),
                (
                    ObservableKind::Cve,
                    "CVE-2026-12345".into(),
                    ObservableOrigin::Extracted,
                ),
                (
                    ObservableKind::Ipv4,
                    "203.0.113.5".into(),
                    ObservableOrigin::Victim,
                ),
                (
                    ObservableKind::Url,
                    "https://example.org/advisory".into(),
                    ObservableOrigin::Reference,
                ),
            ],
        }
    }

    #[test]
    fn an_event_carries_its_tlp_indicators_and_stable_ids() {
        let e = event(&source());
        let ev = &e["Event"];
        assert_eq!(ev["Tag"][0]["name"], "tlp:amber+strict");
        assert_eq!(ev["Tag"][1]["name"], "tocsin:category=\"INT\"");
        assert_eq!(ev["threat_level_id"], "1");
        assert_eq!(ev["distribution"], "0");
        let attrs = ev["Attribute"].as_array().expect("attributes");
        let kinds: Vec<_> = attrs
            .iter()
            .map(|a| {
                (
                    a["type"].as_str(),
                    a["category"].as_str(),
                    a["to_ids"].as_bool(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (Some("text"), Some("Other"), Some(false)),
                (Some("ip-dst"), Some("Network activity"), Some(true)),
                (
                    Some("vulnerability"),
                    Some("External analysis"),
                    Some(false)
                ),
                (Some("target-machine"), Some("Targeting data"), Some(false)),
                (Some("link"), Some("External analysis"), Some(false)),
            ]
        );
        assert_eq!(event(&source()), e, "the same record is the same event");
        assert_eq!(
            attrs[1]["uuid"].as_str(),
            Some(
                attribute_uuid(source().uuid, "ip-dst", "198.51.100.23")
                    .to_string()
                    .as_str()
            )
        );
    }

    #[test]
    fn manifest_and_hashes() {
        let s = source();
        let m = manifest(std::slice::from_ref(&s));
        let entry = &m[s.uuid.to_string()];
        assert_eq!(
            (entry["info"].as_str(), entry["timestamp"].as_i64()),
            (Some("金融業網路銀行遭撞庫攻擊"), Some(1_764_547_200))
        );
        let csv = hashes_csv(std::slice::from_ref(&s));
        // md5("198.51.100.23"), worked out by another implementation.
        assert!(
            csv.lines()
                .any(|l| l == format!("4d06b9696e68b39ac9dbfed762191467,{}", s.uuid)),
            "{csv}"
        );
        // Every attribute, the content's text one included, as MISP hashes them.
        assert_eq!(csv.lines().count(), 5);
    }
}

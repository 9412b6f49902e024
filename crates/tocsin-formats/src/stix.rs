//! STIX 2.1 (OASIS) bundles of intelligence records, verified phishing URLs and published
//! advisories, and the reading of partners' bundles back into draft records. Pure: objects
//! in, JSON out, and the reverse; no I/O.
//!
//! What an intelligence record ([`IntelRecord`]) becomes ([`intel_objects`]):
//!
//! - an `identity` for the publisher (發布單位, or the source when there is none), the
//!   `created_by_ref` of every object made from the record;
//! - a `report`: `name` is the subject, `description` the content, `published` the
//!   publication time, `object_refs` every other object of the record, `external_references`
//!   the dispatch id (source `n-isac`), the URLs of 參考資訊 and the CVE ids;
//! - the victims (受害IP, [`IntelRecord::victims`]): their SCOs and one `observed-data`
//!   (first and last observed: the event's discovery and resolution, else the
//!   publication), never an indicator;
//! - per indicator found in the record ([`extract_observables`]): an `indicator` with a
//!   STIX pattern (`pattern_type` `stix`, `valid_from` the publication time), the SCO it
//!   matches (`ipv4-addr`, `ipv6-addr`, `domain-name`, `url`, `email-addr`, `file` with a
//!   hash) with the specification's deterministic UUIDv5 id, and a `related-to`
//!   relationship between them; a CVE id becomes a `vulnerability` with its `cve` external id;
//! - the TLP `marking-definition`s in `object_marking_refs`: the TLP 2.0 one (with its
//!   extension) always, and the TLP 1.0 one too when TLP 1.0 has the level (all but
//!   AMBER+STRICT), so that older tools understand it;
//! - the fields with no STIX home travel in the report's property extension
//!   [`EXTENSION_ID`] (an `extension-definition` object in the bundle, created by the
//!   `tocsin` identity): the record's JSON field names and values as the API writes them
//!   (`category`, `published_at` with its offset, `dispatch_id`, `event_*`, `victim_ip`,
//!   `malicious_connections`, `scan_info`…), minus `subject` and `content`, which are the
//!   report's `name` and `description`, and minus empty values. A record read back from its
//!   own bundle is the same record ([`read_bundle`]; property-tested).
//!
//! Ids of objects made from a record are UUIDv5 in [`TOCSIN_NAMESPACE`] over the record's
//! id, so exporting a record twice gives the same ids, and a later edit a new version
//! (same id, newer `modified`). SCO ids follow the specification (namespace
//! [`SCO_NAMESPACE`], the canonical JSON of the id-contributing property).
//!
//! Reading ([`read_bundle`]): each `report` becomes one draft input ([`IntelInput`]). The
//! objects no report names (nor an object it names refers to) become one draft per TLP, which lists them and is titled by
//! their TLP and what they are (`STIX TLP:GREEN: 40 indicator, 2 url`), so that a
//! partner's GREEN indicators stay GREEN beside their RED ones; the shared objects
//! ([`is_shared_kind`]: markings, identities, extension definitions) serve every draft and
//! make none. A report's TLP is the strictest marking it carries, an object's its own, in
//! any of the three encodings seen in the wild: the TLP 1.0 ids, the TLP 2.0 ids (or the
//! TLP 2.0 extension), and `statement` or `tlp` markings naming `TLP:CLEAR`,
//! `TLP:AMBER+STRICT` and the rest. An unmarked object goes with the strictest TLP of the
//! marked objects that refer to it (an address with the indicator and relationship that
//! name it), else it is read as TLP:AMBER, as an unmarked report is: it only becomes a
//! draft, which the desk reviews before anyone else sees it. A draft whose objects carry no time (bare SCOs) is
//! dated by its arrival, which the caller states. Bad input gets a [`StixError`] naming the object
//! and the field; nothing here panics (property-tested and fuzzed).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tocsin_domain::intel::{Observable, ObservableKind, extract_observables};
use tocsin_domain::{IntelInput, IntelRecord, IntelTime, Timestamp, Tlp};
use uuid::Uuid;

/// The STIX version written and read.
pub const SPEC_VERSION: &str = "2.1";
/// The media type of a STIX bundle (TAXII 2.1).
pub const MEDIA_TYPE: &str = "application/stix+json;version=2.1";
/// The namespace of deterministic SCO ids (STIX 2.1, section 2.9).
pub const SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);
/// tocsin's namespace for the ids of objects made from its records.
pub const TOCSIN_NAMESPACE: Uuid = Uuid::from_u128(0xa3f8c1fc_4e35_455a_905b_df870cd7042b);
/// The id of tocsin's property extension (the N-ISAC fields with no STIX home).
pub const EXTENSION_ID: &str = "extension-definition--8c8b1dd4-84d6-4682-b9da-ba54ffef2039";
/// The id of the `tocsin` identity, creator of the extension definition.
pub const TOCSIN_IDENTITY_ID: &str = "identity--baea3589-700b-4f6c-9127-77d190391db6";
/// The TLP 2.0 extension definition (FIRST TLP 2.0 in STIX, OASIS).
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
/// The `created`/`modified` time of the fixed objects (identities, extension definition).
const FIXED_TIME: &str = "2026-01-01T00:00:00.000Z";
/// The largest number of objects [`read_bundle`] accepts in one bundle.
pub const MAX_OBJECTS: usize = 100_000;

/// The TLP 1.0 marking-definition id of a level, if TLP 1.0 has it.
pub fn tlp1_id(t: Tlp) -> Option<&'static str> {
    Some(match t {
        Tlp::Clear => "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Green => "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Amber => "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Red => "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        Tlp::AmberStrict => return None,
    })
}

/// The TLP 2.0 marking-definition id of a level.
pub fn tlp2_id(t: Tlp) -> &'static str {
    match t {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The level of a well-known TLP marking-definition id (1.0 or 2.0).
pub fn tlp_of_id(id: &str) -> Option<Tlp> {
    Tlp::ALL
        .iter()
        .copied()
        .find(|&t| tlp2_id(t) == id || tlp1_id(t) == Some(id))
}

/// The `object_marking_refs` of an object at this level: TLP 2.0, and TLP 1.0 when it has
/// the level.
pub fn tlp_refs(t: Tlp) -> Vec<String> {
    let mut refs = vec![tlp2_id(t).to_string()];
    refs.extend(tlp1_id(t).map(str::to_string));
    refs
}

/// A STIX timestamp: UTC, millisecond precision, `2026-12-01T02:00:00.000Z`.
pub fn stix_time(t: Timestamp) -> String {
    let d = t.datetime();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second(),
        d.millisecond()
    )
}

/// One external reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalReference {
    /// Where it comes from: `cve`, `n-isac`, `reference`.
    pub source_name: String,
    /// Its id there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The properties every object written here has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Common {
    /// The object's type (`report`, `indicator`, …).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Always [`SPEC_VERSION`].
    pub spec_version: &'static str,
    /// `type--uuid`.
    pub id: String,
    /// The identity that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by_ref: Option<String>,
    /// First version (absent on SCOs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// This version (absent on SCOs and markings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// TLP markings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub object_marking_refs: Vec<String>,
    /// External references.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_references: Vec<ExternalReference>,
    /// Extensions by extension-definition id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, Value>,
}

impl Common {
    fn new(kind: &'static str, id: String) -> Common {
        Common {
            kind,
            spec_version: SPEC_VERSION,
            id,
            created_by_ref: None,
            created: None,
            modified: None,
            object_marking_refs: Vec::new(),
            external_references: Vec::new(),
            extensions: BTreeMap::new(),
        }
    }

    fn dated(mut self, created: &str, modified: &str) -> Common {
        self.created = Some(created.to_string());
        self.modified = Some(modified.to_string());
        self
    }

    fn by(mut self, creator: &str, marks: &[String]) -> Common {
        self.created_by_ref = Some(creator.to_string());
        self.object_marking_refs = marks.to_vec();
        self
    }
}

/// The type-specific properties of an object written here.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(missing_docs)] // Named as STIX names them.
pub enum Props {
    /// `identity`.
    Identity {
        name: String,
        identity_class: &'static str,
    },
    /// `report`.
    Report {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        report_types: Vec<&'static str>,
        published: String,
        object_refs: Vec<String>,
    },
    /// `indicator`.
    Indicator {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        indicator_types: Vec<&'static str>,
        pattern: String,
        pattern_type: &'static str,
        pattern_version: &'static str,
        valid_from: String,
    },
    /// `observed-data`: what was seen, here the record's victims.
    ObservedData {
        first_observed: String,
        last_observed: String,
        number_observed: u32,
        object_refs: Vec<String>,
    },
    /// `vulnerability`.
    Vulnerability {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// `relationship`.
    Relationship {
        relationship_type: &'static str,
        source_ref: String,
        target_ref: String,
    },
    /// An SCO with a `value` (`ipv4-addr`, `domain-name`, `url`…).
    Value { value: String },
    /// A `file` known by one hash.
    File {
        hashes: BTreeMap<&'static str, String>,
    },
    /// `marking-definition` in the TLP 1.0 form.
    Tlp1 {
        name: &'static str,
        definition_type: &'static str,
        definition: BTreeMap<&'static str, &'static str>,
    },
    /// `marking-definition` in the TLP 2.0 form (its level is in the extension).
    Tlp2 { name: &'static str },
    /// `extension-definition`.
    Extension {
        name: &'static str,
        description: &'static str,
        schema: &'static str,
        version: &'static str,
        extension_types: Vec<&'static str>,
    },
}

/// A STIX object as written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StixObject {
    /// The common properties.
    #[serde(flatten)]
    pub common: Common,
    /// The type's own.
    #[serde(flatten)]
    pub props: Props,
}

impl StixObject {
    /// The object's id.
    pub fn id(&self) -> &str {
        &self.common.id
    }

    /// The object as JSON.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A bundle of objects as JSON text, with an id derived from its objects' ids.
pub fn bundle(objects: &[StixObject]) -> String {
    let mut ids = String::new();
    for o in objects {
        ids.push_str(o.id());
        ids.push('\n');
    }
    let id = format!(
        "bundle--{}",
        Uuid::new_v5(&TOCSIN_NAMESPACE, format!("bundle\n{ids}").as_bytes())
    );
    let objects: Vec<Value> = objects.iter().map(StixObject::to_value).collect();
    json!({"type": "bundle", "id": id, "objects": objects}).to_string()
}

fn derived(kind: &str, parts: &[&str]) -> String {
    let name = format!("{kind}\n{}", parts.join("\n"));
    format!(
        "{kind}--{}",
        Uuid::new_v5(&TOCSIN_NAMESPACE, name.as_bytes())
    )
}

/// The deterministic id of an SCO from its id-contributing property (`value`, or `hashes`
/// for a file), per STIX 2.1 section 2.9: UUIDv5 in [`SCO_NAMESPACE`] over the property's
/// canonical JSON (RFC 8785; one key, so serde_json's compact output is canonical).
pub fn sco_id(kind: &str, contributing: &Value) -> String {
    let text = contributing.to_string();
    format!("{kind}--{}", Uuid::new_v5(&SCO_NAMESPACE, text.as_bytes()))
}

/// A string as a quoted STIX pattern literal.
fn pattern_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The SCO type and property path of an indicator, and the SCO itself; `None` for CVE ids.
fn sco_of(o: &Observable) -> Option<(String, StixObject)> {
    let value_sco = |kind: &'static str| {
        let id = sco_id(kind, &json!({"value": o.value}));
        let pattern = format!("[{kind}:value = {}]", pattern_string(&o.value));
        let obj = StixObject {
            common: Common::new(kind, id),
            props: Props::Value {
                value: o.value.clone(),
            },
        };
        Some((pattern, obj))
    };
    let file = |algo: &'static str, path: &str| {
        let id = sco_id("file", &json!({"hashes": {algo: o.value}}));
        let pattern = format!("[file:hashes.{path} = {}]", pattern_string(&o.value));
        let obj = StixObject {
            common: Common::new("file", id),
            props: Props::File {
                hashes: BTreeMap::from([(algo, o.value.clone())]),
            },
        };
        Some((pattern, obj))
    };
    match o.kind {
        ObservableKind::Ipv4 => value_sco("ipv4-addr"),
        ObservableKind::Ipv6 => value_sco("ipv6-addr"),
        ObservableKind::Cidr if o.value.contains(':') => value_sco("ipv6-addr"),
        ObservableKind::Cidr => value_sco("ipv4-addr"),
        ObservableKind::Domain => value_sco("domain-name"),
        ObservableKind::Url => value_sco("url"),
        ObservableKind::Email => value_sco("email-addr"),
        ObservableKind::Md5 => file("MD5", "MD5"),
        ObservableKind::Sha1 => file("SHA-1", "'SHA-1'"),
        ObservableKind::Sha256 => file("SHA-256", "'SHA-256'"),
        ObservableKind::Cve => None,
    }
}

/// The `identity` of a publisher, its id derived from its name.
pub fn publisher_identity(name: &str) -> StixObject {
    StixObject {
        common: Common::new("identity", derived("identity", &[name])).dated(FIXED_TIME, FIXED_TIME),
        props: Props::Identity {
            name: name.to_string(),
            identity_class: "organization",
        },
    }
}

/// The `tocsin` identity (creator of the extension definition).
pub fn tocsin_identity() -> StixObject {
    StixObject {
        common: Common::new("identity", TOCSIN_IDENTITY_ID.to_string())
            .dated(FIXED_TIME, FIXED_TIME),
        props: Props::Identity {
            name: "tocsin".to_string(),
            identity_class: "system",
        },
    }
}

/// The extension definition of [`EXTENSION_ID`].
pub fn extension_definition() -> StixObject {
    StixObject {
        common: Common::new("extension-definition", EXTENSION_ID.to_string())
            .dated(FIXED_TIME, FIXED_TIME)
            .by(TOCSIN_IDENTITY_ID, &[]),
        props: Props::Extension {
            name: "tocsin N-ISAC intelligence record",
            description: "The fields of an N-ISAC intelligence record (25 fields) that have no \
                          STIX home, on the report made from the record, by the record's JSON \
                          field names: category, source, published_at (with its UTC offset), \
                          tlp, dispatch_id, event_subject, event_discovered_at, event_sent_at, \
                          event_resolved_at, intel_type, publisher, contact, impact_level, \
                          recommendation, references, attachments, victim_ip (free text: \
                          ip, port, protocol), affected_platforms, technique, \
                          malicious_connections (free text: direction, ip, port, protocol), \
                          scan_info (free text: engine, engine_type, version, result), \
                          source_id, \
                          source_time; plus record_id, the record's id at the exporting \
                          instance. The subject is the report's name, the content its \
                          description.",
            schema: "tocsin README, section STIX/TAXII: the N-ISAC intel record extension",
            version: "1.0",
            extension_types: vec!["property-extension"],
        },
    }
}

/// The marking-definition objects of a level: TLP 2.0 (with its extension) and, where it
/// exists, TLP 1.0.
pub fn tlp_markings(t: Tlp) -> Vec<StixObject> {
    let mut out = Vec::new();
    let mut c2 = Common::new("marking-definition", tlp2_id(t).to_string());
    c2.created = Some("2022-10-01T00:00:00.000Z".to_string());
    c2.extensions.insert(
        TLP2_EXTENSION_ID.to_string(),
        json!({"extension_type": "property-extension", "tlp_2_0": t.as_str()}),
    );
    out.push(StixObject {
        common: c2,
        props: Props::Tlp2 { name: t.marking() },
    });
    if let Some(id) = tlp1_id(t) {
        let mut c1 = Common::new("marking-definition", id.to_string());
        c1.created = Some("2017-01-20T00:00:00.000Z".to_string());
        let (name, level) = match t {
            Tlp::Clear => ("TLP:WHITE", "white"),
            Tlp::Green => ("TLP:GREEN", "green"),
            Tlp::Amber => ("TLP:AMBER", "amber"),
            _ => ("TLP:RED", "red"),
        };
        out.push(StixObject {
            common: c1,
            props: Props::Tlp1 {
                name,
                definition_type: "tlp",
                definition: BTreeMap::from([("tlp", level)]),
            },
        });
    }
    out
}

/// A stored intelligence record to export.
#[derive(Clone, Copy, Debug)]
pub struct IntelSource<'a> {
    /// The record's id at this instance.
    pub record_id: Uuid,
    /// The record.
    pub record: &'a IntelRecord,
    /// When it was first stored.
    pub created: Timestamp,
    /// When it last changed.
    pub modified: Timestamp,
}

/// URLs written in a text (http, https), for external references.
fn urls_in(text: &str) -> Vec<String> {
    extract_observables(text)
        .into_iter()
        .filter(|o| o.kind == ObservableKind::Url)
        .map(|o| o.value)
        .collect()
}

/// The extension's value: the record's fields with no STIX home, by their JSON names.
fn extension_value(src: &IntelSource<'_>) -> Value {
    let mut map = match serde_json::to_value(src.record.to_input()) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    map.remove("subject");
    map.remove("content");
    map.retain(|_, v| match v {
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => o
            .values()
            .any(|x| x.as_str().is_some_and(|s| !s.is_empty())),
        _ => true,
    });
    map.insert("record_id".into(), Value::String(src.record_id.to_string()));
    map.insert(
        "extension_type".into(),
        Value::String("property-extension".into()),
    );
    Value::Object(map)
}

/// Every object of a record's bundle (module documentation), the report first after the
/// publisher's identity and the markings.
pub fn intel_objects(src: &IntelSource<'_>) -> Vec<StixObject> {
    let r = src.record;
    let rid = src.record_id.to_string();
    let created = stix_time(src.created);
    let modified = stix_time(src.modified.max(src.created));
    let published = stix_time(r.published_at.utc);
    let marks = tlp_refs(r.tlp);
    let publisher = publisher_identity(r.publisher.as_deref().unwrap_or(&r.source));
    let by = publisher.id().to_string();

    let mut body = Vec::new();
    let mut cves = Vec::new();
    let mut seen = BTreeSet::new();
    // The victims (受害IP) are what was attacked: observed, never an indicator, even where
    // the content names them too.
    let victims: Vec<Observable> = r
        .victims()
        .entries
        .iter()
        .flat_map(|v| extract_observables(&v.address()))
        .collect();
    let mut victim_refs = Vec::new();
    for o in &victims {
        let Some((_, mut sco)) = sco_of(o) else {
            continue;
        };
        if seen.insert(sco.id().to_string()) {
            sco.common.object_marking_refs = marks.clone();
            victim_refs.push(sco.id().to_string());
            body.push(sco);
        }
    }
    if !victim_refs.is_empty() {
        let first = r.event_discovered_at.unwrap_or(r.published_at);
        let last = r
            .event_resolved_at
            .filter(|t| t.utc >= first.utc)
            .unwrap_or(first);
        body.push(StixObject {
            common: Common::new(
                "observed-data",
                derived("observed-data", &[&rid, "victims"]),
            )
            .dated(&created, &modified)
            .by(&by, &marks),
            props: Props::ObservedData {
                first_observed: stix_time(first.utc),
                last_observed: stix_time(last.utc),
                number_observed: 1,
                object_refs: victim_refs,
            },
        });
    }
    for o in extract_observables(&r.indicator_text()) {
        if victims.iter().any(|v| v.value == o.value) {
            continue;
        }
        if o.kind == ObservableKind::Cve {
            cves.push(o.value.clone());
            let mut c = Common::new("vulnerability", derived("vulnerability", &[&rid, &o.value]))
                .dated(&created, &modified)
                .by(&by, &marks);
            c.external_references.push(ExternalReference {
                source_name: "cve".into(),
                external_id: Some(o.value.clone()),
                url: None,
                description: None,
            });
            body.push(StixObject {
                common: c,
                props: Props::Vulnerability {
                    name: o.value.clone(),
                    description: None,
                },
            });
            continue;
        }
        let Some((pattern, mut sco)) = sco_of(&o) else {
            continue;
        };
        if !seen.insert(sco.id().to_string()) {
            continue; // An address and its /32 block, say: one SCO.
        }
        sco.common.object_marking_refs = marks.clone();
        let ind_id = derived("indicator", &[&rid, o.kind.as_str(), &o.value]);
        let rel_id = derived("relationship", &[&ind_id, sco.id()]);
        let rel = StixObject {
            common: Common::new("relationship", rel_id)
                .dated(&created, &modified)
                .by(&by, &marks),
            props: Props::Relationship {
                relationship_type: "related-to",
                source_ref: ind_id.clone(),
                target_ref: sco.id().to_string(),
            },
        };
        let ind = StixObject {
            common: Common::new("indicator", ind_id)
                .dated(&created, &modified)
                .by(&by, &marks),
            props: Props::Indicator {
                name: format!("{} {}", o.kind.as_str(), o.value),
                description: Some(r.subject.clone()),
                indicator_types: vec!["malicious-activity"],
                pattern,
                pattern_type: "stix",
                pattern_version: SPEC_VERSION,
                valid_from: published.clone(),
            },
        };
        body.push(ind);
        body.push(sco);
        body.push(rel);
    }

    let mut report = Common::new("report", derived("report", &[&rid]))
        .dated(&created, &modified)
        .by(&by, &marks);
    if let Some(d) = &r.dispatch_id {
        report.external_references.push(ExternalReference {
            source_name: "n-isac".into(),
            external_id: Some(d.clone()),
            url: None,
            description: Some("dispatch id (發送編號)".into()),
        });
    }
    for url in r.references.as_deref().map(urls_in).unwrap_or_default() {
        report.external_references.push(ExternalReference {
            source_name: "reference".into(),
            external_id: None,
            url: Some(url),
            description: None,
        });
    }
    for cve in &cves {
        report.external_references.push(ExternalReference {
            source_name: "cve".into(),
            external_id: Some(cve.clone()),
            url: None,
            description: None,
        });
    }
    report
        .extensions
        .insert(EXTENSION_ID.to_string(), extension_value(src));
    let mut object_refs: Vec<String> = body.iter().map(|o| o.id().to_string()).collect();
    if object_refs.is_empty() {
        object_refs.push(by.clone());
    }
    let report = StixObject {
        common: report,
        props: Props::Report {
            name: r.subject.clone(),
            description: Some(r.content.clone()),
            report_types: vec!["threat-report"],
            published,
            object_refs,
        },
    };

    let mut out = vec![tocsin_identity(), extension_definition(), publisher];
    out.extend(tlp_markings(r.tlp));
    out.push(report);
    out.extend(body);
    out
}

/// A record's bundle as JSON text.
pub fn intel_bundle(src: &IntelSource<'_>) -> String {
    bundle(&intel_objects(src))
}

/// A verified phishing URL to export as a url indicator.
#[derive(Clone, Debug)]
pub struct PhishingSource {
    /// The URL case's id at this instance.
    pub case_id: Uuid,
    /// The live (normalised, not defanged) URL.
    pub url: String,
    /// The brand impersonated, if known.
    pub brand: Option<String>,
    /// The case's TLP.
    pub tlp: Tlp,
    /// When it was verified (the indicator's `valid_from` and `created`).
    pub verified_at: Timestamp,
    /// When the case last changed.
    pub modified: Timestamp,
}

/// The objects of verified phishing URLs, made by `operator` (the CERT's name): per URL an
/// `indicator` (`phishing`), its `url` SCO and a relationship; the operator's identity and
/// the markings once.
pub fn phishing_objects(operator: &str, urls: &[PhishingSource]) -> Vec<StixObject> {
    let who = publisher_identity(operator);
    let by = who.id().to_string();
    let mut out = vec![who];
    let levels: BTreeSet<Tlp> = urls.iter().map(|u| u.tlp).collect();
    for t in levels {
        out.extend(tlp_markings(t));
    }
    let mut seen = BTreeSet::new();
    for u in urls {
        let marks = tlp_refs(u.tlp);
        let created = stix_time(u.verified_at);
        let modified = stix_time(u.modified.max(u.verified_at));
        let case = u.case_id.to_string();
        let obs = Observable {
            kind: ObservableKind::Url,
            value: u.url.clone(),
        };
        let Some((pattern, mut sco)) = sco_of(&obs) else {
            continue;
        };
        sco.common.object_marking_refs = marks.clone();
        let ind_id = derived("indicator", &["phishing", &case]);
        let name = match &u.brand {
            Some(b) => format!("Phishing URL impersonating {b}"),
            None => "Phishing URL".to_string(),
        };
        out.push(StixObject {
            common: Common::new("indicator", ind_id.clone())
                .dated(&created, &modified)
                .by(&by, &marks),
            props: Props::Indicator {
                name,
                description: None,
                indicator_types: vec!["malicious-activity"],
                pattern,
                pattern_type: "stix",
                pattern_version: SPEC_VERSION,
                valid_from: created.clone(),
            },
        });
        out.push(StixObject {
            common: Common::new(
                "relationship",
                derived("relationship", &[&ind_id, sco.id()]),
            )
            .dated(&created, &modified)
            .by(&by, &marks),
            props: Props::Relationship {
                relationship_type: "related-to",
                source_ref: ind_id,
                target_ref: sco.id().to_string(),
            },
        });
        if seen.insert(sco.id().to_string()) {
            out.push(sco);
        }
    }
    out
}

/// A published advisory to export as vulnerability objects.
#[derive(Clone, Debug)]
pub struct AdvisorySource {
    /// The case's id at this instance.
    pub case_id: Uuid,
    /// Its CVE ids.
    pub cve_ids: Vec<String>,
    /// The advisory's title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Its public page, if any.
    pub url: Option<String>,
    /// When it was published.
    pub published: Timestamp,
    /// When it last changed.
    pub modified: Timestamp,
}

/// The objects of published advisories, made by `operator`: one `vulnerability` per CVE id
/// (TLP:CLEAR, published), with the `cve` external id and the advisory's page.
pub fn advisory_objects(operator: &str, advisories: &[AdvisorySource]) -> Vec<StixObject> {
    let who = publisher_identity(operator);
    let by = who.id().to_string();
    let marks = tlp_refs(Tlp::Clear);
    let mut out = vec![who];
    out.extend(tlp_markings(Tlp::Clear));
    for a in advisories {
        let created = stix_time(a.published);
        let modified = stix_time(a.modified.max(a.published));
        let case = a.case_id.to_string();
        for cve in &a.cve_ids {
            let mut c = Common::new("vulnerability", derived("vulnerability", &[&case, cve]))
                .dated(&created, &modified)
                .by(&by, &marks);
            c.external_references.push(ExternalReference {
                source_name: "cve".into(),
                external_id: Some(cve.clone()),
                url: None,
                description: None,
            });
            if let Some(url) = &a.url {
                c.external_references.push(ExternalReference {
                    source_name: "advisory".into(),
                    external_id: None,
                    url: Some(url.clone()),
                    description: Some(a.title.clone()),
                });
            }
            out.push(StixObject {
                common: c,
                props: Props::Vulnerability {
                    name: cve.clone(),
                    description: Some(format!("{}\n\n{}", a.title, a.description)),
                },
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// Why a bundle or object cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StixError {
    /// Not JSON.
    #[error("not JSON: {0}")]
    Json(String),
    /// Not a bundle (`type` must be `bundle`, with an `objects` list).
    #[error("not a STIX bundle: {0}")]
    NotABundle(&'static str),
    /// More objects than [`MAX_OBJECTS`].
    #[error("the bundle has more than {max} objects")]
    TooManyObjects {
        /// The limit.
        max: usize,
    },
    /// An object lacks a property, or has one of the wrong shape.
    #[error("object {index} ({id}): field `{field}` {problem}")]
    Field {
        /// The object's place in `objects`, from 0.
        index: usize,
        /// Its id, or `?`.
        id: String,
        /// The property.
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
}

/// What TAXII needs to know of an object: its id, type, version and spec version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// `type--uuid`.
    pub id: String,
    /// The type.
    pub kind: String,
    /// The version: `modified`, else `created`, else `None` (TAXII uses `date_added`).
    pub version: Option<Timestamp>,
    /// `spec_version`, `2.1` when absent on an SCO.
    pub spec_version: String,
}

fn is_stix_id(id: &str) -> bool {
    let Some((kind, uuid)) = id.split_once("--") else {
        return false;
    };
    !kind.is_empty()
        && kind.len() <= 250
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && Uuid::parse_str(uuid).is_ok()
}

impl ObjectMeta {
    /// Checks an object's id, type and timestamps (`index` names it in errors).
    pub fn of(index: usize, obj: &Value) -> Result<ObjectMeta, StixError> {
        let id_text = obj.get("id").and_then(Value::as_str).unwrap_or("?");
        let bad = |field: &'static str, problem: &'static str| StixError::Field {
            index,
            id: id_text.chars().take(300).collect(),
            field,
            problem,
        };
        if !obj.is_object() {
            return Err(bad("type", "is missing: the object is not a JSON object"));
        }
        let kind = obj
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("type", "is missing or not a string"))?;
        let id = obj
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("id", "is missing or not a string"))?;
        if !is_stix_id(id) || id.split_once("--").map(|(k, _)| k) != Some(kind) {
            return Err(bad("id", "is not `type--uuid` of the object's type"));
        }
        let time = |field: &'static str| -> Result<Option<Timestamp>, StixError> {
            match obj.get(field) {
                None => Ok(None),
                Some(v) => v
                    .as_str()
                    .and_then(|s| Timestamp::parse_rfc3339(s).ok())
                    .map(Some)
                    .ok_or_else(|| bad(field, "is not an RFC 3339 timestamp")),
            }
        };
        let modified = time("modified")?;
        let created = time("created")?;
        let spec_version = match obj.get("spec_version") {
            None => SPEC_VERSION.to_string(),
            Some(v) => v
                .as_str()
                .ok_or_else(|| bad("spec_version", "is not a string"))?
                .to_string(),
        };
        Ok(ObjectMeta {
            id: id.to_string(),
            kind: kind.to_string(),
            version: modified.or(created),
            spec_version,
        })
    }
}

/// Reads a bundle's objects, each checked by [`ObjectMeta::of`].
pub fn parse_bundle(bytes: &[u8]) -> Result<Vec<(ObjectMeta, Value)>, StixError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| StixError::Json(e.to_string()))?;
    if v.get("type").and_then(Value::as_str) != Some("bundle") {
        return Err(StixError::NotABundle("`type` must be `bundle`"));
    }
    objects_of(v)
}

/// Reads the objects of a TAXII envelope (`{"objects": [...]}`), each checked by
/// [`ObjectMeta::of`].
pub fn parse_envelope(bytes: &[u8]) -> Result<Vec<(ObjectMeta, Value)>, StixError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| StixError::Json(e.to_string()))?;
    if !v.is_object() {
        return Err(StixError::NotABundle("an envelope must be a JSON object"));
    }
    objects_of(v)
}

fn objects_of(mut v: Value) -> Result<Vec<(ObjectMeta, Value)>, StixError> {
    let objects = match v.get_mut("objects").map(Value::take) {
        None => return Ok(Vec::new()), // An empty bundle may leave `objects` out.
        Some(Value::Array(a)) => a,
        Some(_) => return Err(StixError::NotABundle("`objects` must be a list")),
    };
    if objects.len() > MAX_OBJECTS {
        return Err(StixError::TooManyObjects { max: MAX_OBJECTS });
    }
    objects
        .into_iter()
        .enumerate()
        .map(|(i, o)| ObjectMeta::of(i, &o).map(|m| (m, o)))
        .collect()
}

/// Reads a bundle (or a TAXII envelope) from `reader` one object at a time, so that a
/// bundle of any size is read in constant memory: each object of `objects`, checked by
/// [`ObjectMeta::of`], goes to `each` in order (a bad object as its error, and reading
/// goes on); `each` answers whether to go on. The other members are skipped, but a
/// `type` other than `bundle` is refused. Unlike [`parse_bundle`] there is no
/// [`MAX_OBJECTS`] limit. Returns how many objects were read, or why the stream is not a
/// bundle (not JSON, not an object, …), after `each` has seen the objects before the fault.
pub fn stream_objects<R: std::io::Read>(
    reader: R,
    each: impl FnMut(Result<(ObjectMeta, Value), StixError>) -> bool,
) -> Result<usize, StixError> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut stream = Stream {
        each,
        count: 0,
        stopped: false,
        fault: None,
    };
    let read = serde::de::DeserializeSeed::deserialize(&mut stream, &mut de);
    if stream.stopped {
        return Ok(stream.count);
    }
    if let Some(fault) = stream.fault.take() {
        return Err(fault);
    }
    read.and_then(|()| de.end())
        .map_err(|e| StixError::Json(e.to_string()))?;
    Ok(stream.count)
}

/// The state of [`stream_objects`]: the callback, the objects seen, and why it stopped.
struct Stream<F> {
    each: F,
    count: usize,
    /// `each` asked to stop.
    stopped: bool,
    /// A fault of our own words (serde's error only carries text).
    fault: Option<StixError>,
}

impl<'de, F> serde::de::DeserializeSeed<'de> for &mut Stream<F>
where
    F: FnMut(Result<(ObjectMeta, Value), StixError>) -> bool,
{
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F> serde::de::Visitor<'de> for &mut Stream<F>
where
    F: FnMut(Result<(ObjectMeta, Value), StixError>) -> bool,
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a STIX bundle (a JSON object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => {
                    let t: Value = map.next_value()?;
                    if t.as_str() != Some("bundle") {
                        self.fault = Some(StixError::NotABundle("`type` must be `bundle`"));
                        return Err(A::Error::custom("not a bundle"));
                    }
                }
                "objects" => map.next_value_seed(Objects(&mut *self))?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `objects` list of a [`Stream`].
struct Objects<'s, F>(&'s mut Stream<F>);

impl<'de, F> serde::de::DeserializeSeed<'de> for Objects<'_, F>
where
    F: FnMut(Result<(ObjectMeta, Value), StixError>) -> bool,
{
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // `any`, so that a value other than a list gets our words, as `parse_bundle` gives.
        d.deserialize_any(self)
    }
}

impl<F> Objects<'_, F> {
    fn not_a_list<E: serde::de::Error>(self) -> Result<(), E> {
        self.0.fault = Some(StixError::NotABundle("`objects` must be a list"));
        Err(E::custom("`objects` must be a list"))
    }
}

impl<'de, F> serde::de::Visitor<'de> for Objects<'_, F>
where
    F: FnMut(Result<(ObjectMeta, Value), StixError>) -> bool,
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of STIX objects")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.not_a_list()
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.not_a_list()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.not_a_list()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.not_a_list()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.not_a_list()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.not_a_list()
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.not_a_list()
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        let s = self.0;
        while let Some(v) = seq.next_element::<Value>()? {
            let checked = ObjectMeta::of(s.count, &v).map(|m| (m, v));
            s.count += 1;
            if !(s.each)(checked) {
                s.stopped = true;
                return Err(A::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// The ids an object refers to: `object_refs`, `created_by_ref`, `object_marking_refs`,
/// and a relationship's ends.
pub fn refs_of(obj: &Value) -> Vec<String> {
    let mut out: Vec<String> = strings(obj.get("object_refs"))
        .chain(strings(obj.get("object_marking_refs")))
        .map(str::to_string)
        .collect();
    for key in ["created_by_ref", "source_ref", "target_ref"] {
        if let Some(id) = obj.get(key).and_then(Value::as_str) {
            out.push(id.to_string());
        }
    }
    out
}

/// A draft record read from a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedRecord {
    /// The record as input (validate it to store it).
    pub input: IntelInput,
    /// The report it came from (none for a bundle without a report).
    pub report_id: Option<String>,
    /// Whether the report carried tocsin's extension (then every field came back).
    pub from_extension: bool,
    /// Whether the TLP came from a marking (false: none found, read as AMBER).
    pub marked: bool,
    /// The ids of the objects it was made of: the report and the ids it names, or the
    /// objects of its TLP (module documentation). The objects these refer to (identities,
    /// markings) serve it too.
    pub objects: Vec<String>,
}

/// Whether objects of this type serve every record of a bundle rather than make one:
/// TLP and other markings, identities (the publishers' names) and extension definitions.
pub fn is_shared_kind(kind: &str) -> bool {
    matches!(
        kind,
        "marking-definition" | "identity" | "extension-definition"
    )
}

/// The TLP a marking-definition object names, in any of the three encodings.
fn tlp_of_marking(obj: &Value) -> Option<Tlp> {
    if let Some(t) = obj.get("id").and_then(Value::as_str).and_then(tlp_of_id) {
        return Some(t);
    }
    if let Some(t) = obj
        .get("extensions")
        .and_then(|e| e.get(TLP2_EXTENSION_ID))
        .and_then(|e| e.get("tlp_2_0"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
    {
        return Some(t);
    }
    let def = obj.get("definition");
    let texts = [
        def.and_then(|d| d.get("tlp")),
        def.and_then(|d| d.get("TLP")),
        def.and_then(|d| d.get("statement")),
        obj.get("name"),
    ];
    texts
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find_map(tlp_in_text)
}

/// A TLP named in a text: the whole text (`amber`), or a `TLP:LEVEL` inside it.
fn tlp_in_text(s: &str) -> Option<Tlp> {
    if let Ok(t) = s.parse() {
        return Some(t);
    }
    let upper = s.to_ascii_uppercase();
    let at = upper.find("TLP:")?;
    let rest = upper.get(at + 4..)?.trim_start();
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == '+' || *c == '_' || *c == '-')
        .collect();
    word.parse().ok()
}

fn strings(v: Option<&Value>) -> impl Iterator<Item = &str> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A STIX time as the format's date-time (`+00:00`); empty when absent or unreadable.
fn intel_time(s: &str) -> String {
    Timestamp::parse_rfc3339(s)
        .map(|t| IntelTime::at(t, 0).to_string())
        .unwrap_or_default()
}

/// The room of a record's content (情資內容), in characters.
const CONTENT_CHARS: usize = tocsin_domain::intel::limits::CONTENT;

/// As many whole lines as fit in `room` characters, and a last line saying how many more
/// objects there were.
fn fit(lines: &[String], room: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for (i, l) in lines.iter().enumerate() {
        let n = l.chars().count() + 1;
        if used + n + 40 > room {
            out.push_str(&format!("… {} more objects", lines.len() - i));
            return out;
        }
        out.push_str(l);
        out.push('\n');
        used += n;
    }
    out.pop();
    out
}

/// The subject of the draft of one TLP's unnamed objects: the TLP and what they are, the
/// most numerous kinds first (`STIX TLP:GREEN: 40 indicator, 2 url`).
fn group_title(tlp: Tlp, kinds: &BTreeMap<&str, usize>) -> String {
    let mut by_count: Vec<(&str, usize)> = kinds.iter().map(|(k, n)| (*k, *n)).collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut parts: Vec<String> = by_count
        .iter()
        .take(4)
        .map(|(k, n)| format!("{n} {}", k.chars().take(60).collect::<String>()))
        .collect();
    if by_count.len() > 4 {
        let rest: usize = by_count.iter().skip(4).map(|(_, n)| n).sum();
        parts.push(format!("{rest} other"));
    }
    format!("STIX {}: {}", tlp.marking(), parts.join(", "))
}

fn meta_index(objects: &[(ObjectMeta, Value)], id: &str) -> usize {
    objects.iter().position(|(m, _)| m.id == id).unwrap_or(0)
}

/// Reads a bundle into draft records (module documentation); `arrival` dates a record
/// whose objects carry no time. Fails only when the bundle itself is unreadable; what a
/// record lacks shows when its input is validated.
pub fn read_bundle(bytes: &[u8], arrival: Timestamp) -> Result<Vec<ImportedRecord>, StixError> {
    read_objects(&parse_bundle(bytes)?, arrival)
}

/// Reads checked objects (of a bundle or a TAXII envelope) into draft records, as
/// [`read_bundle`] does.
pub fn read_objects(
    objects: &[(ObjectMeta, Value)],
    arrival: Timestamp,
) -> Result<Vec<ImportedRecord>, StixError> {
    let by_id: HashMap<&str, &Value> = objects.iter().map(|(m, v)| (m.id.as_str(), v)).collect();
    let markings: HashMap<&str, Tlp> = objects
        .iter()
        .filter(|(m, _)| m.kind == "marking-definition")
        .filter_map(|(m, v)| tlp_of_marking(v).map(|t| (m.id.as_str(), t)))
        .collect();
    let tlp_of = |obj: &Value| -> Option<Tlp> {
        strings(obj.get("object_marking_refs"))
            .filter_map(|id| markings.get(id).copied().or_else(|| tlp_of_id(id)))
            .max()
    };
    let name_of = |id: &str| -> Option<String> {
        by_id
            .get(id)
            .and_then(|o| o.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // What an indicator or other referenced object adds to a foreign report's content.
    let describe = |obj: &Value| -> Option<String> {
        let kind = obj.get("type").and_then(Value::as_str)?;
        let line = match kind {
            "indicator" => format!(
                "{} {}",
                obj.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("indicator"),
                obj.get("pattern")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            ),
            "vulnerability" | "malware" | "threat-actor" | "intrusion-set" | "campaign"
            | "attack-pattern" | "tool" | "infrastructure" => {
                format!("{kind}: {}", text(obj, "name"))
            }
            _ => match obj.get("value").and_then(Value::as_str) {
                Some(v) => format!("{kind}: {v}"),
                None => return None,
            },
        };
        Some(line.trim().to_string())
    };

    let mut out = Vec::new();
    for (meta, obj) in objects.iter().filter(|(m, _)| m.kind == "report") {
        let ext = obj.get("extensions").and_then(|e| e.get(EXTENSION_ID));
        let mut input: IntelInput = match ext {
            Some(e) => serde_json::from_value(e.clone()).map_err(|_| StixError::Field {
                index: meta_index(objects, &meta.id),
                id: meta.id.clone(),
                field: "extensions",
                problem: "holds tocsin's extension with a value of the wrong shape",
            })?,
            None => IntelInput::default(),
        };
        let from_extension = ext.is_some();
        input.subject = text(obj, "name");
        input.content = text(obj, "description");
        let marked = tlp_of(obj);
        let ext_tlp = input.tlp.parse::<Tlp>().ok();
        input.tlp = marked
            .max(ext_tlp)
            .unwrap_or(Tlp::Amber)
            .as_str()
            .to_string();
        if input.published_at.is_empty() {
            input.published_at = intel_time(&text(obj, "published"));
        }
        if !from_extension {
            let who = obj
                .get("created_by_ref")
                .and_then(Value::as_str)
                .and_then(name_of);
            input.category = "ANA".into();
            input.source = who.clone().unwrap_or_else(|| "STIX".into());
            input.publisher = who.unwrap_or_default();
            let lines: Vec<String> = strings(obj.get("object_refs"))
                .filter_map(|id| by_id.get(id).and_then(|o| describe(o)))
                .collect();
            if input.content.trim().is_empty() {
                input.content = input.subject.clone();
            }
            if !lines.is_empty() {
                let room = CONTENT_CHARS.saturating_sub(input.content.chars().count() + 2);
                input.content = format!("{}\n\n{}", input.content, fit(&lines, room));
            }
            let refs: Vec<String> = obj
                .get("external_references")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| {
                    let id = r.get("external_id").and_then(Value::as_str);
                    let url = r.get("url").and_then(Value::as_str);
                    match (id, url) {
                        (Some(i), Some(u)) => Some(format!("{i} {u}")),
                        (Some(i), None) => Some(i.to_string()),
                        (None, Some(u)) => Some(u.to_string()),
                        (None, None) => None,
                    }
                })
                .collect();
            input.references = refs.join("\n");
        }
        // The report, what it names, and what those refer to (the address a named
        // relationship points at).
        let mut named = vec![meta.id.clone()];
        for id in strings(obj.get("object_refs")) {
            named.push(id.to_string());
            named.extend(by_id.get(id).map(|o| refs_of(o)).unwrap_or_default());
        }
        out.push(ImportedRecord {
            input,
            report_id: Some(meta.id.clone()),
            from_extension,
            marked: marked.is_some(),
            objects: named,
        });
    }
    // The objects no report names, by TLP: their own marking, else the strictest of the
    // marked objects that refer to them, else AMBER.
    let named: std::collections::HashSet<&str> = out
        .iter()
        .flat_map(|r| r.objects.iter().map(String::as_str))
        .collect();
    let mut referred: HashMap<String, Tlp> = HashMap::new();
    for (_, o) in objects.iter().filter(|(m, _)| !is_shared_kind(&m.kind)) {
        if let Some(t) = tlp_of(o) {
            for r in refs_of(o) {
                let e = referred.entry(r).or_insert(t);
                *e = (*e).max(t);
            }
        }
    }
    let mut groups: BTreeMap<Tlp, (bool, Vec<usize>)> = BTreeMap::new();
    for (i, (m, o)) in objects.iter().enumerate() {
        if is_shared_kind(&m.kind) || named.contains(m.id.as_str()) {
            continue;
        }
        let own = tlp_of(o).or_else(|| referred.get(&m.id).copied());
        let g = groups.entry(own.unwrap_or(Tlp::Amber)).or_default();
        g.0 |= own.is_some();
        g.1.push(i);
    }
    for (tlp, (marked, members)) in groups {
        let mut lines = Vec::new();
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in &members {
            if let Some(line) = describe(&objects[i].1) {
                lines.push(line);
                *kinds.entry(objects[i].0.kind.as_str()).or_default() += 1;
            }
        }
        if lines.is_empty() {
            continue;
        }
        let published = members
            .iter()
            .filter_map(|&i| objects[i].0.version)
            .max()
            .map(|t| IntelTime::at(t, 0).to_string())
            .unwrap_or_default();
        let first_by = members
            .iter()
            .find_map(|&i| objects[i].1.get("created_by_ref").and_then(Value::as_str))
            .and_then(name_of);
        out.push(ImportedRecord {
            input: IntelInput {
                category: "ANA".into(),
                subject: group_title(tlp, &kinds),
                source: first_by.clone().unwrap_or_else(|| "STIX".into()),
                publisher: first_by.unwrap_or_default(),
                published_at: published,
                tlp: tlp.as_str().to_string(),
                content: fit(&lines, CONTENT_CHARS),
                ..IntelInput::default()
            },
            report_id: None,
            from_extension: false,
            marked,
            objects: members.iter().map(|&i| objects[i].0.id.clone()).collect(),
        });
    }
    // Objects without times (bare SCOs, which have no `created` or `modified`) date
    // their record by its arrival, the same on every channel that takes STIX.
    for r in &mut out {
        if r.input.published_at.trim().is_empty() {
            r.input.published_at = IntelTime::at(arrival, 0).to_string();
        }
    }
    Ok(out)
}

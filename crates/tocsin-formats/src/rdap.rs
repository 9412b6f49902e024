//! RDAP (RFC 9083) answers and the IANA bootstrap registries (RFC 9224), read without
//! I/O: which server to ask about a domain or an address, and the abuse contacts in
//! an answer. Fetching is the server's job; this module only reads JSON.

use std::net::IpAddr;

use serde_json::Value;

/// An abuse contact found in an RDAP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RdapContact {
    /// `registrar` for the registrar's abuse contact, `abuse` for the network's or the
    /// domain's own abuse contact.
    pub role: &'static str,
    /// Mail address.
    pub email: String,
}

/// The base URL of the RDAP server for `domain` from a DNS bootstrap file: the entry
/// whose label list holds the longest matching suffix.
pub fn bootstrap_domain(bootstrap: &Value, domain: &str) -> Option<String> {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let mut best: Option<(usize, String)> = None;
    for service in bootstrap.get("services")?.as_array()? {
        let (Some(labels), Some(urls)) = (
            service.get(0).and_then(Value::as_array),
            service.get(1).and_then(Value::as_array),
        ) else {
            continue;
        };
        let Some(url) = pick_url(urls) else { continue };
        for label in labels.iter().filter_map(Value::as_str) {
            let label = label.to_ascii_lowercase();
            let matches = domain == label || domain.ends_with(&format!(".{label}"));
            if matches && best.as_ref().is_none_or(|(len, _)| label.len() > *len) {
                best = Some((label.len(), url.clone()));
            }
        }
    }
    best.map(|(_, u)| u)
}

/// The base URL of the RDAP server for `ip` from an IPv4 or IPv6 bootstrap file: the
/// entry whose prefix holds it, longest prefix first.
pub fn bootstrap_ip(bootstrap: &Value, ip: IpAddr) -> Option<String> {
    let mut best: Option<(u8, String)> = None;
    for service in bootstrap.get("services")?.as_array()? {
        let (Some(prefixes), Some(urls)) = (
            service.get(0).and_then(Value::as_array),
            service.get(1).and_then(Value::as_array),
        ) else {
            continue;
        };
        let Some(url) = pick_url(urls) else { continue };
        for p in prefixes.iter().filter_map(Value::as_str) {
            if let Some(len) = prefix_contains(p, ip)
                && best.as_ref().is_none_or(|(l, _)| len > *l)
            {
                best = Some((len, url.clone()));
            }
        }
    }
    best.map(|(_, u)| u)
}

/// Prefers an https URL; the base always ends with `/`.
fn pick_url(urls: &[Value]) -> Option<String> {
    let all: Vec<&str> = urls.iter().filter_map(Value::as_str).collect();
    let u = all
        .iter()
        .find(|u| u.starts_with("https://"))
        .or(all.first())?;
    Some(if u.ends_with('/') {
        (*u).to_string()
    } else {
        format!("{u}/")
    })
}

/// If `prefix` (CIDR) holds `ip`, its length.
fn prefix_contains(prefix: &str, ip: IpAddr) -> Option<u8> {
    let (net, len) = prefix.split_once('/')?;
    let len: u8 = len.parse().ok()?;
    match (net.parse::<IpAddr>().ok()?, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) if len <= 32 => {
            let mask = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len))
            };
            (u32::from(n) & mask == u32::from(a) & mask).then_some(len)
        }
        (IpAddr::V6(n), IpAddr::V6(a)) if len <= 128 => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len))
            };
            (u128::from(n) & mask == u128::from(a) & mask).then_some(len)
        }
        _ => None,
    }
}

/// The abuse contacts in an RDAP answer: entities (at any depth) with the `abuse` role,
/// tagged `registrar` when they sit under the registrar entity. Duplicates removed, in
/// document order.
pub fn abuse_contacts(answer: &Value) -> Vec<RdapContact> {
    let mut out: Vec<RdapContact> = Vec::new();
    walk(answer, false, 0, &mut out);
    out
}

/// The country an RDAP IP network answer names (its `country` member, RFC 9083 §5.4),
/// as an upper-case ISO code; `None` when absent or not two letters.
pub fn network_country(answer: &Value) -> Option<String> {
    let c = answer.get("country")?.as_str()?.trim();
    (c.len() == 2 && c.chars().all(|x| x.is_ascii_alphabetic())).then(|| c.to_ascii_uppercase())
}

fn walk(v: &Value, under_registrar: bool, depth: usize, out: &mut Vec<RdapContact>) {
    // RDAP nests entities a few levels deep; a hostile answer could nest thousands.
    if depth > 16 {
        return;
    }
    let Some(entities) = v.get("entities").and_then(Value::as_array) else {
        return;
    };
    for e in entities {
        let roles: Vec<&str> = e
            .get("roles")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let registrar = under_registrar || roles.contains(&"registrar");
        if roles.contains(&"abuse") {
            for email in vcard_emails(e) {
                let role = if registrar { "registrar" } else { "abuse" };
                if !out.iter().any(|c| c.email.eq_ignore_ascii_case(&email)) {
                    out.push(RdapContact { role, email });
                }
            }
        }
        walk(e, registrar, depth + 1, out);
    }
}

/// The `email` properties of an entity's jCard (RFC 7095).
fn vcard_emails(entity: &Value) -> Vec<String> {
    let Some(props) = entity
        .get("vcardArray")
        .and_then(|v| v.get(1))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    props
        .iter()
        .filter_map(Value::as_array)
        .filter(|p| {
            p.first()
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case("email"))
        })
        .filter_map(|p| p.get(3).and_then(Value::as_str))
        .map(|e| e.trim().trim_start_matches("mailto:").to_string())
        .filter(|e| e.contains('@') && !e.chars().any(char::is_whitespace))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bootstrap_by_suffix_and_prefix() {
        let dns = json!({"services": [
            [["com", "net"], ["http://rdap.example-com/", "https://rdap.example-com/com/v1"]],
            [["tw"], ["https://rdap.twnic.example/rdap/"]],
            [["com.tw"], ["https://rdap.comtw.example/"]],
            "garbage"
        ]});
        assert_eq!(
            bootstrap_domain(&dns, "Examp1e.COM").as_deref(),
            Some("https://rdap.example-com/com/v1/")
        );
        assert_eq!(
            bootstrap_domain(&dns, "a.b.com.tw").as_deref(),
            Some("https://rdap.comtw.example/")
        );
        assert_eq!(
            bootstrap_domain(&dns, "x.tw.").as_deref(),
            Some("https://rdap.twnic.example/rdap/")
        );
        assert_eq!(bootstrap_domain(&dns, "x.org"), None);
        assert_eq!(bootstrap_domain(&dns, "notcom"), None);
        let v4 = json!({"services": [
            [["1.0.0.0/8", "27.0.0.0/8"], ["https://rdap.apnic.example/"]],
            [["27.96.0.0/11"], ["https://rdap.twnic-ip.example/"]],
            [["2001:200::/23"], ["https://rdap.apnic6.example/"]]
        ]});
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        assert_eq!(
            bootstrap_ip(&v4, ip("27.100.1.1")).as_deref(),
            Some("https://rdap.twnic-ip.example/")
        );
        assert_eq!(
            bootstrap_ip(&v4, ip("27.1.1.1")).as_deref(),
            Some("https://rdap.apnic.example/")
        );
        assert_eq!(
            bootstrap_ip(&v4, ip("2001:200::1")).as_deref(),
            Some("https://rdap.apnic6.example/")
        );
        assert_eq!(bootstrap_ip(&v4, ip("8.8.8.8")), None);
        assert_eq!(bootstrap_domain(&json!({}), "a.com"), None);
    }

    #[test]
    fn abuse_contacts_of_a_domain_answer() {
        let answer = json!({
            "objectClassName": "domain",
            "ldhName": "EXAMP1E.COM",
            "entities": [
                {"roles": ["registrar"], "vcardArray": ["vcard", [["fn", {}, "text", "Registrar Inc."]]],
                 "entities": [
                    {"roles": ["abuse"], "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["email", {}, "text", "abuse@registrar.example"], ["tel", {}, "uri", "tel:+1"]]]}
                 ]},
                {"roles": ["abuse", "technical"], "vcardArray": ["vcard", [["EMAIL", {}, "text", "mailto:noc@host.example"], ["email", {}, "text", "ABUSE@registrar.example"]]]},
                {"roles": ["registrant"], "vcardArray": ["vcard", [["email", {}, "text", "owner@private.example"]]]},
                {"roles": ["abuse"], "vcardArray": ["vcard", [["email", {}, "text", "not an address"]]]}
            ]
        });
        assert_eq!(
            abuse_contacts(&answer),
            vec![
                RdapContact {
                    role: "registrar",
                    email: "abuse@registrar.example".into()
                },
                RdapContact {
                    role: "abuse",
                    email: "noc@host.example".into()
                },
            ]
        );
        assert!(abuse_contacts(&json!({"entities": "x"})).is_empty());
        assert!(abuse_contacts(&json!(null)).is_empty());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut v = json!({"roles": ["abuse"], "vcardArray": ["vcard", [["email", {}, "text", "deep@x.example"]]]});
        for _ in 0..100 {
            v = json!({"entities": [v]});
        }
        assert!(abuse_contacts(&v).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in ".{0,200}", d in "[a-z0-9.]{0,40}") {
            let v: Value = serde_json::from_str(&s).unwrap_or(Value::String(s.clone()));
            let _ = abuse_contacts(&v);
            let _ = bootstrap_domain(&v, &d);
            let _ = bootstrap_ip(&v, "192.0.2.1".parse().expect("ip"));
        }
    }
}

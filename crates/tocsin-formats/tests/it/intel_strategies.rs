//! Proptest strategies of intel records shared by the TXT form and STIX tests: a
//! generated `IntelInput` with every field, times of the format's shape, and the free texts
//! 19, 22 and 23 written in the notations partners use (and in none).

use proptest::prelude::*;
use tocsin_domain::intel::IntelInput;

/// A date-time of the format's shape, and one a year later (for 事件解決時間).
pub fn times() -> impl Strategy<Value = (String, String)> {
    (
        2000i32..2098,
        1u8..=12,
        1u8..=28,
        (0u8..24, 0u8..60, 0u8..60),
        any::<bool>(),
        0u8..=13,
        prop::sample::select(vec![0u8, 30, 45]),
    )
        .prop_map(|(y, mo, d, (h, mi, sec), neg, oh, om)| {
            let sign = if neg { '-' } else { '+' };
            let at = |y: i32| {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}{sign}{oh:02}:{om:02}")
            };
            (at(y), at(y + 1))
        })
}

pub fn time() -> impl Strategy<Value = String> {
    times().prop_map(|(t, _)| t)
}

/// One-line text with the characters the syntax cares about.
pub fn line() -> impl Strategy<Value = String> {
    "[A-Za-z0-9資安情報攻擊惡意網站][A-Za-z0-9 資安情報攻擊惡意網站：:=\"\\\\()`\\[\\]\\.-]{0,30}"
}

/// A line of a free text: plain, indented, blank, or shaped like syntax.
pub fn text_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => line(),
        1 => line().prop_map(|l| format!("    {l}")),
        1 => Just(String::new()),
        1 => Just(s("   ")),
        1 => Just(s("情資主旨：偽造的欄位")),
        1 => Just(s("```")),
        1 => Just(s("Note: not a field")),
        1 => Just(s("\t縮排 tab")),
    ]
}

pub fn block() -> impl Strategy<Value = String> {
    prop::collection::vec(text_line(), 1..6).prop_map(|l| l.join("\n"))
}

pub fn optional<S: Strategy<Value = String>>(s: S) -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), s]
}

pub fn ip() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<std::net::Ipv4Addr>().prop_map(|a| a.to_string()),
        any::<std::net::Ipv6Addr>().prop_map(|a| a.to_string()),
    ]
}

pub fn port() -> impl Strategy<Value = String> {
    optional(any::<u16>().prop_map(|p| p.to_string()))
}

pub fn protocol() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "tcp", "udp", "HTTP", "smb", "dns-over-https"]).prop_map(s)
}

/// One address entry as people write it, in one of several notations.
pub fn address_line() -> impl Strategy<Value = String> {
    let sep = prop::sample::select(vec![", ", "，", "、", " ", "；"]);
    let direction = prop::sample::select(vec!["", "來源 ", "目的 ", "src ", "destination "]);
    (direction, ip(), port(), protocol(), sep, 0u8..5).prop_map(
        |(d, ip, port, proto, sep, shape)| {
            let v6 = ip.contains(':');
            match shape {
                0 => [ip, port, proto]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(sep),
                1 if !port.is_empty() && v6 => format!("{d}[{ip}]:{port}"),
                1 if !port.is_empty() => format!(
                    "{d}{ip}:{port}/{}",
                    if proto.is_empty() {
                        "tcp"
                    } else {
                        proto.as_str()
                    }
                ),
                2 => format!("ip={ip} port={port} protocol={proto}"),
                3 => format!("來源IP：{ip} 來源埠：{port}"),
                _ => format!("{d}{ip}"),
            }
        },
    )
}

/// A free text of addresses: entries, notes, nothing.
pub fn addresses() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(address_line(), 0..4).prop_map(|l| l.join("\n")),
        1 => Just(s("無")),
        1 => block(),
    ]
}

/// 掃描資訊 as people write it.
pub fn scans() -> impl Strategy<Value = String> {
    (line(), line(), line(), line(), 0u8..4).prop_map(|(e, t, v, r, shape)| match shape {
        0 => format!("{e}, {t}, {v}, {r}"),
        1 => format!("掃描引擎：{e}\n版本：{v}\n結果：{r}"),
        2 => format!("engine={} result={}", quote(&e), quote(&r)),
        _ => r,
    })
}

fn quote(v: &str) -> String {
    tocsin_domain::intel::notation::quote(v)
}

prop_compose! {
    pub fn intel_input()(
        category in prop::sample::select(vec!["ANA", "DEF", "INT", "EWA", "FBI", "fbi"]),
        tlp in prop::sample::select(vec![
            "RED", "AMBER", "AMBER+STRICT", "GREEN", "WHITE", "clear", "TLP:amber",
        ]),
        (subject, source, dispatch_id, event_subject) in
            (line(), line(), optional(line()), optional(line())),
        (published_at, (discovered, resolved), event_sent_at, source_time) in
            (time(), times(), optional(time()), time()),
        (has_discovered, has_resolved) in (any::<bool>(), any::<bool>()),
        content in block(),
        (intel_type, publisher, impact_level) in
            (optional(line()), optional(line()), optional((1u8..=4).prop_map(|n| n.to_string()))),
        (contact, recommendation, references, attachments, affected_platforms, technique) in
            (optional(block()), optional(block()), optional(block()), optional(block()),
             optional(block()), optional(block())),
        victim_ip in optional(addresses()),
        malicious_connections in optional(addresses()),
        scan_info in optional(scans()),
        source_id in line(),
    ) -> IntelInput {
        let fbi = category.eq_ignore_ascii_case("FBI");
        IntelInput {
            category: s(category),
            subject,
            source,
            published_at,
            tlp: s(tlp),
            dispatch_id,
            // ANA has no event.
            event_subject: if category == "ANA" { String::new() } else { event_subject },
            event_discovered_at: if has_discovered { discovered } else { String::new() },
            event_sent_at,
            event_resolved_at: if has_resolved { resolved } else { String::new() },
            // Starts with text, so it is never blank.
            content: format!("內容 {content}"),
            intel_type,
            publisher,
            contact,
            impact_level,
            recommendation,
            references,
            attachments,
            victim_ip,
            affected_platforms,
            technique,
            malicious_connections,
            scan_info,
            // FBI answers a record: its dispatch id and publication time.
            source_id: if fbi { source_id } else { String::new() },
            source_time: if fbi { source_time } else { String::new() },
        }
    }
}

fn s(v: &str) -> String {
    v.to_string()
}

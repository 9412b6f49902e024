//! Reading the three free texts of a record that carry structure: 受害IP (19),
//! 惡意IP連線資訊 (22) and 掃描資訊 (23).
//!
//! The seed defines them as strings (字串): "IP, port, protocol"; "several source or
//! destination IP, port, protocol entries"; "scan engine, engine type, version, result".
//! Partners write them as they like, so the text is kept exactly as written (it is what the
//! partner said, and what the TXT export writes back) and these readers only *derive*
//! entries from it: [`endpoints`], [`connections`] and [`scans`] never refuse, they say line
//! by line what they could not read ([`Warning`]), for the desk to look at.
//!
//! What the address readers understand, one or more entries a line:
//! - addresses `203.0.113.5`, `2001:db8::1`, defanged `203.0.113[.]5`, blocks
//!   `203.0.113.0/24`, with port and protocol `203.0.113.5:443/tcp`, `[2001:db8::1]:443`,
//!   `203.0.113.5 (443/tcp)`, `203.0.113.5 443 tcp`;
//! - positional lists `IP, port, protocol` separated by `,` `，` `、` `;` `；` `|` or spaces;
//!   several addresses on one line are several entries, several ports one entry each;
//! - labels in English or Chinese, before `=`, `:` or `：`, or alone before the value:
//!   `ip`, `port`, `protocol`, `direction`, `IP位址`, `埠`, `協定`, `方向`, and the
//!   directed ones `來源IP`, `目的埠`, `src_ip`, `dst`, `source`, `destination`, `from`,
//!   `to`, `來源`, `目的`, `目標`;
//! - `->` (or `→`, `=>`) between two endpoints: the left one is the source, the right one the
//!   destination (`<-` the reverse);
//! - tocsin's own `key=value` notation, with quoted values (`result="a \"b\""`);
//! - `無`, `N/A`, `none`, `-` and the like: nothing, and no warning.
//!
//! Full-width forms and the Big5 look-alikes (`：`, `，`, `∕`, `（`) are folded first. Words
//! beside an entry that was read (`203.0.113.5 (HiNet)`) are notes and raise nothing; a
//! line from which no entry comes, an address or a port that is not valid, or a range, is
//! a warning. [`scans`] reads `engine, type, version, result` by position, by label
//! (`掃描引擎：… 版本：…`, `engine=…`) or both over several lines.

use std::net::IpAddr;

use serde::Serialize;

use super::{Connection, Direction, Endpoint, ScanInfo, limits};
use crate::validate::FieldError;

/// What a reader derived from a field's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reading<T> {
    /// The entries read, in the text's order.
    pub entries: Vec<T>,
    /// What could not be read, in line order.
    pub warnings: Vec<Warning>,
}

impl<T> Default for Reading<T> {
    fn default() -> Self {
        Reading {
            entries: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// Something in a line of a field that could not be read: the text stays, nothing is
/// derived from that part of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The line within the field's text, 1-based.
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// What could not be read.
    #[serde(flatten)]
    pub kind: WarningKind,
}

/// Why (part of) a line gave no entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum WarningKind {
    /// Nothing on the line could be read as an entry.
    Unreadable,
    /// Shaped like an address but not a valid one (`999.1.1.1`, `203.0.113.0/33`).
    BadAddress {
        /// The word as written.
        token: String,
    },
    /// A port that is not a number from 0 to 65535.
    BadPort {
        /// The word as written.
        token: String,
    },
    /// A range of addresses or ports, which is not read as entries.
    Range {
        /// The word as written.
        token: String,
    },
    /// A protocol name with characters no protocol name has, or too long.
    BadProtocol {
        /// The word as written.
        token: String,
    },
    /// A direction that is neither source nor destination.
    BadDirection {
        /// The word as written.
        token: String,
    },
    /// More entries than [`limits::ENTRIES`]: the rest of the text is not read.
    TooMany {
        /// The limit.
        max: usize,
    },
}

impl Warning {
    /// The warning as a message (`warning-intel-*` ids, arguments `line`, `text` and
    /// `token` or `max`), to be translated like a field error.
    pub fn message(&self) -> FieldError {
        let (code, token) = match &self.kind {
            WarningKind::Unreadable => ("warning-intel-unreadable", None),
            WarningKind::BadAddress { token } => ("warning-intel-bad-address", Some(token)),
            WarningKind::BadPort { token } => ("warning-intel-bad-port", Some(token)),
            WarningKind::Range { token } => ("warning-intel-range", Some(token)),
            WarningKind::BadProtocol { token } => ("warning-intel-bad-protocol", Some(token)),
            WarningKind::BadDirection { token } => ("warning-intel-bad-direction", Some(token)),
            WarningKind::TooMany { max } => {
                return FieldError::new("warning-intel-too-many")
                    .arg("line", self.line)
                    .arg("max", max);
            }
        };
        let e = FieldError::new(code)
            .arg("line", self.line)
            .arg("text", self.text.trim());
        match token {
            Some(t) => e.arg("token", t),
            None => e,
        }
    }
}

/// Reads 受害IP: one [`Endpoint`] per address (and per port).
pub fn endpoints(text: &str) -> Reading<Endpoint> {
    let read = read_addresses(text);
    Reading {
        entries: read
            .entries
            .into_iter()
            .map(|d| Endpoint {
                ip: d.ip,
                prefix: d.prefix,
                port: d.port,
                protocol: d.protocol,
            })
            .collect(),
        warnings: read.warnings,
    }
}

/// Reads 惡意IP連線資訊: one [`Connection`] per address (and per port), with its direction
/// where the text gives one.
pub fn connections(text: &str) -> Reading<Connection> {
    let read = read_addresses(text);
    Reading {
        entries: read
            .entries
            .into_iter()
            .map(|d| Connection {
                direction: d.direction,
                ip: d.ip,
                prefix: d.prefix,
                port: d.port,
                protocol: d.protocol,
            })
            .collect(),
        warnings: read.warnings,
    }
}

/// True for a text that says there is nothing: empty, `無`, `N/A`, `none`, `-`…
pub fn is_nothing(text: &str) -> bool {
    let folded = fold(text);
    let t = folded
        .trim()
        .trim_end_matches(['.', '。'])
        .trim()
        .to_lowercase();
    t.is_empty()
        || matches!(
            t.as_str(),
            "無" | "无"
                | "沒有"
                | "暫無"
                | "尚無"
                | "無資料"
                | "無相關資料"
                | "無相關資訊"
                | "不適用"
                | "未知"
                | "不明"
                | "n/a"
                | "na"
                | "none"
                | "nil"
                | "null"
                | "unknown"
                | "nothing"
                | "-"
                | "--"
                | "---"
                | "x"
        )
}

/// A value in tocsin's `key=value` notation: bare when it has no white space, `"` or `=`,
/// else quoted with `\"`, `\\` and `\n`.
pub fn quote(v: &str) -> String {
    let bare = !v.is_empty() && !v.chars().any(|c| c.is_whitespace() || c == '"' || c == '=');
    if bare {
        return v.to_owned();
    }
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------
// Folding and splitting a line
// ---------------------------------------------------------------------------------------

/// The line with full-width forms, Big5 look-alikes and defanging undone, arrows spaced.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '、' | '﹐' | '､' => ',',
            '﹔' => ';',
            '﹕' | '∶' => ':',
            '∕' => '/',
            '﹙' => '(',
            '﹚' => ')',
            '。' => ' ',
            '–' | '—' | '―' | '‐' => '-',
            '→' | '⇒' | '➔' | '➜' | '⟶' => {
                out.push_str(" -> ");
                continue;
            }
            '←' | '⇐' | '⟵' => {
                out.push_str(" <- ");
                continue;
            }
            c => c,
        };
        out.push(c);
    }
    for (from, to) in [
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("(dot)", "."),
        ("[DOT]", "."),
        ("(DOT)", "."),
        ("[:]", ":"),
    ] {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// A piece of a line between separators.
#[derive(Debug, PartialEq)]
enum Chunk {
    /// A word; a quoted part is in it without its quotes.
    Text(String),
    /// `->` (true) or `<-` (false).
    Arrow(bool),
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '|' | '(' | ')')
}

/// Splits a folded line at separators, keeping quoted parts whole and arrows apart.
fn chunks(line: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut it = line.char_indices().peekable();
    let flush = |word: &mut String, out: &mut Vec<Chunk>| {
        if !word.is_empty() {
            out.push(Chunk::Text(std::mem::take(word)));
        }
    };
    while let Some((i, c)) = it.next() {
        let rest = &line[i..];
        let arrow = [
            ("-->", true),
            ("->", true),
            ("=>", true),
            ("<--", false),
            ("<-", false),
        ]
        .into_iter()
        .find(|(a, _)| rest.starts_with(a));
        if let Some((a, forward)) = arrow {
            flush(&mut word, &mut out);
            out.push(Chunk::Arrow(forward));
            for _ in 1..a.len() {
                it.next();
            }
            continue;
        }
        if c == '"' {
            // A quoted part, with \" and \\ (and \n) as in tocsin's own notation.
            while let Some((_, q)) = it.next() {
                match q {
                    '"' => break,
                    '\\' => match it.next() {
                        Some((_, '"')) => word.push('"'),
                        Some((_, '\\')) => word.push('\\'),
                        Some((_, 'n')) => word.push('\n'),
                        Some((_, other)) => {
                            word.push('\\');
                            word.push(other);
                        }
                        None => word.push('\\'),
                    },
                    q => word.push(q),
                }
            }
            // An empty quoted value is still a value.
            if word.is_empty() {
                word.push('\u{0}');
            }
            continue;
        }
        if is_separator(c) {
            flush(&mut word, &mut out);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    for c in &mut out {
        if let Chunk::Text(w) = c {
            w.retain(|ch| ch != '\u{0}');
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------

/// What a label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Ip,
    Port,
    Protocol,
    Direction,
    /// A direction alone (`來源`, `src`): the address that follows goes that way.
    None,
}

/// A label: what it names and, for `來源IP`, `dst_port`…, which way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Label {
    slot: Slot,
    direction: Option<Direction>,
}

/// The word with case, `_`, `-`, `.`, spaces and `端` (`來源端`) taken out.
fn squash(word: &str) -> String {
    word.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' ' | '端'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn slot_name(s: &str) -> Option<Slot> {
    Some(match s {
        "" => Slot::None,
        "ip" | "ips" | "ipaddress" | "ipaddr" | "address" | "addr" | "host" | "位址" | "地址"
        | "ip位址" | "ip地址" | "ip位置" | "主機" => Slot::Ip,
        "port" | "ports" | "portnumber" | "埠" | "埠號" | "連接埠" | "通訊埠" | "端口" | "口" => {
            Slot::Port
        }
        "protocol" | "proto" | "協定" | "通訊協定" | "協議" | "傳輸協定" => {
            Slot::Protocol
        }
        "direction" | "dir" | "方向" | "連線方向" => Slot::Direction,
        _ => return None,
    })
}

const DIRECTION_PREFIXES: [(&str, Direction); 15] = [
    ("destination", Direction::Destination),
    ("source", Direction::Source),
    ("攻擊來源", Direction::Source),
    ("目的地", Direction::Destination),
    ("dest", Direction::Destination),
    ("from", Direction::Source),
    ("src", Direction::Source),
    ("dst", Direction::Destination),
    ("來源", Direction::Source),
    ("目的", Direction::Destination),
    ("目標", Direction::Destination),
    ("to", Direction::Destination),
    ("源", Direction::Source),
    ("s", Direction::Source),
    ("d", Direction::Destination),
];

/// Reads a label word (without its `=` or colon).
fn label(word: &str) -> Option<Label> {
    let w = squash(word);
    if w.is_empty() {
        return None;
    }
    if let Some(slot) = slot_name(&w).filter(|s| *s != Slot::None) {
        return Some(Label {
            slot,
            direction: None,
        });
    }
    for (prefix, direction) in DIRECTION_PREFIXES {
        let Some(rest) = w.strip_prefix(prefix) else {
            continue;
        };
        // `s`/`d` only in `sport`, `dport`, `sip`… is too loose: just the ports.
        if prefix.len() == 1 && rest != "port" {
            continue;
        }
        if let Some(slot) = slot_name(rest).filter(|s| *s != Slot::Direction) {
            return Some(Label {
                slot,
                direction: Some(direction),
            });
        }
    }
    None
}

/// A direction written as a value (`source`, `目的`, `inbound`…).
fn direction_word(word: &str) -> Option<Direction> {
    let w = squash(word);
    match w.as_str() {
        "in" | "inbound" | "ingress" | "入" | "連入" => return Some(Direction::Source),
        "out" | "outbound" | "egress" | "出" | "連出" => return Some(Direction::Destination),
        _ => {}
    }
    label(word).and_then(|l| (l.slot == Slot::None).then_some(l.direction)?)
}

// ---------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------

/// Protocol names read without a label.
const PROTOCOLS: [&str; 52] = [
    "tcp", "udp", "icmp", "icmpv6", "sctp", "gre", "esp", "ah", "http", "https", "ftp", "ftps",
    "sftp", "ssh", "telnet", "smtp", "smtps", "pop3", "pop3s", "imap", "imaps", "dns", "doh",
    "dot", "rdp", "smb", "cifs", "snmp", "ntp", "ldap", "ldaps", "mysql", "mssql", "redis", "mqtt",
    "sip", "tls", "ssl", "irc", "vnc", "nfs", "rpc", "netbios", "modbus", "dnp3", "bacnet", "quic",
    "tftp", "socks", "socks5", "tor", "ws",
];

fn known_protocol(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    PROTOCOLS.contains(&w.as_str())
}

/// A protocol name as tocsin keeps it (lower case), if it is one.
fn protocol(word: &str) -> Option<String> {
    let ok = !word.is_empty()
        && word.chars().count() <= limits::PROTOCOL
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    ok.then(|| word.to_ascii_lowercase())
}

/// A parsed address, with what was written with it.
#[derive(Clone, Debug, PartialEq)]
struct Address {
    ip: IpAddr,
    prefix: Option<u8>,
    port: Option<u16>,
    protocol: Option<String>,
}

/// What a word may be.
#[derive(Debug, PartialEq)]
enum Word {
    Address(Address),
    Port(u16, Option<String>),
    Protocol(String),
    Direction(Direction),
    Label(Label),
    Problem(WarningKind),
    Nothing,
    Other,
}

/// Shaped like an IP address: digits and dots with three dots, or hex and colons with two.
fn ip_shaped(s: &str) -> bool {
    let v4 = s.matches('.').count() == 3
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    // Not `12:30:45`, a time: an IPv6 address has `::` or at least three colons.
    let v6 = (s.contains("::") || s.matches(':').count() >= 3)
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
    v4 || v6
}

fn port_number(s: &str) -> Option<Result<u16, WarningKind>> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(s.parse::<u16>().map_err(|_| WarningKind::BadPort {
        token: s.to_owned(),
    }))
}

/// `203.0.113.5`, `…/24`, `…:443`, `…:443/tcp`, `…/tcp`, `[v6]:443`, `v6/64`: the address,
/// a problem when it is shaped like one but is not valid, `None` when it is no address.
fn address(word: &str) -> Option<Result<Address, WarningKind>> {
    let bad = || {
        Some(Err(WarningKind::BadAddress {
            token: word.to_owned(),
        }))
    };
    let (host, rest) = if let Some(inner) = word.strip_prefix('[') {
        let (h, r) = inner.split_once(']')?;
        (h, r)
    } else if word.matches(':').count() >= 2 {
        // A bare IPv6 address takes every colon: no port without brackets.
        word.split_at(word.find('/').unwrap_or(word.len()))
    } else {
        let end = word.find([':', '/']).unwrap_or(word.len());
        word.split_at(end)
    };
    if !ip_shaped(host) {
        return None;
    }
    let Ok(ip) = host.parse::<IpAddr>() else {
        return bad();
    };
    let mut a = Address {
        ip,
        prefix: None,
        port: None,
        protocol: None,
    };
    let mut rest = rest;
    if let Some(r) = rest.strip_prefix(':') {
        let end = r.find('/').unwrap_or(r.len());
        match port_number(&r[..end]) {
            Some(Ok(p)) => a.port = Some(p),
            _ => return bad(),
        }
        rest = &r[end..];
    }
    if let Some(r) = rest.strip_prefix('/') {
        if a.port.is_none() && !r.is_empty() && r.chars().all(|c| c.is_ascii_digit()) {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            match r.parse::<u8>() {
                Ok(p) if p <= max => a.prefix = Some(p),
                _ => return bad(),
            }
        } else {
            match protocol(r) {
                Some(p) => a.protocol = Some(p),
                None => return bad(),
            }
        }
    } else if !rest.is_empty() {
        return bad();
    }
    Some(Ok(a))
}

/// A range `a-b` of addresses or ports.
fn is_range(word: &str) -> bool {
    let Some((a, b)) = word.split_once('-') else {
        return false;
    };
    let part = |s: &str| !s.is_empty() && (ip_shaped(s) || s.chars().all(|c| c.is_ascii_digit()));
    part(a) && part(b)
}

/// What an unlabelled word is.
fn word(w: &str) -> Word {
    // A sentence's full stop after an address.
    let w = w.strip_suffix('.').filter(|s| ip_shaped(s)).unwrap_or(w);
    if is_nothing(w) {
        return Word::Nothing;
    }
    if let Some(r) = address(w) {
        return match r {
            Ok(a) => Word::Address(a),
            Err(k) => Word::Problem(k),
        };
    }
    if let Some(r) = port_number(w) {
        return match r {
            Ok(p) => Word::Port(p, None),
            Err(k) => Word::Problem(k),
        };
    }
    if is_range(w) {
        return Word::Problem(WarningKind::Range {
            token: w.to_owned(),
        });
    }
    // `443/tcp`, `tcp/443`.
    if let Some((a, b)) = w.split_once('/') {
        let pair = match (port_number(a), port_number(b)) {
            (Some(Ok(p)), None) if known_protocol(b) => Some((p, b)),
            (None, Some(Ok(p))) if known_protocol(a) => Some((p, a)),
            _ => None,
        };
        if let Some((p, proto)) = pair {
            return Word::Port(p, Some(proto.to_ascii_lowercase()));
        }
    }
    if known_protocol(w) {
        return Word::Protocol(w.to_ascii_lowercase());
    }
    if let Some(l) = label(w) {
        return match (l.slot, l.direction) {
            (Slot::None, Some(d)) => Word::Direction(d),
            _ => Word::Label(l),
        };
    }
    if let Some(d) = direction_word(w) {
        return Word::Direction(d);
    }
    Word::Other
}

/// A value after a label: read as the label says.
fn labelled(l: Label, value: &str) -> Word {
    match l.slot {
        Slot::Protocol => match word(value) {
            w @ Word::Port(_, Some(_)) => w,
            _ => match protocol(value) {
                Some(p) => Word::Protocol(p),
                None if is_nothing(value) => Word::Nothing,
                None => Word::Problem(WarningKind::BadProtocol {
                    token: value.to_owned(),
                }),
            },
        },
        Slot::Direction => match direction_word(value) {
            Some(d) => Word::Direction(d),
            None if is_nothing(value) => Word::Nothing,
            None => Word::Problem(WarningKind::BadDirection {
                token: value.to_owned(),
            }),
        },
        Slot::Port => match word(value) {
            w @ (Word::Port(..) | Word::Nothing | Word::Problem(_)) => w,
            _ => Word::Problem(WarningKind::BadPort {
                token: value.to_owned(),
            }),
        },
        Slot::Ip | Slot::None => match word(value) {
            w @ (Word::Address(_) | Word::Nothing | Word::Problem(_)) => w,
            _ => Word::Problem(WarningKind::BadAddress {
                token: value.to_owned(),
            }),
        },
    }
}

/// A line's items: words read, labels applied to the value they carry.
#[derive(Debug, PartialEq)]
enum Item {
    Label(Label),
    Word(Word),
    Arrow(bool),
}

fn items(line: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for chunk in chunks(&fold(line)) {
        let w = match chunk {
            Chunk::Arrow(f) => {
                out.push(Item::Arrow(f));
                continue;
            }
            Chunk::Text(w) => w,
        };
        // `key=value`, `key:value`, `key:` (the value follows), or a word.
        let split = w
            .split_once('=')
            .or_else(|| match address(&w) {
                Some(_) => None,
                None => w.split_once(':'),
            })
            .and_then(|(k, v)| label(k).map(|l| (l, v)));
        match split {
            Some((l, v)) => {
                out.push(Item::Label(l));
                if !v.is_empty() {
                    out.push(Item::Word(labelled(l, v)));
                }
            }
            None => {
                // A note before an address (`C2:198.51.100.7:443`, `主機A=203.0.113.5`).
                let noted = (address(&w).is_none())
                    .then(|| w.split_once(['=', ':']))
                    .flatten()
                    .map(|(_, v)| word(v))
                    .filter(|v| matches!(v, Word::Address(_)));
                out.push(Item::Word(noted.unwrap_or_else(|| word(&w))));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Assembling entries
// ---------------------------------------------------------------------------------------

/// An entry being read.
#[derive(Clone, Debug, PartialEq)]
struct Draft {
    direction: Option<Direction>,
    ip: IpAddr,
    prefix: Option<u8>,
    port: Option<u16>,
    protocol: Option<String>,
}

/// Reads the address lines of 受害IP or 惡意IP連線資訊.
fn read_addresses(text: &str) -> Reading<Draft> {
    let mut out = Reading::default();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if is_nothing(line) {
            continue;
        }
        let (entries, problems) = read_line(line);
        let empty = entries.is_empty();
        out.entries.extend(entries);
        for kind in problems {
            out.warnings.push(Warning {
                line: n,
                text: line.to_owned(),
                kind,
            });
        }
        if empty && !out.warnings.iter().any(|w| w.line == n) {
            out.warnings.push(Warning {
                line: n,
                text: line.to_owned(),
                kind: WarningKind::Unreadable,
            });
        }
        if out.entries.len() > limits::ENTRIES {
            out.entries.truncate(limits::ENTRIES);
            out.warnings.push(Warning {
                line: n,
                text: line.to_owned(),
                kind: WarningKind::TooMany {
                    max: limits::ENTRIES,
                },
            });
            break;
        }
    }
    out
}

/// The entries of one line and what could not be read in it.
fn read_line(line: &str) -> (Vec<Draft>, Vec<WarningKind>) {
    let items = items(line);
    let mut entries: Vec<Draft> = Vec::new();
    let mut problems = Vec::new();
    // What came before the line's first address: it goes with the next address.
    let mut pending_port: Option<(u16, Option<String>)> = None;
    let mut pending_protocol: Option<String> = None;
    let mut pending_direction: Option<Direction> = None;
    let mut label_now: Option<Label> = None;
    for (i, item) in items.iter().enumerate() {
        let label_here = label_now.take();
        match item {
            Item::Label(l) => {
                if matches!(l.slot, Slot::Ip | Slot::None) && l.direction.is_some() {
                    pending_direction = l.direction;
                }
                label_now = Some(*l);
            }
            Item::Arrow(forward) => {
                let (before, after) = if *forward {
                    (Direction::Source, Direction::Destination)
                } else {
                    (Direction::Destination, Direction::Source)
                };
                if let Some(last) = entries.last_mut() {
                    last.direction.get_or_insert(before);
                }
                pending_direction = Some(after);
            }
            Item::Word(w) => match w {
                Word::Address(a) => {
                    let (port, port_protocol) = match pending_port.take() {
                        Some((p, proto)) => (Some(p), proto),
                        None => (None, None),
                    };
                    entries.push(Draft {
                        direction: pending_direction.take(),
                        ip: a.ip,
                        prefix: a.prefix,
                        port: a.port.or(port),
                        protocol: a
                            .protocol
                            .clone()
                            .or(port_protocol)
                            .or_else(|| pending_protocol.take()),
                    });
                }
                Word::Port(p, proto) => {
                    let wanted = label_here.and_then(|l| l.direction);
                    let target = match wanted {
                        Some(d) => entries.iter().rposition(|e| e.direction == Some(d)),
                        None => entries.len().checked_sub(1),
                    };
                    match target.and_then(|t| entries.get_mut(t)) {
                        Some(e) if e.port.is_none() => {
                            e.port = Some(*p);
                            if proto.is_some() {
                                e.protocol.clone_from(proto);
                            }
                        }
                        Some(e) => {
                            let mut more = e.clone();
                            more.port = Some(*p);
                            if proto.is_some() {
                                more.protocol.clone_from(proto);
                            }
                            entries.push(more);
                        }
                        None => pending_port = Some((*p, proto.clone())),
                    }
                }
                Word::Protocol(p) => match entries.last_mut() {
                    Some(e) if e.protocol.is_none() => e.protocol = Some(p.clone()),
                    Some(e) => {
                        let mut more = e.clone();
                        more.protocol = Some(p.clone());
                        entries.push(more);
                    }
                    None => pending_protocol = Some(p.clone()),
                },
                Word::Direction(d) => {
                    // Before an address it says where that one goes; after the line's last
                    // address (`203.0.113.5, 443, tcp, 來源`) it says where that one went.
                    let address_follows = items[i + 1..]
                        .iter()
                        .any(|it| matches!(it, Item::Word(Word::Address(_)) | Item::Arrow(_)));
                    match entries.last_mut() {
                        Some(e) if !address_follows && e.direction.is_none() => {
                            e.direction = Some(*d)
                        }
                        _ => pending_direction = Some(*d),
                    }
                }
                Word::Problem(k) => problems.push(k.clone()),
                Word::Label(l) => {
                    if matches!(l.slot, Slot::Ip | Slot::None) && l.direction.is_some() {
                        pending_direction = l.direction;
                    }
                    label_now = Some(*l);
                }
                Word::Nothing | Word::Other => {}
            },
        }
    }
    (entries, problems)
}

// ---------------------------------------------------------------------------------------
// 掃描資訊
// ---------------------------------------------------------------------------------------

/// The four parts of a scan entry, in the seed's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScanPart {
    Engine,
    EngineType,
    Version,
    Result,
}

/// Labels of the scan parts (squashed, as [`squash`] makes them), longest first within a
/// part does not matter: a label is matched whole.
const SCAN_LABELS: [(&str, ScanPart); 38] = [
    ("engine", ScanPart::Engine),
    ("scanengine", ScanPart::Engine),
    ("scanner", ScanPart::Engine),
    ("av", ScanPart::Engine),
    ("掃描引擎", ScanPart::Engine),
    ("引擎", ScanPart::Engine),
    ("引擎名稱", ScanPart::Engine),
    ("掃描工具", ScanPart::Engine),
    ("工具", ScanPart::Engine),
    ("防毒引擎", ScanPart::Engine),
    ("防毒軟體", ScanPart::Engine),
    ("enginetype", ScanPart::EngineType),
    ("type", ScanPart::EngineType),
    ("類型", ScanPart::EngineType),
    ("引擎類型", ScanPart::EngineType),
    ("種類", ScanPart::EngineType),
    ("引擎種類", ScanPart::EngineType),
    ("掃描類型", ScanPart::EngineType),
    ("類別", ScanPart::EngineType),
    ("version", ScanPart::Version),
    ("ver", ScanPart::Version),
    ("engineversion", ScanPart::Version),
    ("版本", ScanPart::Version),
    ("引擎版本", ScanPart::Version),
    ("病毒碼版本", ScanPart::Version),
    ("病毒碼", ScanPart::Version),
    ("result", ScanPart::Result),
    ("results", ScanPart::Result),
    ("結果", ScanPart::Result),
    ("掃描結果", ScanPart::Result),
    ("detection", ScanPart::Result),
    ("偵測結果", ScanPart::Result),
    ("檢測結果", ScanPart::Result),
    ("判定", ScanPart::Result),
    ("判定結果", ScanPart::Result),
    ("病毒名稱", ScanPart::Result),
    ("惡意程式名稱", ScanPart::Result),
    ("verdict", ScanPart::Result),
];

fn scan_label(word: &str) -> Option<ScanPart> {
    let w = squash(word);
    SCAN_LABELS
        .iter()
        .find(|(name, _)| *name == w)
        .map(|(_, p)| *p)
}

/// Engine types read by position without a label.
const ENGINE_TYPES: [&str; 18] = [
    "antivirus",
    "anti-virus",
    "av",
    "防毒",
    "防毒軟體",
    "sandbox",
    "沙箱",
    "ids",
    "ips",
    "edr",
    "xdr",
    "ndr",
    "yara",
    "waf",
    "scanner",
    "vulnerability scanner",
    "弱點掃描",
    "掃描器",
];

/// `1.0.5`, `v0.105.1`, `27000/20261201`: a version.
fn version_like(s: &str) -> bool {
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.contains('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '+'))
}

/// Reads 掃描資訊: an entry per line written by position, or the labelled parts of one or
/// more lines (a part given again starts the next entry).
pub fn scans(text: &str) -> Reading<ScanInfo> {
    let mut out = Reading::default();
    let mut current: Option<ScanInfo> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if is_nothing(line) {
            continue;
        }
        let folded = fold(line);
        if let Some(parts) = labelled_scan(&folded) {
            let cur = current.get_or_insert_with(ScanInfo::default);
            let clash = parts.iter().any(|(p, _)| !part(cur, *p).is_empty());
            if clash {
                out.entries.extend(current.take());
            }
            let cur = current.get_or_insert_with(ScanInfo::default);
            for (p, v) in parts {
                let slot = part_mut(cur, p);
                if slot.is_empty() {
                    *slot = v;
                }
            }
            continue;
        }
        out.entries.extend(current.take());
        match positional_scan(&folded) {
            Some(s) => out.entries.push(s),
            None => out.warnings.push(Warning {
                line: n,
                text: line.to_owned(),
                kind: WarningKind::Unreadable,
            }),
        }
        if out.entries.len() >= limits::ENTRIES {
            break;
        }
    }
    out.entries.extend(current.take());
    out.entries.retain(|s| !s.is_empty());
    out
}

fn part(s: &ScanInfo, p: ScanPart) -> &str {
    match p {
        ScanPart::Engine => &s.engine,
        ScanPart::EngineType => &s.engine_type,
        ScanPart::Version => &s.version,
        ScanPart::Result => &s.result,
    }
}

fn part_mut(s: &mut ScanInfo, p: ScanPart) -> &mut String {
    match p {
        ScanPart::Engine => &mut s.engine,
        ScanPart::EngineType => &mut s.engine_type,
        ScanPart::Version => &mut s.version,
        ScanPart::Result => &mut s.result,
    }
}

/// A line of labelled parts (`engine=ClamAV version=1.0`, `掃描引擎：ClamAV，版本：1.0`):
/// each value runs to the next label. `None` when the line has no label.
fn labelled_scan(line: &str) -> Option<Vec<(ScanPart, String)>> {
    // Where each label starts and its value begins.
    let mut marks: Vec<(usize, usize, ScanPart)> = Vec::new();
    let mut start = 0;
    let bytes_at_boundary = |i: usize| {
        i == 0
            || line[..i]
                .chars()
                .next_back()
                .is_some_and(|c| is_separator(c) || c == '"')
    };
    for (i, c) in line.char_indices() {
        if !matches!(c, ':' | '=') {
            continue;
        }
        // The label is the word (spaces allowed: `Engine type`) before the colon, back to
        // the previous separator other than a space, or to a known label's start.
        let before = &line[start..i];
        let found = (0..before.len())
            .filter(|&k| before.is_char_boundary(k) && bytes_at_boundary(start + k))
            .find_map(|k| scan_label(before[k..].trim()).map(|p| (start + k, p)));
        if let Some((at, p)) = found {
            marks.push((at, i + c.len_utf8(), p));
        }
        start = i + c.len_utf8();
    }
    if marks.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for (k, (_, value_from, p)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(line.len(), |m| m.0);
        let raw = line[*value_from..end]
            .trim()
            .trim_end_matches([',', ';', '|'])
            .trim();
        let value = unquote(raw);
        if !value.is_empty() && !parts.iter().any(|(q, _)| q == p) {
            parts.push((*p, value));
        }
    }
    Some(parts)
}

/// A value in tocsin's quotes, unescaped; anything else as it is.
fn unquote(raw: &str) -> String {
    if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        match chunks(raw).as_slice() {
            [Chunk::Text(t)] => t.clone(),
            _ => raw.to_owned(),
        }
    } else {
        raw.to_owned()
    }
}

/// A line by position: `engine, type, version, result` (a longer result keeps its commas);
/// with two or three parts, the version and the type are told by their look.
fn positional_scan(line: &str) -> Option<ScanInfo> {
    let mut parts: Vec<&str> = line
        .split([',', ';', '|', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() == 1 {
        // `ClamAV 1.0.5 Win.Trojan.Agent`: words, read only with a version second.
        let words: Vec<&str> = line.split_whitespace().collect();
        return match words.as_slice() {
            [engine, version, rest @ ..] if version_like(version) => Some(ScanInfo {
                engine: (*engine).to_owned(),
                engine_type: String::new(),
                version: (*version).to_owned(),
                result: rest.join(" "),
            }),
            _ => None,
        };
    }
    if parts.len() >= 4 {
        let result = parts.split_off(3).join(", ");
        let [engine, engine_type, version] = [parts[0], parts[1], parts[2]];
        return Some(ScanInfo {
            engine: engine.to_owned(),
            engine_type: engine_type.to_owned(),
            version: version.to_owned(),
            result,
        });
    }
    let mut s = ScanInfo {
        engine: parts.first()?.to_string(),
        ..ScanInfo::default()
    };
    for p in &parts[1..] {
        if s.version.is_empty() && version_like(p) {
            s.version = (*p).to_owned();
        } else if s.engine_type.is_empty()
            && s.result.is_empty()
            && ENGINE_TYPES.contains(&p.to_lowercase().as_str())
        {
            s.engine_type = (*p).to_owned();
        } else if s.result.is_empty() {
            s.result = (*p).to_owned();
        } else {
            s.result = format!("{}, {p}", s.result);
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(text: &str) -> Vec<String> {
        endpoints(text)
            .entries
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn words() {
        assert_eq!(
            label("來源IP"),
            Some(Label {
                slot: Slot::Ip,
                direction: Some(Direction::Source)
            })
        );
        assert_eq!(
            label("dst_port"),
            Some(Label {
                slot: Slot::Port,
                direction: Some(Direction::Destination)
            })
        );
        assert_eq!(
            label("sport"),
            Some(Label {
                slot: Slot::Port,
                direction: Some(Direction::Source)
            })
        );
        assert_eq!(label("sip"), None);
        assert_eq!(label("total"), None);
        assert_eq!(word("來源"), Word::Direction(Direction::Source));
        assert!(matches!(
            word("999.1.1.1"),
            Word::Problem(WarningKind::BadAddress { .. })
        ));
        assert!(matches!(
            word("203.0.113.0/33"),
            Word::Problem(WarningKind::BadAddress { .. })
        ));
        assert!(matches!(
            word("70000"),
            Word::Problem(WarningKind::BadPort { .. })
        ));
        assert!(matches!(
            word("1.2.3.4-1.2.3.9"),
            Word::Problem(WarningKind::Range { .. })
        ));
        assert_eq!(word("2026"), Word::Port(2026, None));
    }

    #[test]
    fn simple_lines() {
        assert_eq!(ep("203.0.113.5, 443, tcp"), ["203.0.113.5:443/tcp"]);
        assert_eq!(ep("[2001:db8::1]:443"), ["[2001:db8::1]:443"]);
        assert_eq!(ep("無"), Vec::<String>::new());
        assert!(endpoints("N/A").warnings.is_empty());
    }
}

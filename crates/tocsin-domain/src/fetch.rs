//! The evidence fetcher's pure rules: which IP addresses it must never connect to
//! ([`forbidden`]), where a URL sends it ([`target`]) and where a redirect leads
//! ([`redirect_target`]).
//!
//! A reported URL is chosen by whoever reported it, so a fetch must not become a way into
//! the desk's own network. [`forbidden`] refuses every block of the IANA IPv4 and IPv6
//! special-purpose address registries, IPv4 and IPv6 multicast, and every IPv6 address
//! outside global unicast (`2000::/3`). IPv6 forms that carry an IPv4 address (IPv4-mapped
//! `::ffff:0:0/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address
//! inside, because that is where the packets go.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A special-purpose address block, as the IANA registry names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpecialBlock {
    /// The block in CIDR notation, e.g. `127.0.0.0/8`.
    pub cidr: &'static str,
    /// What the block is for, e.g. `loopback`.
    pub name: &'static str,
}

impl fmt::Display for SpecialBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.cidr, self.name)
    }
}

/// Why an address is refused: the block it is in and, for an IPv4 address carried inside
/// an IPv6 one, the IPv6 block that carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Forbidden {
    /// The special-purpose block the address (or the IPv4 address inside it) falls in.
    pub block: SpecialBlock,
    /// The IPv6 block (IPv4-mapped, NAT64, 6to4) the refused IPv4 address was found in.
    pub inside: Option<SpecialBlock>,
}

impl fmt::Display for Forbidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inside {
            Some(outer) => write!(f, "{} inside {outer}", self.block),
            None => self.block.fmt(f),
        }
    }
}

const fn block(cidr: &'static str, name: &'static str) -> SpecialBlock {
    SpecialBlock { cidr, name }
}

/// IPv4 blocks never connected to: the IANA IPv4 special-purpose registry, whole blocks even
/// where a few addresses inside are globally reachable (no reported page lives on
/// AS112 or AMT infrastructure), plus multicast. Limited broadcast comes before `240.0.0.0/4`
/// so it is named as itself.
#[rustfmt::skip]
const V4: &[(Ipv4Addr, u8, SpecialBlock)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8, block("0.0.0.0/8", "this network")),
    (Ipv4Addr::new(10, 0, 0, 0), 8, block("10.0.0.0/8", "private use")),
    (Ipv4Addr::new(100, 64, 0, 0), 10, block("100.64.0.0/10", "shared address space")),
    (Ipv4Addr::new(127, 0, 0, 0), 8, block("127.0.0.0/8", "loopback")),
    (Ipv4Addr::new(169, 254, 0, 0), 16, block("169.254.0.0/16", "link local")),
    (Ipv4Addr::new(172, 16, 0, 0), 12, block("172.16.0.0/12", "private use")),
    (Ipv4Addr::new(192, 0, 0, 0), 24, block("192.0.0.0/24", "IETF protocol assignments")),
    (Ipv4Addr::new(192, 0, 2, 0), 24, block("192.0.2.0/24", "documentation (TEST-NET-1)")),
    (Ipv4Addr::new(192, 31, 196, 0), 24, block("192.31.196.0/24", "AS112-v4")),
    (Ipv4Addr::new(192, 52, 193, 0), 24, block("192.52.193.0/24", "AMT")),
    (Ipv4Addr::new(192, 88, 99, 0), 24, block("192.88.99.0/24", "6to4 relay anycast")),
    (Ipv4Addr::new(192, 168, 0, 0), 16, block("192.168.0.0/16", "private use")),
    (Ipv4Addr::new(192, 175, 48, 0), 24, block("192.175.48.0/24", "AS112 direct delegation")),
    (Ipv4Addr::new(198, 18, 0, 0), 15, block("198.18.0.0/15", "benchmarking")),
    (Ipv4Addr::new(198, 51, 100, 0), 24, block("198.51.100.0/24", "documentation (TEST-NET-2)")),
    (Ipv4Addr::new(203, 0, 113, 0), 24, block("203.0.113.0/24", "documentation (TEST-NET-3)")),
    (Ipv4Addr::new(224, 0, 0, 0), 4, block("224.0.0.0/4", "multicast")),
    (Ipv4Addr::new(255, 255, 255, 255), 32, block("255.255.255.255/32", "limited broadcast")),
    (Ipv4Addr::new(240, 0, 0, 0), 4, block("240.0.0.0/4", "reserved")),
];

/// IPv6 blocks never connected to, from the IANA IPv6 special-purpose and multicast
/// registries. `64:ff9b:1::/48` is refused whole: it is for local translation and its
/// prefix length, hence where an IPv4 address would sit, is each network's choice.
#[rustfmt::skip]
const V6: &[(Ipv6Addr, u8, SpecialBlock)] = &[
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 128, block("::/128", "unspecified")),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1), 128, block("::1/128", "loopback")),
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48, block("64:ff9b:1::/48", "local-use IPv4/IPv6 translation")),
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64, block("100::/64", "discard only")),
    (Ipv6Addr::new(0x100, 0, 0, 1, 0, 0, 0, 0), 64, block("100:0:0:1::/64", "dummy prefix")),
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23, block("2001::/23", "IETF protocol assignments")),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, block("2001:db8::/32", "documentation")),
    (Ipv6Addr::new(0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0), 48, block("2620:4f:8000::/48", "AS112 direct delegation")),
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20, block("3fff::/20", "documentation")),
    (Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0), 16, block("5f00::/16", "SRv6 SIDs")),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, block("fc00::/7", "unique local")),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, block("fe80::/10", "link local")),
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10, block("fec0::/10", "site local (deprecated)")),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, block("ff00::/8", "multicast")),
];

const MAPPED: SpecialBlock = block("::ffff:0:0/96", "IPv4-mapped");
const NAT64: SpecialBlock = block("64:ff9b::/96", "IPv4/IPv6 translation");
const SIX_TO_FOUR: SpecialBlock = block("2002::/16", "6to4");
/// Everything outside `2000::/3` is reserved or special (the IPv6 address space registry),
/// so an address there that no row above names is refused too.
const NOT_GLOBAL: SpecialBlock = block("::/0 outside 2000::/3", "not global unicast");

fn in_v4(ip: Ipv4Addr, net: Ipv4Addr, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    ip.to_bits() & mask == net.to_bits() & mask
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    ip.to_bits() & mask == net.to_bits() & mask
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<Forbidden> {
    V4.iter()
        .find(|(net, len, _)| in_v4(ip, *net, *len))
        .map(|(_, _, block)| Forbidden {
            block: *block,
            inside: None,
        })
}

/// The IPv4 address an IPv6 address carries to a fixed place, and the block that says so.
fn embedded_v4(ip: Ipv6Addr) -> Option<(Ipv4Addr, SpecialBlock)> {
    let bits = ip.to_bits();
    let low32 = Ipv4Addr::from_bits(bits as u32);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some((v4, MAPPED));
    }
    if in_v6(ip, Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96) {
        return Some((low32, NAT64));
    }
    if in_v6(ip, Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16) {
        // 2002:AABB:CCDD::/48 is the 6to4 site of AA.BB.CC.DD.
        return Some((Ipv4Addr::from_bits((bits >> 80) as u32), SIX_TO_FOUR));
    }
    None
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<Forbidden> {
    if let Some((v4, outer)) = embedded_v4(ip) {
        return forbidden_v4(v4).map(|f| Forbidden {
            block: f.block,
            inside: Some(outer),
        });
    }
    if let Some((_, _, block)) = V6.iter().find(|(net, len, _)| in_v6(ip, *net, *len)) {
        return Some(Forbidden {
            block: *block,
            inside: None,
        });
    }
    if !in_v6(ip, Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3) {
        return Some(Forbidden {
            block: NOT_GLOBAL,
            inside: None,
        });
    }
    None
}

/// The special-purpose block that forbids connecting to `ip`, or `None` for an address on
/// the public internet.
pub fn forbidden(ip: IpAddr) -> Option<Forbidden> {
    match ip {
        IpAddr::V4(a) => forbidden_v4(a),
        IpAddr::V6(a) => forbidden_v6(a),
    }
}

/// The host part of a URL the fetcher connects to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A DNS name (ASCII, IDNA already applied), to be looked up.
    Name(String),
    /// An address literal, connected to as written.
    Ip(IpAddr),
}

/// Where one request of a fetch goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The URL as it is requested (the fragment dropped: it never goes on the wire).
    pub url: String,
    /// The host to resolve or connect to.
    pub host: Host,
    /// The port, the scheme's default unless the URL names one.
    pub port: u16,
}

/// Why a URL is not fetched.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The text is not a URL (relative to the page it came from, for a redirect).
    #[error("not a URL: {0}")]
    Unparsable(String),
    /// Only `http` and `https` are fetched.
    #[error("scheme {0} is not fetched")]
    Scheme(String),
    /// The URL names no host.
    #[error("the URL has no host")]
    NoHost,
}

fn target_of(mut url: url::Url) -> Result<Target, TargetError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::Scheme(url.scheme().to_string()));
    }
    url.set_fragment(None);
    let host = match url.host() {
        Some(url::Host::Domain(d)) => Host::Name(d.to_string()),
        Some(url::Host::Ipv4(a)) => Host::Ip(IpAddr::V4(a)),
        Some(url::Host::Ipv6(a)) => Host::Ip(IpAddr::V6(a)),
        None => return Err(TargetError::NoHost),
    };
    let port = url.port_or_known_default().ok_or(TargetError::NoHost)?;
    Ok(Target {
        url: url.to_string(),
        host,
        port,
    })
}

/// Where fetching `url` connects: its host and port, for an `http` or `https` URL.
pub fn target(url: &str) -> Result<Target, TargetError> {
    let parsed = url::Url::parse(url).map_err(|e| TargetError::Unparsable(e.to_string()))?;
    target_of(parsed)
}

/// Where a redirect from `base` with `Location: location` leads (a relative location is
/// read against `base`, as browsers do).
pub fn redirect_target(base: &str, location: &str) -> Result<Target, TargetError> {
    let base = url::Url::parse(base).map_err(|e| TargetError::Unparsable(e.to_string()))?;
    let next = base
        .join(location.trim())
        .map_err(|e| TargetError::Unparsable(e.to_string()))?;
    target_of(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each block of the registries, at its first and last address, and the IPv6 forms
    /// that carry an IPv4 address; the cidr named in the answer is checked too.
    #[test]
    fn every_special_block_is_refused() {
        for (ip, cidr) in [
            ("0.0.0.0", "0.0.0.0/8"),
            ("0.255.255.255", "0.0.0.0/8"),
            ("10.0.0.0", "10.0.0.0/8"),
            ("10.255.255.255", "10.0.0.0/8"),
            ("100.64.0.0", "100.64.0.0/10"),
            ("100.127.255.255", "100.64.0.0/10"),
            ("127.0.0.1", "127.0.0.0/8"),
            ("127.255.255.254", "127.0.0.0/8"),
            ("169.254.169.254", "169.254.0.0/16"),
            ("172.16.0.0", "172.16.0.0/12"),
            ("172.31.255.255", "172.16.0.0/12"),
            ("192.0.0.0", "192.0.0.0/24"),
            ("192.0.0.255", "192.0.0.0/24"),
            ("192.0.2.1", "192.0.2.0/24"),
            ("192.31.196.1", "192.31.196.0/24"),
            ("192.52.193.1", "192.52.193.0/24"),
            ("192.88.99.1", "192.88.99.0/24"),
            ("192.168.0.1", "192.168.0.0/16"),
            ("192.168.255.255", "192.168.0.0/16"),
            ("192.175.48.1", "192.175.48.0/24"),
            ("198.18.0.0", "198.18.0.0/15"),
            ("198.19.255.255", "198.18.0.0/15"),
            ("198.51.100.7", "198.51.100.0/24"),
            ("203.0.113.9", "203.0.113.0/24"),
            ("224.0.0.1", "224.0.0.0/4"),
            ("239.255.255.255", "224.0.0.0/4"),
            ("240.0.0.1", "240.0.0.0/4"),
            ("255.255.255.254", "240.0.0.0/4"),
            ("255.255.255.255", "255.255.255.255/32"),
            ("::", "::/128"),
            ("::1", "::1/128"),
            ("64:ff9b:1::1", "64:ff9b:1::/48"),
            ("64:ff9b:1:ffff::8.8.8.8", "64:ff9b:1::/48"),
            ("100::", "100::/64"),
            ("100::ffff:ffff:ffff:ffff", "100::/64"),
            ("100:0:0:1::1", "100:0:0:1::/64"),
            ("2001::1", "2001::/23"),
            ("2001:1ff:ffff::1", "2001::/23"),
            ("2001:db8::1", "2001:db8::/32"),
            ("2001:db8:ffff::1", "2001:db8::/32"),
            ("2620:4f:8000::1", "2620:4f:8000::/48"),
            ("3fff::1", "3fff::/20"),
            ("3fff:fff::1", "3fff::/20"),
            ("5f00::1", "5f00::/16"),
            ("fc00::1", "fc00::/7"),
            ("fdff:ffff::1", "fc00::/7"),
            ("fe80::1", "fe80::/10"),
            ("febf::1", "fe80::/10"),
            ("fec0::1", "fec0::/10"),
            ("ff02::1", "ff00::/8"),
            ("ffff::1", "ff00::/8"),
            // Unassigned space and the deprecated IPv4-compatible form.
            ("4000::1", "::/0 outside 2000::/3"),
            ("::127.0.0.1", "::/0 outside 2000::/3"),
            ("::8.8.8.8", "::/0 outside 2000::/3"),
            ("1::1", "::/0 outside 2000::/3"),
            // IPv4 inside IPv6: judged by the IPv4 address.
            ("::ffff:127.0.0.1", "127.0.0.0/8"),
            ("::ffff:10.0.0.1", "10.0.0.0/8"),
            ("::ffff:169.254.169.254", "169.254.0.0/16"),
            ("::ffff:0.0.0.0", "0.0.0.0/8"),
            ("64:ff9b::127.0.0.1", "127.0.0.0/8"),
            ("64:ff9b::192.168.1.1", "192.168.0.0/16"),
            ("64:ff9b::198.18.0.1", "198.18.0.0/15"),
            ("2002:7f00:1::1", "127.0.0.0/8"),
            ("2002:a9fe:a9fe::", "169.254.0.0/16"),
            ("2002:c0a8:101::1", "192.168.0.0/16"),
        ] {
            let parsed: IpAddr = ip.parse().expect("a test address");
            let refused = forbidden(parsed);
            assert_eq!(refused.map(|f| f.block.cidr), Some(cidr), "{ip}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "9.9.9.9",
            "93.184.215.14",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.255",
            "192.0.3.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "2606:4700::1111",
            "2001:4860:4860::8888",
            "2001:200::1",
            "2400:cb00::1",
            "3ffe::1",
            "::ffff:8.8.8.8",
            "64:ff9b::1.1.1.1",
            "2002:808:808::1",
        ] {
            let parsed: IpAddr = ip.parse().expect("a test address");
            assert_eq!(forbidden(parsed), None, "{ip}");
        }
    }

    /// The refusal names the block, and the IPv6 form that carried an IPv4 address.
    #[test]
    fn refusals_name_the_block() {
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().expect("ip");
        assert_eq!(
            forbidden(mapped).map(|f| f.to_string()).as_deref(),
            Some("127.0.0.0/8 (loopback) inside ::ffff:0:0/96 (IPv4-mapped)")
        );
        let link: IpAddr = "169.254.169.254".parse().expect("ip");
        assert_eq!(
            forbidden(link).map(|f| f.to_string()).as_deref(),
            Some("169.254.0.0/16 (link local)")
        );
    }

    /// The cidr text of each row says what the row matches, so a typo in either shows.
    #[test]
    fn the_tables_agree_with_their_cidr_text() {
        for (net, len, b) in V4 {
            assert_eq!(b.cidr, format!("{net}/{len}"));
        }
        for (net, len, b) in V6 {
            assert_eq!(b.cidr, format!("{net}/{len}"));
        }
    }

    #[test]
    fn targets_and_redirects() {
        let t = target("https://example.com/a?b#frag").expect("target");
        assert_eq!(t.host, Host::Name("example.com".into()));
        assert_eq!(t.port, 443);
        assert_eq!(t.url, "https://example.com/a?b");
        let t = target("http://[::ffff:127.0.0.1]:8080/").expect("target");
        assert_eq!(t.host, Host::Ip("::ffff:127.0.0.1".parse().expect("ip")));
        assert_eq!(t.port, 8080);
        let t = target("http://0x7f.1/").expect("target");
        assert_eq!(t.host, Host::Ip("127.0.0.1".parse().expect("ip")));

        let r = redirect_target("http://a.example/x/y", "/login").expect("relative");
        assert_eq!(r.url, "http://a.example/login");
        let r = redirect_target("http://a.example/x/y", "z").expect("relative");
        assert_eq!(r.url, "http://a.example/x/z");
        let r = redirect_target("https://a.example/", "//b.example:81/s").expect("scheme-relative");
        assert_eq!((r.url.as_str(), r.port), ("https://b.example:81/s", 81));
        let r = redirect_target("http://a.example/", "http://127.0.0.1:9/secret").expect("abs");
        assert_eq!(r.host, Host::Ip("127.0.0.1".parse().expect("ip")));

        assert_eq!(
            redirect_target("http://a.example/", "file:///etc/passwd"),
            Err(TargetError::Scheme("file".into()))
        );
        assert_eq!(
            target("gopher://a.example/"),
            Err(TargetError::Scheme("gopher".into()))
        );
        assert!(matches!(
            target("not a url"),
            Err(TargetError::Unparsable(_))
        ));
    }
}

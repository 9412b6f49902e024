//! Who the client is behind a reverse proxy: address ranges ([`Cidr`]) and the rule that
//! reads `Forwarded` / `X-Forwarded-For` only from proxies the operator trusts
//! ([`client_ip`]). Pure: the server hands in the peer address and the header values.
//!
//! Throttles and the audit log key on the client's address. Taking it from a header any
//! client can write would let an attacker pick a fresh address per attempt; taking the
//! proxy's own address would make every client one (20 failed sign-ins by anyone would
//! lock out everyone).

use std::net::IpAddr;

/// An address range such as `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    len: u8,
}

/// Text that is not an address range.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not an address range (e.g. 10.0.0.0/8 or 2001:db8::/32): `{0}`")]
pub struct BadCidr(pub String);

impl std::str::FromStr for Cidr {
    type Err = BadCidr;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadCidr(s.to_string());
        let t = s.trim();
        let (addr, len) = match t.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (t, None),
        };
        let net: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let len = match len {
            Some(l) => l.parse::<u8>().ok().filter(|l| *l <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { net, len })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.net, self.len)
    }
}

impl Cidr {
    /// Whether `ip` is in this range. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, how
    /// a dual-stack socket reports IPv4 peers) counts as its IPv4 address.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.len)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.len))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the
/// forwarding chain is read from the nearest hop outwards and the first address not in
/// `trusted` is the client. `forwarded` holds the `Forwarded` header values (RFC 7239;
/// used when present), `x_forwarded_for` the `X-Forwarded-For` values, each in the order
/// received. A hop that is not an address (`unknown`, an obfuscated name, garbage) ends
/// the walk at the last address a trusted proxy vouched for.
pub fn client_ip(
    peer: IpAddr,
    forwarded: &[&str],
    x_forwarded_for: &[&str],
    trusted: &[Cidr],
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = if forwarded.iter().any(|v| !v.trim().is_empty()) {
        forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(forwarded_for_param)
            .collect()
    } else {
        x_forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect()
    };
    let mut client = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    return ip;
                }
            }
            None => return client,
        }
    }
    client
}

/// The `for=` value of one `Forwarded` element (empty when it has none).
fn forwarded_for_param(element: &str) -> &str {
    element
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .unwrap_or("")
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let h = hop.trim();
    if let Ok(ip) = h.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = h.strip_prefix('[') {
        let (inside, _) = rest.split_once(']')?;
        return inside.parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
    }
    let (addr, port) = h.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    addr.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Headers are the client's text: any of it, and any peer, gives an address (no
        // panic), and an untrusted peer always gets its own.
        #[test]
        fn any_header_text_is_safe(fwd in ".{0,80}", xff in ".{0,80}", a in any::<[u8; 4]>(), range in ".{0,20}") {
            let peer = IpAddr::from(a);
            let _ = range.parse::<Cidr>();
            let trusted = [Cidr { net: peer, len: 32 }];
            let _ = client_ip(peer, &[fwd.as_str()], &[xff.as_str()], &trusted);
            prop_assert_eq!(client_ip(peer, &[fwd.as_str()], &[xff.as_str()], &[]), peer);
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn cidrs(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|c| c.parse().expect("cidr")).collect()
    }

    #[test]
    fn ranges() {
        let c: Cidr = "10.0.0.0/8".parse().expect("cidr");
        assert!(c.contains(ip("10.255.0.1")) && !c.contains(ip("11.0.0.1")));
        assert!(c.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped peers");
        let one: Cidr = "192.0.2.7".parse().expect("one");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: Cidr = "2001:db8::/32".parse().expect("v6");
        assert!(v6.contains(ip("2001:db8:1::1")) && !v6.contains(ip("2001:db9::1")));
        let all: Cidr = "0.0.0.0/0".parse().expect("all");
        assert!(all.contains(ip("203.0.113.1")) && !all.contains(ip("::1")));
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "::/129", "x", "10.0.0.0/-1"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        assert_eq!(c.to_string(), "10.0.0.0/8");
    }

    #[test]
    fn the_client_behind_trusted_proxies_only() {
        let trusted = cidrs(&["10.0.0.0/8", "2001:db8:ffff::/48"]);
        let cases: &[(&str, &[&str], &[&str], &str)] = &[
            // No proxy configured or an untrusted peer: the peer, whatever it claims.
            ("203.0.113.9", &[], &["198.51.100.1"], "203.0.113.9"),
            // A trusted proxy: the client it names.
            ("10.0.0.5", &[], &["198.51.100.1"], "198.51.100.1"),
            // A client's own spoofed entry sits left of what the proxy appended.
            ("10.0.0.5", &[], &["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
            (
                "10.0.0.5",
                &[],
                &["6.6.6.6", "198.51.100.1"],
                "198.51.100.1",
            ),
            // Two trusted proxies in a row.
            ("10.0.0.5", &[], &["198.51.100.1, 10.0.0.9"], "198.51.100.1"),
            // Ports and brackets.
            ("10.0.0.5", &[], &["198.51.100.1:4711"], "198.51.100.1"),
            ("10.0.0.5", &[], &["[2001:db8::1]:4711"], "2001:db8::1"),
            // Garbage ends the walk at the last vouched address.
            ("10.0.0.5", &[], &["198.51.100.1, nonsense"], "10.0.0.5"),
            ("10.0.0.5", &[], &[], "10.0.0.5"),
            // Forwarded wins when present.
            (
                "10.0.0.5",
                &["for=192.0.2.60;proto=http;by=10.0.0.5"],
                &["6.6.6.6"],
                "192.0.2.60",
            ),
            (
                "10.0.0.5",
                &["for=6.6.6.6, for=\"[2001:db8::2]:80\""],
                &[],
                "2001:db8::2",
            ),
            ("10.0.0.5", &["for=unknown"], &[], "10.0.0.5"),
            ("::ffff:10.0.0.5", &[], &["198.51.100.1"], "198.51.100.1"),
            ("2001:db8:ffff::1", &[], &["198.51.100.1"], "198.51.100.1"),
        ];
        for (peer, fwd, xff, want) in cases {
            assert_eq!(
                client_ip(ip(peer), fwd, xff, &trusted),
                ip(want),
                "{peer} {fwd:?} {xff:?}"
            );
        }
        assert_eq!(
            client_ip(ip("10.0.0.5"), &[], &["198.51.100.1"], &[]),
            ip("10.0.0.5"),
            "nothing trusted by default"
        );
    }
}

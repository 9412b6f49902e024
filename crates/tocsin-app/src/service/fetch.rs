//! The phishing desk's evidence fetcher: one GET of a reported page, redirects followed by
//! hand, and every connection made only to an address that was checked.
//!
//! A reported URL is chosen by whoever reported it, so the fetch must not reach into the
//! desk's own network. An HTTP client that looks a name up itself may get another answer
//! than the check got (DNS rebinding), and one that follows redirects itself goes wherever
//! a page sends it. So each hop (hop 0 is the reported URL, hop n the n-th redirect, at most
//! [`MAX_REDIRECTS`]) looks its host up once, is refused if any answer is forbidden
//! ([`tocsin_domain::fetch::forbidden`], unless the desk allows private addresses), and
//! hands exactly the checked addresses to the client as its only resolver. With a proxy
//! configured the proxy looks names up and connects, as before: the checks are its job.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tocsin_domain::fetch::{self as rule, Host, Target};
use tocsin_domain::phish_url::defang;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// What the fetcher saw.
#[derive(Clone, Debug, Serialize)]
pub struct FetchResult {
    /// HTTP status of the last answer.
    pub status: u16,
    /// The URL after redirects, defanged.
    pub final_url: String,
    /// The page title, if any.
    pub title: String,
    /// SHA-256 of the body as received (hex).
    pub sha256: String,
    /// Bytes read (at most the limit).
    pub bytes: usize,
}

/// The most redirects one fetch follows.
pub const MAX_REDIRECTS: usize = 5;

/// The largest page the fetcher reads.
const FETCH_LIMIT: u64 = 2 * 1024 * 1024;

/// How long a whole fetch, every hop together, may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(15);

const USER_AGENT: &str = "Mozilla/5.0 (compatible; tocsin evidence fetcher)";

/// Looks a host name up; called exactly once per hop that names a host.
pub type Lookup = Arc<dyn Fn(&str) -> std::io::Result<Vec<IpAddr>> + Send + Sync>;

/// Whether hop `n` may connect to an address; `Err` says why not.
pub type AddressPolicy = Arc<dyn Fn(usize, IpAddr) -> Result<(), String> + Send + Sync>;

/// The machine's resolver (the one every other program on the desk uses).
pub fn system_lookup() -> Lookup {
    Arc::new(|host| {
        use std::net::ToSocketAddrs;
        let mut ips: Vec<IpAddr> = Vec::new();
        // One entry per socket type comes back for each address; keep each once, in order.
        for a in (host, 0).to_socket_addrs()? {
            if !ips.contains(&a.ip()) {
                ips.push(a.ip());
            }
        }
        Ok(ips)
    })
}

/// Public addresses only: every special-purpose block is refused, on every hop.
pub fn public_only() -> AddressPolicy {
    Arc::new(|_, ip| match rule::forbidden(ip) {
        Some(f) => Err(f.to_string()),
        None => Ok(()),
    })
}

/// Any address (the desk's `fetch_allow_private`, for test set-ups and lab networks).
pub fn any_address() -> AddressPolicy {
    Arc::new(|_, _| Ok(()))
}

/// Why a fetch failed. URLs in the messages are defanged, as everywhere tocsin shows one.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL (reported, or a redirect's Location) is not one the fetcher requests.
    #[error("hop {hop}: {url} is not fetched: {source}")]
    Url {
        /// 0 for the reported URL, n for the n-th redirect.
        hop: usize,
        /// The URL, defanged.
        url: String,
        /// What is wrong with it.
        source: rule::TargetError,
    },
    /// The host name could not be looked up, or has no address.
    #[error("hop {hop}: looking up {host} failed: {reason}")]
    Lookup {
        /// 0 for the reported URL, n for the n-th redirect.
        hop: usize,
        /// The host name, defanged.
        host: String,
        /// The resolver's answer.
        reason: String,
    },
    /// An address of the hop's host is refused; nothing was connected to.
    #[error("hop {hop}: {url} would connect to {ip}, which is refused: {reason}")]
    Forbidden {
        /// 0 for the reported URL, n for the n-th redirect.
        hop: usize,
        /// The hop's URL, defanged.
        url: String,
        /// The refused address.
        ip: IpAddr,
        /// The rule that refused it.
        reason: String,
    },
    /// The request itself failed (connection, TLS, timeout, a body over the limit).
    #[error("hop {hop}: {url}: {reason}")]
    Http {
        /// 0 for the reported URL, n for the n-th redirect.
        hop: usize,
        /// The hop's URL, defanged.
        url: String,
        /// The client's error.
        reason: String,
    },
    /// The configured proxy is not a usable proxy URL.
    #[error("the fetch proxy is unusable: {0}")]
    Proxy(String),
    /// The page redirected more than [`MAX_REDIRECTS`] times.
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    /// The hops together took longer than the fetch may.
    #[error("hop {0}: the fetch ran out of time")]
    Timeout(usize),
}

/// The fetcher with its resolver, address rule and proxy; `fetch` does the work.
#[derive(Clone)]
pub struct Fetcher {
    /// How host names are looked up (injectable so tests can answer as a rebinding DNS
    /// server would).
    pub lookup: Lookup,
    /// Which addresses each hop may connect to.
    pub policy: AddressPolicy,
    /// The HTTP proxy every request goes through (empty: direct, with the checks above).
    pub proxy: String,
    /// How long the whole fetch may take.
    pub timeout: Duration,
}

impl Fetcher {
    /// The fetcher the desk's configuration describes: the machine's resolver, public
    /// addresses only unless `fetch_allow_private`, and `fetch_proxy`.
    pub fn from_config(cfg: &crate::config::Phishing) -> Fetcher {
        Fetcher {
            lookup: system_lookup(),
            policy: if cfg.fetch_allow_private {
                any_address()
            } else {
                public_only()
            },
            proxy: cfg.fetch_proxy.clone(),
            timeout: FETCH_TIMEOUT,
        }
    }

    /// Fetches `url` once, following at most [`MAX_REDIRECTS`] redirects, each hop checked
    /// and pinned to its checked addresses; blocking (run it off the async runtime).
    pub fn fetch(&self, url: &str) -> Result<FetchResult, FetchError> {
        self.fetch_body(url).map(|(result, _)| result)
    }

    /// [`Fetcher::fetch`], keeping the body as received (at most the size limit): what an
    /// imported document is read from (`service::csaf`).
    pub fn fetch_body(&self, url: &str) -> Result<(FetchResult, Vec<u8>), FetchError> {
        use sha2::{Digest, Sha256};
        let deadline = Instant::now() + self.timeout;
        let mut target = rule::target(url).map_err(|source| FetchError::Url {
            hop: 0,
            url: defang(url),
            source,
        })?;
        for hop in 0..=MAX_REDIRECTS {
            let agent = self.agent_for(hop, &target, deadline)?;
            let http = |e: ureq::Error| FetchError::Http {
                hop,
                url: defang(&target.url),
                reason: e.to_string(),
            };
            let mut resp = agent.get(&target.url).call().map_err(http)?;
            let status = resp.status().as_u16();
            let location = resp.headers().get("location").and_then(|v| v.to_str().ok());
            // A redirect without a readable Location is an answer like any other.
            if let (301 | 302 | 303 | 307 | 308, Some(location)) = (status, location) {
                if hop == MAX_REDIRECTS {
                    return Err(FetchError::TooManyRedirects);
                }
                target = rule::redirect_target(&target.url, location).map_err(|source| {
                    FetchError::Url {
                        hop: hop + 1,
                        url: defang(location),
                        source,
                    }
                })?;
                continue;
            }
            let bytes = resp
                .body_mut()
                .with_config()
                .limit(FETCH_LIMIT)
                .read_to_vec()
                .map_err(http)?;
            let text = String::from_utf8_lossy(&bytes);
            let result = FetchResult {
                status,
                final_url: defang(&target.url),
                title: html_title(&text),
                sha256: hex::encode(Sha256::digest(&bytes)),
                bytes: bytes.len(),
            };
            return Ok((result, bytes));
        }
        Err(FetchError::TooManyRedirects)
    }

    /// A client for one request of hop `hop`: through the proxy, or pinned to the hop's
    /// checked addresses. A fresh one per hop, so no pooled connection outlives its check.
    fn agent_for(
        &self,
        hop: usize,
        target: &Target,
        deadline: Instant,
    ) -> Result<ureq::Agent, FetchError> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(FetchError::Timeout(hop));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(left))
            // Redirects are ours to follow: each hop is checked before it connects.
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(USER_AGENT);
        if !self.proxy.is_empty() {
            let proxy =
                ureq::Proxy::new(&self.proxy).map_err(|e| FetchError::Proxy(e.to_string()))?;
            return Ok(config.proxy(Some(proxy)).build().new_agent());
        }
        let pinned = Pinned(self.checked_addresses(hop, target)?);
        // No proxy from the environment either: it would connect where no check looked.
        let config = config.proxy(None).build();
        Ok(ureq::Agent::with_parts(
            config,
            DefaultConnector::default(),
            pinned,
        ))
    }

    /// The hop's addresses, looked up once and each one checked; any refusal refuses the
    /// hop, since the client may try them all.
    fn checked_addresses(
        &self,
        hop: usize,
        target: &Target,
    ) -> Result<Vec<SocketAddr>, FetchError> {
        let ips = match &target.host {
            Host::Ip(ip) => vec![*ip],
            Host::Name(name) => {
                let lookup_failed = |reason: String| FetchError::Lookup {
                    hop,
                    host: defang(name),
                    reason,
                };
                let ips = (self.lookup)(name).map_err(|e| lookup_failed(e.to_string()))?;
                if ips.is_empty() {
                    return Err(lookup_failed("no addresses".into()));
                }
                ips
            }
        };
        for ip in &ips {
            (self.policy)(hop, *ip).map_err(|reason| FetchError::Forbidden {
                hop,
                url: defang(&target.url),
                ip: *ip,
                reason,
            })?;
        }
        Ok(ips
            .into_iter()
            .map(|ip| SocketAddr::new(ip, target.port))
            .collect())
    }
}

/// A resolver that answers with the addresses checked for this hop and never asks DNS.
/// Its agent makes the one request of the hop (redirects off, no proxy), so the only name
/// it is asked about is the hop's own.
#[derive(Debug)]
struct Pinned(Vec<SocketAddr>);

impl Resolver for Pinned {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut out = self.empty();
        for a in &self.0 {
            // The client keeps at most 16; the rest were checked all the same.
            if out.try_push(*a).is_err() {
                break;
            }
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

/// The text of the first `<title>` element, whitespace collapsed, at most 300 characters.
pub fn html_title(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(open) = lower.find("<title") else {
        return String::new();
    };
    let Some(gt) = lower[open..].find('>') else {
        return String::new();
    };
    let start = open + gt + 1;
    let end = lower[start..]
        .find("</title")
        .map(|e| start + e)
        .unwrap_or(lower.len());
    let raw = html.get(start..end).unwrap_or("");
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(300)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::{Ipv4Addr, TcpListener};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    /// The request targets a test server was sent, in order.
    type Seen = Arc<Mutex<Vec<String>>>;

    /// Serves every connection on `listener` with `answer(request target)` until the test
    /// process ends, recording each request target. A CONNECT (what a client sends a proxy)
    /// is recorded as `CONNECT host:port`, granted, and the tunnelled request served too.
    fn serve(listener: TcpListener, answer: impl Fn(&str) -> String + Send + 'static) -> Seen {
        let seen: Seen = Arc::default();
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Ok(read_half) = stream.try_clone() else {
                    continue;
                };
                let mut reader = BufReader::new(read_half);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        break;
                    }
                    let mut words = line.split_whitespace();
                    let method = words.next().unwrap_or("").to_string();
                    let target = words.next().unwrap_or("").to_string();
                    loop {
                        let mut header = String::new();
                        match reader.read_line(&mut header) {
                            Ok(n) if n > 0 && header != "\r\n" => {}
                            _ => break,
                        }
                    }
                    let tunnel = method == "CONNECT";
                    if let Ok(mut seen) = log.lock() {
                        seen.push(if tunnel {
                            format!("CONNECT {target}")
                        } else {
                            target.clone()
                        });
                    }
                    let reply = if tunnel {
                        "HTTP/1.1 200 Connection established\r\n\r\n".to_string()
                    } else {
                        answer(&target)
                    };
                    if stream.write_all(reply.as_bytes()).is_err() || !tunnel {
                        break;
                    }
                }
            }
        });
        seen
    }

    fn page(title: &str) -> String {
        let body = format!("<html><title>{title}</title></html>");
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    fn redirect(location: &str) -> String {
        format!(
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    }

    fn bind(ip: &str, port: u16) -> TcpListener {
        TcpListener::bind((ip, port)).expect("bind a loopback port")
    }

    fn port_of(l: &TcpListener) -> u16 {
        l.local_addr().expect("local address").port()
    }

    fn hits(seen: &Seen, path: &str) -> usize {
        seen.lock()
            .map(|s| s.iter().filter(|p| *p == path).count())
            .unwrap_or(0)
    }

    /// A resolver stub: answer `n` (0-based) is `answers[min(n, last)]`; counts its calls.
    fn stub(answers: Vec<Vec<IpAddr>>) -> (Lookup, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let count = calls.clone();
        let lookup: Lookup = Arc::new(move |_host| {
            let n = count.fetch_add(1, Ordering::SeqCst);
            Ok(answers
                .get(n.min(answers.len().saturating_sub(1)))
                .cloned()
                .unwrap_or_default())
        });
        (lookup, calls)
    }

    /// The real rule, except that `allowed` stands in for a public address on the hops
    /// `hops` (loopback is all a test can serve from).
    fn public_but(allowed: IpAddr, hops: std::ops::RangeInclusive<usize>) -> AddressPolicy {
        let real = public_only();
        Arc::new(move |hop, ip| {
            if ip == allowed && hops.contains(&hop) {
                Ok(())
            } else {
                real(hop, ip)
            }
        })
    }

    fn fetcher(lookup: Lookup, policy: AddressPolicy) -> Fetcher {
        Fetcher {
            lookup,
            policy,
            proxy: String::new(),
            timeout: Duration::from_secs(10),
        }
    }

    /// A page allowed on hop 0 that redirects into a forbidden address (loopback again,
    /// IPv4-mapped loopback, a private address, a name that resolves to loopback) is
    /// refused at hop 1, before anything connects: the secret is never requested.
    #[test]
    fn fetch_refuses_a_redirect_to_a_forbidden_address_before_connecting() {
        let listener = bind("127.0.0.1", 0);
        let port = port_of(&listener);
        let next = Arc::new(Mutex::new(String::new()));
        let location = next.clone();
        let seen = serve(listener, move |path| match path {
            "/go" => redirect(&location.lock().map(|l| l.clone()).unwrap_or_default()),
            _ => page("secret"),
        });
        for (to, refused) in [
            (format!("http://127.0.0.1:{port}/secret"), "127.0.0.1"),
            (
                format!("http://[::ffff:127.0.0.1]:{port}/secret"),
                "::ffff:127.0.0.1",
            ),
            (format!("http://10.0.0.1:{port}/secret"), "10.0.0.1"),
            (format!("http://evil.test:{port}/secret"), "127.0.0.1"),
        ] {
            if let Ok(mut l) = next.lock() {
                *l = to.clone();
            }
            let (lookup, calls) = stub(vec![vec![LOCAL]]);
            let f = fetcher(lookup, public_but(LOCAL, 0..=0));
            let err = f
                .fetch(&format!("http://127.0.0.1:{port}/go"))
                .expect_err("the redirect is refused");
            match &err {
                FetchError::Forbidden { hop, ip, .. } => {
                    assert_eq!((*hop, ip.to_string()), (1, refused.to_string()), "{to}");
                }
                other => panic!("{to}: expected a refusal, got {other}"),
            }
            assert!(err.to_string().starts_with("hop 1:"), "{err}");
            let looked_up = usize::from(to.contains("evil.test"));
            assert_eq!(calls.load(Ordering::SeqCst), looked_up, "{to}");
            assert_eq!(hits(&seen, "/secret"), 0, "{to} was requested");
        }
        assert_eq!(hits(&seen, "/go"), 4);
    }

    /// The client connects to the address the check saw: the stub answers loopback (the
    /// address the test allows) first and a documentation address after; the page comes
    /// from loopback and the name is looked up once.
    #[test]
    fn fetch_connects_to_the_checked_address_only() {
        let listener = bind("127.0.0.1", 0);
        let port = port_of(&listener);
        let seen = serve(listener, |_| page("checked"));
        let later: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let (lookup, calls) = stub(vec![vec![LOCAL], vec![later]]);
        let got = fetcher(lookup, public_but(LOCAL, 0..=MAX_REDIRECTS))
            .fetch(&format!("http://evil.test:{port}/"))
            .expect("the checked address answers");
        assert_eq!((got.status, got.title.as_str()), (200, "checked"));
        assert_eq!(calls.load(Ordering::SeqCst), 1, "one lookup for one hop");
        assert_eq!(hits(&seen, "/"), 1);
    }

    /// DNS rebinding: the name resolves to a "public" address for the check (127.0.0.2
    /// stands in for one) and to 127.0.0.1 afterwards. The page comes from the checked
    /// address, the name is looked up once, and the server on 127.0.0.1 sees nothing.
    #[test]
    fn fetch_a_rebinding_name_never_reaches_loopback() {
        let secret = bind("127.0.0.1", 0);
        let port = port_of(&secret);
        let public = bind("127.0.0.2", port);
        let secret_seen = serve(secret, |_| page("secret"));
        let public_seen = serve(public, |_| page("public"));
        let stand_in = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        let (lookup, calls) = stub(vec![vec![stand_in], vec![LOCAL]]);
        let got = fetcher(lookup, public_but(stand_in, 0..=MAX_REDIRECTS))
            .fetch(&format!("http://evil.test:{port}/"))
            .expect("the checked address answers");
        assert_eq!(got.title, "public");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(hits(&public_seen, "/"), 1);
        assert_eq!(
            hits(&secret_seen, "/"),
            0,
            "the rebound address was reached"
        );
    }

    /// A name is refused if any of its addresses is forbidden (the client might try any),
    /// and nothing is connected to; the answers are checked, not just the first.
    #[test]
    fn fetch_refuses_a_name_with_any_forbidden_address() {
        let listener = bind("127.0.0.1", 0);
        let port = port_of(&listener);
        let seen = serve(listener, |_| page("secret"));
        let public = IpAddr::V4(Ipv4Addr::new(1, 1, 1, 1));
        for answer in [vec![LOCAL], vec![public, LOCAL]] {
            let (lookup, calls) = stub(vec![answer.clone()]);
            let err = fetcher(lookup, public_only())
                .fetch(&format!("http://evil.test:{port}/"))
                .expect_err("refused");
            assert!(
                matches!(err, FetchError::Forbidden { hop: 0, ip, .. } if ip == LOCAL),
                "{answer:?}: {err}"
            );
            assert!(err.to_string().contains("127.0.0.0/8 (loopback)"), "{err}");
            assert_eq!(calls.load(Ordering::SeqCst), 1);
        }
        assert_eq!(hits(&seen, "/"), 0);
    }

    /// Redirects are followed by hand, one lookup and check per hop, relative locations
    /// read against the page; the final URL is the last hop's, defanged.
    #[test]
    fn fetch_follows_relative_redirects_one_lookup_per_hop() {
        let listener = bind("127.0.0.1", 0);
        let port = port_of(&listener);
        let seen = serve(listener, |path| match path {
            "/go" => redirect("/login"),
            _ => page("login"),
        });
        let (lookup, calls) = stub(vec![vec![LOCAL]]);
        let got = fetcher(lookup, public_but(LOCAL, 0..=MAX_REDIRECTS))
            .fetch(&format!("http://site.test:{port}/go"))
            .expect("fetched");
        assert_eq!(got.title, "login");
        assert_eq!(got.final_url, format!("hxxp://site[.]test:{port}/login"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!((hits(&seen, "/go"), hits(&seen, "/login")), (1, 1));
    }

    /// A page that redirects forever is given up after five redirects (six requests).
    #[test]
    fn fetch_stops_after_five_redirects() {
        let listener = bind("127.0.0.1", 0);
        let port = port_of(&listener);
        let seen = serve(listener, |_| redirect("/loop"));
        let (lookup, _) = stub(vec![vec![LOCAL]]);
        let err = fetcher(lookup, any_address())
            .fetch(&format!("http://127.0.0.1:{port}/loop"))
            .expect_err("too many");
        assert!(matches!(err, FetchError::TooManyRedirects), "{err}");
        assert_eq!(hits(&seen, "/loop"), MAX_REDIRECTS + 1);
    }

    /// With a proxy the proxy connects, as before: no lookup and no check here, the
    /// client asks the proxy for a tunnel to the name as written.
    #[test]
    fn fetch_through_a_proxy_leaves_resolving_to_it() {
        let listener = bind("127.0.0.1", 0);
        let port = port_of(&listener);
        let seen = serve(listener, |_| page("via proxy"));
        let (lookup, calls) = stub(vec![vec![LOCAL]]);
        let mut f = fetcher(lookup, public_only());
        f.proxy = format!("http://127.0.0.1:{port}");
        let got = f.fetch("http://evil.test/").expect("through the proxy");
        assert_eq!(got.title, "via proxy");
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(hits(&seen, "CONNECT evil.test:80"), 1);
        assert_eq!(hits(&seen, "/"), 1);
    }

    /// The desk's setting picks the rule: loopback refused by default, fetched when
    /// `fetch_allow_private` is on.
    #[test]
    fn fetch_allow_private_keeps_its_meaning() {
        let listener = bind("127.0.0.1", 0);
        let port = port_of(&listener);
        let seen = serve(listener, |_| page("lab"));
        let url = format!("http://127.0.0.1:{port}/");
        let mut cfg = crate::config::Phishing::default();
        let err = Fetcher::from_config(&cfg)
            .fetch(&url)
            .expect_err("private refused");
        assert!(matches!(err, FetchError::Forbidden { hop: 0, .. }), "{err}");
        assert_eq!(hits(&seen, "/"), 0);
        cfg.fetch_allow_private = true;
        let got = Fetcher::from_config(&cfg).fetch(&url).expect("allowed");
        assert_eq!(got.title, "lab");
    }

    /// Schemes other than http and https are refused, also as a redirect's target.
    #[test]
    fn fetch_refuses_other_schemes() {
        let listener = bind("127.0.0.1", 0);
        let port = port_of(&listener);
        let _seen = serve(listener, |_| redirect("file:///etc/passwd"));
        let (lookup, _) = stub(vec![vec![LOCAL]]);
        let err = fetcher(lookup, any_address())
            .fetch(&format!("http://127.0.0.1:{port}/"))
            .expect_err("file: refused");
        assert!(matches!(err, FetchError::Url { hop: 1, .. }), "{err}");
        let (lookup, _) = stub(vec![vec![LOCAL]]);
        let err = fetcher(lookup, any_address())
            .fetch("ftp://example.com/")
            .expect_err("ftp: refused");
        assert!(matches!(err, FetchError::Url { hop: 0, .. }), "{err}");
    }

    #[test]
    fn titles() {
        assert_eq!(
            html_title("<html><head><TITLE>\n  網路銀行 登入 </TITLE>"),
            "網路銀行 登入"
        );
        assert_eq!(html_title("<title lang=x>a</title>"), "a");
        assert_eq!(html_title("no title"), "");
        assert_eq!(html_title("<title>unterminated"), "unterminated");
        assert_eq!(html_title("<title"), "");
    }
}

//! Phishing URLs as people report them: undoing the "defanging" that keeps a link from
//! being clickable ([`refang`]), doing it again wherever tocsin shows or mails a URL
//! ([`defang`]), and reducing a URL to the key that finds duplicate reports
//! ([`normalize`]).
//!
//! Normalisation follows the WHATWG URL Standard (the `url` crate): the scheme and host
//! are lower-cased, an internationalized host becomes punycode (UTS #46) while its Unicode
//! form is kept for display, IPv4 hosts written in odd forms (`0x7f.1`, `2130706433`) become
//! dotted quads, default ports and the fragment go, and path and query are kept as given,
//! percent-encoded as the standard does. Only `http` and `https` can be reported. The
//! registrable domain comes from the public suffix list compiled into the `psl` crate, so
//! `evil.example.co.uk` groups under `example.co.uk` and, as the list's private section
//! says, `evil.github.io` stays apart from `github.io`.
//!
//! [`refang`] and [`defang`] are exact inverses on normalised URLs:
//! `refang(&defang(u)) == u`. A defanged URL protects, besides the host's dots, the few
//! characters that [`refang`] would otherwise read as defanging or as punctuation around a
//! link (see [`defang`]).

use serde::Serialize;
use std::borrow::Cow;
use std::net::IpAddr;
use url::{Host, Position, Url};

/// The longest URL accepted, in characters; once normalised (ASCII) also in bytes.
pub const MAX_URL_LEN: usize = 2048;

/// How often [`normalize`] reparses its own output before giving up on reaching a fixed
/// point. Two rounds suffice for everything seen so far; more are a safety margin.
const MAX_ROUNDS: usize = 4;

/// The defanging spellings [`refang`] undoes, matched without regard to ASCII case.
/// Besides these, `[c]` stands for `c` for every character `c` that [`is_bracketable`].
const TOKENS: &[(&str, &str)] = &[
    ("[://]", "://"),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    (" dot ", "."),
    ("[at]", "@"),
    ("(at)", "@"),
    ("(.)", "."),
    ("{.}", "."),
];

/// Defanged schemes [`refang`] restores at the start of a URL (before a `:`), matched
/// without regard to case. `ttp` is the "h-less" spelling common in Japan.
const SCHEMES: &[(&str, &str)] = &[
    ("hxxps", "https"),
    ("hxxp", "http"),
    ("hxtps", "https"),
    ("hxtp", "http"),
    ("ttps", "https"),
    ("ttp", "http"),
    ("fxps", "ftps"),
    ("fxp", "ftp"),
];

/// Characters that open a quotation or bracket around a pasted link; removed at the start.
const OPENERS: &[char] = &[
    '<', '(', '"', '\'', '“', '‘', '「', '『', '（', '《', '〈', '【', '«',
];

/// Punctuation that ends a sentence or closes a quotation after a pasted link; removed at
/// the end. (`?` is not: an empty query is part of a URL.)
const TRAILING: &[char] = &[
    '.', ',', ';', ':', '!', '\'', '"', '>', '。', '，', '、', '；', '：', '！', '？', '」', '』',
    '）', '》', '〉', '】', '”', '’', '…', '»',
];

/// Closing brackets removed at the end only while they have no opening partner, so
/// `…/wiki/Foo_(bar)` keeps its parenthesis and `(see …/login)` loses it.
const CLOSERS: &[(char, char)] = &[(')', '('), (']', '['), ('}', '{')];

/// White space, control and zero-width characters, trimmed at both ends.
fn is_trim(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Whether `[c]` is read by [`refang`] as `c`: every character it could otherwise strip or
/// read as the start of a defanging, and the usual `[.]`, `[:]`, `[/]`, `[@]`.
fn is_bracketable(c: char) -> bool {
    matches!(
        c,
        '.' | ':' | '/' | '@' | ' ' | '[' | '(' | '{' | ')' | ']' | '}'
    ) || OPENERS.contains(&c)
        || TRAILING.contains(&c)
}

/// The defanging token at byte `i` of `s`: its length in bytes and what it stands for.
fn token_at(s: &str, i: usize) -> Option<(usize, &str)> {
    let rest = s.get(i..)?;
    let bytes = rest.as_bytes();
    for (token, replacement) in TOKENS {
        let t = token.as_bytes();
        if bytes.len() >= t.len() && bytes[..t.len()].eq_ignore_ascii_case(t) {
            return Some((t.len(), *replacement));
        }
    }
    let inner = rest.strip_prefix('[')?;
    let c = inner.chars().next()?;
    if is_bracketable(c) && inner[c.len_utf8()..].starts_with(']') {
        let len = c.len_utf8();
        return Some((len + 2, &inner[..len]));
    }
    None
}

/// Counts of opening and closing brackets, to tell a closing bracket that belongs to the
/// URL from one that closes the sentence around it.
#[derive(Clone, Copy, Default)]
struct Balance([(usize, usize); 3]);

impl Balance {
    fn of(s: &str) -> Self {
        let mut b = Self::default();
        for c in s.chars() {
            b.count(c, 1);
        }
        b
    }

    /// Adds (`+1`) or removes (`-1`, saturating) one character.
    fn count(&mut self, c: char, sign: i8) {
        for (k, (close, open)) in CLOSERS.iter().enumerate() {
            let slot = if c == *open {
                &mut self.0[k].0
            } else if c == *close {
                &mut self.0[k].1
            } else {
                continue;
            };
            *slot = if sign > 0 {
                slot.saturating_add(1)
            } else {
                slot.saturating_sub(1)
            };
        }
    }

    /// Whether `c`, the last character of the text counted, is trailing punctuation.
    fn strips(&self, c: char) -> bool {
        if is_trim(c) || TRAILING.contains(&c) {
            return true;
        }
        CLOSERS
            .iter()
            .position(|(close, _)| *close == c)
            .is_some_and(|k| self.0[k].1 > self.0[k].0)
    }
}

/// `text` without the white space, quotes and brackets that open it around a link (see
/// [`refang`]), however many and however nested.
fn without_openers(text: &str) -> &str {
    let mut s = text;
    loop {
        let t = s.trim_start_matches(is_trim);
        let t = t.strip_prefix(OPENERS).unwrap_or(t);
        if t.len() == s.len() {
            return s;
        }
        s = t;
    }
}

/// Undoes the ways people defang a URL so that it is not clickable:
///
/// - the scheme: `hxxp`, `hxxps`, `hXXp`, `hxtp`, `ttp` → `http(s)`, `fxp` → `ftp`
///   (only at the start, before a `:`);
/// - dots: `[.]`, `(.)`, `{.}`, `[dot]`, `(dot)`, `{dot}` and ` dot ` → `.`;
/// - `[:]` → `:`, `[://]` → `://`, `[/]` → `/`, `[at]`, `(at)`, `[@]` → `@`, and in general
///   `[c]` → `c` for a punctuation character `c`;
/// - surroundings: white space, `<…>`, quotes and brackets (ASCII and CJK) at the start,
///   and sentence punctuation at the end (`.`, `,`, `;`, `:`, `!`, quotes, `。` and the
///   like, and `)`, `]`, `}` without an opening partner in the URL).
///
/// The tokens are matched without regard to ASCII case. Nothing else changes: the result
/// is not checked, see [`normalize`].
pub fn refang(input: &str) -> String {
    let s = without_openers(input);

    // Only the bytes that can start a defanging token ([`TOKENS`], `[c]`) are looked at;
    // the text between them is copied as it is.
    let mut text = String::with_capacity(s.len());
    // Where the characters after the last token start in `text`: only they can be taken
    // for punctuation around the link and stripped.
    let mut literal_from = 0;
    let mut i = 0;
    while i < s.len() {
        let next = s.as_bytes()[i..]
            .iter()
            .position(|b| matches!(b, b'[' | b'(' | b'{' | b' '))
            .map_or(s.len(), |p| i + p);
        text.push_str(&s[i..next]);
        i = next;
        if i == s.len() {
            break;
        }
        if let Some((len, replacement)) = token_at(s, i) {
            text.push_str(replacement);
            literal_from = text.len();
            i += len;
        } else {
            // An ASCII byte: one character.
            text.push_str(&s[i..i + 1]);
            i += 1;
        }
    }

    let mut balance = Balance::of(&text);
    while text.len() > literal_from {
        let Some(c) = text.chars().next_back() else {
            break;
        };
        if !balance.strips(c) {
            break;
        }
        balance.count(c, -1);
        text.truncate(text.len() - c.len_utf8());
    }

    refang_scheme(text)
}

/// Restores a defanged scheme at the start of `text`.
fn refang_scheme(text: String) -> String {
    for (defanged, scheme) in SCHEMES {
        let n = defanged.len();
        let matches = text
            .as_bytes()
            .get(..n)
            .is_some_and(|b| b.eq_ignore_ascii_case(defanged.as_bytes()))
            && text.as_bytes().get(n) == Some(&b':');
        if matches {
            return format!("{scheme}{}", &text[n..]);
        }
    }
    text
}

/// Defangs a URL for showing or mailing it, so that no program turns it into a live link:
/// `http` → `hxxp`, `https` → `hxxps` (`ftp` → `fxp`), and every `.` of the host (and of
/// any user name before it) → `[.]`: `https://examp1e.com/login` becomes
/// `hxxps://examp1e[.]com/login`. Text without `://` is taken to start with the host.
///
/// So that [`refang`] gives back exactly the same URL, a character it would otherwise read
/// as defanging or strip as punctuation is written in brackets too: the `[` of a literal
/// `[.]` in a path becomes `[[]`, a final `.` becomes `[.]`, a final unmatched `)`
/// becomes `[)]`. Normalised URLs rarely need this.
pub fn defang(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(end)
            if end > 0
                && url.as_bytes()[0].is_ascii_alphabetic()
                && url[..end]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) =>
        {
            let given = &url[..end];
            let scheme = match given.to_ascii_lowercase().as_str() {
                "http" => "hxxp",
                "https" => "hxxps",
                "ftp" => "fxp",
                "ftps" => "fxps",
                _ => given,
            };
            (Some(scheme), &url[end + 3..])
        }
        _ => (None, url),
    };
    let host_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let balance = Balance::of(url);
    let chars: Vec<(usize, char)> = rest.char_indices().collect();

    // Built from the end, so that each character is checked against what follows it in
    // the output, which is what `refang` will read.
    let mut pieces: Vec<String> = Vec::with_capacity(chars.len());
    for (k, &(i, c)) in chars.iter().enumerate().rev() {
        let token_ahead = || {
            let mut ahead = String::from(c);
            for p in pieces.iter().rev() {
                if ahead.len() > 8 {
                    break;
                }
                ahead.push_str(p);
            }
            token_at(&ahead, 0).is_some()
        };
        let protect = (c == '.' && i < host_end)
            || (is_bracketable(c)
                && ((k + 1 == chars.len() && balance.strips(c))
                    || (k == 0 && scheme.is_none() && (is_trim(c) || OPENERS.contains(&c)))
                    || token_ahead()));
        let piece = if protect {
            format!("[{c}]")
        } else {
            c.to_string()
        };
        pieces.push(piece);
    }

    let mut out = String::with_capacity(url.len() + 16);
    if let Some(s) = scheme {
        out.push_str(s);
        out.push_str("://");
    }
    for p in pieces.iter().rev() {
        out.push_str(p);
    }
    out
}

/// Defangs every `http://`, `https://` and `ftp://` URL in free text (a pasted message), so
/// that a page or a mail reader never turns one into a live link. Schemes are found
/// without regard to case; a URL ends at white space, a quote or an angle bracket.
pub fn defang_text(text: &str) -> String {
    const SCHEMES: [&str; 3] = ["http://", "https://", "ftp://"];
    // ASCII lower-casing keeps every byte offset.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    while let Some(start) = SCHEMES
        .iter()
        .filter_map(|s| lower.get(at..)?.find(s))
        .min()
        .map(|i| at + i)
    {
        let Some(tail) = text.get(start..) else {
            break;
        };
        let end = tail
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`' | '「' | '」')
            })
            .unwrap_or(tail.len());
        out.push_str(text.get(at..start).unwrap_or_default());
        out.push_str(&defang(tail.get(..end).unwrap_or_default()));
        at = start + end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// Why a text is not a phishing URL tocsin can take.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlError {
    /// Nothing left after trimming and refanging.
    #[error("the URL is empty")]
    Empty,
    /// Longer than [`MAX_URL_LEN`] characters, given or normalised.
    #[error("the URL is longer than {MAX_URL_LEN} characters")]
    TooLong,
    /// A scheme other than `http` and `https` (its name, lower-cased, at most 40 characters).
    #[error("only http and https URLs can be reported, not `{0}:`")]
    UnsupportedScheme(String),
    /// No host name, as in `http:///` or `https://:443/`.
    #[error("the URL has no host name")]
    NoHost,
    /// A host that is neither a domain name on the internet (two or more labels of letters,
    /// digits, `-` and `_`, 63 characters each, 253 in all) nor an IP address.
    #[error("the host name is not a valid domain name or IP address")]
    InvalidHost,
    /// An internationalized domain name that IDNA (UTS #46) refuses.
    #[error("the international domain name is not valid")]
    InvalidIdn,
    /// A port that is not a number from 0 to 65535.
    #[error("the port is not a number from 0 to 65535")]
    InvalidPort,
    /// Anything else the URL Standard refuses.
    #[error("not a valid URL")]
    Invalid,
}

impl UrlError {
    /// The message id of this error on its own, for a form field holding one URL:
    /// `error-required`, `error-too-long` (arg `max`), `error-url-scheme` (arg `scheme`),
    /// `error-url-host`, `error-url-idn`, `error-url-port` or `error-url-invalid`. See
    /// [`UrlError::field_error`] for the arguments.
    pub fn code(&self) -> &'static str {
        match self {
            UrlError::Empty => "error-required",
            UrlError::TooLong => "error-too-long",
            UrlError::UnsupportedScheme(_) => "error-url-scheme",
            UrlError::NoHost | UrlError::InvalidHost => "error-url-host",
            UrlError::InvalidIdn => "error-url-idn",
            UrlError::InvalidPort => "error-url-port",
            UrlError::Invalid => "error-url-invalid",
        }
    }

    /// A short stable key for the error, for a message that selects on it (the phishing
    /// form's `error-url` message takes it as `reason`): `empty`, `too-long`, `scheme`,
    /// `host`, `idn`, `port` or `invalid`.
    pub fn reason(&self) -> &'static str {
        match self {
            UrlError::Empty => "empty",
            UrlError::TooLong => "too-long",
            UrlError::UnsupportedScheme(_) => "scheme",
            UrlError::NoHost | UrlError::InvalidHost => "host",
            UrlError::InvalidIdn => "idn",
            UrlError::InvalidPort => "port",
            UrlError::Invalid => "invalid",
        }
    }

    /// The field error: [`UrlError::code`] with its arguments.
    pub fn field_error(&self) -> crate::FieldError {
        let e = crate::FieldError::new(self.code());
        match self {
            UrlError::TooLong => e.arg("max", MAX_URL_LEN),
            UrlError::UnsupportedScheme(s) => e.arg("scheme", s),
            _ => e,
        }
    }
}

/// A normalised phishing URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PhishUrl {
    /// The URL as the key for finding duplicates: `https://examp1e.com/login`. ASCII, at most
    /// [`MAX_URL_LEN`] bytes; [`normalize`] gives it back unchanged.
    pub normalized: String,
    /// The same URL with the host in Unicode, for people: `https://例え.jp/`. Show it
    /// defanged ([`PhishUrl::defanged_display`]), and next to the ASCII form when they
    /// differ: a Unicode host may imitate another.
    pub display: String,
    /// The host as in `normalized`: lower-case, punycode (`xn--r8jz45g.jp`), a dotted quad,
    /// or an IPv6 address in brackets.
    pub host_ascii: String,
    /// The host in Unicode (`例え.jp`); the same as `host_ascii` for ASCII names and IPs.
    pub host_unicode: String,
    /// The registrable domain ("eTLD+1", ASCII) by the public suffix list, e.g.
    /// `example.co.uk` for `login.example.co.uk`. `None` for an IP address or a host that
    /// is itself a public suffix. A top-level domain not on the list counts as a suffix
    /// (the list's default rule `*`).
    pub registrable_domain: Option<String>,
    /// The address when the host is a literal IP address.
    pub ip: Option<IpAddr>,
    /// The port when it is not the scheme's default.
    pub port: Option<u16>,
    /// The path, percent-encoded as the URL Standard does; `/` at least.
    pub path: String,
    /// The query without its `?`; `Some("")` for a bare `?`.
    pub query: Option<String>,
}

impl PhishUrl {
    /// The normalised URL defanged, for mail and logs: `hxxps://examp1e[.]com/login`.
    pub fn defanged(&self) -> String {
        defang(&self.normalized)
    }

    /// The display form defanged, for pages: `hxxps://例え[.]jp/`.
    pub fn defanged_display(&self) -> String {
        defang(&self.display)
    }

    /// True when the host is an internationalized domain name (the display differs).
    pub fn is_idn(&self) -> bool {
        self.host_ascii != self.host_unicode
    }
}

/// Normalises a reported URL: trims it, cuts off the fragment, [`refang`]s it, adds
/// `http://` when no scheme is given (also before `host:port`), then parses it by the URL
/// Standard, keeping only `http` and `https`, dropping the default port and a trailing dot
/// of the host, and checking the host (see [`UrlError::InvalidHost`]).
///
/// The result is a fixed point: `normalize(&normalize(u)?.normalized) == normalize(u)`.
/// `hxxps://examp1e[.]com/login` and `https://EXAMP1E.com:443/login#top` both give
/// `https://examp1e.com/login`.
pub fn normalize(input: &str) -> Result<PhishUrl, UrlError> {
    let mut url = normalize_once(input)?;
    for _ in 0..MAX_ROUNDS {
        let again = normalize_once(&url.normalized)?;
        if again == url {
            return Ok(url);
        }
        url = again;
    }
    Err(UrlError::Invalid)
}

/// One round of [`normalize`]. Refanging a parsed URL can change it again (a fragment cut
/// off may leave a final `.`), hence the rounds.
fn normalize_once(input: &str) -> Result<PhishUrl, UrlError> {
    if input.len() > 4 * MAX_URL_LEN {
        return Err(UrlError::TooLong);
    }
    // The URL parser drops tabs and line breaks anywhere: do it first, so that refanging
    // sees what the parser will.
    let joined: String = input
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    // The fragment never reaches the server; with it goes any punctuation after the link.
    let without_fragment = joined.split('#').next().unwrap_or_default();
    let text = refang(without_fragment);
    if text.is_empty() {
        return Err(UrlError::Empty);
    }
    if text.chars().count() > MAX_URL_LEN {
        return Err(UrlError::TooLong);
    }

    let text = with_scheme(&text);
    let mut url = Url::parse(&text).map_err(|e| parse_error(e, &text))?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(UrlError::UnsupportedScheme(
                other.chars().take(40).collect(),
            ));
        }
    }
    url.set_fragment(None);

    let ip = match url.host() {
        None => return Err(UrlError::NoHost),
        Some(Host::Ipv4(a)) => Some(IpAddr::V4(a)),
        Some(Host::Ipv6(a)) => Some(IpAddr::V6(a)),
        Some(Host::Domain(d)) => {
            let d = d.to_string();
            let trimmed = d.strip_suffix('.').unwrap_or(&d);
            check_domain(trimmed)?;
            if trimmed.len() != d.len() {
                url.set_host(Some(trimmed))
                    .map_err(|_| UrlError::InvalidHost)?;
            }
            None
        }
    };

    let normalized = url.as_str().to_string();
    if normalized.len() > MAX_URL_LEN {
        return Err(UrlError::TooLong);
    }
    let host_ascii = url.host_str().unwrap_or_default().to_string();
    let host_unicode = if ip.is_some() {
        host_ascii.clone()
    } else {
        match idna::domain_to_unicode(&host_ascii) {
            (unicode, Ok(())) => unicode,
            (_, Err(_)) => host_ascii.clone(),
        }
    };
    let display = format!(
        "{}{}{}",
        &url[..Position::BeforeHost],
        host_unicode,
        &url[Position::AfterHost..]
    );
    let registrable_domain = if ip.is_some() {
        None
    } else {
        psl::domain_str(&host_ascii).map(str::to_string)
    };
    Ok(PhishUrl {
        normalized,
        display,
        host_ascii,
        host_unicode,
        registrable_domain,
        ip,
        port: url.port(),
        path: url.path().to_string(),
        query: url.query().map(str::to_string),
    })
}

/// `text` with `http://` in front unless it starts with a scheme. `host:port` is not a
/// scheme (`example.com:8080/x`, `localhost:8080`), nor is anything with a dot before the
/// colon; `mailto:` and `javascript:` are, and are refused after parsing.
fn with_scheme(text: &str) -> Cow<'_, str> {
    if text.starts_with("//") {
        return Cow::Owned(format!("http:{text}"));
    }
    let b = text.as_bytes();
    let len = if b.first().is_some_and(u8::is_ascii_alphabetic) {
        b.iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
            .count()
    } else {
        0
    };
    if len > 0 && b.get(len) == Some(&b':') {
        let after = &b[len + 1..];
        let digits = after.iter().take_while(|c| c.is_ascii_digit()).count();
        let is_port =
            digits > 0 && matches!(after.get(digits), None | Some(b'/' | b'?' | b'#' | b'\\'));
        let has_slashes = after.starts_with(b"//") || after.starts_with(b"\\\\");
        if has_slashes || !(is_port || text[..len].contains('.')) {
            return Cow::Borrowed(text);
        }
    }
    Cow::Owned(format!("http://{text}"))
}

/// The URL Standard's refusal of `text` as ours. IDNA also refuses ASCII hosts with
/// characters not allowed in names (a space, `!`): that is an invalid host, not an IDN.
fn parse_error(e: url::ParseError, text: &str) -> UrlError {
    match e {
        url::ParseError::EmptyHost => UrlError::NoHost,
        url::ParseError::IdnaError => {
            let after_scheme = text.split_once(':').map_or(text, |(_, rest)| rest);
            let authority = after_scheme
                .trim_start_matches(['/', '\\'])
                .split(['/', '\\', '?'])
                .next()
                .unwrap_or_default();
            if authority.is_ascii() && !authority.to_ascii_lowercase().contains("xn--") {
                UrlError::InvalidHost
            } else {
                UrlError::InvalidIdn
            }
        }
        url::ParseError::InvalidPort => UrlError::InvalidPort,
        url::ParseError::InvalidIpv4Address
        | url::ParseError::InvalidIpv6Address
        | url::ParseError::InvalidDomainCharacter => UrlError::InvalidHost,
        url::ParseError::Overflow => UrlError::TooLong,
        _ => UrlError::Invalid,
    }
}

/// A host name that can exist on the internet: at least two labels, each of 1 to 63
/// letters, digits, `-` or `_` (punycode for international names), 253 characters in all.
fn check_domain(d: &str) -> Result<(), UrlError> {
    if d.is_empty() {
        return Err(UrlError::NoHost);
    }
    let labels_ok = d.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'))
    });
    if d.len() > 253 || !labels_ok || !d.contains('.') {
        return Err(UrlError::InvalidHost);
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn defang_text_finds_every_url() {
        let text = "Click HTTPS://Bank.example/login now, or http://a.example\n<a href=\"http://b.example/x\">ftp://c.example</a> 「https://d.example」";
        let out = defang_text(text);
        for live in [
            "://Bank.example",
            "http://a.example",
            "http://b.example",
            "ftp://c.example",
            "https://d.example",
        ] {
            assert!(!out.contains(live), "{live} still live in {out}");
        }
        assert!(
            out.contains("hxxps://Bank[.]example/login")
                || out.contains("hxxps://bank[.]example/login"),
            "{out}"
        );
        assert_eq!(defang_text("no links here 網址"), "no links here 網址");
    }

    proptest::proptest! {
        #[test]
        fn defang_text_never_panics_and_leaves_no_live_scheme(s in ".{0,300}") {
            let out = defang_text(&s);
            let lower = out.to_ascii_lowercase();
            proptest::prop_assert!(!lower.contains("http://") && !lower.contains("https://"));
        }
    }
    use super::*;

    /// `normalize(input)`: the normalised key, or the error's [`UrlError::reason`].
    fn check(input: &str, expected: Result<&str, &str>) {
        let got = normalize(input);
        assert_eq!(
            got.as_ref()
                .map(|u| u.normalized.as_str())
                .map_err(|e| e.reason()),
            expected,
            "{input:?}"
        );
        if let Ok(u) = got {
            assert_eq!(normalize(&u.normalized).as_ref(), Ok(&u), "{input:?} again");
        }
    }

    #[test]
    fn the_issue_example() {
        check(
            "hxxps://examp1e[.]com/login",
            Ok("https://examp1e.com/login"),
        );
        check(
            "https://EXAMP1E.com:443/login#top",
            Ok("https://examp1e.com/login"),
        );
    }

    #[test]
    fn refanged_schemes() {
        check("hxxp://evil.com/", Ok("http://evil.com/"));
        check("hxxps://evil.com/", Ok("https://evil.com/"));
        check("hXXps://evil.com/", Ok("https://evil.com/"));
        check("HXXP://evil.com/", Ok("http://evil.com/"));
        check("hxtps://evil.com/", Ok("https://evil.com/"));
        check("ttps://evil.com/", Ok("https://evil.com/"));
        check("fxp://evil.com/", Err("scheme"));
        // Only a scheme: a host that happens to start with "hxxp" stays.
        check("hxxp.evil.com/", Ok("http://hxxp.evil.com/"));
    }

    #[test]
    fn refanged_separators() {
        check("evil[.]com", Ok("http://evil.com/"));
        check("evil(.)com", Ok("http://evil.com/"));
        check("evil{.}com", Ok("http://evil.com/"));
        check("evil[dot]com", Ok("http://evil.com/"));
        check("evil[DOT]com", Ok("http://evil.com/"));
        check("evil(dot)com", Ok("http://evil.com/"));
        check("evil{dot}com", Ok("http://evil.com/"));
        check("evil dot com", Ok("http://evil.com/"));
        check("hxxps[://]evil[.]com", Ok("https://evil.com/"));
        check("hxxps[:]//evil[.]com", Ok("https://evil.com/"));
        check("https[:]//evil.com[/]login", Ok("https://evil.com/login"));
        check("hxxp://user[at]evil[.]com/", Ok("http://user@evil.com/"));
        check("hxxp://user(at)evil[.]com/", Ok("http://user@evil.com/"));
        check("hxxp://user[@]evil[.]com/", Ok("http://user@evil.com/"));
        check(
            "hxxps://evil[.]com/login[.]php",
            Ok("https://evil.com/login.php"),
        );
    }

    #[test]
    fn surroundings() {
        check("  https://evil.com/a  ", Ok("https://evil.com/a"));
        check("<https://evil.com/a>", Ok("https://evil.com/a"));
        check("\"https://evil.com/a\"", Ok("https://evil.com/a"));
        check("'https://evil.com/a'", Ok("https://evil.com/a"));
        check("「https://evil.com/a」", Ok("https://evil.com/a"));
        check("“https://evil.com/a”", Ok("https://evil.com/a"));
        check("(https://evil.com/a)", Ok("https://evil.com/a"));
        check("https://evil.com/a.", Ok("https://evil.com/a"));
        check("https://evil.com/a,", Ok("https://evil.com/a"));
        check("https://evil.com/a;", Ok("https://evil.com/a"));
        check("https://evil.com/a!", Ok("https://evil.com/a"));
        check("https://evil.com/a)", Ok("https://evil.com/a"));
        check("https://evil.com/a]", Ok("https://evil.com/a"));
        check("https://evil.com/a}", Ok("https://evil.com/a"));
        check("https://evil.com/a。", Ok("https://evil.com/a"));
        check("https://evil.com/a），", Ok("https://evil.com/a"));
        check("(see https://evil.com/a).", Err("host"));
        check(
            "https://evil.com/wiki/Foo_(bar)",
            Ok("https://evil.com/wiki/Foo_(bar)"),
        );
        check(
            "(https://evil.com/wiki/Foo_(bar))",
            Ok("https://evil.com/wiki/Foo_(bar)"),
        );
        check("https://evil.com/a?", Ok("https://evil.com/a?"));
        check(
            "\u{FEFF}https://evil.com/a\u{200B}",
            Ok("https://evil.com/a"),
        );
        check("https://evil.com/a#top.", Ok("https://evil.com/a"));
        check("https://evil.com/a.#top", Ok("https://evil.com/a"));
        check("https://evil.com/lo\tgin\n", Ok("https://evil.com/login"));
    }

    #[test]
    fn schemes() {
        check("evil.com/login", Ok("http://evil.com/login"));
        check("//evil.com/login", Ok("http://evil.com/login"));
        check("evil.com:8080/login", Ok("http://evil.com:8080/login"));
        check("evil.com:8080", Ok("http://evil.com:8080/"));
        check("HTTPS://evil.com/", Ok("https://evil.com/"));
        check("http:evil.com/x", Ok("http://evil.com/x"));
        check("ftp://evil.com/", Err("scheme"));
        check("mailto:someone@evil.com", Err("scheme"));
        check("javascript:alert(1)", Err("scheme"));
        check("data:text/html,<script>", Err("scheme"));
        check("file:///etc/passwd", Err("scheme"));
        check("evil.com:abc/", Err("port"));
        check("evil.com:99999/", Err("port"));
    }

    #[test]
    fn hosts() {
        check("https://EVIL.Example.COM/", Ok("https://evil.example.com/"));
        check("https://evil.com./", Ok("https://evil.com/"));
        check("https://evil.com../", Err("host"));
        check("https://a..b.com/", Err("host"));
        check(
            "https://sub_domain.evil.com/",
            Ok("https://sub_domain.evil.com/"),
        );
        check("https://evil/", Err("host"));
        check("https://localhost:8080/", Err("host"));
        check("thanks", Err("host"));
        check("see below", Err("host"));
        check("https://ev!l.com/", Err("host"));
        check("https://ev il.com/", Err("host"));
        check(&format!("https://{}.com/", "a".repeat(64)), Err("host"));
        check(
            &format!("https://{}.com/", "a".repeat(63)),
            Ok(&format!("https://{}.com/", "a".repeat(63))),
        );
        check("http:///", Err("host"));
        check("https://:443/", Err("host"));
        check("https://user:pw@/", Err("host"));
        check("https://%65vil.com/", Ok("https://evil.com/"));
    }

    #[test]
    fn international_names() {
        check("https://例え.jp/", Ok("https://xn--r8jz45g.jp/"));
        check("https://BÜCHER.de/", Ok("https://xn--bcher-kva.de/"));
        check("https://例え。jp/", Ok("https://xn--r8jz45g.jp/"));
        check("https://xn--r8jz45g.jp/", Ok("https://xn--r8jz45g.jp/"));
        check("https://xn--a.com/", Err("idn"));
        let u = normalize("https://例え.jp/ログイン?q=1").expect("valid");
        assert_eq!(u.host_ascii, "xn--r8jz45g.jp");
        assert_eq!(u.host_unicode, "例え.jp");
        assert_eq!(
            u.normalized,
            "https://xn--r8jz45g.jp/%E3%83%AD%E3%82%B0%E3%82%A4%E3%83%B3?q=1"
        );
        assert_eq!(
            u.display,
            "https://例え.jp/%E3%83%AD%E3%82%B0%E3%82%A4%E3%83%B3?q=1"
        );
        assert!(u.is_idn());
        assert_eq!(u.registrable_domain.as_deref(), Some("xn--r8jz45g.jp"));
    }

    #[test]
    fn ip_hosts() {
        check("http://192.0.2.1/x", Ok("http://192.0.2.1/x"));
        check("http://192.0.2.1./x", Ok("http://192.0.2.1/x"));
        check("http://0xc0.0.2.1/", Ok("http://192.0.2.1/"));
        check("http://3221225985/", Ok("http://192.0.2.1/"));
        check("http://0300.0.2.1/", Ok("http://192.0.2.1/"));
        check("http://192.0.2/", Ok("http://192.0.0.2/"));
        check("192.0.2.1:8080/x", Ok("http://192.0.2.1:8080/x"));
        check("http://192.0.2.256/", Err("host"));
        check("http://[2001:DB8::1]/", Ok("http://[2001:db8::1]/"));
        check(
            "http://[2001:db8:0:0:0:0:0:1]:80/",
            Ok("http://[2001:db8::1]/"),
        );
        check("[2001:db8::1]/login", Ok("http://[2001:db8::1]/login"));
        check("http://[2001:db8::zz]/", Err("host"));
        let u = normalize("http://0xc0.0.2.1/").expect("valid");
        assert_eq!(u.ip, "192.0.2.1".parse().ok());
        assert_eq!(u.registrable_domain, None);
        assert_eq!(u.host_unicode, "192.0.2.1");
        let u = normalize("http://[2001:db8::1]/").expect("valid");
        assert_eq!(u.ip, "2001:db8::1".parse().ok());
        assert_eq!(u.host_ascii, "[2001:db8::1]");
    }

    #[test]
    fn ports_fragments_paths_and_queries() {
        check("http://evil.com:80/", Ok("http://evil.com/"));
        check("https://evil.com:443/", Ok("https://evil.com/"));
        check("http://evil.com:443/", Ok("http://evil.com:443/"));
        check("https://evil.com:80/", Ok("https://evil.com:80/"));
        check("https://evil.com:08443/", Ok("https://evil.com:8443/"));
        check("https://evil.com", Ok("https://evil.com/"));
        check("https://evil.com?a=1", Ok("https://evil.com/?a=1"));
        check("https://evil.com/#", Ok("https://evil.com/"));
        check(
            "https://evil.com/a/b/../c/./d",
            Ok("https://evil.com/a/c/d"),
        );
        check("https://evil.com/A/B", Ok("https://evil.com/A/B"));
        check("https://evil.com/a b", Ok("https://evil.com/a%20b"));
        check("https://evil.com/%7Euser", Ok("https://evil.com/%7Euser"));
        check(
            "https://evil.com/?Q=A b&x=%41",
            Ok("https://evil.com/?Q=A%20b&x=%41"),
        );
        check("https://evil.com/?b=2&a=1", Ok("https://evil.com/?b=2&a=1"));
        check("https:\\\\evil.com\\a\\b", Ok("https://evil.com/a/b"));
        check(
            "https://www.bank.com@evil.com/",
            Ok("https://www.bank.com@evil.com/"),
        );
        let u = normalize("https://evil.com:8443/a?b=1#c").expect("valid");
        assert_eq!(u.port, Some(8443));
        assert_eq!(u.path, "/a");
        assert_eq!(u.query.as_deref(), Some("b=1"));
        let u = normalize("https://evil.com").expect("valid");
        assert_eq!((u.port, u.path.as_str(), u.query), (None, "/", None));
    }

    #[test]
    fn lengths() {
        check("", Err("empty"));
        check("   ", Err("empty"));
        check("<>", Err("empty"));
        check("\"\".", Err("empty"));
        let long = format!("https://evil.com/{}", "a".repeat(MAX_URL_LEN - 17));
        assert_eq!(long.len(), MAX_URL_LEN);
        check(&long, Ok(&long));
        check(&format!("{long}a"), Err("too-long"));
        // Within the limit as typed, over it once percent-encoded.
        check(
            &format!("https://evil.com/{}", "例".repeat(1000)),
            Err("too-long"),
        );
        check(&"x".repeat(100_000), Err("too-long"));
    }

    #[test]
    fn registrable_domains() {
        for (input, expected) in [
            ("https://login.evil.com/", Some("evil.com")),
            ("https://evil.com/", Some("evil.com")),
            ("https://a.b.evil.co.uk/", Some("evil.co.uk")),
            ("https://www.evil.com.tw/", Some("evil.com.tw")),
            ("https://evil.gov.tw/", Some("evil.gov.tw")),
            ("https://evil.github.io/", Some("evil.github.io")),
            ("https://github.io/", None),
            ("https://co.uk/", None),
            ("https://a.b.evil.unknowntld/", Some("evil.unknowntld")),
            (
                "https://xn--fiqs8s.xn--kpry57d/",
                Some("xn--fiqs8s.xn--kpry57d"),
            ),
            ("https://www.台灣.台灣/", Some("xn--kpry57d.xn--kpry57d")),
            ("https://www.foo.公司.hk/", Some("foo.xn--55qx5d.hk")),
            ("https://www.foo.xn--55qx5d.hk/", Some("foo.xn--55qx5d.hk")),
            ("http://192.0.2.1/", None),
        ] {
            let got = normalize(input).map(|u| u.registrable_domain);
            assert_eq!(got, Ok(expected.map(str::to_string)), "{input}");
        }
    }

    fn check_refang(input: &str, expected: &str) {
        assert_eq!(refang(input), expected, "{input:?}");
    }

    #[test]
    fn refanging() {
        check_refang("hxxps://examp1e[.]com/login", "https://examp1e.com/login");
        check_refang(
            "hXXp://a(.)b{.}c[dot]d(DOT)e{dot}f dot g",
            "http://a.b.c.d.e.f.g",
        );
        check_refang("http[:]//a.b", "http://a.b");
        check_refang("http[://]a.b", "http://a.b");
        check_refang("a[/]b", "a/b");
        check_refang("u[at]a.b u(AT)c.d", "u@a.b u@c.d");
        check_refang("fxp://a.b", "ftp://a.b");
        check_refang("  <hxxp://a[.]b/c>.  ", "http://a.b/c");
        check_refang("http://a.b/c)", "http://a.b/c");
        check_refang("http://a.b/(c)", "http://a.b/(c)");
        check_refang("http://a.b/c[)]", "http://a.b/c)");
        check_refang("http://a.b/c[.]", "http://a.b/c.");
        check_refang("http://a.b/[[]]", "http://a.b/[]");
        check_refang("hxxp", "hxxp");
        check_refang("", "");
        check_refang("[.]", ".");
        check_refang("[", "[");
        check_refang("a[x]b", "a[x]b");
    }

    fn check_defang(input: &str, expected: &str) {
        assert_eq!(defang(input), expected, "{input:?}");
        assert_eq!(refang(expected), input, "{expected:?} refanged");
    }

    #[test]
    fn defanging() {
        check_defang("https://examp1e.com/login", "hxxps://examp1e[.]com/login");
        check_defang("http://a.b.c/x.y?z=1.2", "hxxp://a[.]b[.]c/x.y?z=1.2");
        assert_eq!(defang("HTTP://a.b/"), "hxxp://a[.]b/");
        check_defang("ftp://a.b/", "fxp://a[.]b/");
        check_defang("http://192.0.2.1:8080/", "hxxp://192[.]0[.]2[.]1:8080/");
        check_defang("http://[2001:db8::1]/", "hxxp://[2001:db8::1]/");
        check_defang(
            "http://www.bank.com@evil.com/",
            "hxxp://www[.]bank[.]com@evil[.]com/",
        );
        check_defang("https://例え.jp/", "hxxps://例え[.]jp/");
        check_defang("evil.com/a", "evil[.]com/a");
        // What refang would otherwise take for defanging or punctuation.
        check_defang("http://a.b/x.", "hxxp://a[.]b/x[.]");
        check_defang("http://a.b/x)", "hxxp://a[.]b/x[)]");
        check_defang("http://a.b/(x)", "hxxp://a[.]b/(x)");
        check_defang("http://a.b/[.]", "hxxp://a[.]b/[[].]");
        check_defang("http://a.b/(dot)", "hxxp://a[.]b/[(]dot)");
        check_defang("http://a.b/[at]", "hxxp://a[.]b/[[]at]");
        check_defang("http://a.b/]x[]", "hxxp://a[.]b/]x[[][]]");
        check_defang("http://a.b/?q=1;", "hxxp://a[.]b/?q=1[;]");
        check_defang("(a.b", "[(]a[.]b");
    }

    /// [`refang`] as first written: a piece for every character or token.
    fn reference_refang(input: &str) -> String {
        let s = without_openers(input);
        let mut pieces: Vec<(bool, &str)> = Vec::new();
        let mut i = 0;
        while i < s.len() {
            if let Some((len, replacement)) = token_at(s, i) {
                pieces.push((true, replacement));
                i += len;
            } else {
                let len = s[i..].chars().next().map_or(1, char::len_utf8);
                pieces.push((false, &s[i..i + len]));
                i += len;
            }
        }
        let mut text: String = pieces.iter().map(|(_, t)| *t).collect();
        let mut balance = Balance::of(&text);
        while let Some((false, literal)) = pieces.last() {
            let Some(c) = literal.chars().next() else {
                break;
            };
            if !balance.strips(c) {
                break;
            }
            balance.count(c, -1);
            text.truncate(text.len() - literal.len());
            pieces.pop();
        }
        refang_scheme(text)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// URL-like text with the characters that matter to refanging and parsing.
        #[test]
        fn normalize_is_idempotent_and_defang_round_trips(
            scheme in "(https?|HTTPS?|hxxps?|hXXp|ftp|javascript)?(://|\\[://\\]|\\[:\\]//|:|//)?",
            host in "([a-zA-Z0-9_-]{1,8}(\\.|\\[\\.\\]|\\(\\.\\)|\\[dot\\]|。)){0,3}(com|tw|co\\.uk|github\\.io|例え|xn--r8jz45g|[0-9]{1,3})",
            port in "(:[0-9]{0,5})?",
            path in "(/[a-zA-Z0-9.,;:!'\"()\\[\\]{}<>@%+ ~\\\\_-]{0,8}){0,4}",
            query in "(\\?[a-zA-Z0-9.,;:!'()\\[\\]{}@%+=&/ _-]{0,12})?",
            fragment in "(#[a-z.)]{0,4})?",
            around in proptest::sample::select(vec![("", ""), ("<", ">"), ("(", ")."), ("\"", "\","), (" ", "。")]),
        ) {
            let input = format!("{}{scheme}{host}{port}{path}{query}{fragment}{}", around.0, around.1);
            if let Ok(u) = normalize(&input) {
                proptest::prop_assert_eq!(normalize(&u.normalized), Ok(u.clone()));
                proptest::prop_assert_eq!(refang(&defang(&u.normalized)), u.normalized.clone());
                proptest::prop_assert_eq!(normalize(&u.defanged()), Ok(u.clone()));
                proptest::prop_assert_eq!(normalize(&u.display), Ok(u.clone()));
                proptest::prop_assert!(u.normalized.is_ascii());
                proptest::prop_assert!(u.normalized.len() <= MAX_URL_LEN);
            }
        }

        /// The refanging that copies the text between tokens agrees with the plain one
        /// that looks for a token at every character (the first version).
        #[test]
        fn refang_agrees_with_the_reference(text in "([a-zA-Z0-9.,;:!'\"()\\[\\]{}<>@/?= 。」）漏\u{200B}-]|\\[dot\\]|\\(at\\)|\\{\\.\\}| dot |\\[://\\]|hxxps?:){0,24}") {
            proptest::prop_assert_eq!(refang(&text), reference_refang(&text));
        }

        /// The exact round trip holds for any text after a scheme, not only for URLs.
        #[test]
        fn refang_inverts_defang(rest in "[a-z.,;:!'\"()\\[\\]{}<>@/?= ]{0,16}(dot|at)?[a-z.,;:!'\"()\\[\\]{}<>@/?= ]{0,6}") {
            let url = format!("http://{rest}");
            proptest::prop_assert_eq!(refang(&defang(&url)), url);
        }
    }
}

//! An Atom 1.0 feed (RFC 4287) of public advisories: [`atom`] writes an [`AtomFeed`] as an
//! XML document.
//!
//! Every text and attribute goes through [`escape_text`] or [`escape_attr`]: `&`, `<`, `>`,
//! `"` and `'` become entities, characters XML 1.0 does not allow (U+0000 to U+0008,
//! U+000B, U+000C, U+000E to U+001F, U+FFFE, U+FFFF) are dropped, and carriage returns
//! (and, in attributes, tabs and line feeds) are written as character references so that a
//! parser gives them back unchanged. Whatever the strings hold, the output is well-formed
//! (`tests/atom.rs` checks that with arbitrary strings in every field). Dates are RFC 3339
//! in UTC.

use std::fmt::Write as _;

use tocsin_domain::Timestamp;

/// The Atom namespace.
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
/// The media type of an Atom feed.
pub const CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

/// A feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtomFeed {
    /// The feed's permanent id, an IRI (e.g. the list page's URL or a `urn:`).
    pub id: String,
    /// The feed's title.
    pub title: String,
    /// When anything in the feed last changed.
    pub updated: Timestamp,
    /// The feed's author (RFC 4287 requires one on the feed when entries have none), e.g.
    /// the CERT's name.
    pub author: String,
    /// The feed's own URL (`rel="self"`).
    pub link_self: String,
    /// The HTML page the feed mirrors (`rel="alternate"`).
    pub link_alternate: String,
    /// The feed's language (`xml:lang`), e.g. `zh-TW`, if any.
    pub lang: Option<String>,
    /// The entries, newest first.
    pub entries: Vec<AtomEntry>,
}

/// One entry: an advisory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtomEntry {
    /// The entry's permanent id, an IRI.
    pub id: String,
    /// The title.
    pub title: String,
    /// When the entry last changed.
    pub updated: Timestamp,
    /// When the entry was first published.
    pub published: Timestamp,
    /// The advisory's HTML page (`rel="alternate"`).
    pub link: String,
    /// A plain-text summary.
    pub summary: String,
    /// The entry's language (`xml:lang`) where it differs from the feed's, if any.
    pub lang: Option<String>,
}

/// The feed as an XML document (UTF-8, with an XML declaration).
pub fn atom(feed: &AtomFeed) -> String {
    let mut out = String::with_capacity(1024 + 512 * feed.entries.len());
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"");
    out.push_str(ATOM_NS);
    out.push('"');
    lang_attr(&mut out, feed.lang.as_deref());
    out.push_str(">\n");
    element(&mut out, 1, "id", &feed.id);
    element(&mut out, 1, "title", &feed.title);
    element(&mut out, 1, "updated", &feed.updated.rfc3339());
    out.push_str("  <author>\n");
    element(&mut out, 2, "name", &feed.author);
    out.push_str("  </author>\n");
    link(&mut out, 1, "self", "application/atom+xml", &feed.link_self);
    link(&mut out, 1, "alternate", "text/html", &feed.link_alternate);
    for e in &feed.entries {
        out.push_str("  <entry");
        lang_attr(&mut out, e.lang.as_deref());
        out.push_str(">\n");
        element(&mut out, 2, "id", &e.id);
        element(&mut out, 2, "title", &e.title);
        element(&mut out, 2, "updated", &e.updated.rfc3339());
        element(&mut out, 2, "published", &e.published.rfc3339());
        link(&mut out, 2, "alternate", "text/html", &e.link);
        element(&mut out, 2, "summary", &e.summary);
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn element(out: &mut String, depth: usize, name: &str, text: &str) {
    indent(out, depth);
    let _ = writeln!(out, "<{name}>{}</{name}>", escape_text(text));
}

fn link(out: &mut String, depth: usize, rel: &str, media_type: &str, href: &str) {
    indent(out, depth);
    let _ = writeln!(
        out,
        "<link rel=\"{rel}\" type=\"{media_type}\" href=\"{}\"/>",
        escape_attr(href)
    );
}

fn lang_attr(out: &mut String, lang: Option<&str>) {
    if let Some(lang) = lang {
        out.push_str(" xml:lang=\"");
        out.push_str(&escape_attr(lang));
        out.push('"');
    }
}

/// Whether XML 1.0 allows the character in a document (its `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes text for element content: the five special characters as entities, a carriage
/// return as `&#13;` (a parser would turn a raw one into a line feed), characters XML 1.0
/// does not allow dropped.
pub fn escape_text(s: &str) -> String {
    escape(s, false)
}

/// Escapes text for a double- or single-quoted attribute value: as [`escape_text`], and
/// tabs and line feeds as character references (a parser would turn raw ones into spaces).
pub fn escape_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            '\n' if attr => out.push_str("&#10;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape_text("<a href='x'>\"&\"</a>"),
            "&lt;a href=&apos;x&apos;&gt;&quot;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(escape_text("a\u{0}b\u{8}c\u{B}d\u{FFFE}e\u{FFFF}"), "abcde");
        assert_eq!(escape_text("a\tb\nc\rd"), "a\tb\nc&#13;d");
        assert_eq!(escape_attr("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
        assert_eq!(escape_text("漏洞 🦀"), "漏洞 🦀");
    }
}

//! The Atom feed: escaping, illegal characters, well-formedness checked by an XML parser
//! (roxmltree), and arbitrary strings in every field.

use proptest::prelude::*;
use tocsin_domain::Timestamp;
use tocsin_formats::atom::{ATOM_NS, AtomEntry, AtomFeed, atom, escape_attr, escape_text};

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).expect("test timestamp")
}

fn entry(n: u32, title: &str, summary: &str) -> AtomEntry {
    AtomEntry {
        id: format!("https://cert.example.tw/advisories/CVE-2026-{n:05}"),
        title: title.into(),
        updated: ts("2026-04-21T08:00:00+08:00"),
        published: ts("2026-04-20T01:30:00Z"),
        link: format!("https://cert.example.tw/advisories/CVE-2026-{n:05}?lang=en&view=full"),
        summary: summary.into(),
        lang: None,
    }
}

fn feed(entries: Vec<AtomEntry>) -> AtomFeed {
    AtomFeed {
        id: "https://cert.example.tw/advisories".into(),
        title: "TWCERT 漏洞公告 & advisories".into(),
        updated: ts("2026-04-21T00:00:00Z"),
        author: "TWCERT/CC".into(),
        link_self: "https://cert.example.tw/advisories.atom?a=1&b=2".into(),
        link_alternate: "https://cert.example.tw/advisories".into(),
        lang: Some("zh-TW".into()),
        entries,
    }
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}"))
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|n| n.has_tag_name((ATOM_NS, name)))
        .unwrap_or_else(|| panic!("no <{name}>"))
}

fn text_of(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    child(node, name).text().unwrap_or("").to_owned()
}

fn links(node: roxmltree::Node<'_, '_>) -> Vec<(String, String)> {
    node.children()
        .filter(|n| n.has_tag_name((ATOM_NS, "link")))
        .map(|n| {
            (
                n.attribute("rel").unwrap_or("").to_owned(),
                n.attribute("href").unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn feed_parses_with_root_and_entries() {
    let f = feed(vec![
        entry(1, "CVE-2026-00001 Example Router XSS", "Upgrade to 2.4.1."),
        entry(2, "CVE-2026-00002 範例產品 SQL 注入", "請更新。"),
        AtomEntry {
            lang: Some("en".into()),
            ..entry(3, "Third", "Third summary")
        },
    ]);
    let xml = atom(&f);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "));
    let doc = parse(&xml);
    let root = doc.root_element();
    assert!(root.has_tag_name((ATOM_NS, "feed")));
    assert_eq!(
        root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("zh-TW")
    );
    let entries: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name((ATOM_NS, "entry")))
        .collect();
    assert_eq!(entries.len(), 3);

    assert_eq!(text_of(root, "id"), "https://cert.example.tw/advisories");
    assert_eq!(text_of(root, "title"), "TWCERT 漏洞公告 & advisories");
    assert_eq!(text_of(root, "updated"), "2026-04-21T00:00:00.000000Z");
    assert_eq!(text_of(child(root, "author"), "name"), "TWCERT/CC");
    assert_eq!(
        links(root),
        [
            (
                "self".to_owned(),
                "https://cert.example.tw/advisories.atom?a=1&b=2".to_owned()
            ),
            (
                "alternate".to_owned(),
                "https://cert.example.tw/advisories".to_owned()
            ),
        ]
    );

    let e = entries[1];
    assert_eq!(text_of(e, "title"), "CVE-2026-00002 範例產品 SQL 注入");
    assert_eq!(text_of(e, "summary"), "請更新。");
    assert_eq!(text_of(e, "updated"), "2026-04-21T00:00:00.000000Z");
    assert_eq!(text_of(e, "published"), "2026-04-20T01:30:00.000000Z");
    assert_eq!(
        links(e),
        [(
            "alternate".to_owned(),
            "https://cert.example.tw/advisories/CVE-2026-00002?lang=en&view=full".to_owned()
        )]
    );
    assert_eq!(
        entries[2].attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("en")
    );
    assert_eq!(
        entries[0].attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        None
    );
}

#[test]
fn empty_feed_is_well_formed() {
    let xml = atom(&feed(Vec::new()));
    let doc = parse(&xml);
    assert!(doc.root_element().has_tag_name((ATOM_NS, "feed")));
    assert_eq!(
        doc.root_element()
            .children()
            .filter(|n| n.has_tag_name((ATOM_NS, "entry")))
            .count(),
        0
    );
}

#[test]
fn markup_in_titles_and_summaries_is_escaped() {
    let title = "<script>alert('x')</script> & \"quoted\"";
    let summary = "Fish & chips <b>bold</b> ]]> &amp;";
    let mut f = feed(vec![entry(1, title, summary)]);
    f.title = "<script>document.cookie</script>".into();
    f.entries[0].link = "https://example.org/?a=\"><script>x</script>&b='c'".into();
    let xml = atom(&f);
    assert!(!xml.contains("<script>"), "raw markup in {xml}");
    assert!(!xml.contains("<b>"));
    assert!(
        xml.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quoted&quot;")
    );
    assert!(xml.contains("Fish &amp; chips &lt;b&gt;bold&lt;/b&gt; ]]&gt; &amp;amp;"));
    // The parser gives the texts back unchanged.
    let doc = parse(&xml);
    let root = doc.root_element();
    assert_eq!(text_of(root, "title"), "<script>document.cookie</script>");
    let e = child(root, "entry");
    assert_eq!(text_of(e, "title"), title);
    assert_eq!(text_of(e, "summary"), summary);
    assert_eq!(
        links(e)[0].1,
        "https://example.org/?a=\"><script>x</script>&b='c'"
    );
}

#[test]
fn illegal_characters_are_removed() {
    let dirty = "a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g\u{FFFE}h\u{FFFF}i";
    let mut f = feed(vec![entry(1, dirty, dirty)]);
    f.author = dirty.into();
    f.entries[0].lang = Some(dirty.into());
    f.link_self = dirty.into();
    let xml = atom(&f);
    for c in [
        '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
    ] {
        assert!(!xml.contains(c), "{c:?} left in the output");
    }
    let doc = parse(&xml);
    let root = doc.root_element();
    let e = child(root, "entry");
    assert_eq!(text_of(e, "title"), "abcdefghi");
    assert_eq!(text_of(e, "summary"), "abcdefghi");
    assert_eq!(text_of(child(root, "author"), "name"), "abcdefghi");
    assert_eq!(links(root)[0].1, "abcdefghi");
    // Allowed control characters survive, a carriage return included.
    let kept = "line 1\r\nline 2\ttab\u{7F}\u{85}";
    let xml = atom(&feed(vec![entry(1, kept, kept)]));
    let doc = parse(&xml);
    assert_eq!(text_of(child(doc.root_element(), "entry"), "summary"), kept);
}

#[test]
fn escaping_functions() {
    assert_eq!(escape_text("&<>\"'"), "&amp;&lt;&gt;&quot;&apos;");
    assert_eq!(escape_attr("a\tb\nc"), "a&#9;b&#10;c");
    assert_eq!(escape_text("\u{0}\u{FFFF}"), "");
    assert_eq!(escape_text("𝄞 漏洞"), "𝄞 漏洞");
}

/// Any string: every char, control characters and non-characters included.
fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<char>(),
            prop::sample::select(vec![
                '\u{0}',
                '\u{8}',
                '\t',
                '\n',
                '\r',
                '\u{B}',
                '&',
                '<',
                '>',
                '"',
                '\'',
                ']',
                '\u{FFFE}',
                '\u{FFFF}',
                '\u{D7FF}',
                '\u{E000}',
                '\u{10FFFF}',
            ]),
        ],
        0..40,
    )
    .prop_map(String::from_iter)
}

fn any_entry() -> impl Strategy<Value = AtomEntry> {
    (
        any_text(),
        any_text(),
        any_text(),
        any_text(),
        prop::option::of(any_text()),
        any::<i64>(),
    )
        .prop_map(|(id, title, link, summary, lang, us)| AtomEntry {
            id,
            title,
            updated: Timestamp::from_micros(us),
            published: Timestamp::from_micros(us / 2),
            link,
            summary,
            lang,
        })
}

fn without_illegal(s: &str) -> String {
    s.chars()
        .filter(|&c| tocsin_formats::atom::is_xml_char(c))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_make_well_formed_xml(
        id in any_text(),
        title in any_text(),
        author in any_text(),
        link_self in any_text(),
        link_alternate in any_text(),
        lang in prop::option::of(any_text()),
        entries in prop::collection::vec(any_entry(), 0..4),
    ) {
        let f = AtomFeed {
            id, title, author, link_self, link_alternate, lang,
            updated: Timestamp::from_micros(0),
            entries,
        };
        let xml = atom(&f);
        let doc = roxmltree::Document::parse(&xml);
        prop_assert!(doc.is_ok(), "{:?}\n{}", doc.err(), xml);
        let doc = doc.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let root = doc.root_element();
        prop_assert!(root.has_tag_name((ATOM_NS, "feed")));
        // Every text comes back as given, less the characters XML cannot hold.
        prop_assert_eq!(text_of(root, "id"), without_illegal(&f.id));
        prop_assert_eq!(text_of(root, "title"), without_illegal(&f.title));
        prop_assert_eq!(text_of(child(root, "author"), "name"), without_illegal(&f.author));
        let l = links(root);
        prop_assert_eq!(&l[0].1, &without_illegal(&f.link_self));
        prop_assert_eq!(&l[1].1, &without_illegal(&f.link_alternate));
        let entries: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name((ATOM_NS, "entry")))
            .collect();
        prop_assert_eq!(entries.len(), f.entries.len());
        for (node, e) in entries.iter().zip(&f.entries) {
            prop_assert_eq!(text_of(*node, "id"), without_illegal(&e.id));
            prop_assert_eq!(text_of(*node, "title"), without_illegal(&e.title));
            prop_assert_eq!(text_of(*node, "summary"), without_illegal(&e.summary));
            prop_assert_eq!(&links(*node)[0].1, &without_illegal(&e.link));
            prop_assert_eq!(
                text_of(*node, "published"),
                e.published.rfc3339()
            );
        }
    }
}

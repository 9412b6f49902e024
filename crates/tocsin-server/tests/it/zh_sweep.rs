//! The zh-TW sweep: every page a visitor, a reporter, a member, a vendor and the desk can
//! reach by following links (crawled from the front door and each role's home, after a
//! report of each kind was filed and worked), and every mail that work queued, read in
//! zh-TW. It fails on a message id Fluent could not find (it answers with the id) and on
//! an English-only sentence: a visible text (or `title` / `aria-label`) with three or more
//! English words and no Chinese character. Text the user typed (the seed report is in
//! English), code, verbatim blocks and anything marked `lang="en"` are not the page's own
//! words and are skipped.

use std::collections::{BTreeSet, VecDeque};

use axum::http::{Method, StatusCode};
use serde_json::json;
use tocsin_domain::Role;

use crate::front::{SEED, incident, phishing, post};
use crate::{Harness, both_engines};

/// Elements whose content is not the page's own prose.
const SKIP: &[&str] = &["script", "style", "textarea", "pre", "code", "kbd", "samp"];

/// Void elements: no closing tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// English words a zh-TW page may show as they are: names of standards and products.
const PROPER: &[&str] = &[
    "Traffic Light Protocol",
    "Common Vulnerability Scoring System",
];

fn decode(s: &str) -> String {
    s.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// An attribute's value in a tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(decode(
        &tag[start..]
            .chars()
            .take_while(|c| *c != '"')
            .collect::<String>(),
    ))
}

/// The texts a reader sees (and hears: `title`, `aria-label`) on a page, skipping the
/// elements that hold no prose of the page's own.
fn visible_texts(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    // The open elements: (name, skipped).
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let skipped = stack.last().is_some_and(|(_, s)| *s);
        let text = rest[..lt].trim();
        if !text.is_empty() && !skipped {
            out.push(decode(text));
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(at) = stack.iter().rposition(|(n, _)| *n == name) {
                stack.truncate(at);
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let english = attr(tag, "lang").is_some_and(|l| l.starts_with("en"))
            || attr(tag, "translate").as_deref() == Some("no");
        if !(skipped || english) {
            for a in ["title", "aria-label"] {
                if let Some(v) = attr(tag, a) {
                    out.push(v);
                }
            }
        }
        if VOID.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        stack.push((
            name.clone(),
            skipped || english || SKIP.contains(&name.as_str()),
        ));
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

/// Whether a text reads as an English sentence: three or more English words, no Chinese.
fn english_only(text: &str) -> bool {
    if text.chars().any(is_cjk) {
        return false;
    }
    let words = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| ",.;:!?()“”\"'".contains(c)))
        .filter(|w| {
            w.len() >= 2
                && w.chars().all(|c| c.is_ascii_alphabetic())
                && w.chars().skip(1).all(|c| c.is_ascii_lowercase())
        })
        .count();
    words >= 3
}

/// What is wrong with one text of a zh-TW page or mail, if anything. `typed`: what users
/// typed (shown back as it came).
fn problem(text: &str, typed: &str) -> Option<String> {
    if text.contains("Unknown localization key") {
        return Some(format!("missing message: {text}"));
    }
    if !english_only(text) {
        return None;
    }
    let trimmed = text.trim();
    if typed.contains(trimmed) || PROPER.iter().any(|p| trimmed.contains(p)) {
        return None;
    }
    Some(format!("English in zh-TW: {trimmed:?}"))
}

/// The links of a page to crawl: same site, GET pages (no files, feeds, sign-out or
/// language switch); the query kept only where it is a secret (status links, receipts).
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("href=\"") {
        let href = decode(
            &html[i + 6..]
                .chars()
                .take_while(|c| *c != '"')
                .collect::<String>(),
        );
        let href = href.replace("http://127.0.0.1:8080", "");
        if !href.starts_with('/') || href.starts_with("//") {
            continue;
        }
        let path = href.split(['?', '#']).next().unwrap_or_default();
        let keep_query = path.starts_with("/status/") || path.starts_with("/report/receipt/");
        let bad = path.starts_with("/static/")
            || path.starts_with("/lang/")
            || path.contains("/files/")
            || path.ends_with(".atom")
            || path.ends_with(".txt")
            || path.ends_with("/txt")
            || path.ends_with("/export")
            || path.starts_with("/api/")
            || path.starts_with("/taxii");
        if bad {
            continue;
        }
        out.push(if keep_query {
            href.split('#').next().unwrap_or_default().to_string()
        } else {
            path.to_string()
        });
    }
    out
}

/// Crawls from `start` as `cookie`; every page's problems, and how many pages it read.
async fn crawl(
    h: &Harness,
    start: &[String],
    cookie: Option<&str>,
    typed: &str,
    problems: &mut Vec<String>,
) -> usize {
    let mut seen = BTreeSet::new();
    let mut todo: VecDeque<String> = start.iter().cloned().collect();
    let mut pages = 0;
    while let Some(url) = todo.pop_front() {
        if !seen.insert(url.clone()) || seen.len() > 200 {
            continue;
        }
        let headers: Vec<(&str, &str)> = cookie.map(|c| vec![("cookie", c)]).unwrap_or_default();
        let r = h.get(&url, &headers).await;
        let html = r
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"));
        if !html || !(r.status.is_success() || r.status.is_client_error()) {
            continue;
        }
        pages += 1;
        for t in visible_texts(&r.body) {
            if let Some(p) = problem(&t, typed) {
                problems.push(format!("{url}: {p}"));
            }
        }
        if r.status == StatusCode::OK {
            todo.extend(links(&r.body));
        }
    }
    pages
}

/// A mail's text, its transfer encoding undone (one part, as the outbox writes them).
fn mail_text(message: &[u8]) -> String {
    crate::desk_pages::mail_text(message)
}

both_engines! {
    async fn every_page_and_mail_reads_in_chinese(h: Harness) {
        let typed = String::from_utf8_lossy(SEED).to_string();
        // One report of each kind through its form; the receipts hold the status links.
        let mut start = vec![
            "/".to_string(), "/report/incident".into(), "/report/phishing".into(),
            "/report/vulnerability".into(), "/login".into(), "/password/forgot".into(),
            "/points/leaderboard".into(), "/status?tracking=INC-2026-999999&token=x".into(),
        ];
        let forms = [
            ("/report/incident", incident("sweep-inc", "官網首頁遭置換"), None),
            ("/report/phishing", phishing("sweep-phi"), None),
            ("/report/vulnerability", vec![("idempotency_key", "sweep-vul"), ("reporter_name", ""), ("public_credit", "")], Some(("txt", "report.txt", SEED))),
        ];
        let mut tracking = Vec::new();
        for (uri, fields, file) in forms {
            let r = post(&h, uri, &fields, file).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}: {}", r.body);
            let to = r.header("location").expect("receipt").to_string();
            start.push(to.clone());
            let t = to.trim_start_matches("/report/receipt/").split('?').next().expect("tracking").to_string();
            tracking.push(t);
        }
        let (inc, vul) = (tracking[0].clone(), tracking[2].clone());

        // The desk works them, so their pages and mails show states, history and timers.
        let (admin, admin_token) = h.user("admin@cert.tw", &[Role::Admin, Role::Analyst, Role::Coordinator]).await;
        let desk = h.login(&admin).await;
        for (path, body) in [
            (format!("/desk/reports/{inc}/transition"), "to=triaged&message=".to_string()),
            (format!("/desk/reports/{inc}/messages"), "body=請提供網站存取紀錄。".to_string()),
            (format!("/desk/reports/{inc}/notes"), "body=內部備註".to_string()),
        ] {
            let r = h.form(&path, &body, Some(&desk)).await;
            assert!(r.status.is_redirection() || r.status.is_success(), "{path}: {} {}", r.status, r.body);
        }
        for to in ["under_review", "accepted"] {
            let r = h.json(Method::POST, &format!("/api/v1/vulnerabilities/{vul}/transition"), Some(&admin_token), json!({"to": to}), &[]).await;
            assert!(r.status.is_success(), "{to}: {}", r.body);
        }
        let (member, _) = h.user("member@example.tw", &[Role::Member]).await;
        let member = h.login(&member).await;

        let mut problems = Vec::new();
        let mut pages = crawl(&h, &start, None, &typed, &mut problems).await;
        let mine = ["/".to_string(), "/my/reports".into(), "/account".into(), "/vulnerabilities".into()];
        pages += crawl(&h, &mine, Some(&member), &typed, &mut problems).await;
        let home = ["/".to_string(), "/desk".into(), format!("/desk/reports/{inc}"), format!("/desk/vulnerabilities/{vul}")];
        pages += crawl(&h, &home, Some(&desk), &typed, &mut problems).await;
        assert!(pages > 40, "the sweep reads the pages ({pages})");

        // Every mail queued so far (acknowledgments, the message, the vendor and desk mail).
        let outbox = h.state.store.list_outbox(1000).await.expect("outbox");
        assert!(outbox.len() >= 3, "mail was queued ({})", outbox.len());
        for m in &outbox {
            let text = mail_text(&m.message);
            for line in std::iter::once(m.subject.as_str()).chain(text.lines()) {
                if line.contains("://") {
                    continue;
                }
                if let Some(p) = problem(line, &typed) {
                    problems.push(format!("mail {:?}: {p}", m.subject));
                }
            }
        }
        problems.sort();
        problems.dedup();
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    }
}

#[test]
fn the_heuristics() {
    assert!(english_only("The list holds no CVE id."));
    assert!(!english_only("清單中沒有任何 CVE 編號。"));
    assert!(!english_only(
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    ));
    assert!(!english_only("soc@example.com.tw"));
    assert!(!english_only("INC-2026-000001"));
    let texts = visible_texts(
        "<p title=\"Open the menu now\">首頁</p><pre>raw text stays raw</pre><span lang=\"en\">Our products' cases here</span><br><b>bold words are here</b>",
    );
    assert_eq!(
        texts,
        vec!["Open the menu now", "首頁", "bold words are here"]
    );
    assert!(problem("Unknown localization key: \"x\"", "").is_some());
    assert!(problem("words typed by someone", "they were words typed by someone").is_none());
}

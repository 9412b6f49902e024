//! The phishing pages over HTTP on both engines: the public form (multipart, built by hand),
//! dedupe of two spellings of one URL into one case, the receipt, status and desk pages
//! showing URLs only defanged, the case's state changes, contacts and notice, the access
//! rules, and the monthly figures.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine as _;
use tocsin_domain::Role;
use tocsin_storage::PhishUrlRow;

use crate::{Harness, Resp, both_engines};

const BOUNDARY: &str = "----tocsinPhishingBoundary3KbP9xQ";
const XSS: &str = "<script>alert(1)</script>";
const DEFANGED: &str = "hxxps://examp1e[.]com/login";

/// Text as askama writes it into HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// One part of a multipart body: a text field, or a file (name, file name, type, bytes).
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a str, &'a [u8]),
}

async fn post_multipart(h: &Harness, uri: &str, parts: &[Part<'_>], cookie: Option<&str>) -> Resp {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                        .as_bytes(),
                );
            }
            Part::File(name, file, ct, bytes) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {ct}\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("sec-fetch-site", "same-origin")
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://127.0.0.1:8080");
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    let r = h.send(b.body(Body::from(body)).expect("request")).await;
    h.follow_receipt(r, cookie).await
}

/// The text of the element with `id`, up to the next `<`.
fn text_of(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    let rest = &body[start..];
    let gt = rest.find('>').expect("tag end") + 1;
    rest[gt..].chars().take_while(|c| *c != '<').collect()
}

/// The local status link of a receipt.
fn status_link(body: &str) -> String {
    let marker = "id=\"status-link\" href=\"";
    let start = body.find(marker).expect("status link") + marker.len();
    let href: String = body[start..].chars().take_while(|c| *c != '"').collect();
    href.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("http://127.0.0.1:8080", "")
}

/// The HTML of the element with `id` up to its closing `</select>`.
fn select_of(body: &str, id: &str) -> String {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let end = start + body[start..].find("</select>").expect("select");
    body[start..end].to_string()
}

/// A page shows the phishing URL only defanged: never live, never as a link, in no
/// spelling the reporters used.
fn only_defanged(what: &str, body: &str) {
    let lower = body.to_ascii_lowercase();
    assert!(
        !lower.contains("examp1e.com"),
        "{what}: a live phishing host: {body}"
    );
    assert!(
        !lower.contains("href=\"hxxp") && !lower.contains("href=\"https://examp1e"),
        "{what}: a phishing link"
    );
    assert!(
        body.contains(DEFANGED),
        "{what}: the defanged URL is missing: {body}"
    );
}

/// A mail's text, its transfer encoding undone.
fn mail_text(message: &[u8]) -> String {
    let raw = String::from_utf8_lossy(message).replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").expect("headers and body");
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") {
        let clean: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(clean)
            .expect("base64 body");
        String::from_utf8(bytes).expect("utf-8")
    } else if head.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\n", "");
        let mut out = Vec::new();
        let mut i = 0;
        let b = joined.as_bytes();
        while i < b.len() {
            match (b[i] == b'=')
                .then(|| joined.get(i + 1..i + 3))
                .flatten()
                .and_then(|x| u8::from_str_radix(x, 16).ok())
            {
                Some(v) => {
                    out.push(v);
                    i += 3;
                }
                None => {
                    out.push(b[i]);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).expect("utf-8")
    } else {
        body.to_string()
    }
}

/// Files a phishing report through the form; returns the tracking number, the status link
/// and the receipt.
async fn file(h: &Harness, parts: &[Part<'_>]) -> (String, String, Resp) {
    let r = post_multipart(h, "/report/phishing", parts, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let tracking = text_of(&r.body, "tracking-id");
    let link = status_link(&r.body);
    (tracking, link, r)
}

fn simple(url: &str) -> Vec<Part<'_>> {
    vec![
        Part::Text("urls", url),
        Part::Text("brand", "範例銀行"),
        Part::Text("seen_in", "sms"),
        Part::Text("seen_at", ""),
        Part::Text("time_zone", "Asia/Taipei"),
        Part::Text("original_message", ""),
        Part::Text("reporter_email", "citizen@example.tw"),
        Part::Text("reporter_name", ""),
    ]
}

async fn only_case(h: &Harness) -> PhishUrlRow {
    let cases = h.state.store.list_phish_urls(&[], 10).await.expect("cases");
    assert_eq!(cases.len(), 1, "{cases:?}");
    cases[0].clone()
}

both_engines! {
    async fn two_spellings_make_one_case_shown_only_defanged(h: Harness) {
        let form = h.get("/report/phishing", &[]).await;
        assert_eq!(form.status, StatusCode::OK);
        for needle in ["enctype=\"multipart/form-data\"", "name=\"urls\"", "hxxp", "[.]", "name=\"eml\"", "name=\"attachments\" multiple", "type=\"datetime-local\"", "簡訊", "搜尋結果", "仿冒對象"] {
            assert!(form.body.contains(needle), "the form lacks {needle}");
        }

        // Report A: defanged, with a pasted message naming the URL live, and a screenshot.
        let message = format!("簡訊：您的帳戶異常，請至 https://examp1e.com/login 驗證 {XSS}");
        let mut a_parts = simple("hxxps://examp1e[.]com/login");
        a_parts.retain(|p| !matches!(p, Part::Text("original_message" | "seen_at", _)));
        a_parts.push(Part::Text("original_message", &message));
        a_parts.push(Part::Text("seen_at", "2026-01-05T09:15"));
        a_parts.push(Part::File("attachments", "screen.png", "image/png", b"\x89PNG fake"));
        let (ta, link_a, receipt) = file(&h, &a_parts).await;
        assert!(ta.starts_with("PHI-"), "{ta}");
        assert!(link_a.starts_with(&format!("/status/{ta}?token=")), "{link_a}");
        assert_eq!(receipt.header("cache-control"), Some("no-store"));
        only_defanged("receipt A", &receipt.body);
        assert!(receipt.body.contains("範例銀行") && receipt.body.contains("簡訊"));

        // Report B: another spelling, its message only as an uploaded .eml.
        let eml = b"From: =?UTF-8?B?6YqA6KGM?= <no-reply@bank.example>\r\nSubject: Account locked\r\n\r\nSign in at HTTPS://EXAMP1E.COM/login today.\r\n";
        let mut b_parts = simple("https://EXAMP1E.com:443/login#top");
        b_parts.retain(|p| !matches!(p, Part::Text("seen_in", _)));
        b_parts.push(Part::Text("seen_in", "email"));
        b_parts.push(Part::File("eml", "lure.eml", "message/rfc822", eml));
        let (tb, link_b, receipt) = file(&h, &b_parts).await;
        assert_ne!(ta, tb, "each reporter gets a tracking number");
        only_defanged("receipt B", &receipt.body);

        // One case, two reporters, both reports linked.
        let case = only_case(&h).await;
        assert_eq!((case.normalized.as_str(), case.reporters, case.state.as_str()), ("https://examp1e.com/login", 2, "received"));
        let reports = h.state.store.reports_of_phish_url(case.id).await.expect("reports");
        let names: Vec<&str> = reports.iter().map(|r| r.tracking_id.as_str()).collect();
        assert_eq!(names, [ta.as_str(), tb.as_str()]);
        // The .eml became B's original message and one of its files.
        assert!(reports[1].details.contains("Sign in at HTTPS://EXAMP1E.COM/login today."), "{}", reports[1].details);
        let files = h.state.store.list_attachments(reports[1].id).await.expect("files");
        assert_eq!(files.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["lure.eml"]);

        // The status pages: details, the URL defanged with its state, no live link.
        let status = h.get(&link_a, &[]).await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        only_defanged("status A", &status.body);
        assert_eq!(text_of(&status.body, "phishing-brand"), "範例銀行");
        assert_eq!(text_of(&status.body, "phishing-seen-in"), "簡訊");
        assert_eq!(text_of(&status.body, "phishing-seen-at"), "2026-01-05 09:15 (UTC+08:00)");
        assert!(status.body.contains("url-state-received") && status.body.contains("已接收"));
        assert!(status.body.contains(&esc(XSS)) && !status.body.contains(XSS), "the message is escaped");
        assert!(status.body.contains("screen.png"));
        assert!(!status.body.contains("/desk/phishing/"), "no desk link for the reporter");
        let status = h.get(&link_b, &[("accept-language", "en")]).await;
        assert_eq!(status.status, StatusCode::OK);
        only_defanged("status B", &status.body);
        assert!(status.body.contains("Received") && status.body.contains("Email"));
        assert!(status.body.contains("hxxps://EXAMP1E[.]COM/login"), "the eml's URL is defanged");

        // The desk: the list and the case, defanged too.
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let cookie = h.login("analyst@cert.tw").await;
        let list = h.get("/desk/phishing", &[("cookie", &cookie)]).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        only_defanged("case list", &list.body);
        let row = &list.body[list.body.find(&format!("id=\"case-{}\"", case.id)).expect("row")..];
        let row = &row[..row.find("</tr>").expect("row end")];
        for needle in [ta.as_str(), "範例銀行", "已接收", ">2<", "TLP:GREEN", &format!("/desk/phishing/{}", case.id)] {
            assert!(row.contains(needle), "the row lacks {needle}: {row}");
        }
        assert!(!row.contains(&tb), "the case is named by its first report");
        let none = h.get("/desk/phishing?state=taken_down", &[("cookie", &cookie)]).await;
        assert!(none.body.contains("id=\"cases-empty\""));
        let all = h.get("/desk/phishing?state=all", &[("cookie", &cookie)]).await;
        assert!(all.body.contains(&format!("id=\"case-{}\"", case.id)));
        let bad = h.get("/desk/phishing?state=bogus", &[("cookie", &cookie)]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("field-error"));

        let page = h.get(&format!("/desk/phishing/{}", case.id), &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        only_defanged("case page", &page.body);
        assert_eq!(text_of(&page.body, "case-domain"), "examp1e[.]com");
        assert_eq!(text_of(&page.body, "case-reporters"), "2");
        for needle in [ta.as_str(), tb.as_str(), "citizen@example.tw", "screen.png", "event-received"] {
            assert!(page.body.contains(needle), "the case page lacks {needle}");
        }
        assert!(page.body.contains(&esc(XSS)) && !page.body.contains(XSS));
        // The status page, opened by staff, links the case.
        let as_staff = h.get(&format!("/status/{ta}"), &[("cookie", &cookie)]).await;
        assert_eq!(as_staff.status, StatusCode::OK);
        assert!(as_staff.body.contains(&format!("href=\"/desk/phishing/{}\"", case.id)));
        assert!(!as_staff.body.contains("id=\"open-in-desk\""));
    }

    async fn the_desk_verifies_notifies_and_takes_down(h: Harness) {
        let (tracking, link, _) = file(&h, &simple("hxxps://examp1e[.]com/login")).await;
        let case = only_case(&h).await;
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let cookie = h.login("analyst@cert.tw").await;
        let c = Some(cookie.as_str());
        let base = format!("/desk/phishing/{}", case.id);
        let state = |h: &Harness| {
            let id = case.id;
            let store = h.state.store.clone();
            async move { store.get_phish_url(id).await.expect("q").expect("case") }
        };

        // Only the allowed next states are offered; illegal ones are refused in the page.
        let page = h.get(&base, &[("cookie", &cookie)]).await;
        let select = select_of(&page.body, "transition-form");
        for s in ["verified", "false_positive", "duplicate"] {
            assert!(select.contains(&format!("value=\"{s}\"")), "{s} offered");
        }
        for s in ["taken_down", "abuse_notified", "reopened"] {
            assert!(!select.contains(&format!("value=\"{s}\"")), "{s} not offered");
        }
        assert!(page.body.contains("id=\"notify-unavailable\""), "no notice before verification");
        for body in ["to=taken_down", "to=abuse_notified", "to=bogus", "to=", "to=verified&tlp=purple"] {
            let r = h.form(&format!("{base}/transition"), body, c).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(r.body.contains("class=\"field-error\""), "{body}: message next to the form");
        }
        let r = h.form(&format!("{base}/transition"), "to=taken_down", c).await;
        assert!(r.body.contains("目前的狀態不能這樣變更。"));
        assert_eq!(state(&h).await.state, "received");

        // Evidence: a note with a screenshot; an empty one is refused; the fetcher is off.
        let r = post_multipart(&h, &format!("{base}/evidence"), &[
            Part::Text("note", "PHOTO-EVIDENCE-9 login form asks for OTP"),
            Part::File("attachments", "proof.png", "image/png", b"\x89PNG proof"),
        ], c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("{base}#evidence").as_str()));
        let r = post_multipart(&h, &format!("{base}/evidence"), &[Part::Text("note", " ")], c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("此欄位為必填。"));
        let page = h.get(&base, &[("cookie", &cookie)]).await;
        assert!(page.body.contains("id=\"fetch-off\""));
        let r = h.form(&format!("{base}/fetch"), "", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("未啟用網頁擷取功能"), "{}", r.body);
        let history = &page.body[page.body.find("id=\"history\"").expect("history")..];
        assert!(history.contains("event-phishing_evidence") && history.contains("PHOTO-EVIDENCE-9"));
        assert!(page.body.contains("proof.png"));
        let status = h.get(&link, &[]).await;
        assert!(!status.body.contains("proof.png") && !status.body.contains("PHOTO-EVIDENCE-9"), "evidence is internal");

        // Verified with evidence and a TLP.
        let r = h.form(&format!("{base}/transition"), "to=verified&note=Title+%E7%99%BB%E5%85%A5+EVIDENCE-17&tlp=amber", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("{base}#transition").as_str()));
        let now = state(&h).await;
        assert_eq!((now.state.as_str(), now.tlp.as_str()), ("verified", "amber"));
        let page = h.get(&base, &[("cookie", &cookie)]).await;
        let select = select_of(&page.body, "transition-form");
        assert!(select.contains("value=\"taken_down\"") && !select.contains("value=\"abuse_notified\""));
        assert!(page.body.contains("id=\"notify-form\"") && page.body.contains("TLP:AMBER"));
        // The notice is prefilled from the template, defanged, with the tracking number.
        let notice = &page.body[page.body.find("id=\"notify-form\"").expect("notice")..];
        assert!(notice.contains(DEFANGED) && notice.contains(&tracking));
        // RDAP is off by default: said on the page, and refused.
        assert!(page.body.contains("id=\"rdap-off\""));
        let r = h.form(&format!("{base}/rdap"), "", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("未設定 RDAP 查詢"), "{}", r.body);

        // No contacts: the notice is refused, naming the contacts.
        let before = h.state.store.list_outbox(50).await.expect("outbox").len();
        let r = h.form(&format!("{base}/notify"), "body=", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"notify-contacts-error\"") && r.body.contains("請先加入至少一個濫用通報聯絡窗口。"), "{}", r.body);
        assert_eq!(h.state.store.list_outbox(50).await.expect("outbox").len(), before);

        // Contacts: refused input next to the form, then one by hand, then a wrong one removed.
        let r = h.form(&format!("{base}/contacts"), "role=pope&email=nope", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body.matches("class=\"field-error\"").count(), 2);
        assert!(r.body.contains("value=\"nope\""), "typed values are kept");
        let r = h.form(&format!("{base}/contacts"), "role=hosting&email=Abuse%40Host.example", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = h.form(&format!("{base}/contacts"), "role=other&email=wrong%40example.tw", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let contacts = h.state.store.abuse_contacts(case.id).await.expect("contacts");
        assert_eq!(contacts.len(), 2);
        let wrong = contacts.iter().find(|k| k.email == "wrong@example.tw").expect("wrong");
        let r = h.form(&format!("{base}/contacts/{}/remove", wrong.id), "", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = h.form(&format!("{base}/contacts/{}/remove", wrong.id), "", c).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let page = h.get(&base, &[("cookie", &cookie)]).await;
        assert!(page.body.contains("abuse@host.example") && !page.body.contains("wrong@example.tw"));

        // The notice: queued to the contact, tracking number in the subject, URL defanged.
        let r = h.form(&format!("{base}/notify"), "body=", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("{base}#notify").as_str()));
        let mail = h.state.store.list_outbox(50).await.expect("outbox");
        let notice = mail.iter().find(|m| m.recipients.contains("abuse@host.example")).expect("the notice");
        assert!(notice.subject.contains(&tracking), "{}", notice.subject);
        let text = mail_text(&notice.message);
        assert!(text.contains(DEFANGED) && !text.to_ascii_lowercase().contains("examp1e.com"), "{text}");
        assert_eq!(state(&h).await.state, "abuse_notified");
        let page = h.get(&base, &[("cookie", &cookie)]).await;
        assert!(page.body.contains("id=\"notify-unavailable\""));
        let r = h.form(&format!("{base}/notify"), "body=again", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "notified already");

        // Taken down; the history tells it all, the reporter sees the state but no notes.
        let r = h.form(&format!("{base}/transition"), "to=taken_down&note=gone", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(state(&h).await.state, "taken_down");
        let page = h.get(&base, &[("cookie", &cookie)]).await;
        let history = &page.body[page.body.find("id=\"history\"").expect("history")..];
        for needle in ["event-phishing_state", "event-phishing_notice", "EVIDENCE-17", "已接收 → 已確認", "已通知業者 → 已下架", "abuse@host.example"] {
            assert!(history.contains(needle), "the history lacks {needle}");
        }
        only_defanged("case page at the end", &page.body);
        let status = h.get(&link, &[]).await;
        assert!(status.body.contains("url-state-taken_down") && status.body.contains("已下架"));
        assert!(!status.body.contains("EVIDENCE-17") && !status.body.contains("abuse@host.example"), "internal events stay internal");
        let select = select_of(&page.body, "transition-form");
        assert!(select.contains("value=\"reopened\""));

        // A case that is not there.
        assert_eq!(h.get("/desk/phishing/00000000-0000-0000-0000-000000000000", &[("cookie", &cookie)]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get("/desk/phishing/not-a-uuid", &[("cookie", &cookie)]).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_form_refuses_bad_input_next_to_the_fields(h: Harness) {
        let parts = vec![
            Part::Text("urls", "hxxps://ok[.]example/\nftp://files.example/x"),
            Part::Text("brand", ""),
            Part::Text("reporter_email", "not-an-email"),
            Part::Text("reporter_name", "王小明"),
            Part::File("attachments", "a.png", "image/png", b"x"),
        ];
        let r = post_multipart(&h, "/report/phishing", &parts, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("第 2 行"), "the URL error names the line: {}", r.body);
        assert!(r.body.contains("只接受 http 或 https 網址"));
        assert!(r.body.contains("電子郵件格式不正確。") && r.body.contains("此欄位為必填。"));
        // urls, brand, seen_in, reporter_email, files to choose again.
        assert_eq!(r.body.matches("class=\"field-error\"").count(), 5, "{}", r.body);
        let urls = r.body.find("id=\"f-urls\"").expect("urls field");
        // The error summary at the top says it first; the field's own message follows the field.
        let line = r.body.rfind("第 2 行").expect("message");
        let brand = r.body.find("id=\"f-brand\"").expect("brand field");
        assert!(urls < line && line < brand, "the message is next to the URLs");
        assert!(r.body.contains("value=\"王小明\""), "typed values are kept");
        assert!(h.state.store.list_outbox(10).await.expect("outbox").is_empty(), "nothing stored");
        let en = h.get("/report/phishing", &[("accept-language", "en")]).await;
        assert!(en.body.contains("Brand or organization impersonated") && en.body.contains("Search result"));
    }

    async fn only_staff_reach_the_phishing_desk(h: Harness) {
        let (tracking, _, _) = file(&h, &simple("hxxps://examp1e[.]com/login")).await;
        let case = only_case(&h).await;
        let base = format!("/desk/phishing/{}", case.id);
        assert_eq!(h.get("/desk/phishing", &[]).await.status, StatusCode::UNAUTHORIZED);
        h.user("rep@corp.tw", &[Role::Reporter, Role::Member]).await;
        let cookie = h.login("rep@corp.tw").await;
        let c = Some(cookie.as_str());
        assert_eq!(h.get("/desk/phishing", &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get(&base, &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
        for (path, body) in [("transition", "to=verified"), ("contacts", "role=hosting&email=a%40b.tw"), ("rdap", ""), ("notify", "body=x")] {
            let r = h.form(&format!("{base}/{path}"), body, c).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(h.get("/admin/phishing", &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.state.store.get_phish_url(case.id).await.expect("q").expect("case").state, "received");
        let home = h.get("/", &[("cookie", &cookie)]).await;
        assert!(home.body.contains("id=\"nav-report-phishing\"") && !home.body.contains("id=\"nav-phishing\""));

        // Staff see the desk link; figures are for admins.
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let analyst = h.login("analyst@cert.tw").await;
        let home = h.get("/", &[("cookie", &analyst)]).await;
        assert!(home.body.contains("id=\"nav-phishing\"") && !home.body.contains("id=\"nav-phishing-figures\""));
        assert_eq!(h.get("/admin/phishing", &[("cookie", &analyst)]).await.status, StatusCode::FORBIDDEN);
        let r = h.form(&format!("{base}/transition"), "to=verified", Some(&analyst)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        h.user("admin@cert.tw", &[Role::Admin]).await;
        let admin = h.login("admin@cert.tw").await;
        let figures = h.get("/admin/phishing", &[("cookie", &admin)]).await;
        assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
        assert!(figures.body.contains("id=\"phishing-months\"") && figures.body.contains("範例銀行") && figures.body.contains("簡訊"));
        assert!(figures.body.contains(" 小時 ") && figures.body.contains("id=\"nav-phishing-figures\""));
        assert!(!figures.body.contains(&tracking));
    }
}

/// With RDAP configured but its bootstrap unreachable (a desk without outside network that
/// was set up anyway): the button is offered, and a failed look-up is said next to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_rdap_lookup_is_said_next_to_the_button() {
    let h = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.phishing.rdap_bootstrap_url = "http://127.0.0.1:9".into()
    })
    .await
    .expect("sqlite");
    file(&h, &simple("hxxps://examp1e[.]com/login")).await;
    let case = only_case(&h).await;
    h.user("analyst@cert.tw", &[Role::Analyst]).await;
    let cookie = h.login("analyst@cert.tw").await;
    let base = format!("/desk/phishing/{}", case.id);
    let page = h.get(&base, &[("cookie", &cookie)]).await;
    assert!(!page.body.contains("id=\"rdap-off\""));
    assert!(
        page.body.contains("id=\"rdap-submit\" type=\"submit\">"),
        "the button is enabled"
    );
    let r = h.form(&format!("{base}/rdap"), "", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The error summary at the top says it first; the message near the button is the last.
    let error = r.body.rfind("RDAP 查詢失敗").expect("the message");
    let button = r.body.find("id=\"rdap-submit\"").expect("the button");
    assert!(
        error < button && button - error < 400,
        "the message is next to the button"
    );
    // After a look-up, the page says how many contacts it added.
    let done = h
        .get(&format!("{base}?rdap=0"), &[("cookie", &cookie)])
        .await;
    assert!(text_of(&done.body, "rdap-added").contains('0'));
}

/// The fetcher, when a desk turns it on: what it saw lands in the case history, the final
/// URL and any URL in the page's title defanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetched_page_is_recorded_defanged() {
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let site = axum::Router::new()
        .route(
            "/go",
            get(|| async { axum::response::Redirect::temporary("/login") }),
        )
        .route(
            "/login",
            get(|| async {
                axum::response::Html(
                    "<html><head><title>範例銀行 https://examp1e.com 登入</title></head></html>",
                )
            }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, site).await;
    });
    let h = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.phishing.fetcher = true;
        c.phishing.fetch_allow_private = true;
    })
    .await
    .expect("sqlite");
    let url = format!("http://{addr}/go");
    file(&h, &simple(&url)).await;
    let case = only_case(&h).await;
    h.user("analyst@cert.tw", &[Role::Analyst]).await;
    let cookie = h.login("analyst@cert.tw").await;
    let base = format!("/desk/phishing/{}", case.id);
    let page = h.get(&base, &[("cookie", &cookie)]).await;
    assert!(!page.body.contains("id=\"fetch-off\""));
    let r = h.form(&format!("{base}/fetch"), "", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&base, &[("cookie", &cookie)]).await;
    let history = &page.body[page.body.find("id=\"history\"").expect("history")..];
    let final_url = format!("hxxp://{}/login", addr.to_string().replace('.', "[.]"));
    for needle in [
        "event-phishing_fetch",
        "HTTP 200",
        &final_url,
        "hxxps://examp1e[.]com",
    ] {
        assert!(
            history.contains(needle),
            "the history lacks {needle}: {history}"
        );
    }
    assert!(!page.body.contains("examp1e.com") && !page.body.contains(&url));
}

//! The incident pages over HTTP on both engines: the public form (multipart, built by hand
//! here), the confirmation, the acknowledgment mail, the status page and its files, the desk
//! walking a report through the SOP, and the satisfaction survey.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine as _;
use tocsin_domain::{ReportState, Role};
use tocsin_storage::Engine;

use crate::{Harness, Resp, both_engines};

const BOUNDARY: &str = "----tocsinTestBoundary7MA4YWxkTrZu0gW";
const XSS: &str = "<script>alert(1)</script> <img src=x onerror=alert(1)>";

/// Text as askama writes it into HTML: `&<>"'` as numeric character references.
fn esc(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// One part of a multipart body.
enum Part<'a> {
    Text(&'a str, &'a str),
    /// name, file name, content type, bytes.
    File(&'a str, &'a str, &'a str, &'a [u8]),
}

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut b = Vec::new();
    for p in parts {
        b.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                b.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                b.extend_from_slice(value.as_bytes());
            }
            Part::File(name, file, ct, bytes) => {
                b.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {ct}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                b.extend_from_slice(bytes);
            }
        }
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// A same-origin multipart POST, as a browser sends a form with files.
async fn post_multipart(h: &Harness, uri: &str, parts: &[Part<'_>], cookie: Option<&str>) -> Resp {
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
    let r = h
        .send(b.body(Body::from(multipart(parts))).expect("request"))
        .await;
    h.follow_receipt(r, cookie).await
}

/// The incident form's fields; `needs_support` true asks for support.
fn incident<'a>(description: &'a str, needs_support: &'a str) -> Vec<Part<'a>> {
    vec![
        Part::Text("reporter_name", "範例科技股份有限公司"),
        Part::Text("phone", "02-2345-6789"),
        Part::Text("email", "soc@example.com.tw"),
        Part::Text("discovered_at", "2026-01-05T09:15"),
        Part::Text("time_zone", "Asia/Taipei"),
        Part::Text("incident_type", "web_attack"),
        Part::Text("description", description),
        Part::Text("needs_support", needs_support),
        Part::Text("support_requested", "協助分析網頁後門"),
        Part::Text("affected_assets", "https://www.example.com.tw/"),
        Part::Text("follows_up", ""),
    ]
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

/// The `href` of the element with `id`, unescaped, made local.
fn href_of(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\" href=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} link"))
        + marker.len();
    let href: String = body[start..].chars().take_while(|c| *c != '"').collect();
    href.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#61;", "=")
        .replace("http://127.0.0.1:8080", "")
}

/// A mail's text body, its transfer encoding undone.
pub(crate) fn mail_text(message: &[u8]) -> String {
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
        let b = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let hex = (b[i] == b'=')
                .then(|| joined.get(i + 1..i + 3))
                .flatten()
                .and_then(|x| u8::from_str_radix(x, 16).ok());
            match hex {
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

async fn file_report(
    h: &Harness,
    description: &str,
    needs_support: &str,
) -> (String, String, Resp) {
    let r = post_multipart(
        h,
        "/report/incident",
        &incident(description, needs_support),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let tracking = text_of(&r.body, "tracking-id");
    let link = href_of(&r.body, "status-link");
    (tracking, link, r)
}

both_engines! {
    async fn reporter_files_and_follows_the_report(h: Harness) {
        let form = h.get("/report/incident", &[]).await;
        assert_eq!(form.status, StatusCode::OK);
        for needle in ["enctype=\"multipart/form-data\"", "type=\"datetime-local\"", "name=\"attachments\" multiple", "單位名稱或通報者", "聯絡E-mail", "資安預警", "5 MB"] {
            assert!(form.body.contains(needle), "form lacks {needle}");
        }
        assert!(!form.body.contains("reported_at"), "reported_at is never a field");

        let mut parts = incident(XSS, "false");
        parts.push(Part::File("attachments", "web.log", "text/plain", b"GET /shell.php 200"));
        // What a browser sends for a second, empty file input.
        parts.push(Part::File("attachments", "", "application/octet-stream", b""));
        let r = post_multipart(&h, "/report/incident", &parts, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.header("cache-control"), Some("no-store"));
        let tracking = text_of(&r.body, "tracking-id");
        assert!(tracking.starts_with("INC-"), "{tracking}");
        let link = href_of(&r.body, "status-link");
        assert!(link.starts_with(&format!("/status/{tracking}?token=")), "{link}");
        assert!(r.body.contains(&esc(XSS)), "escaped on the confirmation");
        assert!(!r.body.contains("<script>alert(1)") && !r.body.contains("<img src=x"));

        // The acknowledgment: in the outbox, plain text, tracking number in the subject.
        let mail = h.state.store.list_outbox(10).await.expect("outbox");
        assert_eq!(mail.len(), 1);
        assert!(mail[0].subject.contains(&tracking), "{}", mail[0].subject);
        assert!(mail[0].recipients.contains("soc@example.com.tw"));
        let raw = String::from_utf8_lossy(&mail[0].message).to_ascii_lowercase();
        assert!(raw.contains("content-type: text/plain") && !raw.contains("text/html"));
        let text = mail_text(&mail[0].message);
        assert!(text.contains(&tracking) && text.contains(&link), "{text}");

        // The status page, with the right token only.
        let status = h.get(&link, &[]).await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        assert_eq!(text_of(&status.body, "status-tracking"), tracking);
        assert_eq!(text_of(&status.body, "report-state"), "已收到");
        assert!(status.body.contains(&esc(XSS)) && !status.body.contains("<script>alert(1)"));
        assert!(status.body.contains("web.log"));
        assert_eq!(status.body.matches("/files/").count(), 1, "the empty file part was ignored");
        let wrong = h.get(&format!("/status/{tracking}?token=wrong-token"), &[]).await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        assert!(!wrong.body.contains("web.log"));
        // The update mails link here without the token: the page says which link to open.
        let no_token = h.get(&format!("/status/{tracking}"), &[]).await;
        assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
        assert!(no_token.body.contains("id=\"need-link\"") && !no_token.body.contains("web.log"));
        assert_eq!(h.get("/status/INC-1999-999999?token=x", &[]).await.status, StatusCode::NOT_FOUND);

        // The file downloads, never inline.
        let start = status.body.find(&format!("/status/{tracking}/files/")).expect("file link");
        let file_href: String = status.body[start..].chars().take_while(|c| *c != '"').collect();
        let file = h.get(&file_href.replace("&#38;", "&"), &[]).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.body, "GET /shell.php 200");
        assert_eq!(file.header("content-type"), Some("application/octet-stream"));
        assert!(file.header("content-disposition").expect("disposition").starts_with("attachment; filename=\"web.log\""));
        assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
        let file_id = file_href.rsplit('/').next().expect("id").split('?').next().expect("id").to_string();
        assert_eq!(h.get(&format!("/status/{tracking}/files/{file_id}?token=wrong"), &[]).await.status, StatusCode::NOT_FOUND);

        // The desk writes an internal note and a message: only the message reaches the reporter.
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let cookie = h.login("analyst@cert.tw").await;
        let note = h.form(&format!("/desk/reports/{tracking}/notes"), "body=SECRET-NOTE-42+%3Cb%3Ebold%3C%2Fb%3E", Some(&cookie)).await;
        assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.body);
        assert!(note.header("location").expect("location").starts_with(&format!("/desk/reports/{tracking}")));
        let msg = h.form(&format!("/desk/reports/{tracking}/messages"), "body=Please+send+the+logs+%3Cscript%3Ealert(2)%3C%2Fscript%3E", Some(&cookie)).await;
        assert_eq!(msg.status, StatusCode::SEE_OTHER, "{}", msg.body);
        let status = h.get(&link, &[]).await;
        assert!(status.body.contains(&esc("Please send the logs <script>alert(2)</script>")), "{}", status.body);
        assert!(!status.body.contains("SECRET-NOTE-42"), "internal notes never reach the status page");
        // Not even when a staff member opens the status page without the token.
        let as_staff = h.get(&format!("/status/{tracking}"), &[("cookie", &cookie)]).await;
        assert_eq!(as_staff.status, StatusCode::OK);
        assert!(!as_staff.body.contains("SECRET-NOTE-42"));
        let desk = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &cookie)]).await;
        assert_eq!(desk.status, StatusCode::OK);
        assert!(desk.body.contains(&esc("SECRET-NOTE-42 <b>bold</b>")) && desk.body.contains("badge-internal"));
        assert!(desk.body.contains(&esc(XSS)) && !desk.body.contains("<script>alert(1)"));
        // The message was mailed as plain text, exactly as written.
        let mail = h.state.store.list_outbox(10).await.expect("outbox");
        assert_eq!(mail.len(), 2);
        assert!(mail_text(&mail[0].message).contains("Please send the logs <script>alert(2)</script>"));

        // The reporter adds information and a file; an empty addition is refused in the page.
        let token = link.split("token=").nth(1).expect("token").to_string();
        let add = post_multipart(&h, &format!("/status/{tracking}"), &[
            Part::Text("token", &token),
            Part::Text("body", "The web shell was at /uploads/x.php"),
            Part::File("attachments", "shell.txt", "text/plain", b"<?php evil(); ?>"),
        ], None).await;
        assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
        assert_eq!(add.header("location"), Some(link.as_str()));
        let status = h.get(&link, &[]).await;
        assert!(status.body.contains("The web shell was at /uploads/x.php") && status.body.contains("shell.txt"));
        let empty = post_multipart(&h, &format!("/status/{tracking}"), &[Part::Text("token", &token), Part::Text("body", " ")], None).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("field-error"));
        let bad_token = post_multipart(&h, &format!("/status/{tracking}"), &[Part::Text("token", "nope"), Part::Text("body", "x")], None).await;
        assert_eq!(bad_token.status, StatusCode::NOT_FOUND);
        // A body that is not multipart is a bad request.
        let not_mp = h.form("/report/incident", "reporter_name=x", None).await;
        assert_eq!(not_mp.status, StatusCode::BAD_REQUEST);
    }

    async fn the_form_refuses_bad_input_next_to_the_fields(h: Harness) {
        let mut parts = incident("desc", "true");
        parts.retain(|p| !matches!(p, Part::Text("support_requested", _) | Part::Text("email", _)));
        parts.push(Part::Text("email", "not-an-email"));
        parts.push(Part::File("attachments", "a.txt", "text/plain", b"x"));
        let r = post_multipart(&h, "/report/incident", &parts, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("電子郵件格式不正確。"), "{}", r.body);
        assert!(r.body.contains("此欄位為必填。"));
        assert_eq!(r.body.matches("class=\"field-error\"").count(), 3, "email, support_requested, files to choose again");
        assert!(r.body.contains("value=\"範例科技股份有限公司\""), "typed values are kept");
        assert!(h.state.store.list_outbox(10).await.expect("outbox").is_empty(), "nothing stored");
        let en = h.get("/report/incident", &[("accept-language", "en")]).await;
        assert!(en.body.contains("Organization or reporter") && en.body.contains("Early warning"));
    }

    async fn only_staff_reach_the_desk(h: Harness) {
        let (tracking, _, _) = file_report(&h, "x", "false").await;
        assert_eq!(h.get("/desk", &[]).await.status, StatusCode::UNAUTHORIZED);
        h.user("rep@corp.tw", &[Role::Reporter, Role::Member]).await;
        let cookie = h.login("rep@corp.tw").await;
        assert_eq!(h.get("/desk", &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
        let r = h.form(&format!("/desk/reports/{tracking}/transition"), "to=triaged", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let home = h.get("/", &[("cookie", &cookie)]).await;
        assert!(home.body.contains("id=\"nav-report\"") && !home.body.contains("id=\"nav-desk\""));
        assert!(home.body.contains("id=\"nav-my-reports\""));
        // A signed-in reporter's own reports, reachable without a token.
        let parts = incident("mine", "false");
        let own = post_multipart(&h, "/report/incident", &parts, Some(&cookie)).await;
        assert_eq!(own.status, StatusCode::OK);
        let own_tracking = text_of(&own.body, "tracking-id");
        let mine = h.get("/my/reports", &[("cookie", &cookie)]).await;
        assert_eq!(mine.status, StatusCode::OK);
        assert!(mine.body.contains(&own_tracking) && !mine.body.contains(&tracking));
        let page = h.get(&format!("/status/{own_tracking}"), &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(h.get(&format!("/status/{tracking}"), &[("cookie", &cookie)]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get("/my/reports", &[]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(h.get("/admin/surveys", &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
    }

    async fn the_staff_home_shows_what_needs_action_on_each_desk_they_may_work(h: Harness) {
        file_report(&h, "首頁遭置換", "false").await;
        file_report(&h, "主機遭入侵", "false").await;
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        h.user("admin@cert.tw", &[Role::Admin]).await;
        let entry = |body: &str, link: &str| -> Option<String> {
            let at = body.find(&format!("<a href=\"{}\">", link.replace('&', "&amp;")))?;
            let rest = &body[at..];
            let n = rest.find("<strong>")? + "<strong>".len();
            Some(rest[n..n + rest[n..].find('<')?].to_string())
        };
        let cookie = h.login("analyst@cert.tw").await;
        let desk = h.get("/desk", &[("cookie", &cookie)]).await;
        assert_eq!(desk.status, StatusCode::OK);
        assert!(desk.body.contains("id=\"needs-action\"") && desk.body.contains("待處理事項"), "{}", desk.body);
        assert_eq!(entry(&desk.body, "/desk?state=received").as_deref(), Some("2"), "two new incidents");
        assert_eq!(entry(&desk.body, "/desk?assignee=me").as_deref(), Some("0"));
        assert_eq!(entry(&desk.body, "/desk/mail?status=held").as_deref(), Some("0"));
        // Redemptions are the admins' to decide: an analyst is not shown them.
        assert_eq!(entry(&desk.body, "/admin/points"), None);
        let admin = h.login("admin@cert.tw").await;
        let desk = h.get("/desk", &[("cookie", &admin)]).await;
        assert_eq!(entry(&desk.body, "/admin/points").as_deref(), Some("0"), "{}", desk.body);
    }

    async fn the_desk_walks_a_report_through_the_sop(h: Harness) {
        let (tracking, link, _) = file_report(&h, "首頁遭置換", "true").await;
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let cookie = h.login("analyst@cert.tw").await;
        let c = Some(cookie.as_str());
        let home = h.get("/", &[("cookie", &cookie)]).await;
        assert!(home.body.contains("id=\"nav-desk\""));

        let queue = h.get("/desk", &[("cookie", &cookie)]).await;
        assert_eq!(queue.status, StatusCode::OK);
        assert!(queue.body.contains("id=\"queue\"") && queue.body.contains(&format!("/desk/reports/{tracking}")));
        assert!(queue.body.contains("範例科技股份有限公司"));
        let filtered = h.get("/desk?state=closed&incident_type=intrusion&assignee=none&older_than_days=&breached=1&sort=newest", &[("cookie", &cookie)]).await;
        assert_eq!(filtered.status, StatusCode::OK);
        assert!(!filtered.body.contains(&format!("/desk/reports/{tracking}")));
        let bad = h.get("/desk?state=bogus", &[("cookie", &cookie)]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("field-error"));

        let page = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        // Only the allowed next states are offered.
        let form_start = page.body.find("id=\"transition-form\"").expect("transition form");
        let form_end = form_start + page.body[form_start..].find("</select>").expect("select");
        let select = &page.body[form_start..form_end];
        assert!(select.contains("value=\"triaged\"") && select.contains("value=\"rejected\"") && select.contains("value=\"duplicate\""));
        assert!(!select.contains("value=\"closed\"") && !select.contains("value=\"resolved\""));
        assert!(page.body.contains("協助分析網頁後門") && page.body.contains("https://www.example.com.tw/"));
        assert!(page.body.contains("id=\"assistance-form\""));

        // An illegal transition is refused in the page; the state stays.
        let path = format!("/desk/reports/{tracking}/transition");
        let r = h.form(&path, "to=closed&resolution=resolved&outcome=true_positive&close_anyway_reason=n%2Fa", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("目前的狀態不能這樣變更。") && r.body.contains("field-error"));
        let stored = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        assert_eq!(stored.state, ReportState::Received);

        for (to, state) in [("triaged", ReportState::Triaged), ("in_progress", ReportState::InProgress)] {
            let r = h.form(&path, &format!("to={to}"), c).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{to}: {}", r.body);
            let stored = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
            assert_eq!(stored.state, state);
        }
        let r = h.form(&path, "to=resolved&message=%E5%B7%B2%E5%8D%94%E5%8A%A9%E7%A7%BB%E9%99%A4%E5%BE%8C%E9%96%80", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // Closing needs a resolution and an outcome; the choices typed are kept.
        let r = h.form(&path, "to=closed&outcome=true_positive", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("value=\"true_positive\" selected"));
        let r = h.form(&path, "to=closed&resolution=resolved&outcome=true_positive&close_anyway_reason=n%2Fa", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stored = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        assert_eq!((stored.state, stored.resolution.as_str(), stored.outcome.as_str()), (ReportState::Closed, "resolved", "true_positive"));
        let status = h.get(&link, &[]).await;
        assert_eq!(text_of(&status.body, "report-state"), "已結案");
        assert!(status.body.contains("已協助移除後門"));

        // Exactly one survey mail; its link takes one answer.
        let mail = h.state.store.list_outbox(20).await.expect("outbox");
        let surveys: Vec<_> = mail.iter().filter(|m| m.subject.contains("滿意度調查")).collect();
        assert_eq!(surveys.len(), 1);
        assert!(surveys[0].subject.contains(&tracking));
        let text = mail_text(&surveys[0].message);
        let start = text.find("/survey/").expect("survey link") + "/survey/".len();
        let token: String = text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        let survey = format!("/survey/{token}");
        let form = h.get(&survey, &[]).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("id=\"survey-form\""));
        let bad = h.form(&survey, "speed=9&helpfulness=5&communication=4&overall=5", None).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("請選擇 1 到 5 分。") && bad.body.contains("value=\"4\" checked"));
        let ok = h.form(&survey, "speed=4&helpfulness=5&communication=4&overall=5&comment=%3Cb%3Ethanks%3C%2Fb%3E", None).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(h.get(&format!("{survey}?done=1"), &[]).await.status, StatusCode::OK);
        assert_eq!(h.get(&survey, &[]).await.status, StatusCode::GONE);
        let again = h.form(&survey, "speed=1&helpfulness=1&communication=1&overall=1", None).await;
        assert_eq!(again.status, StatusCode::GONE);
        assert_eq!(h.get("/survey/unknown-token", &[]).await.status, StatusCode::NOT_FOUND);
        let answered = h.state.store.survey_of(stored.id).await.expect("q").expect("survey");
        assert_eq!((answered.speed, answered.overall), (Some(4), Some(5)));
        let page = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &cookie)]).await;
        assert!(page.body.contains("id=\"survey-result\"") && page.body.contains(&esc("<b>thanks</b>")));
        // Closed again after a reopening does not mail a second survey.
        assert_eq!(h.form(&path, "to=in_progress", c).await.status, StatusCode::SEE_OTHER);
        assert_eq!(h.form(&path, "to=resolved", c).await.status, StatusCode::SEE_OTHER);
        assert_eq!(h.form(&path, "to=closed&resolution=resolved&outcome=true_positive&close_anyway_reason=n%2Fa", c).await.status, StatusCode::SEE_OTHER);
        let mail = h.state.store.list_outbox(50).await.expect("outbox");
        assert_eq!(mail.iter().filter(|m| m.subject.contains("滿意度調查")).count(), 1);

        // Monthly results: admins only.
        assert_eq!(h.get("/admin/surveys", &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
        h.user("admin@cert.tw", &[Role::Admin]).await;
        let admin = h.login("admin@cert.tw").await;
        let results = h.get("/admin/surveys", &[("cookie", &admin)]).await;
        assert_eq!(results.status, StatusCode::OK);
        assert!(results.body.contains("id=\"survey-months\"") && results.body.contains("4.00"));
    }

    async fn desk_forms_classify_assign_tasks_and_assistance(h: Harness) {
        let (tracking, _, _) = file_report(&h, "x", "true").await;
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        h.user("member@corp.tw", &[Role::Member]).await;
        let cookie = h.login("analyst@cert.tw").await;
        let c = Some(cookie.as_str());
        let base = format!("/desk/reports/{tracking}");

        let r = h.form(&format!("{base}/classify"), "rsit=intrusions%2Fsystem-compromise&priority=p1", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stored = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        assert_eq!((stored.rsit_type.as_str(), stored.priority.as_str()), ("system-compromise", "p1"));
        let r = h.form(&format!("{base}/classify"), "rsit=nope%2Fnope&priority=p9", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body.matches("class=\"field-error\"").count(), 2);

        let analyst = h.state.store.find_user_by_email("analyst@cert.tw").await.expect("q").expect("user");
        let member = h.state.store.find_user_by_email("member@corp.tw").await.expect("q").expect("user");
        let page = h.get(&base, &[("cookie", &cookie)]).await;
        assert!(page.body.contains(&format!("value=\"{}\"", analyst.id)) && !page.body.contains(&format!("value=\"{}\"", member.id)), "only staff are offered");
        let r = h.form(&format!("{base}/assign"), &format!("assignee_id={}", analyst.id), c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = h.form(&format!("{base}/assign"), &format!("assignee_id={}", member.id), c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let mine = h.get("/desk?assignee=me", &[("cookie", &cookie)]).await;
        assert!(mine.body.contains(&format!("/desk/reports/{tracking}")));

        let tasks = h.state.store.list_tasks(stored.id).await.expect("tasks");
        assert!(!tasks.is_empty());
        let t = &tasks[0];
        let r = h.form(&format!("{base}/tasks/{}", t.id), "state=done", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = h.form(&format!("{base}/tasks/{}", t.id), "state=in_progress", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "done goes back to waiting only");
        assert!(r.body.contains("目前的狀態不能這樣變更。"));
        assert_eq!(h.state.store.list_tasks(stored.id).await.expect("tasks")[0].state.as_str(), "done");

        let r = h.form(&format!("{base}/assistance"), "body=%E9%81%A0%E7%AB%AF%E5%8D%94%E5%8A%A9%E5%88%86%E6%9E%90", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = h.form(&format!("{base}/assistance"), "body=", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = h.get(&base, &[("cookie", &cookie)]).await;
        assert!(page.body.contains("id=\"assistance-list\"") && page.body.contains("遠端協助分析"));
        let history = &page.body[page.body.find("id=\"history\"").expect("history")..];
        for kind in ["event-received", "event-classified", "event-assigned", "event-task", "event-assistance"] {
            assert!(history.contains(kind), "the history lists every event: {kind}");
        }
        assert!(page.body.contains("系統遭入侵") && page.body.contains("P1 緊急"));
        assert_eq!(h.get("/desk/reports/INC-1999-000001", &[("cookie", &cookie)]).await.status, StatusCode::NOT_FOUND);
    }
}

/// The oversized attachment, with a small configured limit, on both engines.
async fn oversized_attachment(engine: Engine) {
    let Some(h) = Harness::with_config(engine, |c| c.reports.max_attachment_bytes = 1024).await
    else {
        return;
    };
    let big = vec![b'A'; 2000];
    let mut parts = incident("desc", "false");
    parts.push(Part::File(
        "attachments",
        "huge.bin",
        "application/octet-stream",
        &big,
    ));
    let r = post_multipart(&h, "/report/incident", &parts, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let field = r
        .body
        .find("id=\"f-attachments\"")
        .expect("attachments field");
    // The error summary at the top repeats it, linking to the field; the field's own
    // message follows the field.
    let summary = r
        .body
        .find("href=\"#f-attachments\"")
        .expect("the summary links to the field");
    let error = r
        .body
        .rfind("檔案「huge.bin」超過 1 KB 的上限。")
        .expect("message");
    assert!(
        summary < field && error > field,
        "the message is next to the attachments field"
    );
    assert!(
        h.state
            .store
            .list_outbox(10)
            .await
            .expect("outbox")
            .is_empty()
    );
    let en = {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri("/report/incident")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header("accept-language", "en");
        b = b.header("sec-fetch-site", "same-origin");
        h.send(b.body(Body::from(multipart(&parts))).expect("request"))
            .await
    };
    assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(en.body.contains("huge.bin"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_attachment_sqlite() {
    oversized_attachment(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_attachment_postgres() {
    oversized_attachment(Engine::Postgres).await;
}

both_engines! {
    async fn a_message_unanswered_for_two_working_days_waits_on_the_reporter(h: Harness) {
        let (tracking, link, _) = file_report(&h, "官網首頁遭置換", "false").await;
        h.user("desk@cert.tw", &[Role::Analyst]).await;
        let desk = h.login("desk@cert.tw").await;
        let waiting = |body: &str| body.contains(&format!(">{tracking}</a>"));
        let r = h.form(&format!("/desk/reports/{tracking}/messages"), "body=請提供網站存取紀錄", Some(&desk)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let now = h.get("/desk?waiting=1", &[("cookie", &desk)]).await;
        assert!(!waiting(&now.body), "a fresh question waits on no one yet");
        // Two weeks on (more than two working days whatever the holidays), still unanswered.
        h.state.store.clock().advance(time::Duration::days(14)).expect("clock");
        // (The session has expired by then: the analyst signs in again.)
        let desk = h.login("desk@cert.tw").await;
        let later = h.get("/desk?waiting=1", &[("cookie", &desk)]).await;
        assert!(waiting(&later.body), "{}", later.body);
        let home = h.get("/desk", &[("cookie", &desk)]).await;
        assert!(home.body.contains("/desk?waiting=1") && home.body.contains("待通報者回覆"), "the staff home counts it");
        // The reporter answers on the status page: it waits no more.
        let token = link.split("token=").nth(1).expect("token").to_string();
        let add = post_multipart(&h, &format!("/status/{tracking}"), &[Part::Text("token", &token), Part::Text("body", "存取紀錄如附")], None).await;
        assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
        let after = h.get("/desk?waiting=1", &[("cookie", &desk)]).await;
        assert!(!waiting(&after.body), "answered");
    }
}

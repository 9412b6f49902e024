//! The vulnerability pages over HTTP on both engines: the TXT template, the form filed with
//! only the seed's example TXT (the status page shows 7.6 with the mismatch warning), errors
//! next to the fields (the TXT parser's too), the coordinators' walk from received to a
//! published advisory with the vendor notified and a CVE id from the pool an admin loaded,
//! the vendor's read-only view, the access rules, and a reporter who declined credit named
//! neither in the advisory nor in the CVE record.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use tocsin_domain::{OrgKind, Role, Roles};
use tocsin_storage::{Engine, NewOrganization, NewUser};

use crate::{Harness, Resp, both_engines};

const BOUNDARY: &str = "----tocsinVulnBoundary7QpL2mZ";
pub(crate) const SEED: &[u8] =
    include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-example.txt");
const REPORTER: &str = "Domo kun";
const REPORTER_EMAIL: &str = "domokun@domo.tw";
const CNA_ORG: &str = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
const XSS: &str = "<script>alert(1)</script>";

/// The seed's example with the public-credit boxes ticked as `credit` says.
pub(crate) fn seed(credit: bool) -> Vec<u8> {
    let text = String::from_utf8(SEED.to_vec()).expect("utf-8");
    let declined = "□ 是        ■ 否";
    assert!(text.contains(declined), "the seed declines credit");
    if credit {
        text.replace(declined, "■ 是        □ 否").into_bytes()
    } else {
        text.into_bytes()
    }
}

/// Text as askama writes it into HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// One part of a multipart body: a text field, or a file (name, file name, type, bytes).
pub(crate) enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a str, &'a [u8]),
}

pub(crate) async fn post_multipart(h: &Harness, uri: &str, parts: &[Part<'_>]) -> Resp {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                    .as_bytes(),
            ),
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
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("sec-fetch-site", "same-origin")
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://127.0.0.1:8080")
        .body(Body::from(body))
        .expect("request");
    let r = h.send(req).await;
    h.follow_receipt(r, None).await
}

/// The text of the element with `id`, up to the next `<`.
pub(crate) fn text_of(body: &str, id: &str) -> String {
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

/// Files the seed's example through the form, the TXT with `evidence` (`poc.sh`, none when
/// empty); the tracking number, the status link and the receipt.
async fn file_txt(h: &Harness, txt: &[u8], evidence: &[u8]) -> (String, String, Resp) {
    let name = if evidence.is_empty() { "" } else { "poc.sh" };
    let r = post_multipart(
        h,
        "/report/vulnerability",
        &[
            Part::Text("reporter_name", ""),
            Part::Text("public_credit", ""),
            Part::File("txt", "report.txt", "text/plain", txt),
            Part::File("attachments", name, "application/octet-stream", evidence),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let tracking = text_of(&r.body, "tracking-id");
    let link = status_link(&r.body);
    (tracking, link, r)
}

/// A vendor organization with one member who can sign in; the member's session cookie.
async fn vendor(h: &Harness, name: &str, email: &str) -> (String, String) {
    let s = &h.state.store;
    let mut tx = s.begin().await.expect("begin");
    let org = tx
        .create_org(&NewOrganization {
            name: name.into(),
            sector: String::new(),
            kind: OrgKind::Vendor,
            alliance_member: false,
        })
        .await
        .expect("org");
    let hash = tocsin_server::auth::hash_password("password-123456".into())
        .await
        .expect("hash");
    tx.create_user(&NewUser {
        email: email.into(),
        name: email.into(),
        org_id: Some(org.id),
        roles: Roles::new([Role::Member]),
        password_hash: Some(hash),
    })
    .await
    .expect("user");
    tx.commit().await.expect("commit");
    (org.id.to_string(), h.login(email).await)
}

/// The CNA state stored for `tracking`.
async fn cna_state(h: &Harness, tracking: &str) -> String {
    let r = h
        .state
        .store
        .report_by_tracking(tracking)
        .await
        .expect("q")
        .expect("report");
    h.state
        .store
        .vuln_case(r.id)
        .await
        .expect("q")
        .expect("case")
        .cna_state
}

both_engines! {
    async fn the_template_and_a_report_filed_as_a_txt_alone(h: Harness) {
        // The TXT template, as a download.
        let t = h.get("/report/vulnerability/template.txt", &[]).await;
        assert_eq!(t.status, StatusCode::OK);
        assert_eq!(t.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(t.header("content-disposition"), Some("attachment; filename=\"vulnerability-report-template.txt\""));
        assert!(t.body.contains("◎通報日期") && t.body.contains("◎觸發漏洞方法") && t.body.contains("CVSS"), "{}", t.body);

        // The form: every seed field, labels in both languages, the TXT upload, attachments.
        let form = h.get("/report/vulnerability", &[]).await;
        assert_eq!(form.status, StatusCode::OK);
        for name in ["report_date", "reporter_name", "reporter_organization", "reporter_email", "public_credit", "source", "source_other", "discovered_on", "product", "version", "vendor", "product_url", "vuln_type", "description", "trigger_conditions", "trigger_method", "evidence", "impact", "cvss_vector", "cvss_claimed_score", "cvss_named_version", "txt", "attachments"] {
            assert!(form.body.contains(&format!("name=\"{name}\"")), "the form lacks {name}");
        }
        for needle in ["enctype=\"multipart/form-data\"", "href=\"/report/vulnerability/template.txt\"", "通報日期", "Report date", "產品開發者／廠商", "是否公開名稱及組織", "自己發現", "觸發漏洞方法", "5 MB"] {
            assert!(form.body.contains(needle), "the form lacks {needle}");
        }
        let en = h.get("/report/vulnerability", &[("accept-language", "en")]).await;
        assert!(en.body.contains("Affected product") && en.body.contains("影響產品名稱"));

        // Only the TXT: a receipt with what the TXT said.
        let (tracking, link, receipt) = file_txt(&h, &seed(false), b"").await;
        assert!(tracking.starts_with("VUL-"), "{tracking}");
        assert!(link.starts_with(&format!("/status/{tracking}?token=")), "{link}");
        assert_eq!(receipt.header("cache-control"), Some("no-store"));
        for needle in ["IP CAM", "techOh Inc.", REPORTER, "7.6"] {
            assert!(receipt.body.contains(needle), "the receipt lacks {needle}");
        }
        let report = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        let files = h.state.store.list_attachments(report.id).await.expect("files");
        assert_eq!(files.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["vulnerability-report.txt"], "the TXT is kept; the empty file input is no file");
        assert_eq!(cna_state(&h, &tracking).await, "received");
        let mail = h.state.store.list_outbox(10).await.expect("outbox");
        assert!(mail.iter().any(|m| m.recipients.contains(REPORTER_EMAIL) && m.subject.contains(&tracking)), "the acknowledgment");

        // The status page: the fields, the CNA state, 7.6 with the warnings, the method verbatim.
        let status = h.get(&link, &[]).await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        assert_eq!(text_of(&status.body, "cvss-score"), "7.6");
        assert_eq!(text_of(&status.body, "cvss-claimed"), "7.5");
        assert_eq!(text_of(&status.body, "vuln-state"), "已接收");
        assert_eq!(text_of(&status.body, "vuln-cve"), "尚未指派");
        assert!(text_of(&status.body, "vuln-target").ends_with("(台北時間)"));
        assert_eq!(status.body.matches("class=\"cvss-warning\"").count(), 2, "{}", status.body);
        assert!(status.body.contains("7.5 ≠ 7.6") && status.body.contains("3.1 ≠ 3.0"), "{}", status.body);
        // Verbatim, with the seed's leading space.
        assert_eq!(text_of(&status.body, "vuln-trigger-method"), " badbutwork -i cat /etc/passwd -t");
        assert!(status.body.contains("<pre class=\"verbatim\" id=\"vuln-trigger-method\">"));
        for needle in ["IP CAM", "1.24", "techOh Inc.", "任意程式碼執行", "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H", "2019-04-11", "自己發現", "vulnerability-report.txt"] {
            assert!(status.body.contains(needle), "the status page lacks {needle}");
        }
        let en = h.get(&link, &[("accept-language", "en")]).await;
        assert!(en.body.contains("Received") && en.body.contains("7.5 ≠ 7.6") && en.body.contains("(High)"));
        assert!(!status.body.contains("id=\"open-in-desk\""));
    }

    async fn the_form_says_what_is_wrong_next_to_the_fields(h: Harness) {
        // Typed fields, all but a few wrong or missing.
        let r = post_multipart(&h, "/report/vulnerability", &[
            Part::Text("reporter_name", XSS),
            Part::Text("reporter_email", "not-an-email"),
            Part::Text("report_date", "11/28/2026"),
            Part::Text("cvss_vector", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Part::File("attachments", "poc.py", "text/x-python", b"print(1)"),
        ])
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"form-errors\""));
        assert!(r.body.contains("電子郵件格式不正確。") && r.body.contains("此欄位為必填。"));
        assert!(r.body.contains("請輸入正確的日期"), "{}", r.body);
        let email = r.body.find("id=\"f-reporter_email\"").expect("email field");
        // The error summary at the top says it first; the field's own message follows the field.
        let message = r.body.rfind("電子郵件格式不正確。").expect("message");
        let next = r.body.find("id=\"f-public_credit\"").expect("next field");
        assert!(email < message && message < next, "the message is next to its field");
        assert!(r.body.contains(&format!("value=\"{}\"", esc(XSS))) && !r.body.contains(XSS), "typed values kept, escaped");
        assert!(r.body.contains("請重新選擇附件"), "files must be chosen again: {}", r.body);

        // A TXT with both credit boxes ticked: the parser's problem lands next to that field.
        let text = String::from_utf8(SEED.to_vec()).expect("utf-8").replace("□ 是        ■ 否", "■ 是        ■ 否");
        let r = post_multipart(&h, "/report/vulnerability", &[Part::File("txt", "r.txt", "text/plain", text.as_bytes())]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let field = r.body.find("id=\"f-public_credit\"").expect("credit field");
        let message = r.body.rfind("表單中此欄位無法判讀").expect("the parser's message");
        let next = r.body.find("id=\"f-source\"").expect("next field");
        assert!(field < message && message < next, "the TXT's problem is next to the credit field: {}", r.body);
        // A field typed on the page wins over the TXT.
        let r = post_multipart(&h, "/report/vulnerability", &[
            Part::Text("product", "Other CAM"),
            Part::File("txt", "r.txt", "text/plain", &seed(false)),
        ])
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Other CAM") && !r.body.contains("IP CAM"));
        assert!(h.state.store.list_outbox(10).await.expect("outbox").len() == 1, "only the last one was filed");
    }

    async fn only_coordinators_reach_the_vulnerability_desk(h: Harness) {
        let (tracking, link, _) = file_txt(&h, &seed(false), b"").await;
        let base = format!("/desk/vulnerabilities/{tracking}");
        assert_eq!(h.get("/desk/vulnerabilities", &[]).await.status, StatusCode::UNAUTHORIZED);
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let analyst = h.login("analyst@cert.tw").await;
        let a = Some(analyst.as_str());
        assert_eq!(h.get("/desk/vulnerabilities", &[("cookie", &analyst)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get(&base, &[("cookie", &analyst)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get(&format!("{base}/cve-record.json"), &[("cookie", &analyst)]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &analyst)]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get(&format!("/vulnerabilities/{tracking}"), &[("cookie", &analyst)]).await.status, StatusCode::NOT_FOUND);
        for (path, body) in [("transition", "to=under_review"), ("vendor", "status=affected"), ("notify-vendor", "body=x"), ("cve", ""), ("advisory", "title=x")] {
            assert_eq!(h.form(&format!("{base}/{path}"), body, a).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(h.get("/admin/cve-ids", &[("cookie", &analyst)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.form("/admin/cve-ids", "ids=CVE-2026-10001", a).await.status, StatusCode::FORBIDDEN);
        assert_eq!(cna_state(&h, &tracking).await, "received");
        let home = h.get("/", &[("cookie", &analyst)]).await;
        assert!(home.body.contains("id=\"nav-report-vuln\"") && home.body.contains("id=\"nav-advisories\""));
        assert!(!home.body.contains("id=\"nav-vulnerabilities\"") && !home.body.contains("id=\"nav-cve-ids\""));
        // The reporter's link still works; it offers no desk link to them.
        assert_eq!(h.get(&link, &[]).await.status, StatusCode::OK);

        // A coordinator sees the list; an unknown filter is said next to it.
        h.user("coord@cert.tw", &[Role::Coordinator]).await;
        let coord = h.login("coord@cert.tw").await;
        let home = h.get("/", &[("cookie", &coord)]).await;
        assert!(home.body.contains("id=\"nav-vulnerabilities\"") && !home.body.contains("id=\"nav-cve-ids\""));
        let list = h.get("/desk/vulnerabilities", &[("cookie", &coord)]).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let row = &list.body[list.body.find(&format!("id=\"vuln-{tracking}\"")).expect("row")..];
        let row = &row[..row.find("</tr>").expect("row end")];
        for needle in ["IP CAM", "techOh Inc.", "已接收", "7.6", "(台北時間)", "⚠"] {
            assert!(row.contains(needle), "the row lacks {needle}: {row}");
        }
        let none = h.get("/desk/vulnerabilities?state=published", &[("cookie", &coord)]).await;
        assert!(none.body.contains("id=\"vuln-cases-empty\""));
        let bad = h.get("/desk/vulnerabilities?state=bogus", &[("cookie", &coord)]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("field-error"));
        // The incident desk's page sends a coordinator to the vulnerability page.
        let r = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &coord)]).await;
        assert_eq!(r.header("location"), Some(base.as_str()));
        // A staff member on the status page is pointed at the case.
        let status = h.get(&format!("/status/{tracking}"), &[("cookie", &coord)]).await;
        assert!(status.body.contains(&format!("id=\"open-in-desk\" href=\"{base}\"")));
        assert_eq!(h.get("/desk/vulnerabilities/VUL-2026-999999", &[("cookie", &coord)]).await.status, StatusCode::NOT_FOUND);
    }
}

/// A coordinator's walk from received to published, as a page user does it; `credit`: the
/// reporter's answer to 是否公開名稱及組織.
async fn walk(h: Harness, credit: bool) {
    let (tracking, link, _) = file_txt(&h, &seed(credit), b"badbutwork PoC").await;
    let base = format!("/desk/vulnerabilities/{tracking}");
    h.user("coord@cert.tw", &[Role::Coordinator]).await;
    let coord = h.login("coord@cert.tw").await;
    let c = Some(coord.as_str());
    h.user("admin@cert.tw", &[Role::Admin]).await;
    let admin = h.login("admin@cert.tw").await;
    let (vendor_org, vendor_cookie) = vendor(&h, "techOh Inc.", "psirt@techoh.tw").await;
    let (_, stranger) = vendor(&h, "Other Vendor", "psirt@other.tw").await;

    // The case page: the fields, trigger method verbatim, 7.6 with the warning; only the
    // allowed next state is offered, and nothing else is accepted.
    let page = h.get(&base, &[("cookie", &coord)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(text_of(&page.body, "cvss-score"), "7.6");
    assert!(page.body.contains("class=\"cvss-warning\"") && page.body.contains("7.5 ≠ 7.6"));
    assert_eq!(
        text_of(&page.body, "vuln-trigger-method"),
        " badbutwork -i cat /etc/passwd -t"
    );
    assert!(
        page.body.contains(REPORTER)
            && page.body.contains(REPORTER_EMAIL)
            && page.body.contains("vulnerability-report.txt")
    );
    let offered = select_of(&page.body, "transition-form");
    assert!(offered.contains("value=\"under_review\""));
    for s in ["accepted", "vendor_notified", "published"] {
        assert!(!offered.contains(&format!("value=\"{s}\"")), "{s} offered");
    }
    assert!(
        page.body.contains("id=\"notify-unavailable\"")
            && page.body.contains("id=\"cve-unavailable\"")
    );
    for body in ["to=published", "to=vendor_notified", "to=bogus", "to="] {
        let r = h.form(&format!("{base}/transition"), body, c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(r.body.contains("class=\"field-error\""), "{body}");
    }
    for (to, note) in [
        ("under_review", "審核中"),
        ("accepted", "ACCEPTED-NOTE 已確認可重現"),
    ] {
        let r = h
            .form(
                &format!("{base}/transition"),
                &format!("to={to}&note={note}"),
                c,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{to}: {}", r.body);
        assert_eq!(
            r.header("location"),
            Some(format!("{base}#transition").as_str())
        );
    }
    assert_eq!(cna_state(&h, &tracking).await, "accepted");
    let status = h.get(&link, &[]).await;
    assert_eq!(text_of(&status.body, "vuln-state"), "審核通過");
    assert!(
        status.body.contains("ACCEPTED-NOTE") && status.body.contains("審核中 → 審核通過"),
        "the reporter sees the states"
    );

    // The vendor: chosen from the organizations, with a status; then notified.
    let page = h.get(&base, &[("cookie", &coord)]).await;
    assert!(select_of(&page.body, "vendor-form").contains(&vendor_org));
    assert!(
        page.body.contains("id=\"notify-unavailable\""),
        "no vendor yet"
    );
    let r = h
        .form(
            &format!("{base}/vendor"),
            "vendor_org_id=nope&status=bogus",
            c,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.body.matches("class=\"field-error\"").count(),
        2,
        "{}",
        r.body
    );
    let r = h
        .form(
            &format!("{base}/vendor"),
            &format!("vendor_org_id={vendor_org}&status=affected&statement=VENDOR-ACK"),
            c,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&base, &[("cookie", &coord)]).await;
    assert_eq!(text_of(&page.body, "vuln-vendor-org"), "techOh Inc.");
    assert_eq!(text_of(&page.body, "vuln-vendor-status"), "受影響");
    let notice = &page.body[page
        .body
        .find("id=\"notify-form\"")
        .expect("the notice form")..];
    assert!(
        notice.contains(&tracking) && notice.contains("IP CAM"),
        "the notice is prefilled"
    );
    let r = h
        .form(
            &format!("{base}/notify-vendor"),
            "body=NOTICE-TEXT+IP+CAM+1.24",
            c,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(cna_state(&h, &tracking).await, "vendor_notified");
    let mail = h.state.store.list_outbox(50).await.expect("outbox");
    let sent = mail
        .iter()
        .find(|m| m.recipients.contains("psirt@techoh.tw"))
        .expect("the vendor notice");
    assert!(sent.subject.contains(&tracking), "{}", sent.subject);
    assert!(!mail.iter().any(|m| m.recipients.contains("psirt@other.tw")));

    // The vendor's member reads the case; another vendor does not.
    let seen = h
        .get(
            &format!("/vulnerabilities/{tracking}"),
            &[("cookie", &vendor_cookie)],
        )
        .await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(text_of(&seen.body, "vuln-state"), "已通知廠商");
    assert!(
        seen.body.contains("IP CAM")
            && seen.body.contains("badbutwork")
            && seen.body.contains("7.5 ≠ 7.6")
    );
    assert!(
        !seen.body.contains(REPORTER_EMAIL),
        "the vendor never gets the reporter's address"
    );
    assert_eq!(
        seen.body.contains(REPORTER),
        credit,
        "the vendor sees the name only with consent"
    );
    assert!(
        !seen.body.contains("transition-form") && !seen.body.contains("ACCEPTED-NOTE"),
        "read-only, no desk notes"
    );
    // The evidence, not the filled-in form: it names the reporter.
    assert!(
        seen.body.contains("poc.sh") && !seen.body.contains("vulnerability-report.txt"),
        "{}",
        seen.body
    );
    let href = format!("/vulnerabilities/{tracking}/files/");
    let start = seen.body.find(&href).expect("a file link");
    let file_link: String = seen.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let file = h.get(&file_link, &[("cookie", &vendor_cookie)]).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.contains("badbutwork"));
    assert_eq!(
        h.get(
            &format!("/vulnerabilities/{tracking}"),
            &[("cookie", &stranger)]
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "a stranger is not told the case exists"
    );
    assert_eq!(
        h.get(&file_link, &[("cookie", &stranger)]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.get(&base, &[("cookie", &vendor_cookie)]).await.status,
        StatusCode::FORBIDDEN
    );

    // A CVE id: none in the pool yet; an admin loads a list and a range.
    let r = h.form(&format!("{base}/cve"), "", c).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("已無可用的保留 CVE 編號"), "{}", r.body);
    assert_eq!(
        h.get("/admin/cve-ids", &[("cookie", &coord)]).await.status,
        StatusCode::FORBIDDEN
    );
    let pool = h.get("/admin/cve-ids", &[("cookie", &admin)]).await;
    assert_eq!(pool.status, StatusCode::OK, "{}", pool.body);
    assert_eq!(text_of(&pool.body, "cve-pool-reserved"), "0");
    assert!(pool.body.contains("id=\"nav-cve-ids\""));
    let r = h
        .form("/admin/cve-ids", "ids=CVE-2026-1", Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("第 1 行：「CVE-2026-1」的序號至少要 4 位數")
            && !r.body.contains("sequence needs"),
        "{}",
        r.body
    );
    let r = h
        .form(
            "/admin/cve-ids",
            "ids=CVE-2026-10001%0D%0ACVE-2026-10005+-+CVE-2026-10007",
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.header("location"), Some("/admin/cve-ids?added=4"));
    let pool = h.get("/admin/cve-ids?added=4", &[("cookie", &admin)]).await;
    assert_eq!(text_of(&pool.body, "cve-pool-reserved"), "4");
    assert!(text_of(&pool.body, "cve-ids-added").contains('4'));
    let r = h.form(&format!("{base}/cve"), "", c).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = h.get(&base, &[("cookie", &coord)]).await;
    let cve = text_of(&page.body, "cve-assigned");
    assert!(cve.starts_with("CVE-2026-1000"), "{cve}");
    assert!(!page.body.contains("id=\"cve-form\""), "one id per case");
    let pool = h.get("/admin/cve-ids", &[("cookie", &admin)]).await;
    assert_eq!(
        (
            text_of(&pool.body, "cve-pool-reserved"),
            text_of(&pool.body, "cve-pool-assigned")
        ),
        ("3".to_string(), "1".to_string())
    );
    assert_eq!(
        text_of(&h.get(&link, &[]).await.body, "vuln-cve"),
        cve,
        "the reporter sees the id"
    );

    // The advisory: a bad CWE is refused next to it, then the texts are saved.
    let r = h
        .form(&format!("{base}/advisory"), "title=T&cwe=XSS", c)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("CWE 編號格式") && r.body.contains("value=\"XSS\""),
        "{}",
        r.body
    );
    let advisory = "title=IP+CAM+%E4%BB%BB%E6%84%8F%E6%8C%87%E4%BB%A4%E5%9F%B7%E8%A1%8C&cwe=CWE-78&solution=Update+to+1.25&advisory_en=OS+command+injection+in+IP+CAM+1.24&advisory_zh=IP+CAM+1.24+%E5%AD%98%E5%9C%A8%E6%8C%87%E4%BB%A4%E6%B3%A8%E5%85%A5%E6%BC%8F%E6%B4%9E&target_publication=";
    let r = h.form(&format!("{base}/advisory"), advisory, c).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Fix pending, ready to publish: still nothing public.
    for to in ["fix_pending", "ready_to_publish"] {
        let r = h
            .form(&format!("{base}/transition"), &format!("to={to}"), c)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{to}: {}", r.body);
    }
    assert_eq!(
        h.get(&format!("/advisories/{cve}"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!h.get("/advisories", &[]).await.body.contains(&cve));
    assert!(!h.get("/advisories.atom", &[]).await.body.contains(&cve));

    // Before publication the download is the CNA container to submit (`cve publish`), not
    // a record: nothing in it claims a publication. It credits only with consent.
    let page = h.get(&base, &[("cookie", &coord)]).await;
    assert!(text_of(&page.body, "cve-record-link").contains("cve publish"));
    assert!(page.body.contains("id=\"transition-english-hint\""));
    let record = h
        .get(&format!("{base}/cve-record.json"), &[("cookie", &coord)])
        .await;
    assert_eq!(record.status, StatusCode::OK, "{}", record.body);
    assert_eq!(
        record.header("content-disposition"),
        Some(format!("attachment; filename=\"{cve}-cna-container.json\"").as_str())
    );
    let json = record.json();
    assert!(json.get("cveMetadata").is_none(), "{}", record.body);
    assert!(!record.body.contains("PUBLISHED") && !record.body.contains("datePublished"));
    assert_eq!(json["providerMetadata"]["orgId"], CNA_ORG);
    assert_eq!(json["descriptions"][0]["lang"], "en");
    assert_eq!(
        record.body.contains(REPORTER),
        credit,
        "the finder in the record: {}",
        record.body
    );
    assert!(!record.body.contains(REPORTER_EMAIL));

    // Published: the advisory in both languages, in the list and the feed.
    let r = h
        .form(&format!("{base}/transition"), "to=published", c)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(cna_state(&h, &tracking).await, "published");
    let page = h.get(&format!("/advisories/{cve}"), &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for needle in [
        cve.as_str(),
        "IP CAM",
        "techOh Inc.",
        "1.24",
        "CWE-78",
        "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H",
        "7.6",
        "OS command injection in IP CAM 1.24",
        "存在指令注入漏洞",
        "Update to 1.25",
        "任意指令執行",
    ] {
        assert!(page.body.contains(needle), "the advisory lacks {needle}");
    }
    assert_eq!(
        page.body.contains(REPORTER),
        credit,
        "the reporter's name on the advisory"
    );
    assert_eq!(page.body.contains("id=\"advisory-credit\""), credit);
    assert!(
        !page.body.contains(REPORTER_EMAIL) && !page.body.contains("badbutwork"),
        "only the advisory is public"
    );
    let en = h
        .get(
            &format!("/advisories/{}", cve.to_lowercase()),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(en.body.contains("Affected versions") && en.body.contains("存在指令注入漏洞"));
    let list = h.get("/advisories", &[]).await;
    let row = &list.body[list
        .body
        .find(&format!("id=\"advisory-{cve}\""))
        .expect("listed")..];
    assert!(row.contains("IP CAM") && row.contains("7.6"));
    let feed = h.get("/advisories.atom", &[]).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(
        feed.header("content-type")
            .is_some_and(|t| t.starts_with("application/atom+xml"))
    );
    assert!(feed.body.contains(&cve) && feed.body.contains("<feed"));
    assert!(!feed.body.contains(REPORTER_EMAIL));
    // Published: now the download is the PUBLISHED record.
    let record = h
        .get(&format!("{base}/cve-record.json"), &[("cookie", &coord)])
        .await;
    assert_eq!(
        record.header("content-disposition"),
        Some(format!("attachment; filename=\"{cve}.json\"").as_str())
    );
    let json = record.json();
    assert_eq!(json["cveMetadata"]["cveId"], cve.as_str());
    assert_eq!(json["cveMetadata"]["assignerOrgId"], CNA_ORG);
    assert_eq!(json["cveMetadata"]["state"], "PUBLISHED");
    assert_eq!(record.body.contains(REPORTER), credit);
    let status = h.get(&link, &[]).await;
    assert_eq!(text_of(&status.body, "vuln-state"), "已公開");

    // The history tells it all on the desk.
    let page = h.get(&base, &[("cookie", &coord)]).await;
    assert!(select_of(&page.body, "vendor-form").contains(&vendor_org));
    assert!(page.body.contains("id=\"transition-none\""));
    let history = &page.body[page.body.find("id=\"history\"").expect("history")..];
    for needle in [
        "event-cna_state",
        "event-vendor_notified",
        "event-cve_assigned",
        "待公開 → 已公開",
        "psirt@techoh.tw",
        "NOTICE-TEXT",
        cve.as_str(),
    ] {
        assert!(history.contains(needle), "the history lacks {needle}");
    }
    let status = h.get(&link, &[]).await;
    assert!(
        !status.body.contains("NOTICE-TEXT") && !status.body.contains("psirt@techoh.tw"),
        "internal events stay internal"
    );
}

async fn cna_harness(engine: Engine) -> Option<Harness> {
    Harness::with_config(engine, |c| c.cna.org_id = CNA_ORG.into()).await
}

mod a_coordinator_walks_a_case_to_a_published_advisory {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        walk(cna_harness(Engine::Sqlite).await.expect("sqlite"), false).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(h) = cna_harness(Engine::Postgres).await {
            walk(h, false).await
        }
    }
}

/// The same walk for a reporter who agreed to be credited: named in the advisory and the
/// CVE record (so that the absence above means something).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_who_agreed_is_credited() {
    walk(cna_harness(Engine::Sqlite).await.expect("sqlite"), true).await
}

/// A case readied without an English description is not published (said next to the
/// transition form), and its CVE id is rejected from the case page with a reason.
async fn reject_walk(h: Harness) {
    let (tracking, link, _) = file_txt(&h, &seed(false), b"").await;
    let base = format!("/desk/vulnerabilities/{tracking}");
    h.user("coord@cert.tw", &[Role::Coordinator]).await;
    let coord = h.login("coord@cert.tw").await;
    let c = Some(coord.as_str());
    h.user("admin@cert.tw", &[Role::Admin]).await;
    let admin = h.login("admin@cert.tw").await;
    let (vendor_org, _) = vendor(&h, "techOh Inc.", "psirt@techoh.tw").await;
    let see_other = |r: Resp| assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for to in ["under_review", "accepted"] {
        see_other(
            h.form(&format!("{base}/transition"), &format!("to={to}"), c)
                .await,
        );
    }
    // Accepted without a CVE id: a plain rejection is still offered, the CVE one is not.
    let page = h.get(&base, &[("cookie", &coord)]).await;
    assert!(select_of(&page.body, "transition-form").contains("value=\"rejected\""));
    assert!(!page.body.contains("id=\"reject-form\""));
    see_other(
        h.form("/admin/cve-ids", "ids=CVE-2026-30001", Some(&admin))
            .await,
    );
    see_other(h.form(&format!("{base}/cve"), "", c).await);
    see_other(
        h.form(
            &format!("{base}/vendor"),
            &format!("vendor_org_id={vendor_org}&status=affected"),
            c,
        )
        .await,
    );
    see_other(
        h.form(&format!("{base}/notify-vendor"), "body=NOTICE", c)
            .await,
    );
    see_other(
        h.form(&format!("{base}/transition"), "to=ready_to_publish", c)
            .await,
    );

    // Only the reporter's Chinese description: publication is refused, saying why.
    let r = h
        .form(&format!("{base}/transition"), "to=published", c)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        text_of(&r.body, "transition-english-error").contains("英文說明"),
        "{}",
        r.body
    );
    assert_eq!(cna_state(&h, &tracking).await, "ready_to_publish");
    // The download says the same next to its link.
    let r = h
        .get(&format!("{base}/cve-record.json"), &[("cookie", &coord)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(text_of(&r.body, "cve-english-error").contains("英文說明"));

    // With a CVE id the case is rejected by its own form, not the plain transition.
    let page = h.get(&base, &[("cookie", &coord)]).await;
    assert!(!select_of(&page.body, "transition-form").contains("value=\"rejected\""));
    assert!(page.body.contains("id=\"reject-form\""));
    let r = h
        .form(
            &format!("{base}/cve/reject"),
            "reason_en=%E4%B8%A6%E9%9D%9E%E6%BC%8F%E6%B4%9E",
            c,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(text_of(&r.body, "reject-reason-error").contains("英文"));
    assert!(r.body.contains("並非漏洞"), "what was typed is kept");
    let r = h
        .form(
            &format!("{base}/cve/reject"),
            "reason_en=Not+a+security+issue.&reason_zh=%E4%B8%A6%E9%9D%9E%E6%BC%8F%E6%B4%9E",
            c,
        )
        .await;
    see_other(r);
    assert_eq!(cna_state(&h, &tracking).await, "rejected");
    let page = h.get(&base, &[("cookie", &coord)]).await;
    assert!(text_of(&page.body, "cve-record-link").contains("REJECTED"));
    assert!(!page.body.contains("id=\"reject-form\""));
    let record = h
        .get(&format!("{base}/cve-record.json"), &[("cookie", &coord)])
        .await;
    assert_eq!(record.status, StatusCode::OK, "{}", record.body);
    let json = record.json();
    assert_eq!(json["cveMetadata"]["state"], "REJECTED");
    assert_eq!(
        json["containers"]["cna"]["rejectedReasons"][0],
        serde_json::json!({"lang": "en", "value": "Not a security issue."})
    );
    // The reporter sees the rejection and its reason.
    let status = h.get(&link, &[]).await;
    assert_eq!(text_of(&status.body, "vuln-state"), "不予受理");
    assert!(status.body.contains("Not a security issue."));
}

mod a_coordinator_rejects_a_cve_id_from_the_case_page {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        reject_walk(cna_harness(Engine::Sqlite).await.expect("sqlite")).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(h) = cna_harness(Engine::Postgres).await {
            reject_walk(h).await
        }
    }
}

both_engines! {
    async fn a_vulnerability_case_has_an_assignee_notes_and_messages_to_the_researcher(h: Harness) {
        let (tracking, link, _) = file_txt(&h, &seed(false), b"").await;
        let base = format!("/desk/vulnerabilities/{tracking}");
        h.user("coord@cert.tw", &[Role::Coordinator]).await;
        let coord = h.login("coord@cert.tw").await;
        let c = Some(coord.as_str());
        let me = h.state.store.find_user_by_email("coord@cert.tw").await.expect("q").expect("user");
        let page = h.get(&base, &[("cookie", &coord)]).await;
        assert!(page.body.contains("id=\"assign-form\"") && page.body.contains("id=\"message-form\"") && page.body.contains("id=\"note-form\""));
        for (path, body) in [
            ("assign", format!("assignee_id={}", me.id)),
            ("messages", "body=RESEARCHER-MESSAGE 請提供韌體版本".to_string()),
            ("notes", "body=INTERNAL-NOTE 僅供內部".to_string()),
        ] {
            // The page's forms post to the case's own routes.
            assert!(page.body.contains(&format!("action=\"{base}/{path}\"")), "{path}");
            let r = h.form(&format!("{base}/{path}"), &body, c).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
        }
        let page = h.get(&base, &[("cookie", &coord)]).await;
        assert!(text_of(&page.body, "assignee-current").contains("coord@cert.tw"), "{}", page.body);
        assert!(page.body.contains("RESEARCHER-MESSAGE") && page.body.contains("INTERNAL-NOTE"));
        // The researcher reads the message on the status page, never the note, and gets it by mail.
        let status = h.get(&link, &[]).await;
        assert!(status.body.contains("RESEARCHER-MESSAGE") && !status.body.contains("INTERNAL-NOTE"), "{}", status.body);
        let outbox = h.state.store.list_outbox(100).await.expect("outbox");
        assert!(outbox.iter().any(|m| m.recipients.contains(REPORTER_EMAIL) && crate::desk_pages::mail_text(&m.message).contains("RESEARCHER-MESSAGE")));
    }
}

both_engines! {
    async fn a_refused_desk_form_on_a_vulnerability_case_shows_its_error_on_that_page(h: Harness) {
        let (tracking, _, _) = file_txt(&h, &seed(false), b"").await;
        h.user("coord@cert.tw", &[Role::Coordinator]).await;
        let coord = h.login("coord@cert.tw").await;
        let base = format!("/desk/vulnerabilities/{tracking}");
        for (path, body, field) in [
            ("notes", "body=%20", "f-note-body"),
            ("messages", "body=%20", "f-message-body"),
            ("assign", "assignee_id=0190a000-0000-7000-8000-000000000000", "f-assign-assignee_id"),
        ] {
            let r = h.form(&format!("{base}/{path}"), body, Some(&coord)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", r.body);
            // The vulnerability case page, not the incident one, with the message by the field
            // and in the summary at the top.
            assert!(r.body.contains("id=\"vuln-state\""), "{path}: {}", r.body);
            assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{path}: {}", r.body);
            assert!(r.body.contains(&format!("href=\"#{field}\"")), "{path}: the summary links the field");
        }
    }
}

// The duplicate-of link on both pages, its audit, its refusals, and the API.
both_engines! {
    async fn a_coordinator_marks_a_vulnerability_case_a_duplicate_of_another(h: Harness) {
        let (first, _, _) = file_txt(&h, &seed(false), b"").await;
        let (second, _, _) = file_txt(&h, &seed(true), b"").await;
        let (third, _, _) = file_txt(&h, &seed(false), b"x").await;
        assert!(first != second && second != third, "three cases: {first} {second} {third}");
        let (_, token) = h.user("coord@cert.tw", &[Role::Coordinator]).await;
        let coord = h.login("coord@cert.tw").await;
        let c = Some(coord.as_str());
        let url = |t: &str| format!("/desk/vulnerabilities/{t}/duplicate-of");
        let r = h.form(&url(&second), &format!("duplicate_of={first}"), c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Both pages link to each other.
        let dup = h.get(&format!("/desk/vulnerabilities/{second}"), &[("cookie", &coord)]).await;
        assert!(dup.body.contains("id=\"duplicate-of\"") && dup.body.contains(&format!("href=\"/desk/vulnerabilities/{first}\"")), "{}", dup.body);
        let orig = h.get(&format!("/desk/vulnerabilities/{first}"), &[("cookie", &coord)]).await;
        assert!(orig.body.contains("id=\"duplicates\"") && orig.body.contains(&format!("href=\"/desk/vulnerabilities/{second}\"")), "{}", orig.body);
        assert!(h.audit_actions().await.iter().any(|a| a == "vuln.duplicate_of"));
        // Refusals, each on the field, on the case page.
        for (case, target, needle) in [
            (second.as_str(), "VUL-1999-999999", "找不到這個追蹤編號的通報"),
            (second.as_str(), second.as_str(), "通報不能是自己的重複"),
            // first ← second: first may not become a duplicate of second.
            (first.as_str(), second.as_str(), "形成循環"),
            (second.as_str(), "not a number", ""),
        ] {
            let r = h.form(&url(case), &format!("duplicate_of={}", target.replace(' ', "+")), c).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{case} -> {target}: {}", r.body);
            assert!(r.body.contains("id=\"f-duplicate-duplicate_of-error\""), "{}", r.body);
            assert!(r.body.contains(needle), "{needle}: {}", r.body);
        }
        // A longer chain: third → second → first; first → third closes a cycle.
        let r = h.form(&url(&third), &format!("duplicate_of={second}"), c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = h.form(&url(&first), &format!("duplicate_of={third}"), c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        // The API: the same use case, the link in the case's view; clearing it.
        let api = |t: &str| format!("/api/v1/vulnerabilities/{t}/duplicate-of");
        let r = h.json(Method::POST, &api(&first), Some(&token), serde_json::json!({"duplicate_of": third}), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("duplicate_of"), "{}", r.body);
        let r = h.json(Method::POST, &api(&third), Some(&token), serde_json::json!({"duplicate_of": ""}), &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let v = h.json(Method::GET, &format!("/api/v1/vulnerabilities/{second}"), Some(&token), serde_json::Value::Null, &[]).await;
        let v: serde_json::Value = serde_json::from_str(&v.body).expect("json");
        assert_eq!(v["duplicate_of"], first.as_str());
        let v = h.json(Method::GET, &format!("/api/v1/vulnerabilities/{third}"), Some(&token), serde_json::Value::Null, &[]).await;
        let v: serde_json::Value = serde_json::from_str(&v.body).expect("json");
        assert_eq!(v["duplicate_of"], "");
        // A researcher or a vendor may not: the policy refuses them as for every change.
        let (_, member) = h.user("someone@example.tw", &[Role::Member]).await;
        let r = h.json(Method::POST, &api(&third), Some(&member), serde_json::json!({"duplicate_of": first}), &[]).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
    }
}

both_engines! {
    async fn a_vulnerability_case_past_its_state_timer_is_shown_and_counted(h: Harness) {
        let (tracking, _, _) = file_txt(&h, &seed(false), b"").await;
        h.user("coord@cert.tw", &[Role::Coordinator]).await;
        let coord = h.login("coord@cert.tw").await;
        let base = format!("/desk/vulnerabilities/{tracking}");
        let page = h.get(&base, &[("cookie", &coord)]).await;
        assert!(page.body.contains("id=\"vuln-sla\""), "{}", page.body);
        assert!(!page.body.contains("sla-breached"), "a fresh case is within its time");
        let home = h.get("/desk", &[("cookie", &coord)]).await;
        assert!(home.body.contains("href=\"/desk/vulnerabilities?breached=1\""), "{}", home.body);
        let count = |body: &str| -> String {
            let at = body.find("href=\"/desk/vulnerabilities?breached=1\"").expect("link");
            let rest = &body[at..];
            let s = rest.find("<strong>").expect("count") + "<strong>".len();
            rest[s..].chars().take_while(|c| *c != '<').collect()
        };
        assert_eq!(count(&home.body), "0");
        // Three weeks on, still received: past the three working days of triage.
        h.state.store.clock().advance(time::Duration::days(21)).expect("clock");
        let coord = h.login("coord@cert.tw").await;
        let page = h.get(&base, &[("cookie", &coord)]).await;
        assert!(page.body.contains("sla-breached"), "{}", page.body);
        let home = h.get("/desk", &[("cookie", &coord)]).await;
        assert_eq!(count(&home.body), "1");
        let list = h.get("/desk/vulnerabilities?breached=1", &[("cookie", &coord)]).await;
        assert!(list.body.contains(&format!("id=\"vuln-{tracking}\"")), "{}", list.body);
        // Moving it on restarts the timer for the new state.
        let r = h.form(&format!("{base}/transition"), "to=under_review", Some(&coord)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = h.get(&base, &[("cookie", &coord)]).await;
        assert!(!page.body.contains("sla-breached"), "{}", page.body);
        let list = h.get("/desk/vulnerabilities?breached=1", &[("cookie", &coord)]).await;
        assert!(!list.body.contains(&format!("id=\"vuln-{tracking}\"")));
    }
}

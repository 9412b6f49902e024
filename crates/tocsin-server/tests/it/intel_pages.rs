//! The intel-sharing pages over HTTP on both engines: the 25-field form (a draft and a
//! redirect; a bad field named in Chinese and English with nothing stored), the TXT
//! upload (read whole, or refused line by line), the record page and its TXT download for
//! the audience and a 404 for everyone else, the inbox's search and filters, the desk's
//! share form creating deliveries, the recipients' feedback and re-share, the indicator
//! editor, the admins' sharing groups, an incident made into a draft, the cross-site
//! check, and the English switch.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use tocsin_domain::{IntelId, OrgId, OrgKind, Role, Roles};
use tocsin_storage::{IntelFilter, NewOrganization, NewUser};

use crate::{Harness, Resp, both_engines};

const BOUNDARY: &str = "----tocsinIntelBoundary4kQz9Xw";
const EXAMPLE: &[u8] = include_bytes!("../../../tocsin-formats/tests/data/intel-example.txt");
const BAD_CONNECTION: &[u8] =
    include_bytes!("../../../tocsin-formats/tests/data/intel-bad-connection.txt");
const UNKNOWN_LABEL: &[u8] =
    include_bytes!("../../../tocsin-formats/tests/data/intel-unknown-label.txt");

/// Text as askama writes it into HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// One part of a multipart body: a text field, or a file (name, file name, bytes).
enum Part<'a> {
    Text(&'a str, String),
    File(&'a str, &'a str, &'a [u8]),
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
            Part::File(name, file, bytes) => {
                b.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: text/plain\r\n\r\n"
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

/// A multipart POST as a browser sends it (same origin), with a session and headers.
async fn post_form(
    h: &Harness,
    uri: &str,
    parts: &[Part<'_>],
    cookie: &str,
    extra: &[(&str, &str)],
) -> Resp {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("host", "127.0.0.1:8080")
        .header("cookie", cookie);
    let cross = extra.iter().any(|(k, _)| *k == "sec-fetch-site");
    if !cross {
        b = b
            .header("sec-fetch-site", "same-origin")
            .header("origin", "http://127.0.0.1:8080");
    }
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    h.send(b.body(Body::from(multipart(parts))).expect("request"))
        .await
}

/// Every field of a valid record (the structured ones as the form's lines).
fn fields(subject: &str, tlp: &str) -> Vec<(&'static str, String)> {
    vec![
        ("category", "INT".into()),
        ("subject", subject.into()),
        ("source", "TWCERT/CC".into()),
        ("published_at", "2026-12-01T09:30:00+08:00".into()),
        ("tlp", tlp.into()),
        ("dispatch_id", format!("D-{subject}")),
        ("event_subject", "網站遭入侵".into()),
        ("event_discovered_at", "2026-11-30T08:00:00+08:00".into()),
        ("event_sent_at", "2026-11-30T10:00:00+08:00".into()),
        ("event_resolved_at", String::new()),
        (
            "content",
            format!("金融業者網站遭植入後門，中繼站 198.51.100.7 與 evil.example.net。{subject}"),
        ),
        ("intel_type", "入侵攻擊".into()),
        ("publisher", "TWCERT/CC".into()),
        ("contact", "soc@example.org.tw".into()),
        ("impact_level", "3".into()),
        ("recommendation", "封鎖中繼站".into()),
        ("references", "https://example.org/a/1".into()),
        ("attachments", String::new()),
        ("victim_ip", "203.0.113.5，443，TCP\n203.0.113.6".into()),
        ("affected_platforms", "Windows Server 2019".into()),
        ("technique", "網頁後門".into()),
        (
            "malicious_connections",
            "目的IP：198.51.100.7 目的埠：8080 協定：TCP".into(),
        ),
        ("scan_info", "ClamAV, antivirus, 1.0, Win.Trojan".into()),
        ("source_id", String::new()),
        ("source_time", String::new()),
    ]
}

fn parts(fields: &[(&'static str, String)]) -> Vec<Part<'static>> {
    fields
        .iter()
        .map(|(k, v)| Part::Text(k, v.clone()))
        .collect()
}

/// `fields` with `key` set to `value`.
fn with(mut f: Vec<(&'static str, String)>, key: &str, value: &str) -> Vec<(&'static str, String)> {
    for (k, v) in f.iter_mut() {
        if *k == key {
            *v = value.to_string();
        }
    }
    f
}

/// The record id of a redirect to its page.
fn record_of(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.header("location").expect("location");
    let id = to
        .strip_prefix("/intel/")
        .unwrap_or_else(|| panic!("redirect to {to}"));
    assert!(id.parse::<IntelId>().is_ok(), "not a record: {to}");
    id.to_string()
}

/// Submits a valid record through the form; its id.
async fn submit(h: &Harness, cookie: &str, subject: &str, tlp: &str) -> String {
    let r = post_form(h, "/intel/new", &parts(&fields(subject, tlp)), cookie, &[]).await;
    record_of(&r)
}

async fn count(h: &Harness) -> usize {
    h.state
        .store
        .list_intel(&IntelFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("list")
        .len()
}

/// An organization with users of `roles` who can sign in; its id and their cookies.
async fn org_with(
    h: &Harness,
    name: &str,
    emails: &[&str],
    roles: &[Role],
) -> (OrgId, Vec<String>) {
    let s = &h.state.store;
    let mut tx = s.begin().await.expect("begin");
    let org = tx
        .create_org(&NewOrganization {
            name: name.into(),
            sector: String::new(),
            kind: OrgKind::Company,
            alliance_member: false,
        })
        .await
        .expect("org");
    let hash = tocsin_server::auth::hash_password("password-123456".into())
        .await
        .expect("hash");
    for e in emails {
        tx.create_user(&NewUser {
            email: (*e).into(),
            name: format!("name of {e}"),
            org_id: Some(org.id),
            roles: Roles::new(roles.iter().copied()),
            password_hash: Some(hash.clone()),
        })
        .await
        .expect("user");
    }
    tx.commit().await.expect("commit");
    let mut cookies = Vec::new();
    for e in emails {
        cookies.push(h.login(e).await);
    }
    (org.id, cookies)
}

/// The signed-in desk analyst's cookie.
async fn analyst(h: &Harness) -> String {
    h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
    h.login("analyst@cert.example.tw").await
}

/// A urlencoded same-origin POST.
async fn post(h: &Harness, uri: &str, body: &str, cookie: &str) -> Resp {
    h.form(uri, body, Some(cookie)).await
}

/// The part of `body` from the element with `id` to the end of its table or list.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    let rest = &body[start..];
    let end = ["</table>", "</ul>", "</section>"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

both_engines! {
    async fn the_form_makes_a_draft_and_a_bad_field_is_named_in_both_languages(h: Harness) {
        let desk = analyst(&h).await;

        // The TXT form with an example of every field, as a download: it reads back whole,
        // every field filled, the free texts read without a warning.
        let t = h.get("/intel/template.txt", &[]).await;
        assert_eq!(t.status, StatusCode::OK);
        assert_eq!(t.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(t.header("content-disposition"), Some("attachment; filename=\"intel-template.txt\""));
        let read = tocsin_formats::intel_form::parse(&t.body);
        assert!(read.problems.is_empty() && read.unknown_lines.is_empty(), "{}", t.body);
        for f in tocsin_domain::intel::IntelField::ALL {
            assert!(!read.input.text(f).trim().is_empty(), "no example of {}", f.zh());
        }
        let example = read.input.validate().expect("the example validates");
        assert_eq!(example.notation_warnings(), vec![]);
        assert_eq!(example.victims().entries.len(), 2);
        assert_eq!(example.connections().entries.len(), 2);
        assert_eq!(example.scans().entries.len(), 1);

        // The form: the 25 fields by their Chinese names and English keys, the TXT upload.
        let form = h.get("/intel/new", &[("cookie", &desk)]).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        for f in tocsin_domain::intel::IntelField::ALL {
            assert!(form.body.contains(f.zh()), "the form lacks {}", f.zh());
            assert!(form.body.contains(&format!("id=\"f-{}\"", f.key())), "the form lacks {}", f.key());
        }
        for name in ["txt", "victim_ip", "malicious_connections", "scan_info", "impact_level"] {
            assert!(form.body.contains(&format!("name=\"{name}\"")), "the form lacks {name}");
        }
        assert!(form.body.contains("enctype=\"multipart/form-data\"") && form.body.contains("href=\"/intel/template.txt\""));
        // Signed out, the form asks to sign in.
        let anon = h.get("/intel/new", &[]).await;
        assert_eq!(anon.status, StatusCode::SEE_OTHER);
        assert_eq!(anon.header("location"), Some("/login"));

        // A bad impact level and a bad time: named, the typed values kept, nothing stored.
        let bad = with(with(fields("網頁後門", "amber"), "impact_level", "5"), "published_at", "2026/12/01 09:30");
        let r = post_form(&h, "/intel/new", &parts(&bad), &desk, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("影響等級 (impact_level)：影響等級是 1 到 4 的數字。"), "{}", r.body);
        assert!(r.body.contains("情資發布時間 (published_at)：時間請寫成"), "{}", r.body);
        assert!(r.body.contains("id=\"error-impact_level\"") && r.body.contains("id=\"error-published_at\""));
        assert!(r.body.contains("value=\"2026/12/01 09:30\"") && r.body.contains("value=\"5\""), "typed values are kept");
        assert!(r.body.contains("203.0.113.5，443，TCP"), "the free texts are kept as typed");
        assert_eq!(count(&h).await, 0, "nothing is stored");

        // The same in English: English labels, the field named by both its names.
        let r = post_form(&h, "/intel/new", &parts(&bad), &desk, &[("accept-language", "en")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("影響等級 (impact_level): The impact level is a number from 1 to 4."), "{}", r.body);
        assert!(r.body.contains(">Impact level") && r.body.contains("情資發布時間 (published_at): Write the time as"));

        assert_eq!(count(&h).await, 0, "nothing is stored");

        // A free text that cannot be read whole is never refused: it is kept as written,
        // and the record's page tells the desk, line by line, what was not read.
        let odd = with(fields("網頁後門", "amber"), "victim_ip", "203.0.113.5\n999.1.1.1 port=80\n請見附件");
        let r = post_form(&h, "/intel/new", &parts(&odd), &desk, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let odd_id = r.header("location").and_then(|l| l.strip_prefix("/intel/")).expect("record").to_string();
        let page = h.get(&format!("/intel/{odd_id}"), &[("cookie", &desk)]).await;
        let from = page.body.find("id=\"intel-f-victim_ip\"").expect("the field");
        let victims = &page.body[from..from + page.body[from..].find("</dd>").expect("its end")];
        assert!(victims.contains("203.0.113.5\n999.1.1.1 port=80\n請見附件"), "kept as written: {victims}");
        assert!(victims.contains("<code>203.0.113.5</code>"), "{victims}");
        assert!(victims.contains("第 2 行（999.1.1.1 port=80）：「999.1.1.1」不是有效的 IP 位址或網段。"), "{victims}");
        assert!(victims.contains("第 3 行（請見附件）：無法從中讀出項目；原文照樣保留。"), "{victims}");
        let en = h.get(&format!("/intel/{odd_id}"), &[("cookie", &desk), ("accept-language", "en")]).await;
        // Quotes escaped, as every value on a page is.
        assert!(en.body.contains("Line 3 (&#34;請見附件&#34;): nothing could be read from it; the text is kept as written."), "{}", en.body);
        assert!(h.state.store.get_intel(odd_id.parse().expect("id")).await.expect("q").is_some());

        // A valid form: a draft of the web channel, and its page.
        let id = submit(&h, &desk, "網頁後門", "amber").await;
        let row = h.state.store.get_intel(id.parse().expect("id")).await.expect("q").expect("stored");
        assert_eq!((row.status.as_str(), row.channel.as_str(), row.tlp.as_str()), ("draft", "web", "amber"));
        let page = h.get(&format!("/intel/{id}"), &[("cookie", &desk)]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for f in tocsin_domain::intel::IntelField::ALL {
            assert!(page.body.contains(&format!("id=\"intel-f-{}\"", f.key())), "the page lacks {}", f.key());
        }
        assert!(page.body.contains("TLP:AMBER") && page.body.contains("草稿"));
        // The free texts as written, and the entries read from them.
        assert!(page.body.contains("203.0.113.5，443，TCP") && page.body.contains("<code>203.0.113.5:443/tcp</code>"), "{}", page.body);
        assert!(page.body.contains("<code>destination 198.51.100.7:8080/tcp</code>"), "{}", page.body);
        assert!(page.body.contains("2026-12-01 09:30 (UTC+08:00)"), "times as written");
        // The indicators extracted from its text, each a link to the inbox filter.
        assert!(page.body.contains("href=\"/intel?observable=198.51.100.7\"") && page.body.contains("evil.example.net"));

        // The desk edits it: a bad edit is named, a good one saved.
        let edit = h.get(&format!("/intel/{id}/edit"), &[("cookie", &desk)]).await;
        assert_eq!(edit.status, StatusCode::OK);
        assert!(edit.body.contains("value=\"D-網頁後門\"") && !edit.body.contains("name=\"txt\""));
        let r = post_form(&h, &format!("/intel/{id}/edit"), &parts(&with(fields("網頁後門", "amber"), "event_sent_at", "soon")), &desk, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("事件發送時間 (event_sent_at)："));
        let r = post_form(&h, &format!("/intel/{id}/edit"), &parts(&with(fields("網頁後門", "amber"), "subject", "網頁後門（更新）")), &desk, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = h.get(&format!("/intel/{id}"), &[("cookie", &desk)]).await;
        assert!(page.body.contains("網頁後門（更新）"));
    }

    async fn a_txt_upload_is_read_whole_or_refused_by_line(h: Harness) {
        let desk = analyst(&h).await;
        // The TXT alone.
        let r = post_form(&h, "/intel/new", &[Part::File("txt", "intel.txt", EXAMPLE)], &desk, &[]).await;
        let id = record_of(&r);
        let row = h.state.store.get_intel(id.parse().expect("id")).await.expect("q").expect("stored");
        assert_eq!(row.channel, "txt");
        assert_eq!(row.subject, "某金融機構對外網站遭植入網頁後門");
        let page = h.get(&format!("/intel/{id}"), &[("cookie", &desk)]).await;
        assert!(page.body.contains("TWCERT-INT-2026-0042") && page.body.contains("203.0.113.6"));
        assert!(page.body.contains("Win.Trojan.Agent-1234"), "{}", page.body);

        // Entries written in odd ways are no reason to refuse: stored, kept as written.
        let before = count(&h).await;
        let r = post_form(&h, "/intel/new", &[Part::File("txt", "bad.txt", BAD_CONNECTION)], &desk, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(count(&h).await, before + 1);
        let before = before + 1;
        // Lines that belong to no field are refused, named.
        let r = post_form(&h, "/intel/new", &[Part::File("txt", "odd.txt", UNKNOWN_LABEL)], &desk, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let problems = section(&r.body, "txt-problems");
        assert!(problems.contains("第 4 行不屬於任何欄位：影響範圍：全台分行"), "{problems}");
        assert_eq!(count(&h).await, before, "nothing is stored");

        // The form fills what the TXT leaves empty; a TXT whose record is incomplete is
        // shown in the form, named.
        let partial = "情資種類：DEF\n情資主旨：網頁置換\n分享等級：GREEN\n情資內容：某網站遭置換。\n";
        let r = post_form(&h, "/intel/new", &[
            Part::Text("source", "範例 ISAC".into()),
            Part::Text("published_at", "2026-12-02T10:00:00+08:00".into()),
            Part::File("txt", "partial.txt", partial.as_bytes()),
        ], &desk, &[]).await;
        let id = record_of(&r);
        let row = h.state.store.get_intel(id.parse().expect("id")).await.expect("q").expect("stored");
        assert_eq!((row.subject.as_str(), row.tlp.as_str()), ("網頁置換", "green"));
        let r = post_form(&h, "/intel/new", &[Part::File("txt", "partial.txt", partial.as_bytes())], &desk, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("情資來源資訊 (source)：此欄位為必填。") && r.body.contains("value=\"網頁置換\""), "{}", r.body);
        assert!(r.body.contains("id=\"txt-merged\""));
    }

    async fn only_the_audience_sees_a_record_and_its_txt(h: Harness) {
        let desk = analyst(&h).await;
        let (bank, bankers) = org_with(&h, "範例銀行", &["a@bank.example.tw", "b@bank.example.tw"], &[Role::Member]).await;
        let (_, nurses) = org_with(&h, "範例醫院", &["n@hospital.example.tw"], &[Role::Member]).await;
        let id = submit(&h, &desk, "勒索軟體", "amber").await;

        // A draft: nobody outside the desk.
        assert_eq!(h.get(&format!("/intel/{id}"), &[("cookie", &bankers[0])]).await.status, StatusCode::NOT_FOUND);

        // Shared with the bank by name: a delivery to each of its users.
        let r = post(&h, &format!("/intel/{id}/share"), &format!("orgs={bank}"), &desk).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("/intel/{id}?done=shared&delivered=2#deliveries").as_str()));
        let deliveries = h.state.store.intel_deliveries(id.parse().expect("id")).await.expect("q");
        let mut to: Vec<&str> = deliveries.iter().map(|d| d.email.as_str()).collect();
        to.sort();
        assert_eq!(to, ["a@bank.example.tw", "b@bank.example.tw"]);
        let mail = h.state.store.list_outbox(50).await.expect("outbox");
        assert_eq!(mail.len(), 2);
        assert!(mail.iter().all(|m| m.subject.contains("[TLP:AMBER]") && !m.recipients.contains("hospital")));

        // The desk's page: the audience and the deliveries with their message ids.
        let page = h.get(&format!("/intel/{id}?done=shared&delivered=2"), &[("cookie", &desk)]).await;
        assert!(page.body.contains("已分享，新寄出 2 封情資郵件。"));
        let table = section(&page.body, "delivery-list");
        for d in &deliveries {
            assert!(table.contains(&d.email) && table.contains(&esc(&d.message_id)), "{table}");
        }
        assert!(section(&page.body, "audience-list").contains("範例銀行"));
        // Sharing again sends nothing new.
        let r = post(&h, &format!("/intel/{id}/share"), &format!("orgs={bank}"), &desk).await;
        assert_eq!(r.header("location"), Some(format!("/intel/{id}?done=shared&delivered=0#deliveries").as_str()));
        assert_eq!(h.state.store.list_outbox(50).await.expect("outbox").len(), 2);

        // A banker reads it and its TXT; the recipient's forms, not the desk's.
        let page = h.get(&format!("/intel/{id}"), &[("cookie", &bankers[1])]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"feedback-form\"") && page.body.contains("id=\"reshare-form\""));
        assert!(!page.body.contains("id=\"share-form\"") && !page.body.contains("id=\"delivery-list\""));
        let txt = h.get(&format!("/intel/{id}/txt"), &[("cookie", &bankers[1])]).await;
        assert_eq!(txt.status, StatusCode::OK);
        assert_eq!(txt.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(txt.header("content-disposition"), Some(format!("attachment; filename=\"intel-{id}.txt\"").as_str()));
        assert!(txt.body.starts_with("情資種類：INT\n情資主旨：勒索軟體\n") && txt.body.contains("\n分享等級：amber\n"), "{}", txt.body);
        assert!(h.audit_actions().await.iter().any(|a| a == "intel.export"));
        let inbox = h.get("/intel", &[("cookie", &bankers[0])]).await;
        assert!(inbox.body.contains(&format!("href=\"/intel/{id}\"")));

        // The hospital: not in its inbox, and the same 404 as a record that does not exist.
        let inbox = h.get("/intel", &[("cookie", &nurses[0])]).await;
        assert_eq!(inbox.status, StatusCode::OK);
        assert!(!inbox.body.contains(&id) && !inbox.body.contains("勒索軟體") && inbox.body.contains("id=\"intel-empty\""));
        let hidden = h.get(&format!("/intel/{id}"), &[("cookie", &nurses[0])]).await;
        let missing = h.get(&format!("/intel/{}", IntelId::new()), &[("cookie", &nurses[0])]).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        assert_eq!((hidden.status, hidden.body.as_str()), (missing.status, missing.body.as_str()));
        let txt = h.get(&format!("/intel/{id}/txt"), &[("cookie", &nurses[0])]).await;
        assert_eq!(txt.status, StatusCode::NOT_FOUND);
        assert!(!txt.body.contains("勒索軟體"));
        for path in ["edit", "share", "feedback", "reshare", "observables"] {
            let r = if path == "edit" {
                h.get(&format!("/intel/{id}/edit"), &[("cookie", &nurses[0])]).await
            } else {
                post(&h, &format!("/intel/{id}/{path}"), "tlp=red&lines=ipv4%201.2.3.4", &nurses[0]).await
            };
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        }
        // A recipient may not edit or share it.
        let r = h.get(&format!("/intel/{id}/edit"), &[("cookie", &bankers[0])]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Signed out: asked to sign in, nothing shown.
        let anon = h.get(&format!("/intel/{id}"), &[]).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
        assert!(!anon.body.contains("勒索軟體"));
    }

    async fn recipients_answer_and_re_share(h: Harness) {
        let desk = analyst(&h).await;
        let (bank, bankers) = org_with(&h, "範例銀行", &["a@bank.example.tw"], &[Role::Member]).await;
        let id = submit(&h, &desk, "中繼站", "amber").await;
        let r = post(&h, &format!("/intel/{id}/share"), &format!("orgs={bank}"), &desk).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // FBI feedback: a bad one is named next to the form; a good one is a linked draft.
        let r = post(&h, &format!("/intel/{id}/feedback"), "subject=%E5%9B%9E%E9%A5%8B&source=bank&published_at=2026-12-02T09%3A00%3A00%2B08%3A00&tlp=amber&content=", &bankers[0]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("情資內容 (content)：此欄位為必填。"), "{}", r.body);
        let r = post(&h, &format!("/intel/{id}/feedback"), "subject=%E5%9B%9E%E9%A5%8B&source=bank&published_at=2026-12-02T09%3A00%3A00%2B08%3A00&tlp=amber&content=%E5%B7%B2%E5%B0%81%E9%8E%96", &bankers[0]).await;
        let answer = record_of(&r);
        let row = h.state.store.get_intel(answer.parse().expect("id")).await.expect("q").expect("stored");
        assert_eq!((row.category.as_str(), row.status.as_str()), ("FBI", "draft"));
        assert_eq!(row.answers_id.map(|u| u.to_string()), Some(id.clone()));
        let own = h.get(&format!("/intel/{answer}"), &[("cookie", &bankers[0])]).await;
        assert_eq!(own.status, StatusCode::OK, "the author reads their draft");
        assert!(own.body.contains("D-中繼站"), "the dispatch id answered is its 來源編號");
        let original = h.get(&format!("/intel/{id}"), &[("cookie", &desk)]).await;
        assert!(section(&original.body, "answer-list").contains(&format!("href=\"/intel/{answer}\"")));

        // Re-sharing: never looser; the same or tighter makes a derived draft.
        let r = post(&h, &format!("/intel/{id}/reshare"), "tlp=green", &bankers[0]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("分享等級 (tlp)：TLP 只能維持或收緊，不可放寬：至少為 AMBER。"), "{}", r.body);
        assert!(!section(&r.body, "reshare-form").contains("value=\"green\""), "looser levels are not offered");
        let r = post(&h, &format!("/intel/{id}/reshare"), "tlp=red", &bankers[0]).await;
        let derived = record_of(&r);
        let row = h.state.store.get_intel(derived.parse().expect("id")).await.expect("q").expect("stored");
        assert_eq!((row.tlp.as_str(), row.channel.as_str()), ("red", "reshare"));
    }

    async fn the_desk_edits_indicators_and_shares_with_groups(h: Harness) {
        let desk = analyst(&h).await;
        let (bank, bankers) = org_with(&h, "範例銀行", &["a@bank.example.tw", "b@bank.example.tw"], &[Role::Member]).await;
        let (hospital, nurses) = org_with(&h, "範例醫院", &["n@hospital.example.tw"], &[Role::Member]).await;
        h.user("admin@cert.example.tw", &[Role::Admin]).await;
        let admin = h.login("admin@cert.example.tw").await;

        // Only admins manage the groups.
        assert_eq!(h.get("/admin/groups", &[("cookie", &desk)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(post(&h, "/admin/groups", "name=X&kind=isac", &desk).await.status, StatusCode::FORBIDDEN);
        let page = h.get("/admin/groups", &[("cookie", &admin)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"group-form\"") && page.body.contains("value=\"alliance\""));
        let r = post(&h, "/admin/groups", "name=F-ISAC&kind=isac&description=%E9%87%91%E8%9E%8D", &admin).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = post(&h, "/admin/groups", "name=F-ISAC&kind=isac", &admin).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("此值已被使用。"));
        let r = post(&h, "/admin/groups", "name=Bad&kind=club", &admin).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("請從選項中選擇。"));
        assert_eq!(post(&h, "/admin/groups", "name=H-ISAC&kind=isac", &admin).await.status, StatusCode::SEE_OTHER);
        let groups = h.state.store.list_groups().await.expect("groups");
        let id_of = |n: &str| groups.iter().find(|g| g.name == n).map(|g| g.id).expect("group");
        let (fisac, hisac) = (id_of("F-ISAC"), id_of("H-ISAC"));
        for (g, o) in [(fisac, bank), (hisac, hospital)] {
            let r = post(&h, &format!("/admin/groups/{g}/members"), &format!("action=add&org_id={o}"), &admin).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let page = h.get("/admin/groups", &[("cookie", &admin)]).await;
        let fsec = section(&page.body, &format!("group-{fisac}"));
        assert!(fsec.contains("F-ISAC") && fsec.contains("範例銀行") && !fsec.contains("member-name\">範例醫院"), "{fsec}");
        let r = post(&h, &format!("/admin/groups/{fisac}/members"), "action=add&org_id=nope", &admin).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // A member added by mistake is removed again.
        let r = post(&h, &format!("/admin/groups/{fisac}/members"), &format!("action=add&org_id={hospital}"), &admin).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(h.state.store.groups_of_org(hospital).await.expect("q").len(), 2);
        let page = h.get("/admin/groups", &[("cookie", &admin)]).await;
        assert!(section(&page.body, &format!("group-{fisac}")).contains("member-name\">範例醫院"));
        let r = post(&h, &format!("/admin/groups/{fisac}/members"), &format!("action=remove&org_id={hospital}"), &admin).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(h.state.store.groups_of_org(hospital).await.expect("q"), vec![hisac]);
        assert_eq!(post(&h, &format!("/admin/groups/{}/members", tocsin_domain::GroupId::new()), &format!("action=add&org_id={bank}"), &admin).await.status, StatusCode::NOT_FOUND);

        // The indicator editor: a bad line is named; good ones are added to the extracted.
        let id = submit(&h, &desk, "釣魚網站", "amber").await;
        let r = post(&h, &format!("/intel/{id}/observables"), "lines=ipv4+203.0.113.77%0Aipv4+nope", &desk).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("第 2 行：指標請寫成") && r.body.contains("ipv4 nope"), "{}", r.body);
        let r = post(&h, &format!("/intel/{id}/observables"), "lines=ipv4+203.0.113.77%0Adomain+phish.example.com", &desk).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = h.get(&format!("/intel/{id}"), &[("cookie", &desk)]).await;
        let list = section(&page.body, "observable-list");
        assert!(list.contains("203.0.113.77") && list.contains("phish.example.com") && list.contains("198.51.100.7"), "{list}");

        // An AMBER record with no audience is refused; shared with F-ISAC, each banker gets
        // it once and the hospital nothing.
        let r = post(&h, &format!("/intel/{id}/share"), "", &desk).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("請至少選擇一個分享的群組、組織或個人。"));
        let page = h.get(&format!("/intel/{id}"), &[("cookie", &desk)]).await;
        assert!(page.body.contains("id=\"share-informed\""), "AMBER asks whom to inform");
        assert!(page.body.contains(&format!("value=\"{fisac}\"")) && page.body.contains("F-ISAC（1 個組織）"));
        let r = post(&h, &format!("/intel/{id}/share"), &format!("groups={fisac}"), &desk).await;
        assert_eq!(r.header("location"), Some(format!("/intel/{id}?done=shared&delivered=2#deliveries").as_str()), "{}", r.body);
        let mut to: Vec<String> = h.state.store.intel_deliveries(id.parse().expect("id")).await.expect("q").into_iter().map(|d| d.email).collect();
        to.sort();
        assert_eq!(to, ["a@bank.example.tw", "b@bank.example.tw"]);
        assert!(h.get(&format!("/intel/{id}"), &[("cookie", &bankers[0])]).await.status == StatusCode::OK);
        assert_eq!(h.get(&format!("/intel/{id}"), &[("cookie", &nurses[0])]).await.status, StatusCode::NOT_FOUND);

        // A RED record offers no groups or organizations.
        let red = submit(&h, &desk, "紅色", "red").await;
        let page = h.get(&format!("/intel/{red}"), &[("cookie", &desk)]).await;
        assert!(!page.body.contains("id=\"share-groups\"") && page.body.contains("id=\"share-users\""));
        let r = post(&h, &format!("/intel/{red}/share"), &format!("groups={fisac}"), &desk).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("TLP:RED 情資只能分享給指名的個人"));
    }

    async fn the_inbox_searches_and_names_bad_filters(h: Harness) {
        let desk = analyst(&h).await;
        let ransom = submit(&h, &desk, "醫院遭勒索軟體加密", "green").await;
        let deface = submit(&h, &desk, "網頁置換事件", "green").await;

        // A two-character Chinese word finds the record that has it, and only that one.
        let r = h.get("/intel?q=%E5%8B%92%E7%B4%A2", &[("cookie", &desk)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let list = section(&r.body, "intel-list");
        assert!(list.contains(&ransom) && !list.contains(&deface), "{list}");
        assert!(r.body.contains("value=\"勒索\""), "the query stays in the box");
        let r = h.get("/intel?q=%E7%BD%AE%E6%8F%9B", &[("cookie", &desk)]).await;
        let list = section(&r.body, "intel-list");
        assert!(list.contains(&deface) && !list.contains(&ransom));
        // Rows: time, category, TLP badge, impact, subject, status.
        assert!(list.contains("2026-12-01 09:30") && list.contains(">INT<") && list.contains("tlp-green\">TLP:GREEN") && list.contains(">3<") && list.contains("草稿"), "{list}");
        // Filters: an indicator, a category, a status.
        let r = h.get("/intel?observable=198.51.100.7&category=int&status=draft", &[("cookie", &desk)]).await;
        let list = section(&r.body, "intel-list");
        assert!(list.contains(&ransom) && list.contains(&deface));
        let r = h.get("/intel?category=ANA", &[("cookie", &desk)]).await;
        assert!(r.body.contains("id=\"intel-empty\""));

        // Bad filters: each named, in Chinese and by its key.
        for (q, needle) in [
            ("tlp=blue", "分享等級 (tlp)：請從選項中選擇。"),
            ("min_impact=9", "最低影響等級 (min_impact)：影響等級是 1 到 4 的數字。"),
            ("since=2026-13-01", "發布日起 (since)："),
            ("category=XYZ", "情資種類 (category)：請從選項中選擇。"),
        ] {
            let r = h.get(&format!("/intel?{q}"), &[("cookie", &desk)]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
            assert!(section(&r.body, "filter-errors").contains(needle), "{q}: {}", r.body);
        }
        let r = h.get("/intel?min_impact=9", &[("cookie", &desk), ("accept-language", "en")]).await;
        assert!(r.body.contains("Minimum impact (min_impact): The impact level is a number from 1 to 4."), "{}", r.body);

        // Signed out: asked to sign in.
        let r = h.get("/intel", &[]).await;
        assert_eq!((r.status, r.header("location")), (StatusCode::SEE_OTHER, Some("/login")));
    }

    async fn an_incident_becomes_a_draft_from_the_desk(h: Harness) {
        let desk = analyst(&h).await;
        let parts = [
            Part::Text("reporter_name", "王小明".into()),
            Part::Text("phone", "02-2345-6789".into()),
            Part::Text("email", "soc@victim.example.tw".into()),
            Part::Text("discovered_at", "2026-01-05T09:15".into()),
            Part::Text("time_zone", "Asia/Taipei".into()),
            Part::Text("incident_type", "intrusion".into()),
            Part::Text("description", "王小明發現伺服器遭入侵，連線至 198.51.100.9。".into()),
            Part::Text("needs_support", "false".into()),
        ];
        let r = post_form(&h, "/report/incident", &parts, "x=y", &[]).await;
        let r = h.follow_receipt(r, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let marker = "id=\"tracking-id\">";
        let start = r.body.find(marker).expect("tracking") + marker.len();
        let tracking: String = r.body[start..].chars().take_while(|c| *c != '<').collect();
        let tracking = tracking.trim().to_string();

        let page = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &desk)]).await;
        assert!(page.body.contains(&format!("action=\"/desk/reports/{tracking}/intel\"")));
        let r = post(&h, &format!("/desk/reports/{tracking}/intel"), "", &desk).await;
        let id = record_of(&r);
        let page = h.get(&format!("/intel/{id}"), &[("cookie", &desk)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("INT · 入侵攻擊") && page.body.contains("198.51.100.9") && page.body.contains("TLP:AMBER"));
        assert!(!page.body.contains("王小明") && !page.body.contains("soc@victim.example.tw"), "the reporter is stripped");
        // Not for anyone but the desk.
        let (_, members) = org_with(&h, "範例銀行", &["a@bank.example.tw"], &[Role::Member]).await;
        assert_eq!(post(&h, &format!("/desk/reports/{tracking}/intel"), "", &members[0]).await.status, StatusCode::FORBIDDEN);
    }

    async fn cross_site_posts_are_refused_and_nothing_is_stored(h: Harness) {
        let desk = analyst(&h).await;
        let r = post_form(&h, "/intel/new", &parts(&fields("跨站", "amber")), &desk, &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(count(&h).await, 0);
        let id = submit(&h, &desk, "跨站", "amber").await;
        let (bank, _) = org_with(&h, "範例銀行", &["a@bank.example.tw"], &[Role::Member]).await;
        // A form POST from another site (no Fetch Metadata, a foreign Origin).
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!("/intel/{id}/share"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "127.0.0.1:8080")
            .header("origin", "https://evil.example")
            .header("cookie", &desk)
            .body(Body::from(format!("orgs={bank}")))
            .expect("request");
        assert_eq!(h.send(req).await.status, StatusCode::FORBIDDEN);
        assert!(h.state.store.intel_deliveries(id.parse().expect("id")).await.expect("q").is_empty());
        assert!(h.state.store.list_outbox(10).await.expect("outbox").is_empty());
        let row = h.state.store.get_intel(id.parse().expect("id")).await.expect("q").expect("stored");
        assert_eq!(row.status, "draft");
    }

    async fn the_english_switch_renders_english_labels(h: Harness) {
        let desk = analyst(&h).await;
        let id = submit(&h, &desk, "網頁後門", "amber").await;
        let sw = h.get(&format!("/lang/en?next=/intel/{id}"), &[]).await;
        assert_eq!(sw.status, StatusCode::SEE_OTHER);
        assert_eq!(sw.header("location"), Some(format!("/intel/{id}").as_str()));
        let lang = sw.header("set-cookie").and_then(|c| c.split(';').next()).expect("cookie").to_string();
        let cookie = format!("{desk}; {lang}");
        let page = h.get(&format!("/intel/{id}"), &[("cookie", &cookie)]).await;
        assert!(page.body.contains("<html lang=\"en\">"));
        for label in ["Impact level", "Malicious connections", "Download TXT", "Indicators", "Share and send", "Deliveries", "Intel sharing"] {
            assert!(page.body.contains(label), "no {label}");
        }
        // The format's Chinese names stay beside the English ones.
        assert!(page.body.contains("影響等級 · impact_level"));
        let form = h.get("/intel/new", &[("cookie", &cookie)]).await;
        assert!(form.body.contains("Submit intelligence") && form.body.contains("Download the blank TXT form") && form.body.contains(">Subject"));
        let inbox = h.get("/intel", &[("cookie", &cookie)]).await;
        assert!(inbox.body.contains("Intel inbox") && inbox.body.contains("Minimum impact") && !inbox.body.contains("情資收件匣"));
        // And back in Chinese without the cookie.
        let zh = h.get(&format!("/intel/{id}"), &[("cookie", &desk)]).await;
        assert!(zh.body.contains("影響等級") && zh.body.contains("下載 TXT") && !zh.body.contains("Download TXT"));
    }
}

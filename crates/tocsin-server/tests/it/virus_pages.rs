//! Virus Check for signed-in users and the desk, on both engines: a member's history
//! shows their own uploads only; the desk's page is the staff's (anonymous, a member, a
//! member of another organization, staff), audited, with the top detections of the desk's
//! month (Taipei's, not UTC's) and the files shared intel names; an analyst turns an
//! analysis into an intel draft whose hashes are its indicators, or attaches it to a
//! report; uploads are limited per address per hour (429). No engine runs here: the
//! test completes the queued analyses itself, as a worker would.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tocsin_domain::{Role, Timestamp};

use crate::{Harness, Resp, both_engines};

const BOUNDARY: &str = "tocsin-virus-pages-boundary";

/// Uploads `content` as `name` over the API (with `token` when signed in).
async fn upload(h: &Harness, token: Option<&str>, name: &str, content: &str) -> Resp {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{BOUNDARY}--\r\n"
    );
    let mut b = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/virus-check")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    h.send(b.body(Body::from(body)).expect("request")).await
}

/// Uploads and returns the analysis id.
async fn uploaded(h: &Harness, token: Option<&str>, name: &str, content: &str) -> String {
    let r = upload(h, token, name, content).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    r.json()["analysis_id"].as_str().expect("id").to_string()
}

/// Completes every queued analysis as a worker would, with `finding` from a made-up
/// engine (None: undetected).
async fn scan_all(h: &Harness, finding: Option<&str>) {
    let s = &h.state.store;
    loop {
        let now = s.clock().now();
        let lease = now.plus(time::Duration::minutes(10));
        let Some(a) = s.claim_virus_scan("test", now, lease).await.expect("claim") else {
            break;
        };
        let results = json!({
            "TestAV": {
                "engine_name": "TestAV",
                "engine_version": "1",
                "category": if finding.is_some() { "malicious" } else { "undetected" },
                "result": finding,
                "method": "blacklist",
            }
        });
        assert!(
            s.complete_virus_scan(
                a.id,
                "test",
                &results.to_string(),
                "{\"TestAV\":\"1\"}",
                "[]"
            )
            .await
            .expect("complete")
        );
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

both_engines! {
    async fn history_shows_only_ones_own(h: Harness) {
        let (_, mine) = h.user("member-a@corp.example.tw", &[Role::Member]).await;
        let (_, theirs) = h.user("member-b@other.example.tw", &[Role::Member]).await;
        uploaded(&h, Some(&mine), "mine-invoice.pdf", "member a's file 1").await;
        uploaded(&h, Some(&theirs), "theirs-budget.xlsx", "member b's file 2").await;
        uploaded(&h, None, "anonymous-photo.jpg", "nobody's file 3").await;
        scan_all(&h, Some("Test.Dropper-1")).await;
        let pending = uploaded(&h, Some(&mine), "mine-pending.doc", "member a's file 4").await;

        let auth = bearer(&mine);
        let page = h
            .get("/virus-check", &[("authorization", &auth), ("accept-language", "en")])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let b = &page.body;
        assert!(b.contains("id=\"virus-history\""), "{b}");
        assert!(b.contains("mine-invoice.pdf") && b.contains("mine-pending.doc"), "{b}");
        assert!(!b.contains("theirs-budget.xlsx"), "another's upload is not in my history");
        assert!(!b.contains("anonymous-photo.jpg"));
        assert!(b.contains("Test.Dropper-1") && b.contains("Malicious"), "{b}");
        assert!(b.contains(&format!("/virus-check/{pending}")));
        assert!(
            b.find("mine-pending.doc") < b.find("mine-invoice.pdf"),
            "newest first"
        );

        let auth = bearer(&theirs);
        let page = h.get("/virus-check", &[("authorization", &auth)]).await;
        assert!(page.body.contains("theirs-budget.xlsx"));
        assert!(!page.body.contains("mine-invoice.pdf"));

        // Anonymous: the form, and no history at all.
        let page = h.get("/virus-check", &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("virus-history"));
        assert!(!page.body.contains("invoice"));
    }

    async fn the_desk_page_is_the_staffs(h: Harness) {
        let (_, member) = h.user("member@corp.example.tw", &[Role::Member]).await;
        let (_, other) = h.user("member@other.example.tw", &[Role::Member]).await;
        let (_, partner) = h.user("partner@isac.example.tw", &[Role::Partner]).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        uploaded(&h, Some(&member), "member-file.bin", "a member's upload").await;

        let anon = h.get("/desk/virus-check", &[]).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
        for t in [&member, &other, &partner] {
            let r = h
                .get("/desk/virus-check", &[("authorization", &bearer(t))])
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
            assert!(!r.body.contains("member-file.bin"));
        }
        let r = h
            .get(
                "/desk/virus-check",
                &[("authorization", &bearer(&analyst)), ("accept-language", "en")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("member-file.bin"), "every upload: {}", r.body);
        assert!(r.body.contains("id=\"nav-virus-desk\""));
        let actions = h.audit_actions().await;
        assert!(actions.iter().any(|a| a == "virus_check.desk"), "{actions:?}");
        assert!(actions.iter().any(|a| a == "access.denied"), "{actions:?}");

        // A member's menu has no desk link; everyone's has Virus Check.
        let r = h.get("/virus-check", &[("authorization", &bearer(&member))]).await;
        assert!(!r.body.contains("nav-virus-desk"));
        assert!(r.body.contains("id=\"nav-virus-check\""));
        let front = h.get("/", &[]).await;
        assert!(front.body.contains("href=\"/virus-check\""), "{}", front.body);
    }

    async fn top_detections_are_of_the_desks_month(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let clock = h.state.store.clock().clone();
        let at = |s: &str| Timestamp::parse_rfc3339(s).expect("time");
        // 23:30 on 30 November in Taipei, then 00:30 on 1 December: both November in UTC.
        clock.set(at("2026-11-30T15:30:00Z")).expect("settable");
        uploaded(&h, None, "november.exe", "a november sample").await;
        scan_all(&h, Some("Test.November-1")).await;
        clock.set(at("2026-11-30T16:30:00Z")).expect("settable");
        for n in 0..2 {
            uploaded(&h, None, &format!("december-{n}.exe"), &format!("a december sample {n}")).await;
        }
        scan_all(&h, Some("Test.December-1")).await;
        uploaded(&h, None, "clean.txt", "nothing here").await;
        scan_all(&h, None).await;

        let r = h
            .get(
                "/desk/virus-check",
                &[("authorization", &bearer(&analyst)), ("accept-language", "en")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let b = &r.body;
        assert!(b.contains("Top detections in 2026-12"), "{b}");
        let top = &b[b.find("id=\"virus-desk-top\"").expect("top")..];
        let top = &top[..top.find("</table>").expect("end")];
        assert!(top.contains("Test.December-1</code></td><td>2"), "{top}");
        assert!(!top.contains("Test.November-1"), "November's in Taipei: {top}");
        assert!(b.contains("november.exe"), "still among the recent analyses");
    }

    async fn the_desk_makes_an_intel_draft_and_attaches_to_a_report(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let (_, member) = h.user("member@corp.example.tw", &[Role::Member]).await;
        let content = "a dropper found in a phishing mail 77";
        let id = uploaded(&h, Some(&member), "dropper.js", content).await;
        scan_all(&h, Some("Test.Dropper-7")).await;
        let a = h
            .get(&format!("/api/v1/virus-check/{id}"), &[])
            .await
            .json();
        let attrs = &a["data"]["attributes"];
        let (md5, sha1, sha256) = (
            attrs["md5"].as_str().expect("md5").to_string(),
            attrs["sha1"].as_str().expect("sha1").to_string(),
            attrs["sha256"].as_str().expect("sha256").to_string(),
        );

        // Not the member's to do, nor anyone's without an account.
        let auth_member = bearer(&member);
        let r = h
            .send(form_post(&format!("/desk/virus-check/{id}/intel"), "tlp=green", Some(&auth_member)))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = h
            .send(form_post(&format!("/desk/virus-check/{id}/intel"), "tlp=green", None))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);

        let auth = bearer(&analyst);
        let r = h
            .send(form_post(&format!("/desk/virus-check/{id}/intel"), "tlp=green", Some(&auth)))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let to = r.header("location").expect("location").to_string();
        let intel_id = to.trim_start_matches("/intel/").to_string();
        let rec = h
            .json(Method::GET, &format!("/api/v1/intel/{intel_id}"), Some(&analyst), Value::Null, &[])
            .await;
        assert_eq!(rec.status, StatusCode::OK, "{}", rec.body);
        let rec = rec.json();
        let text = rec.to_string();
        assert!(text.contains(&md5) && text.contains(&sha1) && text.contains(&sha256), "{text}");
        assert!(text.contains("Test.Dropper-7"), "{text}");
        assert!(text.contains("\"draft\""), "a draft: {rec}");
        assert!(text.to_lowercase().contains("\"green\""), "the chosen TLP: {rec}");
        // The hashes are the draft's indicators: the desk's tocsin-intel engine names it.
        let a = h
            .get(&format!("/api/v1/virus-check/{id}"), &[("authorization", &auth)])
            .await
            .json();
        let intel = &a["data"]["attributes"]["results"]["tocsin-intel"];
        assert_eq!(intel["category"], "malicious", "{a}");
        assert!(intel["result"].as_str().is_some_and(|r| r.contains(&intel_id)), "{a}");
        // ... and the desk lists the file among those intel names.
        let page = h.get("/desk/virus-check", &[("authorization", &auth)]).await;
        let matched = &page.body[page.body.find("id=\"virus-desk-matched\"").expect("matched")..];
        assert!(matched.contains(&intel_id), "{matched}");
        // A TLP that is not one.
        let r = h
            .send(form_post(&format!("/desk/virus-check/{id}/intel"), "tlp=purple", Some(&auth)))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

        // Attached to an incident report as an internal note.
        let rep = h
            .json(
                Method::POST,
                "/api/v1/reports/incident",
                None,
                json!({
                    "reporter_name": "台灣測試股份有限公司",
                    "phone": "02-2345-6789",
                    "email": "soc@corp.example.tw",
                    "discovered_at": "2026-11-01T09:15",
                    "time_zone": "Asia/Taipei",
                    "incident_type": "intrusion",
                    "description": "收到釣魚信，附件可疑",
                    "needs_support": false,
                }),
                &[],
            )
            .await;
        assert_eq!(rep.status, StatusCode::CREATED, "{}", rep.body);
        let tracking = rep.json()["tracking_id"].as_str().expect("tracking").to_string();
        let r = h
            .send(form_post(
                &format!("/desk/virus-check/{id}/attach"),
                &format!("tracking={tracking}"),
                Some(&auth),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("/desk/reports/{tracking}").as_str()));
        let case = h.get(&format!("/desk/reports/{tracking}"), &[("authorization", &auth)]).await;
        assert!(case.body.contains(&sha256) && case.body.contains("Test.Dropper-7"), "{}", case.body);
        let r = h
            .send(form_post(
                &format!("/desk/virus-check/{id}/attach"),
                &format!("tracking={tracking}"),
                Some(&auth_member),
            ))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = h
            .send(form_post(
                &format!("/desk/virus-check/{}/attach", uuid::Uuid::now_v7()),
                &format!("tracking={tracking}"),
                Some(&auth),
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

/// A same-origin form POST with an optional `Authorization` header.
fn form_post(uri: &str, body: &str, auth: Option<&str>) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://127.0.0.1:8080");
    if let Some(a) = auth {
        b = b.header("authorization", a);
    }
    b.body(Body::from(body.to_string())).expect("request")
}

/// Uploads past the hourly limit per address are refused with 429, on the API and the
/// page alike, before the file is read.
#[tokio::test]
async fn uploads_are_limited_per_address() {
    for engine in [
        tocsin_storage::Engine::Sqlite,
        tocsin_storage::Engine::Postgres,
    ] {
        let Some(h) =
            Harness::with_config(engine, |c| c.virus_check.max_per_hour_per_address = 2).await
        else {
            continue;
        };
        for n in 0..2 {
            uploaded(&h, None, "f.txt", &format!("file {n}")).await;
        }
        let r = upload(&h, None, "f.txt", "one too many").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        assert_eq!(r.json()["error"], "rate_limited");
        let body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.txt\"\r\n\r\nfrom the page\r\n--{BOUNDARY}--\r\n"
        );
        let req = Request::builder()
            .method(Method::POST)
            .uri("/virus-check")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header("sec-fetch-site", "same-origin")
            .header("accept-language", "en")
            .body(Body::from(body))
            .expect("request");
        let r = h.send(req).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("Too many uploads"), "{}", r.body);
        assert!(r.body.contains("id=\"virus-form\""), "the form again");
        // An hour later the address may upload again.
        let clock = h.state.store.clock().clone();
        clock
            .set(clock.now().plus(time::Duration::minutes(61)))
            .expect("settable");
        uploaded(&h, None, "f.txt", "after an hour").await;
    }
}

/// A message from `from` to `to` with `files` attached (name, content), `extra` headers
/// first.
fn mail_with(from: &str, to: &str, id: &str, extra: &str, files: &[(&str, &str)]) -> Vec<u8> {
    let mut m = format!(
        "{extra}From: <{from}>\r\nTo: {to}\r\nSubject: suspicious attachments\r\n\
         Date: Tue, 01 Dec 2026 09:30:00 +0800\r\nMessage-ID: <{id}@sender.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplease check these\r\n"
    );
    for (name, content) in files {
        m.push_str(&format!(
            "--b\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{content}\r\n"
        ));
    }
    m.push_str("--b--\r\n");
    m.into_bytes()
}

/// Hands a message over as the mailgate does.
async fn push(h: &Harness, gate: &str, raw: Vec<u8>, query: &str) -> Value {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/mail/inbound?{query}"))
        .header("content-type", "message/rfc822")
        .header("authorization", format!("Bearer {gate}"))
        .body(Body::from(raw))
        .expect("request");
    let r = h.send(req).await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);
    r.json()
}

async fn mail_harness(engine: tocsin_storage::Engine) -> Option<Harness> {
    Harness::with_config(engine, |c| {
        c.intake
            .routes
            .insert("report@cert.example.tw".into(), "incident".into());
        c.intake.acks_per_hour = 3;
        c.virus_check.mail_address = "virus-check@cert.example.tw".into();
        c.virus_check.max_bytes = 1000;
    })
    .await
}

/// Attachments mailed to Virus Check's address are checked, and the sender gets one
/// answer with every file's verdict, once, as an automatic answer, in zh-TW (or the
/// language of the sender's account); automatic mail is not answered, a message without
/// files is held, and a sender's flood is cut at intake's hourly limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_mailed_in_are_checked_and_the_verdict_mailed_back() {
    use tocsin_app::service::virus_mail::answer_completed;
    for engine in [
        tocsin_storage::Engine::Sqlite,
        tocsin_storage::Engine::Postgres,
    ] {
        let Some(h) = mail_harness(engine).await else {
            continue;
        };
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let big = "x".repeat(1500);
        let raw = mail_with(
            "clerk@school.example.tw",
            "Virus-Check+scan@cert.example.tw",
            "m1",
            "",
            &[("invoice.pdf", "an invoice, or is it 1"), ("big.iso", &big)],
        );
        let j = push(&h, &gate, raw, "sender=clerk@school.example.tw").await;
        assert_eq!(j["status"], "created", "{j}");
        assert_eq!(j["route"], "virus_check", "{j}");
        let ids: Vec<String> = j["target"]
            .as_str()
            .expect("target")
            .split(' ')
            .map(str::to_string)
            .collect();
        assert_eq!(ids.len(), 1, "the file over the limit is not checked: {j}");
        // Not answered while the analysis waits.
        assert_eq!(answer_completed(&h.state).await.expect("answer"), 0);
        assert!(h.outbox_to("clerk@school.example.tw").await.is_empty());
        scan_all(&h, Some("Test.Invoice-1")).await;
        assert_eq!(answer_completed(&h.state).await.expect("answer"), 1);
        assert_eq!(
            answer_completed(&h.state).await.expect("again"),
            0,
            "answered once"
        );
        let sent = h.outbox_to("clerk@school.example.tw").await;
        assert_eq!(sent.len(), 1);
        let m = String::from_utf8_lossy(&sent[0].message).to_string();
        let body = decoded_text(&sent[0].message);
        assert!(
            sent[0].subject.contains("病毒檢測"),
            "zh-TW by default: {}",
            sent[0].subject
        );
        assert!(m.contains("Auto-Submitted: auto-replied"), "{m}");
        assert!(
            body.contains("invoice.pdf") && body.contains("惡意"),
            "{body}"
        );
        assert!(
            body.contains("Test.Invoice-1") && body.contains(&ids[0]),
            "{body}"
        );
        assert!(
            body.contains("big.iso") && body.contains("未檢測"),
            "{body}"
        );
        // The sender's upload is anonymous: in nobody's history.
        let a = h.get(&format!("/api/v1/virus-check/{}", ids[0]), &[]).await;
        assert_eq!(
            a.json()["data"]["attributes"]["meaningful_name"],
            "invoice.pdf"
        );

        // A sender with an account is answered in its language.
        let (_, _) = h.user("analyst@isp.example.tw", &[Role::Member]).await;
        let mut tx = h.state.store.begin().await.expect("tx");
        let u = h
            .state
            .store
            .find_user_by_email("analyst@isp.example.tw")
            .await
            .expect("u")
            .expect("user");
        tx.set_user_locale(u.id, "en").await.expect("locale");
        tx.commit().await.expect("commit");
        let raw = mail_with(
            "analyst@isp.example.tw",
            "virus-check@cert.example.tw",
            "m2",
            "",
            &[("a.txt", "plain text 2")],
        );
        let j = push(&h, &gate, raw, "").await;
        assert_eq!(j["status"], "created", "{j}");
        scan_all(&h, None).await;
        assert_eq!(answer_completed(&h.state).await.expect("answer"), 1);
        let sent = h.outbox_to("analyst@isp.example.tw").await;
        assert_eq!(sent.len(), 1);
        assert!(
            sent[0].subject.contains("[Virus Check]"),
            "{}",
            sent[0].subject
        );
        assert!(decoded_text(&sent[0].message).contains("No threat detected"));

        // Automatic mail is never answered, nor checked.
        let raw = mail_with(
            "robot@school.example.tw",
            "virus-check@cert.example.tw",
            "m3",
            "Auto-Submitted: auto-replied\r\n",
            &[("loop.txt", "an auto-reply 3")],
        );
        let j = push(&h, &gate, raw, "").await;
        assert_eq!(j["status"], "ignored", "{j}");
        // No file: held for the desk, unanswered.
        let raw = mail_with(
            "clerk@school.example.tw",
            "virus-check@cert.example.tw",
            "m4",
            "",
            &[],
        );
        let j = push(&h, &gate, raw, "").await;
        assert_eq!(j["status"], "held", "{j}");
        // A flood from one (perhaps forged) sender: cut at intake's hourly limit (3).
        for i in 5..8 {
            let raw = mail_with(
                "victim@forged.example.tw",
                "virus-check@cert.example.tw",
                &format!("m{i}"),
                "",
                &[("f.txt", &format!("flood {i}"))],
            );
            let j = push(&h, &gate, raw, "").await;
            assert_eq!(j["status"], "created", "{j}");
        }
        let raw = mail_with(
            "victim@forged.example.tw",
            "virus-check@cert.example.tw",
            "m9",
            "",
            &[("f.txt", "flood 9")],
        );
        let j = push(&h, &gate, raw, "").await;
        assert_eq!(j["status"], "held", "{j}");
        assert!(
            j["reason"]
                .as_str()
                .is_some_and(|r| r.contains("more than 3")),
            "{j}"
        );
        scan_all(&h, None).await;
        answer_completed(&h.state).await.expect("answer");
        assert_eq!(h.outbox_to("victim@forged.example.tw").await.len(), 3);
        assert!(h.outbox_to("robot@school.example.tw").await.is_empty());
    }
}

/// A queued message's text, decoded as intake reads mail.
fn decoded_text(raw: &[u8]) -> String {
    let limits = tocsin_formats::mail_in::Limits::default();
    tocsin_formats::mail_in::parse(raw, None, &limits)
        .expect("our own mail parses")
        .text
}

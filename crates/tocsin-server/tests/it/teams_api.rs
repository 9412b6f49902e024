//! The CSIRT directory and forwards through the API and mail intake, on both engines:
//! loading directory files in FIRST's and Trusted Introducer's shapes (our own fixtures,
//! `tocsin-formats/tests/data/teams`), the most specific team for an address, a forward
//! that withholds the reporter unless consented (read in the outbox), a team's reply
//! threading back with its ticket number, and a request from a directory address.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tocsin_domain::Role;
use tocsin_domain::policy::Thread;

use crate::Harness;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tocsin-formats/tests/data/teams")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn harness(engine: tocsin_storage::Engine) -> Option<Harness> {
    Harness::with_config(engine, crate::mail_api::routes).await
}

macro_rules! teams_tests {
    ($(async fn $name:ident($h:ident: Harness) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($h: Harness) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body(harness(tocsin_storage::Engine::Sqlite).await.expect("sqlite")).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(h) = harness(tocsin_storage::Engine::Postgres).await {
                    body(h).await
                }
            }
        }
    )*};
}

async fn import(h: &Harness, token: &str, file: &str) -> crate::Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/teams/import")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(fixture(file)))
        .expect("request");
    h.send(req).await
}

/// Loads both fixtures as an admin; returns the admin's token and the teams by name.
async fn directory(h: &Harness) -> (String, Value) {
    let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
    for file in ["first-teams.json", "ti-teams.json"] {
        let r = import(h, &admin, file).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let list = h
        .json(Method::GET, "/api/v1/teams", Some(&admin), json!(null), &[])
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let mut by_name = serde_json::Map::new();
    for t in list.json().as_array().expect("teams") {
        by_name.insert(t["name"].as_str().expect("name").to_string(), t.clone());
    }
    (admin, Value::Object(by_name))
}

async fn push(h: &Harness, gate: &str, raw: &str, sender: &str) -> Value {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/api/v1/mail/inbound?sender={sender}&recipient=report@cert.example.tw"
        ))
        .header("content-type", "message/rfc822")
        .header("authorization", format!("Bearer {gate}"))
        .body(Body::from(raw.to_string()))
        .expect("request");
    let r = h.send(req).await;
    assert!(
        matches!(r.status, StatusCode::CREATED | StatusCode::OK),
        "{} {}",
        r.status,
        r.body
    );
    r.json()
}

/// The decoded text of a queued message.
fn text_of(row: &tocsin_storage::OutboxRow) -> String {
    tocsin_formats::mail_in::parse(
        &row.message,
        None,
        &tocsin_formats::mail_in::Limits::default(),
    )
    .expect("our mail parses")
    .text
}

/// Files an incident with the reporter's identity; returns its tracking number.
async fn incident(h: &Harness) -> String {
    let body = json!({
        "reporter_name": "王小明",
        "phone": "02-2345-6789",
        "email": "wang@victim-corp.example.tw",
        "discovered_at": "2026-11-01T09:15",
        "time_zone": "Asia/Taipei",
        "incident_type": "web_attack",
        "description": "Our site redirects to http://198.51.100.23/kit/login.php and shop.gov-pl.example",
        "needs_support": false,
    });
    let r = h
        .json(Method::POST, "/api/v1/reports/incident", None, body, &[])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["tracking_id"].as_str().expect("t").to_string()
}

teams_tests! {
    async fn directory_files_of_both_public_shapes_load_and_keys_are_checked(h: Harness) {
        let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        assert_eq!(import(&h, &analyst, "first-teams.json").await.status, StatusCode::FORBIDDEN);
        let first = import(&h, &admin, "first-teams.json").await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let j = first.json();
        assert_eq!((j["shape"].as_str(), j["created"].as_u64(), j["updated"].as_u64()), (Some("first"), Some(2), Some(0)), "{j}");
        let refused = j["refused"].as_array().expect("refused");
        assert_eq!(refused.len(), 1, "{j}");
        assert_eq!(refused[0]["team"], "Broken Team");
        assert_eq!(refused[0]["fields"]["email"], "error-email");
        let ti = import(&h, &admin, "ti-teams.json").await.json();
        assert_eq!((ti["shape"].as_str(), ti["created"].as_u64()), (Some("ti"), Some(2)), "{ti}");
        // Loading again updates by name.
        let again = import(&h, &admin, "ti-teams.json").await.json();
        assert_eq!((again["created"].as_u64(), again["updated"].as_u64()), (Some(0), Some(2)));
        let list = h.json(Method::GET, "/api/v1/teams", Some(&analyst), json!(null), &[]).await.json();
        let names: Vec<&str> = list.as_array().expect("list").iter().filter_map(|t| t["name"].as_str()).collect();
        assert_eq!(names, ["CERT-EU", "CERT.PL", "DFN-CERT", "JPCERT/CC"]);
        // The key's fingerprint was checked and is stored as the key says.
        let fpr = String::from_utf8(fixture("jpcert-test-key.fpr")).expect("fpr");
        let jp = list.as_array().expect("list").iter().find(|t| t["name"] == "JPCERT/CC").expect("jp");
        assert_eq!(jp["pgp_fingerprint"].as_str(), Some(fpr.trim()));
        assert_eq!(jp["accreditation"], "FIRST Full Member");
        // A fingerprint that is not the key's is refused, naming the field.
        let key = String::from_utf8(fixture("jpcert-test-key.asc")).expect("key");
        let bad = h.json(Method::POST, "/api/v1/teams", Some(&admin), json!({
            "name": "Impostor", "country": "JP", "email": "cert@impostor.example",
            "pgp_key": key, "pgp_fingerprint": "0000 1111 2222 3333 4444 5555 6666 7777 8888 9999",
        }), &[]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("pgp_fingerprint"), "{}", bad.body);
        // Export in either shape reads back as the same directory.
        for shape in ["first", "ti"] {
            let e = h.json(Method::GET, &format!("/api/v1/teams/export?shape={shape}"), Some(&analyst), json!(null), &[]).await;
            assert_eq!(e.status, StatusCode::OK, "{}", e.body);
            let back = tocsin_formats::teams::parse(e.body.as_bytes()).expect("parse export");
            assert_eq!(back.shape.as_str(), shape);
            assert_eq!(back.teams.len(), 4);
        }
        assert!(h.audit_actions().await.contains(&"team.import".to_string()));
    }

    async fn the_most_specific_constituency_is_suggested(h: Harness) {
        let (admin, _) = directory(&h).await;
        // A team answering for part of JPCERT/CC's range and a domain under .jp.
        let isp = h.json(Method::POST, "/api/v1/teams", Some(&admin), json!({
            "name": "JP-ISP CSIRT", "country": "JP", "email": "csirt@isp-jp.example",
            "constituency": { "cidrs": ["192.0.2.128/25"], "domains": ["isp.example.jp"] },
        }), &[]).await;
        assert_eq!(isp.status, StatusCode::CREATED, "{}", isp.body);
        let suggest = |target: &str| {
            let h = &h;
            let admin = admin.clone();
            let target = target.to_string();
            async move {
                let r = h.json(Method::GET, &format!("/api/v1/teams/suggest?target={target}"), Some(&admin), json!(null), &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                let j = r.json();
                (j["team"]["name"].as_str().unwrap_or("").to_string(), j["matched"].as_str().unwrap_or("").to_string())
            }
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        // An IP: the longest range wins.
        assert_eq!(suggest("192.0.2.200").await, pair("JP-ISP CSIRT", "cidr"));
        assert_eq!(suggest("192.0.2.5").await, pair("JPCERT/CC", "cidr"));
        assert_eq!(suggest("203.0.113.200").await, pair("DFN-CERT", "cidr"));
        // A domain: a constituency domain over the ccTLD.
        assert_eq!(suggest("https://login.isp.example.jp/x").await, pair("JP-ISP CSIRT", "domain"));
        assert_eq!(suggest("www.gov-pl.example").await, pair("CERT.PL", "domain"));
        // A ccTLD alone.
        assert_eq!(suggest("phish.example.jp").await, pair("JPCERT/CC", "cctld"));
        assert_eq!(suggest("bank-verify.example.de").await, pair("DFN-CERT", "cctld"));
        // Nothing covers it.
        assert_eq!(suggest("10.0.0.1").await, pair("", ""));
        let bad = h.json(Method::GET, "/api/v1/teams/suggest?target=%20", Some(&admin), json!(null), &[]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_forward_withholds_the_reporter_unless_consented_and_the_reply_threads_back(h: Harness) {
        let (_, teams) = directory(&h).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let tracking = incident(&h).await;
        let jp = teams["JPCERT/CC"]["id"].as_str().expect("id").to_string();
        let pl = teams["CERT.PL"]["id"].as_str().expect("id").to_string();
        let forward = |team: &str, tlp: &str, consented: bool| {
            let body = json!({ "team_ids": [team], "tlp": tlp, "identity_consented": consented, "note": "Please have a look." });
            let h = &h;
            let analyst = analyst.clone();
            let tracking = tracking.clone();
            async move {
                h.json(Method::POST, &format!("/api/v1/reports/{tracking}/forwards"), Some(&analyst), body, &[]).await
            }
        };
        let r = forward(&jp, "green", false).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let mails = h.outbox_to("info@jpcert.example").await;
        assert_eq!(mails.len(), 1);
        let text = text_of(&mails[0]);
        assert!(mails[0].subject.contains(&tracking) && mails[0].subject.contains("TLP:GREEN"), "{}", mails[0].subject);
        for identity in ["王小明", "wang@victim-corp.example.tw", "2345-6789", "victim-corp"] {
            assert!(!text.contains(identity), "the reporter leaked ({identity}): {text}");
        }
        // At GREEN the indicators go, defanged, and the description does not.
        assert!(text.contains("hxxp://198[.]51[.]100[.]23/kit/login.php"), "{text}");
        assert!(!text.contains("Our site redirects"), "{text}");
        // With the reporter's consent, at AMBER, the identity and the description go.
        assert_eq!(forward(&pl, "amber", true).await.status, StatusCode::CREATED);
        let pl_mail = text_of(&h.outbox_to("cert@cert-pl.example").await[0]);
        assert!(pl_mail.contains("wang@victim-corp.example.tw") && pl_mail.contains("王小明"), "{pl_mail}");
        assert!(pl_mail.contains("Our site redirects"), "{pl_mail}");
        // A team not in the directory, or no TLP, is refused by field.
        let none = forward("00000000-0000-0000-0000-000000000000", "green", false).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.body.contains("team_ids"), "{}", none.body);
        assert_eq!(forward(&jp, "", false).await.status, StatusCode::UNPROCESSABLE_ENTITY);

        // JPCERT/CC answers from its ticket system, in the thread of our forward.
        let ours = mails[0].message_id.trim_matches(['<', '>']).to_string();
        let reply = format!(
            "From: JPCERT/CC <ticket@jpcert.example>\r\nTo: report@cert.example.tw\r\nSubject: Re: [JPCERT#12345] {}\r\nMessage-ID: <t12345-1@jpcert.example>\r\nIn-Reply-To: <{ours}>\r\nReferences: <{ours}>\r\nDate: Tue, 01 Dec 2026 09:30:00 +0900\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWe opened a ticket and contacted the hosting provider.\r\n",
            mails[0].subject
        );
        let landed = push(&h, &gate, &reply, "ticket@jpcert.example").await;
        assert_eq!((landed["status"].as_str(), landed["route"].as_str(), landed["target"].as_str()), (Some("appended"), Some("reply"), Some(tracking.as_str())), "{landed}");
        let threads = h.json(Method::GET, &format!("/api/v1/reports/{tracking}/forwards"), Some(&analyst), json!(null), &[]).await.json();
        let jp_thread = threads.as_array().expect("threads").iter().find(|t| t["team"] == "JPCERT/CC").expect("jp thread").clone();
        assert_eq!(jp_thread["state"], "acknowledged", "{threads}");
        assert_eq!(jp_thread["their_ticket"], "JPCERT#12345");
        assert_eq!(jp_thread["identity_consented"], false);
        let pl_thread = threads.as_array().expect("threads").iter().find(|t| t["team"] == "CERT.PL").expect("pl thread");
        assert_eq!(pl_thread["state"], "sent");
        // The answer is on the case, for the desk only.
        let report = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        let desk = h.state.store.list_events(report.id, Thread::All).await.expect("events");
        assert!(desk.iter().any(|e| e.event == "team_reply" && e.body.contains("contacted the hosting provider")), "{desk:?}");
        let shared = h.state.store.list_events(report.id, Thread::Shared).await.expect("events");
        assert!(!shared.iter().any(|e| e.event.starts_with("team_")), "{shared:?}");
        // The desk's queue shows the team's ticket number beside the case.
        let desk_cookie = h.login("analyst@cert.example.tw").await;
        let queue = h.get("/desk?state=all", &[("cookie", &desk_cookie)]).await;
        assert_eq!(queue.status, StatusCode::OK);
        let row = &queue.body[queue.body.find(&format!("href=\"/desk/reports/{tracking}\"")).expect("the case's row")..];
        let row = &row[..row.find("</tr>").expect("row end")];
        assert!(row.contains("class=\"their-ticket\"") && row.contains("JPCERT#12345"), "{row}");
        // Naming the case in the subject without answering our message proves nothing.
        let forged = reply.replace(&format!("In-Reply-To: <{ours}>\r\nReferences: <{ours}>\r\n"), "").replace("t12345-1@", "t12345-2@");
        let held = push(&h, &gate, &forged, "ticket@jpcert.example").await;
        assert_eq!(held["status"], "held", "{held}");
        // The desk marks the thread resolved; resolved is final.
        let id = jp_thread["id"].as_str().expect("id");
        let set = |state: &str| {
            let h = &h;
            let analyst = analyst.clone();
            let uri = format!("/api/v1/reports/{tracking}/forwards/{id}/state");
            let body = json!({ "state": state });
            async move { h.json(Method::POST, &uri, Some(&analyst), body, &[]).await.status }
        };
        assert_eq!(set("resolved").await, StatusCode::NO_CONTENT);
        assert_eq!(set("acknowledged").await, StatusCode::UNPROCESSABLE_ENTITY);
        // Only the desk forwards.
        let (_, member) = h.user("member@corp.example.tw", &[Role::Member]).await;
        let refused = h.json(Method::POST, &format!("/api/v1/reports/{tracking}/forwards"), Some(&member), json!({ "team_ids": [jp], "tlp": "green" }), &[]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
    }

    async fn a_request_from_a_directory_address_opens_a_case_marked_from_that_team(h: Harness) {
        let (_, teams) = directory(&h).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let request = "From: CERT Polska <cert@cert-pl.example>\r\nTo: report@cert.example.tw\r\nSubject: [CERT.PL #4711] Compromised host in your constituency\r\nMessage-ID: <4711-1@cert-pl.example>\r\nDate: Tue, 01 Dec 2026 09:30:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe host 192.0.2.77 in your constituency is sending spam.\r\n";
        let landed = push(&h, &gate, request, "cert@cert-pl.example").await;
        assert_eq!((landed["status"].as_str(), landed["route"].as_str()), (Some("created"), Some("incident")), "{landed}");
        let tracking = landed["target"].as_str().expect("tracking").to_string();
        let threads = h.json(Method::GET, &format!("/api/v1/reports/{tracking}/forwards"), Some(&analyst), json!(null), &[]).await.json();
        let t = &threads.as_array().expect("threads")[0];
        assert_eq!((t["direction"].as_str(), t["team"].as_str(), t["their_ticket"].as_str()), (Some("request"), Some("CERT.PL"), Some("CERT.PL#4711")), "{threads}");
        assert_eq!(t["team_id"], teams["CERT.PL"]["id"]);
        // Our answer goes in their thread: their ticket and ours in the subject, answering
        // their message.
        let id = t["id"].as_str().expect("id");
        let r = h.json(Method::POST, &format!("/api/v1/reports/{tracking}/forwards/{id}/answer"), Some(&analyst), json!({ "body": "Thank you, the host is being cleaned." }), &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let answer = h.outbox_to("cert@cert-pl.example").await.into_iter().find(|m| m.subject.contains("CERT.PL#4711")).expect("answer in their thread");
        assert!(answer.subject.contains(&tracking), "{}", answer.subject);
        let raw = String::from_utf8_lossy(&answer.message);
        assert!(raw.contains("In-Reply-To: <4711-1@cert-pl.example>"), "{raw}");
        // Mail from an address outside the directory is an ordinary case.
        let stranger = request.replace("cert@cert-pl.example", "someone@elsewhere.example").replace("4711-1@", "9999-1@");
        let plain = push(&h, &gate, &stranger, "someone@elsewhere.example").await;
        let other = plain["target"].as_str().expect("tracking");
        let none = h.json(Method::GET, &format!("/api/v1/reports/{other}/forwards"), Some(&analyst), json!(null), &[]).await.json();
        assert_eq!(none.as_array().map(Vec::len), Some(0), "{none}");
    }

    async fn the_directory_page_works_without_javascript(h: Harness) {
        let (admin, _) = directory(&h).await;
        let _ = admin;
        let cookie = h.login("admin@cert.example.tw").await;
        // Which team answers: a GET form, answered on the page, in Chinese by default.
        let page = h.get("/admin/teams?target=192.0.2.5", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("JPCERT/CC（依IP 範圍比對）"), "{}", page.body);
        assert!(page.body.contains("id=\"teams-table\"") && page.body.contains("DFN-CERT"));
        // Adding a team by the plain form; a bad range is shown next to its field.
        let bad = h.form("/admin/teams", "name=TW-ISP&email=csirt%40isp-tw.example&cidrs=10.0.0.0%2F99", Some(&cookie)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("team-cidrs-error") || bad.body.contains("CIDR"), "{}", bad.body);
        let ok = h.form("/admin/teams", "name=TW-ISP&email=csirt%40isp-tw.example&cidrs=10.0.0.0%2F8&domains=isp-tw.example", Some(&cookie)).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let found = h.get("/admin/teams?target=http%3A%2F%2Fwww.isp-tw.example%2F", &[("cookie", &cookie)]).await;
        assert!(found.body.contains("TW-ISP（依網域比對）"), "{}", found.body);
        // An analyst reads the directory but does not change it.
        let (_, _) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let analyst = h.login("analyst@cert.example.tw").await;
        assert_eq!(h.get("/admin/teams", &[("cookie", &analyst)]).await.status, StatusCode::OK);
        let refused = h.form("/admin/teams", "name=X&email=x%40x.example", Some(&analyst)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }

    // The case page links to its forwards; the forwards page works with plain forms:
    // a forward without a team is refused next to its field, one to a team is listed
    // with its state and mailed to the team, and its state moves by the table's rules.
    // Someone outside the desk gets nothing.
    async fn a_case_is_forwarded_from_its_page_without_javascript(h: Harness) {
        let (_, teams) = directory(&h).await;
        let (_, _) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let cookie = h.login("analyst@cert.example.tw").await;
        let tracking = incident(&h).await;
        let case = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &cookie)]).await;
        assert!(case.body.contains(&format!("href=\"/desk/reports/{tracking}/forwards\"")), "{}", case.body);
        let path = format!("/desk/reports/{tracking}/forwards");
        let page = h.get(&path, &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("id=\"fwd-none\"") && page.body.contains("JPCERT/CC"), "{}", page.body);
        let none = h.form(&path, "tlp=green&note=x", Some(&cookie)).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", none.body);
        assert!(none.body.contains("fwd-teams-error"), "{}", none.body);
        let jp = teams["JPCERT/CC"]["id"].as_str().expect("id").to_string();
        // The case's files are offered one by one; none goes at TLP:CLEAR.
        let report_id = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report").id;
        let mut tx = h.state.store.begin().await.expect("tx");
        let file = tx.add_attachment(report_id, None, &tocsin_storage::reports::NewAttachment {
            filename: "access.log".into(),
            content_type: "text/plain".into(),
            sha256: String::new(),
            content: b"198.51.100.23 - - [01/Nov/2026:09:15:00 +0800] \"GET /kit/login.php\"".to_vec(),
        }).await.expect("file");
        tx.commit().await.expect("commit");
        let page = h.get(&path, &[("cookie", &cookie)]).await;
        assert!(page.body.contains(&format!("name=\"attachment_ids\" value=\"{file}\"")) && page.body.contains("access.log"), "{}", page.body);
        let clear = h.form(&path, &format!("team_ids={jp}&tlp=clear&attachment_ids={file}&note=x"), Some(&cookie)).await;
        assert_eq!(clear.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", clear.body);
        assert!(clear.body.contains("fwd-attachments-error") && clear.body.contains(&format!("value=\"{file}\" checked")), "{}", clear.body);
        assert!(h.outbox_to("info@jpcert.example").await.is_empty(), "nothing went");
        let sent = h.form(&path, &format!("team_ids={jp}&tlp=green&attachment_ids={file}&note=Please+look"), Some(&cookie)).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let events = h.state.store.list_events(report_id, Thread::All).await.expect("events");
        assert!(events.iter().any(|e| e.data.contains(&file.to_string())), "the file went with the forward: {events:?}");
        assert_eq!(h.outbox_to("info@jpcert.example").await.len(), 1, "mailed to the team");
        let listed = h.get(&path, &[("cookie", &cookie)]).await;
        assert!(listed.body.contains("fwd-state-sent") && !listed.body.contains("id=\"fwd-none\""), "{}", listed.body);
        let thread = h.state.store.team_threads_of(
            h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report").id,
        ).await.expect("threads");
        assert_eq!(thread.len(), 1);
        let state_path = format!("{path}/{}/state", thread[0].id);
        let moved = h.form(&state_path, "state=resolved", Some(&cookie)).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
        assert!(h.get(&path, &[("cookie", &cookie)]).await.body.contains("fwd-state-resolved"));
        let back = h.form(&state_path, "state=acknowledged", Some(&cookie)).await;
        assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY, "resolved is final: {}", back.body);
        let (_, _) = h.user("member@corp.example.tw", &[Role::Member]).await;
        let member = h.login("member@corp.example.tw").await;
        let refused = h.get(&path, &[("cookie", &member)]).await;
        assert!(matches!(refused.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", refused.status);
    }

    async fn an_unanswered_forward_is_reminded_once_then_marked_no_answer(h: Harness) {
        let (_, teams) = directory(&h).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let tracking = incident(&h).await;
        let pl = teams["CERT.PL"]["id"].as_str().expect("id").to_string();
        let pl_mail = teams["CERT.PL"]["email"].as_str().expect("email").to_string();
        let r = h.json(Method::POST, &format!("/api/v1/reports/{tracking}/forwards"), Some(&analyst), json!({ "team_ids": [pl], "tlp": "green" }), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let sent = h.outbox_to(&pl_mail).await;
        assert_eq!(sent.len(), 1);
        let ours = sent[0].message_id.clone();
        let remind = || tocsin_app::service::forward::remind_due(&h.state);
        // Not due before `teams.reminder_days` (7) have passed.
        h.state.store.clock().advance(time::Duration::days(6)).expect("clock");
        assert_eq!(remind().await.expect("remind"), 0);
        assert_eq!(h.outbox_to(&pl_mail).await.len(), 1);
        // Due: one reminder, in the forward's thread.
        h.state.store.clock().advance(time::Duration::days(2)).expect("clock");
        assert_eq!(remind().await.expect("remind"), 1);
        assert_eq!(remind().await.expect("remind"), 0, "once");
        let mails = h.outbox_to(&pl_mail).await;
        assert_eq!(mails.len(), 2);
        let reminder = mails.iter().find(|m| m.message_id != ours).expect("the reminder");
        assert!(reminder.subject.contains(&tracking), "{}", reminder.subject);
        let raw = String::from_utf8_lossy(&reminder.message).into_owned();
        assert!(raw.contains(&format!("In-Reply-To: {}", ours.trim())) || raw.contains(&format!("In-Reply-To: <{}>", ours.trim_matches(['<', '>']))), "{raw}");
        // Still unanswered a period later: marked so, and nobody is written to again.
        h.state.store.clock().advance(time::Duration::days(8)).expect("clock");
        assert_eq!(remind().await.expect("remind"), 1);
        assert_eq!(h.outbox_to(&pl_mail).await.len(), 2);
        let threads = h.json(Method::GET, &format!("/api/v1/reports/{tracking}/forwards"), Some(&analyst), json!(null), &[]).await.json();
        assert_eq!(threads[0]["state"], "no_answer", "{threads}");
        assert_eq!(threads[0]["remind_at"], serde_json::Value::Null, "{threads}");
        h.state.store.clock().advance(time::Duration::days(30)).expect("clock");
        assert_eq!(remind().await.expect("remind"), 0);
    }
}

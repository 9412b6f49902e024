//! Every audience × every view of a report, as a table: what each reader sees of the
//! reporter's identity, the reporter's thread and the desk's internal notes, through the
//! pages and the API, and whether they may write into the thread. The cut is the policy's
//! (`tocsin_domain::policy::Audience::cut`); this checks that every view applies it.

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use serde_json::{Value, json};
use tocsin_domain::{OrgId, Role, Roles};
use tocsin_storage::NewUser;

use crate::{Harness, both_engines};

const NAME: &str = "Ada Lovelace-Researcher";
const EMAIL: &str = "ada.finder@research.example";
const THREAD: &str = "REPORTER-THREAD-7f3a";
const MESSAGE: &str = "DESK-MESSAGE-91bd";
const NOTE: &str = "INTERNAL-NOTE-c40e";

/// A user with `roles` in organization `org` (None: an individual), with an API token and
/// a session cookie.
async fn member(h: &Harness, email: &str, org: Option<OrgId>, roles: &[Role]) -> (String, String) {
    let hash = tocsin_server::auth::hash_password("password-123456".into())
        .await
        .expect("hash");
    let mut tx = h.state.store.begin().await.expect("begin");
    let u = tx
        .create_user(&NewUser {
            email: email.into(),
            name: email.into(),
            org_id: org,
            roles: Roles::new(roles.iter().copied()),
            password_hash: Some(hash),
        })
        .await
        .expect("user");
    tx.commit().await.expect("commit");
    let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
    h.state
        .store
        .create_api_token(u.id, "test", &tocsin_server::auth::hash_secret(&secret))
        .await
        .expect("token");
    (secret, h.login(email).await)
}

async fn org_of(h: &Harness, email: &str) -> OrgId {
    let u = h
        .state
        .store
        .find_user_by_email(email)
        .await
        .expect("q")
        .expect("user");
    u.org_id.0.expect("org")
}

/// What one view showed one reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seen {
    status: u16,
    identity: bool,
    thread: bool,
    message: bool,
    note: bool,
}

fn seen(status: StatusCode, body: &str) -> Seen {
    Seen {
        status: status.as_u16(),
        identity: body.contains(NAME) || body.contains(EMAIL),
        thread: body.contains(THREAD),
        message: body.contains(MESSAGE),
        note: body.contains(NOTE),
    }
}

/// A reader: an API token and a session cookie, or the status link's token.
struct Reader {
    name: &'static str,
    bearer: Option<String>,
    cookie: Option<String>,
    link: Option<String>,
}

impl Reader {
    fn query(&self) -> String {
        self.link
            .as_ref()
            .map(|t| format!("?token={t}"))
            .unwrap_or_default()
    }
    async fn api(&self, h: &Harness, path: &str) -> Seen {
        let r = h
            .json(
                Method::GET,
                &format!("{path}{}", self.query()),
                self.bearer.as_deref(),
                json!(null),
                &[],
            )
            .await;
        seen(r.status, &r.body)
    }
    async fn page(&self, h: &Harness, path: &str) -> Seen {
        let cookie = self.cookie.clone().unwrap_or_default();
        let mut headers = vec![];
        if !cookie.is_empty() {
            headers.push(("cookie", cookie.as_str()));
        }
        let r = h.get(&format!("{path}{}", self.query()), &headers).await;
        seen(r.status, &r.body)
    }
    async fn append(&self, h: &Harness, tracking: &str) -> u16 {
        let path = format!("/api/v1/reports/{tracking}/info{}", self.query());
        h.json(
            Method::POST,
            &path,
            self.bearer.as_deref(),
            json!({"body": "more from me"}),
            &[],
        )
        .await
        .status
        .as_u16()
    }
}

fn reader(name: &'static str, (bearer, cookie): (String, String)) -> Reader {
    Reader {
        name,
        bearer: Some(bearer),
        cookie: Some(cookie),
        link: None,
    }
}

const fn s(status: u16, identity: bool, thread: bool, message: bool, note: bool) -> Seen {
    Seen {
        status,
        identity,
        thread,
        message,
        note,
    }
}
/// Refused as if the report did not exist: its existence is confidential too.
const DENIED: Seen = s(404, false, false, false, false);
const ALL: Seen = s(200, true, true, true, true);
const REPORTER: Seen = s(200, true, true, true, false);
const CASE_ONLY: Seen = s(200, false, false, false, false);

/// The desk's side of a report: an internal note and a message to the reporter, after the
/// reporter wrote into the thread.
async fn desk_writes(h: &Harness, desk: &str, tracking: &str) {
    for (path, body) in [("notes", NOTE), ("messages", MESSAGE)] {
        let r = h
            .json(
                Method::POST,
                &format!("/api/v1/reports/{tracking}/{path}"),
                Some(desk),
                json!({"body": body}),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{path}: {}", r.body);
    }
}

both_engines! {
    async fn a_vulnerability_report_seen_by_each_audience(h: Harness) {
        let op = org_of(&h, &h.user("coordinator@cert.tw", &[Role::Admin, Role::Coordinator]).await.0).await;
        let desk = member(&h, "coord2@cert.tw", Some(op), &[Role::Coordinator]).await;
        let analyst = member(&h, "analyst@cert.tw", Some(op), &[Role::Analyst]).await;
        let researcher = member(&h, "ada-account@research.example", None, &[Role::Reporter]).await;
        let vendor_org = org_of(&h, &h.user("owner@techoh.tw", &[Role::Member]).await.0).await;
        let vendor = member(&h, "psirt@techoh.tw", Some(vendor_org), &[Role::Member]).await;
        let stranger = member(&h, "psirt@other.tw", None, &[Role::Member, Role::Partner]).await;
        // The researcher files with the seed's TXT form (it names them too) and evidence.
        let form = include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-example.txt");
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let r = h.json(Method::POST, "/api/v1/reports/vulnerability", Some(&researcher.0), json!({
            "txt_base64": b64(form),
            "reporter_name": NAME,
            "reporter_email": EMAIL,
            "attachments": [{"filename": "poc.txt", "content_base64": b64(b"curl 'http://cam/cgi?cmd=id'")}],
        }), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.json()["tracking_id"].as_str().expect("t").to_string();
        let link = r.json()["token"].as_str().expect("token").to_string();
        let thread = h.json(Method::POST, &format!("/api/v1/reports/{t}/info"), Some(&researcher.0), json!({"body": THREAD}), &[]).await;
        assert_eq!(thread.status, StatusCode::NO_CONTENT, "{}", thread.body);
        desk_writes(&h, &desk.0, &t).await;
        // Through coordination to the vendor's notice.
        let base = format!("/api/v1/vulnerabilities/{t}");
        for to in ["under_review", "accepted"] {
            let r = h.json(Method::POST, &format!("{base}/transition"), Some(&desk.0), json!({"to": to}), &[]).await;
            assert!(r.status.is_success(), "{to}: {}", r.body);
        }
        let r = h.json(Method::POST, &format!("{base}/vendor"), Some(&desk.0), json!({"vendor_org_id": vendor_org.to_string(), "status": "affected"}), &[]).await;
        assert!(r.status.is_success(), "{}", r.body);
        let r = h.json(Method::POST, &format!("{base}/notify-vendor"), Some(&desk.0), json!({}), &[]).await;
        assert!(r.status.is_success(), "{}", r.body);

        // A reply by mail quoting the case: the researcher's joins their thread; the
        // vendor's does not (it is held for the desk), whatever its subject says.
        let gate = h.user("mailgate@cert.tw", &[Role::Analyst]).await.1;
        // Each answers the message we sent them about the case (its Message-ID).
        let outbox = h.state.store.list_outbox(1000).await.expect("outbox");
        let ours = |to: &str| {
            outbox
                .iter()
                .find(|m| m.recipients.contains(to) && m.subject.contains(&t))
                .map(|m| m.message_id.trim_matches(['<', '>']).to_string())
                .unwrap_or_else(|| panic!("no mail to {to} about {t}"))
        };
        let reply = |from: &str, id: &str, text: &str| {
            format!("From: {from}\r\nTo: cve@cert.example.tw\r\nSubject: Re: [{t}] notice\r\nIn-Reply-To: <{}>\r\nMessage-ID: <{id}@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n", ours(from))
        };
        for (from, id, want) in [("psirt@techoh.tw", "v1", "held"), (EMAIL, "r1", "appended")] {
            let raw = reply(from, id, "REPLY-BY-MAIL");
            let r = h.send(
                axum::http::Request::builder()
                    .method(Method::POST)
                    .uri("/api/v1/mail/inbound")
                    .header("content-type", "message/rfc822")
                    .header("authorization", format!("Bearer {gate}"))
                    .body(axum::body::Body::from(raw))
                    .expect("request"),
            ).await;
            assert!(r.status.is_success(), "{}", r.body);
            assert_eq!(r.json()["status"], want, "{from}: {}", r.body);
        }

        let by_link = Reader { name: "status link", bearer: None, cookie: None, link: Some(link) };
        let readers = [
            reader("coordinator", desk),
            reader("researcher", researcher),
            by_link,
            reader("vendor", vendor),
            reader("analyst", analyst),
            reader("stranger", stranger),
        ];
        // (reader, GET /api/v1/reports/{t}, GET /status/{t}, GET /vulnerabilities/{t},
        //  may append to the thread)
        let table: [(&str, Seen, Seen, Option<Seen>, u16); 6] = [
            // The API gives the desk everything; the status page is the reporter's cut even
            // for the desk; the case page shows no thread.
            ("coordinator", ALL, REPORTER, Some(s(200, true, false, false, false)), 204),
            ("researcher", REPORTER, REPORTER, Some(s(200, true, false, false, false)), 204),
            // The status link opens the status page only.
            ("status link", REPORTER, REPORTER, None, 204),
            // The vendor: the case, never who reported it (they declined credit) nor the
            // thread between them and the desk, and no writing into it.
            ("vendor", CASE_ONLY, CASE_ONLY, Some(CASE_ONLY), 403),
            ("analyst", DENIED, DENIED, Some(DENIED), 404),
            ("stranger", DENIED, DENIED, Some(DENIED), 404),
        ];
        for (r, (name, api, status_page, case_page, append)) in readers.iter().zip(table) {
            assert_eq!(r.name, name);
            assert_eq!(r.api(&h, &format!("/api/v1/reports/{t}")).await, api, "{name}: API report");
            assert_eq!(r.page(&h, &format!("/status/{t}")).await, status_page, "{name}: status page");
            if let Some(case_page) = case_page {
                assert_eq!(r.page(&h, &format!("/vulnerabilities/{t}")).await, case_page, "{name}: case page");
                let case_api = r.api(&h, &base).await;
                assert_eq!((case_api.status, case_api.identity, case_api.thread, case_api.note), (case_page.status, false, false, false), "{name}: case API");
            }
            assert_eq!(r.append(&h, &t).await, append, "{name}: append");
        }
        // The list views: "my reports" (page) and the case list (page and API) name the
        // case to whom it is theirs, and never the reporter to the vendor.
        // (reader, /my/reports lists it, GET /vulnerabilities, GET /api/v1/vulnerabilities)
        let lists: [(&str, bool, Seen, Seen); 6] = [
            ("coordinator", false, s(200, false, false, false, false), s(200, false, false, false, false)),
            ("researcher", true, s(403, false, false, false, false), s(403, false, false, false, false)),
            ("status link", false, s(303, false, false, false, false), s(401, false, false, false, false)),
            ("vendor", false, s(200, false, false, false, false), s(200, false, false, false, false)),
            ("analyst", false, s(403, false, false, false, false), s(403, false, false, false, false)),
            ("stranger", false, s(403, false, false, false, false), s(403, false, false, false, false)),
        ];
        for (r, (name, in_mine, page, api)) in readers.iter().zip(lists) {
            assert_eq!(r.name, name);
            let cookie = r.cookie.clone().unwrap_or_default();
            let headers: Vec<(&str, &str)> = if cookie.is_empty() { vec![] } else { vec![("cookie", cookie.as_str())] };
            let mine = h.get("/my/reports", &headers).await;
            assert_eq!(mine.status.is_success() && mine.body.contains(&t), in_mine, "{name}: my reports");
            assert!(!seen(mine.status, &mine.body).identity || name == "researcher", "{name}: my reports");
            let listed = |body: &str| body.contains(&format!("/vulnerabilities/{t}"));
            let p = h.get("/vulnerabilities", &headers).await;
            assert_eq!(seen(p.status, &p.body), page, "{name}: case list page");
            assert_eq!(listed(&p.body), matches!(name, "vendor" | "coordinator"), "{name}: case list page lists it");
            let a = r.api(&h, "/api/v1/vulnerabilities").await;
            assert_eq!(a, api, "{name}: case list API");
        }
        let vendor_api = h.get("/api/v1/vulnerabilities", &[("authorization", &format!("Bearer {}", readers[3].bearer.as_deref().expect("bearer")))]).await;
        assert!(vendor_api.body.contains(&t), "the vendor's API list has the case: {}", vendor_api.body);
        // The vendor's page offers the evidence, not the filled-in form (it names the
        // researcher), and the form cannot be fetched by id either.
        let vendor = &readers[3];
        let page = h.get(&format!("/vulnerabilities/{t}"), &[("cookie", vendor.cookie.as_deref().expect("cookie"))]).await;
        assert!(page.body.contains("poc.txt"), "{}", page.body);
        assert!(!page.body.contains("vulnerability-report.txt"));
        let report = h.state.store.report_by_tracking(&t).await.expect("q").expect("r");
        let files = h.state.store.list_attachments(report.id).await.expect("files");
        let form_file = files.iter().find(|f| f.filename == "vulnerability-report.txt").expect("form kept");
        for prefix in ["/vulnerabilities", "/status"] {
            let r = h.get(&format!("{prefix}/{t}/files/{}", form_file.id), &[("cookie", vendor.cookie.as_deref().expect("cookie"))]).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{prefix}");
        }
        // The vendor's status page offers no form to write into the thread; the reporter's does.
        let own = h.get(&format!("/status/{t}"), &[("cookie", readers[1].cookie.as_deref().expect("cookie"))]).await;
        assert!(own.body.contains("id=\"add-form\""));
        let theirs = h.get(&format!("/status/{t}"), &[("cookie", vendor.cookie.as_deref().expect("cookie"))]).await;
        assert!(!theirs.body.contains("id=\"add-form\""));
    }

    async fn an_incident_report_seen_by_each_audience(h: Harness) {
        let op = org_of(&h, &h.user("analyst@cert.tw", &[Role::Analyst]).await.0).await;
        let desk = member(&h, "analyst2@cert.tw", Some(op), &[Role::Analyst]).await;
        let org = org_of(&h, &h.user("first@corp.example.tw", &[Role::Member]).await.0).await;
        let reporter = member(&h, "soc@corp.example.tw", Some(org), &[Role::Reporter]).await;
        let colleague = member(&h, "ciso@corp.example.tw", Some(org), &[Role::Member]).await;
        let stranger = member(&h, "soc@else.example.tw", None, &[Role::Member, Role::Partner]).await;
        let body: Value = json!({
            "reporter_name": NAME,
            "email": EMAIL,
            "discovered_at": "2026-11-01T09:15",
            "time_zone": "Asia/Taipei",
            "incident_type": "web_attack",
            "description": "官網首頁遭置換",
            "needs_support": false,
        });
        let r = h.json(Method::POST, "/api/v1/reports/incident", Some(&reporter.0), body, &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.json()["tracking_id"].as_str().expect("t").to_string();
        let link = r.json()["token"].as_str().expect("token").to_string();
        let thread = h.json(Method::POST, &format!("/api/v1/reports/{t}/info"), Some(&reporter.0), json!({"body": THREAD}), &[]).await;
        assert_eq!(thread.status, StatusCode::NO_CONTENT, "{}", thread.body);
        desk_writes(&h, &desk.0, &t).await;
        let readers = [
            reader("desk", desk),
            reader("reporter", reporter),
            Reader { name: "status link", bearer: None, cookie: None, link: Some(link) },
            reader("colleague", colleague),
            reader("stranger", stranger),
            Reader { name: "anonymous", bearer: None, cookie: None, link: None },
        ];
        // (reader, GET /api/v1/reports/{t}, GET /status/{t}, may append). The incident
        // status page does not repeat who reported.
        let page = s(200, false, true, true, false);
        let table: [(&str, Seen, Seen, u16); 6] = [
            ("desk", ALL, page, 204),
            ("reporter", REPORTER, page, 204),
            ("status link", REPORTER, page, 204),
            // A member of the reporting organization reads what the reporter reads.
            ("colleague", REPORTER, page, 204),
            ("stranger", DENIED, DENIED, 404),
            ("anonymous", s(401, false, false, false, false), s(401, false, false, false, false), 401),
        ];
        for (r, (name, api, status_page, append)) in readers.iter().zip(table) {
            assert_eq!(r.name, name);
            assert_eq!(r.api(&h, &format!("/api/v1/reports/{t}")).await, api, "{name}: API report");
            assert_eq!(r.page(&h, &format!("/status/{t}")).await, status_page, "{name}: status page");
            assert_eq!(r.append(&h, &t).await, append, "{name}: append");
        }
    }
}

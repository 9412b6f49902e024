use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tocsin_domain::Role;

use crate::{Harness, both_engines};

fn report(url: &str) -> Value {
    json!({"urls": [url], "brand": "範例銀行", "seen_in": "sms", "reporter_email": "citizen@example.tw"})
}

/// The texts of the mails telling citizen@example.tw what became of their URL.
async fn news(h: &Harness) -> Vec<String> {
    let limits = tocsin_formats::mail_in::Limits::default();
    h.state
        .store
        .list_outbox(100)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| {
            m.recipients.contains("citizen@example.tw")
                && m.subject.contains("What became of the URL")
        })
        .map(|m| {
            tocsin_formats::mail_in::parse(&m.message, None, &limits)
                .expect("parses")
                .text
        })
        .collect()
}

async fn file(h: &Harness, body: Value) -> crate::Resp {
    h.json(
        Method::POST,
        "/api/v1/reports/phishing",
        None,
        body,
        &[("accept-language", "en")],
    )
    .await
}

async fn only_case(h: &Harness, staff: &str) -> Value {
    let list = h
        .json(
            Method::GET,
            "/api/v1/phishing?state=all",
            Some(staff),
            json!(null),
            &[],
        )
        .await
        .json();
    let cases = list.as_array().expect("list").clone();
    assert_eq!(cases.len(), 1, "{list}");
    cases[0].clone()
}

async fn feed(h: &Harness, token: &str) -> String {
    let r = h
        .json(
            Method::GET,
            "/api/v1/feeds/phishing.txt",
            Some(token),
            json!(null),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

both_engines! {
    async fn refanged_and_normalised_reports_join_one_case(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let a = file(&h, report("hxxps://examp1e[.]com/login")).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let b = file(&h, report("https://EXAMP1E.com:443/login#top")).await;
        assert_eq!(b.status, StatusCode::CREATED, "{}", b.body);
        let (ta, tb) = (a.json()["tracking_id"].as_str().expect("t").to_string(), b.json()["tracking_id"].as_str().expect("t").to_string());
        assert!(ta.starts_with("PHI-") && tb.starts_with("PHI-") && ta != tb, "each reporter gets a tracking number");
        let case = only_case(&h, &analyst).await;
        assert_eq!(case["reporters"], 2);
        assert_eq!(case["url"], "hxxps://examp1e[.]com/login");
        // The acknowledgments show the URL defanged, never live.
        for m in h.state.store.list_outbox(10).await.expect("outbox") {
            let text = String::from_utf8_lossy(&m.message).replace("=\r\n", "");
            assert!(!text.contains("https://examp1e.com"), "a live phishing link in mail: {text}");
        }
        // The reporter's status view lists the URL.
        let token = a.json()["token"].as_str().expect("token").to_string();
        assert_eq!(h.get(&format!("/api/v1/reports/{ta}?token={token}"), &[]).await.status, StatusCode::OK);
    }

    async fn bad_phishing_reports_name_the_field(h: Harness) {
        let cases = [
            (json!({"urls": [], "brand": "B", "seen_in": "sms", "reporter_email": "a@b.tw"}), "urls"),
            (json!({"urls": ["https://ok.example/", "ftp://x.example/"], "brand": "B", "seen_in": "sms", "reporter_email": "a@b.tw"}), "urls"),
            (json!({"urls": ["https://ok.example/"], "brand": "", "seen_in": "sms", "reporter_email": "a@b.tw"}), "brand"),
            (json!({"urls": ["https://ok.example/"], "brand": "B", "seen_in": "carrier pigeon", "reporter_email": "a@b.tw"}), "seen_in"),
            (json!({"urls": ["https://ok.example/"], "brand": "B", "seen_in": "sms", "reporter_email": ""}), "reporter_email"),
            (json!({"urls": ["https://ok.example/"], "brand": "B", "seen_in": "sms", "reporter_email": "a@b.tw", "seen_at": "2099-01-01T00:00"}), "seen_at"),
        ];
        for (body, field) in cases {
            let r = file(&h, body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
            assert!(r.json()["fields"][field].is_string(), "{field}: {}", r.body);
        }
        let r = file(&h, json!({"urls": ["https://ok.example/", "ftp://x.example/"], "brand": "B", "seen_in": "sms", "reporter_email": "a@b.tw"})).await;
        assert!(r.json()["fields"]["urls"].as_str().is_some_and(|m| m.contains("Line 2")), "{}", r.body);
        assert!(h.state.store.list_phish_urls(&[], 10).await.expect("list").is_empty(), "nothing half-stored");
    }

    async fn verify_notify_take_down_and_the_feed(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (_, partner) = h.user("isp@partner.tw", &[Role::Partner]).await;
        let (_, member) = h.user("m@corp.tw", &[Role::Member]).await;
        let a = file(&h, report("hxxp://phish.example/bank?x=1")).await;
        let tracking = a.json()["tracking_id"].as_str().expect("t").to_string();
        let id = only_case(&h, &analyst).await["id"].as_str().expect("id").to_string();
        let base = format!("/api/v1/phishing/{id}");
        let go = |to: &str| json!({"to": to, "note": "截圖已存證"});
        // Not live until verified; the feed needs a partner or staff token.
        assert!(!feed(&h, &partner).await.contains("phish.example"));
        assert_eq!(h.get("/api/v1/feeds/phishing.txt", &[]).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(h.json(Method::GET, "/api/v1/feeds/phishing.json", Some(&member), json!(null), &[]).await.status, StatusCode::FORBIDDEN);
        // Illegal moves.
        for to in ["taken_down", "abuse_notified", "reopened", "bogus"] {
            let r = h.json(Method::POST, &format!("{base}/transition"), Some(&analyst), go(to), &[]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{to}: {}", r.body);
        }
        let r = h.json(Method::POST, &format!("{base}/transition"), Some(&analyst), json!({"to": "verified", "tlp": "amber"}), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["tlp"], "amber");
        // The reporter hears of it, in the language they reported in, the URL defanged.
        let told = news(&h).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].contains("hxxp://phish[.]example") && told[0].contains("confirmed it is a phishing site"), "{}", told[0]);
        assert!(!told[0].contains("http://phish.example"), "no live link to the reporter");
        // AMBER stays with the desk: partners get a case's URL only up to GREEN.
        assert!(!feed(&h, &partner).await.contains("phish.example"), "an AMBER case reached a partner");
        assert!(feed(&h, &analyst).await.contains("http://phish.example/bank?x=1"), "live once verified");
        let partner_json = h.json(Method::GET, "/api/v1/feeds/phishing.json", Some(&partner), json!(null), &[]).await.json();
        assert_eq!(partner_json, json!([]), "{partner_json}");
        let stix_of = |who: String| {
            let h = &h;
            async move {
                let r = h.json(Method::GET, "/api/v1/feeds/phishing.stix.json", Some(&who), json!(null), &[]).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                let v = r.json();
                assert_eq!(v["type"], "bundle");
                v["objects"].as_array().expect("objects").clone()
            }
        };
        let indicators = |objs: &[Value]| -> Vec<Value> { objs.iter().filter(|o| o["type"] == "indicator").cloned().collect() };
        assert!(indicators(&stix_of(partner.clone()).await).is_empty(), "an AMBER case in a partner's STIX feed");
        let desk_stix = indicators(&stix_of(analyst.clone()).await);
        assert_eq!(desk_stix.len(), 1);
        assert_eq!(desk_stix[0]["pattern"], "[url:value = 'http://phish.example/bank?x=1']");
        assert_eq!(desk_stix[0]["object_marking_refs"], json!(tocsin_formats::stix::tlp_refs(tocsin_domain::Tlp::Amber)));
        let csv = h.json(Method::GET, "/api/v1/feeds/phishing.csv", Some(&analyst), json!(null), &[]).await.body;
        assert!(csv.starts_with("url,host,brand,tlp") && csv.contains(",amber,"), "{csv}");
        let j = h.json(Method::GET, "/api/v1/feeds/phishing.json", Some(&analyst), json!(null), &[]).await.json();
        assert_eq!(j[0]["tlp"], "amber");
        // Notify: first a contact, then the notice goes to the outbox, threaded by tracking number.
        let r = h.json(Method::POST, &format!("{base}/notify"), Some(&analyst), json!({}), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["fields"]["contacts"].is_string());
        let r = h.json(Method::POST, &format!("{base}/contacts"), Some(&analyst), json!({"role": "hosting", "email": "Abuse@Host.example"}), &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let bad = h.json(Method::POST, &format!("{base}/contacts"), Some(&analyst), json!({"role": "boss", "email": "x"}), &[]).await;
        assert!(bad.json()["fields"]["role"].is_string() && bad.json()["fields"]["email"].is_string());
        let before = h.state.store.list_outbox(50).await.expect("outbox").len();
        let r = h.json(Method::POST, &format!("{base}/notify"), Some(&analyst), json!({}), &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let mails = h.state.store.list_outbox(50).await.expect("outbox");
        assert_eq!(mails.len(), before + 1);
        let notice = &mails[0];
        assert!(notice.subject.contains(&format!("[{tracking}]")) && notice.recipients.contains("abuse@host.example"));
        assert!(notice.subject.contains("hxxp://phish[.]example"), "{}", notice.subject);
        let body = String::from_utf8_lossy(&notice.message).to_string();
        assert!(!body.contains("http://phish.example"), "no live link in the notice");
        assert_eq!(only_case(&h, &analyst).await["state"], "abuse_notified");
        assert!(feed(&h, &analyst).await.contains("phish.example"), "still live while notified");
        // Taken down: out of the feed. Seen again: reopened, back in.
        let r = h.json(Method::POST, &format!("{base}/transition"), Some(&analyst), go("taken_down"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(!feed(&h, &analyst).await.contains("phish.example"), "gone from the feed");
        let told = news(&h).await;
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told.iter().any(|t| t.contains("has been taken down")), "{told:?}");
        let report = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        let thread = h.state.store.list_events(report.id, tocsin_domain::policy::Thread::Shared).await.expect("events");
        assert_eq!(thread.iter().filter(|e| e.event == "phishing_url_news").count(), 2, "on the status page too");
        // Seen again and cleared for the community: back in, for partners too.
        let r = h.json(Method::POST, &format!("{base}/transition"), Some(&analyst), json!({"to": "reopened", "tlp": "green"}), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(feed(&h, &partner).await.contains("phish.example"));
        let partner_stix = indicators(&stix_of(partner.clone()).await);
        assert_eq!(partner_stix.len(), 1);
        assert_eq!(partner_stix[0]["object_marking_refs"], json!(tocsin_formats::stix::tlp_refs(tocsin_domain::Tlp::Green)));
        assert_eq!(h.json(Method::GET, "/api/v1/feeds/phishing.stix.json", Some(&member), json!(null), &[]).await.status, StatusCode::FORBIDDEN);
        // Members never reach the desk's cases; the desk's reads are audited.
        assert_eq!(h.json(Method::GET, &base, Some(&member), json!(null), &[]).await.status, StatusCode::FORBIDDEN);
        let one = h.json(Method::GET, &base, Some(&analyst), json!(null), &[]).await;
        assert_eq!((one.status, one.json()["state"].as_str()), (StatusCode::OK, Some("reopened")));
        let all = h.audit_actions().await;
        for a in ["phishing.transition", "phishing.contact", "phishing.notify", "phishing.read"] {
            assert!(all.iter().any(|x| x == a), "{a} not audited");
        }
    }

    async fn unanswered_notices_are_escalated_once(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        file(&h, report("https://slow.example/")).await;
        let id = only_case(&h, &analyst).await["id"].as_str().expect("id").to_string();
        let base = format!("/api/v1/phishing/{id}");
        h.json(Method::POST, &format!("{base}/transition"), Some(&analyst), json!({"to": "verified"}), &[]).await;
        h.json(Method::POST, &format!("{base}/contacts"), Some(&analyst), json!({"role": "registrar", "email": "abuse@reg.example"}), &[]).await;
        h.json(Method::POST, &format!("{base}/notify"), Some(&analyst), json!({"body": "Please act."}), &[]).await;
        assert_eq!(tocsin_app::service::phishing::escalate_due(&h.state, 24).await.expect("run"), 0, "not yet due");
        assert_eq!(tocsin_app::service::phishing::escalate_due(&h.state, 0).await.expect("run"), 1);
        assert_eq!(tocsin_app::service::phishing::escalate_due(&h.state, 0).await.expect("run"), 0, "once per notice");
        let mails = h.state.store.list_outbox(50).await.expect("outbox");
        assert!(mails[0].subject.contains("逾時") && mails[0].recipients.contains(&h.state.config.operator.email));
    }

    async fn rdap_off_by_default(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        file(&h, report("https://x.example/")).await;
        let id = only_case(&h, &analyst).await["id"].as_str().expect("id").to_string();
        let r = h.json(Method::POST, &format!("/api/v1/phishing/{id}/rdap"), Some(&analyst), json!(null), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["fields"]["rdap"].is_string());
    }
}

/// A local RDAP service: the bootstrap files and one domain and one IP answer.
async fn rdap_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::routing::get;
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let b = base.clone();
    let h2 = hits.clone();
    let app = axum::Router::new()
        .route("/dns.json", get(move || { let b = b.clone(); async move { axum::Json(json!({"services": [[["example"], [format!("{b}/rdap/")]]]})) } }))
        .route("/rdap/domain/{name}", get(move |axum::extract::Path(name): axum::extract::Path<String>| {
            h2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move {
                axum::Json(json!({"ldhName": name, "entities": [{"roles": ["registrar"], "entities": [
                    {"roles": ["abuse"], "vcardArray": ["vcard", [["email", {}, "text", "abuse@registrar.example"]]]}]}]}))
            }
        }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rdap_lookups_find_abuse_contacts_through_the_bootstrap() {
    let (base, hits) = rdap_server().await;
    let h = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.phishing.rdap_bootstrap_url = base.clone()
    })
    .await
    .expect("sqlite");
    let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
    file(&h, report("https://login.bank-phish.example/x")).await;
    let id = only_case(&h, &analyst).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = h
        .json(
            Method::POST,
            &format!("/api/v1/phishing/{id}/rdap"),
            Some(&analyst),
            json!(null),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["added"], 1);
    let contacts = h
        .state
        .store
        .abuse_contacts(id.parse().expect("uuid"))
        .await
        .expect("contacts");
    assert_eq!(
        (
            contacts[0].email.as_str(),
            contacts[0].role.as_str(),
            contacts[0].source.as_str()
        ),
        ("abuse@registrar.example", "registrar", "rdap")
    );
    // Again: cached, nothing new.
    let r = h
        .json(
            Method::POST,
            &format!("/api/v1/phishing/{id}/rdap"),
            Some(&analyst),
            json!(null),
            &[],
        )
        .await;
    assert_eq!(r.json()["added"], 0);
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the answer came from the cache"
    );
}

#[tokio::test]
async fn figures_for_admins_only() {
    let h = Harness::new(tocsin_storage::Engine::Sqlite)
        .await
        .expect("sqlite");
    h.user("admin@cert.tw", &[Role::Admin, Role::Analyst]).await;
    h.user("analyst@cert.tw", &[Role::Analyst]).await;
    file(&h, report("https://a.example/")).await;
    let s = &h.state;
    let ctx = |ip: &str| tocsin_app::Ctx {
        locale: tocsin_domain::Locale::En,
        ip: ip.into(),
        request_id: String::new(),
        from_mail: None,
        idempotency_key: None,
    };
    let admin_user = s
        .store
        .find_user_by_email("admin@cert.tw")
        .await
        .expect("q")
        .expect("u");
    let analyst_user = s
        .store
        .find_user_by_email("analyst@cert.tw")
        .await
        .expect("q")
        .expect("u");
    let as_user =
        |u| tocsin_server::auth::CurrentUser(Some((u, tocsin_server::auth::AuthMethod::Token)));
    let months = tocsin_app::service::phishing::figures(s, &as_user(admin_user), &ctx("t"))
        .await
        .expect("figures");
    assert_eq!(months.len(), 1);
    assert_eq!(months[0].cases, 1);
    assert_eq!(months[0].by_seen_in, vec![("sms".to_string(), 1)]);
    assert!(
        tocsin_app::service::phishing::figures(s, &as_user(analyst_user), &ctx("t"))
            .await
            .is_err()
    );
}

/// A local "phishing site": a redirect to a login page with a title.
async fn fake_site() -> String {
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new()
        .route(
            "/go",
            get(|| async { axum::response::Redirect::temporary("/login") }),
        )
        .route(
            "/login",
            get(|| async {
                axum::response::Html(
                    "<html><head><title> 範例銀行 登入 </title></head><body>form</body></html>",
                )
            }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

/// Loopback written as an IPv4-mapped IPv6 address is loopback all the same: with private
/// addresses refused, the fetch is refused as private.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fetcher_refuses_loopback_in_ipv6_clothing() {
    let site = fake_site().await;
    let port = site.rsplit(':').next().expect("port").to_string();
    let h = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.phishing.fetcher = true
    })
    .await
    .expect("sqlite");
    let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
    let r = file(&h, report(&format!("http://[::ffff:127.0.0.1]:{port}/go"))).await;
    assert!(r.status.is_success(), "{}", r.body);
    let id = only_case(&h, &analyst).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = h
        .json(
            Method::POST,
            &format!("/api/v1/phishing/{id}/fetch"),
            Some(&analyst),
            json!(null),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.json()["fields"]["fetch"]
            .as_str()
            .is_some_and(|m| m.contains("private")),
        "{}",
        r.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fetcher_records_title_final_url_status_and_hash() {
    let site = fake_site().await;
    let off = Harness::new(tocsin_storage::Engine::Sqlite)
        .await
        .expect("sqlite");
    let (_, analyst) = off.user("analyst@cert.tw", &[Role::Analyst]).await;
    file(&off, report(&format!("{site}/go"))).await;
    let id = only_case(&off, &analyst).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = off
        .json(
            Method::POST,
            &format!("/api/v1/phishing/{id}/fetch"),
            Some(&analyst),
            json!(null),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "off by default");

    // On, but private addresses refused by default.
    let guarded = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.phishing.fetcher = true
    })
    .await
    .expect("sqlite");
    let (_, analyst) = guarded.user("analyst@cert.tw", &[Role::Analyst]).await;
    file(&guarded, report(&format!("{site}/go"))).await;
    let id = only_case(&guarded, &analyst).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = guarded
        .json(
            Method::POST,
            &format!("/api/v1/phishing/{id}/fetch"),
            Some(&analyst),
            json!(null),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["fields"]["fetch"]
            .as_str()
            .is_some_and(|m| m.contains("private")),
        "{}",
        r.body
    );

    let h = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.phishing.fetcher = true;
        c.phishing.fetch_allow_private = true;
    })
    .await
    .expect("sqlite");
    let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
    file(&h, report(&format!("{site}/go"))).await;
    let id = only_case(&h, &analyst).await["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = h
        .json(
            Method::POST,
            &format!("/api/v1/phishing/{id}/fetch"),
            Some(&analyst),
            json!(null),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["status"], 200);
    assert_eq!(j["title"], "範例銀行 登入");
    assert!(
        j["final_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("hxxp://") && u.ends_with("/login")),
        "{j}"
    );
    assert_eq!(j["sha256"].as_str().map(str::len), Some(64));
    // Evidence by hand, with a screenshot.
    let r = h.json(Method::POST, &format!("/api/v1/phishing/{id}/evidence"), Some(&analyst), json!({"note": "登入頁截圖", "attachments": [{"filename": "shot.png", "content_type": "image/png", "content_base64": "iVBORw0KGgo="}]}), &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = h
        .json(
            Method::POST,
            &format!("/api/v1/phishing/{id}/evidence"),
            Some(&analyst),
            json!({}),
            &[],
        )
        .await;
    assert!(r.json()["fields"]["note"].is_string());
}

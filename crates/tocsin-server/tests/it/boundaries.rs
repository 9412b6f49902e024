//! Trust at the boundaries, tried as an attacker would: what caches may keep, what a
//! refusal reveals, what a throttle lets through under concurrency, what a single-line
//! field accepts.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tocsin_domain::Role;

use crate::{Harness, both_engines};

/// The seed's vulnerability form, filed anonymously; returns the tracking number.
async fn vulnerability(h: &Harness) -> String {
    let bytes = include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-example.txt");
    let body = json!({"txt_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes)});
    let r = h
        .json(
            Method::POST,
            "/api/v1/reports/vulnerability",
            None,
            body,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["tracking_id"]
        .as_str()
        .expect("tracking")
        .to_string()
}

/// An incident filed anonymously; returns (tracking number, status token).
async fn incident(h: &Harness, email: &str) -> (String, String) {
    let body = json!({
        "reporter_name": "台灣測試股份有限公司",
        "phone": "02-2345-6789",
        "email": email,
        "discovered_at": "2026-11-01T09:15",
        "time_zone": "Asia/Taipei",
        "incident_type": "web_attack",
        "description": "官網首頁遭置換",
        "needs_support": false,
    });
    let r = h
        .json(Method::POST, "/api/v1/reports/incident", None, body, &[])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    (
        j["tracking_id"].as_str().expect("t").to_string(),
        j["token"].as_str().expect("token").to_string(),
    )
}

/// The next tracking number after `t`, which no one has been given.
fn never_issued(t: &str) -> String {
    let (head, seq) = t.rsplit_once('-').expect("tracking");
    format!("{head}-{:06}", seq.parse::<u32>().expect("seq") + 900_000)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

both_engines! {
    async fn an_unseen_case_answers_like_a_number_never_issued(h: Harness) {
        let (analyst_email, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (member_email, member) = h.user("m@else.tw", &[Role::Member]).await;
        let t = vulnerability(&h).await;
        let missing = never_issued(&t);
        let analyst_cookie = h.login(&analyst_email).await;
        let member_cookie = h.login(&member_email).await;
        // Each reader and view: the answer for the unpublished case equals the answer for a
        // number never issued, status and body alike.
        let readers: [(&str, Vec<(&str, String)>); 4] = [
            ("analyst token", vec![("authorization", bearer(&analyst))]),
            ("member token", vec![("authorization", bearer(&member))]),
            ("analyst session", vec![("cookie", analyst_cookie.clone())]),
            ("member session", vec![("cookie", member_cookie.clone())]),
        ];
        let views = [
            "/api/v1/vulnerabilities/{}",
            "/api/v1/reports/{}",
            "/vulnerabilities/{}",
            "/desk/reports/{}",
        ];
        for (who, headers) in &readers {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            for view in views {
                let real = h.get(&view.replace("{}", &t), &headers).await;
                let none = h.get(&view.replace("{}", &missing), &headers).await;
                // The desk's pages refuse non-staff before looking (403 for any number).
                let want = if view.starts_with("/desk/") && who.starts_with("member") { StatusCode::FORBIDDEN } else { StatusCode::NOT_FOUND };
                assert_eq!(real.status, want, "{who} {view}: {}", real.body);
                assert_eq!(real.status, none.status, "{who} {view}");
                assert_eq!(real.body.replace(&t, &missing), none.body, "{who} {view}");
            }
        }
        // Anonymous callers are asked to sign in, whether the number exists or not.
        for view in ["/api/v1/vulnerabilities/{}", "/api/v1/reports/{}"] {
            let real = h.get(&view.replace("{}", &t), &[]).await;
            let none = h.get(&view.replace("{}", &missing), &[]).await;
            assert_eq!(real.status, StatusCode::UNAUTHORIZED, "{view}");
            assert_eq!((real.status, real.body.replace(&t, &missing)), (none.status, none.body), "{view}");
        }
        // The refusal is still audited.
        assert!(h.audit_actions().await.iter().any(|a| a == "access.denied"));
    }

    async fn confidential_answers_are_never_stored_by_caches(h: Harness) {
        let (admin_email, admin) = h.user("admin@cert.tw", &[Role::Admin, Role::Analyst]).await;
        let cookie = h.login(&admin_email).await;
        let (t, token) = incident(&h, "soc@corp.example.tw").await;
        let v = vulnerability(&h).await;
        let r = h.json(Method::POST, "/api/v1/intel", Some(&admin), crate::intel_api::record("webshell", "AMBER"), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let intel = r.json()["id"].as_str().expect("id").to_string();
        let auth = bearer(&admin);
        let api = [("authorization", auth.as_str())];
        let web = [("cookie", cookie.as_str())];
        let pages: Vec<(String, &[(&str, &str)])> = vec![
            (format!("/api/v1/reports/{t}"), &api),
            (format!("/api/v1/vulnerabilities/{v}"), &api),
            ("/api/v1/reports".into(), &api),
            (format!("/api/v1/intel/{intel}"), &api),
            ("/api/v1/intel".into(), &api),
            ("/api/v1/me".into(), &api),
            ("/api/v1/audit".into(), &api),
            (format!("/desk/reports/{t}"), &web),
            (format!("/desk/vulnerabilities/{v}"), &web),
            ("/desk".into(), &web),
            (format!("/intel/{intel}"), &web),
            (format!("/intel/{intel}/txt"), &web),
            ("/my/reports".into(), &web),
            (format!("/status/{t}?token={token}"), &[]),
        ];
        for (uri, headers) in &pages {
            let r = h.get(uri, headers).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
            assert_eq!(r.header("cache-control"), Some("no-store"), "{uri}");
        }
        // A token is shown once, and not kept by any cache either.
        let r = h.json(Method::POST, "/api/v1/reports/incident", None, json!({"email": "x"}), &[]).await;
        assert_eq!(r.header("cache-control"), Some("no-store"), "errors too");
        // Public, unchanging answers may still be cached.
        let css = h.get("/static/app.css", &[]).await;
        assert!(css.header("cache-control").is_some_and(|c| c.starts_with("public")), "{:?}", css.header("cache-control"));
    }
}

both_engines! {
    async fn single_line_fields_refuse_line_breaks_by_name(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let forged = "Acme\r\nBcc: everyone@example.com";
        let mut incident = json!({
            "reporter_name": forged, "phone": "02-2345-6789", "email": "soc@corp.example.tw",
            "discovered_at": "2026-11-01T09:15", "time_zone": "Asia/Taipei",
            "incident_type": "web_attack", "description": "第一行\n第二行", "needs_support": false,
        });
        let cases = [
            ("/api/v1/reports/incident", None, incident.clone(), "reporter_name"),
            ("/api/v1/reports/phishing", None, json!({"url": "https://phish.example.net/login", "brand": "Bank\nof Taiwan", "email": "a@b.tw"}), "brand"),
            ("/api/v1/orgs", Some(admin.as_str()), json!({"name": "Evil\u{2028}Org", "kind": "company"}), "name"),
        ];
        for (uri, token, body, field) in cases {
            for lang in ["en", "zh-TW"] {
                let r = h.json(Method::POST, uri, token, body.clone(), &[("accept-language", lang)]).await;
                assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {}", r.body);
                let msg = r.json()["fields"][field].as_str().unwrap_or_default().to_string();
                let want = if lang == "en" { "single line" } else { "只能填一行" };
                assert!(msg.contains(want), "{uri} {lang}: {}", r.body);
            }
        }
        assert!(h.state.store.list_reports(&tocsin_storage::ReportFilter { limit: 10, ..Default::default() }).await.expect("list").is_empty(), "nothing stored");
        assert!(h.state.store.list_orgs().await.expect("orgs").iter().all(|o| !o.name.starts_with("Evil")));
        // Multi-line text stays welcome where text is long: the description above.
        incident["reporter_name"] = json!("Acme");
        let r = h.json(Method::POST, "/api/v1/reports/incident", None, incident, &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
}

both_engines! {
    async fn limits_hold_under_concurrent_attempts(h: Harness) {
        h.user("victim@corp.tw", &[Role::Member]).await;
        // 40 wrong passwords at once against a limit of 5: five are checked.
        let mut guesses = Vec::new();
        for i in 0..40 {
            let app = h.app.clone();
            guesses.push(tokio::spawn(async move {
                let req = axum::http::Request::builder()
                    .method(Method::POST)
                    .uri("/login")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("sec-fetch-site", "same-origin")
                    .body(axum::body::Body::from(format!("email=victim@corp.tw&password=guess-{i:08}")))
                    .expect("request");
                tower::ServiceExt::oneshot(app, req).await.expect("infallible").status()
            }));
        }
        let mut statuses = Vec::new();
        for g in guesses {
            statuses.push(g.await.expect("join"));
        }
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!((checked, refused), (5, 35), "{statuses:?}");
        let failed = h.audit_actions().await.iter().filter(|a| *a == "auth.login_failed").count();
        assert_eq!(failed, 5);
        // 100 reports at once from one address against its hourly limit of 30.
        let mut reports = Vec::new();
        for i in 0..100 {
            let app = h.app.clone();
            reports.push(tokio::spawn(async move {
                let body = json!({
                    "reporter_name": "Flood", "email": format!("f{i}@flood.example"),
                    "discovered_at": "2026-11-01T09:15", "time_zone": "Asia/Taipei",
                    "incident_type": "web_attack", "description": "x", "needs_support": false,
                });
                let req = axum::http::Request::builder()
                    .method(Method::POST)
                    .uri("/api/v1/reports/incident")
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(body.to_string()))
                    .expect("request");
                tower::ServiceExt::oneshot(app, req).await.expect("infallible").status()
            }));
        }
        let mut created = 0;
        for r in reports {
            let s = r.await.expect("join");
            assert!(s == StatusCode::CREATED || s == StatusCode::TOO_MANY_REQUESTS, "{s}");
            created += usize::from(s == StatusCode::CREATED);
        }
        assert_eq!(created, 30);
        let stored = h.state.store.list_reports(&tocsin_storage::ReportFilter { limit: 500, ..Default::default() }).await.expect("list");
        assert_eq!(stored.len(), 30, "a refused report leaves nothing");
    }
}

/// A TCP relay to PostgreSQL that the test can pull out, as if the server stopped:
/// open connections break and new ones are refused.
struct Relay {
    addr: std::net::SocketAddr,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn to(upstream: String) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let tasks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let held = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let t = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                held.lock().expect("tasks").push(t);
            }
        });
        Relay {
            addr,
            tasks,
            accept,
        }
    }

    fn stop(&self) {
        self.accept.abort();
        for t in self.tasks.lock().expect("tasks").drain(..) {
            t.abort();
        }
    }
}

fn incident_request() -> axum::http::Request<axum::body::Body> {
    let body = json!({
        "reporter_name": "Acme", "email": "soc@acme.example",
        "discovered_at": "2026-11-01T09:15", "time_zone": "Asia/Taipei",
        "incident_type": "web_attack", "description": "x", "needs_support": false,
    });
    axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/reports/incident")
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(axum::body::Body::from(body.to_string()))
        .expect("request")
}

async fn send(
    app: &axum::Router,
    req: axum::http::Request<axum::body::Body>,
) -> (
    StatusCode,
    axum::http::HeaderMap,
    String,
    std::time::Duration,
) {
    let started = std::time::Instant::now();
    let resp = tower::ServiceExt::oneshot(app.clone(), req)
        .await
        .expect("infallible");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&body).to_string(),
        started.elapsed(),
    )
}

fn get(uri: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .uri(uri)
        .body(axum::body::Body::empty())
        .expect("request")
}

/// What a client sees while the database cannot serve it: a quick 503 in the API's error
/// shape with Retry-After, not a 30-second hang and a 500.
fn assert_unavailable(
    (status, headers, body, took): (
        StatusCode,
        axum::http::HeaderMap,
        String,
        std::time::Duration,
    ),
) {
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let j: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(j["error"], "unavailable");
    assert!(
        j["message"]
            .as_str()
            .is_some_and(|m| m.contains("try again")),
        "{body}"
    );
    // The acquire timeout is 2 s; far below the 30 s it used to take.
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_postgresql_answers_503_fast() {
    let Some(t) = tocsin_storage::testing::TestStore::new(tocsin_storage::Engine::Postgres).await
    else {
        return;
    };
    // postgres://user@HOST:PORT/db?…: the same database through the relay.
    let (scheme_user, rest) = t.url.split_once('@').expect("user@host");
    let (upstream, path) = rest.split_once('/').expect("host/db");
    let relay = Relay::to(upstream.to_string()).await;
    let url = format!("{scheme_user}@{}/{path}", relay.addr);
    let store =
        tocsin_storage::Store::connect_with(&url, tocsin_storage::ConnectOptions::default())
            .await
            .expect("open");
    let config = tocsin_server::Config::default().finish().expect("config");
    let app =
        tocsin_server::app(tocsin_server::AppState::new(store.clone(), config).expect("state"));
    assert_eq!(send(&app, incident_request()).await.0, StatusCode::CREATED);
    assert_eq!(send(&app, get("/readyz")).await.0, StatusCode::OK);
    relay.stop();
    assert_unavailable(send(&app, incident_request()).await);
    let (status, headers, _, took) = send(&app, get("/readyz")).await;
    assert_eq!(
        (status, headers.get("retry-after").is_some()),
        (StatusCode::SERVICE_UNAVAILABLE, true)
    );
    assert!(
        took < std::time::Duration::from_secs(3),
        "readiness answers within a second: {took:?}"
    );
    let (status, _, _, took) = send(&app, get("/healthz")).await;
    assert_eq!(status, StatusCode::OK, "alive all the same");
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");
    // The pages say it in the reader's language too.
    let (status, _, body, _) = send(&app, get("/advisories")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("無法連上資料庫"), "{body}");
    // Nothing acknowledged was lost, nothing refused was stored.
    let reports = t
        .store
        .list_reports(&tocsin_storage::ReportFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("list");
    assert_eq!(reports.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_writer_held_too_long_answers_503_fast() {
    let h = Harness::new(tocsin_storage::Engine::Sqlite)
        .await
        .expect("sqlite");
    let held = h.state.store.begin().await.expect("hold the write turn");
    assert_unavailable(send(&h.app, incident_request()).await);
    assert_eq!(
        send(&h.app, get("/readyz")).await.0,
        StatusCode::OK,
        "readers still read"
    );
    drop(held);
    assert_eq!(
        send(&h.app, incident_request()).await.0,
        StatusCode::CREATED
    );
    let reports = h
        .state
        .store
        .list_reports(&tocsin_storage::ReportFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("list");
    assert_eq!(reports.len(), 1, "the refused one left nothing");
}

/// A request from `peer` as the socket reports it, with extra headers.
fn from_peer(
    mut req: axum::http::Request<axum::body::Body>,
    peer: &str,
    headers: &[(&str, &str)],
) -> axum::http::Request<axum::body::Body> {
    let addr: std::net::SocketAddr = format!("{peer}:40000").parse().expect("peer");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    for (k, v) in headers {
        req.headers_mut().insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
            v.parse().expect("value"),
        );
    }
    req
}

fn wrong_password(email: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(axum::body::Body::from(format!(
            "email={email}&password=wrong-password-1"
        )))
        .expect("request")
}

async fn behind_a_proxy(engine: tocsin_storage::Engine) {
    let Some(h) = Harness::with_config(engine, |c| {
        c.security.trusted_proxies = vec!["10.0.0.0/8".into()];
        c.security.metrics_allow = vec!["192.0.2.0/24".into()];
        c.reports.max_per_hour_per_address = 3;
    })
    .await
    else {
        return;
    };
    h.user("a@corp.tw", &[Role::Member]).await;
    // Behind the trusted proxy, each client has its own address: 20 failures spread over
    // 20 guessing clients lock out no one else's sign-in.
    for i in 0..20 {
        let guesser = format!("198.51.100.{i}");
        let r = send(
            &h.app,
            from_peer(
                wrong_password(&format!("nobody{i}@corp.tw")),
                "10.0.0.5",
                &[("x-forwarded-for", &guesser)],
            ),
        )
        .await;
        assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.2);
    }
    let ok = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(axum::body::Body::from(
            "email=a@corp.tw&password=password-123456",
        ))
        .expect("request");
    let r = send(
        &h.app,
        from_peer(ok, "10.0.0.5", &[("x-forwarded-for", "203.0.113.50")]),
    )
    .await;
    assert_eq!(
        r.0,
        StatusCode::SEE_OTHER,
        "another client signs in: {}",
        r.2
    );
    // The audit log names the client, not the proxy.
    let f = tocsin_storage::AuditFilter {
        limit: 100,
        ..Default::default()
    };
    let audit = h.state.store.list_audit(&f).await.expect("audit");
    let failed_from: Vec<&str> = audit
        .iter()
        .filter(|a| a.action == "auth.login_failed")
        .map(|a| a.ip.as_str())
        .collect();
    assert!(
        failed_from.contains(&"198.51.100.7") && !failed_from.contains(&"10.0.0.5"),
        "{failed_from:?}"
    );
    // Reports: the limit of 3 an hour is per client behind the proxy...
    for client in ["203.0.113.1", "203.0.113.2"] {
        for n in 0..4 {
            let r = send(
                &h.app,
                from_peer(
                    incident_request(),
                    "10.0.0.5",
                    &[("forwarded", &format!("for={client};proto=https"))],
                ),
            )
            .await;
            let want = if n < 3 {
                StatusCode::CREATED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(r.0, want, "{client} #{n}");
        }
    }
    // ...and a client talking to us directly cannot pick its address by header.
    for n in 0..4 {
        let spoof = format!("198.18.0.{n}");
        let r = send(
            &h.app,
            from_peer(
                incident_request(),
                "203.0.113.99",
                &[("x-forwarded-for", &spoof)],
            ),
        )
        .await;
        let want = if n < 3 {
            StatusCode::CREATED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(r.0, want, "spoofer #{n}");
    }
    // Metrics: the allow-listed scraper reads them without a token; a forwarded claim to be
    // that scraper from an untrusted peer does not.
    assert_eq!(
        send(&h.app, from_peer(get("/metrics"), "192.0.2.10", &[]))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        send(
            &h.app,
            from_peer(
                get("/metrics"),
                "203.0.113.99",
                &[("x-forwarded-for", "192.0.2.10")]
            )
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(
            &h.app,
            from_peer(
                get("/metrics"),
                "10.0.0.5",
                &[("x-forwarded-for", "192.0.2.10")]
            )
        )
        .await
        .0,
        StatusCode::OK,
        "through the proxy"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_sqlite() {
    behind_a_proxy(tocsin_storage::Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_postgres() {
    behind_a_proxy(tocsin_storage::Engine::Postgres).await
}

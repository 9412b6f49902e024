//! The monthly e-newsletter and the public statistics, on both engines: double opt-in,
//! one-click unsubscribe with no session, bounces through mail intake, the desk's send,
//! and the statistics page's numbers against counts taken from the database.

use crate::Harness;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use tocsin_domain::{Role, Timestamp};
use tocsin_server::Config;
use tocsin_storage::{OutboxRow, Subscriber};

/// Stamps a test into a SQLite and a PostgreSQL variant over a harness whose newsletter
/// unsubscribes at the first bounce.
macro_rules! newsletter_tests {
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

async fn harness(engine: tocsin_storage::Engine) -> Option<Harness> {
    Harness::with_config(engine, |c: &mut Config| {
        c.mail.from = "cert@cert.example.tw".into();
        c.newsletter.bounce_limit = 1;
    })
    .await
}

/// The plain text of a queued message.
fn text_of(row: &OutboxRow) -> String {
    let limits = tocsin_formats::mail_in::Limits::default();
    tocsin_formats::mail_in::parse(&row.message, None, &limits)
        .expect("our mail parses")
        .text
}

/// A header of a queued message (unfolded).
fn header_of(row: &OutboxRow, name: &str) -> Option<String> {
    let raw = String::from_utf8_lossy(&row.message);
    let head = raw
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .replace("\r\n ", " ");
    head.split("\r\n").find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// The token after `prefix` in `text`.
fn token_after(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn subscriber(h: &Harness, email: &str) -> Subscriber {
    h.state
        .store
        .subscriber(email)
        .await
        .expect("read")
        .expect("subscriber")
}

/// Subscribes `email` through the form and returns the confirmation token mailed to it.
async fn subscribe(h: &Harness, email: &str, locale: &str) -> String {
    let r = h
        .form(
            "/newsletter",
            &format!("email={email}&locale={locale}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mails = h.outbox_to(email).await;
    let text = text_of(mails.first().expect("a confirmation mail"));
    token_after(&text, "/newsletter/confirm/")
}

/// Subscribes and confirms `email`.
async fn subscribed(h: &Harness, email: &str) {
    let token = subscribe(h, email, "en").await;
    let r = h
        .form(&format!("/newsletter/confirm/{token}"), "", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// The desk drafts last month's issue and sends it; the worker's turn queues the copies.
async fn send_issue(h: &Harness) -> String {
    let (desk, _) = h.user("desk@cert.example.tw", &[Role::Analyst]).await;
    let cookie = h.login(&desk).await;
    let r = h.form("/desk/newsletter", "month=", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.header("location").expect("location").to_string();
    let month = at.rsplit('/').next().expect("month").to_string();
    let r = h
        .form(
            &format!("{at}/editorial"),
            "editorial=%E6%9C%AC%E6%9C%88%E9%87%8D%E9%BB%9E",
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let preview = h.get(&at, &[("cookie", &cookie)]).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("本月重點"), "{}", preview.body);
    assert!(preview.body.contains("nl-mail-preview"));
    let r = h.form(&format!("{at}/send"), "", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    tocsin_app::service::newsletter::send_due(&h.state)
        .await
        .expect("send");
    month
}

crate::both_engines! {
    async fn double_opt_in_mails_only_the_confirmation_until_confirmed(h: Harness) {
        let email = "reader@example.tw";
        let token = subscribe(&h, email, "en").await;
        assert_eq!(subscriber(&h, email).await.status, "pending");
        assert_eq!(h.outbox_to(email).await.len(), 1);
        // An issue sent now does not reach the unconfirmed address.
        send_issue(&h).await;
        assert_eq!(h.outbox_to(email).await.len(), 1, "only the confirmation mail");
        // Opening the link changes nothing (a mail scanner may); the button confirms.
        let page = h.get(&format!("/newsletter/confirm/{token}"), &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(subscriber(&h, email).await.status, "pending");
        let r = h.form(&format!("/newsletter/confirm/{token}"), "", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let s = subscriber(&h, email).await;
        assert_eq!((s.status.as_str(), s.locale.as_str()), ("active", "en"));
        let welcome = h.outbox_to(email).await;
        assert_eq!(welcome.len(), 2, "the welcome mail");
        // The link works once.
        let again = h.form(&format!("/newsletter/confirm/{token}"), "", None).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        // Asking again while subscribed mails nothing, and the answer is the same.
        let r = h.form("/newsletter", &format!("email={email}&locale=zh-TW"), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(h.outbox_to(email).await.len(), 2);
        // A link expires: 49 hours later, a fresh one is refused.
        let late = subscribe(&h, "late@example.tw", "zh-TW").await;
        h.state.clock.advance(time::Duration::hours(49)).expect("clock");
        let r = h.form(&format!("/newsletter/confirm/{late}"), "", None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(subscriber(&h, "late@example.tw").await.status, "pending");
        // A bad address is a field error.
        let r = h.form("/newsletter", "email=not-an-address&locale=en", None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("f-nl-email-error"));
    }
}

newsletter_tests! {
    async fn one_click_unsubscribe_needs_no_session(h: Harness) {
        let email = "leaver@example.tw";
        subscribed(&h, email).await;
        let month = send_issue(&h).await;
        let copy = h
            .outbox_to(email)
            .await
            .into_iter()
            .find(|m| m.subject.contains(&month))
            .expect("the issue's copy");
        assert_eq!(
            header_of(&copy, "List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let url = header_of(&copy, "List-Unsubscribe").expect("List-Unsubscribe");
        let url = url.trim_matches(['<', '>']);
        let path = &url[url.find("/newsletter/unsubscribe/").expect("path")..];
        assert!(text_of(&copy).contains(url), "the text carries the same link");
        // A GET (a scanner following the link) changes nothing.
        assert_eq!(h.get(path, &[]).await.status, StatusCode::OK);
        assert_eq!(subscriber(&h, email).await.status, "active");
        // The mail provider's POST: no cookie, no browser headers (RFC 8058).
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("List-Unsubscribe=One-Click"))
            .expect("request");
        let r = h.send(req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(subscriber(&h, email).await.status, "unsubscribed");
        let issue = h.state.store.issue(&month).await.expect("read").expect("issue");
        let counts = h.state.store.issue_counts(issue.id).await.expect("counts");
        assert_eq!((counts.queued, counts.unsubscribed), (1, 1));
        // The next issue does not reach them.
        let before = h.outbox_to(email).await.len();
        let mut tx = h.state.store.begin().await.expect("begin");
        let next = tx.create_issue("2020-01").await.expect("issue");
        assert!(tx.start_sending_issue(next.id).await.expect("start"));
        tx.commit().await.expect("commit");
        tocsin_app::service::newsletter::send_due(&h.state).await.expect("send");
        assert_eq!(h.outbox_to(email).await.len(), before);
    }

    async fn a_bounce_through_mail_intake_unsubscribes(h: Harness) {
        let email = "gone@example.tw";
        subscribed(&h, email).await;
        let month = send_issue(&h).await;
        let copy = h
            .outbox_to(email)
            .await
            .into_iter()
            .find(|m| m.subject.contains(&month))
            .expect("the issue's copy");
        // The envelope sender is a VERP address that names this delivery.
        assert!(copy.sender.starts_with("cert+nl-"), "{}", copy.sender);
        assert!(header_of(&copy, "From").expect("From").contains("cert@cert.example.tw"));
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let bounce = format!(
            "Return-Path: <>\r\nDelivered-To: {verp}\r\nFrom: MAILER-DAEMON@mx.example.tw\r\nTo: {verp}\r\n\
             Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@mx.example.tw>\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
             <{email}>: host mx.example.tw said: 550 5.1.1 User unknown\r\n",
            verp = copy.sender
        );
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/mail/inbound?sender=&recipient={}", copy.sender))
            .header("content-type", "message/rfc822")
            .header("authorization", format!("Bearer {gate}"))
            .body(Body::from(bounce))
            .expect("request");
        let r = h.send(req).await;
        assert!(r.status.is_success(), "{} {}", r.status, r.body);
        assert_eq!(r.json()["status"], "ignored", "{}", r.body);
        assert!(r.json()["reason"].as_str().unwrap_or_default().contains("newsletter"), "{}", r.body);
        assert_eq!(subscriber(&h, email).await.status, "unsubscribed");
        assert_eq!(subscriber(&h, email).await.bounces, 1);
        let issue = h.state.store.issue(&month).await.expect("read").expect("issue");
        let counts = h.state.store.issue_counts(issue.id).await.expect("counts");
        assert_eq!((counts.bounced, counts.unsubscribed), (1, 0));
        // Nobody is answered, and an unknown tag changes nothing.
        assert!(h.outbox_to("mailer-daemon@mx.example.tw").await.is_empty());
    }

    async fn the_sent_issue_is_archived_and_subscribers_are_exported_and_erased(h: Harness) {
        let email = "archive@example.tw";
        subscribed(&h, email).await;
        let month = send_issue(&h).await;
        let list = h.get("/newsletter/archive", &[]).await;
        assert!(list.body.contains(&format!("/newsletter/archive/{month}")), "{}", list.body);
        let page = h.get(&format!("/newsletter/archive/{month}"), &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("本月重點"));
        // A draft is not public.
        let (admin, _) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
        let cookie = h.login(&admin).await;
        let r = h.form("/desk/newsletter", "month=2021-03", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(h.get("/newsletter/archive/2021-03", &[]).await.status, StatusCode::NOT_FOUND);
        // The analyst may not export subscribers; the admin may, and erases one.
        let (analyst, _) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let a = h.login(&analyst).await;
        let refused = h.get("/admin/newsletter/subscribers.json", &[("cookie", &a)]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let export = h.get("/admin/newsletter/subscribers.json", &[("cookie", &cookie)]).await;
        assert_eq!(export.status, StatusCode::OK);
        assert!(export.body.contains(email));
        let r = h.form("/admin/newsletter/erase", &format!("email={email}"), Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(h.state.store.subscriber(email).await.expect("read").is_none());
        assert!(h.audit_actions().await.contains(&"newsletter.erase".to_string()));
    }
}

/// The first instants of October and November 2026 in Taipei, in microseconds.
const OCT: i64 = 1_790_784_000_000_000;
const NOV: i64 = 1_793_462_400_000_000;

async fn count(h: &Harness, sql: &'static str) -> i64 {
    h.db.store_i64(sql).await.expect("count")
}

fn at_micros(m: i64) -> Timestamp {
    Timestamp::from_micros(m)
}

crate::both_engines! {
    async fn the_statistics_page_counts_what_the_database_holds(h: Harness) {
        let clock = &h.state.clock;
        let incident = |discovered: &str| json!({
            "reporter_name": "統計測試",
            "email": "stats@example.tw",
            "discovered_at": discovered,
            "time_zone": "Asia/Taipei",
            "incident_type": "web_attack",
            "description": "測試",
            "needs_support": false,
        });
        // Half an hour before October in Taipei (still September there): not counted.
        clock.set(at_micros(OCT - 1_800_000_000)).expect("clock");
        let r = h.json(Method::POST, "/api/v1/reports/incident", None, incident("2026-09-30T09:00"), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        // Half an hour into October in Taipei (still September in UTC): counted.
        clock.set(at_micros(OCT + 1_800_000_000)).expect("clock");
        for _ in 0..2 {
            let r = h.json(Method::POST, "/api/v1/reports/incident", None, incident("2026-10-01T00:10"), &[]).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let (reporter, token) = h.user("reporter@example.tw", &[Role::Member, Role::Reporter]).await;
        let _ = reporter;
        let r = h.json(Method::POST, "/api/v1/reports/phishing", Some(&token),
            json!({"urls": ["http://bank-login.example.net/verify"], "brand": "範例銀行", "seen_in": "sms", "reporter_email": "citizen@example.tw"}), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        clock.set(Timestamp::now()).expect("clock");

        let page = h.get("/stats/2026-10", &[("accept-language", "en")]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let incidents = count(&h, "SELECT COUNT(*) FROM reports WHERE kind = 'incident' AND reported_at >= 1790784000000000 AND reported_at < 1793462400000000").await;
        let phishing = count(&h, "SELECT COUNT(*) FROM reports WHERE kind = 'phishing' AND reported_at >= 1790784000000000 AND reported_at < 1793462400000000").await;
        let urls = count(&h, "SELECT COUNT(*) FROM phish_urls WHERE first_reported_at >= 1790784000000000 AND first_reported_at < 1793462400000000").await;
        assert_eq!((incidents, phishing, urls), (2, 1, 1), "the seeded month");
        let _ = NOV;
        let stats = tocsin_app::service::newsletter::statistics(&h.state, "2026-10").await.expect("stats");
        let by_kind: std::collections::BTreeMap<_, _> = stats.counts.reports_by_kind.iter().cloned().collect();
        assert_eq!(by_kind.get("incident"), Some(&incidents));
        assert_eq!(by_kind.get("phishing"), Some(&phishing));
        assert_eq!(stats.counts.phishing_by_brand, vec![("範例銀行".to_string(), urls)]);
        assert_eq!(stats.trend.iter().find(|(m, _)| m == "2026-09").map(|p| p.1), Some(1));
        // The page's table shows the same numbers.
        let table = &page.body[page.body.find("id=\"table-reports-by-kind\"").expect("table")..];
        let table = &table[..table.find("</table>").expect("end")];
        assert!(table.contains(&format!("<td>Incident</td><td data-count=\"{incidents}\">")), "{table}");
        assert!(table.contains(&format!("<td>Phishing</td><td data-count=\"{phishing}\">")), "{table}");
        // The CSV has them too, and nothing that names a reporter or a case.
        let csv = h.get("/stats/2026-10/stats.csv", &[("accept-language", "en")]).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.contains(&format!("reports-by-kind,Incident,{incidents}")), "{}", csv.body);
        for secret in ["統計測試", "stats@example.tw", "citizen@example.tw", "bank-login", "INC-"] {
            assert!(!csv.body.contains(secret) && !page.body.contains(secret), "{secret} leaked");
        }
        // Every chart is well-formed XML (SVG).
        for name in tocsin_app::service::newsletter::CHARTS {
            let svg = h.get(&format!("/stats/2026-10/{name}.svg"), &[]).await;
            assert_eq!(svg.status, StatusCode::OK, "{name}");
            assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
            let doc = roxmltree::Document::parse(&svg.body).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(doc.root_element().tag_name().name(), "svg");
        }
        // A future month and a malformed one do not exist.
        assert_eq!(h.get("/stats/2999-01", &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get("/stats/2026-13", &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get("/stats/2026-10/nope.svg", &[]).await.status, StatusCode::NOT_FOUND);
    }
}

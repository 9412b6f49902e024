//! The front door and post/redirect/get: the home page's actions, channels and look-up,
//! the privacy and how-to pages, every report form answering 303 to a receipt that can be
//! reloaded, and idempotency keys (a repeated or concurrent submission with the same key
//! and content files one report, on both engines; the API's `Idempotency-Key` as well).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;

use crate::{Harness, Resp, both_engines};

const BOUNDARY: &str = "----frontboundary";
pub(crate) const SEED: &[u8] =
    include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-example.txt");

/// A file field: (field name, file name, bytes).
type FilePart<'a> = Option<(&'a str, &'a str, &'a [u8])>;

/// A form to post: its URL, its fields, its file.
type Form<'a> = (&'a str, Vec<(&'a str, &'a str)>, FilePart<'a>);

/// A multipart POST as a browser sends it (same origin): text fields, then one file.
pub(crate) async fn post(
    h: &Harness,
    uri: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> Resp {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, file, bytes)) = file {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
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
    h.send(req).await
}

pub(crate) fn incident<'a>(key: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("idempotency_key", key),
        ("reporter_name", "範例科技股份有限公司"),
        ("email", "soc@example.com.tw"),
        ("discovered_at", "2026-01-05T09:15"),
        ("time_zone", "Asia/Taipei"),
        ("incident_type", "web_attack"),
        ("description", description),
        ("needs_support", "false"),
    ]
}

pub(crate) fn phishing(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("idempotency_key", key),
        ("reporter_email", "someone@example.com.tw"),
        ("urls", "https://bank-login.example.net/verify"),
        ("brand", "範例銀行"),
        ("seen_in", "sms"),
    ]
}

/// The receipt page a 303 leads to.
fn location(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let l = r.header("location").expect("location").to_string();
    assert!(l.starts_with("/report/receipt/"), "{l}");
    l
}

/// The text of the element with `id`, up to the next `<`.
fn text_of(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{id} in {body}"))
        + marker.len();
    body[start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect::<String>()
        .trim()
        .to_string()
}

/// How many reports the store holds.
async fn reports(h: &Harness) -> usize {
    let mut n = 0;
    for year in 2025..=2027 {
        for seq in 1..=20 {
            for prefix in ["INC", "PHI", "VUL"] {
                let t = format!("{prefix}-{year}-{seq:06}");
                if h.state
                    .store
                    .report_by_tracking(&t)
                    .await
                    .expect("q")
                    .is_some()
                {
                    n += 1;
                }
            }
        }
    }
    n
}

/// The hidden key a rendered form carries.
fn form_key(body: &str) -> String {
    let marker = "name=\"idempotency_key\" value=\"";
    let start = body.find(marker).expect("a key field") + marker.len();
    body[start..].chars().take_while(|c| *c != '"').collect()
}

both_engines! {
    async fn front_door_shows_the_ways_to_report_and_the_channels(h: Harness) {
        let r = h.get("/", &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        for needle in ["href=\"/report/incident\"", "href=\"/report/vulnerability\"", "href=\"/report/phishing\"",
            "id=\"lookup-form\"", "action=\"/status\"", "href=\"/privacy\"", "href=\"/help\"", "href=\"/help#points\"",
            "id=\"front-login\"", "tel:+886-2-0000-0000", "id=\"front-advisories\""] {
            assert!(r.body.contains(needle), "the home page lacks {needle}");
        }
        for page in ["/privacy", "/help", "/status"] {
            let p = h.get(page, &[("accept-language", "en")]).await;
            assert_eq!(p.status, StatusCode::OK, "{page}");
        }
        assert!(h.get("/privacy", &[]).await.body.contains("5 年"), "the retention from the config");
        // Every form links the privacy notice; the incident form tells about signing in.
        for form in ["/report/incident", "/report/vulnerability", "/report/phishing"] {
            let f = h.get(form, &[]).await;
            assert!(f.body.contains("href=\"/privacy\""), "{form} links the notice");
            assert_eq!(form_key(&f.body).len(), 43, "{form} carries a fresh key");
        }
        assert!(h.get("/report/incident", &[]).await.body.contains("id=\"incident-sign-in\""));
    }

    async fn the_home_page_lists_the_mail_routes_from_config(h: Harness) {
        let Some(h) = Harness::with_config(h.state.store.engine(), |c| {
            c.intake.routes.insert("incident@cert.example.tw".into(), "incident".into());
            c.intake.routes.insert("phish@cert.example.tw".into(), "phishing".into());
            c.intake.routes.insert("intel@cert.example.tw".into(), "intel".into());
        }).await else { return };
        let r = h.get("/", &[]).await;
        assert!(r.body.contains("mailto:incident@cert.example.tw") && r.body.contains("mailto:phish@cert.example.tw"));
        assert!(!r.body.contains("intel@cert.example.tw"), "intel mail is for partners");
    }

    async fn the_look_up_reveals_nothing_of_which_numbers_exist(h: Harness) {
        let r = post(&h, "/report/incident", &incident("k-lookup", "首頁遭置換"), None).await;
        let receipt = h.get(&location(&r), &[]).await;
        let tracking = text_of(&receipt.body, "tracking-id");
        let token = location(&r).split("token=").nth(1).expect("token").to_string();
        // A well-formed pair goes to the status page; a pasted link works too.
        let ok = h.get(&format!("/status?tracking={tracking}&token={token}"), &[]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let to = ok.header("location").expect("to").to_string();
        assert_eq!(h.get(&to, &[]).await.status, StatusCode::OK);
        let pasted = format!("http%3A%2F%2F127.0.0.1%2Fstatus%2F{tracking}%3Ftoken%3D{token}");
        let ok = h.get(&format!("/status?tracking={tracking}&token={pasted}"), &[]).await;
        assert_eq!(ok.header("location"), Some(to.as_str()));
        // A wrong secret and an unknown number end the same way.
        let wrong = h.get(&format!("/status?tracking={tracking}&token=wrong"), &[]).await;
        let unknown = h.get("/status?tracking=INC-2026-999999&token=wrong", &[]).await;
        let a = h.get(wrong.header("location").expect("to"), &[]).await;
        let b = h.get(unknown.header("location").expect("to"), &[]).await;
        assert_eq!((a.status, b.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
        assert_eq!(a.body.replace(&tracking, "X"), b.body.replace("INC-2026-999999", "X"));
        // Nonsense comes back to the form with one message.
        let bad = h.get("/status?tracking=hello&token=", &[]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"lookup-error\""));
    }

    async fn every_report_form_redirects_to_a_receipt_that_reloads(h: Harness) {
        let forms: Vec<Form> = vec![
            ("/report/incident", incident("k-inc", "首頁遭置換"), None),
            ("/report/phishing", phishing("k-phi"), None),
            ("/report/vulnerability", vec![("idempotency_key", "k-vul"), ("reporter_name", ""), ("public_credit", "")], Some(("txt", "report.txt", SEED))),
        ];
        for (i, (uri, fields, file)) in forms.into_iter().enumerate() {
            let r = post(&h, uri, &fields, file).await;
            let to = location(&r);
            let first = h.get(&to, &[]).await;
            assert_eq!(first.status, StatusCode::OK, "{}", first.body);
            assert_eq!(first.header("cache-control"), Some("no-store"));
            let again = h.get(&to, &[]).await;
            assert_eq!(text_of(&first.body, "tracking-id"), text_of(&again.body, "tracking-id"));
            assert_eq!(reports(&h).await, i + 1, "reloading {uri}'s receipt files nothing");
            // The receipt needs the secret.
            let bare = to.split('?').next().expect("path");
            assert_eq!(h.get(bare, &[]).await.status, StatusCode::NOT_FOUND);
            assert_eq!(h.get(&format!("{bare}?token=wrong"), &[]).await.status, StatusCode::NOT_FOUND);
            if uri == "/report/vulnerability" {
                // The confirmation shows the CVSS warnings the status page shows.
                assert!(first.body.contains("id=\"receipt-cvss-warnings\""), "{}", first.body);
                assert!(first.body.contains("7.5 ≠ 7.6") && first.body.contains("3.1 ≠ 3.0"), "{}", first.body);
            }
        }
    }

    async fn a_repeated_submission_gets_the_first_receipt(h: Harness) {
        let a = location(&post(&h, "/report/incident", &incident("k1", "首頁遭置換"), None).await);
        let b = location(&post(&h, "/report/incident", &incident("k1", "首頁遭置換"), None).await);
        assert_eq!(format!("{a}&again=1"), b, "the same receipt, marked as a repeat");
        let shown = h.get(&b, &[]).await;
        assert!(shown.body.contains("id=\"receipt-again\""));
        assert_eq!(reports(&h).await, 1);
        assert_eq!(h.state.store.list_outbox(10).await.expect("outbox").len(), 1, "one acknowledgment");
        // Another key, or the same key with other content, is another report.
        let c = location(&post(&h, "/report/incident", &incident("k2", "首頁遭置換"), None).await);
        let d = location(&post(&h, "/report/incident", &incident("k1", "另一件事"), None).await);
        assert!(c != a && d != a && c != d);
        assert_eq!(reports(&h).await, 3);
        // No key: every submission is its own (as before keys existed).
        post(&h, "/report/incident", &incident("", "首頁遭置換"), None).await;
        post(&h, "/report/incident", &incident("", "首頁遭置換"), None).await;
        assert_eq!(reports(&h).await, 5);
    }

    async fn concurrent_submissions_with_one_key_file_one_report(h: Harness) {
        // Four at once, as a double click on a slow line and two retries would send them.
        let fields = phishing("k-race");
        let (a, b, c, d) = tokio::join!(
            post(&h, "/report/phishing", &fields, None),
            post(&h, "/report/phishing", &fields, None),
            post(&h, "/report/phishing", &fields, None),
            post(&h, "/report/phishing", &fields, None),
        );
        let mut tracking: Vec<String> = [a, b, c, d]
            .iter()
            .map(|r| location(r).split('?').next().expect("path").to_string())
            .collect();
        tracking.dedup();
        assert_eq!(tracking.len(), 1, "all answered with one receipt: {tracking:?}");
        assert_eq!(reports(&h).await, 1);
    }

    async fn adding_information_twice_adds_it_once(h: Harness) {
        let to = location(&post(&h, "/report/incident", &incident("k-add", "首頁遭置換"), None).await);
        let receipt = h.get(&to, &[]).await;
        let tracking = text_of(&receipt.body, "tracking-id");
        let token = to.split("token=").nth(1).expect("token").to_string();
        let status = h.get(&format!("/status/{tracking}?token={token}"), &[]).await;
        let key = form_key(&status.body);
        let fields = [("idempotency_key", key.as_str()), ("token", token.as_str()), ("body", "補充：攻擊來源 198.51.100.7")];
        for _ in 0..2 {
            let r = post(&h, &format!("/status/{tracking}"), &fields, None).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let page = h.get(&format!("/status/{tracking}?token={token}"), &[]).await;
        assert_eq!(page.body.matches("攻擊來源 198.51.100.7").count(), 1, "{}", page.body);
        // A fresh form (a new key) adds again.
        let fresh = form_key(&h.get(&format!("/status/{tracking}?token={token}"), &[]).await.body);
        assert_ne!(fresh, key);
        let fields = [("idempotency_key", fresh.as_str()), ("token", token.as_str()), ("body", "補充：攻擊來源 198.51.100.7")];
        post(&h, &format!("/status/{tracking}"), &fields, None).await;
        let page = h.get(&format!("/status/{tracking}?token={token}"), &[]).await;
        assert_eq!(page.body.matches("攻擊來源 198.51.100.7").count(), 2);
    }

    async fn the_api_honours_idempotency_key(h: Harness) {
        let body = json!({
            "reporter_name": "台灣測試股份有限公司", "email": "soc@corp.example.tw",
            "discovered_at": "2026-11-01T09:15", "time_zone": "Asia/Taipei",
            "incident_type": "web_attack", "description": "官網首頁遭置換", "needs_support": false,
        });
        let url = "/api/v1/reports/incident";
        let a = h.json(Method::POST, url, None, body.clone(), &[("idempotency-key", "api-1")]).await;
        let b = h.json(Method::POST, url, None, body.clone(), &[("idempotency-key", "api-1")]).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        assert_eq!(a.json()["tracking_id"], b.json()["tracking_id"]);
        assert_eq!(a.json()["status_url"], b.json()["status_url"], "the first receipt, secret and all");
        let c = h.json(Method::POST, url, None, body.clone(), &[("idempotency-key", "api-2")]).await;
        assert_ne!(a.json()["tracking_id"], c.json()["tracking_id"]);
        assert_eq!(reports(&h).await, 2);
    }
}

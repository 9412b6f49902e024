//! Mail intake through `POST /api/v1/mail/inbound`, as the mailgate calls it: real-shaped
//! messages land where they should, retries are one message, automatic mail is never
//! answered, bombs are refused with a reason and nothing of them is stored.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine;
use serde_json::Value;
use tocsin_domain::ReportKind;
use tocsin_domain::Role;

use crate::Harness;

macro_rules! eml {
    ($name:literal) => {
        include_bytes!(concat!("../../../tocsin-formats/tests/data/mail/", $name)).as_slice()
    };
}

/// The desk's addresses and flood limit the mail tests (mailgate and IMAP) run with.
pub(crate) fn routes(c: &mut tocsin_server::Config) {
    for (a, r) in [
        ("report@cert.example.tw", "incident"),
        ("cve@cert.example.tw", "vulnerability"),
        ("phishing@cert.example.tw", "phishing"),
        ("share@cert.example.tw", "intel"),
    ] {
        c.intake.routes.insert(a.into(), r.into());
    }
    c.intake.acks_per_hour = 3;
}

async fn harness(engine: tocsin_storage::Engine) -> Option<Harness> {
    Harness::with_config(engine, routes).await
}

/// The real-shaped messages of `tocsin-formats/tests/data/mail`, in the order the IMAP
/// test appends them (the case reply-tracking.eml answers comes first).
pub(crate) const FIXTURES: &[&str] = &[
    "multipart-attachments.eml",
    "big5-body.eml",
    "utf16-attachment-no-charset.eml",
    "html-only.eml",
    "forwarded.eml",
    "reply-tracking.eml",
    "auto-reply.eml",
    "bounce.eml",
    "list.eml",
    "gb18030-body.eml",
];

/// A fixture's bytes.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tocsin-formats/tests/data/mail")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What intake made of a message, from the API's answer or from the stored row.
#[derive(Debug)]
pub(crate) struct Landed {
    pub status: String,
    pub route: String,
    pub target: String,
    pub reason: String,
}

impl Landed {
    pub(crate) fn of_json(j: &Value) -> Landed {
        let s = |k: &str| j[k].as_str().unwrap_or_default().to_string();
        Landed {
            status: s("status"),
            route: s("route"),
            target: s("target"),
            reason: s("reason"),
        }
    }

    /// The outcome of a stored message's only delivery.
    pub(crate) fn of_row(
        (m, deliveries): &(
            tocsin_storage::InboundMail,
            Vec<tocsin_storage::InboundDelivery>,
        ),
    ) -> Landed {
        assert_eq!(deliveries.len(), 1, "{m:?}: {deliveries:?}");
        let d = &deliveries[0];
        Landed {
            status: d.status.clone(),
            route: d.route.clone(),
            target: d.target.clone(),
            reason: d.reason.clone(),
        }
    }
}

/// Checks that fixture `name` (handed over as `raw`) landed where it should and left the
/// records it should, however it came in (mailgate or IMAP). The accounts of
/// `mailgate@cert.example.tw` (a desk account) and `partner@isac.example.tw` exist, and
/// reply-tracking.eml carries the tracking number of the case it answers.
pub(crate) async fn assert_landed(h: &Harness, name: &str, raw: &[u8], got: &Landed) {
    let store = &h.state.store;
    let expect = |status: &str, route: &str| {
        assert_eq!(
            (got.status.as_str(), got.route.as_str()),
            (status, route),
            "{name}: {got:?}"
        );
    };
    let report = |t: String| async move {
        store
            .report_by_tracking(&t)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("{name}: no report {t}"))
    };
    match name {
        "multipart-attachments.eml" => {
            expect("created", "incident");
            assert!(got.target.starts_with("INC-"), "{got:?}");
            let report = report(got.target.clone()).await;
            assert_eq!(report.kind, ReportKind::Incident);
            assert_eq!(report.reporter_email, "soc@bank.example.tw");
            assert_eq!(report.reporter_name, "銀行資安中心");
            assert_eq!(report.reporter_user_id, None, "not the mailgate's account");
            assert!(
                report.details.contains("官網首頁遭置換"),
                "{}",
                report.details
            );
            let files = store.list_attachments(report.id).await.expect("files");
            assert_eq!(
                files
                    .iter()
                    .map(|f| f.filename.as_str())
                    .collect::<Vec<_>>(),
                ["shot.png", "form.txt"]
            );
            // Acknowledged once, in Chinese (the message is), carrying the tracking number.
            let acks: Vec<_> = h
                .outbox_to("soc@bank.example.tw")
                .await
                .into_iter()
                .filter(|m| m.subject.starts_with(&format!("[{}]", got.target)))
                .collect();
            assert_eq!(acks.len(), 1, "{acks:?}");
            assert!(
                String::from_utf8_lossy(&acks[0].message).contains("Auto-Submitted: auto-replied"),
                "an answer to mail"
            );
        }
        "big5-body.eml" => {
            expect("created", "incident");
            let report = report(got.target.clone()).await;
            assert!(
                report.details.contains("醫院網站異常"),
                "{}",
                report.details
            );
            assert!(
                report.details.contains("本行網站於今日上午遭到攻擊"),
                "{}",
                report.details
            );
        }
        "html-only.eml" | "forwarded.eml" => {
            expect("created", "phishing");
            let report = report(got.target.clone()).await;
            assert_eq!(report.kind, ReportKind::Phishing);
            let urls = store.phish_urls_of_report(report.id).await.expect("urls");
            let (url, detail) = if name == "html-only.eml" {
                ("phish.example.com/login", "")
            } else {
                // The original headers of the forwarded message are the evidence.
                (
                    "examp1e-bank.example/unlock",
                    "Received: from mx.evil.example (203.0.113.66)",
                )
            };
            assert!(
                urls.iter().any(|u| u.normalized.contains(url)),
                "{name}: {urls:?}"
            );
            assert!(
                report.details.contains(detail),
                "{name}: {}",
                report.details
            );
        }
        "utf16-attachment-no-charset.eml" => {
            // An incomplete intel form is held with the fields it lacks; nothing stored.
            expect("held", "intel");
            assert!(
                got.reason
                    .contains("情資發布時間 (published_at)：此欄位為必填。")
                    && got.reason.contains("分享等級 (tlp)"),
                "{got:?}"
            );
        }
        "gb18030-body.eml" => {
            expect("held", "intel");
            assert!(
                got.reason
                    .contains("cert@partner.example.cn has no account"),
                "{got:?}"
            );
        }
        "reply-tracking.eml" => {
            let subject = String::from_utf8_lossy(raw);
            // It joins its case only when it answers a message we sent (its In-Reply-To
            // carries our Message-ID); naming the number in the subject proves nothing.
            let answers_ours = store
                .list_outbox(1000)
                .await
                .expect("outbox")
                .iter()
                .any(|m| subject.contains(m.message_id.trim_matches(['<', '>'])));
            if !answers_ours {
                expect("held", "reply");
                assert!(got.reason.contains("answers no message we sent"), "{got:?}");
                return;
            }
            expect("appended", "reply");
            let tracking = tocsin_formats::mail_in::tracking_numbers(&subject, &["INC"])
                .into_iter()
                .next()
                .expect("a tracking number");
            assert_eq!(got.target, tracking);
            let report = report(tracking).await;
            let events = store
                .list_events(report.id, tocsin_domain::policy::Thread::Shared)
                .await
                .expect("events");
            assert!(
                events.iter().any(|e| e.event == "reporter_info"
                    && e.body.contains("The logs are attached tomorrow.")
                    && e.actor == "soc@bank.example.tw"),
                "{events:?}"
            );
        }
        "auto-reply.eml" | "bounce.eml" | "list.eml" => {
            expect("ignored", "");
            let kind = match name {
                "auto-reply.eml" => "auto_replied",
                "bounce.eml" => "bounce",
                _ => "list",
            };
            assert_eq!(got.reason, format!("automatic: {kind}"));
        }
        other => panic!("no expectation for {other}"),
    }
}

macro_rules! mail_tests {
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

async fn push(h: &Harness, token: &str, raw: &[u8], query: &str) -> crate::Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/mail/inbound?{query}"))
        .header("content-type", "message/rfc822")
        .header("authorization", format!("Bearer {token}"))
        .header("accept-language", "en")
        .body(Body::from(raw.to_vec()))
        .expect("request");
    h.send(req).await
}

fn ok(r: &crate::Resp, status: &str) -> Value {
    assert!(
        matches!(r.status, StatusCode::CREATED | StatusCode::OK),
        "{} {}",
        r.status,
        r.body
    );
    let j = r.json();
    assert_eq!(j["status"], status, "{}", r.body);
    j
}

mail_tests! {
    async fn an_incident_by_mail_with_attachments_is_stored_once(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let raw = eml!("multipart-attachments.eml");
        let r = push(&h, &gate, raw, "sender=soc@bank.example.tw&recipient=report@cert.example.tw").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let j = ok(&r, "created");
        assert_landed(&h, "multipart-attachments.eml", raw, &Landed::of_json(&j)).await;
        assert_eq!(h.outbox_to("soc@bank.example.tw").await.len(), 1);
        // The MTA retries (its answer was lost): the same message, no second report or ack.
        let again = push(&h, &gate, raw, "sender=soc@bank.example.tw&recipient=report@cert.example.tw").await;
        assert_eq!(again.status, StatusCode::OK);
        let j2 = again.json();
        assert_eq!((j2["duplicate"].as_bool(), &j2["target"], &j2["id"]), (Some(true), &j["target"], &j["id"]));
        assert_eq!(h.outbox_to("soc@bank.example.tw").await.len(), 1);
        // The evidence is the bytes as they came, and reading it is audited.
        let id = j["id"].as_str().expect("id");
        let e = h.get(&format!("/api/v1/mail/inbound/{id}/eml"), &[("authorization", &format!("Bearer {gate}"))]).await;
        assert_eq!(e.status, StatusCode::OK);
        assert_eq!(e.body.as_bytes(), raw);
        assert!(h.audit_actions().await.contains(&"mail.read".to_string()));
    }

    async fn only_the_desk_hands_over_or_reads_mail(h: Harness) {
        let (_, member) = h.user("someone@corp.example.tw", &[Role::Member]).await;
        let r = push(&h, &member, eml!("big5-body.eml"), "recipient=report@cert.example.tw").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let l = h.get("/api/v1/mail/inbound", &[("authorization", &format!("Bearer {member}"))]).await;
        assert_eq!(l.status, StatusCode::FORBIDDEN);
        let anon = h.get("/api/v1/mail/inbound", &[]).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    }

    async fn a_big5_mail_becomes_a_report_in_chinese(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let r = push(&h, &gate, eml!("big5-body.eml"), "").await;
        assert_landed(&h, "big5-body.eml", eml!("big5-body.eml"), &Landed::of_json(&r.json())).await;
        // The MTA's queue routes mail sent to any address; an unknown queue is held.
        let other = String::from_utf8(eml!("big5-body.eml").to_vec()).expect("ascii")
            .replace("To: report@cert.example.tw", "To: someone@cert.example.tw");
        let j = ok(&push(&h, &gate, other.as_bytes(), "").await, "held");
        assert_eq!(j["reason"], "no route for its recipients");
        let other = other.replace("<b5@", "<b5-q@");
        let j = ok(&push(&h, &gate, other.as_bytes(), "queue=incident").await, "created");
        assert_eq!(j["route"], "incident");
        let other = other.replace("<b5-q@", "<b5-z@");
        let j = ok(&push(&h, &gate, other.as_bytes(), "queue=spam").await, "held");
        assert_eq!(j["reason"], "unknown queue spam");
    }

    async fn phishing_by_mail_takes_the_urls_of_html_and_forwarded_mail(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        for name in ["html-only.eml", "forwarded.eml"] {
            let raw = fixture(name);
            let j = ok(&push(&h, &gate, &raw, "").await, "created");
            assert_landed(&h, name, &raw, &Landed::of_json(&j)).await;
        }
    }

    async fn intel_by_mail_is_a_draft_of_the_senders_account(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let (_, partner) = h.user("partner@isac.example.tw", &[Role::Partner]).await;
        let form = include_bytes!("../../../tocsin-formats/tests/data/intel-example-utf16le-bom-crlf.txt");
        let raw = format!(
            "From: partner@isac.example.tw\r\nTo: share@cert.example.tw\r\nSubject: intel\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nattached\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"intel.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
            base64::engine::general_purpose::STANDARD.encode(form)
        );
        let j = ok(&push(&h, &gate, raw.as_bytes(), "").await, "created");
        assert_eq!(j["route"], "intel");
        let id = j["target"].as_str().expect("id");
        let d = h.get(&format!("/api/v1/intel/{id}"), &[("authorization", &format!("Bearer {partner}"))]).await;
        assert_eq!(d.status, StatusCode::OK, "the sender sees their draft: {}", d.body);
        let d = d.json();
        assert_eq!(d["status"], "draft");
        assert_eq!(d["channel"], "txt");
        assert_eq!(d["record"]["dispatch_id"], "TWCERT-INT-2026-0042");
        // An incomplete form is held with the fields it lacks; nothing stored.
        let j = ok(&push(&h, &gate, eml!("utf16-attachment-no-charset.eml"), "").await, "held");
        assert_landed(&h, "utf16-attachment-no-charset.eml", eml!("utf16-attachment-no-charset.eml"), &Landed::of_json(&j)).await;
        let bad = raw.replace("partner@isac", "stranger@elsewhere");
        let j = ok(&push(&h, &gate, bad.as_bytes(), "").await, "held");
        assert!(j["reason"].as_str().expect("r").contains("stranger@elsewhere.example.tw has no account"), "{j}");
        let broken = raw.replace(
            &base64::engine::general_purpose::STANDARD.encode(form),
            &base64::engine::general_purpose::STANDARD.encode("情資種類：DEF\n情資主旨：x\n".as_bytes()),
        );
        let j = ok(&push(&h, &gate, broken.as_bytes(), "").await, "held");
        assert!(j["reason"].as_str().expect("r").contains("published_at"), "{j}");
        let drafts = h.get("/api/v1/intel?status=draft", &[("authorization", &format!("Bearer {gate}"))]).await.json();
        assert_eq!(drafts.as_array().map(Vec::len), Some(1), "only the complete form was stored");
    }

    async fn replies_join_their_case_only_from_its_parties(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let first = ok(&push(&h, &gate, eml!("multipart-attachments.eml"), "").await, "created");
        let tracking = first["target"].as_str().expect("t").to_string();
        let template = String::from_utf8(eml!("reply-tracking.eml").to_vec()).expect("utf-8");
        // The forgery: the reporter's address in From: and the (sequential) number in the
        // subject, answering nothing we sent. Held, with the reason and the MTA's verdicts.
        let forged = format!(
            "Authentication-Results: mx.cert.example.tw; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=bank.example.tw\r\n{}",
            template.replace("INC-2026-000123", &tracking).replace("r1@bank", "f1@bank")
        );
        let j = ok(&push(&h, &gate, forged.as_bytes(), "sender=attacker@evil.example").await, "held");
        let reason = j["reason"].as_str().expect("reason");
        assert!(reason.contains("answers no message we sent") && reason.contains("[spf=fail dkim=none dmarc=fail]"), "{j}");
        let report = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        let thread = h.state.store.list_events(report.id, tocsin_domain::policy::Thread::All).await.expect("events");
        assert!(!thread.iter().any(|e| e.event == "reporter_info"), "nothing joined the case");
        let listed = h.get("/api/v1/mail/inbound?status=held", &[("authorization", &format!("Bearer {gate}"))]).await.json();
        assert_eq!(listed[0]["authentication"], "spf=fail dkim=none dmarc=fail", "{listed}");
        // The reporter's real reply answers our acknowledgment: it joins.
        let ack = &h.outbox_to("soc@bank.example.tw").await[0];
        let ours = format!("<{}>", ack.message_id.trim_matches(['<', '>']));
        let reply = template.replace("INC-2026-000123", &tracking).replace("<01a2@cert.example.tw>", &ours);
        let j = ok(&push(&h, &gate, reply.as_bytes(), "").await, "appended");
        assert_eq!(j["target"], tracking.as_str());
        assert_landed(&h, "reply-tracking.eml", reply.as_bytes(), &Landed::of_json(&j)).await;
        // The envelope sender may stand for the party when From: is another address of
        // theirs (a shared mailbox).
        let shared = reply.replace("From: SOC <soc@bank.example.tw>", "From: team@bank-soc.example").replace("r1@bank", "r7@bank");
        ok(&push(&h, &gate, shared.as_bytes(), "sender=soc@bank.example.tw").await, "appended");
        // Someone else quoting the number is held, not appended.
        let stranger = reply.replace("From: SOC <soc@bank.example.tw>", "From: x@elsewhere.example").replace("r1@bank", "r2@bank");
        let j = ok(&push(&h, &gate, stranger.as_bytes(), "").await, "held");
        assert!(j["reason"].as_str().expect("r").contains("not a party"), "{j}");
        // Accounts count as the access policy says: the desk may add to the case, a member of
        // another organization may not.
        h.user("member@other.example.tw", &[Role::Member]).await;
        let outsider = reply.replace("From: SOC <soc@bank.example.tw>", "From: member@other.example.tw").replace("r1@bank", "r5@bank");
        let j = ok(&push(&h, &gate, outsider.as_bytes(), "").await, "held");
        assert!(j["reason"].as_str().expect("r").contains("not a party"), "{j}");
        h.user("desk@cert.example.tw", &[Role::Analyst]).await;
        let desk = reply.replace("From: SOC <soc@bank.example.tw>", "From: desk@cert.example.tw").replace("r1@bank", "r6@bank");
        ok(&push(&h, &gate, desk.as_bytes(), "").await, "appended");
        // A reply by In-Reply-To alone (the subject lost its number) finds the case too.
        let threaded = template
            .replace("Re: [INC-2026-000123] Report received", "Re: your mail")
            .replace("<01a2@cert.example.tw>", &format!("<{}>", ack.message_id.trim_matches(['<', '>'])))
            .replace("r1@bank", "r3@bank");
        let j = ok(&push(&h, &gate, threaded.as_bytes(), "").await, "appended");
        assert_eq!(j["target"], tracking.as_str());
        // A number that names no case, answering nothing of ours, is held.
        let none = template.replace("r1@bank", "r4@bank");
        let j = ok(&push(&h, &gate, none.as_bytes(), "").await, "held");
        assert!(j["reason"].as_str().expect("r").contains("names INC-2026-000123 but answers no message"), "{j}");
    }

    async fn automatic_mail_is_never_answered(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let before = h.state.store.list_outbox(1000).await.expect("o").len();
        for name in ["auto-reply.eml", "bounce.eml", "list.eml"] {
            let raw = fixture(name);
            let j = ok(&push(&h, &gate, &raw, "recipient=report@cert.example.tw").await, "ignored");
            assert_landed(&h, name, &raw, &Landed::of_json(&j)).await;
        }
        // A null envelope sender makes any message a bounce.
        let j = ok(&push(&h, &gate, eml!("big5-body.eml"), "sender=").await, "ignored");
        assert_eq!(j["reason"], "automatic: bounce");
        assert_eq!(h.state.store.list_outbox(1000).await.expect("o").len(), before, "no acknowledgment at all");
        let listed = h.get("/api/v1/mail/inbound?status=ignored", &[("authorization", &format!("Bearer {gate}"))]).await.json();
        assert_eq!(listed.as_array().map(Vec::len), Some(4));
    }

    async fn a_flood_from_one_sender_is_held_unanswered(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let base = String::from_utf8(eml!("big5-body.eml").to_vec()).expect("ascii");
        for i in 0..5 {
            let raw = base.replace("<b5@hospital", &format!("<b5-{i}@hospital"));
            let r = push(&h, &gate, raw.as_bytes(), "").await;
            let j = r.json();
            if i < 3 {
                assert_eq!(j["status"], "created", "{j}");
            } else {
                assert_eq!(j["status"], "held", "{j}");
                assert!(j["reason"].as_str().expect("r").contains("more than 3 messages an hour"), "{j}");
            }
        }
        assert_eq!(h.outbox_to("it@hospital.example.tw").await.len(), 3);
    }

    async fn bombs_are_refused_with_a_reason_and_not_stored(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let mut many = String::from("From: a@example.tw\r\nTo: report@cert.example.tw\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n");
        for _ in 0..300 {
            many.push_str("--m\r\nContent-Type: text/plain\r\n\r\nx\r\n");
        }
        many.push_str("--m--\r\n");
        let r = push(&h, &gate, many.as_bytes(), "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["fields"]["message"], "The message was refused: the message has more than 200 MIME parts");
        let r = push(&h, &gate, b"not a message at all", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(h.state.store.list_inbound(None, 10).await.expect("l").is_empty());
    }
}

mail_tests! {
    async fn the_desk_sees_held_mail_and_why(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let (analyst, _) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let (member, _) = h.user("member@corp.example.tw", &[Role::Member]).await;
        ok(&push(&h, &gate, eml!("auto-reply.eml"), "").await, "ignored");
        let other = String::from_utf8(eml!("big5-body.eml").to_vec()).expect("ascii")
            .replace("To: report@cert.example.tw", "To: someone@cert.example.tw")
            .replace("Subject: =?big5?", "Subject: <script>x</script> =?big5?");
        ok(&push(&h, &gate, other.as_bytes(), "").await, "held");
        let cookie = h.login(&analyst).await;
        let page = h.get("/desk/mail?status=held", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("no route for its recipients"), "{}", page.body);
        assert!(page.body.contains("醫院網站異常"));
        assert!(page.body.contains("script&#62;x") && !page.body.contains("<script>x"), "escaped: {}", page.body);
        assert!(!page.body.contains("Out of office"), "only held mail");
        let all = h.get("/desk/mail", &[("cookie", &cookie)]).await;
        assert!(all.body.contains("automatic: auto_replied"));
        assert!(all.body.contains("/eml\""));
        let cookie = h.login(&member).await;
        let page = h.get("/desk/mail", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
}

mail_tests! {
    async fn a_vulnerability_form_by_mail_becomes_a_case(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let form = include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-big5-crlf.txt");
        let raw = format!(
            "From: researcher@example.tw\r\nTo: cve@cert.example.tw\r\nSubject: vuln\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nform attached\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"report\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
            base64::engine::general_purpose::STANDARD.encode(form)
        );
        let j = ok(&push(&h, &gate, raw.as_bytes(), "").await, "created");
        assert_eq!(j["route"], "vulnerability");
        let report = h.state.store.report_by_tracking(j["target"].as_str().expect("t")).await.expect("q").expect("r");
        assert_eq!(report.kind, ReportKind::Vulnerability);
        assert!(report.tracking_id.starts_with("VUL-"));
    }

    async fn a_mailed_big5_form_keeps_its_values_and_its_name(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin, Role::Coordinator]).await;
        let (vendor_email, vendor) = h.user("psirt@techoh.tw", &[Role::Member]).await;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let text = crate::vuln_api::seed_with_ime_slash();
        for (encoding, form) in [("Big5", crate::vuln_api::big5(&text)), ("UTF-16LE", crate::vuln_api::utf16le_bom(&text))] {
            // The form's own name (RFC 2231, with a Windows folder in front) and a screenshot.
            let raw = format!(
                "From: researcher@example.tw\r\nTo: cve@cert.example.tw\r\nSubject: vuln {encoding}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nform attached\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename*=UTF-8''C%3A%5Cforms%5C%E6%BC%8F%E6%B4%9E%E9%80%9A%E5%A0%B1-{encoding}.txt\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"poc.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
                b64(&form),
                b64(b"\x89PNG")
            );
            let j = ok(&push(&h, &gate, raw.as_bytes(), "").await, "created");
            assert_eq!(j["route"], "vulnerability", "{encoding}");
            let t = j["target"].as_str().expect("t").to_string();
            let report = h.state.store.report_by_tracking(&t).await.expect("q").expect("r");
            let d: Value = serde_json::from_str(&report.details).expect("details");
            assert_eq!(d["txt_encoding"], encoding);
            assert_eq!(d["vendor"], "techOh Inc.", "{encoding}");
            assert_eq!(d["trigger_method"], " badbutwork -i cat /etc/passwd -t", "{encoding}");
            // The form keeps the sender's name for it, cleaned of its folder as every upload is.
            let name = format!("漏洞通報-{encoding}.txt");
            let files = h.state.store.list_attachments(report.id).await.expect("files");
            assert_eq!(files.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), [name.as_str(), "poc.png"]);
            // Whatever its name, the form names the researcher: the notified vendor gets the
            // evidence only; the coordinator gets both.
            let base = format!("/api/v1/vulnerabilities/{t}");
            for to in ["under_review", "accepted"] {
                let r = h.json(Method::POST, &format!("{base}/transition"), Some(&admin), serde_json::json!({"to": to}), &[]).await;
                assert!(r.status.is_success(), "{}", r.body);
            }
            let org = h.state.store.find_user_by_email(&vendor_email).await.expect("q").expect("u").org_id.0.expect("org").to_string();
            let r = h.json(Method::POST, &format!("{base}/vendor"), Some(&admin), serde_json::json!({"vendor_org_id": org, "status": "affected"}), &[]).await;
            assert!(r.status.is_success(), "{}", r.body);
            let r = h.json(Method::POST, &format!("{base}/notify-vendor"), Some(&admin), serde_json::json!({}), &[]).await;
            assert!(r.status.is_success(), "{}", r.body);
            let path = format!("/vulnerabilities/{t}");
            let (vendor_auth, admin_auth) = (format!("Bearer {vendor}"), format!("Bearer {admin}"));
            let seen = h.get(&path, &[("authorization", vendor_auth.as_str())]).await;
            assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
            assert!(seen.body.contains("poc.png") && !seen.body.contains(&name), "{}", seen.body);
            let desk = h.get(&path, &[("authorization", admin_auth.as_str())]).await;
            assert!(desk.body.contains("poc.png") && desk.body.contains(&name), "{}", desk.body);
        }
    }
}

/// `raw` as Postfix's pipe (`flags=DRq`) hands it over for one recipient.
fn delivered(raw: &str, sender: &str, recipient: &str) -> String {
    format!("Return-Path: <{sender}>\r\nDelivered-To: {recipient}\r\n{raw}")
}

/// A message's deliveries as the desk lists them: (recipient, route, status, target).
async fn deliveries_of(h: &Harness, gate: &str, id: &str) -> Vec<(String, String, String, String)> {
    let list = h
        .get(
            "/api/v1/mail/inbound",
            &[("authorization", &format!("Bearer {gate}"))],
        )
        .await
        .json();
    let list = list.as_array().expect("list");
    let m = list
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed: {list:?}"));
    let s = |d: &Value, k: &str| d[k].as_str().unwrap_or_default().to_string();
    m["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| {
            (
                s(d, "recipient"),
                s(d, "route"),
                s(d, "status"),
                s(d, "target"),
            )
        })
        .collect()
}

fn ack_text(row: &tocsin_storage::OutboxRow) -> String {
    let limits = tocsin_formats::mail_in::Limits::default();
    tocsin_formats::mail_in::parse(&row.message, None, &limits)
        .expect("our mail parses")
        .text
}

const TWO_DESKS: &str = "From: SOC <soc@bank.example.tw>\r\nTo: report@cert.example.tw, phishing@cert.example.tw\r\nSubject: =?UTF-8?B?6KmQ6aiZ5L+h?= phishing mail to our staff\r\nMessage-ID: <two-desks@bank.example.tw>\r\nDate: Tue, 01 Dec 2026 09:30:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOur staff got this: http://bank-login.example.net/verify\r\n";

mail_tests! {
    async fn one_message_to_two_desks_is_stored_once_and_routed_for_each(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let sender = "soc@bank.example.tw";
        // In sequence: the incident desk's delivery, then the phishing desk's.
        let a = delivered(TWO_DESKS, sender, "report@cert.example.tw");
        let b = delivered(TWO_DESKS, sender, "phishing@cert.example.tw");
        let q = |r: &str| format!("sender={sender}&recipient={r}");
        let first = ok(&push(&h, &gate, a.as_bytes(), &q("report@cert.example.tw")).await, "created");
        assert_eq!(first["route"], "incident");
        let second = ok(&push(&h, &gate, b.as_bytes(), &q("phishing@cert.example.tw")).await, "created");
        assert_eq!(second["route"], "phishing", "{second}");
        assert_eq!(second["duplicate"], false, "a second recipient is no retry");
        assert_eq!(first["id"], second["id"], "one stored message");
        assert!(second["target"].as_str().expect("t").starts_with("PHI-"), "{second}");
        // The MTA retries the incident delivery: its first outcome, nothing new.
        let again = push(&h, &gate, a.as_bytes(), &q("report@cert.example.tw")).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!((&again.json()["target"], &again.json()["duplicate"]), (&first["target"], &Value::Bool(true)));
        let id = first["id"].as_str().expect("id");
        assert_eq!(
            deliveries_of(&h, &gate, id).await,
            [
                ("report@cert.example.tw".into(), "incident".into(), "created".into(), first["target"].as_str().expect("t").into()),
                ("phishing@cert.example.tw".into(), "phishing".into(), "created".into(), second["target"].as_str().expect("t").into()),
            ]
        );
        assert_eq!(h.outbox_to(sender).await.len(), 2, "one acknowledgment per case");
        // In parallel: a second message (from another sender: three answers an hour each)
        // delivered for both desks at once.
        let sender = "noc@bank.example.tw";
        let other = TWO_DESKS.replace("two-desks@", "two-desks-2@").replace("soc@bank", "noc@bank");
        let (a, b) = (delivered(&other, sender, "report@cert.example.tw"), delivered(&other, sender, "phishing@cert.example.tw"));
        let (qa, qb) = (q("report@cert.example.tw"), q("phishing@cert.example.tw"));
        let (ra, rb) = tokio::join!(push(&h, &gate, a.as_bytes(), &qa), push(&h, &gate, b.as_bytes(), &qb));
        let (ja, jb) = (ok(&ra, "created"), ok(&rb, "created"));
        assert_eq!(ja["id"], jb["id"], "one stored message");
        let mut routes: Vec<_> = deliveries_of(&h, &gate, ja["id"].as_str().expect("id")).await.into_iter().map(|d| (d.1, d.2)).collect();
        routes.sort();
        assert_eq!(routes, [("incident".to_string(), "created".to_string()), ("phishing".into(), "created".into())]);
        let stored = h.state.store.list_inbound(None, 100).await.expect("list");
        assert_eq!(stored.len(), 2, "two messages, four deliveries: {stored:?}");
    }

    async fn a_flood_handed_over_at_once_is_cut_at_the_limit(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        // Eight different messages from one sender at once; three an hour are answered.
        let raws: Vec<String> = (0..8)
            .map(|i| TWO_DESKS.replace("two-desks@", &format!("flood-{i}@")).replace("phishing@cert.example.tw", "x@elsewhere.example"))
            .collect();
        let results = futures::future::join_all(
            raws.iter().map(|r| push(&h, &gate, r.as_bytes(), "recipient=report@cert.example.tw")),
        )
        .await;
        let statuses: Vec<String> = results.iter().map(|r| r.json()["status"].as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(statuses.iter().filter(|s| *s == "created").count(), 3, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| *s == "held").count(), 5, "{statuses:?}");
        assert_eq!(h.outbox_to("soc@bank.example.tw").await.len(), 3);
    }

    async fn plus_addresses_route_like_their_base_and_the_recipient_decides(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let raw = eml!("big5-body.eml");
        let j = ok(&push(&h, &gate, raw, "recipient=Report%2BUrgent@cert.example.tw").await, "created");
        assert_eq!(j["route"], "incident");
        let ds = deliveries_of(&h, &gate, j["id"].as_str().expect("id")).await;
        assert_eq!(ds[0].0, "report+urgent@cert.example.tw", "the tag is kept");
        // When the MTA says whom a delivery is for, To: does not route it elsewhere.
        let other = String::from_utf8(raw.to_vec()).expect("ascii").replace("<b5@", "<b5-r@");
        let j = ok(&push(&h, &gate, other.as_bytes(), "recipient=nobody@cert.example.tw").await, "held");
        assert_eq!(j["reason"], "no route for its recipients");
    }

    async fn a_reply_copied_to_two_desks_joins_its_case_once(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let first = ok(&push(&h, &gate, eml!("multipart-attachments.eml"), "").await, "created");
        let tracking = first["target"].as_str().expect("t").to_string();
        let ack = &h.outbox_to("soc@bank.example.tw").await[0];
        let ours = format!("<{}>", ack.message_id.trim_matches(['<', '>']));
        let reply = String::from_utf8(eml!("reply-tracking.eml").to_vec()).expect("utf-8")
            .replace("INC-2026-000123", &tracking)
            .replace("<01a2@cert.example.tw>", &ours);
        let sender = "soc@bank.example.tw";
        for r in ["report@cert.example.tw", "phishing@cert.example.tw"] {
            push(&h, &gate, delivered(&reply, sender, r).as_bytes(), &format!("sender={sender}&recipient={r}")).await;
        }
        let report = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        let thread = h.state.store.list_events(report.id, tocsin_domain::policy::Thread::All).await.expect("events");
        assert_eq!(thread.iter().filter(|e| e.event == "reporter_info").count(), 1, "joined once");
        let stored = h.state.store.list_inbound(Some("appended"), 10).await.expect("list");
        let (_, ds) = &stored[0];
        let outcomes: Vec<_> = ds.iter().map(|d| (d.route.as_str(), d.status.as_str(), d.target.as_str())).collect();
        assert_eq!(outcomes, [("reply", "appended", tracking.as_str()), ("reply", "ignored", tracking.as_str())]);
        assert!(ds[1].reason.contains("handled as reply when delivered for report@cert.example.tw"), "{ds:?}");
    }

    async fn the_desks_message_is_answered_to_intake_and_the_answer_joins_the_case(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let first = ok(&push(&h, &gate, eml!("multipart-attachments.eml"), "").await, "created");
        let tracking = first["target"].as_str().expect("t").to_string();
        let r = h.json(Method::POST, &format!("/api/v1/reports/{tracking}/messages"), Some(&gate), serde_json::json!({"body": "請提供網站存取紀錄。"}), &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let ours = h.outbox_to("soc@bank.example.tw").await;
        let message = ours.iter().find(|m| ack_text(m).contains("請提供網站存取紀錄")).expect("the desk's message");
        // From and Reply-To the desk's intake address (the incident route), written by a person.
        let head = String::from_utf8_lossy(&message.message);
        let head = &head[..head.find("\r\n\r\n").unwrap_or(head.len())];
        assert!(head.contains("From: ") && head.contains("<report@cert.example.tw>"), "{head}");
        assert!(head.contains("Reply-To: report@cert.example.tw"), "{head}");
        assert!(!head.contains("Auto-Submitted"), "{head}");
        // The acknowledgment stays automatic.
        let ack = ours.iter().find(|m| m.message_id != message.message_id).expect("ack");
        assert!(String::from_utf8_lossy(&ack.message).contains("Auto-Submitted: auto-replied"));
        // The reporter answers it, to that address: it joins the case.
        let answer = format!(
            "From: SOC <soc@bank.example.tw>\r\nTo: report@cert.example.tw\r\nSubject: Re: {}\r\nMessage-ID: <answer-1@bank.example.tw>\r\nIn-Reply-To: <{}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n存取紀錄如附。\r\n",
            message.subject, message.message_id.trim_matches(['<', '>'])
        );
        let j = ok(&push(&h, &gate, answer.as_bytes(), "recipient=report@cert.example.tw").await, "appended");
        assert_eq!(j["target"], tracking.as_str());
    }

    async fn a_mailed_incident_keeps_the_desks_time_zone(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        // Date: Tue, 01 Dec 2026 09:30:00 +0800, on a desk in Asia/Taipei.
        let j = ok(&push(&h, &gate, eml!("multipart-attachments.eml"), "").await, "created");
        let report = h.state.store.report_by_tracking(j["target"].as_str().expect("t")).await.expect("q").expect("report");
        let details: Value = serde_json::from_str(&report.details).expect("json");
        assert_eq!(details["discovered_at"], "2026-12-01T09:30:00+08:00", "{details}");
        assert_eq!(details["time_zone"], "Asia/Taipei", "{details}");
        let text = ack_text(&h.outbox_to("soc@bank.example.tw").await[0]);
        // In the reader's words: the desk's wall clock and the zone's name, not RFC 3339.
        assert!(text.contains("2026-12-01 09:30 (台北時間)"), "{text}");
        assert!(!text.contains("2026-12-01T09:30"), "{text}");
    }

    async fn an_inline_forward_gives_the_phishing_case_its_sender_and_date(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let raw = "From: Staff <staff@bank.example.tw>\r\nTo: phishing@cert.example.tw\r\nSubject: Fwd: =?UTF-8?B?5biz5oi2?= verify\r\nMessage-ID: <inline-fwd@bank.example.tw>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease look at this.\r\n\r\n---------- Forwarded message ---------\r\nFrom: Big Bank Security <security@big-bank-alerts.example>\r\nDate: Mon, Nov 30, 2026 at 9:15 PM\r\nSubject: Verify your account\r\nTo: <staff@bank.example.tw>\r\n\r\nDear customer, verify at https://big-bank-verify.example/login today.\r\n";
        let j = ok(&push(&h, &gate, raw.as_bytes(), "recipient=phishing@cert.example.tw").await, "created");
        let report = h.state.store.report_by_tracking(j["target"].as_str().expect("t")).await.expect("q").expect("report");
        let details: Value = serde_json::from_str(&report.details).expect("json");
        // Written without an offset: the desk's own time.
        assert_eq!(details["seen_at"], "2026-11-30T21:15:00+08:00", "{details}");
        assert_eq!(details["brand"], "Big Bank Security", "{details}");
        let urls = h.state.store.phish_urls_of_report(report.id).await.expect("urls");
        assert_eq!(urls.len(), 1, "the URL once, though it is in the text and the forward: {urls:?}");
        assert!(urls[0].normalized.contains("big-bank-verify.example"), "{urls:?}");
    }
}

/// Attachments too large for a case, with a desk whose limit is small.
mod attachments_not_taken {
    use super::*;

    async fn body(h: Harness) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let big = base64::engine::general_purpose::STANDARD.encode(vec![b'A'; 5000]);
        let small = base64::engine::general_purpose::STANDARD.encode(b"small log");
        let raw = format!(
            "From: SOC <soc@bank.example.tw>\r\nTo: report@cert.example.tw\r\nSubject: server hacked\r\nMessage-ID: <big-att@bank.example.tw>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nOur web server was defaced.\r\n--b\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=\"disk.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"access.log\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{small}\r\n--b--\r\n"
        );
        let j = ok(
            &push(
                &h,
                &gate,
                raw.as_bytes(),
                "recipient=report@cert.example.tw",
            )
            .await,
            "created",
        );
        let report = h
            .state
            .store
            .report_by_tracking(j["target"].as_str().expect("t"))
            .await
            .expect("q")
            .expect("report");
        let files = h
            .state
            .store
            .list_attachments(report.id)
            .await
            .expect("files");
        assert_eq!(
            files
                .iter()
                .map(|f| f.filename.as_str())
                .collect::<Vec<_>>(),
            ["access.log"]
        );
        // The case says what was not taken and where it is kept.
        let thread = h
            .state
            .store
            .list_events(report.id, tocsin_domain::policy::Thread::All)
            .await
            .expect("events");
        let ev = thread
            .iter()
            .find(|e| e.event == "attachments_not_taken")
            .expect("recorded on the case");
        assert!(
            ev.body
                .contains("disk.zip (5000 bytes): larger than 1000 bytes"),
            "{}",
            ev.body
        );
        assert!(
            ev.body.contains(&format!(
                "/api/v1/mail/inbound/{}/eml",
                j["id"].as_str().expect("id")
            )),
            "{}",
            ev.body
        );
        // The sender is told.
        let text = ack_text(&h.outbox_to("soc@bank.example.tw").await[0]);
        assert!(
            text.contains("disk.zip (5000 bytes): larger than 1000 bytes"),
            "{text}"
        );
        // The stored message still holds it, for the desk.
        let e = h
            .get(
                &format!("/api/v1/mail/inbound/{}/eml", j["id"].as_str().expect("id")),
                &[("authorization", &format!("Bearer {gate}"))],
            )
            .await;
        assert!(e.body.contains(&big), "the .eml keeps the attachment");
        // The mailgate reads the limits it must keep to.
        let l = h
            .get(
                "/api/v1/mail/limits",
                &[("authorization", &format!("Bearer {gate}"))],
            )
            .await;
        assert_eq!(l.status, StatusCode::OK, "{}", l.body);
        assert_eq!(l.json()["max_attachment_bytes"], 1000);
        assert_eq!(l.json()["max_bytes"], h.state.config.intake.max_bytes);
        let anon = h.get("/api/v1/mail/limits", &[]).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    }

    async fn harness(engine: tocsin_storage::Engine) -> Option<Harness> {
        Harness::with_config(engine, |c| {
            routes(c);
            c.reports.max_attachment_bytes = 1000;
        })
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        body(
            harness(tocsin_storage::Engine::Sqlite)
                .await
                .expect("sqlite"),
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(h) = harness(tocsin_storage::Engine::Postgres).await {
            body(h).await
        }
    }
}

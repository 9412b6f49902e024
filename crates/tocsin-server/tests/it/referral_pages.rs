//! Assistance referral pages on both engines, as a browser without JavaScript uses them:
//! the reporter's consent, choice and rating on the status page (by status link), the
//! desk's offer on the report page (a refused offer keeps what was typed), and the firms'
//! `/referrals` page; output escaped throughout.

use axum::http::{Method, StatusCode};
use tocsin_domain::Role;

use crate::both_engines;
use crate::referral_api::{assistance_item, firm, incident, org_of};

fn location(r: &crate::Resp) -> String {
    r.header("location").unwrap_or_default().to_string()
}

/// Percent-encodes every byte but letters and digits, as a form field.
pub(crate) fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

both_engines! {
    async fn a_referral_through_the_pages(h: Harness) {
        let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
        h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let item = assistance_item(&h, &admin).await;
        firm(&h, "soc@alpha-sec.example.tw", &admin, &item, 1).await;
        let org_a = org_of(&h, "soc@alpha-sec.example.tw").await;
        // Filed anonymously: the reporter acts by the status link.
        let r = h.json(Method::POST, "/api/v1/reports/incident", None, incident(true), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let j = r.json();
        let (tracking, token) = (j["tracking_id"].as_str().expect("t").to_string(), j["token"].as_str().expect("tok").to_string());
        let status = format!("/status/{tracking}?token={token}");

        let page = h.get(&status, &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"referral-consent\""), "the consent form is offered");
        let r = h.form(&format!("/status/{tracking}/referral"), &format!("token={token}&action=consent"), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(location(&r), format!("/status/{tracking}?token={token}#referral"));
        let page = h.get(&status, &[]).await;
        assert!(page.body.contains("id=\"referral-waiting\"") && !page.body.contains("id=\"referral-consent\""));
        let r = h.form(&format!("/status/{tracking}/referral"), "token=wrong&action=consent", None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "a wrong link is an unknown report");

        // The desk offers it; a summary naming the reporter comes back with what was typed.
        let desk = h.login("analyst@cert.example.tw").await;
        let report_page = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &desk)]).await;
        assert!(report_page.body.contains("id=\"referral-offer-form\""), "{}", report_page.body);
        assert!(report_page.body.contains("value=\"網頁攻擊\"") || report_page.body.contains("value=\"Web attack\""), "the incident type is prefilled");
        let bad = format!("sector={}&incident_type={}&company_size=small&region=central&summary={}", enc("製造業"), enc("勒索軟體"), enc("請聯絡 it@datong-precision.example.tw <script>x</script>"));
        let r = h.form(&format!("/desk/reports/{tracking}/referral"), &bad, Some(&desk)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("需要的支援欄的內容含有通報人的身分資訊：「it@datong-precision.example.tw」"), "the error in zh-TW next to the field, naming the words: {}", r.body);
        assert!(r.body.contains("&#60;script&#62;x&#60;/script&#62;") && !r.body.contains("<script>x</script>"), "typed text kept, escaped");
        let good = format!("sector={}&incident_type={}&company_size=small&region=central&summary={}", enc("製造業"), enc("勒索軟體"), enc("需要鑑識 <b>急</b>"));
        let r = h.form(&format!("/desk/reports/{tracking}/referral"), &good, Some(&desk)).await;
        assert_eq!((r.status, location(&r)), (StatusCode::SEE_OTHER, format!("/desk/reports/{tracking}#referral")), "{}", r.body);

        // The firm sees the sanitised offer and accepts it.
        let firm_cookie = h.login("soc@alpha-sec.example.tw").await;
        let list = h.get("/referrals", &[("cookie", &firm_cookie)]).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("需要鑑識 &#60;b&#62;急&#60;/b&#62;"), "escaped summary: {}", list.body);
        assert!(!list.body.contains("datong") && !list.body.contains(&tracking), "nothing of the reporter");
        let id = h.state.store.referrals(None, 10).await.expect("q")[0].id;
        let r = h.form(&format!("/referrals/{id}/accept"), "", Some(&firm_cookie)).await;
        assert_eq!((r.status, location(&r)), (StatusCode::SEE_OTHER, format!("/referrals#r-{id}")));
        let again = h.form(&format!("/referrals/{id}/accept"), "", Some(&firm_cookie)).await;
        assert_eq!(again.status, StatusCode::FORBIDDEN);

        // The reporter chooses the firm on the status page and sees its contact.
        let page = h.get(&status, &[]).await;
        assert!(page.body.contains(&format!("name=\"org_id\" value=\"{org_a}\"")), "a choose button per firm");
        assert!(!page.body.contains("class=\"firm-email\"") && !page.body.contains("id=\"referral-chosen\""), "no contact before choosing");
        let r = h.form(&format!("/status/{tracking}/referral"), &format!("token={token}&action=choose&org_id={org_a}"), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = h.get(&status, &[]).await;
        assert!(page.body.contains("id=\"referral-chosen\"") && page.body.contains("soc@alpha-sec.example.tw"));
        let list = h.get("/referrals", &[("cookie", &firm_cookie)]).await;
        assert!(list.body.contains("it@datong-precision.example.tw") && list.body.contains(&tracking), "the chosen firm sees the reporter");

        // Outcome by the firm, rating by the reporter (a bad rating is refused in the page).
        let r = h.form(&format!("/referrals/{id}/outcome"), "outcome=nope", Some(&firm_cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = h.form(&format!("/referrals/{id}/outcome"), "outcome=engaged", Some(&firm_cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = h.form(&format!("/status/{tracking}/referral"), &format!("token={token}&action=rate&rating=9"), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("請從選項中選擇"), "{}", r.body);
        let r = h.form(&format!("/status/{tracking}/referral"), &format!("token={token}&action=rate&rating=4&comment={}", enc("很有幫助")), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = h.get(&status, &[]).await;
        assert!(page.body.contains("id=\"referral-your-rating\""), "{}", page.body);
        assert!(page.body.contains("通報人已選定協處業者"), "the history names each step");
        for body in [&page.body, &h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &desk)]).await.body, &h.get("/referrals", &[("cookie", &firm_cookie)]).await.body] {
            assert!(!body.contains("Unknown localization key"), "every message exists: {body}");
        }
        let stored = h.state.store.referral(id).await.expect("q").expect("row");
        assert_eq!((stored.state.as_str(), stored.outcome.as_str(), stored.rating, stored.rating_comment.as_str()), ("completed", "engaged", Some(4), "很有幫助"));
    }
}

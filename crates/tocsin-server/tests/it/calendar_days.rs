//! Date rules at the hours where Taipei's date and UTC's part: the product's clock is set
//! to 23:30 and 00:30 in Taipei (15:30 and 16:30 UTC), on an ordinary night and on New
//! Year's Eve. "Today", a validity window and a tracking number's year are the desk's
//! (`calendar.time_zone`), never the UTC date, whatever hour the tests run at.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tocsin_domain::{Role, Timestamp};

use crate::referral_api::{incident, org_of};
use crate::{Harness, both_engines};

const EN: &[(&str, &str)] = &[("accept-language", "en")];

/// (the instant, the desk's date then).
const HOURS: [(&str, &str); 4] = [
    ("2026-12-06T15:30:00Z", "2026-12-06"), // 23:30 in Taipei: both dates agree
    ("2026-12-06T16:30:00Z", "2026-12-07"), // 00:30 in Taipei: UTC is a day behind
    ("2026-12-31T15:30:00Z", "2026-12-31"), // 23:30 on New Year's Eve in Taipei
    ("2026-12-31T16:30:00Z", "2027-01-01"), // 00:30 on New Year's Day in Taipei
];

fn at(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).expect("instant")
}

async fn item(h: &Harness, admin: &str, from: &str, until: &str) -> String {
    let r = h
        .json(
            Method::POST,
            "/api/v1/points/catalog",
            Some(admin),
            json!({
                "kind": "event_slot", "name_zh": "資安研討會席次", "name_en": "Conference seat",
                "cost": "10", "stock": "5", "valid_from": from, "valid_until": until,
            }),
            EN,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().expect("id").to_string()
}

async fn redeem(h: &Harness, member: &str, item: &str) -> crate::Resp {
    h.json(
        Method::POST,
        "/api/v1/points/redemptions",
        Some(member),
        json!({"item_id": item}),
        EN,
    )
    .await
}

both_engines! {
    async fn validity_windows_are_the_desks_days(h: Harness) {
        let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
        let (_, member) = h.user("it@member.example.tw", &[Role::Member]).await;
        let org = org_of(&h, "it@member.example.tw").await;
        let r = h
            .json(Method::POST, "/api/v1/points/adjustments", Some(&admin),
                json!({"org_id": org, "delta": "1000", "reason": "年度會員點數"}), EN)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        for (utc, desk_day) in HOURS {
            h.state.clock.set(at(utc)).expect("a test clock");
            assert_eq!(h.state.today().to_string(), desk_day, "at {utc}");
            // On offer on the desk's day only: redeemable at this hour.
            let today = item(&h, &admin, desk_day, desk_day).await;
            let r = redeem(&h, &member, &today).await;
            assert_eq!(r.status, StatusCode::CREATED, "at {utc}: {}", r.body);
            let listed = h
                .json(Method::GET, "/api/v1/points/catalog", Some(&member), serde_json::Value::Null, EN)
                .await;
            assert!(listed.body.contains(&today), "at {utc} today's item is on offer: {}", listed.body);
            // On offer on the UTC date only, where it differs: not yet, or no longer.
            let utc_day = &utc[..10];
            if utc_day != desk_day {
                let other = item(&h, &admin, utc_day, utc_day).await;
                let r = redeem(&h, &member, &other).await;
                assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "at {utc}: {}", r.body);
                assert!(r.body.contains("item_id"), "the field is named: {}", r.body);
            }
        }
    }

    async fn tracking_numbers_take_the_desks_year(h: Harness) {
        for (utc, desk_day) in HOURS {
            h.state.clock.set(at(utc)).expect("a test clock");
            let r = h.json(Method::POST, "/api/v1/reports/incident", None, incident(false), EN).await;
            assert_eq!(r.status, StatusCode::CREATED, "at {utc}: {}", r.body);
            let tracking = r.json()["tracking_id"].as_str().expect("tracking").to_string();
            assert!(
                tracking.starts_with(&format!("INC-{}-", &desk_day[..4])),
                "at {utc} (the desk's {desk_day}): {tracking}"
            );
        }
    }
}

//! IOC matching ("check my logs") over the API, in the random worlds of `intel_api`: the
//! matcher's hits are the plain SQL lookup's under the caller's scope, and the records
//! hit are exactly those the TLP rules let the caller see; a withdrawn record
//! stops matching; the NDJSON stream answers what the JSON endpoint does.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tocsin_domain::policy::IntelScope;
use tocsin_domain::{OrgId, UserId};

use crate::intel_api::{World, random_world, unique_domain};
use crate::{Harness, both_engines};

async fn matched(h: &Harness, token: Option<&str>, observables: &[String]) -> crate::Resp {
    h.json(
        Method::POST,
        "/api/v1/match",
        token,
        json!({ "observables": observables }),
        &[("accept-language", "en")],
    )
    .await
}

/// (record id, indicator, how) of every hit.
fn hits(r: &crate::Resp) -> BTreeSet<(String, String, String)> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            (
                h["record"]["id"].as_str().expect("id").to_string(),
                h["indicator"].as_str().expect("indicator").to_string(),
                h["how"].as_str().expect("how").to_string(),
            )
        })
        .collect()
}

/// The policy's listing scope of member `m`, built from what storage holds of them.
async fn scope_of(h: &Harness, w: &World, m: usize) -> IntelScope {
    let me = &w.members[m];
    if me.staff {
        return IntelScope::All;
    }
    let id = UserId(me.id.parse().expect("uuid"));
    let user = h
        .state
        .store
        .get_user(id)
        .await
        .expect("user")
        .expect("exists");
    let org: Option<OrgId> = user.org_id.0;
    let community = match org {
        Some(o) => !h
            .state
            .store
            .groups_of_org(o)
            .await
            .expect("groups")
            .is_empty(),
        None => false,
    };
    IntelScope::Restricted {
        user: Some(id),
        org,
        community,
    }
}

/// Observables for world `seed`: every record's own domain (some defanged, some upper
/// case), a subdomain of some, the indicators all records share, and random values that
/// match nothing.
fn observables(rng: &mut StdRng, seed: u64, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..n {
        let d = unique_domain(seed, i);
        out.push(match rng.random_range(0..4) {
            0 => d.replace('.', "[.]"),
            1 => d.to_uppercase(),
            _ => d.clone(),
        });
        if rng.random_bool(0.3) {
            out.push(format!("login.{d}"));
        }
    }
    for _ in 0..20 {
        out.push(format!(
            "{}.{}.{}.{}",
            rng.random_range(1..224),
            rng.random::<u8>(),
            rng.random::<u8>(),
            rng.random::<u8>()
        ));
        out.push(format!("{:032x}", rng.random::<u128>()));
        out.push(format!("n{}.example.com", rng.random::<u32>()));
    }
    out.extend(
        [
            "198.51.100.7",
            "hxxp://evil[.]example.net/x",
            "203.0.113.5",
            "SOC@example.org.tw",
            "not an indicator",
        ]
        .map(str::to_string),
    );
    out
}

both_engines! {
    async fn matching_agrees_with_sql_and_never_passes_the_policy(h: Harness) {
        let (mut seen, mut hidden) = (0, 0);
        for seed in [31u64, 32] {
            let w = random_world(&h, seed).await;
            let mut rng = StdRng::seed_from_u64(seed);
            let obs = observables(&mut rng, seed, w.recs.len());
            let r = matched(&h, None, &obs).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
            for (m, me) in w.members.iter().enumerate() {
                let got = hits(&matched(&h, Some(&me.token), &obs).await);
                // By the rules: a record's own domain hits exactly when m may see it.
                for (i, rec) in w.recs.iter().enumerate() {
                    let d = unique_domain(seed, i);
                    let hit = got.iter().any(|(id, ind, _)| *id == rec.id && *ind == d);
                    assert_eq!(hit, w.may_see(Some(m), rec), "seed {seed} member {m} record {i} tlp {} shared {}", rec.tlp, rec.shared);
                    if hit { seen += 1 } else { hidden += 1 }
                }
                // By SQL: the exact hits are the records in m's scope holding the value.
                let exact: BTreeSet<(String, String)> = got
                    .iter()
                    .filter(|(_, _, how)| how == "exact")
                    .map(|(id, ind, _)| (id.clone(), ind.clone()))
                    .collect();
                let values: Vec<String> = exact.iter().map(|(_, v)| v.clone()).chain(
                    (0..w.recs.len()).map(|i| unique_domain(seed, i)),
                ).chain(["198.51.100.7", "203.0.113.5", "soc@example.org.tw", "evil.example.net"].map(str::to_string))
                .collect();
                let sql: BTreeSet<(String, String)> = h
                    .state
                    .store
                    .intel_with_values(&scope_of(&h, &w, m).await, &values)
                    .await
                    .expect("sql")
                    .into_iter()
                    .map(|(id, v)| (id.to_string(), v))
                    .collect();
                let wanted: BTreeSet<String> = values.iter().cloned().collect();
                let sql: BTreeSet<(String, String)> = sql.into_iter().filter(|(_, v)| wanted.contains(v)).collect();
                // The evil domain is only met through the URL's host in `obs`, not exactly.
                let sql: BTreeSet<(String, String)> = sql.into_iter().filter(|(_, v)| v != "evil.example.net").collect();
                assert_eq!(exact, sql, "seed {seed} member {m}");
                let host: BTreeSet<String> = got.iter().filter(|(_, ind, how)| how == "host" && ind == "evil.example.net").map(|(id, _, _)| id.clone()).collect();
                let sql_evil: BTreeSet<String> = h.state.store.intel_with_values(&scope_of(&h, &w, m).await, &["evil.example.net".to_string()]).await.expect("sql").into_iter().map(|(id, _)| id.to_string()).collect();
                assert_eq!(host, sql_evil, "seed {seed} member {m}: a URL's host");
            }
        }
        assert!(seen > 10 && hidden > 10, "seen {seen}, hidden {hidden}");
    }

    async fn a_withdrawn_record_stops_matching(h: Harness) {
        let seed = 41u64;
        let w = random_world(&h, seed).await;
        let desk = &w.members[0].token;
        let obs: Vec<String> = (0..w.recs.len()).map(|i| unique_domain(seed, i)).collect();
        let before = hits(&matched(&h, Some(desk), &obs).await);
        let (i, rec) = w.recs.iter().enumerate().find(|(_, r)| r.shared).expect("a shared record");
        let readers: Vec<usize> = (1..w.members.len()).filter(|m| w.may_see(Some(*m), rec)).collect();
        assert!(before.iter().any(|(id, _, _)| *id == rec.id));
        let r = h.json(Method::POST, &format!("/api/v1/intel/{}/withdraw", rec.id), Some(&w.members[1].token), json!({}), &[]).await;
        assert!(matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "only the desk withdraws: {}", r.status);
        let r = h.json(Method::POST, &format!("/api/v1/intel/{}/withdraw", rec.id), Some(desk), json!({}), &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let d = unique_domain(seed, i);
        for m in std::iter::once(0).chain(readers) {
            let got = hits(&matched(&h, Some(&w.members[m].token), std::slice::from_ref(&d)).await);
            assert!(got.iter().all(|(id, _, _)| *id != rec.id), "member {m} still meets a withdrawn record");
        }
        let after = hits(&matched(&h, Some(desk), &obs).await);
        let gone: BTreeSet<_> = before.difference(&after).cloned().collect();
        assert!(!gone.is_empty() && gone.iter().all(|(id, _, _)| *id == rec.id), "{gone:?}");
    }

    async fn the_stream_answers_as_the_list_does(h: Harness) {
        let seed = 51u64;
        let w = random_world(&h, seed).await;
        let mut rng = StdRng::seed_from_u64(seed);
        let obs = observables(&mut rng, seed, w.recs.len());
        let member = w.members.iter().find(|m| !m.staff && m.submits).expect("a partner");
        let list = matched(&h, Some(&member.token), &obs).await;
        let want: Vec<Value> = list.json()["hits"].as_array().cloned().unwrap_or_default();
        let mut ndjson = String::new();
        for (k, o) in obs.iter().enumerate() {
            let line = if k % 2 == 0 { json!(o) } else { json!({ "value": o }) };
            ndjson.push_str(&line.to_string());
            ndjson.push('\n');
        }
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/match/stream")
            .header("content-type", "application/x-ndjson")
            .header("authorization", format!("Bearer {}", member.token))
            .body(Body::from(ndjson))
            .expect("request");
        let r = h.send(req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
        let lines: Vec<Value> = r.body.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
        let (summary, got) = lines.split_last().expect("a summary");
        assert_eq!(got, want.as_slice());
        assert_eq!(summary["summary"]["hits"], json!(want.len()));
        assert_eq!(summary["summary"]["observables"], list.json()["observables"]);
        assert_eq!(summary["summary"]["error"], Value::Null);
        let anonymous = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/match/stream")
            .header("content-type", "application/x-ndjson")
            .body(Body::from("\"198.51.100.7\"\n"))
            .expect("request");
        assert_eq!(h.send(anonymous).await.status, StatusCode::UNAUTHORIZED);
    }
}

/// A same-origin multipart POST of the page's form, as a browser sends it.
async fn post_page(h: &Harness, cookie: &str, text: &str, file: &str) -> crate::Resp {
    let b = "----tocsin-match";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"observables\"\r\n\r\n{text}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fw.log\"\r\nContent-Type: text/plain\r\n\r\n{file}\r\n--{b}--\r\n"
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/intel/match")
        .header("content-type", format!("multipart/form-data; boundary={b}"))
        .header("sec-fetch-site", "same-origin")
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://127.0.0.1:8080")
        .header("cookie", cookie)
        .body(Body::from(body))
        .expect("request");
    h.send(req).await
}

both_engines! {
    async fn the_page_matches_a_paste_and_an_upload(h: Harness) {
        let (desk_email, desk) = h.user("desk@cert.example.tw", &[tocsin_domain::Role::Analyst]).await;
        let (partner_email, _) = h.user("soc@partner.example.tw", &[tocsin_domain::Role::Partner]).await;
        let mut body = crate::intel_api::record("比對測試", "amber");
        body["content"] = json!("C2 198.51.100.7 與 evil.example.net");
        let r = h.json(Method::POST, "/api/v1/intel", Some(&desk), body, &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let anonymous = h.get("/intel/match", &[]).await;
        assert_ne!(anonymous.status, StatusCode::OK);
        let cookie = h.login(&desk_email).await;
        let form = h.get("/intel/match", &[("cookie", &cookie)]).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("id=\"match-form\"") && form.body.contains("比對入侵指標"));
        let r = post_page(&h, &cookie, "198.51.100.7\nnothing-here", "2026-12-01 deny src=a.evil[.]example.net").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("比對測試"), "{}", r.body);
        assert_eq!(r.body.matches("class=\"match-hit\"").count(), 2, "{}", r.body);
        assert!(r.body.contains("子網域"));
        // A partner outside the record's audience meets nothing.
        let cookie = h.login(&partner_email).await;
        let r = post_page(&h, &cookie, "198.51.100.7 evil.example.net", "").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("id=\"match-none\"") && !r.body.contains("比對測試"), "{}", r.body);
        let r = post_page(&h, &cookie, "  ", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

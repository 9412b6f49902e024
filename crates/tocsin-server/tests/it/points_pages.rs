//! The reward scheme's pages over HTTP on both engines: the member's points page (balance,
//! history, catalog, redemptions) after a verified report, a redemption held then
//! approved by an admin, refusals shown next to their item or field in the user's
//! language with nothing stored, the admin's adjustments and catalog (create, edit,
//! withdraw, offer again), item names escaped, the leaderboard with its opt-out, and who
//! may open which page.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tocsin_domain::{OrgKind, Role, Roles};
use tocsin_storage::{Holder, NewOrganization, NewUser};

use crate::{Harness, Resp, both_engines};

/// A member of a new organization `org`: (organization id, session cookie, API token).
async fn member(h: &Harness, org: &str, email: &str) -> (String, String, String) {
    let s = &h.state.store;
    let mut tx = s.begin().await.expect("begin");
    let o = tx
        .create_org(&NewOrganization {
            name: org.into(),
            sector: String::new(),
            kind: OrgKind::SecurityFirm,
            alliance_member: false,
        })
        .await
        .expect("org");
    let hash = tocsin_server::auth::hash_password("password-123456".into())
        .await
        .expect("hash");
    let u = tx
        .create_user(&NewUser {
            email: email.into(),
            name: email.into(),
            org_id: Some(o.id),
            roles: Roles::new([Role::Member]),
            password_hash: Some(hash),
        })
        .await
        .expect("user");
    tx.commit().await.expect("commit");
    let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
    s.create_api_token(u.id, "test", &tocsin_server::auth::hash_secret(&secret))
        .await
        .expect("token");
    let cookie = h.login(email).await;
    (o.id.to_string(), cookie, secret)
}

/// A report filed by the holder of `token` and triaged by the analyst `desk`.
async fn verified_report(h: &Harness, token: &str, desk: &str) -> String {
    let r = h.json(Method::POST, "/api/v1/reports/incident", Some(token), json!({
        "reporter_name": "資安公司", "email": "soc@firm.example.tw",
        "discovered_at": "2026-11-01T09:15", "time_zone": "Asia/Taipei",
        "incident_type": "web_attack", "description": "官網首頁遭置換", "needs_support": false,
    }), &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = r.json()["tracking_id"].as_str().expect("t").to_string();
    let r = h
        .json(
            Method::POST,
            &format!("/api/v1/reports/{t}/transition"),
            Some(desk),
            json!({"to": "triaged"}),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    t
}

/// The part of `body` from the element with `id` to the end of its section or form.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    let rest = &body[start..];
    let end = ["</section>", "</form>", "</table>"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The catalog entry of `item` on the member's page, its messages included.
fn catalog_item<'a>(body: &'a str, item: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"item-{item}\""))
        .unwrap_or_else(|| panic!("no item {item} in {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</div>").unwrap_or(rest.len())]
}

/// The text of the element with `id` (up to the next tag).
fn text_of<'a>(body: &'a str, id: &str) -> &'a str {
    let s = section(body, id);
    let from = s.find('>').map(|i| i + 1).unwrap_or(0);
    let s = &s[from..];
    &s[..s.find('<').unwrap_or(s.len())]
}

fn figures(page: &Resp) -> (String, String, String) {
    (
        text_of(&page.body, "points-balance").to_string(),
        text_of(&page.body, "points-held").to_string(),
        text_of(&page.body, "points-available").to_string(),
    )
}

fn nums(b: i64, held: i64, a: i64) -> (String, String, String) {
    (b.to_string(), held.to_string(), a.to_string())
}

/// Percent-encodes a form value (every byte outside the unreserved set).
fn pct(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Form-encodes pairs.
fn enc(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", pct(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn item_form(name: &str, cost: &str, stock: &str, until: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "event_slot".into()),
        ("name_zh", name.into()),
        ("name_en", "Annual meeting talk".into()),
        ("description", "二十分鐘演講".into()),
        ("cost", cost.into()),
        ("stock", stock.into()),
        ("valid_from", "2020-01-01".into()),
        ("valid_until", until.into()),
    ]
}

fn enc_owned(pairs: &[(&str, String)]) -> String {
    let v: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    enc(&v)
}

/// The item id of a redirect to the admin page's item.
fn item_of(r: &Resp) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.header("location").expect("location");
    to.strip_prefix("/admin/points#item-")
        .unwrap_or_else(|| panic!("redirect to {to}"))
        .to_string()
}

async fn entries(h: &Harness, org: &str) -> usize {
    let holder = Holder::Org(tocsin_domain::OrgId(org.parse().expect("org id")));
    match h.state.store.points_account_of(holder).await.expect("q") {
        Some(a) => h
            .state
            .store
            .points_history(a.id, 100)
            .await
            .expect("q")
            .len(),
        None => 0,
    }
}

const SCRIPT: &str = "<script>alert(1)</script>年會演講";

both_engines! {
    async fn a_member_earns_redeems_and_sees_the_admins_approval(h: Harness) {
        let (_, desk) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        h.user("admin@cert.tw", &[Role::Admin]).await;
        let admin = h.login("admin@cert.tw").await;
        let (org, cookie, token) = member(&h, "資安顧問股份有限公司", "m@firm.tw").await;
        assert_eq!(h.get("/points", &[]).await.header("location"), Some("/login"), "signed out: to the login");
        let page = h.get("/points", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"nav-points\""), "the member finds the page");
        assert_eq!(figures(&page), nums(0, 0, 0));
        assert!(page.body.contains("尚無點數紀錄。") && page.body.contains("目前沒有可兌換的項目。"));

        let t = verified_report(&h, &token, &desk).await;
        let page = h.get("/points", &[("cookie", &cookie)]).await;
        assert_eq!(figures(&page), nums(10, 0, 10));
        let history = section(&page.body, "history-list");
        assert!(history.contains("+10") && history.contains("獲得 · 資安事件通報經確認") && history.contains(&t), "{history}");

        // The admin adds an event slot whose name would be markup; it is shown as text.
        let r = h.form("/admin/points/items", &enc_owned(&item_form(SCRIPT, "10", "1", "2099-12-31")), Some(&admin)).await;
        let item = item_of(&r);
        let page = h.get("/points", &[("cookie", &cookie)]).await;
        assert!(!page.body.contains("<script>alert(1)"), "escaped");
        let row = catalog_item(&page.body, &item);
        assert!(row.contains("&#60;script&#62;alert(1)&#60;/script&#62;年會演講") && row.contains("參展・演講・活動"), "{row}");

        // Redeemed: held, shown as awaiting approval.
        let r = h.form("/points/redeem", &format!("item_id={item}"), Some(&cookie)).await;
        assert_eq!((r.status, r.header("location")), (StatusCode::SEE_OTHER, Some("/points#redemptions")));
        let page = h.get("/points", &[("cookie", &cookie)]).await;
        assert_eq!(figures(&page), nums(10, 10, 0));
        assert!(section(&page.body, "redemption-list").contains("審核中（點數保留）"));
        // Again: the stock is gone; said next to the item, in the user's language.
        let r = h.form("/points/redeem", &format!("item_id={item}"), Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(catalog_item(&r.body, &item).contains("此項目已兌換完畢。"), "{}", r.body);
        let en = format!("{cookie}; tocsin_lang=en");
        let r = h.form("/points/redeem", &format!("item_id={item}"), Some(&en)).await;
        assert!(catalog_item(&r.body, &item).contains("This item is out of stock."));
        assert_eq!(h.state.store.redemptions(None, None, 10).await.expect("q").len(), 1, "nothing half-stored");

        // Members do not reach the admin page or its forms.
        assert_eq!(h.get("/admin/points", &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.form("/admin/points/adjust", &format!("org_id={org}&delta=100&reason=x"), Some(&cookie)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(figures(&h.get("/points", &[("cookie", &cookie)]).await), nums(10, 10, 0));

        // The admin approves with a note; the member sees it spent.
        let adm = h.get("/admin/points", &[("cookie", &admin)]).await;
        assert_eq!(adm.status, StatusCode::OK);
        assert!(adm.body.contains("id=\"nav-points-admin\""));
        let rid = h.state.store.redemptions(None, None, 1).await.expect("q")[0].id.to_string();
        let pending = section(&adm.body, &format!("redemption-{rid}"));
        assert!(pending.contains("資安顧問股份有限公司") && pending.contains("&#60;script&#62;"), "{pending}");
        let r = h.form(&format!("/admin/points/redemptions/{rid}"), &enc(&[("decision", "approved"), ("note", "請於 12/20 報到")]), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = h.get("/points", &[("cookie", &cookie)]).await;
        assert_eq!(figures(&page), nums(0, 0, 0));
        let mine = section(&page.body, &format!("redemption-{rid}"));
        assert!(mine.contains("data-state=\"approved\"") && mine.contains("已核准") && mine.contains("請於 12/20 報到"), "{mine}");
        assert!(section(&page.body, "history-list").contains("-10"));
        // Deciding again is refused in words, next to the pending list.
        let r = h.form(&format!("/admin/points/redemptions/{rid}"), "decision=rejected&note=", Some(&admin)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(section(&r.body, "pending").contains("此兌換申請已經審核過了。"), "{}", r.body);
        assert_eq!(figures(&h.get("/points", &[("cookie", &cookie)]).await), nums(0, 0, 0));
    }

    async fn admin_forms_name_bad_fields_and_store_nothing(h: Harness) {
        h.user("admin@cert.tw", &[Role::Admin]).await;
        let admin = h.login("admin@cert.tw").await;
        let (org, cookie, _) = member(&h, "製造業者", "m@maker.tw").await;
        // An adjustment without a reason: named next to the field, the typed values kept.
        let r = h.form("/admin/points/adjust", &enc(&[("org_id", &org), ("delta", "25"), ("reason", " ")]), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let form = section(&r.body, "adjust-form");
        assert!(form.contains("此欄位為必填。") && form.contains("value=\"25\"") && form.contains(&format!("value=\"{org}\" selected")), "{form}");
        let r = h.form("/admin/points/adjust", &enc(&[("org_id", &org), ("delta", "many"), ("reason", "x")]), Some(&format!("{admin}; tocsin_lang=en"))).await;
        assert!(section(&r.body, "adjust-form").contains("Enter a whole number from -1000000 to 1000000."), "{}", r.body);
        assert_eq!(entries(&h, &org).await, 0);
        let r = h.form("/admin/points/adjust", &enc(&[("org_id", &org), ("delta", "25"), ("reason", "展覽協助")]), Some(&admin)).await;
        assert_eq!((r.status, r.header("location")), (StatusCode::SEE_OTHER, Some("/admin/points#adjust")));
        assert_eq!(entries(&h, &org).await, 1);
        assert!(h.audit_actions().await.iter().any(|a| a == "points.adjust"));
        let page = h.get("/points", &[("cookie", &cookie)]).await;
        assert_eq!(figures(&page), nums(25, 0, 25));
        assert!(section(&page.body, "history-list").contains("調整") && page.body.contains("展覽協助"));

        // An individual researcher's own account, chosen among the accounts without an
        // organization.
        let mut tx = h.state.store.begin().await.expect("begin");
        let solo = tx
            .create_user(&NewUser {
                email: "solo@researcher.tw".into(),
                name: "獨立研究員".into(),
                org_id: None,
                roles: Roles::new([Role::Reporter]),
                password_hash: None,
            })
            .await
            .expect("user");
        tx.commit().await.expect("commit");
        let page = h.get("/admin/points", &[("cookie", &admin)]).await;
        let form = section(&page.body, "adjust-form");
        assert!(form.contains(&format!("<option value=\"{}\">獨立研究員 &#60;solo@researcher.tw&#62;</option>", solo.id)), "{form}");
        assert!(!form.contains("m@maker.tw"), "members of organizations hold their organization's account");
        let r = h.form("/admin/points/adjust", &enc(&[("org_id", ""), ("user_id", &solo.id.to_string()), ("delta", "7"), ("reason", "漏洞獎勵")]), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let acct = h.state.store.points_account_of(Holder::User(solo.id)).await.expect("q").expect("account");
        assert_eq!((acct.balance, acct.held), (7, 0));

        // A bad new item: each message next to its field in the new-item form; nothing stored.
        let mut bad = item_form("", "0", "-1", "2019-12-31");
        bad[0].1 = "cash".into();
        let r = h.form("/admin/points/items", &enc_owned(&bad), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let form = section(&r.body, "item-new");
        for msg in ["請從選項中選擇。", "此欄位為必填。", "請輸入 1 到 1000000000 之間的整數。", "請輸入 0 到 1000000000 之間的整數。", "兌換截止日不可早於開始日。"] {
            assert!(form.contains(msg), "{msg}: {form}");
        }
        assert!(h.state.store.points_items(None).await.expect("q").is_empty());

        // Three kinds offered; an item is edited, withdrawn and offered again.
        let r = h.form("/admin/points/items", &enc_owned(&item_form("漏洞獎勵", "50", "3", "2099-12-31")), Some(&admin)).await;
        let item = item_of(&r);
        let page = h.get("/admin/points", &[("cookie", &admin)]).await;
        for kind in ["協處商機", "參展・演講・活動", "漏洞獎勵計畫"] {
            assert!(section(&page.body, "item-new").contains(kind), "{kind}");
        }
        let mut edit = item_form("漏洞獎勵", "60", "-1", "2099-12-31");
        edit.push(("active", "true".into()));
        edit.push(("op", "save".into()));
        let r = h.form(&format!("/admin/points/items/{item}"), &enc_owned(&edit), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(section(&r.body, &format!("item-{item}")).contains("請輸入 0 到 1000000000 之間的整數。"));
        assert!(!section(&r.body, "item-new").contains("field-error"), "the error is the edited item's");
        let stored = h.state.store.points_item(item.parse().expect("id")).await.expect("q").expect("item");
        assert_eq!((stored.cost, stored.stock), (50, 3), "nothing half-stored");
        edit[5].1 = "2".into();
        let r = h.form(&format!("/admin/points/items/{item}"), &enc_owned(&edit), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stored = h.state.store.points_item(item.parse().expect("id")).await.expect("q").expect("item");
        assert_eq!((stored.cost, stored.stock, stored.active), (60, 2, true));
        edit.last_mut().expect("op").1 = "withdraw".into();
        assert_eq!(h.form(&format!("/admin/points/items/{item}"), &enc_owned(&edit), Some(&admin)).await.status, StatusCode::SEE_OTHER);
        assert!(!h.state.store.points_item(item.parse().expect("id")).await.expect("q").expect("item").active);
        let page = h.get("/admin/points", &[("cookie", &admin)]).await;
        assert!(section(&page.body, &format!("item-{item}")).contains("已下架"));
        let member_page = h.get("/points", &[("cookie", &cookie)]).await;
        assert!(!member_page.body.contains(&format!("item-{item}")), "withdrawn: not offered");
        let r = h.form("/points/redeem", &format!("item_id={item}"), Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("此項目目前無法兌換（已下架或不在兌換期間內）。"), "{}", r.body);
        edit.last_mut().expect("op").1 = "offer".into();
        assert_eq!(h.form(&format!("/admin/points/items/{item}"), &enc_owned(&edit), Some(&admin)).await.status, StatusCode::SEE_OTHER);
        assert!(h.state.store.points_item(item.parse().expect("id")).await.expect("q").expect("item").active);

        // Too expensive: refused next to the item; a rejection gives the hold back.
        let r = h.form("/points/redeem", &format!("item_id={item}"), Some(&cookie)).await;
        assert!(catalog_item(&r.body, &item).contains("可用點數不足。"), "{}", r.body);
        edit[4].1 = "20".into();
        edit.last_mut().expect("op").1 = "save".into();
        assert_eq!(h.form(&format!("/admin/points/items/{item}"), &enc_owned(&edit), Some(&admin)).await.status, StatusCode::SEE_OTHER);
        assert_eq!(h.form("/points/redeem", &format!("item_id={item}"), Some(&cookie)).await.status, StatusCode::SEE_OTHER);
        let rid = h.state.store.redemptions(None, None, 1).await.expect("q")[0].id.to_string();
        let long = "長".repeat(2001);
        let r = h.form(&format!("/admin/points/redemptions/{rid}"), &enc(&[("decision", "rejected"), ("note", &long)]), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let row = section(&r.body, &format!("redemption-{rid}"));
        assert!(row.contains("最多 2000 個字元。"), "{row}");
        assert!(row.contains(&format!("value=\"{long}\"")), "the typed note is kept");
        let r = h.form(&format!("/admin/points/redemptions/{rid}"), &enc(&[("decision", "rejected"), ("note", "名額已滿")]), Some(&admin)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = h.get("/points", &[("cookie", &cookie)]).await;
        assert_eq!(figures(&page), nums(25, 0, 25));
        assert!(section(&page.body, &format!("redemption-{rid}")).contains("已退回"));
        assert_eq!(h.state.store.points_item(item.parse().expect("id")).await.expect("q").expect("item").stock, 2);
    }

    async fn the_leaderboard_names_only_who_did_not_opt_out(h: Harness) {
        let (_, desk) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (_, a_cookie, a) = member(&h, "甲資安", "a@one.tw").await;
        let (_, b_cookie, b) = member(&h, "乙 <b>製造</b>", "b@two.tw").await;
        for _ in 0..2 {
            verified_report(&h, &b, &desk).await;
        }
        verified_report(&h, &a, &desk).await;
        let board = h.get("/points/leaderboard", &[("cookie", &a_cookie)]).await;
        assert_eq!(board.status, StatusCode::OK);
        let list = section(&board.body, "leaderboard-list");
        assert!(list.contains("乙 &#60;b&#62;製造&#60;/b&#62;") && list.contains("甲資安"), "{list}");
        assert!(list.find("乙").expect("b") < list.find("甲").expect("a"), "ranked by points");
        // B opts out: ranked first without a name; then back in.
        let page = h.get("/points", &[("cookie", &b_cookie)]).await;
        assert!(section(&page.body, "leaderboard").contains("本單位目前在排行榜上具名顯示。"));
        let r = h.form("/points/opt-out", "opt_out=true", Some(&b_cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = h.get("/points", &[("cookie", &b_cookie)]).await;
        assert!(section(&page.body, "leaderboard").contains("本單位目前在排行榜上不顯示名稱"));
        let list = h.get("/points/leaderboard", &[("cookie", &a_cookie)]).await.body;
        let list = section(&list, "leaderboard-list");
        assert!(!list.contains("製造") && list.contains("（不具名）") && list.contains("甲資安"), "{list}");
        assert!(list.find("（不具名）").expect("unnamed") < list.find("甲資安").expect("a"));
        let en = h.get("/points/leaderboard", &[("cookie", &format!("{a_cookie}; tocsin_lang=en"))]).await.body;
        assert!(en.contains("(unnamed)") && en.contains("Reward points leaderboard"));
        assert!(h.get("/points/leaderboard?year=2020", &[("cookie", &a_cookie)]).await.body.contains("id=\"leaderboard-empty\""));
        assert_eq!(h.form("/points/opt-out", "opt_out=false", Some(&b_cookie)).await.status, StatusCode::SEE_OTHER);
        let list = h.get("/points/leaderboard", &[("cookie", &a_cookie)]).await.body;
        assert!(section(&list, "leaderboard-list").contains("製造"));
        // Signed out: to the login.
        assert_eq!(h.get("/points/leaderboard", &[]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(h.form("/points/opt-out", "opt_out=true", None).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn staff_without_an_account_see_no_points_link_and_get_a_refusal(h: Harness) {
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let desk = h.login("analyst@cert.tw").await;
        let home = h.get("/", &[("cookie", &desk)]).await;
        assert!(!home.body.contains("id=\"nav-points\"") && !home.body.contains("id=\"nav-points-admin\""));
        assert_eq!(h.get("/points", &[("cookie", &desk)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get("/admin/points", &[("cookie", &desk)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get("/points/leaderboard", &[("cookie", &desk)]).await.status, StatusCode::OK);
    }
}

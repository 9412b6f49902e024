//! Membership over HTTP on both engines: an organization signs itself up at `/join`, the
//! applicant confirms their mail, an admin vets it, the first user sets a password, signs
//! in, files a report and earns points; a bad 統一編號 is refused on its field; a rejection
//! mails its reason; an unconfirmed application cannot be approved; the alliance's
//! apply → review → approve puts the organization in the alliance's sharing group; its
//! directory is for members only; the public list leaves out those who opted out; ISAC
//! pages and their members' view; a member invites colleagues into their organization
//! (as members, nothing more) and nobody else's.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tocsin_domain::{OrgId, Role};
use tocsin_storage::points::Holder;

use crate::own_pages::{body_of, link_in_mail};
use crate::referral_pages::enc;
use crate::{Harness, both_engines};

/// A complete application from `email` for `org`, form-encoded.
fn application(org: &str, email: &str, ubn: &str) -> String {
    format!(
        "kind=company&org_name={}&org_name_en=Acme+Semiconductor&sector=%E5%8D%8A%E5%B0%8E%E9%AB%94\
         &business_number={ubn}&website=https%3A%2F%2Fwww.acme.example.tw&name=%E7%8E%8B%E5%B0%8F%E6%98%8E\
         &email={}&phone=02-2345-6789",
        enc(org),
        enc(email)
    )
}

/// The admin's session cookie.
async fn admin(h: &Harness) -> String {
    h.user("admin@cert.example.tw", &[Role::Admin]).await;
    h.login("admin@cert.example.tw").await
}

/// The id of the only pending application from `email`.
async fn application_id(h: &Harness, email: &str) -> String {
    h.state
        .store
        .list_org_applications("pending")
        .await
        .expect("list")
        .into_iter()
        .find(|a| a.applicant_email == email)
        .expect("application")
        .id
        .to_string()
}

both_engines! {
    async fn join_confirm_approve_sign_in_report_earns_points(h: Harness) {
        let page = h.get("/join", &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"join-form\""), "{}", page.body);
        let home = h.get("/", &[]).await;
        assert!(home.body.contains("href=\"/join\""), "the front door links to /join");

        let email = "wang@acme.example.tw";
        let r = h.form("/join", &application("頂尖半導體", email, "22099131"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("id=\"join-sent\""), "{}", r.body);
        let id = application_id(&h, email).await;

        // Unconfirmed: marked so, without an approve button, and refused if forced.
        let cookie = admin(&h).await;
        let list = h.get("/admin/applications", &[("cookie", &cookie)]).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("class=\"unconfirmed\""), "{}", list.body);
        assert!(!list.body.contains(&format!("id=\"approve-{id}\"")));
        assert!(list.body.contains("class=\"domain-verified\""), "mail domain matches the site");
        let r = h.form(&format!("/admin/applications/{id}/approve"), "", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("申請人尚未確認信箱"), "{}", r.body);

        // The applicant confirms by the link in their mail (once).
        let token = link_in_mail(&h, email, "/join/confirm?token=").await;
        let r = h.get(&format!("/join/confirm?token={token}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("id=\"join-confirm-form\""));
        let r = h.form("/join/confirm", &format!("token={token}"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("id=\"join-confirmed\""));
        let r = h.form("/join/confirm", &format!("token={token}"), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the link works once");

        let list = h.get("/admin/applications", &[("cookie", &cookie)]).await;
        assert!(list.body.contains(&format!("id=\"approve-{id}\"")), "{}", list.body);
        let r = h.form(&format!("/admin/applications/{id}/approve"), "", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = h.form(&format!("/admin/applications/{id}/approve"), "", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "decided once");

        // The organization exists with what it said of itself; the first user is its member.
        let user = h.state.store.find_user_by_email(email).await.expect("find").expect("user");
        let org = user.org_id.0.expect("an organization");
        let stored = h.state.store.get_org(org).await.expect("org").expect("org");
        assert_eq!(stored.name, "頂尖半導體");
        let profile = h.state.store.get_org_profile(org).await.expect("p").expect("profile");
        assert_eq!(profile.business_number, "22099131");
        assert!(user.roles.has(Role::Member));

        // First sign-in through the set-password link.
        let token = link_in_mail(&h, email, "/password?token=").await;
        let body = format!("token={token}&password=a-new-member-password&password_confirm=a-new-member-password");
        let r = h.form("/password", &body, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = h.form("/login", &format!("email={}&password=a-new-member-password", enc(email)), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let member = r.session_cookie().expect("session");
        let r = h.get("/org", &[("cookie", &member)]).await;
        assert_eq!(r.header("location"), Some(format!("/org/{org}").as_str()));
        let page = h.get(&format!("/org/{org}"), &[("cookie", &member)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("22099131") && page.body.contains("頂尖半導體"));

        // A report filed as the member earns the organization points once verified.
        let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
        h.state.store.create_api_token(user.id, "t", &tocsin_server::auth::hash_secret(&secret)).await.expect("token");
        let r = h.json(Method::POST, "/api/v1/reports/incident", Some(&secret), json!({
            "reporter_name": "王小明", "email": email,
            "discovered_at": "2026-11-01T09:15", "time_zone": "Asia/Taipei",
            "incident_type": "web_attack", "description": "官網首頁遭置換", "needs_support": false,
        }), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.json()["tracking_id"].as_str().expect("t").to_string();
        let (_, desk) = h.user("desk@cert.example.tw", &[Role::Analyst]).await;
        let r = h.json(Method::POST, &format!("/api/v1/reports/{t}/transition"), Some(&desk), json!({"to": "triaged"}), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let acct = h.state.store.points_account_of(Holder::Org(org)).await.expect("acct").expect("an account");
        assert!(acct.balance > 0, "{acct:?}");
        let actions = h.audit_actions().await;
        for a in ["join.apply", "join.confirm", "join.approve"] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    }

    async fn a_bad_business_number_is_refused_naming_the_field(h: Harness) {
        let email = "lin@bad.example.tw";
        let r = h.form("/join", &application("壞號碼公司", email, "22099132"), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"f-business_number-error\""), "{}", r.body);
        assert!(r.body.contains("統一編號不正確"), "{}", r.body);
        assert!(r.body.contains("href=\"#f-business_number\""), "the summary links the field");
        assert!(r.body.contains("壞號碼公司"), "what was typed stays");
        assert!(h.outbox_to(email).await.is_empty(), "nothing mailed");
        assert!(h.state.store.list_org_applications("pending").await.expect("l").is_empty());
        // In English too.
        let r = h.send(
            axum::http::Request::builder()
                .method(Method::POST)
                .uri("/join")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .header("cookie", "tocsin_lang=en")
                .body(axum::body::Body::from(application("Bad Co", email, "1234567")))
                .expect("req"),
        ).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("uniform business number is not valid"), "{}", r.body);
    }

    async fn a_rejected_application_mails_the_reason(h: Harness) {
        let email = "chen@nope.example.tw";
        let r = h.form("/join", &application("不符資格公司", email, ""), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let id = application_id(&h, email).await;
        let cookie = admin(&h).await;
        let r = h.form(&format!("/admin/applications/{id}/reject"), "reason=", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
        let reason = "無法確認組織身分，請附上公司網站";
        let r = h.form(&format!("/admin/applications/{id}/reject"), &format!("reason={}", enc(reason)), Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mails: Vec<String> = h.outbox_to(email).await.iter().map(|m| body_of(&m.message)).collect();
        assert!(mails.iter().any(|m| m.contains(reason)), "{mails:?}");
        let list = h.get("/admin/applications", &[("cookie", &cookie)]).await;
        assert!(!list.body.contains(&id), "decided applications leave the list");
        assert!(h.state.store.find_user_by_email(email).await.expect("f").is_none());
        // Only admins vet.
        let (_, _) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let analyst = h.login("analyst@cert.example.tw").await;
        assert_eq!(h.get("/admin/applications", &[("cookie", &analyst)]).await.status, StatusCode::FORBIDDEN);
    }

    async fn alliance_apply_review_approve_joins_the_sharing_group(h: Harness) {
        let email = "soc@team.example.tw";
        h.user(email, &[Role::Member]).await;
        let member = h.login(email).await;
        let user = h.state.store.find_user_by_email(email).await.expect("f").expect("u");
        let org: OrgId = user.org_id.0.expect("org");
        let page = h.get(&format!("/org/{org}"), &[("cookie", &member)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"alliance-form\""), "{}", page.body);
        assert!(page.body.contains("id=\"alliance-terms\""));

        let profile = "team_name=ACME-CSIRT&constituency=ACME+employees&email=csirt%40team.example.tw\
            &phone=02-1234-5678&emergency=0912-345-678&pgp_fingerprint=ABCD+EF01+2345+6789+ABCD++EF01+2345+6789+ABCD+EF01\
            &hours=24x7&services=incident+response";
        let r = h.form(&format!("/org/{org}/alliance"), profile, Some(&member)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the terms must be accepted");
        assert!(r.body.contains("id=\"f-accept_terms-error\""), "{}", r.body);
        let r = h.form(&format!("/org/{org}/alliance"), &format!("{profile}&accept_terms=on&listed=on"), Some(&member)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // Another organization's member may neither apply for it nor read the directory.
        h.user("other@else.example.tw", &[Role::Member]).await;
        let other = h.login("other@else.example.tw").await;
        let r = h.form(&format!("/org/{org}/alliance"), &format!("{profile}&accept_terms=on"), Some(&other)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let cookie = admin(&h).await;
        let r = h.form(&format!("/admin/alliance/{org}"), "state=approved", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "review comes first");
        for to in ["under_review", "approved"] {
            let r = h.form(&format!("/admin/alliance/{org}"), &format!("state={to}"), Some(&cookie)).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{to}: {}", r.body);
        }
        let group = h.state.store.list_groups().await.expect("g").into_iter()
            .find(|g| g.name == h.state.config.alliance.group_name).expect("the alliance group");
        assert_eq!(group.kind, "alliance");
        assert!(h.state.store.groups_of_org(org).await.expect("g").contains(&group.id));
        assert!(h.state.store.get_org(org).await.expect("o").expect("o").alliance_member);
        let mails: Vec<String> = h.outbox_to("csirt@team.example.tw").await.iter().map(|m| m.subject.clone()).collect();
        assert!(!mails.is_empty(), "the team hears of the decision");

        // The directory: members and staff; not other organizations, not anonymous callers.
        let dir = h.get("/alliance/directory", &[("cookie", &member)]).await;
        assert_eq!(dir.status, StatusCode::OK);
        assert!(dir.body.contains("ACME-CSIRT") && dir.body.contains("0912-345-678"));
        assert_eq!(h.get("/alliance/directory", &[("cookie", &other)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get("/alliance/directory", &[]).await.status, StatusCode::SEE_OTHER);

        // The public list names it until it opts out.
        let name = format!("org of {email}");
        assert!(h.get("/alliance", &[]).await.body.contains(&name));
        let r = h.form(&format!("/org/{org}/alliance/listed"), "", Some(&member)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let public = h.get("/alliance", &[]).await;
        assert!(!public.body.contains(&name), "{}", public.body);
        assert!(h.get("/alliance/directory", &[("cookie", &member)]).await.body.contains("ACME-CSIRT"), "still in the directory");

        // Suspension takes it out of the group and clears the flag.
        let r = h.form(&format!("/admin/alliance/{org}"), "state=suspended", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a suspension needs a reason");
        let r = h.form(&format!("/admin/alliance/{org}"), "state=suspended&reason=contacts+outdated", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(!h.state.store.groups_of_org(org).await.expect("g").contains(&group.id));
        assert!(!h.state.store.get_org(org).await.expect("o").expect("o").alliance_member);
        assert_eq!(h.get("/alliance/directory", &[("cookie", &member)]).await.status, StatusCode::FORBIDDEN);
    }

    async fn isac_public_page_and_members_view(h: Harness) {
        let index = h.get("/isac", &[]).await;
        assert_eq!(index.status, StatusCode::OK);
        for code in ["N-ISAC", "SP-ISAC", "H-ISAC", "F-ISAC", "C-ISAC", "A-ISAC", "E-ISAC", "T-ISAC"] {
            assert!(index.body.contains(code), "{code}");
        }
        let page = h.get("/isac/F-ISAC", &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"isac-about\"") && page.body.contains("金融"));
        assert!(page.body.contains("href=\"/join\""), "how a company joins");
        assert_eq!(h.get("/isac/X-ISAC", &[]).await.status, StatusCode::NOT_FOUND);

        // The admin maps F-ISAC to a sharing group holding a bank.
        let cookie = admin(&h).await;
        let r = h.form("/admin/groups", "name=F-ISAC+members&kind=isac&description=", Some(&cookie)).await;
        assert!(r.status.is_redirection() || r.status == StatusCode::OK, "{}", r.body);
        let group = h.state.store.list_groups().await.expect("g").into_iter()
            .find(|g| g.name == "F-ISAC members").expect("group");
        let r = h.form("/admin/isacs/F-ISAC", &format!("group_id={}", group.id), Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = h.form("/admin/isacs/F-ISAC", "group_id=not-a-group", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        h.user("it@bank.example.tw", &[Role::Member]).await;
        let bank = h.login("it@bank.example.tw").await;
        let bank_org = h.state.store.find_user_by_email("it@bank.example.tw").await.expect("f").expect("u").org_id.0.expect("org");
        let mut tx = h.state.store.begin().await.expect("tx");
        tx.add_group_member(group.id, bank_org).await.expect("add");
        tx.commit().await.expect("commit");

        let view = h.get("/isac/F-ISAC/members", &[("cookie", &bank)]).await;
        assert_eq!(view.status, StatusCode::OK, "{}", view.body);
        assert!(view.body.contains("org of it@bank.example.tw"));
        h.user("it@shop.example.tw", &[Role::Member]).await;
        let shop = h.login("it@shop.example.tw").await;
        assert_eq!(h.get("/isac/F-ISAC/members", &[("cookie", &shop)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get("/isac/F-ISAC/members", &[]).await.status, StatusCode::SEE_OTHER);

        // The bank's page says which ISACs and groups it belongs to.
        let page = h.get(&format!("/org/{bank_org}"), &[("cookie", &bank)]).await;
        assert_eq!(page.status, StatusCode::OK);
        let isacs = &page.body[page.body.find("id=\"org-isacs\"").expect("isacs")..];
        assert!(isacs.contains("/isac/F-ISAC"), "{}", page.body);
        assert!(page.body.contains("F-ISAC members"));
        assert_eq!(h.get(&format!("/org/{bank_org}"), &[("cookie", &shop)]).await.status, StatusCode::FORBIDDEN);
    }

    async fn a_member_invites_a_colleague_into_their_organization_only(h: Harness) {
        h.user("lin@acme.example.tw", &[Role::Member]).await;
        let lin = h.login("lin@acme.example.tw").await;
        let org = h.state.store.find_user_by_email("lin@acme.example.tw").await.expect("f").expect("u").org_id.0.expect("org");
        let page = h.get(&format!("/org/{org}"), &[("cookie", &lin)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"colleague-form\""), "{}", page.body);
        assert!(page.body.contains("lin@acme.example.tw"), "the people are listed");

        // A bad address is refused on its field and nothing is stored.
        let r = h.form(&format!("/org/{org}/colleagues"), "name=%E9%99%B3%E5%A4%A7%E6%96%87&email=not-an-address", Some(&lin)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"c-email-error\""), "{}", r.body);
        assert!(!r.body.contains("id=\"f-email-error\""), "the alliance form keeps its own errors");
        let before = h.state.store.users_of_org(org).await.expect("users").len();
        assert_eq!(before, 1);

        // Roles and organization in the form are not the inviter's to choose.
        let body = format!("name=%E9%99%B3%E5%A4%A7%E6%96%87&email={}&roles=admin&org_id={}", enc("chen@acme.example.tw"), uuid::Uuid::new_v4());
        let r = h.form(&format!("/org/{org}/colleagues"), &body, Some(&lin)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = h.get(r.header("location").expect("location"), &[("cookie", &lin)]).await;
        assert!(page.body.contains("id=\"colleague-invited\""), "{}", page.body);
        assert!(page.body.contains("chen@acme.example.tw"));
        let chen = h.state.store.find_user_by_email("chen@acme.example.tw").await.expect("f").expect("invited");
        assert_eq!(chen.org_id.0, Some(org));
        assert_eq!(chen.roles.iter().collect::<Vec<_>>(), vec![Role::Member]);
        assert!(chen.password_hash.is_none());
        let r = h.form(&format!("/org/{org}/colleagues"), &body, Some(&lin)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an address is invited once");

        // The colleague sets a password from the mail and lands in the same organization.
        let token = link_in_mail(&h, "chen@acme.example.tw", "/password?token=").await;
        let r = h.form("/password", &format!("token={token}&password=a-colleague-password&password_confirm=a-colleague-password"), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = h.form("/login", &format!("email={}&password=a-colleague-password", enc("chen@acme.example.tw")), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let chen_cookie = r.session_cookie().expect("session");
        let r = h.get("/org", &[("cookie", &chen_cookie)]).await;
        assert_eq!(r.header("location"), Some(format!("/org/{org}").as_str()));

        // Another organization's member cannot invite into this one (nor see its people).
        h.user("eve@other.example.tw", &[Role::Member]).await;
        let eve = h.login("eve@other.example.tw").await;
        let r = h.form(&format!("/org/{org}/colleagues"), &format!("name=Eve&email={}", enc("mole@other.example.tw")), Some(&eve)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(h.state.store.find_user_by_email("mole@other.example.tw").await.expect("f").is_none());
        // A reporter without the member role does not invite either.
        h.user("solo@acme.example.tw", &[Role::Reporter]).await;
        let solo = h.login("solo@acme.example.tw").await;
        let solo_org = h.state.store.find_user_by_email("solo@acme.example.tw").await.expect("f").expect("u").org_id.0.expect("org");
        let page = h.get(&format!("/org/{solo_org}"), &[("cookie", &solo)]).await;
        assert!(!page.body.contains("id=\"colleague-form\""), "{}", page.body);
        let r = h.form(&format!("/org/{solo_org}/colleagues"), &format!("name=X&email={}", enc("x@acme.example.tw")), Some(&solo)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(h.audit_actions().await.iter().any(|a| a == "colleague.invite"));
    }
}

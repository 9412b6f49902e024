use axum::http::StatusCode;
use tocsin_domain::Role;

use crate::both_engines;

fn token_from_mail(message: &[u8]) -> String {
    // Quoted-printable or base64 bodies: look in the decoded-enough text for the link.
    let text = String::from_utf8_lossy(message)
        .replace("=\r\n", "")
        .replace("=3D", "=");
    let start = text.find("/password?token=").expect("link in mail") + "/password?token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

both_engines! {
    async fn first_admin_setup_then_admin_pages(h: Harness) {
        let token = tocsin_app::service::ensure_setup_token(&h.state).await.expect("token").expect("no admin yet");
        assert_eq!(h.get("/setup?token=wrong", &[]).await.status, StatusCode::FORBIDDEN);
        let page = h.get(&format!("/setup?token={token}"), &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<html lang=\"zh-TW\">"));
        let bad = h.form("/setup", &format!("token={token}&name=Root&email=root%40cert.tw&password=short"), None).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("field-error"));
        let ok = h.form("/setup", &format!("token={token}&name=Root&email=root%40cert.tw&password=a-long-password"), None).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        // The link works once.
        let again = h.form("/setup", &format!("token={token}&name=X&email=x%40cert.tw&password=a-long-password"), None).await;
        assert_eq!(again.status, StatusCode::FORBIDDEN);
        assert!(tocsin_app::service::ensure_setup_token(&h.state).await.expect("token").is_none());

        let r = h.form("/login", "email=root%40cert.tw&password=a-long-password", None).await;
        let cookie = r.session_cookie().expect("cookie");
        let orgs = h.get("/admin/orgs", &[("cookie", &cookie)]).await;
        assert_eq!(orgs.status, StatusCode::OK);
        assert!(orgs.body.contains("id=\"logout-button\""));
        let created = h.form("/admin/orgs", "name=%E5%8F%B0%E9%9B%BB&sector=%E8%83%BD%E6%BA%90&kind=company&alliance_member=on", Some(&cookie)).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER);
        let empty = h.form("/admin/orgs", "name=&kind=company", Some(&cookie)).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("此欄位為必填。"));
        let orgs = h.state.store.list_orgs().await.expect("orgs");
        let taipower = orgs.iter().find(|o| o.name == "台電").expect("created");
        assert!(taipower.alliance_member);

        // A user with two roles from checkboxes, invited by mail, sets a password, signs in.
        let form = format!("email=new%40tp.tw&name=New&org_id={}&roles=member&roles=reporter&password=", taipower.id);
        let u = h.form("/admin/users", &form, Some(&cookie)).await;
        assert_eq!(u.status, StatusCode::SEE_OTHER, "{}", u.body);
        let user = h.state.store.find_user_by_email("new@tp.tw").await.expect("q").expect("created");
        assert_eq!(user.roles.to_csv(), "reporter,member");
        let mail = h.state.store.list_outbox(10).await.expect("outbox");
        let link_token = token_from_mail(&mail[0].message);
        assert_eq!(h.get(&format!("/password?token={link_token}"), &[]).await.status, StatusCode::OK);
        let mismatch = h.form("/password", &format!("token={link_token}&password=new-password-1&password_confirm=other-password"), None).await;
        assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
        let set = h.form("/password", &format!("token={link_token}&password=new-password-1&password_confirm=new-password-1"), None).await;
        assert_eq!(set.status, StatusCode::SEE_OTHER);
        let login = h.form("/login", "email=new%40tp.tw&password=new-password-1", None).await;
        assert!(login.session_cookie().is_some());
        // A member is not an admin.
        let member_cookie = login.session_cookie().expect("cookie");
        assert_eq!(h.get("/admin/users", &[("cookie", &member_cookie)]).await.status, StatusCode::FORBIDDEN);

        let audit = h.get("/admin/audit?action=auth.", &[("cookie", &cookie)]).await;
        assert_eq!(audit.status, StatusCode::OK);
        assert!(audit.body.contains("auth.login"));
        assert!(!audit.body.contains("org.create"), "filtered");
    }

    async fn language_switch(h: Harness) {
        let zh = h.get("/login", &[]).await;
        assert!(zh.body.contains("<html lang=\"zh-TW\">") && zh.body.contains("登入"));
        let en = h.get("/login", &[("accept-language", "en-US,en;q=0.9")]).await;
        assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Sign in"));
        let sw = h.get("/lang/en?next=/login", &[]).await;
        assert_eq!(sw.status, StatusCode::SEE_OTHER);
        assert_eq!(sw.header("location"), Some("/login"));
        let cookie = sw.header("set-cookie").expect("cookie").split(';').next().expect("kv").to_string();
        // The cookie beats Accept-Language.
        let en2 = h.get("/login", &[("cookie", &cookie), ("accept-language", "zh-TW")]).await;
        assert!(en2.body.contains("<html lang=\"en\">"));
        // No open redirect through the switch.
        let evil = h.get("/lang/en?next=//evil.example/", &[]).await;
        assert_eq!(evil.header("location"), Some("/"));
        assert_eq!(h.get("/lang/fr", &[]).await.status, StatusCode::NOT_FOUND);
        // Error pages are localized too.
        let nf = h.get("/no-such-page", &[("accept-language", "en")]).await;
        assert_eq!(nf.status, StatusCode::NOT_FOUND);
        assert!(nf.body.contains("No such page or record."));
    }

    async fn account_tokens_page(h: Harness) {
        h.user("a@b.tw", &[Role::Reporter]).await;
        let cookie = h.login("a@b.tw").await;
        let r = h.form("/account/tokens", "name=my+script", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        let start = r.body.find("id=\"new-token\">").expect("shown once") + "id=\"new-token\">".len();
        let secret: String = r.body[start..].chars().take_while(|c| *c != '<').collect();
        let me = h.get("/api/v1/me", &[("authorization", &format!("Bearer {secret}"))]).await;
        assert_eq!(me.status, StatusCode::OK);
        let again = h.get("/account", &[("cookie", &cookie)]).await;
        assert!(!again.body.contains(&secret), "the secret is shown only once");
        assert!(again.body.contains("my script"));
    }
}

both_engines! {
    async fn admin_edits_a_user_and_mails_a_password_link(h: Harness) {
        h.user("admin@cert.tw", &[Role::Admin]).await;
        h.user("m@corp.tw", &[Role::Member]).await;
        let cookie = h.login("admin@cert.tw").await;
        let m = h.state.store.find_user_by_email("m@corp.tw").await.expect("q").expect("user");
        let page = h.get(&format!("/admin/users/{}", m.id), &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("value=\"member\" checked"));
        let org = m.org_id.0.expect("org");
        let r = h.form(&format!("/admin/users/{}", m.id), &format!("name=M2&org_id={org}&roles=analyst&disabled=on"), Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let m2 = h.state.store.get_user(m.id).await.expect("q").expect("user");
        assert_eq!((m2.name.as_str(), m2.roles.to_csv().as_str(), m2.disabled), ("M2", "analyst", true));
        let r = h.form(&format!("/admin/users/{}", m.id), &format!("name=&org_id={org}"), Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("field-error"));
        let r = h.form(&format!("/admin/users/{}/password-link", m.id), "", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let mail = h.state.store.list_outbox(10).await.expect("outbox");
        assert_eq!(mail.len(), 1);
        assert!(mail[0].recipients.contains("m@corp.tw"));
        assert!(!token_from_mail(&mail[0].message).is_empty());
        // The admin's own page does not offer self-demotion.
        let me = h.state.store.find_user_by_email("admin@cert.tw").await.expect("q").expect("user");
        assert_eq!(h.get(&format!("/admin/users/{}", me.id), &[("cookie", &cookie)]).await.status, StatusCode::FORBIDDEN);
        // Organizations are edited the same way.
        let r = h.form(&format!("/admin/orgs/{org}"), "name=Renamed&kind=isp", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(h.state.store.get_org(org).await.expect("q").expect("org").name, "Renamed");
        assert_eq!(h.get("/admin/orgs/not-an-id", &[("cookie", &cookie)]).await.status, StatusCode::NOT_FOUND);
    }
}

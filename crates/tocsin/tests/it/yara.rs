//! Virus Check's YARA engine end to end, on both engines: an admin uploads a rule set at
//! `/admin/virus-check/rules`, a file matching it is malicious by YARA with the rule's
//! name; a set with a syntax error is refused with its line and nothing is stored;
//! disabling the set makes the stored result stale, so the same file uploaded again is
//! scanned again and no longer matches; a user who is not an admin cannot reach the page.

use crate::virus::{completed, upload};
use crate::{ENGINES, Server, TempDir, admin, db, http, user_token};

const RULE: &str = "rule Tocsin_Yara_Test_Marker\n{\n    strings:\n        $a = \"TOCSIN-YARA-TEST-MARKER\"\n    condition:\n        $a\n}\n";

/// A rule set with a syntax error on line 4.
const BROKEN: &str =
    "rule Fine { condition: true }\n\nrule Broken {\n    condition: true and and\n}\n";

/// The upload form's body: `name` and the rules pasted.
fn rules_form(name: &str, source: &str) -> (String, String) {
    let boundary = "tocsin-yara-rules-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n{name}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\n{source}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn a_file_matching_an_admins_yara_rule_is_malicious_by_yara() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let data = TempDir::new();
        let token = admin(&db, "yara-admin@cert.example.tw");
        let member = user_token(&db, "yara-member@example.tw", "User", "analyst");
        let server = Server::start(&db.url, &data.0, &[("TOCSIN_MAIL_WORKER", "off")]);
        let addr = server.addr.as_str();
        let auth = format!("Bearer {token}");
        let get = |who: &str| {
            http(
                addr,
                "GET",
                "/admin/virus-check/rules",
                &[("Authorization", who), ("Accept-Language", "en")],
                "",
            )
            .expect("page")
        };
        // An upload of the form by `who`: the answer's status and body.
        let upload_rules = |who: &str, name: &str, source: &str| {
            let (ctype, body) = rules_form(name, source);
            http(
                addr,
                "POST",
                "/admin/virus-check/rules",
                &[
                    ("Content-Type", &ctype),
                    ("Authorization", who),
                    ("Accept-Language", "en"),
                    ("Sec-Fetch-Site", "same-origin"),
                ],
                &body,
            )
            .expect("post")
        };

        // Not an admin: refused; anonymous: sent to sign in.
        let (status, _) = get(&format!("Bearer {member}"));
        assert_eq!(status, 403, "{engine:?}");
        let (status, _) = http(addr, "GET", "/admin/virus-check/rules", &[], "").expect("page");
        assert!(status == 303 || status == 401, "{status}");
        let member_auth = format!("Bearer {member}");
        let (status, _) = upload_rules(&member_auth, "sneaky", RULE);
        assert_eq!(status, 403);

        // The admin's page, linked from the admin menu.
        let (status, page) = get(&auth);
        assert_eq!(status, 200);
        assert!(page.contains("href=\"/admin/virus-check/rules\""), "{page}");
        assert!(page.contains("No rule set yet."), "{page}");

        // A syntax error: refused with its line, in the admin's language, nothing stored.
        let (status, page) = upload_rules(&auth, "broken set", BROKEN);
        assert_eq!(status, 422, "{page}");
        assert!(page.contains("Rules: Line 4: "), "{page}");
        assert!(page.contains("id=\"rules-source-error\""), "{page}");
        let (_, page) = get(&auth);
        assert!(page.contains("No rule set yet."), "nothing stored: {page}");

        // A file scanned before any rule: undetected by YARA.
        let sample = "invoice body TOCSIN-YARA-TEST-MARKER trailer 1";
        let id = upload(addr, "before.bin", sample);
        let a = completed(addr, &id, None);
        assert_eq!(a["results"]["YARA"]["category"], "undetected", "{a}");

        // The admin uploads a rule set: a 303 back to the list, where it is enabled.
        let (status, _) = upload_rules(&auth, "marker rules", RULE);
        assert_eq!(status, 303);
        let (_, page) = get(&auth);
        assert!(page.contains("marker rules"), "{page}");
        let at = page.find("id=\"set-").expect("a set row") + "id=\"set-".len();
        let set_id = page[at..].split('"').next().expect("id").to_string();
        // An admin's button on the set (disable, enable, delete): the answer's status.
        let set_op = |op: &str| {
            http(
                addr,
                "POST",
                &format!("/admin/virus-check/rules/{set_id}"),
                &[
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Authorization", &auth),
                    ("Sec-Fetch-Site", "same-origin"),
                ],
                &format!("op={op}"),
            )
            .expect(op)
            .0
        };

        // The same name again: refused on the name.
        let (status, page) = upload_rules(&auth, "marker rules", RULE);
        assert_eq!(status, 422);
        assert!(page.contains("id=\"rules-name-error\""), "{page}");

        // The same file again: the rules changed, so it is scanned again, and matches.
        let id = upload(addr, "after.bin", sample);
        let a = completed(addr, &id, None);
        let y = &a["results"]["YARA"];
        assert_eq!(y["category"], "malicious", "{engine:?}: {a}");
        assert_eq!(y["result"], "Tocsin_Yara_Test_Marker", "{a}");
        assert_eq!(y["method"], "yara", "{a}");
        assert!(
            y["engine_version"]
                .as_str()
                .is_some_and(|v| v.starts_with("4.5.5/1/")),
            "{a}"
        );
        assert_eq!(a["verdict"], "malicious");
        // A file without the marker: undetected.
        let clean = upload(addr, "clean.bin", "nothing to see here 2");
        let a = completed(addr, &clean, None);
        assert_eq!(a["results"]["YARA"]["category"], "undetected", "{a}");

        // Disabled: the same file is scanned again and no longer matches.
        assert_eq!(set_op("disable"), 303);
        let (_, page) = get(&auth);
        assert!(page.contains("Disabled"), "{page}");
        let id = upload(addr, "again.bin", sample);
        let a = completed(addr, &id, None);
        assert_eq!(a["results"]["YARA"]["category"], "undetected", "{a}");
        assert!(a["results"]["YARA"]["result"].is_null(), "{a}");
        assert_eq!(a["results"]["YARA"]["engine_version"], "4.5.5/0", "{a}");

        // Every change is audited.
        let (_, audit) = http(
            addr,
            "GET",
            "/admin/audit",
            &[("Authorization", &auth), ("Accept-Language", "en")],
            "",
        )
        .expect("audit");
        for action in ["virus_check.yara.upload", "virus_check.yara.disable"] {
            assert!(audit.contains(action), "{action}: {audit}");
        }

        // Deleted.
        assert_eq!(set_op("delete"), 303);
        let (_, page) = get(&auth);
        assert!(page.contains("No rule set yet."), "{page}");
        drop(server);
    }
}

use tocsin_storage::Engine;

use crate::{TempDir, db, run};

/// export from one engine → import into the other → export again: identical.
#[test]
fn export_import_across_engines() {
    let (Some(a), Some(b)) = (db(Engine::Sqlite), db(Engine::Postgres)) else {
        return;
    };
    let (ok, org, err) = run(
        &[
            "admin",
            "create-org",
            "--database",
            &a.url,
            "--name",
            "電信 ISAC",
            "--kind",
            "isac",
            "--sector",
            "通訊",
            "--alliance",
        ],
        &[],
        None,
    );
    assert!(ok, "{err}");
    let org = org.trim();
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &a.url,
            "--email",
            "x@isac.tw",
            "--name",
            "X",
            "--org",
            org,
            "--roles",
            "partner",
        ],
        &[("TOCSIN_PASSWORD", "password-123456")],
        None,
    );
    assert!(ok, "{err}");
    let (ok, tok, err) = run(
        &[
            "admin",
            "create-token",
            "--database",
            &a.url,
            "--email",
            "x@isac.tw",
        ],
        &[],
        None,
    );
    assert!(ok && tok.starts_with("tocsin_"), "{err}");

    let dir = TempDir::new();
    let file = dir.0.join("all.jsonl");
    let file_s = file.to_string_lossy().to_string();
    let (ok, _, err) = run(&["export", "--database", &a.url, &file_s], &[], None);
    assert!(ok, "{err}");
    let first = std::fs::read_to_string(&file).expect("read");
    assert!(first.contains("電信 ISAC") && first.contains("x@isac.tw"));
    let (ok, _, err) = run(&["import", "--database", &b.url, &file_s], &[], None);
    assert!(ok, "{err}");
    let (ok, second, err) = run(&["export", "--database", &b.url, "-"], &[], None);
    assert!(ok, "{err}");
    assert_eq!(first, second);
    // Importing twice is refused, and says why.
    let (ok, _, err) = run(&["import", "--database", &b.url, "-"], &[], Some(&first));
    assert!(!ok && err.contains("not empty"), "{err}");
}

#[test]
fn admin_commands_name_bad_fields() {
    let Some(a) = db(Engine::Sqlite) else { return };
    let (ok, _, err) = run(
        &[
            "admin",
            "create-org",
            "--database",
            &a.url,
            "--name",
            "X",
            "--kind",
            "bakery",
        ],
        &[],
        None,
    );
    assert!(!ok && err.contains("kind"), "{err}");
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &a.url,
            "--email",
            "nope",
            "--name",
            "X",
            "--no-password",
        ],
        &[],
        None,
    );
    assert!(!ok && err.contains("email"), "{err}");
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &a.url,
            "--email",
            "a@b.tw",
            "--name",
            "X",
            "--roles",
            "root",
            "--no-password",
        ],
        &[],
        None,
    );
    assert!(!ok && err.contains("root"), "{err}");
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &a.url,
            "--email",
            "a@b.tw",
            "--name",
            "X",
        ],
        &[("TOCSIN_PASSWORD", "short")],
        None,
    );
    assert!(!ok && err.contains("password"), "{err}");
    let (ok, out, _) = run(&["--help"], &[], None);
    assert!(ok && out.contains("serve") && out.contains("export") && out.contains("backup"));
}

#[test]
fn backup_is_a_consistent_copy() {
    let Some(a) = db(Engine::Sqlite) else { return };
    let (ok, _, err) = run(
        &[
            "admin",
            "create-org",
            "--database",
            &a.url,
            "--name",
            "Org",
            "--kind",
            "company",
        ],
        &[],
        None,
    );
    assert!(ok, "{err}");
    let dir = TempDir::new();
    let copy = dir.0.join("copy.db");
    let copy_s = copy.to_string_lossy().to_string();
    let (ok, _, err) = run(&["backup", "--database", &a.url, &copy_s], &[], None);
    assert!(ok, "{err}");
    let (ok, orig, _) = run(&["export", "--database", &a.url, "-"], &[], None);
    assert!(ok);
    let (ok, from_copy, _) = run(
        &["export", "--database", &format!("sqlite:{copy_s}"), "-"],
        &[],
        None,
    );
    assert!(ok);
    assert_eq!(orig, from_copy);
    let (ok, _, err) = run(&["backup", "--database", &a.url, &copy_s], &[], None);
    assert!(!ok && err.contains("exists"), "{err}");
    if let Some(p) = db(Engine::Postgres) {
        let (ok, _, err) = run(
            &[
                "backup",
                "--database",
                &p.url,
                &dir.0.join("pg").to_string_lossy(),
            ],
            &[],
            None,
        );
        assert!(!ok && err.contains("pg_dump"), "{err}");
    }
}

#[test]
fn cvss_prints_score_and_breakdown() {
    let (ok, out, err) = run(
        &["cvss", "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H"],
        &[],
        None,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("7.6") && out.to_lowercase().contains("high"),
        "{out}"
    );
    assert!(out.contains("Attack Vector"), "{out}");
    let (ok, _, err) = run(
        &["cvss", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"],
        &[],
        None,
    );
    assert!(!ok && err.contains("AV"), "{err}");
    let (ok, out, err) = run(
        &[
            "cvss",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        ],
        &[],
        None,
    );
    assert!(ok && out.contains("9.3"), "{out}{err}");
}

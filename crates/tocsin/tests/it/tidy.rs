//! Architecture invariants (ARCHITECTURE.md), checked on every test run.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn crates() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .expect("crates")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").exists())
        .collect();
    v.sort();
    v
}

/// The `[dependencies]` section of a manifest (dev-dependencies may differ).
fn deps(manifest: &str) -> String {
    let start = manifest
        .find("[dependencies]")
        .map(|i| i + 14)
        .unwrap_or(manifest.len());
    let rest = &manifest[start..];
    let end = rest.find("\n[").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The non-test code of every crate but `skip`, file by file: each source file of `src/`
/// up to its test module (tests may do what the product may not).
fn product_code_outside(skip: Option<&str>) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for c in crates() {
        if skip.is_some_and(|s| c.ends_with(s)) {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&c.join("src"), &mut files);
        for f in files {
            let text = read(&f);
            let code = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or(&text)
                .to_string();
            out.push((f, code));
        }
    }
    out
}

#[test]
fn layers_depend_one_way() {
    let forbidden: &[(&str, &[&str])] = &[
        (
            "tocsin-domain",
            &[
                "sqlx",
                "axum",
                "tokio",
                "lettre",
                "askama",
                "tocsin-storage",
                "tocsin-formats",
                "tocsin-server",
                "tocsin-mail",
            ],
        ),
        (
            "tocsin-formats",
            &[
                "sqlx",
                "axum",
                "tokio",
                "lettre",
                "askama",
                "tocsin-storage",
                "tocsin-server",
                "tocsin-mail",
            ],
        ),
        (
            "tocsin-storage",
            &[
                "axum",
                "lettre",
                "askama",
                "tocsin-server",
                "tocsin-mail",
                "tocsin-app",
            ],
        ),
        (
            "tocsin-mail",
            &["axum", "askama", "tocsin-server", "tocsin-app"],
        ),
        // The use cases run without HTTP: the CLI and mail intake call them too. Their
        // OpenAPI schemas are the server's (api/wire.rs).
        (
            "tocsin-app",
            &[
                "axum",
                "axum-extra",
                "askama",
                "tower",
                "tower-http",
                "hyper",
                "utoipa",
                "utoipa-axum",
                "tocsin-server",
            ],
        ),
    ];
    for (krate, bad) in forbidden {
        let m = deps(&read(&root().join("crates").join(krate).join("Cargo.toml")));
        for b in *bad {
            let hit = m.lines().any(|l| {
                l.trim_start().starts_with(&format!("{b} "))
                    || l.trim_start().starts_with(&format!("{b}."))
            });
            assert!(!hit, "{krate} must not depend on {b}");
        }
    }
}

#[test]
fn only_storage_contains_sql() {
    for (f, code) in product_code_outside(Some("tocsin-storage")) {
        for needle in [
            "sqlx::query",
            "SELECT ",
            "INSERT INTO",
            "UPDATE ",
            "DELETE FROM",
        ] {
            assert!(
                !code.contains(needle),
                "{} contains SQL ({needle}); SQL belongs in tocsin-storage",
                f.display()
            );
        }
    }
}

#[test]
fn every_module_says_what_it_is_for() {
    for c in crates() {
        let mut files = Vec::new();
        rust_files(&c.join("src"), &mut files);
        for f in files {
            let text = read(&f);
            assert!(
                text.trim_start().starts_with("//!"),
                "{} lacks a //! header",
                f.display()
            );
        }
    }
}

#[test]
fn every_crate_pins_the_toolchain_and_lints() {
    let ws = read(&root().join("Cargo.toml"));
    assert!(ws.contains("rust-version = \"1.95\""));
    for c in crates() {
        let m = read(&c.join("Cargo.toml"));
        assert!(
            m.contains("rust-version.workspace = true"),
            "{}",
            c.display()
        );
        assert!(m.contains("[lints]\nworkspace = true"), "{}", c.display());
    }
}

#[test]
fn migration_folders_match() {
    let names = |engine: &str| {
        let mut v: Vec<String> =
            std::fs::read_dir(root().join("crates/tocsin-storage/migrations").join(engine))
                .expect("migrations")
                .flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect();
        v.sort();
        v
    };
    assert_eq!(
        names("sqlite"),
        names("postgres"),
        "each migration exists for both engines under the same name"
    );
}

#[test]
fn no_skipped_or_stubbed_tests() {
    let mut files = Vec::new();
    for c in crates() {
        rust_files(&c, &mut files);
    }
    let ignore = ["#[", "ignore]"].concat();
    let todo = ["todo", "!("].concat();
    for f in files {
        let text = read(&f);
        assert!(!text.contains(&ignore), "{}: a skipped test", f.display());
        assert!(!text.contains(&todo), "{}: a stub", f.display());
    }
}

/// Time comes from the injected clock (`tocsin_domain::Clock`): storage writes its
/// store's, the app reads `App::now`/`App::today`. Only the system clock itself reads the
/// machine's time, so a test that sets the hour sets it for everything.
#[test]
fn only_the_clock_reads_the_machines_time() {
    for (f, code) in product_code_outside(None) {
        if f.ends_with("tocsin-domain/src/clock.rs")
            || f.ends_with("tocsin-domain/src/time_util.rs")
        {
            continue;
        }
        for needle in [
            "Timestamp::now()",
            "OffsetDateTime::now_utc()",
            "jiff::Timestamp::now()",
            "Zoned::now()",
        ] {
            assert!(
                !code.contains(needle),
                "{} reads the machine's clock ({needle}); take the time from the Clock",
                f.display()
            );
        }
    }
}

/// Each crate's integration tests are one binary, `tests/it/` (one link step instead of one
/// per file, and one place to look).
#[test]
fn integration_tests_are_one_binary_per_crate() {
    for c in crates() {
        let Ok(entries) = std::fs::read_dir(c.join("tests")) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            assert!(
                p.extension().is_none_or(|x| x != "rs"),
                "{} is a test binary of its own; make it a module of tests/it/",
                p.display()
            );
        }
        if c.join("tests").exists() {
            assert!(
                c.join("tests/it/main.rs").exists(),
                "{}: tests/it/main.rs",
                c.display()
            );
        }
    }
}

/// Access is decided by the policy (`tocsin_domain::policy`) alone: no other crate compares
/// roles; they ask `authorize`, `navigation`, `is_desk` and the like.
#[test]
fn only_the_domain_compares_roles() {
    let roles = [
        "Admin",
        "Coordinator",
        "Analyst",
        "Member",
        "Reporter",
        "Partner",
    ];
    let mut needles: Vec<String> = vec!["roles.has(".into(), "is_staff()".into()];
    needles.extend(roles.iter().map(|r| format!("Role::{r}")));
    for (f, code) in product_code_outside(Some("tocsin-domain")) {
        for needle in &needles {
            assert!(
                !code.contains(needle.as_str()),
                "{} compares roles ({needle}); ask the policy",
                f.display()
            );
        }
    }
}

/// Every handler is extract → one app call → map: the server asks the app, never storage
/// (it only opens the store when it starts, to hand it to the app).
#[test]
fn the_server_never_reads_storage() {
    for (f, code) in product_code_outside(None) {
        if !f.to_string_lossy().contains("tocsin-server") {
            continue;
        }
        for needle in [".store.", "state.store"] {
            assert!(
                !code.contains(needle),
                "{} reaches storage ({needle}); ask a tocsin-app function",
                f.display()
            );
        }
    }
}

/// The modules a source file names: `super::x`, `super::{x, …}`, `crate::x`, `crate::x::y`
/// for every module `x` (or `x::y`) in `modules`.
fn named_modules(code: &str, me: &str, modules: &[String]) -> Vec<String> {
    let parent = me.rsplit_once("::").map(|(p, _)| p).unwrap_or("");
    let within = |name: &str| {
        if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}::{name}")
        }
    };
    let mut out = Vec::new();
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    for (i, _) in code.match_indices("super::") {
        let rest = &code[i + "super::".len()..];
        let names = match rest.strip_prefix('{') {
            Some(r) => words(r.split('}').next().unwrap_or("")),
            None => words(rest).into_iter().take(1).collect(),
        };
        for n in names {
            let m = within(n.split("::").next().unwrap_or(""));
            if modules.contains(&m) && m != me {
                out.push(m);
            }
        }
    }
    for (i, _) in code.match_indices("crate::") {
        let path = words(&code[i + "crate::".len()..])
            .into_iter()
            .next()
            .unwrap_or_default();
        let mut parts = path.split("::");
        let first = parts.next().unwrap_or("").to_string();
        let two = parts.next().map(|s| format!("{first}::{s}"));
        let hit = two.filter(|t| modules.contains(t)).unwrap_or(first);
        if modules.contains(&hit) && hit != me {
            out.push(hit);
        }
    }
    out
}

/// The server's modules depend one way (pages on the form kit and the frame, the router
/// on the pages), with no circle: a page can be read, moved or split on its own.
#[test]
fn no_import_circles_in_the_server() {
    let src = root().join("crates/tocsin-server/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let module_of = |f: &Path| -> String {
        let rel = f.strip_prefix(&src).unwrap_or(f).with_extension("");
        let name = rel.to_string_lossy().replace('/', "::");
        name.trim_end_matches("::mod").to_string()
    };
    let modules: Vec<String> = files.iter().map(|f| module_of(f)).collect();
    let edges: Vec<Vec<usize>> = files
        .iter()
        .map(|f| {
            let text = read(f);
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            let me = module_of(f);
            let mut to: Vec<usize> = named_modules(&code, &me, &modules)
                .iter()
                .filter_map(|m| modules.iter().position(|x| x == m))
                .collect();
            to.sort_unstable();
            to.dedup();
            to
        })
        .collect();
    // A module is in a circle when it reaches itself.
    for (start, name) in modules.iter().enumerate() {
        let mut seen = vec![false; modules.len()];
        let mut stack = edges[start].clone();
        while let Some(m) = stack.pop() {
            if m == start {
                panic!("{name} imports a module that imports it back (directly or through others)");
            }
            if !std::mem::replace(&mut seen[m], true) {
                stack.extend(&edges[m]);
            }
        }
    }
}

/// The Fluent ids of one locale (`id = …` at the start of a line).
fn locale_ids(locale: &str) -> std::collections::BTreeSet<String> {
    let mut files = Vec::new();
    let dir = root().join("crates/tocsin-app/locales").join(locale);
    for e in std::fs::read_dir(&dir).expect("locales") {
        files.push(e.expect("entry").path());
    }
    let mut ids = std::collections::BTreeSet::new();
    for f in files {
        for line in read(&f).lines() {
            if let Some((id, _)) = line.split_once(" =")
                && !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

/// The string literals that follow `needle` (which ends just before the literal's quote).
fn literals_after(code: &str, needle: &str) -> Vec<String> {
    code.match_indices(needle)
        .filter_map(|(i, _)| {
            let rest = code[i + needle.len()..].trim_start();
            let rest = rest.strip_prefix('"')?;
            let lit = rest.split('"').next()?;
            lit.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
                .then(|| lit.to_string())
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Every message id the code and the templates name exists in both locales, and every id
/// built at run time from a prefix and a stored name exists for each name the domain has.
#[test]
fn every_fluent_id_in_use_exists_in_both_locales() {
    let zh = locale_ids("zh-TW");
    let en = locale_ids("en");
    let mut sources: Vec<(PathBuf, String)> = product_code_outside(None);
    let mut templates = Vec::new();
    let tdir = root().join("crates/tocsin-server/templates");
    for e in std::fs::read_dir(&tdir).expect("templates") {
        let p = e.expect("entry").path();
        templates.push((p.clone(), read(&p)));
    }
    sources.extend(templates);
    let mut used = Vec::new();
    let mut prefixes = Vec::new();
    for (f, code) in &sources {
        for needle in [".t(", ".t_args(", "FieldError::new("] {
            for id in literals_after(code, needle) {
                used.push((f.clone(), id));
            }
        }
        for id in literals_after(code, ".t2(") {
            prefixes.push((f.clone(), id));
        }
        // AppError::field(name, "error-…") names the message second.
        for (i, _) in code.match_indices("AppError::field(") {
            let args = &code[i..code.len().min(i + 200)];
            let second = args.split_once(',').map(|(_, r)| r.trim_start());
            if let Some(id) = second
                .and_then(|r| r.strip_prefix('"'))
                .and_then(|r| r.split('"').next())
            {
                used.push((f.clone(), id.to_string()));
            }
        }
    }
    assert!(used.len() > 300, "the scan finds the ids ({})", used.len());
    for (f, id) in &used {
        // Ids in test helpers and documentation examples.
        if id == "id" {
            continue;
        }
        assert!(zh.contains(id), "{}: {id} is not in zh-TW", f.display());
        assert!(en.contains(id), "{}: {id} is not in en", f.display());
    }
    for (f, p) in &prefixes {
        assert!(
            zh.iter().any(|id| id.starts_with(p.as_str())),
            "{}: no message starts with {p}",
            f.display()
        );
    }
    // The ids built from a prefix and a domain name, for every name.
    use tocsin_domain::{OrgKind, Priority, ReportState, Role, TaskState};
    let built: Vec<(&str, Vec<&str>)> = vec![
        (
            "state-",
            ReportState::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        (
            "priority-",
            Priority::ALL.iter().map(|s| s.as_str()).collect(),
        ),
        ("task-", TaskState::ALL.iter().map(|s| s.as_str()).collect()),
        ("role-", Role::ALL.iter().map(|s| s.as_str()).collect()),
        ("kind-", OrgKind::ALL.iter().map(|s| s.as_str()).collect()),
    ];
    for (prefix, names) in built {
        for n in names {
            let id = format!("{prefix}{n}");
            assert!(zh.contains(&id) && en.contains(&id), "{id} is missing");
        }
    }
}

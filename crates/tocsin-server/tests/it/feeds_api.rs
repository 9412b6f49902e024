//! Intel feeds for partners' tools on both engines: the MISP feed, loaded by PyMISP as a
//! subscribing MISP reads it, and the blocklists; and, over the random worlds of the TLP
//! test, that no feed carries a record its caller may not see.

use std::collections::BTreeSet;

use axum::http::StatusCode;

use crate::intel_api::{World, random_world, unique_domain};
use crate::{Harness, both_engines};

async fn get(h: &Harness, uri: &str, token: Option<&str>) -> crate::Resp {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
    h.get(uri, &headers).await
}

/// The record ids a caller's feeds carry, each feed separately: the MISP manifest, the
/// events that answer 200, the hashes, the domain blocklist and the indicator CSV.
async fn fed(h: &Harness, w: &World, seed: u64, token: Option<&str>) -> [BTreeSet<String>; 5] {
    let manifest = get(h, "/api/v1/feeds/misp/manifest.json", token).await;
    if token.is_none() {
        // Feeds are for signed-in tools: anonymous callers get nothing, not even CLEAR.
        for uri in [
            "/api/v1/feeds/misp/manifest.json",
            "/api/v1/feeds/misp/hashes.csv",
            "/api/v1/feeds/intel.txt",
            "/api/v1/feeds/intel.csv",
        ] {
            assert_eq!(
                get(h, uri, None).await.status,
                StatusCode::UNAUTHORIZED,
                "{uri}"
            );
        }
        for r in &w.recs {
            assert_eq!(
                get(h, &format!("/api/v1/feeds/misp/{}.json", r.id), None)
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );
        }
        return Default::default();
    }
    assert_eq!(manifest.status, StatusCode::OK, "{}", manifest.body);
    let keys: BTreeSet<String> = manifest
        .json()
        .as_object()
        .expect("manifest")
        .keys()
        .cloned()
        .collect();
    let hashes = get(h, "/api/v1/feeds/misp/hashes.csv", token).await.body;
    let domains = get(h, "/api/v1/feeds/intel.txt?kind=domain", token).await;
    assert_eq!(domains.status, StatusCode::OK);
    let csv = get(h, "/api/v1/feeds/intel.csv", token).await.body;
    let mut out: [BTreeSet<String>; 5] = Default::default();
    for (i, r) in w.recs.iter().enumerate() {
        if keys.contains(&r.id) {
            out[0].insert(r.id.clone());
        }
        if get(h, &format!("/api/v1/feeds/misp/{}.json", r.id), token)
            .await
            .status
            == StatusCode::OK
        {
            out[1].insert(r.id.clone());
        }
        if hashes.contains(&r.id) {
            out[2].insert(r.id.clone());
        }
        if domains.body.lines().any(|l| l == unique_domain(seed, i)) {
            out[3].insert(r.id.clone());
        }
        if csv.contains(&unique_domain(seed, i)) {
            out[4].insert(r.id.clone());
        }
    }
    out
}

both_engines! {
    async fn no_feed_carries_what_its_caller_may_not_see(h: Harness) {
        for seed in [11u64, 12] {
            let w = random_world(&h, seed).await;
            let mut who: Vec<Option<usize>> = (0..w.members.len()).map(Some).collect();
            who.push(None);
            for m in who {
                let token = m.map(|m| w.members[m].token.as_str());
                // Feeds carry shared records only, drafts never, even to their authors.
                let want: BTreeSet<String> = w.recs.iter().filter(|r| m.is_some() && r.shared && w.may_see(m, r)).map(|r| r.id.clone()).collect();
                let got = fed(&h, &w, seed, token).await;
                for (name, ids) in ["manifest", "events", "hashes", "domain blocklist", "indicator CSV"].iter().zip(got) {
                    assert_eq!(ids, want, "seed {seed} member {m:?}: {name}");
                }
            }
        }
    }

    async fn pymisp_loads_the_feed(h: Harness) {
        let w = random_world(&h, 21).await;
        let desk = &w.members[0].token;
        let dir = std::env::temp_dir().join(format!("tocsin-misp-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("dir");
        let manifest = get(&h, "/api/v1/feeds/misp/manifest.json", Some(desk)).await;
        assert_eq!(manifest.header("content-type"), Some("application/json"));
        std::fs::write(dir.join("manifest.json"), &manifest.body).expect("write");
        let hashes = get(&h, "/api/v1/feeds/misp/hashes.csv", Some(desk)).await;
        assert_eq!(hashes.header("content-type"), Some("text/csv; charset=utf-8"));
        std::fs::write(dir.join("hashes.csv"), &hashes.body).expect("write");
        let ids: Vec<String> = manifest.json().as_object().expect("manifest").keys().cloned().collect();
        let shared = w.recs.iter().filter(|r| r.shared).count();
        assert_eq!(ids.len(), shared, "the desk's feed holds every shared record");
        assert!(shared > 0, "the world shares something");
        for id in &ids {
            let e = get(&h, &format!("/api/v1/feeds/misp/{id}.json"), Some(desk)).await;
            assert_eq!(e.status, StatusCode::OK);
            std::fs::write(dir.join(format!("{id}.json")), &e.body).expect("write");
        }
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/misp/load_feed.py");
        let out = std::process::Command::new("python3").arg(&script).arg(&dir).output().expect("python3");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "PyMISP refused the feed (pip install -r tests/requirements.txt):\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
        // Every record has the content, the C2 address, its own domain and evil.example.net.
        assert!(stdout.contains(&format!("events={shared} ")), "{stdout}");
        // Marked for detection: the C2 address and the domains; never the victim or the
        // reference link, which MISP gets as targeting data and a link.
        let ids: Vec<&str> = stdout.lines().filter(|l| l.starts_with("ids ")).collect();
        assert!(ids.contains(&"ids ip-dst 198.51.100.7"), "{stdout}");
        assert!(!ids.iter().any(|l| l.contains("203.0.113.5") || l.contains("example.org/a/1")), "{stdout}");
        let _ = std::fs::remove_dir_all(&dir);
        // A blocklist's values are one a line, sorted, once each.
        let ips = get(&h, "/api/v1/feeds/intel.txt?kind=ipv4", Some(desk)).await.body;
        assert_eq!(ips.lines().collect::<Vec<_>>(), ["198.51.100.7"], "the C2 address, not the victim 203.0.113.5: {ips}");
    }
}

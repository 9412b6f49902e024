//! TAXII benchmark: loads N objects (default 1,000,000) into one collection — the objects
//! of N/1,000 shared GREEN records of 1,000 objects each — then asks the whole router
//! (`tocsin_server::app`, in process, no socket) for pages as a partner of the group, whose
//! every row goes through the TLP scope: the first page, and pages deep in the collection
//! (a cursor at 90 %), each many times, printing latency percentiles; then posts bundles
//! through TAXII (each a report and its indicators, made into a draft record) and prints
//! objects/s; memory (peak resident size, VmHWM) at the end. The load ends with ANALYZE:
//! on PostgreSQL a never-analyzed table is planned as tiny (a first page then sorts the
//! collection: 0.3–1 s at 100,000–200,000 objects, against about 1 ms after ANALYZE).
//!
//! `cargo run --release -p tocsin --example taxii_bench -- [--objects N] [--limit N]
//! [--samples N] [--import N] [--bundle N] [--database URL] [--keep]` (defaults:
//! 1,000,000 objects, pages of 100, 200 samples each, 100,000 objects imported in bundles
//! of 1,000, a fresh SQLite file in a temp folder, removed afterwards unless `--keep`;
//! `--database postgres-test` uses a throw-away schema on the test PostgreSQL).

mod common;
use common::{arg, mib, percentiles, status_kib};
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tocsin_app::service::taxii::encode_cursor;
use tocsin_domain::{GroupId, IntelId, OrgKind, Role, Roles, Timestamp};
use tocsin_storage::taxii::TaxiiObject;
use tocsin_storage::{AudienceKind, IntelRow, NewIntel, NewOrganization, NewUser, SharingGroup};
use tower::ServiceExt;

fn record_row(now: Timestamp, i: usize) -> IntelRow {
    IntelRow {
        id: IntelId::new(),
        status: "shared".into(),
        category: "EWA".into(),
        tlp: "green".into(),
        tlp_floor: "green".into(),
        impact_level: None,
        subject: format!("bench {i}"),
        dispatch_id: String::new(),
        published_at: now,
        body: "{}".into(),
        owner_org_id: None,
        created_by: None,
        answers_id: None,
        derived_from: None,
        channel: "import".into(),
        created_at: now,
        updated_at: now,
    }
}

fn ip(i: usize) -> String {
    format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255)
}

fn indicator(i: usize, salt: &str) -> serde_json::Value {
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{salt}{i}").as_bytes());
    serde_json::json!({
        "type": "indicator", "spec_version": "2.1", "id": format!("indicator--{id}"),
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "name": format!("C2 {}", ip(i)),
        "pattern": format!("[ipv4-addr:value = '{}']", ip(i)), "pattern_type": "stix",
        "valid_from": "2026-01-01T00:00:00Z",
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = arg("--objects", "1000000").parse()?;
    let limit: usize = arg("--limit", "100").parse()?;
    let samples: usize = arg("--samples", "200").parse()?;
    let import: usize = arg("--import", "100000").parse()?;
    let bundle: usize = arg("--bundle", "1000").parse::<usize>()?.max(2);
    let dir = std::env::temp_dir().join(format!("tocsin-taxii-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let default_db = format!("sqlite:{}", dir.join("tocsin.db").display());
    let database = arg("--database", &default_db);
    // `_test_store` keeps a throw-away PostgreSQL schema alive for the run.
    let (store, shown, _, _test_store) = common::open_store(&database).await?;

    // A partner in the group, and the group.
    let mut tx = store.begin().await?;
    let org = tx
        .create_org(&NewOrganization {
            name: "ISP A".into(),
            sector: String::new(),
            kind: OrgKind::Isp,
            alliance_member: false,
        })
        .await?;
    let user = tx
        .create_user(&NewUser {
            email: "soc@isp-a.example.tw".into(),
            name: "SOC".into(),
            org_id: Some(org.id),
            roles: Roles::new([Role::Partner]),
            password_hash: None,
        })
        .await?;
    let g = SharingGroup {
        id: GroupId::new(),
        name: "ISP-ISAC".into(),
        kind: "isp".into(),
        description: String::new(),
        created_at: Timestamp::now(),
    };
    tx.insert_group(&g).await?;
    tx.add_group_member(g.id, org.id).await?;
    tx.commit().await?;
    let token = format!("tocsin_{}", tocsin_server::auth::new_secret());
    store
        .create_api_token(user.id, "bench", &tocsin_server::auth::hash_secret(&token))
        .await?;

    // Load: records of 1,000 objects, 10,000 rows a transaction.
    let rss_start = status_kib("VmRSS:");
    let t = Instant::now();
    let now = Timestamp::now();
    let base = now.micros() - 10_000_000_000;
    let per_record = 1000;
    // (position, date_added, id) of every hundredth of the collection, so that whatever
    // its size ten of them lie in its last tenth, where the deep pages start.
    let mut cursors = Vec::new();
    let every = (n / 100).max(1);
    let mut i = 0;
    while i < n {
        let mut tx = store.begin().await?;
        let mut rows = Vec::with_capacity(10_000);
        while rows.len() < 10_000 && i < n {
            let row = record_row(now, i / per_record);
            tx.insert_intel(&NewIntel {
                row: row.clone(),
                search_text: String::new(),
                observables: vec![],
            })
            .await?;
            tx.add_audience(row.id, AudienceKind::Group, g.id.uuid(), now)
                .await?;
            for _ in 0..per_record.min(n - i) {
                let body = indicator(i, "load");
                let o = TaxiiObject {
                    id: uuid::Uuid::now_v7(),
                    collection_id: g.id.uuid(),
                    record_id: Some(row.id),
                    stix_id: body["id"].as_str().unwrap_or_default().to_string(),
                    kind: "indicator".into(),
                    version: Timestamp::from_micros(base),
                    spec_version: "2.1".into(),
                    date_added: Timestamp::from_micros(base + i as i64),
                    body: body.to_string(),
                };
                if i % every == 0 {
                    cursors.push((i, o.date_added, o.id));
                }
                rows.push(o);
                i += 1;
            }
        }
        tx.insert_taxii_objects(&rows).await?;
        tx.commit().await?;
    }
    store.analyze_taxii().await?;
    let load = t.elapsed();
    println!("taxii benchmark: database {shown}");
    println!(
        "loaded {n} objects ({} records) in {:.1} s: {:.0} objects/s",
        n.div_ceil(per_record),
        load.as_secs_f64(),
        n as f64 / load.as_secs_f64()
    );

    // Pages through the router, as the partner.
    let dir_data = dir.join("data");
    let config = tocsin_server::Config {
        data_dir: dir_data,
        ..tocsin_server::Config::default()
    }
    .finish()?;
    let state = tocsin_server::AppState::new(store.clone(), config)?;
    let app = tocsin_server::app(state);
    let coll = g.id.uuid();
    let auth = format!("Bearer {token}");
    let get = |uri: String| {
        let app = app.clone();
        let auth = auth.clone();
        async move {
            let req = Request::builder()
                .uri(uri)
                .header("accept", "application/taxii+json;version=2.1")
                .header("authorization", auth)
                .body(Body::empty())?;
            let t = Instant::now();
            let resp = app.oneshot(req).await?;
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
            let took = t.elapsed();
            anyhow::ensure!(status == StatusCode::OK, "{status}");
            Ok::<_, anyhow::Error>((took, bytes.len()))
        }
    };
    let first_uri = format!("/taxii2/api/collections/{coll}/objects/?limit={limit}");
    let (_, size) = get(first_uri.clone()).await?; // warm
    let mut first = Vec::new();
    for _ in 0..samples {
        first.push(get(first_uri.clone()).await?.0);
    }
    let deep: Vec<_> = cursors
        .iter()
        .filter(|(pos, ..)| *pos >= n * 9 / 10)
        .collect();
    let mut deep_t = Vec::new();
    for k in 0..samples {
        let Some((_, at, id)) = deep.get(k % deep.len().max(1)) else {
            break;
        };
        let uri = format!(
            "/taxii2/api/collections/{coll}/objects/?limit={limit}&next={}",
            encode_cursor(*at, *id)
        );
        deep_t.push(get(uri).await?.0);
    }
    let manifest_uri = format!("/taxii2/api/collections/{coll}/manifest/?limit={limit}");
    let mut manifest = Vec::new();
    for _ in 0..samples.min(50) {
        manifest.push(get(manifest_uri.clone()).await?.0);
    }
    println!("page of {limit} objects ({size} bytes), {samples} requests each, as a partner:");
    println!("  first page:             {}", percentiles(first));
    println!("  deep page (cursor 90%): {}", percentiles(deep_t));
    println!("  manifest first page:    {}", percentiles(manifest));

    // Bundle import through TAXII POST: a report and its indicators per bundle.
    let t = Instant::now();
    let mut posted = 0usize;
    let mut k = 0usize;
    while posted < import {
        let count = bundle.min(import - posted).max(2);
        let mut objects: Vec<serde_json::Value> = (1..count)
            .map(|j| indicator(k * bundle + j, "post"))
            .collect();
        let refs: Vec<String> = objects
            .iter()
            .filter_map(|o| o["id"].as_str().map(str::to_string))
            .collect();
        let rid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("r{k}").as_bytes());
        objects.push(serde_json::json!({
            "type": "report", "spec_version": "2.1", "id": format!("report--{rid}"),
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": format!("partner report {k}"), "published": "2026-01-01T00:00:00Z",
            "description": "C2 addresses", "object_refs": refs,
            "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
        }));
        let body = serde_json::json!({ "objects": objects }).to_string();
        let req = Request::builder()
            .method("POST")
            .uri(format!("/taxii2/api/collections/{coll}/objects/"))
            .header("accept", "application/taxii+json;version=2.1")
            .header("content-type", "application/taxii+json;version=2.1")
            .header("authorization", auth.clone())
            .body(Body::from(body))?;
        let resp = app.clone().oneshot(req).await?;
        anyhow::ensure!(
            resp.status() == StatusCode::ACCEPTED,
            "post: {}",
            resp.status()
        );
        posted += count;
        k += 1;
    }
    let took = t.elapsed();
    println!(
        "bundle import (TAXII POST, bundles of {bundle}): {posted} objects in {:.1} s: {:.0} objects/s",
        took.as_secs_f64(),
        posted as f64 / took.as_secs_f64()
    );
    println!(
        "memory: RSS at start {}, at the end {}, peak (VmHWM) {}",
        mib(rss_start),
        mib(status_kib("VmRSS:")),
        mib(status_kib("VmHWM:"))
    );
    if let Ok(m) = std::fs::metadata(dir.join("tocsin.db")) {
        println!("database file: {:.1} MiB", m.len() as f64 / 1048576.0);
    }
    store.close().await;
    if std::env::args().any(|a| a == "--keep") {
        println!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

//! The OASIS taxii2-client library and stix2's TAXIICollectionSource (Python,
//! tests/requirements.txt) against the real binary on both engines: it lists collections,
//! pages through 10,000 objects at limit=100, filters by type and added_after, queries
//! through the data source, and posts a bundle twice, the second time adding nothing
//! (`tests/taxii/client_check.py`). When a library is missing this test fails.

use std::path::PathBuf;
use std::process::Command;

use tocsin_domain::{GroupId, IntelId, OrgKind, Role, Roles, Timestamp};
use tocsin_storage::taxii::TaxiiObject;
use tocsin_storage::{AudienceKind, IntelRow, NewIntel, NewOrganization, NewUser, SharingGroup};

use crate::{ENGINES, Server, TempDir, db, rt};

const OBJECTS: usize = 10_000;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A partner of an organization in group `ISP-ISAC`, whose collection holds one shared
/// GREEN record's 10,000 objects (indicators and ipv4-addr SCOs, each added at its own
/// microsecond). Returns (email, API token).
async fn world(store: &tocsin_storage::Store) -> (String, String) {
    let mut tx = store.begin().await.expect("begin");
    let org = tx
        .create_org(&NewOrganization {
            name: "ISP A".into(),
            sector: String::new(),
            kind: OrgKind::Isp,
            alliance_member: false,
        })
        .await
        .expect("org");
    let user = tx
        .create_user(&NewUser {
            email: "soc@isp-a.example.tw".into(),
            name: "SOC".into(),
            org_id: Some(org.id),
            roles: Roles::new([Role::Partner]),
            password_hash: None,
        })
        .await
        .expect("user");
    let g = SharingGroup {
        id: GroupId::new(),
        name: "ISP-ISAC".into(),
        kind: "isp".into(),
        description: String::new(),
        created_at: Timestamp::now(),
    };
    tx.insert_group(&g).await.expect("group");
    tx.add_group_member(g.id, org.id).await.expect("member");
    let now = Timestamp::now();
    let row = IntelRow {
        id: IntelId::new(),
        status: "shared".into(),
        category: "EWA".into(),
        tlp: "green".into(),
        tlp_floor: "green".into(),
        impact_level: None,
        subject: "bulk".into(),
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
    };
    tx.insert_intel(&NewIntel {
        row: row.clone(),
        search_text: String::new(),
        observables: vec![],
    })
    .await
    .expect("record");
    tx.add_audience(row.id, AudienceKind::Group, g.id.uuid(), now)
        .await
        .expect("audience");
    let base = now.micros() - 1_000_000_000;
    let objects: Vec<TaxiiObject> = (0..OBJECTS)
        .map(|i| {
            let ip = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
            let (kind, body) = if i % 2 == 0 {
                let id = format!("indicator--{}", uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, ip.as_bytes()));
                let body = serde_json::json!({"type": "indicator", "spec_version": "2.1", "id": id,
                    "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                    "pattern": format!("[ipv4-addr:value = '{ip}']"), "pattern_type": "stix",
                    "valid_from": "2026-01-01T00:00:00Z"});
                ("indicator", body)
            } else {
                let id = format!("ipv4-addr--{}", uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_DNS, ip.as_bytes()));
                ("ipv4-addr", serde_json::json!({"type": "ipv4-addr", "spec_version": "2.1", "id": id, "value": ip}))
            };
            TaxiiObject {
                id: uuid::Uuid::now_v7(),
                collection_id: g.id.uuid(),
                record_id: Some(row.id),
                stix_id: body["id"].as_str().unwrap_or_default().to_string(),
                kind: kind.into(),
                version: Timestamp::from_micros(base),
                spec_version: "2.1".into(),
                date_added: Timestamp::from_micros(base + i as i64),
                body: body.to_string(),
            }
        })
        .collect();
    tx.insert_taxii_objects(&objects).await.expect("objects");
    tx.commit().await.expect("commit");
    let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
    store
        .create_api_token(user.id, "taxii", &tocsin_server::auth::hash_secret(&secret))
        .await
        .expect("token");
    (user.email, secret)
}

#[test]
fn the_oasis_taxii_client_pages_filters_and_posts() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let (email, token) = rt().block_on(world(&db.store));
        let data = TempDir::new();
        let server = Server::start(&db.url, &data.0, &[]);
        let script = repo_root().join("tests/taxii/client_check.py");
        let bundle =
            repo_root().join("crates/tocsin-formats/tests/data/stix-partner-statement.json");
        let python = std::env::var("TOCSIN_PYTHON").unwrap_or_else(|_| "python3".into());
        let out = Command::new(&python)
            .arg(&script)
            .arg(format!("http://{}/taxii2/", server.addr))
            .arg(&email)
            .arg(&token)
            .arg("ISP-ISAC")
            .arg(OBJECTS.to_string())
            .arg(&bundle)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {python}: {e} (taxii2-client is required)"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{engine:?}: taxii2-client checks failed (or it is not installed: pip install -r tests/requirements.txt)\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("all checks passed"), "{stdout}");
        println!("{engine:?}:\n{stdout}");
    }
}

//! What the TAXII benchmarks against other servers share (`taxii_vs_medallion`,
//! `taxii_vs_opentaxii`): the objects both servers hold, tocsin's side loaded with them,
//! and the helpers of a run.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tocsin_domain::{GroupId, IntelId, OrgKind, Role, Roles, Timestamp};
use tocsin_storage::taxii::TaxiiObject;
use tocsin_storage::{AudienceKind, IntelRow, NewIntel, NewOrganization, NewUser, SharingGroup};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The collection's title on both servers (tocsin names a collection after its group).
pub const TITLE: &str = "ISP-ISAC";
/// The partner's login on both servers.
pub const EMAIL: &str = "soc@isp-a.example.tw";
/// 2026-01-01T00:00:00Z, the indicators' `created` and `modified`: their version.
pub const VERSION_MICROS: i64 = 1_767_225_600_000_000;
/// 2026-01-02T00:00:00Z: object i is added at this time plus i microseconds.
pub const ADDED_MICROS: i64 = 1_767_312_000_000_000;

/// One object of the benchmark, as both servers hold it.
pub struct StixObject {
    /// The STIX type.
    pub kind: &'static str,
    /// The object.
    pub body: Value,
    /// Its version.
    pub version: Timestamp,
    /// When it was added to the collection.
    pub date_added: Timestamp,
}

/// The objects of `tests/it/taxii_client.rs`: an indicator for even i, an ipv4-addr SCO
/// for odd i. An SCO has no `modified`, so its version is its date added (TAXII 2.1 §3.4).
pub fn stix_objects(n: usize) -> Vec<StixObject> {
    (0..n)
        .map(|i| {
            let ip = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
            let date_added = Timestamp::from_micros(ADDED_MICROS + i as i64);
            if i % 2 == 0 {
                let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{i}").as_bytes());
                StixObject {
                    kind: "indicator",
                    body: json!({"type": "indicator", "spec_version": "2.1",
                        "id": format!("indicator--{uuid}"),
                        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                        "name": format!("C2 {ip}"),
                        "pattern": format!("[ipv4-addr:value = '{ip}']"), "pattern_type": "stix",
                        "valid_from": "2026-01-01T00:00:00Z"}),
                    version: Timestamp::from_micros(VERSION_MICROS),
                    date_added,
                }
            } else {
                let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_DNS, ip.as_bytes());
                StixObject {
                    kind: "ipv4-addr",
                    body: json!({"type": "ipv4-addr", "spec_version": "2.1",
                        "id": format!("ipv4-addr--{uuid}"), "value": ip}),
                    version: date_added,
                    date_added,
                }
            }
        })
        .collect()
}

pub fn stix_id(o: &StixObject) -> &str {
    o.body["id"].as_str().unwrap_or_default()
}

/// tocsin's side: a partner of an organization in the group, one shared GREEN record for
/// the group holding every object. Returns the collection id and the partner's API token.
pub async fn load_tocsin(
    store: &tocsin_storage::Store,
    objects: &[StixObject],
) -> anyhow::Result<(uuid::Uuid, String)> {
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
            email: EMAIL.into(),
            name: "SOC".into(),
            org_id: Some(org.id),
            roles: Roles::new([Role::Partner]),
            password_hash: None,
        })
        .await?;
    let g = SharingGroup {
        id: GroupId::new(),
        name: TITLE.into(),
        kind: "isp".into(),
        description: String::new(),
        created_at: Timestamp::now(),
    };
    tx.insert_group(&g).await?;
    tx.add_group_member(g.id, org.id).await?;
    let now = Timestamp::now();
    let row = IntelRow {
        id: IntelId::new(),
        status: "shared".into(),
        category: "EWA".into(),
        tlp: "green".into(),
        tlp_floor: "green".into(),
        impact_level: None,
        subject: "bench".into(),
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
    .await?;
    tx.add_audience(row.id, AudienceKind::Group, g.id.uuid(), now)
        .await?;
    tx.commit().await?;
    // 10,000 rows a transaction, as taxii_bench loads.
    for chunk in objects.chunks(10_000) {
        let rows: Vec<TaxiiObject> = chunk
            .iter()
            .map(|o| TaxiiObject {
                id: uuid::Uuid::now_v7(),
                collection_id: g.id.uuid(),
                record_id: Some(row.id),
                stix_id: stix_id(o).to_string(),
                kind: o.kind.into(),
                version: o.version,
                spec_version: "2.1".into(),
                date_added: o.date_added,
                body: o.body.to_string(),
            })
            .collect();
        let mut tx = store.begin().await?;
        tx.insert_taxii_objects(&rows).await?;
        tx.commit().await?;
    }
    store.analyze_taxii().await?;
    let token = format!("tocsin_{}", tocsin_server::auth::new_secret());
    store
        .create_api_token(user.id, "bench", &tocsin_server::auth::hash_secret(&token))
        .await?;
    Ok((g.id.uuid(), token))
}

/// Waits until `addr` answers an HTTP request (any status: a 401 is an answer).
pub async fn wait_answering(addr: &str, within: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    loop {
        let answer = async {
            let mut s = tokio::net::TcpStream::connect(addr).await?;
            let req = format!("GET /taxii2/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            s.write_all(req.as_bytes()).await?;
            let mut head = [0u8; 8];
            s.read_exact(&mut head).await?;
            Ok::<_, std::io::Error>(head.starts_with(b"HTTP/1."))
        };
        if let Ok(Ok(true)) = tokio::time::timeout(Duration::from_secs(5), answer).await {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("nothing answers on {addr} after {} s", within.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Objects per second (NaN for no time).
pub fn per_s(objects: usize, secs: f64) -> f64 {
    if secs > 0.0 {
        objects as f64 / secs
    } else {
        f64::NAN
    }
}

/// A duration for people: ms below 10 s.
pub fn dur(secs: f64) -> String {
    if secs < 10.0 {
        format!("{:.2} ms", secs * 1000.0)
    } else {
        format!("{secs:.1} s")
    }
}

/// The temp folder of a run, removed when dropped (also after an error) unless `--keep`.
pub struct Workdir {
    /// The folder.
    pub path: PathBuf,
    /// Left in place at the end (`--keep`).
    pub keep: bool,
}

impl Drop for Workdir {
    fn drop(&mut self) {
        if self.keep {
            println!("kept {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Checks that `python` has taxii2-client and, when `server` names one (the Python
/// module of the other TAXII server), that server too; returns the versions it printed,
/// or a clear error telling how to install them.
pub async fn check_python(python: &str, server: Option<&str>) -> anyhow::Result<String> {
    let code = match server {
        Some(m) => format!(
            "import taxii2client, {m}; print('taxii2-client', taxii2client.__version__, '/ {m}', {m}.__version__)"
        ),
        None => "import taxii2client; print('taxii2-client', taxii2client.__version__)".into(),
    };
    let out = tokio::process::Command::new(python)
        .args(["-c", &code])
        .output()
        .await
        .with_context(|| format!("cannot run {python}"))?;
    if !out.status.success() {
        bail!(
            "{python} lacks taxii2-client{}: pip install -r tests/requirements.txt\n{}",
            server.map(|m| format!(" or {m}")).unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

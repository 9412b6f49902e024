//! The CNA side of vulnerability reports: the coordination case of each report and the
//! pool of reserved CVE ids. The rules (states, dates, id syntax) live in the domain
//! crate; this module stores, and guarantees that no CVE id is assigned twice.

use serde::{Deserialize, Serialize};
use tocsin_domain::{ReportId, Timestamp};
use uuid::Uuid;

use crate::columns::OptTime;
use crate::{Pool, Result, StorageError, Store, Tx};

/// The coordination case of a vulnerability report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct VulnCase {
    /// The report.
    #[sqlx(try_from = "Uuid")]
    pub report_id: ReportId,
    /// The CNA state (the domain's `CnaState`).
    pub cna_state: String,
    /// The assigned CVE id, or empty.
    pub cve_id: String,
    /// The vendor's organization, once known.
    pub vendor_org_id: Option<Uuid>,
    /// affected, not_affected or unknown.
    pub vendor_status: String,
    /// The vendor's statement.
    pub vendor_statement: String,
    /// Target publication date, `YYYY-MM-DD`, or empty.
    pub target_publication: String,
    /// CWE id such as `CWE-79`, or empty.
    pub cwe: String,
    /// Advisory title.
    pub title: String,
    /// Solution / mitigation text.
    pub solution: String,
    /// Advisory text in English.
    pub advisory_en: String,
    /// Advisory text in Traditional Chinese.
    pub advisory_zh: String,
    /// When it was published: set once, by the transition to published, and the record's
    /// `datePublished` from then on.
    #[sqlx(try_from = "Option<i64>")]
    pub published_at: OptTime,
    /// Why its CVE id was rejected, in English (the REJECTED record's required reason), or
    /// empty.
    #[serde(default)]
    pub rejected_reason_en: String,
    /// The same reason in Traditional Chinese, or empty.
    #[serde(default)]
    pub rejected_reason_zh: String,
    /// When its CVE id was rejected (the record's `dateRejected`).
    #[serde(default)]
    #[sqlx(try_from = "Option<i64>")]
    pub rejected_at: OptTime,
    /// Last change.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
    /// When it entered its current CNA state (its SLA timer counts from then); set by
    /// storage whenever the state changes. Absent in exports made before it was kept.
    #[serde(default)]
    #[sqlx(try_from = "Option<i64>")]
    pub state_since: OptTime,
}

impl VulnCase {
    /// A new case in `state` for `report`, made at `at`.
    pub fn new(report: ReportId, state: &str, target_publication: &str, at: Timestamp) -> Self {
        VulnCase {
            report_id: report,
            cna_state: state.to_string(),
            cve_id: String::new(),
            vendor_org_id: None,
            vendor_status: "unknown".into(),
            vendor_statement: String::new(),
            target_publication: target_publication.to_string(),
            cwe: String::new(),
            title: String::new(),
            solution: String::new(),
            advisory_en: String::new(),
            advisory_zh: String::new(),
            published_at: OptTime(None),
            rejected_reason_en: String::new(),
            rejected_reason_zh: String::new(),
            rejected_at: OptTime(None),
            updated_at: at,
            state_since: OptTime(Some(at)),
        }
    }
}

/// A reserved or assigned CVE id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct CveIdRow {
    /// The id.
    pub cve_id: String,
    /// Its year.
    pub year: i32,
    /// Its sequence number.
    pub seq: i64,
    /// reserved or assigned.
    pub state: String,
    /// The report it went to.
    pub report_id: Option<Uuid>,
    /// When it was loaded.
    #[sqlx(try_from = "i64")]
    pub loaded_at: Timestamp,
    /// When it was assigned.
    #[sqlx(try_from = "Option<i64>")]
    pub assigned_at: OptTime,
}

macro_rules! select_cases {
    ($tail:literal) => {
        concat!(
            "SELECT report_id, cna_state, cve_id, vendor_org_id, vendor_status, vendor_statement, target_publication, cwe, title, solution, advisory_en, advisory_zh, published_at, rejected_reason_en, rejected_reason_zh, rejected_at, updated_at, state_since FROM vuln_cases ",
            $tail
        )
    };
}

const ASSIGN_SQLITE: &str = "UPDATE cve_ids SET state = 'assigned', report_id = $1, assigned_at = $2 \
    WHERE cve_id = (SELECT cve_id FROM cve_ids WHERE state = 'reserved' ORDER BY year, seq LIMIT 1) RETURNING cve_id";
const ASSIGN_POSTGRES: &str = "UPDATE cve_ids SET state = 'assigned', report_id = $1, assigned_at = $2 \
    WHERE cve_id = (SELECT cve_id FROM cve_ids WHERE state = 'reserved' ORDER BY year, seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING cve_id";

impl Tx {
    /// Stores a new coordination case.
    pub async fn insert_vuln_case(&mut self, c: &VulnCase) -> Result<()> {
        dispatch!(tx self, conn => {
            sqlx::query("INSERT INTO vuln_cases (report_id, cna_state, cve_id, vendor_org_id, vendor_status, vendor_statement, target_publication, cwe, title, solution, advisory_en, advisory_zh, published_at, rejected_reason_en, rejected_reason_zh, rejected_at, updated_at, state_since) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)")
                .bind(c.report_id.uuid()).bind(&c.cna_state).bind(&c.cve_id).bind(c.vendor_org_id).bind(&c.vendor_status)
                .bind(&c.vendor_statement).bind(&c.target_publication).bind(&c.cwe).bind(&c.title).bind(&c.solution)
                .bind(&c.advisory_en).bind(&c.advisory_zh).bind(c.published_at.micros())
                .bind(&c.rejected_reason_en).bind(&c.rejected_reason_zh).bind(c.rejected_at.micros()).bind(c.updated_at.micros())
                .bind(c.state_since.micros())
                .execute(conn).await?;
        });
        Ok(())
    }

    /// Locks and reads a case for a change.
    pub async fn vuln_case_for_update(&mut self, report: ReportId) -> Result<Option<VulnCase>> {
        Ok(match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_as::<_, VulnCase>(select_cases!("WHERE report_id = $1"))
                    .bind(report.uuid())
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query_as::<_, VulnCase>(select_cases!("WHERE report_id = $1 FOR UPDATE"))
                    .bind(report.uuid())
                    .fetch_optional(&mut **t)
                    .await?
            }
        })
    }

    /// Writes a case's mutable fields (everything but its report and CVE id); a change of
    /// state restarts `state_since` at the transaction's time.
    pub async fn update_vuln_case(&mut self, c: &VulnCase) -> Result<()> {
        let now = self.now();
        let n = dispatch!(tx self, conn => {
            sqlx::query("UPDATE vuln_cases SET cna_state = $2, vendor_org_id = $3, vendor_status = $4, vendor_statement = $5, target_publication = $6, \
                         cwe = $7, title = $8, solution = $9, advisory_en = $10, advisory_zh = $11, published_at = $12, \
                         rejected_reason_en = $13, rejected_reason_zh = $14, rejected_at = $15, updated_at = $16, \
                         state_since = CASE WHEN cna_state <> $2 THEN $16 ELSE state_since END WHERE report_id = $1")
                .bind(c.report_id.uuid()).bind(&c.cna_state).bind(c.vendor_org_id).bind(&c.vendor_status).bind(&c.vendor_statement)
                .bind(&c.target_publication).bind(&c.cwe).bind(&c.title).bind(&c.solution).bind(&c.advisory_en).bind(&c.advisory_zh)
                .bind(c.published_at.micros()).bind(&c.rejected_reason_en).bind(&c.rejected_reason_zh).bind(c.rejected_at.micros())
                .bind(now.micros())
                .execute(conn).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("vulnerability case"));
        }
        Ok(())
    }

    /// Adds reserved ids to the pool; ids already there are skipped. Returns how many were new.
    pub async fn load_cve_ids(&mut self, ids: &[(String, i32, i64)]) -> Result<u64> {
        let now = self.now().micros();
        let mut added = 0;
        for (id, year, seq) in ids {
            added += dispatch!(tx self, conn => {
                sqlx::query("INSERT INTO cve_ids (cve_id, year, seq, state, loaded_at) VALUES ($1, $2, $3, 'reserved', $4) ON CONFLICT (cve_id) DO NOTHING")
                    .bind(id).bind(year).bind(seq).bind(now).execute(conn).await?.rows_affected()
            });
        }
        Ok(added)
    }

    pub(crate) async fn insert_cve_id(&mut self, r: &CveIdRow) -> Result<()> {
        dispatch!(tx self, conn => {
            sqlx::query("INSERT INTO cve_ids (cve_id, year, seq, state, report_id, loaded_at, assigned_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(&r.cve_id).bind(r.year).bind(r.seq).bind(&r.state).bind(r.report_id).bind(r.loaded_at.micros()).bind(r.assigned_at.micros())
                .execute(conn).await?;
        });
        Ok(())
    }

    /// Assigns the lowest reserved id to a case that has none; returns it, or None when the
    /// pool is empty. A case that already has an id keeps it (and gets it back).
    pub async fn assign_cve_id(&mut self, report: ReportId) -> Result<Option<String>> {
        let existing: Option<String> = dispatch!(tx self, conn => {
            sqlx::query_scalar("SELECT cve_id FROM vuln_cases WHERE report_id = $1 AND cve_id <> ''").bind(report.uuid()).fetch_optional(conn).await?
        });
        if existing.is_some() {
            return Ok(existing);
        }
        let now = self.now().micros();
        let id: Option<String> = match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_scalar(ASSIGN_SQLITE)
                    .bind(report.uuid())
                    .bind(now)
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query_scalar(ASSIGN_POSTGRES)
                    .bind(report.uuid())
                    .bind(now)
                    .fetch_optional(&mut **t)
                    .await?
            }
        };
        if let Some(id) = &id {
            let n = dispatch!(tx self, conn => {
                sqlx::query("UPDATE vuln_cases SET cve_id = $2, updated_at = $3 WHERE report_id = $1 AND cve_id = ''")
                    .bind(report.uuid()).bind(id).bind(now).execute(conn).await?.rows_affected()
            });
            if n == 0 {
                return Err(StorageError::NotFound("vulnerability case"));
            }
        }
        Ok(id)
    }
}

impl Store {
    /// One case.
    pub async fn vuln_case(&self, report: ReportId) -> Result<Option<VulnCase>> {
        Ok(dispatch!(pool self, conn => {
            sqlx::query_as::<_, VulnCase>(select_cases!("WHERE report_id = $1")).bind(report.uuid()).fetch_optional(conn).await?
        }))
    }

    /// Cases in `state` (all when None), newest first.
    pub async fn list_vuln_cases(&self, state: Option<&str>, limit: i64) -> Result<Vec<VulnCase>> {
        self.vuln_cases_page(state, None, limit).await
    }

    /// One page of the coordinators' list: cases in `state` (all when None), newest
    /// first, from the one after `after` on, at most `limit`. The report id is a UUIDv7,
    /// so its order is intake order and a page starts where the last one ended however
    /// many cases came in meanwhile; the SQL names only the filters given, so each page
    /// is one index range (by state and report, or the key alone).
    pub async fn vuln_cases_page(
        &self,
        state: Option<&str>,
        after: Option<ReportId>,
        limit: i64,
    ) -> Result<Vec<VulnCase>> {
        let mut tail = String::from("WHERE 1 = 1");
        let mut n = 0;
        if state.is_some() {
            n += 1;
            tail.push_str(&format!(" AND cna_state = ${n}"));
        }
        if after.is_some() {
            n += 1;
            tail.push_str(&format!(" AND report_id < ${n}"));
        }
        tail.push_str(&format!(" ORDER BY report_id DESC LIMIT ${}", n + 1));
        let sql = format!("{}{tail}", select_cases!(""));
        Ok(dispatch!(pool self, conn => {
            let mut q = sqlx::query_as::<_, VulnCase>(sqlx::AssertSqlSafe(sql));
            if let Some(s) = state {
                q = q.bind(s);
            }
            if let Some(a) = after {
                q = q.bind(a.uuid());
            }
            q.bind(limit.clamp(1, 10_000)).fetch_all(conn).await?
        }))
    }

    /// Cases whose vendor is `org` (what a vendor's users may see).
    pub async fn vendor_cases(&self, org: tocsin_domain::OrgId) -> Result<Vec<VulnCase>> {
        Ok(dispatch!(pool self, conn => {
            sqlx::query_as::<_, VulnCase>(select_cases!("WHERE vendor_org_id = $1 ORDER BY report_id DESC"))
                .bind(org.uuid()).fetch_all(conn).await?
        }))
    }

    /// Published cases, newest first (public advisories).
    pub async fn published_vuln_cases(&self, limit: i64) -> Result<Vec<VulnCase>> {
        Ok(dispatch!(pool self, conn => {
            sqlx::query_as::<_, VulnCase>(select_cases!("WHERE cna_state = 'published' ORDER BY published_at DESC, report_id DESC LIMIT $1"))
                .bind(limit.clamp(1, 10_000)).fetch_all(conn).await?
        }))
    }

    /// The CVE id pool: (reserved, assigned) counts.
    pub async fn cve_pool_counts(&self) -> Result<(i64, i64)> {
        let rows: Vec<(String, i64)> = dispatch!(pool self, conn => {
            sqlx::query_as("SELECT state, COUNT(*) FROM cve_ids GROUP BY state").fetch_all(conn).await?
        });
        let get = |s: &str| {
            rows.iter()
                .find(|(k, _)| k == s)
                .map(|(_, n)| *n)
                .unwrap_or(0)
        };
        Ok((get("reserved"), get("assigned")))
    }

    /// Every pool row, for the export.
    pub async fn cve_ids(&self) -> Result<Vec<CveIdRow>> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => sqlx::query_as::<_, CveIdRow>("SELECT cve_id, year, seq, state, report_id, loaded_at, assigned_at FROM cve_ids ORDER BY year, seq").fetch_all(p).await?,
            Pool::Postgres(p) => sqlx::query_as::<_, CveIdRow>("SELECT cve_id, year, seq, state, report_id, loaded_at, assigned_at FROM cve_ids ORDER BY year, seq").fetch_all(p).await?,
        })
    }
}

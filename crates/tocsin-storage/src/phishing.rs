//! Phishing cases: one row per reported URL (normalised), linked to every report that
//! named it, with its handling state, abuse contacts and an RDAP cache. The rules (URL
//! normalisation, the state table, which states are live) live in the domain crate.

use serde::{Deserialize, Serialize};
use tocsin_domain::{ReportId, Timestamp};
use uuid::Uuid;

use crate::columns::OptTime;
use crate::{Pool, Result, StorageError, Store, Tx};

/// A phishing URL case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PhishUrlRow {
    /// Id.
    pub id: Uuid,
    /// The normalised URL, the dedupe key.
    pub normalized: String,
    /// The URL with a Unicode host, for display (always defanged when shown).
    pub display: String,
    /// Host in ASCII.
    pub host: String,
    /// Registrable domain from the public suffix list.
    pub registrable_domain: String,
    /// The IP when the host is literal.
    pub ip: String,
    /// The brand or organisation impersonated.
    pub brand: String,
    /// Handling state (the domain's `UrlState`).
    pub state: String,
    /// TLP of the case (green by default).
    pub tlp: String,
    /// The first report naming it; its tracking number names the case.
    #[sqlx(try_from = "Uuid")]
    pub case_report_id: ReportId,
    /// How many reports named it.
    pub reporters: i32,
    /// When it was first reported.
    #[sqlx(try_from = "i64")]
    pub first_reported_at: Timestamp,
    /// When verified.
    #[sqlx(try_from = "Option<i64>")]
    pub verified_at: OptTime,
    /// When the abuse contacts were last notified.
    #[sqlx(try_from = "Option<i64>")]
    pub notified_at: OptTime,
    /// When it was seen down.
    #[sqlx(try_from = "Option<i64>")]
    pub taken_down_at: OptTime,
    /// When the escalation reminder went out for the current notice.
    #[sqlx(try_from = "Option<i64>")]
    pub escalated_at: OptTime,
    /// Last change.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

/// A URL as a new report names it (already normalised).
#[derive(Clone, Debug)]
pub struct NewPhishUrl {
    /// Dedupe key.
    pub normalized: String,
    /// Display form.
    pub display: String,
    /// ASCII host.
    pub host: String,
    /// Registrable domain.
    pub registrable_domain: String,
    /// Literal IP.
    pub ip: String,
    /// Brand.
    pub brand: String,
    /// Initial state.
    pub state: String,
    /// TLP.
    pub tlp: String,
}

/// A link between a case and a report that named its URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PhishUrlReport {
    /// The case.
    pub url_id: Uuid,
    /// The report.
    pub report_id: Uuid,
}

/// An abuse contact of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AbuseContact {
    /// Id.
    pub id: Uuid,
    /// The case.
    pub url_id: Uuid,
    /// `registrar`, `hosting` or `other`.
    pub role: String,
    /// Address.
    pub email: String,
    /// `rdap` or `manual`.
    pub source: String,
    /// When added.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
}

macro_rules! select_phish {
    ($tail:literal) => {
        concat!(
            "SELECT id, normalized, display, host, registrable_domain, ip, brand, state, tlp, case_report_id, reporters, first_reported_at, verified_at, notified_at, taken_down_at, escalated_at, updated_at FROM phish_urls ",
            $tail
        )
    };
}

impl Tx {
    /// Links a URL to `report`: it joins the newest case of the same normalised URL whose
    /// state is in `open_states` (counting another reporter), or opens a new case with
    /// `report` as its case. Concurrent reports of one URL are serialised (SQLite's write
    /// lock; a transaction-scoped advisory lock on PostgreSQL). Returns the case and
    /// whether it was joined.
    pub async fn attach_phish_url(
        &mut self,
        report: ReportId,
        new: &NewPhishUrl,
        open_states: &[&str],
    ) -> Result<(PhishUrlRow, bool)> {
        if let crate::TxInner::Postgres(t) = &mut self.0 {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))")
                .bind(&new.normalized)
                .execute(&mut **t)
                .await?;
        }
        let candidates: Vec<PhishUrlRow> = dispatch!(tx self, c => {
            sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE normalized = $1 ORDER BY first_reported_at DESC, id DESC"))
                .bind(&new.normalized).fetch_all(c).await?
        });
        let now = self.now();
        if let Some(mut open) = candidates
            .into_iter()
            .find(|c| open_states.contains(&c.state.as_str()))
        {
            open.reporters += 1;
            open.updated_at = now;
            dispatch!(tx self, c => {
                sqlx::query("UPDATE phish_urls SET reporters = $2, updated_at = $3 WHERE id = $1")
                    .bind(open.id).bind(open.reporters).bind(now.micros()).execute(c).await?;
            });
            self.link_phish_url(open.id, report).await?;
            return Ok((open, true));
        }
        let row = PhishUrlRow {
            id: Uuid::now_v7(),
            normalized: new.normalized.clone(),
            display: new.display.clone(),
            host: new.host.clone(),
            registrable_domain: new.registrable_domain.clone(),
            ip: new.ip.clone(),
            brand: new.brand.clone(),
            state: new.state.clone(),
            tlp: new.tlp.clone(),
            case_report_id: report,
            reporters: 1,
            first_reported_at: now,
            verified_at: OptTime(None),
            notified_at: OptTime(None),
            taken_down_at: OptTime(None),
            escalated_at: OptTime(None),
            updated_at: now,
        };
        self.insert_phish_url(&row).await?;
        self.link_phish_url(row.id, report).await?;
        Ok((row, false))
    }

    pub(crate) async fn insert_phish_url(&mut self, r: &PhishUrlRow) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO phish_urls (id, normalized, display, host, registrable_domain, ip, brand, state, tlp, case_report_id, reporters, first_reported_at, verified_at, notified_at, taken_down_at, escalated_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)")
                .bind(r.id).bind(&r.normalized).bind(&r.display).bind(&r.host).bind(&r.registrable_domain).bind(&r.ip)
                .bind(&r.brand).bind(&r.state).bind(&r.tlp).bind(r.case_report_id.uuid()).bind(r.reporters)
                .bind(r.first_reported_at.micros()).bind(r.verified_at.micros()).bind(r.notified_at.micros())
                .bind(r.taken_down_at.micros()).bind(r.escalated_at.micros()).bind(r.updated_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    pub(crate) async fn link_phish_url(&mut self, url: Uuid, report: ReportId) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO phish_url_reports (url_id, report_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(url).bind(report.uuid()).execute(c).await?;
        });
        Ok(())
    }

    /// Locks and reads a case for a change.
    pub async fn phish_url_for_update(&mut self, id: Uuid) -> Result<Option<PhishUrlRow>> {
        Ok(match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE id = $1 FOR UPDATE"))
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?
            }
        })
    }

    /// Writes the mutable fields of a case.
    pub async fn update_phish_url(&mut self, r: &PhishUrlRow) -> Result<()> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE phish_urls SET state = $2, tlp = $3, brand = $4, verified_at = $5, notified_at = $6, taken_down_at = $7, escalated_at = $8, updated_at = $9 WHERE id = $1")
                .bind(r.id).bind(&r.state).bind(&r.tlp).bind(&r.brand).bind(r.verified_at.micros()).bind(r.notified_at.micros())
                .bind(r.taken_down_at.micros()).bind(r.escalated_at.micros()).bind(now.micros())
                .execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("phishing url"));
        }
        Ok(())
    }

    /// Adds an abuse contact to a case.
    pub async fn add_abuse_contact(
        &mut self,
        url: Uuid,
        role: &str,
        email: &str,
        source: &str,
    ) -> Result<AbuseContact> {
        let c = AbuseContact {
            id: Uuid::now_v7(),
            url_id: url,
            role: role.into(),
            email: email.into(),
            source: source.into(),
            created_at: self.now(),
        };
        self.insert_abuse_contact(&c).await?;
        Ok(c)
    }

    pub(crate) async fn insert_abuse_contact(&mut self, a: &AbuseContact) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO abuse_contacts (id, url_id, role, email, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(a.id).bind(a.url_id).bind(&a.role).bind(&a.email).bind(&a.source).bind(a.created_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Removes an abuse contact of a case.
    pub async fn delete_abuse_contact(&mut self, url: Uuid, id: Uuid) -> Result<bool> {
        Ok(dispatch!(tx self, c => {
            sqlx::query("DELETE FROM abuse_contacts WHERE id = $1 AND url_id = $2").bind(id).bind(url).execute(c).await?.rows_affected()
        }) == 1)
    }
}

impl Store {
    /// One case.
    pub async fn get_phish_url(&self, id: Uuid) -> Result<Option<PhishUrlRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE id = $1")).bind(id).fetch_optional(c).await?
        }))
    }

    /// The URL cases a report named.
    pub async fn phish_urls_of_report(&self, report: ReportId) -> Result<Vec<PhishUrlRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE id IN (SELECT url_id FROM phish_url_reports WHERE report_id = $1) ORDER BY first_reported_at, id"))
                .bind(report.uuid()).fetch_all(c).await?
        }))
    }

    /// The reports that named a case, oldest first.
    pub async fn reports_of_phish_url(&self, url: Uuid) -> Result<Vec<crate::Report>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, crate::Report>(crate::reports::select_reports!("WHERE id IN (SELECT report_id FROM phish_url_reports WHERE url_id = $1) ORDER BY reported_at, id"))
                .bind(url).fetch_all(c).await?
        }))
    }

    /// Cases in any of `states` (all when empty), oldest first.
    pub async fn list_phish_urls(&self, states: &[&str], limit: i64) -> Result<Vec<PhishUrlRow>> {
        self.list_phish_urls_marked(states, &[], limit).await
    }

    /// Cases in any of `states` (all when empty) marked with any of the TLP names `tlps`
    /// (any marking when empty), oldest first: the caller states which markings a reader
    /// may receive, and the limit counts only those cases.
    pub async fn list_phish_urls_marked(
        &self,
        states: &[&str],
        tlps: &[&str],
        limit: i64,
    ) -> Result<Vec<PhishUrlRow>> {
        let states_json = serde_json::to_string(states).map_err(crate::corrupt)?;
        let tlps_json = serde_json::to_string(tlps).map_err(crate::corrupt)?;
        let limit = limit.clamp(1, 100_000);
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE ($1 OR state IN (SELECT value FROM json_each($2))) AND ($3 OR tlp IN (SELECT value FROM json_each($4))) ORDER BY first_reported_at, id LIMIT $5"))
                    .bind(states.is_empty()).bind(&states_json).bind(tlps.is_empty()).bind(&tlps_json).bind(limit).fetch_all(p).await?
            }
            Pool::Postgres(p) => {
                sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE ($1 OR state IN (SELECT jsonb_array_elements_text($2::jsonb))) AND ($3 OR tlp IN (SELECT jsonb_array_elements_text($4::jsonb))) ORDER BY first_reported_at, id LIMIT $5"))
                    .bind(states.is_empty()).bind(&states_json).bind(tlps.is_empty()).bind(&tlps_json).bind(limit).fetch_all(p).await?
            }
        })
    }

    /// One page of the phishing desk: cases in any of `states` (all when empty), oldest
    /// first, from the one after `after` (its first report time and id) on, at most
    /// `limit`. Each state is read as one index range from the cursor on and the ranges
    /// are merged here, so a page costs `limit` rows a state however long the queue is
    /// (an `IN` list over an index would sort every matching row).
    pub async fn phish_urls_page(
        &self,
        states: &[&str],
        after: Option<(Timestamp, Uuid)>,
        limit: i64,
    ) -> Result<Vec<PhishUrlRow>> {
        let limit = limit.clamp(1, 10_000);
        let (at, id) = after.map_or((i64::MIN, Uuid::nil()), |(t, id)| (t.micros(), id));
        let mut rows = Vec::new();
        if states.is_empty() {
            rows = dispatch!(pool self, conn => {
                sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE (first_reported_at, id) > ($1, $2) ORDER BY first_reported_at, id LIMIT $3"))
                    .bind(at).bind(id).bind(limit).fetch_all(conn).await?
            });
        } else {
            for s in states {
                rows.extend(dispatch!(pool self, conn => {
                    sqlx::query_as::<_, PhishUrlRow>(select_phish!("WHERE state = $1 AND (first_reported_at, id) > ($2, $3) ORDER BY first_reported_at, id LIMIT $4"))
                        .bind(*s).bind(at).bind(id).bind(limit).fetch_all(conn).await?
                }));
            }
            rows.sort_by_key(|r| (r.first_reported_at.micros(), r.id));
            rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        Ok(rows)
    }

    /// A case's abuse contacts.
    pub async fn abuse_contacts(&self, url: Uuid) -> Result<Vec<AbuseContact>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, AbuseContact>("SELECT id, url_id, role, email, source, created_at FROM abuse_contacts WHERE url_id = $1 ORDER BY created_at, id")
                .bind(url).fetch_all(c).await?
        }))
    }

    /// A cached RDAP answer younger than `since`.
    pub async fn rdap_cached(&self, query: &str, since: Timestamp) -> Result<Option<String>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, String>("SELECT body FROM rdap_cache WHERE query = $1 AND fetched_at > $2")
                .bind(query).bind(since.micros()).fetch_optional(c).await?
        }))
    }

    /// Stores an RDAP answer.
    pub async fn rdap_store(&self, query: &str, body: &str) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("INSERT INTO rdap_cache (query, body, fetched_at) VALUES ($1, $2, $3) ON CONFLICT (query) DO UPDATE SET body = $2, fetched_at = $3")
                .bind(query).bind(body).bind(self.now().micros()).execute(c).await?;
        });
        Ok(())
    }
}

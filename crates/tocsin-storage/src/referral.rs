//! Assistance referrals (協處商機): one row per incident report whose reporter agreed to
//! be referred, the desk's sanitised offer on it, and the firms' acceptances. The rules
//! (states, what an offer may say) are the domain's `referral`; this module guarantees
//! what concurrency could break: one referral per report (unique), one acceptance per
//! firm and referral (unique), and an assistance redemption backing at most one live
//! acceptance (a partial unique index), so a firm never accepts more offers than it
//! redeemed.

use serde::{Deserialize, Serialize};
use tocsin_domain::points::{ItemKind, RedemptionState};
use tocsin_domain::referral::{ReferralState, ResponseState};
use tocsin_domain::{OrgId, ReportId, Timestamp, UserId};
use uuid::Uuid;

use crate::columns::OptTime;
use crate::{Result, StorageError, Store, Tx};

/// A referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Referral {
    /// Its id.
    pub id: Uuid,
    /// The incident report.
    pub report_id: Uuid,
    /// The domain's `ReferralState`.
    pub state: String,
    /// When the reporter agreed to be referred.
    #[sqlx(try_from = "i64")]
    pub consented_at: Timestamp,
    /// When the desk offered it.
    #[sqlx(try_from = "Option<i64>")]
    pub offered_at: OptTime,
    /// Who offered it.
    pub offered_by: Option<Uuid>,
    /// The offer: sector.
    pub sector: String,
    /// The offer: incident type in words.
    pub incident_type: String,
    /// The offer: the domain's `CompanySize`.
    pub company_size: String,
    /// The offer: the domain's `Region`.
    pub region: String,
    /// The offer: the support needed, sanitised.
    pub summary: String,
    /// The firm the reporter chose.
    pub chosen_org_id: Option<Uuid>,
    /// When.
    #[sqlx(try_from = "Option<i64>")]
    pub chosen_at: OptTime,
    /// The domain's `Outcome`, once recorded.
    pub outcome: String,
    /// When.
    #[sqlx(try_from = "Option<i64>")]
    pub outcome_at: OptTime,
    /// The reporter's rating of the chosen firm, 1–5.
    pub rating: Option<i64>,
    /// The reporter's comment with the rating.
    pub rating_comment: String,
    /// Last change.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

impl Referral {
    /// The state, parsed (an unknown stored value reads as withdrawn: nothing more
    /// happens to it).
    pub fn state(&self) -> ReferralState {
        self.state.parse().unwrap_or(ReferralState::Withdrawn)
    }
}

/// A firm's acceptance of a referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ReferralResponse {
    /// Its id.
    pub id: Uuid,
    /// The referral.
    pub referral_id: Uuid,
    /// The firm.
    pub org_id: Uuid,
    /// The firm's approved assistance redemption that backs it.
    pub redemption_id: Uuid,
    /// The firm's member who accepted (the firm's contact once chosen).
    pub accepted_by: Uuid,
    /// When.
    #[sqlx(try_from = "i64")]
    pub accepted_at: Timestamp,
    /// The domain's `ResponseState`.
    pub state: String,
}

/// An acceptance with the names a page shows.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ResponseView {
    /// The acceptance.
    #[sqlx(flatten)]
    pub response: ReferralResponse,
    /// The firm's name.
    pub org_name: String,
    /// The accepting member's name.
    pub contact_name: String,
    /// The accepting member's mail address.
    pub contact_email: String,
}

macro_rules! referral_cols {
    ($tail:literal) => {
        concat!(
            "SELECT id, report_id, state, consented_at, offered_at, offered_by, sector, incident_type, company_size, region, summary, \
             chosen_org_id, chosen_at, outcome, outcome_at, rating, rating_comment, updated_at FROM referrals ",
            $tail
        )
    };
}
macro_rules! response_cols {
    ($tail:literal) => {
        concat!(
            "SELECT x.id, x.referral_id, x.org_id, x.redemption_id, x.accepted_by, x.accepted_at, x.state, \
             o.name AS org_name, u.name AS contact_name, u.email AS contact_email \
             FROM referral_responses x JOIN organizations o ON o.id = x.org_id JOIN users u ON u.id = x.accepted_by ",
            $tail
        )
    };
}

/// An approved assistance redemption of the organization's account that backs no live
/// acceptance.
const FREE_ASSISTANCE: &str = "SELECT r.id FROM points_redemptions r \
    JOIN points_items i ON i.id = r.item_id JOIN points_accounts a ON a.id = r.account_id \
    WHERE a.org_id = $1 AND r.state = $2 AND i.kind = $3 \
    AND NOT EXISTS (SELECT 1 FROM referral_responses x WHERE x.redemption_id = r.id AND x.state <> $4) \
    ORDER BY r.decided_at, r.id LIMIT 1";

impl Tx {
    /// Records the reporter's consent: a referral in state consented, once per report.
    /// Returns the report's referral, new or earlier.
    pub async fn consent_referral(&mut self, report: ReportId) -> Result<Referral> {
        let now = self.now().micros();
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO referrals (id, report_id, state, consented_at, updated_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING")
                .bind(Uuid::now_v7()).bind(report.uuid()).bind(ReferralState::Consented.as_str()).bind(now)
                .execute(&mut *c).await?;
        });
        self.referral_of_report_for_update(report)
            .await?
            .ok_or(StorageError::NotFound("referral"))
    }

    /// The report's referral, locked on PostgreSQL (SQLite's writer holds the database).
    pub async fn referral_of_report_for_update(
        &mut self,
        report: ReportId,
    ) -> Result<Option<Referral>> {
        Ok(match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_as(referral_cols!("WHERE report_id = $1"))
                    .bind(report.uuid())
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query_as(referral_cols!("WHERE report_id = $1 FOR UPDATE"))
                    .bind(report.uuid())
                    .fetch_optional(&mut **t)
                    .await?
            }
        })
    }

    /// A referral by id, locked on PostgreSQL.
    pub async fn referral_for_update(&mut self, id: Uuid) -> Result<Option<Referral>> {
        Ok(match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_as(referral_cols!("WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query_as(referral_cols!("WHERE id = $1 FOR UPDATE"))
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?
            }
        })
    }

    /// Writes a referral's changed fields (all but its id, report and consent time).
    pub async fn update_referral(&mut self, r: &Referral) -> Result<()> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE referrals SET state = $2, offered_at = $3, offered_by = $4, sector = $5, incident_type = $6, company_size = $7, \
                         region = $8, summary = $9, chosen_org_id = $10, chosen_at = $11, outcome = $12, outcome_at = $13, rating = $14, \
                         rating_comment = $15, updated_at = $16 WHERE id = $1")
                .bind(r.id).bind(&r.state).bind(r.offered_at.micros()).bind(r.offered_by).bind(&r.sector).bind(&r.incident_type)
                .bind(&r.company_size).bind(&r.region).bind(&r.summary).bind(r.chosen_org_id).bind(r.chosen_at.micros())
                .bind(&r.outcome).bind(r.outcome_at.micros()).bind(r.rating).bind(&r.rating_comment).bind(now.micros())
                .execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("referral"));
        }
        Ok(())
    }

    /// A firm accepts an offer, backed by one of its free assistance redemptions. None
    /// when it has none free, or already accepted this referral. Acceptances of one firm
    /// run one after the other; the unique index stands behind that.
    pub async fn accept_referral(
        &mut self,
        referral: Uuid,
        org: OrgId,
        by: UserId,
    ) -> Result<Option<ReferralResponse>> {
        // One firm's acceptances queue on its points account (SQLite's writer already
        // holds the database), so each sees the redemptions the one before it used.
        if let crate::TxInner::Postgres(t) = &mut self.0 {
            sqlx::query("SELECT id FROM points_accounts WHERE org_id = $1 FOR UPDATE")
                .bind(org.uuid())
                .fetch_optional(&mut **t)
                .await?;
        }
        let free: Option<Uuid> = dispatch!(tx self, c => {
            sqlx::query_scalar(FREE_ASSISTANCE)
                .bind(org.uuid()).bind(RedemptionState::Approved.as_str()).bind(ItemKind::Assistance.as_str())
                .bind(ResponseState::NotChosen.as_str()).fetch_optional(c).await?
        });
        let Some(redemption_id) = free else {
            return Ok(None);
        };
        let row = ReferralResponse {
            id: Uuid::now_v7(),
            referral_id: referral,
            org_id: org.uuid(),
            redemption_id,
            accepted_by: by.uuid(),
            accepted_at: self.now(),
            state: ResponseState::Accepted.as_str().to_string(),
        };
        let n = dispatch!(tx self, c => {
            sqlx::query("INSERT INTO referral_responses (id, referral_id, org_id, redemption_id, accepted_by, accepted_at, state) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (referral_id, org_id) DO NOTHING")
                .bind(row.id).bind(row.referral_id).bind(row.org_id).bind(row.redemption_id).bind(row.accepted_by)
                .bind(row.accepted_at.micros()).bind(&row.state).execute(c).await?.rows_affected()
        });
        Ok((n == 1).then_some(row))
    }

    /// The reporter's choice: the chosen firm's acceptance becomes chosen, every other
    /// one not chosen (freeing the redemption behind it). False when `org` had not
    /// accepted.
    pub async fn choose_referral_firm(&mut self, referral: Uuid, org: Uuid) -> Result<bool> {
        let chosen = dispatch!(tx self, c => {
            sqlx::query("UPDATE referral_responses SET state = $3 WHERE referral_id = $1 AND org_id = $2 AND state = $4")
                .bind(referral).bind(org).bind(ResponseState::Chosen.as_str()).bind(ResponseState::Accepted.as_str())
                .execute(c).await?.rows_affected()
        });
        if chosen == 0 {
            return Ok(false);
        }
        dispatch!(tx self, c => {
            sqlx::query("UPDATE referral_responses SET state = $3 WHERE referral_id = $1 AND org_id <> $2")
                .bind(referral).bind(org).bind(ResponseState::NotChosen.as_str()).execute(c).await?;
        });
        Ok(true)
    }

    /// Frees every acceptance of a withdrawn referral.
    pub async fn release_referral_responses(&mut self, referral: Uuid) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("UPDATE referral_responses SET state = $2 WHERE referral_id = $1")
                .bind(referral).bind(ResponseState::NotChosen.as_str()).execute(c).await?;
        });
        Ok(())
    }

    /// Forgets the firms' answers a withdrawal released, so that a referral offered again
    /// can be accepted afresh.
    pub async fn clear_released_referral_responses(&mut self, referral: Uuid) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("DELETE FROM referral_responses WHERE referral_id = $1 AND state = $2")
                .bind(referral).bind(ResponseState::NotChosen.as_str()).execute(c).await?;
        });
        Ok(())
    }

    pub(crate) async fn import_referral(&mut self, r: &Referral) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO referrals (id, report_id, state, consented_at, offered_at, offered_by, sector, incident_type, company_size, region, summary, \
                         chosen_org_id, chosen_at, outcome, outcome_at, rating, rating_comment, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)")
                .bind(r.id).bind(r.report_id).bind(&r.state).bind(r.consented_at.micros()).bind(r.offered_at.micros()).bind(r.offered_by)
                .bind(&r.sector).bind(&r.incident_type).bind(&r.company_size).bind(&r.region).bind(&r.summary).bind(r.chosen_org_id)
                .bind(r.chosen_at.micros()).bind(&r.outcome).bind(r.outcome_at.micros()).bind(r.rating).bind(&r.rating_comment)
                .bind(r.updated_at.micros()).execute(c).await?;
        });
        Ok(())
    }

    pub(crate) async fn import_referral_response(&mut self, x: &ReferralResponse) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO referral_responses (id, referral_id, org_id, redemption_id, accepted_by, accepted_at, state) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(x.id).bind(x.referral_id).bind(x.org_id).bind(x.redemption_id).bind(x.accepted_by)
                .bind(x.accepted_at.micros()).bind(&x.state).execute(c).await?;
        });
        Ok(())
    }
}

impl Store {
    /// One referral.
    pub async fn referral(&self, id: Uuid) -> Result<Option<Referral>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(referral_cols!("WHERE id = $1")).bind(id).fetch_optional(c).await?
        }))
    }

    /// The referral of a report, if its reporter consented.
    pub async fn referral_of_report(&self, report: ReportId) -> Result<Option<Referral>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(referral_cols!("WHERE report_id = $1")).bind(report.uuid()).fetch_optional(c).await?
        }))
    }

    /// Referrals in `state` (every state when None), most recently changed first.
    pub async fn referrals(&self, state: Option<&str>, limit: i64) -> Result<Vec<Referral>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(referral_cols!("WHERE ($1 IS NULL OR state = $1) ORDER BY updated_at DESC, id DESC LIMIT $2"))
                .bind(state).bind(limit.clamp(1, 10_000)).fetch_all(c).await?
        }))
    }

    /// The referrals a firm accepted, most recent first.
    pub async fn referrals_of_firm(&self, org: OrgId, limit: i64) -> Result<Vec<Referral>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(referral_cols!("WHERE id IN (SELECT referral_id FROM referral_responses WHERE org_id = $1) ORDER BY updated_at DESC, id DESC LIMIT $2"))
                .bind(org.uuid()).bind(limit.clamp(1, 10_000)).fetch_all(c).await?
        }))
    }

    /// The acceptances of a referral, oldest first, with the firms' names and contacts.
    pub async fn referral_responses(&self, referral: Uuid) -> Result<Vec<ResponseView>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(response_cols!("WHERE x.referral_id = $1 ORDER BY x.accepted_at, x.id")).bind(referral).fetch_all(c).await?
        }))
    }

    /// Whether the organization holds an approved assistance redemption that backs no
    /// live acceptance (it may accept an offer).
    pub async fn has_free_assistance(&self, org: OrgId) -> Result<bool> {
        let free: Option<Uuid> = dispatch!(pool self, c => {
            sqlx::query_scalar(FREE_ASSISTANCE)
                .bind(org.uuid()).bind(RedemptionState::Approved.as_str()).bind(ItemKind::Assistance.as_str())
                .bind(ResponseState::NotChosen.as_str()).fetch_optional(c).await?
        });
        Ok(free.is_some())
    }
}

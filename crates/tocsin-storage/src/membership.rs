//! Membership: organizations' applications from `/join` (with their one-time mail
//! confirmation links, stored hashed like every other link), the profile an organization
//! gave when it signed up, the CERT/CSIRT alliance's members with their RFC 2350 team
//! profiles, and the sector ISACs mapped to sharing groups.
//!
//! Decisions are conditional updates (`… WHERE state = $from`), so two desks deciding one
//! application at once cannot both win.

use serde::{Deserialize, Serialize};
use tocsin_domain::{GroupId, OrgId, Timestamp, UserId};
use uuid::Uuid;

use crate::columns::OptTime;
use crate::{Result, Store, Tx};

/// An organization's application to sign up, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct OrgApplication {
    /// Id.
    pub id: Uuid,
    /// pending, approved or rejected.
    pub state: String,
    /// The organization's name (Chinese, or as it calls itself).
    pub org_name: String,
    /// Its English name.
    pub org_name_en: String,
    /// Its kind (an `OrgKind` name).
    pub kind: String,
    /// Its sector.
    pub sector: String,
    /// 統一編號, or empty.
    pub business_number: String,
    /// Its web site, or empty.
    pub website: String,
    /// Who applied.
    pub applicant_name: String,
    /// Their mail address (normalized).
    pub applicant_email: String,
    /// Their phone.
    pub applicant_phone: String,
    /// The language they applied in (for the mail sent to them).
    pub locale: String,
    /// Their mail domain is the organization's site's.
    pub domain_verified: bool,
    /// When they followed the confirmation link.
    #[sqlx(try_from = "Option<i64>")]
    pub confirmed_at: OptTime,
    /// When the desk decided.
    #[sqlx(try_from = "Option<i64>")]
    pub decided_at: OptTime,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// Why it was rejected.
    pub reason: String,
    /// The organization an approval created.
    pub org_id: Option<Uuid>,
    /// When it was filed.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
}

/// The columns of [`OrgApplication`], for `concat!` (queries stay static strings).
macro_rules! application_columns {
    () => {
        "id, state, org_name, org_name_en, kind, sector, business_number, website, \
     applicant_name, applicant_email, applicant_phone, locale, domain_verified, confirmed_at, decided_at, \
     decided_by, reason, org_id, created_at"
    };
}

/// What an organization said of itself when it signed up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct OrgProfile {
    /// English name.
    pub name_en: String,
    /// 統一編號, or empty.
    pub business_number: String,
    /// Web site, or empty.
    pub website: String,
}

/// An organization's alliance membership and its team profile (RFC 2350's shape).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AllianceMember {
    /// The organization.
    pub org_id: Uuid,
    /// Its name (read with the row).
    #[sqlx(default)]
    pub org_name: String,
    /// An `AllianceState` name.
    pub state: String,
    /// The team's name (RFC 2350 2.1).
    pub team_name: String,
    /// Whom it serves (RFC 2350 3.2).
    pub constituency: String,
    /// Its contact mail address.
    pub email: String,
    /// Its phone.
    pub phone: String,
    /// Out-of-hours emergency contact.
    pub emergency: String,
    /// Its public OpenPGP key, armoured.
    pub pgp_key: String,
    /// That key's fingerprint.
    pub pgp_fingerprint: String,
    /// Its operating hours.
    pub hours: String,
    /// The services it offers (RFC 2350 5).
    pub services: String,
    /// Shown on the public member list.
    pub listed: bool,
    /// When the alliance's terms were accepted.
    #[sqlx(try_from = "i64")]
    pub terms_accepted_at: Timestamp,
    /// The desk's reason for the last decision (a rejection or suspension).
    pub reason: String,
    /// When it (last) applied.
    #[sqlx(try_from = "i64")]
    pub applied_at: Timestamp,
    /// When its state last changed.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

/// The columns of [`AllianceMember`] and the join that names its organization.
macro_rules! member_from {
    () => {
        "a.org_id, o.name AS org_name, a.state, a.team_name, a.constituency, a.email, a.phone, \
     a.emergency, a.pgp_key, a.pgp_fingerprint, a.hours, a.services, a.listed, a.terms_accepted_at, a.reason, \
     a.applied_at, a.updated_at FROM alliance_members a JOIN organizations o ON o.id = a.org_id"
    };
}

/// A sector ISAC and the sharing group it maps to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Isac {
    /// Its code (F-ISAC).
    pub code: String,
    /// Its Chinese name.
    pub name_zh: String,
    /// Its English name.
    pub name_en: String,
    /// The sector it serves.
    pub sector: String,
    /// What it shares.
    pub shares: String,
    /// How a company joins.
    pub how_to_join: String,
    /// The sharing group that holds its members, once an admin maps one.
    pub group_id: Option<Uuid>,
}

impl Tx {
    /// Stores a new application.
    pub async fn insert_org_application(&mut self, a: &OrgApplication) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO org_applications (id, state, org_name, org_name_en, kind, sector, business_number, website, \
                 applicant_name, applicant_email, applicant_phone, locale, domain_verified, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
                .bind(a.id).bind(&a.state).bind(&a.org_name).bind(&a.org_name_en).bind(&a.kind).bind(&a.sector)
                .bind(&a.business_number).bind(&a.website).bind(&a.applicant_name).bind(&a.applicant_email)
                .bind(&a.applicant_phone).bind(&a.locale).bind(a.domain_verified).bind(a.created_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Stores a one-time confirmation link (its hash) for an application.
    pub async fn create_application_confirmation(
        &mut self,
        token_hash: &[u8],
        application: Uuid,
        expires_at: Timestamp,
    ) -> Result<()> {
        let now = self.now();
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO application_confirmations (token_hash, application_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash).bind(application).bind(now.micros()).bind(expires_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Uses up a live confirmation link and marks its application confirmed (the first
    /// confirmation's time is kept); returns the application's id.
    pub async fn consume_application_confirmation(
        &mut self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<Uuid>> {
        let id: Option<Uuid> = dispatch!(tx self, c => {
            sqlx::query_scalar("DELETE FROM application_confirmations WHERE token_hash = $1 AND expires_at > $2 RETURNING application_id")
                .bind(token_hash).bind(now.micros()).fetch_optional(c).await?
        });
        if let Some(id) = id {
            dispatch!(tx self, c => {
                sqlx::query("UPDATE org_applications SET confirmed_at = COALESCE(confirmed_at, $2) WHERE id = $1")
                    .bind(id).bind(now.micros()).execute(c).await?;
            });
        }
        Ok(id)
    }

    /// Decides a pending application: `state` (approved or rejected), who, why, and the
    /// organization an approval created. False when it was no longer pending (another
    /// desk decided first): nothing is changed then.
    pub async fn decide_org_application(
        &mut self,
        id: Uuid,
        state: &str,
        by: UserId,
        reason: &str,
        org: Option<OrgId>,
    ) -> Result<bool> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE org_applications SET state = $2, decided_at = $3, decided_by = $4, reason = $5, org_id = $6 \
                 WHERE id = $1 AND state = 'pending'")
                .bind(id).bind(state).bind(now.micros()).bind(by.uuid()).bind(reason).bind(org.map(|o| o.uuid()))
                .execute(c).await?.rows_affected()
        });
        Ok(n == 1)
    }

    /// Sets what an organization said of itself (replacing what was there).
    pub async fn set_org_profile(&mut self, org: OrgId, p: &OrgProfile) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO org_profiles (org_id, name_en, business_number, website) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (org_id) DO UPDATE SET name_en = excluded.name_en, business_number = excluded.business_number, website = excluded.website")
                .bind(org.uuid()).bind(&p.name_en).bind(&p.business_number).bind(&p.website)
                .execute(c).await?;
        });
        Ok(())
    }

    /// Files an organization's alliance application (state `applied`), replacing an
    /// earlier profile. The caller checks that the organization may apply.
    pub async fn put_alliance_application(&mut self, m: &AllianceMember) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO alliance_members (org_id, state, team_name, constituency, email, phone, emergency, pgp_key, \
                 pgp_fingerprint, hours, services, listed, terms_accepted_at, reason, applied_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', $14, $14) \
                 ON CONFLICT (org_id) DO UPDATE SET state = excluded.state, team_name = excluded.team_name, \
                 constituency = excluded.constituency, email = excluded.email, phone = excluded.phone, \
                 emergency = excluded.emergency, pgp_key = excluded.pgp_key, pgp_fingerprint = excluded.pgp_fingerprint, \
                 hours = excluded.hours, services = excluded.services, listed = excluded.listed, \
                 terms_accepted_at = excluded.terms_accepted_at, reason = '', applied_at = excluded.applied_at, \
                 updated_at = excluded.updated_at")
                .bind(m.org_id).bind(&m.state).bind(&m.team_name).bind(&m.constituency).bind(&m.email)
                .bind(&m.phone).bind(&m.emergency).bind(&m.pgp_key).bind(&m.pgp_fingerprint).bind(&m.hours)
                .bind(&m.services).bind(m.listed).bind(m.terms_accepted_at.micros()).bind(m.applied_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Moves an organization's alliance state from `from` to `to` with the desk's reason.
    /// False when it was not in `from` (nothing changed).
    pub async fn move_alliance_state(
        &mut self,
        org: OrgId,
        from: &str,
        to: &str,
        reason: &str,
    ) -> Result<bool> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE alliance_members SET state = $3, reason = $4, updated_at = $5 WHERE org_id = $1 AND state = $2")
                .bind(org.uuid()).bind(from).bind(to).bind(reason).bind(now.micros())
                .execute(c).await?.rows_affected()
        });
        Ok(n == 1)
    }

    /// Whether the organization is shown on the public member list.
    pub async fn set_alliance_listed(&mut self, org: OrgId, listed: bool) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE alliance_members SET listed = $2 WHERE org_id = $1")
                .bind(org.uuid()).bind(listed).execute(c).await?.rows_affected()
        });
        Ok(n == 1)
    }

    /// Maps an ISAC to a sharing group (or to none). False for an unknown ISAC.
    pub async fn set_isac_group(&mut self, code: &str, group: Option<GroupId>) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE isacs SET group_id = $2 WHERE code = $1")
                .bind(code).bind(group.map(|g| g.uuid())).execute(c).await?.rows_affected()
        });
        Ok(n == 1)
    }
}

impl Store {
    /// One application.
    pub async fn get_org_application(&self, id: Uuid) -> Result<Option<OrgApplication>> {
        let sql = concat!(
            "SELECT ",
            application_columns!(),
            " FROM org_applications WHERE id = $1"
        );
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, OrgApplication>(sql).bind(id).fetch_optional(c).await?
        }))
    }

    /// The applications in `state`, oldest first (at most 500).
    pub async fn list_org_applications(&self, state: &str) -> Result<Vec<OrgApplication>> {
        let sql = concat!(
            "SELECT ",
            application_columns!(),
            " FROM org_applications WHERE state = $1 ORDER BY created_at, id LIMIT 500"
        );
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, OrgApplication>(sql).bind(state).fetch_all(c).await?
        }))
    }

    /// What an organization said of itself when it signed up, if it did.
    pub async fn get_org_profile(&self, org: OrgId) -> Result<Option<OrgProfile>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, OrgProfile>("SELECT name_en, business_number, website FROM org_profiles WHERE org_id = $1")
                .bind(org.uuid()).fetch_optional(c).await?
        }))
    }

    /// An organization's alliance membership, if it ever applied.
    pub async fn get_alliance_member(&self, org: OrgId) -> Result<Option<AllianceMember>> {
        let sql = concat!("SELECT ", member_from!(), " WHERE a.org_id = $1");
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, AllianceMember>(sql).bind(org.uuid()).fetch_optional(c).await?
        }))
    }

    /// The alliance rows in any of `states` (every state when empty), by team name.
    pub async fn list_alliance_members(&self, states: &[&str]) -> Result<Vec<AllianceMember>> {
        let sql = concat!("SELECT ", member_from!(), " ORDER BY a.team_name, a.org_id");
        let rows: Vec<AllianceMember> = dispatch!(pool self, c => {
            sqlx::query_as::<_, AllianceMember>(sql).fetch_all(c).await?
        });
        // A handful of dozen teams: filtered here rather than by a list bound per engine.
        Ok(rows
            .into_iter()
            .filter(|m| states.is_empty() || states.contains(&m.state.as_str()))
            .collect())
    }

    /// Every ISAC, by code.
    pub async fn list_isacs(&self) -> Result<Vec<Isac>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Isac>("SELECT code, name_zh, name_en, sector, shares, how_to_join, group_id FROM isacs ORDER BY code")
                .fetch_all(c).await?
        }))
    }
}

//! Organizations.

use serde::{Deserialize, Serialize};
use tocsin_domain::{OrgId, OrgKind, Timestamp};
use uuid::Uuid;

use crate::{Result, StorageError, Store, Tx};

/// An organization as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Organization {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: OrgId,
    /// Display name, unique.
    pub name: String,
    /// Sector (free text, e.g. 半導體, finance).
    pub sector: String,
    /// What kind of body it is.
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    /// Member of the national CERT/CSIRT alliance.
    pub alliance_member: bool,
    /// When it was created.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
}

/// What is needed to create an organization (validated by the caller).
#[derive(Clone, Debug)]
pub struct NewOrganization {
    /// Display name.
    pub name: String,
    /// Sector.
    pub sector: String,
    /// Kind.
    pub kind: OrgKind,
    /// Alliance membership.
    pub alliance_member: bool,
}

impl Tx {
    /// Creates an organization. A duplicate name is a [`StorageError::Conflict`].
    pub async fn create_org(&mut self, new: &NewOrganization) -> Result<Organization> {
        let org = Organization {
            id: OrgId::new(),
            name: new.name.trim().to_string(),
            sector: new.sector.trim().to_string(),
            kind: new.kind,
            alliance_member: new.alliance_member,
            created_at: self.now(),
        };
        self.insert_org(&org).await?;
        Ok(org)
    }

    pub(crate) async fn insert_org(&mut self, o: &Organization) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO organizations (id, name, sector, kind, alliance_member, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(o.id.uuid()).bind(&o.name).bind(&o.sector).bind(o.kind.as_str())
                .bind(o.alliance_member).bind(o.created_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Sets the alliance flag alone: membership decided by the alliance's state table.
    pub async fn set_org_alliance_member(&mut self, id: OrgId, member: bool) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("UPDATE organizations SET alliance_member = $2 WHERE id = $1")
                .bind(id.uuid()).bind(member).execute(c).await?;
        });
        Ok(())
    }

    /// Updates name, sector, kind and alliance membership.
    pub async fn update_org(&mut self, id: OrgId, new: &NewOrganization) -> Result<()> {
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE organizations SET name = $2, sector = $3, kind = $4, alliance_member = $5 WHERE id = $1")
                .bind(id.uuid()).bind(new.name.trim()).bind(new.sector.trim()).bind(new.kind.as_str())
                .bind(new.alliance_member)
                .execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("organization"));
        }
        Ok(())
    }
}

impl Store {
    /// One organization.
    pub async fn get_org(&self, id: OrgId) -> Result<Option<Organization>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Organization>("SELECT id, name, sector, kind, alliance_member, created_at FROM organizations WHERE id = $1")
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }

    /// All organizations by name.
    pub async fn list_orgs(&self) -> Result<Vec<Organization>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Organization>("SELECT id, name, sector, kind, alliance_member, created_at FROM organizations ORDER BY name")
                .fetch_all(c).await?
        }))
    }
}

//! Claim links: a one-time token, stored hashed, that lets the signed-in user who asked for
//! it make a report filed while signed out (with their mail address) their own.

use tocsin_domain::{ReportId, Timestamp, UserId};

use crate::Result;

impl crate::Tx {
    /// Stores a claim token for `report` asked for by `user`, live until `expires_at`.
    pub async fn create_report_claim(
        &mut self,
        token_hash: &[u8],
        report: ReportId,
        user: UserId,
        expires_at: Timestamp,
    ) -> Result<()> {
        let now = self.now();
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO report_claims (token_hash, report_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash).bind(report.uuid()).bind(user.uuid()).bind(now.micros()).bind(expires_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Uses up a live claim token of `user`; returns its report. Every claim token for
    /// that report ends with it. A token of another user is left as it is (None).
    pub async fn consume_report_claim(
        &mut self,
        token_hash: &[u8],
        user: UserId,
        now: Timestamp,
    ) -> Result<Option<ReportId>> {
        let report: Option<uuid::Uuid> = dispatch!(tx self, c => {
            sqlx::query_scalar("DELETE FROM report_claims WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3 RETURNING report_id")
                .bind(token_hash).bind(user.uuid()).bind(now.micros()).fetch_optional(c).await?
        });
        if let Some(r) = report {
            dispatch!(tx self, c => {
                sqlx::query("DELETE FROM report_claims WHERE report_id = $1").bind(r).execute(c).await?;
            });
        }
        Ok(report.map(ReportId))
    }
}

impl crate::Tx {
    /// Makes a report the filing account's and organization's (a claim of a report filed
    /// signed out).
    pub async fn set_report_reporter(
        &mut self,
        report: ReportId,
        user: Option<uuid::Uuid>,
        org: Option<uuid::Uuid>,
    ) -> Result<()> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE reports SET reporter_user_id = $2, org_id = $3, updated_at = $4 WHERE id = $1")
                .bind(report.uuid()).bind(user).bind(org).bind(now.micros())
                .execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(crate::StorageError::NotFound("report"));
        }
        Ok(())
    }
}

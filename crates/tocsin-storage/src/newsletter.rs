//! The monthly e-newsletter: subscribers (personal data: exported and erased by the
//! admin), issues, and one delivery row per issue and subscriber. A delivery row is
//! written in the same transaction as its outbox row, and its primary key keeps anyone
//! from getting an issue twice, so a send interrupted at any point resumes where it
//! stopped. The public statistics of a month are counted here too: counts only, nothing
//! that names a reporter or a case.

use serde::Serialize;
use tocsin_domain::newsletter::{IssueStatus, SubscriberStatus};
use tocsin_domain::{IssueId, OutboxId, SubscriberId, Timestamp};
use uuid::Uuid;

use crate::{Pool, Result, StorageError, Store, Tx};

/// A subscriber as stored (the secrets only as hashes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Subscriber {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: SubscriberId,
    /// The address, normalized.
    pub email: String,
    /// The language of the issues they get (`zh-TW` or `en`).
    pub locale: String,
    /// pending, active or unsubscribed.
    pub status: String,
    /// Bounces counted since they last confirmed.
    pub bounces: i32,
    /// When they asked.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// When they confirmed.
    #[sqlx(try_from = "Option<i64>")]
    pub confirmed_at: crate::columns::OptTime,
    /// When they left.
    #[sqlx(try_from = "Option<i64>")]
    pub unsubscribed_at: crate::columns::OptTime,
}

impl Subscriber {
    /// Its state.
    pub fn state(&self) -> Result<SubscriberStatus> {
        SubscriberStatus::parse(&self.status)
            .ok_or_else(|| StorageError::Corrupt(format!("subscriber status {}", self.status)))
    }
}

/// The subscriber columns, as a literal for `concat!` (sqlx takes only static SQL).
macro_rules! subscriber_columns {
    () => {
        "id, email, locale, status, bounces, created_at, confirmed_at, unsubscribed_at"
    };
}

/// An issue of the newsletter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Issue {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: IssueId,
    /// The month it covers, `YYYY-MM`.
    pub month: String,
    /// The desk's own words.
    pub editorial: String,
    /// draft, sending or sent.
    pub status: String,
    /// Drafted.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// Last edited.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
    /// When the last delivery was queued.
    #[sqlx(try_from = "Option<i64>")]
    pub sent_at: crate::columns::OptTime,
}

impl Issue {
    /// Its state.
    pub fn state(&self) -> Result<IssueStatus> {
        IssueStatus::parse(&self.status)
            .ok_or_else(|| StorageError::Corrupt(format!("issue status {}", self.status)))
    }
}

/// The issue columns, as a literal for `concat!`.
macro_rules! issue_columns {
    () => {
        "id, month, editorial, status, created_at, updated_at, sent_at"
    };
}

/// What became of one issue's mail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IssueCounts {
    /// Deliveries queued.
    pub queued: i64,
    /// Delivered by the outbox.
    pub sent: i64,
    /// Bounced back.
    pub bounced: i64,
    /// Unsubscribed by this issue's link.
    pub unsubscribed: i64,
}

/// What a bounce did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BounceOutcome {
    /// No delivery has this key (or it bounced before).
    Unknown,
    /// Counted.
    Counted,
    /// Counted, and the subscriber was unsubscribed for bouncing too often.
    Unsubscribed,
}

/// One month's public figures: counts only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MonthCounts {
    /// Reports received, by kind.
    pub reports_by_kind: Vec<(String, i64)>,
    /// Incident reports received, by incident type (category).
    pub incidents_by_type: Vec<(String, i64)>,
    /// Phishing URLs first reported, by brand.
    pub phishing_by_brand: Vec<(String, i64)>,
    /// Minutes from first report to takedown, of the URLs taken down in the month.
    pub takedown_minutes: Vec<i64>,
    /// Vulnerability reports received, by tocsin's CVSS severity (empty: not scored).
    pub vulns_by_severity: Vec<(String, i64)>,
    /// CVE records published.
    pub cves_published: i64,
    /// Intel records shared, by category (the month they were published).
    pub intel_by_category: Vec<(String, i64)>,
}

#[derive(sqlx::FromRow)]
struct Count {
    key: String,
    n: i64,
}

fn pairs(rows: Vec<Count>) -> Vec<(String, i64)> {
    rows.into_iter().map(|c| (c.key, c.n)).collect()
}

impl Tx {
    /// The subscriber with this (normalized) address.
    pub async fn subscriber_by_email(&mut self, email: &str) -> Result<Option<Subscriber>> {
        let sql = concat!(
            "SELECT ",
            subscriber_columns!(),
            " FROM newsletter_subscribers WHERE email = $1"
        );
        Ok(dispatch!(tx self, c => {
            sqlx::query_as::<_, Subscriber>(sql).bind(email).fetch_optional(&mut *c).await?
        }))
    }

    /// Records a subscription request: a new pending subscriber, or an existing one who is
    /// not active made pending again with a fresh confirmation secret and language.
    pub async fn put_pending_subscriber(
        &mut self,
        email: &str,
        locale: &str,
        confirm_hash: &[u8],
        confirm_expires_at: Timestamp,
        unsubscribe_hash: &[u8],
    ) -> Result<SubscriberId> {
        let now = self.now();
        if let Some(s) = self.subscriber_by_email(email).await? {
            dispatch!(tx self, c => {
                sqlx::query("UPDATE newsletter_subscribers SET status = 'pending', locale = $2, \
                             confirm_hash = $3, confirm_expires_at = $4 WHERE id = $1 AND status <> 'active'")
                    .bind(s.id.uuid()).bind(locale).bind(confirm_hash).bind(confirm_expires_at.micros())
                    .execute(&mut *c).await?;
            });
            return Ok(s.id);
        }
        let id = SubscriberId::new();
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO newsletter_subscribers (id, email, locale, status, confirm_hash, \
                         confirm_expires_at, unsubscribe_hash, bounces, created_at) \
                         VALUES ($1, $2, $3, 'pending', $4, $5, $6, 0, $7)")
                .bind(id.uuid()).bind(email).bind(locale).bind(confirm_hash)
                .bind(confirm_expires_at.micros()).bind(unsubscribe_hash).bind(now.micros())
                .execute(&mut *c).await?;
        });
        Ok(id)
    }

    /// Replaces a subscriber's unsubscribe secret (the link is only known when made, so a
    /// confirmation mints a new one for the welcome and the issues).
    pub async fn set_unsubscribe_hash(&mut self, id: SubscriberId, hash: &[u8]) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("UPDATE newsletter_subscribers SET unsubscribe_hash = $2 WHERE id = $1")
                .bind(id.uuid()).bind(hash).execute(&mut *c).await?;
        });
        Ok(())
    }

    /// Confirms the pending subscription whose unexpired confirmation secret hashes to
    /// `hash`; returns it, or None (unknown, used or expired).
    pub async fn confirm_subscriber(&mut self, hash: &[u8]) -> Result<Option<Subscriber>> {
        let now = self.now();
        let sql = concat!(
            "SELECT ",
            subscriber_columns!(),
            " FROM newsletter_subscribers \
             WHERE confirm_hash = $1 AND status = 'pending' AND confirm_expires_at > $2"
        );
        let found = dispatch!(tx self, c => {
            sqlx::query_as::<_, Subscriber>(sql).bind(hash).bind(now.micros()).fetch_optional(&mut *c).await?
        });
        let Some(mut s) = found else {
            return Ok(None);
        };
        dispatch!(tx self, c => {
            sqlx::query("UPDATE newsletter_subscribers SET status = 'active', confirmed_at = $2, \
                         confirm_hash = NULL, confirm_expires_at = NULL, bounces = 0, unsubscribed_at = NULL, \
                         unsubscribed_issue = NULL WHERE id = $1")
                .bind(s.id.uuid()).bind(now.micros()).execute(&mut *c).await?;
        });
        s.status = SubscriberStatus::Active.as_str().into();
        s.confirmed_at = crate::columns::OptTime(Some(now));
        s.bounces = 0;
        s.unsubscribed_at = Default::default();
        Ok(Some(s))
    }

    /// Unsubscribes whoever's unsubscribe secret hashes to `hash`: an issue's copy
    /// (counted against that issue) or the welcome mail. Returns whether someone was
    /// still subscribed.
    pub async fn unsubscribe(&mut self, hash: &[u8]) -> Result<bool> {
        let now = self.now();
        let delivery: Option<(Uuid, Uuid)> = dispatch!(tx self, c => {
            sqlx::query_as("SELECT issue_id, subscriber_id FROM newsletter_deliveries WHERE unsubscribe_hash = $1")
                .bind(hash).fetch_optional(&mut *c).await?
        });
        Ok(dispatch!(tx self, c => {
            match delivery {
                Some((issue, subscriber)) => sqlx::query(
                    "UPDATE newsletter_subscribers SET status = 'unsubscribed', unsubscribed_at = $2, \
                     confirm_hash = NULL, unsubscribed_issue = $3 WHERE id = $1 AND status <> 'unsubscribed'")
                    .bind(subscriber).bind(now.micros()).bind(issue)
                    .execute(&mut *c).await?.rows_affected(),
                None => sqlx::query(
                    "UPDATE newsletter_subscribers SET status = 'unsubscribed', unsubscribed_at = $2, \
                     confirm_hash = NULL WHERE unsubscribe_hash = $1 AND status <> 'unsubscribed'")
                    .bind(hash).bind(now.micros())
                    .execute(&mut *c).await?.rows_affected(),
            }
        }) == 1)
    }

    /// Counts a bounce of the delivery tagged `key`; at `limit` bounces the subscriber is
    /// unsubscribed.
    pub async fn record_bounce(&mut self, key: &str, limit: i32) -> Result<BounceOutcome> {
        let now = self.now();
        let subscriber: Option<Uuid> = dispatch!(tx self, c => {
            sqlx::query_scalar("UPDATE newsletter_deliveries SET bounced_at = $2 \
                                WHERE bounce_key = $1 AND bounced_at IS NULL RETURNING subscriber_id")
                .bind(key).bind(now.micros()).fetch_optional(&mut *c).await?
        });
        let Some(subscriber) = subscriber else {
            return Ok(BounceOutcome::Unknown);
        };
        let left = dispatch!(tx self, c => {
            sqlx::query("UPDATE newsletter_subscribers SET bounces = bounces + 1 WHERE id = $1")
                .bind(subscriber).execute(&mut *c).await?;
            sqlx::query("UPDATE newsletter_subscribers SET status = 'unsubscribed', unsubscribed_at = $2 \
                         WHERE id = $1 AND status = 'active' AND bounces >= $3")
                .bind(subscriber).bind(now.micros()).bind(limit).execute(&mut *c).await?.rows_affected()
        });
        Ok(if left == 1 {
            BounceOutcome::Unsubscribed
        } else {
            BounceOutcome::Counted
        })
    }

    /// Erases a subscriber (a request under the personal data act); the issues' counts
    /// keep only an id that names nobody. Returns whether there was one.
    pub async fn erase_subscriber(&mut self, email: &str) -> Result<bool> {
        Ok(dispatch!(tx self, c => {
            sqlx::query("DELETE FROM newsletter_subscribers WHERE email = $1")
                .bind(email).execute(&mut *c).await?.rows_affected()
        }) == 1)
    }

    /// The issue of `month`, if drafted.
    pub async fn issue_of_month(&mut self, month: &str) -> Result<Option<Issue>> {
        let sql = concat!(
            "SELECT ",
            issue_columns!(),
            " FROM newsletter_issues WHERE month = $1"
        );
        Ok(dispatch!(tx self, c => {
            sqlx::query_as::<_, Issue>(sql).bind(month).fetch_optional(&mut *c).await?
        }))
    }

    /// Drafts the issue of `month`.
    pub async fn create_issue(&mut self, month: &str) -> Result<Issue> {
        let now = self.now();
        let issue = Issue {
            id: IssueId::new(),
            month: month.to_string(),
            editorial: String::new(),
            status: IssueStatus::Draft.as_str().into(),
            created_at: now,
            updated_at: now,
            sent_at: Default::default(),
        };
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO newsletter_issues (id, month, editorial, status, created_at, updated_at) \
                         VALUES ($1, $2, '', 'draft', $3, $3)")
                .bind(issue.id.uuid()).bind(month).bind(now.micros()).execute(&mut *c).await?;
        });
        Ok(issue)
    }

    /// Changes a draft's editorial; false when it is no longer a draft.
    pub async fn set_issue_editorial(&mut self, id: IssueId, editorial: &str) -> Result<bool> {
        let now = self.now();
        Ok(dispatch!(tx self, c => {
            sqlx::query("UPDATE newsletter_issues SET editorial = $2, updated_at = $3 WHERE id = $1 AND status = 'draft'")
                .bind(id.uuid()).bind(editorial).bind(now.micros()).execute(&mut *c).await?.rows_affected()
        }) == 1)
    }

    /// Moves a draft to sending; false when it was not a draft.
    pub async fn start_sending_issue(&mut self, id: IssueId) -> Result<bool> {
        let now = self.now();
        Ok(dispatch!(tx self, c => {
            sqlx::query("UPDATE newsletter_issues SET status = 'sending', updated_at = $2 WHERE id = $1 AND status = 'draft'")
                .bind(id.uuid()).bind(now.micros()).execute(&mut *c).await?.rows_affected()
        }) == 1)
    }

    /// Marks an issue sent (every active subscriber has a delivery).
    pub async fn finish_issue(&mut self, id: IssueId) -> Result<()> {
        let now = self.now();
        dispatch!(tx self, c => {
            sqlx::query("UPDATE newsletter_issues SET status = 'sent', sent_at = $2, updated_at = $2 WHERE id = $1 AND status = 'sending'")
                .bind(id.uuid()).bind(now.micros()).execute(&mut *c).await?;
        });
        Ok(())
    }

    /// Up to `limit` active subscribers who have no delivery of `issue` yet, in id order.
    pub async fn issue_recipients(
        &mut self,
        issue: IssueId,
        limit: i64,
    ) -> Result<Vec<Subscriber>> {
        let sql = concat!(
            "SELECT ",
            subscriber_columns!(),
            " FROM newsletter_subscribers s WHERE s.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries d WHERE d.issue_id = $1 AND d.subscriber_id = s.id) \
             ORDER BY s.id LIMIT $2"
        );
        Ok(dispatch!(tx self, c => {
            sqlx::query_as::<_, Subscriber>(sql).bind(issue.uuid()).bind(limit).fetch_all(&mut *c).await?
        }))
    }

    /// Records that `subscriber`'s copy of `issue` is the outbox row `outbox`; fails (and
    /// so rolls back the outbox row with it) if they already had one.
    pub async fn insert_newsletter_delivery(
        &mut self,
        issue: IssueId,
        subscriber: SubscriberId,
        outbox: OutboxId,
        bounce_key: &str,
        unsubscribe_hash: &[u8],
    ) -> Result<()> {
        let now = self.now();
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO newsletter_deliveries (issue_id, subscriber_id, outbox_id, bounce_key, unsubscribe_hash, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(issue.uuid()).bind(subscriber.uuid()).bind(outbox.uuid()).bind(bounce_key).bind(unsubscribe_hash).bind(now.micros())
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    /// Deliveries queued since `since`, of any issue: what the rate limit counts. On
    /// PostgreSQL the newsletter's senders are serialized until commit first, so two
    /// instances do not both spend one minute's rate (SQLite has one writer anyway).
    pub async fn deliveries_since(&mut self, since: Timestamp) -> Result<i64> {
        const COUNT: &str = "SELECT COUNT(*) FROM newsletter_deliveries WHERE created_at > $1";
        Ok(match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_scalar::<_, i64>(COUNT)
                    .bind(since.micros())
                    .fetch_one(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext('newsletter_deliveries'))")
                    .execute(&mut **t)
                    .await?;
                sqlx::query_scalar::<_, i64>(COUNT)
                    .bind(since.micros())
                    .fetch_one(&mut **t)
                    .await?
            }
        })
    }
}

impl Store {
    /// Deliveries queued since `since` (a look before taking the write turn).
    pub async fn newsletter_deliveries_since(&self, since: Timestamp) -> Result<i64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM newsletter_deliveries WHERE created_at > $1")
                .bind(since.micros()).fetch_one(c).await?
        }))
    }

    /// Every subscriber, for the admin's export.
    pub async fn list_subscribers(&self) -> Result<Vec<Subscriber>> {
        let sql = concat!(
            "SELECT ",
            subscriber_columns!(),
            " FROM newsletter_subscribers ORDER BY id"
        );
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Subscriber>(sql).fetch_all(c).await?
        }))
    }

    /// The subscriber with this address.
    pub async fn subscriber(&self, email: &str) -> Result<Option<Subscriber>> {
        let sql = concat!(
            "SELECT ",
            subscriber_columns!(),
            " FROM newsletter_subscribers WHERE email = $1"
        );
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Subscriber>(sql).bind(email).fetch_optional(c).await?
        }))
    }

    /// Issues in `status`, newest month first.
    pub async fn list_issues(&self, status: Option<IssueStatus>) -> Result<Vec<Issue>> {
        let sql = concat!(
            "SELECT ",
            issue_columns!(),
            " FROM newsletter_issues WHERE ($1 IS NULL OR status = $1) ORDER BY month DESC"
        );
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Issue>(sql).bind(status.map(|s| s.as_str())).fetch_all(c).await?
        }))
    }

    /// The issue of `month`.
    pub async fn issue(&self, month: &str) -> Result<Option<Issue>> {
        let sql = concat!(
            "SELECT ",
            issue_columns!(),
            " FROM newsletter_issues WHERE month = $1"
        );
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Issue>(sql).bind(month).fetch_optional(c).await?
        }))
    }

    /// What became of `issue`'s mail.
    pub async fn issue_counts(&self, issue: IssueId) -> Result<IssueCounts> {
        let (queued, sent, bounced, unsubscribed): (i64, i64, i64, i64) = dispatch!(pool self, c => {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM newsletter_deliveries WHERE issue_id = $1), \
                 (SELECT COUNT(*) FROM newsletter_deliveries d JOIN outbox o ON o.id = d.outbox_id \
                  WHERE d.issue_id = $1 AND o.status = 'sent'), \
                 (SELECT COUNT(*) FROM newsletter_deliveries WHERE issue_id = $1 AND bounced_at IS NOT NULL), \
                 (SELECT COUNT(*) FROM newsletter_subscribers WHERE unsubscribed_issue = $1)")
                .bind(issue.uuid()).fetch_one(c).await?
        });
        Ok(IssueCounts {
            queued,
            sent,
            bounced,
            unsubscribed,
        })
    }

    /// Counts of reports received in [`from`, `until`) as the public statistics show them.
    pub async fn month_counts(&self, from: Timestamp, until: Timestamp) -> Result<MonthCounts> {
        let (f, u) = (from.micros(), until.micros());
        let severity_sql = match &self.pool {
            Pool::Sqlite(_) => {
                "SELECT COALESCE(json_extract(details, '$.cvss_severity'), '') AS key, COUNT(*) AS n FROM reports \
                 WHERE kind = 'vulnerability' AND reported_at >= $1 AND reported_at < $2 AND json_valid(details) GROUP BY 1 ORDER BY 2 DESC, 1"
            }
            Pool::Postgres(_) => {
                "SELECT COALESCE(details::jsonb ->> 'cvss_severity', '') AS key, COUNT(*) AS n FROM reports \
                 WHERE kind = 'vulnerability' AND reported_at >= $1 AND reported_at < $2 GROUP BY 1 ORDER BY 2 DESC, 1"
            }
        };
        let by_kind = "SELECT kind AS key, COUNT(*) AS n FROM reports WHERE reported_at >= $1 AND reported_at < $2 \
             GROUP BY kind ORDER BY 2 DESC, 1";
        let by_type = "SELECT category AS key, COUNT(*) AS n FROM reports WHERE kind = 'incident' AND reported_at >= $1 \
             AND reported_at < $2 GROUP BY category ORDER BY 2 DESC, 1";
        let by_brand = "SELECT brand AS key, COUNT(*) AS n FROM phish_urls WHERE first_reported_at >= $1 AND first_reported_at < $2 \
             GROUP BY brand ORDER BY 2 DESC, 1";
        let by_category = "SELECT category AS key, COUNT(*) AS n FROM intel_records WHERE status = 'shared' \
             AND published_at >= $1 AND published_at < $2 GROUP BY category ORDER BY 2 DESC, 1";
        Ok(dispatch!(pool self, c => {
            let q = |sql: &'static str| sqlx::query_as::<_, Count>(sql).bind(f).bind(u);
            MonthCounts {
                reports_by_kind: pairs(q(by_kind).fetch_all(c).await?),
                incidents_by_type: pairs(q(by_type).fetch_all(c).await?),
                phishing_by_brand: pairs(q(by_brand).fetch_all(c).await?),
                takedown_minutes: sqlx::query_scalar::<_, i64>(
                    "SELECT (taken_down_at - first_reported_at) / 60000000 FROM phish_urls \
                     WHERE taken_down_at >= $1 AND taken_down_at < $2")
                    .bind(f).bind(u).fetch_all(c).await?,
                vulns_by_severity: pairs(q(severity_sql).fetch_all(c).await?),
                cves_published: sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM vuln_cases WHERE cve_id <> '' AND published_at >= $1 AND published_at < $2")
                    .bind(f).bind(u).fetch_one(c).await?,
                intel_by_category: pairs(q(by_category).fetch_all(c).await?),
            }
        }))
    }

    /// Reports received in [`from`, `until`): one point of the trend.
    pub async fn count_reports_between(&self, from: Timestamp, until: Timestamp) -> Result<i64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM reports WHERE reported_at >= $1 AND reported_at < $2")
                .bind(from.micros()).bind(until.micros()).fetch_one(c).await?
        }))
    }
}

/// A subscriber row as exported, secrets' hashes included, so an import keeps every link
/// working.
#[derive(Clone, Debug, Serialize, serde::Deserialize, sqlx::FromRow)]
pub(crate) struct RawSubscriber {
    pub(crate) id: Uuid,
    pub(crate) email: String,
    pub(crate) locale: String,
    pub(crate) status: String,
    pub(crate) confirm_hash: Option<Vec<u8>>,
    pub(crate) confirm_expires_at: Option<i64>,
    #[serde(with = "crate::export::hex_bytes")]
    pub(crate) unsubscribe_hash: Vec<u8>,
    pub(crate) bounces: i32,
    pub(crate) unsubscribed_issue: Option<Uuid>,
    pub(crate) created_at: i64,
    pub(crate) confirmed_at: Option<i64>,
    pub(crate) unsubscribed_at: Option<i64>,
}

/// An issue row as exported.
#[derive(Clone, Debug, Serialize, serde::Deserialize, sqlx::FromRow)]
pub(crate) struct RawIssue {
    pub(crate) id: Uuid,
    pub(crate) month: String,
    pub(crate) editorial: String,
    pub(crate) status: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) sent_at: Option<i64>,
}

/// A delivery row as exported.
#[derive(Clone, Debug, Serialize, serde::Deserialize, sqlx::FromRow)]
pub(crate) struct RawDelivery {
    pub(crate) issue_id: Uuid,
    pub(crate) subscriber_id: Uuid,
    pub(crate) outbox_id: Uuid,
    pub(crate) bounce_key: String,
    #[serde(with = "crate::export::hex_bytes")]
    pub(crate) unsubscribe_hash: Vec<u8>,
    pub(crate) created_at: i64,
    pub(crate) bounced_at: Option<i64>,
}

impl Tx {
    /// Imports one exported subscriber.
    pub(crate) async fn import_subscriber(&mut self, r: &RawSubscriber) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO newsletter_subscribers (id, email, locale, status, confirm_hash, confirm_expires_at, \
                         unsubscribe_hash, bounces, unsubscribed_issue, created_at, confirmed_at, unsubscribed_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                .bind(r.id).bind(&r.email).bind(&r.locale).bind(&r.status).bind(&r.confirm_hash)
                .bind(r.confirm_expires_at).bind(&r.unsubscribe_hash).bind(r.bounces).bind(r.unsubscribed_issue)
                .bind(r.created_at).bind(r.confirmed_at).bind(r.unsubscribed_at)
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    /// Imports one exported issue.
    pub(crate) async fn import_issue(&mut self, r: &RawIssue) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO newsletter_issues (id, month, editorial, status, created_at, updated_at, sent_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(r.id).bind(&r.month).bind(&r.editorial).bind(&r.status)
                .bind(r.created_at).bind(r.updated_at).bind(r.sent_at)
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    /// Imports one exported delivery.
    pub(crate) async fn import_newsletter_delivery(&mut self, r: &RawDelivery) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO newsletter_deliveries (issue_id, subscriber_id, outbox_id, bounce_key, unsubscribe_hash, created_at, bounced_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(r.issue_id).bind(r.subscriber_id).bind(r.outbox_id).bind(&r.bounce_key)
                .bind(&r.unsubscribe_hash).bind(r.created_at).bind(r.bounced_at)
                .execute(&mut *c).await?;
        });
        Ok(())
    }
}

//! The reward scheme's ledger: points accounts (an organization's or an individual's),
//! immutable entries, the catalog and redemptions. The rules (what earns how much, item
//! validation) are the domain's `points`; this module guarantees what concurrency could
//! break: an entry with an idempotency key is inserted once (unique index), a hold or a
//! debit never takes a balance below zero and a hold never takes stock below zero
//! (conditional updates, with CHECK constraints behind them), and entries are never
//! changed (triggers). The account's `balance` is a cache of the sum of its entries,
//! written in the same transaction; [`Store::points_ledger_check`] compares the two.
//!
//! Lock order, so PostgreSQL never deadlocks: item, then account, then redemption.

use serde::{Deserialize, Serialize};
use tocsin_domain::points::{EntryKind, RedemptionState, ValidItem, clamp_debit};
use tocsin_domain::{OrgId, Timestamp, UserId};
use uuid::Uuid;

use crate::columns::OptTime;
use crate::{Result, StorageError, Store, Tx};

/// Whose points account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// An organization (security firm, manufacturer, SME…).
    Org(OrgId),
    /// An individual researcher without an organization.
    User(UserId),
}

/// A points account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PointsAccount {
    /// Its id.
    pub id: Uuid,
    /// The organization, for an organization's account.
    pub org_id: Option<Uuid>,
    /// The individual, for a researcher's account.
    pub user_id: Option<Uuid>,
    /// The sum of its entries (cached; see [`Store::points_ledger_check`]).
    pub balance: i64,
    /// Points held for redemptions awaiting a decision.
    pub held: i64,
    /// The organization asked not to be named on the leaderboard.
    pub leaderboard_opt_out: bool,
    /// When it was opened.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
}

impl PointsAccount {
    /// What may still be spent or debited: the balance less what is held.
    pub fn available(&self) -> i64 {
        self.balance - self.held
    }

    /// The holder.
    pub fn holder(&self) -> Option<Holder> {
        match (self.org_id, self.user_id) {
            (Some(o), _) => Some(Holder::Org(OrgId(o))),
            (None, Some(u)) => Some(Holder::User(UserId(u))),
            (None, None) => None,
        }
    }
}

/// A ledger entry, never changed once written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PointsEntry {
    /// Its id.
    pub id: Uuid,
    /// The account.
    pub account_id: Uuid,
    /// Points added (positive) or taken (negative).
    pub delta: i64,
    /// The domain's `EntryKind`.
    pub kind: String,
    /// The rule (the domain's `EarnEvent`), for awards, reversals and penalties.
    pub rule: String,
    /// What caused it: `report`, `phish_url`, `intel`, `redemption`, or empty.
    pub source_kind: String,
    /// Which one (a tracking number or id).
    pub source_id: String,
    /// Unique when set: the same (rule, record) is inserted once.
    pub idempotency_key: Option<String>,
    /// Why (required for adjustments).
    pub reason: String,
    /// Who caused it.
    pub actor_id: Option<Uuid>,
    /// Their name as shown.
    pub actor: String,
    /// When.
    #[sqlx(try_from = "i64")]
    pub at: Timestamp,
}

/// A new ledger entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    /// The account.
    pub account_id: Uuid,
    /// Points; a negative delta is reduced to what the account can give (never overdrawn).
    pub delta: i64,
    /// Kind.
    pub kind: EntryKind,
    /// The rule name, or empty.
    pub rule: String,
    /// The source kind, or empty.
    pub source_kind: String,
    /// The source id, or empty.
    pub source_id: String,
    /// The idempotency key, if the entry must happen once.
    pub idempotency_key: Option<String>,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor_id: Option<UserId>,
    /// Their name.
    pub actor: String,
}

/// A catalog item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PointsItem {
    /// Its id.
    pub id: Uuid,
    /// The domain's `ItemKind`.
    pub kind: String,
    /// Name in Traditional Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Description.
    pub description: String,
    /// Points per redemption.
    pub cost: i64,
    /// Units left (held units already taken).
    pub stock: i64,
    /// First day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last day, `YYYY-MM-DD`.
    pub valid_until: String,
    /// Offered at all.
    pub active: bool,
    /// Created.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// Last change.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

/// A redemption request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Redemption {
    /// Its id.
    pub id: Uuid,
    /// The account the points come from.
    pub account_id: Uuid,
    /// The item.
    pub item_id: Uuid,
    /// The cost at the time of the request.
    pub cost: i64,
    /// The domain's `RedemptionState`.
    pub state: String,
    /// Who asked.
    pub requested_by: Option<Uuid>,
    /// When.
    #[sqlx(try_from = "i64")]
    pub requested_at: Timestamp,
    /// The admin who decided.
    pub decided_by: Option<Uuid>,
    /// When.
    #[sqlx(try_from = "Option<i64>")]
    pub decided_at: OptTime,
    /// The admin's note.
    pub note: String,
    /// The ledger entry of an approved redemption.
    pub entry_id: Option<Uuid>,
}

/// Why a redemption could not be held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HoldRefused {
    /// No such item, or it is not offered now.
    #[error("item not available")]
    NotAvailable,
    /// No stock left.
    #[error("out of stock")]
    OutOfStock,
    /// The available balance does not cover the cost.
    #[error("insufficient points")]
    InsufficientPoints,
}

/// One row of the yearly leaderboard.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LeaderRow {
    /// The account.
    pub account_id: Uuid,
    /// The organization, if an organization's.
    pub org_id: Option<Uuid>,
    /// The name to show (organization or person); empty when they opted out.
    pub name: String,
    /// Points earned in the year (awards less reversals and penalties).
    pub earned: i64,
}

macro_rules! account_cols {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, user_id, balance, held, leaderboard_opt_out, created_at FROM points_accounts ",
            $tail
        )
    };
}
macro_rules! entry_cols {
    ($tail:literal) => {
        concat!(
            "SELECT id, account_id, delta, kind, rule, source_kind, source_id, idempotency_key, reason, actor_id, actor, at FROM points_entries ",
            $tail
        )
    };
}
macro_rules! item_cols {
    ($tail:literal) => {
        concat!(
            "SELECT id, kind, name_zh, name_en, description, cost, stock, valid_from, valid_until, active, created_at, updated_at FROM points_items ",
            $tail
        )
    };
}
macro_rules! redemption_cols {
    ($tail:literal) => {
        concat!(
            "SELECT id, account_id, item_id, cost, state, requested_by, requested_at, decided_by, decided_at, note, entry_id FROM points_redemptions ",
            $tail
        )
    };
}

const INSERT_ENTRY: &str = "INSERT INTO points_entries (id, account_id, delta, kind, rule, source_kind, source_id, idempotency_key, reason, actor_id, actor, at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING";

impl Tx {
    /// The account of `holder`, opened on first use; a person's own account opens unnamed
    /// on the leaderboard.
    pub async fn points_account(&mut self, holder: Holder) -> Result<PointsAccount> {
        let (org, user) = match holder {
            Holder::Org(o) => (Some(o.uuid()), None),
            Holder::User(u) => (None, Some(u.uuid())),
        };
        let now = self.now().micros();
        dispatch!(tx self, c => {
            // A person (no organization) is unnamed on the leaderboard until they choose.
            sqlx::query("INSERT INTO points_accounts (id, org_id, user_id, leaderboard_opt_out, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
                .bind(Uuid::now_v7()).bind(org).bind(user).bind(org.is_none()).bind(now).execute(&mut *c).await?;
        });
        let a: Option<PointsAccount> = dispatch!(tx self, c => {
            sqlx::query_as(account_cols!("WHERE org_id = $1 OR user_id = $2"))
                .bind(org).bind(user).fetch_optional(c).await?
        });
        a.ok_or(StorageError::NotFound("points account"))
    }

    /// Reads an account, locking it on PostgreSQL (SQLite's writer already holds the
    /// database) so a debit computed from its balance stays right.
    async fn lock_account(&mut self, id: Uuid) -> Result<PointsAccount> {
        let a: Option<PointsAccount> = match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_as(account_cols!("WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query_as(account_cols!("WHERE id = $1 FOR UPDATE"))
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?
            }
        };
        a.ok_or(StorageError::NotFound("points account"))
    }

    /// Posts an entry and moves the cached balance with it. A negative delta is reduced
    /// to what the account has beyond its holds (the ledger is never overdrawn). Returns
    /// None, writing nothing, when the idempotency key was used before (a retried or raced
    /// transition), or when a debit found nothing to take.
    pub async fn post_points_entry(&mut self, e: &NewEntry) -> Result<Option<PointsEntry>> {
        let acct = self.lock_account(e.account_id).await?;
        let delta = if e.delta < 0 {
            -clamp_debit(-e.delta, acct.balance, acct.held)
        } else {
            e.delta
        };
        if delta == 0 && e.delta != 0 {
            return Ok(None);
        }
        let row = PointsEntry {
            id: Uuid::now_v7(),
            account_id: e.account_id,
            delta,
            kind: e.kind.as_str().to_string(),
            rule: e.rule.clone(),
            source_kind: e.source_kind.clone(),
            source_id: e.source_id.clone(),
            idempotency_key: e.idempotency_key.clone(),
            reason: e.reason.clone(),
            actor_id: e.actor_id.map(|u| u.uuid()),
            actor: e.actor.clone(),
            at: self.now(),
        };
        if self.insert_points_entry(&row).await? == 0 {
            return Ok(None);
        }
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE points_accounts SET balance = balance + $2 WHERE id = $1 AND balance + $2 >= held")
                .bind(e.account_id).bind(delta).execute(c).await?.rows_affected()
        });
        if n == 0 {
            // Cannot happen after the clamp under the lock; refuse rather than overdraw.
            return Err(StorageError::Conflict("points balance".into()));
        }
        Ok(Some(row))
    }

    pub(crate) async fn insert_points_entry(&mut self, r: &PointsEntry) -> Result<u64> {
        Ok(dispatch!(tx self, c => {
            sqlx::query(INSERT_ENTRY)
                .bind(r.id).bind(r.account_id).bind(r.delta).bind(&r.kind).bind(&r.rule).bind(&r.source_kind)
                .bind(&r.source_id).bind(&r.idempotency_key).bind(&r.reason).bind(r.actor_id).bind(&r.actor).bind(r.at.micros())
                .execute(c).await?.rows_affected()
        }))
    }

    /// Entries of `kind` caused by one record, for reversing its awards.
    pub async fn points_entries_for_source(
        &mut self,
        kind: EntryKind,
        source_kind: &str,
        source_id: &str,
    ) -> Result<Vec<PointsEntry>> {
        Ok(dispatch!(tx self, c => {
            sqlx::query_as(entry_cols!("WHERE kind = $1 AND source_kind = $2 AND source_id = $3 ORDER BY id"))
                .bind(kind.as_str()).bind(source_kind).bind(source_id).fetch_all(c).await?
        }))
    }

    /// Adds a catalog item.
    pub async fn insert_points_item(&mut self, v: &ValidItem) -> Result<PointsItem> {
        let now = self.now();
        let item = PointsItem {
            id: Uuid::now_v7(),
            kind: v.kind.as_str().to_string(),
            name_zh: v.name_zh.clone(),
            name_en: v.name_en.clone(),
            description: v.description.clone(),
            cost: v.cost,
            stock: v.stock,
            valid_from: v.valid_from.clone(),
            valid_until: v.valid_until.clone(),
            active: true,
            created_at: now,
            updated_at: now,
        };
        self.import_points_item(&item).await?;
        Ok(item)
    }

    pub(crate) async fn import_points_item(&mut self, i: &PointsItem) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO points_items (id, kind, name_zh, name_en, description, cost, stock, valid_from, valid_until, active, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                .bind(i.id).bind(&i.kind).bind(&i.name_zh).bind(&i.name_en).bind(&i.description).bind(i.cost).bind(i.stock)
                .bind(&i.valid_from).bind(&i.valid_until).bind(i.active).bind(i.created_at.micros()).bind(i.updated_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Changes a catalog item (stock included: what is left to give).
    pub async fn update_points_item(
        &mut self,
        id: Uuid,
        v: &ValidItem,
        active: bool,
    ) -> Result<()> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE points_items SET kind = $2, name_zh = $3, name_en = $4, description = $5, cost = $6, stock = $7, valid_from = $8, valid_until = $9, active = $10, updated_at = $11 WHERE id = $1")
                .bind(id).bind(v.kind.as_str()).bind(&v.name_zh).bind(&v.name_en).bind(&v.description).bind(v.cost).bind(v.stock)
                .bind(&v.valid_from).bind(&v.valid_until).bind(active).bind(now.micros())
                .execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("points item"));
        }
        Ok(())
    }

    /// Requests an item for an account on `today` (`YYYY-MM-DD`): takes one unit of stock
    /// and holds the cost, each by a conditional update, so under any concurrency neither
    /// goes below zero. A refusal leaves the transaction to be dropped (rolled back).
    pub async fn hold_redemption(
        &mut self,
        account: Uuid,
        item: Uuid,
        requested_by: Option<UserId>,
        today: &str,
    ) -> Result<std::result::Result<Redemption, HoldRefused>> {
        let cost: Option<i64> = dispatch!(tx self, c => {
            sqlx::query_scalar("SELECT cost FROM points_items WHERE id = $1 AND active AND valid_from <= $2 AND valid_until >= $2")
                .bind(item).bind(today).fetch_optional(c).await?
        });
        let Some(cost) = cost else {
            return Ok(Err(HoldRefused::NotAvailable));
        };
        let took = dispatch!(tx self, c => {
            sqlx::query("UPDATE points_items SET stock = stock - 1 WHERE id = $1 AND stock >= 1")
                .bind(item).execute(c).await?.rows_affected()
        });
        if took == 0 {
            return Ok(Err(HoldRefused::OutOfStock));
        }
        let held = dispatch!(tx self, c => {
            sqlx::query("UPDATE points_accounts SET held = held + $2 WHERE id = $1 AND balance - held >= $2")
                .bind(account).bind(cost).execute(c).await?.rows_affected()
        });
        if held == 0 {
            return Ok(Err(HoldRefused::InsufficientPoints));
        }
        let r = Redemption {
            id: Uuid::now_v7(),
            account_id: account,
            item_id: item,
            cost,
            state: RedemptionState::Held.as_str().to_string(),
            requested_by: requested_by.map(|u| u.uuid()),
            requested_at: self.now(),
            decided_by: None,
            decided_at: OptTime(None),
            note: String::new(),
            entry_id: None,
        };
        self.insert_redemption(&r).await?;
        Ok(Ok(r))
    }

    pub(crate) async fn insert_redemption(&mut self, r: &Redemption) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO points_redemptions (id, account_id, item_id, cost, state, requested_by, requested_at, decided_by, decided_at, note, entry_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .bind(r.id).bind(r.account_id).bind(r.item_id).bind(r.cost).bind(&r.state).bind(r.requested_by)
                .bind(r.requested_at.micros()).bind(r.decided_by).bind(r.decided_at.micros()).bind(&r.note).bind(r.entry_id)
                .execute(c).await?;
        });
        Ok(())
    }

    /// Decides a held redemption: approved spends the points (a ledger entry) and keeps
    /// the stock taken; rejected releases the hold and gives the unit back. None when it is
    /// not held (already decided, or unknown): a decision happens once.
    pub async fn decide_redemption(
        &mut self,
        id: Uuid,
        approve: bool,
        admin: UserId,
        admin_name: &str,
        note: &str,
    ) -> Result<Option<Redemption>> {
        let r: Option<Redemption> = dispatch!(tx self, c => {
            sqlx::query_as(redemption_cols!("WHERE id = $1 AND state = 'held'")).bind(id).fetch_optional(c).await?
        });
        let Some(mut r) = r else {
            return Ok(None);
        };
        // Lock order: item, account, redemption (as in `hold_redemption`).
        if !approve {
            dispatch!(tx self, c => {
                sqlx::query("UPDATE points_items SET stock = stock + 1 WHERE id = $1").bind(r.item_id).execute(c).await?;
            });
        }
        self.lock_account(r.account_id).await?;
        let now = self.now();
        let state = if approve {
            RedemptionState::Approved
        } else {
            RedemptionState::Rejected
        };
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE points_redemptions SET state = $2, decided_by = $3, decided_at = $4, note = $5 WHERE id = $1 AND state = 'held'")
                .bind(id).bind(state.as_str()).bind(admin.uuid()).bind(now.micros()).bind(note).execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Ok(None);
        }
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE points_accounts SET held = held - $2 WHERE id = $1 AND held >= $2")
                .bind(r.account_id).bind(r.cost).execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::Corrupt("points hold missing".into()));
        }
        if approve {
            let e = self
                .post_points_entry(&NewEntry {
                    account_id: r.account_id,
                    delta: -r.cost,
                    kind: EntryKind::Redemption,
                    rule: String::new(),
                    source_kind: "redemption".into(),
                    source_id: r.id.to_string(),
                    idempotency_key: Some(format!("redemption:{}", r.id)),
                    reason: note.to_string(),
                    actor_id: Some(admin),
                    actor: admin_name.to_string(),
                })
                .await?;
            let Some(e) = e.filter(|e| e.delta == -r.cost) else {
                // The hold guaranteed the points; anything else is a broken invariant.
                return Err(StorageError::Corrupt(
                    "points redemption not covered".into(),
                ));
            };
            dispatch!(tx self, c => {
                sqlx::query("UPDATE points_redemptions SET entry_id = $2 WHERE id = $1").bind(id).bind(e.id).execute(c).await?;
            });
            r.entry_id = Some(e.id);
        }
        r.state = state.as_str().to_string();
        r.decided_by = Some(admin.uuid());
        r.decided_at = OptTime(Some(now));
        r.note = note.to_string();
        Ok(Some(r))
    }

    /// Sets whether an organization's account is named on the leaderboard.
    pub async fn set_leaderboard_opt_out(&mut self, account: Uuid, opt_out: bool) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("UPDATE points_accounts SET leaderboard_opt_out = $2 WHERE id = $1").bind(account).bind(opt_out).execute(c).await?;
        });
        Ok(())
    }

    pub(crate) async fn import_points_account(&mut self, a: &PointsAccount) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO points_accounts (id, org_id, user_id, balance, held, leaderboard_opt_out, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(a.id).bind(a.org_id).bind(a.user_id).bind(a.balance).bind(a.held).bind(a.leaderboard_opt_out).bind(a.created_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }
}

impl Store {
    /// The account of `holder`, if it was ever opened.
    pub async fn points_account_of(&self, holder: Holder) -> Result<Option<PointsAccount>> {
        let (org, user) = match holder {
            Holder::Org(o) => (Some(o.uuid()), None),
            Holder::User(u) => (None, Some(u.uuid())),
        };
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(account_cols!("WHERE org_id = $1 OR user_id = $2")).bind(org).bind(user).fetch_optional(c).await?
        }))
    }

    /// One account by id.
    pub async fn points_account_by_id(&self, id: Uuid) -> Result<Option<PointsAccount>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(account_cols!("WHERE id = $1")).bind(id).fetch_optional(c).await?
        }))
    }

    /// An account's entries, newest first.
    pub async fn points_history(&self, account: Uuid, limit: i64) -> Result<Vec<PointsEntry>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(entry_cols!("WHERE account_id = $1 ORDER BY at DESC, id DESC LIMIT $2"))
                .bind(account).bind(limit.clamp(1, 10_000)).fetch_all(c).await?
        }))
    }

    /// The cached balance and the sum of the ledger, which must agree.
    pub async fn points_ledger_check(&self, account: Uuid) -> Result<(i64, i64)> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as("SELECT a.balance, CAST(COALESCE((SELECT SUM(e.delta) FROM points_entries e WHERE e.account_id = a.id), 0) AS BIGINT) FROM points_accounts a WHERE a.id = $1")
                .bind(account).fetch_optional(c).await?.ok_or(StorageError::NotFound("points account"))?
        }))
    }

    /// Catalog items, newest first; only those offered on `today` when given.
    pub async fn points_items(&self, today: Option<&str>) -> Result<Vec<PointsItem>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(item_cols!("WHERE ($1 IS NULL OR (active AND valid_from <= $1 AND valid_until >= $1)) ORDER BY id DESC"))
                .bind(today).fetch_all(c).await?
        }))
    }

    /// One catalog item.
    pub async fn points_item(&self, id: Uuid) -> Result<Option<PointsItem>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(item_cols!("WHERE id = $1")).bind(id).fetch_optional(c).await?
        }))
    }

    /// Redemptions of one account (all accounts when None), in `state` when given, newest
    /// first.
    pub async fn redemptions(
        &self,
        account: Option<Uuid>,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Redemption>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(redemption_cols!("WHERE ($1 IS NULL OR account_id = $1) AND ($2 IS NULL OR state = $2) ORDER BY requested_at DESC, id DESC LIMIT $3"))
                .bind(account).bind(state).bind(limit.clamp(1, 10_000)).fetch_all(c).await?
        }))
    }

    /// One redemption.
    pub async fn redemption(&self, id: Uuid) -> Result<Option<Redemption>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(redemption_cols!("WHERE id = $1")).bind(id).fetch_optional(c).await?
        }))
    }

    /// The leaderboard of points earned between `from` and `until` (microseconds,
    /// half-open): awards less their reversals and penalties; redemptions and adjustments
    /// do not count. Accounts that opted out keep their rank without a name.
    pub async fn points_leaderboard(
        &self,
        from: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<LeaderRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as(
                "SELECT a.id AS account_id, a.org_id, \
                 CASE WHEN a.leaderboard_opt_out THEN '' ELSE COALESCE(o.name, u.name, '') END AS name, \
                 CAST(SUM(e.delta) AS BIGINT) AS earned \
                 FROM points_entries e JOIN points_accounts a ON a.id = e.account_id \
                 LEFT JOIN organizations o ON o.id = a.org_id LEFT JOIN users u ON u.id = a.user_id \
                 WHERE e.kind IN ('award', 'reversal', 'penalty') AND e.at >= $1 AND e.at < $2 \
                 GROUP BY a.id, a.org_id, a.leaderboard_opt_out, o.name, u.name \
                 HAVING SUM(e.delta) > 0 ORDER BY earned DESC, a.id LIMIT $3")
                .bind(from.micros()).bind(until.micros()).bind(limit.clamp(1, 1_000)).fetch_all(c).await?
        }))
    }
}

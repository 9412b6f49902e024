//! Export and import of all durable data as JSON lines, through this layer, so an
//! operator can move from SQLite to PostgreSQL (or back) without loss. Sessions, login
//! failures and setup tokens are transient and not exported; neither are Virus Check's
//! files and analyses (`virus`), whose files are deleted after a retention period.

use std::io::{BufRead, Write};

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use tocsin_domain::Timestamp;
use tocsin_formats::export::{self as fmt, ExportHeader, ExportLineRef};

use crate::cna::{CveIdRow, VulnCase};
use crate::intel::{Delivery, GroupMember, IntelRow, ObservableRow, RawAudience, SharingGroup};
use crate::phishing::PhishUrlReport;
use crate::{
    AbuseContact, ApiToken, AttachmentRow, AuditEntry, Organization, OutboxRow, PhishUrlRow,
    Report, ReportEvent, ReportTask, Result, StorageError, Store, Survey, User,
};

/// A tracking counter row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct TrackingCounter {
    /// Prefix.
    pub prefix: String,
    /// Year.
    pub year: i32,
    /// The last allocated number.
    pub last_seq: i64,
}

/// Serde helper: bytes as hex.
pub mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes.
    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        s.serialize_str(&hex)
    }
    /// Deserializes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() % 2 != 0 || !s.is_ascii() {
            return Err(serde::de::Error::custom("odd or non-ASCII hex"));
        }
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// Serde helper: bytes as standard base64.
pub mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes.
    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b))
    }
    /// Deserializes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(serde::de::Error::custom)
    }
}

/// How many rows of each table an export or import moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts(pub Vec<(&'static str, u64)>);

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(t, n)| format!("{t}: {n}")).collect();
        f.write_str(&parts.join(", "))
    }
}

fn io(e: std::io::Error) -> StorageError {
    StorageError::Import(e.to_string())
}

fn write_line<T: Serialize>(out: &mut dyn Write, table: &str, row: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, &ExportLineRef { table, row }).map_err(crate::corrupt)?;
    out.write_all(b"\n").map_err(io)
}

/// Streams one table's rows, ordered, into `out`.
macro_rules! export_table {
    ($store:expr, $out:expr, $counts:expr, $ty:ty, $table:literal, $sql:literal) => {{
        let mut n = 0u64;
        dispatch!(pool $store, c => {
            let mut rows = sqlx::query_as::<_, $ty>($sql).fetch(c);
            while let Some(row) = rows.try_next().await? {
                write_line($out, $table, &row)?;
                n += 1;
            }
        });
        $counts.0.push(($table, n));
    }};
}

impl Store {
    /// Writes every durable row as JSON lines, tables in dependency order.
    pub async fn export(&self, out: &mut dyn Write) -> Result<Counts> {
        let header = ExportHeader {
            format: fmt::FORMAT_NAME.to_string(),
            schema_version: crate::schema_version(),
        };
        serde_json::to_writer(&mut *out, &header).map_err(crate::corrupt)?;
        out.write_all(b"\n").map_err(io)?;
        let mut counts = Counts::default();
        export_table!(
            self,
            out,
            counts,
            Organization,
            "organizations",
            "SELECT id, name, sector, kind, alliance_member, created_at FROM organizations ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            User,
            "users",
            "SELECT id, email, name, org_id, roles, password_hash, disabled, created_at, locale, phone FROM users ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            ApiToken,
            "api_tokens",
            "SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            TrackingCounter,
            "tracking_counters",
            "SELECT prefix, year, last_seq FROM tracking_counters ORDER BY prefix, year"
        );
        export_table!(
            self,
            out,
            counts,
            AuditEntry,
            "audit_log",
            "SELECT id, at, actor_id, actor, action, target_kind, target_id, detail, ip, request_id FROM audit_log ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            OutboxRow,
            "outbox",
            "SELECT id, created_at, message_id, sender, recipients, subject, message, status, attempts, next_attempt_at, locked_until, locked_by, sent_at, last_error FROM outbox ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            Report,
            "reports",
            "SELECT id, kind, tracking_id, status_token_hash, state, category, priority, reporter_name, reporter_email, reporter_phone, reporter_user_id, org_id, locale, reported_at, details, assignee_id, rsit_class, rsit_type, follows_up, duplicate_of, rejection_reason, resolution, outcome, first_response_at, resolved_at, closed_at, updated_at FROM reports ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            ReportEvent,
            "report_events",
            "SELECT id, report_id, at, actor_id, actor, event, visibility, body, data FROM report_events ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            AttachmentRow,
            "attachments",
            "SELECT id, report_id, event_id, filename, content_type, size, sha256, uploaded_at, content FROM attachments ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            ReportTask,
            "report_tasks",
            "SELECT id, report_id, position, title_zh, title_en, state, updated_at FROM report_tasks ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            Survey,
            "surveys",
            "SELECT report_id, token_hash, sent_at, answered_at, speed, helpfulness, communication, overall, comment FROM surveys ORDER BY report_id"
        );
        export_table!(
            self,
            out,
            counts,
            PhishUrlRow,
            "phish_urls",
            "SELECT id, normalized, display, host, registrable_domain, ip, brand, state, tlp, case_report_id, reporters, first_reported_at, verified_at, notified_at, taken_down_at, escalated_at, updated_at FROM phish_urls ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            PhishUrlReport,
            "phish_url_reports",
            "SELECT url_id, report_id FROM phish_url_reports ORDER BY url_id, report_id"
        );
        export_table!(
            self,
            out,
            counts,
            AbuseContact,
            "abuse_contacts",
            "SELECT id, url_id, role, email, source, created_at FROM abuse_contacts ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            VulnCase,
            "vuln_cases",
            "SELECT report_id, cna_state, cve_id, vendor_org_id, vendor_status, vendor_statement, target_publication, cwe, title, solution, advisory_en, advisory_zh, published_at, rejected_reason_en, rejected_reason_zh, rejected_at, updated_at, state_since FROM vuln_cases ORDER BY report_id"
        );
        export_table!(
            self,
            out,
            counts,
            CveIdRow,
            "cve_ids",
            "SELECT cve_id, year, seq, state, report_id, loaded_at, assigned_at FROM cve_ids ORDER BY year, seq"
        );
        export_table!(
            self,
            out,
            counts,
            SharingGroup,
            "sharing_groups",
            "SELECT id, name, kind, description, created_at FROM sharing_groups ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            GroupMember,
            "sharing_group_members",
            "SELECT group_id, org_id FROM sharing_group_members ORDER BY group_id, org_id"
        );
        export_table!(
            self,
            out,
            counts,
            IntelRow,
            "intel_records",
            "SELECT r.id, r.status, r.category, r.tlp, r.tlp_floor, r.impact_level, r.subject, r.dispatch_id, r.published_at, r.body, r.owner_org_id, r.created_by, r.answers_id, r.derived_from, r.channel, r.created_at, r.updated_at FROM intel_records r ORDER BY r.id"
        );
        export_table!(
            self,
            out,
            counts,
            RawAudience,
            "intel_audience",
            "SELECT record_id, kind, target_id, added_at FROM intel_audience ORDER BY record_id, kind, target_id"
        );
        export_table!(
            self,
            out,
            counts,
            Delivery,
            "intel_deliveries",
            "SELECT id, record_id, user_id, email, tlp, locale, message_id, delivered_at FROM intel_deliveries ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            ObservableRow,
            "intel_observables",
            "SELECT record_id, kind, value, origin FROM intel_observables ORDER BY record_id, kind, value"
        );
        export_table!(
            self,
            out,
            counts,
            crate::InboundMail,
            "inbound_mail",
            "SELECT id, sha256, received_at, envelope_sender, recipient, message_id, from_email, subject, raw FROM inbound_mail ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::InboundDelivery,
            "inbound_deliveries",
            "SELECT id, mail_id, recipient, envelope_sender, received_at, route, status, reason, target FROM inbound_deliveries ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::PointsAccount,
            "points_accounts",
            "SELECT id, org_id, user_id, balance, held, leaderboard_opt_out, created_at FROM points_accounts ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::PointsEntry,
            "points_entries",
            "SELECT id, account_id, delta, kind, rule, source_kind, source_id, idempotency_key, reason, actor_id, actor, at FROM points_entries ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::PointsItem,
            "points_items",
            "SELECT id, kind, name_zh, name_en, description, cost, stock, valid_from, valid_until, active, created_at, updated_at FROM points_items ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::Redemption,
            "points_redemptions",
            "SELECT id, account_id, item_id, cost, state, requested_by, requested_at, decided_by, decided_at, note, entry_id FROM points_redemptions ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::Referral,
            "referrals",
            "SELECT id, report_id, state, consented_at, offered_at, offered_by, sector, incident_type, company_size, region, summary, chosen_org_id, chosen_at, outcome, outcome_at, rating, rating_comment, updated_at FROM referrals ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::taxii::RawObject,
            "taxii_objects",
            "SELECT id, collection_id, record_id, stix_id, kind, version, spec_version, date_added, body FROM taxii_objects ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::taxii::RawObjectRecord,
            "taxii_object_records",
            "SELECT object_id, record_id FROM taxii_object_records ORDER BY object_id, record_id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::ReferralResponse,
            "referral_responses",
            "SELECT id, referral_id, org_id, redemption_id, accepted_by, accepted_at, state FROM referral_responses ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::taxii::RawStatus,
            "taxii_status",
            "SELECT id, collection_id, user_id, body, created_at FROM taxii_status ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::newsletter::RawSubscriber,
            "newsletter_subscribers",
            "SELECT id, email, locale, status, confirm_hash, confirm_expires_at, unsubscribe_hash, bounces, unsubscribed_issue, created_at, confirmed_at, unsubscribed_at FROM newsletter_subscribers ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::newsletter::RawIssue,
            "newsletter_issues",
            "SELECT id, month, editorial, status, created_at, updated_at, sent_at FROM newsletter_issues ORDER BY id"
        );
        export_table!(
            self,
            out,
            counts,
            crate::newsletter::RawDelivery,
            "newsletter_deliveries",
            "SELECT issue_id, subscriber_id, outbox_id, bounce_key, unsubscribe_hash, created_at, bounced_at FROM newsletter_deliveries ORDER BY issue_id, subscriber_id"
        );
        out.flush().map_err(io)?;
        Ok(counts)
    }

    /// Reads an export into this (empty) store in one transaction: all of it or nothing.
    pub async fn import(&self, input: &mut dyn BufRead) -> Result<Counts> {
        let any: i64 = dispatch!(pool self, c => {
            sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM organizations) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit_log)")
                .fetch_one(c).await?
        });
        if any > 0 {
            return Err(StorageError::Import(
                "the target database is not empty; import only into a fresh database".into(),
            ));
        }
        let mut lines = input.lines();
        let first = lines
            .next()
            .transpose()
            .map_err(io)?
            .ok_or_else(|| StorageError::Import("empty file".into()))?;
        fmt::parse_header(&first, crate::schema_version())
            .map_err(|e| StorageError::Import(e.to_string()))?;
        let mut tx = self.begin().await?;
        let mut counts: Vec<(&'static str, u64)> = Vec::new();
        for (i, line) in lines.enumerate() {
            let line = line.map_err(io)?;
            if line.trim().is_empty() {
                continue;
            }
            let lineno = i + 2;
            let raw =
                fmt::parse_line(&line, lineno).map_err(|e| StorageError::Import(e.to_string()))?;
            let bad = |e: serde_json::Error| StorageError::Import(format!("line {lineno}: {e}"));
            let table: &'static str = match raw.table.as_str() {
                "organizations" => {
                    tx.insert_org(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "organizations"
                }
                "users" => {
                    tx.insert_user(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "users"
                }
                "api_tokens" => {
                    let t: ApiToken = serde_json::from_value(raw.row).map_err(bad)?;
                    dispatch!(tx tx, c => {
                        sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                            .bind(t.id.uuid()).bind(t.user_id.uuid()).bind(&t.name).bind(&t.token_hash)
                            .bind(t.created_at.micros()).bind(t.last_used_at.micros()).bind(t.revoked_at.micros())
                            .execute(c).await?;
                    });
                    "api_tokens"
                }
                "tracking_counters" => {
                    let t: TrackingCounter = serde_json::from_value(raw.row).map_err(bad)?;
                    dispatch!(tx tx, c => {
                        sqlx::query("INSERT INTO tracking_counters (prefix, year, last_seq) VALUES ($1, $2, $3)")
                            .bind(&t.prefix).bind(t.year).bind(t.last_seq).execute(c).await?;
                    });
                    "tracking_counters"
                }
                "audit_log" => {
                    tx.insert_audit(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "audit_log"
                }
                "outbox" => {
                    tx.insert_outbox(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "outbox"
                }
                "reports" => {
                    tx.insert_report(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "reports"
                }
                "report_events" => {
                    tx.insert_event(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "report_events"
                }
                "attachments" => {
                    tx.insert_attachment(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "attachments"
                }
                "report_tasks" => {
                    tx.insert_task(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "report_tasks"
                }
                "surveys" => {
                    tx.insert_survey(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "surveys"
                }
                "phish_urls" => {
                    tx.insert_phish_url(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "phish_urls"
                }
                "phish_url_reports" => {
                    let l: PhishUrlReport = serde_json::from_value(raw.row).map_err(bad)?;
                    tx.link_phish_url(l.url_id, tocsin_domain::ReportId(l.report_id))
                        .await?;
                    "phish_url_reports"
                }
                "abuse_contacts" => {
                    tx.insert_abuse_contact(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "abuse_contacts"
                }
                "vuln_cases" => {
                    tx.insert_vuln_case(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "vuln_cases"
                }
                "cve_ids" => {
                    tx.insert_cve_id(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "cve_ids"
                }
                "sharing_groups" => {
                    tx.insert_group(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "sharing_groups"
                }
                "sharing_group_members" => {
                    let m: GroupMember = serde_json::from_value(raw.row).map_err(bad)?;
                    tx.add_group_member(
                        tocsin_domain::GroupId(m.group_id),
                        tocsin_domain::OrgId(m.org_id),
                    )
                    .await?;
                    "sharing_group_members"
                }
                "intel_records" => {
                    tx.import_intel(serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "intel_records"
                }
                "intel_audience" => {
                    tx.insert_audience_row(serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "intel_audience"
                }
                "intel_deliveries" => {
                    tx.insert_delivery(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "intel_deliveries"
                }
                "intel_observables" => {
                    tx.insert_observable_row(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "intel_observables"
                }
                "inbound_mail" => {
                    let m: crate::InboundMail = serde_json::from_value(raw.row).map_err(bad)?;
                    tx.insert_inbound(&m).await?;
                    "inbound_mail"
                }
                "inbound_deliveries" => {
                    tx.insert_inbound_delivery(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "inbound_deliveries"
                }
                // The cached balances come with their entries: both are copied as they are.
                "points_accounts" => {
                    tx.import_points_account(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "points_accounts"
                }
                "points_entries" => {
                    tx.insert_points_entry(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "points_entries"
                }
                "points_items" => {
                    tx.import_points_item(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "points_items"
                }
                "points_redemptions" => {
                    tx.insert_redemption(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "points_redemptions"
                }
                "referrals" => {
                    tx.import_referral(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "referrals"
                }
                "referral_responses" => {
                    tx.import_referral_response(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "referral_responses"
                }
                "newsletter_subscribers" => {
                    tx.import_subscriber(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "newsletter_subscribers"
                }
                "newsletter_issues" => {
                    tx.import_issue(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "newsletter_issues"
                }
                "newsletter_deliveries" => {
                    tx.import_newsletter_delivery(&serde_json::from_value(raw.row).map_err(bad)?)
                        .await?;
                    "newsletter_deliveries"
                }
                "taxii_objects" => {
                    let r: crate::taxii::RawObject =
                        serde_json::from_value(raw.row).map_err(bad)?;
                    tx.insert_taxii_objects(&[r.into()]).await?;
                    "taxii_objects"
                }
                "taxii_object_records" => {
                    let r: crate::taxii::RawObjectRecord =
                        serde_json::from_value(raw.row).map_err(bad)?;
                    tx.link_taxii_object(r.object_id, r.record_id).await?;
                    "taxii_object_records"
                }
                "taxii_status" => {
                    let r: crate::taxii::RawStatus =
                        serde_json::from_value(raw.row).map_err(bad)?;
                    tx.insert_taxii_status(
                        r.id,
                        r.collection_id,
                        r.user_id,
                        &r.body,
                        Timestamp::from_micros(r.created_at),
                    )
                    .await?;
                    "taxii_status"
                }
                other => {
                    return Err(StorageError::Import(format!(
                        "line {lineno}: unknown table `{other}`"
                    )));
                }
            };
            match counts.iter_mut().find(|(t, _)| *t == table) {
                Some((_, n)) => *n += 1,
                None => counts.push((table, 1)),
            }
        }
        tx.index_imported_observables().await?;
        tx.commit().await?;
        Ok(Counts(counts))
    }
}

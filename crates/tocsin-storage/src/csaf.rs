//! CSAF 2.0 documents of published cases and advisories imported from other publishers
//! (migration 0033).
//!
//! `csaf_settings` holds what a coordinator sets for a case's document beyond the advisory
//! (TLP, fixed version, CPE, PURL); `csaf_revisions` every released revision with its
//! document exactly as served, so the bytes that are hashed and signed never change; the
//! newest revision of a case is the document the provider layout serves. `csaf_imports`
//! and `csaf_import_terms` keep other publishers' advisories with their CVE ids and product
//! names for search. These tables are not part of the JSON-lines export yet.

use tocsin_domain::{ReportId, Timestamp, UserId};
use uuid::Uuid;

use crate::{Result, Store, Tx};

/// A case's CSAF settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsafSettings {
    /// The TLP (`clear`, `green`, `amber`, `amber+strict`, `red`).
    pub tlp: String,
    /// The version that fixes it, or empty.
    pub fixed_version: String,
    /// A CPE name, or empty.
    pub cpe: String,
    /// A package URL, or empty.
    pub purl: String,
}

/// One released revision of a case's document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsafRevision {
    /// The case.
    pub report_id: ReportId,
    /// Its number, 1, 2, ….
    pub number: i64,
    /// The TLP it was released at.
    pub tlp: String,
    /// Its path under the TLP folder (`{year}/{file}.json`).
    pub path: String,
    /// The document's tracking id.
    pub tracking_id: String,
    /// The document's title.
    pub title: String,
    /// What changed.
    pub summary: String,
    /// The document as served.
    pub document: String,
    /// The document's initial release date.
    pub initial_release: Timestamp,
    /// When this revision was released.
    pub created_at: Timestamp,
}

type RevisionRow = (
    Uuid,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
);

fn revision(r: RevisionRow) -> CsafRevision {
    CsafRevision {
        report_id: ReportId(r.0),
        number: r.1,
        tlp: r.2,
        path: r.3,
        tracking_id: r.4,
        title: r.5,
        summary: r.6,
        document: r.7,
        initial_release: Timestamp::from_micros(r.8),
        created_at: Timestamp::from_micros(r.9),
    }
}

/// The columns of a revision, in [`RevisionRow`]'s order, before the rest of a statement
/// (a literal, so the statement stays a static string).
macro_rules! revision_sql {
    ($($rest:literal),+) => {
        concat!(
            "report_id, number, tlp, path, tracking_id, title, summary, document, \
             initial_release, created_at",
            $($rest),+
        )
    };
}

/// An imported advisory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsafImport {
    /// Its id.
    pub id: Uuid,
    /// The case it is linked to.
    pub report_id: Option<ReportId>,
    /// Its tracking id.
    pub tracking_id: String,
    /// Its title.
    pub title: String,
    /// Its publisher's name.
    pub publisher: String,
    /// Its TLP label as written (`WHITE`…), or empty.
    pub tlp_label: String,
    /// Its current release date as written.
    pub current_release: String,
    /// Its summary note.
    pub summary: String,
    /// Where it came from: the uploaded file's name or the URL.
    pub source: String,
    /// SHA-256 (hex) of the bytes as received.
    pub sha256: String,
    /// The document as received (UTF-8).
    pub document: String,
    /// Who imported it.
    pub imported_by: Option<UserId>,
    /// When.
    pub created_at: Timestamp,
}

/// The terms an import is found by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsafImportTerms {
    /// Its CVE ids.
    pub cves: Vec<String>,
    /// Its product names.
    pub products: Vec<String>,
}

type ImportRow = (
    Uuid,
    Option<Uuid>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<Uuid>,
    i64,
);

fn import(r: ImportRow) -> CsafImport {
    CsafImport {
        id: r.0,
        report_id: r.1.map(ReportId),
        tracking_id: r.2,
        title: r.3,
        publisher: r.4,
        tlp_label: r.5,
        current_release: r.6,
        summary: r.7,
        source: r.8,
        sha256: r.9,
        document: r.10,
        imported_by: r.11.map(UserId),
        created_at: Timestamp::from_micros(r.12),
    }
}

/// `SELECT` of an import's columns in [`ImportRow`]'s order, then the rest of the statement.
macro_rules! import_sql {
    ($($rest:literal),+) => {
        concat!(
            "SELECT i.id, i.report_id, i.tracking_id, i.title, i.publisher, i.tlp_label, \
             i.current_release, i.summary, i.source, i.sha256, i.document, i.imported_by, \
             i.created_at ",
            $($rest),+
        )
    };
}

/// The most imports a search answers with.
const SEARCH_LIMIT: i64 = 200;

impl Store {
    /// A case's CSAF settings, if set.
    pub async fn csaf_settings(&self, report: ReportId) -> Result<Option<CsafSettings>> {
        let row: Option<(String, String, String, String)> = dispatch!(pool self, c => {
            sqlx::query_as(
                "SELECT tlp, fixed_version, cpe, purl FROM csaf_settings WHERE report_id = $1",
            )
            .bind(report.uuid()).fetch_optional(c).await?
        });
        Ok(row.map(|(tlp, fixed_version, cpe, purl)| CsafSettings {
            tlp,
            fixed_version,
            cpe,
            purl,
        }))
    }

    /// A case's released revisions, oldest first.
    pub async fn csaf_revisions(&self, report: ReportId) -> Result<Vec<CsafRevision>> {
        let sql = concat!(
            "SELECT ",
            revision_sql!(" FROM csaf_revisions WHERE report_id = $1 ORDER BY number")
        );
        let rows: Vec<RevisionRow> = dispatch!(pool self, c => {
            sqlx::query_as(sql).bind(report.uuid()).fetch_all(c).await?
        });
        Ok(rows.into_iter().map(revision).collect())
    }

    /// The current (newest) revision of every case, newest release first.
    pub async fn csaf_current_revisions(&self) -> Result<Vec<CsafRevision>> {
        let sql = concat!(
            "SELECT ",
            revision_sql!(
                " FROM csaf_revisions r WHERE number = \
                 (SELECT MAX(number) FROM csaf_revisions n WHERE n.report_id = r.report_id) \
                 ORDER BY created_at DESC"
            )
        );
        let rows: Vec<RevisionRow> = dispatch!(pool self, c => {
            sqlx::query_as(sql).fetch_all(c).await?
        });
        Ok(rows.into_iter().map(revision).collect())
    }

    /// An imported advisory.
    pub async fn csaf_import(&self, id: Uuid) -> Result<Option<CsafImport>> {
        let sql = import_sql!("FROM csaf_imports i WHERE i.id = $1");
        let row: Option<ImportRow> = dispatch!(pool self, c => {
            sqlx::query_as(sql).bind(id).fetch_optional(c).await?
        });
        Ok(row.map(import))
    }

    /// The advisories imported for a case, newest first.
    pub async fn csaf_imports_of(&self, report: ReportId) -> Result<Vec<CsafImport>> {
        let sql =
            import_sql!("FROM csaf_imports i WHERE i.report_id = $1 ORDER BY i.created_at DESC");
        let rows: Vec<ImportRow> = dispatch!(pool self, c => {
            sqlx::query_as(sql).bind(report.uuid()).fetch_all(c).await?
        });
        Ok(rows.into_iter().map(import).collect())
    }

    /// The imported advisories with the CVE id `query`, or a product whose name holds it
    /// (both without regard to case), newest first.
    pub async fn search_csaf_imports(&self, query: &str) -> Result<Vec<CsafImport>> {
        let term = query.trim().to_lowercase();
        let like = format!(
            "%{}%",
            term.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let sql = import_sql!(
            "FROM csaf_imports i WHERE i.id IN \
             (SELECT t.import_id FROM csaf_import_terms t WHERE \
              (t.kind = 'cve' AND t.term = $1) OR \
              (t.kind = 'product' AND t.term LIKE $2 ESCAPE '\\')) \
             ORDER BY i.created_at DESC LIMIT $3"
        );
        let rows: Vec<ImportRow> = dispatch!(pool self, c => {
            sqlx::query_as(sql).bind(&term).bind(&like).bind(SEARCH_LIMIT).fetch_all(c).await?
        });
        Ok(rows.into_iter().map(import).collect())
    }

    /// The CVE ids and product names an import is indexed by.
    pub async fn csaf_import_terms(&self, id: Uuid) -> Result<CsafImportTerms> {
        let rows: Vec<(String, String)> = dispatch!(pool self, c => {
            sqlx::query_as(
                "SELECT kind, value FROM csaf_import_terms WHERE import_id = $1 ORDER BY kind, value",
            )
            .bind(id).fetch_all(c).await?
        });
        let mut out = CsafImportTerms::default();
        for (kind, value) in rows {
            match kind.as_str() {
                "cve" => out.cves.push(value),
                _ => out.products.push(value),
            }
        }
        Ok(out)
    }
}

impl Tx {
    /// Sets a case's CSAF settings (stamped with this transaction's time).
    pub async fn put_csaf_settings(&mut self, report: ReportId, s: &CsafSettings) -> Result<()> {
        let at = self.now();
        dispatch!(tx self, c => {
            sqlx::query(
                "INSERT INTO csaf_settings (report_id, tlp, fixed_version, cpe, purl, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (report_id) DO UPDATE SET \
                 tlp = excluded.tlp, fixed_version = excluded.fixed_version, \
                 cpe = excluded.cpe, purl = excluded.purl, updated_at = excluded.updated_at",
            )
            .bind(report.uuid()).bind(&s.tlp).bind(&s.fixed_version).bind(&s.cpe)
            .bind(&s.purl).bind(at.micros())
            .execute(&mut *c).await?;
        });
        Ok(())
    }

    /// A case's released revisions, oldest first, read in this transaction (the caller
    /// holds the case's row, so no other revision is being added meanwhile).
    pub async fn csaf_revisions(&mut self, report: ReportId) -> Result<Vec<CsafRevision>> {
        let sql = concat!(
            "SELECT ",
            revision_sql!(" FROM csaf_revisions WHERE report_id = $1 ORDER BY number")
        );
        let rows: Vec<RevisionRow> = dispatch!(tx self, c => {
            sqlx::query_as(sql).bind(report.uuid()).fetch_all(&mut *c).await?
        });
        Ok(rows.into_iter().map(revision).collect())
    }

    /// A case's CSAF settings, read in this transaction.
    pub async fn csaf_settings(&mut self, report: ReportId) -> Result<Option<CsafSettings>> {
        let row: Option<(String, String, String, String)> = dispatch!(tx self, c => {
            sqlx::query_as(
                "SELECT tlp, fixed_version, cpe, purl FROM csaf_settings WHERE report_id = $1",
            )
            .bind(report.uuid()).fetch_optional(&mut *c).await?
        });
        Ok(row.map(|(tlp, fixed_version, cpe, purl)| CsafSettings {
            tlp,
            fixed_version,
            cpe,
            purl,
        }))
    }

    /// Adds a released revision. The primary key (case, number) refuses a number twice.
    pub async fn add_csaf_revision(&mut self, r: &CsafRevision) -> Result<()> {
        let sql = concat!(
            "INSERT INTO csaf_revisions (",
            revision_sql!(") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        );
        dispatch!(tx self, c => {
            sqlx::query(sql)
                .bind(r.report_id.uuid()).bind(r.number).bind(&r.tlp).bind(&r.path)
                .bind(&r.tracking_id).bind(&r.title).bind(&r.summary).bind(&r.document)
                .bind(r.initial_release.micros()).bind(r.created_at.micros())
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    /// Stores an imported advisory with its search terms (lower-cased copies).
    pub async fn add_csaf_import(&mut self, i: &CsafImport, terms: &CsafImportTerms) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query(
                "INSERT INTO csaf_imports (id, report_id, tracking_id, title, publisher, \
                 tlp_label, current_release, summary, source, sha256, document, imported_by, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(i.id).bind(i.report_id.map(|r| r.uuid())).bind(&i.tracking_id)
            .bind(&i.title).bind(&i.publisher).bind(&i.tlp_label).bind(&i.current_release)
            .bind(&i.summary).bind(&i.source).bind(&i.sha256).bind(&i.document)
            .bind(i.imported_by.map(|u| u.uuid())).bind(i.created_at.micros())
            .execute(&mut *c).await?;
            for (kind, list) in [("cve", &terms.cves), ("product", &terms.products)] {
                for value in list {
                    sqlx::query(
                        "INSERT INTO csaf_import_terms (import_id, kind, term, value) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(i.id).bind(kind).bind(value.to_lowercase()).bind(value)
                    .execute(&mut *c).await?;
                }
            }
        });
        Ok(())
    }
}

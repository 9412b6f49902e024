//! The API's wire types: the JSON bodies and query strings of `/api/v1`, with their
//! OpenAPI schemas. The app's use cases take and return their own types (no HTTP, no
//! OpenAPI in tocsin-app); these mirror them field for field, and the `From` impls are the
//! only place the two meet, so a field added on one side and not the other fails to compile.

use serde::{Deserialize, Serialize};
use tocsin_app::service as app;
use utoipa::{IntoParams, ToSchema};

/// A number as the document declares it (`25`), or as text (`"25"`), as clients written
/// before the document said so send it. Kept as text: the domain's validation reads it and
/// names the field, in the caller's language, when it is not a number in range. Its fields
/// say `#[schema(value_type = i64, default)]`: an integer, with no default in the document
/// (the struct's default, `""`, is no integer; a field left out is refused as required).
pub fn de_number_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Number(serde_json::Number),
        Text(String),
    }
    Ok(match N::deserialize(d)? {
        N::Number(n) => n.to_string(),
        N::Text(s) => s,
    })
}

// ---------------------------------------------------------------------------------------
// intel

/// Whom the desk shares a record with.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ShareInput {
    /// Sharing groups: every member organization.
    pub groups: Vec<uuid::Uuid>,
    /// Named organizations.
    pub orgs: Vec<uuid::Uuid>,
    /// Named people.
    pub users: Vec<uuid::Uuid>,
    /// For AMBER: organizations the recipients must inform (they may read it too).
    pub informed: Vec<uuid::Uuid>,
}

impl From<ShareInput> for app::intel::ShareInput {
    fn from(w: ShareInput) -> Self {
        Self {
            groups: w.groups,
            orgs: w.orgs,
            users: w.users,
            informed: w.informed,
        }
    }
}

impl From<app::intel::ShareInput> for ShareInput {
    fn from(a: app::intel::ShareInput) -> Self {
        Self {
            groups: a.groups,
            orgs: a.orgs,
            users: a.users,
            informed: a.informed,
        }
    }
}

/// What sharing did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ShareOutcome {
    /// New deliveries queued by this call.
    pub delivered: usize,
    /// Recipients who already had it.
    pub already: usize,
}

impl From<app::intel::ShareOutcome> for ShareOutcome {
    fn from(a: app::intel::ShareOutcome) -> Self {
        Self {
            delivered: a.delivered,
            already: a.already,
        }
    }
}

/// The inbox filter as typed by a user (form or query string).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// draft or shared (the desk); others see shared records and their own drafts.
    pub status: String,
    /// ANA, DEF, INT, EWA, FBI.
    pub category: String,
    /// A TLP name.
    pub tlp: String,
    /// At least this impact level (1–4).
    #[param(value_type = i64)]
    pub min_impact: String,
    /// Published on or after this day (YYYY-MM-DD, the desk's time zone).
    pub since: String,
    /// Published on or before this day.
    pub until: String,
    /// Words in subject or content (Chinese words of one or two characters work).
    pub q: String,
    /// An indicator value (an IP, a domain…).
    pub observable: String,
    /// Page, from 1 (a deep page costs what it skips: prefer `after`).
    #[param(value_type = i64)]
    pub page: String,
    /// Where the page starts: the cursor of the previous page's `Link: <…>; rel="next"`
    /// header (opaque). Wins over `page`.
    pub after: String,
}

impl InboxQuery {
    /// The query string of these filters with the page starting `after` (no `page`):
    /// the target of a listing's `Link: <…>; rel="next"`.
    pub fn next_query(&self, after: &str) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("status", &self.status),
            ("category", &self.category),
            ("tlp", &self.tlp),
            ("min_impact", &self.min_impact),
            ("since", &self.since),
            ("until", &self.until),
            ("q", &self.q),
            ("observable", &self.observable),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", pct(v.trim())));
            }
        }
        parts.push(format!("after={}", pct(after)));
        parts.join("&")
    }
}

/// Percent-encodes a query value.
pub fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl From<InboxQuery> for app::intel::InboxQuery {
    fn from(w: InboxQuery) -> Self {
        Self {
            status: w.status,
            category: w.category,
            tlp: w.tlp,
            min_impact: w.min_impact,
            since: w.since,
            until: w.until,
            q: w.q,
            observable: w.observable,
            page: w.page,
            after: w.after,
        }
    }
}

impl From<app::intel::InboxQuery> for InboxQuery {
    fn from(a: app::intel::InboxQuery) -> Self {
        Self {
            status: a.status,
            category: a.category,
            tlp: a.tlp,
            min_impact: a.min_impact,
            since: a.since,
            until: a.until,
            q: a.q,
            observable: a.observable,
            page: a.page,
            after: a.after,
        }
    }
}

/// Input for creating a sharing group.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupInput {
    /// Name, unique (F-ISAC).
    pub name: String,
    /// isac, isp, cert, academia, alliance or other.
    pub kind: String,
    /// What it is.
    pub description: String,
}

impl From<GroupInput> for app::intel::GroupInput {
    fn from(w: GroupInput) -> Self {
        Self {
            name: w.name,
            kind: w.kind,
            description: w.description,
        }
    }
}

// ---------------------------------------------------------------------------------------
// mail_intake

/// What intake made of a message.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct IntakeOutcome {
    /// The stored message's id.
    pub id: String,
    /// created, appended, held or ignored (received while it is being handled).
    pub status: String,
    /// incident, vulnerability, phishing, intel or reply; empty when unrouted.
    pub route: String,
    /// The tracking number or intel record it became or joined.
    pub target: String,
    /// Why it was held or ignored.
    pub reason: String,
    /// The same message had been handed over before (an MTA retry).
    pub duplicate: bool,
}

impl From<app::mail_intake::IntakeOutcome> for IntakeOutcome {
    fn from(a: app::mail_intake::IntakeOutcome) -> Self {
        Self {
            id: a.id,
            status: a.status,
            route: a.route,
            target: a.target,
            reason: a.reason,
            duplicate: a.duplicate,
        }
    }
}

// ---------------------------------------------------------------------------------------
// accounts and organizations

/// Input for creating an organization (form and JSON).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OrgInput {
    /// Name, unique.
    pub name: String,
    /// Sector.
    pub sector: String,
    /// One of company, manufacturer, security_firm, vendor, isac, cert, isp, academia.
    pub kind: String,
    /// Alliance member: true, or "on" from a checkbox.
    #[serde(deserialize_with = "tocsin_app::service::de_bool_loose")]
    pub alliance_member: bool,
}

impl From<OrgInput> for app::OrgInput {
    fn from(w: OrgInput) -> Self {
        Self {
            name: w.name,
            sector: w.sector,
            kind: w.kind,
            alliance_member: w.alliance_member,
        }
    }
}

/// Input for creating a user (form and JSON).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UserInput {
    /// Mail address, unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Organization id, or empty for none.
    pub org_id: String,
    /// Roles: reporter, member, analyst, coordinator, admin, partner.
    #[serde(deserialize_with = "tocsin_app::service::de_roles")]
    pub roles: Vec<String>,
    /// Initial password (12+ characters), or empty to set later.
    pub password: String,
}

impl From<UserInput> for app::UserInput {
    fn from(w: UserInput) -> Self {
        Self {
            email: w.email,
            name: w.name,
            org_id: w.org_id,
            roles: w.roles,
            password: w.password,
            quiet: Default::default(),
        }
    }
}

/// Changes to a user's access, by an admin.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UserAccessInput {
    /// Display name.
    pub name: String,
    /// Organization id, or empty for none.
    pub org_id: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Whether the account is disabled (cannot sign in; sessions and tokens stop working).
    pub disabled: bool,
}

impl From<UserAccessInput> for app::UserAccessInput {
    fn from(w: UserAccessInput) -> Self {
        Self {
            name: w.name,
            org_id: w.org_id,
            roles: w.roles,
            disabled: w.disabled,
        }
    }
}

/// A user as shown to others: no password hash.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Id.
    #[schema(value_type = String, format = Uuid)]
    pub id: tocsin_domain::UserId,
    /// Mail address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Organization id.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub org_id: Option<tocsin_domain::OrgId>,
    /// Roles.
    pub roles: Vec<String>,
    /// Disabled.
    pub disabled: bool,
    /// Created (RFC 3339).
    pub created_at: String,
}

impl From<&tocsin_storage::User> for UserView {
    fn from(u: &tocsin_storage::User) -> Self {
        app::UserView::from(u).into()
    }
}

impl From<app::UserView> for UserView {
    fn from(a: app::UserView) -> Self {
        Self {
            id: a.id,
            email: a.email,
            name: a.name,
            org_id: a.org_id,
            roles: a.roles,
            disabled: a.disabled,
            created_at: a.created_at,
        }
    }
}

// ---------------------------------------------------------------------------------------
// phishing

/// A state change of one URL, with the analyst's evidence or note.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UrlTransitionInput {
    /// verified, false_positive, duplicate, taken_down, reopened (abuse_notified is set by
    /// sending a notice).
    pub to: String,
    /// Evidence or a note, kept in the case history.
    pub note: String,
    /// TLP of the case for the feeds: clear, green, amber, amber+strict, red.
    pub tlp: String,
}

impl From<UrlTransitionInput> for app::phishing::UrlTransitionInput {
    fn from(w: UrlTransitionInput) -> Self {
        Self {
            to: w.to,
            note: w.note,
            tlp: w.tlp,
        }
    }
}

/// An abuse contact entered by hand.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ContactInput {
    /// registrar, hosting or other.
    pub role: String,
    /// The address.
    pub email: String,
}

impl From<ContactInput> for app::phishing::ContactInput {
    fn from(w: ContactInput) -> Self {
        Self {
            role: w.role,
            email: w.email,
        }
    }
}

/// The notice an analyst sends; empty fields take the template's text.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NoticeInput {
    /// The mail text (default: the notice template with the case filled in).
    pub body: String,
}

impl From<NoticeInput> for app::phishing::NoticeInput {
    fn from(w: NoticeInput) -> Self {
        Self { body: w.body }
    }
}

/// One entry of the blocking-list feed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FeedEntry {
    /// The live URL (feeds are for machines; people see it defanged elsewhere).
    pub url: String,
    /// Its host.
    pub host: String,
    /// The brand impersonated.
    pub brand: String,
    /// TLP of the case.
    pub tlp: String,
    /// First reported (RFC 3339).
    pub first_seen: String,
    /// Verified (RFC 3339).
    pub verified_at: String,
}

impl From<app::phishing::FeedEntry> for FeedEntry {
    fn from(a: app::phishing::FeedEntry) -> Self {
        Self {
            url: a.url,
            host: a.host,
            brand: a.brand,
            tlp: a.tlp,
            first_seen: a.first_seen,
            verified_at: a.verified_at,
        }
    }
}

/// What the fetcher saw.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FetchResult {
    /// HTTP status of the last answer.
    pub status: u16,
    /// The URL after redirects, defanged.
    pub final_url: String,
    /// The page title, if any.
    pub title: String,
    /// SHA-256 of the body as received (hex).
    pub sha256: String,
    /// Bytes read (at most the limit).
    pub bytes: usize,
}

impl From<app::phishing::FetchResult> for FetchResult {
    fn from(a: app::phishing::FetchResult) -> Self {
        Self {
            status: a.status,
            final_url: a.final_url,
            title: a.title,
            sha256: a.sha256,
            bytes: a.bytes,
        }
    }
}

// ---------------------------------------------------------------------------------------
// points

/// An account's figures.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Balance {
    /// The account id.
    pub account_id: uuid::Uuid,
    /// The sum of the ledger.
    pub balance: i64,
    /// Held for redemptions awaiting a decision.
    pub held: i64,
    /// What may be spent now.
    pub available: i64,
    /// Whether the organization is left unnamed on the leaderboard.
    pub leaderboard_opt_out: bool,
}

impl From<app::points::Balance> for Balance {
    fn from(a: app::points::Balance) -> Self {
        Self {
            account_id: a.account_id,
            balance: a.balance,
            held: a.held,
            available: a.available,
            leaderboard_opt_out: a.leaderboard_opt_out,
        }
    }
}

/// A redemption request.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RedeemInput {
    /// The catalog item.
    pub item_id: String,
}

impl From<RedeemInput> for app::points::RedeemInput {
    fn from(w: RedeemInput) -> Self {
        Self { item_id: w.item_id }
    }
}

/// An admin's decision on a held redemption.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// approved or rejected.
    pub decision: String,
    /// A note (optional).
    pub note: String,
}

impl From<DecisionInput> for app::points::DecisionInput {
    fn from(w: DecisionInput) -> Self {
        Self {
            decision: w.decision,
            note: w.note,
        }
    }
}

/// An admin's adjustment of an account.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AdjustInput {
    /// The organization's account (or give `user_id`).
    pub org_id: String,
    /// The individual's account.
    pub user_id: String,
    /// Points to add (negative: take; never below zero).
    #[serde(deserialize_with = "de_number_text")]
    #[schema(value_type = i64, default)]
    pub delta: String,
    /// Why: required, kept in the ledger and the audit log.
    pub reason: String,
}

impl From<AdjustInput> for app::points::AdjustInput {
    fn from(w: AdjustInput) -> Self {
        Self {
            org_id: w.org_id,
            user_id: w.user_id,
            delta: w.delta,
            reason: w.reason,
        }
    }
}

// ---------------------------------------------------------------------------------------
// reports

/// What a reporter gets back: the tracking number and the private status link.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Receipt {
    /// e.g. `INC-2026-000001`.
    pub tracking_id: String,
    /// The secret of the status link (shown once, stored hashed).
    pub token: String,
    /// The status page.
    pub status_url: String,
}

impl From<app::reports::Receipt> for Receipt {
    fn from(a: app::reports::Receipt) -> Self {
        Self {
            tracking_id: a.tracking_id,
            token: a.token,
            status_url: a.status_url,
        }
    }
}

/// A requested state change with what the target state needs.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TransitionRequest {
    /// The new state: triaged, in_progress, resolved, closed, rejected, duplicate.
    pub to: String,
    /// For rejected: spam, out_of_scope, not_an_incident.
    pub rejection_reason: String,
    /// For duplicate: the original's tracking number.
    pub duplicate_of: String,
    /// For closed: resolved, no_resolution, no_response.
    pub resolution: String,
    /// For closed: true_positive, false_positive, indeterminate.
    pub outcome: String,
    /// An optional word to the reporter, mailed and shown on the status page.
    pub message: String,
    /// For closed with checklist tasks still open: why it is closed anyway (required then).
    pub close_anyway_reason: String,
}

impl From<TransitionRequest> for app::reports::TransitionRequest {
    fn from(w: TransitionRequest) -> Self {
        Self {
            to: w.to,
            rejection_reason: w.rejection_reason,
            duplicate_of: w.duplicate_of,
            resolution: w.resolution,
            outcome: w.outcome,
            message: w.message,
            close_anyway_reason: w.close_anyway_reason,
        }
    }
}

/// A piece of text from the desk.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TextInput {
    /// The text.
    pub body: String,
}

impl From<TextInput> for app::reports::TextInput {
    fn from(w: TextInput) -> Self {
        Self { body: w.body }
    }
}

/// Assignment: a staff user's id, or empty to unassign.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AssignInput {
    /// The analyst's user id, or empty.
    pub assignee_id: String,
}

impl From<AssignInput> for app::reports::AssignInput {
    fn from(w: AssignInput) -> Self {
        Self {
            assignee_id: w.assignee_id,
        }
    }
}

/// Classification: an RSIT `class/type` key and a priority.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ClassifyInput {
    /// RSIT `class/type`, e.g. `intrusions/system-compromise`.
    pub rsit: String,
    /// p1 … p4.
    pub priority: String,
}

impl From<ClassifyInput> for app::reports::ClassifyInput {
    fn from(w: ClassifyInput) -> Self {
        Self {
            rsit: w.rsit,
            priority: w.priority,
        }
    }
}

/// Filters of the desk queue, as they come from the query string.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// A state, `open` (default: every open state) or `all`.
    pub state: String,
    /// web_attack, intrusion or early_warning.
    pub incident_type: String,
    /// An analyst's id, `me` or `none`.
    pub assignee: String,
    /// Only reports older than this many days (0 to 36500; empty for any age).
    #[param(value_type = i64)]
    pub older_than_days: String,
    /// `1` for only SLA breaches.
    pub breached: String,
    /// `newest` for newest first (default oldest first).
    pub sort: String,
    /// `1` for only the reports waiting on the reporter (a message to them unanswered
    /// for two working days).
    pub waiting: String,
    /// Where the page starts: the cursor of the previous page's `Link: <…>; rel="next"`
    /// header (opaque).
    pub after: String,
}

impl QueueQuery {
    /// The query string of these filters with the page starting `after`: the target of
    /// the queue's `Link: <…>; rel="next"` and of the page's next link.
    pub fn next_query(&self, after: &str) -> String {
        let filters = self.filters_query();
        let sep = if filters.is_empty() { "" } else { "&" };
        format!("{filters}{sep}after={}", pct(after))
    }

    /// The query string of these filters alone (the first page).
    pub fn filters_query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("state", &self.state),
            ("incident_type", &self.incident_type),
            ("assignee", &self.assignee),
            ("older_than_days", &self.older_than_days),
            ("breached", &self.breached),
            ("sort", &self.sort),
            ("waiting", &self.waiting),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", pct(v.trim())));
            }
        }
        parts.join("&")
    }
}

impl From<QueueQuery> for app::reports::QueueQuery {
    fn from(w: QueueQuery) -> Self {
        Self {
            state: w.state,
            incident_type: w.incident_type,
            assignee: w.assignee,
            older_than_days: w.older_than_days,
            breached: w.breached,
            sort: w.sort,
            waiting: w.waiting,
            after: w.after,
        }
    }
}

impl From<app::reports::QueueQuery> for QueueQuery {
    fn from(a: app::reports::QueueQuery) -> Self {
        Self {
            state: a.state,
            incident_type: a.incident_type,
            assignee: a.assignee,
            older_than_days: a.older_than_days,
            breached: a.breached,
            sort: a.sort,
            waiting: a.waiting,
            after: a.after,
        }
    }
}

// ---------------------------------------------------------------------------------------
// vuln

/// A coordinator's change to a case.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CnaUpdate {
    /// A new state: under_review, accepted, rejected, duplicate, out_of_scope,
    /// vendor_notified (set by notifying the vendor), fix_pending, ready_to_publish, published.
    pub to: String,
    /// A note for the history.
    pub note: String,
}

impl From<CnaUpdate> for app::vuln::CnaUpdate {
    fn from(w: CnaUpdate) -> Self {
        Self {
            to: w.to,
            note: w.note,
        }
    }
}

/// The vendor of a case and the coordinator's record of its answer.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct VendorInput {
    /// The vendor organization's id (kind vendor or manufacturer), or empty to keep it.
    pub vendor_org_id: String,
    /// affected, not_affected, unknown (empty: keep).
    pub status: String,
    /// The vendor's statement.
    pub statement: String,
}

impl From<VendorInput> for app::vuln::VendorInput {
    fn from(w: VendorInput) -> Self {
        Self {
            vendor_org_id: w.vendor_org_id,
            status: w.status,
            statement: w.statement,
        }
    }
}

/// The advisory's texts (coordinators).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AdvisoryInput {
    /// Title.
    pub title: String,
    /// CWE id, e.g. CWE-79 (empty: none).
    pub cwe: String,
    /// Solution or mitigation.
    pub solution: String,
    /// Description in English (required before publishing).
    pub advisory_en: String,
    /// Description in Traditional Chinese.
    pub advisory_zh: String,
    /// Target publication date, YYYY-MM-DD (empty: keep).
    pub target_publication: String,
    /// What changed, for the CSAF document's revision history of a published case (empty:
    /// a generic line).
    pub revision_summary: String,
}

impl From<AdvisoryInput> for app::vuln::AdvisoryInput {
    fn from(w: AdvisoryInput) -> Self {
        Self {
            title: w.title,
            cwe: w.cwe,
            solution: w.solution,
            advisory_en: w.advisory_en,
            advisory_zh: w.advisory_zh,
            target_publication: w.target_publication,
            revision_summary: w.revision_summary,
        }
    }
}

/// A public advisory: what anyone may read of a published case.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Advisory {
    /// The CVE id.
    pub cve_id: String,
    /// Title.
    pub title: String,
    /// Product.
    pub product: String,
    /// Vendor.
    pub vendor: String,
    /// Affected versions.
    pub versions: String,
    /// CVSS vector.
    pub cvss_vector: String,
    /// CVSS base score and severity.
    pub cvss: String,
    /// Description in English.
    pub description_en: String,
    /// Description in Traditional Chinese.
    pub description_zh: String,
    /// Solution.
    pub solution: String,
    /// CWE.
    pub cwe: String,
    /// The finder, only if they agreed to be named.
    pub credit: Option<String>,
    /// When it was published (RFC 3339).
    pub published_at: String,
}

impl From<app::vuln::Advisory> for Advisory {
    fn from(a: app::vuln::Advisory) -> Self {
        Self {
            cve_id: a.cve_id,
            title: a.title,
            product: a.product,
            vendor: a.vendor,
            versions: a.versions,
            cvss_vector: a.cvss_vector,
            cvss: a.cvss,
            description_en: a.description_en,
            description_zh: a.description_zh,
            solution: a.solution,
            cwe: a.cwe,
            credit: a.credit,
            published_at: a.published_at,
        }
    }
}

/// Why a case's CVE id is rejected: the REJECTED record's reasons.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CveRejection {
    /// The reason in English (required; text without Chinese characters).
    pub reason_en: String,
    /// The reason in Traditional Chinese (optional).
    pub reason_zh: String,
}

impl From<CveRejection> for app::vuln::CveRejection {
    fn from(w: CveRejection) -> Self {
        Self {
            reason_en: w.reason_en,
            reason_zh: w.reason_zh,
        }
    }
}

//! The access policy: the one place that decides whether a principal may perform an action
//! on a resource. Every read and write in the server asks [`authorize`]; nothing else
//! compares roles or organizations. It weighs role × organization, and for intelligence
//! records the TLP against what the principal is to the record ([`IntelAudience`]):
//! RED → named recipients only; AMBER+STRICT → recipient organizations; AMBER → those and
//! the organizations the sender says they must inform; GREEN → the vetted community (the
//! organizations in a sharing group); CLEAR → everyone. [`intel_scope`] is the same rule
//! as a listing scope, which storage turns into SQL; a property test checks the two agree.
//!
//! # How TLP reaches every channel
//!
//! **Architecture Invariant:** TLP is enforced, not displayed, by `policy/` alone (tidy:
//! no other crate compares roles):
//! `authorize` decides a record from its TLP and what the reader is to it (`IntelAudience`:
//! author, named person, recipient organization, organization to inform, vetted community);
//! `intel_scope` and `tlp_reach` give the same rule to storage as a WHERE clause for listings
//! and search. A randomized test (`crates/tocsin-server/tests/it/intel_api.rs`,
//! `no_channel_leaks_past_tlp_and_audience`) builds random organizations, groups, users and
//! shared records on both engines and checks record reads, TXT and STIX exports, inbox listings,
//! searches, mail deliveries and re-shares against an oracle written from the rules. TAXII
//! is one more channel under the same rule: a collection is the policy's `TaxiiCollection`
//! resource (its group's members and the staff), and every object in it belongs to an intel
//! record (or is a constant: TLP marking definitions, tocsin's identity and extension
//! definition) and is listed only through the `intel_scope` clause, so a caller never reads,
//! counts or pages past an object they may not see, and an unreadable collection or object
//! is "not found" (`no_taxii_response_leaks_past_tlp_and_audience`, beside the intel one).
//! The phishing feeds (TXT, CSV, JSON, STIX) take their TLP ceiling from
//! `phishing_feed_reach`: a URL case names no recipients, so partners get cases up to GREEN.

mod audience;

pub use audience::{
    Audience, Files, ForwardCut, Identity, ReportCut, Thread, Via, forward_cut, report_audience,
};

use crate::{OrgId, Role, Roles, Tlp, UserId};

/// Who is asking: a signed-in user (by session or API token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The user.
    pub user_id: UserId,
    /// The user's organization, if any (individual researchers have none).
    pub org_id: Option<OrgId>,
    /// The user's roles.
    pub roles: Roles,
}

impl Principal {
    fn has(&self, r: Role) -> bool {
        self.roles.has(r)
    }
    fn in_org(&self, org: Option<OrgId>) -> bool {
        org.is_some() && self.org_id == org
    }
}

/// What a caller's navigation offers. Decided here, so that pages never compare roles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Navigation {
    /// The administration pages (organizations, users, audit, points).
    pub admin: bool,
    /// The desk: queues of reports, phishing cases and intel drafts.
    pub desk: bool,
    /// Vulnerability coordination (the CNA's cases).
    pub coordination: bool,
}

/// The navigation a caller is offered (no caller: none of it).
pub fn navigation(p: Option<&Principal>) -> Navigation {
    let Some(p) = p else {
        return Navigation::default();
    };
    let admin = is_admin(&p.roles);
    Navigation {
        admin,
        desk: p.roles.is_staff(),
        coordination: admin || p.has(Role::Coordinator),
    }
}

/// Whether these roles administer the instance (first-start setup stays open until an
/// enabled user holds them).
pub fn is_admin(roles: &Roles) -> bool {
    roles.has(Role::Admin)
}

/// Whether the caller works the desk (the operator's staff): they see the desk's view of
/// a case, and may be assigned one.
pub fn is_desk(p: Option<&Principal>) -> bool {
    p.is_some_and(|p| p.roles.is_staff())
}

/// The roles of the operator at the server's console (`tocsin admin …`): whoever can run
/// the binary against the database already holds every record, so the console acts as an
/// administrator.
pub fn console_roles() -> Roles {
    Roles::new([Role::Admin])
}

/// Whether a user of a notified vendor receives the vendor's notices: its members do
/// (staff accounts of the operator in the same organization do not).
pub fn receives_vendor_notice(p: &Principal) -> bool {
    p.has(Role::Member)
}

/// What the principal wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// See a list of the resource's kind.
    List,
    /// Read one record.
    Read,
    /// Create a record.
    Create,
    /// Change a record.
    Update,
    /// Add to a record without changing it (a reporter's follow-up information).
    Append,
    /// Remove or revoke a record.
    Delete,
}

/// What the action is about, with the attributes the policy needs to decide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    /// An organization; `None` for the collection.
    Organization(Option<OrgId>),
    /// A user account; `org` is the user's organization.
    User {
        /// The user, `None` for the collection.
        id: Option<UserId>,
        /// Their organization.
        org: Option<OrgId>,
    },
    /// What a user account may do and whether it may sign in: its roles, organization
    /// and disabled flag. Only admins change these, and not on their own account, so
    /// nobody locks the last administrator out by accident.
    UserAccess {
        /// The user.
        id: UserId,
    },
    /// A personal API token of `owner`.
    ApiToken {
        /// Whose token it is.
        owner: UserId,
    },
    /// The audit log.
    AuditLog,
    /// The mail outbox.
    Outbox,
    /// A product-vulnerability report under CVE coordination: stricter than other reports.
    /// Until published, only coordinators, admins, the reporter and the notified vendor's
    /// users see it.
    Vulnerability {
        /// The vendor's organization, once notified.
        vendor_org: Option<OrgId>,
        /// The filing account.
        reporter: Option<UserId>,
    },
    /// Aggregated desk statistics: survey results, phishing figures.
    Statistics,
    /// The monthly e-newsletter's issues: the desk drafts, previews and sends them.
    NewsletterIssue,
    /// The newsletter's subscribers: personal data, so only admins list, export and erase
    /// them (a subscriber manages their own subscription through their links).
    NewsletterSubscribers,
    /// The operational metrics (`/metrics`): request counts and latencies by route, the
    /// outbox's depth. Not personal, but a map of activity: not public.
    Metrics,
    /// The blocking-list feeds of live phishing URLs.
    PhishingFeed,
    /// A threat-intelligence record, with its TLP and what the principal is to it.
    Intel {
        /// The record's TLP.
        tlp: Tlp,
        /// Still a draft (submitted by a partner, not yet accepted): staff and its author
        /// only.
        draft: bool,
        /// What the asking principal is to the record.
        audience: IntelAudience,
    },
    /// Sharing groups and their members (ISACs, ISPs, CERTs…).
    SharingGroup,
    /// A TAXII collection: a sharing group's STIX objects. `member`: the principal's
    /// organization belongs to the group. This decides the collection; each object in it
    /// is an intel record's and is filtered by the intel rule ([`intel_scope`]).
    TaxiiCollection {
        /// The principal's organization is in the group.
        member: bool,
    },
    /// Mail handed to intake (by the mailgate or the IMAP poller), kept as evidence.
    InboundMail,
    /// A points account of the reward scheme: an organization's (`org`) or an individual
    /// researcher's (`user`, without an organization). Both `None` for every account.
    /// Its holder reads it and redeems from it; only admins adjust it or see others'.
    PointsAccount {
        /// The organization whose account it is.
        org: Option<OrgId>,
        /// The individual whose account it is.
        user: Option<UserId>,
    },
    /// The reward catalog: every signed-in user reads it, admins manage it.
    PointsCatalog,
    /// The yearly points leaderboard: every signed-in user reads it.
    Leaderboard,
    /// Virus Check's YARA rule sets: admins alone read and manage them (a rule tells what
    /// the desk looks for).
    YaraRules,
    /// An assistance referral (協處商機): the desk offers it, sanitised; member firms
    /// entitled by an assistance redemption read and accept it; the chosen firm records
    /// its outcome. The reporter's side (consent, choice, rating) is the report's.
    Referral {
        /// The caller's organization holds an unused assistance-referral redemption.
        eligible_firm: bool,
        /// The caller's organization already accepted this referral.
        responded_firm: bool,
        /// The firm the reporter chose, once chosen.
        chosen_firm: Option<OrgId>,
    },
    /// Virus Check's analyses as a list: `submitter` names whose uploads (a signed-in
    /// user's own history), `None` every upload (the desk's page: recent analyses, top
    /// detections, files matched to intel). One analysis is read by whoever holds its id,
    /// so this decides lists and what the desk makes of an analysis (`Update`: an intel
    /// draft, a note on a report), not single reads.
    VirusAnalyses {
        /// Whose uploads, or `None` for everyone's.
        submitter: Option<UserId>,
    },
    /// A CSAF document of a published advisory in the trusted provider's layout
    /// (`/.well-known/csaf/`), with its TLP. TLP:CLEAR (WHITE) is public; above it the one
    /// TLP rule decides ([`tlp_allows`]), the case's notified vendor being the recipient
    /// organization and its reporter a named user; coordinators and admins read every one.
    /// Nobody writes through the layout: documents are released by the case's use cases.
    CsafDocument {
        /// The document's TLP.
        tlp: Tlp,
        /// What the asking principal is to the case ([`csaf_audience`]).
        audience: IntelAudience,
    },
    /// The directory of other CSIRTs (their constituencies, contacts, keys): the staff read
    /// it to forward cases; admins keep it.
    TeamDirectory,
    /// A report of any kind; `org` is the reporting organization, `reporter` the account
    /// that filed it, if any.
    Report {
        /// The reporting organization.
        org: Option<OrgId>,
        /// The filing account.
        reporter: Option<UserId>,
    },
    /// An organization's application to sign up (`/join`): anyone applies; admins vet.
    OrgApplication,
    /// An organization's application to the CERT/CSIRT alliance and its team profile:
    /// the organization's members apply and read it; admins review and decide.
    AllianceApplication {
        /// The applying organization (`None`: every application).
        org: Option<OrgId>,
    },
    /// An organization's own people as its members see them: they list their colleagues
    /// and invite new ones, who join as members of the same organization and nothing more
    /// (roles and other organizations stay with the admins, through `User`).
    Colleagues {
        /// The organization.
        org: Option<OrgId>,
    },
    /// The members-only alliance directory: each member team's profile, contacts and key.
    /// `member`: the principal's organization is an approved alliance member.
    AllianceDirectory {
        /// The principal's organization is an approved member.
        member: bool,
    },
    /// An ISAC's members' view (who is in it, their sector). `member`: the principal's
    /// organization is in a sharing group the ISAC maps to.
    IsacMembers {
        /// The principal's organization belongs to the ISAC.
        member: bool,
    },
}

impl Resource {
    /// Whether reads of this resource are confidential and must be audited.
    pub fn is_confidential(&self) -> bool {
        matches!(
            self,
            Resource::Report { .. }
                | Resource::Vulnerability { .. }
                | Resource::AuditLog
                | Resource::Intel { .. }
                | Resource::InboundMail
                | Resource::Referral { .. }
                | Resource::VirusAnalyses { submitter: None }
        ) || matches!(self, Resource::CsafDocument { tlp, .. } if *tlp != Tlp::Clear)
    }
}

/// What a principal is to one intelligence record, worked out by the caller from the
/// record's audiences and the principal's organization. All false for anonymous callers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IntelAudience {
    /// The principal wrote it, or belongs to the organization that did.
    pub author: bool,
    /// The principal is a named recipient.
    pub named_user: bool,
    /// The principal's organization is a recipient, by name or through a sharing group.
    pub recipient_org: bool,
    /// The principal's organization is one the sender says recipients must inform (AMBER).
    pub informed_org: bool,
    /// The principal's organization belongs to some sharing group: the vetted community.
    pub community: bool,
}

/// Whether the principal's relation to a shared (not draft) record lets them read it at
/// this TLP. The one statement of the TLP rule; [`intel_scope`] mirrors it for listings.
fn tlp_allows(tlp: Tlp, a: IntelAudience) -> bool {
    a.author
        || a.named_user
        || match tlp {
            Tlp::Clear => true,
            Tlp::Green => a.recipient_org || a.informed_org || a.community,
            Tlp::Amber => a.recipient_org || a.informed_org,
            Tlp::AmberStrict => a.recipient_org,
            Tlp::Red => false,
        }
}

/// What a principal is to a published case's CSAF document: its reporter is a named user,
/// the members of the notified vendor (`vendor_org`, the case's vendor with access) its
/// recipient organization. Nothing for an anonymous caller.
pub fn csaf_audience(
    who: Option<&Principal>,
    vendor_org: Option<OrgId>,
    reporter: Option<UserId>,
) -> IntelAudience {
    let Some(p) = who else {
        return IntelAudience::default();
    };
    IntelAudience {
        named_user: reporter.is_some() && reporter == Some(p.user_id),
        recipient_org: vendor_org.is_some() && p.has(Role::Member) && p.in_org(vendor_org),
        ..IntelAudience::default()
    }
}

/// The most permissive TLP at which each relation still gives access: storage uses it to
/// write [`intel_scope`] as SQL (a record is visible if its TLP rank is at most this).
pub fn tlp_reach(relation: IntelRelation) -> Tlp {
    match relation {
        IntelRelation::NamedUser => Tlp::Red,
        IntelRelation::RecipientOrg => Tlp::AmberStrict,
        IntelRelation::InformedOrg => Tlp::Amber,
        IntelRelation::Community => Tlp::Green,
        IntelRelation::Anyone => Tlp::Clear,
    }
}

/// The most restrictive TLP of the phishing URLs a principal receives in the blocking-list
/// feeds (JSON, TXT, CSV, STIX): the staff every case; partners up to GREEN, since a URL case
/// names no recipients and partners are the vetted community it reaches. `None` when the
/// principal may not read the feeds at all.
pub fn phishing_feed_reach(p: Option<&Principal>) -> Option<Tlp> {
    authorize(p, Action::Read, &Resource::PhishingFeed).ok()?;
    Some(if p?.roles.is_staff() {
        Tlp::Red
    } else {
        tlp_reach(IntelRelation::Community)
    })
}

/// The relations of [`IntelAudience`] other than authorship, for [`tlp_reach`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntelRelation {
    /// A named recipient.
    NamedUser,
    /// A recipient organization.
    RecipientOrg,
    /// An organization to be informed.
    InformedOrg,
    /// A member of the vetted community.
    Community,
    /// Anybody, signed in or not.
    Anyone,
}

/// Which intelligence records a principal may list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntelScope {
    /// Every record, drafts included (the operator's staff).
    All,
    /// Shared records by TLP ([`tlp_reach`] per relation), and the principal's own.
    Restricted {
        /// The principal, `None` when anonymous.
        user: Option<UserId>,
        /// Their organization.
        org: Option<OrgId>,
        /// Whether that organization is in the vetted community.
        community: bool,
    },
}

/// The listing scope of intelligence records; `community` says whether the principal's
/// organization is in a sharing group.
pub fn intel_scope(p: Option<&Principal>, community: bool) -> IntelScope {
    match p {
        Some(p) if p.roles.is_staff() => IntelScope::All,
        Some(p) => IntelScope::Restricted {
            user: Some(p.user_id),
            org: p.org_id,
            community: community && p.org_id.is_some(),
        },
        None => IntelScope::Restricted {
            user: None,
            org: None,
            community: false,
        },
    }
}

/// Whether a recipient may re-share a record at `to` when it came at `from`: the TLP may
/// be kept or tightened, never loosened.
pub fn may_reshare(from: Tlp, to: Tlp) -> bool {
    to >= from
}

/// Why an action was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The action needs a signed-in user.
    #[error("authentication required")]
    NeedsLogin,
    /// The signed-in user lacks the right.
    #[error("forbidden")]
    Forbidden,
}

/// The outcome of a policy check.
pub type Decision = Result<(), Denied>;

/// Decides whether `who` (None: anonymous) may do `action` on `resource`.
pub fn authorize(who: Option<&Principal>, action: Action, resource: &Resource) -> Decision {
    use Action::*;
    // Anyone may file a report: the desk must stay open to companies with no account.
    if let (Resource::Report { .. } | Resource::Vulnerability { .. }, Create) = (resource, action) {
        return Ok(());
    }
    // Anyone may apply to sign an organization up: that is how one gets an account.
    if let (Resource::OrgApplication, Create) = (resource, action) {
        return Ok(());
    }
    // TLP:CLEAR is public: anyone may read a shared CLEAR record.
    if let (
        Resource::Intel {
            tlp: Tlp::Clear,
            draft: false,
            ..
        },
        Read | List,
    ) = (resource, action)
    {
        return Ok(());
    }
    // A TLP:CLEAR CSAF document is as public as the advisory page it comes from.
    if let (
        Resource::CsafDocument {
            tlp: Tlp::Clear, ..
        },
        Read | List,
    ) = (resource, action)
    {
        return Ok(());
    }
    let Some(p) = who else {
        return Err(Denied::NeedsLogin);
    };
    let admin = p.has(Role::Admin);
    let staff = p.roles.is_staff();
    let allowed = match resource {
        Resource::Organization(id) => match action {
            List => staff,
            Read => staff || p.in_org(*id),
            Create | Update | Delete => admin,
            Append => false,
        },
        Resource::User { id, org } => match action {
            List => staff,
            Read => staff || *id == Some(p.user_id) || (p.has(Role::Member) && p.in_org(*org)),
            // Changing one's own account (name, password) goes through Update on oneself.
            Update => admin || *id == Some(p.user_id),
            Create | Delete => admin,
            Append => false,
        },
        Resource::UserAccess { id } => match action {
            Read => staff || *id == p.user_id,
            Update => admin && *id != p.user_id,
            List | Create | Append | Delete => false,
        },
        Resource::ApiToken { owner } => {
            let own = *owner == p.user_id;
            match action {
                List | Read | Delete => own || admin,
                Create => own,
                Update | Append => false,
            }
        }
        Resource::AuditLog => matches!(action, List | Read) && admin,
        Resource::Outbox => matches!(action, List | Read) && staff,
        Resource::Vulnerability {
            vendor_org,
            reporter,
        } => {
            let coordinator = admin || p.has(Role::Coordinator);
            let own = reporter.is_some() && *reporter == Some(p.user_id);
            let vendor = p.has(Role::Member) && p.in_org(*vendor_org);
            match action {
                // A vendor lists the cases it was notified of (`vendor_org` is its own).
                List => coordinator || vendor,
                Read => coordinator || own || vendor,
                // The reporter's thread is between the reporter and the desk: the vendor
                // reads the case ([`Audience::Vendor`]) but does not write into it.
                Append => coordinator || own,
                Update => coordinator,
                Create => true,
                Delete => false,
            }
        }
        Resource::Intel {
            tlp,
            draft,
            audience,
        } => {
            let sees =
                staff || (*draft && audience.author) || (!*draft && tlp_allows(*tlp, *audience));
            match action {
                List | Read => sees,
                // Sharing, accepting and editing are the desk's.
                Update => staff,
                // Feedback (FBI) and re-sharing: whoever may read a shared record.
                Append => sees && !*draft,
                Create => staff || p.has(Role::Partner) || p.has(Role::Member),
                Delete => false,
            }
        }
        Resource::SharingGroup => match action {
            List | Read => staff,
            Create | Update | Delete | Append => admin,
        },
        Resource::TaxiiCollection { member } => match action {
            List | Read => staff || *member,
            // Posting makes draft records: what a partner or member may submit anyway.
            Create => staff || (*member && (p.has(Role::Partner) || p.has(Role::Member))),
            Delete => staff,
            Update | Append => false,
        },
        Resource::Statistics => matches!(action, List | Read) && admin,
        Resource::NewsletterIssue => match action {
            List | Read | Create | Update => staff,
            Append | Delete => false,
        },
        Resource::NewsletterSubscribers => matches!(action, List | Read | Delete) && admin,
        Resource::Metrics => action == Read && (admin || p.has(Role::Monitor)),
        // The mailgate's account is staff; so are those who read held mail.
        Resource::InboundMail => matches!(action, Create | List | Read | Update) && staff,
        Resource::PhishingFeed => matches!(action, List | Read) && (staff || p.has(Role::Partner)),
        Resource::PointsAccount { org, user } => {
            // An organization's points are its members'; an individual's, their own.
            let own = match (org, user) {
                (Some(_), _) => p.has(Role::Member) && p.in_org(*org),
                (None, Some(u)) => *u == p.user_id,
                (None, None) => false,
            };
            match action {
                List | Read => admin || own,
                // Requesting a redemption spends from one's own account only.
                Create => own,
                Update => admin,
                Append | Delete => false,
            }
        }
        Resource::PointsCatalog => match action {
            List | Read => true,
            Create | Update | Delete => admin,
            Append => false,
        },
        Resource::Leaderboard => matches!(action, List | Read),
        Resource::YaraRules => admin,
        Resource::TeamDirectory => match action {
            List | Read => staff,
            Create | Update | Delete => admin,
            Append => false,
        },
        Resource::Referral {
            eligible_firm,
            responded_firm,
            chosen_firm,
        } => {
            let firm = p.has(Role::Member) && p.org_id.is_some();
            let chosen = p.has(Role::Member) && p.in_org(*chosen_firm);
            match action {
                Create | Delete => staff,
                List | Read => staff || (firm && (*eligible_firm || *responded_firm)) || chosen,
                // Accepting an offer takes one of the firm's assistance redemptions.
                Append => firm && *eligible_firm && !*responded_firm,
                Update => staff || chosen,
            }
        }
        Resource::VirusAnalyses { submitter } => {
            // One's own uploads are one's own; nobody else's, not even the organization's
            // (a file uploaded to be checked may be private to the one who found it).
            let own = *submitter == Some(p.user_id);
            match action {
                List | Read => staff || own,
                Update => staff,
                Create | Append | Delete => false,
            }
        }
        Resource::CsafDocument { tlp, audience } => {
            let coordinator = admin || p.has(Role::Coordinator);
            matches!(action, List | Read) && (coordinator || tlp_allows(*tlp, *audience))
        }
        Resource::Report { org, reporter } => {
            let own = reporter.is_some() && *reporter == Some(p.user_id);
            let org_member = p.has(Role::Member) && p.in_org(*org);
            match action {
                List => true, // the storage query itself is scoped by `report_scope`
                Read | Append => staff || own || org_member,
                Update => staff,
                Create => true,
                Delete => false, // reports are never deleted
            }
        }
        Resource::OrgApplication => match action {
            List | Read | Update => admin,
            Create => true,
            Append | Delete => false,
        },
        Resource::AllianceApplication { org } => {
            let own = p.has(Role::Member) && p.in_org(*org);
            match action {
                // Applying (and choosing whether to be listed) is the organization's.
                Create | Append => own,
                Read => admin || own,
                List | Update => admin,
                Delete => false,
            }
        }
        Resource::Colleagues { org } => {
            let own = p.has(Role::Member) && p.in_org(*org);
            match action {
                List | Read => staff || own,
                Create => admin || own,
                Update | Append | Delete => false,
            }
        }
        Resource::AllianceDirectory { member } => {
            matches!(action, List | Read) && (staff || *member)
        }
        Resource::IsacMembers { member } => matches!(action, List | Read) && (staff || *member),
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

/// Which reports a principal may list; storage turns this into a WHERE clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportScope {
    /// Every report (the operator's staff).
    All,
    /// Reports of one organization or filed by one user.
    Own {
        /// The principal's organization, when they are a member of it.
        org: Option<OrgId>,
        /// The principal.
        user: UserId,
    },
}

/// The listing scope of reports for a principal.
pub fn report_scope(p: &Principal) -> ReportScope {
    if p.roles.is_staff() {
        ReportScope::All
    } else {
        ReportScope::Own {
            org: if p.has(Role::Member) { p.org_id } else { None },
            user: p.user_id,
        }
    }
}

/// The scope of "my reports": what the principal filed, and what their organization
/// filed when they are its member, whatever their other roles (the desk's own staff see
/// their own filings there, not the queue).
pub fn own_report_scope(p: &Principal) -> (Option<OrgId>, UserId) {
    (if p.has(Role::Member) { p.org_id } else { None }, p.user_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    struct World {
        org_a: OrgId,
        org_b: OrgId,
        admin: Principal,
        analyst: Principal,
        member_a: Principal,
        reporter_a: Principal,
        partner_b: Principal,
    }

    fn world() -> World {
        let org_a = OrgId::new();
        let org_b = OrgId::new();
        let op = OrgId::new();
        let mk = |org, roles: &[Role]| Principal {
            user_id: UserId::new(),
            org_id: Some(org),
            roles: Roles::new(roles.iter().copied()),
        };
        World {
            org_a,
            org_b,
            admin: mk(op, &[Role::Admin]),
            analyst: mk(op, &[Role::Analyst]),
            member_a: mk(org_a, &[Role::Member]),
            reporter_a: mk(org_a, &[Role::Reporter]),
            partner_b: mk(org_b, &[Role::Partner]),
        }
    }

    #[test]
    fn phishing_feeds_reach_partners_up_to_green_and_staff_fully() {
        let w = world();
        assert_eq!(phishing_feed_reach(None), None);
        assert_eq!(phishing_feed_reach(Some(&w.member_a)), None);
        assert_eq!(phishing_feed_reach(Some(&w.reporter_a)), None);
        assert_eq!(phishing_feed_reach(Some(&w.partner_b)), Some(Tlp::Green));
        assert_eq!(phishing_feed_reach(Some(&w.analyst)), Some(Tlp::Red));
        assert_eq!(phishing_feed_reach(Some(&w.admin)), Some(Tlp::Red));
    }

    /// Membership as a table: anyone applies to sign up, admins vet; an organization's
    /// members apply to the alliance; the directory is for alliance members and staff.
    #[test]
    fn membership_table() {
        let w = world();
        let anon: Option<&Principal> = None;
        let dir = |member| Resource::AllianceDirectory { member };
        let mates = |org| Resource::Colleagues { org: Some(org) };
        let app_a = Resource::AllianceApplication { org: Some(w.org_a) };
        type Row<'a> = (Option<&'a Principal>, Action, Resource, Decision);
        let rows: Vec<Row> = vec![
            (anon, Create, Resource::OrgApplication, Ok(())),
            (
                anon,
                List,
                Resource::OrgApplication,
                Err(Denied::NeedsLogin),
            ),
            (
                Some(&w.member_a),
                List,
                Resource::OrgApplication,
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.analyst),
                Update,
                Resource::OrgApplication,
                Err(Denied::Forbidden),
            ),
            (Some(&w.admin), Update, Resource::OrgApplication, Ok(())),
            (Some(&w.member_a), Create, app_a.clone(), Ok(())),
            (
                Some(&w.reporter_a),
                Create,
                app_a.clone(),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.partner_b),
                Create,
                app_a.clone(),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.partner_b),
                Read,
                app_a.clone(),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                Update,
                app_a.clone(),
                Err(Denied::Forbidden),
            ),
            (Some(&w.admin), Update, app_a, Ok(())),
            (anon, Read, dir(false), Err(Denied::NeedsLogin)),
            (Some(&w.member_a), Read, dir(false), Err(Denied::Forbidden)),
            (Some(&w.member_a), Read, dir(true), Ok(())),
            (Some(&w.member_a), Update, dir(true), Err(Denied::Forbidden)),
            (Some(&w.analyst), Read, dir(false), Ok(())),
            // A member invites colleagues into their own organization, nobody else's;
            // a reporter of the same organization does not.
            (Some(&w.member_a), Create, mates(w.org_a), Ok(())),
            (Some(&w.member_a), List, mates(w.org_a), Ok(())),
            (
                Some(&w.member_a),
                Create,
                mates(w.org_b),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                List,
                mates(w.org_b),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.reporter_a),
                Create,
                mates(w.org_a),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.partner_b),
                Create,
                mates(w.org_b),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                Delete,
                mates(w.org_a),
                Err(Denied::Forbidden),
            ),
            (Some(&w.analyst), List, mates(w.org_a), Ok(())),
            (
                Some(&w.analyst),
                Create,
                mates(w.org_a),
                Err(Denied::Forbidden),
            ),
            (Some(&w.admin), Create, mates(w.org_b), Ok(())),
            (anon, List, mates(w.org_a), Err(Denied::NeedsLogin)),
            (
                Some(&w.partner_b),
                Read,
                Resource::IsacMembers { member: false },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.partner_b),
                Read,
                Resource::IsacMembers { member: true },
                Ok(()),
            ),
        ];
        for (i, (who, action, res, want)) in rows.into_iter().enumerate() {
            assert_eq!(
                authorize(who, action, &res),
                want,
                "row {i}: {action:?} {res:?}"
            );
        }
    }

    /// The policy as a table: (who, action, resource, allowed?). None is anonymous.
    #[test]
    fn policy_table() {
        let w = world();
        let anon: Option<&Principal> = None;
        let rep_a = Resource::Report {
            org: Some(w.org_a),
            reporter: Some(w.reporter_a.user_id),
        };
        let rep_b = Resource::Report {
            org: Some(w.org_b),
            reporter: None,
        };
        type Row<'a> = (Option<&'a Principal>, Action, Resource, Decision);
        let rows: Vec<Row> = vec![
            // organizations
            (
                anon,
                List,
                Resource::Organization(None),
                Err(Denied::NeedsLogin),
            ),
            (Some(&w.admin), Create, Resource::Organization(None), Ok(())),
            (
                Some(&w.analyst),
                Create,
                Resource::Organization(None),
                Err(Denied::Forbidden),
            ),
            (Some(&w.analyst), List, Resource::Organization(None), Ok(())),
            (
                Some(&w.member_a),
                List,
                Resource::Organization(None),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                Read,
                Resource::Organization(Some(w.org_a)),
                Ok(()),
            ),
            (
                Some(&w.member_a),
                Read,
                Resource::Organization(Some(w.org_b)),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                Update,
                Resource::Organization(Some(w.org_a)),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.admin),
                Delete,
                Resource::Organization(Some(w.org_b)),
                Ok(()),
            ),
            // users
            (
                Some(&w.admin),
                Create,
                Resource::User {
                    id: None,
                    org: Some(w.org_a),
                },
                Ok(()),
            ),
            (
                Some(&w.analyst),
                Create,
                Resource::User {
                    id: None,
                    org: Some(w.org_a),
                },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                Read,
                Resource::User {
                    id: Some(w.reporter_a.user_id),
                    org: Some(w.org_a),
                },
                Ok(()),
            ),
            (
                Some(&w.reporter_a),
                Read,
                Resource::User {
                    id: Some(w.member_a.user_id),
                    org: Some(w.org_a),
                },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.reporter_a),
                Update,
                Resource::User {
                    id: Some(w.reporter_a.user_id),
                    org: Some(w.org_a),
                },
                Ok(()),
            ),
            (
                Some(&w.partner_b),
                Read,
                Resource::User {
                    id: Some(w.member_a.user_id),
                    org: Some(w.org_a),
                },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.analyst),
                List,
                Resource::User {
                    id: None,
                    org: None,
                },
                Ok(()),
            ),
            (
                Some(&w.member_a),
                List,
                Resource::User {
                    id: None,
                    org: None,
                },
                Err(Denied::Forbidden),
            ),
            // who may change roles and the disabled flag
            (
                Some(&w.admin),
                Update,
                Resource::UserAccess {
                    id: w.member_a.user_id,
                },
                Ok(()),
            ),
            (
                Some(&w.admin),
                Update,
                Resource::UserAccess {
                    id: w.admin.user_id,
                },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                Update,
                Resource::UserAccess {
                    id: w.member_a.user_id,
                },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.analyst),
                Update,
                Resource::UserAccess {
                    id: w.member_a.user_id,
                },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                Read,
                Resource::UserAccess {
                    id: w.member_a.user_id,
                },
                Ok(()),
            ),
            (
                anon,
                Update,
                Resource::UserAccess {
                    id: w.member_a.user_id,
                },
                Err(Denied::NeedsLogin),
            ),
            // API tokens
            (
                Some(&w.reporter_a),
                Create,
                Resource::ApiToken {
                    owner: w.reporter_a.user_id,
                },
                Ok(()),
            ),
            (
                Some(&w.reporter_a),
                Delete,
                Resource::ApiToken {
                    owner: w.member_a.user_id,
                },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.admin),
                Delete,
                Resource::ApiToken {
                    owner: w.member_a.user_id,
                },
                Ok(()),
            ),
            (
                Some(&w.admin),
                Create,
                Resource::ApiToken {
                    owner: w.member_a.user_id,
                },
                Err(Denied::Forbidden),
            ),
            (
                anon,
                Read,
                Resource::ApiToken {
                    owner: w.member_a.user_id,
                },
                Err(Denied::NeedsLogin),
            ),
            // audit and outbox
            (Some(&w.admin), List, Resource::AuditLog, Ok(())),
            (
                Some(&w.analyst),
                List,
                Resource::AuditLog,
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.admin),
                Update,
                Resource::AuditLog,
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.admin),
                Delete,
                Resource::AuditLog,
                Err(Denied::Forbidden),
            ),
            (anon, List, Resource::AuditLog, Err(Denied::NeedsLogin)),
            (Some(&w.analyst), List, Resource::Outbox, Ok(())),
            (
                Some(&w.member_a),
                List,
                Resource::Outbox,
                Err(Denied::Forbidden),
            ),
            // reports
            (anon, Create, rep_a.clone(), Ok(())),
            (anon, Read, rep_a.clone(), Err(Denied::NeedsLogin)),
            (Some(&w.analyst), Read, rep_b.clone(), Ok(())),
            (Some(&w.analyst), Update, rep_b.clone(), Ok(())),
            (Some(&w.member_a), Read, rep_a.clone(), Ok(())),
            (
                Some(&w.member_a),
                Read,
                rep_b.clone(),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.member_a),
                Update,
                rep_a.clone(),
                Err(Denied::Forbidden),
            ),
            (Some(&w.reporter_a), Read, rep_a.clone(), Ok(())),
            (Some(&w.reporter_a), Append, rep_a.clone(), Ok(())),
            (
                Some(&w.reporter_a),
                Read,
                Resource::Report {
                    org: Some(w.org_a),
                    reporter: None,
                },
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.partner_b),
                Read,
                rep_b.clone(),
                Err(Denied::Forbidden),
            ),
            (
                Some(&w.admin),
                Delete,
                rep_a.clone(),
                Err(Denied::Forbidden),
            ),
        ];
        for (i, (who, action, res, want)) in rows.into_iter().enumerate() {
            assert_eq!(
                authorize(who, action, &res),
                want,
                "row {i}: {action:?} {res:?}"
            );
        }
    }

    #[test]
    fn scopes() {
        let w = world();
        assert_eq!(report_scope(&w.analyst), ReportScope::All);
        assert_eq!(
            report_scope(&w.member_a),
            ReportScope::Own {
                org: Some(w.org_a),
                user: w.member_a.user_id
            }
        );
        assert_eq!(
            report_scope(&w.reporter_a),
            ReportScope::Own {
                org: None,
                user: w.reporter_a.user_id
            }
        );
    }

    #[test]
    fn confidentiality() {
        assert!(Resource::AuditLog.is_confidential());
        assert!(
            Resource::Report {
                org: None,
                reporter: None
            }
            .is_confidential()
        );
        assert!(!Resource::Organization(None).is_confidential());
    }

    /// CSAF documents: CLEAR to anyone, GREEN and AMBER to the notified vendor's members,
    /// RED to the reporter alone, everything to coordinators; nobody writes.
    #[test]
    fn csaf_document_table() {
        let w = world();
        let coordinator = Principal {
            user_id: UserId::new(),
            org_id: None,
            roles: Roles::new([Role::Coordinator]),
        };
        let vendor = Some(w.org_a);
        let reporter = Some(w.partner_b.user_id);
        let doc = |who: Option<&Principal>, tlp| Resource::CsafDocument {
            tlp,
            audience: csaf_audience(who, vendor, reporter),
        };
        // (who, TLPs readable)
        let rows: [(Option<&Principal>, &[Tlp]); 6] = [
            (None, &[Tlp::Clear]),
            (Some(&w.analyst), &[Tlp::Clear]),
            (Some(&w.reporter_a), &[Tlp::Clear]),
            (
                Some(&w.member_a),
                &[Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict],
            ),
            (Some(&w.partner_b), Tlp::ALL),
            (Some(&coordinator), Tlp::ALL),
        ];
        for (who, readable) in rows {
            for &tlp in Tlp::ALL {
                let r = doc(who, tlp);
                assert_eq!(
                    authorize(who, Read, &r).is_ok(),
                    readable.contains(&tlp),
                    "{who:?} reading {tlp}"
                );
                for action in [Create, Update, Append, Delete] {
                    assert!(authorize(who, action, &r).is_err(), "{who:?} {action:?}");
                }
            }
        }
        assert_eq!(
            authorize(None, Read, &doc(None, Tlp::Amber)),
            Err(Denied::NeedsLogin)
        );
    }

    #[test]
    fn intel_tlp_table() {
        let w = world();
        let none = IntelAudience::default();
        let named = IntelAudience {
            named_user: true,
            ..none
        };
        let org = IntelAudience {
            recipient_org: true,
            ..none
        };
        let informed = IntelAudience {
            informed_org: true,
            ..none
        };
        let community = IntelAudience {
            community: true,
            ..none
        };
        let author = IntelAudience {
            author: true,
            ..none
        };
        // (audience, the most permissive... the TLPs at which it may read a shared record)
        let rows: [(IntelAudience, &[Tlp]); 6] = [
            (none, &[Tlp::Clear]),
            (community, &[Tlp::Clear, Tlp::Green]),
            (informed, &[Tlp::Clear, Tlp::Green, Tlp::Amber]),
            (org, &[Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict]),
            (named, Tlp::ALL),
            (author, Tlp::ALL),
        ];
        for (audience, allowed) in rows {
            for &tlp in Tlp::ALL {
                let r = Resource::Intel {
                    tlp,
                    draft: false,
                    audience,
                };
                let want = allowed.contains(&tlp);
                assert_eq!(
                    authorize(Some(&w.member_a), Read, &r).is_ok(),
                    want,
                    "{tlp:?} {audience:?}"
                );
                assert_eq!(authorize(Some(&w.member_a), Append, &r).is_ok(), want);
                assert_eq!(
                    authorize(Some(&w.member_a), Update, &r),
                    Err(Denied::Forbidden)
                );
                assert_eq!(authorize(Some(&w.analyst), Read, &r), Ok(()));
                assert_eq!(authorize(Some(&w.analyst), Update, &r), Ok(()));
                assert_eq!(
                    authorize(None, Read, &r).is_ok(),
                    tlp == Tlp::Clear,
                    "anonymous {tlp:?}"
                );
            }
        }
        let draft = |audience| Resource::Intel {
            tlp: Tlp::Clear,
            draft: true,
            audience,
        };
        assert_eq!(authorize(None, Read, &draft(none)), Err(Denied::NeedsLogin));
        assert_eq!(
            authorize(Some(&w.member_a), Read, &draft(named)),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(Some(&w.partner_b), Read, &draft(author)), Ok(()));
        assert_eq!(
            authorize(Some(&w.partner_b), Append, &draft(author)),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(Some(&w.partner_b), Create, &draft(none)), Ok(()));
        assert_eq!(
            authorize(Some(&w.reporter_a), Create, &draft(none)),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(Some(&w.admin), Create, &Resource::SharingGroup),
            Ok(())
        );
        assert_eq!(
            authorize(Some(&w.analyst), Update, &Resource::SharingGroup),
            Err(Denied::Forbidden)
        );
        assert!(may_reshare(Tlp::Amber, Tlp::Amber));
        assert!(may_reshare(Tlp::Amber, Tlp::Red));
        assert!(!may_reshare(Tlp::Amber, Tlp::Green));
        // The scope's reach per relation says the same as the table above.
        assert_eq!(tlp_reach(IntelRelation::RecipientOrg), Tlp::AmberStrict);
        assert_eq!(tlp_reach(IntelRelation::InformedOrg), Tlp::Amber);
        assert_eq!(tlp_reach(IntelRelation::Community), Tlp::Green);
        assert_eq!(intel_scope(Some(&w.analyst), false), IntelScope::All);
    }

    #[test]
    fn taxii_collections_are_their_groups() {
        use Action::*;
        let w = world();
        let c = |member| Resource::TaxiiCollection { member };
        let table: &[(&Principal, Action, bool, Decision)] = &[
            (&w.analyst, Read, false, Ok(())),
            (&w.analyst, Delete, false, Ok(())),
            (&w.admin, Create, false, Ok(())),
            (&w.partner_b, Read, true, Ok(())),
            (&w.partner_b, List, true, Ok(())),
            (&w.partner_b, Create, true, Ok(())),
            (&w.partner_b, Read, false, Err(Denied::Forbidden)),
            (&w.partner_b, Create, false, Err(Denied::Forbidden)),
            (&w.partner_b, Delete, true, Err(Denied::Forbidden)),
            (&w.member_a, Create, true, Ok(())),
            (&w.reporter_a, Read, true, Ok(())),
            (&w.reporter_a, Create, true, Err(Denied::Forbidden)),
            (&w.analyst, Update, false, Err(Denied::Forbidden)),
        ];
        for (i, (p, action, member, want)) in table.iter().enumerate() {
            assert_eq!(authorize(Some(p), *action, &c(*member)), *want, "row {i}");
        }
        assert_eq!(authorize(None, Read, &c(true)), Err(Denied::NeedsLogin));
    }

    #[test]
    fn points_accounts_are_their_holders() {
        let w = world();
        let org_a = Resource::PointsAccount {
            org: Some(w.org_a),
            user: None,
        };
        let mine = Resource::PointsAccount {
            org: None,
            user: Some(w.reporter_a.user_id),
        };
        let all = Resource::PointsAccount {
            org: None,
            user: None,
        };
        type Row<'a> = (Option<&'a Principal>, Action, &'a Resource, bool);
        let rows: Vec<Row> = vec![
            (Some(&w.member_a), Read, &org_a, true),
            (Some(&w.member_a), Create, &org_a, true),
            (Some(&w.member_a), Update, &org_a, false),
            (Some(&w.reporter_a), Read, &org_a, false),
            (Some(&w.partner_b), Read, &org_a, false),
            (Some(&w.analyst), Read, &org_a, false),
            (Some(&w.admin), Read, &org_a, true),
            (Some(&w.admin), Update, &org_a, true),
            (Some(&w.admin), Create, &org_a, false),
            (Some(&w.reporter_a), Read, &mine, true),
            (Some(&w.reporter_a), Create, &mine, true),
            (Some(&w.member_a), Read, &mine, false),
            (Some(&w.admin), List, &all, true),
            (Some(&w.member_a), List, &all, false),
            (None, Read, &org_a, false),
            (Some(&w.member_a), Read, &Resource::PointsCatalog, true),
            (Some(&w.member_a), Create, &Resource::PointsCatalog, false),
            (Some(&w.admin), Update, &Resource::PointsCatalog, true),
            (None, Read, &Resource::PointsCatalog, false),
            (Some(&w.admin), Create, &Resource::YaraRules, true),
            (Some(&w.admin), List, &Resource::YaraRules, true),
            (Some(&w.member_a), List, &Resource::YaraRules, false),
            (None, List, &Resource::YaraRules, false),
            (Some(&w.analyst), List, &Resource::TeamDirectory, true),
            (Some(&w.analyst), Create, &Resource::TeamDirectory, false),
            (Some(&w.admin), Update, &Resource::TeamDirectory, true),
            (Some(&w.member_a), Read, &Resource::TeamDirectory, false),
            (None, List, &Resource::TeamDirectory, false),
            (Some(&w.partner_b), List, &Resource::Leaderboard, true),
            (Some(&w.admin), Update, &Resource::Leaderboard, false),
        ];
        for (i, (who, action, res, want)) in rows.into_iter().enumerate() {
            assert_eq!(
                authorize(who, action, res).is_ok(),
                want,
                "row {i}: {action:?} {res:?}"
            );
        }
    }

    #[test]
    fn referrals_are_for_the_desk_and_entitled_firms() {
        let w = world();
        let r = |eligible_firm, responded_firm, chosen_firm| Resource::Referral {
            eligible_firm,
            responded_firm,
            chosen_firm,
        };
        type Row<'a> = (Option<&'a Principal>, Action, Resource, bool);
        let rows: Vec<Row> = vec![
            (Some(&w.analyst), Create, r(false, false, None), true),
            (Some(&w.member_a), Create, r(true, false, None), false),
            (Some(&w.analyst), List, r(false, false, None), true),
            (Some(&w.member_a), List, r(false, false, None), false),
            (Some(&w.member_a), List, r(true, false, None), true),
            (Some(&w.member_a), Read, r(false, true, None), true),
            (Some(&w.reporter_a), Read, r(true, false, None), false),
            (Some(&w.partner_b), Append, r(true, false, None), false),
            (Some(&w.member_a), Append, r(true, false, None), true),
            (Some(&w.member_a), Append, r(true, true, None), false),
            (Some(&w.member_a), Append, r(false, false, None), false),
            (Some(&w.analyst), Append, r(true, false, None), false),
            (
                Some(&w.member_a),
                Update,
                r(false, true, Some(w.org_a)),
                true,
            ),
            (
                Some(&w.member_a),
                Read,
                r(false, false, Some(w.org_a)),
                true,
            ),
            (
                Some(&w.member_a),
                Update,
                r(false, true, Some(w.org_b)),
                false,
            ),
            (Some(&w.admin), Update, r(false, false, Some(w.org_b)), true),
            (Some(&w.member_a), Delete, r(true, true, None), false),
            (None, List, r(true, false, None), false),
        ];
        for (i, (who, action, res, want)) in rows.into_iter().enumerate() {
            assert_eq!(
                authorize(who, action, &res).is_ok(),
                want,
                "row {i}: {action:?} {res:?}"
            );
        }
    }

    #[test]
    fn inbound_mail_is_the_desks() {
        let w = world();
        for a in [Create, List, Read, Update] {
            assert_eq!(
                authorize(Some(&w.analyst), a, &Resource::InboundMail),
                Ok(())
            );
            for p in [&w.member_a, &w.partner_b, &w.reporter_a] {
                assert_eq!(
                    authorize(Some(p), a, &Resource::InboundMail),
                    Err(Denied::Forbidden)
                );
            }
            assert_eq!(
                authorize(None, a, &Resource::InboundMail),
                Err(Denied::NeedsLogin)
            );
        }
        assert!(authorize(Some(&w.admin), Delete, &Resource::InboundMail).is_err());
        assert!(Resource::InboundMail.is_confidential());
    }

    /// Virus Check's lists: the desk sees every upload and turns one into intel; a
    /// signed-in user lists only their own uploads, not a colleague's.
    #[test]
    fn virus_analyses_are_the_desks_and_each_uploaders_own() {
        let w = world();
        let desk = Resource::VirusAnalyses { submitter: None };
        let mine = Resource::VirusAnalyses {
            submitter: Some(w.member_a.user_id),
        };
        let colleague = Principal {
            user_id: UserId::new(),
            ..w.member_a.clone()
        };
        // (who, action, resource, allowed)
        let rows: Vec<(Option<&Principal>, Action, &Resource, bool)> = vec![
            (None, List, &desk, false),
            (None, List, &mine, false),
            (Some(&w.member_a), List, &desk, false),
            (Some(&w.member_a), List, &mine, true),
            (Some(&w.member_a), Update, &mine, false),
            (Some(&colleague), List, &mine, false),
            (Some(&w.partner_b), List, &mine, false),
            (Some(&w.reporter_a), List, &desk, false),
            (Some(&w.analyst), List, &desk, true),
            (Some(&w.analyst), Update, &desk, true),
            (Some(&w.analyst), List, &mine, true),
            (Some(&w.admin), Read, &desk, true),
            (Some(&w.admin), Delete, &desk, false),
        ];
        for (who, action, r, ok) in rows {
            assert_eq!(
                authorize(who, action, r).is_ok(),
                ok,
                "{who:?} {action:?} {r:?}"
            );
        }
        assert!(desk.is_confidential());
        assert!(!mine.is_confidential());
    }

    /// Each audience's navigation and desk view, as a table.
    #[test]
    fn navigation_and_the_desk_by_audience() {
        let w = world();
        let coordinator = Principal {
            roles: Roles::new([Role::Coordinator]),
            ..w.analyst.clone()
        };
        let nav = |admin, desk, coordination| Navigation {
            admin,
            desk,
            coordination,
        };
        for (who, want_nav, want_desk, want_vendor_notice) in [
            (None, nav(false, false, false), false, false),
            (Some(&w.admin), nav(true, true, true), true, false),
            (Some(&coordinator), nav(false, true, true), true, false),
            (Some(&w.analyst), nav(false, true, false), true, false),
            (Some(&w.member_a), nav(false, false, false), false, true),
            (Some(&w.reporter_a), nav(false, false, false), false, false),
            (Some(&w.partner_b), nav(false, false, false), false, false),
        ] {
            assert_eq!(navigation(who), want_nav, "{who:?}");
            assert_eq!(is_desk(who), want_desk, "{who:?}");
            if let Some(p) = who {
                assert_eq!(receives_vendor_notice(p), want_vendor_notice, "{p:?}");
            }
        }
    }
}

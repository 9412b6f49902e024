//! The access policy: the one place that decides whether a principal may perform an action
//! on a resource. Every read and write in the server asks [`authorize`]; nothing else
//! compares roles or organizations. Today it weighs role × organization; TLP joins it with
//! intel sharing.

use crate::{OrgId, Role, Roles, UserId};

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
    /// The blocking-list feeds of live phishing URLs.
    PhishingFeed,
    /// A report of any kind; `org` is the reporting organization, `reporter` the account
    /// that filed it, if any.
    Report {
        /// The reporting organization.
        org: Option<OrgId>,
        /// The filing account.
        reporter: Option<UserId>,
    },
}

impl Resource {
    /// Whether reads of this resource are confidential and must be audited.
    pub fn is_confidential(&self) -> bool {
        matches!(
            self,
            Resource::Report { .. } | Resource::Vulnerability { .. } | Resource::AuditLog
        )
    }
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
                List => coordinator,
                Read | Append => coordinator || own || vendor,
                Update => coordinator,
                Create => true,
                Delete => false,
            }
        }
        Resource::Statistics => matches!(action, List | Read) && admin,
        Resource::PhishingFeed => matches!(action, List | Read) && (staff || p.has(Role::Partner)),
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
}

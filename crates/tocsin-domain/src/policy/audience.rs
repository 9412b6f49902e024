//! What each audience sees of a report, decided once: [`report_audience`] says who a
//! reader is to a report, [`Audience::cut`] what that audience sees of it. The app cuts
//! every view of a report (the status page, the vendor's page, the API) with it, so a
//! page built for one audience cannot show another's fields.

use super::{Action, Denied, Principal, Resource, authorize};
use crate::Role;

/// Who a reader is to one report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The operator's staff allowed to work it (for a vulnerability, its coordinators).
    Desk,
    /// The reporter: holding the private status link, signed in as the filing account,
    /// or a member of the reporting organization.
    Reporter,
    /// A member of the vendor notified of a vulnerability case.
    Vendor,
    /// A foreign CSIRT the desk forwards the case to (by mail, never signed in): what
    /// [`forward_cut`] lets through at the forward's TLP.
    Team,
}

/// How a reader reached the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// With the private status link the reporter was given (checked by the caller).
    StatusLink,
    /// Signed in (session or API token).
    Account,
}

/// How much of the reporter's identity (name, organization, mail, phone, account) a
/// reader sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
    /// All of it.
    Full,
    /// Only the name and organization the researcher agreed to have credited in the
    /// advisory, and nothing when they declined.
    CreditedName,
    /// Nothing at all: not even a credited name.
    Withheld,
}

/// Which of a report's events (its history and messages) a reader sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thread {
    /// Every event, internal notes included.
    All,
    /// What the desk shared with the reporter and what the reporter added: the reporter's
    /// thread.
    Shared,
    /// None: the reporter's thread is between the reporter and the desk.
    Hidden,
}

/// Which of a report's files a reader sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Files {
    /// Every file.
    All,
    /// The files of the report and of the events the reader sees.
    Shared,
    /// The evidence filed with the report, not the filled-in form (it names the reporter)
    /// nor the files of the reporter's thread.
    Evidence,
}

/// What an audience sees of a report and may do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportCut {
    /// The reporter's identity.
    pub identity: Identity,
    /// The events.
    pub thread: Thread,
    /// The files.
    pub files: Files,
    /// The desk's SOP tasks.
    pub tasks: bool,
    /// May add information and files to the reporter's thread.
    pub append: bool,
}

impl Audience {
    /// What this audience sees of a report.
    pub fn cut(self) -> ReportCut {
        match self {
            Audience::Desk => ReportCut {
                identity: Identity::Full,
                thread: Thread::All,
                files: Files::All,
                tasks: true,
                append: true,
            },
            Audience::Reporter => ReportCut {
                identity: Identity::Full,
                thread: Thread::Shared,
                files: Files::Shared,
                tasks: false,
                append: true,
            },
            Audience::Vendor => ReportCut {
                identity: Identity::CreditedName,
                thread: Thread::Hidden,
                files: Files::Evidence,
                tasks: false,
                append: false,
            },
            Audience::Team => ReportCut {
                identity: Identity::Withheld,
                thread: Thread::Hidden,
                files: Files::Evidence,
                tasks: false,
                append: false,
            },
        }
    }

    /// The audience a page written for the reporter shows: the desk previewing the status
    /// page sees the reporter's cut; others keep theirs.
    pub fn on_reporter_page(self) -> Audience {
        match self {
            Audience::Desk => Audience::Reporter,
            a => a,
        }
    }
}

/// What a forward to a foreign team carries, beyond the team's [`ReportCut`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForwardCut {
    /// The report cut (identity, files) the forward is built from.
    pub cut: ReportCut,
    /// The reporter's free-text account of the case. At CLEAR and GREEN the team may pass
    /// the forward on to its community, and a description often names victims: only the
    /// case's kind, category and indicators go.
    pub description: bool,
    /// The evidence files the desk picks one by one may go along. Not at CLEAR: a file is
    /// never meant for publication.
    pub files: bool,
}

/// What a forward to a foreign team at `tlp` carries. The reporter's identity goes only
/// when the desk records the reporter's consent to it; never otherwise, whatever the TLP.
pub fn forward_cut(tlp: crate::Tlp, reporter_consented: bool) -> ForwardCut {
    use crate::Tlp;
    let mut cut = Audience::Team.cut();
    if reporter_consented {
        cut.identity = Identity::Full;
    }
    ForwardCut {
        cut,
        description: tlp >= Tlp::Amber,
        files: tlp > Tlp::Clear,
    }
}

/// Who `who` is to the report described by `resource` (a [`Resource::Report`] or
/// [`Resource::Vulnerability`]), reached `via`; refused when they may not read it.
pub fn report_audience(
    who: Option<&Principal>,
    via: Via,
    resource: &Resource,
) -> Result<Audience, Denied> {
    if via == Via::StatusLink {
        return Ok(Audience::Reporter);
    }
    authorize(who, Action::Read, resource)?;
    let p = who.ok_or(Denied::NeedsLogin)?;
    if p.roles.is_staff() {
        return Ok(Audience::Desk);
    }
    let own = |reporter: &Option<crate::UserId>| *reporter == Some(p.user_id);
    match resource {
        Resource::Report { org, reporter } => {
            if own(reporter) || (p.has(Role::Member) && p.in_org(*org)) {
                Ok(Audience::Reporter)
            } else {
                Err(Denied::Forbidden)
            }
        }
        Resource::Vulnerability {
            vendor_org,
            reporter,
        } => {
            if own(reporter) {
                Ok(Audience::Reporter)
            } else if p.has(Role::Member) && p.in_org(*vendor_org) {
                Ok(Audience::Vendor)
            } else {
                Err(Denied::Forbidden)
            }
        }
        _ => Err(Denied::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OrgId, Roles, UserId};

    fn mk(org: Option<OrgId>, roles: &[Role]) -> Principal {
        Principal {
            user_id: UserId::new(),
            org_id: org,
            roles: Roles::new(roles.iter().copied()),
        }
    }

    /// Every principal × report kind: the audience, and the cut agreeing with the
    /// policy's Append right.
    #[test]
    fn audience_table() {
        let (org_r, org_v, op) = (OrgId::new(), OrgId::new(), OrgId::new());
        let researcher = mk(None, &[Role::Reporter]);
        let reporter = mk(Some(org_r), &[Role::Reporter]);
        let colleague = mk(Some(org_r), &[Role::Member]);
        let vendor = mk(Some(org_v), &[Role::Member]);
        let vendor_reporter_role = mk(Some(org_v), &[Role::Reporter]);
        let analyst = mk(Some(op), &[Role::Analyst]);
        let coordinator = mk(Some(op), &[Role::Coordinator]);
        let stranger = mk(Some(OrgId::new()), &[Role::Member, Role::Partner]);
        let incident = Resource::Report {
            org: Some(org_r),
            reporter: Some(reporter.user_id),
        };
        let vuln = Resource::Vulnerability {
            vendor_org: Some(org_v),
            reporter: Some(researcher.user_id),
        };
        let unnotified = Resource::Vulnerability {
            vendor_org: None,
            reporter: Some(researcher.user_id),
        };
        type Row<'a> = (
            &'a str,
            Option<&'a Principal>,
            &'a Resource,
            Option<Audience>,
        );
        let rows: Vec<Row> = vec![
            ("anonymous/incident", None, &incident, None),
            (
                "reporter/incident",
                Some(&reporter),
                &incident,
                Some(Audience::Reporter),
            ),
            (
                "colleague/incident",
                Some(&colleague),
                &incident,
                Some(Audience::Reporter),
            ),
            ("stranger/incident", Some(&stranger), &incident, None),
            ("vendor/incident", Some(&vendor), &incident, None),
            (
                "analyst/incident",
                Some(&analyst),
                &incident,
                Some(Audience::Desk),
            ),
            ("anonymous/vuln", None, &vuln, None),
            (
                "researcher/vuln",
                Some(&researcher),
                &vuln,
                Some(Audience::Reporter),
            ),
            ("vendor/vuln", Some(&vendor), &vuln, Some(Audience::Vendor)),
            (
                "vendor without member role/vuln",
                Some(&vendor_reporter_role),
                &vuln,
                None,
            ),
            ("vendor before notice", Some(&vendor), &unnotified, None),
            ("analyst/vuln", Some(&analyst), &vuln, None),
            (
                "coordinator/vuln",
                Some(&coordinator),
                &vuln,
                Some(Audience::Desk),
            ),
            ("stranger/vuln", Some(&stranger), &vuln, None),
        ];
        for (name, who, res, want) in rows {
            let got = report_audience(who, Via::Account, res).ok();
            assert_eq!(got, want, "{name}");
            let append = authorize(who, Action::Append, res).is_ok();
            assert_eq!(
                got.is_some_and(|a| a.cut().append),
                append,
                "{name}: append"
            );
            assert_eq!(
                report_audience(who, Via::StatusLink, res),
                Ok(Audience::Reporter),
                "{name}: the status link is the reporter's"
            );
        }
    }

    #[test]
    fn only_the_desk_sees_inside_and_the_vendor_sees_neither_identity_nor_thread() {
        let desk = Audience::Desk.cut();
        let reporter = Audience::Reporter.cut();
        let vendor = Audience::Vendor.cut();
        assert!(desk.tasks && desk.thread == Thread::All && desk.files == Files::All);
        assert!(!reporter.tasks && reporter.thread == Thread::Shared);
        assert_eq!(reporter.identity, Identity::Full);
        assert_eq!(vendor.identity, Identity::CreditedName);
        assert_eq!(vendor.thread, Thread::Hidden);
        assert_eq!(vendor.files, Files::Evidence);
        assert!(!vendor.append && !vendor.tasks);
        assert_eq!(Audience::Desk.on_reporter_page(), Audience::Reporter);
        assert_eq!(Audience::Vendor.on_reporter_page(), Audience::Vendor);
    }

    /// A foreign team never sees the reporter unless consented, at any TLP; the
    /// description only from AMBER on; files never at CLEAR.
    #[test]
    fn a_forward_withholds_the_reporter_unless_consented() {
        use crate::Tlp;
        for tlp in Tlp::ALL {
            let plain = forward_cut(*tlp, false);
            assert_eq!(plain.cut.identity, Identity::Withheld, "{tlp}");
            assert_eq!(plain.cut.thread, Thread::Hidden);
            assert_eq!(plain.cut.files, Files::Evidence);
            assert!(!plain.cut.append && !plain.cut.tasks);
            assert_eq!(
                forward_cut(*tlp, true).cut.identity,
                Identity::Full,
                "{tlp}"
            );
            assert_eq!(plain.description, *tlp >= Tlp::Amber, "{tlp}");
            assert_eq!(plain.files, *tlp != Tlp::Clear, "{tlp}");
        }
    }
}

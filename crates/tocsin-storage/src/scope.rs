//! The policy's listing scope of intelligence records as SQL, written once for both
//! engines: [`push_intel_scope`] pushes the condition onto a query builder and binds its
//! own parameters, so the intel listing, the TAXII pages and the blocklists cannot drift
//! apart, and a scope clause never carries parameters it does not use.

use sqlx::{Database, Encode, QueryBuilder, Type};
use tocsin_domain::Tlp;
use tocsin_domain::policy::{IntelRelation, IntelScope, tlp_reach};
use uuid::Uuid;

/// Rank of a TLP, least restrictive first, as intel rows store it in `tlp_rank`: the
/// scope compares it with what each relation reaches.
pub fn tlp_rank(t: Tlp) -> i32 {
    Tlp::ALL
        .iter()
        .position(|x| *x == t)
        .and_then(|i| i32::try_from(i).ok())
        .unwrap_or(i32::MAX)
}

/// Pushes onto `q` the condition (in parentheses) that the intel record aliased `r` is
/// within `scope`: the staff's every record; otherwise shared records whose TLP the
/// reader's relation to them reaches (`tlp_reach`: anyone, the vetted community, a named
/// person, a recipient organization or group, an organization to inform), and the
/// reader's own and their organization's records, drafts included.
pub fn push_intel_scope<DB>(q: &mut QueryBuilder<DB>, scope: &IntelScope)
where
    DB: Database,
    Uuid: for<'t> Encode<'t, DB> + Type<DB>,
    i32: for<'t> Encode<'t, DB> + Type<DB>,
{
    let IntelScope::Restricted {
        user,
        org,
        community,
    } = scope
    else {
        q.push("(1 = 1)");
        return;
    };
    let reach = |r| tlp_rank(tlp_reach(r));
    q.push("((r.status = 'shared' AND (r.tlp_rank <= ")
        .push_bind(reach(IntelRelation::Anyone));
    if *community {
        q.push(" OR r.tlp_rank <= ")
            .push_bind(reach(IntelRelation::Community));
    }
    if let Some(u) = user {
        q.push(" OR (r.tlp_rank <= ")
            .push_bind(reach(IntelRelation::NamedUser))
            .push(
                " AND EXISTS (SELECT 1 FROM intel_audience a WHERE a.record_id = r.id \
                 AND a.kind = 'user' AND a.target_id = ",
            )
            .push_bind(u.uuid())
            .push("))");
    }
    if let Some(o) = org {
        q.push(" OR (r.tlp_rank <= ")
            .push_bind(reach(IntelRelation::RecipientOrg))
            .push(
                " AND EXISTS (SELECT 1 FROM intel_audience a WHERE a.record_id = r.id \
                 AND ((a.kind = 'org' AND a.target_id = ",
            )
            .push_bind(o.uuid())
            .push(
                ") OR (a.kind = 'group' AND a.target_id IN \
                 (SELECT m.group_id FROM sharing_group_members m WHERE m.org_id = ",
            )
            .push_bind(o.uuid())
            .push(")))))");
        q.push(" OR (r.tlp_rank <= ")
            .push_bind(reach(IntelRelation::InformedOrg))
            .push(
                " AND EXISTS (SELECT 1 FROM intel_audience a WHERE a.record_id = r.id \
                 AND a.kind = 'informed' AND a.target_id = ",
            )
            .push_bind(o.uuid())
            .push("))");
    }
    q.push("))");
    if let Some(o) = org {
        q.push(" OR r.owner_org_id = ").push_bind(o.uuid());
    }
    if let Some(u) = user {
        q.push(" OR r.created_by = ").push_bind(u.uuid());
    }
    q.push(")");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_domain::{OrgId, UserId};

    fn sql(scope: &IntelScope) -> String {
        let mut q = QueryBuilder::<sqlx::Postgres>::new("");
        push_intel_scope(&mut q, scope);
        q.sql().as_str().to_string()
    }

    #[test]
    fn a_scope_binds_only_what_it_uses() {
        assert_eq!(sql(&IntelScope::All), "(1 = 1)");
        let anonymous = sql(&IntelScope::Restricted {
            user: None,
            org: None,
            community: false,
        });
        assert_eq!(anonymous, "((r.status = 'shared' AND (r.tlp_rank <= $1)))");
        let member = sql(&IntelScope::Restricted {
            user: Some(UserId::new()),
            org: Some(OrgId::new()),
            community: true,
        });
        // Anyone, community, named user (reach, id), recipient (reach, org, org),
        // informed (reach, org), own organization, own records.
        assert!(
            member.contains("$11") && !member.contains("$12"),
            "{member}"
        );
        assert!(member.contains("r.owner_org_id = $10") && member.ends_with("r.created_by = $11)"));
    }
}

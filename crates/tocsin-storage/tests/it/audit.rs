use tocsin_storage::{AuditFilter, NewAuditEntry};

use crate::both_engines;

fn entry(actor: &str, action: &str, target: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor: actor.to_string(),
        action: action.to_string(),
        target_kind: "organization".to_string(),
        target_id: target.to_string(),
        ..Default::default()
    }
}

both_engines! {
    async fn audit_append_filter_and_refuse_changes(t: TestStore) {
        let s = &t.store;
        s.audit(&entry("a@b.tw", "org.create", "1")).await.expect("audit");
        s.audit(&entry("a@b.tw", "auth.login", "")).await.expect("audit");
        s.audit(&entry("c@d.tw", "auth.login_failed", "")).await.expect("audit");
        // An entry written in a rolled-back transaction is gone with it.
        let mut tx = s.begin().await.expect("begin");
        tx.audit(&entry("x", "org.create", "2")).await.expect("audit");
        tx.rollback().await.expect("rollback");

        let all = s.list_audit(&AuditFilter { limit: 100, ..Default::default() }).await.expect("list");
        assert_eq!(all.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["auth.login_failed", "auth.login", "org.create"]);
        let auth = s.list_audit(&AuditFilter { action: Some("auth.".into()), limit: 100, ..Default::default() }).await.expect("list");
        assert_eq!(auth.len(), 2);
        let by = s.list_audit(&AuditFilter { actor: Some("a@b.tw".into()), limit: 100, ..Default::default() }).await.expect("list");
        assert_eq!(by.len(), 2);
        let page = s.list_audit(&AuditFilter { before: Some(all[0].id), limit: 1, ..Default::default() }).await.expect("list");
        assert_eq!(page.iter().map(|e| e.id).collect::<Vec<_>>(), vec![all[1].id]);
        let target = s.list_audit(&AuditFilter { target_kind: Some("organization".into()), target_id: Some("1".into()), limit: 10, ..Default::default() }).await.expect("list");
        assert_eq!(target.len(), 1);

        // The database itself refuses to change history.
        let upd = t.store_exec("UPDATE audit_log SET actor = 'forged'").await;
        assert!(upd.is_err(), "update must be refused");
        let del = t.store_exec("DELETE FROM audit_log").await;
        assert!(del.is_err(), "delete must be refused");
        assert_eq!(s.list_audit(&AuditFilter { limit: 100, ..Default::default() }).await.expect("list").len(), 3);
    }
}

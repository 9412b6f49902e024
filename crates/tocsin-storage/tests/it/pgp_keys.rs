use crate::basics::user;
use crate::both_engines;

both_engines! {
    async fn a_users_pgp_key_is_stored_replaced_and_removed(t: TestStore) {
        let s = &t.store;
        let mut tx = s.begin().await.expect("begin");
        let u = tx.create_user(&user("key@example.tw", None)).await.expect("user");
        let other = tx.create_user(&user("other@example.tw", None)).await.expect("user");
        assert_eq!(tx.user_pgp_key(u.id).await.expect("read"), None);
        tx.set_user_pgp_key(u.id, "AAAA", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nfirst").await.expect("set");
        tx.commit().await.expect("commit");
        let k = s.user_pgp_key(u.id).await.expect("read").expect("stored");
        assert_eq!((k.user_id, k.fingerprint.as_str()), (u.id, "AAAA"));
        assert_eq!(k.uploaded_at, s.now().min(k.uploaded_at));

        // One key a user: another replaces it; other users keep none.
        let mut tx = s.begin().await.expect("begin");
        tx.set_user_pgp_key(u.id, "BBBB", "second").await.expect("replace");
        tx.commit().await.expect("commit");
        let k = s.user_pgp_key(u.id).await.expect("read").expect("stored");
        assert_eq!((k.fingerprint.as_str(), k.armored.as_str()), ("BBBB", "second"));
        assert_eq!(s.user_pgp_key(other.id).await.expect("read"), None);

        let mut tx = s.begin().await.expect("begin");
        assert!(tx.remove_user_pgp_key(u.id).await.expect("remove"));
        assert!(!tx.remove_user_pgp_key(u.id).await.expect("again"));
        tx.commit().await.expect("commit");
        assert_eq!(s.user_pgp_key(u.id).await.expect("read"), None);
    }
}

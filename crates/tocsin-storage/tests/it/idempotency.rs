//! Idempotency keys: a key is claimed once within its window, an expired one is replaced,
//! and of concurrent claimants exactly one wins, on both engines.

use tocsin_domain::Timestamp;

use crate::both_engines;
use crate::reports::file;

both_engines! {
    async fn a_key_is_claimed_once_in_its_window(t: TestStore) {
        let s = &t.store;
        let a = file(s, "first").await;
        let b = file(s, "second").await;
        let key = [7u8; 32];
        let day_ago = Timestamp::now().plus(time::Duration::hours(-24));
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.claim_idempotency_key(&key, a.id, b"sealed", day_ago).await.expect("claim"));
        tx.commit().await.expect("commit");
        let mut tx = s.begin().await.expect("begin");
        assert!(!tx.claim_idempotency_key(&key, b.id, b"other", day_ago).await.expect("claim"), "taken");
        tx.rollback().await.expect("rollback");
        let found = s.idempotent_report(&key, day_ago).await.expect("find").expect("row");
        assert_eq!((found.report_id, found.tracking_id.as_str(), found.sealed.as_slice()), (a.id, a.tracking_id.as_str(), b"sealed".as_slice()));
        // Outside the window the row is not found, and a new claim replaces it.
        let later = Timestamp::now().plus(time::Duration::minutes(1));
        assert!(s.idempotent_report(&key, later).await.expect("find").is_none());
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.claim_idempotency_key(&key, b.id, b"other", later).await.expect("claim"), "expired: replaced");
        tx.commit().await.expect("commit");
        assert_eq!(s.idempotent_report(&key, day_ago).await.expect("find").expect("row").report_id, b.id);
        assert_eq!(s.purge_idempotency_keys(Timestamp::now().plus(time::Duration::minutes(1))).await.expect("purge"), 1);
        assert!(s.idempotent_report(&key, day_ago).await.expect("find").is_none());
    }

    async fn concurrent_claims_of_one_key_have_one_winner(t: TestStore) {
        let s = &t.store;
        let r = file(s, "raced").await;
        let key = [9u8; 32];
        let since = Timestamp::now().plus(time::Duration::hours(-24));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = s.begin().await.expect("begin");
                let won = tx.claim_idempotency_key(&key, r.id, b"x", since).await.expect("claim");
                // Hold the transaction a moment, as the report's own work would.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                tx.commit().await.expect("commit");
                won
            }));
        }
        let mut winners = 0;
        for t in tasks {
            if t.await.expect("task") {
                winners += 1;
            }
        }
        assert_eq!(winners, 1);
    }
}

use std::collections::BTreeSet;

use crate::both_engines;

both_engines! {
    async fn sequences_per_prefix_and_year(t: TestStore) {
        let s = &t.store;
        let mut got = Vec::new();
        for (p, y) in [("INC", 2026), ("INC", 2026), ("VUL", 2026), ("INC", 2027), ("INC", 2026)] {
            let mut tx = s.begin().await.expect("begin");
            got.push(tx.next_tracking_number(p, y).await.expect("next").to_string());
            tx.commit().await.expect("commit");
        }
        assert_eq!(got, ["INC-2026-000001", "INC-2026-000002", "VUL-2026-000001", "INC-2027-000001", "INC-2026-000003"]);
    }

    async fn rollback_gives_the_number_back(t: TestStore) {
        let s = &t.store;
        let mut tx = s.begin().await.expect("begin");
        assert_eq!(tx.next_tracking_number("PHI", 2026).await.expect("next").seq(), 1);
        tx.rollback().await.expect("rollback");
        let mut tx = s.begin().await.expect("begin");
        assert_eq!(tx.next_tracking_number("PHI", 2026).await.expect("next").seq(), 1);
        tx.commit().await.expect("commit");
    }

    async fn concurrent_allocation_is_unique_and_gap_free(t: TestStore) {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..200 {
            let s = t.store.clone();
            tasks.spawn(async move {
                let mut tx = s.begin().await?;
                let n = tx.next_tracking_number("INC", 2026).await?;
                tx.commit().await?;
                Ok::<_, tocsin_storage::StorageError>(n.seq())
            });
        }
        let mut seen = BTreeSet::new();
        while let Some(r) = tasks.join_next().await {
            let n = r.expect("join").expect("allocation");
            assert!(seen.insert(n), "number {n} given twice");
        }
        assert_eq!(seen, (1..=200).collect::<BTreeSet<i64>>());
    }

    async fn batches_take_consecutive_numbers_unique_and_gap_free(t: TestStore) {
        // Batches of 1..=40 numbers at once (the group commit's), some rolled back: the
        // committed ones are consecutive within a batch, never shared, and leave no gap.
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..60usize {
            let s = t.store.clone();
            tasks.spawn(async move {
                let mut tx = s.begin().await?;
                let got = tx.next_tracking_numbers("INC", 2026, i % 40 + 1).await?;
                if i % 7 == 3 {
                    tx.rollback().await?;
                    return Ok(Vec::new());
                }
                tx.commit().await?;
                Ok::<_, tocsin_storage::StorageError>(got.iter().map(|n| n.seq()).collect::<Vec<i64>>())
            });
        }
        let mut seen = BTreeSet::new();
        while let Some(r) = tasks.join_next().await {
            let batch = r.expect("join").expect("allocation");
            assert!(batch.windows(2).all(|w| w[1] == w[0] + 1), "consecutive: {batch:?}");
            for n in batch {
                assert!(seen.insert(n), "number {n} given twice");
            }
        }
        let last = seen.last().copied().unwrap_or(0);
        assert_eq!(seen, (1..=last).collect::<BTreeSet<i64>>());
        let mut tx = t.store.begin().await.expect("begin");
        assert!(tx.next_tracking_numbers("INC", 2026, 0).await.expect("none").is_empty());
        assert_eq!(tx.next_tracking_number("INC", 2026).await.expect("next").seq(), last + 1);
    }
}

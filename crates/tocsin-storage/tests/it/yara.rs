use tocsin_storage::StorageError;
use tocsin_storage::yara::NewYaraRuleSet;

use crate::both_engines;

fn set(name: &str, source: &str) -> NewYaraRuleSet {
    NewYaraRuleSet {
        name: name.into(),
        source: source.into(),
        sha256: format!("{:0>64}", source.len()),
        enabled: true,
        uploaded_by: None,
    }
}

both_engines! {
    async fn yara_rule_sets(t: TestStore) {
        let s = &t.store;
        assert!(s.yara_rule_sets().await.expect("list").is_empty());
        let a = s.insert_yara_rule_set(&set("第一組", "rule a { condition: true }")).await.expect("a");
        let b = s.insert_yara_rule_set(&set("second", "rule b { condition: false }")).await.expect("b");
        assert!(a.enabled && b.enabled);
        // A name is unique.
        let dup = s.insert_yara_rule_set(&set("second", "rule c { condition: true }")).await;
        assert!(matches!(dup, Err(StorageError::Conflict(_))), "{dup:?}");

        let digests = s.enabled_yara_digests().await.expect("digests");
        assert_eq!(digests.len(), 2);
        let sources = s.enabled_yara_sources().await.expect("sources");
        assert_eq!(sources.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), ["第一組", "second"]);
        assert_eq!(sources[1].source, "rule b { condition: false }");

        s.set_yara_rule_set_enabled(a.id, false).await.expect("disable");
        assert_eq!(s.enabled_yara_digests().await.expect("digests"), vec![(b.id, b.sha256.clone())]);
        let listed = s.yara_rule_sets().await.expect("list");
        assert_eq!(listed.iter().map(|x| (x.name.as_str(), x.enabled)).collect::<Vec<_>>(),
                   [("second", true), ("第一組", false)]);

        s.delete_yara_rule_set(b.id).await.expect("delete");
        assert!(s.enabled_yara_sources().await.expect("sources").is_empty());
        let gone = s.delete_yara_rule_set(b.id).await;
        assert!(matches!(gone, Err(StorageError::NotFound(_))), "{gone:?}");
        let gone = s.set_yara_rule_set_enabled(b.id, true).await;
        assert!(matches!(gone, Err(StorageError::NotFound(_))), "{gone:?}");
    }
}

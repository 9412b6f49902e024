//! The YARA engine: the rule sets admins uploaded (`service::yara`), the enabled ones
//! compiled together with libyara, each in its own namespace (its id), so two sets may
//! name rules alike. Its version is libyara's and a digest of the enabled sets, so a rule
//! change makes every stored result stale and a file is scanned again.
//!
//! Compiling and scanning are CPU work and run off the async runtime
//! (`spawn_blocking`). YARA looks at a whole file at once (its conditions see offsets and
//! `filesize`), so the decrypted chunks are gathered once in memory, never past
//! `virus_check.max_bytes` (uploads are refused beyond it), and scanned there: the
//! plaintext never touches the disk.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use sha2::{Digest as _, Sha256};
use tocsin_domain::virus::{Category, EngineResult};
use tocsin_storage::Store;
use tocsin_storage::yara::YaraSource;

use super::{BoxFuture, Chunks, Engine, EngineError};

/// The engine's name in `results`.
pub const YARA_ENGINE: &str = "YARA";

/// The libyara built in (the `bundled-4_5_5` sources of `yara-sys`).
pub const LIBYARA_VERSION: &str = "4.5.5";

/// Why rules did not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// The source is not valid YARA: the first error, with its line (1-based).
    #[error("line {line}: {message}")]
    Syntax {
        /// The line of the first error.
        line: usize,
        /// libyara's message.
        message: String,
    },
    /// libyara itself failed (out of memory and the like).
    #[error("libyara: {0}")]
    Engine(String),
}

/// Compiles rule sets, each `(namespace, source)`. `include` is refused: an admin's rule
/// must not read the server's files.
pub fn compile(sets: &[(String, String)]) -> Result<yara::Rules, RuleError> {
    let mut c = yara::Compiler::new().map_err(|e| RuleError::Engine(e.to_string()))?;
    c.disable_include_directive();
    for (ns, source) in sets {
        c = c
            .add_rules_str_with_namespace(source, ns)
            .map_err(|e| match e {
                yara::Error::Compile(errs) => {
                    let first = errs
                        .iter()
                        .find(|e| e.level == yara::CompileErrorLevel::Error)
                        .or_else(|| errs.iter().next());
                    match first {
                        Some(e) => RuleError::Syntax {
                            line: e.line,
                            message: e.message.clone(),
                        },
                        None => RuleError::Engine("compile failed".into()),
                    }
                }
                other => RuleError::Engine(other.to_string()),
            })?;
    }
    c.compile_rules()
        .map_err(|e| RuleError::Engine(e.to_string()))
}

/// Checks one set's source alone, off the async runtime: the upload's validation.
pub async fn check_source(source: String) -> Result<(), RuleError> {
    tokio::task::spawn_blocking(move || compile(&[("check".to_string(), source)]).map(|_| ()))
        .await
        .map_err(|e| RuleError::Engine(e.to_string()))?
}

/// The hex SHA-256 of a set's source (stored with it).
pub fn source_digest(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

/// The engine's version for these enabled sets (`(id, digest)` by id):
/// `4.5.5/0` without rules, else `4.5.5/N/` and 16 hex digits of their digest.
pub fn version_of(enabled: &[(uuid::Uuid, String)]) -> String {
    if enabled.is_empty() {
        return format!("{LIBYARA_VERSION}/0");
    }
    let mut h = Sha256::new();
    for (id, digest) in enabled {
        h.update(id.as_bytes());
        h.update(digest.as_bytes());
    }
    let d = hex::encode(h.finalize());
    format!("{LIBYARA_VERSION}/{}/{}", enabled.len(), &d[..16])
}

/// Rules compiled for one version.
struct Compiled {
    version: String,
    rules: Option<Arc<yara::Rules>>,
}

/// The YARA engine over the rule sets in `store`.
pub struct Yara {
    store: Store,
    timeout: Duration,
    max_bytes: usize,
    /// The last compiled rules, reused until the enabled sets change. A tokio mutex: it
    /// is held across the compile so two workers do not compile the same sets twice.
    compiled: tokio::sync::Mutex<Option<Compiled>>,
}

impl Yara {
    /// The engine; a scan takes at most `timeout`, a file at most `max_bytes`.
    pub fn new(store: Store, timeout: Duration, max_bytes: usize) -> Yara {
        Yara {
            store,
            timeout,
            max_bytes,
            compiled: tokio::sync::Mutex::new(None),
        }
    }

    async fn version_inner(&self) -> Result<String, EngineError> {
        let enabled = self
            .store
            .enabled_yara_digests()
            .await
            .map_err(|e| EngineError::Protocol(format!("rule sets: {e}")))?;
        Ok(version_of(&enabled))
    }

    /// The rules now and their version (None: no set is enabled), compiled again only
    /// when the enabled sets changed.
    async fn rules(&self) -> Result<(String, Option<Arc<yara::Rules>>), EngineError> {
        let now = self.version_inner().await?;
        let mut held = self.compiled.lock().await;
        if let Some(c) = held.as_ref()
            && c.version == now
        {
            return Ok((c.version.clone(), c.rules.clone()));
        }
        let sources = self
            .store
            .enabled_yara_sources()
            .await
            .map_err(|e| EngineError::Protocol(format!("rule sets: {e}")))?;
        // The version of what is compiled, not of the first look: a set may have changed
        // between the two reads.
        let version = version_of(
            &sources
                .iter()
                .map(|s| (s.id, source_digest(&s.source)))
                .collect::<Vec<_>>(),
        );
        let rules = if sources.is_empty() {
            None
        } else {
            let sets: Vec<(String, String)> = sources
                .into_iter()
                .map(|YaraSource { id, source, .. }| (id.simple().to_string(), source))
                .collect();
            let rules = tokio::task::spawn_blocking(move || compile(&sets))
                .await
                .map_err(|e| EngineError::Protocol(e.to_string()))?
                .map_err(|e| EngineError::Protocol(format!("rules do not compile: {e}")))?;
            Some(Arc::new(rules))
        };
        *held = Some(Compiled {
            version: version.clone(),
            rules: rules.clone(),
        });
        Ok((version, rules))
    }

    /// Gathers the file, at most `max_bytes`.
    async fn gather(&self, mut file: Chunks<'_>) -> Result<Vec<u8>, EngineError> {
        let mut data = Vec::new();
        while let Some(chunk) = file.next().await {
            let chunk = chunk?;
            if data.len() + chunk.len() > self.max_bytes {
                return Err(EngineError::Protocol("file larger than max_bytes".into()));
            }
            data.extend_from_slice(&chunk);
        }
        Ok(data)
    }

    async fn scan_inner(
        &self,
        file: Chunks<'_>,
    ) -> Result<(String, Category, Option<String>), EngineError> {
        let (version, rules) = self.rules().await?;
        let Some(rules) = rules else {
            // No rules: nothing to find, and no need to read the file.
            return Ok((version, Category::Undetected, None));
        };
        let data = self.gather(file).await?;
        let secs = i32::try_from(self.timeout.as_secs().max(1)).unwrap_or(i32::MAX);
        let found = tokio::task::spawn_blocking(move || {
            rules.scan_mem(&data, secs).map(|m| {
                let mut names: Vec<String> = Vec::new();
                for r in m {
                    if !names.iter().any(|n| n == r.identifier) {
                        names.push(r.identifier.to_string());
                    }
                }
                names
            })
        })
        .await
        .map_err(|e| EngineError::Protocol(e.to_string()))?;
        match found {
            Ok(names) if names.is_empty() => Ok((version, Category::Undetected, None)),
            Ok(names) => Ok((version, Category::Malicious, Some(names.join(", ")))),
            Err(e) if e.kind == yara::YaraErrorKind::ScanTimeout => Err(EngineError::Timeout),
            Err(e) => Err(EngineError::Protocol(e.to_string())),
        }
    }
}

impl Engine for Yara {
    fn name(&self) -> &'static str {
        YARA_ENGINE
    }

    fn version(&self) -> BoxFuture<'_, Result<String, EngineError>> {
        Box::pin(self.version_inner())
    }

    fn scan<'a>(&'a self, file: Chunks<'a>) -> BoxFuture<'a, EngineResult> {
        Box::pin(async move {
            let (version, category, result) = match self.scan_inner(file).await {
                Ok(x) => x,
                Err(EngineError::Timeout) => (String::new(), Category::Timeout, None),
                Err(e) => {
                    tracing::warn!(error = %e, "yara scan failed");
                    (String::new(), Category::Failure, None)
                }
            };
            EngineResult {
                engine_name: YARA_ENGINE.into(),
                engine_version: version,
                category,
                result,
                method: "yara".into(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "rule Tocsin_Test_Marker {\n  strings:\n    $a = \"TOCSIN-YARA-MARKER\"\n  condition:\n    $a\n}\n";

    fn matches(rules: &yara::Rules, data: &[u8]) -> Vec<String> {
        rules
            .scan_mem(data, 5)
            .expect("scan")
            .iter()
            .map(|r| r.identifier.to_string())
            .collect()
    }

    #[test]
    fn a_rule_matches_what_it_names() {
        let rules = compile(&[("a".into(), RULE.into())]).expect("compiles");
        assert_eq!(
            matches(&rules, b"xx TOCSIN-YARA-MARKER yy"),
            vec!["Tocsin_Test_Marker"]
        );
        assert!(matches(&rules, b"nothing here").is_empty());
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let bad =
            "rule ok { condition: true }\n\nrule broken {\n  condition:\n    true and and\n}\n";
        match compile(&[("a".into(), bad.into())]).map(|_| ()) {
            Err(RuleError::Syntax { line, message }) => {
                assert_eq!(line, 5, "{message}");
                assert!(message.contains("syntax error"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sets_may_share_rule_names_and_include_is_refused() {
        let sets = [
            ("a".to_string(), RULE.to_string()),
            ("b".into(), RULE.into()),
        ];
        assert!(compile(&sets).is_ok());
        let inc = "include \"/etc/passwd\"\nrule r { condition: true }\n";
        assert!(matches!(
            compile(&[("a".into(), inc.into())]).map(|_| ()),
            Err(RuleError::Syntax { line: 1, .. })
        ));
    }

    #[test]
    fn the_version_follows_the_enabled_sets() {
        let a = (uuid::Uuid::now_v7(), source_digest(RULE));
        let b = (
            uuid::Uuid::now_v7(),
            source_digest("rule b { condition: false }"),
        );
        assert_eq!(version_of(&[]), "4.5.5/0");
        let one = version_of(std::slice::from_ref(&a));
        let two = version_of(&[a.clone(), b]);
        assert!(one.starts_with("4.5.5/1/"), "{one}");
        assert!(two.starts_with("4.5.5/2/"), "{two}");
        assert_ne!(one, two);
        assert_eq!(one, version_of(&[a]));
    }

    fn chunks(parts: &[&'static [u8]]) -> Chunks<'static> {
        let parts: Vec<std::io::Result<Vec<u8>>> = parts.iter().map(|p| Ok(p.to_vec())).collect();
        Box::pin(futures::stream::iter(parts))
    }

    #[tokio::test]
    async fn the_engine_scans_with_the_enabled_sets_and_follows_their_changes() {
        for engine in [
            tocsin_storage::Engine::Sqlite,
            tocsin_storage::Engine::Postgres,
        ] {
            let Some(t) = tocsin_storage::testing::TestStore::new(engine).await else {
                continue;
            };
            let y = Yara::new(t.store.clone(), Duration::from_secs(5), 1024);
            // No set: undetected without reading the file.
            let r = y.scan(chunks(&[b"TOCSIN-YARA-MARKER"])).await;
            assert_eq!(
                (r.category, r.engine_version.as_str()),
                (Category::Undetected, "4.5.5/0")
            );

            let set = t
                .store
                .insert_yara_rule_set(&tocsin_storage::yara::NewYaraRuleSet {
                    name: "marker".into(),
                    source: RULE.into(),
                    sha256: source_digest(RULE),
                    enabled: true,
                    uploaded_by: None,
                })
                .await
                .expect("insert");
            let v1 = y.version().await.expect("version");
            assert!(v1.starts_with("4.5.5/1/"), "{v1}");
            // The marker split across two chunks still matches: the file is scanned whole.
            let r = y.scan(chunks(&[b"xx TOCSIN-YARA", b"-MARKER yy"])).await;
            assert_eq!(r.category, Category::Malicious, "{r:?}");
            assert_eq!(r.result.as_deref(), Some("Tocsin_Test_Marker"));
            assert_eq!(
                (r.engine_version.as_str(), r.method.as_str()),
                (v1.as_str(), "yara")
            );
            let r = y.scan(chunks(&[b"clean"])).await;
            assert_eq!(r.category, Category::Undetected);
            // Past max_bytes: a failure, not a partial verdict.
            let big: &'static [u8] = Box::leak(vec![b'a'; 2000].into_boxed_slice());
            assert_eq!(y.scan(chunks(&[big])).await.category, Category::Failure);

            t.store
                .set_yara_rule_set_enabled(set.id, false)
                .await
                .expect("disable");
            assert_eq!(y.version().await.expect("version"), "4.5.5/0");
            let r = y.scan(chunks(&[b"TOCSIN-YARA-MARKER"])).await;
            assert_eq!(r.category, Category::Undetected);
        }
    }
}

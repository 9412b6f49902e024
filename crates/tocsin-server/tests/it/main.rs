//! HTTP-level tests of the whole router on both engines, with no socket: forms, API,
//! access policy, CSRF, headers, languages.

mod api;
mod audiences;
mod boundaries;
mod calendar_days;
mod csaf;
mod desk_pages;
mod feeds_api;
mod front;
mod imap_intake;
pub(crate) mod intel_api;
mod intel_pages;
mod mail_api;
mod match_api;
mod membership_pages;
mod newsletter;
pub(crate) mod own_pages;
mod pages;
mod pgp;
mod phishing_api;
mod phishing_pages;
mod points_api;
mod points_pages;
mod referral_api;
pub(crate) mod referral_pages;
mod reports_api;
mod security;
mod taxii_api;
mod teams_api;
mod virus_pages;
mod vuln_api;
mod vuln_pages;
mod zh_sweep;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use tocsin_domain::{Clock, OrgKind, Role, Roles, Timestamp};
use tocsin_server::{AppState, Config, app};
use tocsin_storage::testing::TestStore;
use tocsin_storage::{Engine, NewOrganization, NewUser};
use tower::ServiceExt;

/// Stamps a test body into a SQLite and a PostgreSQL variant.
#[macro_export]
macro_rules! both_engines {
    ($(async fn $name:ident($h:ident: Harness) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($h: $crate::Harness) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body($crate::Harness::new(tocsin_storage::Engine::Sqlite).await.expect("sqlite")).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(h) = $crate::Harness::new(tocsin_storage::Engine::Postgres).await {
                    body(h).await
                }
            }
        }
    )*};
}

/// A router over a fresh store.
pub struct Harness {
    /// The application.
    pub app: Router,
    /// Its state.
    pub state: AppState,
    /// Keeps the database alive.
    pub db: TestStore,
}

/// A response, read whole.
pub struct Resp {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as text.
    pub body: String,
}

impl Resp {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The session cookie set by this response.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("tocsin_session=") && !c.starts_with("tocsin_session=;"))
            .and_then(|c| c.split(';').next())
            .map(str::to_string)
    }
}

impl Harness {
    /// The outbox's messages to `to`.
    pub async fn outbox_to(&self, to: &str) -> Vec<tocsin_storage::OutboxRow> {
        self.state
            .store
            .list_outbox(1000)
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.recipients.contains(to))
            .collect()
    }

    /// A harness on `engine`; None when PostgreSQL is unavailable outside CI.
    pub async fn new(engine: Engine) -> Option<Harness> {
        Self::with_config(engine, |_| {}).await
    }

    /// A harness with a configuration tweak.
    pub async fn with_config(engine: Engine, tweak: impl FnOnce(&mut Config)) -> Option<Harness> {
        let mut db = TestStore::new(engine).await?;
        // A clock the test may set (it starts at the machine's time); the harness's store,
        // the application and the test's own store calls share it.
        db.store = db
            .store
            .clone()
            .with_clock(Clock::starting_at(Timestamp::now()));
        let mut config = Config {
            data_dir: std::env::temp_dir()
                .join(format!("tocsin-srv-{}", uuid::Uuid::now_v7().simple())),
            ..Config::default()
        };
        tweak(&mut config);
        let config = config.finish().expect("config");
        let state = AppState::new(db.store.clone(), config).expect("state");
        Some(Harness {
            app: app(state.clone()),
            state,
            db,
        })
    }

    /// Sends a request.
    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
        }
    }

    /// Follows a report form's post/redirect/get: a 303 to a receipt page is fetched (with
    /// `cookie`, as a browser would), anything else is returned as it came.
    pub async fn follow_receipt(&self, r: Resp, cookie: Option<&str>) -> Resp {
        let to = match (r.status, r.header("location")) {
            (StatusCode::SEE_OTHER, Some(l)) if l.starts_with("/report/receipt/") => l.to_string(),
            _ => return r,
        };
        let mut headers = vec![];
        if let Some(c) = cookie {
            headers.push(("cookie", c));
        }
        self.get(&to, &headers).await
    }

    /// GET with optional extra headers.
    pub async fn get(&self, uri: &str, headers: &[(&str, &str)]) -> Resp {
        let mut b = Request::builder().method(Method::GET).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::empty()).expect("request")).await
    }

    /// A JSON request with a bearer token.
    pub async fn json(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: serde_json::Value,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body.to_string())).expect("request"))
            .await
    }

    /// A same-origin form POST, as a browser sends it.
    pub async fn form(&self, uri: &str, body: &str, cookie: Option<&str>) -> Resp {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header("host", "127.0.0.1:8080")
            .header("origin", "http://127.0.0.1:8080");
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        self.send(b.body(Body::from(body.to_string())).expect("request"))
            .await
    }

    /// Creates an organization and a user with `roles` and password `password-123456`
    /// directly in storage; returns the user's email and an API token.
    pub async fn user(&self, email: &str, roles: &[Role]) -> (String, String) {
        let s = &self.state.store;
        let mut tx = s.begin().await.expect("begin");
        let org = tx
            .create_org(&NewOrganization {
                name: format!("org of {email}"),
                sector: String::new(),
                kind: OrgKind::Company,
                alliance_member: false,
            })
            .await
            .expect("org");
        let hash = tocsin_server::auth::hash_password("password-123456".into())
            .await
            .expect("hash");
        let u = tx
            .create_user(&NewUser {
                email: email.into(),
                name: email.into(),
                org_id: Some(org.id),
                roles: Roles::new(roles.iter().copied()),
                password_hash: Some(hash),
            })
            .await
            .expect("user");
        tx.commit().await.expect("commit");
        let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
        s.create_api_token(u.id, "test", &tocsin_server::auth::hash_secret(&secret))
            .await
            .expect("token");
        (email.to_string(), secret)
    }

    /// Signs in through the form and returns the session cookie.
    pub async fn login(&self, email: &str) -> String {
        let r = self
            .form(
                "/login",
                &format!("email={email}&password=password-123456"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        r.session_cookie().expect("session cookie")
    }

    /// Audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        let f = tocsin_storage::AuditFilter {
            limit: 500,
            ..Default::default()
        };
        let mut v: Vec<String> = self
            .state
            .store
            .list_audit(&f)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        v.reverse();
        v
    }
}

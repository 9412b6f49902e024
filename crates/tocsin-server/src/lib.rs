//! tocsin's HTTP server: the bilingual web pages, the JSON API, TAXII's wire protocol and
//! the middleware, over the use cases of `tocsin_app`. Each handler extracts, calls the app
//! once and maps the answer.
//!
//! [`app`] builds the router from explicit [`AppState`]; tests drive it with
//! `tower::ServiceExt::oneshot`, with no socket. [`serve`] runs it for real.

pub mod api;
pub mod auth;
pub mod error;
pub mod middleware;
pub mod multipart;
pub mod state;
pub mod taxii;
pub mod tls;
pub mod web;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use state::AppState;
pub use tocsin_app::config::Config;

async fn metrics_text(
    State(state): State<AppState>,
    who: auth::CurrentUser,
    ctx: tocsin_app::Ctx,
) -> Result<impl IntoResponse, error::HttpError> {
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        tocsin_app::service::metrics_text(&state, &who, &ctx).await?,
    ))
}

async fn not_found() -> error::HttpError {
    error::AppError::NotFound.into()
}

/// The whole application as a router.
pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let (api, _) = api::routes();
    Router::new()
        .merge(web::routes())
        .merge(api)
        .merge(taxii::routes())
        .route("/metrics", get(metrics_text))
        .fallback(not_found)
        // Layers run bottom-up on the way in: request id, trace, context, then the rest.
        // One limit for every body (axum's 2 MB default would cut attachments); inside
        // render_errors, so its 413 is shown in the user's language.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(state.config.body_limit()))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::render_errors))
        .layer(axum::middleware::from_fn(middleware::csrf))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::context))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Opens storage, migrates, prints the first-admin link when needed, starts the workers
/// and serves until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let store = tocsin_storage::Store::connect_with(&config.database, config.connect_options())
        .await?
        .with_clock(config.clock());
    store.migrate().await?;
    if !store.clock().is_system() {
        tracing::warn!(now = %store.now().rfc3339(), "clock_start is set: this server does not run on the machine's clock");
    }
    let state = AppState::new(store.clone(), config.clone())?;
    let listener = tokio::net::TcpListener::bind(&config.listen).await?;
    let addr = listener.local_addr()?;
    println!(
        "tocsin listening on {} (database: {})",
        config.public_url,
        redact(&config.database)
    );
    if let Some(token) = tocsin_app::service::ensure_setup_token(&state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        println!(
            "First start: create the first admin at {}/setup?token={token}",
            config.public_url
        );
        println!("(the link works once and expires in 24 hours)");
    }
    tracing::info!(%addr, "listening");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let workers = tocsin_app::workers::spawn(&state, stop_rx)?;
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    if config.tls_cert.is_empty() {
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
    } else {
        use axum::serve::ListenerExt as _;
        let tls = tls::TlsListener::new(
            listener,
            std::path::Path::new(&config.tls_cert),
            std::path::Path::new(&config.tls_key),
        )?;
        // tap_io: axum gives ConnectInfo<SocketAddr> for a tapped listener's address.
        axum::serve(tls.tap_io(|_| {}), service)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
    }
    let _ = stop_tx.send(true);
    for w in workers {
        let _ = w.await;
    }
    store.close().await;
    Ok(())
}

/// Hides a password in a database URL for printing.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Sets up JSON-lines (or text) logs.
pub fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TOCSIN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "text" {
        let _ = b.try_init();
    } else {
        let _ = b
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite:data/x.db"), "sqlite:data/x.db");
    }
}

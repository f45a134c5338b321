//! `plumbline serve`: every function's HTTP handlers and the built app, on the embedded store.

use anyhow::Context;
use axum::Router;
use plumbline_api::{AppState, Clock, auth::Auth};
use plumbline_store::{EmbeddedStore, Store, seed};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

/// Options of `plumbline serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Folder of the embedded store; created and seeded with the demo firm on first start.
    #[arg(long, default_value = ".plumbline")]
    data_dir: PathBuf,
    /// Folder of the built app (Trunk's output).
    #[arg(long, env = "PLUMBLINE_APP_DIR", default_value = "dist")]
    app_dir: PathBuf,
    /// Seed of the demo firm created on first start.
    #[arg(long, default_value_t = plumbline_demo::DEFAULT_SEED)]
    seed: u64,
    /// The demo firm's "today".
    #[arg(long, default_value = plumbline_demo::DEFAULT_AS_OF)]
    as_of: chrono::NaiveDate,
}

/// The embedded store's file inside a data folder.
pub fn store_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("plumbline.redb")
}

/// Runs the server until interrupted.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data_dir).with_context(|| format!("creating {}", args.data_dir.display()))?;
    let store_path = store_path(&args.data_dir);
    let store = EmbeddedStore::open(&store_path).with_context(|| format!("opening {}", store_path.display()))?;
    if !seed::is_seeded(&store).await? {
        let started = std::time::Instant::now();
        let (firm, _) = plumbline_demo::generate(&plumbline_demo::DemoOptions { seed: args.seed, as_of: args.as_of });
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let record = plumbline_cli::demo::seed_demo_firm(&store, &firm, args.seed, &at).await?;
        tracing::info!(seconds = started.elapsed().as_secs_f32(), audit_seq = record.seq, "seeded the demo firm");
    }
    let state = AppState {
        store: Arc::new(store) as Arc<dyn Store>,
        auth: Arc::new(Auth::development()),
        clock: Clock::System,
    };
    let app = app(state, &args.app_dir);
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.host, args.port))
        .await
        .with_context(|| format!("binding {}:{}", args.host, args.port))?;
    let addr = listener.local_addr()?;
    println!("Plumbline is running at http://{addr}/  (data: {})", args.data_dir.display());
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

/// The API plus the app's files; unknown non-API paths get `index.html` so deep links work.
/// `/config.json` tells the app to sign in through the local development issuer (a deployed
/// stack's says where the firm's sign-in page is: scripts/deploy.sh).
fn app(state: AppState, app_dir: &std::path::Path) -> Router {
    if !app_dir.join("index.html").exists() {
        tracing::warn!(dir = %app_dir.display(), "the app is not built here: run scripts/run.sh, or pass --app-dir");
    }
    let files = ServeDir::new(app_dir).fallback(ServeFile::new(app_dir.join("index.html")));
    let local = || async { axum::Json(serde_json::json!({ "mode": "local" })) };
    plumbline_api::router(state)
        .route("/config.json", axum::routing::get(local))
        .fallback_service(files)
        .layer(CompressionLayer::new())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

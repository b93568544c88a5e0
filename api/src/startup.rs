//! Building the actix-web server around an already-bound listener.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{dev::Server, middleware, web, App, HttpServer};

use crate::auth::{require_token, Gate, Tokens};
use crate::config::{ServiceConfig, ServiceConfigError};
use crate::db::{Db, DbError, Lease, Location};
use crate::jobs::JobRunner;
use crate::problem::{json_error_handler, path_error_handler, query_error_handler};
use crate::routes::{self, AppState};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is not usable.
    #[error(transparent)]
    Config(#[from] ServiceConfigError),
    /// The database could not be opened or migrated.
    #[error("database {path}: {source}")]
    Db {
        /// The file.
        path: String,
        /// Why.
        source: DbError,
    },
    /// The HTTP server failed.
    #[error("HTTP server: {0}")]
    Io(#[from] std::io::Error),
}

/// Refuses to serve a service nobody could use: it needs a bootstrap write token, or an admin of
/// every centre among the database's users (so a deployment need not keep an all-powerful token in
/// its environment once its users exist). A missing database file is not created to find out.
pub fn check_access(config: &ServiceConfig) -> Result<(), StartError> {
    if !config.tokens.is_empty() {
        return Ok(());
    }
    let location = Location::of(&config.db);
    let db_err = |source| StartError::Db {
        path: location.label(),
        source,
    };
    // A server is asked (its database exists by definition); a missing SQLite file is not made.
    let exists = match &location {
        Location::Sqlite(path) => path.exists(),
        Location::Postgres(_) => true,
    };
    let has_admin = exists
        && Db::open(&config.db)
            .and_then(|db| db.has_admin_everywhere())
            .map_err(db_err)?;
    if has_admin {
        return Ok(());
    }
    Err(ServiceConfigError::Invalid {
        field: "tokens",
        reason: format!(
            "no write token configured and no admin user in {}: set ROTA_API_TOKENS \
             (comma-separated) or `tokens = [...]` in the service configuration, or create an \
             admin with `rota users add --db {} --name NAME --role admin`",
            location.label(),
            location.label()
        ),
    }
    .into())
}

/// Opens the database, deals with the jobs a previous process left unfinished, and starts the
/// job workers. On SQLite (one process) those jobs were this service's own: the resumable ones
/// are taken up again (their start counted), the others marked failed. On PostgreSQL other nodes
/// may be running them, so they are left to their leases.
pub fn prepare(config: ServiceConfig) -> Result<AppState, StartError> {
    config.validate()?;
    check_access(&config)?;
    let db_err = |source| StartError::Db {
        path: Location::of(&config.db).label(),
        source,
    };
    let db = Db::open(&config.db).map_err(db_err)?;
    let lease = Lease {
        node: config.node(),
        duration_ms: (config.job_lease_s * 1000.0).round() as i64,
        max_attempts: i64::from(config.job_max_attempts),
        resumable: crate::resume::RESUMABLE.to_vec(),
    };
    if !db.is_postgres() {
        let interrupted = db.recover_jobs_at_start(&lease).map_err(db_err)?;
        if interrupted > 0 {
            tracing::warn!(
                jobs = interrupted,
                "jobs left unfinished by the previous run marked failed"
            );
        }
    }
    tracing::info!(node = %lease.node, postgres = db.is_postgres(), "job workers starting");
    let jobs = Arc::new(JobRunner::start(
        db.clone(),
        config.job_workers,
        crate::jobs::Budget {
            time: Duration::from_secs_f64(config.job_time_budget_s),
            memory: config.job_memory_budget_mb.saturating_mul(1 << 20),
        },
        lease,
        Arc::new(crate::resume::resume),
    ));
    Ok(AppState {
        db,
        jobs,
        config: Arc::new(config),
    })
}

/// Start the service on `listener`. The returned [`Server`] runs until stopped; actix handles
/// SIGINT/SIGTERM with a graceful shutdown (in-flight requests get up to 1 s to finish).
pub fn run(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let max_body = state.config.max_body_bytes();
    let secret = state.db.key_secret().map_err(std::io::Error::other)?;
    let gate = web::Data::new(Gate::new(
        Tokens::new(&state.config.tokens, &state.config.read_tokens),
        secret,
        state.config.compute_per_minute,
    ));
    let workers = state.config.workers;
    let data = web::Data::new(state);
    let mut server = HttpServer::new(move || {
        App::new()
            // Order: the last `wrap` runs first, so every request (refused ones too) gets an id.
            .wrap(middleware::from_fn(require_token))
            .wrap(middleware::from_fn(crate::telemetry::request_span))
            .app_data(gate.clone())
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(max_body))
            .app_data(
                web::JsonConfig::default()
                    .limit(max_body.min(4 << 20))
                    .error_handler(json_error_handler),
            )
            .app_data(web::QueryConfig::default().error_handler(query_error_handler))
            .app_data(web::PathConfig::default().error_handler(path_error_handler))
            .configure(routes::configure)
            .default_service(web::to(not_found))
    })
    // Requests still in flight (and idle keep-alive connections, which actix counts as open) get
    // one second after SIGTERM: with the job grace below, an idle service stops within 2 s, as a
    // process supervisor or `docker stop` expects.
    .shutdown_timeout(1)
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

async fn not_found(
    req: actix_web::HttpRequest,
) -> Result<actix_web::HttpResponse, crate::problem::Problem> {
    Err(crate::problem::Problem::new(
        actix_web::http::StatusCode::NOT_FOUND,
        "Not found",
        format!("no route {} {}", req.method(), req.path()),
    ))
}

/// Run the service on `listener` until it is shut down (Ctrl-C / SIGTERM), blocking the calling
/// thread: this is what `rota serve` calls (it owns the async runtime so the CLI needs none).
/// After the HTTP server stops, running jobs are asked to cancel and given 0.8 s to record it;
/// those still running are then handed back, to be taken up again at the next start (or by
/// another node).
pub fn serve_blocking(listener: TcpListener, config: ServiceConfig) -> Result<(), StartError> {
    let state = prepare(config)?;
    let jobs = Arc::clone(&state.jobs);
    let result = actix_web::rt::System::new().block_on(async move { run(listener, state)?.await });
    jobs.shutdown(Duration::from_millis(800));
    result.map_err(StartError::from)
}

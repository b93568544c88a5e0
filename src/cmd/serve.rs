//! `rota serve`: the HTTP service for managers (see the `rota-api` crate): JSON API under `/v1`,
//! the dashboard at `/`, the OpenAPI document at `/openapi.json`.

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::Context;

/// Start Rota's HTTP service.
///
/// Settings are layered: defaults, then the service configuration file (--config), then the
/// environment (ROTA_BIND, ROTA_DB, ROTA_MAX_BODY_MB, ROTA_WORKERS, ROTA_JOB_WORKERS,
/// ROTA_SCHEDULE_TIME_LIMIT_S, ROTA_JOB_TIME_BUDGET_S, ROTA_JOB_MEMORY_MB, ROTA_API_TOKENS,
/// ROTA_API_READ_TOKENS, ROTA_COMPUTE_PER_MINUTE, ROTA_NODE_ID, ROTA_JOB_LEASE_S,
/// ROTA_JOB_MAX_ATTEMPTS),
/// then these flags. Users' API keys (`rota users add`) are checked against the database.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Service configuration (TOML: bind, db, max_body_mb, workers, job_workers,
    /// job_time_budget_s, job_memory_budget_mb, schedule_time_limit_s, tokens, read_tokens, compute_per_minute,
    /// node_id, job_lease_s, job_max_attempts).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The database: a SQLite file (created if missing) or a `postgres://user:password@host/db`
    /// URL, for several nodes sharing one database (docs/DEPLOYMENT.md) [default: rota.db].
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port (the bound address is printed)
    /// [default: 127.0.0.1:8080].
    #[arg(long)]
    pub bind: Option<String>,
    /// Largest accepted request body, in megabytes [default: 64].
    #[arg(long)]
    pub max_body_mb: Option<usize>,
    /// HTTP worker threads [default: one per core].
    #[arg(long)]
    pub workers: Option<usize>,
    /// Background job threads (forecasts, schedules, simulations) [default: 2].
    #[arg(long)]
    pub job_workers: Option<usize>,
    /// Most memory one job may hold, in megabytes: past it the job stops and fails saying so,
    /// and is not retried [default: 4096].
    #[arg(long)]
    pub job_memory_budget_mb: Option<u64>,
    /// Heavy computations (staffing requirements, jobs) one key may start a minute; 0: no limit
    /// [default: 30].
    #[arg(long)]
    pub compute_per_minute: Option<u32>,
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    super::output::no_json(&out, "serve", "the service answers JSON over HTTP")?;
    let mut config = rota_api::ServiceConfig::load(args.config.as_deref())?;
    if let Some(v) = args.db {
        config.db = v;
    }
    if let Some(v) = args.bind {
        config.bind = v;
    }
    if let Some(v) = args.max_body_mb {
        config.max_body_mb = v;
    }
    if args.workers.is_some() {
        config.workers = args.workers;
    }
    if let Some(v) = args.job_workers {
        config.job_workers = v;
    }
    if let Some(v) = args.job_memory_budget_mb {
        config.job_memory_budget_mb = v;
    }
    if let Some(v) = args.compute_per_minute {
        config.compute_per_minute = v;
    }
    config.validate()?;
    rota_api::check_access(&config)?;
    let listener = TcpListener::bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    // The first line on stdout is the address, so scripts and tests can find a port-0 server.
    println!("rota: listening on http://{addr}");
    tracing::info!(%addr, db = %rota_api::db::Location::of(&config.db).label(), "rota serve started");
    rota_api::serve_blocking(listener, config).context("the HTTP service stopped")
}

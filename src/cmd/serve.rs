//! `rota serve`: the HTTP service for managers (see the `rota-api` crate).

use std::net::TcpListener;

use anyhow::Context;

/// Start Rota's HTTP service.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, env = "ROTA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Largest accepted request body, in megabytes.
    #[arg(long, env = "ROTA_MAX_BODY_MB", default_value_t = 64)]
    pub max_body_mb: usize,
    /// Worker threads (default: one per core).
    #[arg(long, env = "ROTA_WORKERS")]
    pub workers: Option<usize>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    // The first line on stdout is the address, so scripts and tests can find a port-0 server.
    println!("rota: listening on http://{addr}");
    tracing::info!(%addr, "rota serve started");
    let settings = rota_api::ApiSettings {
        max_body_bytes: args.max_body_mb.saturating_mul(1024 * 1024),
        workers: args.workers,
    };
    rota_api::serve_blocking(listener, settings).context("the HTTP service stopped with an error")
}

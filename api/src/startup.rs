//! Building the actix-web server around an already-bound listener.

use std::net::TcpListener;

use actix_web::{dev::Server, middleware, web, App, HttpServer};

use crate::routes;

/// Limits and settings of one running service.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Largest accepted request body in bytes (uploads of history CSVs included).
    pub max_body_bytes: usize,
    /// Worker threads; `None` lets actix choose (one per core).
    pub workers: Option<usize>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            // Two years of 15-minute history for five channels is ~15 MB as plain CSV.
            max_body_bytes: 64 * 1024 * 1024,
            workers: None,
        }
    }
}

/// Start the service on `listener`. The returned [`Server`] runs until stopped; actix handles
/// SIGINT/SIGTERM with a graceful shutdown (in-flight requests finish).
pub fn run(listener: TcpListener, settings: ApiSettings) -> std::io::Result<Server> {
    let max_body = settings.max_body_bytes;
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(middleware::Logger::new("%a \"%r\" %s %b %Dms").log_target("rota_api::access"))
            .app_data(web::PayloadConfig::new(max_body))
            .app_data(
                web::JsonConfig::default()
                    .limit(max_body)
                    .error_handler(crate::problem::json_error_handler),
            )
            .configure(routes::configure)
    })
    .listen(listener)?;
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// Run the service on `listener` until it is shut down (Ctrl-C / SIGTERM), blocking the calling
/// thread. This is what `rota serve` calls; it owns the async runtime so the CLI does not need one.
pub fn serve_blocking(listener: TcpListener, settings: ApiSettings) -> std::io::Result<()> {
    actix_web::rt::System::new().block_on(async move { run(listener, settings)?.await })
}

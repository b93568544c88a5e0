//! Route table. Handlers stay thin: parse, call a library crate, serialise.

use actix_web::{web, HttpResponse};
use serde::Serialize;

/// Register every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/ready", web::get().to(ready));
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

/// Liveness: the process answers.
async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness: the service can take work (it holds no external resources yet, so it is ready
/// as soon as it listens).
async fn ready() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ready",
        version: env!("CARGO_PKG_VERSION"),
    })
}

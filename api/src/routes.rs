//! Route table. Handlers stay thin: parse, call a library crate, serialise.

use actix_web::{http::StatusCode, web, HttpResponse};
use rota_scheduler::staffing::{erlang_calculator, ErlangRequest};
use serde::Serialize;

use crate::problem::Problem;

/// Register every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/ready", web::get().to(ready))
        .service(web::scope("/v1").route("/staffing/erlang", web::post().to(erlang)));
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

/// The stateless Erlang calculator: the same request and answer as `rota erlang --json`.
/// Invalid inputs (AHT 0, patience 0, impossible targets) are 422 problems saying why.
async fn erlang(req: web::Json<ErlangRequest>) -> Result<HttpResponse, Problem> {
    let req = req.into_inner();
    // The calculation is microseconds at centre sizes but can reach milliseconds at 10,000 agents:
    // keep it off the async worker so one large request never stalls the others.
    let answer = web::block(move || erlang_calculator(&req))
        .await
        .map_err(|e| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Calculation did not complete",
                e.to_string(),
            )
        })?
        .map_err(|e| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid staffing request",
                e.to_string(),
            )
        })?;
    Ok(HttpResponse::Ok().json(answer))
}

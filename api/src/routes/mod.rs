//! Route table. Handlers stay thin: parse, call [`crate::work`] or the database off the async
//! workers, serialise. Everything under `/v1` needs a bearer token (see [`crate::auth`]).

pub mod centres;
pub mod common;
pub mod docs;
pub mod forecasts;
pub mod histories;
pub mod jobs;
pub mod rosters;
pub mod simulations;
pub mod staffing;

use std::sync::Arc;

use actix_web::{http::StatusCode, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::ServiceConfig;
use crate::db::{CentreRow, Db};
use crate::jobs::JobRunner;
use crate::problem::Problem;

/// Shared state of the service.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Storage.
    pub db: Db,
    /// Background jobs.
    pub jobs: Arc<JobRunner>,
    /// Settings.
    pub config: Arc<ServiceConfig>,
}

/// Runs blocking work (SQLite, parsing, solving set-up) on actix's blocking pool, never on the
/// async workers, inside the request's span (so its logs, and jobs it starts, carry the request
/// id).
pub async fn blocking<T, F>(f: F) -> Result<T, Problem>
where
    F: FnOnce() -> Result<T, Problem> + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    web::block(move || span.in_scope(f)).await?
}

/// The centre `id`, or a 404 problem.
pub fn centre_or_404(db: &Db, id: i64) -> Result<CentreRow, Problem> {
    db.centre(id)?
        .ok_or_else(|| Problem::not_found("centre", id))
}

/// A CSV download.
pub fn csv_file(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// Register every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/ready", web::get().to(ready))
        .route("/openapi.json", web::get().to(docs::openapi_json))
        .route("/docs", web::get().to(docs::docs_page))
        .route("/", web::get().to(docs::index))
        .route("/index.html", web::get().to(docs::index))
        .route("/static/{file}", web::get().to(docs::static_file))
        .service(
            web::scope("/v1")
                .route("/staffing/erlang", web::post().to(staffing::erlang))
                .route(
                    "/staffing/requirements",
                    web::post().to(staffing::stateless_requirements),
                )
                .route(
                    "/samples/centre.toml",
                    web::get().to(centres::sample_config),
                )
                .route("/centres", web::get().to(centres::list))
                .route("/centres", web::post().to(centres::create))
                .route("/centres/{id}", web::get().to(centres::get))
                .route("/centres/{id}", web::put().to(centres::update))
                .route("/centres/{id}/histories", web::get().to(histories::list))
                .route("/centres/{id}/histories", web::post().to(histories::upload))
                .route("/centres/{id}/forecasts", web::get().to(forecasts::list))
                .route("/centres/{id}/forecasts", web::post().to(forecasts::create))
                .route("/centres/{id}/schedules", web::post().to(rosters::create))
                .route("/centres/{id}/rosters", web::get().to(rosters::list))
                .route("/centres/{id}/jobs", web::get().to(jobs::list))
                .route("/histories/{id}", web::get().to(histories::get))
                .route("/histories/{id}/recent", web::get().to(histories::recent))
                .route("/forecasts/{id}", web::get().to(forecasts::get))
                .route(
                    "/forecasts/{id}/forecast.csv",
                    web::get().to(forecasts::csv),
                )
                .route(
                    "/forecasts/{id}/requirements",
                    web::post().to(staffing::create_requirement_set),
                )
                .route(
                    "/requirements/{id}",
                    web::get().to(staffing::get_requirement_set),
                )
                .route(
                    "/requirements/{id}/requirements.csv",
                    web::get().to(staffing::requirement_csv),
                )
                .route("/jobs/{id}", web::get().to(jobs::get))
                .route("/jobs/{id}/cancel", web::post().to(jobs::cancel))
                .route("/rosters/{id}", web::get().to(rosters::get))
                .route("/rosters/{id}/{file}", web::get().to(rosters::file))
                .route(
                    "/rosters/{id}/simulations",
                    web::post().to(simulations::create),
                )
                .route("/simulations/{id}", web::get().to(simulations::get))
                .route(
                    "/simulations/{id}/intervals.csv",
                    web::get().to(simulations::csv),
                ),
        );
}

/// Liveness and readiness answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `ready`.
    status: &'static str,
    /// Rota version.
    version: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(get, operation_id = "health", path = "/health", tag = "service",
    responses((status = 200, description = "The process answers", body = Health)))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness: the database answers a query.
#[utoipa::path(get, operation_id = "ready", path = "/ready", tag = "service",
    responses(
        (status = 200, description = "Ready to take work", body = Health),
        (status = 503, description = "The database does not answer", body = Problem,
            content_type = "application/problem+json")))]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let db = state.db.clone();
    let ok = web::block(move || db.ping()).await;
    match ok {
        Ok(Ok(())) => Ok(HttpResponse::Ok().json(Health {
            status: "ready",
            version: env!("CARGO_PKG_VERSION"),
        })),
        Ok(Err(e)) => Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Not ready",
            format!("the database does not answer: {e}"),
        )),
        Err(e) => Err(Problem::internal(e)),
    }
}

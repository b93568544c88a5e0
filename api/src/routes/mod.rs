//! Route table. Handlers stay thin: parse, call [`crate::work`] or the database off the async
//! workers, serialise. Everything under `/v1` needs a key, and the access check in
//! [`crate::auth`] has run before any handler: handlers never compare roles.

pub mod centres;
pub mod common;
pub mod docs;
pub mod edits;
pub mod exports;
pub mod forecasts;
pub mod histories;
pub mod jobs;
pub mod reports;
pub mod requests;
pub mod rosters;
pub mod scenarios;
pub mod simulations;
pub mod staffing;
pub mod today;
pub mod users;

use std::sync::Arc;

use actix_web::{guard, http::StatusCode, web, HttpResponse};
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

/// A stored HTML page (a report or a comparison). It holds no scripts; the policy keeps it that
/// way should a label in it ever carry markup.
pub fn html_page(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        ))
        .body(body)
}

/// A `GET` route that also answers `HEAD` (same status and headers; actix-http leaves out the body
/// of an answer to `HEAD`), so a client or proxy can check a download without fetching it.
fn get() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The resource at `path`, answering a method it does not serve with 405 and an `Allow` header
/// naming the ones it does (`allow`, e.g. "GET, HEAD, POST"), as RFC 9110 asks, instead of a 404
/// that would suggest the path does not exist.
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move |req: actix_web::HttpRequest| async move {
        let problem = Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            format!("{} {}: this path accepts {allow}", req.method(), req.path()),
        );
        let mut resp = actix_web::ResponseError::error_response(&problem);
        resp.headers_mut().insert(
            actix_web::http::header::ALLOW,
            actix_web::http::header::HeaderValue::from_static(allow),
        );
        resp
    }))
}

const READ_ONLY: &str = "GET, HEAD";
const READ_WRITE: &str = "GET, HEAD, POST";
const READ_REPLACE: &str = "GET, HEAD, PUT";
const WRITE_ONLY: &str = "POST";

/// Register every route of the service. Each path is one resource listing its methods, so a wrong
/// method gets 405 with `Allow`, and every `GET` answers `HEAD` too.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/health", READ_ONLY).route(get().to(health)))
        .service(resource("/ready", READ_ONLY).route(get().to(ready)))
        .service(resource("/openapi.json", READ_ONLY).route(get().to(docs::openapi_json)))
        .service(resource("/docs", READ_ONLY).route(get().to(docs::docs_page)))
        .service(resource("/", READ_ONLY).route(get().to(docs::index)))
        .service(resource("/index.html", READ_ONLY).route(get().to(docs::index)))
        .service(resource("/static/{file}", READ_ONLY).route(get().to(docs::static_file)))
        .service(
            web::scope("/v1")
                .service(resource("/me", READ_ONLY).route(get().to(users::me)))
                .service(
                    resource("/users", READ_WRITE)
                        .route(get().to(users::list))
                        .route(web::post().to(users::create)),
                )
                .service(
                    resource("/users/{id}/revoke", WRITE_ONLY).route(web::post().to(users::revoke)),
                )
                .service(resource("/audit", READ_ONLY).route(get().to(users::audit)))
                .service(
                    resource("/staffing/erlang", WRITE_ONLY)
                        .route(web::post().to(staffing::erlang)),
                )
                .service(
                    resource("/staffing/requirements", WRITE_ONLY)
                        .route(web::post().to(staffing::stateless_requirements)),
                )
                .service(
                    resource("/samples/centre.toml", READ_ONLY)
                        .route(get().to(centres::sample_config)),
                )
                .service(
                    resource("/centres", READ_WRITE)
                        .route(get().to(centres::list))
                        .route(web::post().to(centres::create)),
                )
                .service(
                    resource("/centres/{id}", READ_REPLACE)
                        .route(get().to(centres::get))
                        .route(web::put().to(centres::update)),
                )
                .service(
                    resource("/centres/{id}/config.json", READ_ONLY)
                        .route(get().to(centres::config_json)),
                )
                .service(
                    resource("/centres/{id}/channel-aliases", WRITE_ONLY)
                        .route(web::post().to(centres::channel_aliases)),
                )
                .service(resource("/scenarios", READ_ONLY).route(get().to(scenarios::shipped)))
                .service(
                    resource("/centres/{id}/comparisons", READ_WRITE)
                        .route(get().to(scenarios::list))
                        .route(web::post().to(scenarios::create)),
                )
                .service(resource("/comparisons/{id}", READ_ONLY).route(get().to(scenarios::get)))
                .service(
                    resource("/comparisons/{id}/comparison.html", READ_ONLY)
                        .route(get().to(scenarios::html)),
                )
                .service(
                    resource("/centres/{id}/reports", READ_ONLY).route(get().to(reports::list)),
                )
                .service(
                    resource("/histories/{id}/reports", WRITE_ONLY)
                        .route(web::post().to(reports::create)),
                )
                .service(resource("/reports/{id}", READ_ONLY).route(get().to(reports::get)))
                .service(
                    resource("/reports/{id}/report.html", READ_ONLY).route(get().to(reports::html)),
                )
                .service(
                    resource("/centres/{id}/histories", READ_WRITE)
                        .route(get().to(histories::list))
                        .route(web::post().to(histories::upload)),
                )
                .service(
                    resource("/centres/{id}/forecasts", READ_WRITE)
                        .route(get().to(forecasts::list))
                        .route(web::post().to(forecasts::create)),
                )
                .service(
                    resource("/centres/{id}/schedules", WRITE_ONLY)
                        .route(web::post().to(rosters::create)),
                )
                .service(
                    resource("/centres/{id}/rosters", READ_ONLY).route(get().to(rosters::list)),
                )
                .service(resource("/centres/{id}/jobs", READ_ONLY).route(get().to(jobs::list)))
                .service(
                    resource("/centres/{id}/actuals", READ_WRITE)
                        .route(get().to(today::list_actuals))
                        .route(web::post().to(today::upsert_actuals)),
                )
                .service(
                    resource("/centres/{id}/absences", READ_WRITE)
                        .route(get().to(today::list_absences))
                        .route(web::post().to(today::upsert_absences)),
                )
                .service(
                    resource("/centres/{id}/requests", READ_WRITE)
                        .route(get().to(requests::list))
                        .route(web::post().to(requests::create)),
                )
                .service(
                    resource("/centres/{id}/publications", READ_ONLY)
                        .route(get().to(edits::publications)),
                )
                .service(resource("/requests/{id}", READ_ONLY).route(get().to(requests::get)))
                .service(
                    resource("/requests/{id}/effect", READ_ONLY).route(get().to(requests::effect)),
                )
                .service(
                    resource("/requests/{id}/approve", WRITE_ONLY)
                        .route(web::post().to(requests::approve)),
                )
                .service(
                    resource("/requests/{id}/decline", WRITE_ONLY)
                        .route(web::post().to(requests::decline)),
                )
                .service(resource("/centres/{id}/today", READ_ONLY).route(get().to(today::get)))
                .service(
                    resource("/centres/{id}/agent-states", WRITE_ONLY)
                        .route(web::post().to(today::upsert_agent_states)),
                )
                .service(
                    resource("/centres/{id}/adherence", READ_ONLY)
                        .route(get().to(today::adherence)),
                )
                .service(
                    resource("/centres/{id}/today/actions/{rank}/accept", WRITE_ONLY)
                        .route(web::post().to(today::accept)),
                )
                .service(resource("/histories/{id}", READ_ONLY).route(get().to(histories::get)))
                .service(
                    resource("/histories/{id}/recent", READ_ONLY)
                        .route(get().to(histories::recent)),
                )
                .service(resource("/forecasts/{id}", READ_ONLY).route(get().to(forecasts::get)))
                .service(
                    resource("/forecasts/{id}/forecast.csv", READ_ONLY)
                        .route(get().to(forecasts::csv)),
                )
                .service(
                    resource("/forecasts/{id}/requirements", WRITE_ONLY)
                        .route(web::post().to(staffing::create_requirement_set)),
                )
                .service(
                    resource("/requirements/{id}", READ_ONLY)
                        .route(get().to(staffing::get_requirement_set)),
                )
                .service(
                    resource("/requirements/{id}/requirements.csv", READ_ONLY)
                        .route(get().to(staffing::requirement_csv)),
                )
                .service(resource("/jobs/{id}", READ_ONLY).route(get().to(jobs::get)))
                .service(
                    resource("/jobs/{id}/cancel", WRITE_ONLY).route(web::post().to(jobs::cancel)),
                )
                .service(resource("/rosters/{id}", READ_ONLY).route(get().to(rosters::get)))
                .service(
                    resource("/rosters/{id}/simulations", READ_WRITE)
                        .route(get().to(simulations::list))
                        .route(web::post().to(simulations::create)),
                )
                .service(
                    resource("/rosters/{id}/export/rota.csv", READ_ONLY)
                        .route(get().to(exports::csv)),
                )
                .service(
                    resource("/rosters/{id}/export/rota.xlsx", READ_ONLY)
                        .route(get().to(exports::xlsx)),
                )
                .service(
                    resource("/rosters/{id}/export/rota.html", READ_ONLY)
                        .route(get().to(exports::html)),
                )
                .service(
                    resource("/rosters/{id}/calendars", READ_ONLY)
                        .route(get().to(exports::calendars)),
                )
                .service(
                    resource("/rosters/{id}/calendars/{file}", READ_ONLY)
                        .route(get().to(exports::calendar)),
                )
                .service(
                    resource("/rosters/{id}/publish", WRITE_ONLY)
                        .route(web::post().to(edits::publish)),
                )
                .service(
                    resource("/rosters/{id}/edits", WRITE_ONLY).route(web::post().to(edits::edit)),
                )
                .service(resource("/rosters/{id}/{file}", READ_ONLY).route(get().to(rosters::file)))
                .service(resource("/simulations/{id}", READ_ONLY).route(get().to(simulations::get)))
                .service(
                    resource("/simulations/{id}/intervals.csv", READ_ONLY)
                        .route(get().to(simulations::csv)),
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

//! The OpenAPI document (generated from the handlers' annotations by `utoipa`), a docs page that
//! renders it without any CDN, and the dashboard's static files (embedded in the binary, so
//! `rota serve` works from any directory).

use actix_web::{web, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    centres, edits, exports, forecasts, histories, jobs, reports, requests, rosters, scenarios,
    simulations, staffing, today, users, Health,
};
use crate::db::{
    CentreRow, ComparisonRow, ForecastRow, HistoryRow, JobKind, JobRow, JobStatus, ReportRow,
    RequirementSetRow, RosterRow, SimulationRow,
};
use crate::problem::{FieldProblem, Findings, Problem};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rota API",
        description = "Workforce management for contact centres: history -> forecast -> \
            staffing requirements -> roster -> simulation. Every /v1 endpoint needs \
            `Authorization: Bearer <key>`: a user's API key (roles per centre: admin, \
            manager, planner, viewer, agent) or a bootstrap token. Another centre's resources \
            are 404, what the role may not do is 403, heavy computation over the key's rate is \
            429 with Retry-After. Errors are application/problem+json (RFC 9457) naming the \
            field and reason.",
        license(name = "Apache-2.0")
    ),
    paths(
        super::health, super::ready,
        centres::sample_config, centres::list, centres::create, centres::get, centres::update,
        centres::config_json, centres::channel_aliases,
        histories::upload, histories::list, histories::get, histories::recent,
        forecasts::create, forecasts::list, forecasts::get, forecasts::csv,
        staffing::erlang, staffing::stateless_requirements, staffing::create_requirement_set,
        staffing::get_requirement_set, staffing::requirement_csv,
        rosters::create, rosters::list, rosters::get, rosters::file,
        exports::csv, exports::xlsx, exports::html, exports::calendars, exports::calendar,
        jobs::get, jobs::list, jobs::cancel,
        simulations::create, simulations::list, simulations::get, simulations::csv,
        scenarios::shipped, scenarios::create, scenarios::list, scenarios::get, scenarios::html,
        reports::create, reports::list, reports::get, reports::html,
        today::upsert_actuals, today::list_actuals, today::upsert_absences, today::list_absences,
        today::get, today::accept, today::upsert_agent_states, today::adherence,
        users::me, users::list, users::create, users::revoke, users::audit,
        requests::list, requests::create, requests::get, requests::effect, requests::approve,
        requests::decline, edits::publish, edits::publications, edits::edit,
    ),
    components(schemas(
        Problem, Health, CentreRow, HistoryRow, JobRow, JobKind, JobStatus, ForecastRow,
        RequirementSetRow,
        RosterRow, SimulationRow, centres::CreateCentre, centres::UpdateCentre,
        histories::HistoryDetails, forecasts::CreateForecast, staffing::RequirementsReply,
        staffing::CreateRequirementSet, rosters::CreateSchedule, simulations::CreateSimulation,
        FieldProblem, Findings, ComparisonRow, ReportRow, centres::ChannelAliases,
        scenarios::ShippedScenario, scenarios::CreateComparison, reports::CreateReport,
        exports::AgentCalendar,
        crate::db::ActualRow, crate::db::AbsenceRow, crate::db::Upserted, today::UpsertReply,
        today::TodayQuery, today::AcceptAction, today::Accepted,
        crate::today::ActualIn, crate::today::ActualsIn, crate::today::AbsenceIn,
        crate::today::AbsencesIn, crate::today::UpdateChoice, crate::today::TodayView,
        crate::today::TodayInterval, crate::today::TodayKpi, crate::today::ActionView,
        crate::today::EditView, crate::today::RateChange, crate::adherence::AdherenceView,
        crate::adherence::AdherenceRow, crate::adherence::ExceptionView,
        users::Me, users::MeCentre, users::MyCalendar, users::CreatedUser, crate::db::UserRow,
        crate::db::AuditRow, crate::db::NewAudit, crate::users::CreateUser, crate::access::Grant, crate::access::Role,
        crate::db::TimeOffRow, crate::db::PublicationRow, crate::timeoff::TimeOffIn,
        crate::timeoff::Effect, crate::timeoff::EffectRow, requests::Decision,
        crate::edits::EditIn, crate::edits::RuleBroken, crate::edits::KpiBeforeAfter,
        edits::Edited,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "service", description = "Probes"),
        (name = "centres", description = "Centres and their configuration"),
        (name = "histories", description = "Uploaded interval histories"),
        (name = "forecasts", description = "Forecast jobs and files"),
        (name = "staffing", description = "Erlang calculator and staffing requirements"),
        (name = "schedules", description = "Schedule jobs, rosters and their files"),
        (name = "jobs", description = "Background job status, progress and cancellation"),
        (name = "simulations", description = "Simulated KPIs of a roster against targets"),
        (name = "scenarios", description = "What-if scenarios compared on a forecast"),
        (name = "reports", description = "Weekly performance reports of a history"),
        (name = "today", description = "Interval actuals, absences, the day's re-forecast, KPIs and actions"),
        (name = "users", description = "The caller, users and their API keys, the audit log"),
        (name = "requests", description = "Time-off requests, their effect on the published week, decisions"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /openapi.json`.
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(openapi())
}

const DOCS_HTML: &str = include_str!("../../static/docs.html");
const INDEX_HTML: &str = include_str!("../../static/index.html");
const APP_JS: &str = include_str!("../../static/app.js");
const CHARTS_JS: &str = include_str!("../../static/charts.js");
const CENTRE_FORM_JS: &str = include_str!("../../static/centre-form.js");
const TODAY_JS: &str = include_str!("../../static/today.js");
const REQUESTS_JS: &str = include_str!("../../static/requests.js");
const APP_CSS: &str = include_str!("../../static/app.css");

/// `GET /docs`: the operations of `/openapi.json`, rendered by a small local script.
pub async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(DOCS_HTML)
}

/// `GET /`: the dashboard.
pub async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(INDEX_HTML)
}

/// `GET /static/{file}`: the dashboard's scripts and style sheet.
pub async fn static_file(name: web::Path<String>) -> HttpResponse {
    let (body, kind) = match name.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "charts.js" => (CHARTS_JS, "text/javascript; charset=utf-8"),
        "centre-form.js" => (CENTRE_FORM_JS, "text/javascript; charset=utf-8"),
        "today.js" => (TODAY_JS, "text/javascript; charset=utf-8"),
        "requests.js" => (REQUESTS_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        _ => {
            return Problem::new(
                actix_web::http::StatusCode::NOT_FOUND,
                "Not found",
                "no such static file",
            )
            .into_response()
        }
    };
    HttpResponse::Ok()
        .content_type(kind)
        .insert_header(("cache-control", "no-cache"))
        .body(body)
}

impl Problem {
    fn into_response(self) -> HttpResponse {
        actix_web::ResponseError::error_response(&self)
    }
}

//! Staffing: the Erlang calculator, requirements for a posted forecast (stateless) and
//! requirement sets computed from a stored forecast (as `rota staff`).

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use rota_staffing::{erlang_calculator, ErlangRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{stored_csv, stored_json};
use super::histories::{optional_json, read_body};
use super::{blocking, centre_or_404, csv_file, AppState};
use crate::db::{Db, RequirementSetRow};
use crate::problem::Problem;
use crate::work::{self, parse_config, parse_quantile, read_forecast};

/// The stateless Erlang calculator: the same request and answer as `rota erlang --json`
/// (`model` c|a, `calls_per_hour`, `aht_s`, and either `agents` or targets).
#[utoipa::path(post, operation_id = "staffing_erlang", path = "/v1/staffing/erlang", tag = "staffing", security(("bearer" = [])),
    request_body(content = Object, description = "ErlangRequest: model, calls_per_hour, aht_s, \
        agents | targets (max_abandon, max_asa_s, service_level, max_occupancy), threshold_s, \
        patience_s"),
    responses((status = 200, description = "KPIs or required agents", body = Object),
        (status = 400, description = "Malformed JSON", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Impossible input (AHT 0, ...)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn erlang(req: web::Json<ErlangRequest>) -> Result<HttpResponse, Problem> {
    let req = req.into_inner();
    // Microseconds at centre sizes, milliseconds at 10,000 agents: keep it off the async worker
    // so one large request never stalls the others.
    let answer = web::block(move || erlang_calculator(&req))
        .await?
        .map_err(|e| Problem::invalid("body", e.to_string()))?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Options of a requirement computation.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatelessQuery {
    /// The centre whose channels, targets and shrinkage apply.
    pub centre_id: i64,
    /// Forecast figure to plan for: mean, p10, p50, p90 (default: the centre's planning quantile).
    pub quantile: Option<String>,
}

/// RequirementsReply and per-channel totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementsReply {
    /// Quantile planned for.
    pub quantile: String,
    /// Per-channel totals.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    /// Per channel and interval: offered, AHT, required agents, predicted KPIs, scheduled heads.
    #[schema(value_type = Object)]
    pub rows: serde_json::Value,
}

/// Required agents for a posted forecast CSV (nothing is stored). Answers CSV when the request
/// accepts `text/csv`, JSON otherwise.
#[utoipa::path(post, operation_id = "staffing_stateless_requirements", path = "/v1/staffing/requirements", tag = "staffing",
    security(("bearer" = [])),
    params(StatelessQuery),
    request_body(content = String, content_type = "text/csv",
        description = "Forecast CSV: interval_start, channel, offered_mean, offered_p10, \
            offered_p50, offered_p90, aht_seconds"),
    responses((status = 200, description = "RequirementsReply", body = RequirementsReply),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid forecast: line, column, reason", body = Problem,
            content_type = "application/problem+json")))]
pub async fn stateless_requirements(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<StatelessQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let query = query.into_inner();
    let body = read_body(&req, payload, state.config.max_body_bytes()).await?;
    let wants_csv = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    let db = state.db.clone();
    let (quantile, out) = blocking(move || {
        let centre = centre_or_404(&db, query.centre_id)?;
        let config = parse_config(&centre.config_toml, "stored configuration")?;
        let quantile = match &query.quantile {
            Some(q) => parse_quantile(q)?,
            None => config.centre().planning().demand_quantile(),
        };
        let forecast = read_forecast(&config, &body, "body")?;
        Ok((quantile, work::requirements(&config, &forecast, quantile)?))
    })
    .await?;
    if wants_csv {
        return Ok(csv_file("requirements.csv", out.csv));
    }
    Ok(HttpResponse::Ok().json(RequirementsReply {
        quantile: quantile.as_str().to_string(),
        summary: out.summary,
        rows: out.rows,
    }))
}

/// A requirement-set request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRequirementSet {
    /// Forecast figure to plan for: mean, p10, p50, p90 (default: the centre's planning quantile).
    pub quantile: Option<String>,
}

/// Compute and store the requirements of a stored forecast (fast: no job).
#[utoipa::path(post, operation_id = "staffing_create_requirement_set", path = "/v1/forecasts/{id}/requirements", tag = "staffing",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Forecast id")),
    request_body = CreateRequirementSet,
    responses((status = 201, description = "Stored requirement set", body = RequirementSetRow),
        (status = 404, description = "No such forecast", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid quantile", body = Problem,
            content_type = "application/problem+json")))]
pub async fn create_requirement_set(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let forecast_id = id.into_inner();
    let body: CreateRequirementSet = optional_json(&req, payload, 1 << 20).await?;
    let db = state.db.clone();
    let row = blocking(move || {
        let forecast = db
            .forecast(forecast_id)?
            .ok_or_else(|| Problem::not_found("forecast", forecast_id))?;
        let centre = centre_or_404(&db, forecast.centre_id)?;
        let config = parse_config(&centre.config_toml, "stored configuration")?;
        let quantile = match &body.quantile {
            Some(q) => parse_quantile(q)?,
            None => config.centre().planning().demand_quantile(),
        };
        let csv = db
            .forecast_csv(forecast_id)?
            .ok_or_else(|| Problem::not_found("forecast", forecast_id))?;
        let demand = read_forecast(&config, csv.as_bytes(), "stored forecast")?;
        let out = work::requirements(&config, &demand, quantile)?;
        let id = db.insert_requirement_set(
            centre.id,
            forecast_id,
            quantile.as_str(),
            &out.summary.to_string(),
            &out.csv,
        )?;
        db.requirement_set(id)?
            .ok_or_else(|| Problem::not_found("requirement set", id))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/requirements/{}", row.id)))
        .json(row))
}

/// One requirement set (per-channel totals).
#[utoipa::path(get, operation_id = "staffing_get_requirement_set", path = "/v1/requirements/{id}", tag = "staffing", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Requirement set id")),
    responses((status = 200, description = "The requirement set", body = RequirementSetRow),
        (status = 404, description = "No such requirement set", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get_requirement_set(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    stored_json(
        &state,
        "requirement set",
        id.into_inner(),
        Db::requirement_set,
    )
    .await
}

/// The requirements file (`rota staff` format).
#[utoipa::path(get, operation_id = "staffing_requirement_csv", path = "/v1/requirements/{id}/requirements.csv", tag = "staffing",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Requirement set id")),
    responses((status = 200, description = "RequirementsReply CSV", body = String,
            content_type = "text/csv"),
        (status = 404, description = "No such requirement set", body = Problem,
            content_type = "application/problem+json")))]
pub async fn requirement_csv(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let name = format!("requirements-{id}.csv");
    stored_csv(&state, "requirement set", id, &name, Db::requirement_csv).await
}

//! What-if scenarios: the shipped scenario files, and comparison jobs that run the baseline and
//! chosen scenarios on a stored forecast through staffing, the roster and the KPIs the roster
//! delivers (`rota scenario`), stored per centre.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{centre_list, queue_job, stored, stored_json, NewJob};
use super::rosters::MAX_TIME_LIMIT_S;
use super::simulations::MAX_REPLICATIONS;
use super::{centre_or_404, AppState};
use crate::db::{ComparisonRow, Db, JobKind, JobRow};
use crate::jobs::{JobFailure, Work};
use crate::problem::Problem;
use crate::work::{self, parse_config, parse_scenario, SHIPPED_SCENARIOS};

/// Most scenarios one comparison may run (each solves a roster).
pub const MAX_SCENARIOS: usize = 8;

/// A scenario shipped with Rota.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShippedScenario {
    /// Its id (the file name without `.toml`), used in a comparison request.
    pub id: String,
    /// The scenario's name (shown in the comparison).
    pub name: String,
    /// What it asks, in a planner's words.
    pub description: Option<String>,
    /// The scenario file.
    pub toml: String,
}

/// A comparison request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComparison {
    /// The stored forecast of this centre to plan on (at most 28 days).
    pub forecast_id: i64,
    /// Shipped scenarios by id (see `GET /v1/scenarios`).
    #[serde(default)]
    pub scenarios: Vec<String>,
    /// Uploaded scenario files (TOML, schema in docs/SCENARIOS.md).
    #[serde(default)]
    pub scenario_toml: Vec<String>,
    /// Simulation replications per roster (0-500, default 5; 0 = the queueing formulas).
    pub replications: Option<u32>,
    /// Solver time limit per roster, seconds (default 15).
    pub time_limit_s: Option<f64>,
}

/// The scenarios shipped with Rota (written for the sample centre, Northmoor Homes).
#[utoipa::path(get, operation_id = "scenarios_shipped", path = "/v1/scenarios", tag = "scenarios",
    security(("bearer" = [])),
    responses((status = 200, description = "Shipped scenarios", body = Vec<ShippedScenario>)))]
pub async fn shipped() -> HttpResponse {
    let list: Vec<ShippedScenario> = SHIPPED_SCENARIOS
        .iter()
        .map(|(id, text)| {
            let spec = rota_plan::scenario::Scenario::from_toml_str(text, id).ok();
            ShippedScenario {
                id: (*id).to_string(),
                name: spec
                    .as_ref()
                    .map_or_else(|| (*id).to_string(), |s| s.name.clone()),
                description: spec.and_then(|s| s.description),
                toml: (*text).to_string(),
            }
        })
        .collect();
    HttpResponse::Ok().json(list)
}

/// Start a scenario comparison job: the baseline and each scenario on a stored forecast.
#[utoipa::path(post, operation_id = "comparisons_create", path = "/v1/centres/{id}/comparisons", tag = "scenarios",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    request_body = CreateComparison,
    responses((status = 202, description = "Queued; poll the job", body = JobRow),
        (status = 404, description = "No such centre or forecast", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "An unknown shipped scenario, an invalid scenario file \
            (line and reason) or one that names what the centre does not have", body = Problem,
            content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<CreateComparison>,
) -> Result<HttpResponse, Problem> {
    let centre_id = id.into_inner();
    let body = body.into_inner();
    let replications = body.replications.unwrap_or(5);
    if replications > MAX_REPLICATIONS {
        return Err(Problem::invalid(
            "replications",
            format!("replications must be 0-{MAX_REPLICATIONS}"),
        ));
    }
    let time_limit_s = body.time_limit_s.unwrap_or(15.0);
    if !(time_limit_s.is_finite() && time_limit_s > 0.0 && time_limit_s <= MAX_TIME_LIMIT_S) {
        return Err(Problem::invalid(
            "time_limit_s",
            format!("a number of seconds in (0, {MAX_TIME_LIMIT_S}]"),
        ));
    }
    let count = body.scenarios.len() + body.scenario_toml.len();
    if count == 0 || count > MAX_SCENARIOS {
        return Err(Problem::invalid(
            "scenarios",
            format!("choose 1-{MAX_SCENARIOS} scenarios (shipped or uploaded)"),
        ));
    }
    queue_job(&state, move |st| {
        let db = st.db.clone();
        let centre = centre_or_404(&db, centre_id)?;
        let forecast = db
            .forecast(body.forecast_id)?
            .filter(|f| f.centre_id == centre_id)
            .ok_or_else(|| {
                Problem::not_found("forecast of this centre", body.forecast_id)
                    .with_field("forecast_id")
            })?;
        let config = parse_config(&centre.config_toml, "stored configuration")?;
        // Every scenario is read and applied to the centre now, so a bad one is a 422 answer
        // rather than a failed job.
        let mut texts = Vec::new();
        for (i, name) in body.scenarios.iter().enumerate() {
            let Some((_, text)) = SHIPPED_SCENARIOS.iter().find(|(id, _)| id == name) else {
                return Err(Problem::invalid(
                    format!("scenarios[{i}]"),
                    format!(
                        "no shipped scenario {name:?}; expected one of {}",
                        SHIPPED_SCENARIOS
                            .iter()
                            .map(|(id, _)| *id)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            };
            parse_scenario(
                &config,
                text,
                &format!("{name}.toml"),
                &format!("scenarios[{i}]"),
            )?;
            texts.push((format!("{name}.toml"), text.to_string()));
        }
        for (i, text) in body.scenario_toml.iter().enumerate() {
            let label = format!("scenario_toml[{i}]");
            parse_scenario(&config, text, &label, &label)?;
            texts.push((label, text.clone()));
        }
        let params = serde_json::json!({
            "forecast_id": forecast.id, "scenarios": body.scenarios,
            "uploaded": body.scenario_toml.len(), "scenario_files": texts,
            "replications": replications,
            "time_limit_s": time_limit_s,
        });
        Ok(NewJob {
            kind: JobKind::Scenarios,
            centre_id,
            params,
            work: comparison_work(
                db.clone(),
                ComparisonJob {
                    centre_id,
                    config_toml: centre.config_toml,
                    forecast_id: forecast.id,
                    scenario_files: texts,
                    replications,
                    time_limit_s,
                },
            ),
        })
    })
    .await
}

/// What a scenario comparison job needs: the request as its job row records it (each scenario
/// file's label and text, shipped or uploaded), and the configuration.
pub(crate) struct ComparisonJob {
    /// The centre.
    pub centre_id: i64,
    /// Its configuration (TOML).
    pub config_toml: String,
    /// The stored forecast the scenarios change.
    pub forecast_id: i64,
    /// Each scenario's label (`name.toml` or `scenario_toml[i]`) and TOML text.
    pub scenario_files: Vec<(String, String)>,
    /// Simulation replications per roster (0: none).
    pub replications: u32,
    /// Solver time limit per roster, seconds.
    pub time_limit_s: f64,
}

/// The work of a comparison job: on the node it was submitted to, or rebuilt from its request
/// on another ([`crate::resume`]).
pub(crate) fn comparison_work(jdb: Db, job: ComparisonJob) -> Work {
    let ComparisonJob {
        centre_id,
        config_toml,
        forecast_id,
        scenario_files,
        replications,
        time_limit_s,
    } = job;
    Box::new(move |ctx| {
        let config = parse_config(&config_toml, "stored configuration")?;
        let scenarios = scenario_files
            .iter()
            .map(|(label, text)| parse_scenario(&config, text, label, label))
            .collect::<Result<Vec<_>, _>>()?;
        let csv = jdb
            .forecast_csv(forecast_id)?
            .ok_or_else(|| JobFailure::Failed("the forecast was deleted".into()))?;
        let out =
            work::compare_scenarios(ctx, &config, &csv, &scenarios, replications, time_limit_s)?;
        jdb.insert_comparison(
            centre_id,
            forecast_id,
            ctx.id,
            &out.comparison.to_string(),
            &out.html,
        )?;
        Ok(())
    })
}

/// Scenario comparisons of a centre, newest first.
#[utoipa::path(get, operation_id = "comparisons_list", path = "/v1/centres/{id}/comparisons", tag = "scenarios",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Comparisons", body = Vec<ComparisonRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    centre_list(&state, id.into_inner(), Db::comparisons).await
}

/// One comparison: per scenario and channel, required FTE, roster cost and the KPIs delivered.
#[utoipa::path(get, operation_id = "comparisons_get", path = "/v1/comparisons/{id}", tag = "scenarios",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Comparison id")),
    responses((status = 200, description = "The comparison", body = ComparisonRow),
        (status = 404, description = "No such comparison", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    stored_json(&state, "comparison", id.into_inner(), Db::comparison).await
}

/// The comparison as a self-contained HTML page (as `rota scenario --html`).
#[utoipa::path(get, operation_id = "comparisons_html", path = "/v1/comparisons/{id}/comparison.html", tag = "scenarios",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Comparison id")),
    responses((status = 200, description = "HTML page", body = String, content_type = "text/html"),
        (status = 404, description = "No such comparison", body = Problem,
            content_type = "application/problem+json")))]
pub async fn html(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let page = stored(&state, "comparison", id.into_inner(), Db::comparison_html).await?;
    Ok(super::html_page(page))
}

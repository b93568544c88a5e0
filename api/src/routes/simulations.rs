//! Simulation runs: a roster replayed against the forecast it was built from in the
//! discrete-event simulation of `rota_simulation`; KPIs per channel against the centre's
//! targets with 95% confidence intervals.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{queue_job, stored_csv, stored_json, NewJob};
use super::histories::optional_json;
use super::{centre_or_404, AppState};
use crate::db::{Db, JobKind, JobRow, SimulationRow};
use crate::jobs::{JobFailure, Work};
use crate::problem::Problem;
use crate::work::{self, parse_config};

/// Most replications a request may ask for.
pub const MAX_REPLICATIONS: u32 = 500;

/// A simulation request (every field optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSimulation {
    /// Independent replications, 1-500 (default 20; at least 2 for confidence intervals).
    pub replications: Option<u32>,
    /// Master seed (default 1): the same seed gives the same report.
    pub seed: Option<u64>,
}

/// The simulations of a roster, newest first (404 when there is no such roster).
#[utoipa::path(get, operation_id = "simulations_list", path = "/v1/rosters/{id}/simulations", tag = "simulations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    responses((status = 200, description = "Simulations of the roster", body = Vec<SimulationRow>),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let roster_id = id.into_inner();
    let db = state.db.clone();
    let rows = super::blocking(move || {
        db.roster(roster_id)?
            .ok_or_else(|| Problem::not_found("roster", roster_id))?;
        Ok(db.roster_simulations(roster_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Start a simulation job for a roster.
#[utoipa::path(post, operation_id = "simulations_create", path = "/v1/rosters/{id}/simulations", tag = "simulations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    request_body = CreateSimulation,
    responses((status = 202, description = "Queued; poll the job", body = JobRow),
        (status = 400, description = "Malformed JSON", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid request (field named)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let roster_id = id.into_inner();
    let body: CreateSimulation = optional_json(&req, payload, 1 << 20).await?;
    let replications = body.replications.unwrap_or(20);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(Problem::invalid(
            "replications",
            format!("replications must be 1-{MAX_REPLICATIONS}"),
        ));
    }
    let seed = body.seed.unwrap_or(1);
    queue_job(&state, move |st| {
        let db = st.db.clone();
        let roster = db
            .roster(roster_id)?
            .ok_or_else(|| Problem::not_found("roster", roster_id))?;
        let centre = centre_or_404(&db, roster.centre_id)?;
        parse_config(&centre.config_toml, "stored configuration")?;
        let params = serde_json::json!({
            "roster_id": roster_id, "replications": replications, "seed": seed,
        });
        let (first, last) = roster_days(&roster)?;
        Ok(NewJob {
            kind: JobKind::Simulation,
            centre_id: centre.id,
            params,
            work: simulation_work(
                db.clone(),
                SimulationJob {
                    centre_id: centre.id,
                    config_toml: centre.config_toml,
                    roster_id,
                    days: (first, last),
                    replications,
                    seed,
                },
            ),
        })
    })
    .await
}

/// The first and last local dates of a stored roster.
pub(crate) fn roster_days(
    roster: &crate::db::RosterRow,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), Problem> {
    let first: chrono::NaiveDate = roster
        .first_day
        .parse()
        .map_err(|_| Problem::internal(format!("stored first day {:?}", roster.first_day)))?;
    Ok((
        first,
        first + chrono::Duration::days((roster.days - 1).max(0)),
    ))
}

/// What a simulation job needs: the request as its job row records it, and the configuration.
pub(crate) struct SimulationJob {
    /// The centre.
    pub centre_id: i64,
    /// Its configuration (TOML).
    pub config_toml: String,
    /// The stored roster simulated.
    pub roster_id: i64,
    /// Its first and last local dates.
    pub days: (chrono::NaiveDate, chrono::NaiveDate),
    /// Replications.
    pub replications: u32,
    /// Seed of the first replication.
    pub seed: u64,
}

/// The work of a simulation job: on the node it was submitted to, or rebuilt from its request
/// on another ([`crate::resume`]).
pub(crate) fn simulation_work(jdb: Db, job: SimulationJob) -> Work {
    let SimulationJob {
        centre_id,
        config_toml,
        roster_id,
        days,
        replications,
        seed,
    } = job;
    Box::new(move |ctx| {
        let config = parse_config(&config_toml, "stored configuration")?;
        let gone = || JobFailure::Failed("the roster or its forecast was deleted".into());
        let forecast_id = jdb.roster_forecast_id(roster_id)?.ok_or_else(gone)?;
        let forecast = jdb.forecast_csv(forecast_id)?.ok_or_else(gone)?;
        let shifts = jdb
            .roster_file(roster_id, crate::db::RosterFile::Shifts)?
            .ok_or_else(gone)?;
        let activities = jdb
            .roster_file(roster_id, crate::db::RosterFile::Activities)?
            .ok_or_else(gone)?;
        let out = work::simulate(
            ctx,
            &config,
            &forecast,
            &shifts,
            &activities,
            days,
            replications,
            seed,
        )?;
        jdb.insert_simulation(
            centre_id,
            roster_id,
            ctx.id,
            &serde_json::to_string(&out.document).map_err(|e| JobFailure::Failed(e.to_string()))?,
            &out.intervals_csv,
        )?;
        Ok(())
    })
}

/// One simulation run: KPIs per channel against the targets.
#[utoipa::path(get, operation_id = "simulations_get", path = "/v1/simulations/{id}", tag = "simulations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Simulation id")),
    responses((status = 200, description = "The simulation report", body = SimulationRow),
        (status = 404, description = "No such simulation", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    stored_json(&state, "simulation", id.into_inner(), Db::simulation).await
}

/// Simulated KPIs per interval and channel (means and 95% bounds).
#[utoipa::path(get, operation_id = "simulations_csv", path = "/v1/simulations/{id}/intervals.csv", tag = "simulations",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Simulation id")),
    responses((status = 200, description = "Per-interval KPIs", body = String,
            content_type = "text/csv"),
        (status = 404, description = "No such simulation", body = Problem,
            content_type = "application/problem+json")))]
pub async fn csv(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let name = format!("simulation-{id}-intervals.csv");
    stored_csv(&state, "simulation", id, &name, Db::simulation_csv).await
}

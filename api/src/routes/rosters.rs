//! Schedules and rosters: a schedule job solves the rostering programme (HiGHS) against a stored
//! requirement set, as `rota schedule`; the roster's files are downloads.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{centre_list, queue_job, stored, stored_csv, stored_json, NewJob};
use super::{centre_or_404, AppState};
use crate::db::{Db, JobKind, JobRow, RosterFile, RosterRow};
use crate::jobs::{JobFailure, Work};
use crate::problem::Problem;
use crate::work::{self, parse_config};

/// Longest solver time limit a request may ask for, seconds.
pub const MAX_TIME_LIMIT_S: f64 = 3600.0;

/// A schedule request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSchedule {
    /// The stored requirement set to roster against.
    pub requirement_set_id: i64,
    /// First local date of the roster (default: the forecast's first day).
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-16")]
    pub first_day: Option<NaiveDate>,
    /// Days to roster, 1-28 (default: the forecast's days).
    pub days: Option<u32>,
    /// Solver time limit, seconds (default: the service's `schedule_time_limit_s`).
    pub time_limit_s: Option<f64>,
}

/// Start a schedule job.
#[utoipa::path(post, operation_id = "rosters_create", path = "/v1/centres/{id}/schedules", tag = "schedules",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    request_body = CreateSchedule,
    responses((status = 202, description = "Queued; poll the job", body = JobRow),
        (status = 404, description = "No such centre or requirement set", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid request (field named)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<CreateSchedule>,
) -> Result<HttpResponse, Problem> {
    let centre_id = id.into_inner();
    let body = body.into_inner();
    let time_limit_s = body
        .time_limit_s
        .unwrap_or(state.config.schedule_time_limit_s);
    if !(time_limit_s.is_finite() && time_limit_s > 0.0 && time_limit_s <= MAX_TIME_LIMIT_S) {
        return Err(Problem::invalid(
            "time_limit_s",
            format!("a number of seconds in (0, {MAX_TIME_LIMIT_S}]"),
        ));
    }
    if body.days.is_some_and(|d| !(1..=28).contains(&d)) {
        return Err(Problem::invalid("days", "days must be 1-28"));
    }
    queue_job(&state, move |st| {
        let db = st.db.clone();
        let centre = centre_or_404(&db, centre_id)?;
        let set = db
            .requirement_set(body.requirement_set_id)?
            .filter(|r| r.centre_id == centre_id)
            .ok_or_else(|| {
                Problem::not_found("requirement set of this centre", body.requirement_set_id)
                    .with_field("requirement_set_id")
            })?;
        let forecast = db
            .forecast(set.forecast_id)?
            .ok_or_else(|| Problem::not_found("forecast", set.forecast_id))?;
        let first_day = match body.first_day {
            Some(d) => d,
            None => forecast.first_day.parse().map_err(|_| {
                Problem::internal(format!("stored first day {:?}", forecast.first_day))
            })?,
        };
        let days = body
            .days
            .unwrap_or_else(|| u32::try_from(forecast.days).unwrap_or(7));
        parse_config(&centre.config_toml, "stored configuration")?;
        let params = serde_json::json!({
            "requirement_set_id": set.id, "first_day": first_day, "days": days,
            "time_limit_s": time_limit_s,
        });
        Ok(NewJob {
            kind: JobKind::Schedule,
            centre_id,
            params,
            work: schedule_work(
                db.clone(),
                ScheduleJob {
                    centre_id,
                    config_toml: centre.config_toml,
                    requirement_set_id: set.id,
                    first_day,
                    days,
                    time_limit_s,
                },
            ),
        })
    })
    .await
}

/// What a schedule job needs: the request as its job row records it, and the configuration.
pub(crate) struct ScheduleJob {
    /// The centre.
    pub centre_id: i64,
    /// Its configuration (TOML).
    pub config_toml: String,
    /// The stored requirement set rostered against.
    pub requirement_set_id: i64,
    /// First local date of the roster.
    pub first_day: NaiveDate,
    /// Days rostered.
    pub days: u32,
    /// Solver time limit, seconds.
    pub time_limit_s: f64,
}

/// The work of a schedule job: on the node it was submitted to, or rebuilt from its request on
/// another ([`crate::resume`]).
pub(crate) fn schedule_work(jdb: Db, job: ScheduleJob) -> Work {
    let ScheduleJob {
        centre_id,
        config_toml,
        requirement_set_id,
        first_day,
        days,
        time_limit_s,
    } = job;
    Box::new(move |ctx| {
        let config = parse_config(&config_toml, "stored configuration")?;
        let csv = jdb
            .requirement_csv(requirement_set_id)?
            .ok_or_else(|| JobFailure::Failed("the requirement set was deleted".into()))?;
        let out = work::roster(ctx, &config, &csv, first_day, days, time_limit_s)?;
        jdb.insert_roster(&crate::db::NewRoster {
            centre_id,
            requirement_set_id,
            job_id: ctx.id,
            first_day: first_day.to_string(),
            days: i64::from(days),
            summary_json: out.summary.to_string(),
            roster_json: out.roster_json,
            shifts_csv: out.shifts_csv,
            activities_csv: out.activities_csv,
            coverage_csv: out.coverage_csv,
        })?;
        Ok(())
    })
}

/// Rosters of a centre, newest first.
#[utoipa::path(get, operation_id = "rosters_list", path = "/v1/centres/{id}/rosters", tag = "schedules",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Rosters", body = Vec<RosterRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    centre_list(&state, id.into_inner(), Db::rosters).await
}

/// One roster: paid cost and hours, objective, bound and gap, shortfall per channel, diagnosis.
#[utoipa::path(get, operation_id = "rosters_get", path = "/v1/rosters/{id}", tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    responses((status = 200, description = "The roster", body = RosterRow),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    stored_json(&state, "roster", id.into_inner(), Db::roster).await
}

/// A roster file: `shifts.csv`, `activities.csv`, `coverage.csv` or `roster.json`.
#[utoipa::path(get, operation_id = "rosters_file", path = "/v1/rosters/{id}/{file}", tag = "schedules",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id"),
        ("file" = String, Path,
            description = "shifts.csv | activities.csv | coverage.csv | roster.json")),
    responses((status = 200, description = "The file", body = String, content_type = "text/csv"),
        (status = 404, description = "No such roster or file", body = Problem,
            content_type = "application/problem+json")))]
pub async fn file(
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, Problem> {
    let (id, name) = path.into_inner();
    let kind = match name.as_str() {
        "shifts.csv" => RosterFile::Shifts,
        "activities.csv" => RosterFile::Activities,
        "coverage.csv" => RosterFile::Coverage,
        "roster.json" => RosterFile::Json,
        other => {
            return Err(Problem::new(
                actix_web::http::StatusCode::NOT_FOUND,
                "Not found",
                format!(
                    "no roster file `{other}`; expected shifts.csv, activities.csv, coverage.csv \
                     or roster.json"
                ),
            )
            .with_field("file"))
        }
    };
    let read = move |db: &Db, id| db.roster_file(id, kind);
    if kind == RosterFile::Json {
        let text = stored(&state, "roster", id, read).await?;
        return Ok(HttpResponse::Ok()
            .content_type("application/json")
            .body(text));
    }
    stored_csv(&state, "roster", id, &name, read).await
}

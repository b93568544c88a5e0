//! Each agent's own schedule from a stored roster, as `rota export` writes it (`rota_export`):
//! an iCalendar file per agent, and the team's rota as CSV, XLSX and a printable HTML grid.

use std::path::Path;

use actix_web::{http::StatusCode, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{blocking, centre_or_404, html_page, AppState};
use crate::db::{Db, RosterFile};
use crate::problem::Problem;
use crate::work::parse_config;
use rota_export::{write_ics, Format, Schedule};

/// The schedule of stored roster `id` over its own days, with the agents' names and teams from
/// its centre's configuration.
fn roster_schedule(db: &Db, id: i64) -> Result<Schedule, Problem> {
    let row = db
        .roster(id)?
        .ok_or_else(|| Problem::not_found("roster", id))?;
    let centre = centre_or_404(db, row.centre_id)?;
    let config = parse_config(&centre.config_toml, "stored configuration")?;
    let file = |kind| {
        db.roster_file(id, kind)?
            .ok_or_else(|| Problem::not_found("roster", id))
    };
    let (shifts, activities) = (file(RosterFile::Shifts)?, file(RosterFile::Activities)?);
    let first: chrono::NaiveDate = row
        .first_day
        .parse()
        .map_err(|_| Problem::internal(format!("stored first day {:?}", row.first_day)))?;
    let last = first + chrono::Duration::days((row.days - 1).max(0));
    let unreadable = |e: &dyn std::fmt::Display| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Roster cannot be exported",
            format!("roster {id} against its centre's configuration today: {e}"),
        )
    };
    let plan = rota_simulation::RosterPlan::read_from(
        (shifts.as_bytes(), Path::new("shifts.csv")),
        (activities.as_bytes(), Path::new("activities.csv")),
        &config,
    )
    .and_then(|p| p.with_period(first, last))
    .map_err(|e| unreadable(&e))?;
    Schedule::from_plan(&plan, &config).map_err(|e| unreadable(&e))
}

/// A download of `body` as `name`.
fn download(format: Format, name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// The team-wide file of `format` for roster `id`.
async fn team_file(state: &AppState, id: i64, format: Format) -> Result<Vec<u8>, Problem> {
    let db = state.db.clone();
    blocking(move || {
        let schedule = roster_schedule(&db, id)?;
        let mut out = Vec::new();
        format
            .write_team(&schedule, &mut out)
            .map_err(Problem::internal)?;
        Ok(out)
    })
    .await
}

/// The rota as CSV: one row per agent and day.
#[utoipa::path(get, operation_id = "rosters_export_csv", path = "/v1/rosters/{id}/export/rota.csv",
    tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    responses((status = 200, description = "agent_id, agent_name, team, date, day, start, end, \
            paid_hours, channels, breaks, activities; a day off has empty times",
            body = String, content_type = "text/csv"),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "The roster no longer matches its centre's configuration",
            body = Problem, content_type = "application/problem+json")))]
pub async fn csv(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let body = team_file(&state, id, Format::Csv).await?;
    Ok(download(Format::Csv, &format!("rota-{id}.csv"), body))
}

/// The rota as an Excel workbook: a sheet per week, agents down, days across.
#[utoipa::path(get, operation_id = "rosters_export_xlsx", path = "/v1/rosters/{id}/export/rota.xlsx",
    tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    responses((status = 200, description = "The workbook (XLSX bytes)", body = String,
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "The roster no longer matches its centre's configuration",
            body = Problem, content_type = "application/problem+json")))]
pub async fn xlsx(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let body = team_file(&state, id, Format::Xlsx).await?;
    Ok(download(Format::Xlsx, &format!("rota-{id}.xlsx"), body))
}

/// The printable rota grid (agents by days, shift times and channels; prints landscape).
#[utoipa::path(get, operation_id = "rosters_export_html", path = "/v1/rosters/{id}/export/rota.html",
    tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    responses((status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "The roster no longer matches its centre's configuration",
            body = Problem, content_type = "application/problem+json")))]
pub async fn html(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let body = team_file(&state, id.into_inner(), Format::Html).await?;
    let text = String::from_utf8(body).map_err(Problem::internal)?;
    Ok(html_page(text))
}

/// An agent with a calendar in a roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentCalendar {
    /// Agent id.
    pub agent_id: String,
    /// Name.
    pub name: String,
    /// Team, if configured.
    pub team: Option<String>,
    /// Shifts in the roster.
    pub shifts: usize,
    /// The calendar's path (`/v1/rosters/{id}/calendars/{agent_id}.ics`).
    pub href: String,
}

/// The roster's agents and where each one's calendar is.
#[utoipa::path(get, operation_id = "rosters_calendars", path = "/v1/rosters/{id}/calendars",
    tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    responses((status = 200, description = "Every configured agent, with their shifts in the roster",
            body = Vec<AgentCalendar>),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "The roster no longer matches its centre's configuration",
            body = Problem, content_type = "application/problem+json")))]
pub async fn calendars(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let db = state.db.clone();
    let list = blocking(move || {
        let schedule = roster_schedule(&db, id)?;
        Ok(schedule
            .agents
            .iter()
            .map(|a| AgentCalendar {
                agent_id: a.id.clone(),
                name: a.name.clone(),
                team: a.team.clone(),
                shifts: a.shifts.len(),
                href: format!("/v1/rosters/{id}/calendars/{}.ics", a.id),
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One agent's calendar (RFC 5545): an event per shift in the centre's time zone, breaks,
/// activities and channels in its description; the same UIDs on every download, so a calendar
/// program updates a moved shift.
#[utoipa::path(get, operation_id = "rosters_calendar", path = "/v1/rosters/{id}/calendars/{file}",
    tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id"),
        ("file" = String, Path, description = "`<agent id>.ics`, e.g. NH001.ics")),
    responses((status = 200, description = "The calendar", body = String,
            content_type = "text/calendar"),
        (status = 404, description = "No such roster, or no such agent in its centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "The roster no longer matches its centre's configuration",
            body = Problem, content_type = "application/problem+json")))]
pub async fn calendar(
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, Problem> {
    let (id, file) = path.into_inner();
    let not_found = |detail: String| {
        Problem::new(StatusCode::NOT_FOUND, "Not found", detail).with_field("file")
    };
    let Some(agent) = file.strip_suffix(".ics").map(str::to_string) else {
        return Err(not_found(format!(
            "no calendar `{file}`; expected <agent id>.ics"
        )));
    };
    let db = state.db.clone();
    let body = blocking(move || {
        let schedule = roster_schedule(&db, id)?;
        if !schedule.agents.iter().any(|a| a.id == agent) {
            return Err(not_found(format!(
                "no agent `{agent}` in roster {id}'s centre"
            )));
        }
        let mut out = Vec::new();
        write_ics(&schedule, &agent, chrono::Utc::now(), &mut out).map_err(Problem::internal)?;
        Ok(out)
    })
    .await?;
    Ok(download(Format::Ics, &file, body))
}

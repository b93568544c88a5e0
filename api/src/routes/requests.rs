//! Time-off requests (issue #15, build 3): an agent asks for their own time off (a planner or
//! manager for anyone), a planner sees what approving it would do to the published week, a
//! manager approves or declines. Handlers parse, call [`crate::timeoff`] and the database off the
//! async workers, and answer; who may do what is the access table's
//! ([`crate::access::own_agent`] narrows an agent to their own requests).

use actix_web::{http::header, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{blocking, centre_or_404, AppState};
use crate::access::own_agent;
use crate::auth::Caller;
use crate::db::{Db, Decided, NewTimeOff, TimeOffRow};
use crate::problem::Problem;
use crate::timeoff::{self, Effect, PublishedWeek, TimeOff, TimeOffIn};
use crate::work::parse_config;

/// The request `id`, or 404; an agent's key finds only their own (another agent's is 404, as
/// if it did not exist).
fn request_for(db: &Db, caller: &Caller, id: i64) -> Result<TimeOffRow, Problem> {
    let row = db
        .time_off(id)?
        .ok_or_else(|| Problem::not_found("time-off request", id))?;
    match own_agent(&caller.grants, row.centre_id) {
        Some(agent) if agent != row.agent_id => Err(Problem::not_found("time-off request", id)),
        _ => Ok(row),
    }
}

/// A centre's time-off requests, newest first (an agent's key: their own only).
#[utoipa::path(get, operation_id = "requests_list", path = "/v1/centres/{id}/requests", tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Requests", body = Vec<TimeOffRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let centre_id = id.into_inner();
    let db = state.db.clone();
    let rows = blocking(move || {
        centre_or_404(&db, centre_id)?;
        let agent = own_agent(&caller.grants, centre_id);
        Ok(db.time_off_requests(centre_id, agent.as_deref())?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Ask for time off: an agent's key for themselves, a planner or above for any agent. The days
/// must fall in one published roster (so Rota can say what approving does); answered 201 with
/// the request, pending.
#[utoipa::path(post, operation_id = "requests_create", path = "/v1/centres/{id}/requests", tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    request_body = TimeOffIn,
    responses((status = 201, description = "Stored, pending", body = TimeOffRow),
        (status = 403, description = "An agent asking for someone else", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Unknown agent or type, bad times, days outside the \
            published rosters (field named)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<TimeOffIn>,
) -> Result<HttpResponse, Problem> {
    let centre_id = id.into_inner();
    let body = body.into_inner();
    let db = state.db.clone();
    let row = blocking(move || {
        let centre = centre_or_404(&db, centre_id)?;
        if let Some(agent) = own_agent(&caller.grants, centre_id) {
            if body.agent_id.trim() != agent {
                return Err(Problem::new(
                    actix_web::http::StatusCode::FORBIDDEN,
                    "Forbidden",
                    format!("an agent's key asks for time off for its own agent ({agent}) only"),
                )
                .with_field("agent_id"));
            }
        }
        let config = parse_config(&centre.config_toml, "stored configuration")?;
        let request = TimeOff::parse(&config, &body)?;
        let (first, last) = request.days(&config);
        timeoff::publication_for(&db.publications(centre_id)?, first, last)?;
        let id = db.insert_time_off(&NewTimeOff {
            centre_id,
            agent_id: request.agent_id,
            from: request.from,
            to: request.to,
            kind: request.kind,
            note: request.note,
            created_by: caller.label(),
        })?;
        tracing::info!(centre = centre_id, request = id, "time-off request stored");
        db.time_off(id)?
            .ok_or_else(|| Problem::internal("the request was not stored"))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/requests/{}", row.id)))
        .json(row))
}

/// One time-off request.
#[utoipa::path(get, operation_id = "requests_get", path = "/v1/requests/{id}", tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "The request", body = TimeOffRow),
        (status = 404, description = "No such request (or another agent's)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let db = state.db.clone();
    let row = blocking(move || request_for(&db, &caller, id)).await?;
    Ok(HttpResponse::Ok().json(row))
}

/// What approving the request would do to the published week, per channel and day of the
/// request: the predicted abandon rate, ASA, service level and hours short as published and
/// with the agent away (`rota replan --preview`; takes a few seconds, rate-limited).
#[utoipa::path(get, operation_id = "requests_effect", path = "/v1/requests/{id}/effect", tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "The effect", body = Effect),
        (status = 404, description = "No such request", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "The request's days are no longer in a published roster",
            body = Problem, content_type = "application/problem+json")))]
pub async fn effect(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let db = state.db.clone();
    let effect = blocking(move || {
        let row = request_for(&db, &caller, id)?;
        let centre = centre_or_404(&db, row.centre_id)?;
        let config = parse_config(&centre.config_toml, "stored configuration")?;
        let request = TimeOff::parse(
            &config,
            &TimeOffIn {
                agent_id: row.agent_id.clone(),
                from: row.from.clone(),
                to: row.to.clone(),
                kind: row.kind.clone(),
                note: row.note.clone(),
            },
        )?;
        let (first, last) = request.days(&config);
        let published = timeoff::publication_for(&db.publications(row.centre_id)?, first, last)?;
        let roster = db
            .roster(published.roster_id)?
            .ok_or_else(|| Problem::not_found("roster", published.roster_id))?;
        let file = |f| {
            db.roster_file(roster.id, f)?
                .ok_or_else(|| Problem::not_found("roster", roster.id))
        };
        let shifts = file(crate::db::RosterFile::Shifts)?;
        let activities = file(crate::db::RosterFile::Activities)?;
        let requirements = db
            .requirement_csv(roster.requirement_set_id)?
            .ok_or_else(|| Problem::not_found("requirement set", roster.requirement_set_id))?;
        let first_day = roster
            .first_day
            .parse()
            .map_err(|_| Problem::internal(format!("stored first day {:?}", roster.first_day)))?;
        let out = timeoff::effect(
            &config,
            row.id,
            &request,
            &PublishedWeek {
                roster_id: roster.id,
                first_day,
                days: u32::try_from(roster.days).unwrap_or(7),
                shifts_csv: &shifts,
                activities_csv: &activities,
                requirements_csv: &requirements,
            },
        )?;
        tracing::info!(
            request = id,
            roster = roster.id,
            seconds = out.seconds,
            "time-off effect"
        );
        Ok(out)
    })
    .await?;
    Ok(HttpResponse::Ok().json(effect))
}

/// A decision and what it did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Decision {
    /// The request as it now stands.
    pub request: TimeOffRow,
}

async fn decide(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    approve: bool,
) -> Result<HttpResponse, Problem> {
    let db = state.db.clone();
    let row = blocking(move || {
        let row = request_for(&db, &caller, id)?;
        let reason = format!(
            "{} (time-off request {})",
            row.kind.replace('_', " "),
            row.id
        );
        match db.decide_time_off(id, approve, &caller.label(), &reason)? {
            Decided::Done(r) => Ok(*r),
            Decided::AlreadyDecided(r) => Err(Problem::conflict(format!(
                "request {} was {} by {} at {}; a decision stands (ask again for a new one)",
                r.id,
                r.status,
                r.decided_by.as_deref().unwrap_or("someone"),
                r.decided_at.as_deref().unwrap_or("an earlier time")
            ))),
            Decided::Missing => Err(Problem::not_found("time-off request", id)),
        }
    })
    .await?;
    Ok(HttpResponse::Ok().json(Decision { request: row }))
}

/// Approve a pending request (manager or above): the agent's absence is recorded with it
/// (`/v1/centres/{id}/absences`), so the Today view and re-planning know. Approving again
/// changes nothing; a declined request is 409.
#[utoipa::path(post, operation_id = "requests_approve", path = "/v1/requests/{id}/approve", tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "Approved", body = Decision),
        (status = 404, description = "No such request", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Declined already", body = Problem,
            content_type = "application/problem+json")))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    decide(state, caller, id.into_inner(), true).await
}

/// Decline a pending request (manager or above). Declining again changes nothing; an approved
/// request is 409.
#[utoipa::path(post, operation_id = "requests_decline", path = "/v1/requests/{id}/decline", tag = "requests",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Request id")),
    responses((status = 200, description = "Declined", body = Decision),
        (status = 404, description = "No such request", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Approved already", body = Problem,
            content_type = "application/problem+json")))]
pub async fn decline(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    decide(state, caller, id.into_inner(), false).await
}

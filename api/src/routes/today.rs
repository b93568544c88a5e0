//! Today (issue #17): a centre's interval actuals and absences as they arrive (upserted, so an
//! ACD integration can post every interval and late corrections replace earlier rows), the day's
//! view (`rota intraday` over what the service stores) and accepting a recommended action, which
//! stores the edited roster as a new roster.

use actix_web::{http::header, web, HttpResponse};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_simulation::RosterPlan;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::histories::{plain_file_name, read_body};
use super::{blocking, centre_or_404, AppState};
use crate::db::{
    AbsenceRow, ActualRow, Db, DbError, EditedRoster, RosterFile, RosterRow, Upserted,
};
use crate::problem::Problem;
use crate::today::{self, AbsencesIn, ActionView, ActualsIn, TodaySource, TodayView, UpdateChoice};
use crate::work::parse_config;

/// Options of a CSV upload.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UpsertQuery {
    /// File name to name in diagnostics of a CSV body (default `actuals.csv` / `absences.csv`).
    pub filename: Option<String>,
}

/// What an upsert stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct UpsertReply {
    /// Rows received.
    pub rows: usize,
    /// New and replaced rows.
    #[serde(flatten)]
    pub upserted: Upserted,
}

/// Which stored actuals to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ActualsQuery {
    /// Local date (default: today in the centre's time zone).
    #[param(value_type = Option<String>, format = Date, example = "2026-11-16")]
    pub date: Option<NaiveDate>,
}

/// Which day's view: `now`, and optionally the roster and forecast to use.
#[derive(Debug, Default, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TodayQuery {
    /// Now: RFC 3339 or the centre's local `YYYY-MM-DD HH:MM` (default: the clock). Intervals
    /// that end by then are "so far"; stored actuals of later intervals are not used.
    #[param(example = "2026-11-16T10:15:00+00:00")]
    pub now: Option<String>,
    /// The roster as published (default: the centre's newest roster, so an accepted action's
    /// edited roster is used from then on).
    pub roster_id: Option<i64>,
    /// The forecast made before the day (default: the one the roster was planned from).
    pub forecast_id: Option<i64>,
    /// How the day's level is updated (default `shrunk`).
    pub update: Option<UpdateChoice>,
}

/// Accepting an action: the view it was chosen from, and the action's id as listed.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptAction {
    /// `now` of the view the action was chosen from (default: the clock).
    pub now: Option<String>,
    /// The roster of that view (default: the newest).
    pub roster_id: Option<i64>,
    /// The forecast of that view (default: the roster's).
    pub forecast_id: Option<i64>,
    /// The update of that view.
    pub update: Option<UpdateChoice>,
    /// The action's `id` as listed: when the list has changed since (new actuals, another accepted
    /// action), the answer is 409 instead of accepting a different action at that rank.
    pub action_id: Option<String>,
}

/// The accepted action and the roster it made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// The new roster (edited from `roster.edited_from`).
    pub roster: RosterRow,
    /// The action accepted.
    pub action: ActionView,
}

/// Checks a posted batch against the centre: (configuration, is JSON, file name, body).
type Check<T> = fn(&CentreConfig, bool, &str, &[u8]) -> Result<Vec<T>, Problem>;

/// A posted batch: JSON (by its content type) or a file, with the name its problems give.
struct Upload {
    json: bool,
    filename: String,
    body: Vec<u8>,
}

impl Upload {
    async fn read(
        state: &AppState,
        req: actix_web::HttpRequest,
        query: web::Query<UpsertQuery>,
        payload: web::Payload,
        default_name: &str,
    ) -> Result<Self, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("application/json"));
        let filename = plain_file_name(query.into_inner().filename, default_name)?;
        let body = read_body(&req, payload, state.config.max_body_bytes()).await?;
        Ok(Self {
            json,
            filename,
            body,
        })
    }

    /// Checks the batch against the centre with `check` (configuration, is JSON, file name,
    /// body) and stores it with `store` in one transaction: all rows or none.
    async fn store<T: Send + 'static>(
        self,
        state: &AppState,
        centre_id: i64,
        check: Check<T>,
        store: fn(&Db, i64, &[T]) -> Result<Upserted, DbError>,
    ) -> Result<HttpResponse, Problem> {
        let db = state.db.clone();
        let reply = blocking(move || {
            let config = centre_config(&db, centre_id)?;
            let rows = check(&config, self.json, &self.filename, &self.body)?;
            let upserted = store(&db, centre_id, &rows)?;
            tracing::info!(
                centre = centre_id,
                rows = rows.len(),
                inserted = upserted.inserted,
                replaced = upserted.replaced,
                "upserted"
            );
            Ok(UpsertReply {
                rows: rows.len(),
                upserted,
            })
        })
        .await?;
        Ok(HttpResponse::Ok().json(reply))
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(body).map_err(|e| {
        let msg = e.to_string();
        let field = msg.split('`').nth(1).unwrap_or("body").to_string();
        Problem::bad_request(field, format!("invalid JSON body: {msg}"))
    })
}

fn centre_config(db: &Db, centre_id: i64) -> Result<CentreConfig, Problem> {
    let centre = centre_or_404(db, centre_id)?;
    Ok(parse_config(&centre.config_toml, "stored configuration")?)
}

/// Upsert interval actuals.
#[utoipa::path(post, operation_id = "actuals_upsert", path = "/v1/centres/{id}/actuals", tag = "today",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id"), UpsertQuery),
    request_body(content(
        (ActualsIn = "application/json"),
        (String = "text/csv")),
        description = "JSON rows, or a file in the history export format (CSV or CSV.gz, read \
            like an uploaded history). A row for a channel and interval already stored replaces \
            it; nothing is stored unless every row passes."),
    responses(
        (status = 200, description = "Stored", body = UpsertReply),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "A row refused: unknown channel, a time off the grid or \
            after now, a count out of range (each named: `rows[3].channel: ...`, or file:line:column)",
            body = Problem, content_type = "application/problem+json")))]
pub async fn upsert_actuals(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    id: web::Path<i64>,
    query: web::Query<UpsertQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let upload = Upload::read(&state, req, query, payload, "actuals.csv").await?;
    let centre_id = id.into_inner();
    upload
        .store(
            &state,
            centre_id,
            |config, json, name, body| {
                let wall = Utc::now();
                Ok(if json {
                    let input: ActualsIn = parse_json(body)?;
                    today::check_actuals(config, &input.rows, wall)?
                } else {
                    today::read_actuals_csv(config, name, body, wall)?
                })
            },
            Db::upsert_actuals,
        )
        .await
}

/// A day's stored actuals.
#[utoipa::path(get, operation_id = "actuals_list", path = "/v1/centres/{id}/actuals", tag = "today",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id"), ActualsQuery),
    responses((status = 200, description = "The day's actuals by interval and channel",
            body = Vec<ActualRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list_actuals(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ActualsQuery>,
) -> Result<HttpResponse, Problem> {
    let centre_id = id.into_inner();
    let date = query.into_inner().date;
    let db = state.db.clone();
    let rows = blocking(move || {
        let config = centre_config(&db, centre_id)?;
        let grid = config.grid();
        let date = date.unwrap_or_else(|| grid.local_date(&Utc::now()));
        let starts = grid.interval_starts(date);
        let (Some(first), Some(last)) = (starts.first(), starts.last()) else {
            return Ok(Vec::new());
        };
        Ok(db.actuals(
            centre_id,
            first.fixed_offset(),
            last.fixed_offset() + grid.length.as_duration(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Upsert absences.
#[utoipa::path(post, operation_id = "absences_upsert", path = "/v1/centres/{id}/absences", tag = "today",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id"), UpsertQuery),
    request_body(content(
        (AbsencesIn = "application/json"),
        (String = "text/csv")),
        description = "JSON absences, or CSV `agent_id,from,to[,reason]` (as `rota intraday \
            --absences`). An absence of the same agent from the same instant replaces the \
            stored one."),
    responses(
        (status = 200, description = "Stored", body = UpsertReply),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Unknown agent, bad time, an end before the start (named)",
            body = Problem, content_type = "application/problem+json")))]
pub async fn upsert_absences(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    id: web::Path<i64>,
    query: web::Query<UpsertQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let upload = Upload::read(&state, req, query, payload, "absences.csv").await?;
    let centre_id = id.into_inner();
    upload
        .store(
            &state,
            centre_id,
            |config, json, name, body| {
                Ok(if json {
                    let input: AbsencesIn = parse_json(body)?;
                    today::check_absences(config, &input.absences)?
                } else {
                    today::read_absences_csv(config, name, body)?
                })
            },
            Db::upsert_absences,
        )
        .await
}

/// A centre's absences.
#[utoipa::path(get, operation_id = "absences_list", path = "/v1/centres/{id}/absences", tag = "today",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Absences by start", body = Vec<AbsenceRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list_absences(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    super::common::centre_list(&state, id.into_inner(), Db::absences).await
}

/// What the day's view is computed from, read from the store.
struct Loaded {
    config: CentreConfig,
    forecast: DemandSeries,
    forecast_id: i64,
    plan: RosterPlan,
    roster: RosterRow,
    actuals: Vec<ActualRow>,
    absences: Vec<AbsenceRow>,
    now: DateTime<FixedOffset>,
    update: UpdateChoice,
}

/// `now` as given (RFC 3339 or the centre's local time), or the clock.
fn now_of(
    given: Option<&str>,
    grid: &rota_data::grid::IntervalGrid,
) -> Result<DateTime<FixedOffset>, Problem> {
    let Some(s) = given else {
        return Ok(grid.to_local(&Utc::now()).fixed_offset());
    };
    rota_intraday::actuals::parse_time(s, grid).map_err(|m| {
        // A `+` in a query string reads as a space.
        let hint = if s.trim().contains(' ') && s.contains(':') {
            " (write a `+` offset in a query string as %2B)"
        } else {
            ""
        };
        Problem::invalid("now", format!("{m}{hint}"))
    })
}

/// The roster `roster_id` of the centre, or its newest.
fn roster_of(db: &Db, centre_id: i64, roster_id: Option<i64>) -> Result<RosterRow, Problem> {
    match roster_id {
        Some(rid) => db
            .roster(rid)?
            .filter(|r| r.centre_id == centre_id)
            .ok_or_else(|| {
                Problem::not_found("roster of this centre", rid).with_field("roster_id")
            }),
        None => db.rosters(centre_id)?.into_iter().next().ok_or_else(|| {
            Problem::invalid(
                "roster_id",
                "the centre has no roster yet: run a schedule first",
            )
        }),
    }
}

/// A stored roster's plan.
fn plan_of(db: &Db, config: &CentreConfig, roster: &RosterRow) -> Result<RosterPlan, Problem> {
    let read = |f| {
        db.roster_file(roster.id, f)?
            .ok_or_else(|| Problem::not_found("roster", roster.id))
    };
    Ok(today::read_plan(
        config,
        &read(RosterFile::Shifts)?,
        &read(RosterFile::Activities)?,
    )?)
}

fn load(db: &Db, centre_id: i64, q: &TodayQuery) -> Result<Loaded, Problem> {
    let config = centre_config(db, centre_id)?;
    let grid = config.grid();
    let now = now_of(q.now.as_deref(), &grid)?;
    let roster = roster_of(db, centre_id, q.roster_id)?;
    let first: NaiveDate = roster
        .first_day
        .parse()
        .map_err(|_| Problem::internal(format!("stored first day {:?}", roster.first_day)))?;
    let last = first + Duration::days(roster.days.max(1) - 1);
    let date = grid.local_date(&now);
    if date < first || date > last {
        return Err(Problem::invalid(
            "now",
            format!(
                "{} is on {date}, outside roster {} ({first} to {last}); give a time the roster \
                 covers, or the roster of that day",
                now.to_rfc3339(),
                roster.id
            ),
        ));
    }
    let forecast_id = match q.forecast_id {
        Some(f) => {
            db.forecast(f)?
                .filter(|r| r.centre_id == centre_id)
                .ok_or_else(|| {
                    Problem::not_found("forecast of this centre", f).with_field("forecast_id")
                })?
                .id
        }
        None => db
            .roster_forecast_id(roster.id)?
            .ok_or_else(|| Problem::internal("the roster's forecast is missing"))?,
    };
    let csv = db
        .forecast_csv(forecast_id)?
        .ok_or_else(|| Problem::not_found("forecast", forecast_id))?;
    let forecast = crate::work::read_forecast(&config, csv.as_bytes(), "forecast")?;
    let plan = plan_of(db, &config, &roster)?;
    let from = forecast.span().map_or(now, |(f, _)| f.min(now));
    let actuals = db.actuals(centre_id, from, now)?;
    let absences = db.absences(centre_id)?;
    Ok(Loaded {
        config,
        forecast,
        forecast_id,
        plan,
        roster,
        actuals,
        absences,
        now,
        update: q.update.unwrap_or_default(),
    })
}

fn compute(l: &Loaded) -> Result<today::Computed, Problem> {
    Ok(today::compute(&TodaySource {
        config: &l.config,
        forecast: (&l.forecast, l.forecast_id),
        roster: (&l.plan, l.roster.id),
        actuals: &l.actuals,
        absences: &l.absences,
        now: l.now,
        update: l.update,
    })?)
}

/// Today: the re-forecast, the day's KPIs as staffed and what to do now.
#[utoipa::path(get, operation_id = "today", path = "/v1/centres/{id}/today", tag = "today",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id"), TodayQuery),
    responses((status = 200, description = "The day's view", body = TodayView),
        (status = 404, description = "No such centre, roster or forecast", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "`now` outside the roster or the forecast, no roster yet, \
            a bad time", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<TodayQuery>,
) -> Result<HttpResponse, Problem> {
    let centre_id = id.into_inner();
    let q = query.into_inner();
    let db = state.db.clone();
    let view = blocking(move || {
        let loaded = load(&db, centre_id, &q)?;
        Ok(compute(&loaded)?.view)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Accept an action: its roster edits are made with `rota_intraday::apply` (which checks the
/// roster again) and stored as a new roster edited from the one the view used.
#[utoipa::path(post, operation_id = "today_accept", path = "/v1/centres/{id}/today/actions/{rank}/accept", tag = "today",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id"),
        ("rank" = usize, Path, description = "The action's rank in the view")),
    request_body = AcceptAction,
    responses((status = 201, description = "Accepted; the new roster", body = Accepted),
        (status = 404, description = "No such centre, roster or action", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The actions changed since the view (`action_id` differs)",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad `now`, or the edits make an invalid roster",
            body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<(i64, usize)>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let (centre_id, rank) = path.into_inner();
    let body: AcceptAction = super::histories::optional_json(&req, payload, 1 << 16).await?;
    let db = state.db.clone();
    let accepted = blocking(move || {
        let q = TodayQuery {
            now: body.now,
            roster_id: body.roster_id,
            forecast_id: body.forecast_id,
            update: body.update,
        };
        let loaded = load(&db, centre_id, &q)?;
        let computed = compute(&loaded)?;
        let Some(pos) = computed.view.actions.iter().position(|a| a.rank == rank) else {
            return Err(Problem::not_found("action ranked", rank as i64).with_field("rank"));
        };
        let view = computed.view.actions[pos].clone();
        if let Some(want) = &body.action_id {
            if *want != view.id {
                return Err(Problem::conflict(format!(
                    "the actions changed since they were listed: rank {rank} is now {:?} ({}); \
                     reload the view and choose again",
                    view.id, view.description
                ))
                .with_field("action_id"));
            }
        }
        let action = &computed.actions[pos];
        let edited = rota_intraday::apply(&loaded.config, &loaded.plan, &action.edits)
            .map_err(|e| Problem::invalid("rank", e.to_string()))?;
        let edit = serde_json::json!({
            "action": view,
            "now": loaded.now.to_rfc3339(),
            "forecast_id": loaded.forecast_id,
            "accepted_at": crate::db::now(),
        });
        let parent = loaded.roster.id;
        let read = |f| {
            db.roster_file(parent, f)?
                .ok_or_else(|| Problem::not_found("roster", parent))
        };
        let files = today::edited_files(
            &loaded.config,
            &edited,
            &read(RosterFile::Coverage)?,
            &read(RosterFile::Json)?,
            &edit,
        )?;
        let mut summary = loaded.roster.summary.clone();
        if let Some(obj) = summary.as_object_mut() {
            obj.insert(
                "edited".into(),
                serde_json::json!({
                    "from_roster": parent,
                    "action": view.description,
                    "note": format!(
                        "headline figures (cost, hours, gap) are the solver's for roster {parent}; \
                         shifts, activities and coverage are the edited roster's"
                    ),
                }),
            );
        }
        let new_id = db
            .insert_edited_roster(&EditedRoster {
                parent_id: parent,
                summary_json: summary.to_string(),
                roster_json: files.roster_json,
                shifts_csv: files.shifts_csv,
                activities_csv: files.activities_csv,
                coverage_csv: files.coverage_csv,
                edit_json: edit.to_string(),
            })?
            .ok_or_else(|| Problem::not_found("roster", parent))?;
        tracing::info!(centre = centre_id, parent, roster = new_id, action = %view.id, "action accepted");
        let roster = db
            .roster(new_id)?
            .ok_or_else(|| Problem::internal("the edited roster was not stored"))?;
        Ok(Accepted {
            roster,
            action: view,
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/rosters/{}", accepted.roster.id),
        ))
        .json(accepted))
}

/// Upsert agents' state events (adherence).
#[utoipa::path(post, operation_id = "agent_states_upsert", path = "/v1/centres/{id}/agent-states", tag = "today",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id"), UpsertQuery),
    request_body(content = String, content_type = "text/csv",
        description = "The phone system's agent state log as `rota adherence --events` reads it: \
            `agent_id, timestamp, state[, channel, activity]`. An event of the same agent at the \
            same instant replaces the stored one; exact repeats in the file count once."),
    responses(
        (status = 200, description = "Stored", body = UpsertReply),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Unknown agent, state or channel, a bad time, two states at \
            one instant, an event after now (file:line: column ...)",
            body = Problem, content_type = "application/problem+json")))]
pub async fn upsert_agent_states(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    id: web::Path<i64>,
    query: web::Query<UpsertQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let upload = Upload::read(&state, req, query, payload, "agent_states.csv").await?;
    let centre_id = id.into_inner();
    upload
        .store(
            &state,
            centre_id,
            |config, json, name, body| {
                if json {
                    return Err(Problem::bad_request(
                        "body",
                        "post agent state events as CSV (agent_id, timestamp, state, channel, \
                         activity), not JSON",
                    ));
                }
                let (events, _repeats) =
                    crate::adherence::read_events(config, name, body, Utc::now())?;
                Ok(events)
            },
            Db::upsert_agent_events,
        )
        .await
}

/// Which day's adherence.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AdherenceQuery {
    /// Measure up to this moment (RFC 3339 or local `YYYY-MM-DD HH:MM`; default: the clock);
    /// its local date is the day measured.
    pub now: Option<String>,
    /// The roster (default: the centre's newest).
    pub roster_id: Option<i64>,
}

/// A day's adherence, conformance and exceptions against the roster.
#[utoipa::path(get, operation_id = "adherence", path = "/v1/centres/{id}/adherence", tag = "today",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id"), AdherenceQuery),
    responses((status = 200, description = "The centre, its teams and each agent; the exceptions",
            body = crate::adherence::AdherenceView),
        (status = 404, description = "No such centre or roster", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "A bad `now`, no roster, or a day the roster does not cover",
            body = Problem, content_type = "application/problem+json")))]
pub async fn adherence(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<AdherenceQuery>,
) -> Result<HttpResponse, Problem> {
    let centre_id = id.into_inner();
    let q = query.into_inner();
    let db = state.db.clone();
    let view = blocking(move || {
        let config = centre_config(&db, centre_id)?;
        let grid = config.grid();
        let now = now_of(q.now.as_deref(), &grid)?;
        let roster = roster_of(&db, centre_id, q.roster_id)?;
        let plan = plan_of(&db, &config, &roster)?;
        let date = grid.local_date(&now);
        let starts = grid.interval_starts(date);
        let from = starts.first().map_or(now, |t| t.fixed_offset());
        let events = db.agent_events(centre_id, from, now + Duration::seconds(1))?;
        Ok(crate::adherence::day(
            &config,
            (&plan, roster.id),
            date,
            &events,
            Some(now),
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

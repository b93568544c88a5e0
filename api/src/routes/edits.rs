//! Publishing a roster version and editing one by hand (issue #15, build 5).
//!
//! Stored rosters never change: a hand edit makes a new version (`edited_from` naming its parent,
//! `edit` recording what was done, by whom, the rules it broke if forced, and the KPIs before and
//! after), and publishing marks a version as the week the floor works. A published version is so
//! locked by construction; editing it gives a draft that is published in its turn when the
//! manager is content, and until then everyone keeps seeing the published one.

use actix_web::{http::header, web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::common::centre_list;
use super::{blocking, centre_or_404, AppState};
use crate::auth::Caller;
use crate::db::{Db, EditedRoster, NewAudit, PublicationRow, RosterFile, RosterRow};
use crate::edits::{self, Edit, EditIn, KpiBeforeAfter, RuleBroken};
use crate::problem::Problem;
use crate::work::parse_config;

/// Publish a roster version (manager or above): from now on it is the week the floor works for
/// its days, replacing any version published before for the same first day. Publishing the
/// version in force again changes nothing.
#[utoipa::path(post, operation_id = "rosters_publish", path = "/v1/rosters/{id}/publish", tag = "schedules",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    responses((status = 200, description = "Published", body = PublicationRow),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json")))]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let db = state.db.clone();
    let row = blocking(move || {
        let row = db
            .publish_roster(id, &caller.label())?
            .ok_or_else(|| Problem::not_found("roster", id))?;
        tracing::info!(roster = id, publication = row.id, "roster published");
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(row))
}

/// A centre's publications, newest first: `current` marks the version published for each first
/// day (the week the floor works); the others are the record of what was published before.
#[utoipa::path(get, operation_id = "publications_list", path = "/v1/centres/{id}/publications", tag = "schedules",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Publications", body = Vec<PublicationRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn publications(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    centre_list(&state, id.into_inner(), Db::publications).await
}

/// An edit made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Edited {
    /// The new roster version.
    pub roster: RosterRow,
    /// The edit in words.
    pub edit: String,
    /// Made although it breaks rules (`warnings`).
    pub forced: bool,
    /// The rules the edit breaks (forced edits only; otherwise it is refused).
    pub warnings: Vec<RuleBroken>,
    /// Per channel on the edited day: hours short and predicted KPIs before and after.
    pub kpis: Vec<KpiBeforeAfter>,
    /// The changes in words ("voice abandon on Tue 17 Nov 35.3% -> 36.0%").
    pub said: Vec<String>,
    /// Whether the roster edited is the published version of its days (the new version is a
    /// draft until published).
    pub edited_published: bool,
}

/// Edit a roster by hand (planner or above): `move` a shift (`date`, `start`, `end`), `swap`
/// two agents' shifts of a day (`other_agent_id`), `delete` a shift, or set an `activity` for a
/// period of a shift (`start`, `end`, `activity`, `channel` for work). The edited roster is
/// re-checked by the independent rule checker and its KPIs predicted before and after; an edit
/// that breaks a rule the roster kept is refused (422, the rules in `errors`) unless
/// `force: true`, when it is made and recorded as a warning (in the new version's `edit` and the
/// audit log). The answer is the new version (201, `Location`).
#[utoipa::path(post, operation_id = "rosters_edit", path = "/v1/rosters/{id}/edits", tag = "schedules",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Roster id")),
    request_body = EditIn,
    responses((status = 201, description = "A new roster version", body = Edited),
        (status = 404, description = "No such roster", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Unknown agent, a day or time the roster does not have, or \
            a rule broken without force (named)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn edit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<EditIn>,
) -> Result<HttpResponse, Problem> {
    let parent_id = id.into_inner();
    let input = body.into_inner();
    let db = state.db.clone();
    let answer = blocking(move || {
        let parent = db
            .roster(parent_id)?
            .ok_or_else(|| Problem::not_found("roster", parent_id))?;
        let centre = centre_or_404(&db, parent.centre_id)?;
        let config = parse_config(&centre.config_toml, "stored configuration")?;
        let first: NaiveDate = parent
            .first_day
            .parse()
            .map_err(|_| Problem::internal(format!("stored first day {:?}", parent.first_day)))?;
        let days = u32::try_from(parent.days).unwrap_or(7);
        let last = first + chrono::Duration::days(i64::from(days) - 1);
        let edit = Edit::parse(&config, (first, last), &input)?;
        let parent_json = db
            .roster_file(parent_id, RosterFile::Json)?
            .ok_or_else(|| Problem::not_found("roster", parent_id))?;
        let stored = edits::Stored::read(&parent_json)?;
        let requirements = db
            .requirement_csv(parent.requirement_set_id)?
            .ok_or_else(|| Problem::not_found("requirement set", parent.requirement_set_id))?;
        let horizon = rota_plan::horizon(&config, first, days).map_err(Problem::internal)?;
        let needs = rota_roster::requirements::read_requirements_from(
            requirements.as_bytes(),
            std::path::Path::new("requirements.csv"),
            &horizon,
        )
        .map_err(|e| {
            Problem::invalid(
                "roster_id",
                format!("the roster's requirement set does not read: {e}"),
            )
        })?;
        let judge = rota_plan::replan::Judge::new(&needs, &config, horizon, &Default::default())
            .map_err(|e| Problem::invalid("roster_id", e.to_string()))?;
        let judged = edits::evaluate(&config, &judge, &stored, &edit)?;
        let described = edit.describe();
        if !judged.added.is_empty() && !input.force {
            let rules: Vec<&str> = judged.added.iter().map(|v| v.rule.as_str()).collect();
            return Err(Problem::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "Edit breaks a rule",
                format!(
                    "{described}: breaks the rule{} {} ({}); send \"force\": true to make it \
                     anyway, recorded as a warning",
                    if rules.len() == 1 { "" } else { "s" },
                    rules.join(", "),
                    judged.added[0].message
                ),
            )
            .with_field("force")
            .with_errors(judged.added.iter().map(RuleBroken::line).collect()));
        }
        let said = edits::said(&judged.kpis);
        let record = edits::record(&input, &described, &judged, &caller.label());
        let files = edits::files(&judged.after, &parent_json, &record)?;
        let summary = edits::summary(&parent.summary, parent_id, &described, &judged);
        let new_id = db
            .insert_edited_roster(&EditedRoster {
                parent_id,
                summary_json: summary.to_string(),
                roster_json: files.roster_json,
                shifts_csv: files.shifts_csv,
                activities_csv: files.activities_csv,
                coverage_csv: files.coverage_csv,
                edit_json: record.to_string(),
            })?
            .ok_or_else(|| Problem::not_found("roster", parent_id))?;
        let forced = !judged.added.is_empty();
        if forced {
            // the middleware's entry records the request; this one records what was overridden
            db.insert_audit(&NewAudit {
                user_id: caller.user_id(),
                actor: caller.label(),
                method: "POST".into(),
                path: format!("/v1/rosters/{parent_id}/edits"),
                centre_id: Some(parent.centre_id),
                status: 201,
                target: Some(format!(
                    "warning: forced edit of roster {parent_id} breaks {}",
                    judged
                        .added
                        .iter()
                        .map(RuleBroken::line)
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
                created: Some(format!("/v1/rosters/{new_id}")),
            })?;
        }
        tracing::info!(
            parent = parent_id,
            roster = new_id,
            forced,
            "roster edited by hand"
        );
        let edited_published = db
            .published_on(parent.centre_id, first)?
            .is_some_and(|p| p.roster_id == parent_id);
        let roster = db
            .roster(new_id)?
            .ok_or_else(|| Problem::internal("the edited roster was not stored"))?;
        Ok(Edited {
            roster,
            edit: described,
            forced,
            warnings: judged.added,
            kpis: judged.kpis,
            said,
            edited_published,
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/rosters/{}", answer.roster.id),
        ))
        .json(answer))
}

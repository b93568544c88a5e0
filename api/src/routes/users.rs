//! Who am I (`/v1/me`, what the dashboard shows or hides), users and their keys (admins), and the
//! audit log (admins and managers). The middleware has already checked the role; these handlers
//! narrow what a centre admin sees and changes to their own centres.

use actix_web::{http::header, http::StatusCode, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{blocking, AppState};
use crate::access::{decide, Class, Decision, Grant, Located, Operation, Role, Target};
use crate::auth::{Caller, Who};
use crate::db::audit::AuditQuery;
use crate::db::{AuditRow, UserRow};
use crate::problem::Problem;
use crate::users::{create_user, CreateUser, UserError};

/// What the caller may do in one centre.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeCentre {
    /// Centre id.
    pub id: i64,
    /// Centre name.
    pub name: String,
    /// The caller's role there.
    pub role: Role,
    /// Read the centre's data.
    pub read: bool,
    /// Upload histories, actuals, absences and agent states; accept actions; cancel jobs.
    pub record: bool,
    /// Run forecasts, staffing, schedules, simulations, comparisons and reports.
    pub compute: bool,
    /// Change the centre's configuration.
    pub configure: bool,
    /// Read time-off requests (an agent: their own).
    pub requests: bool,
    /// Ask for time off (an agent: for themselves).
    pub ask_time_off: bool,
    /// Publish rosters, approve and decline time off.
    pub decide: bool,
}

/// An agent's own calendar in one roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyCalendar {
    /// Roster id.
    pub roster_id: i64,
    /// First day of the roster.
    pub first_day: String,
    /// Days.
    pub days: i64,
    /// The calendar (iCalendar).
    pub href: String,
}

/// The caller: name, roles, centres and what they may do.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// User name, or `bootstrap token`.
    pub name: String,
    /// A bootstrap token from the environment rather than a user's key.
    pub bootstrap: bool,
    /// For an agent: their agent id.
    pub agent_id: Option<String>,
    /// Roles per centre (`centre` null: every centre).
    pub roles: Vec<Grant>,
    /// The centres the caller sees, with what they may do in each.
    pub centres: Vec<MeCentre>,
    /// May create centres.
    pub create_centres: bool,
    /// May manage users.
    pub manage_users: bool,
    /// May read the audit log.
    pub read_audit: bool,
    /// For an agent: their calendar in each of the centre's rosters, newest first.
    pub calendars: Vec<MyCalendar>,
}

fn allowed(caller: &Caller, class: Class, located: Located) -> bool {
    let op = Operation {
        class,
        target: Target::Global,
    };
    decide(&caller.grants, &op, located) == Decision::Allow
}

/// Who the key belongs to, its roles and what it may do (the dashboard hides the rest).
#[utoipa::path(get, operation_id = "me", path = "/v1/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = Me),
        (status = 401, description = "No or wrong key", body = Problem,
            content_type = "application/problem+json")))]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    let db = state.db.clone();
    let me = blocking(move || {
        let centres = db
            .centres()?
            .into_iter()
            .filter_map(|c| {
                let role = caller.grants.role_in(c.id)?;
                let here = Located::Centre(c.id);
                Some(MeCentre {
                    id: c.id,
                    name: c.name,
                    role,
                    read: allowed(&caller, Class::Read, here),
                    record: allowed(&caller, Class::Record, here),
                    compute: allowed(&caller, Class::Compute, here),
                    configure: allowed(&caller, Class::Configure, here),
                    requests: allowed(&caller, Class::Requests, here),
                    ask_time_off: allowed(&caller, Class::AskTimeOff, here),
                    decide: allowed(&caller, Class::Decide, here),
                })
            })
            .collect::<Vec<_>>();
        let mut calendars = Vec::new();
        if let Some(agent) = &caller.grants.agent {
            for c in &centres {
                for r in db.rosters(c.id)? {
                    calendars.push(MyCalendar {
                        roster_id: r.id,
                        href: format!("/v1/rosters/{}/calendars/{agent}.ics", r.id),
                        first_day: r.first_day,
                        days: r.days,
                    });
                }
            }
        }
        Ok(Me {
            name: match &caller.who {
                Who::User { name, .. } => name.clone(),
                Who::Bootstrap { .. } => caller.label(),
            },
            bootstrap: matches!(caller.who, Who::Bootstrap { .. }),
            agent_id: caller.grants.agent.clone(),
            roles: caller.grants.grants.clone(),
            create_centres: allowed(&caller, Class::CreateCentre, Located::Global),
            manage_users: allowed(&caller, Class::ManageUsers, Located::Global),
            read_audit: allowed(&caller, Class::ReadAudit, Located::Global),
            centres,
            calendars,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}

/// Whether an admin whose users-centres are `scope` (`None`: every centre) may see `user`: a
/// centre admin sees the users all of whose roles are in their centres.
fn within(scope: Option<&[i64]>, user: &UserRow) -> bool {
    match scope {
        None => true,
        Some(list) => user
            .roles
            .iter()
            .all(|g| g.centre.is_some_and(|c| list.contains(&c))),
    }
}

/// Users (revoked ones too): every user for an admin of every centre, a centre admin's own
/// centres' users otherwise. Keys are never shown.
#[utoipa::path(get, operation_id = "users_list", path = "/v1/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "Users", body = Vec<UserRow>),
        (status = 403, description = "Not an admin", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    let db = state.db.clone();
    let scope = caller.grants.centres_for(&Class::ManageUsers);
    let rows = blocking(move || {
        let mut rows = db.users()?;
        rows.retain(|u| within(scope.as_deref(), u));
        Ok(rows)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// A new user and their key.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    /// The user as stored.
    pub user: UserRow,
    /// The API key: shown this once, only its hash is kept.
    pub key: String,
}

impl From<UserError> for Problem {
    fn from(e: UserError) -> Self {
        match e {
            UserError::Db(e) => Problem::from(e),
            UserError::NameTaken(_) => Problem::conflict(e.to_string()).with_field("name"),
            UserError::UnknownCentre(c) => Problem::not_found("centre", c).with_field("centres"),
            e => Problem::invalid(e.field(), e.to_string()),
        }
    }
}

/// Create a user with a role in some centres (or every centre) and a new API key, answered once.
/// A centre admin creates users of their own centres only.
#[utoipa::path(post, operation_id = "users_create", path = "/v1/users", tag = "users", security(("bearer" = [])),
    request_body = CreateUser,
    responses((status = 201, description = "Created; the key is in the answer only", body = CreatedUser),
        (status = 403, description = "Not an admin (of every centre, for a user of every centre)",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Bad name, role, centres or agent", body = Problem,
            content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CreateUser>,
) -> Result<HttpResponse, Problem> {
    let body = body.into_inner();
    if let Some(scope) = caller.grants.centres_for(&Class::ManageUsers) {
        let Some(centres) = &body.centres else {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "only an admin of every centre may create a user of every centre; name the centres",
            )
            .with_field("centres"));
        };
        if let Some(c) = centres.iter().find(|c| !scope.contains(c)) {
            return Err(Problem::not_found("centre", *c).with_field("centres"));
        }
    }
    let db = state.db.clone();
    let by = caller.label();
    let (user, key) = blocking(move || Ok(create_user(&db, &body, &by)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/users/{}", user.id)))
        .json(CreatedUser { user, key }))
}

/// Revoke a user's key (it gets 401 from now on; the user stays listed, for the audit log).
/// Revoking again changes nothing.
#[utoipa::path(post, operation_id = "users_revoke", path = "/v1/users/{id}/revoke", tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "Revoked", body = UserRow),
        (status = 404, description = "No such user (in the admin's centres)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let scope = caller.grants.centres_for(&Class::ManageUsers);
    let db = state.db.clone();
    let row = blocking(move || {
        let missing = || Problem::not_found("user", id);
        let user = db.user(id)?.ok_or_else(missing)?;
        if !within(scope.as_deref(), &user) {
            return Err(missing());
        }
        db.revoke_user(id)?;
        db.user(id)?.ok_or_else(missing)
    })
    .await?;
    Ok(HttpResponse::Ok().json(row))
}

/// The audit log, newest first: every write that reached the access check (refused ones too),
/// with who, when, the centre, the answer's status, the resource addressed and the one created.
/// A centre's admin or manager reads their centres' entries.
#[utoipa::path(get, operation_id = "audit_list", path = "/v1/audit", tag = "users", security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, description = "Entries", body = Vec<AuditRow>),
        (status = 403, description = "Not an admin or manager", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such centre (among the caller's)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, Problem> {
    let query = query.into_inner();
    let scope = caller.grants.centres_for(&Class::ReadAudit);
    if let (Some(list), Some(c)) = (&scope, query.centre_id) {
        if !list.contains(&c) {
            return Err(Problem::not_found("centre", c).with_field("centre_id"));
        }
    }
    let db = state.db.clone();
    let rows = blocking(move || Ok(db.audit(&query, scope.as_deref())?)).await?;
    Ok(HttpResponse::Ok().json(rows))
}

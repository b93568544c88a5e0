//! Who may do what, in one place: roles, the classes of operation, the permission table, and
//! how a request (method and path) is classified and decided against a caller's grants.
//!
//! Handlers never compare roles. The middleware ([`crate::auth`]) classifies each request with
//! [`Operation::of`], finds the centre the addressed resource belongs to, and asks [`decide`].
//! A resource of a centre the caller has no role in is a 404 (not a 403), so a key for one centre
//! cannot learn which ids exist in another. Roles and classes are enums parsed at the boundary
//! (the CLI, the JSON body of `POST /v1/users`, the stored `user_roles.role` column).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user's role in a centre, from least to most trusted.
///
/// The order matters: a caller with several grants covering one centre acts with the highest.
/// `Agent` is the lowest because everything it may do (its own calendar) a viewer may do too.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An agent of the centre's roster: their own schedule only.
    Agent,
    /// Reads everything of the centre, changes nothing, runs no computation.
    Viewer,
    /// Uploads data, runs forecasts, staffing, schedules, simulations and reports.
    Planner,
    /// A planner who also changes the centre's configuration and reads its audit log.
    Manager,
    /// Everything, including the centre's users.
    Admin,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 5] = [
        Role::Agent,
        Role::Viewer,
        Role::Planner,
        Role::Manager,
        Role::Admin,
    ];

    /// The word stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Viewer => "viewer",
            Role::Planner => "planner",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role word that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`; expected one of admin, manager, planner, viewer, agent")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// A role in one centre, or in every centre (`centre: None`, present and future).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Grant {
    /// The centre, or `null` for every centre.
    pub centre: Option<i64>,
    /// The role there.
    pub role: Role,
}

/// What kind of thing an operation does: the rows of the permission table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// `GET /v1/me`: who am I.
    Me,
    /// Reading a centre's data (and the shipped scenarios and sample configuration).
    Read,
    /// Reading one agent's calendar: readers, and that agent.
    Calendar {
        /// The agent whose calendar it is.
        agent: String,
    },
    /// The Erlang calculator: microseconds, stores nothing.
    Calculate,
    /// Data in: histories, actuals, absences, agent states, accepting an action, cancelling a job.
    Record,
    /// Heavy computation: staffing requirements and every job-creating POST (rate-limited).
    Compute,
    /// Changing a centre's configuration.
    Configure,
    /// Creating a centre (an admin of every centre only).
    CreateCentre,
    /// Users and their keys.
    ManageUsers,
    /// Reading the audit log.
    ReadAudit,
    /// Reading time-off requests: readers see the centre's, an agent their own (the handler
    /// narrows an agent's answer with [`own_agent`]).
    Requests,
    /// Asking for time off: planners and above for anyone, an agent for themselves (the handler
    /// checks the body's agent with [`own_agent`]).
    AskTimeOff,
    /// What a change would do, computed and not stored (a time-off request's effect on the
    /// week): as heavy as a computation, so rate-limited, but not a write.
    Preview,
    /// Decisions a manager takes: publishing a roster version, approving or declining time off.
    Decide,
}

/// What the permission table says for one role and class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Permit {
    Yes,
    No,
    /// Only when the caller is the agent the operation is about.
    OwnAgent,
}

/// The permission table: class x role. Every access decision goes through here.
fn permit(class: &Class, role: Role) -> Permit {
    use Role::*;
    let yes_from = |least: Role| {
        if role >= least {
            Permit::Yes
        } else {
            Permit::No
        }
    };
    match class {
        Class::Me => Permit::Yes,
        Class::Calendar { .. } if role == Agent => Permit::OwnAgent,
        // an agent's own requests only: the handler narrows it (own_agent)
        Class::Requests | Class::AskTimeOff if role == Agent => Permit::Yes,
        Class::Requests => yes_from(Viewer),
        Class::AskTimeOff | Class::Preview => yes_from(Planner),
        Class::Decide => yes_from(Manager),
        Class::Read | Class::Calendar { .. } | Class::Calculate => yes_from(Viewer),
        Class::Record | Class::Compute => yes_from(Planner),
        Class::Configure | Class::ReadAudit => yes_from(Manager),
        Class::CreateCentre | Class::ManageUsers => yes_from(Admin),
    }
}

/// The kinds of stored thing addressed as `/v1/<kind>/{id}`, each with the table holding its
/// `centre_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `/v1/histories/{id}`.
    History,
    /// `/v1/forecasts/{id}`.
    Forecast,
    /// `/v1/requirements/{id}`.
    RequirementSet,
    /// `/v1/jobs/{id}`.
    Job,
    /// `/v1/rosters/{id}`.
    Roster,
    /// `/v1/simulations/{id}`.
    Simulation,
    /// `/v1/comparisons/{id}`.
    Comparison,
    /// `/v1/reports/{id}`.
    Report,
    /// `/v1/requests/{id}` (a time-off request).
    Request,
}

impl Kind {
    fn of_segment(s: &str) -> Option<Kind> {
        Some(match s {
            "histories" => Kind::History,
            "forecasts" => Kind::Forecast,
            "requirements" => Kind::RequirementSet,
            "jobs" => Kind::Job,
            "rosters" => Kind::Roster,
            "simulations" => Kind::Simulation,
            "comparisons" => Kind::Comparison,
            "reports" => Kind::Report,
            "requests" => Kind::Request,
            _ => return None,
        })
    }

    /// The table whose rows are this kind (a constant, never user input).
    pub fn table(self) -> &'static str {
        match self {
            Kind::History => "histories",
            Kind::Forecast => "forecasts",
            Kind::RequirementSet => "requirement_sets",
            Kind::Job => "jobs",
            Kind::Roster => "rosters",
            Kind::Simulation => "simulations",
            Kind::Comparison => "comparisons",
            Kind::Report => "reports",
            Kind::Request => "time_off_requests",
        }
    }

    /// The word for messages ("there is no roster with id 7").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::History => "history",
            Kind::Forecast => "forecast",
            Kind::RequirementSet => "requirement set",
            Kind::Job => "job",
            Kind::Roster => "roster",
            Kind::Simulation => "simulation",
            Kind::Comparison => "comparison",
            Kind::Report => "report",
            Kind::Request => "time-off request",
        }
    }
}

/// What an operation addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Nothing of one centre (the centre list, the calculators, users, the audit log).
    Global,
    /// A centre by id (`/v1/centres/{id}/...`, `?centre_id=`).
    Centre(i64),
    /// A stored thing whose centre must be looked up.
    Resource(Kind, i64),
    /// An id that is not a number: no resource can match (the handler answers 400).
    Unparsable,
}

/// A classified request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// What it does.
    pub class: Class,
    /// What it addresses.
    pub target: Target,
}

impl Operation {
    /// Classifies `method path?query` under `/v1`; `None` for paths outside it (probes, the
    /// dashboard, the OpenAPI document), which need no key.
    ///
    /// Every `/v1` path gets a class: a path no route serves is still classified (and then
    /// answered 404 by the router), so nothing is reachable without a decision.
    pub fn of(method: &str, path: &str, query: &str) -> Option<Operation> {
        let rest = path.strip_prefix("/v1/")?;
        let seg: Vec<&str> = rest.split('/').collect();
        let reads = matches!(method, "GET" | "HEAD");
        let op = |class, target| Some(Operation { class, target });
        let id = |s: &str| s.parse::<i64>().ok();
        match seg.as_slice() {
            ["me"] => op(Class::Me, Target::Global),
            ["users", ..] => op(Class::ManageUsers, Target::Global),
            ["audit"] => op(Class::ReadAudit, Target::Global),
            ["staffing", "erlang"] if !reads => op(Class::Calculate, Target::Global),
            ["staffing", ..] if !reads => {
                let centre = query_param(query, "centre_id");
                let target = match centre {
                    None => Target::Global,
                    Some(v) => id(v).map_or(Target::Unparsable, Target::Centre),
                };
                op(Class::Compute, target)
            }
            ["centres"] if !reads => op(Class::CreateCentre, Target::Global),
            ["centres", c, tail @ ..] => {
                let target = id(c).map_or(Target::Unparsable, Target::Centre);
                let class = match (reads, tail) {
                    (true, ["requests"]) => Class::Requests,
                    (true, _) => Class::Read,
                    (false, [] | ["channel-aliases"]) => Class::Configure,
                    (false, ["forecasts"] | ["schedules"] | ["comparisons"]) => Class::Compute,
                    (false, ["requests"]) => Class::AskTimeOff,
                    (false, _) => Class::Record,
                };
                op(class, target)
            }
            [kind, r, tail @ ..] if Kind::of_segment(kind).is_some() => {
                let kind = Kind::of_segment(kind)?;
                let target = id(r).map_or(Target::Unparsable, |i| Target::Resource(kind, i));
                let class = match (kind, tail) {
                    (Kind::Roster, ["calendars", file]) if reads => Class::Calendar {
                        agent: file.strip_suffix(".ics").unwrap_or(file).to_string(),
                    },
                    (Kind::Request, []) if reads => Class::Requests,
                    (Kind::Request, ["effect"]) if reads => Class::Preview,
                    _ if reads => Class::Read,
                    (Kind::Job, ["cancel"]) => Class::Record,
                    (Kind::Roster, ["edits"]) => Class::Record,
                    (Kind::Roster, ["publish"]) | (Kind::Request, ["approve" | "decline"]) => {
                        Class::Decide
                    }
                    _ => Class::Compute,
                };
                op(class, target)
            }
            _ if reads => op(Class::Read, Target::Global),
            _ => op(Class::Configure, Target::Global),
        }
    }
}

/// The value of `name` in a query string (no percent-decoding: ids are digits).
fn query_param<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Where the addressed resource turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Located {
    /// Nothing of one centre.
    Global,
    /// In this centre.
    Centre(i64),
    /// No such resource (or an id that is not a number).
    Missing,
}

/// The answer to "may this caller do this here?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// 403: the caller may see this centre but their role may not do this.
    Forbidden,
    /// 404: the caller has no role where this is (or it does not exist).
    NotFound,
}

/// The caller's grants and, for an agent, the roster id they are bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grants {
    /// Roles per centre.
    pub grants: Vec<Grant>,
    /// The agent id of an `agent` user.
    pub agent: Option<String>,
}

impl Grants {
    /// The caller's role in `centre` (the highest of the grants covering it).
    pub fn role_in(&self, centre: i64) -> Option<Role> {
        self.grants
            .iter()
            .filter(|g| g.centre.is_none_or(|c| c == centre))
            .map(|g| g.role)
            .max()
    }

    /// The caller's role in every centre (a grant with no centre), if any.
    pub fn everywhere(&self) -> Option<Role> {
        self.grants
            .iter()
            .filter(|g| g.centre.is_none())
            .map(|g| g.role)
            .max()
    }

    /// Whether the caller sees centre `id` at all.
    pub fn sees(&self, centre: i64) -> bool {
        self.role_in(centre).is_some()
    }

    /// The centres where the caller's role may do `class` (`None`: every centre).
    pub fn centres_for(&self, class: &Class) -> Option<Vec<i64>> {
        if self
            .everywhere()
            .is_some_and(|r| permit(class, r) == Permit::Yes)
        {
            return None;
        }
        Some(
            self.grants
                .iter()
                .filter(|g| permit(class, g.role) == Permit::Yes)
                .filter_map(|g| g.centre)
                .collect(),
        )
    }

    fn allows(&self, class: &Class, role: Role) -> bool {
        match permit(class, role) {
            Permit::Yes => true,
            Permit::No => false,
            Permit::OwnAgent => match class {
                Class::Calendar { agent } => self.agent.as_deref() == Some(agent.as_str()),
                _ => false,
            },
        }
    }
}

/// Decides `op` for a caller with `grants`, the addressed resource having been found `located`.
///
/// - In a centre the caller has no role in: 404, whatever the operation (existence stays
///   hidden).
/// - A missing resource: 404 for a caller bound to some centres (a 403 would tell them the id is
///   free rather than someone else's); a caller of every centre has nothing to be hidden from,
///   so their role decides and the handler says what is missing.
/// - Creating a centre needs a role in every centre.
/// - Otherwise the permission table decides, with the caller's role in that centre (or, for a
///   global operation, any of their roles).
pub fn decide(grants: &Grants, op: &Operation, located: Located) -> Decision {
    let verdict = |ok: bool| {
        if ok {
            Decision::Allow
        } else {
            Decision::Forbidden
        }
    };
    match located {
        Located::Centre(c) => match grants.role_in(c) {
            None => Decision::NotFound,
            Some(role) => verdict(grants.allows(&op.class, role)),
        },
        Located::Missing => match grants.everywhere() {
            None => Decision::NotFound,
            Some(role) => verdict(grants.allows(&op.class, role)),
        },
        Located::Global if op.class == Class::CreateCentre => verdict(
            grants
                .everywhere()
                .is_some_and(|r| grants.allows(&op.class, r)),
        ),
        Located::Global => verdict(
            grants
                .grants
                .iter()
                .any(|g| grants.allows(&op.class, g.role)),
        ),
    }
}

/// Whether an operation of this class is rate-limited per key.
pub fn is_heavy(class: &Class) -> bool {
    matches!(class, Class::Compute | Class::Preview)
}

/// The agent a caller acts as in `centre` when their role there is `agent` (their answers and
/// requests are narrowed to that agent); `None` for every other role, who see the whole centre.
/// An agent user without an agent id (which `rota users add` refuses) acts as nobody.
pub fn own_agent(grants: &Grants, centre: i64) -> Option<String> {
    (grants.role_in(centre)? == Role::Agent).then(|| grants.agent.clone().unwrap_or_default())
}

/// Whether an operation of this class changes stored data (and so goes in the audit log).
pub fn is_write(class: &Class) -> bool {
    matches!(
        class,
        Class::Record
            | Class::Compute
            | Class::AskTimeOff
            | Class::Decide
            | Class::Configure
            | Class::CreateCentre
            | Class::ManageUsers
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(list: &[(Option<i64>, Role)], agent: Option<&str>) -> Grants {
        Grants {
            grants: list
                .iter()
                .map(|&(centre, role)| Grant { centre, role })
                .collect(),
            agent: agent.map(str::to_string),
        }
    }

    #[test]
    fn roles_parse_from_their_words_only() {
        assert_eq!("Planner".parse::<Role>(), Ok(Role::Planner));
        assert!("superuser".parse::<Role>().is_err());
        assert!(Role::Admin > Role::Manager && Role::Viewer > Role::Agent);
    }

    #[test]
    fn requests_are_classified_by_method_and_path() {
        let of = |m, p, q| Operation::of(m, p, q).expect("a /v1 path");
        assert_eq!(
            of("POST", "/v1/centres/3/forecasts", ""),
            Operation {
                class: Class::Compute,
                target: Target::Centre(3)
            }
        );
        assert_eq!(of("PUT", "/v1/centres/3", "").class, Class::Configure);
        assert_eq!(of("POST", "/v1/centres/3/actuals", "").class, Class::Record);
        assert_eq!(
            of("GET", "/v1/rosters/7/calendars/NH012.ics", ""),
            Operation {
                class: Class::Calendar {
                    agent: "NH012".into()
                },
                target: Target::Resource(Kind::Roster, 7)
            }
        );
        assert_eq!(
            of(
                "POST",
                "/v1/staffing/requirements",
                "quantile=p50&centre_id=4"
            )
            .target,
            Target::Centre(4)
        );
        assert_eq!(
            of("POST", "/v1/staffing/erlang", "").class,
            Class::Calculate
        );
        assert_eq!(of("POST", "/v1/jobs/2/cancel", "").class, Class::Record);
        assert_eq!(of("GET", "/v1/centres/abc", "").target, Target::Unparsable);
        assert!(Operation::of("GET", "/health", "").is_none());
    }

    #[test]
    fn other_centres_are_not_found_and_roles_decide_in_ones_own() {
        let planner_of_1 = grants(&[(Some(1), Role::Planner)], None);
        let compute = |t| Operation {
            class: Class::Compute,
            target: t,
        };
        let op = compute(Target::Centre(1));
        assert_eq!(
            decide(&planner_of_1, &op, Located::Centre(1)),
            Decision::Allow
        );
        assert_eq!(
            decide(&planner_of_1, &op, Located::Centre(2)),
            Decision::NotFound
        );
        assert_eq!(
            decide(&planner_of_1, &op, Located::Missing),
            Decision::NotFound
        );
        let configure = Operation {
            class: Class::Configure,
            target: Target::Centre(1),
        };
        assert_eq!(
            decide(&planner_of_1, &configure, Located::Centre(1)),
            Decision::Forbidden
        );
        let everywhere_viewer = grants(&[(None, Role::Viewer)], None);
        assert_eq!(
            decide(&everywhere_viewer, &op, Located::Missing),
            Decision::Forbidden
        );
        let create = Operation {
            class: Class::CreateCentre,
            target: Target::Global,
        };
        let admin_of_1 = grants(&[(Some(1), Role::Admin)], None);
        assert_eq!(
            decide(&admin_of_1, &create, Located::Global),
            Decision::Forbidden
        );
        let admin = grants(&[(None, Role::Admin)], None);
        assert_eq!(decide(&admin, &create, Located::Global), Decision::Allow);
    }

    #[test]
    fn time_off_and_publishing_are_classified_and_decided() {
        let of = |m, p| Operation::of(m, p, "").expect("a /v1 path").class;
        assert_eq!(of("GET", "/v1/centres/1/requests"), Class::Requests);
        assert_eq!(of("POST", "/v1/centres/1/requests"), Class::AskTimeOff);
        assert_eq!(of("GET", "/v1/requests/4"), Class::Requests);
        assert_eq!(of("GET", "/v1/requests/4/effect"), Class::Preview);
        assert_eq!(of("POST", "/v1/requests/4/approve"), Class::Decide);
        assert_eq!(of("POST", "/v1/requests/4/decline"), Class::Decide);
        assert_eq!(of("POST", "/v1/rosters/4/publish"), Class::Decide);
        assert_eq!(of("POST", "/v1/rosters/4/edits"), Class::Record);
        assert_eq!(of("GET", "/v1/centres/1/publications"), Class::Read);
        let here = Located::Centre(1);
        let decide_as = |role, agent: Option<&str>, class: Class| {
            let op = Operation {
                class,
                target: Target::Centre(1),
            };
            decide(&grants(&[(Some(1), role)], agent), &op, here)
        };
        assert_eq!(
            decide_as(Role::Agent, Some("A1"), Class::AskTimeOff),
            Decision::Allow
        );
        assert_eq!(
            decide_as(Role::Agent, Some("A1"), Class::Requests),
            Decision::Allow
        );
        assert_eq!(
            decide_as(Role::Viewer, None, Class::AskTimeOff),
            Decision::Forbidden
        );
        assert_eq!(
            decide_as(Role::Agent, Some("A1"), Class::Preview),
            Decision::Forbidden
        );
        assert_eq!(
            decide_as(Role::Planner, None, Class::Decide),
            Decision::Forbidden
        );
        assert_eq!(
            decide_as(Role::Manager, None, Class::Decide),
            Decision::Allow
        );
        assert!(is_heavy(&Class::Preview) && !is_write(&Class::Preview));
        let agent = grants(
            &[(Some(1), Role::Agent), (Some(2), Role::Manager)],
            Some("A1"),
        );
        assert_eq!(own_agent(&agent, 1).as_deref(), Some("A1"));
        assert_eq!(
            own_agent(&agent, 2),
            None,
            "a manager there sees everyone's"
        );
        assert_eq!(own_agent(&agent, 3), None);
    }

    #[test]
    fn an_agent_reads_only_their_own_calendar() {
        let agent = grants(&[(Some(1), Role::Agent)], Some("A1"));
        let cal = |a: &str| Operation {
            class: Class::Calendar { agent: a.into() },
            target: Target::Resource(Kind::Roster, 5),
        };
        assert_eq!(
            decide(&agent, &cal("A1"), Located::Centre(1)),
            Decision::Allow
        );
        assert_eq!(
            decide(&agent, &cal("A2"), Located::Centre(1)),
            Decision::Forbidden
        );
        assert_eq!(
            decide(&agent, &cal("A1"), Located::Centre(2)),
            Decision::NotFound
        );
        let read = Operation {
            class: Class::Read,
            target: Target::Centre(1),
        };
        assert_eq!(
            decide(&agent, &read, Located::Centre(1)),
            Decision::Forbidden
        );
    }
}

//! Who is calling, and may they: the middleware in front of every `/v1` route.
//!
//! Every request needs `Authorization: Bearer <key>` except the probes (`/health`, `/ready`) and
//! the login-free static assets (the dashboard page, its scripts, `/openapi.json`, `/docs`). A key
//! is either a user's API key (looked up by its hash, see [`crate::users`]) or one of the
//! bootstrap tokens from the environment: a write token acts as an admin of every centre, a read
//! token as a viewer of every centre, so a fresh install can create its first users and the
//! tokens of earlier versions keep working. Bootstrap tokens are compared in constant time.
//!
//! The middleware then classifies the request ([`Operation::of`]), finds the centre of the
//! resource it addresses, and applies [`crate::access::decide`]: 404 for another centre's
//! resources, 403 for what the role may not do. Heavy computation is rate-limited per user key
//! (429 with `Retry-After`), and every write that reached this check is appended to the audit log with
//! its answer's status, refused attempts included.

use std::num::NonZeroU32;

use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::{header, StatusCode},
    middleware::Next,
    web, FromRequest, HttpMessage, HttpRequest,
};
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::access::{
    decide, is_heavy, is_write, Decision, Grant, Grants, Located, Operation, Role, Target,
};
use crate::db::{Db, NewAudit};
use crate::problem::Problem;
use crate::routes::AppState;

/// What a bootstrap token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Read (a viewer of every centre).
    Read,
    /// Read and write (an admin of every centre).
    Write,
}

/// The configured bootstrap tokens.
#[derive(Clone)]
pub struct Tokens {
    write: Vec<Vec<u8>>,
    read: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Tokens({} write, {} read)",
            self.write.len(),
            self.read.len()
        )
    }
}

impl Tokens {
    /// Tokens from the service configuration.
    pub fn new(write: &[String], read: &[String]) -> Self {
        Self {
            write: write.iter().map(|t| t.as_bytes().to_vec()).collect(),
            read: read.iter().map(|t| t.as_bytes().to_vec()).collect(),
        }
    }

    /// The access a presented token grants and which token it is. Every configured token is
    /// compared (no early exit), each in constant time.
    pub fn access(&self, presented: &[u8]) -> Option<(Access, usize)> {
        let mut found = None;
        for (i, t) in self.write.iter().enumerate() {
            if constant_time_eq::constant_time_eq(t, presented) && found.is_none() {
                found = Some((Access::Write, i));
            }
        }
        for (i, t) in self.read.iter().enumerate() {
            if constant_time_eq::constant_time_eq(t, presented) && found.is_none() {
                found = Some((Access::Read, i));
            }
        }
        found
    }
}

/// Who a request comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Who {
    /// A bootstrap token from the environment (`index` in its list).
    Bootstrap {
        /// Write (admin) or read (viewer).
        access: Access,
        /// Which token of the list.
        index: usize,
    },
    /// A user's API key.
    User {
        /// User id.
        id: i64,
        /// Name.
        name: String,
    },
}

/// The authenticated caller, as handlers see it (an extractor: 401 if the middleware did not
/// admit the request, which cannot happen under `/v1`).
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub who: Who,
    /// Their roles per centre.
    pub grants: Grants,
}

impl Caller {
    /// Who, in words, as the audit log and `created_by` record it.
    pub fn label(&self) -> String {
        match &self.who {
            Who::Bootstrap {
                access: Access::Write,
                ..
            } => "bootstrap token".into(),
            Who::Bootstrap {
                access: Access::Read,
                ..
            } => "bootstrap read token".into(),
            Who::User { name, .. } => format!("user {name}"),
        }
    }

    /// The user id, for a user's key.
    pub fn user_id(&self) -> Option<i64> {
        match self.who {
            Who::User { id, .. } => Some(id),
            Who::Bootstrap { .. } => None,
        }
    }

    fn bootstrap(access: Access, index: usize) -> Self {
        let role = match access {
            Access::Write => Role::Admin,
            Access::Read => Role::Viewer,
        };
        Caller {
            who: Who::Bootstrap { access, index },
            grants: Grants {
                grants: vec![Grant { centre: None, role }],
                agent: None,
            },
        }
    }
}

impl FromRequest for Caller {
    type Error = Problem;
    type Future = std::future::Ready<Result<Self, Problem>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "Unauthorized", "no key")),
        )
    }
}

/// What the middleware needs besides the database: the bootstrap tokens, this database's secret
/// for hashing keys, and the per-key limiter of heavy computation (`None`: unlimited).
pub struct Gate {
    tokens: Tokens,
    secret: Vec<u8>,
    limiter: Option<DefaultKeyedRateLimiter<Who>>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gate({:?}, limited: {})",
            self.tokens,
            self.limiter.is_some()
        )
    }
}

impl Gate {
    /// The gate for `tokens`, keys hashed under `secret`, heavy computation limited to
    /// `compute_per_minute` requests a minute per key (bursts of as many), 0 for no limit.
    pub fn new(tokens: Tokens, secret: Vec<u8>, compute_per_minute: u32) -> Self {
        Gate {
            tokens,
            secret,
            limiter: NonZeroU32::new(compute_per_minute)
                .map(|n| RateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    /// Seconds to wait when `who` is over its limit. The bootstrap tokens are the operator's
    /// own (set in the service's environment, not handed to people), so they are not limited:
    /// scripts and load tests that use them keep their throughput.
    fn over_limit(&self, who: &Who) -> Option<u64> {
        if matches!(who, Who::Bootstrap { .. }) {
            return None;
        }
        let limiter = self.limiter.as_ref()?;
        let not_until = limiter.check_key(who).err()?;
        let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
        Some(wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}

/// Paths served without a key.
pub fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/health" | "/ready" | "/" | "/index.html" | "/openapi.json" | "/docs" | "/favicon.ico"
    ) || path.starts_with("/static/")
}

fn unauthorized(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "Unauthorized", detail).with_field("Authorization")
}

/// The middleware: admits, refuses (401/403/404/429) and records writes.
pub async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if is_public(req.path()) || req.method() == actix_web::http::Method::OPTIONS {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let (Some(gate), Some(state)) = (
        req.app_data::<web::Data<Gate>>().cloned(),
        req.app_data::<web::Data<AppState>>().cloned(),
    ) else {
        return Ok(req.error_response(Problem::internal("gate missing from app data")));
    };
    let caller = match identify(&req, &gate, &state.db).await {
        Ok(c) => c,
        Err(p) => return Ok(with_challenge(req.error_response(p))),
    };
    let Some(op) = Operation::of(req.method().as_str(), req.path(), req.query_string()) else {
        // Not an API path (the router answers 404): a valid key is all it needs.
        req.extensions_mut().insert(caller);
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let located = match locate(&state.db, &op.target).await {
        Ok(l) => l,
        Err(p) => return Ok(req.error_response(p)),
    };
    let refusal = match decide(&caller.grants, &op, located) {
        Decision::Allow => is_heavy(&op.class)
            .then(|| gate.over_limit(&caller.who))
            .flatten()
            .map(too_many),
        Decision::Forbidden => Some(forbidden(&caller, &op)),
        Decision::NotFound => Some(not_found(&op.target)),
    };
    let audit = is_write(&op.class).then(|| NewAudit {
        user_id: caller.user_id(),
        actor: caller.label(),
        method: req.method().to_string(),
        path: match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        },
        centre_id: match located {
            Located::Centre(c) => Some(c),
            _ => None,
        },
        status: 0,
        target: target_words(&op.target),
        created: None,
    });
    let res = match refusal {
        Some((problem, retry_after)) => {
            let mut res = req.error_response(problem);
            if let Some(s) = retry_after {
                res.headers_mut().insert(header::RETRY_AFTER, s.into());
            }
            res
        }
        None => {
            req.extensions_mut().insert(caller);
            next.call(req).await?.map_into_boxed_body()
        }
    };
    if let Some(mut entry) = audit {
        entry.status = res.status().as_u16();
        entry.created = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let db = state.db.clone();
        // The write is done; a failure to record it is logged, not turned into an error answer.
        if let Err(e) = web::block(move || db.insert_audit(&entry))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()))
        {
            tracing::error!(error = %e, "audit entry not recorded");
        }
    }
    Ok(res)
}

/// A 401 carries the challenge header.
fn with_challenge(mut res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer realm=\"rota\""),
    );
    res
}

/// The caller from the `Authorization` header: a bootstrap token, else an active user's key.
async fn identify(req: &ServiceRequest, gate: &Gate, db: &Db) -> Result<Caller, Problem> {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string());
    let Some(presented) = presented.filter(|p| !p.is_empty()) else {
        return Err(unauthorized(
            "this endpoint needs `Authorization: Bearer <key>`",
        ));
    };
    if let Some((access, index)) = gate.tokens.access(presented.as_bytes()) {
        return Ok(Caller::bootstrap(access, index));
    }
    if !presented.starts_with(crate::users::KEY_PREFIX) {
        return Err(unauthorized("the key is not valid"));
    }
    let hash = crate::users::hash_key(&gate.secret, &presented);
    let db = db.clone();
    let user = web::block(move || db.user_by_key_hash(&hash)).await??;
    let Some(user) = user else {
        return Err(unauthorized("the key is not valid (or has been revoked)"));
    };
    Ok(Caller {
        who: Who::User {
            id: user.id,
            name: user.name,
        },
        grants: Grants {
            grants: user.roles,
            agent: user.agent_id,
        },
    })
}

/// Where `target` is: a stored resource's centre is looked up.
async fn locate(db: &Db, target: &Target) -> Result<Located, Problem> {
    Ok(match *target {
        Target::Global => Located::Global,
        Target::Centre(c) => Located::Centre(c),
        Target::Unparsable => Located::Missing,
        Target::Resource(kind, id) => {
            let db = db.clone();
            match web::block(move || db.centre_of(kind, id)).await?? {
                Some(c) => Located::Centre(c),
                None => Located::Missing,
            }
        }
    })
}

/// The addressed resource in words, for the audit log.
fn target_words(target: &Target) -> Option<String> {
    match target {
        Target::Centre(c) => Some(format!("centre {c}")),
        Target::Resource(kind, id) => Some(format!("{} {id}", kind.noun())),
        Target::Global | Target::Unparsable => None,
    }
}

type Refusal = (Problem, Option<u64>);

/// The same 404 the handlers give for a missing id, so a refusal and an absence look alike.
fn not_found(target: &Target) -> Refusal {
    let p = match *target {
        Target::Centre(c) => Problem::not_found("centre", c),
        Target::Resource(kind, id) => Problem::not_found(kind.noun(), id),
        Target::Global | Target::Unparsable => Problem::new(
            StatusCode::NOT_FOUND,
            "Not found",
            "there is no such resource",
        ),
    };
    (p, None)
}

fn forbidden(caller: &Caller, op: &Operation) -> Refusal {
    let roles: Vec<String> = caller
        .grants
        .grants
        .iter()
        .map(|g| match g.centre {
            Some(c) => format!("{} of centre {c}", g.role),
            None => format!("{} of every centre", g.role),
        })
        .collect();
    let what = match &op.class {
        crate::access::Class::Me => "this",
        crate::access::Class::Read => "reading this",
        crate::access::Class::Calendar { .. } => "reading another agent's calendar",
        crate::access::Class::Calculate => "the calculator",
        crate::access::Class::Record => "recording data (planner or above)",
        crate::access::Class::Compute => "running computations (planner or above)",
        crate::access::Class::Configure => "changing the centre's configuration (manager or above)",
        crate::access::Class::CreateCentre => "creating centres (an admin of every centre)",
        crate::access::Class::ManageUsers => "managing users (admin)",
        crate::access::Class::ReadAudit => "reading the audit log (manager or above)",
        crate::access::Class::Requests => "reading time-off requests",
        crate::access::Class::AskTimeOff => {
            "asking for time off (an agent for themselves, planner or above for anyone)"
        }
        crate::access::Class::Preview => {
            "working out what a change would do to the service (planner or above)"
        }
        crate::access::Class::Decide => {
            "publishing rosters or deciding time-off requests (manager or above)"
        }
    };
    let p = Problem::new(
        StatusCode::FORBIDDEN,
        "Forbidden",
        format!("this key ({}) does not allow {what}", roles.join(", ")),
    )
    .with_field("Authorization");
    (p, None)
}

fn too_many(seconds: u64) -> Refusal {
    let p = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests",
        format!(
            "this key has used its share of heavy computations (compute_per_minute); retry in \
             {seconds} s"
        ),
    );
    (p, Some(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_grant_their_level_and_nothing_else() {
        let t = Tokens::new(
            &["write-token-0123456789".into()],
            &["read-token-0123456789".into()],
        );
        assert_eq!(
            t.access(b"write-token-0123456789"),
            Some((Access::Write, 0))
        );
        assert_eq!(t.access(b"read-token-0123456789"), Some((Access::Read, 0)));
        assert_eq!(t.access(b"write-token-012345678"), None);
        assert_eq!(t.access(b""), None);
        assert!(is_public("/static/app.js"));
        assert!(!is_public("/v1/centres"));
    }

    #[test]
    fn the_limiter_refuses_past_the_quota_and_says_when_to_retry() {
        let gate = Gate::new(Tokens::new(&[], &[]), vec![1; 32], 2);
        let who = Who::User {
            id: 1,
            name: "p".into(),
        };
        assert_eq!(gate.over_limit(&who), None);
        assert_eq!(gate.over_limit(&who), None);
        let wait = gate.over_limit(&who).expect("third within the minute");
        assert!((1..=60).contains(&wait), "{wait}");
        let other = Who::User {
            id: 2,
            name: "q".into(),
        };
        assert_eq!(gate.over_limit(&other), None, "per key");
        assert_eq!(
            Gate::new(Tokens::new(&[], &[]), vec![], 0).over_limit(&who),
            None
        );
        let operator = Who::Bootstrap {
            access: Access::Write,
            index: 0,
        };
        for _ in 0..5 {
            assert_eq!(
                gate.over_limit(&operator),
                None,
                "bootstrap tokens are not limited"
            );
        }
    }
}

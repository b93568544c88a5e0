//! # rota-api: Rota's HTTP service for contact-centre managers
//!
//! An actix-web application that exposes the library crates over HTTP and stores what managers
//! upload and what Rota computes in SQLite: centres (their configuration), uploaded histories,
//! forecasts, requirement sets, rosters, simulation runs and background jobs. It adds no modelling
//! of its own: handlers parse the request, call `rota-data` / `rota-forecasting` /
//! `rota-scheduler` (through [`work`]) and serialise the answer. Forecasts, schedules and
//! simulations run as background [`jobs`] with progress and cancellation.
//!
//! - [`config`]: layered settings (defaults, TOML file, `ROTA_*` environment).
//! - [`db`]: SQLite storage (WAL, one transaction per write, numbered migrations).
//! - [`access`]: roles per centre, the permission table and how a request is classified.
//! - [`auth`]: who is calling (a user's API key or a bootstrap token), scoping to their centres,
//!   the role check and the rate limit on heavy computation.
//! - [`users`]: API keys (made, hashed) and creating users.
//! - [`telemetry`]: a request id and a tracing span per request.
//! - [`routes`]: the `/v1` API, `/openapi.json`, `/docs` and the dashboard at `/`.
//! - [`adherence`]: agents' state events checked and stored, a day measured against a roster.
//! - [`timeoff`]: time-off requests checked at the boundary and what approving one would do to
//!   the published week (`rota replan --preview`).
//! - [`edits`]: hand edits of a stored roster, re-checked and re-evaluated before and after.
//! - [`today`]: interval actuals and absences checked at the boundary, the day's view from
//!   `rota-intraday` and an accepted action's roster edits written back as roster files.
//!
//! [`startup::run`] takes an already-bound [`std::net::TcpListener`], so tests and `rota serve` can
//! bind port 0 and read the real address back (the zero2prod pattern).

pub mod access;
pub mod adherence;
pub mod auth;
pub mod config;
pub mod db;
pub mod edits;
pub mod jobs;
pub mod memory;
pub mod problem;
pub mod resume;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod timeoff;
pub mod today;
pub mod users;
pub mod work;

pub use config::ServiceConfig;
pub use startup::{check_access, prepare, run, serve_blocking, StartError};

// The unit tests count memory as `rota serve` does (the binary declares the same allocator).
#[cfg(test)]
#[global_allocator]
static ALLOCATOR: memory::Counting = memory::Counting;

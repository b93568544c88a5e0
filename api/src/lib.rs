//! # rota-api: Rota's HTTP service for contact-centre managers
//!
//! An actix-web application that exposes the library crates over HTTP: health and readiness probes,
//! the stateless Erlang calculator (the same calculation as `rota erlang`), and validation of an
//! uploaded interval history (the same checks and summary as `rota data check`). It adds no modelling
//! of its own: handlers parse the request, call `rota-data` / `rota-scheduler` and serialise the answer.
//!
//! [`startup::run`] takes an already-bound [`std::net::TcpListener`], so tests and `rota serve` can
//! bind port 0 and read the real address back (the zero2prod pattern).

pub mod problem;
pub mod routes;
pub mod startup;

pub use startup::{run, serve_blocking, ApiSettings};

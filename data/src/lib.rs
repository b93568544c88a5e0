//! # rota-data: what a contact centre is, and what it has seen
//!
//! The domain types every other Rota crate speaks: channels and their kinds, the interval grid in the
//! centre's time zone, service targets, shrinkage, shift templates and agents (the centre
//! configuration, read from TOML), and interval history as exported by an ACD/CCaaS platform (read
//! from CSV or CSV.gz, validated, re-gridded). It also holds the England & Wales bank-holiday calendar
//! and the generator of the bundled sample centre.
//!
//! Types here are parsed once at the boundary and are valid from then on: a [`config::CentreConfig`]
//! that exists has opening hours that make sense, targets in range and agents whose skills name real
//! channels, so nothing downstream re-checks them.

pub mod calendar;
pub mod channel;
pub mod config;
pub mod demand;
pub mod figures;
pub mod generate;
pub mod grid;
pub mod history;
pub mod ingest;
pub mod line_index;
pub mod summary;
pub mod table;

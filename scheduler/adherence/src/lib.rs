//! Schedule adherence: how closely agents kept to the published roster, from the phone system's
//! agent state events (`rota adherence`).
//!
//! * [`EventLog::read_from`] reads the events (`agent_id, timestamp, state[, channel]`: available,
//!   on_contact, break, lunch, activity, offline), checked against the centre's configuration;
//!   out-of-order events are sorted and exact duplicates dropped, both counted.
//! * [`measure`] lays each agent's states over the roster (read by the one roster reader,
//!   `rota_simulation::RosterPlan::read_from`) and finds, per agent and day, **adherence** (time
//!   in the scheduled state / scheduled time), **conformance** (worked time / scheduled work
//!   time) and the **exceptions** a supervisor acts on: late log-in, early log-out, long break,
//!   wrong channel and absence, each with its minutes.
//! * [`Adherence::agent_rows`] and [`Adherence::group_rows`] sum them per agent, team and the
//!   whole centre; [`write_adherence_csv`] and [`write_exceptions_csv`] write the files.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use rota_adherence::{measure, EventLog, Options};
//! let config = rota_data::config::CentreConfig::load("../../data/samples/centre.toml")?;
//! let roster = rota_simulation::RosterPlan::read_dir(
//!     "../../tests/fixtures/simulate/sample_week/roster", &config)?;
//! let events = "agent_id,timestamp,state,channel\n\
//!               NH001,2026-11-16T09:00:00+00:00,available,voice\n\
//!               NH001,2026-11-16T17:00:00+00:00,offline,\n";
//! let log = EventLog::read_from(events.as_bytes(), "events.csv".as_ref(), &config)?;
//! let found = measure(&roster, &log, &config, &Options::default())?;
//! let aisha = &found.agent_rows()[0];
//! // Voice all day: the roster's chat, breaks and lunch were not kept to.
//! assert!(aisha.adherence().unwrap() < 0.9);
//! # Ok(()) }
//! ```

mod error;
mod events;
mod measure;
mod report;
mod timeline;

pub use error::AdherenceError;
pub use events::{parse_timestamp, AgentEvent, AgentState, EventLog, STATE_NAMES};
pub use measure::{measure, Adherence, AgentDay, Exception, ExceptionKind, Options};
pub use report::{
    minutes, write_adherence_csv, write_exceptions_csv, Row, Scope, ADHERENCE_HEADER,
    EXCEPTIONS_HEADER, NO_TEAM,
};

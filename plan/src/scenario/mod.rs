//! # What-if scenarios
//!
//! The questions a contact-centre manager brings are "what if": ten per cent fewer calls, a chatbot
//! that resolves 40% of chats, handling seven calls an hour instead of four, multi-skilled agents
//! instead of specialist teams. A [`Scenario`] (a small TOML file, schema in `docs/SCENARIOS.md`)
//! says what changes; [`compare`] runs the real pipeline — staffing requirements (Erlang A / chat /
//! deferred backlog), the optimised roster (HiGHS), and the KPIs that roster delivers — for the
//! baseline and every scenario on the same forecast, so the effects come from the models, never
//! from assumed percentages.
//!
//! ```no_run
//! use rota_data::config::CentreConfig;
//! use rota_data::demand::DemandSeries;
//! use rota_plan::scenario::{compare, CompareOptions, Scenario};
//! let config = CentreConfig::sample().unwrap();
//! let forecast = DemandSeries::read_csv_on_grid("forecast.csv", &config.grid()).unwrap();
//! let voice = Scenario::from_toml_str("name = \"voice -10%\"\n[channels.voice]\nvolume_change = -0.1\n", "v.toml").unwrap();
//! let cmp = compare(&config, &forecast, &[voice], &CompareOptions::default(), &|_| {}).unwrap();
//! print!("{}", rota_plan::scenario::render_table(&cmp));
//! ```

mod apply;
mod html;
mod render;
mod run;
mod spec;

use rota_data::config::ConfigError;

pub use apply::{apply_to_config, apply_to_demand};
pub use html::render_html;
pub use render::{render_table, write_csv};
pub use run::{
    compare, default_fte_hours, ChannelOutcome, CompareOptions, Comparison, Kpis, Outcome,
    RosterOutcome, TargetMiss,
};
pub use spec::{
    AddAgents, ChannelChange, ChannelShift, HeadcountChange, Scenario, SkillChange, SkillPool,
};

/// Why a scenario could not be read, applied or run.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file could not be read, is not TOML of the scenario's schema (an unknown key
    /// or a value of the wrong type: file, line, column and what was expected), or has invalid
    /// values (every problem listed). The same error as a centre configuration's.
    #[error(transparent)]
    File(#[from] ConfigError),
    /// The scenario names a channel the centre does not have.
    #[error("scenario \"{scenario}\": {key}: unknown channel \"{name}\"; the centre has {known}")]
    UnknownChannel {
        /// Scenario name.
        scenario: String,
        /// Where in the scenario.
        key: String,
        /// The name given.
        name: String,
        /// Configured channels.
        known: String,
    },
    /// The centre with the scenario's changes is not a valid centre (the rules of `centre.toml`).
    #[error("scenario \"{scenario}\": {source}")]
    Centre {
        /// Scenario name.
        scenario: String,
        /// Every problem of the changed centre.
        source: ConfigError,
    },
    /// A change cannot be made, or a later step failed for a reason of its own.
    #[error("scenario \"{scenario}\": {message}")]
    Apply {
        /// Scenario name.
        scenario: String,
        /// What went wrong.
        message: String,
    },
    /// Staffing failed.
    #[error("scenario \"{scenario}\": staffing: {source}")]
    Staffing {
        /// Scenario name.
        scenario: String,
        /// The cause.
        source: rota_staffing::PlanError,
    },
    /// Rostering failed.
    #[error("scenario \"{scenario}\": roster: {source}")]
    Roster {
        /// Scenario name.
        scenario: String,
        /// The cause.
        source: rota_roster::RosterError,
    },
    /// The forecast cannot be planned (empty, or longer than a roster horizon).
    #[error("{0}")]
    Forecast(String),
}

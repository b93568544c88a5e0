//! Why a planning step stopped, in the words of the step that stopped it.

use rota_forecasting::ForecastError;
use rota_roster::RosterError;
use rota_simulation::SimulationError;

/// Why a planning step failed. Each variant keeps its crate's error (which names the file, line
/// and column, or the channel and interval), so nothing is said twice.
#[derive(Debug, thiserror::Error)]
pub enum PlanningError {
    /// The forecast could not be made (too little history, an unknown channel, no handle time).
    #[error(transparent)]
    Forecast(#[from] ForecastError),
    /// A channel's requirement could not be worked out.
    #[error(transparent)]
    Staffing(#[from] rota_staffing::PlanError),
    /// The forecast has no rows for any channel the centre configures.
    #[error("the forecast has no rows for the centre's channels")]
    NoDemand,
    /// The roster programme could not be built or solved.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// No combination of shifts satisfies the agents' contracts, whatever the demand: one line per
    /// reason, in people and hours.
    #[error("the contracts cannot be met whatever the demand:\n  {}", .0.join("\n  "))]
    ContractsCannotBeMet(Vec<String>),
    /// The simulation could not run.
    #[error(transparent)]
    Simulation(#[from] SimulationError),
    /// The configuration could not take the people a roster hired.
    #[error(transparent)]
    Config(#[from] rota_data::config::ConfigError),
    /// A verification by simulation that cannot be run as asked.
    #[error("{0}")]
    Verification(String),
    /// The caller asked the step to stop.
    #[error("cancelled")]
    Cancelled,
}

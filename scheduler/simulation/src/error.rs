//! Why a simulation cannot run.

use std::path::PathBuf;

/// Why a roster, forecast or options cannot be simulated. Messages name the file, line and what was
/// expected.
#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A roster file has a bad row.
    #[error("{path}:{line}: {message}")]
    Roster {
        /// The file.
        path: PathBuf,
        /// 1-based line (the header is line 1).
        line: u64,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The roster is empty or inconsistent with the configuration.
    #[error("roster: {0}")]
    InvalidRoster(String),
    /// The forecast does not fit the roster or configuration.
    #[error("forecast: {0}")]
    Demand(String),
    /// Invalid simulation options.
    #[error("options: {0}")]
    Options(String),
}

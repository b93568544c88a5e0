//! Errors of the roster module: bad input found before solving, and solver failures.

use std::path::PathBuf;

/// Why a roster could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The planning input is inconsistent (a template, agent, contract or channel is invalid).
    #[error("invalid roster input: {0}")]
    Input(String),
    /// A requirements file could not be read or parsed.
    #[error("{path}: line {line}, column {column}: {message}")]
    Requirements {
        /// The file.
        path: PathBuf,
        /// 1-based line number (the header is line 1).
        line: u64,
        /// The column name (or `-` when the whole record is at fault).
        column: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// Contract rules that no combination of the agent's templates can satisfy, or a fixed shift
    /// that breaks the agent's own rules: the week is infeasible before any demand is considered.
    #[error("infeasible contracts:\n  {}", .0.join("\n  "))]
    Infeasible(Vec<String>),
    /// The caller's watch asked the solver to stop (a cancelled job).
    #[error("cancelled while solving")]
    Cancelled,
    /// HiGHS failed or found no roster within the time limit.
    #[error("solver: {0}")]
    Solver(String),
    /// Writing an output file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

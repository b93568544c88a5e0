//! Why adherence cannot be measured.

use std::path::PathBuf;

/// An events file that cannot be read, or events that do not fit the roster. Messages name the
/// file, the line and the column and say what was expected, as `rota data check` does, so an
/// analyst can fix the export without reading code.
#[derive(Debug, thiserror::Error)]
pub enum AdherenceError {
    /// The events file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A row of the events file is wrong.
    #[error("{}:{line}: column {column}: {message}", path.display())]
    Event {
        /// The file (or the label the caller gave the reader).
        path: PathBuf,
        /// 1-based line; the header is line 1.
        line: u64,
        /// The column at fault (`agent_id`, `timestamp`, `state`, `channel`).
        column: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The file is not a CSV with the expected header.
    #[error("{}:{line}: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The events and the roster (or the measurement's end) do not cover the same days.
    #[error("{0}")]
    Period(String),
    /// Writing a report failed.
    #[error("writing the adherence report: {0}")]
    Write(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("writing the adherence report: {0}")]
    Csv(#[from] csv::Error),
}

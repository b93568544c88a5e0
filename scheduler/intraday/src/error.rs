//! What can go wrong running the day.

use std::path::PathBuf;

/// An intraday error. Each says what was expected, and where the input came from when it came
/// from a file.
#[derive(Debug, thiserror::Error)]
pub enum IntradayError {
    /// The forecast does not cover the moment asked about.
    #[error(
        "--now {now} is outside the forecast, which covers {first} to {last}; give a time within it"
    )]
    NowOutsideForecast {
        /// The moment asked about.
        now: String,
        /// The forecast's first interval start.
        first: String,
        /// The end of the forecast's last interval.
        last: String,
    },
    /// Actuals for a channel the forecast or the centre does not have.
    #[error("actuals for channel {channel:?}, which {what} does not have (it has {known})")]
    UnknownChannel {
        /// The channel in the actuals.
        channel: String,
        /// "the forecast" or "the centre configuration".
        what: &'static str,
        /// The channels it has.
        known: String,
    },
    /// Actuals of an interval that has not finished at `now`.
    #[error(
        "actuals for {channel} at {interval} arrive after --now {now}: that interval ends at {end}; \
         actuals can only describe intervals that have finished (check --now, or the file's time zone)"
    )]
    ActualsAfterNow {
        /// Channel.
        channel: String,
        /// Interval start.
        interval: String,
        /// Interval end.
        end: String,
        /// The moment asked about.
        now: String,
    },
    /// A bad row in an absences file.
    #[error("{file}, line {line}, column {column}: {message}")]
    Absence {
        /// File (or stream label).
        file: String,
        /// 1-based line.
        line: u64,
        /// Column name.
        column: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A figure the queue model cannot take (from the staffing crate).
    #[error("channel {channel}: {source}")]
    Staffing {
        /// Channel.
        channel: String,
        /// The cause.
        source: rota_staffing::StaffingError,
    },
    /// Anything else that is not valid, said in full.
    #[error("{0}")]
    Invalid(String),
}

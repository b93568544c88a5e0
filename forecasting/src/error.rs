//! Errors of the forecasting crate: each says what was wrong in planner's words.

use rota_data::channel::ChannelName;

/// Why a forecast or a backtest could not be produced.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ForecastError {
    /// The series has fewer observed days than a model needs (a weekly season needs whole weeks).
    #[error(
        "history of channel `{channel}` is too short: {have} day(s) with data, at least {need} needed \
         ({why})"
    )]
    HistoryTooShort {
        channel: ChannelName,
        have: usize,
        need: usize,
        why: &'static str,
    },
    /// A forecast or backtest horizon of zero days was asked for.
    #[error("the horizon must be at least one day (got 0)")]
    ZeroHorizon,
    /// The caller named a channel the history/config does not have.
    #[error("unknown channel `{name}` (known channels: {known})")]
    UnknownChannel { name: String, known: String },
    /// The input series is inconsistent (lengths, dates, grid).
    #[error("invalid series for channel `{channel}`: {reason}")]
    InvalidSeries {
        channel: ChannelName,
        reason: String,
    },
    /// The horizon does not follow the training data (it starts before the data ends).
    #[error("the forecast must start after the training data ends (day {start} < {end})")]
    HorizonOverlapsTraining { start: usize, end: usize },
    /// A requested quantile level is not in (0, 1).
    #[error("quantile level {0} is not strictly between 0 and 1")]
    BadLevel(f64),
    /// Staffing was asked of a channel whose forecast has no handle time.
    #[error(
        "channel `{channel}` has no handle time: its history has no AHT and the configuration sets \
         none. A volume forecast does not need one, but staffing does: set `aht_seconds` under \
         [channels.{channel}] in the centre configuration, or map the export's AHT column \
         (--column aht_seconds=HEADER, with --aht-unit if it is not in seconds)"
    )]
    NoHandleTime { channel: ChannelName },
    /// A configuration value for a model or the backtest is out of range.
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
}

//! # rota-forecasting: how many contacts, how long they take, and how sure we are
//!
//! Turns a centre's interval history into per-channel, per-interval forecasts of offered contacts and
//! average handle time, with prediction intervals calibrated by backtest.
//!
//! - [`series`]: the input, one channel as a day x interval-of-day matrix in local time with calendar
//!   facts ([`series::DayInfo`]: bank holiday, day after, configured closures and opening hours).
//! - [`model`]: the one interface, [`model::Model`] (fit) -> [`model::Fitted`] (forecast the mean).
//! - [`models`]: seasonal naive and historical average (baselines), a Poisson regression with
//!   calendar effects, double-seasonal Holt-Winters (Taylor 2003) and the top-down daily-total x
//!   intraday-profile model.
//! - [`closed`]: closed intervals (configured or learned) forecast exactly zero.
//! - [`uncertainty`]: negative-binomial P10/P50/P90 with dispersion calibrated on backtest residuals.
//! - [`backtest`]: rolling-origin backtest (WAPE per interval, hour, day and week, MASE, bias,
//!   coverage per origin), per-channel selection and the selection's own out-of-sample record.
//! - [`combination`]: the mean of the best models and the median of all, as candidates, and the
//!   selection rule that prefers them unless one model wins most origins.
//! - [`grain`]: the grain each channel is planned and judged at (interval, hour, day).
//! - [`aht`]: handle time by weekday x hour with fallbacks to the configured AHT.
//! - [`pipeline`]: select, calibrate, refit, forecast; [`adapter`] builds the inputs from
//!   `rota_data` history and configuration.
//!
//! ```
//! use chrono::NaiveDate;
//! use rota_forecasting::model::Model;
//! use rota_forecasting::models::SeasonalNaive;
//! use rota_forecasting::series::{plain_days, ChannelSeries, ForecastHorizon};
//!
//! // Two weeks of hourly data where every interval of the week repeats exactly.
//! let days = plain_days(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), 14);
//! let offered: Vec<Option<f64>> = (0..14 * 24).map(|t| Some(((t % 168) % 24) as f64)).collect();
//! let series = ChannelSeries::new("voice", 24, days, offered).unwrap();
//! let fitted = SeasonalNaive.fit(&series.all()).unwrap();
//! let next = plain_days(NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(), 1);
//! let forecast = fitted.forecast(&ForecastHorizon { start: 14, days: &next }).unwrap();
//! assert_eq!(forecast.get(0, 9), 9.0);
//! ```

pub mod adapter;
pub mod aht;
pub mod backtest;
pub mod closed;
pub mod combination;
pub mod day_effects;
pub mod error;
pub mod grain;
mod linalg;
pub mod model;
pub mod models;
pub mod pipeline;
pub mod series;
pub mod uncertainty;

pub use error::ForecastError;

#[cfg(test)]
pub(crate) mod testutil;

//! The one model interface (after augurs' `Fit`/`Predict` pair): an unfitted [`Model`] learns from
//! [`Training`] data and returns a [`Fitted`] model, which forecasts the mean offered contacts of each
//! interval of a [`ForecastHorizon`]. Backtests, selection and the CLI only ever hold `dyn Model`/`dyn Fitted`.
//! Prediction intervals are added on top by [`crate::uncertainty`], calibrated by backtest, so every
//! model gets the same honest treatment of over-dispersion.

use crate::error::ForecastError;
use crate::series::{ForecastHorizon, Training};

/// Mean offered contacts for each day x slot of a horizon, row-major by day.
#[derive(Debug, Clone, PartialEq)]
pub struct PointForecast {
    /// Intervals per day.
    pub slots_per_day: usize,
    /// `values[d * slots_per_day + s]`, finite and >= 0.
    pub values: Vec<f64>,
}

impl PointForecast {
    /// A forecast of zeros for `days` days.
    pub fn zeros(days: usize, slots_per_day: usize) -> Self {
        Self {
            slots_per_day,
            values: vec![0.0; days * slots_per_day],
        }
    }
    /// Mean of day `d`, slot `s`.
    pub fn get(&self, d: usize, s: usize) -> f64 {
        self.values[d * self.slots_per_day + s]
    }
    /// Set day `d`, slot `s` (negative or non-finite values become 0: counts cannot be negative).
    pub fn set(&mut self, d: usize, s: usize, v: f64) {
        self.values[d * self.slots_per_day + s] = if v.is_finite() { v.max(0.0) } else { 0.0 };
    }
    /// Forecast total of day `d`.
    pub fn day_total(&self, d: usize) -> f64 {
        self.values[d * self.slots_per_day..(d + 1) * self.slots_per_day]
            .iter()
            .sum()
    }
}

/// An unfitted forecasting model with its settings.
pub trait Model: Send + Sync {
    /// Short name used in reports and CSV (`seasonal_naive`, `poisson_glm`, ...).
    fn name(&self) -> &'static str;
    /// Whether this is one of the baselines every accuracy figure is compared with.
    fn is_baseline(&self) -> bool {
        false
    }
    /// Learn from the training days.
    fn fit(&self, data: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError>;
}

/// A fitted model: forecasts any horizon that starts on or after the end of its training data.
pub trait Fitted: Send + Sync {
    /// Mean offered contacts per interval of the horizon.
    fn forecast(&self, horizon: &ForecastHorizon<'_>) -> Result<PointForecast, ForecastError>;
}

/// Check the horizon against the training length (shared by all models).
pub(crate) fn check_horizon(
    horizon: &ForecastHorizon<'_>,
    train_days: usize,
) -> Result<(), ForecastError> {
    if horizon.is_empty() {
        return Err(ForecastError::ZeroHorizon);
    }
    if horizon.start < train_days {
        return Err(ForecastError::HorizonOverlapsTraining {
            start: horizon.start,
            end: train_days,
        });
    }
    Ok(())
}

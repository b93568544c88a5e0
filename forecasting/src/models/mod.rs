//! The forecasting models. Each implements [`crate::model::Model`]; see each module for its source.

mod baselines;
mod glm;
mod holt_winters;
mod profile;
mod top_down;

pub use baselines::{HistoricalAverage, SeasonalNaive};
pub use glm::{GlmFit, PoissonGlm};
pub use holt_winters::{DoubleSeasonalHoltWinters, FittedHw, HwParams};
pub use profile::ProfileSvd;
pub use top_down::TopDown;

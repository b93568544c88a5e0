//! From history to a published forecast: backtest the candidate models and their combinations on
//! recent origins, keep the one the selection rule picks per channel at the channel's planning grain
//! ([`crate::combination::choose`]), calibrate its prediction intervals on the same residuals, refit
//! it (or each member of the chosen combination) on all history and forecast the requested days with
//! P10/P50/P90 and AHT.

use chrono::NaiveDate;
use rayon::prelude::*;
use rota_data::channel::ChannelName;

use crate::aht::{AhtForecast, AhtSettings};
use crate::backtest::{backtest_channel, BacktestSettings, ChannelBacktest};
use crate::closed::ClosedAware;
use crate::combination::Combine;
use crate::error::ForecastError;
use crate::model::{Model, PointForecast};
use crate::models::{
    DoubleSeasonalHoltWinters, HistoricalAverage, PoissonGlm, ProfileSvd, SeasonalNaive, TopDown,
};
use crate::series::{ChannelSeries, DayInfo, ForecastHorizon};
use crate::uncertainty::CountDistribution;

/// The candidate models, baselines first, each forecasting closed intervals as exactly zero.
pub fn default_models() -> Vec<Box<dyn Model>> {
    let lookback = 8;
    let models: Vec<Box<dyn Model>> = vec![
        Box::new(SeasonalNaive),
        Box::new(HistoricalAverage::default()),
        Box::new(PoissonGlm::default()),
        Box::new(DoubleSeasonalHoltWinters::default()),
        Box::new(TopDown::default()),
        Box::new(ProfileSvd::default()),
    ];
    models
        .into_iter()
        .map(|m| Box::new(ClosedAware::new(m, lookback)) as Box<dyn Model>)
        .collect()
}

/// Settings of a production forecast.
#[derive(Debug, Clone, Copy)]
pub struct ForecastSettings {
    /// The selection/calibration backtest (a shorter one than the reporting backtest).
    pub selection: BacktestSettings,
    /// AHT forecast settings.
    pub aht: AhtSettings,
}

impl Default for ForecastSettings {
    fn default() -> Self {
        Self {
            // Eight scored origins: with four, one odd week decided the choice (issue #16: a
            // short backtest ranked top-down first on a bank's data and it lost out of sample).
            selection: BacktestSettings {
                horizon_days: 7,
                origins: 8,
                calibration_origins: 4,
                coverage_target: 0.8,
            },
            aht: AhtSettings::default(),
        }
    }
}

/// One channel's forecast: per day x slot of `days`, the mean, P10, P50, P90 and AHT.
#[derive(Debug, Clone)]
pub struct ChannelForecast {
    /// Channel name.
    pub channel: ChannelName,
    /// Model (or combination) selected by the backtest.
    pub model: String,
    /// Calibrated negative-binomial dispersion.
    pub dispersion: f64,
    /// Forecast days.
    pub days: Vec<DayInfo>,
    /// Intervals per day.
    pub slots_per_day: usize,
    /// Mean offered per interval (row-major by day).
    pub mean: Vec<f64>,
    /// P10 offered.
    pub p10: Vec<f64>,
    /// P50 offered.
    pub p50: Vec<f64>,
    /// P90 offered.
    pub p90: Vec<f64>,
    /// AHT seconds per interval; `None` when the history has no handle time and none is
    /// configured (a volume forecast: staffing then asks for one).
    pub aht_seconds: Option<Vec<f64>>,
    /// The selection backtest.
    pub backtest: ChannelBacktest,
}

/// Forecast `days` (consecutive, starting on `days[0].date`) for one channel. History on or after the
/// first forecast day is ignored (so a past week can be re-forecast and compared with what happened).
#[tracing::instrument(skip_all, fields(channel = series.channel()))]
pub fn forecast_channel(
    series: &ChannelSeries,
    days: Vec<DayInfo>,
    configured_aht: Option<f64>,
    models: &[Box<dyn Model>],
    settings: &ForecastSettings,
) -> Result<ChannelForecast, ForecastError> {
    let Some(first) = days.first().map(|d| d.date) else {
        return Err(ForecastError::ZeroHorizon);
    };
    let series_start =
        series
            .days()
            .first()
            .map(|d| d.date)
            .ok_or_else(|| ForecastError::HistoryTooShort {
                channel: series.channel_name().clone(),
                have: 0,
                need: 21,
                why: "a forecast needs history",
            })?;
    let start = usize::try_from((first - series_start).num_days()).map_err(|_| {
        ForecastError::InvalidSetting(format!(
            "the forecast starts on {first}, before the history of `{}` begins ({series_start})",
            series.channel()
        ))
    })?;
    let train_end = start.min(series.n_days());
    let trimmed;
    let history = if train_end < series.n_days() {
        trimmed = truncate(series, train_end)?;
        &trimmed
    } else {
        series
    };
    // A short history gets the scored origins it has room for (at least one): a new centre with
    // ten weeks of data still gets a forecast, chosen on fewer weeks.
    let mut selection = settings.selection;
    let room = history.n_days().saturating_sub(selection.horizon_days + 21) / 7 + 1;
    selection.origins = selection.origins.min(room).max(1);
    let backtest = backtest_channel(history, models, &selection, &|| {})?;
    let dispersion = backtest.selected_score().dispersion;
    let horizon = ForecastHorizon { start, days: &days };
    let point = refit_selected(history, models, &backtest, &horizon)?;
    let aht = AhtForecast::fit(&history.all(), configured_aht, &settings.aht);
    let spd = series.slots_per_day();
    let n = point.values.len();
    let (mut p10, mut p50, mut p90, mut aht_seconds) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut has_aht = true;
    for (d, day) in days.iter().enumerate() {
        for s in 0..spd {
            let q = CountDistribution {
                mean: point.get(d, s),
                dispersion,
            }
            .quantiles(&[0.1, 0.5, 0.9])?;
            p10.push(q[0]);
            p50.push(q[1]);
            p90.push(q[2]);
            match aht.aht(day, s) {
                Some(a) => aht_seconds.push(a),
                None => has_aht = false,
            }
        }
    }
    Ok(ChannelForecast {
        channel: series.channel_name().clone(),
        model: backtest.selected.clone(),
        dispersion,
        days,
        slots_per_day: spd,
        mean: point.values,
        p10,
        p50,
        p90,
        aht_seconds: has_aht.then_some(aht_seconds),
        backtest,
    })
}

/// The selected candidate fitted on all of `history` and its forecast of `horizon`: a single model
/// as it is; a combination as the mean or median of its members, each fitted on all history.
fn refit_selected(
    history: &ChannelSeries,
    models: &[Box<dyn Model>],
    backtest: &ChannelBacktest,
    horizon: &ForecastHorizon<'_>,
) -> Result<PointForecast, ForecastError> {
    let by_name = |name: &str| models.iter().find(|m| m.name() == name);
    if let Some(model) = by_name(&backtest.selected) {
        return model.fit(&history.all())?.forecast(horizon);
    }
    let combine = Combine::from_name(&backtest.selected).ok_or_else(|| {
        ForecastError::InvalidSetting(format!(
            "the backtest selected `{}`, which is neither a model given nor a combination",
            backtest.selected
        ))
    })?;
    let parts = backtest
        .selected_members
        .iter()
        .filter_map(|name| by_name(name))
        .map(|m| Ok(m.fit(&history.all())?.forecast(horizon)?.values))
        .collect::<Result<Vec<_>, ForecastError>>()?;
    if parts.is_empty() {
        return Err(ForecastError::InvalidSetting(format!(
            "the combination `{}` has no member among the models given",
            backtest.selected
        )));
    }
    let slices: Vec<&[f64]> = parts.iter().map(Vec::as_slice).collect();
    Ok(PointForecast {
        slots_per_day: history.slots_per_day(),
        values: combine.combine(&slices),
    })
}

/// Forecast several channels in parallel (one rayon task per channel).
pub fn forecast_channels(
    inputs: &[(ChannelSeries, Option<f64>)],
    first_day: NaiveDate,
    days_for: &(dyn Fn(&str, NaiveDate, usize) -> Vec<DayInfo> + Sync),
    n_days: usize,
    settings: &ForecastSettings,
) -> Result<Vec<ChannelForecast>, ForecastError> {
    if n_days == 0 {
        return Err(ForecastError::ZeroHorizon);
    }
    inputs
        .par_iter()
        .map(|(series, aht)| {
            let models = default_models();
            forecast_channel(
                series,
                days_for(series.channel(), first_day, n_days),
                *aht,
                &models,
                settings,
            )
        })
        .collect()
}

/// The first `end` days of a series as a new series.
pub fn truncate(series: &ChannelSeries, end: usize) -> Result<ChannelSeries, ForecastError> {
    let spd = series.slots_per_day();
    let out = ChannelSeries::new(
        series.channel(),
        spd,
        series.days()[..end].to_vec(),
        series.offered()[..end * spd].to_vec(),
    )?;
    let out = match series.deferred() {
        Some(deferred) => out.with_deferred(deferred),
        None => out,
    };
    match (series.handled(), series.aht_seconds()) {
        (Some(h), Some(a)) => {
            out.with_handle_time(h[..end * spd].to_vec(), a[..end * spd].to_vec())
        }
        _ => Ok(out),
    }
}

impl ChannelForecast {
    /// Forecast offered per day.
    pub fn daily_totals(&self) -> Vec<(NaiveDate, f64)> {
        self.days
            .iter()
            .enumerate()
            .map(|(d, day)| {
                (
                    day.date,
                    self.mean[d * self.slots_per_day..(d + 1) * self.slots_per_day]
                        .iter()
                        .sum(),
                )
            })
            .collect()
    }

    /// The forecast AHT averaged over the forecast contacts (`None` in a volume forecast, or when
    /// no contacts are expected).
    pub fn mean_aht_seconds(&self) -> Option<f64> {
        let aht = self.aht_seconds.as_ref()?;
        let offered: f64 = self.mean.iter().sum();
        (offered > 0.0)
            .then(|| self.mean.iter().zip(aht).map(|(m, a)| m * a).sum::<f64>() / offered)
    }

    /// The busiest interval: (date, slot of day, mean offered).
    pub fn peak(&self) -> Option<(NaiveDate, usize, f64)> {
        let (i, &v) = self
            .mean
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))?;
        Some((
            self.days[i / self.slots_per_day].date,
            i % self.slots_per_day,
            v,
        ))
    }
}

/// Backtest several channels in parallel with the default models. `on_fit` is called after every
/// model fit (for a progress bar); [`fits_per_channel`] tells how many calls to expect.
pub fn backtest_channels(
    series: &[ChannelSeries],
    settings: &BacktestSettings,
    on_fit: &(dyn Fn() + Sync),
) -> Result<Vec<ChannelBacktest>, ForecastError> {
    series
        .par_iter()
        .map(|s| backtest_channel(s, &default_models(), settings, on_fit))
        .collect()
}

/// Upper bound of model fits a backtest of one channel makes (origins plus calibration origins, per
/// model).
pub fn fits_per_channel(settings: &BacktestSettings) -> usize {
    default_models().len() * (settings.origins + settings.calibration_origins)
}

/// Parse a horizon such as `7d`, `2w` or `14` (days). Zero is an error.
/// Longest forecast `rota forecast --days` makes (92 days, a quarter): beyond it a weekly and
/// yearly pattern is all a model can offer, and the cost grows with the days.
pub const MAX_FORECAST_DAYS: usize = 92;

/// Longest backtest horizon (`rota backtest --horizon`), in days.
pub const MAX_BACKTEST_HORIZON_DAYS: usize = 92;

/// Most backtest origins (`rota backtest --origins`): two years of weekly origins.
pub const MAX_BACKTEST_ORIGINS: usize = 104;

/// A horizon such as `7d`, `2w` or `14`, as days (1 to [`MAX_BACKTEST_HORIZON_DAYS`]).
pub fn parse_horizon_days(s: &str) -> Result<usize, ForecastError> {
    let t = s.trim().to_ascii_lowercase();
    let (num, mult) = if let Some(n) = t.strip_suffix('w') {
        (n, 7)
    } else if let Some(n) = t.strip_suffix('d') {
        (n, 1)
    } else {
        (t.as_str(), 1)
    };
    let days = num
        .trim()
        .parse::<usize>()
        .map_err(|_| {
            ForecastError::InvalidSetting(format!(
                "horizon `{s}` is not a number of days (expected e.g. `7d`, `2w` or `14`)"
            ))
        })?
        .saturating_mul(mult);
    if days == 0 {
        return Err(ForecastError::ZeroHorizon);
    }
    if days > MAX_BACKTEST_HORIZON_DAYS {
        return Err(ForecastError::InvalidSetting(format!(
            "horizon `{s}` is {days} days; expected 1 to {MAX_BACKTEST_HORIZON_DAYS} days"
        )));
    }
    Ok(days)
}

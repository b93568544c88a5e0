//! Rolling-origin backtest (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF 16(4)):
//! every model is refitted at weekly origins on the data before the origin only, forecasts the next
//! `horizon` days, and is scored against what happened. The same run calibrates each model's
//! prediction intervals (dispersion from the residuals of the *preceding* origins only, so the
//! coverage reported is out of sample) and picks the model per channel.
//!
//! Scores (Hyndman & Koehler 2006, "Another look at measures of forecast accuracy", IJF 22(4)):
//! - WAPE = sum |actual - mean forecast| / sum actual (volume-weighted, safe with zero intervals);
//! - WAPE P50: the same for the P50. Absolute error is minimised by the median, not the mean
//!   (Hyndman & Athanasopoulos, FPP3 section 5.8; Kolassa 2016, "Evaluating predictive count data
//!   distributions in retail sales forecasting", IJF 32(3)). For quiet intervals this dominates: with
//!   0.3 contacts expected, forecasting 0.3 scores a WAPE of ~150% whatever the model, forecasting 0
//!   scores 100%;
//! - MASE = mean |actual - mean forecast| / mean |y(t) - y(t - 1 week)| in the 8 weeks of history
//!   before the first scored origin (< 1: better than the in-sample seasonal naive);
//! - bias = (sum mean - sum actual) / sum actual;
//! - coverage = share of open intervals (forecast or actual > 0) with P10 <= actual <= P90.

use chrono::NaiveDate;
use rayon::prelude::*;
use rota_data::channel::ChannelName;

use crate::error::ForecastError;
use crate::model::Model;
use crate::series::{ChannelSeries, ForecastHorizon};
use crate::uncertainty::{calibrate_dispersion, CountDistribution, Residual};

/// How the backtest runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BacktestSettings {
    /// Days forecast from each origin.
    pub horizon_days: usize,
    /// Scored origins, one a week, the latest leaving exactly `horizon_days` of history.
    pub origins: usize,
    /// Earlier origins whose residuals calibrate the intervals of the next scored origin.
    pub calibration_origins: usize,
    /// Target P10-P90 coverage.
    pub coverage_target: f64,
}

impl Default for BacktestSettings {
    fn default() -> Self {
        Self {
            horizon_days: 7,
            origins: 12,
            calibration_origins: 4,
            coverage_target: 0.8,
        }
    }
}

/// Scores of one model on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelScore {
    /// Model name.
    pub model: String,
    /// Whether the model is a baseline.
    pub baseline: bool,
    /// Weighted absolute percentage error of the mean forecast (fraction).
    pub wape: f64,
    /// Weighted absolute percentage error of the P50 (fraction).
    pub wape_p50: f64,
    /// Mean absolute scaled error.
    pub mase: f64,
    /// Relative bias (fraction; > 0 = over-forecast).
    pub bias: f64,
    /// P10-P90 coverage of open intervals (fraction), out of sample.
    pub coverage: f64,
    /// WAPE by lead day (index 0 = first day after the origin).
    pub wape_by_lead_day: Vec<f64>,
    /// WAPE of the daily totals (Σ over days of |forecast day − actual day| / Σ actual): the
    /// accuracy a planner judges a day's staffing by. On a channel with a handful of contacts an
    /// interval, the interval WAPE is dominated by Poisson noise no forecast can remove, while the
    /// day's total is close.
    pub wape_daily: f64,
    /// WAPE of each origin's horizon total (the week's volume).
    pub wape_weekly: f64,
    /// Dispersion calibrated on the latest origins (used for a forecast made now).
    pub dispersion: f64,
}

/// The backtest of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelBacktest {
    /// Channel name.
    pub channel: ChannelName,
    /// Scored origins (first forecast day of each).
    pub origins: Vec<NaiveDate>,
    /// Actual offered over all scored intervals.
    pub actual_total: f64,
    /// Mean actual contacts per day over the scored horizons.
    pub contacts_per_day: f64,
    /// Scores, in the order the models were given.
    pub scores: Vec<ModelScore>,
    /// Name of the model with the lowest WAPE.
    pub selected: String,
}

impl ChannelBacktest {
    /// Score of a model by name.
    pub fn score(&self, model: &str) -> Option<&ModelScore> {
        self.scores.iter().find(|s| s.model == model)
    }
    /// Score of the selected model.
    pub fn selected_score(&self) -> &ModelScore {
        self.score(&self.selected)
            .unwrap_or_else(|| &self.scores[0])
    }
}

/// (lead day, actual, mean) of every observed interval of one origin.
type OriginResiduals = Vec<(usize, f64, f64)>;

/// Run the backtest of `models` on one channel. `on_fit` is called after every model fit (progress).
#[tracing::instrument(skip_all, fields(channel = series.channel()))]
pub fn backtest_channel(
    series: &ChannelSeries,
    models: &[Box<dyn Model>],
    settings: &BacktestSettings,
    on_fit: &(dyn Fn() + Sync),
) -> Result<ChannelBacktest, ForecastError> {
    let h = settings.horizon_days;
    if h == 0 {
        return Err(ForecastError::ZeroHorizon);
    }
    if settings.origins == 0 {
        return Err(ForecastError::InvalidSetting(
            "a backtest needs at least one origin".into(),
        ));
    }
    if models.is_empty() {
        return Err(ForecastError::InvalidSetting("no model to backtest".into()));
    }
    let n = series.n_days();
    const MIN_TRAIN: usize = 21;
    let need = MIN_TRAIN + 7 * (settings.origins - 1) + h;
    if n < need {
        return Err(ForecastError::HistoryTooShort {
            channel: series.channel_name().clone(),
            have: series.observed_days(),
            need,
            why: "three weeks of training before the first weekly origin plus the origins and horizon",
        });
    }
    let last = n - h;
    let available_extra = (last - MIN_TRAIN) / 7 + 1 - settings.origins;
    let calib = settings.calibration_origins.min(available_extra);
    let total = settings.origins + calib;
    // Chronological origins (day indices).
    let origins: Vec<usize> = (0..total).rev().map(|i| last - 7 * i).collect();
    let spd = series.slots_per_day();

    let per_model: Vec<Result<Vec<OriginResiduals>, ForecastError>> = models
        .par_iter()
        .map(|model| {
            origins
                .iter()
                .map(|&o| {
                    let fitted = model.fit(&series.training(o))?;
                    let horizon = ForecastHorizon {
                        start: o,
                        days: &series.days()[o..o + h],
                    };
                    let f = fitted.forecast(&horizon)?;
                    on_fit();
                    let mut res = Vec::with_capacity(h * spd);
                    for lead in 0..h {
                        for s in 0..spd {
                            if let Some(y) = series.value(o + lead, s) {
                                res.push((lead, y, f.get(lead, s)));
                            }
                        }
                    }
                    Ok(res)
                })
                .collect()
        })
        .collect();

    let scale = mase_scale(series, origins[calib]);

    let mut scores = Vec::with_capacity(models.len());
    let mut actual_total = 0.0;
    for (model, residuals) in models.iter().zip(per_model) {
        let (score, actual) = score_model(
            model.as_ref(),
            &residuals?,
            Origins { calib, total, h },
            settings,
            scale,
        )?;
        actual_total = actual;
        scores.push(score);
    }
    let selected = scores
        .iter()
        .filter(|s| s.wape.is_finite())
        .min_by(|a, b| a.wape.total_cmp(&b.wape))
        .unwrap_or(&scores[0])
        .model
        .clone();
    Ok(ChannelBacktest {
        channel: series.channel_name().clone(),
        origins: origins[calib..]
            .iter()
            .map(|&o| series.days()[o].date)
            .collect(),
        actual_total,
        contacts_per_day: actual_total / (settings.origins * h) as f64,
        scores,
        selected,
    })
}

/// The backtest's origins: the first `calib` only calibrate the intervals, `calib..total` are
/// scored, each over `h` days.
#[derive(Debug, Clone, Copy)]
struct Origins {
    calib: usize,
    total: usize,
    h: usize,
}

/// The MASE scale: the in-sample seasonal-naive error over the 8 weeks before the first scored
/// origin (NaN when those weeks have no variation to scale by).
fn mase_scale(series: &ChannelSeries, first_scored: usize) -> f64 {
    let spd = series.slots_per_day();
    let spw = 7 * spd;
    let lo = first_scored.saturating_sub(56) * spd;
    let (mut scale_sum, mut scale_n) = (0.0, 0usize);
    for t in lo.max(spw)..first_scored * spd {
        if let (Some(y), Some(y0)) = (series.offered()[t], series.offered()[t - spw]) {
            scale_sum += (y - y0).abs();
            scale_n += 1;
        }
    }
    if scale_n > 0 && scale_sum > 0.0 {
        scale_sum / scale_n as f64
    } else {
        f64::NAN
    }
}

/// One model's scores over the scored origins: its errors per interval, day and week, bias and
/// MASE, and the coverage of its P10-P90 band calibrated on the origins before each; with the
/// actual contacts scored.
fn score_model(
    model: &dyn Model,
    residuals: &[OriginResiduals],
    origins: Origins,
    settings: &BacktestSettings,
    scale: f64,
) -> Result<(ModelScore, f64), ForecastError> {
    let Origins { calib, total, h } = origins;
    let (mut abs_err, mut abs_err_p50, mut sum_actual, mut sum_fc, mut count) =
        (0.0, 0.0, 0.0, 0.0, 0usize);
    let mut lead_abs = vec![0.0; h];
    let mut lead_act = vec![0.0; h];
    let (mut covered, mut open) = (0usize, 0usize);
    let (mut day_abs, mut week_abs) = (0.0, 0.0);
    for i in calib..total {
        let mut days = vec![(0.0, 0.0); h];
        for &(lead, y, f) in &residuals[i] {
            days[lead].0 += y;
            days[lead].1 += f;
        }
        day_abs += days.iter().map(|(y, f)| (y - f).abs()).sum::<f64>();
        let (y_week, f_week) = days
            .iter()
            .fold((0.0, 0.0), |(ys, fs), (y, f)| (ys + y, fs + f));
        week_abs += (y_week - f_week).abs();
        let cal: Vec<Residual> = residuals[i.saturating_sub(calib.max(1))..i]
            .iter()
            .flatten()
            .map(|&(_, actual, mean)| Residual { actual, mean })
            .collect();
        let k = calibrate_dispersion(&cal, settings.coverage_target);
        for &(lead, y, f) in &residuals[i] {
            let q = CountDistribution {
                mean: f,
                dispersion: k,
            }
            .quantiles(&[0.1, 0.5, 0.9])?;
            abs_err += (y - f).abs();
            abs_err_p50 += (y - q[1]).abs();
            sum_actual += y;
            sum_fc += f;
            count += 1;
            lead_abs[lead] += (y - f).abs();
            lead_act[lead] += y;
            if f > 0.0 || y > 0.0 {
                open += 1;
                if y >= q[0] && y <= q[2] {
                    covered += 1;
                }
            }
        }
    }
    let latest: Vec<Residual> = residuals[total - calib.max(1)..]
        .iter()
        .flatten()
        .map(|&(_, actual, mean)| Residual { actual, mean })
        .collect();
    let score = ModelScore {
        model: model.name().to_string(),
        baseline: model.is_baseline(),
        wape: ratio(abs_err, sum_actual),
        wape_p50: ratio(abs_err_p50, sum_actual),
        mase: if count > 0 {
            abs_err / count as f64 / scale
        } else {
            f64::NAN
        },
        bias: ratio(sum_fc - sum_actual, sum_actual),
        coverage: if open > 0 {
            covered as f64 / open as f64
        } else {
            f64::NAN
        },
        wape_by_lead_day: lead_abs
            .iter()
            .zip(&lead_act)
            .map(|(&a, &y)| ratio(a, y))
            .collect(),
        wape_daily: ratio(day_abs, sum_actual),
        wape_weekly: ratio(week_abs, sum_actual),
        dispersion: calibrate_dispersion(&latest, settings.coverage_target),
    };
    Ok((score, sum_actual))
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        f64::NAN
    }
}

/// A plain-text table of the backtest: one block per channel, one row per model, with the interval,
/// daily and weekly WAPE and the change in interval WAPE against each baseline (negative = better).
pub fn render_table(results: &[ChannelBacktest]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for r in results {
        let naive = r.score("seasonal_naive").map(|s| s.wape);
        let average = r.score("historical_average").map(|s| s.wape);
        let _ = writeln!(
            out,
            "channel {} ({:.0} contacts/day, {} origins from {}, selected: {})",
            r.channel,
            r.contacts_per_day,
            r.origins.len(),
            r.origins.first().map(|d| d.to_string()).unwrap_or_default(),
            r.selected
        );
        let _ = writeln!(
            out,
            "  {:<20} {:>7} {:>7} {:>7} {:>10} {:>6} {:>7} {:>8} {:>10} {:>10}",
            "model",
            "WAPE",
            "day",
            "week",
            "WAPE P50",
            "MASE",
            "bias",
            "P10-P90",
            "vs naive",
            "vs average"
        );
        for s in &r.scores {
            let rel = |b: Option<f64>| match b {
                Some(b) if b > 0.0 => format!("{:+.1}%", 100.0 * (s.wape / b - 1.0)),
                _ => "-".into(),
            };
            let _ = writeln!(
                out,
                "  {:<20} {:>6.1}% {:>6.1}% {:>6.1}% {:>9.1}% {:>6.3} {:>+6.1}% {:>7.1}% {:>10} {:>10}{}",
                s.model,
                100.0 * s.wape,
                100.0 * s.wape_daily,
                100.0 * s.wape_weekly,
                100.0 * s.wape_p50,
                s.mase,
                100.0 * s.bias,
                100.0 * s.coverage,
                rel(naive),
                rel(average),
                if s.model == r.selected { "  *" } else { "" }
            );
        }
    }
    out
}

/// Write the backtest as CSV: one row per channel, model and lead day (`all` = the whole horizon).
pub fn write_csv<W: std::io::Write>(results: &[ChannelBacktest], w: W) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "channel",
        "model",
        "baseline",
        "selected",
        "lead_day",
        "wape",
        "wape_daily",
        "wape_weekly",
        "wape_p50",
        "mase",
        "bias",
        "coverage_p10_p90",
        "contacts_per_day",
        "origins",
        "first_origin",
    ])?;
    let f = |x: f64| {
        if x.is_finite() {
            format!("{x:.4}")
        } else {
            String::new()
        }
    };
    for r in results {
        for s in &r.scores {
            let mut row =
                |lead: String, wape: [f64; 3], wape_p50: f64, mase: f64, bias: f64, cov: f64| {
                    out.write_record([
                        r.channel.to_string(),
                        s.model.clone(),
                        s.baseline.to_string(),
                        (s.model == r.selected).to_string(),
                        lead,
                        f(wape[0]),
                        f(wape[1]),
                        f(wape[2]),
                        f(wape_p50),
                        f(mase),
                        f(bias),
                        f(cov),
                        format!("{:.1}", r.contacts_per_day),
                        r.origins.len().to_string(),
                        r.origins.first().map(|d| d.to_string()).unwrap_or_default(),
                    ])
                };
            row(
                "all".into(),
                [s.wape, s.wape_daily, s.wape_weekly],
                s.wape_p50,
                s.mase,
                s.bias,
                s.coverage,
            )?;
            for (lead, &w) in s.wape_by_lead_day.iter().enumerate() {
                row(
                    (lead + 1).to_string(),
                    [w, f64::NAN, f64::NAN],
                    f64::NAN,
                    f64::NAN,
                    f64::NAN,
                    f64::NAN,
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::default_models;
    use crate::series::plain_days;
    use crate::testutil::{expected, monday, series_with};

    fn settings(origins: usize) -> BacktestSettings {
        BacktestSettings {
            horizon_days: 7,
            origins,
            calibration_origins: 4,
            coverage_target: 0.8,
        }
    }

    #[test]
    fn on_a_stable_overdispersed_series_averaging_beats_seasonal_naive_and_coverage_is_calibrated()
    {
        let s = series_with(plain_days(monday(), 26 * 7), 24, 0.02, 11, |_, d, s| {
            expected(d, s, 24)
        });
        let r = backtest_channel(&s, &default_models(), &settings(8), &|| {}).unwrap();
        let naive = r.score("seasonal_naive").unwrap();
        let glm = r.score("poisson_glm").unwrap();
        let avg = r.score("historical_average").unwrap();
        assert!(
            glm.wape < 0.85 * naive.wape,
            "{} vs {}",
            glm.wape,
            naive.wape
        );
        assert!(avg.wape < naive.wape);
        assert!(
            naive.mase > 0.8 && naive.mase < 1.25,
            "naive MASE {}",
            naive.mase
        );
        let sel = r.selected_score();
        assert!(sel.wape <= glm.wape);
        assert!(
            (0.7..=0.9).contains(&sel.coverage),
            "coverage {}",
            sel.coverage
        );
        assert!(glm.bias.abs() < 0.05, "bias {}", glm.bias);
        assert_eq!(r.origins.len(), 8);
        assert_eq!(r.scores[0].wape_by_lead_day.len(), 7);
        // Interval errors partly cancel in a day's total and days' errors in a week's: the coarser
        // grain is never less accurate (triangle inequality), and on Poisson-like data much more.
        for m in &r.scores {
            assert!(m.wape_daily <= m.wape + 1e-12, "{m:?}");
            assert!(m.wape_weekly <= m.wape_daily + 1e-12, "{m:?}");
        }
        assert!(glm.wape_daily < 0.5 * glm.wape, "{glm:?}");
    }

    #[test]
    fn daily_and_weekly_wape_are_the_errors_of_the_totals() {
        // A model that is exactly right on every day's total but wrong in every interval: the
        // interval WAPE is large, the daily and weekly WAPE are zero.
        use crate::model::{Fitted, PointForecast};
        use crate::series::Training;
        struct Shifted;
        struct ShiftedFit;
        impl Model for Shifted {
            fn name(&self) -> &'static str {
                "shifted"
            }
            fn fit(&self, _: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError> {
                Ok(Box::new(ShiftedFit))
            }
        }
        impl Fitted for ShiftedFit {
            fn forecast(&self, h: &ForecastHorizon<'_>) -> Result<PointForecast, ForecastError> {
                let values = h.days.iter().flat_map(|_| [0.0, 20.0, 0.0, 20.0]).collect();
                Ok(PointForecast {
                    slots_per_day: 4,
                    values,
                })
            }
        }
        let s = ChannelSeries::new(
            "voice",
            4,
            plain_days(monday(), 10 * 7),
            vec![Some(10.0); 70 * 4],
        )
        .unwrap();
        let models: Vec<Box<dyn Model>> = vec![Box::new(Shifted)];
        let r = backtest_channel(&s, &models, &settings(2), &|| {}).unwrap();
        let m = &r.scores[0];
        assert!((m.wape - 1.0).abs() < 1e-9, "{m:?}");
        assert!(m.wape_daily.abs() < 1e-9, "{m:?}");
        assert!(m.wape_weekly.abs() < 1e-9, "{m:?}");
    }

    #[test]
    fn rejects_zero_horizon_and_short_history() {
        let s = series_with(plain_days(monday(), 30), 24, 0.0, 1, |_, d, s| {
            expected(d, s, 24)
        });
        let mut st = settings(2);
        st.horizon_days = 0;
        assert_eq!(
            backtest_channel(&s, &default_models(), &st, &|| {}).err(),
            Some(ForecastError::ZeroHorizon)
        );
        let err = backtest_channel(&s, &default_models(), &settings(12), &|| {})
            .err()
            .unwrap();
        assert!(
            matches!(err, ForecastError::HistoryTooShort { .. }),
            "{err}"
        );
    }
}

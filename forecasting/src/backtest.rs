//! Rolling-origin backtest (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF 16(4)):
//! every model is refitted at weekly origins on the data before the origin only, forecasts the next
//! `horizon` days, and is scored against what happened. Beside the single models, two combinations
//! of them are scored ([`crate::combination`]). The same run calibrates each candidate's prediction
//! intervals (dispersion from the residuals of the *preceding* origins only, so the coverage
//! reported is out of sample), picks the candidate per channel at the grain the channel is planned
//! at ([`crate::grain`]), and replays that choice origin by origin: the selection's own
//! out-of-sample record ([`ChannelBacktest::selection_record`]), each origin's choice made from the
//! origins before it and scored on that origin.
//!
//! Scores (Hyndman & Koehler 2006, "Another look at measures of forecast accuracy", IJF 22(4)):
//! - WAPE = sum |actual - mean forecast| / sum actual (volume-weighted, safe with zero intervals),
//!   per interval, hour, day and origin (week);
//! - WAPE P50: the same for the P50. Absolute error is minimised by the median, not the mean
//!   (Hyndman & Athanasopoulos, FPP3 section 5.8; Kolassa 2016, "Evaluating predictive count data
//!   distributions in retail sales forecasting", IJF 32(3)). For quiet intervals this dominates: with
//!   0.3 contacts expected, forecasting 0.3 scores a WAPE of ~150% whatever the model, forecasting 0
//!   scores 100%;
//! - planning error: the WAPE at the channel's planning grain, or for very low volume the mean
//!   absolute error of the P50 at that grain, per origin; selection uses its mean over origins;
//! - MASE = mean |actual - mean forecast| / mean |y(t) - y(t - 1 week)| in the 8 weeks of history
//!   before the first scored origin (< 1: better than the in-sample seasonal naive);
//! - bias = (sum mean - sum actual) / sum actual;
//! - coverage = share of open intervals (forecast or actual > 0) with P10 <= actual <= P90, pooled
//!   and per origin.

use chrono::NaiveDate;
use rayon::prelude::*;
use rota_data::channel::ChannelName;

use crate::combination::{choose, mean_errors, CandidateKind, Combine};
use crate::error::ForecastError;
use crate::grain::{judgement, unit_sums, PlanningGrain};
use crate::model::Model;
use crate::series::{ChannelSeries, ForecastHorizon};
use crate::uncertainty::{
    calibrate_from_thresholds, covering_dispersions, CountDistribution, Residual,
};

/// Most past origins whose residuals calibrate one origin's intervals (the most recent ones).
pub const CALIBRATION_WINDOW: usize = 8;

/// A past week whose interval WAPE is more than this many times the median of the calibration
/// window's weeks is left out of the calibration: a band is for ordinary weeks, and one holiday
/// week no calendar flagged would otherwise widen the next eight weeks' bands (on the Anonymous
/// Bank, the calm weeks after Passover and the autumn holidays were covered 87-94%).
pub const OUTLIER_WEEK_RATIO: f64 = 1.5;

/// How the backtest runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BacktestSettings {
    /// Days forecast from each origin.
    pub horizon_days: usize,
    /// Scored origins, one a week, the latest leaving exactly `horizon_days` of history.
    pub origins: usize,
    /// Earlier origins, before the scored ones, whose residuals calibrate the intervals (and
    /// inform the selection) of the first scored origins.
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

/// One candidate's scores at one scored origin.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginScore {
    /// First forecast day.
    pub origin: NaiveDate,
    /// A day of the horizon is a public holiday (as the calendar flags them).
    pub holiday: bool,
    /// Actual offered over the horizon.
    pub actual: f64,
    /// WAPE per interval.
    pub wape: f64,
    /// WAPE of hourly totals.
    pub wape_hourly: f64,
    /// WAPE of daily totals.
    pub wape_daily: f64,
    /// Error of the horizon's total (relative).
    pub wape_weekly: f64,
    /// The error the channel is judged by (WAPE at its planning grain, or the P50's MAE there).
    pub planning_error: f64,
    /// P10-P90 coverage of the open intervals.
    pub coverage: f64,
    /// Dispersion used at this origin (calibrated on the origins before it).
    pub dispersion: f64,
}

/// Scores of one model on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelScore {
    /// Model name.
    pub model: String,
    /// Whether the model is a baseline.
    pub baseline: bool,
    /// Whether the candidate is a combination of the single models.
    pub combination: bool,
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
    /// WAPE of the hourly totals.
    pub wape_hourly: f64,
    /// WAPE of the daily totals (Σ over days of |forecast day − actual day| / Σ actual): the
    /// accuracy a planner judges a day's staffing by. On a channel with a handful of contacts an
    /// interval, the interval WAPE is dominated by Poisson noise no forecast can remove, while the
    /// day's total is close.
    pub wape_daily: f64,
    /// WAPE of each origin's horizon total (the week's volume).
    pub wape_weekly: f64,
    /// Mean over scored origins of the planning error (WAPE at the planning grain, or the P50's
    /// mean absolute error in contacts for very low volume).
    pub planning_error: f64,
    /// Per scored origin.
    pub per_origin: Vec<OriginScore>,
    /// Dispersion calibrated on the latest origins (used for a forecast made now).
    pub dispersion: f64,
}

/// One step of the selection's out-of-sample record: the candidate chosen from the origins before
/// this one, scored on this one, beside the baselines.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionStep {
    /// First forecast day of the origin.
    pub origin: NaiveDate,
    /// A day of the horizon is a public holiday.
    pub holiday: bool,
    /// The candidate chosen.
    pub chosen: String,
    /// Its planning error here.
    pub error: f64,
    /// The seasonal naive's.
    pub naive: f64,
    /// The historical average's.
    pub average: f64,
    /// The chosen candidate's interval WAPE.
    pub wape: f64,
    /// The chosen candidate's P10-P90 coverage.
    pub coverage: f64,
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
    /// The grain the channel is planned, selected and judged at.
    pub grain: PlanningGrain,
    /// Very low volume: the P50's mean absolute error is the planning error, not WAPE.
    pub low_volume: bool,
    /// Scores, the models in the order given, then the combinations.
    pub scores: Vec<ModelScore>,
    /// Name of the candidate selected for a forecast made now.
    pub selected: String,
    /// Names of the single models the selected combination combines (empty for a single model).
    pub selected_members: Vec<String>,
    /// The selection replayed: at each scored origin, the choice made from the origins before it.
    pub selection_record: Vec<SelectionStep>,
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
    /// Mean planning error of the selection's out-of-sample record, and of the seasonal naive and
    /// the historical average over the same origins.
    pub fn selection_summary(&self) -> (f64, f64, f64) {
        let n = self.selection_record.len().max(1) as f64;
        let mean = |f: &dyn Fn(&SelectionStep) -> f64| {
            self.selection_record.iter().map(f).sum::<f64>() / n
        };
        (mean(&|s| s.error), mean(&|s| s.naive), mean(&|s| s.average))
    }
}

/// One candidate's forecasts at every origin (`h x slots` means each), with how it is judged.
struct Candidate {
    name: String,
    kind: CandidateKind,
    forecasts: Vec<Vec<f64>>,
}

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
    let judged = judgement(series, origins[0]);

    let per_model: Vec<Result<Vec<Vec<f64>>, ForecastError>> = models
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
                    Ok(f.values)
                })
                .collect()
        })
        .collect();
    // A model that cannot be fitted at some origin (too little history for it) leaves the
    // candidates, with a warning, so long as another model can be: real exports are short and
    // gappy, and one demanding model should not stop the channel's forecast.
    let mut candidates = Vec::with_capacity(models.len() + Combine::CANDIDATES.len());
    let mut first_error = None;
    for (model, forecasts) in models.iter().zip(per_model) {
        match forecasts {
            Ok(forecasts) => candidates.push(Candidate {
                name: model.name().to_string(),
                kind: CandidateKind {
                    baseline: model.is_baseline(),
                    combination: false,
                },
                forecasts,
            }),
            Err(e) => {
                tracing::warn!(model = model.name(), error = %e, "model left out of the backtest");
                first_error.get_or_insert(e);
            }
        }
    }
    if candidates.is_empty() {
        return Err(
            first_error.unwrap_or(ForecastError::InvalidSetting("no model to backtest".into()))
        );
    }
    let actuals: Vec<&[Option<f64>]> = origins
        .iter()
        .map(|&o| &series.offered()[o * spd..(o + h) * spd])
        .collect();
    let ctx = Context {
        series,
        origins: &origins,
        actuals: &actuals,
        calib,
        h,
        grain: judged.grain,
        low_volume: judged.low_volume,
        target: settings.coverage_target,
        scale: mase_scale(series, origins[calib]),
    };

    // Single models first: the combinations rank them on the origins before each.
    let singles = candidates.len();
    let mut scored: Vec<Scored> = candidates
        .par_iter()
        .map(|c| ctx.score(c))
        .collect::<Result<_, _>>()?;
    let single_errors: Vec<Vec<f64>> = scored.iter().map(|s| s.errors.clone()).collect();
    let rank_window = settings.origins.max(4);
    for combine in Combine::CANDIDATES {
        let forecasts = (0..total)
            .map(|j| {
                let window = j.saturating_sub(rank_window)..j;
                let members = combine.members(&mean_errors(&single_errors, window));
                let parts: Vec<&[f64]> = members
                    .iter()
                    .map(|&m| candidates[m].forecasts[j].as_slice())
                    .collect();
                combine.combine(&parts)
            })
            .collect();
        candidates.push(Candidate {
            name: combine.name().to_string(),
            kind: CandidateKind {
                baseline: false,
                combination: true,
            },
            forecasts,
        });
    }
    scored.extend(
        candidates[singles..]
            .par_iter()
            .map(|c| ctx.score(c))
            .collect::<Result<Vec<_>, _>>()?,
    );

    let kinds: Vec<CandidateKind> = candidates.iter().map(|c| c.kind).collect();
    let errors: Vec<Vec<f64>> = scored.iter().map(|s| s.errors.clone()).collect();
    let fallback = singles; // the first combination: with nothing to judge by, combine
    let selected = choose(&kinds, &errors, calib..total).unwrap_or(fallback);
    let selected_members = match Combine::from_name(&candidates[selected].name) {
        Some(c) => c
            .members(&mean_errors(
                &single_errors,
                total.saturating_sub(rank_window)..total,
            ))
            .into_iter()
            .map(|m| candidates[m].name.clone())
            .collect(),
        None => Vec::new(),
    };
    let find = |name: &str| candidates.iter().position(|c| c.name == name);
    let (naive, average) = (find("seasonal_naive"), find("historical_average"));
    let selection_record = (calib..total)
        .map(|j| {
            let window = j.saturating_sub(settings.origins)..j;
            let pick = choose(&kinds, &errors, window).unwrap_or(fallback);
            let at = |c: Option<usize>| c.map_or(f64::NAN, |c| errors[c][j]);
            let own = &scored[pick].score.per_origin[j - calib];
            SelectionStep {
                origin: series.days()[origins[j]].date,
                holiday: own.holiday,
                chosen: candidates[pick].name.clone(),
                error: errors[pick][j],
                naive: at(naive),
                average: at(average),
                wape: own.wape,
                coverage: own.coverage,
            }
        })
        .collect();
    let actual_total: f64 = scored[0].score.per_origin.iter().map(|o| o.actual).sum();
    Ok(ChannelBacktest {
        channel: series.channel_name().clone(),
        origins: origins[calib..]
            .iter()
            .map(|&o| series.days()[o].date)
            .collect(),
        actual_total,
        contacts_per_day: actual_total / (settings.origins * h) as f64,
        grain: judged.grain,
        low_volume: judged.low_volume,
        scores: scored.into_iter().map(|s| s.score).collect(),
        selected: candidates[selected].name.clone(),
        selected_members,
        selection_record,
    })
}

/// What scoring a candidate needs: the origins, the actuals and how the channel is judged.
struct Context<'a> {
    series: &'a ChannelSeries,
    origins: &'a [usize],
    actuals: &'a [&'a [Option<f64>]],
    calib: usize,
    h: usize,
    grain: PlanningGrain,
    low_volume: bool,
    target: f64,
    scale: f64,
}

/// A candidate's scores, and its planning error at every origin (calibration ones included, for
/// the selection's record).
struct Scored {
    score: ModelScore,
    errors: Vec<f64>,
}

impl Context<'_> {
    fn residual_groups(&self, c: &Candidate, range: std::ops::Range<usize>) -> Vec<Vec<Residual>> {
        range
            .map(|j| {
                self.actuals[j]
                    .iter()
                    .zip(&c.forecasts[j])
                    .filter_map(|(y, &mean)| y.map(|actual| Residual { actual, mean }))
                    .collect()
            })
            .collect()
    }

    /// The planning error of forecast `f` against actual `y` at dispersion `k`.
    fn planning_error(&self, y: &[Option<f64>], f: &[f64], k: f64) -> Result<f64, ForecastError> {
        let spd = self.series.slots_per_day();
        let units = unit_sums(y, f, spd, self.grain.slots_per_unit(spd));
        if self.low_volume {
            let (mut abs, mut open) = (0.0, 0usize);
            for (a, m) in units {
                if a > 0.0 || m > 0.0 {
                    let p50 = CountDistribution {
                        mean: m,
                        dispersion: k,
                    }
                    .quantiles(&[0.5])?[0];
                    abs += (a - p50).abs();
                    open += 1;
                }
            }
            Ok(if open > 0 {
                abs / open as f64
            } else {
                f64::NAN
            })
        } else {
            let (abs, act) = units
                .iter()
                .fold((0.0, 0.0), |(e, s), (a, m)| (e + (a - m).abs(), s + a));
            Ok(ratio(abs, act))
        }
    }

    fn score(&self, c: &Candidate) -> Result<Scored, ForecastError> {
        let (h, calib) = (self.h, self.calib);
        let total = self.origins.len();
        let spd = self.series.slots_per_day();
        let per_hour = PlanningGrain::Hour.slots_per_unit(spd);
        // Each origin's covering dispersions, computed once and shared by every window.
        let thresholds: Vec<Vec<f64>> = self
            .residual_groups(c, 0..total)
            .iter()
            .map(|g| covering_dispersions(g))
            .collect();
        // Each origin's interval WAPE: a week whose error is far above the window's typical one
        // (a holiday week no calendar flagged, a one-off event) is left out of the calibration.
        let origin_wape: Vec<f64> = (0..total)
            .map(|j| {
                let (e, a) = self.actuals[j].iter().zip(&c.forecasts[j]).fold(
                    (0.0, 0.0),
                    |(e, a), (y, f)| match y {
                        Some(y) => (e + (y - f).abs(), a + y),
                        None => (e, a),
                    },
                );
                ratio(e, a)
            })
            .collect();
        let dispersion_at = |j: usize| {
            let window: Vec<&[f64]> =
                calibration_window(&origin_wape, j.saturating_sub(CALIBRATION_WINDOW)..j)
                    .into_iter()
                    .map(|i| thresholds[i].as_slice())
                    .collect();
            calibrate_from_thresholds(&window, self.target)
        };
        let mut errors = vec![f64::NAN; total];
        // The calibration origins' planning errors feed the selection's record only; a
        // low-volume channel's needs their P50s, hence their own (earlier) calibration.
        for (j, err) in errors.iter_mut().enumerate().take(calib) {
            let k = if self.low_volume {
                dispersion_at(j)
            } else {
                0.0
            };
            *err = self.planning_error(self.actuals[j], &c.forecasts[j], k)?;
        }
        let (mut abs_err, mut abs_err_p50, mut sum_actual, mut sum_fc, mut count) =
            (0.0, 0.0, 0.0, 0.0, 0usize);
        let mut lead_abs = vec![0.0; h];
        let mut lead_act = vec![0.0; h];
        let (mut covered, mut open) = (0usize, 0usize);
        let (mut hour_abs, mut day_abs, mut week_abs) = (0.0, 0.0, 0.0);
        let mut per_origin = Vec::with_capacity(total - calib);
        // `j` indexes the origins, actuals, forecasts and errors alike.
        #[allow(clippy::needless_range_loop)]
        for j in calib..total {
            let (y, f) = (self.actuals[j], &c.forecasts[j]);
            let k = dispersion_at(j);
            let sums = |per| unit_sums(y, f, spd, per);
            let abs_sum = |u: Vec<(f64, f64)>| u.iter().map(|(a, m)| (a - m).abs()).sum::<f64>();
            let week = sums(spd)
                .iter()
                .fold((0.0, 0.0), |(a, m), (y, x)| (a + y, m + x));
            let (o_hour, o_day, o_week) = (
                abs_sum(sums(per_hour)),
                abs_sum(sums(spd)),
                (week.0 - week.1).abs(),
            );
            let (mut o_abs, mut o_act, mut o_cov, mut o_open) = (0.0, 0.0, 0usize, 0usize);
            for (i, (y, &m)) in y.iter().zip(f).enumerate() {
                let Some(y) = *y else { continue };
                let q = CountDistribution {
                    mean: m,
                    dispersion: k,
                }
                .quantiles(&[0.1, 0.5, 0.9])?;
                let lead = i / spd;
                abs_err += (y - m).abs();
                abs_err_p50 += (y - q[1]).abs();
                sum_fc += m;
                count += 1;
                lead_abs[lead] += (y - m).abs();
                lead_act[lead] += y;
                o_abs += (y - m).abs();
                o_act += y;
                if m > 0.0 || y > 0.0 {
                    o_open += 1;
                    if y >= q[0] && y <= q[2] {
                        o_cov += 1;
                    }
                }
            }
            sum_actual += o_act;
            covered += o_cov;
            open += o_open;
            hour_abs += o_hour;
            day_abs += o_day;
            week_abs += o_week;
            errors[j] = self.planning_error(y, f, k)?;
            let o = self.origins[j];
            per_origin.push(OriginScore {
                origin: self.series.days()[o].date,
                holiday: self.series.days()[o..o + h].iter().any(|d| d.bank_holiday),
                actual: o_act,
                wape: ratio(o_abs, o_act),
                wape_hourly: ratio(o_hour, o_act),
                wape_daily: ratio(o_day, o_act),
                wape_weekly: ratio(o_week, o_act),
                planning_error: errors[j],
                coverage: if o_open > 0 {
                    o_cov as f64 / o_open as f64
                } else {
                    f64::NAN
                },
                dispersion: k,
            });
        }
        let scored_errors: Vec<f64> = errors[calib..]
            .iter()
            .copied()
            .filter(|e| e.is_finite())
            .collect();
        let score = ModelScore {
            model: c.name.clone(),
            baseline: c.kind.baseline,
            combination: c.kind.combination,
            wape: ratio(abs_err, sum_actual),
            wape_p50: ratio(abs_err_p50, sum_actual),
            mase: if count > 0 {
                abs_err / count as f64 / self.scale
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
            wape_hourly: ratio(hour_abs, sum_actual),
            wape_daily: ratio(day_abs, sum_actual),
            wape_weekly: ratio(week_abs, sum_actual),
            planning_error: if scored_errors.is_empty() {
                f64::NAN
            } else {
                scored_errors.iter().sum::<f64>() / scored_errors.len() as f64
            },
            per_origin,
            dispersion: dispersion_at(total),
        };
        Ok(Scored { score, errors })
    }
}

/// The origins of `range` that calibrate the next one: all but those whose WAPE (`wape[i]`) is
/// over [`OUTLIER_WEEK_RATIO`] times the median of the range's weeks, when at least four weeks
/// have one (fewer give no typical week to judge by).
fn calibration_window(wape: &[f64], range: std::ops::Range<usize>) -> Vec<usize> {
    let mut typical: Vec<f64> = wape[range.clone()]
        .iter()
        .copied()
        .filter(|w| w.is_finite())
        .collect();
    if typical.len() < 4 {
        return range.collect();
    }
    let limit = OUTLIER_WEEK_RATIO * crate::combination::median(&mut typical);
    range.filter(|&i| wape[i] <= limit).collect()
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

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        f64::NAN
    }
}

/// The planning error formatted: a percentage (WAPE) or contacts (the P50's MAE, low volume).
fn fmt_error(r: &ChannelBacktest, e: f64) -> String {
    if !e.is_finite() {
        "-".into()
    } else if r.low_volume {
        format!("{e:.2}")
    } else {
        format!("{:.1}%", 100.0 * e)
    }
}

/// A plain-text table of the backtest: one block per channel, one row per candidate, with the
/// interval, hourly, daily and weekly WAPE, the planning error and the change in planning error
/// against each baseline (negative = better); then the selection's out-of-sample record, origin by
/// origin.
pub fn render_table(results: &[ChannelBacktest]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for r in results {
        let naive = r.score("seasonal_naive").map(|s| s.planning_error);
        let average = r.score("historical_average").map(|s| s.planning_error);
        let measure = if r.low_volume {
            "MAE of the P50, contacts"
        } else {
            "WAPE"
        };
        let _ = writeln!(
            out,
            "channel {} ({:.0} contacts/day, {} origins from {}, planned per {}: judged by {} per {}; \
             selected: {}{})",
            r.channel,
            r.contacts_per_day,
            r.origins.len(),
            r.origins.first().map(|d| d.to_string()).unwrap_or_default(),
            r.grain.as_str(),
            measure,
            r.grain.as_str(),
            r.selected,
            if r.selected_members.is_empty() {
                String::new()
            } else {
                format!(" of {}", r.selected_members.join(", "))
            }
        );
        let _ = writeln!(
            out,
            "  {:<20} {:>7} {:>7} {:>7} {:>7} {:>9} {:>10} {:>6} {:>7} {:>8} {:>10} {:>10}",
            "model",
            "WAPE",
            "hour",
            "day",
            "week",
            "planning",
            "WAPE P50",
            "MASE",
            "bias",
            "P10-P90",
            "vs naive",
            "vs average"
        );
        for s in &r.scores {
            let rel = |b: Option<f64>| match b {
                Some(b) if b > 0.0 => format!("{:+.1}%", 100.0 * (s.planning_error / b - 1.0)),
                _ => "-".into(),
            };
            let _ = writeln!(
                out,
                "  {:<20} {:>6.1}% {:>6.1}% {:>6.1}% {:>6.1}% {:>9} {:>9.1}% {:>6.3} {:>+6.1}% {:>7.1}% {:>10} {:>10}{}",
                s.model,
                100.0 * s.wape,
                100.0 * s.wape_hourly,
                100.0 * s.wape_daily,
                100.0 * s.wape_weekly,
                fmt_error(r, s.planning_error),
                100.0 * s.wape_p50,
                s.mase,
                100.0 * s.bias,
                100.0 * s.coverage,
                rel(naive),
                rel(average),
                if s.model == r.selected { "  *" } else { "" }
            );
        }
        let (own, nv, av) = r.selection_summary();
        let _ = writeln!(
            out,
            "  selection out of sample (each origin's choice made on the origins before it), \
             planning error per {}:",
            r.grain.as_str()
        );
        let _ = writeln!(
            out,
            "    {:<10} {:<20} {:>9} {:>9} {:>9} {:>8}",
            "origin", "chosen", "error", "naive", "average", "P10-P90"
        );
        for s in &r.selection_record {
            let _ = writeln!(
                out,
                "    {:<10} {:<20} {:>9} {:>9} {:>9} {:>7.1}%{}",
                s.origin,
                s.chosen,
                fmt_error(r, s.error),
                fmt_error(r, s.naive),
                fmt_error(r, s.average),
                100.0 * s.coverage,
                if s.holiday { "  holiday" } else { "" }
            );
        }
        let in_band = r
            .selection_record
            .iter()
            .filter(|s| (0.75..=0.85).contains(&s.coverage))
            .count();
        let _ = writeln!(
            out,
            "    {:<10} {:<20} {:>9} {:>9} {:>9}  {}/{} origins within 75-85%",
            "mean",
            "",
            fmt_error(r, own),
            fmt_error(r, nv),
            fmt_error(r, av),
            in_band,
            r.selection_record.len()
        );
    }
    out
}

/// Write the backtest as CSV: one row per channel, candidate and lead day (`all` = the whole
/// horizon), then one row per candidate and scored origin (`lead_day` = `origin`, the origin's
/// date in `origin`), then the selection's record (`model` = `selection`: the candidate chosen
/// at that origin in `chosen`).
pub fn write_csv<W: std::io::Write>(results: &[ChannelBacktest], w: W) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "channel",
        "model",
        "baseline",
        "selected",
        "lead_day",
        "wape",
        "wape_hourly",
        "wape_daily",
        "wape_weekly",
        "wape_p50",
        "mase",
        "bias",
        "coverage_p10_p90",
        "contacts_per_day",
        "origins",
        "first_origin",
        "planning_grain",
        "planning_error",
        "origin",
        "chosen",
    ])?;
    let f = |x: f64| {
        if x.is_finite() {
            format!("{x:.4}")
        } else {
            String::new()
        }
    };
    for r in results {
        let common = |model: &str, baseline: bool, lead: &str| {
            vec![
                r.channel.to_string(),
                model.to_string(),
                baseline.to_string(),
                (model == r.selected).to_string(),
                lead.to_string(),
            ]
        };
        let tail = |origin: String, chosen: String, planning: f64| {
            vec![
                format!("{:.1}", r.contacts_per_day),
                r.origins.len().to_string(),
                r.origins.first().map(|d| d.to_string()).unwrap_or_default(),
                r.grain.as_str().to_string(),
                f(planning),
                origin,
                chosen,
            ]
        };
        for s in &r.scores {
            let mut row = common(&s.model, s.baseline, "all");
            row.extend(
                [
                    s.wape,
                    s.wape_hourly,
                    s.wape_daily,
                    s.wape_weekly,
                    s.wape_p50,
                    s.mase,
                    s.bias,
                    s.coverage,
                ]
                .map(f),
            );
            row.extend(tail(String::new(), String::new(), s.planning_error));
            out.write_record(&row)?;
            for (lead, &w) in s.wape_by_lead_day.iter().enumerate() {
                let mut row = common(&s.model, s.baseline, &(lead + 1).to_string());
                row.push(f(w));
                row.extend(std::iter::repeat_n(String::new(), 7));
                row.extend(tail(String::new(), String::new(), f64::NAN));
                out.write_record(&row)?;
            }
        }
        for s in &r.scores {
            for o in &s.per_origin {
                let mut row = common(&s.model, s.baseline, "origin");
                row.extend(
                    [
                        o.wape,
                        o.wape_hourly,
                        o.wape_daily,
                        o.wape_weekly,
                        f64::NAN,
                        f64::NAN,
                        f64::NAN,
                        o.coverage,
                    ]
                    .map(f),
                );
                row.extend(tail(o.origin.to_string(), String::new(), o.planning_error));
                out.write_record(&row)?;
            }
        }
        for s in &r.selection_record {
            let mut row = common("selection", false, "origin");
            row.push(f(s.wape));
            row.extend(std::iter::repeat_n(String::new(), 6));
            row.push(f(s.coverage));
            row.extend(tail(s.origin.to_string(), s.chosen.clone(), s.error));
            out.write_record(&row)?;
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
        assert!(sel.planning_error < naive.planning_error, "{sel:?}");
        assert!(
            (0.7..=0.9).contains(&sel.coverage),
            "coverage {}",
            sel.coverage
        );
        // Per-origin coverage is reported, and out of sample it stays near the target.
        assert_eq!(sel.per_origin.len(), 8);
        let in_band = sel
            .per_origin
            .iter()
            .filter(|o| (0.7..=0.9).contains(&o.coverage))
            .count();
        assert!(in_band >= 6, "{:?}", sel.per_origin);
        // The combinations are scored beside the single models.
        assert!(r.score("mean_top3").is_some_and(|s| s.combination));
        assert!(r.score("median").is_some_and(|s| s.combination));
        assert_eq!(r.grain, crate::grain::PlanningGrain::Interval);
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
    fn the_selection_record_replays_each_origins_choice_on_the_next() {
        let s = series_with(plain_days(monday(), 20 * 7), 24, 0.02, 5, |_, d, s| {
            expected(d, s, 24)
        })
        .with_deferred(true);
        let r = backtest_channel(&s, &default_models(), &settings(6), &|| {}).unwrap();
        assert_eq!(r.grain, crate::grain::PlanningGrain::Day);
        assert_eq!(r.selection_record.len(), 6);
        for (step, origin) in r.selection_record.iter().zip(&r.origins) {
            assert_eq!(step.origin, *origin);
            let chosen = r.score(&step.chosen).expect("a scored candidate");
            let own = chosen
                .per_origin
                .iter()
                .find(|o| o.origin == *origin)
                .unwrap();
            assert_eq!(step.error, own.planning_error);
            let naive = r.score("seasonal_naive").unwrap();
            let at = naive
                .per_origin
                .iter()
                .find(|o| o.origin == *origin)
                .unwrap();
            assert_eq!(step.naive, at.planning_error);
            // At the day grain the planning error is the daily WAPE.
            assert!((own.planning_error - own.wape_daily).abs() < 1e-12);
        }
        let (own, naive, _) = r.selection_summary();
        assert!(own < naive, "{own} vs {naive}");
        // A combination selected names its members, a single model none.
        assert_eq!(
            r.selected_members.is_empty(),
            crate::combination::Combine::from_name(&r.selected).is_none()
        );
        let mut csv = Vec::new();
        write_csv(std::slice::from_ref(&r), &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(text.lines().any(|l| l.contains(",selection,")), "{text}");
        assert!(render_table(&[r]).contains("selection out of sample"));
    }

    #[test]
    fn very_low_volume_is_judged_by_the_p50s_absolute_error() {
        // A live channel with ~0.1 contacts an interval at its busiest (under 2 an hour): judged
        // per hour by the P50's mean absolute error in contacts, not by WAPE.
        let s = series_with(plain_days(monday(), 12 * 7), 24, 0.0, 9, |_, d, s| {
            expected(d, s, 24) / 400.0
        });
        let r = backtest_channel(&s, &default_models(), &settings(3), &|| {}).unwrap();
        assert_eq!(r.grain, crate::grain::PlanningGrain::Hour);
        assert!(r.low_volume);
        for m in &r.scores {
            for o in &m.per_origin {
                // A mean absolute error of counts under 2 an hour: below 2 and not a ratio of
                // the error to the (tiny) volume, which WAPE would be.
                assert!(
                    o.planning_error.is_finite() && o.planning_error < 2.0,
                    "{o:?}"
                );
                assert!((o.planning_error - o.wape_hourly).abs() > 1e-9, "{o:?}");
            }
        }
        assert!(render_table(std::slice::from_ref(&r)).contains("MAE of the P50"));
    }

    #[test]
    fn weeks_far_off_are_left_out_of_the_calibration_window() {
        let wape = [0.20, 0.22, 0.21, 0.70, 0.19, f64::NAN, 0.20];
        // The 70% week is over 1.5 x the window's median (0.205); the unscored week stays out.
        assert_eq!(calibration_window(&wape, 0..7), vec![0, 1, 2, 4, 6]);
        // With fewer than four weeks there is no typical week to judge by: all are kept.
        assert_eq!(calibration_window(&wape, 2..5), vec![2, 3, 4]);
        assert_eq!(calibration_window(&wape, 3..3), Vec::<usize>::new());
    }

    #[test]
    fn a_model_that_cannot_be_fitted_leaves_the_candidates() {
        use crate::series::Training;
        struct Failing;
        impl Model for Failing {
            fn name(&self) -> &'static str {
                "failing"
            }
            fn fit(
                &self,
                d: &Training<'_>,
            ) -> Result<Box<dyn crate::model::Fitted>, ForecastError> {
                d.require_weeks(1000, "a test model that always wants more")?;
                unreachable!()
            }
        }
        let s = series_with(plain_days(monday(), 10 * 7), 24, 0.0, 3, |_, d, s| {
            expected(d, s, 24)
        });
        let mut models = default_models();
        models.push(Box::new(Failing));
        let r = backtest_channel(&s, &models, &settings(2), &|| {}).unwrap();
        assert!(r.score("failing").is_none());
        assert!(r.score("historical_average").is_some());
        // With nothing left, the model's own error is the answer.
        let only: Vec<Box<dyn Model>> = vec![Box::new(Failing)];
        let err = backtest_channel(&s, &only, &settings(2), &|| {}).unwrap_err();
        assert!(
            matches!(err, ForecastError::HistoryTooShort { .. }),
            "{err}"
        );
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

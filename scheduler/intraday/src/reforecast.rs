//! The intraday re-forecast: the forecast made before the day, with the day's level updated from
//! what has arrived so far.
//!
//! # Method
//! A day's arrivals run high or low *as a whole*: the intraday shape of a day is far more stable
//! than its level (Brown et al. 2005, JASA 100(469); Shen & Huang 2008, Annals of Applied
//! Statistics 2(2)). So the pre-day forecast's profile is kept and only the level is updated. Let
//! the day's arrivals in interval i be Poisson(L · f_i), where f_i is the pre-day forecast mean and
//! L the day's level, with a Gamma(α, α) prior on L (mean 1: the pre-day forecast is unbiased;
//! variance 1/α: how far a whole day strays from its forecast). With A contacts seen in the
//! finished intervals, whose forecast summed to F, the posterior is Gamma(α + A, α + F), so
//!
//! ```text
//! L̂ = (α + A) / (α + F)
//! ```
//!
//! the ratio of actual to forecast so far, shrunk towards 1 by α contacts of prior evidence — the
//! conjugate special case of the Bayesian updating of Weinberg, Brown & Stroud (2007), JASA
//! 102(480). With α = 0 it is the plain ratio (which over-reacts to a quiet first hour); with
//! α = ∞ it is the pre-day forecast. The remaining intervals' counts are then negative binomial
//! (Gamma-Poisson) with mean L̂ · f_i and size α + A, so the band narrows as the day's evidence
//! grows. Later days of the horizon keep part of the surprise: their level is
//! 1 + carryᵏ · (L̂ − 1) on the k-th day after today.
//!
//! α and the carry are estimated from the centre's own days ([`LevelPrior::calibrate`]): the
//! variance of the day ratios actual/forecast, less the Poisson part, is 1/α, and the carry is the
//! correlation of consecutive days' surprises. `docs/INTRADAY.md` gives the backtest that chose this
//! method over the plain ratio and the pre-day forecast.
//!
//! AHT is updated the same way: the handle-weighted ratio of the day's actual AHT to its forecast,
//! shrunk towards 1 by [`AHT_PRIOR_CONTACTS`] handled contacts of prior evidence.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use rota_data::channel::ChannelName;
use rota_data::demand::{DemandRecord, DemandSeries};
use serde::Serialize;
use statrs::distribution::{DiscreteCDF, NegativeBinomial};

use crate::actuals::DayActuals;
use crate::IntradayError;

/// Prior evidence of the AHT update, in handled contacts: the forecast AHT counts as this many
/// contacts handled at it. AHT drifts less from day to day than volume does, and one long call
/// moves the mean of a few; 100 contacts keep a morning of 20 calls from moving it more than a
/// sixth of the way.
pub const AHT_PRIOR_CONTACTS: f64 = 100.0;

/// The day-level prior: how far a whole day typically strays from its pre-day forecast, and how
/// much of one day's surprise carries into the next.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LevelPrior {
    /// α: the prior's weight in contacts (the day-level variance is 1/α).
    pub strength: f64,
    /// Share of today's surprise (L̂ − 1) kept on the next day, squared the day after, and so on.
    pub carry: f64,
    /// κ: the intervals' own spread around the day's level beyond Poisson's (an interval count is
    /// negative binomial with variance μ + κ·μ² even when the day's level is known).
    pub interval_dispersion: f64,
}

impl Default for LevelPrior {
    /// α = 100 (a day-level coefficient of variation of 10%) and no carry: used when the centre's
    /// own days cannot be calibrated on (fewer than [`LevelPrior::MIN_DAYS`] days with both a
    /// forecast and actuals). 10% is at the low end of the day-to-day spread of the backtests in
    /// `docs/INTRADAY.md`, so by default the update trusts the day's own evidence early.
    fn default() -> Self {
        Self {
            strength: 100.0,
            carry: 0.0,
            interval_dispersion: Self::DEFAULT_INTERVAL_DISPERSION,
        }
    }
}

/// One day's forecast and actual total of a channel, for calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayTotal {
    /// The day.
    pub date: NaiveDate,
    /// Pre-day forecast of the day's contacts.
    pub forecast: f64,
    /// Contacts that arrived.
    pub actual: f64,
    /// Σ over the day's intervals of (aᵢ − r·fᵢ)² − r·fᵢ, with r = actual / forecast: the spread of
    /// the intervals around the day's own level beyond Poisson's.
    pub interval_excess: f64,
    /// Σ (r·fᵢ)², the weight of `interval_excess`.
    pub interval_weight: f64,
}

impl LevelPrior {
    /// Fewest days the prior is calibrated on.
    pub const MIN_DAYS: usize = 5;
    /// The largest α (day-level spread of 1%): beyond it the update would ignore a day's evidence.
    pub const MAX_STRENGTH: f64 = 10_000.0;

    /// κ used when it cannot be calibrated: 0.02 (an interval of 50 expected contacts has a
    /// standard deviation of about 10, against Poisson's 7). The re-forecast backtest in
    /// `docs/INTRADAY.md` calibrated 0.05 on the bank's half-hours and 0.04 on its hours by the
    /// autumn, higher in spring with few days to go on.
    pub const DEFAULT_INTERVAL_DISPERSION: f64 = 0.02;

    /// A prior, checked: α > 0 and finite, carry in [0, 1]; κ is the default.
    pub fn new(strength: f64, carry: f64) -> Result<Self, IntradayError> {
        if !(strength.is_finite() && strength > 0.0) {
            return Err(IntradayError::Invalid(format!(
                "the prior strength must be a positive number of contacts, got {strength}"
            )));
        }
        if !(carry.is_finite() && (0.0..=1.0).contains(&carry)) {
            return Err(IntradayError::Invalid(format!(
                "the carry to later days must be a share from 0 to 1, got {carry}"
            )));
        }
        Ok(Self {
            strength,
            carry,
            interval_dispersion: Self::DEFAULT_INTERVAL_DISPERSION,
        })
    }

    /// The prior of a channel's own days: 1/α = mean (r − 1)² − mean(1/F) over days with ratio
    /// r = actual / forecast and forecast F (the Poisson part of the spread is taken out; what is
    /// left is the day level's), bounded to [1, [`Self::MAX_STRENGTH`]]; the carry is the
    /// correlation of consecutive days' surprises (r − 1), floored at 0; κ is the intervals'
    /// excess spread around each day's own level, pooled. `None` with fewer than
    /// [`Self::MIN_DAYS`] days with a forecast of at least one contact.
    pub fn calibrate(days: &[DayTotal]) -> Option<Self> {
        let mut days: Vec<&DayTotal> = days.iter().filter(|d| d.forecast >= 1.0).collect();
        if days.len() < Self::MIN_DAYS {
            return None;
        }
        days.sort_by_key(|d| d.date);
        let n = days.len() as f64;
        let surprise: Vec<f64> = days.iter().map(|d| d.actual / d.forecast - 1.0).collect();
        let mean_sq = surprise.iter().map(|s| s * s).sum::<f64>() / n;
        let poisson = days.iter().map(|d| 1.0 / d.forecast).sum::<f64>() / n;
        let var = (mean_sq - poisson).max(1.0 / Self::MAX_STRENGTH);
        let strength = (1.0 / var).clamp(1.0, Self::MAX_STRENGTH);
        // Lag-one correlation over consecutive calendar days only.
        let (mut num, mut a2, mut b2) = (0.0, 0.0, 0.0);
        for (w, s) in days.windows(2).zip(surprise.windows(2)) {
            if w[1].date - w[0].date == Duration::days(1) {
                num += s[0] * s[1];
                a2 += s[0] * s[0];
                b2 += s[1] * s[1];
            }
        }
        let carry = if a2 > 0.0 && b2 > 0.0 {
            (num / (a2 * b2).sqrt()).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (excess, weight) = days.iter().fold((0.0, 0.0), |(e, w), d| {
            (e + d.interval_excess, w + d.interval_weight)
        });
        let interval_dispersion = if weight > 0.0 {
            (excess / weight).clamp(0.0, 1.0)
        } else {
            Self::DEFAULT_INTERVAL_DISPERSION
        };
        Some(Self {
            strength,
            carry,
            interval_dispersion,
        })
    }
}

/// How the day's level is updated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum Update {
    /// No update: the pre-day forecast as it was.
    PreDay,
    /// The plain ratio of actual to forecast so far (no shrinkage).
    Ratio,
    /// The ratio shrunk towards the pre-day forecast by the prior (the default).
    Shrunk(LevelPrior),
}

/// What the morning said about one channel's day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelLevel {
    /// Channel.
    pub channel: ChannelName,
    /// Pre-day forecast of the finished intervals that have actuals.
    pub forecast_so_far: f64,
    /// Contacts that arrived in them.
    pub actual_so_far: f64,
    /// Today's level: the remaining intervals are the pre-day forecast times this.
    pub level: f64,
    /// The level's standard deviation after the update (0 for the plain ratio and the pre-day
    /// forecast, which carry no measure of their own uncertainty).
    pub level_sd: f64,
    /// The AHT level (actual over forecast AHT so far, shrunk).
    pub aht_level: f64,
    /// Pre-day forecast of the whole day.
    pub forecast_day: f64,
    /// The day as now expected: actuals so far plus the re-forecast of the rest.
    pub expected_day: f64,
}

/// The re-forecast of every interval from `now` to the end of the horizon, in the forecast
/// format, with the per-channel levels that made it.
#[derive(Debug, Clone)]
pub struct Reforecast {
    /// Rows from the interval containing `now` to the end of the horizon.
    pub rows: DemandSeries,
    /// Today's levels, per channel in the forecast.
    pub levels: Vec<ChannelLevel>,
    /// The moment of the update.
    pub now: DateTime<FixedOffset>,
    /// The update applied.
    pub update: Update,
}

/// The interval length of a forecast: the smallest step between consecutive rows of a channel.
pub fn interval_of(forecast: &DemandSeries) -> Result<Duration, IntradayError> {
    let mut step: Option<Duration> = None;
    for c in forecast.channels() {
        let starts: Vec<_> = forecast
            .for_channel(&c)
            .map(|r| r.interval_start())
            .collect();
        for w in starts.windows(2) {
            let d = w[1] - w[0];
            if d > Duration::zero() && step.is_none_or(|s| d < s) {
                step = Some(d);
            }
        }
    }
    step.ok_or_else(|| {
        IntradayError::Invalid(
            "the forecast needs at least two intervals of one channel to show its interval length"
                .into(),
        )
    })
}

/// Checks `now` against the forecast's span: it must fall within the forecast (its first interval
/// start up to the end of its last interval).
pub fn check_now(
    forecast: &DemandSeries,
    interval: Duration,
    now: DateTime<FixedOffset>,
) -> Result<(), IntradayError> {
    let Some((first, last)) = forecast.span() else {
        return Err(IntradayError::Invalid("the forecast has no rows".into()));
    };
    let end = last + interval;
    if now < first || now >= end {
        return Err(IntradayError::NowOutsideForecast {
            now: now.to_rfc3339(),
            first: first.to_rfc3339(),
            last: end.to_rfc3339(),
        });
    }
    Ok(())
}

/// Re-forecasts every channel of `forecast` from `now` to the end of its horizon with today's
/// actuals (intervals that finished by `now`; the local day is `now`'s).
///
/// Errors: `now` outside the forecast; actuals for a channel the forecast lacks; actuals of an
/// interval that has not finished at `now`.
#[tracing::instrument(skip_all, fields(now = %now))]
pub fn reforecast(
    forecast: &DemandSeries,
    actuals: &DayActuals,
    now: DateTime<FixedOffset>,
    update: Update,
) -> Result<Reforecast, IntradayError> {
    let interval = interval_of(forecast)?;
    check_now(forecast, interval, now)?;
    let channels = forecast.channels();
    actuals.check(&channels, "the forecast", now, interval)?;
    let today = now.date_naive();
    let mut rows = Vec::new();
    let mut levels = Vec::new();
    for channel in &channels {
        let records: Vec<&DemandRecord> = forecast.for_channel(channel).collect();
        let seen = actuals.of(channel);
        let (mut f_so_far, mut a_so_far) = (0.0, 0.0);
        let (mut aht_f, mut aht_a, mut handled) = (0.0, 0.0, 0.0);
        let mut forecast_day = 0.0;
        for r in &records {
            let t = r.interval_start();
            if t.with_timezone(&now.timezone()).date_naive() != today {
                continue;
            }
            forecast_day += r.offered_mean();
            if t + interval > now {
                continue;
            }
            if let Some(a) = seen.get(&t) {
                f_so_far += r.offered_mean();
                a_so_far += a.offered;
                if let (Some(h), Some(aht)) = (a.handled, a.aht_s) {
                    if h > 0.0 && r.aht_seconds() > 0.0 {
                        aht_f += h * r.aht_seconds();
                        aht_a += h * aht;
                        handled += h;
                    }
                }
            }
        }
        let (level, shape) = match update {
            Update::PreDay => (1.0, None),
            Update::Ratio => (
                if f_so_far > 0.0 {
                    a_so_far / f_so_far
                } else {
                    1.0
                },
                None,
            ),
            Update::Shrunk(p) => (
                (p.strength + a_so_far) / (p.strength + f_so_far),
                Some(p.strength + a_so_far),
            ),
        };
        let aht_level = match update {
            Update::PreDay => 1.0,
            Update::Ratio if aht_f > 0.0 => aht_a / aht_f,
            Update::Ratio => 1.0,
            Update::Shrunk(_) => {
                let ratio = if aht_f > 0.0 { aht_a / aht_f } else { 1.0 };
                (AHT_PRIOR_CONTACTS + handled * ratio) / (AHT_PRIOR_CONTACTS + handled)
            }
        };
        let carry = match update {
            Update::Shrunk(p) => p.carry,
            _ => 0.0,
        };
        let mut rest_of_day = 0.0;
        for r in &records {
            let t = r.interval_start();
            if t + interval <= now {
                continue;
            }
            let days_ahead = (t.with_timezone(&now.timezone()).date_naive() - today).num_days();
            let (lvl, size) = if days_ahead <= 0 {
                (level, shape)
            } else {
                let k = i32::try_from(days_ahead).unwrap_or(i32::MAX);
                let prior = match update {
                    Update::Shrunk(p) => Some(p.strength),
                    _ => None,
                };
                (1.0 + carry.powi(k) * (level - 1.0), prior)
            };
            let aht_lvl = if days_ahead <= 0 { aht_level } else { 1.0 };
            if days_ahead <= 0 {
                rest_of_day += lvl * r.offered_mean();
            }
            // The predictive's size: the level's uncertainty (1/shape) and the intervals' own
            // spread (κ) add up in the relative variance.
            let kappa = match update {
                Update::Shrunk(p) => p.interval_dispersion,
                _ => 0.0,
            };
            let size = size.map(|a| 1.0 / (1.0 / a + kappa));
            rows.push(updated_row(r, lvl, size, aht_lvl)?);
        }
        // Gamma(a, a / L̂) has standard deviation L̂ / √a.
        let level_sd = shape.map_or(0.0, |a| level / a.sqrt());
        levels.push(ChannelLevel {
            channel: channel.clone(),
            forecast_so_far: f_so_far,
            actual_so_far: a_so_far,
            level,
            level_sd,
            aht_level,
            forecast_day,
            expected_day: actuals.day_offered(channel, today, &now.timezone()) + rest_of_day,
        });
    }
    let rows = DemandSeries::new(rows).map_err(|e| IntradayError::Invalid(e.to_string()))?;
    Ok(Reforecast {
        rows,
        levels,
        now,
        update,
    })
}

/// One row of the forecast at `level` times its mean. With a `size` (the Gamma shape of the
/// level) the quantiles are the Gamma-Poisson predictive's, negative binomial with that size;
/// without one the pre-day band is scaled with the mean.
fn updated_row(
    r: &DemandRecord,
    level: f64,
    size: Option<f64>,
    aht_level: f64,
) -> Result<DemandRecord, IntradayError> {
    let mean = level * r.offered_mean();
    let (p10, p50, p90) = match size {
        Some(a) if mean > 0.0 => nb_quantiles(mean, a),
        _ => (
            level * r.offered_p10(),
            level * r.offered_p50(),
            level * r.offered_p90(),
        ),
    };
    DemandRecord::new(
        r.interval_start(),
        r.channel().clone(),
        mean,
        p10,
        p50,
        p90,
        r.aht_seconds() * aht_level,
    )
    .map_err(|(col, msg)| IntradayError::Invalid(format!("re-forecast {col}: {msg}")))
}

/// P10, P50 and P90 of a negative binomial with this mean and size (variance mean + mean²/size).
fn nb_quantiles(mean: f64, size: f64) -> (f64, f64, f64) {
    // statrs' NegativeBinomial(r, p) has mean r(1 − p)/p, so p = r / (r + mean).
    let p = size / (size + mean);
    match NegativeBinomial::new(size, p) {
        Ok(d) => (
            d.inverse_cdf(0.1) as f64,
            d.inverse_cdf(0.5) as f64,
            d.inverse_cdf(0.9) as f64,
        ),
        Err(_) => (mean, mean, mean),
    }
}

/// Totals per channel and day of a forecast and actuals, for [`LevelPrior::calibrate`]: the days
/// before `before` on which every forecast interval that has ended has an actual.
pub fn day_totals(
    forecast: &DemandSeries,
    actuals: &DayActuals,
    before: NaiveDate,
) -> BTreeMap<ChannelName, Vec<DayTotal>> {
    let mut out: BTreeMap<ChannelName, Vec<DayTotal>> = BTreeMap::new();
    for channel in forecast.channels() {
        let seen = actuals.of(&channel);
        // Per day: (forecast, actual) of each interval, and whether every interval has actuals.
        let mut days: BTreeMap<NaiveDate, (Vec<(f64, f64)>, bool)> = BTreeMap::new();
        for r in forecast.for_channel(&channel) {
            let date = r.interval_start().date_naive();
            if date >= before {
                continue;
            }
            let e = days.entry(date).or_insert((Vec::new(), true));
            match seen.get(&r.interval_start()) {
                Some(a) => e.0.push((r.offered_mean(), a.offered)),
                None => e.1 = r.offered_mean() == 0.0 && e.1,
            }
        }
        let list = days
            .into_iter()
            .filter(|(_, (_, complete))| *complete)
            .map(|(date, (pairs, _))| {
                let forecast: f64 = pairs.iter().map(|p| p.0).sum();
                let actual: f64 = pairs.iter().map(|p| p.1).sum();
                let r = if forecast > 0.0 {
                    actual / forecast
                } else {
                    1.0
                };
                let (mut excess, mut weight) = (0.0, 0.0);
                for (f, a) in pairs {
                    let mu = r * f;
                    excess += (a - mu).powi(2) - mu;
                    weight += mu * mu;
                }
                DayTotal {
                    date,
                    forecast,
                    actual,
                    interval_excess: excess,
                    interval_weight: weight,
                }
            })
            .collect();
        out.insert(channel, list);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actuals::{ActualCounts, DayActuals};
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(0)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 16, h, m, 0)
            .unwrap()
    }

    /// 08:00-18:00 at 15 minutes, 10 calls an interval, AHT 300 s.
    fn flat_forecast() -> DemandSeries {
        flat_forecast_of(10.0)
    }

    fn flat_forecast_of(calls: f64) -> DemandSeries {
        let voice: ChannelName = "voice".parse().unwrap();
        let rows = (0..40)
            .map(|i| {
                let s = t(8, 0) + Duration::minutes(15 * i);
                DemandRecord::new(
                    s,
                    voice.clone(),
                    calls,
                    calls * 0.6,
                    calls,
                    calls * 1.4,
                    300.0,
                )
                .unwrap()
            })
            .collect();
        DemandSeries::new(rows).unwrap()
    }

    fn morning(per_interval: f64, until: DateTime<FixedOffset>) -> DayActuals {
        let voice: ChannelName = "voice".parse().unwrap();
        let mut a = DayActuals::default();
        let mut s = t(8, 0);
        while s + Duration::minutes(15) <= until {
            a.insert(
                voice.clone(),
                s,
                ActualCounts {
                    offered: per_interval,
                    handled: Some(per_interval),
                    abandoned: Some(0.0),
                    aht_s: Some(360.0),
                    asa_s: Some(20.0),
                },
            );
            s += Duration::minutes(15);
        }
        a
    }

    #[test]
    fn the_shrunk_level_lies_between_the_forecast_and_the_ratio() {
        let f = flat_forecast();
        // 08:00-10:00: 8 intervals at 12 calls = 96 against 80 forecast.
        let a = morning(12.0, t(10, 0));
        let prior = LevelPrior::new(80.0, 0.0).unwrap();
        let r = reforecast(&f, &a, t(10, 0), Update::Shrunk(prior)).unwrap();
        let l = &r.levels[0];
        assert_eq!(l.forecast_so_far, 80.0);
        assert_eq!(l.actual_so_far, 96.0);
        // (80 + 96) / (80 + 80) = 1.1: half way between 1 and the ratio 1.2.
        assert!((l.level - 1.1).abs() < 1e-12, "{}", l.level);
        assert_eq!(r.rows.len(), 32, "10:00 to 18:00");
        assert!((r.rows.records()[0].offered_mean() - 11.0).abs() < 1e-9);
        // The expected day: 96 so far + 32 intervals x 11.
        assert!((l.expected_day - (96.0 + 32.0 * 11.0)).abs() < 1e-9);
        // AHT: 96 handled at 360 against 300, prior 100 contacts at 1.0.
        let expect = (100.0 + 96.0 * 1.2) / 196.0;
        assert!((l.aht_level - expect).abs() < 1e-12);
        let ratio = reforecast(&f, &a, t(10, 0), Update::Ratio).unwrap();
        assert!((ratio.levels[0].level - 1.2).abs() < 1e-12);
        let pre = reforecast(&f, &a, t(10, 0), Update::PreDay).unwrap();
        assert_eq!(pre.levels[0].level, 1.0);
        assert_eq!(pre.rows.records()[0].offered_p90(), 14.0);
    }

    #[test]
    fn the_band_narrows_as_the_day_brings_evidence() {
        // 100 calls an interval: the day-level part of the band is visible beside Poisson's.
        let f = flat_forecast_of(100.0);
        let prior = LevelPrior::new(10.0, 0.0).unwrap();
        let early = reforecast(
            &f,
            &morning(100.0, t(8, 30)),
            t(8, 30),
            Update::Shrunk(prior),
        )
        .unwrap();
        let late = reforecast(
            &f,
            &morning(100.0, t(14, 0)),
            t(14, 0),
            Update::Shrunk(prior),
        )
        .unwrap();
        let width = |r: &Reforecast| {
            let last = r.rows.records().last().unwrap();
            last.offered_p90() - last.offered_p10()
        };
        assert!(
            width(&late) < width(&early),
            "{} {}",
            width(&late),
            width(&early)
        );
        assert!(late.levels[0].level_sd < early.levels[0].level_sd);
    }

    #[test]
    fn actuals_after_now_and_now_outside_the_forecast_are_errors() {
        let f = flat_forecast();
        let a = morning(10.0, t(10, 0));
        let e = reforecast(&f, &a, t(9, 0), Update::Ratio).unwrap_err();
        assert!(e.to_string().contains("after --now"), "{e}");
        let e = reforecast(&f, &a, t(19, 0), Update::Ratio).unwrap_err();
        assert!(e.to_string().contains("outside the forecast"), "{e}");
        let mut other = DayActuals::default();
        other.insert("chat".parse().unwrap(), t(8, 0), ActualCounts::offered(3.0));
        let e = reforecast(&f, &other, t(10, 0), Update::Ratio).unwrap_err();
        assert!(e.to_string().contains("\"chat\""), "{e}");
    }

    #[test]
    fn calibration_recovers_the_day_level_spread() {
        // Days of 10,000 forecast contacts (Poisson part 1e-4) whose ratios alternate 0.9 and 1.1:
        // day-level variance 0.01, so α ≈ 1 / (0.01 − 0.0001).
        let days: Vec<DayTotal> = (0..20)
            .map(|i| DayTotal {
                date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(i),
                forecast: 10_000.0,
                actual: if i % 2 == 0 { 9_000.0 } else { 11_000.0 },
                // Intervals spread 5% beyond Poisson around the day's level: κ = 0.05.
                interval_excess: 0.05 * 1e6,
                interval_weight: 1e6,
            })
            .collect();
        let p = LevelPrior::calibrate(&days).unwrap();
        assert!((p.strength - 1.0 / 0.0099).abs() < 0.5, "{}", p.strength);
        // Alternating surprises are negatively correlated: nothing carries.
        assert_eq!(p.carry, 0.0);
        assert!((p.interval_dispersion - 0.05).abs() < 1e-12);
        assert!(LevelPrior::calibrate(&days[..4]).is_none());
        assert!(LevelPrior::new(0.0, 0.0).is_err());
        assert!(LevelPrior::new(10.0, 1.5).is_err());
    }
}

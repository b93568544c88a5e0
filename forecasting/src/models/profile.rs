//! The day's level and its intraday shape by singular value decomposition of the day x interval
//! matrix (Shen & Huang 2005, "Analysis of call centre arrival data using singular value
//! decomposition", Appl. Stochastic Models Bus. Ind. 21; Shen & Huang 2008, "Interday forecasting
//! and intraday updating of call center arrivals", MSOM 10(3)), developed on the same kind of bank
//! arrivals as Brown et al. (2005).
//!
//! Each recent day is a row of square-root counts, sqrt(y + 1/4) (which makes Poisson noise roughly
//! constant, variance 1/4, whatever the volume). The first few right singular vectors are intraday
//! profiles shared by all days; each day is its scores on them (the first is, in effect, the day's
//! level, the next its tilt towards morning or afternoon). Shen & Huang forecast the score series
//! with a weekday effect and an AR(1) term; so does this model: per component, a recency-weighted
//! weekday mean, and for the level the latest open day's relative deviation from it, decayed by the
//! lag-1 autocorrelation of those deviations (a day running high is followed by days running
//! high, less so a week later).
//!
//! The mean of a forecast interval is x^2 - 1/4 plus the reconstruction's residual variance of that
//! interval (E[(x + e)^2] = x^2 + var e). Calendar days (bank holidays and the days after, rent days)
//! are adjusted by [`DayEffects`] before the decomposition and multiplied back, like the smoothing
//! models; days with a configured event or closure are left out.
//!
//! The decomposition is a few power iterations with deflation on the interval x interval cross-product
//! matrix (96 x 96 at 15 minutes), not a linear-algebra crate: linfa-reduction (the PCA the design
//! named) is not in the packages this build may use, it centres the columns (the profile model
//! wants the uncentred decomposition whose first component is the level), and the matrix is small.

use crate::day_effects::DayEffects;
use crate::error::ForecastError;
use crate::model::{check_horizon, Fitted, Model, PointForecast};
use crate::series::{ForecastHorizon, Training};

/// The SVD profile model.
#[derive(Debug, Clone, Copy)]
pub struct ProfileSvd {
    /// Weeks of history decomposed.
    pub weeks: usize,
    /// Singular components kept.
    pub components: usize,
    /// Weight of a day one week older than another in the weekday means (recency).
    pub weekly_decay: f64,
}

impl Default for ProfileSvd {
    fn default() -> Self {
        Self {
            weeks: 10,
            components: 3,
            weekly_decay: 0.8,
        }
    }
}

/// Largest eigenpairs of the symmetric `n x n` matrix `c` (row-major), by power iteration with
/// deflation. Returns (eigenvalue, unit eigenvector) pairs, largest first.
fn top_eigen(mut c: Vec<f64>, n: usize, k: usize) -> Vec<(f64, Vec<f64>)> {
    let mut out = Vec::with_capacity(k);
    for comp in 0..k {
        // A start that is not orthogonal to the leading vector of a non-negative matrix.
        let mut v: Vec<f64> = (0..n)
            .map(|i| 1.0 + 0.01 * ((i * (comp + 1)) % 7) as f64)
            .collect();
        let mut lambda = 0.0;
        for _ in 0..200 {
            let mut w = vec![0.0; n];
            for (i, wi) in w.iter_mut().enumerate() {
                *wi = c[i * n..(i + 1) * n]
                    .iter()
                    .zip(&v)
                    .map(|(a, b)| a * b)
                    .sum();
            }
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm < 1e-12 {
                return out;
            }
            w.iter_mut().for_each(|x| *x /= norm);
            let delta: f64 = w.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
            v = w;
            lambda = norm;
            if delta < 1e-10 {
                break;
            }
        }
        for i in 0..n {
            for j in 0..n {
                c[i * n + j] -= lambda * v[i] * v[j];
            }
        }
        out.push((lambda, v));
    }
    out
}

impl Model for ProfileSvd {
    fn name(&self) -> &'static str {
        "profile_svd"
    }

    fn fit(&self, data: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError> {
        if self.weeks < 2 || self.components == 0 || !(0.0..=1.0).contains(&self.weekly_decay) {
            return Err(ForecastError::InvalidSetting(format!(
                "profile model: {} weeks, {} components, decay {} (need >= 2 weeks, >= 1 \
                 component, decay in [0, 1])",
                self.weeks, self.components, self.weekly_decay
            )));
        }
        data.require_weeks(
            3,
            "the profile model decomposes at least three weeks of days",
        )?;
        let spd = data.slots_per_day();
        let n = data.n_days();
        let effects = DayEffects::estimate(data);
        // Rows: (day index, weekday, sqrt counts of the calendar-adjusted day).
        let mut rows: Vec<(usize, usize, Vec<f64>)> = Vec::new();
        for d in n.saturating_sub(self.weeks * 7)..n {
            let day = &data.days()[d];
            let f = effects.factor(day);
            if day.closed || day.volume_factor != 1.0 || f < 0.2 || data.day_total(d).is_none() {
                continue;
            }
            // Intervals missing from a day that has data are taken as no contacts: exports leave
            // closed hours out, and the DST gap is a night hour.
            let x = (0..spd)
                .map(|s| (data.value(d, s).unwrap_or(0.0) / f + 0.25).sqrt())
                .collect();
            rows.push((d, day.weekday_index(), x));
        }
        if rows.len() < 14 {
            return Err(ForecastError::HistoryTooShort {
                channel: data.series().channel_name().clone(),
                have: rows.len(),
                need: 14,
                why: "the profile model needs two weeks of ordinary days in its window",
            });
        }
        let k = self.components.min(spd).min(rows.len() - 1);
        let mut cross = vec![0.0; spd * spd];
        for (_, _, x) in &rows {
            for i in 0..spd {
                for j in 0..spd {
                    cross[i * spd + j] += x[i] * x[j];
                }
            }
        }
        let vectors: Vec<Vec<f64>> = top_eigen(cross, spd, k)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        let k = vectors.len().max(1);
        let scores: Vec<Vec<f64>> = rows
            .iter()
            .map(|(_, _, x)| {
                vectors
                    .iter()
                    .map(|v| v.iter().zip(x).map(|(a, b)| a * b).sum())
                    .collect()
            })
            .collect();
        // Residual variance of the rank-k reconstruction per interval.
        let mut resid_var = vec![0.0; spd];
        for ((_, _, x), s) in rows.iter().zip(&scores) {
            for (i, rv) in resid_var.iter_mut().enumerate() {
                let fit: f64 = vectors.iter().zip(s).map(|(v, sc)| v[i] * sc).sum();
                *rv += (x[i] - fit).powi(2);
            }
        }
        resid_var.iter_mut().for_each(|v| *v /= rows.len() as f64);

        let mut components = Vec::with_capacity(k);
        for c in 0..vectors.len() {
            // Recency-weighted weekday means of the scores.
            let (mut sum, mut wsum) = ([0.0; 7], [0.0; 7]);
            let (mut all, mut wall) = (0.0, 0.0);
            for ((d, w, _), s) in rows.iter().zip(&scores) {
                let weight = self.weekly_decay.powf(((n - 1 - d) / 7) as f64);
                sum[*w] += weight * s[c];
                wsum[*w] += weight;
                all += weight * s[c];
                wall += weight;
            }
            let overall = all / wall;
            let weekday: [f64; 7] = std::array::from_fn(|w| {
                if wsum[w] > 0.0 {
                    sum[w] / wsum[w]
                } else {
                    overall
                }
            });
            // The level (first component) also carries the latest open day's relative deviation
            // from its weekday mean forward, decayed by the lag-1 autocorrelation of those
            // deviations over consecutive open days (a day running high is followed by days
            // running high). Deviations are clipped at 3 robust standard deviations so an
            // anomalous day cannot carry into the forecast; closed or near-empty weekdays (a
            // quarter of the busiest weekday's level or less) say nothing about the level.
            let (mut phi, mut last_deviation, mut last_open) = (0.0, 0.0, None);
            if c == 0 {
                let top = weekday.iter().copied().fold(0.0, f64::max);
                let open: Vec<(usize, f64)> = rows
                    .iter()
                    .zip(&scores)
                    .filter(|((_, w, _), _)| weekday[*w] > 0.25 * top && top > 0.0)
                    .map(|((d, w, _), s)| (*d, s[c] / weekday[*w] - 1.0))
                    .collect();
                if open.len() >= 3 {
                    let mut abs: Vec<f64> = open.iter().map(|(_, e)| e.abs()).collect();
                    abs.sort_by(f64::total_cmp);
                    let clip = (3.0 * 1.4826 * abs[abs.len() / 2]).max(1e-9);
                    let dev: Vec<(usize, f64)> = open
                        .iter()
                        .map(|&(d, e)| (d, e.clamp(-clip, clip)))
                        .collect();
                    let (mut num, mut den) = (0.0, 0.0);
                    for pair in dev.windows(2) {
                        if pair[1].0 - pair[0].0 <= 2 {
                            num += pair[1].1 * pair[0].1;
                            den += pair[0].1 * pair[0].1;
                        }
                    }
                    phi = if den > 0.0 {
                        (num / den).clamp(0.0, 0.9)
                    } else {
                        0.0
                    };
                    if let Some(&(d, e)) = dev.last() {
                        last_deviation = e;
                        last_open = Some(d);
                    }
                }
            }
            components.push(Component {
                profile: vectors[c].clone(),
                weekday,
                phi,
                last_deviation,
                last_open,
            });
        }
        Ok(Box::new(FittedProfile {
            slots_per_day: spd,
            n_days: n,
            components,
            resid_var,
            effects,
        }))
    }
}

struct Component {
    profile: Vec<f64>,
    weekday: [f64; 7],
    /// Lag-1 autocorrelation of the relative deviations (level component only; 0 otherwise).
    phi: f64,
    /// The latest open day's relative deviation from its weekday mean.
    last_deviation: f64,
    /// That day's index.
    last_open: Option<usize>,
}

struct FittedProfile {
    slots_per_day: usize,
    n_days: usize,
    components: Vec<Component>,
    resid_var: Vec<f64>,
    effects: DayEffects,
}

impl Fitted for FittedProfile {
    fn forecast(&self, horizon: &ForecastHorizon<'_>) -> Result<PointForecast, ForecastError> {
        check_horizon(horizon, self.n_days)?;
        let spd = self.slots_per_day;
        let mut out = PointForecast::zeros(horizon.len(), spd);
        for (i, day) in horizon.days.iter().enumerate() {
            let w = day.weekday_index();
            let scores: Vec<f64> = self
                .components
                .iter()
                .map(|c| {
                    let carried = c.last_open.map_or(0.0, |last| {
                        let lead = (horizon.start + i).saturating_sub(last).max(1) as i32;
                        c.phi.powi(lead) * c.last_deviation
                    });
                    c.weekday[w] * (1.0 + carried)
                })
                .collect();
            let factor = self.effects.factor(day);
            for s in 0..spd {
                let x: f64 = self
                    .components
                    .iter()
                    .zip(&scores)
                    .map(|(c, sc)| c.profile[s] * sc)
                    .sum();
                let x = x.max(0.0);
                out.set(i, s, (x * x + self.resid_var[s] - 0.25).max(0.0) * factor);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::plain_days;
    use crate::testutil::{expected, monday, series_with};

    #[test]
    fn recovers_a_weekly_pattern_and_follows_a_level_shift() {
        // Exact means (no noise): the forecast reproduces the weekday x interval pattern.
        let s = series_with(plain_days(monday(), 10 * 7), 24, -1.0, 1, |_, d, s| {
            expected(d, s, 24)
        });
        let fitted = ProfileSvd::default().fit(&s.all()).unwrap();
        let next = plain_days(monday() + chrono::Duration::days(70), 7);
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 70,
                days: &next,
            })
            .unwrap();
        for (d, day) in next.iter().enumerate() {
            for slot in 0..24 {
                let want = expected(day, slot, 24);
                assert!(
                    (f.get(d, slot) - want).abs() < 0.03 * want + 0.3,
                    "day {d} slot {slot}: {} vs {want}",
                    f.get(d, slot)
                );
            }
        }
        // The last days ran 30% high: the next day's forecast is raised, the week after less so.
        let s = series_with(plain_days(monday(), 10 * 7), 24, -1.0, 1, |i, d, s| {
            expected(d, s, 24) * if i >= 63 { 1.3 } else { 1.0 }
        });
        let fitted = ProfileSvd::default().fit(&s.all()).unwrap();
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 70,
                days: &next,
            })
            .unwrap();
        let base: f64 = (0..24).map(|slot| expected(&next[0], slot, 24)).sum();
        assert!(f.day_total(0) > 1.1 * base, "{} vs {base}", f.day_total(0));
    }

    #[test]
    fn short_history_and_bad_settings_are_errors() {
        let s = series_with(plain_days(monday(), 14), 24, -1.0, 1, |_, d, s| {
            expected(d, s, 24)
        });
        assert!(matches!(
            ProfileSvd::default().fit(&s.all()),
            Err(ForecastError::HistoryTooShort { .. })
        ));
        let bad = ProfileSvd {
            components: 0,
            ..ProfileSvd::default()
        };
        assert!(matches!(
            bad.fit(&s.all()),
            Err(ForecastError::InvalidSetting(_))
        ));
    }
}

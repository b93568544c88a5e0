//! The classic WFM top-down forecast: forecast each day's total, then split it over the day with the
//! weekday's intraday profile (the share of the day's contacts that arrive in each interval).
//!
//! Daily totals follow Holt-Winters exponential smoothing with a multiplicative weekly season and no
//! trend (Winters 1960, "Forecasting sales by exponentially weighted moving averages", Management
//! Science 6(3)); the two parameters are chosen on a grid to minimise the squared one-day-ahead errors
//! over the training window. Totals are calendar-adjusted with [`DayEffects`] first. The intraday profile of a
//! weekday is the pooled share per interval over its last plain days (no holiday, no closure), which is
//! how planners build "the Monday curve" (Gans, Koole & Mandelbaum 2003, "Telephone call centers:
//! tutorial, review, and research prospects", MSOM 5(2), section 4).

use crate::day_effects::DayEffects;
use crate::error::ForecastError;
use crate::model::{check_horizon, Fitted, Model, PointForecast};
use crate::series::{ForecastHorizon, Training};

/// Settings of the top-down model.
#[derive(Debug, Clone, Copy)]
pub struct TopDown {
    /// Weeks of daily totals the smoothing runs over.
    pub window_weeks: usize,
    /// Same-weekday days pooled for the intraday profile.
    pub profile_weeks: usize,
}

impl Default for TopDown {
    fn default() -> Self {
        Self {
            window_weeks: 26,
            profile_weeks: 8,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct DailyState {
    level: f64,
    season: [f64; 7],
}

/// Smooth the daily totals; returns the final state and the SSE of one-day-ahead errors.
fn smooth(totals: &[(usize, Option<f64>)], alpha: f64, gamma: f64) -> (DailyState, f64) {
    let mut sum = [0.0; 7];
    let mut cnt = [0usize; 7];
    for &(w, y) in totals.iter().take(14) {
        if let Some(y) = y {
            sum[w] += y;
            cnt[w] += 1;
        }
    }
    let means: Vec<f64> = (0..7)
        .map(|w| {
            if cnt[w] > 0 {
                sum[w] / cnt[w] as f64
            } else {
                0.0
            }
        })
        .collect();
    let level = (means.iter().sum::<f64>() / 7.0).max(1e-9);
    let mut st = DailyState {
        level,
        season: [0.0; 7],
    };
    for (season, mean) in st.season.iter_mut().zip(&means) {
        *season = mean / level;
    }
    let mut sse = 0.0;
    for (t, &(w, y)) in totals.iter().enumerate() {
        if t >= 14 {
            if let Some(y) = y {
                let e = y - st.level * st.season[w];
                sse += e * e;
            }
        }
        let Some(y) = y else { continue };
        if st.season[w] > 0.05 {
            st.level = alpha * y / st.season[w] + (1.0 - alpha) * st.level;
        }
        if st.level > 0.0 {
            st.season[w] = gamma * y / st.level + (1.0 - gamma) * st.season[w];
        }
    }
    (st, sse)
}

impl Model for TopDown {
    fn name(&self) -> &'static str {
        "top_down"
    }
    fn fit(&self, data: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError> {
        data.require_weeks(
            3,
            "daily totals need two weeks to initialise the weekly season",
        )?;
        let spd = data.slots_per_day();
        let end = data.n_days();
        let first = end.saturating_sub(self.window_weeks.max(3) * 7);
        let effects = DayEffects::estimate(data);
        let totals: Vec<(usize, Option<f64>)> = (first..end)
            .map(|d| {
                let day = &data.days()[d];
                let f = effects.factor(day);
                let y = if f < 0.2 || day.closed || day.volume_factor != 1.0 {
                    None
                } else {
                    data.day_total(d).map(|t| t / f)
                };
                (day.weekday_index(), y)
            })
            .collect();
        let mut best = (f64::INFINITY, 0.1, 0.1);
        for &a in &[0.02, 0.05, 0.1, 0.2, 0.3, 0.5] {
            for &g in &[0.0, 0.02, 0.05, 0.1, 0.2, 0.3] {
                let (_, sse) = smooth(&totals, a, g);
                if sse < best.0 {
                    best = (sse, a, g);
                }
            }
        }
        let (state, _) = smooth(&totals, best.1, best.2);
        // Intraday profile per weekday from the latest plain days.
        let mut sums = vec![0.0; 7 * spd];
        let mut used = [0usize; 7];
        for d in (0..end).rev() {
            let day = &data.days()[d];
            let w = day.weekday_index();
            if used[w] >= self.profile_weeks
                || day.bank_holiday
                || day.closed
                || data.day_total(d).is_none()
            {
                continue;
            }
            used[w] += 1;
            for s in 0..spd {
                sums[w * spd + s] += data.value(d, s).unwrap_or(0.0);
            }
            if used.iter().all(|&u| u >= self.profile_weeks) {
                break;
            }
        }
        let mut profile = vec![0.0; 7 * spd];
        for w in 0..7 {
            let total: f64 = sums[w * spd..(w + 1) * spd].iter().sum();
            for s in 0..spd {
                profile[w * spd + s] = if total > 0.0 {
                    sums[w * spd + s] / total
                } else {
                    0.0
                };
            }
        }
        Ok(Box::new(FittedTopDown {
            spd,
            n_days: end,
            state,
            effects,
            profile,
        }))
    }
}

struct FittedTopDown {
    spd: usize,
    n_days: usize,
    state: DailyState,
    effects: DayEffects,
    profile: Vec<f64>,
}

impl Fitted for FittedTopDown {
    fn forecast(&self, horizon: &ForecastHorizon<'_>) -> Result<PointForecast, ForecastError> {
        check_horizon(horizon, self.n_days)?;
        let spd = self.spd;
        let mut f = PointForecast::zeros(horizon.len(), spd);
        for (i, day) in horizon.days.iter().enumerate() {
            let w = day.weekday_index();
            let total = self.state.level * self.state.season[w] * self.effects.factor(day);
            for s in 0..spd {
                f.set(i, s, total * self.profile[w * spd + s]);
            }
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::plain_days;
    use crate::testutil::{expected, monday, series_with};

    #[test]
    fn exact_on_stable_totals_and_profile() {
        let s = series_with(plain_days(monday(), 63), 24, -1.0, 1, |_, d, s| {
            expected(d, s, 24)
        });
        let fitted = TopDown::default().fit(&s.training(56)).unwrap();
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 56,
                days: &s.days()[56..63],
            })
            .unwrap();
        for d in 0..7 {
            for slot in 0..24 {
                let want = s.value(56 + d, slot).unwrap();
                assert!((f.get(d, slot) - want).abs() < 1e-6 * (1.0 + want));
            }
        }
    }

    #[test]
    fn holiday_factor_scales_the_day() {
        // Every 5th Monday is a holiday at 40% of the volume; a forecast holiday Monday must be ~40%.
        let mut days = plain_days(monday(), 77);
        for d in (7..70).step_by(35) {
            days[d].bank_holiday = true;
        }
        days[70].bank_holiday = true;
        let s = series_with(days, 24, -1.0, 1, |_, d, s| {
            expected(d, s, 24) * if d.bank_holiday { 0.4 } else { 1.0 }
        });
        let fitted = TopDown::default().fit(&s.training(70)).unwrap();
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 70,
                days: &s.days()[70..77],
            })
            .unwrap();
        // Monday (holiday) against Tuesday, scaled by the plain Monday/Tuesday volumes 600/450.
        let ratio = f.day_total(0) / f.day_total(1) * (450.0 / 600.0);
        assert!((ratio - 0.4).abs() < 0.03, "ratio {ratio}");
    }
}

//! Double-seasonal Holt-Winters exponential smoothing (Taylor 2003, "Short-term electricity demand
//! forecasting using double seasonal exponential smoothing", J. Oper. Res. Soc. 54(8), 799-805; applied
//! to call-centre arrivals in Taylor 2008, Management Science 54(2), 253-265).
//!
//! Additive form (intervals with zero contacts at night rule out dividing by seasonal indices), no
//! trend (level changes within a 1-2 week horizon are carried by the level), with Taylor's AR(1)
//! adjustment of the one-step error:
//!
//! ```text
//! level   l(t) = a (y(t) - d(t-s1) - w(t-s2)) + (1 - a) l(t-1)
//! daily   d(t) = g (y(t) - l(t)   - w(t-s2)) + (1 - g) d(t-s1)
//! weekly  w(t) = o (y(t) - l(t)   - d(t-s1)) + (1 - o) w(t-s2)
//! forecast y(t+k) = l(t) + d(t-s1+k) + w(t-s2+k) + phi^k e(t),  e(t) = y(t) - (l(t-1)+d(t-s1)+w(t-s2))
//! ```
//!
//! s1 = intervals a day, s2 = intervals a week. The four parameters minimise the in-sample sum of
//! squared one-step errors (Taylor's criterion) by coordinate-wise golden-section search. Volumes are
//! first divided by the calendar factors of [`DayEffects`] (bank holidays, the day after, rent days) and
//! forecasts multiplied back; missing intervals skip the update.

use crate::day_effects::DayEffects;
use crate::error::ForecastError;
use crate::model::{check_horizon, Fitted, Model, PointForecast};
use crate::series::{ForecastHorizon, Training};

/// Settings of double-seasonal Holt-Winters.
#[derive(Debug, Clone, Copy)]
pub struct DoubleSeasonalHoltWinters {
    /// Training window in weeks (the first two initialise the seasonal indices).
    pub window_weeks: usize,
}

impl Default for DoubleSeasonalHoltWinters {
    fn default() -> Self {
        Self { window_weeks: 12 }
    }
}

/// Smoothing parameters (alpha, delta (daily), omega (weekly), phi).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HwParams {
    /// Level smoothing.
    pub alpha: f64,
    /// Intraday seasonal smoothing.
    pub delta: f64,
    /// Intraweek seasonal smoothing.
    pub omega: f64,
    /// AR(1) coefficient of the one-step error.
    pub phi: f64,
}

struct State {
    level: f64,
    daily: Vec<f64>,
    weekly: Vec<f64>,
    last_error: f64,
}

/// Series prepared for smoothing: calendar-adjusted values and the weekday of each day.
struct Prepared {
    spd: usize,
    weekday: Vec<usize>,
    values: Vec<Option<f64>>,
}

impl Prepared {
    fn init(&self) -> State {
        let spw = 7 * self.spd;
        let mut sum = vec![0.0; spw];
        let mut cnt = vec![0usize; spw];
        for d in 0..self.weekday.len().min(14) {
            for s in 0..self.spd {
                if let Some(v) = self.values[d * self.spd + s] {
                    sum[self.weekday[d] * self.spd + s] += v;
                    cnt[self.weekday[d] * self.spd + s] += 1;
                }
            }
        }
        let profile: Vec<f64> = sum
            .iter()
            .zip(&cnt)
            .map(|(&s, &c)| if c > 0 { s / c as f64 } else { 0.0 })
            .collect();
        let level = profile.iter().sum::<f64>() / spw as f64;
        State {
            level,
            daily: vec![0.0; self.spd],
            weekly: profile.iter().map(|p| p - level).collect(),
            last_error: 0.0,
        }
    }

    /// Run the recursions; returns the final state and the SSE of one-step errors after week 2.
    fn run(&self, p: &HwParams) -> (State, f64) {
        let mut st = self.init();
        let mut sse = 0.0;
        for (d, &w) in self.weekday.iter().enumerate() {
            for s in 0..self.spd {
                let wi = w * self.spd + s;
                let base = st.level + st.daily[s] + st.weekly[wi];
                match self.values[d * self.spd + s] {
                    Some(y) => {
                        let e = y - base;
                        if d >= 14 {
                            let one_step = e - p.phi * st.last_error;
                            sse += one_step * one_step;
                        }
                        let old_level = st.level;
                        st.level = p.alpha * (y - st.daily[s] - st.weekly[wi])
                            + (1.0 - p.alpha) * old_level;
                        let new_daily = p.delta * (y - st.level - st.weekly[wi])
                            + (1.0 - p.delta) * st.daily[s];
                        st.weekly[wi] = p.omega * (y - st.level - st.daily[s])
                            + (1.0 - p.omega) * st.weekly[wi];
                        st.daily[s] = new_daily;
                        st.last_error = e;
                    }
                    None => st.last_error *= p.phi,
                }
            }
        }
        (st, sse)
    }
}

fn golden(mut f: impl FnMut(f64) -> f64, lo: f64, hi: f64, iters: usize) -> f64 {
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (lo, hi);
    let mut c = b - r * (b - a);
    let mut d = a + r * (b - a);
    let mut fc = f(c);
    let mut fd = f(d);
    for _ in 0..iters {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = f(d);
        }
    }
    0.5 * (a + b)
}

impl DoubleSeasonalHoltWinters {
    /// Fit and return the parameters chosen (for tests and docs).
    pub fn fit_params(&self, data: &Training<'_>) -> Result<(HwParams, FittedHw), ForecastError> {
        data.require_weeks(3, "double-seasonal Holt-Winters initialises on two weeks")?;
        let spd = data.slots_per_day();
        let end = data.n_days();
        let first = end.saturating_sub(self.window_weeks.max(3) * 7);
        let effects = DayEffects::estimate(data);
        let mut values = Vec::with_capacity((end - first) * spd);
        let mut weekday = Vec::with_capacity(end - first);
        for d in first..end {
            let day = &data.days()[d];
            let f = effects.factor(day);
            weekday.push(day.weekday_index());
            for s in 0..spd {
                values.push(if f < 0.2 || day.closed || day.volume_factor != 1.0 {
                    None
                } else {
                    data.value(d, s).map(|v| v / f)
                });
            }
        }
        let prep = Prepared {
            spd,
            weekday,
            values,
        };
        let mut p = HwParams {
            alpha: 0.02,
            delta: 0.05,
            omega: 0.1,
            phi: 0.3,
        };
        for _ in 0..2 {
            p.alpha = golden(|x| prep.run(&HwParams { alpha: x, ..p }).1, 0.0, 0.5, 12);
            p.delta = golden(|x| prep.run(&HwParams { delta: x, ..p }).1, 0.0, 0.5, 12);
            p.omega = golden(|x| prep.run(&HwParams { omega: x, ..p }).1, 0.0, 0.5, 12);
            p.phi = golden(|x| prep.run(&HwParams { phi: x, ..p }).1, 0.0, 0.99, 12);
        }
        let (st, _) = prep.run(&p);
        Ok((
            p,
            FittedHw {
                spd,
                n_days: end,
                params: p,
                effects,
                level: st.level,
                daily: st.daily,
                weekly: st.weekly,
                last_error: st.last_error,
            },
        ))
    }
}

impl Model for DoubleSeasonalHoltWinters {
    fn name(&self) -> &'static str {
        "holt_winters"
    }
    fn fit(&self, data: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError> {
        Ok(Box::new(self.fit_params(data)?.1))
    }
}

/// Final smoothing state.
pub struct FittedHw {
    spd: usize,
    n_days: usize,
    params: HwParams,
    effects: DayEffects,
    level: f64,
    daily: Vec<f64>,
    weekly: Vec<f64>,
    last_error: f64,
}

impl Fitted for FittedHw {
    fn forecast(&self, horizon: &ForecastHorizon<'_>) -> Result<PointForecast, ForecastError> {
        check_horizon(horizon, self.n_days)?;
        let spd = self.spd;
        let mut f = PointForecast::zeros(horizon.len(), spd);
        for (i, day) in horizon.days.iter().enumerate() {
            let factor = self.effects.factor(day);
            let w = day.weekday_index();
            for s in 0..spd {
                let k = ((horizon.start + i - self.n_days) * spd + s + 1) as i32;
                let v = self.level
                    + self.daily[s]
                    + self.weekly[w * spd + s]
                    + self.params.phi.powi(k) * self.last_error;
                f.set(i, s, v * factor);
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
    fn reproduces_a_stable_weekly_pattern() {
        let s = series_with(plain_days(monday(), 63), 24, -1.0, 1, |_, d, s| {
            expected(d, s, 24)
        });
        let (_, fitted) = DoubleSeasonalHoltWinters::default()
            .fit_params(&s.training(56))
            .unwrap();
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 56,
                days: &s.days()[56..63],
            })
            .unwrap();
        for d in 0..7 {
            for slot in 0..24 {
                let want = s.value(56 + d, slot).unwrap();
                assert!((f.get(d, slot) - want).abs() < 0.5, "day {d} slot {slot}");
            }
        }
    }

    #[test]
    fn follows_a_change_of_level() {
        // Volume rises by 30 over every open interval from week 7: the level must follow.
        let s = series_with(plain_days(monday(), 70), 24, -1.0, 1, |d, day, s| {
            let base = expected(day, s, 24);
            if d >= 42 && base > 0.0 {
                base + 30.0
            } else {
                base
            }
        });
        let fitted = DoubleSeasonalHoltWinters::default()
            .fit(&s.training(63))
            .unwrap();
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 63,
                days: &s.days()[63..70],
            })
            .unwrap();
        let monday_noon = f.get(0, 12);
        let want = s.value(63, 12).unwrap();
        assert!((monday_noon - want).abs() < 6.0, "{monday_noon} vs {want}");
    }
}

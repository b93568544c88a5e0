//! Day-of-week x interval-of-day Poisson regression with trend and calendar effects.
//!
//! log mu(d, s) = c(weekday(d), s) + b_trend * t(d) + b_hol * holiday(d) + b_after * after_holiday(d)
//!               + b_rent1 * rent1(d) + b_rent2 * rent2(d) + b_rent3 * rent3(d)
//!
//! (rent1..3: the first, second and third working day of the month)
//!
//! This is the log-linear count model of arrivals used for call centres by Brown et al. (2005, JASA
//! 100(469)) and Weinberg, Brown & Stroud (2007, JASA 102(480)), which is Poisson in the interval given
//! the day. It is fitted by maximum likelihood: the 7 x slots cell effects have a closed form given the
//! day effects (c = log(sum y / sum exp(x b)) over the cell), and the few day-level coefficients take
//! an IRLS/Newton step given the cells (the Hessian X' W X is only k x k because the regressors are
//! day-level, with W the day's expected total). Alternating the two exact block updates is coordinate
//! ascent on a concave log-likelihood, so it converges to the same MLE as IRLS on the full design
//! without ever forming the 672+ column matrix. (linfa's Tweedie regressor was seen not to return on
//! counts above ~15, hence our own fit.)
//!
//! Robustness to anomalous days: after a first fit, days whose total is far from the fit (more than
//! five robust standard deviations of the relative day error and four Poisson standard deviations) are
//! left out and the model is refitted once, so an outage or an unlisted holiday does not bend the
//! profile. The Poisson mean is consistent under over-dispersion (quasi-likelihood); the prediction
//! intervals come from [`crate::uncertainty`] (negative binomial, calibrated by backtest).

use ndarray::{Array1, Array2};

use crate::error::ForecastError;
use crate::linalg::solve;
use crate::model::{check_horizon, Fitted, Model, PointForecast};
use crate::series::{DayInfo, ForecastHorizon, Training};

/// Settings of the count regression.
#[derive(Debug, Clone, Copy)]
pub struct PoissonGlm {
    /// Training window in weeks (recent behaviour matters most; the trend term handles drift).
    pub window_weeks: usize,
    /// Fit a log-linear trend.
    pub trend: bool,
}

impl Default for PoissonGlm {
    fn default() -> Self {
        Self {
            window_weeks: 16,
            trend: true,
        }
    }
}

const N_COEF: usize = 6;
const MAX_ITER: usize = 200;

/// Day-level regressors: [trend in years to the end of training, bank holiday, after, first, second
/// and third working day of the month].
fn regressors(day: &DayInfo, day_index: usize, end: usize) -> [f64; N_COEF] {
    let rent = |k: u8| f64::from(u8::from(day.working_day_of_month == Some(k)));
    [
        (day_index as f64 - end as f64) / 365.25,
        f64::from(u8::from(day.bank_holiday)),
        f64::from(u8::from(day.after_bank_holiday)),
        rent(1),
        rent(2),
        rent(3),
    ]
}

/// Fitted coefficients.
#[derive(Debug, Clone)]
pub struct GlmFit {
    slots_per_day: usize,
    n_days: usize,
    /// exp(c(w, s)): expected count of a plain day at the end of training.
    pub cell_mean: Vec<f64>,
    /// Day-level coefficients (log scale): trend per year, bank holiday, after bank holiday, first,
    /// second and third working day of the month.
    pub beta: [f64; N_COEF],
    /// Days left out as anomalous.
    pub excluded_days: usize,
}

impl PoissonGlm {
    /// Fit and return the coefficients (also used by tests and the docs).
    pub fn fit_coefficients(&self, data: &Training<'_>) -> Result<GlmFit, ForecastError> {
        data.require_weeks(2, "the weekday x interval regression needs two weeks")?;
        let end = data.n_days();
        let first = end.saturating_sub(self.window_weeks.max(2) * 7);
        let mut used: Vec<usize> = (first..end)
            .filter(|&d| {
                let day = &data.days()[d];
                // Closed days (configured, or a holiday with nothing at all) are the closure mask's
                // business, not an effect size.
                // Configured events are one-offs, not part of the weekly pattern.
                !day.closed
                    && day.volume_factor == 1.0
                    && data
                        .day_total(d)
                        .is_some_and(|t| t > 0.0 || !day.bank_holiday)
            })
            .collect();
        let mut fit = self.fit_days(data, &used, end)?;
        // One robust refit without anomalous days.
        let rel: Vec<(usize, f64, f64, f64)> = used
            .iter()
            .map(|&d| {
                let (y, m) = day_totals(data, &fit, d, end);
                (d, y, m, if m > 0.0 { (y - m) / m } else { 0.0 })
            })
            .collect();
        let mut abs_rel: Vec<f64> = rel.iter().map(|r| r.3.abs()).collect();
        abs_rel.sort_by(f64::total_cmp);
        let mad = abs_rel.get(abs_rel.len() / 2).copied().unwrap_or(0.0) * 1.4826;
        let outliers: Vec<usize> = rel
            .iter()
            .filter(|&&(_, y, m, r)| r.abs() > 5.0 * mad && (y - m).abs() > 4.0 * m.sqrt())
            .map(|r| r.0)
            .collect();
        if !outliers.is_empty() && outliers.len() * 10 < used.len() {
            used.retain(|d| !outliers.contains(d));
            fit = self.fit_days(data, &used, end)?;
            fit.excluded_days = outliers.len();
        }
        Ok(fit)
    }

    fn fit_days(
        &self,
        data: &Training<'_>,
        used: &[usize],
        end: usize,
    ) -> Result<GlmFit, ForecastError> {
        let spd = data.slots_per_day();
        let days = data.days();
        let xs: Vec<[f64; N_COEF]> = used.iter().map(|&d| regressors(&days[d], d, end)).collect();
        // Which coefficients can be estimated from these days.
        let mut active = [false; N_COEF];
        active[0] = self.trend;
        for x in &xs {
            for k in 1..N_COEF {
                active[k] |= x[k] != 0.0;
            }
        }
        // Sum of y per cell and per day (fixed).
        let mut sum_y = vec![0.0; 7 * spd];
        let mut day_y = vec![0.0; used.len()];
        for (i, &d) in used.iter().enumerate() {
            let w = days[d].weekday_index();
            for s in 0..spd {
                if let Some(v) = data.value(d, s) {
                    sum_y[w * spd + s] += v;
                    day_y[i] += v;
                }
            }
        }
        let mut beta = [0.0; N_COEF];
        let mut cell = vec![0.0; 7 * spd];
        for _ in 0..MAX_ITER {
            // Cell block: closed form given beta.
            let mut sum_e = vec![0.0; 7 * spd];
            let e: Vec<f64> = xs.iter().map(|x| dot(x, &beta).exp()).collect();
            for (i, &d) in used.iter().enumerate() {
                let w = days[d].weekday_index();
                for s in 0..spd {
                    if data.value(d, s).is_some() {
                        sum_e[w * spd + s] += e[i];
                    }
                }
            }
            for c in 0..7 * spd {
                cell[c] = if sum_e[c] > 0.0 {
                    sum_y[c] / sum_e[c]
                } else {
                    0.0
                };
            }
            // Day block: one Newton (IRLS) step given the cells.
            let k: Vec<usize> = (0..N_COEF).filter(|&k| active[k]).collect();
            if k.is_empty() {
                break;
            }
            let mut h = Array2::<f64>::zeros((k.len(), k.len()));
            let mut g = Array1::<f64>::zeros(k.len());
            for (i, &d) in used.iter().enumerate() {
                let w = days[d].weekday_index();
                let base: f64 = (0..spd)
                    .filter(|&s| data.value(d, s).is_some())
                    .map(|s| cell[w * spd + s])
                    .sum();
                let m = e[i] * base;
                for (a, &ka) in k.iter().enumerate() {
                    g[a] += xs[i][ka] * (day_y[i] - m);
                    for (b, &kb) in k.iter().enumerate() {
                        h[[a, b]] += xs[i][ka] * xs[i][kb] * m;
                    }
                }
            }
            for a in 0..k.len() {
                h[[a, a]] += 1e-9 + 1e-6 * h[[a, a]];
            }
            let Some(step) = solve(&h, &g) else {
                break;
            };
            let mut max_step: f64 = 0.0;
            for (a, &ka) in k.iter().enumerate() {
                let st = step[a].clamp(-2.0, 2.0);
                beta[ka] = (beta[ka] + st).clamp(-10.0, 5.0);
                max_step = max_step.max(st.abs());
            }
            if max_step < 1e-8 {
                break;
            }
        }
        Ok(GlmFit {
            slots_per_day: spd,
            n_days: end,
            cell_mean: cell,
            beta,
            excluded_days: 0,
        })
    }
}

fn dot(x: &[f64; N_COEF], b: &[f64; N_COEF]) -> f64 {
    x.iter().zip(b).map(|(u, v)| u * v).sum()
}

fn day_totals(data: &Training<'_>, fit: &GlmFit, d: usize, end: usize) -> (f64, f64) {
    let spd = data.slots_per_day();
    let day = &data.days()[d];
    let w = day.weekday_index();
    let e = dot(&regressors(day, d, end), &fit.beta).exp();
    let mut y = 0.0;
    let mut m = 0.0;
    for s in 0..spd {
        if let Some(v) = data.value(d, s) {
            y += v;
            m += e * fit.cell_mean[w * spd + s];
        }
    }
    (y, m)
}

impl Model for PoissonGlm {
    fn name(&self) -> &'static str {
        "poisson_glm"
    }
    fn fit(&self, data: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError> {
        Ok(Box::new(self.fit_coefficients(data)?))
    }
}

impl Fitted for GlmFit {
    fn forecast(&self, horizon: &ForecastHorizon<'_>) -> Result<PointForecast, ForecastError> {
        check_horizon(horizon, self.n_days)?;
        let spd = self.slots_per_day;
        let mut f = PointForecast::zeros(horizon.len(), spd);
        for (i, day) in horizon.days.iter().enumerate() {
            let e = dot(&regressors(day, horizon.start + i, self.n_days), &self.beta).exp();
            let w = day.weekday_index();
            for s in 0..spd {
                f.set(i, s, e * self.cell_mean[w * spd + s]);
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

    /// Known model: the sample pattern x exp(0.3 trend/yr - 1.0 holiday + 0.4 after + rent days
    /// 0.2, 0.1, 0.05).
    fn truth(d: usize, day: &DayInfo, s: usize, end: usize) -> f64 {
        let x = regressors(day, d, end);
        let beta = [0.3, -1.0, 0.4, 0.2, 0.1, 0.05];
        expected(day, s, 24) * dot(&x, &beta).exp()
    }

    fn calendar_days(n: usize) -> Vec<DayInfo> {
        let mut days = plain_days(monday(), n);
        for d in (10..n).step_by(23) {
            if days[d].weekday_index() < 5 && d + 1 < n {
                days[d].bank_holiday = true;
                days[d + 1].after_bank_holiday = true;
            }
        }
        days
    }

    #[test]
    fn recovers_known_coefficients_exactly_without_noise() {
        let n = 140;
        let s = series_with(calendar_days(n), 24, -1.0, 1, |d, day, s| {
            truth(d, day, s, n)
        });
        let glm = PoissonGlm {
            window_weeks: 20,
            trend: true,
        };
        let fit = glm.fit_coefficients(&s.all()).unwrap();
        let want = [0.3, -1.0, 0.4, 0.2, 0.1, 0.05];
        for (k, (&b, &w)) in fit.beta.iter().zip(&want).enumerate() {
            assert!((b - w).abs() < 1e-4, "coefficient {k}: {b} vs {w}");
        }
    }

    #[test]
    fn recovers_known_coefficients_from_poisson_counts() {
        let n = 140;
        let s = series_with(calendar_days(n), 24, 0.0, 7, |d, day, s| {
            truth(d, day, s, n)
        });
        let fit = PoissonGlm {
            window_weeks: 20,
            trend: true,
        }
        .fit_coefficients(&s.all())
        .unwrap();
        let want = [0.3, -1.0, 0.4, 0.2, 0.1, 0.05];
        let tol = [0.08, 0.08, 0.06, 0.04, 0.04, 0.04];
        for k in 0..N_COEF {
            assert!(
                (fit.beta[k] - want[k]).abs() < tol[k],
                "coefficient {k}: {} vs {}",
                fit.beta[k],
                want[k]
            );
        }
    }

    #[test]
    fn an_anomalous_day_is_left_out() {
        let n = 84;
        let s = series_with(plain_days(monday(), n), 24, -1.0, 1, |d, day, s| {
            // An outage day with three times the volume on day 50 (a Tuesday).
            expected(day, s, 24) * if d == 50 { 3.0 } else { 1.0 }
        });
        let fit = PoissonGlm {
            window_weeks: 12,
            trend: false,
        }
        .fit_coefficients(&s.all())
        .unwrap();
        assert_eq!(fit.excluded_days, 1);
        let tuesday_10h = 24 + 10;
        let want = expected(
            &DayInfo::plain(monday() + chrono::Duration::days(1)),
            10,
            24,
        );
        assert!((fit.cell_mean[tuesday_10h] - want).abs() < 1e-6 * want);
    }
}

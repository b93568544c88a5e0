//! Multiplicative calendar effects on a day's volume (bank holiday, the day after, rent days at the
//! start of the month), estimated from history by comparing each flagged day with the same weekday
//! one and two weeks either side. Used by the smoothing models (Holt-Winters, top-down), which cannot
//! carry regressors themselves: they are fitted on calendar-adjusted volumes and their forecasts are
//! multiplied back. The Poisson regression estimates the same effects jointly instead.

use crate::series::{DayInfo, Training};

/// Day factors: 1.0 = no effect, 0.0 = nothing arrives (a closed holiday).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayEffects {
    /// Bank holiday.
    pub bank_holiday: f64,
    /// First working day after a bank holiday.
    pub after_bank_holiday: f64,
    /// Days 1-3 of the month.
    pub start_of_month: f64,
}

impl Default for DayEffects {
    fn default() -> Self {
        Self {
            bank_holiday: 1.0,
            after_bank_holiday: 1.0,
            start_of_month: 1.0,
        }
    }
}

fn is_plain(day: &DayInfo) -> bool {
    !day.bank_holiday && !day.after_bank_holiday && !day.closed && !day.start_of_month()
}

impl DayEffects {
    /// Estimate the factors as the median ratio of a flagged day's total to the mean of the plain same
    /// weekdays at +-1 and +-2 weeks (at least 2 of them observed and non-zero). Effects with no
    /// usable occurrence stay at 1. Start-of-month is measured on days that are not holidays.
    pub fn estimate(data: &Training<'_>) -> Self {
        let n = data.n_days();
        let days = data.days();
        let reference = |d: usize| -> Option<f64> {
            let mut sum = 0.0;
            let mut k = 0;
            for off in [-14i64, -7, 7, 14] {
                let j = d as i64 + off;
                if j < 0 || j as usize >= n || !is_plain(&days[j as usize]) {
                    continue;
                }
                if let Some(t) = data.day_total(j as usize) {
                    sum += t;
                    k += 1;
                }
            }
            (k >= 2 && sum > 0.0).then(|| sum / k as f64)
        };
        let mut ratios: [Vec<f64>; 3] = Default::default();
        for (d, day) in days.iter().enumerate() {
            if day.closed {
                continue;
            }
            let Some(total) = data.day_total(d) else {
                continue;
            };
            let Some(reference) = reference(d) else {
                continue;
            };
            let ratio = total / reference;
            if day.bank_holiday {
                ratios[0].push(ratio);
            } else if day.after_bank_holiday {
                ratios[1].push(ratio);
            } else if day.start_of_month() {
                ratios[2].push(ratio);
            }
        }
        let median = |v: &mut Vec<f64>| -> f64 {
            if v.is_empty() {
                1.0
            } else {
                crate::combination::median(v)
            }
        };
        let [mut h, mut a, mut s] = ratios;
        Self {
            bank_holiday: median(&mut h),
            after_bank_holiday: median(&mut a),
            start_of_month: median(&mut s),
        }
    }

    /// The factor of one day (a bank holiday is not also counted as start-of-month).
    pub fn factor(&self, day: &DayInfo) -> f64 {
        if day.closed {
            0.0
        } else if day.bank_holiday {
            self.bank_holiday
        } else if day.after_bank_holiday {
            self.after_bank_holiday
        } else if day.start_of_month() {
            self.start_of_month
        } else {
            1.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::plain_days;
    use crate::testutil::{expected, monday, series_with};

    #[test]
    fn estimates_holiday_and_after_holiday_factors() {
        let mut days = plain_days(monday(), 140);
        for d in [21, 56, 91, 119] {
            days[d].bank_holiday = true; // Mondays
            days[d + 1].after_bank_holiday = true;
        }
        let s = series_with(days, 24, -1.0, 1, |_, d, s| {
            let f = if d.bank_holiday {
                0.3
            } else if d.after_bank_holiday {
                1.4
            } else if d.start_of_month() {
                1.1
            } else {
                1.0
            };
            expected(d, s, 24) * f
        });
        let e = DayEffects::estimate(&s.all());
        assert!((e.bank_holiday - 0.3).abs() < 1e-9, "{e:?}");
        assert!((e.after_bank_holiday - 1.4).abs() < 1e-9, "{e:?}");
        assert!((e.start_of_month - 1.1).abs() < 1e-9, "{e:?}");
    }
}

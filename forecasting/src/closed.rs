//! Closed intervals forecast exactly zero.
//!
//! Three sources, in order: the configuration (special days, opening hours, carried by
//! [`DayInfo`]); bank holidays on which the centre has always been closed in
//! the history; and interval-of-week slots that were zero in every observed week of the recent past
//! (so an export without a configuration still forecasts night and weekend closures as 0, whatever the
//! country's opening hours).

use crate::error::ForecastError;
use crate::model::{Fitted, Model, PointForecast};
use crate::series::{DayInfo, ForecastHorizon, Training};

/// Closures learned from history.
#[derive(Debug, Clone)]
pub struct ClosedMask {
    slots_per_day: usize,
    /// `closed_week[weekday * slots + slot]`: zero in every observed recent week.
    closed_week: Vec<bool>,
    /// Every bank holiday seen in the history had no contacts at all.
    closed_on_bank_holidays: bool,
}

impl ClosedMask {
    /// Learn from the last `lookback_weeks` weeks (a slot needs >= 3 observed zeros and no contact to be
    /// called closed: a single quiet week does not close an interval).
    pub fn learn(data: &Training<'_>, lookback_weeks: usize) -> Self {
        let spd = data.slots_per_day();
        let n = data.n_days();
        let first = n.saturating_sub(lookback_weeks * 7);
        let mut zeros = vec![0usize; 7 * spd];
        let mut nonzero = vec![false; 7 * spd];
        for (d, day) in data.days().iter().enumerate().skip(first) {
            if day.bank_holiday || day.closed {
                continue;
            }
            let w = day.weekday_index();
            for s in 0..spd {
                match data.value(d, s) {
                    Some(v) if v > 0.0 => nonzero[w * spd + s] = true,
                    Some(_) => zeros[w * spd + s] += 1,
                    None => {}
                }
            }
        }
        let closed_week = zeros
            .iter()
            .zip(&nonzero)
            .map(|(&z, &nz)| z >= 3 && !nz)
            .collect();
        let mut seen = 0;
        let mut all_zero = true;
        for (d, day) in data.days().iter().enumerate() {
            if day.bank_holiday && !day.closed {
                if let Some(total) = data.day_total(d) {
                    seen += 1;
                    all_zero &= total == 0.0;
                }
            }
        }
        Self {
            slots_per_day: spd,
            closed_week,
            closed_on_bank_holidays: seen > 0 && all_zero,
        }
    }

    /// Whether slot `slot` of `day` is closed.
    pub fn is_closed(&self, day: &DayInfo, slot: usize) -> bool {
        day.configured_closed(slot)
            || (day.bank_holiday && self.closed_on_bank_holidays)
            || self.closed_week[day.weekday_index() * self.slots_per_day + slot]
    }

    /// Whether the centre was learned to close on bank holidays.
    pub fn closed_on_bank_holidays(&self) -> bool {
        self.closed_on_bank_holidays
    }

    /// Set closed intervals of a forecast to exactly zero and apply configured event factors.
    pub fn apply(&self, horizon: &ForecastHorizon<'_>, forecast: &mut PointForecast) {
        for (d, day) in horizon.days.iter().enumerate() {
            for s in 0..self.slots_per_day {
                let v = &mut forecast.values[d * self.slots_per_day + s];
                if self.is_closed(day, s) {
                    *v = 0.0;
                } else {
                    *v *= day.volume_factor;
                }
            }
        }
    }
}

/// Wraps any model so that its forecasts are exactly zero in closed intervals and follow configured
/// events (a special day's volume factor multiplies the forecast).
pub struct ClosedAware {
    inner: Box<dyn Model>,
    lookback_weeks: usize,
}

impl ClosedAware {
    /// Wrap `inner`; closures are learned from the last `lookback_weeks` weeks.
    pub fn new(inner: Box<dyn Model>, lookback_weeks: usize) -> Self {
        Self {
            inner,
            lookback_weeks,
        }
    }
}

impl Model for ClosedAware {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn is_baseline(&self) -> bool {
        self.inner.is_baseline()
    }
    fn fit(&self, data: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError> {
        let inner = self.inner.fit(data)?;
        let mask = ClosedMask::learn(data, self.lookback_weeks);
        Ok(Box::new(FittedClosedAware { inner, mask }))
    }
}

struct FittedClosedAware {
    inner: Box<dyn Fitted>,
    mask: ClosedMask,
}

impl Fitted for FittedClosedAware {
    fn forecast(&self, horizon: &ForecastHorizon<'_>) -> Result<PointForecast, ForecastError> {
        let mut f = self.inner.forecast(horizon)?;
        self.mask.apply(horizon, &mut f);
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::HistoricalAverage;
    use crate::series::plain_days;
    use crate::testutil::{expected, monday, series_with};

    fn forecast(days: Vec<DayInfo>, history_days: Vec<DayInfo>) -> PointForecast {
        let n = history_days.len();
        // Nights, Sundays and Saturday afternoons are always zero in this history; bank holidays
        // (Monday of week 3) had nothing either.
        let s = series_with(history_days, 24, 0.0, 3, |_, d, s| {
            if d.bank_holiday {
                0.0
            } else {
                expected(d, s, 24)
            }
        });
        let model = ClosedAware::new(Box::new(HistoricalAverage::default()), 8);
        model
            .fit(&s.all())
            .unwrap()
            .forecast(&ForecastHorizon {
                start: n,
                days: &days,
            })
            .unwrap()
    }

    #[test]
    fn learned_closures_configured_closures_and_holidays_are_exactly_zero() {
        let mut hist = plain_days(monday(), 42);
        hist[14].bank_holiday = true;
        let mut next = plain_days(monday() + chrono::Duration::days(42), 7);
        next[0].bank_holiday = true; // a holiday Monday: learned closed
        next[1].closed = true; // configured closure on Tuesday
        let mut wednesday = vec![true; 24];
        wednesday[10] = false; // configured: closed 10:00-11:00 on Wednesday
        next[2].open_slots = Some(wednesday);
        next[3].volume_factor = 1.5; // an event on Thursday
        let f = forecast(next.clone(), hist.clone());
        assert_eq!(f.day_total(0), 0.0);
        assert_eq!(f.day_total(1), 0.0);
        assert_eq!(f.get(2, 10), 0.0);
        assert!(f.get(2, 11) > 0.0);
        assert_eq!(f.day_total(6), 0.0, "Sunday is always closed");
        for s in (0..8).chain(18..24) {
            for d in 0..7 {
                assert_eq!(f.get(d, s), 0.0, "night slot {s} of day {d}");
            }
        }
        // Thursday is 1.5 x the plain forecast.
        let mut plain = next;
        plain[3].volume_factor = 1.0;
        let g = forecast(plain, hist);
        assert!((f.day_total(3) - 1.5 * g.day_total(3)).abs() < 1e-9);
    }
}

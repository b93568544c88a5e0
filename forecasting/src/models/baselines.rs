//! The two baselines every accuracy figure is compared with (Hyndman & Athanasopoulos, *Forecasting:
//! Principles and Practice*, 3rd ed., section 5.2 "Some simple forecasting methods").

use crate::error::ForecastError;
use crate::model::{check_horizon, Fitted, Model, PointForecast};
use crate::series::{ForecastHorizon, Training};

/// Seasonal naive: each interval is forecast as the same interval of the same weekday in the latest
/// observed week (y_hat(t + h) = y(t + h - 7k) for the smallest k that reaches observed history). Exact
/// on a purely weekly pattern; the scale of MASE.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeasonalNaive;

impl Model for SeasonalNaive {
    fn name(&self) -> &'static str {
        "seasonal_naive"
    }
    fn is_baseline(&self) -> bool {
        true
    }
    fn fit(&self, data: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError> {
        data.require_weeks(1, "seasonal naive repeats the last week")?;
        let spd = data.slots_per_day();
        let n = data.n_days();
        // Latest observed value of each weekday x slot, searching back week by week.
        let mut last = vec![None; 7 * spd];
        for d in (0..n).rev() {
            let w = data.days()[d].weekday_index();
            for s in 0..spd {
                if last[w * spd + s].is_none() {
                    last[w * spd + s] = data.value(d, s);
                }
            }
            if d + 7 * 8 < n {
                break; // eight weeks back is far enough to fill gaps
            }
        }
        Ok(Box::new(FittedWeekly {
            slots_per_day: spd,
            n_days: n,
            week: last.into_iter().map(|v| v.unwrap_or(0.0)).collect(),
        }))
    }
}

/// Historical average: each interval is forecast as the mean of the same weekday and interval over the
/// last `weeks` observed weeks (the classic WFM "average of the last N Mondays"). Bank holidays are
/// left out of the average so one quiet holiday does not pull a normal Monday down.
#[derive(Debug, Clone, Copy)]
pub struct HistoricalAverage {
    /// Weeks averaged.
    pub weeks: usize,
}

impl Default for HistoricalAverage {
    fn default() -> Self {
        Self { weeks: 4 }
    }
}

impl Model for HistoricalAverage {
    fn name(&self) -> &'static str {
        "historical_average"
    }
    fn is_baseline(&self) -> bool {
        true
    }
    fn fit(&self, data: &Training<'_>) -> Result<Box<dyn Fitted>, ForecastError> {
        if self.weeks == 0 {
            return Err(ForecastError::InvalidSetting(
                "historical average needs at least one week".into(),
            ));
        }
        data.require_weeks(1, "the historical average needs a full week")?;
        let spd = data.slots_per_day();
        let n = data.n_days();
        let mut sum = vec![0.0; 7 * spd];
        let mut count = vec![0usize; 7 * spd];
        let mut days_used = [0usize; 7];
        for d in (0..n).rev() {
            let day = &data.days()[d];
            let w = day.weekday_index();
            if day.bank_holiday || day.closed || days_used[w] >= self.weeks {
                continue;
            }
            if data.day_total(d).is_none() {
                continue;
            }
            days_used[w] += 1;
            for s in 0..spd {
                if let Some(v) = data.value(d, s) {
                    sum[w * spd + s] += v;
                    count[w * spd + s] += 1;
                }
            }
            if days_used.iter().all(|&u| u >= self.weeks) {
                break;
            }
        }
        let week = sum
            .iter()
            .zip(&count)
            .map(|(&s, &c)| if c > 0 { s / c as f64 } else { 0.0 })
            .collect();
        Ok(Box::new(FittedWeekly {
            slots_per_day: spd,
            n_days: n,
            week,
        }))
    }
}

/// A fixed weekday x interval profile repeated over the horizon.
struct FittedWeekly {
    slots_per_day: usize,
    n_days: usize,
    week: Vec<f64>,
}

impl Fitted for FittedWeekly {
    fn forecast(&self, horizon: &ForecastHorizon<'_>) -> Result<PointForecast, ForecastError> {
        check_horizon(horizon, self.n_days)?;
        let spd = self.slots_per_day;
        let mut f = PointForecast::zeros(horizon.len(), spd);
        for (d, day) in horizon.days.iter().enumerate() {
            let w = day.weekday_index();
            for s in 0..spd {
                f.set(d, s, self.week[w * spd + s]);
            }
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::{plain_days, ChannelSeries};
    use crate::testutil::{expected, monday, series_with};

    #[test]
    fn seasonal_naive_is_exact_on_a_pure_weekly_pattern() {
        let s = series_with(plain_days(monday(), 35), 24, -1.0, 1, |_, d, s| {
            expected(d, s, 24)
        });
        let fitted = SeasonalNaive.fit(&s.training(28)).unwrap();
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 28,
                days: &s.days()[28..35],
            })
            .unwrap();
        for d in 0..7 {
            for slot in 0..24 {
                assert_eq!(f.get(d, slot), s.value(28 + d, slot).unwrap());
            }
        }
    }

    #[test]
    fn seasonal_naive_fills_a_missing_day_from_the_week_before() {
        let days = plain_days(monday(), 14);
        let mut values: Vec<Option<f64>> = (0..14 * 2).map(|t| Some((t / 2) as f64)).collect();
        values[12 * 2] = None; // Saturday of week 2 missing
        values[12 * 2 + 1] = None;
        let s = ChannelSeries::new("voice", 2, days, values).unwrap();
        let fitted = SeasonalNaive.fit(&s.all()).unwrap();
        let next = plain_days(monday() + chrono::Duration::days(14), 7);
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 14,
                days: &next,
            })
            .unwrap();
        assert_eq!(f.get(5, 0), 5.0, "Saturday from week 1");
        assert_eq!(f.get(6, 0), 13.0, "Sunday from week 2");
    }

    #[test]
    fn historical_average_is_the_mean_of_the_last_weeks_without_holidays() {
        let mut days = plain_days(monday(), 21);
        days[14].bank_holiday = true; // the last Monday is a holiday: skipped
        let values: Vec<Option<f64>> = (0..21).map(|d| Some(d as f64)).collect();
        let s = ChannelSeries::new("voice", 1, days, values).unwrap();
        let fitted = HistoricalAverage { weeks: 2 }.fit(&s.all()).unwrap();
        let next = plain_days(monday() + chrono::Duration::days(21), 2);
        let f = fitted
            .forecast(&ForecastHorizon {
                start: 21,
                days: &next,
            })
            .unwrap();
        assert_eq!(f.get(0, 0), 3.5, "Mondays 0 and 7 (14 is a holiday)");
        assert_eq!(f.get(1, 0), 11.5, "Tuesdays 8 and 15");
    }

    #[test]
    fn too_short_history_is_a_clear_error() {
        let s = series_with(plain_days(monday(), 5), 24, -1.0, 1, |_, d, s| {
            expected(d, s, 24)
        });
        let err = SeasonalNaive.fit(&s.all()).err().unwrap();
        assert!(matches!(err, ForecastError::HistoryTooShort { .. }));
        assert!(err.to_string().contains("too short"), "{err}");
    }

    #[test]
    fn zero_horizon_is_an_error() {
        let s = series_with(plain_days(monday(), 14), 24, -1.0, 1, |_, d, s| {
            expected(d, s, 24)
        });
        let fitted = HistoricalAverage::default().fit(&s.all()).unwrap();
        let err = fitted
            .forecast(&ForecastHorizon {
                start: 14,
                days: &[],
            })
            .err();
        assert_eq!(err, Some(ForecastError::ZeroHorizon));
    }
}

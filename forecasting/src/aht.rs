//! Average handle time forecast per channel and interval.
//!
//! Handle time varies by hour and weekday (short calls early, complex ones mid-morning, tired agents
//! late; Brown et al. 2005 section 5), but per-interval AHT is noisy because few contacts are handled in
//! a quiet interval. So the forecast for an interval is the handled-weighted mean AHT of the same
//! weekday and hour of the day over recent weeks, falling back when too few contacts were handled
//! there: to the same hour on any weekday, then to the channel's overall recent AHT, then to the AHT
//! configured for the channel.

use crate::series::{DayInfo, Training};

/// Settings of the AHT forecast.
#[derive(Debug, Clone, Copy)]
pub struct AhtSettings {
    /// Weeks of history used.
    pub weeks: usize,
    /// Handled contacts a cell needs before its own mean is trusted.
    pub min_handled: f64,
}

impl Default for AhtSettings {
    fn default() -> Self {
        Self {
            weeks: 8,
            min_handled: 30.0,
        }
    }
}

/// AHT in seconds by weekday x hour, hour, and overall, with the configured fallback.
#[derive(Debug, Clone, PartialEq)]
pub struct AhtForecast {
    minutes_per_slot: usize,
    by_weekday_hour: Vec<Option<f64>>,
    by_hour: Vec<Option<f64>>,
    overall: Option<f64>,
    configured: Option<f64>,
}

impl AhtForecast {
    /// Learn from the AHT and handled series of the training data (if any), with `configured` as the
    /// last fallback.
    pub fn fit(data: &Training<'_>, configured: Option<f64>, settings: &AhtSettings) -> Self {
        let spd = data.slots_per_day();
        let minutes = 1440 / spd;
        let mut wh = vec![(0.0, 0.0); 7 * 24];
        let mut hh = vec![(0.0, 0.0); 24];
        let mut all = (0.0, 0.0);
        let series = data.series();
        if let Some(aht) = series.aht_seconds() {
            let handled = series.handled();
            let first = data.n_days().saturating_sub(settings.weeks * 7);
            for d in first..data.n_days() {
                let w = data.days()[d].weekday_index();
                for s in 0..spd {
                    let i = d * spd + s;
                    let Some(a) = aht[i].filter(|a| a.is_finite() && *a > 0.0) else {
                        continue;
                    };
                    let weight = handled
                        .and_then(|h| h[i])
                        .or(series.offered()[i])
                        .unwrap_or(0.0);
                    if weight <= 0.0 {
                        continue;
                    }
                    let hour = s * minutes / 60;
                    for cell in [&mut wh[w * 24 + hour], &mut hh[hour], &mut all] {
                        cell.0 += a * weight;
                        cell.1 += weight;
                    }
                }
            }
        }
        let mean = |(sum, w): (f64, f64)| (w >= settings.min_handled).then(|| sum / w);
        Self {
            minutes_per_slot: minutes,
            by_weekday_hour: wh.into_iter().map(mean).collect(),
            by_hour: hh.into_iter().map(mean).collect(),
            overall: (all.1 > 0.0).then(|| all.0 / all.1),
            configured: configured.filter(|c| c.is_finite() && *c > 0.0),
        }
    }

    /// AHT (seconds) for `slot` of `day`; `None` only when neither history nor configuration has one.
    pub fn aht(&self, day: &DayInfo, slot: usize) -> Option<f64> {
        let hour = slot * self.minutes_per_slot / 60;
        self.by_weekday_hour[day.weekday_index() * 24 + hour]
            .or(self.by_hour[hour])
            .or(self.overall)
            .or(self.configured)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::{plain_days, ChannelSeries};
    use crate::testutil::monday;

    #[test]
    fn weighted_by_handled_per_weekday_and_hour_with_fallbacks() {
        // 4 weeks, hourly. Monday 09:00: 10 contacts at 200 s and 30 at 400 s each week -> 350 s.
        // Other open hours: 20 handled at 300 s. Sunday nothing.
        let days = plain_days(monday(), 28);
        let n = 28 * 24;
        let mut offered = vec![Some(0.0); n];
        let mut handled = vec![None; n];
        let mut aht = vec![None; n];
        for d in 0..28 {
            for h in 9..17 {
                let i = d * 24 + h;
                if d % 7 == 6 {
                    continue;
                }
                offered[i] = Some(20.0);
                handled[i] = Some(20.0);
                aht[i] = Some(300.0);
            }
            if d % 7 == 0 {
                // two records folded into one interval: weighted mean 350
                let i = d * 24 + 9;
                handled[i] = Some(40.0);
                offered[i] = Some(40.0);
                aht[i] = Some((10.0 * 200.0 + 30.0 * 400.0) / 40.0);
            }
        }
        let s = ChannelSeries::new("voice", 24, days, offered)
            .unwrap()
            .with_handle_time(handled, aht)
            .unwrap();
        let f = AhtForecast::fit(&s.all(), Some(500.0), &AhtSettings::default());
        let mon = DayInfo::plain(monday());
        let sun = DayInfo::plain(monday() + chrono::Duration::days(6));
        assert!((f.aht(&mon, 9).unwrap() - 350.0).abs() < 1e-9);
        assert!((f.aht(&mon, 10).unwrap() - 300.0).abs() < 1e-9);
        // Sunday 10:00 has no data: the 10:00 hour of other weekdays.
        assert!((f.aht(&sun, 10).unwrap() - 300.0).abs() < 1e-9);
        // 03:00 never had contacts: the channel's overall mean (handled-weighted).
        let overall = f.aht(&mon, 3).unwrap();
        assert!(overall > 300.0 && overall < 350.0, "{overall}");
        // No handle-time history at all: the configured value.
        let bare =
            ChannelSeries::new("email", 24, plain_days(monday(), 7), vec![Some(1.0); 168]).unwrap();
        let g = AhtForecast::fit(&bare.all(), Some(500.0), &AhtSettings::default());
        assert_eq!(g.aht(&mon, 9), Some(500.0));
        let none = AhtForecast::fit(&bare.all(), None, &AhtSettings::default());
        assert_eq!(none.aht(&mon, 9), None);
    }
}

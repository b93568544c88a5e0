//! The grain a channel is planned at, and so judged at.
//!
//! A forecast is only as good as the decisions it feeds. A busy live queue is staffed interval by
//! interval, so its interval error matters; a small live channel (a reception desk with two visitors
//! an interval) is staffed by the hour, where Poisson noise no model can remove has averaged out; a
//! deferred channel (email, social) is worked from a backlog over the day. Selecting or accepting a
//! model on a finer grain than the one it is planned at rewards chasing noise.
//!
//! - [`PlanningGrain::Day`] for deferred channels;
//! - [`PlanningGrain::Interval`] for live channels whose busiest interval of the week averages at
//!   least [`INTERVAL_GRAIN_PEAK`] contacts;
//! - [`PlanningGrain::Hour`] for smaller live channels (and channels whose kind is unknown).
//!
//! When even the busiest unit at that grain averages fewer than [`LOW_VOLUME_PEAK`] contacts, a
//! relative error is meaningless (a WAPE of a channel with 0.3 contacts a unit is mostly the count's
//! own noise) and the forecast's P50 is judged by its mean absolute error instead (Kolassa 2016,
//! "Evaluating predictive count data distributions in retail sales forecasting", IJF 32(3)).

use serde::Serialize;

use crate::series::ChannelSeries;

/// Live channels whose busiest interval averages at least this many contacts are planned per
/// interval.
pub const INTERVAL_GRAIN_PEAK: f64 = 5.0;

/// Below this many contacts in the busiest unit of the planning grain, the P50's mean absolute
/// error replaces WAPE.
pub const LOW_VOLUME_PEAK: f64 = 2.0;

/// The grain a channel is planned, selected and accepted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanningGrain {
    /// Each interval of the grid (busy live channels).
    Interval,
    /// Each hour (small live channels).
    Hour,
    /// Each day (deferred channels: a backlog worked over the day).
    Day,
}

impl PlanningGrain {
    /// Lower-case name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interval => "interval",
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }

    /// Intervals per unit of this grain for `slots_per_day` intervals a day.
    pub fn slots_per_unit(self, slots_per_day: usize) -> usize {
        match self {
            Self::Interval => 1,
            Self::Hour => (slots_per_day / 24).max(1),
            Self::Day => slots_per_day,
        }
    }
}

/// How a channel is judged: its grain, whether its volume is too low for WAPE, and the busiest
/// interval's mean it was decided from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Judgement {
    /// The planning grain.
    pub grain: PlanningGrain,
    /// Whether the P50's mean absolute error is the score (very low volume).
    pub low_volume: bool,
    /// Mean contacts of the busiest weekday x interval over the weeks looked at.
    pub peak_interval: f64,
}

/// How `series` is judged, from its kind and the 8 weeks of history before day `before`.
pub fn judgement(series: &ChannelSeries, before: usize) -> Judgement {
    let spd = series.slots_per_day();
    let end = before.min(series.n_days());
    let start = end.saturating_sub(56);
    let mut sum = vec![0.0; 7 * spd];
    let mut count = vec![0usize; 7 * spd];
    for d in start..end {
        let w = series.days()[d].weekday_index();
        for s in 0..spd {
            if let Some(v) = series.value(d, s) {
                sum[w * spd + s] += v;
                count[w * spd + s] += 1;
            }
        }
    }
    let profile: Vec<f64> = sum
        .iter()
        .zip(&count)
        .map(|(&s, &c)| if c > 0 { s / c as f64 } else { 0.0 })
        .collect();
    let peak_interval = profile.iter().copied().fold(0.0, f64::max);
    let grain = match series.deferred() {
        Some(true) => PlanningGrain::Day,
        _ if peak_interval >= INTERVAL_GRAIN_PEAK => PlanningGrain::Interval,
        _ => PlanningGrain::Hour,
    };
    let per = grain.slots_per_unit(spd);
    let peak_unit = profile
        .chunks(spd)
        .flat_map(|day| day.chunks(per).map(|u| u.iter().sum::<f64>()))
        .fold(0.0, f64::max);
    Judgement {
        grain,
        low_volume: peak_unit < LOW_VOLUME_PEAK,
        peak_interval,
    }
}

/// Sums of (actual, forecast) per unit of `per` intervals over `h` days of `spd` intervals: only
/// observed intervals count (a forecast for a missing interval has nothing to be compared with);
/// units with none observed are left out.
pub fn unit_sums(
    actual: &[Option<f64>],
    forecast: &[f64],
    spd: usize,
    per: usize,
) -> Vec<(f64, f64)> {
    let per = per.clamp(1, spd);
    let mut out = Vec::with_capacity(actual.len() / per + 1);
    for (a_day, f_day) in actual.chunks(spd).zip(forecast.chunks(spd)) {
        for (a, f) in a_day.chunks(per).zip(f_day.chunks(per)) {
            let mut seen = false;
            let (mut ys, mut fs) = (0.0, 0.0);
            for (y, x) in a.iter().zip(f) {
                if let Some(y) = y {
                    seen = true;
                    ys += y;
                    fs += x;
                }
            }
            if seen {
                out.push((ys, fs));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::plain_days;
    use crate::testutil::monday;

    fn flat(level: f64) -> ChannelSeries {
        ChannelSeries::new(
            "chat",
            96,
            plain_days(monday(), 63),
            vec![Some(level); 63 * 96],
        )
        .unwrap()
    }

    #[test]
    fn grain_follows_kind_and_volume() {
        let busy = judgement(&flat(6.0), 63);
        assert_eq!(busy.grain, PlanningGrain::Interval);
        assert!(!busy.low_volume);
        let small = judgement(&flat(1.0), 63);
        assert_eq!(small.grain, PlanningGrain::Hour);
        assert!(!small.low_volume, "4 an hour is enough for WAPE");
        let tiny = judgement(&flat(0.3), 63);
        assert_eq!(tiny.grain, PlanningGrain::Hour);
        assert!(tiny.low_volume, "1.2 an hour is not");
        let deferred = judgement(&flat(0.3).with_deferred(true), 63);
        assert_eq!(deferred.grain, PlanningGrain::Day);
        assert!(!deferred.low_volume);
        // A live channel says so: the volume decides.
        assert_eq!(
            judgement(&flat(6.0).with_deferred(false), 63).grain,
            PlanningGrain::Interval
        );
    }

    #[test]
    fn unit_sums_skip_missing_intervals() {
        let actual = [
            Some(1.0),
            None,
            Some(2.0),
            Some(3.0),
            None,
            None,
            Some(5.0),
            Some(1.0),
        ];
        let fc = [1.0, 9.0, 1.0, 1.0, 9.0, 9.0, 2.0, 2.0];
        assert_eq!(
            unit_sums(&actual, &fc, 4, 2),
            vec![(1.0, 1.0), (5.0, 2.0), (6.0, 4.0)]
        );
        assert_eq!(unit_sums(&actual, &fc, 4, 4), vec![(6.0, 3.0), (6.0, 4.0)]);
    }
}

//! Synthetic contact-centre series with known answers, for the unit tests.

use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Poisson};

use crate::series::{ChannelSeries, DayInfo};

/// Expected offered of a UK-like centre (hourly slots): open 08-18 Mon-Fri, 09-13 Sat, closed
/// Sunday; Monday busiest; a bell-shaped day.
pub fn expected(day: &DayInfo, slot: usize, spd: usize) -> f64 {
    let hour = slot as f64 * 24.0 / spd as f64;
    let w = day.weekday_index();
    let (open, close, volume) = match w {
        0 => (8.0, 18.0, 600.0),
        1..=4 => (8.0, 18.0, 450.0),
        5 => (9.0, 13.0, 80.0),
        _ => return 0.0,
    };
    if hour < open || hour >= close {
        return 0.0;
    }
    let mid = (open + close) / 2.0;
    let width = (close - open) / 3.0;
    let shape = (-(hour - mid).powi(2) / (2.0 * width * width)).exp();
    // normalise roughly so the day sums to `volume`
    let norm = width * (2.0 * std::f64::consts::PI).sqrt() * spd as f64 / 24.0;
    volume * shape / norm
}

/// Days from Monday 2025-01-06.
pub fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 6).unwrap()
}

/// A series with means `mean(day index, day, slot)`: exactly the means when `k < 0`, Poisson when
/// `k == 0`, negative binomial (Poisson-gamma) with dispersion `k` when `k > 0`.
pub fn series_with(
    days: Vec<DayInfo>,
    spd: usize,
    k: f64,
    seed: u64,
    mean: impl Fn(usize, &DayInfo, usize) -> f64,
) -> ChannelSeries {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut values = Vec::with_capacity(days.len() * spd);
    for (d, day) in days.iter().enumerate() {
        for s in 0..spd {
            let mu = mean(d, day, s);
            let v = if k < 0.0 {
                mu
            } else if mu <= 0.0 {
                0.0
            } else {
                let rate = if k > 0.0 {
                    Gamma::new(1.0 / k, mu * k).unwrap().sample(&mut rng)
                } else {
                    mu
                };
                if rate <= 0.0 {
                    0.0
                } else {
                    Poisson::new(rate).unwrap().sample(&mut rng)
                }
            };
            values.push(Some(v));
        }
    }
    ChannelSeries::new("voice", spd, days, values).unwrap()
}

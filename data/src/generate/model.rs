//! The facts the sample centre encodes: how many contacts each channel gets, when, and how thinly it
//! was staffed. Every number here is a modelling choice for a fictional housing association of about
//! 14,000 homes, set to reproduce what UK social-housing contact centres report (Mondays, days after
//! bank holidays and the start of the month are busy; cold snaps bring repair surges; 40-50% of
//! calls abandoned in bad weeks with ~20-minute waits) and the over-dispersed, double-peaked arrival
//! patterns of published call-centre studies (Taylor 2008; Brown et al. 2005).

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::calendar;

/// The five channels of the sample centre, in a fixed order (it also fixes the random streams).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Role {
    Voice,
    Reception,
    Chat,
    Email,
    Social,
}

impl Role {
    /// The channel name in `centre.toml`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Role::Voice => "voice",
            Role::Reception => "reception",
            Role::Chat => "chat",
            Role::Email => "email",
            Role::Social => "social",
        }
    }

    pub(crate) fn index(self) -> u64 {
        self as u64
    }
}

/// First day of the bundled history (a Monday): two years of 104 weeks.
pub(crate) const ANCHOR_FIRST: (i32, u32, u32) = (2024, 11, 18);
/// Last day of the bundled history (a Sunday), so the demo plans the week from Monday 2026-11-16.
pub(crate) const ANCHOR_LAST: (i32, u32, u32) = (2026, 11, 15);

/// Per-channel demand and behaviour facts.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// Expected contacts on a day with weekday factor 1 "today" (at the end of the history).
    pub base_daily: f64,
    /// Day-of-week factors, Monday first.
    pub weekday: [f64; 7],
    /// Volume factor at the start of the history relative to today (channel shift: voice > 1,
    /// chat < 1); moves linearly to 1 at the end.
    pub trend_start: f64,
    /// Extra volume on the first three working days of the month (rent and arrears), first day.
    pub rent: f64,
    /// Factor on the first working day after a bank holiday (weekend).
    pub after_bank_holiday: f64,
    /// Share of a cold spell's repair surge that reaches this channel.
    pub cold_weight: f64,
    /// Gamma shape of the day multiplier (coefficient of variation 1/sqrt(shape)).
    pub day_shape: f64,
    /// Gamma shape of the interval multiplier.
    pub interval_shape: f64,
    /// Mean patience of the people in the queue in the past, seconds, when it differs from the
    /// configuration's planning value (`None`: use the configuration's `patience_seconds`; deferred
    /// channels have none, nobody waits on an email). Voice: tenants of the sample centre waited
    /// 45 minutes on average before hanging up, the only way ~20-minute average waits and 40-50%
    /// abandonment can coexist under exponential patience (P(abandon) = 1 - exp(-wait/patience)).
    pub patience_seconds: Option<f64>,
    /// AHT factor at the start of the history relative to today (agents got slightly quicker).
    pub aht_trend_start: f64,
    /// Coefficient of variation of handle times (lognormal).
    pub handle_cv: f64,
    /// Historic staffing as a multiple of the typical weekday load (below 1: thinner than needed).
    pub staffing_ratio: f64,
}

pub(crate) fn facts(role: Role) -> Facts {
    match role {
        Role::Voice => Facts {
            base_daily: 760.0,
            weekday: [1.18, 1.02, 0.98, 0.96, 0.86, 0.22, 0.0],
            trend_start: 1.09,
            rent: 0.14,
            after_bank_holiday: 1.22,
            cold_weight: 1.0,
            day_shape: 80.0,
            interval_shape: 25.0,
            patience_seconds: Some(45.0 * 60.0),
            aht_trend_start: 1.06,
            handle_cv: 0.7,
            staffing_ratio: 0.83,
        },
        Role::Reception => Facts {
            base_daily: 50.0,
            weekday: [1.15, 1.0, 0.97, 0.97, 0.91, 0.0, 0.0],
            trend_start: 1.05,
            rent: 0.08,
            after_bank_holiday: 1.15,
            cold_weight: 0.4,
            day_shape: 30.0,
            interval_shape: 10.0,
            patience_seconds: None,
            aht_trend_start: 1.03,
            handle_cv: 0.6,
            staffing_ratio: 1.3,
        },
        Role::Chat => Facts {
            base_daily: 100.0,
            weekday: [1.12, 1.02, 0.98, 0.97, 0.91, 0.0, 0.0],
            trend_start: 0.55,
            rent: 0.08,
            after_bank_holiday: 1.15,
            cold_weight: 0.6,
            day_shape: 40.0,
            interval_shape: 15.0,
            patience_seconds: None,
            aht_trend_start: 1.04,
            handle_cv: 0.6,
            staffing_ratio: 1.0,
        },
        Role::Email => Facts {
            base_daily: 255.0,
            weekday: [1.25, 1.1, 1.1, 1.08, 1.02, 0.6, 0.55],
            trend_start: 1.0,
            rent: 0.06,
            after_bank_holiday: 1.08,
            cold_weight: 0.5,
            day_shape: 40.0,
            interval_shape: 15.0,
            patience_seconds: None,
            aht_trend_start: 1.0,
            handle_cv: 0.8,
            staffing_ratio: 1.2,
        },
        Role::Social => Facts {
            base_daily: 30.0,
            weekday: [1.1, 1.05, 1.05, 1.0, 1.0, 0.9, 0.9],
            trend_start: 0.9,
            rent: 0.0,
            after_bank_holiday: 1.0,
            cold_weight: 0.5,
            day_shape: 20.0,
            interval_shape: 8.0,
            patience_seconds: None,
            aht_trend_start: 1.0,
            handle_cv: 0.6,
            staffing_ratio: 1.1,
        },
    }
}

/// Where `date` lies between the first and last day of the bundled history (0 at the start, 1 at the
/// end; extrapolated linearly outside).
pub(crate) fn progress_through_history(date: NaiveDate) -> f64 {
    let first = ymd(ANCHOR_FIRST);
    let last = ymd(ANCHOR_LAST);
    let span = (last - first).num_days() as f64;
    (date - first).num_days() as f64 / span
}

/// Linear move from `start` (at the first day) to 1 (at the last day), floored at 0.2.
pub(crate) fn trend(start: f64, date: NaiveDate) -> f64 {
    let x = progress_through_history(date);
    (start + (1.0 - start) * x).max(0.2)
}

/// 1-based index of `date` among the working days of its month (0 when not a working day).
pub(crate) fn working_day_of_month(date: NaiveDate) -> u32 {
    if !calendar::is_working_day(date) {
        return 0;
    }
    let mut n = 0;
    let mut d = date.with_day(1).unwrap_or(date);
    while d <= date {
        if calendar::is_working_day(d) {
            n += 1;
        }
        d += Duration::days(1);
    }
    n
}

/// Start-of-month rent effect: tenants call about rent and arrears on the first working days.
pub(crate) fn rent_factor(facts: &Facts, date: NaiveDate) -> f64 {
    match working_day_of_month(date) {
        1 => 1.0 + facts.rent,
        2 => 1.0 + facts.rent * 0.65,
        3 => 1.0 + facts.rent * 0.3,
        _ => 1.0,
    }
}

/// Season of the year for housing repairs: heating faults in winter, quiet summer holidays, a
/// quiet week between Christmas and New Year.
pub(crate) fn season_factor(role: Role, date: NaiveDate) -> f64 {
    let base = match date.month() {
        11 => 1.03,
        12 | 1 | 2 => 1.06,
        3 => 1.02,
        7 | 8 => 0.94,
        _ => 1.0,
    };
    let christmas_week =
        (date.month() == 12 && date.day() >= 24) || (date.month() == 1 && date.day() == 2);
    let quiet = if christmas_week { 0.8 } else { 1.0 };
    match role {
        Role::Voice => base * quiet,
        Role::Social => 1.0,
        _ => (1.0 + (base - 1.0) * 0.5) * quiet,
    }
}

/// A cold snap: a multi-day spell in which boilers and heating fail and repair calls surge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ColdSpell {
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// Voice volume factor at the height of the spell (e.g. 1.3 = 30% more calls).
    pub intensity: f64,
}

/// The cold spells of the winter that starts in November of `year` (November to February): two to
/// four spells of three to nine days, drawn from the random stream of that winter.
pub(crate) fn cold_spells(year: i32, rng: &mut ChaCha8Rng) -> Vec<ColdSpell> {
    let season_first = ymd((year, 11, 1));
    let season_last = ymd((year + 1, 2, 28));
    let season_days = (season_last - season_first).num_days();
    let count = rng.random_range(2..=4);
    let mut spells = Vec::with_capacity(count);
    for _ in 0..count {
        let len = rng.random_range(3..=9);
        let offset = rng.random_range(0..=(season_days - len));
        let first = season_first + Duration::days(offset);
        spells.push(ColdSpell {
            first,
            last: first + Duration::days(len - 1),
            intensity: rng.random_range(1.15..1.45),
        });
    }
    spells.sort_by_key(|s| s.first);
    spells
}

/// Demand factor of the cold spells on `date` for a channel receiving `weight` of the surge. The
/// surge builds on the first day and lingers for two days after the spell.
pub(crate) fn cold_factor(spells: &[ColdSpell], weight: f64, date: NaiveDate) -> f64 {
    let mut extra: f64 = 0.0;
    for s in spells {
        let ramp = if date == s.first {
            0.6
        } else if date > s.first && date <= s.last {
            1.0
        } else if date > s.last && date <= s.last + Duration::days(2) {
            0.6 - 0.25 * ((date - s.last).num_days() as f64 - 1.0)
        } else {
            0.0
        };
        extra = extra.max((s.intensity - 1.0) * ramp);
    }
    1.0 + weight * extra
}

fn bump(h: f64, centre: f64, width: f64) -> f64 {
    let z = (h - centre) / width;
    (-0.5 * z * z).exp()
}

/// Relative arrival intensity at local hour `h` (interval midpoint, 0-24) on a weekday
/// (`weekday` Monday = 0). Live channels: double peaks mid-morning and early afternoon, an opening
/// rush on the phones, an evening shoulder on chat. Email and social arrive around the clock, low
/// at night.
pub(crate) fn intraday_weight(role: Role, weekday: u32, h: f64) -> f64 {
    let weekend = weekday >= 5;
    match role {
        Role::Voice if weekend => 0.6 + 0.7 * bump(h, 10.25, 0.9),
        Role::Voice => {
            0.45 + 1.0 * bump(h, 10.0, 1.0) + 0.85 * bump(h, 13.75, 0.9) + 0.5 * bump(h, 8.25, 0.3)
                - 0.2 * bump(h, 17.75, 0.4)
        }
        Role::Reception => 0.4 + bump(h, 10.75, 0.9) + 0.8 * bump(h, 14.25, 0.9),
        Role::Chat => {
            0.35 + bump(h, 10.5, 1.2) + 0.8 * bump(h, 13.75, 1.0) + 0.45 * bump(h, 18.5, 0.9)
        }
        Role::Email if weekend => 0.12 + 0.8 * bump(h, 11.0, 2.5) + 0.6 * bump(h, 19.5, 2.5),
        Role::Email => {
            0.1 + bump(h, 10.0, 1.8) + 0.7 * bump(h, 14.5, 1.8) + 0.5 * bump(h, 20.5, 1.5)
        }
        Role::Social => 0.12 + 0.7 * bump(h, 12.5, 3.0) + 0.8 * bump(h, 20.0, 2.0),
    }
}

/// Handle-time factor by weekday and hour: longer on Mondays (complex repairs logged after the
/// weekend), longer early in the day, shorter near closing.
pub(crate) fn aht_factor(weekday: u32, h: f64, open_h: f64, close_h: f64) -> f64 {
    let day = match weekday {
        0 => 1.04,
        4 => 0.97,
        5 | 6 => 0.95,
        _ => 1.0,
    };
    let span = (close_h - open_h).max(1.0);
    let x = ((h - open_h) / span).clamp(0.0, 1.0);
    day * (1.05 - 0.1 * x)
}

/// Shape of the historic rota on the live channels by local hour: who was rostered, not who was
/// needed. Voice is thin at opening (shifts start at 08:30), heavy through the morning, drops over
/// lunch (12:00-14:00, exactly when the afternoon peak arrives) and thins out at the end of the day.
pub(crate) fn staffing_shape(role: Role, weekday: u32, h: f64) -> f64 {
    match role {
        Role::Voice if weekday >= 5 => 0.6,
        Role::Voice => {
            let by_hour = if h < 8.5 {
                0.55
            } else if h < 9.0 {
                0.85
            } else if h < 12.0 {
                1.15
            } else if h < 14.0 {
                0.8
            } else if h < 16.0 {
                1.1
            } else if h < 17.0 {
                1.0
            } else {
                0.7
            };
            // Part-timers' day off and Monday sickness; an early finish on Fridays.
            let day = match weekday {
                0 => 0.92,
                4 => 0.95,
                _ => 1.0,
            };
            by_hour * day
        }
        Role::Reception => {
            if (12.5..13.5).contains(&h) {
                0.8
            } else {
                1.3
            }
        }
        Role::Chat => {
            if (9.0..17.0).contains(&h) {
                1.25
            } else {
                0.6
            }
        }
        Role::Email | Role::Social => {
            if (12.0..14.0).contains(&h) {
                0.8
            } else {
                1.05
            }
        }
    }
}

pub(crate) fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Monday = 0 ... Sunday = 6.
pub(crate) fn weekday_index(date: NaiveDate) -> u32 {
    date.weekday().num_days_from_monday()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn trend_runs_from_start_to_one() {
        assert!((trend(1.09, ymd(ANCHOR_FIRST)) - 1.09).abs() < 1e-12);
        assert!((trend(1.09, ymd(ANCHOR_LAST)) - 1.0).abs() < 1e-12);
        assert!((trend(0.55, ymd(ANCHOR_LAST)) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn rent_days_are_the_first_working_days() {
        // 2026-06-01 is a Monday; 2026-08-31 a bank holiday, 2026-09-01 a Tuesday.
        assert_eq!(working_day_of_month(ymd((2026, 6, 1))), 1);
        assert_eq!(working_day_of_month(ymd((2026, 6, 3))), 3);
        assert_eq!(working_day_of_month(ymd((2026, 11, 1))), 0); // Sunday
        assert_eq!(working_day_of_month(ymd((2026, 11, 2))), 1);
        assert_eq!(working_day_of_month(ymd((2026, 1, 2))), 1); // after New Year's Day
    }

    #[test]
    fn cold_spells_stay_in_winter() {
        for year in 2020..2030 {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            rng.set_stream(year as u64);
            let spells = cold_spells(year, &mut rng);
            assert!((2..=4).contains(&spells.len()));
            for s in &spells {
                assert!(s.first >= ymd((year, 11, 1)));
                assert!(s.last <= ymd((year + 1, 2, 28)));
                assert!(s.intensity > 1.0);
                assert!(cold_factor(&spells, 1.0, s.first + Duration::days(1)) > 1.1);
            }
        }
    }

    #[test]
    fn voice_has_two_intraday_peaks() {
        let w = |h| intraday_weight(Role::Voice, 1, h);
        assert!(w(10.0) > w(12.0));
        assert!(w(13.75) > w(12.0));
        assert!(w(10.0) > w(16.5));
    }
}

//! Weekly hours and weekday lists as written in the file, validated (and checked against the
//! interval grid once the centre's grid is known).

use std::collections::BTreeSet;

use chrono::Weekday;
use serde::Deserialize;

use super::raw::RawWeeklyHours;
use super::validate::Ctx;
use super::{parse_weekday, TimeRange, WeeklyHours, WEEKDAYS};
use crate::grid::IntervalGrid;

/// Reads weekly hours at `key`, each range checked against the interval grid when it is known
/// (`None` outside a whole configuration, as when serde reads [`WeeklyHours`] on its own).
/// `None` when anything is wrong (every problem recorded).
pub(super) fn weekly_hours(
    ctx: &mut Ctx,
    key: &str,
    raw: &RawWeeklyHours,
    grid: Option<IntervalGrid>,
) -> Option<WeeklyHours> {
    let n0 = ctx.problems.len();
    let mut days = Vec::new();
    for (d, (src, texts)) in WEEKDAYS.into_iter().zip(raw.per_day()) {
        let mut ranges = Vec::new();
        for t in texts {
            match t.parse::<TimeRange>() {
                Ok(r) => {
                    if let Some(g) = grid {
                        let m = g.length.minutes() as u16;
                        if off_grid(u32::from(r.start_minute()), u32::from(m))
                            || off_grid(u32::from(r.end_minute()), u32::from(m))
                        {
                            ctx.err(format!("{key}.{src}"), format!("{r} is not on the {m}-minute interval grid; expected times such as 08:00 or 08:{m:02}"));
                        }
                    }
                    ranges.push(r);
                }
                Err(e) => ctx.err(format!("{key}.{src}"), e),
            }
        }
        days.push((d, ranges));
    }
    match WeeklyHours::new(days) {
        Ok(h) => (ctx.problems.len() == n0).then_some(h),
        Err(e) => {
            ctx.err(key, e);
            None
        }
    }
}

impl<'de> Deserialize<'de> for WeeklyHours {
    /// Reads the file shape (`{ weekdays = ["08:00-18:00"], sat = ["09:00-13:00"] }`), validating
    /// the ranges (no grid check: the grid is only known inside a whole configuration).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawWeeklyHours::deserialize(d)?;
        let mut ctx = Ctx::default();
        match weekly_hours(&mut ctx, "hours", &raw, None) {
            Some(h) if ctx.problems.is_empty() => Ok(h),
            _ => Err(serde::de::Error::custom(
                ctx.problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )),
        }
    }
}

/// True when `v` minutes is not a whole number of `step`-minute intervals.
pub(super) fn off_grid(v: u32, step: u32) -> bool {
    v.checked_rem(step) != Some(0)
}

/// The file shape of weekly hours: one key per open day, so that reading it back gives the same
/// hours.
pub(super) fn weekly_to_raw(h: &WeeklyHours) -> RawWeeklyHours {
    let f = |d: Weekday| -> Option<Vec<String>> {
        let r = h.ranges(d);
        (!r.is_empty()).then(|| r.iter().map(ToString::to_string).collect())
    };
    RawWeeklyHours {
        every_day: None,
        weekdays: None,
        mon: f(Weekday::Mon),
        tue: f(Weekday::Tue),
        wed: f(Weekday::Wed),
        thu: f(Weekday::Thu),
        fri: f(Weekday::Fri),
        sat: f(Weekday::Sat),
        sun: f(Weekday::Sun),
    }
}

/// A list of weekdays at `key` (`mon`..`sun`, `weekdays`, `weekend`, `every_day`), sorted and
/// without repeats; `default` when the key is absent.
pub(super) fn weekday_list(
    ctx: &mut Ctx,
    key: &str,
    raw: Option<&[String]>,
    default: &[Weekday],
) -> Vec<Weekday> {
    let Some(raw) = raw else {
        return default.to_vec();
    };
    let mut set = BTreeSet::new();
    for (i, s) in raw.iter().enumerate() {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "weekdays" => set.extend(WEEKDAYS[..5].iter().map(|d| d.num_days_from_monday())),
            "weekend" => set.extend(WEEKDAYS[5..].iter().map(|d| d.num_days_from_monday())),
            "every_day" => set.extend(WEEKDAYS.iter().map(|d| d.num_days_from_monday())),
            _ => match parse_weekday(&t) {
                Some(d) => {
                    set.insert(d.num_days_from_monday());
                }
                None => ctx.err(format!("{key}[{i}]"), format!("{s:?} is not a weekday; expected mon, tue, wed, thu, fri, sat, sun, weekdays, weekend or every_day")),
            },
        }
    }
    if set.is_empty() && !raw.is_empty() {
        return Vec::new();
    }
    if raw.is_empty() {
        ctx.err(key, "no days given; expected at least one weekday");
    }
    set.into_iter().map(|i| WEEKDAYS[i as usize]).collect()
}

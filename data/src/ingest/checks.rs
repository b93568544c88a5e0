//! Checks of the file as a whole, made once every row is read: US dates read as UK ones, dates
//! far outside the bulk of the history (a mistyped year), and warnings about implausible
//! handle times.

use chrono::{Datelike, NaiveDate};

use super::diagnostics::shown;
use super::reader::{Reader, Row};
use super::timestamps::Cursor;

/// Handle times outside this range (seconds) are almost certainly a unit mistake (milliseconds or
/// minutes read as seconds) and are warned about, naming the file and line.
pub const PLAUSIBLE_AHT_SECONDS: std::ops::RangeInclusive<f64> = 5.0..=7200.0;

/// A history whose dates span more than this many days (20 years) is an error: every forecast
/// allocates by span, so one mistyped year must not decide how much memory a forecast takes.
pub const MAX_SPAN_DAYS: i64 = 20 * 366;

/// Rows further than this many days (or the bulk's own width, if wider) outside the bulk of a
/// history's dates are "probably a mistyped date".
pub const MISTYPED_DATE_MARGIN_DAYS: i64 = 731;

/// The `a/b/YYYY` dates of a file, for telling day/month/year (UK) from month/day/year (US).
#[derive(Default)]
pub(super) struct SlashDates {
    /// Largest first and second number seen.
    max_first: u32,
    max_second: u32,
    /// The first date whose second number cannot be a month (line, text).
    us_only: Option<(u64, String)>,
    /// Rows whose date was rejected because its second number is over 12 (reported only if the
    /// file turns out not to be US).
    pub(super) month_errors: Vec<(u64, (usize, String), String)>,
    /// Range of days (from CE) of the dates read both ways, when both are real dates.
    uk: Option<(i32, i32)>,
    us: Option<(i32, i32)>,
}

impl SlashDates {
    fn widen(range: &mut Option<(i32, i32)>, d: Option<NaiveDate>) {
        if let Some(d) = d.map(|d| d.num_days_from_ce()) {
            *range = Some(match *range {
                Some((lo, hi)) => (lo.min(d), hi.max(d)),
                None => (d, d),
            });
        }
    }
}

/// The leading `a/b/YYYY` of a timestamp, as (a, b, year).
pub(super) fn slash_date(s: &str) -> Option<(u32, u32, i32)> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let a = c.digits(1, 2)?;
    if !c.eat(b'/') {
        return None;
    }
    let b = c.digits(1, 2)?;
    if !c.eat(b'/') {
        return None;
    }
    let y = c.digits(4, 4)?;
    Some((a, b, y as i32))
}

impl Reader<'_> {
    /// Records what an `a/b/YYYY` timestamp says about day/month order (built-in forms only).
    pub(super) fn note_slash_date(&mut self, s: &str, line: u64) {
        let Some((a, b, y)) = slash_date(s) else {
            return;
        };
        let sd = &mut self.slash;
        sd.max_first = sd.max_first.max(a);
        sd.max_second = sd.max_second.max(b);
        if b > 12 && a <= 12 && sd.us_only.is_none() {
            sd.us_only = Some((line, s.to_string()));
        }
        let uk = NaiveDate::from_ymd_opt(y, b, a);
        let us = NaiveDate::from_ymd_opt(y, a, b);
        if uk.is_some() && us.is_some() {
            SlashDates::widen(&mut sd.uk, uk);
            SlashDates::widen(&mut sd.us, us);
        }
    }

    /// US `MM/DD/YYYY` dates would be read as UK `DD/MM/YYYY`: when the file's dates are only
    /// consistent as month/day/year (a second number over 12, none first), or when all are
    /// ambiguous but read as day/month they scatter over months that month/day keeps within
    /// days, the file is rejected with one problem offering `--date-format`.
    pub(super) fn check_slash_dates(&mut self) {
        let sd = std::mem::take(&mut self.slash);
        let advice = "Rota reads a/b/YYYY as day/month/year (UK); if the export is month/day/year \
                      (US), say so with --date-format \"%m/%d/%Y %H:%M\" (or [history] \
                      timestamp_format in the centre configuration)";
        if sd.max_first > 12 {
            // Day first: the UK reading is right; the rows with a second number over 12 are
            // simply wrong.
        } else if let Some((line, text)) = &sd.us_only {
            self.diags.push(
                None,
                None,
                format!(
                    "the dates are month/day/year (US): line {line} has {}, whose second number \
                     cannot be a month, and no date has a first number over 12; {advice}",
                    shown(text),
                    advice = advice
                ),
            );
            return;
        } else if let (Some(uk), Some(us)) = (sd.uk, sd.us) {
            let (uk_days, us_days) = (uk.1 - uk.0, us.1 - us.0);
            if uk_days >= 28 && us_days * 4 < uk_days {
                let day = |d: i32| {
                    NaiveDate::from_num_days_from_ce_opt(d)
                        .map_or_else(String::new, |d| d.to_string())
                };
                self.diags.push(
                    None,
                    None,
                    format!(
                        "the dates are ambiguous (no number over 12): read as day/month/year they \
                         scatter from {} to {} ({uk_days} days), read as month/day/year they run \
                         from {} to {} ({us_days} days); {advice}, or as day/month/year with \
                         --date-format \"%d/%m/%Y %H:%M\"",
                        day(uk.0),
                        day(uk.1),
                        day(us.0),
                        day(us.1),
                    ),
                );
            }
        }
        for (line, (index, name), message) in sd.month_errors {
            self.diags.push(Some(line), Some((index, &name)), message);
        }
    }

    /// A history's span is judged against its bulk: rows whose date is far outside the dates of
    /// the rest (by more than the bulk's own width, and at least [`MISTYPED_DATE_MARGIN_DAYS`])
    /// are rejected as probably mistyped, and so is a span over [`MAX_SPAN_DAYS`]. The bulk is
    /// the dates with the earliest and latest 1% of rows (at least one each way, from ten rows)
    /// left out. Rejected rows are dropped so that the rest is still checked.
    pub(super) fn check_span(&mut self, rows: &mut [Vec<Row>]) {
        let mut days: Vec<i32> = rows
            .iter()
            .flatten()
            .map(|r| r.local_date.num_days_from_ce())
            .collect();
        let n = days.len();
        if n == 0 {
            return;
        }
        days.sort_unstable();
        let trim = if n >= 10 { (n / 100).max(1) } else { 0 };
        let (lo, hi) = (i64::from(days[trim]), i64::from(days[n - 1 - trim]));
        let margin = (hi - lo).max(MISTYPED_DATE_MARGIN_DAYS);
        let (min_ok, max_ok) = (lo - margin, hi + margin);
        let date = |d: i64| {
            NaiveDate::from_num_days_from_ce_opt(d as i32)
                .map_or_else(String::new, |d| d.to_string())
        };
        for g in rows.iter_mut() {
            let mut bad: Vec<(u64, String, i64)> = Vec::new();
            g.retain(|r| {
                let d = i64::from(r.local_date.num_days_from_ce());
                if d < min_ok || d > max_ok {
                    bad.push((
                        r.line,
                        r.start.naive_local().format("%Y-%m-%d %H:%M").to_string(),
                        d,
                    ));
                    false
                } else {
                    true
                }
            });
            for (line, value, d) in bad {
                let years = ((d - if d < lo { lo } else { hi }).abs() as f64 / 365.25).round();
                self.diags.push_interval(
                    Some(line),
                    format!(
                        "{value} is probably a mistyped date: it is {years} years {} the bulk of \
                         the rows ({} to {}); expected a date between {} and {}",
                        if d < lo { "before" } else { "after" },
                        date(lo),
                        date(hi),
                        date(min_ok),
                        date(max_ok)
                    ),
                );
            }
        }
        let kept = rows
            .iter()
            .flatten()
            .map(|r| i64::from(r.local_date.num_days_from_ce()));
        let (first, last) = kept.fold((i64::MAX, i64::MIN), |(a, b), d| (a.min(d), b.max(d)));
        if first <= last && last - first > MAX_SPAN_DAYS {
            self.diags.push(
                None,
                None,
                format!(
                    "the history spans {} to {} ({} years); expected at most {} years \
                     (is a year mistyped?)",
                    date(first),
                    date(last),
                    ((last - first) as f64 / 365.25).round(),
                    MAX_SPAN_DAYS / 366
                ),
            );
            for g in rows.iter_mut() {
                g.clear();
            }
        }
    }

    /// Warns (through the log, which every command shows by default) about a handle time outside
    /// [`PLAUSIBLE_AHT_SECONDS`]: the first few with file and line, then how many in all. One
    /// contact can take over two hours (a vulnerable tenant, a complex repair), so an interval
    /// whose average rests on a single handled contact is only judged against the lower bound.
    pub(super) fn check_plausible_aht(
        &mut self,
        aht: f64,
        handled: Option<u32>,
        cell: &str,
        line: u64,
        col: (usize, &str),
    ) {
        let single_long_contact = handled == Some(1) && aht > *PLAUSIBLE_AHT_SECONDS.end();
        if PLAUSIBLE_AHT_SECONDS.contains(&aht) || single_long_contact {
            return;
        }
        self.implausible_aht += 1;
        if self.implausible_aht <= 5 {
            tracing::warn!(
                "{}:{line}:{}: {}: handle time {} = {} is implausible (expected 5 s to 2 h); \
                 is the AHT column in milliseconds or minutes? Say so with --aht-unit ms|min or \
                 [history] aht_unit",
                self.file.display(),
                col.0,
                col.1,
                shown(cell),
                if aht >= 3600.0 {
                    format!("{:.1} hours", aht / 3600.0)
                } else {
                    format!("{aht:.1} s")
                }
            );
        }
    }
}

//! Building the weekly performance report from history.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Weekday};
use rota_data::config::CentreConfig;
use rota_data::history::History;

use super::{ChannelTargets, PerformanceReport, ReportError, WeekRow};
use crate::steps::{forecast, requirements_of};
use crate::{PlanningError, Silent};
use rota_staffing::{ForecastPoint, Staffing};

/// What to report.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (inclusive).
    pub to: NaiveDate,
    /// Re-forecast every week from the history before it (slow: one forecast per week).
    pub forecast_accuracy: bool,
}

/// First day of the week containing `date` for weeks starting on `start`.
fn week_of(date: NaiveDate, start: Weekday) -> NaiveDate {
    let back = (7 + date.weekday().num_days_from_monday() - start.num_days_from_monday()) % 7;
    date - Duration::days(i64::from(back))
}

#[derive(Default)]
struct Acc {
    offered: u64,
    handled: u64,
    handled_seen: bool,
    abandoned: u64,
    abandoned_seen: bool,
    aht_w: f64,
    aht_n: f64,
    asa_w: f64,
    asa_n: f64,
    staffed_h: f64,
    staffed_seen: bool,
    dates: std::collections::BTreeSet<NaiveDate>,
    required_h: f64,
    required_seen: bool,
    sl_w: f64,
    sl_n: f64,
    fc: f64,
    fc_abs: f64,
    fc_actual: f64,
    fc_seen: bool,
    /// Per local date: (forecast, actual) offered, for the daily error.
    fc_days: std::collections::BTreeMap<NaiveDate, (f64, f64)>,
}

/// Builds the report for `opts.from..=opts.to`. `progress` is called with a line of text as each
/// week's forecast is made.
#[tracing::instrument(level = "info", skip_all, fields(from = %opts.from, to = %opts.to))]
pub fn build_report(
    history: &History,
    config: &CentreConfig,
    opts: &ReportOptions,
    progress: &dyn Fn(&str),
) -> Result<PerformanceReport, ReportError> {
    if opts.to < opts.from {
        return Err(ReportError::Range(format!(
            "the report range ends ({}) before it starts ({})",
            opts.to, opts.from
        )));
    }
    let grid = config.grid();
    let week_start = config.centre().planning().week_starts_on();
    let hours = f64::from(grid.length.minutes()) / 60.0;
    let key = |ch: &str, t: &DateTime<FixedOffset>| {
        let d = grid.local_date(t);
        (ch.to_string(), week_of(d, week_start).max(opts.from))
    };
    let mut acc: BTreeMap<(String, NaiveDate), Acc> = BTreeMap::new();
    let mut points = Vec::new();
    let mut staffing = Staffing::new();
    let mut actual: HashMap<(String, DateTime<FixedOffset>), f64> = HashMap::new();
    let mut notes = Vec::new();
    let mut unconfigured = std::collections::BTreeSet::new();
    for r in history.records() {
        let t = r.interval_start().fixed_offset();
        let date = grid.local_date(&t);
        if date < opts.from || date > opts.to {
            continue;
        }
        let ch = r.channel().as_str();
        let Some(channel) = config.channel(ch) else {
            unconfigured.insert(ch.to_string());
            continue;
        };
        let a = acc.entry(key(ch, &t)).or_default();
        a.dates.insert(date);
        a.offered += u64::from(r.offered());
        let handled = r.handled().map(f64::from);
        if let Some(h) = r.handled() {
            a.handled += u64::from(h);
            a.handled_seen = true;
        }
        if let Some(x) = r.abandoned() {
            a.abandoned += u64::from(x);
            a.abandoned_seen = true;
        }
        let w = handled.unwrap_or(f64::from(r.offered()));
        if let Some(aht) = r.aht_seconds() {
            a.aht_w += aht * w;
            a.aht_n += w;
        }
        if let Some(asa) = r.asa_seconds() {
            a.asa_w += asa * w;
            a.asa_n += w;
        }
        if let Some(n) = r.agents_staffed() {
            a.staffed_h += n * hours;
            a.staffed_seen = true;
            staffing.insert((r.channel().clone(), t), n);
        }
        actual.insert((ch.to_string(), t), f64::from(r.offered()));
        points.push(ForecastPoint {
            interval_start: t,
            channel: r.channel().clone(),
            offered: f64::from(r.offered()),
            aht_s: r
                .aht_seconds()
                .filter(|x| *x > 0.0)
                .unwrap_or_else(|| channel.aht_seconds()),
        });
    }
    if acc.is_empty() {
        return Err(ReportError::Range(format!(
            "the history has no intervals of configured channels between {} and {}",
            opts.from, opts.to
        )));
    }
    for ch in &unconfigured {
        notes.push(format!(
            "{ch}: in the history but not in the configuration; left out"
        ));
    }

    // Requirement for the actual demand, and the service level the logged-in agents delivered.
    let needs = requirements_of(&points, config).map_err(|e| match e {
        PlanningError::Staffing(e) => ReportError::Staffing(e),
        other => ReportError::Range(other.to_string()),
    })?;
    for r in &needs.rows {
        if let Some(a) = acc.get_mut(&key(r.channel.as_str(), &r.interval_start)) {
            a.required_h += r.required_agents * hours;
            a.required_seen = true;
        }
    }
    if !staffing.is_empty() {
        let delivered = needs.evaluate(&staffing).map_err(|e| match e {
            PlanningError::Staffing(e) => ReportError::Staffing(e),
            other => ReportError::Range(other.to_string()),
        })?;
        for r in &delivered {
            if let (Some(sl), Some(a)) = (
                r.service_level,
                acc.get_mut(&key(r.channel.as_str(), &r.interval_start)),
            ) {
                a.sl_w += sl * r.offered;
                a.sl_n += r.offered;
            }
        }
    } else {
        notes.push(
            "the history has no agents_staffed column: no service-level estimate and no staffing \
             comparison"
                .into(),
        );
    }

    // Forecast accuracy: one forecast per week, from the history before it.
    if opts.forecast_accuracy {
        let accuracy = ForecastAccuracy {
            history,
            config,
            opts,
            actual: &actual,
            key: &key,
        };
        accuracy.add_to(&mut acc, &mut notes, progress);
    }

    let (channels, rows) = channel_rows(config, &acc);
    Ok(PerformanceReport {
        centre: config.centre().name().to_string(),
        from: opts.from,
        to: opts.to,
        channels,
        rows,
        notes,
    })
}

/// The forecast each week of the report could have had: the production pipeline run on the history
/// before the week, compared with what happened.
/// A channel and interval start as the week they fall in: (channel, first day of the week).
type WeekKey<'a> = &'a dyn Fn(&str, &DateTime<FixedOffset>) -> (String, NaiveDate);

struct ForecastAccuracy<'a> {
    history: &'a History,
    config: &'a CentreConfig,
    opts: &'a ReportOptions,
    actual: &'a HashMap<(String, DateTime<FixedOffset>), f64>,
    key: WeekKey<'a>,
}

impl ForecastAccuracy<'_> {
    /// Adds each week's forecast against its actual offered to the weeks' accumulators; a week
    /// that cannot be forecast (too little history before it) gets a note instead.
    fn add_to(
        &self,
        acc: &mut BTreeMap<(String, NaiveDate), Acc>,
        notes: &mut Vec<String>,
        progress: &dyn Fn(&str),
    ) {
        let (history, config, opts, actual, key) =
            (self.history, self.config, self.opts, self.actual, self.key);
        let week_start = config.centre().planning().week_starts_on();
        let mut weeks: Vec<NaiveDate> = acc.keys().map(|(_, w)| *w).collect();
        weeks.sort_unstable();
        weeks.dedup();
        for w in weeks {
            let end = (w + Duration::days(6))
                .min(opts.to)
                .min(week_of(w, week_start) + Duration::days(6));
            let days = usize::try_from((end - w).num_days() + 1).unwrap_or(1);
            match forecast(history, config, w, days, &Silent).and_then(|f| f.demand()) {
                Ok(demand) => {
                    for rec in demand.records() {
                        let t = rec.interval_start();
                        let ch = rec.channel().as_str();
                        let Some(&a_v) = actual.get(&(ch.to_string(), t)) else {
                            continue;
                        };
                        if let Some(a) = acc.get_mut(&key(ch, &t)) {
                            let f = rec.offered_mean();
                            a.fc += f;
                            a.fc_abs += (f - a_v).abs();
                            a.fc_actual += a_v;
                            a.fc_seen = true;
                            let day = a.fc_days.entry(t.date_naive()).or_default();
                            day.0 += f;
                            day.1 += a_v;
                        }
                    }
                    progress(&format!(
                        "forecast for the week of {w} made from the history before it"
                    ));
                }
                Err(e) => notes.push(format!("week of {w}: no forecast ({e})")),
            }
        }
    }
}

/// Each configured channel's targets and its rows, one per week.
fn channel_rows(
    config: &CentreConfig,
    acc: &BTreeMap<(String, NaiveDate), Acc>,
) -> (Vec<ChannelTargets>, Vec<WeekRow>) {
    let mut channels = Vec::new();
    let mut rows = Vec::new();
    for ch in config.channels() {
        let name = ch.name().as_str();
        let t = ch.targets();
        let (sl, sl_text) = if ch.kind().is_deferred() {
            (
                t.response().map(|r| r.share()),
                t.response().map(|r| {
                    format!(
                        "{:.0}% within {} {}hours",
                        100.0 * r.share(),
                        r.within_hours(),
                        if r.working_hours_only() {
                            "working "
                        } else {
                            ""
                        }
                    )
                }),
            )
        } else {
            (
                t.service_level().map(|s| s.share()),
                t.service_level()
                    .map(|s| format!("{:.0}% within {} s", 100.0 * s.share(), s.within_seconds())),
            )
        };
        channels.push(ChannelTargets {
            channel: ch.name().clone(),
            label: ch.label().to_string(),
            kind: ch.kind().as_str().to_string(),
            max_abandon_rate: t.max_abandon_rate(),
            max_asa_seconds: t.max_asa_seconds(),
            service_level: sl,
            service_level_text: sl_text,
        });
        for ((_, w), a) in acc.iter().filter(|((c, _), _)| c == name) {
            let ratio = |num: f64, den: f64, seen: bool| (seen && den > 0.0).then(|| num / den);
            rows.push(WeekRow {
                channel: ch.name().clone(),
                kind: ch.kind().as_str().to_string(),
                week_start: *w,
                days: a.dates.len() as u32,
                offered: a.offered,
                handled: a.handled_seen.then_some(a.handled),
                abandon_rate: ratio(a.abandoned as f64, a.offered as f64, a.abandoned_seen),
                asa_seconds: ratio(a.asa_w, a.asa_n, true),
                service_level: ratio(a.sl_w, a.sl_n, true),
                aht_seconds: ratio(a.aht_w, a.aht_n, true),
                forecast_offered: a.fc_seen.then_some(a.fc),
                forecast_wape: ratio(a.fc_abs, a.fc_actual, a.fc_seen),
                forecast_wape_daily: ratio(
                    a.fc_days.values().map(|(f, y)| (f - y).abs()).sum(),
                    a.fc_actual,
                    a.fc_seen,
                ),
                forecast_bias: ratio(a.fc, a.fc_actual, a.fc_seen).map(|x| x - 1.0),
                staffed_hours: a.staffed_seen.then_some(a.staffed_h),
                required_hours: a.required_seen.then_some(a.required_h),
            });
        }
    }
    (channels, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_the_configured_day() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap(); // Thursday
        assert_eq!(
            week_of(d, Weekday::Mon),
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
        );
        assert_eq!(
            week_of(d, Weekday::Sun),
            NaiveDate::from_ymd_opt(2026, 11, 15).unwrap()
        );
        assert_eq!(week_of(d, Weekday::Thu), d);
    }
}

//! From the replications' cells to the report: each replication's KPIs over an interval, a day
//! and the week (rates per replication), their means with 95% confidence intervals, and the
//! verdict of the week against each channel's targets.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use rota_data::config::Channel;

use super::{
    kpi_value, ChannelInfo, ChannelVerdict, Direction, Estimate, IntervalRange, Kpi, KpiSet,
    Period, PeriodKpis, SimulatedKpis, SimulationReport, TargetCheck, Verdict,
};
use crate::engine::{Cell, Model, RepResult};
use crate::input::SimulationInput;
use crate::stats::{t_table, Running};
use crate::SimulationOptions;

/// One replication's KPIs of a group of cells.
struct RepKpis {
    offered: f64,
    handled: f64,
    abandoned: f64,
    abandon_rate: Option<f64>,
    asa: Option<f64>,
    sl: Option<f64>,
    wait_ok: Option<f64>,
    occupancy: Option<f64>,
    response: Option<f64>,
    max_backlog: Option<f64>,
    unanswered: Option<f64>,
}

/// Running means and variances of one group's KPIs over the replications.
#[derive(Default, Clone, Copy)]
struct Acc {
    offered: Running,
    handled: Running,
    abandoned: Running,
    abandon_rate: Running,
    asa: Running,
    sl: Running,
    wait_ok: Running,
    occupancy: Running,
    response: Running,
    max_backlog: Running,
    unanswered: Running,
}

/// What decides which KPIs of a channel are defined and how service level is counted.
struct ChanFacts {
    live: bool,
    sl_abandoned_in_denominator: bool,
    has_max_wait: bool,
}

/// The KPIs of one replication over `cells` (one channel, consecutive intervals) with `staffed`
/// rostered agent-seconds: counts summed, then the rates of the sums.
fn rep_kpis(cells: &[Cell], staffed: f64, f: &ChanFacts) -> RepKpis {
    let mut s = Cell::default();
    for c in cells {
        s.offered += c.offered;
        s.handled += c.handled;
        s.abandoned += c.abandoned;
        s.within_sl += c.within_sl;
        s.within_max_wait += c.within_max_wait;
        s.resp_known += c.resp_known;
        s.resp_in_target += c.resp_in_target;
        s.max_backlog = s.max_backlog.max(c.max_backlog);
        s.unanswered += c.unanswered;
        s.wait_sum += c.wait_sum;
        s.busy_s += c.busy_s;
        s.extra_staffed_s += c.extra_staffed_s;
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { Some(a / b) } else { None };
    let offered = f64::from(s.offered);
    let handled = f64::from(s.handled);
    let logged = staffed + s.extra_staffed_s;
    RepKpis {
        offered,
        handled,
        abandoned: f64::from(s.abandoned),
        abandon_rate: if f.live {
            ratio(f64::from(s.abandoned), offered)
        } else {
            None
        },
        asa: ratio(s.wait_sum, handled),
        sl: if f.live {
            let den = if f.sl_abandoned_in_denominator {
                offered
            } else {
                handled
            };
            ratio(f64::from(s.within_sl), den)
        } else {
            None
        },
        wait_ok: if f.live && f.has_max_wait {
            ratio(f64::from(s.within_max_wait), handled)
        } else {
            None
        },
        occupancy: ratio(s.busy_s, logged),
        response: if f.live {
            None
        } else {
            ratio(f64::from(s.resp_in_target), f64::from(s.resp_known))
        },
        max_backlog: if f.live {
            None
        } else {
            Some(f64::from(s.max_backlog))
        },
        unanswered: if f.live {
            None
        } else {
            Some(f64::from(s.unanswered))
        },
    }
}

impl Acc {
    /// Adds one replication's KPIs (undefined rates are skipped).
    fn push(&mut self, k: &RepKpis) {
        self.offered.push(k.offered);
        self.handled.push(k.handled);
        self.abandoned.push(k.abandoned);
        self.abandon_rate.push_opt(k.abandon_rate);
        self.asa.push_opt(k.asa);
        self.sl.push_opt(k.sl);
        self.wait_ok.push_opt(k.wait_ok);
        self.occupancy.push_opt(k.occupancy);
        self.response.push_opt(k.response);
        self.max_backlog.push_opt(k.max_backlog);
        self.unanswered.push_opt(k.unanswered);
    }

    /// Means and confidence intervals (`t`: the t quantiles by replications).
    fn kpis(&self, t: &[f64]) -> KpiSet {
        let zero = Estimate {
            mean: 0.0,
            half_width: None,
            n: 0,
        };
        KpiSet {
            offered: self.offered.estimate(t).unwrap_or(zero),
            handled: self.handled.estimate(t).unwrap_or(zero),
            abandoned: self.abandoned.estimate(t).unwrap_or(zero),
            abandon_rate: self.abandon_rate.estimate(t),
            asa_seconds: self.asa.estimate(t),
            service_level: self.sl.estimate(t),
            wait_within_max_share: self.wait_ok.estimate(t),
            occupancy: self.occupancy.estimate(t),
            response_within_target: self.response.estimate(t),
            max_backlog: self.max_backlog.estimate(t),
            unanswered_at_end: self.unanswered.estimate(t),
        }
    }
}

/// "Mon 16 Nov 08:15-11:00"; a range running to midnight ends at "24:00".
fn range_label(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    let end_clock =
        if end.date_naive() != start.date_naive() && end.format("%H:%M").to_string() == "00:00" {
            "24:00".to_string()
        } else {
            end.format("%H:%M").to_string()
        };
    format!(
        "{} {}-{end_clock}",
        start.format("%a %d %b"),
        start.format("%H:%M"),
    )
}

/// Builds the report from the replications (in replication order, so it is deterministic).
pub(crate) fn summarise(
    input: &SimulationInput,
    model: &Model,
    opts: &SimulationOptions,
    results: &[RepResult],
) -> SimulationReport {
    let channels = input.config.channels();
    let t = t_table(opts.replications);
    let days = days_of(&input.interval_starts);
    let acc = Accumulated::new(model, &chan_facts(channels), &days, results);
    let rows = Rows {
        intervals: acc.interval_rows(input, channels, &t),
        days: acc.day_rows(&days, channels, &t),
        week: acc.week_rows(channels, &t),
    };
    let judge = Judge {
        input,
        days: &days,
        rows: &rows,
        n_ch: model.n_ch,
        n_iv: model.n_iv,
        min_n: opts.replications.div_ceil(2).max(1),
        interval: Duration::seconds(model.interval_s as i64),
    };
    let verdict = channels
        .iter()
        .enumerate()
        .map(|(c, ch)| judge.channel(c, ch))
        .collect();

    SimulationReport {
        first_date: input.first_date,
        last_date: input.last_date,
        replications: opts.replications,
        seed: opts.seed,
        channels: channels
            .iter()
            .enumerate()
            .map(|(c, ch)| ChannelInfo {
                name: ch.name().clone(),
                label: ch.label().to_string(),
                kind: ch.kind(),
                carried_in: model.initial_backlog.get(c).map_or(0, |b| b.len() as u32),
            })
            .collect(),
        intervals: rows.intervals,
        days: rows.days,
        week: rows.week,
        verdict: Verdict { channels: verdict },
        total_contacts: results.iter().map(|r| r.contacts).sum(),
    }
}

/// Per channel, what decides its KPIs (see [`ChanFacts`]).
fn chan_facts(channels: &[Channel]) -> Vec<ChanFacts> {
    channels
        .iter()
        .map(|ch| ChanFacts {
            live: ch.kind().is_live(),
            sl_abandoned_in_denominator: ch
                .targets()
                .service_level()
                .map(|s| s.abandoned_in_denominator())
                .unwrap_or(true),
            has_max_wait: ch.targets().max_wait_seconds().is_some(),
        })
        .collect()
}

/// The days of the horizon as (local date, first interval, end interval): contiguous interval
/// ranges by local date.
fn days_of(interval_starts: &[DateTime<FixedOffset>]) -> Vec<(NaiveDate, usize, usize)> {
    let mut days: Vec<(NaiveDate, usize, usize)> = Vec::new();
    for (i, s) in interval_starts.iter().enumerate() {
        let d = s.date_naive();
        match days.last_mut() {
            Some(last) if last.0 == d => last.2 = i + 1,
            _ => days.push((d, i, i + 1)),
        }
    }
    days
}

/// The replications' KPIs accumulated per channel and interval (`[c * n_iv + i]`), day
/// (`[c * days + d]`) and week (`[c]`).
struct Accumulated {
    n_iv: usize,
    iv: Vec<Acc>,
    day: Vec<Acc>,
    week: Vec<Acc>,
}

impl Accumulated {
    /// Accumulates every replication, in replication order. Day and week figures are the KPIs of
    /// the day's or week's summed cells in each replication (not means of interval rates).
    fn new(
        model: &Model,
        facts: &[ChanFacts],
        days: &[(NaiveDate, usize, usize)],
        results: &[RepResult],
    ) -> Self {
        let n_ch = model.n_ch;
        let n_iv = model.n_iv;
        let mut iv_acc = vec![Acc::default(); n_ch * n_iv];
        let mut day_acc = vec![Acc::default(); n_ch * days.len()];
        let mut week_acc = vec![Acc::default(); n_ch];
        let staffed_sum = |c: usize, a: usize, b: usize| -> f64 {
            model.staffed[c * n_iv + a..c * n_iv + b].iter().sum()
        };
        for r in results {
            for c in 0..n_ch {
                let cells = &r.cells[c * n_iv..(c + 1) * n_iv];
                for i in 0..n_iv {
                    let k = rep_kpis(&cells[i..i + 1], model.staffed[c * n_iv + i], &facts[c]);
                    iv_acc[c * n_iv + i].push(&k);
                }
                for (d, &(_, a, b)) in days.iter().enumerate() {
                    let k = rep_kpis(&cells[a..b], staffed_sum(c, a, b), &facts[c]);
                    day_acc[c * days.len() + d].push(&k);
                }
                let k = rep_kpis(cells, staffed_sum(c, 0, n_iv), &facts[c]);
                week_acc[c].push(&k);
            }
        }
        Self {
            n_iv,
            iv: iv_acc,
            day: day_acc,
            week: week_acc,
        }
    }

    /// Interval rows, interval-major (every channel of the first interval, then the next).
    fn interval_rows(
        &self,
        input: &SimulationInput,
        channels: &[Channel],
        t: &[f64],
    ) -> Vec<SimulatedKpis> {
        let n_iv = self.n_iv;
        let mut intervals = Vec::with_capacity(channels.len() * n_iv);
        for i in 0..n_iv {
            for (c, ch) in channels.iter().enumerate() {
                intervals.push(SimulatedKpis {
                    interval_start: input.interval_starts[i],
                    channel: ch.name().clone(),
                    kpis: self.iv[c * n_iv + i].kpis(t),
                });
            }
        }
        intervals
    }

    /// Day rows, day-major.
    fn day_rows(
        &self,
        days: &[(NaiveDate, usize, usize)],
        channels: &[Channel],
        t: &[f64],
    ) -> Vec<PeriodKpis> {
        let mut day_rows = Vec::new();
        for (d, &(date, _, _)) in days.iter().enumerate() {
            for (c, ch) in channels.iter().enumerate() {
                day_rows.push(PeriodKpis {
                    period: Period::Day(date),
                    channel: ch.name().clone(),
                    kpis: self.day[c * days.len() + d].kpis(t),
                });
            }
        }
        day_rows
    }

    /// One week row per channel.
    fn week_rows(&self, channels: &[Channel], t: &[f64]) -> Vec<PeriodKpis> {
        channels
            .iter()
            .enumerate()
            .map(|(c, ch)| PeriodKpis {
                period: Period::Week,
                channel: ch.name().clone(),
                kpis: self.week[c].kpis(t),
            })
            .collect()
    }
}

/// The report's KPI rows.
struct Rows {
    /// Interval-major: `[i * n_ch + c]`.
    intervals: Vec<SimulatedKpis>,
    /// Day-major: `[d * n_ch + c]`.
    days: Vec<PeriodKpis>,
    /// `[c]`.
    week: Vec<PeriodKpis>,
}

/// What the verdict judges a channel's targets on.
struct Judge<'a> {
    input: &'a SimulationInput,
    days: &'a [(NaiveDate, usize, usize)],
    rows: &'a Rows,
    n_ch: usize,
    n_iv: usize,
    /// Days and intervals are judged only where the KPI is defined in at least half the
    /// replications (a rate from one replication in fifty says little).
    min_n: u32,
    interval: Duration,
}

impl Judge<'_> {
    /// Channel c's verdict: one check per target, in the configuration's order
    /// ([`rota_data::config::ServiceTargets::list`]).
    fn channel(&self, c: usize, ch: &Channel) -> ChannelVerdict {
        let checks = ch
            .targets()
            .list(ch.kind().is_live())
            .into_iter()
            .map(|t| self.check(c, t.kpi, t.direction, t.value))
            .collect();
        ChannelVerdict {
            channel: ch.name().clone(),
            label: ch.label().to_string(),
            checks,
        }
    }

    /// One KPI of channel c against its target: the week's mean (and whether its confidence
    /// interval settles it), the days that miss, and the intervals that miss as ranges.
    fn check(&self, c: usize, kpi: Kpi, direction: Direction, target: f64) -> TargetCheck {
        let achieved = kpi_value(kpi, &self.rows.week[c].kpis);
        let (met, by, conclusive) = match achieved {
            Some(e) => week_judgement(e, direction, target),
            None => (true, 0.0, false),
        };
        let days_missed = self
            .days
            .iter()
            .enumerate()
            .filter(|(d, _)| {
                kpi_value(kpi, &self.rows.days[*d * self.n_ch + c].kpis)
                    .is_some_and(|e| e.n >= self.min_n && !direction.met(e.mean, target))
            })
            .map(|(_, (date, _, _))| *date)
            .collect();
        let (missed, intervals_missed, intervals_judged) =
            self.missed_intervals(c, kpi, direction, target);
        TargetCheck {
            kpi,
            direction,
            target,
            achieved,
            met,
            by,
            conclusive,
            days_missed,
            missed,
            intervals_missed,
            intervals_judged,
        }
    }

    /// The judged intervals of channel c whose mean misses the target, merged into ranges of
    /// consecutive intervals within one day; with the counts missed and judged.
    fn missed_intervals(
        &self,
        c: usize,
        kpi: Kpi,
        direction: Direction,
        target: f64,
    ) -> (Vec<IntervalRange>, usize, usize) {
        let mut missed: Vec<IntervalRange> = Vec::new();
        let mut last_missed: Option<usize> = None;
        let mut intervals_missed = 0;
        let mut intervals_judged = 0;
        for i in 0..self.n_iv {
            let Some(e) = kpi_value(kpi, &self.rows.intervals[i * self.n_ch + c].kpis) else {
                continue;
            };
            if e.n < self.min_n {
                continue;
            }
            intervals_judged += 1;
            if direction.met(e.mean, target) {
                continue;
            }
            intervals_missed += 1;
            let start = self.input.interval_starts[i];
            let end = start + self.interval;
            match (last_missed, missed.last_mut()) {
                (Some(j), Some(r)) if j + 1 == i && r.start.date_naive() == start.date_naive() => {
                    r.end = end;
                    r.label = range_label(&r.start, &end);
                }
                _ => missed.push(IntervalRange {
                    start,
                    end,
                    label: range_label(&start, &end),
                }),
            }
            last_missed = Some(i);
        }
        (missed, intervals_missed, intervals_judged)
    }
}

/// Whether the week's estimate `e` meets the target, by how much it misses (0 when met), and
/// whether the whole confidence interval lies on the same side as the mean.
fn week_judgement(e: Estimate, direction: Direction, target: f64) -> (bool, f64, bool) {
    let met = direction.met(e.mean, target);
    let by = if met { 0.0 } else { (e.mean - target).abs() };
    let conclusive = match direction {
        Direction::AtMost => {
            if met {
                e.hi() <= target
            } else {
                e.lo() > target
            }
        }
        Direction::AtLeast => {
            if met {
                e.lo() >= target
            } else {
                e.hi() < target
            }
        }
    };
    (met, by, conclusive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_labels() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        assert_eq!(
            range_label(
                &t("2026-11-16T08:15:00+00:00"),
                &t("2026-11-16T11:00:00+00:00")
            ),
            "Mon 16 Nov 08:15-11:00"
        );
        assert_eq!(
            range_label(
                &t("2026-11-16T22:30:00+00:00"),
                &t("2026-11-17T00:00:00+00:00")
            ),
            "Mon 16 Nov 22:30-24:00"
        );
    }
}

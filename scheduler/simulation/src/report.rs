//! KPIs per interval, day and week with confidence intervals, the verdict against the targets, and
//! the files and table a planner reads.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use rota_data::channel::{ChannelKind, ChannelName};
use serde::Serialize;

use super::engine::{Cell, Model, RepResult};
use super::error::SimulationError;
use super::input::SimulationInput;
pub use super::stats::Estimate;
use super::stats::{t_table, Running};
use super::SimulationOptions;

/// The KPIs of one channel over an interval, a day or the week. Counts are means per replication;
/// rates are computed per replication, then averaged (`None` when never defined, e.g. ASA with no
/// contact handled).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiSet {
    /// Contacts offered (arrived).
    pub offered: Estimate,
    /// Contacts an agent took (by arrival period).
    pub handled: Estimate,
    /// Contacts that left before an agent took them (live channels).
    pub abandoned: Estimate,
    /// Abandoned / offered.
    pub abandon_rate: Option<Estimate>,
    /// Mean wait of handled contacts, seconds (deferred: until an agent picks the item up).
    pub asa_seconds: Option<Estimate>,
    /// Handled within the service-level threshold / offered (or / handled when the target
    /// excludes abandoned contacts). Live channels.
    pub service_level: Option<Estimate>,
    /// Handled within `max_wait_seconds` / handled (live channels with that target).
    pub wait_within_max_share: Option<Estimate>,
    /// Handling time / logged-in time on the channel (chat: per chat slot).
    pub occupancy: Option<Estimate>,
    /// Deferred: items answered within the response target / items whose outcome is known by the
    /// end of the horizon (answered, or still waiting and already overdue).
    pub response_within_target: Option<Estimate>,
    /// Deferred: largest backlog (items waiting) seen.
    pub max_backlog: Option<Estimate>,
    /// Deferred: items of the period still unanswered at the end of the horizon (their response
    /// time is unknown; they count in `response_within_target` only once overdue).
    pub unanswered_at_end: Option<Estimate>,
}

/// KPIs of one channel in one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalKpis {
    /// Interval start (local offset).
    pub interval_start: DateTime<FixedOffset>,
    /// Channel.
    pub channel: ChannelName,
    /// KPIs.
    pub kpis: KpiSet,
}

/// A summary period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// One local day.
    Day(NaiveDate),
    /// The whole horizon (normally one roster week).
    Week,
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Day(d) => write!(f, "{d}"),
            Period::Week => f.write_str("week"),
        }
    }
}

/// KPIs of one channel over a day or the week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodKpis {
    /// Day or week.
    pub period: Period,
    /// Channel.
    pub channel: ChannelName,
    /// KPIs.
    pub kpis: KpiSet,
}

/// A KPI with a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// Abandon rate.
    AbandonRate,
    /// Average speed of answer.
    AsaSeconds,
    /// Service level.
    ServiceLevel,
    /// Share answered within the longest acceptable wait.
    WaitWithinMaxShare,
    /// Occupancy.
    Occupancy,
    /// Deferred response within target.
    ResponseWithinTarget,
}

impl Kpi {
    /// Column / file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kpi::AbandonRate => "abandon_rate",
            Kpi::AsaSeconds => "asa_seconds",
            Kpi::ServiceLevel => "service_level",
            Kpi::WaitWithinMaxShare => "wait_within_max_share",
            Kpi::Occupancy => "occupancy",
            Kpi::ResponseWithinTarget => "response_within_target",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kpi::AbandonRate => "abandon rate",
            Kpi::AsaSeconds => "ASA",
            Kpi::ServiceLevel => "service level",
            Kpi::WaitWithinMaxShare => "answered within max wait",
            Kpi::Occupancy => "occupancy",
            Kpi::ResponseWithinTarget => "answered within response target",
        }
    }

    fn get(self, k: &KpiSet) -> Option<Estimate> {
        match self {
            Kpi::AbandonRate => k.abandon_rate,
            Kpi::AsaSeconds => k.asa_seconds,
            Kpi::ServiceLevel => k.service_level,
            Kpi::WaitWithinMaxShare => k.wait_within_max_share,
            Kpi::Occupancy => k.occupancy,
            Kpi::ResponseWithinTarget => k.response_within_target,
        }
    }

    fn is_seconds(self) -> bool {
        self == Kpi::AsaSeconds
    }
}

/// Whether a target is a ceiling or a floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The KPI must not exceed the target.
    AtMost,
    /// The KPI must reach the target.
    AtLeast,
}

impl Direction {
    fn met(self, value: f64, target: f64) -> bool {
        match self {
            Direction::AtMost => value <= target + 1e-12,
            Direction::AtLeast => value >= target - 1e-12,
        }
    }
}

/// Consecutive intervals of one day, e.g. "Mon 16 Nov 08:00-12:30".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalRange {
    /// Start of the first interval.
    pub start: DateTime<FixedOffset>,
    /// End of the last interval.
    pub end: DateTime<FixedOffset>,
    /// Readable label.
    pub label: String,
}

/// One KPI of one channel against its target, over the week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetCheck {
    /// The KPI.
    pub kpi: Kpi,
    /// Ceiling or floor.
    pub direction: Direction,
    /// The target.
    pub target: f64,
    /// The simulated weekly figure (`None` when never defined, e.g. nothing offered).
    pub achieved: Option<Estimate>,
    /// True when the weekly mean meets the target.
    pub met: bool,
    /// How far the weekly mean is on the wrong side of the target (0 when met), in the KPI's unit.
    pub by: f64,
    /// True when the whole 95% interval lies on the same side of the target as the mean.
    pub conclusive: bool,
    /// Days whose mean misses the target.
    pub days_missed: Vec<NaiveDate>,
    /// Intervals whose mean misses the target, grouped into ranges.
    pub missed: Vec<IntervalRange>,
    /// How many intervals miss.
    pub intervals_missed: usize,
    /// How many intervals were judged (the KPI defined in at least half the replications).
    pub intervals_judged: usize,
}

/// The verdict of one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelVerdict {
    /// Channel.
    pub channel: ChannelName,
    /// Label for reports.
    pub label: String,
    /// One check per configured target.
    pub checks: Vec<TargetCheck>,
}

impl ChannelVerdict {
    /// True when every target is met over the week.
    pub fn all_met(&self) -> bool {
        self.checks.iter().all(|c| c.met)
    }
}

/// Each channel's KPIs against its targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Per channel, in configuration order.
    pub channels: Vec<ChannelVerdict>,
}

impl Verdict {
    /// True when every channel meets every target.
    pub fn all_met(&self) -> bool {
        self.channels.iter().all(|c| c.all_met())
    }
}

/// Channel facts the report needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelInfo {
    /// Name.
    pub name: ChannelName,
    /// Label.
    pub label: String,
    /// Kind.
    pub kind: ChannelKind,
}

/// The outcome of [`super::simulate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationReport {
    /// First local date simulated.
    pub first_date: NaiveDate,
    /// Last local date simulated.
    pub last_date: NaiveDate,
    /// Replications.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Channels in configuration order.
    pub channels: Vec<ChannelInfo>,
    /// Per interval and channel (interval-major).
    pub intervals: Vec<IntervalKpis>,
    /// Per day and channel.
    pub days: Vec<PeriodKpis>,
    /// Per channel over the whole horizon.
    pub week: Vec<PeriodKpis>,
    /// Against the targets.
    pub verdict: Verdict,
    /// Contacts simulated over all replications.
    pub total_contacts: u64,
}

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

struct ChanFacts {
    live: bool,
    sl_abandoned_in_denominator: bool,
    has_max_wait: bool,
}

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

/// Targets of a channel as (KPI, direction, target).
fn targets_of(ch: &rota_data::config::Channel) -> Vec<(Kpi, Direction, f64)> {
    let t = ch.targets();
    let mut out = Vec::new();
    if ch.kind().is_live() {
        if let Some(v) = t.max_abandon_rate() {
            out.push((Kpi::AbandonRate, Direction::AtMost, v));
        }
        if let Some(v) = t.max_asa_seconds() {
            out.push((Kpi::AsaSeconds, Direction::AtMost, v));
        }
        if let Some(sl) = t.service_level() {
            out.push((Kpi::ServiceLevel, Direction::AtLeast, sl.share()));
        }
        if t.max_wait_seconds().is_some() {
            out.push((
                Kpi::WaitWithinMaxShare,
                Direction::AtLeast,
                t.max_wait_share(),
            ));
        }
        out.push((Kpi::Occupancy, Direction::AtMost, t.max_occupancy()));
    } else if let Some(r) = t.response() {
        out.push((Kpi::ResponseWithinTarget, Direction::AtLeast, r.share()));
    }
    out
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
    let config = &input.config;
    let channels = config.channels();
    let n_ch = model.n_ch;
    let n_iv = model.n_iv;
    let t = t_table(opts.replications);
    let facts: Vec<ChanFacts> = channels
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
        .collect();

    // Days: contiguous interval ranges by local date.
    let mut days: Vec<(NaiveDate, usize, usize)> = Vec::new();
    for (i, s) in input.interval_starts.iter().enumerate() {
        let d = s.date_naive();
        match days.last_mut() {
            Some(last) if last.0 == d => last.2 = i + 1,
            _ => days.push((d, i, i + 1)),
        }
    }

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

    let mut intervals = Vec::with_capacity(n_ch * n_iv);
    for i in 0..n_iv {
        for (c, ch) in channels.iter().enumerate() {
            intervals.push(IntervalKpis {
                interval_start: input.interval_starts[i],
                channel: ch.name().clone(),
                kpis: iv_acc[c * n_iv + i].kpis(&t),
            });
        }
    }
    let mut day_rows = Vec::new();
    for (d, &(date, _, _)) in days.iter().enumerate() {
        for (c, ch) in channels.iter().enumerate() {
            day_rows.push(PeriodKpis {
                period: Period::Day(date),
                channel: ch.name().clone(),
                kpis: day_acc[c * days.len() + d].kpis(&t),
            });
        }
    }
    let week: Vec<PeriodKpis> = channels
        .iter()
        .enumerate()
        .map(|(c, ch)| PeriodKpis {
            period: Period::Week,
            channel: ch.name().clone(),
            kpis: week_acc[c].kpis(&t),
        })
        .collect();

    // Verdict.
    let min_n = opts.replications.div_ceil(2).max(1);
    let interval = Duration::seconds(model.interval_s as i64);
    let mut verdict = Vec::new();
    for (c, ch) in channels.iter().enumerate() {
        let mut checks = Vec::new();
        for (kpi, direction, target) in targets_of(ch) {
            let achieved = kpi.get(&week[c].kpis);
            let (met, by, conclusive) = match achieved {
                Some(e) => {
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
                None => (true, 0.0, false),
            };
            let days_missed = days
                .iter()
                .enumerate()
                .filter(|(d, _)| {
                    kpi.get(&day_rows[*d * n_ch + c].kpis)
                        .is_some_and(|e| e.n >= min_n && !direction.met(e.mean, target))
                })
                .map(|(_, (date, _, _))| *date)
                .collect();
            let mut missed: Vec<IntervalRange> = Vec::new();
            let mut last_missed: Option<usize> = None;
            let mut intervals_missed = 0;
            let mut intervals_judged = 0;
            for i in 0..n_iv {
                let Some(e) = kpi.get(&intervals[i * n_ch + c].kpis) else {
                    continue;
                };
                if e.n < min_n {
                    continue;
                }
                intervals_judged += 1;
                if direction.met(e.mean, target) {
                    continue;
                }
                intervals_missed += 1;
                let start = input.interval_starts[i];
                let end = start + interval;
                match (last_missed, missed.last_mut()) {
                    (Some(j), Some(r))
                        if j + 1 == i && r.start.date_naive() == start.date_naive() =>
                    {
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
            checks.push(TargetCheck {
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
            });
        }
        verdict.push(ChannelVerdict {
            channel: ch.name().clone(),
            label: ch.label().to_string(),
            checks,
        });
    }

    SimulationReport {
        first_date: input.first_date,
        last_date: input.last_date,
        replications: opts.replications,
        seed: opts.seed,
        channels: channels
            .iter()
            .map(|ch| ChannelInfo {
                name: ch.name().clone(),
                label: ch.label().to_string(),
                kind: ch.kind(),
            })
            .collect(),
        intervals,
        days: day_rows,
        week,
        verdict: Verdict { channels: verdict },
        total_contacts: results.iter().map(|r| r.contacts).sum(),
    }
}

fn num(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

fn est_cells(e: Option<Estimate>, decimals: usize) -> [String; 3] {
    match e {
        Some(e) => [
            num(e.mean, decimals),
            e.half_width
                .map(|_| num(e.lo(), decimals))
                .unwrap_or_default(),
            e.half_width
                .map(|_| num(e.hi(), decimals))
                .unwrap_or_default(),
        ],
        None => Default::default(),
    }
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> SimulationError + '_ {
    move |source| SimulationError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> SimulationError + '_ {
    move |e| SimulationError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Header of the per-interval CSV.
pub const INTERVAL_HEADER: [&str; 21] = [
    "interval_start",
    "channel",
    "offered",
    "handled",
    "abandoned",
    "abandon_rate",
    "abandon_rate_lo",
    "abandon_rate_hi",
    "asa_seconds",
    "asa_seconds_lo",
    "asa_seconds_hi",
    "service_level",
    "service_level_lo",
    "service_level_hi",
    "occupancy",
    "occupancy_lo",
    "occupancy_hi",
    "response_within_target",
    "response_within_target_lo",
    "response_within_target_hi",
    "max_backlog",
];

/// Header of the summary CSV.
pub const SUMMARY_HEADER: [&str; 9] = [
    "period",
    "channel",
    "kpi",
    "mean",
    "lo",
    "hi",
    "target",
    "verdict",
    "missed_intervals",
];

impl SimulationReport {
    /// Writes one row per interval and channel (means over replications; rates with their 95%
    /// bounds). Undefined figures are empty cells.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<(), SimulationError> {
        let p = path.as_ref();
        let mut w = std::io::BufWriter::new(std::fs::File::create(p).map_err(io_err(p))?);
        self.write_intervals(&mut w).map_err(io_err(p))?;
        std::io::Write::flush(&mut w).map_err(io_err(p))
    }

    /// [`SimulationReport::write_csv`] to any writer.
    pub fn write_intervals(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(w);
        w.write_record(INTERVAL_HEADER)?;
        for r in &self.intervals {
            let k = &r.kpis;
            let mut row: Vec<String> = vec![
                r.interval_start
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                r.channel.to_string(),
                num(k.offered.mean, 3),
                num(k.handled.mean, 3),
                num(k.abandoned.mean, 3),
            ];
            row.extend(est_cells(k.abandon_rate, 4));
            row.extend(est_cells(k.asa_seconds, 1));
            row.extend(est_cells(k.service_level, 4));
            row.extend(est_cells(k.occupancy, 4));
            row.extend(est_cells(k.response_within_target, 4));
            row.push(k.max_backlog.map(|e| num(e.mean, 2)).unwrap_or_default());
            w.write_record(&row)?;
        }
        w.flush()
    }

    /// Writes the per-day and per-week KPIs and the verdict in long format:
    /// `period, channel, kpi, mean, lo, hi, target, verdict, missed_intervals` (`verdict` is
    /// `met` / `missed` where the channel has a target for the KPI; `missed_intervals` lists the
    /// week's missed ranges).
    pub fn write_summary_csv(&self, path: impl AsRef<Path>) -> Result<(), SimulationError> {
        let p = path.as_ref();
        let mut w = csv::Writer::from_path(p).map_err(csv_err(p))?;
        w.write_record(SUMMARY_HEADER).map_err(csv_err(p))?;
        for row in self.days.iter().chain(self.week.iter()) {
            let c = self
                .channels
                .iter()
                .position(|ch| ch.name == row.channel)
                .unwrap_or(0);
            let checks = &self.verdict.channels[c].checks;
            let k = &row.kpis;
            let entries: [(&str, Option<Estimate>, usize, Option<Kpi>); 11] = [
                ("offered", Some(k.offered), 2, None),
                ("handled", Some(k.handled), 2, None),
                ("abandoned", Some(k.abandoned), 2, None),
                ("abandon_rate", k.abandon_rate, 4, Some(Kpi::AbandonRate)),
                ("asa_seconds", k.asa_seconds, 1, Some(Kpi::AsaSeconds)),
                ("service_level", k.service_level, 4, Some(Kpi::ServiceLevel)),
                (
                    "wait_within_max_share",
                    k.wait_within_max_share,
                    4,
                    Some(Kpi::WaitWithinMaxShare),
                ),
                ("occupancy", k.occupancy, 4, Some(Kpi::Occupancy)),
                (
                    "response_within_target",
                    k.response_within_target,
                    4,
                    Some(Kpi::ResponseWithinTarget),
                ),
                ("max_backlog", k.max_backlog, 2, None),
                ("unanswered_at_end", k.unanswered_at_end, 2, None),
            ];
            for (name, e, dec, kpi) in entries {
                let Some(e) = e else { continue };
                let check = kpi.and_then(|kp| checks.iter().find(|c| c.kpi == kp));
                let [m, lo, hi] = est_cells(Some(e), dec);
                let (target, verdict, missed) = match check {
                    Some(ch) => {
                        let met = ch.direction.met(e.mean, ch.target);
                        let missed = if row.period == Period::Week {
                            ch.missed
                                .iter()
                                .map(|r| r.label.clone())
                                .collect::<Vec<_>>()
                                .join("; ")
                        } else {
                            String::new()
                        };
                        (
                            num(ch.target, dec),
                            if met { "met" } else { "missed" }.to_string(),
                            missed,
                        )
                    }
                    None => Default::default(),
                };
                w.write_record([
                    row.period.to_string(),
                    row.channel.to_string(),
                    name.to_string(),
                    m,
                    lo,
                    hi,
                    target,
                    verdict,
                    missed,
                ])
                .map_err(csv_err(p))?;
            }
        }
        w.flush().map_err(io_err(p))
    }

    /// The week's KPIs per channel and the verdict against the targets, as a plain-text table for
    /// the terminal. Missed targets name the intervals (at most eight ranges, then a count).
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Simulated {} to {}: {} replications (seed {}), 95% confidence intervals",
            self.first_date, self.last_date, self.replications, self.seed
        );
        let _ = writeln!(
            out,
            "{:<14} {:>9} {:>9} {:>9} {:>19} {:>20} {:>19} {:>19}",
            "channel",
            "offered",
            "handled",
            "abandoned",
            "abandon rate",
            "ASA",
            "service level",
            "occupancy"
        );
        for (c, row) in self.week.iter().enumerate() {
            let k = &row.kpis;
            let pct = |e: Option<Estimate>| match e {
                Some(e) => format!(
                    "{:.1}% ({:.1}-{:.1})",
                    100.0 * e.mean,
                    100.0 * e.lo(),
                    100.0 * e.hi()
                ),
                None => "-".into(),
            };
            let secs = |e: Option<Estimate>| match e {
                Some(e) => format!("{:.0} s ({:.0}-{:.0})", e.mean, e.lo(), e.hi()),
                None => "-".into(),
            };
            let live = self.channels[c].kind.is_live();
            let _ = writeln!(
                out,
                "{:<14} {:>9.0} {:>9.0} {:>9} {:>19} {:>20} {:>19} {:>19}",
                self.channels[c].label,
                k.offered.mean,
                k.handled.mean,
                if live {
                    format!("{:.0}", k.abandoned.mean)
                } else {
                    "-".into()
                },
                if live {
                    pct(k.abandon_rate)
                } else {
                    "-".into()
                },
                secs(k.asa_seconds),
                if live {
                    pct(k.service_level)
                } else {
                    format!("resp {}", pct(k.response_within_target))
                },
                pct(k.occupancy),
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Against the targets, {} to {} (whole period; intervals listed where the interval mean misses):",
            self.first_date, self.last_date
        );
        for v in &self.verdict.channels {
            for ch in &v.checks {
                let fmt = |x: f64| {
                    if ch.kpi.is_seconds() {
                        format!("{x:.0} s")
                    } else {
                        format!("{:.1}%", 100.0 * x)
                    }
                };
                let achieved = match ch.achieved {
                    Some(e) => format!("{} ({}-{})", fmt(e.mean), fmt(e.lo()), fmt(e.hi())),
                    None => "not defined".into(),
                };
                let op = match ch.direction {
                    Direction::AtMost => "<=",
                    Direction::AtLeast => ">=",
                };
                let status = if ch.achieved.is_none() {
                    "n/a (nothing offered)".to_string()
                } else if ch.met {
                    "met".to_string()
                } else {
                    let by = if ch.kpi.is_seconds() {
                        format!("{:.0} s", ch.by)
                    } else {
                        format!("{:.1} points", 100.0 * ch.by)
                    };
                    format!("MISSED by {by}")
                };
                let _ = writeln!(
                    out,
                    "  {:<14} {:<32} {:>26}  target {op} {:<8} {}",
                    v.label,
                    ch.kpi.label(),
                    achieved,
                    fmt(ch.target),
                    status
                );
                if ch.kpi == Kpi::ResponseWithinTarget {
                    let c = self
                        .week
                        .iter()
                        .position(|w| w.channel == v.channel)
                        .unwrap_or(0);
                    if let Some(u) = self.week[c].kpis.unanswered_at_end {
                        if u.mean > 0.0 {
                            let _ = writeln!(
                                out,
                                "      {:.0} items still unanswered at the end of {} (not yet overdue ones are not judged); largest backlog {:.0}",
                                u.mean,
                                self.last_date,
                                self.week[c].kpis.max_backlog.map(|e| e.mean).unwrap_or(0.0)
                            );
                        }
                    }
                }
                if ch.intervals_missed > 0 {
                    let shown: Vec<&str> =
                        ch.missed.iter().take(8).map(|r| r.label.as_str()).collect();
                    let more = ch.missed.len().saturating_sub(8);
                    let _ = writeln!(
                        out,
                        "      missed in {} of {} intervals: {}{}",
                        ch.intervals_missed,
                        ch.intervals_judged,
                        shown.join(", "),
                        if more > 0 {
                            format!(" and {more} more ranges")
                        } else {
                            String::new()
                        }
                    );
                }
            }
        }
        out
    }
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

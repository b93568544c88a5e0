//! The report as files and text: the per-interval CSV, the summary CSV (days, week and verdict in
//! long format) and the terminal table.

use std::fmt::Write as _;
use std::path::Path;

use super::{ChannelVerdict, Direction, Estimate, Kpi, Period, SimulationReport, TargetCheck};
use crate::error::SimulationError;

/// `x` with `decimals` decimals, without the sign of a rounded negative zero (`-0.000` is
/// `0.000`), so rounding noise does not show up as a sign in the files.
fn num(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// The mean, lower and upper cells of an estimate: the bounds empty without a confidence interval
/// (fewer than two replications), all three empty when the KPI is undefined.
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
        self.render_week(&mut out);
        self.render_verdict(&mut out);
        out
    }

    /// The table of the week's KPIs, one row per channel, under the title.
    fn render_week(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "Simulated {} to {}: {} replications (seed {}), 95% confidence intervals",
            self.first_date, self.last_date, self.replications, self.seed
        );
        use rota_data::table::{Align, Table};
        let mut columns = vec![(14, Align::Left)];
        columns.extend([9, 9, 9, 19, 20, 19, 19].map(|w| (w, Align::Right)));
        let table = Table::new(&columns);
        table.row(
            out,
            &[
                "channel",
                "offered",
                "handled",
                "abandoned",
                "abandon rate",
                "ASA",
                "service level",
                "occupancy",
            ],
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
            table.row(
                out,
                &[
                    self.channels[c].label.clone(),
                    format!("{:.0}", k.offered.mean),
                    format!("{:.0}", k.handled.mean),
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
                ],
            );
        }
    }

    /// The verdict: one line per channel and target, with the unanswered backlog of deferred
    /// channels and the missed interval ranges under it.
    fn render_verdict(&self, out: &mut String) {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Against the targets, {} to {} (whole period; intervals listed where the interval mean misses):",
            self.first_date, self.last_date
        );
        for v in &self.verdict.channels {
            for ch in &v.checks {
                self.render_check(out, v, ch);
            }
        }
    }

    /// One target's line of the verdict (and the lines under it).
    fn render_check(&self, out: &mut String, v: &ChannelVerdict, ch: &TargetCheck) {
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
                let carried = self
                    .channels
                    .iter()
                    .find(|i| i.name == v.channel)
                    .map_or(0, |i| i.carried_in);
                if u.mean > 0.0 || carried > 0 {
                    let _ = writeln!(
                        out,
                        "      {:.0} items still unanswered at the end of {} (judged by when the next period answers them), {carried} at its start; largest backlog {:.0}",
                        u.mean,
                        self.last_date,
                        self.week[c].kpis.max_backlog.map(|e| e.mean).unwrap_or(0.0)
                    );
                }
                // The start is one pilot replication, as noisy as one replication's end: the
                // backlog grows when the mean end exceeds it by two replications' standard
                // deviations.
                let sd = u.half_width.map_or(0.0, |hw| {
                    hw * f64::from(u.n).sqrt() / crate::t_quantile_975(u.n.saturating_sub(1))
                });
                if u.n >= 2 && u.mean - f64::from(carried) > 2.0 * sd {
                    let _ = writeln!(
                        out,
                        "      the backlog grows by about {:.0} items a period: the roster does not keep up, and later periods answer later than this one",
                        u.mean - f64::from(carried)
                    );
                }
            }
        }
        if ch.intervals_missed > 0 {
            let shown: Vec<&str> = ch.missed.iter().take(8).map(|r| r.label.as_str()).collect();
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

//! Requirements and KPI predictions for every channel and interval of a forecast horizon.
//!
//! [`plan_requirements`] answers "how many agents do we need?" and [`evaluate_staffing`] the reverse
//! question managers ask: "with these agents, what abandon rate, ASA and service level do we get?".
//! Both work on [`ChannelDemand`] (one channel's model, shrinkage and interval demand), so they do
//! not depend on how the forecast and the centre configuration were read; the adapter in
//! [`super::centre`] builds them from `rota_data`.

use std::collections::HashMap;
use std::io::{Read, Write};

use chrono::{DateTime, FixedOffset};
use rota_data::channel::ChannelName;
use serde::{Deserialize, Serialize};

use super::channel::{
    deferred_kpis, deferred_requirement, queue_kpis, queue_requirement, scheduled_heads,
    ChannelModel, DeferredInterval, IntervalKpis,
};
use super::error::StaffingError;

/// Why a staffing plan could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A model failed for one channel and interval.
    #[error("channel {channel}, interval {interval_start}: {source}")]
    Interval {
        /// Channel name.
        channel: ChannelName,
        /// Interval start (RFC 3339).
        interval_start: String,
        /// What went wrong.
        source: StaffingError,
    },
    /// A channel-level setting was wrong.
    #[error("channel {channel}: {source}")]
    Channel {
        /// Channel name.
        channel: ChannelName,
        /// What went wrong.
        source: StaffingError,
    },
    /// A CSV row could not be read.
    #[error("{file}, line {line}: {message}")]
    Csv {
        /// File (as given).
        file: String,
        /// 1-based line number.
        line: u64,
        /// What was expected.
        message: String,
    },
    /// Reading or writing failed.
    #[error("{file}: {source}")]
    Io {
        /// File (as given).
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One interval of one channel's demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemandInterval {
    /// Interval start in the centre's local time.
    pub start: DateTime<FixedOffset>,
    /// Contacts offered (forecast mean).
    pub offered: f64,
    /// Average handle time, seconds.
    pub aht_s: f64,
    /// Whether the channel is open (worked) in this interval.
    pub open: bool,
}

/// One channel over the horizon: its model, shrinkage and interval demand (in time order).
#[derive(Debug, Clone)]
pub struct ChannelDemand {
    /// Channel name as in the forecast (`voice`, `chat`, `email`, ...).
    pub channel: ChannelName,
    /// How the channel turns demand into agents.
    pub model: ChannelModel,
    /// Share of paid time not available for contacts.
    pub shrinkage: f64,
    /// Interval demand in time order, one grid.
    pub intervals: Vec<DemandInterval>,
}

/// One row of `rota staff` output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffingRow {
    /// Interval start, RFC 3339 with offset.
    pub interval_start: DateTime<FixedOffset>,
    /// Channel name.
    pub channel: ChannelName,
    /// Contacts offered.
    pub offered: f64,
    /// Average handle time, seconds.
    pub aht_seconds: f64,
    /// Agents required (plan) or given (evaluate) on the channel.
    pub required_agents: f64,
    /// Predicted abandon rate.
    pub abandon_rate: f64,
    /// Predicted ASA of answered contacts (deferred: mean response in worked seconds).
    pub asa_seconds: Option<f64>,
    /// Predicted service level under the channel's definition.
    pub service_level: Option<f64>,
    /// Predicted occupancy.
    pub occupancy: f64,
    /// Heads to schedule: required / (1 − shrinkage).
    pub scheduled_heads: f64,
}

/// Per-channel totals printed by `rota staff`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffingSummary {
    /// Channel name.
    pub channel: ChannelName,
    /// Contacts offered over the horizon.
    pub offered: f64,
    /// Σ required agents × interval length, hours.
    pub required_agent_hours: f64,
    /// Σ scheduled heads × interval length, hours.
    pub scheduled_hours: f64,
    /// Largest requirement in one interval.
    pub peak_required: f64,
    /// Start of the first interval with the peak.
    pub peak_at: Option<DateTime<FixedOffset>>,
    /// Offered-weighted abandon rate.
    pub abandon_rate: f64,
    /// Offered-weighted service level over intervals where it is defined.
    pub service_level: Option<f64>,
}

fn row(
    iv: &DemandInterval,
    channel: &ChannelName,
    k: &IntervalKpis,
    shrinkage: f64,
) -> Result<StaffingRow, StaffingError> {
    Ok(StaffingRow {
        interval_start: iv.start,
        channel: channel.clone(),
        offered: iv.offered,
        aht_seconds: iv.aht_s,
        required_agents: k.agents,
        abandon_rate: k.abandon_rate,
        asa_seconds: k.asa_seconds,
        service_level: k.service_level,
        occupancy: k.occupancy,
        scheduled_heads: scheduled_heads(k.agents, shrinkage)?,
    })
}

fn closed_kpis(agents: f64) -> IntervalKpis {
    IntervalKpis {
        agents,
        abandon_rate: 0.0,
        asa_seconds: None,
        service_level: None,
        occupancy: 0.0,
    }
}

fn interval_err(
    ch: &ChannelDemand,
    iv: &DemandInterval,
) -> impl FnOnce(StaffingError) -> PlanError {
    let start = iv.start.to_rfc3339();
    let channel = ch.channel.clone();
    move |source| PlanError::Interval {
        channel,
        interval_start: start,
        source,
    }
}

/// Required agents and their KPIs for every channel and interval.
///
/// Queue and chat channels are staffed interval by interval (Erlang A / C, stationary within the
/// interval); deferred channels by the backlog model over the whole horizon. Closed intervals of a
/// queue channel need no agents. Rows come per channel in the channels' order, then time order.
#[tracing::instrument(level = "info", skip_all, fields(channels = channels.len()))]
pub fn plan_requirements(
    channels: &[ChannelDemand],
    interval_s: f64,
) -> Result<Vec<StaffingRow>, PlanError> {
    let mut rows = Vec::new();
    for ch in channels {
        let _span = tracing::info_span!("channel", channel = %ch.channel).entered();
        scheduled_heads(0.0, ch.shrinkage).map_err(channel_err(ch))?;
        let kpis = match ch.model {
            ChannelModel::Deferred {
                response,
                max_occupancy,
            } => deferred_requirement(
                &deferred_intervals(ch),
                interval_s,
                &response,
                max_occupancy,
            )
            .map_err(channel_err(ch))?
            .into_iter()
            .map(|o| o.kpis)
            .collect(),
            _ => ch
                .intervals
                .iter()
                .map(|iv| {
                    if iv.open {
                        queue_requirement(&ch.model, iv.offered, interval_s, iv.aht_s)
                            .map_err(interval_err(ch, iv))
                    } else {
                        Ok(closed_kpis(0.0))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        push_rows(ch, &kpis, &mut rows)?;
    }
    Ok(rows)
}

/// One staffing row per interval of `ch`, from its KPIs in interval order.
fn push_rows(
    ch: &ChannelDemand,
    kpis: &[IntervalKpis],
    rows: &mut Vec<StaffingRow>,
) -> Result<(), PlanError> {
    for (iv, k) in ch.intervals.iter().zip(kpis) {
        rows.push(row(iv, &ch.channel, k, ch.shrinkage).map_err(interval_err(ch, iv))?);
    }
    Ok(())
}

/// A channel-level model error (a backlog that cannot be worked) names the channel.
fn channel_err(ch: &ChannelDemand) -> impl FnOnce(StaffingError) -> PlanError + '_ {
    move |source| PlanError::Channel {
        channel: ch.channel.clone(),
        source,
    }
}

fn deferred_intervals(ch: &ChannelDemand) -> Vec<DeferredInterval> {
    ch.intervals
        .iter()
        .map(|iv| DeferredInterval {
            offered: iv.offered,
            aht_s: iv.aht_s,
            open: iv.open,
        })
        .collect()
}

/// Agents per (channel, interval start) for evaluate mode.
pub type Staffing = HashMap<(ChannelName, DateTime<FixedOffset>), f64>;

/// Predicted KPIs for a given staffing (evaluate mode).
///
/// Intervals missing from `agents` count as 0 agents. Queue and chat channels take whole agents: a
/// fractional value (e.g. an average from a roster) is rounded down, because part of an agent cannot
/// take a call. Deferred channels use the value as is (agents can share their time with other work).
#[tracing::instrument(level = "info", skip_all, fields(channels = channels.len()))]
pub fn evaluate_staffing(
    channels: &[ChannelDemand],
    interval_s: f64,
    agents: &Staffing,
) -> Result<Vec<StaffingRow>, PlanError> {
    let mut rows = Vec::new();
    for ch in channels {
        let given: Vec<f64> = ch
            .intervals
            .iter()
            .map(|iv| {
                agents
                    .get(&(ch.channel.clone(), iv.start))
                    .copied()
                    .unwrap_or(0.0)
            })
            .collect();
        let kpis = match ch.model {
            ChannelModel::Deferred { response, .. } => {
                deferred_kpis(&deferred_intervals(ch), interval_s, &response, &given)
                    .map_err(channel_err(ch))?
                    .into_iter()
                    .map(|o| o.kpis)
                    .collect()
            }
            _ => ch
                .intervals
                .iter()
                .zip(&given)
                .map(|(iv, &n)| {
                    let whole = n.floor().clamp(0.0, f64::from(u32::MAX)) as u32;
                    if iv.open || n > 0.0 {
                        queue_kpis(&ch.model, iv.offered, interval_s, iv.aht_s, whole)
                            .map_err(interval_err(ch, iv))
                    } else {
                        Ok(closed_kpis(0.0))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        push_rows(ch, &kpis, &mut rows)?;
    }
    Ok(rows)
}

/// Running KPI totals over staffing rows, weighted the way managers read them: abandon rate and
/// service level over offered contacts, ASA over answered contacts. The one place these weights
/// are written, for `rota staff`'s totals and the scenarios' KPIs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KpiTotals {
    offered: f64,
    abandoned: f64,
    asa_weighted: f64,
    answered: f64,
    sl_weighted: f64,
    sl_offered: f64,
}

impl KpiTotals {
    /// Adds one row's contacts and KPIs.
    pub fn add(&mut self, r: &StaffingRow) {
        self.offered += r.offered;
        self.abandoned += r.offered * r.abandon_rate;
        if let Some(a) = r.asa_seconds {
            let answered = r.offered * (1.0 - r.abandon_rate);
            self.asa_weighted += a * answered;
            self.answered += answered;
        }
        if let Some(sl) = r.service_level {
            self.sl_weighted += sl * r.offered;
            self.sl_offered += r.offered;
        }
    }

    /// The totals of `rows`.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a StaffingRow>) -> Self {
        let mut t = Self::default();
        for r in rows {
            t.add(r);
        }
        t
    }

    /// Contacts offered.
    pub fn offered(&self) -> f64 {
        self.offered
    }

    /// Abandoned over offered (0 when nothing is offered).
    pub fn abandon_rate(&self) -> f64 {
        if self.offered > 0.0 {
            self.abandoned / self.offered
        } else {
            0.0
        }
    }

    /// Mean wait of answered contacts, seconds, where any interval defines one.
    pub fn asa_seconds(&self) -> Option<f64> {
        (self.answered > 0.0).then(|| self.asa_weighted / self.answered)
    }

    /// Service level over offered contacts, where any interval with contacts defines one.
    pub fn service_level(&self) -> Option<f64> {
        (self.sl_offered > 0.0).then(|| self.sl_weighted / self.sl_offered)
    }
}

/// Per-channel totals: agent-hours, peak requirement, offered-weighted abandon rate and service level.
pub fn summarise(rows: &[StaffingRow], interval_s: f64) -> Vec<StaffingSummary> {
    let hours = interval_s / 3600.0;
    let mut order: Vec<ChannelName> = Vec::new();
    let mut by: HashMap<ChannelName, StaffingSummary> = HashMap::new();
    let mut totals: HashMap<ChannelName, KpiTotals> = HashMap::new();
    for r in rows {
        totals.entry(r.channel.clone()).or_default().add(r);
        let s = by.entry(r.channel.clone()).or_insert_with(|| {
            order.push(r.channel.clone());
            StaffingSummary {
                channel: r.channel.clone(),
                offered: 0.0,
                required_agent_hours: 0.0,
                scheduled_hours: 0.0,
                peak_required: 0.0,
                peak_at: None,
                abandon_rate: 0.0,
                service_level: None,
            }
        });
        s.required_agent_hours += r.required_agents * hours;
        s.scheduled_hours += r.scheduled_heads * hours;
        s.peak_required = s.peak_required.max(r.required_agents);
    }
    // The peak time is the first interval with the peak value.
    for r in rows {
        if let Some(s) = by.get_mut(&r.channel) {
            if r.required_agents == s.peak_required
                && s.peak_at.is_none_or(|t| r.interval_start < t)
            {
                s.peak_at = Some(r.interval_start);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|c| by.remove(&c))
        .map(|mut s| {
            let t = totals.get(&s.channel).copied().unwrap_or_default();
            s.offered = t.offered();
            s.abandon_rate = t.abandon_rate();
            s.service_level = t.service_level();
            s
        })
        .collect()
}

/// Write the rows as CSV: `interval_start, channel, offered, aht_seconds, required_agents,
/// abandon_rate, asa_seconds, service_level, occupancy, scheduled_heads` (undefined KPIs empty).
pub fn write_staffing_csv<W: Write>(rows: &[StaffingRow], out: W) -> Result<(), std::io::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "interval_start",
        "channel",
        "offered",
        "aht_seconds",
        "required_agents",
        "abandon_rate",
        "asa_seconds",
        "service_level",
        "occupancy",
        "scheduled_heads",
    ])?;
    let opt = |x: Option<f64>, d: usize| x.map(|v| format!("{v:.d$}")).unwrap_or_default();
    for r in rows {
        w.write_record([
            r.interval_start.to_rfc3339(),
            r.channel.to_string(),
            format!("{:.4}", r.offered),
            format!("{:.2}", r.aht_seconds),
            format!("{}", round_to(r.required_agents, 4)),
            format!("{:.6}", r.abandon_rate),
            opt(r.asa_seconds, 2),
            opt(r.service_level, 6),
            format!("{:.6}", r.occupancy),
            format!("{:.4}", r.scheduled_heads),
        ])?;
    }
    w.flush()
}

fn round_to(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Read a staffing file `interval_start, channel, agents` (RFC 3339 starts, agents ≥ 0) for
/// evaluate mode. Errors name the file, the line and what was expected.
pub fn read_agents_csv<R: Read>(input: R, file: &str) -> Result<Staffing, PlanError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let csv_err = |line: u64, message: String| PlanError::Csv {
        file: file.to_string(),
        line,
        message,
    };
    let headers = reader
        .headers()
        .map_err(|e| {
            let e = rota_data::line_index::csv_problem(&e);
            csv_err(1, format!("cannot read the header row: {e}"))
        })?
        .clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            csv_err(
                1,
                format!("missing column {name:?}; expected interval_start, channel, agents"),
            )
        })
    };
    let (c_start, c_channel, c_agents) = (col("interval_start")?, col("channel")?, col("agents")?);
    let mut out = Staffing::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            csv_err(line, rota_data::line_index::csv_problem(&e))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(i).unwrap_or("");
        let start = DateTime::parse_from_rfc3339(field(c_start)).map_err(|e| {
            csv_err(
                line,
                format!(
                    "column interval_start (column {}): {} is not an RFC 3339 time with offset such as 2026-11-23T08:00:00+00:00 ({e})",
                    c_start + 1,
                    rota_data::ingest::shown(field(c_start))
                ),
            )
        })?;
        if field(c_channel).is_empty() {
            return Err(csv_err(
                line,
                format!("column channel (column {}) is empty", c_channel + 1),
            ));
        }
        let channel = ChannelName::parse(field(c_channel)).map_err(|e| {
            csv_err(
                line,
                format!("column channel (column {}): {e}", c_channel + 1),
            )
        })?;
        let agents: f64 = field(c_agents).parse().map_err(|_| {
            csv_err(
                line,
                format!(
                    "column agents (column {}): {} is not a number",
                    c_agents + 1,
                    rota_data::ingest::shown(field(c_agents))
                ),
            )
        })?;
        if !(agents.is_finite() && agents >= 0.0) {
            return Err(csv_err(
                line,
                format!(
                    "column agents (column {}): expected 0 or more agents, got {agents}",
                    c_agents + 1
                ),
            ));
        }
        if out.insert((channel.clone(), start), agents).is_some() {
            return Err(csv_err(
                line,
                format!("channel {channel} at {} appears twice", start.to_rfc3339()),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ChatConcurrency, Patience, Targets};
    use chrono::TimeZone;

    fn day(offered: impl Fn(usize) -> f64, open: impl Fn(usize) -> bool) -> Vec<DemandInterval> {
        let tz = FixedOffset::east_opt(0).unwrap();
        (0..96)
            .map(|i| DemandInterval {
                start: tz.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap()
                    + chrono::Duration::minutes(15 * i as i64),
                offered: offered(i),
                aht_s: 420.0,
                open: open(i),
            })
            .collect()
    }

    fn centre() -> Vec<ChannelDemand> {
        let targets = Targets::builder()
            .max_abandon(0.1)
            .max_asa_s(120.0)
            .build()
            .unwrap();
        let open = |i: usize| (32..68).contains(&i);
        let bell = move |i: usize| {
            if open(i) {
                10.0 + 20.0 * (1.0 - ((i as f64 - 44.0) / 12.0).powi(2)).max(0.0)
            } else {
                0.0
            }
        };
        vec![
            ChannelDemand {
                channel: ChannelName::parse("voice").unwrap(),
                model: ChannelModel::Queue {
                    patience: Patience::exponential(180.0).unwrap(),
                    targets,
                },
                shrinkage: 0.3,
                intervals: day(bell, open),
            },
            ChannelDemand {
                channel: ChannelName::parse("chat").unwrap(),
                model: ChannelModel::Chat {
                    patience: Patience::exponential(300.0).unwrap(),
                    targets,
                    concurrency: ChatConcurrency::new(2, 1.25).unwrap(),
                },
                shrinkage: 0.3,
                intervals: day(|i| bell(i) / 2.0, open),
            },
            ChannelDemand {
                channel: ChannelName::parse("email").unwrap(),
                model: ChannelModel::Deferred {
                    response: crate::ResponseWindow::new(4.0 * 3600.0, true).unwrap(),
                    max_occupancy: 0.95,
                },
                shrinkage: 0.2,
                intervals: day(|_| 2.0, open),
            },
        ]
    }

    #[test]
    fn plan_meets_targets_and_evaluate_agrees() {
        let channels = centre();
        let rows = plan_requirements(&channels, 900.0).unwrap();
        assert_eq!(rows.len(), 3 * 96);
        for r in rows
            .iter()
            .filter(|r| r.channel != "email" && r.offered > 0.0)
        {
            assert!(
                r.abandon_rate <= 0.1 && r.asa_seconds.unwrap() <= 120.0,
                "{r:?}"
            );
            assert!(r.scheduled_heads >= r.required_agents);
        }
        let staffing: Staffing = rows
            .iter()
            .map(|r| ((r.channel.clone(), r.interval_start), r.required_agents))
            .collect();
        let back = evaluate_staffing(&channels, 900.0, &staffing).unwrap();
        for (a, b) in rows.iter().zip(&back) {
            assert!(
                (a.abandon_rate - b.abandon_rate).abs() < 1e-12,
                "{a:?} {b:?}"
            );
        }
        let summary = summarise(&rows, 900.0);
        assert_eq!(summary.len(), 3);
        let voice = &summary[0];
        assert!(voice.peak_required > 0.0 && voice.required_agent_hours > 0.0);
        // The peak is the first voice interval with the largest requirement, near the bell's top (11:00).
        let voice_rows: Vec<_> = rows.iter().filter(|r| r.channel == "voice").collect();
        let first = voice_rows
            .iter()
            .find(|r| r.required_agents == voice.peak_required)
            .unwrap();
        assert_eq!(voice.peak_at, Some(first.interval_start));
        assert!(voice_rows
            .iter()
            .all(|r| r.required_agents <= voice.peak_required));
        let hour = first.interval_start.format("%H").to_string();
        assert!(hour == "10" || hour == "11", "{hour}");
    }

    #[test]
    fn csv_round_trip_and_errors() {
        let rows = plan_requirements(&centre(), 900.0).unwrap();
        let mut buf = Vec::new();
        write_staffing_csv(&rows, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with("interval_start,channel,offered,aht_seconds,required_agents,abandon_rate,asa_seconds,service_level,occupancy"));
        assert!(text.contains("2026-11-23T08:00:00+00:00,voice,"));
        let good = "interval_start,channel,agents\n2026-11-23T08:00:00+00:00,voice,5\n";
        let s = read_agents_csv(good.as_bytes(), "a.csv").unwrap();
        assert_eq!(s.len(), 1);
        let bad = "interval_start,channel,agents\n2026-11-23T08:00:00+00:00,voice,5\n2026-11-23 08:15,voice,4\n";
        let err = read_agents_csv(bad.as_bytes(), "a.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a.csv, line 3") && err.contains("interval_start"),
            "{err}"
        );
        let neg = "interval_start,channel,agents\n2026-11-23T08:00:00+00:00,voice,-1\n";
        assert!(read_agents_csv(neg.as_bytes(), "a.csv")
            .unwrap_err()
            .to_string()
            .contains("line 2"));
        let missing = "start,channel,agents\n";
        assert!(read_agents_csv(missing.as_bytes(), "a.csv")
            .unwrap_err()
            .to_string()
            .contains("interval_start"));
        // Binary garbage and a 5 MB cell: said once, printable and short.
        let garbage = b"\xff\xfe\x00binary,\x01\n";
        let err = read_agents_csv(&garbage[..], "a.csv")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "a.csv, line 1: cannot read the header row: field 1 is not UTF-8 text; expected a \
             CSV file (from Excel: Save As, \"CSV UTF-8\")"
        );
        let huge = format!(
            "interval_start,channel,agents\n2026-11-23T08:00:00+00:00,voice,{}\n",
            "9".repeat(5_000_000) + "x"
        );
        let err = read_agents_csv(huge.as_bytes(), "a.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.len() < 300 && err.contains("(5,000,001 characters)"),
            "{err}"
        );
    }

    #[test]
    fn bad_shrinkage_names_the_channel() {
        let mut channels = centre();
        channels[1].shrinkage = 1.2;
        let err = plan_requirements(&channels, 900.0).unwrap_err().to_string();
        assert!(err.contains("chat") && err.contains("shrinkage"), "{err}");
    }
}

//! The roster as planners read it: shifts, activities per agent, coverage per channel and
//! interval, and the files Rota writes (`shifts.csv`, `activities.csv`, `coverage.csv`,
//! `roster.json`). Timestamps are RFC 3339 in the centre's local time zone, or local
//! `DD/MM/YYYY HH:MM` for UK Excel ([`TimestampStyle::Excel`]).
//!
//! The reader of `shifts.csv` and `activities.csv` is the other half of their format and lives in
//! the simulation crate, which depends on this one: `rota_simulation::RosterPlan::read_from`
//! (`scheduler/simulation/src/input.rs`, parsing in `input/roster_csv.rs`), whose property tests
//! write generated rosters with [`Roster::write_shifts`] and [`Roster::write_activities`] and
//! read them back. A column the reader uses must keep its name and format here. Nothing in Rota
//! reads `coverage.csv` or `roster.json` back.

use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rota_data::channel::ChannelName;
use serde::{Serialize, Serializer};

use super::error::RosterError;
use super::solve::SolveStats;

/// RFC 3339 with offset, the format of every Rota timestamp.
pub fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// How the roster CSVs write dates and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampStyle {
    /// RFC 3339 with the local offset (`2026-11-16T08:00:00+00:00`): exact on the days the clocks
    /// change, and what other programs parse.
    #[default]
    Rfc3339,
    /// Local `16/11/2026 08:00` and dates as `16/11/2026`: what UK Excel reads as dates and times.
    /// The offset is dropped, so a time in the hour the clocks go back is ambiguous; `rota
    /// simulate` reads these files and says so if it meets one.
    Excel,
}

impl TimestampStyle {
    fn time(self, t: &DateTime<FixedOffset>) -> String {
        match self {
            Self::Rfc3339 => rfc3339(t),
            Self::Excel => t.format("%d/%m/%Y %H:%M").to_string(),
        }
    }

    fn date(self, d: NaiveDate) -> String {
        match self {
            Self::Rfc3339 => d.to_string(),
            Self::Excel => d.format("%d/%m/%Y").to_string(),
        }
    }
}

fn ser_time<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(t))
}

/// A break or lunch placed in a shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedBreak {
    /// `break` (paid) or `lunch` (unpaid).
    pub kind: ActivityKind,
    /// Start.
    #[serde(serialize_with = "ser_time")]
    pub start: DateTime<FixedOffset>,
    /// End.
    #[serde(serialize_with = "ser_time")]
    pub end: DateTime<FixedOffset>,
}

/// One worked shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterShift {
    /// Agent id.
    pub agent_id: String,
    /// Agent name.
    pub agent_name: String,
    /// Local date of the start.
    pub date: NaiveDate,
    /// Template name.
    pub template: String,
    /// Start.
    #[serde(serialize_with = "ser_time")]
    pub start: DateTime<FixedOffset>,
    /// End.
    #[serde(serialize_with = "ser_time")]
    pub end: DateTime<FixedOffset>,
    /// Paid hours (time on site less unpaid lunch).
    pub paid_hours: f64,
    /// Breaks and lunch in time order.
    pub breaks: Vec<PlacedBreak>,
}

/// What an agent does in a period of a shift.
/// Written in files and JSON as its name: `work`, `break`, `lunch` or the planned activity's own
/// name (`training`, `team_meeting`, ...), which is how the simulation's reader and the exports
/// tell a planned activity from a shift's own periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityKind {
    /// Handling contacts on a channel.
    Work,
    /// A paid break.
    Break,
    /// An unpaid lunch.
    Lunch,
    /// A planned non-contact activity (`[[activities]]`), by name.
    Planned(String),
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ActivityKind::Work => "work",
            ActivityKind::Break => "break",
            ActivityKind::Lunch => "lunch",
            ActivityKind::Planned(name) => name,
        })
    }
}

impl Serialize for ActivityKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A period of one activity of one agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Agent id.
    pub agent_id: String,
    /// Start.
    #[serde(serialize_with = "ser_time")]
    pub start: DateTime<FixedOffset>,
    /// End.
    #[serde(serialize_with = "ser_time")]
    pub end: DateTime<FixedOffset>,
    /// Work, break, lunch or a planned activity.
    pub activity: ActivityKind,
    /// Channel worked (work only).
    pub channel: Option<ChannelName>,
}

/// Coverage of one channel in one interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageRow {
    /// Interval start.
    #[serde(serialize_with = "ser_time")]
    pub interval_start: DateTime<FixedOffset>,
    /// Channel.
    pub channel: ChannelName,
    /// Live: required agents. Deferred: workload arriving, in agents (agent-intervals).
    pub required: f64,
    /// Agents working the channel.
    pub scheduled: f64,
    /// Live: `max(0, required - scheduled)`. Deferred: overdue backlog in agent-intervals (work
    /// past its response target still waiting at the end of the interval).
    pub shortfall: f64,
}

/// Shortfall of one channel over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelHours {
    /// Channel.
    pub channel: ChannelName,
    /// `live` or `deferred`.
    pub mode: String,
    /// Required agent-hours (live) or workload agent-hours (deferred).
    pub required_hours: f64,
    /// Scheduled agent-hours on the channel.
    pub scheduled_hours: f64,
    /// Live: agent-hours short. Deferred: overdue agent-hours summed over intervals.
    pub shortfall_hours: f64,
    /// Intervals with a shortfall.
    pub intervals_short: usize,
}

/// Headline figures of a roster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterSummary {
    /// Paid cost (sum of rate x paid hours).
    pub paid_cost: f64,
    /// Paid hours.
    pub paid_hours: f64,
    /// Shifts.
    pub shifts: usize,
    /// Agents with at least one shift.
    pub agents_rostered: usize,
    /// Objective of the final roster (cost + penalties on the coverage after break placement).
    pub objective: f64,
    /// Best lower bound on the objective (LP relaxation / MIP dual bound).
    pub bound: f64,
    /// `(objective - bound) / objective`: how far from optimal the roster can at most be.
    pub gap: f64,
    /// Per channel.
    pub channels: Vec<ChannelHours>,
    /// Channel switches per shift and short stints against the centre's rules.
    pub stints: crate::StintReport,
    /// How each planned activity was placed (empty without `[[activities]]`).
    pub activities: Vec<crate::activities::ActivityReport>,
    /// Solver sizes and times.
    pub solver: SolveStats,
    /// In a re-plan, what changed against the published roster ([`crate::replan`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replan: Option<crate::replan::ReplanReport>,
}

/// A complete roster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Roster {
    /// Headline figures.
    pub summary: RosterSummary,
    /// Shifts, by agent and start.
    pub shifts: Vec<RosterShift>,
    /// Activities, by agent and start.
    pub activities: Vec<Activity>,
    /// Coverage, by interval and channel.
    pub coverage: Vec<CoverageRow>,
    /// Plain-words diagnosis of shortfalls and input conflicts.
    pub diagnosis: Vec<String>,
    /// With the targets objective, the KPIs the programme expects of this roster per live
    /// channel, day and week ([`crate::targets::predicted_kpis`]); empty with coverage.
    pub predicted: Vec<crate::targets::PredictedKpi>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> RosterError + '_ {
    move |source| RosterError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn fmt_num(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

impl RosterShift {
    /// The shift's breaks as a team leader reads them: `break 10:00-10:15`, `lunch 12:00-12:30`.
    fn breaks_text(&self) -> Vec<String> {
        self.breaks
            .iter()
            .map(|b| {
                format!(
                    "{} {}-{}",
                    b.kind,
                    b.start.format("%H:%M"),
                    b.end.format("%H:%M")
                )
            })
            .collect()
    }
}

impl Roster {
    /// Writes `shifts.csv`, `activities.csv`, `coverage.csv` and `roster.json` into `dir`
    /// (created if missing), timestamps in RFC 3339.
    pub fn write_dir(&self, dir: &Path) -> Result<(), RosterError> {
        self.write_dir_with(dir, TimestampStyle::Rfc3339)
    }

    /// [`Roster::write_dir`] with the CSVs' dates and times in `style` (`roster.json` always
    /// keeps RFC 3339: it is for programs).
    pub fn write_dir_with(&self, dir: &Path, style: TimestampStyle) -> Result<(), RosterError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        type Writer = fn(&Roster, &mut dyn Write, TimestampStyle) -> std::io::Result<()>;
        let files: [(&str, Writer); 4] = [
            ("shifts.csv", Roster::write_shifts),
            ("activities.csv", Roster::write_activities),
            ("coverage.csv", Roster::write_coverage),
            ("roster.json", |r, w, _| r.write_json(w)),
        ];
        for (name, write) in files {
            let p = dir.join(name);
            let mut w = BufWriter::new(File::create(&p).map_err(io_err(&p))?);
            write(self, &mut w, style).map_err(io_err(&p))?;
            w.flush().map_err(io_err(&p))?;
        }
        Ok(())
    }

    /// Writes `shifts.csv` (agent, date, start, end, paid hours, breaks, local start and end time).
    pub fn write_shifts(&self, w: &mut dyn Write, style: TimestampStyle) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(w);
        w.write_record([
            "agent_id",
            "agent_name",
            "date",
            "start",
            "end",
            "paid_hours",
            "breaks",
            // The wall-clock times a team leader reads (and a spreadsheet shows as times), beside
            // the full timestamps machines need.
            "start_time",
            "end_time",
        ])?;
        for s in &self.shifts {
            let breaks = s.breaks_text().join("; ");
            w.write_record([
                s.agent_id.as_str(),
                s.agent_name.as_str(),
                &style.date(s.date),
                &style.time(&s.start),
                &style.time(&s.end),
                &fmt_num(s.paid_hours),
                &breaks,
                &s.start.format("%H:%M").to_string(),
                &s.end.format("%H:%M").to_string(),
            ])?;
        }
        w.flush()
    }

    /// Writes `activities.csv` (agent, start, end, activity, channel).
    pub fn write_activities(
        &self,
        w: &mut dyn Write,
        style: TimestampStyle,
    ) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(w);
        w.write_record(["agent_id", "start", "end", "activity", "channel"])?;
        for a in &self.activities {
            w.write_record([
                a.agent_id.as_str(),
                &style.time(&a.start),
                &style.time(&a.end),
                &a.activity.to_string(),
                a.channel.as_ref().map(|c| c.as_str()).unwrap_or(""),
            ])?;
        }
        w.flush()
    }

    /// Writes `coverage.csv` (interval, channel, required, scheduled, shortfall).
    pub fn write_coverage(&self, w: &mut dyn Write, style: TimestampStyle) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(w);
        w.write_record([
            "interval_start",
            "channel",
            "required",
            "scheduled",
            "shortfall",
        ])?;
        for c in &self.coverage {
            w.write_record([
                style.time(&c.interval_start).as_str(),
                c.channel.as_str(),
                &fmt_num(c.required),
                &fmt_num(c.scheduled),
                &fmt_num(c.shortfall),
            ])?;
        }
        w.flush()
    }

    /// Writes `roster.json`: everything, with the summary and the diagnosis.
    pub fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    }
}

//! The roster files as the simulation reads them: `shifts.csv` and `activities.csv`.
//!
//! The writer is the other half of this format and lives in another crate:
//! `rota_roster::output` (`Roster::write_shifts` / `Roster::write_activities`, RFC 3339 or the
//! Excel style). The property tests in `roster_csv/tests.rs` check that what it writes reads back
//! here as the same agents, shift times, dates and activities. Only the columns named below are
//! read; the writer's others (`agent_name`, `paid_hours`, `breaks`, `start_time`, `end_time`) are
//! for people. Errors name the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use rota_data::config::CentreConfig;

use super::{known_agent, known_channel, PlanActivity, PlanActivityKind, PlanShift};
use crate::error::SimulationError;

/// A shift's start and end.
type Period = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// Every agent's shifts, in file order.
pub(super) type ShiftsByAgent = BTreeMap<String, Vec<Period>>;

pub(super) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> SimulationError + '_ {
    move |source| SimulationError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub(super) fn row_err(path: &Path, line: u64, message: impl Into<String>) -> SimulationError {
    SimulationError::Roster {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Columns of a CSV header by name, with an error naming the missing ones.
fn columns<const N: usize>(
    path: &Path,
    header: &csv::StringRecord,
    names: [&str; N],
) -> Result<[usize; N], SimulationError> {
    let mut out = [0usize; N];
    let mut missing = Vec::new();
    for (k, name) in names.iter().enumerate() {
        match header.iter().position(|h| h.trim() == *name) {
            Some(i) => out[k] = i,
            None => missing.push(*name),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(row_err(
            path,
            1,
            format!(
                "missing column(s) {}; expected a header with {}",
                missing.join(", "),
                names.join(", ")
            ),
        ))
    }
}

/// A roster timestamp: RFC 3339 as `rota schedule` writes it, or local `DD/MM/YYYY HH:MM` as
/// `rota schedule --excel-dates` (and a roster saved from UK Excel) writes it, placed in the
/// centre's time zone.
fn parse_time(
    path: &Path,
    line: u64,
    column: &str,
    s: &str,
    tz: chrono_tz::Tz,
) -> Result<DateTime<FixedOffset>, SimulationError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let fail = |why: String| row_err(path, line, format!("column {column}: {s:?} {why}"));
    let local = chrono::NaiveDateTime::parse_from_str(s, "%d/%m/%Y %H:%M").map_err(|_| {
        fail(
            "is not a timestamp; expected RFC 3339 (2026-11-16T08:00:00+00:00) or local \
             DD/MM/YYYY HH:MM (16/11/2026 08:00)"
                .into(),
        )
    })?;
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Ok(t.fixed_offset()),
        chrono::LocalResult::Ambiguous(..) => Err(fail(format!(
            "happens twice in {tz} (the clocks go back that night); write this row as RFC 3339 \
             with its offset"
        ))),
        chrono::LocalResult::None => Err(fail(format!(
            "does not exist in {tz} (the clocks go forward that night)"
        ))),
    }
}

/// A roster date: `YYYY-MM-DD` or UK `DD/MM/YYYY`.
fn parse_date(path: &Path, line: u64, s: &str) -> Result<NaiveDate, SimulationError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| {
            row_err(
                path,
                line,
                format!("column date: {s:?} is not a date; expected YYYY-MM-DD or DD/MM/YYYY"),
            )
        })
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> SimulationError + '_ {
    move |e| {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        row_err(path, line, format!("cannot read CSV: {e}"))
    }
}

/// A roster CSV with its columns found by name (in the order of `names`). Rows may be short (a
/// missing cell reads as empty and is reported as that cell's error).
fn open_csv<R: std::io::Read, const N: usize>(
    reader: R,
    path: &Path,
    names: [&str; N],
) -> Result<(csv::Reader<R>, [usize; N]), SimulationError> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let header = r.headers().map_err(csv_err(path))?.clone();
    let cols = columns(path, &header, names)?;
    Ok((r, cols))
}

/// Line number of a record (1 is the header), for errors.
fn line_of(rec: &csv::StringRecord) -> u64 {
    rec.position().map(|p| p.line()).unwrap_or(0)
}

/// What `shifts.csv` says: every agent's shifts, the local dates they touch (from which the
/// roster period is taken) and the shifts themselves in file order.
pub(super) type ShiftsRead = (ShiftsByAgent, BTreeSet<NaiveDate>, Vec<PlanShift>);

/// The shifts of `shifts.csv` (columns `agent_id, date, start, end`; others are ignored) by agent,
/// the local dates they touch, and the shifts with their dates.
pub(super) fn read_shifts<R: std::io::Read>(
    reader: R,
    p: &Path,
    config: &CentreConfig,
) -> Result<ShiftsRead, SimulationError> {
    let grid = config.grid();
    let (mut r, [c_agent, c_date, c_start, c_end]) =
        open_csv(reader, p, ["agent_id", "date", "start", "end"])?;
    let mut dates = BTreeSet::new();
    let mut shifts = ShiftsByAgent::new();
    let mut list = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(csv_err(p))?;
        let line = line_of(&rec);
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let agent = get(c_agent);
        known_agent(config, agent).map_err(|m| row_err(p, line, m))?;
        let date = parse_date(p, line, get(c_date))?;
        let start = parse_time(p, line, "start", get(c_start), grid.tz)?;
        let end = parse_time(p, line, "end", get(c_end), grid.tz)?;
        if end <= start {
            return Err(row_err(p, line, "the shift ends before it starts"));
        }
        dates.insert(date);
        dates.insert(grid.local_date(&(end - Duration::seconds(1))));
        shifts
            .entry(agent.to_string())
            .or_default()
            .push((start, end));
        list.push(PlanShift {
            agent_id: agent.to_string(),
            date,
            start,
            end,
        });
    }
    Ok((shifts, dates, list))
}

/// The activities of `activities.csv` (columns `agent_id, start, end, activity, channel`) with
/// their line numbers; each must lie inside one of its agent's `shifts`.
pub(super) fn read_activities<R: std::io::Read>(
    reader: R,
    p: &Path,
    config: &CentreConfig,
    shifts: &ShiftsByAgent,
) -> Result<Vec<(u64, PlanActivity)>, SimulationError> {
    let tz = config.grid().tz;
    let (mut r, [c_agent, c_start, c_end, c_act, c_ch]) = open_csv(
        reader,
        p,
        ["agent_id", "start", "end", "activity", "channel"],
    )?;
    let mut activities = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(csv_err(p))?;
        let line = line_of(&rec);
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        let agent = get(c_agent);
        known_agent(config, agent).map_err(|m| row_err(p, line, m))?;
        let start = parse_time(p, line, "start", get(c_start), tz)?;
        let end = parse_time(p, line, "end", get(c_end), tz)?;
        if end <= start {
            return Err(row_err(p, line, "the activity ends before it starts"));
        }
        let in_shift = shifts
            .get(agent)
            .is_some_and(|v| v.iter().any(|(s, e)| *s <= start && end <= *e));
        if !in_shift {
            return Err(row_err(
                p,
                line,
                format!(
                    "agent {agent}: activity {start} to {end} lies outside every shift of this agent in shifts.csv"
                ),
            ));
        }
        let kind = activity_kind(config, get(c_act), get(c_ch)).map_err(|m| row_err(p, line, m))?;
        let agent_id = agent.to_string();
        activities.push((
            line,
            PlanActivity {
                agent_id,
                start,
                end,
                kind,
            },
        ));
    }
    Ok(activities)
}

/// The kind of an `activities.csv` row from its `activity` and `channel` cells: `work` needs a
/// configured channel; `break` and `lunch` are themselves; any other name (`training`, ...) makes
/// the agent unavailable. Case does not matter.
fn activity_kind(
    config: &CentreConfig,
    activity: &str,
    channel: &str,
) -> Result<PlanActivityKind, String> {
    match activity.to_ascii_lowercase().as_str() {
        "work" if channel.is_empty() => {
            Err("column channel: a work period needs the channel worked".into())
        }
        "work" => Ok(PlanActivityKind::Work(known_channel(config, channel)?)),
        "break" => Ok(PlanActivityKind::Break),
        "lunch" => Ok(PlanActivityKind::Lunch),
        "" => Err(
            "column activity: empty; expected work, break, lunch or another activity name".into(),
        ),
        other => Ok(PlanActivityKind::Other(other.to_string())),
    }
}

/// Rejects two activities of one agent that overlap, naming the later line of the first overlap
/// (by agent and start) and the line it overlaps.
pub(super) fn check_overlaps(
    p: &Path,
    activities: &[(u64, PlanActivity)],
) -> Result<(), SimulationError> {
    let mut sorted: Vec<&(u64, PlanActivity)> = activities.iter().collect();
    sorted.sort_by(|a, b| {
        a.1.agent_id
            .cmp(&b.1.agent_id)
            .then(a.1.start.cmp(&b.1.start))
    });
    for w in sorted.windows(2) {
        if w[0].1.agent_id == w[1].1.agent_id && w[1].1.start < w[0].1.end {
            return Err(row_err(
                p,
                w[1].0.max(w[0].0),
                format!(
                    "agent {}: activity {} to {} overlaps the one from {} to {} (line {})",
                    w[1].1.agent_id,
                    w[1].1.start,
                    w[1].1.end,
                    w[0].1.start,
                    w[0].1.end,
                    w[0].0.min(w[1].0)
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

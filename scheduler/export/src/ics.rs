//! Each agent's own calendar (RFC 5545), written with the `icalendar` crate: one `VEVENT` per
//! shift, its times in the centre's time zone (`DTSTART;TZID=Europe/London:20261116T080000`, with
//! the zone's `VTIMEZONE` built from its rules), the breaks, lunches, planned activities and the
//! channels worked in the description. Each event's `UID` is the agent and the shift's date, so a
//! re-export of a changed roster updates the shift in the agent's calendar rather than adding a
//! second one.

use std::io::Write;

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike};

use crate::error::ExportError;
use crate::schedule::{hours, AgentSchedule, Schedule, Shift};

/// Writes `agent`'s calendar to `w`; `stamp` is the `DTSTAMP` of every event (when the file was
/// made). Returns the number of events (the agent's shifts).
pub fn write_ics(
    schedule: &Schedule,
    agent: &str,
    stamp: DateTime<Utc>,
    w: &mut dyn Write,
) -> Result<usize, ExportError> {
    let a = schedule
        .agents
        .iter()
        .find(|a| a.id == agent)
        .ok_or_else(|| ExportError::NoSuchAgent(agent.to_string()))?;
    let calendar = agent_calendar(schedule, a, stamp).to_string();
    // The crate writes a UID and DTSTAMP into any component without them, which a VTIMEZONE
    // must not have: the zone goes in as text, before the first event.
    let at = calendar
        .find("BEGIN:VEVENT")
        .or_else(|| calendar.rfind("END:VCALENDAR"))
        .unwrap_or(calendar.len());
    let zone = vtimezone(schedule.tz, schedule);
    w.write_all(&calendar.as_bytes()[..at])?;
    w.write_all(zone.as_bytes())?;
    w.write_all(&calendar.as_bytes()[at..])?;
    Ok(a.shifts.len())
}

/// The agent's calendar without its `VTIMEZONE` (see [`vtimezone`]).
fn agent_calendar(schedule: &Schedule, a: &AgentSchedule, stamp: DateTime<Utc>) -> Calendar {
    let tz = schedule.tz;
    let mut calendar = Calendar::new();
    calendar.name(&format!("Rota: {} ({})", a.name, schedule.centre));
    let domain = slug(&schedule.centre);
    let mut previous: Option<(chrono::NaiveDate, usize)> = None;
    for s in &a.shifts {
        // A second shift on one date keeps its own UID: `-2`.
        let n = match previous {
            Some((d, n)) if d == s.date => n + 1,
            _ => 1,
        };
        previous = Some((s.date, n));
        let uid = match n {
            1 => format!("{}-{}@{domain}.rota", slug(&a.id), s.date),
            n => format!("{}-{}-{n}@{domain}.rota", slug(&a.id), s.date),
        };
        let channels = s.channels();
        let summary = match channels.is_empty() {
            true => format!("Shift {}", s.times()),
            false => format!("Shift {}: {}", s.times(), channels.join(", ")),
        };
        calendar.push(
            icalendar::Event::new()
                .uid(&uid)
                .timestamp(stamp)
                .summary(&summary)
                .description(&description(schedule, s))
                .location(&schedule.centre)
                .starts(when(tz, &s.start))
                .ends(when(tz, &s.end))
                .done(),
        );
    }
    calendar.done()
}

/// The description of a shift: paid hours, breaks, planned activities, then the whole shift.
fn description(schedule: &Schedule, s: &Shift) -> String {
    let or_none = |v: Vec<String>| match v.is_empty() {
        true => "none".to_string(),
        false => v.join("; "),
    };
    let planned: Vec<String> = s
        .periods
        .iter()
        .filter(|p| matches!(p.kind, crate::PeriodKind::Activity(_)))
        .map(|p| p.text())
        .collect();
    let mut lines = vec![
        format!(
            "Shift {} at {}, {} paid hours.",
            s.times(),
            schedule.centre,
            hours(s.paid_hours())
        ),
        format!(
            "Channels: {}.",
            match s.channels() {
                c if c.is_empty() => "none".to_string(),
                c => c.join(", "),
            }
        ),
        format!("Breaks: {}.", or_none(s.breaks())),
        format!("Activities: {}.", or_none(planned)),
        String::new(),
    ];
    lines.extend(s.periods.iter().map(|p| p.text()));
    lines.join("\n")
}

/// A local time with the zone's `TZID`; a time that happens twice (the night the clocks go back)
/// is written in UTC, which needs no zone to place it.
fn when(tz: Tz, t: &DateTime<Tz>) -> CalendarDateTime {
    let local = t.naive_local();
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(_) => CalendarDateTime::WithTimezone {
            date_time: local,
            tzid: tz.name().to_string(),
        },
        _ => CalendarDateTime::Utc(t.with_timezone(&Utc)),
    }
}

/// The zone's `VTIMEZONE` (RFC 5545 3.6.5): one observance per change of its UTC offset from the
/// year before the roster to the year after it, or one `STANDARD` observance for a zone whose
/// offset never changes. The `icalendar` builder has no type for it (and would give any component
/// it writes a `UID` and `DTSTAMP`, which a time zone must not have), so it is written here: every
/// line is a fixed format far under the 75-octet limit and holds no text to escape (a zone name is
/// letters, digits, `/`, `_`, `-` and `+`).
fn vtimezone(tz: Tz, schedule: &Schedule) -> String {
    use chrono::Datelike;
    let from = Utc
        .with_ymd_and_hms(schedule.first_date.year() - 1, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let to = Utc
        .with_ymd_and_hms(schedule.last_date.year() + 2, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let offset = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc());
    let secs = |t: DateTime<Utc>| offset(t).fix().local_minus_utc();
    let mut observances = Vec::new();
    let mut t = from;
    while t < to {
        let next = t + Duration::hours(1);
        if secs(next) != secs(t) {
            // The first minute of the new offset.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::minutes(1) {
                let mid = lo + (hi - lo) / 2;
                if secs(mid) == secs(t) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            observances.push(observance(&offset(hi), secs(t), secs(hi), hi));
        }
        t = next;
    }
    if observances.is_empty() {
        let o = offset(from);
        let epoch = DateTime::<Utc>::UNIX_EPOCH;
        observances.push(observance(&o, secs(from), secs(from), epoch));
    }
    format!(
        "BEGIN:VTIMEZONE\r\nTZID:{}\r\n{}END:VTIMEZONE\r\n",
        tz.name(),
        observances.concat()
    )
}

/// One `STANDARD` or `DAYLIGHT` observance starting at `at` (UTC), from offset `from` to `to`
/// (seconds east of UTC); its `DTSTART` is the local time it starts, read in the old offset.
fn observance(o: &chrono_tz::TzOffset, from: i32, to: i32, at: DateTime<Utc>) -> String {
    let kind = match o.dst_offset().is_zero() {
        true => "STANDARD",
        false => "DAYLIGHT",
    };
    let start: NaiveDateTime = at.naive_utc() + Duration::seconds(i64::from(from));
    let name = o
        .abbreviation()
        .map(|n| format!("TZNAME:{n}\r\n"))
        .unwrap_or_default();
    format!(
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n{name}END:{kind}\r\n",
        start.format("%Y%m%dT%H%M%S"),
        utc_offset(from),
        utc_offset(to)
    )
}

/// `+0100`, `-0500`, `+0530`.
fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.abs() / 60;
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

/// Letters, digits, `-`, `_` and `.` kept, anything else `-`: an id safe in a UID or a file name.
pub fn slug(s: &str) -> String {
    let out: String = s
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                true => c,
                false => '-',
            },
        )
        .collect();
    match out.trim_matches('.').is_empty() {
        true => "agent".to_string(),
        false => out,
    }
}

#[cfg(test)]
mod tests;

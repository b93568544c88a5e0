//! The day as it really went: interval actuals (the history export format) and recorded absences.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use rota_data::channel::ChannelName;
use rota_data::grid::IntervalGrid;
use rota_data::history::History;
use serde::Serialize;

use crate::IntradayError;

/// One channel's counts in one finished interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ActualCounts {
    /// Contacts offered.
    pub offered: f64,
    /// Contacts handled, when exported.
    pub handled: Option<f64>,
    /// Contacts abandoned, when exported.
    pub abandoned: Option<f64>,
    /// AHT, seconds, when exported.
    pub aht_s: Option<f64>,
    /// ASA, seconds, when exported.
    pub asa_s: Option<f64>,
}

impl ActualCounts {
    /// Counts with only the offered figure.
    pub fn offered(offered: f64) -> Self {
        Self {
            offered,
            handled: None,
            abandoned: None,
            aht_s: None,
            asa_s: None,
        }
    }
}

/// Interval actuals per channel, keyed by interval start (compared as instants, whatever the
/// offset they were written with).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayActuals {
    by_channel: BTreeMap<ChannelName, BTreeMap<DateTime<FixedOffset>, ActualCounts>>,
}

impl DayActuals {
    /// The actuals of a history read with `rota_data::ingest` (the export format of history).
    pub fn from_history(history: &History) -> Self {
        let mut out = Self::default();
        for r in history.records() {
            let c = r.counts();
            out.insert(
                r.channel().clone(),
                r.interval_start().fixed_offset(),
                ActualCounts {
                    offered: f64::from(c.offered),
                    handled: c.handled.map(f64::from),
                    abandoned: c.abandoned.map(f64::from),
                    aht_s: c.aht_seconds,
                    asa_s: c.asa_seconds,
                },
            );
        }
        out
    }

    /// Adds or replaces (a late correction) one interval's counts.
    pub fn insert(&mut self, channel: ChannelName, start: DateTime<FixedOffset>, c: ActualCounts) {
        self.by_channel.entry(channel).or_default().insert(start, c);
    }

    /// One channel's intervals (empty when it has none).
    pub fn of(&self, channel: &ChannelName) -> &BTreeMap<DateTime<FixedOffset>, ActualCounts> {
        static NONE: BTreeMap<DateTime<FixedOffset>, ActualCounts> = BTreeMap::new();
        self.by_channel.get(channel).unwrap_or(&NONE)
    }

    /// The channels with actuals.
    pub fn channels(&self) -> impl Iterator<Item = &ChannelName> {
        self.by_channel.keys()
    }

    /// True when nothing has arrived.
    pub fn is_empty(&self) -> bool {
        self.by_channel.values().all(BTreeMap::is_empty)
    }

    /// Contacts offered on `date` (local to `tz`) on one channel.
    pub fn day_offered(&self, channel: &ChannelName, date: NaiveDate, tz: &FixedOffset) -> f64 {
        self.by_channel.get(channel).map_or(0.0, |m| {
            m.iter()
                .filter(|(t, _)| t.with_timezone(tz).date_naive() == date)
                .map(|(_, c)| c.offered)
                .sum()
        })
    }

    /// Checks that every channel is one of `known` (what `what` has) and that no interval ends
    /// after `now`.
    pub fn check(
        &self,
        known: &[ChannelName],
        what: &'static str,
        now: DateTime<FixedOffset>,
        interval: Duration,
    ) -> Result<(), IntradayError> {
        for (channel, rows) in &self.by_channel {
            if !known.contains(channel) {
                return Err(IntradayError::UnknownChannel {
                    channel: channel.to_string(),
                    what,
                    known: known
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            if let Some((t, _)) = rows.iter().find(|(t, _)| **t + interval > now) {
                return Err(IntradayError::ActualsAfterNow {
                    channel: channel.to_string(),
                    interval: t.to_rfc3339(),
                    end: (*t + interval).to_rfc3339(),
                    now: now.to_rfc3339(),
                });
            }
        }
        Ok(())
    }
}

/// An agent recorded absent from `from` to `to` (sickness, an emergency, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Absence {
    /// Agent id.
    pub agent_id: String,
    /// Start.
    pub from: DateTime<FixedOffset>,
    /// End (after the start).
    pub to: DateTime<FixedOffset>,
    /// Why, as recorded.
    pub reason: String,
}

/// A time in an absences file: RFC 3339 with an offset, or the centre's local `YYYY-MM-DD HH:MM`
/// (a `T` between is accepted) in the grid's time zone.
pub fn parse_time(s: &str, grid: &IntervalGrid) -> Result<DateTime<FixedOffset>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    for fmt in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return match grid.tz.from_local_datetime(&naive).earliest() {
                Some(t) => Ok(t.fixed_offset()),
                None => Err(format!(
                    "{s:?} does not exist in {} (the clocks went forward)",
                    grid.tz
                )),
            };
        }
    }
    Err(format!(
        "{s:?} is not a time; expected RFC 3339 (2026-11-16T09:00:00+00:00) or local \
         YYYY-MM-DD HH:MM"
    ))
}

/// Reads an absences CSV (`agent_id,from,to[,reason]`) from `r`; `label` names it in errors.
/// Agents are checked against `known_agent` (the configuration).
pub fn read_absences<R: Read>(
    r: R,
    label: &str,
    grid: &IntervalGrid,
    known_agent: impl Fn(&str) -> bool,
) -> Result<Vec<Absence>, IntradayError> {
    let err = |line: u64, column: &str, message: String| IntradayError::Absence {
        file: label.to_string(),
        line,
        column: column.to_string(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(r);
    let headers = reader
        .headers()
        .map_err(|e| err(1, "header", e.to_string()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(agent), Some(from), Some(to)) = (col("agent_id"), col("from"), col("to")) else {
        return Err(err(
            1,
            "header",
            format!(
                "expected the columns agent_id,from,to (and optionally reason), found {}",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let reason = col("reason");
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| err(line, "row", e.to_string()))?;
        let field = |c: usize| rec.get(c).unwrap_or("").trim();
        let id = field(agent);
        if !known_agent(id) {
            return Err(err(
                line,
                "agent_id",
                format!("unknown agent {id:?}; expected an agent of the configuration"),
            ));
        }
        let f = parse_time(field(from), grid).map_err(|m| err(line, "from", m))?;
        let t = parse_time(field(to), grid).map_err(|m| err(line, "to", m))?;
        if t <= f {
            return Err(err(
                line,
                "to",
                format!("{t} is not after the absence's start {f}"),
            ));
        }
        out.push(Absence {
            agent_id: id.to_string(),
            from: f,
            to: t,
            reason: reason.map(field).unwrap_or("").to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absences_read_with_clear_errors() {
        let grid = IntervalGrid::default();
        let ok = "agent_id,from,to,reason\nA1,2026-11-16 08:00,2026-11-16 18:00,sick\n";
        let a = read_absences(ok.as_bytes(), "absences.csv", &grid, |id| id == "A1").unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].reason, "sick");
        assert_eq!(a[0].from.to_rfc3339(), "2026-11-16T08:00:00+00:00");
        let bad = "agent_id,from,to\nZZ,2026-11-16 08:00,2026-11-16 18:00\n";
        let e = read_absences(bad.as_bytes(), "absences.csv", &grid, |id| id == "A1")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("absences.csv, line 2, column agent_id") && e.contains("ZZ"),
            "{e}"
        );
        let bad = "agent_id,from,to\nA1,16/11/2026,2026-11-16 18:00\n";
        let e = read_absences(bad.as_bytes(), "absences.csv", &grid, |_| true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("column from") && e.contains("RFC 3339"), "{e}");
        let bad = "agent_id,from,to\nA1,2026-11-16 18:00,2026-11-16 08:00\n";
        assert!(read_absences(bad.as_bytes(), "x", &grid, |_| true).is_err());
        let bad = "who,when\nA1,2026\n";
        let e = read_absences(bad.as_bytes(), "x", &grid, |_| true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("agent_id,from,to"), "{e}");
    }
}

//! The rota as a spreadsheet-friendly CSV: one row per agent and day (a day off is a row too, so
//! a planner pasting it into Excel gets every agent on every day and can filter or pivot it).
//! Dates are `YYYY-MM-DD` and times local `HH:MM`, which Excel reads as dates and times; hours are
//! plain numbers.

use std::io::Write;

use crate::error::ExportError;
use crate::schedule::{hours, Schedule};

/// The header of the CSV.
pub const CSV_HEADER: [&str; 11] = [
    "agent_id",
    "agent_name",
    "team",
    "date",
    "day",
    "start",
    "end",
    "paid_hours",
    "channels",
    "breaks",
    "activities",
];

/// Writes one row per agent and day of the period (one per shift when an agent works two on a
/// day): `agent_id, agent_name, team, date, day, start, end, paid_hours, channels, breaks,
/// activities`; a day off has empty times and 0 paid hours. Returns the number of shifts written.
pub fn write_csv(schedule: &Schedule, w: &mut dyn Write) -> Result<usize, ExportError> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER).map_err(csv_err)?;
    let mut n = 0;
    for a in &schedule.agents {
        let team = a.team.as_deref().unwrap_or("");
        for d in schedule.dates() {
            let date = d.format("%Y-%m-%d").to_string();
            let day = d.format("%a").to_string();
            let mut rows: Vec<[String; 6]> = a
                .on(d)
                .map(|s| {
                    [
                        s.start.format("%H:%M").to_string(),
                        s.end.format("%H:%M").to_string(),
                        hours(s.paid_hours()),
                        s.channels().join("; "),
                        s.breaks().join("; "),
                        s.activities().join("; "),
                    ]
                })
                .collect();
            n += rows.len();
            if rows.is_empty() {
                // A day off: no times, no hours.
                rows.push(Default::default());
                rows[0][2] = "0".into();
            }
            for cells in &rows {
                let mut record = vec![a.id.as_str(), &a.name, team, &date, &day];
                record.extend(cells.iter().map(String::as_str));
                out.write_record(&record).map_err(csv_err)?;
            }
        }
    }
    out.flush()?;
    Ok(n)
}

fn csv_err(e: csv::Error) -> ExportError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => ExportError::Write(e),
        other => ExportError::Write(std::io::Error::other(format!("{other:?}"))),
    }
}

#[cfg(test)]
mod tests;

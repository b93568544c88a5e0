//! Each agent's own schedule from a roster (`rota export`, the API's roster downloads):
//!
//! * [`write_ics`]: one agent's calendar (RFC 5545, the `icalendar` crate), an event per shift in
//!   the centre's time zone with its breaks, lunches, planned activities and channels;
//! * [`write_csv`]: the rota as a spreadsheet-friendly CSV, one row per agent and day;
//! * [`write_xlsx`]: an Excel workbook (`rust_xlsxwriter`), a sheet per week, agents by days;
//! * [`write_html`]: a printable rota grid in the page frame the report and brief share.
//!
//! Every writer works over `io::Write` on a [`Schedule`], made from the roster the one roster
//! reader reads (`rota_simulation::RosterPlan::read_from`, `shifts.csv` and `activities.csv`)
//! with the agents' names and teams from the configuration. [`write_dir`] writes a format's files
//! into a directory.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use rota_export::{write_dir, Format, Schedule};
//! let config = rota_data::config::CentreConfig::load("data/samples/centre.toml")?;
//! let plan = rota_simulation::RosterPlan::read_dir("rota-demo/roster", &config)?;
//! let schedule = Schedule::from_plan(&plan, &config)?;
//! let written = write_dir(&schedule, Format::Ics, "calendars".as_ref(), chrono::Utc::now())?;
//! println!("{} calendars", written.files.len());
//! # Ok(()) }
//! ```

mod error;
mod html;
mod ics;
mod rows;
mod schedule;
mod xlsx;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

pub use error::ExportError;
pub use html::write_html;
pub use ics::{slug, write_ics};
pub use rows::{write_csv, CSV_HEADER};
pub use schedule::{AgentSchedule, Period, PeriodKind, Schedule, Shift};
pub use xlsx::{write_xlsx, FIRST_AGENT_ROW, FIRST_DAY_COLUMN, OFF};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One iCalendar file per rostered agent, `<agent id>.ics`.
    Ics,
    /// `rota.csv`, one row per agent and day.
    Csv,
    /// `rota.xlsx`, a sheet per week.
    Xlsx,
    /// `rota.html`, the printable grid.
    Html,
}

impl Format {
    /// The file name of the team-wide formats (`rota.csv`, ...); `None` for `ics` (one per agent).
    pub fn team_file(self) -> Option<&'static str> {
        match self {
            Format::Ics => None,
            Format::Csv => Some("rota.csv"),
            Format::Xlsx => Some("rota.xlsx"),
            Format::Html => Some("rota.html"),
        }
    }

    /// The MIME type of its files.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ics => "text/calendar; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    /// Writes the team-wide file of this format (`ics`: every agent's calendar, one after the
    /// other, is not a file anyone wants, so it is refused: use [`write_ics`] per agent).
    /// Returns the number of shifts (csv) or weeks (xlsx, html).
    pub fn write_team(self, schedule: &Schedule, w: &mut dyn Write) -> Result<usize, ExportError> {
        match self {
            Format::Csv => write_csv(schedule, w),
            Format::Xlsx => write_xlsx(schedule, w),
            Format::Html => write_html(schedule, w),
            Format::Ics => Err(ExportError::Calendar(
                "iCalendar files are written one per agent".into(),
            )),
        }
    }
}

/// What [`write_dir`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The files, in the order written.
    pub files: Vec<PathBuf>,
    /// Shifts in them (every rostered shift once).
    pub shifts: usize,
}

/// Writes `format`'s files into `dir` (created if missing): `<agent id>.ics` for every agent with
/// a shift, or `rota.csv` / `rota.xlsx` / `rota.html`. `stamp` is the calendars' `DTSTAMP`.
/// Errors name the directory or file that could not be written.
pub fn write_dir(
    schedule: &Schedule,
    format: Format,
    dir: &Path,
    stamp: DateTime<Utc>,
) -> Result<Written, ExportError> {
    std::fs::create_dir_all(dir).map_err(io_at(dir))?;
    let shifts = schedule.agents.iter().map(|a| a.shifts.len()).sum();
    let mut files = Vec::new();
    match format.team_file() {
        Some(name) => {
            let path = dir.join(name);
            write_file(&path, |w| format.write_team(schedule, w).map(|_| ()))?;
            files.push(path);
        }
        None => {
            for a in schedule.rostered() {
                let path = dir.join(format!("{}.ics", slug(&a.id)));
                write_file(&path, |w| write_ics(schedule, &a.id, stamp, w).map(|_| ()))?;
                files.push(path);
            }
        }
    }
    Ok(Written { files, shifts })
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `path` and writes it with `write`; a write error names the file.
fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut w = BufWriter::new(File::create(path).map_err(io_at(path))?);
    match write(&mut w) {
        Err(ExportError::Write(source)) => Err(ExportError::Io {
            path: path.to_path_buf(),
            source,
        }),
        other => other,
    }?;
    w.flush().map_err(io_at(path))
}

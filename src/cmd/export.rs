//! `rota export`: each agent's own schedule from a roster directory written by `rota schedule`,
//! as iCalendar files (one per agent), a spreadsheet-friendly CSV, an XLSX workbook or a printable
//! HTML rota grid. Reads the roster with the one roster reader (`RosterPlan::read_dir`, as
//! `rota simulate` does, with the people a `--hire` roster hired) and writes with `rota_export`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::ValueEnum;
use rota_data::config::CentreConfig;
use rota_export::{write_dir, Format, Schedule};
use rota_simulation::RosterPlan;
use serde::Serialize;

/// What to write.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// One iCalendar file per rostered agent (`<agent id>.ics`, RFC 5545): a shift is an event in
    /// the centre's time zone, breaks, activities and channels in its description.
    Ics,
    /// `rota.csv`: one row per agent and day (agent, name, team, date, start, end, paid hours,
    /// channels, breaks, activities).
    Csv,
    /// `rota.xlsx`: a sheet per week, agents down, days across.
    Xlsx,
    /// `rota.html`: a printable rota grid, agents by days.
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Ics => Format::Ics,
            FormatArg::Csv => Format::Csv,
            FormatArg::Xlsx => Format::Xlsx,
            FormatArg::Html => Format::Html,
        }
    }
}

/// Export each agent's schedule from a roster: iCalendar, CSV, XLSX or a printable HTML grid.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Centre configuration (TOML): the agents' names and teams, and the time zone.
    #[arg(long)]
    pub config: PathBuf,
    /// Roster directory with shifts.csv and activities.csv (as written by `rota schedule`).
    #[arg(long)]
    pub roster: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Directory to write into (created if missing).
    #[arg(long)]
    pub out_dir: PathBuf,
}

/// The `--json` summary.
#[derive(Serialize)]
struct Summary {
    format: &'static str,
    files: Vec<String>,
    agents: usize,
    shifts: usize,
    first_date: String,
    last_date: String,
}

/// The roster in `dir` as each agent's schedule: read with the one roster reader, a `--hire`
/// roster's people named from its `hires.csv`. Also how `rota schedule` writes `calendars/`.
pub(super) fn read_schedule(config: CentreConfig, dir: &Path) -> anyhow::Result<Schedule> {
    let config = super::simulate::with_hired_people(config, dir)?;
    let plan = RosterPlan::read_dir(dir, &config)
        .with_context(|| format!("reading the roster in {}", dir.display()))?;
    Schedule::from_plan(&plan, &config)
        .with_context(|| format!("reading the roster in {}", dir.display()))
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    // The library errors name the file (and line): no context that would repeat it.
    let schedule = read_schedule(CentreConfig::load(&args.config)?, &args.roster)?;
    let format = Format::from(args.format);
    let written = write_dir(&schedule, format, &args.out_dir, chrono::Utc::now())?;
    let agents = schedule.rostered().count();
    out.json(&Summary {
        format: match format {
            Format::Ics => "ics",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        },
        files: written
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        agents,
        shifts: written.shifts,
        first_date: schedule.first_date.to_string(),
        last_date: schedule.last_date.to_string(),
    })?;
    if out.text() {
        let period = format!(
            "{} to {}",
            schedule.first_date.format("%a %d %b %Y"),
            schedule.last_date.format("%a %d %b %Y")
        );
        match (format, written.files.as_slice()) {
            (Format::Ics, files) => println!(
                "Wrote {} calendars ({} shifts, {period}) to {}",
                files.len(),
                written.shifts,
                args.out_dir.display()
            ),
            (_, files) => println!(
                "Wrote {} ({agents} agents, {} shifts, {period})",
                files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                written.shifts
            ),
        }
    }
    Ok(())
}

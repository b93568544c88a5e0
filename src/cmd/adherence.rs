//! `rota adherence`: how closely agents kept to the published roster, from the phone system's
//! agent state events. Reads the roster with the one roster reader (`RosterPlan::read_dir`, with
//! the people a `--hire` roster hired), the events with `rota_adherence::EventLog`, measures with
//! `rota_adherence::measure`, writes `adherence.csv` and `exceptions.csv` and prints the teams'
//! table and the exceptions a supervisor acts on.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use rota_adherence::{
    measure, minutes, parse_timestamp, write_adherence_csv, write_exceptions_csv, Adherence,
    EventLog, ExceptionKind, Options, Row, Scope,
};
use rota_data::config::CentreConfig;
use rota_simulation::RosterPlan;
use serde::Serialize;

use super::output::thousands;

/// Measure agents' adherence to a roster from their state events: adherence, conformance and
/// exceptions per agent, team and day.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Centre configuration (TOML): the agents, their teams, the channels and the time zone.
    #[arg(long)]
    pub config: PathBuf,
    /// Roster directory with shifts.csv and activities.csv (as written by `rota schedule`).
    #[arg(long)]
    pub roster: PathBuf,
    /// Agent state events (CSV: agent_id, timestamp, state, channel; states available,
    /// on_contact, break, lunch, activity, offline).
    #[arg(long)]
    pub events: PathBuf,
    /// Directory to write adherence.csv and exceptions.csv into (created if missing).
    #[arg(long = "out-dir", visible_alias = "out")]
    pub out_dir: PathBuf,
    /// Deviations of at most this many minutes are not exceptions (they still count in adherence).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=60))]
    pub grace_minutes: u32,
    /// Measure a day in progress up to this time (RFC 3339, or local YYYY-MM-DD HH:MM in the
    /// centre's zone): later scheduled time is not measured yet.
    #[arg(long)]
    pub now: Option<String>,
}

/// A team's or the centre's figures in the `--json` summary.
#[derive(Serialize)]
struct GroupJson {
    scope: &'static str,
    team: String,
    people: usize,
    scheduled_minutes: f64,
    adherence: Option<f64>,
    conformance: Option<f64>,
    exceptions: usize,
}

/// One kind of exception in the `--json` summary.
#[derive(Serialize)]
struct KindJson {
    kind: &'static str,
    count: usize,
    people: usize,
    minutes: f64,
}

/// The `--json` summary.
#[derive(Serialize)]
struct Summary {
    first_date: String,
    last_date: String,
    until: Option<String>,
    grace_minutes: u32,
    events: usize,
    events_reordered: usize,
    duplicate_events_dropped: usize,
    groups: Vec<GroupJson>,
    exceptions: Vec<KindJson>,
    files: Vec<String>,
}

fn as_minutes(d: chrono::Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
}

fn percent(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", 100.0 * r))
        .unwrap_or_else(|| "-".into())
}

/// Each kind: (kind, exceptions, people, time).
fn by_kind(found: &Adherence) -> Vec<(ExceptionKind, usize, usize, chrono::Duration)> {
    ExceptionKind::ALL
        .iter()
        .map(|&k| {
            let of: Vec<_> = found.exceptions.iter().filter(|e| e.kind == k).collect();
            let people: BTreeSet<&str> = of.iter().map(|e| e.agent_id.as_str()).collect();
            let time = of.iter().map(|e| e.duration()).sum();
            (k, of.len(), people.len(), time)
        })
        .collect()
}

fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), rota_adherence::AdherenceError>,
) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut w = BufWriter::new(file);
    write(&mut w).with_context(|| format!("cannot write {}", path.display()))?;
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    // The library errors name the file and line: no context that would repeat it.
    let config = CentreConfig::load(&args.config)?;
    let config = super::simulate::with_hired_people(config, &args.roster)?;
    let plan = RosterPlan::read_dir(&args.roster, &config)
        .with_context(|| format!("reading the roster in {}", args.roster.display()))?;
    let file = File::open(&args.events)
        .with_context(|| format!("cannot read {}", args.events.display()))?;
    let log = EventLog::read_from(BufReader::new(file), &args.events, &config)?;
    let until = match &args.now {
        Some(s) => {
            Some(parse_timestamp(s, &config.grid()).map_err(|m| anyhow::anyhow!("--now: {m}"))?)
        }
        None => None,
    };
    let options = Options {
        grace: chrono::Duration::minutes(i64::from(args.grace_minutes)),
        until,
    };
    let found = measure(&plan, &log, &config, &options).with_context(|| {
        format!(
            "measuring {} against the roster in {}",
            args.events.display(),
            args.roster.display()
        )
    })?;
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let adherence_csv = args.out_dir.join("adherence.csv");
    let exceptions_csv = args.out_dir.join("exceptions.csv");
    write_file(&adherence_csv, |w| write_adherence_csv(w, &found))?;
    write_file(&exceptions_csv, |w| {
        write_exceptions_csv(w, &found, &config.grid())
    })?;

    if out.progress() {
        if log.reordered() > 0 {
            eprintln!(
                "warning: {}: {} event(s) came before an earlier event of the same agent (first on \
                 line {}); they were read in time order",
                args.events.display(),
                log.reordered(),
                log.first_reordered_line().unwrap_or(0)
            );
        }
        if log.duplicates() > 0 {
            eprintln!(
                "note: {}: {} repeated event(s) were counted once",
                args.events.display(),
                log.duplicates()
            );
        }
    }
    let totals = found.group_rows(false);
    let kinds = by_kind(&found);
    out.json(&Summary {
        first_date: found.first_date.to_string(),
        last_date: found.last_date.to_string(),
        until: until.map(|t| t.to_rfc3339()),
        grace_minutes: args.grace_minutes,
        events: log.events().len(),
        events_reordered: log.reordered(),
        duplicate_events_dropped: log.duplicates(),
        groups: totals
            .iter()
            .map(|r| GroupJson {
                scope: r.scope.name(),
                team: r.team.clone(),
                people: r.people,
                scheduled_minutes: as_minutes(r.scheduled),
                adherence: r.adherence(),
                conformance: r.conformance(),
                exceptions: r.exception_count(),
            })
            .collect(),
        exceptions: kinds
            .iter()
            .map(|(k, n, people, time)| KindJson {
                kind: k.name(),
                count: *n,
                people: *people,
                minutes: as_minutes(*time),
            })
            .collect(),
        files: vec![
            adherence_csv.display().to_string(),
            exceptions_csv.display().to_string(),
        ],
    })?;
    if out.text() {
        print_text(&found, &totals, &kinds, &config);
        println!(
            "Wrote {} and {}",
            adherence_csv.display(),
            exceptions_csv.display()
        );
    }
    Ok(())
}

fn print_text(
    found: &Adherence,
    totals: &[Row],
    kinds: &[(ExceptionKind, usize, usize, chrono::Duration)],
    config: &CentreConfig,
) {
    let fmt = |d: chrono::NaiveDate| d.format("%a %d %b %Y").to_string();
    let period = if found.first_date == found.last_date {
        fmt(found.first_date)
    } else {
        format!("{} to {}", fmt(found.first_date), fmt(found.last_date))
    };
    let so_far = found
        .options
        .until
        .map(|t| format!(", up to {}", config.grid().to_local(&t).format("%H:%M")))
        .unwrap_or_default();
    println!(
        "Adherence, {period}{so_far} ({} minutes' grace before a deviation is an exception)",
        found.options.grace.num_minutes()
    );
    println!(
        "{:<16} {:>6} {:>17} {:>10} {:>12} {:>11}",
        "team", "people", "scheduled", "adherence", "conformance", "exceptions"
    );
    for r in totals {
        let name = match r.scope {
            Scope::Centre => "whole centre",
            _ => r.team.as_str(),
        };
        println!(
            "{:<16} {:>6} {:>13} min {:>10} {:>12} {:>11}",
            name,
            r.people,
            thousands(as_minutes(r.scheduled)),
            percent(r.adherence()),
            percent(r.conformance()),
            r.exception_count()
        );
    }
    if found.exceptions.is_empty() {
        println!("No exceptions: everyone kept to the roster.");
        return;
    }
    println!("Exceptions:");
    for (k, n, people, time) in kinds.iter().filter(|k| k.1 > 0) {
        println!(
            "  {:<14} {n:>3} ({people} {}) {:>7} min",
            k.label(),
            if *people == 1 { "person" } else { "people" },
            thousands(as_minutes(*time))
        );
    }
    let mut longest: Vec<_> = found.exceptions.iter().collect();
    longest.sort_by(|a, b| b.duration().cmp(&a.duration()).then(a.from.cmp(&b.from)));
    let shown = longest.len().min(10);
    println!("Longest {shown}:");
    let grid = config.grid();
    for e in longest.into_iter().take(shown) {
        let name = config.agent(&e.agent_id).map(|a| a.name()).unwrap_or("");
        println!(
            "  {:<7} {:<20} {} {:<14} {}-{} {:>6} min  ({}; {})",
            e.agent_id,
            name,
            e.date.format("%a %d %b"),
            e.kind.label(),
            grid.to_local(&e.from).format("%H:%M"),
            grid.to_local(&e.to).format("%H:%M"),
            minutes(e.duration()),
            e.scheduled,
            e.actual
        );
    }
}

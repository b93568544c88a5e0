//! `rota simulate`: replays a roster against a forecast (or a history) in a discrete-event
//! simulation and reports the KPIs per interval, day and week against the targets.
//!
//! Reads the configuration, the demand and the roster directory (`shifts.csv`, `activities.csv`),
//! calls `rota_simulation::simulate`, writes `--out` (per interval and channel) and
//! `<out>.summary.csv` (per day and week, with the verdict) and prints the week's table.

use std::path::{Path, PathBuf};

use super::progress::Bar;
use anyhow::Context;
use clap::ValueEnum;
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_data::ingest::{read_history, IngestOptions};
use rota_simulation::{
    demand_from_history, ArrivalProcess, ClosingPolicy, HandleTimeModel, RosterPlan, Routing,
    ShrinkageModel, SimulationOptions, DEFAULT_HANDLE_TIME_CV,
};

/// Handle-time distribution.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HandleTime {
    /// Lognormal with the interval's AHT as mean and --handle-cv as coefficient of variation.
    Lognormal,
    /// Exponential with the interval's AHT as mean (the Erlang assumption).
    Exponential,
}

/// What happens to contacts still queued at closing.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Closing {
    /// Agents still working the channel keep answering them.
    Serve,
    /// They are counted abandoned at closing time.
    Abandon,
}

/// Which waiting contacts a free agent takes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoutingArg {
    /// The rostered channel first, then other live channels the agent is skilled in, by priority.
    MultiSkill,
    /// Only the rostered channel.
    Assigned,
}

/// Shrinkage taken off the rostered agents.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShrinkageArg {
    /// The configured shrinkage of the channel each shift mostly works: sickness/absence as
    /// whole-shift absence, the rest as off-phone intervals.
    Configured,
    /// None: agents work every rostered minute (use when the roster already contains the
    /// shrinkage activities).
    None,
}

/// Simulate a roster against demand and report the KPIs against the targets.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Centre configuration (TOML): channels, targets, patience, concurrency, agents.
    #[arg(long)]
    pub config: PathBuf,
    /// Forecast CSV (or .csv.gz) covering the roster period: arrivals are Poisson with its mean.
    #[arg(long, required_unless_present = "history", conflicts_with = "history")]
    pub forecast: Option<PathBuf>,
    /// Interval history (CSV or CSV.gz) to replay instead of a forecast: exactly its offered
    /// counts per interval for the roster's dates, at random times within each interval.
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// Roster directory with shifts.csv and activities.csv (as written by `rota schedule`).
    #[arg(long)]
    pub roster: PathBuf,
    /// Independent replications (95% confidence intervals need at least 2): 1 to 10,000.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub replications: u32,
    /// Master seed: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output CSV, one row per interval and channel; the per-day/week summary and the verdict go
    /// to the same name with `.summary.csv`.
    #[arg(long)]
    pub out: PathBuf,
    /// Handle-time distribution.
    #[arg(long, value_enum, default_value_t = HandleTime::Lognormal)]
    pub handle_time: HandleTime,
    /// Coefficient of variation of lognormal handle times (sd / mean).
    #[arg(long, default_value_t = DEFAULT_HANDLE_TIME_CV)]
    pub handle_cv: f64,
    /// Contacts still queued when a live channel closes.
    #[arg(long, value_enum, default_value_t = Closing::Serve)]
    pub closing: Closing,
    /// Routing of free agents.
    #[arg(long, value_enum, default_value_t = RoutingArg::MultiSkill)]
    pub routing: RoutingArg,
    /// Shrinkage (absence, training, meetings, ...) the roster was grossed up for but does not
    /// place: taken off the agents at random in every replication, or not at all.
    #[arg(long, value_enum, default_value_t = ShrinkageArg::Configured)]
    pub shrinkage: ShrinkageArg,
}

/// The configuration with the people a `rota schedule --hire` roster hired (its `hires.csv`),
/// so that they answer contacts on their skills; unchanged for a roster without hires.
pub(crate) fn with_hired_people(
    config: CentreConfig,
    roster_dir: &Path,
) -> anyhow::Result<CentreConfig> {
    let path = roster_dir.join("hires.csv");
    if !path.exists() {
        return Ok(config);
    }
    let file = std::fs::File::open(&path).with_context(|| format!("reading {}", path.display()))?;
    let people = rota_roster::hire::read_hires_from(file, &path.display().to_string())?;
    config
        .with_hired_agents(&people)
        .with_context(|| format!("adding the people hired in {}", path.display()))
}

/// `S.csv` -> `S.summary.csv`; other names get `.summary.csv` appended.
fn summary_path(out: &Path) -> PathBuf {
    let s = out.to_string_lossy();
    match s.strip_suffix(".csv") {
        Some(stem) => PathBuf::from(format!("{stem}.summary.csv")),
        None => PathBuf::from(format!("{s}.summary.csv")),
    }
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    // The library errors name the file (and line): no context that would repeat it.
    let config = CentreConfig::load(&args.config)?;
    let config = with_hired_people(config, &args.roster)?;
    let roster = RosterPlan::read_dir(&args.roster, &config)
        .with_context(|| format!("reading the roster in {}", args.roster.display()))?;
    let (demand, arrivals) = match (&args.forecast, &args.history) {
        (Some(f), _) => (
            DemandSeries::read_csv_for(f, &config)?,
            ArrivalProcess::Poisson,
        ),
        (None, Some(h)) => {
            let history = read_history(h, &IngestOptions::from_config(&config))?;
            (
                demand_from_history(&history, &config, roster.first_date(), roster.last_date())?,
                ArrivalProcess::Replay,
            )
        }
        (None, None) => anyhow::bail!("give --forecast or --history"),
    };
    let opts = SimulationOptions {
        replications: args.replications,
        seed: args.seed,
        handle_time: match args.handle_time {
            HandleTime::Lognormal => HandleTimeModel::Lognormal { cv: args.handle_cv },
            HandleTime::Exponential => HandleTimeModel::Exponential,
        },
        arrivals,
        closing: match args.closing {
            Closing::Serve => ClosingPolicy::Serve,
            Closing::Abandon => ClosingPolicy::Abandon,
        },
        routing: match args.routing {
            RoutingArg::MultiSkill => Routing::MultiSkill,
            RoutingArg::Assigned => Routing::Assigned,
        },
        shrinkage: match args.shrinkage {
            ShrinkageArg::Configured => ShrinkageModel::Configured,
            ShrinkageArg::None => ShrinkageModel::None,
        },
        ..Default::default()
    };
    let bar = Bar::new(
        &out,
        u64::from(args.replications),
        "{bar:40} {pos}/{len} replications ({eta} left)",
    );
    let report = rota_plan::simulate(&roster, &demand, &config, &opts, &bar).with_context(|| {
        format!(
            "checking the {} against the roster in {}",
            if args.forecast.is_some() {
                "forecast"
            } else {
                "history"
            },
            args.roster.display()
        )
    });
    bar.finish();
    let report = report?;

    report.write_csv(&args.out)?;
    let summary = summary_path(&args.out);
    report.write_summary_csv(&summary)?;
    if out.text() {
        print!("{}", report.render_table());
        println!(
            "Wrote {} and {} ({} contacts simulated)",
            args.out.display(),
            summary.display(),
            report.total_contacts
        );
    }
    if out.json {
        // The per-interval KPIs are in the CSV; the JSON is the summary: days, week, verdict.
        let mut doc = serde_json::to_value(&report)?;
        if let Some(obj) = doc.as_object_mut() {
            obj.remove("intervals");
            obj.insert("out".into(), args.out.display().to_string().into());
            obj.insert("summary_out".into(), summary.display().to_string().into());
        }
        out.json(&doc)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_name() {
        assert_eq!(
            summary_path(Path::new("/tmp/S.csv")),
            PathBuf::from("/tmp/S.summary.csv")
        );
        assert_eq!(
            summary_path(Path::new("out")),
            PathBuf::from("out.summary.csv")
        );
    }
}

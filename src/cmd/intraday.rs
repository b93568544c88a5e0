//! `rota intraday`: today's actuals against the forecast, the re-forecast of the rest of the day
//! and the week, and — with the centre and its roster — the day's KPIs as staffed and what to do
//! now.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use clap::ValueEnum;
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_data::grid::{IntervalGrid, IntervalLength};
use rota_data::ingest::{read_history, IngestOptions};
use rota_intraday::{
    prior_for, read_absences, ActionSettings, DayActuals, LevelPrior, Scope, TodayInput, Update,
};
use rota_simulation::RosterPlan;

/// How the day's level is updated from the actuals so far.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum UpdateArg {
    /// The ratio of actual to forecast so far, shrunk towards the forecast (default).
    Shrunk,
    /// The plain ratio of actual to forecast so far.
    Ratio,
    /// No update: the forecast made before the day.
    PreDay,
}

/// Re-forecast the rest of the day from today's actuals; with the centre and its roster, the day's
/// KPIs as staffed and recommended actions.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The forecast made before the day (as written by `rota forecast`).
    #[arg(long)]
    pub forecast: PathBuf,
    /// Today's interval actuals so far, in the history export format (offered, and where the
    /// export has them handled, abandoned, AHT, ASA); earlier days of the forecast calibrate the
    /// update.
    #[arg(long)]
    pub actuals: PathBuf,
    /// Now: RFC 3339 (2026-11-16T10:15:00+00:00) or local YYYY-MM-DD HH:MM. Intervals that end by
    /// then are "so far"; the re-forecast runs from the interval containing it.
    #[arg(long)]
    pub now: String,
    /// Output directory: reforecast.csv, and with --config and --roster kpis.csv and actions.csv.
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Centre configuration (TOML): channels, targets, agents. Needed for the KPIs and actions.
    #[arg(long, requires = "roster")]
    pub config: Option<PathBuf>,
    /// The published roster directory (shifts.csv, activities.csv).
    #[arg(long, requires = "config")]
    pub roster: Option<PathBuf>,
    /// Recorded absences CSV: agent_id,from,to[,reason].
    #[arg(long, requires = "roster")]
    pub absences: Option<PathBuf>,
    /// How the day's level is updated.
    #[arg(long, value_enum, default_value_t = UpdateArg::Shrunk)]
    pub update: UpdateArg,
    /// Weight of the forecast against the day's evidence, in contacts (overrides the prior
    /// calibrated on earlier days): 1 to 10,000.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub prior_contacts: Option<u32>,
    /// Overtime pay as a multiple of the hourly rate (1.5 = time and a half): 1 to 3.
    #[arg(long, default_value_t = 1.5, value_parser = premium)]
    pub overtime_premium: f64,
    /// Time zone of local times without a configuration (IANA name).
    #[arg(long, default_value = "Europe/London")]
    pub tz: chrono_tz::Tz,
}

fn premium(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number; expected 1 to 3"))?;
    if (1.0..=3.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range; expected 1 to 3"))
    }
}

fn write_file(
    path: &Path,
    f: impl FnOnce(BufWriter<File>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("writing {}", path.display()))?;
    f(BufWriter::new(file)).with_context(|| format!("writing {}", path.display()))
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    let config = args.config.as_ref().map(CentreConfig::load).transpose()?;
    let forecast = match &config {
        Some(c) => DemandSeries::read_csv_for(&args.forecast, c)?,
        None => DemandSeries::read_csv(&args.forecast)?,
    };
    let interval = rota_intraday::reforecast::interval_of(&forecast)
        .with_context(|| format!("reading {}", args.forecast.display()))?;
    let length = IntervalLength::from_minutes(interval.num_minutes() as u32)
        .map_err(|e| anyhow::anyhow!("{}: interval of {interval}: {e}", args.forecast.display()))?;
    let mut opts = match &config {
        Some(c) => IngestOptions::from_config(c),
        None => IngestOptions {
            tz: Some(args.tz),
            channels: Some(forecast.channels()),
            ..Default::default()
        },
    };
    opts.interval = Some(length);
    let history = read_history(&args.actuals, &opts)?;
    let actuals = DayActuals::from_history(&history);
    let grid = config
        .as_ref()
        .map_or(IntervalGrid::new(length, args.tz), CentreConfig::grid);
    let now: DateTime<FixedOffset> = rota_intraday::actuals::parse_time(&args.now, &grid)
        .map_err(|e| anyhow::anyhow!("--now {e}"))?;
    let (calibrated, from_days) = prior_for(&forecast, &actuals, now);
    let update = match args.update {
        UpdateArg::PreDay => Update::PreDay,
        UpdateArg::Ratio => Update::Ratio,
        UpdateArg::Shrunk => Update::Shrunk(match args.prior_contacts {
            Some(n) => LevelPrior {
                strength: f64::from(n),
                ..calibrated
            },
            None => calibrated,
        }),
    };
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("creating {}", args.out_dir.display()))?;

    let (re, today) = match (&config, &args.roster) {
        (Some(config), Some(roster_dir)) => {
            let config = super::simulate::with_hired_people(config.clone(), roster_dir)?;
            let roster = RosterPlan::read_dir(roster_dir, &config)
                .with_context(|| format!("reading the roster in {}", roster_dir.display()))?;
            let absences = match &args.absences {
                Some(p) => {
                    let f = File::open(p).with_context(|| format!("reading {}", p.display()))?;
                    read_absences(f, &p.display().to_string(), &config.grid(), |id| {
                        config.agent(id).is_some()
                    })?
                }
                None => Vec::new(),
            };
            let today = rota_intraday::today(&TodayInput {
                config: &config,
                forecast: &forecast,
                actuals: &actuals,
                now,
                roster: &roster,
                absences: &absences,
                update,
                settings: ActionSettings {
                    overtime_premium: args.overtime_premium,
                    ..Default::default()
                },
            })?;
            (today.reforecast.clone(), Some((today, config)))
        }
        _ => (
            rota_intraday::reforecast(&forecast, &actuals, now, update)?,
            None,
        ),
    };
    let re_path = args.out_dir.join("reforecast.csv");
    re.rows
        .write_csv(&re_path)
        .with_context(|| format!("writing {}", re_path.display()))?;
    if let Some((today, _)) = &today {
        write_file(&args.out_dir.join("kpis.csv"), |w| {
            rota_intraday::day::write_kpis(w, &today.kpis)
        })?;
        write_file(&args.out_dir.join("actions.csv"), |w| {
            rota_intraday::actions::write_actions(w, &today.actions)
        })?;
    }

    if out.text() {
        println!(
            "At {}: {}",
            now.format("%a %d %b %H:%M"),
            match update {
                Update::Shrunk(p) =>
                    format!(
                    "the day's level is the actuals so far against the forecast, shrunk by {:.0} \
                     contacts of prior weight ({}){}",
                    p.strength,
                    if args.prior_contacts.is_some() {
                        "as given"
                    } else if from_days {
                        "calibrated on earlier days"
                    } else {
                        "default: too few earlier days to calibrate on"
                    },
                    if p.carry > 0.0 {
                        format!("; {:.0}% of the surprise carries to tomorrow", p.carry * 100.0)
                    } else {
                        String::new()
                    }
                ),
                Update::Ratio =>
                    "the day's level is the plain ratio of actuals to forecast so far".to_string(),
                Update::PreDay => "the forecast made before the day, not updated".to_string(),
            }
        );
        for l in &re.levels {
            let change = if l.forecast_so_far > 0.0 {
                format!(
                    "{:+.0}%",
                    (l.actual_so_far / l.forecast_so_far - 1.0) * 100.0
                )
            } else {
                "no forecast yet".into()
            };
            println!(
                "  {:<12} {:>6.0} so far against {:>6.0} forecast ({change}); the day now \
                 expected {:>6.0} (forecast {:.0}); rest of day x{:.2}, AHT x{:.2}",
                l.channel.as_str(),
                l.actual_so_far,
                l.forecast_so_far,
                l.expected_day,
                l.forecast_day,
                l.level,
                l.aht_level
            );
        }
        if let Some((today, _)) = &today {
            println!("\nThe day as staffed (absences taken off), against target:");
            for r in today
                .kpis
                .iter()
                .filter(|r| r.scope == Scope::Day || r.kpi == "agent_hours")
            {
                let shown = match r.kpi {
                    "abandon_rate" | "service_level" => format!("{:.1}%", r.predicted * 100.0),
                    "asa_seconds" => format!("{:.0} s", r.predicted),
                    "agent_hours" => format!("{:.1} agent-hours left", r.predicted),
                    _ => format!("{:.0}", r.predicted),
                };
                let target = match (r.kpi, r.target) {
                    ("abandon_rate" | "service_level", Some(t)) => format!("{:.0}%", t * 100.0),
                    ("asa_seconds", Some(t)) => format!("{t:.0} s"),
                    ("agent_hours", Some(t)) => format!("{t:.1} needed"),
                    _ => String::new(),
                };
                let verdict = match r.meets() {
                    Some(true) => "meets",
                    Some(false) => "MISSES",
                    None => "",
                };
                println!(
                    "  {:<12} {:<14} {:>22}  {:>10}  {verdict}",
                    r.channel.as_str(),
                    r.kpi,
                    shown,
                    target
                );
            }
            if today.actions.is_empty() {
                println!("\nNo action changes today's outlook by a contact or more.");
            } else {
                println!("\nWhat to do now, best first:");
                for a in &today.actions {
                    println!("  {}. {}", a.rank, a.description);
                }
            }
        }
        println!(
            "\nWrote {}{}",
            re_path.display(),
            if today.is_some() {
                ", kpis.csv and actions.csv"
            } else {
                ""
            }
        );
    }
    if out.json {
        let levels = &re.levels;
        let doc = serde_json::json!({
            "now": now.to_rfc3339(),
            "update": update,
            "levels": levels,
            "kpis": today.as_ref().map(|(t, _)| &t.kpis),
            "actions": today.as_ref().map(|(t, _)| &t.actions),
            "out_dir": args.out_dir.display().to_string(),
        });
        out.json(&doc)?;
    }
    Ok(())
}

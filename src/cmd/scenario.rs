//! `rota scenario`: what-if scenarios side by side with the baseline — required FTE, roster paid
//! hours and cost, and the abandon rate, ASA and service level the roster delivers per channel.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Duration, NaiveDate};
use rota_data::config::{CentreConfig, DemandQuantile};
use rota_data::demand::DemandSeries;
use rota_data::ingest::{read_history, IngestOptions};
use rota_plan::scenario::{
    apply_to_config, compare, render_html, render_table, write_csv, CompareOptions, Scenario,
};
use rota_roster::{SolveOptions, Weights};

use super::staff::Quantile;

/// Compare what-if scenarios with the baseline.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Centre configuration (TOML).
    #[arg(long)]
    pub config: PathBuf,
    /// Scenario file, or a directory of them (*.toml, in name order); repeatable.
    #[arg(long = "scenario", required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Interval history (CSV or CSV.gz) to forecast from (the forecast uses only history before
    /// --from).
    #[arg(
        long,
        required_unless_present = "forecast",
        conflicts_with = "forecast"
    )]
    pub history: Option<PathBuf>,
    /// A forecast CSV written by `rota forecast`, instead of forecasting from --history.
    #[arg(long)]
    pub forecast: Option<PathBuf>,
    /// First local date to plan (default: the day after the history ends).
    #[arg(long, requires = "history", value_parser = super::date::parse)]
    pub from: Option<NaiveDate>,
    /// Days to plan (1-28).
    #[arg(long, default_value_t = 7, requires = "history",
        value_parser = clap::builder::RangedI64ValueParser::<usize>::new().range(1..=28))]
    pub days: usize,
    /// Compare staffing requirements only (no roster and no roster KPIs): fast.
    #[arg(long)]
    pub no_roster: bool,
    /// Simulation replications per roster; 0 = judge each roster with the queueing formulas
    /// instead of simulating it.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub replications: u32,
    /// Simulation seed (the same seed gives the same figures).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Solver time limit per roster, seconds.
    #[arg(long, default_value_t = 15.0, value_parser = super::bounds::time_limit_s)]
    pub time_limit_s: f64,
    /// Relative MIP gap at which each roster solve may stop.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub mip_gap: f64,
    /// Run the scenarios in parallel (each roster solve then has less CPU within its time limit).
    #[arg(long)]
    pub parallel: bool,
    /// Forecast figure to plan for (default: the configuration's planning.demand_quantile).
    #[arg(long, value_enum)]
    pub quantile: Option<Quantile>,
    /// Directory for scenarios.txt (the table), scenarios.csv, scenarios.json, scenarios.html
    /// (self-contained page with charts) and forecast.csv.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

/// Scenario files: each file as given, each directory's *.toml files in name order.
fn scenario_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading the scenario directory {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            anyhow::ensure!(
                !files.is_empty(),
                "the scenario directory {} has no .toml files",
                p.display()
            );
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn load_forecast(args: &Args, config: &CentreConfig) -> anyhow::Result<DemandSeries> {
    if let Some(path) = &args.forecast {
        // The library errors name the file (and line): no context that would repeat it.
        return Ok(DemandSeries::read_csv_for(path, config)?);
    }
    let path = args
        .history
        .as_deref()
        .context("give --history or --forecast")?;
    let history = read_history(path, &IngestOptions::from_config(config))?;
    let from = match args.from {
        Some(d) => d,
        None => history.span().context("the history is empty")?.last_date() + Duration::days(1),
    };
    let demand = rota_plan::forecast(&history, config, from, args.days, &rota_plan::Silent)
        .and_then(|f| f.demand())
        .with_context(|| format!("forecasting {} days from {from}", args.days))?;
    Ok(demand)
}

fn write_outputs(
    dir: &Path,
    table: &str,
    cmp: &rota_plan::scenario::Comparison,
    forecast: &DemandSeries,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let p = dir.join("scenarios.txt");
    std::fs::write(&p, table).with_context(|| format!("writing {}", p.display()))?;
    let p = dir.join("scenarios.csv");
    let f = std::fs::File::create(&p).with_context(|| format!("creating {}", p.display()))?;
    write_csv(cmp, f).with_context(|| format!("writing {}", p.display()))?;
    let p = dir.join("scenarios.json");
    std::fs::write(&p, serde_json::to_string_pretty(cmp)?)
        .with_context(|| format!("writing {}", p.display()))?;
    let p = dir.join("scenarios.html");
    std::fs::write(&p, render_html(cmp)).with_context(|| format!("writing {}", p.display()))?;
    let p = dir.join("forecast.csv");
    forecast
        .write_csv(&p)
        .with_context(|| format!("writing {}", p.display()))?;
    Ok(())
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.mip_gap.is_finite() && args.mip_gap >= 0.0,
        "--mip-gap must be >= 0"
    );
    let config = CentreConfig::load(&args.config)?;
    let scenarios = scenario_files(&args.scenarios)?
        .iter()
        .map(|p| Scenario::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    // Every scenario must apply to the centre before the (slower) forecast runs.
    for s in &scenarios {
        apply_to_config(&config, s)?;
    }
    let forecast = load_forecast(&args, &config)?;
    let opts = CompareOptions {
        replications: args.replications,
        seed: args.seed,
        roster: !args.no_roster,
        solve: SolveOptions {
            time_limit_s: args.time_limit_s,
            mip_rel_gap: args.mip_gap,
            ..SolveOptions::default()
        },
        weights: Weights::default(),
        quantile: args.quantile.map(|q| match q {
            Quantile::Mean => DemandQuantile::Mean,
            Quantile::P10 => DemandQuantile::P10,
            Quantile::P50 => DemandQuantile::P50,
            Quantile::P90 => DemandQuantile::P90,
        }),
        fte_hours_per_week: None,
        parallel: args.parallel,
    };
    let steps = out.steps(
        scenarios.len() as u64 + 1,
        if opts.roster {
            "scenarios rostered and evaluated"
        } else {
            "scenarios staffed"
        },
    );
    steps.say(&format!(
        "running the baseline and {} scenario(s){}",
        scenarios.len(),
        if opts.roster {
            format!(" (one roster each, up to {:.0} s)", args.time_limit_s)
        } else {
            " (staffing only)".to_string()
        }
    ));
    let cmp = compare(&config, &forecast, &scenarios, &opts, &|line| {
        steps.done(&format!("  {line}"))
    });
    steps.finish();
    let cmp = cmp?;
    let table = render_table(&cmp);
    if out.text() {
        print!("{table}");
    }
    if let Some(dir) = &args.out_dir {
        write_outputs(dir, &table, &cmp, &forecast)?;
        if out.text() {
            println!(
                "wrote scenarios.txt, scenarios.csv, scenarios.json, scenarios.html, forecast.csv to {}",
                dir.display()
            );
        }
    }
    out.json(&cmp)
}

//! `rota staff`: required agents per channel and interval for a forecast, or (with `--evaluate`)
//! the KPIs a given staffing delivers.
//!
//! Reads the centre configuration and the forecast, works out the requirements with the planning
//! layer's `requirements` step (or evaluates a given staffing on the same demand), writes the CSV
//! and prints per-channel totals.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;

use anyhow::Context;
use clap::ValueEnum;
use rota_data::config::{CentreConfig, DemandQuantile};
use rota_data::demand::DemandSeries;
use rota_data::ingest::{read_history, IngestOptions};
use rota_data::summary::StaffingDelivered;
use rota_staffing::{read_agents_csv, summarise, write_staffing_csv, StaffingSummary};

/// Which forecast figure to plan for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Quantile {
    /// The forecast mean.
    Mean,
    /// The 10th percentile.
    P10,
    /// The median.
    P50,
    /// The 90th percentile (cautious).
    P90,
}

/// Required agents for a forecast, or KPIs for a given staffing.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Forecast CSV (or .csv.gz): interval_start, channel, offered_mean, offered_p10, offered_p50,
    /// offered_p90, aht_seconds.
    #[arg(long)]
    pub forecast: PathBuf,
    /// Centre configuration (TOML): channels, targets, patience, concurrency, shrinkage, hours.
    #[arg(long)]
    pub config: PathBuf,
    /// Output CSV: interval_start, channel, offered, aht_seconds, required_agents, abandon_rate,
    /// asa_seconds, service_level, occupancy, scheduled_heads.
    #[arg(long)]
    pub out: PathBuf,
    /// Predict the KPIs of the staffing in --agents instead of computing requirements.
    #[arg(long, requires = "agents")]
    pub evaluate: bool,
    /// Staffing CSV for --evaluate: interval_start, channel, agents.
    #[arg(long, requires = "evaluate")]
    pub agents: Option<PathBuf>,
    /// Forecast figure to plan for (default: the configuration's planning.demand_quantile).
    #[arg(long, value_enum)]
    pub quantile: Option<Quantile>,
    /// Interval history (CSV or CSV.gz) to print, beside the requirement, what the historic
    /// staffing delivered over its last complete weeks (agent-hours, peak, abandon rate, ASA).
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// Complete weeks of history to average for the comparison: 1 to 104.
    #[arg(long, default_value_t = 4, requires = "history",
        value_parser = clap::builder::RangedI64ValueParser::<usize>::new().range(1..=104))]
    pub history_weeks: usize,
}

pub fn run(args: Args, output: super::output::Output) -> anyhow::Result<()> {
    // The library errors name the file (and line): no context that would repeat it.
    let config = CentreConfig::load(&args.config)?;
    let forecast = DemandSeries::read_csv_for(&args.forecast, &config)?;
    let quantile = match args.quantile {
        None => config.centre().planning().demand_quantile(),
        Some(Quantile::Mean) => DemandQuantile::Mean,
        Some(Quantile::P10) => DemandQuantile::P10,
        Some(Quantile::P50) => DemandQuantile::P50,
        Some(Quantile::P90) => DemandQuantile::P90,
    };
    let needs = match rota_plan::requirements(&forecast, &config, quantile) {
        Err(rota_plan::PlanningError::NoDemand) => anyhow::bail!(
            "the forecast {} has no rows for the configured channels",
            args.forecast.display()
        ),
        other => other?,
    };
    let interval_s = needs.interval_s;
    let rows = match &args.agents {
        Some(agents_path) if args.evaluate => {
            let file = File::open(agents_path)
                .with_context(|| format!("opening the staffing file {}", agents_path.display()))?;
            let staffing =
                read_agents_csv(BufReader::new(file), &agents_path.display().to_string())?;
            needs.evaluate(&staffing)?
        }
        _ => needs.rows,
    };
    let out =
        File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    write_staffing_csv(&rows, BufWriter::new(out))
        .with_context(|| format!("writing {}", args.out.display()))?;
    let summary = summarise(&rows, interval_s);
    if output.text() {
        print_summary(&summary, args.evaluate, quantile);
    }
    let delivered = match &args.history {
        Some(path) => {
            let history = read_history(path, &IngestOptions::from_config(&config))?;
            let delivered = StaffingDelivered::last_weeks(&history, args.history_weeks);
            if output.text() {
                print_delivered(&summary, &delivered, forecast_days(&forecast));
            }
            Some(delivered)
        }
        None => None,
    };
    if output.text() {
        println!("wrote {} rows to {}", rows.len(), args.out.display());
    }
    output.json(&serde_json::json!({
        "evaluate": args.evaluate,
        "forecast_quantile": quantile.as_str(),
        "rows": rows.len(),
        "out": args.out.display().to_string(),
        "channels": summary,
        "historic_staffing": delivered,
    }))
}

fn print_summary(summary: &[StaffingSummary], evaluate: bool, quantile: DemandQuantile) {
    if evaluate {
        println!(
            "Predicted KPIs for the given staffing (forecast {}):",
            quantile.as_str()
        );
    } else {
        println!("Required staffing (forecast {}):", quantile.as_str());
    }
    println!(
        "{:<12} {:>10} {:>14} {:>14} {:>9} {:<26} {:>9} {:>9}",
        "channel",
        "offered",
        if evaluate {
            "agent-hours"
        } else {
            "required hrs"
        },
        "scheduled hrs",
        "peak",
        "peak at",
        "abandon",
        "SL"
    );
    for s in summary {
        println!(
            "{:<12} {:>10.0} {:>14.1} {:>14.1} {:>9.2} {:<26} {:>8.1}% {:>9}",
            s.channel,
            s.offered,
            s.required_agent_hours,
            s.scheduled_hours,
            s.peak_required,
            s.peak_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            100.0 * s.abandon_rate,
            s.service_level
                .map(|x| format!("{:.1}%", 100.0 * x))
                .unwrap_or_else(|| "-".into())
        );
    }
}

/// Local days the forecast spans (for scaling weekly history to the forecast horizon).
fn forecast_days(forecast: &DemandSeries) -> f64 {
    let mut dates: Vec<_> = forecast
        .records()
        .iter()
        .map(|r| r.interval_start().date_naive())
        .collect();
    dates.sort_unstable();
    dates.dedup();
    dates.len().max(1) as f64
}

/// The requirement beside what the historic staffing delivered, scaled to the forecast's days.
fn print_delivered(summary: &[StaffingSummary], delivered: &[StaffingDelivered], days: f64) {
    let Some(first) = delivered.first() else {
        println!("History: no complete week to compare with.");
        return;
    };
    println!(
        "\nBeside the historic staffing ({} complete weeks {} .. {}, scaled to {} days):",
        first.weeks, first.from, first.to, days
    );
    println!(
        "{:<12} {:>14} {:>14} {:>10} {:>10} {:>12} {:>10}",
        "channel",
        "required hrs",
        "history hrs",
        "peak req",
        "peak hist",
        "hist abandon",
        "hist ASA"
    );
    let scale = days / 7.0;
    for s in summary {
        let d = delivered.iter().find(|d| s.channel == d.channel.as_str());
        let hist_hours = d
            .and_then(|d| d.agent_hours_per_week)
            .map(|h| format!("{:.1}", h * scale))
            .unwrap_or_else(|| "-".into());
        let hist_peak = d
            .and_then(|d| d.peak_agents)
            .map(|p| format!("{p:.1}"))
            .unwrap_or_else(|| "-".into());
        let hist_abandon = d
            .and_then(|d| d.abandon_rate)
            .map(|a| format!("{:.1}%", 100.0 * a))
            .unwrap_or_else(|| "-".into());
        let hist_asa = d
            .and_then(|d| d.asa_seconds)
            .map(|a| {
                // Deferred channels answer in hours, queues in seconds.
                if a >= 3600.0 {
                    format!("{:.1} h", a / 3600.0)
                } else {
                    format!("{a:.0} s")
                }
            })
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<12} {:>14.1} {:>14} {:>10.2} {:>10} {:>12} {:>10}",
            s.channel,
            s.required_agent_hours,
            hist_hours,
            s.peak_required,
            hist_peak,
            hist_abandon,
            hist_asa
        );
    }
}

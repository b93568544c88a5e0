//! `rota brief`: the planned week on one HTML page (forecast contacts, agent-hours needed against
//! rostered, people, cost, and predicted abandon, ASA and service level per channel against
//! target), from the files `forecast`, `schedule` and `simulate` wrote.

use std::path::PathBuf;

use anyhow::Context;
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_plan::report::brief::{BriefChannel, BriefRoster, SimulationSummaryRow, WeekBrief};

/// The planned week's headline as one HTML page.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Centre configuration (TOML).
    #[arg(long)]
    pub config: PathBuf,
    /// The forecast (`rota forecast --out`).
    #[arg(long)]
    pub forecast: PathBuf,
    /// The roster directory (`rota schedule --out-dir`; its roster.json is read).
    #[arg(long)]
    pub roster: PathBuf,
    /// The simulation summary (`rota simulate` writes it beside --out as NAME.summary.csv).
    #[arg(long)]
    pub simulation: PathBuf,
    /// Links to list under the headline, as HREF=TEXT (repeatable).
    #[arg(long = "link", value_name = "HREF=TEXT")]
    pub links: Vec<String>,
    /// The HTML page to write.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    // The library errors name the file (and line): no context that would repeat it.
    let config = CentreConfig::load(&args.config)?;
    let forecast = DemandSeries::read_csv_for(&args.forecast, &config)?;
    let roster_json = args.roster.join("roster.json");
    let roster: BriefRoster = serde_json::from_str(
        &std::fs::read_to_string(&roster_json)
            .with_context(|| format!("reading {}", roster_json.display()))?,
    )
    .with_context(|| {
        format!(
            "{} is not a roster written by rota schedule",
            roster_json.display()
        )
    })?;
    let mut rows: Vec<SimulationSummaryRow> = Vec::new();
    let mut reader = csv::Reader::from_path(&args.simulation)
        .with_context(|| format!("reading {}", args.simulation.display()))?;
    for (i, row) in reader.deserialize().enumerate() {
        rows.push(row.with_context(|| {
            format!(
                "{}: line {}: not a simulation summary row",
                args.simulation.display(),
                i + 2
            )
        })?);
    }
    let (Some(first), Some(last)) = (
        forecast
            .records()
            .first()
            .map(|r| r.interval_start().date_naive()),
        forecast
            .records()
            .last()
            .map(|r| r.interval_start().date_naive()),
    ) else {
        anyhow::bail!("the forecast {} has no rows", args.forecast.display());
    };
    let channels = config
        .channels()
        .iter()
        .filter(|c| forecast.records().iter().any(|r| r.channel() == c.name()))
        .map(|c| {
            let name = c.name().as_str();
            let rostered = roster.summary.channels.iter().find(|r| r.channel == name);
            BriefChannel {
                channel: c.name().clone(),
                label: c.label().to_string(),
                kind: if c.kind().is_deferred() {
                    "deferred"
                } else {
                    "live"
                }
                .to_string(),
                forecast_contacts: forecast
                    .records()
                    .iter()
                    .filter(|r| r.channel() == c.name())
                    .map(|r| r.offered_mean())
                    .sum(),
                required_hours: rostered.map(|r| r.required_hours),
                rostered_hours: rostered.map(|r| r.scheduled_hours),
                abandon_rate: WeekBrief::predicted(&rows, name, "abandon_rate"),
                asa_seconds: WeekBrief::predicted(&rows, name, "asa_seconds"),
                service_level: WeekBrief::predicted(
                    &rows,
                    name,
                    if c.kind().is_deferred() {
                        "response_within_target"
                    } else {
                        "service_level"
                    },
                ),
            }
        })
        .collect();
    let brief = WeekBrief {
        centre: config.centre().name().to_string(),
        from: first,
        to: last,
        agents_available: config.agents().len(),
        agents_rostered: roster.summary.agents_rostered,
        paid_hours: roster.summary.paid_hours,
        paid_cost: roster.summary.paid_cost,
        currency: config.centre().currency().to_string(),
        channels,
    };
    let links: Vec<(&str, &str)> = args
        .links
        .iter()
        .map(|l| l.split_once('=').unwrap_or((l.as_str(), l.as_str())))
        .collect();
    std::fs::write(&args.out, brief.render_html(&links))
        .with_context(|| format!("writing {}", args.out.display()))?;
    if out.text() {
        let (met, judged) = brief.targets_met();
        println!(
            "{} to {}: {} contacts forecast; {} of {} agent-hours the targets need rostered; \
             {} {} for {} paid hours; {met} of {judged} targets met in the simulation",
            brief.from,
            brief.to,
            super::output::thousands(brief.channels.iter().map(|c| c.forecast_contacts).sum()),
            super::output::thousands(brief.channels.iter().filter_map(|c| c.rostered_hours).sum()),
            super::output::thousands(brief.channels.iter().filter_map(|c| c.required_hours).sum()),
            brief.currency,
            super::output::thousands(brief.paid_cost),
            super::output::thousands(brief.paid_hours),
        );
        println!("wrote {}", args.out.display());
    }
    out.json(&brief)
}

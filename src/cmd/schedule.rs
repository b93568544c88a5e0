//! `rota schedule`: build an optimised shift roster for a week from staffing requirements.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use rota_data::config::CentreConfig;
use rota_scheduler::roster::{
    adapter, requirements, schedule, Horizon, RosterError, SolveOptions, Weights,
};

/// Arguments of `rota schedule`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Centre configuration (TOML): channels, shift templates, contracts, agents.
    #[arg(long)]
    pub config: PathBuf,
    /// Staffing requirements CSV written by `rota staff`.
    #[arg(long)]
    pub requirements: PathBuf,
    /// First local date of the roster (YYYY-MM-DD).
    #[arg(long)]
    pub from: NaiveDate,
    /// Number of days to roster (1-28).
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// Directory for shifts.csv, activities.csv, coverage.csv and roster.json.
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Time limit for the solver, seconds; the best roster found by then is written with its gap.
    #[arg(long, default_value_t = 60.0)]
    pub time_limit_s: f64,
    /// Relative MIP gap at which the solver may stop early.
    #[arg(long, default_value_t = 0.005)]
    pub mip_gap: f64,
    /// Penalty per agent-hour of shortfall before the channel's priority factor.
    #[arg(long, default_value_t = Weights::DEFAULT_SHORTFALL)]
    pub shortfall_weight: f64,
    /// Penalty per hour of difference between an agent's start times on consecutive working days
    /// (0 = off, the default; see docs/ROSTER.md for its cost in solve time).
    #[arg(long, default_value_t = Weights::DEFAULT_SHIFT_CHANGE)]
    pub shift_change_weight: f64,
    /// Restrict every agent to their primary skill (the first listed): the specialists-only side
    /// of the multi-skilling comparison.
    #[arg(long)]
    pub specialists_only: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if !(args.time_limit_s.is_finite() && args.time_limit_s > 0.0) {
        anyhow::bail!("--time-limit-s must be a positive number of seconds");
    }
    if !(args.shift_change_weight.is_finite() && args.shift_change_weight >= 0.0) {
        anyhow::bail!("--shift-change-weight must be >= 0");
    }
    if !(args.mip_gap.is_finite() && args.mip_gap >= 0.0) {
        anyhow::bail!("--mip-gap must be >= 0");
    }
    let config = CentreConfig::load(&args.config)
        .with_context(|| format!("reading the configuration {}", args.config.display()))?;
    let grid = config.grid();
    let horizon = Horizon::new(grid.tz, args.from, args.days, grid.length.minutes())?;
    let req = requirements::read_requirements(&args.requirements, &horizon)?;
    let weights = Weights {
        shortfall_per_agent_hour: args.shortfall_weight,
        shift_change_per_hour: args.shift_change_weight,
        ..Weights::default()
    };
    let (mut problem, mut notes) = adapter::problem_from_config(&config, horizon, &req, weights)?;
    if args.specialists_only {
        problem = adapter::specialists_only(&config, &problem)?;
        notes.push("specialists only: every agent works their primary skill only".into());
    }
    let opts = SolveOptions {
        time_limit_s: args.time_limit_s,
        mip_rel_gap: args.mip_gap,
        ..SolveOptions::default()
    };
    let roster = match schedule(&problem, &opts) {
        Ok(r) => r,
        Err(RosterError::Infeasible(lines)) => {
            anyhow::bail!(
                "the contracts cannot be met whatever the demand:\n  {}",
                lines.join("\n  ")
            )
        }
        Err(e) => return Err(e.into()),
    };
    roster.write_dir(&args.out_dir)?;

    let s = &roster.summary;
    let cur = config.centre().currency();
    println!(
        "Roster {} to {} ({} agents rostered, {} shifts)",
        args.from,
        args.from + chrono::Duration::days(i64::from(args.days) - 1),
        s.agents_rostered,
        s.shifts
    );
    println!("  paid cost      {cur} {:.2}", s.paid_cost);
    let required: f64 = s.channels.iter().map(|c| c.required_hours).sum();
    let worked: f64 = s.channels.iter().map(|c| c.scheduled_hours).sum();
    println!("  paid hours     {:.2}", s.paid_hours);
    println!(
        "  worked hours   {worked:.2} on channels; sum of requirements {required:.2} agent-hours \
         (the lower bound; paid/required {:.3})",
        if required > 0.0 {
            s.paid_hours / required
        } else {
            0.0
        }
    );
    println!(
        "  objective      {:.2} (cost + shortfall and over-coverage penalties)",
        s.objective
    );
    println!(
        "  lower bound    {:.2} (LP relaxation of the full programme{})",
        s.bound,
        if s.solver.mip_bound.is_finite() {
            format!(", MIP dual bound {:.2}", s.solver.mip_bound)
        } else {
            String::new()
        }
    );
    println!("  gap to bound   {:.2} %", 100.0 * s.gap);
    println!(
        "  solver         {} {} | LP {:.1} s, MIP {:.1} s, allocation ({}) {:.1} s | {} variables ({} binary of {}), {} constraints",
        s.solver.strategy,
        s.solver.mip_status,
        s.solver.lp_seconds,
        s.solver.mip_seconds,
        s.solver.allocation,
        s.solver.allocation_seconds,
        s.solver.variables,
        s.solver.binaries,
        s.solver.full_binaries,
        s.solver.constraints
    );
    println!("  channel      required h  scheduled h  shortfall h  short intervals");
    for c in &s.channels {
        println!(
            "  {:<12} {:>10.2}  {:>11.2}  {:>11.2}  {:>15}",
            c.channel.as_str(),
            c.required_hours,
            c.scheduled_hours,
            c.shortfall_hours,
            c.intervals_short
        );
    }
    for n in &notes {
        println!("  note: {n}");
    }
    if !roster.diagnosis.is_empty() {
        println!("Diagnosis:");
        for d in &roster.diagnosis {
            println!("  - {d}");
        }
    }
    println!(
        "Wrote shifts.csv, activities.csv, coverage.csv, roster.json to {}",
        args.out_dir.display()
    );
    Ok(())
}

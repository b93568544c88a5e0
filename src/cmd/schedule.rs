//! `rota schedule`: build an optimised shift roster for a week from staffing requirements.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_plan::{PlanningError, RosterOptions};
use rota_roster::{
    hire, requirements, Objective, SolveOptions, TargetPeriod, TimestampStyle, Weights,
};

use super::output::thousands;
use super::progress::SolveBar;

/// Arguments of `rota schedule`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Centre configuration (TOML): channels, shift templates, contracts, agents.
    #[arg(long)]
    pub config: PathBuf,
    /// Staffing requirements CSV written by `rota staff`. With `--objective targets` it may be
    /// left out when `--forecast` is given: the requirements are then worked out from the
    /// forecast, as `rota staff` would.
    #[arg(long, required_unless_present = "forecast")]
    pub requirements: Option<PathBuf>,
    /// Forecast CSV written by `rota forecast`: with `--objective targets`, the offered contacts
    /// and AHT the roster is planned for (instead of `--requirements`); with `--verify`, the
    /// demand the roster is simulated against.
    #[arg(long)]
    pub forecast: Option<PathBuf>,
    /// Simulate the roster with this many replications and, where the simulation shows a target
    /// the programme meant to meet missed (its 95% interval wholly on the wrong side), plan that
    /// channel and day against a stricter target and roster again (`--objective targets`, needs
    /// `--forecast`); writes verification.csv.
    #[arg(long, requires = "forecast", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub verify: Option<u32>,
    /// With `--verify`: re-solves allowed after the first roster.
    #[arg(long, default_value_t = 3, requires = "verify", value_parser = clap::value_parser!(u32).range(0..=10))]
    pub verify_rounds: u32,
    /// With `--verify`: the simulation's master seed.
    #[arg(long, default_value_t = 7, requires = "verify")]
    pub verify_seed: u64,
    /// First local date of the roster (YYYY-MM-DD or DD/MM/YYYY).
    #[arg(long, value_parser = super::date::parse)]
    pub from: NaiveDate,
    /// Number of days to roster (1-42: up to six weeks in one solve).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=42))]
    pub days: u32,
    /// Roll on from the previous roster in this directory (its shifts.csv, as `rota schedule`
    /// writes it; it must end before --from): its last days count towards the consecutive days,
    /// its last shift starts the rest, its weekends the weekend rules over several weeks and its
    /// late shifts, Saturdays and bank holidays the fairness counts.
    #[arg(long, value_name = "DIR", conflicts_with = "verify")]
    pub after: Option<PathBuf>,
    /// Directory for shifts.csv, activities.csv, coverage.csv and roster.json.
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Time limit for the solver, seconds; the best roster found by then is written with its gap.
    #[arg(long, default_value_t = 60.0, value_parser = super::bounds::time_limit_s)]
    pub time_limit_s: f64,
    /// Relative MIP gap at which the solver may stop early.
    #[arg(long, default_value_t = 0.005, allow_negative_numbers = true)]
    pub mip_gap: f64,
    /// Penalty per agent-hour of shortfall before the channel's priority factor.
    #[arg(long, default_value_t = Weights::DEFAULT_SHORTFALL, allow_negative_numbers = true)]
    pub shortfall_weight: f64,
    /// Penalty per hour of difference between an agent's start times on consecutive working days
    /// (0 = off, the default; see docs/ROSTER.md for its cost in solve time).
    #[arg(long, default_value_t = Weights::DEFAULT_SHIFT_CHANGE, allow_negative_numbers = true)]
    pub shift_change_weight: f64,
    /// Restrict every agent to their primary skill (the first listed): the specialists-only side
    /// of the multi-skilling comparison.
    #[arg(long)]
    pub specialists_only: bool,
    /// Write the CSVs' dates and times as local DD/MM/YYYY HH:MM, which UK Excel opens as dates
    /// (default: RFC 3339 with offset; `rota simulate` reads both).
    #[arg(long)]
    pub excel_dates: bool,
    /// What the roster optimises besides paid cost: `coverage` (agents short of the requirement
    /// per interval, in tiers) or `targets` (each live channel's abandon, ASA and service-level
    /// targets over --target-period, a missed target costing per contact; docs/ROSTER.md).
    #[arg(long, default_value = "coverage", value_parser = parse_objective)]
    pub objective: Objective,
    /// With `--objective targets`: sum every live channel's targets over this period,
    /// `interval`, `day` or `week`, instead of each channel's `period` in the configuration
    /// (default there `day`: a bad Monday cannot hide in a good week).
    #[arg(long, value_parser = parse_period)]
    pub target_period: Option<TargetPeriod>,
    /// Let the roster add people of the configuration's `[[hire]]` options (as HIRE-001, ...)
    /// where they cost less than the gaps they fill; writes hires.csv (docs/ROSTER.md).
    #[arg(long)]
    pub hire: bool,
}

/// The forecast (if given) and the requirements a roster is planned for: the `rota staff` file,
/// or with the targets objective, worked out from the forecast as `rota staff` would.
pub(super) fn planned_for(
    requirements: Option<&Path>,
    forecast: Option<&Path>,
    objective: Objective,
    config: &CentreConfig,
    horizon: &rota_roster::Horizon,
) -> anyhow::Result<(Option<DemandSeries>, requirements::RequirementSeries)> {
    let demand = match forecast {
        Some(f) => Some(DemandSeries::read_csv_for(f, config)?),
        None => None,
    };
    let req = match (requirements, &demand) {
        (Some(path), _) => requirements::read_requirements(path, horizon)?,
        (None, Some(demand)) if objective == Objective::Targets => {
            let quantile = config.centre().planning().demand_quantile();
            match rota_plan::requirements(demand, config, quantile) {
                Err(PlanningError::NoDemand) => anyhow::bail!(
                    "the forecast {} has no rows for the configured channels",
                    forecast.unwrap_or(Path::new("")).display()
                ),
                other => other?,
            }
            .on(horizon)
        }
        (None, _) => anyhow::bail!(
            "the coverage objective plans against a requirements file: give --requirements \
             (written by `rota staff`), or use --objective targets with --forecast"
        ),
    };
    Ok((demand, req))
}

pub(super) fn parse_objective(s: &str) -> Result<Objective, String> {
    s.parse()
        .map_err(|e: rota_roster::RosterError| e.to_string())
}

pub(super) fn parse_period(s: &str) -> Result<TargetPeriod, String> {
    s.parse()
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    if !(args.shift_change_weight.is_finite() && args.shift_change_weight >= 0.0) {
        anyhow::bail!("--shift-change-weight must be >= 0");
    }
    if !(args.mip_gap.is_finite() && args.mip_gap >= 0.0) {
        anyhow::bail!("--mip-gap must be >= 0");
    }
    // The library errors name the file (and line): no context that would repeat it.
    let config = CentreConfig::load(&args.config)?;
    let horizon = rota_plan::horizon(&config, args.from, args.days)?;
    if args.verify.is_some() && args.objective != Objective::Targets {
        anyhow::bail!(
            "--verify compares the targets objective's predictions with the simulation: add \
             --objective targets"
        );
    }
    let (demand, req) = planned_for(
        args.requirements.as_deref(),
        args.forecast.as_deref(),
        args.objective,
        &config,
        &horizon,
    )?;
    let history = args
        .after
        .as_deref()
        .map(|dir| previous_roster(dir, &config, args.from))
        .transpose()?;

    let options = RosterOptions {
        solve: SolveOptions {
            time_limit_s: args.time_limit_s,
            mip_rel_gap: args.mip_gap,
            objective: args.objective,
            target_period: args.target_period,
            hire: args.hire,
            ..SolveOptions::default()
        },
        weights: Weights {
            shortfall_per_agent_hour: args.shortfall_weight,
            shift_change_per_hour: args.shift_change_weight,
            ..Weights::default()
        },
        specialists_only: args.specialists_only,
        retry_longer: false,
    };
    let bar = SolveBar::new(&out, args.time_limit_s);
    let verified = match (args.verify, &demand) {
        (Some(replications), Some(demand)) => Some(rota_plan::verified_roster(
            &req,
            demand,
            &config,
            horizon.clone(),
            &options,
            &rota_plan::Verification {
                replications,
                rounds: args.verify_rounds,
                simulation: rota_simulation::SimulationOptions {
                    seed: args.verify_seed,
                    ..Default::default()
                },
            },
            &bar,
        )),
        _ => None,
    };
    let (planned, verified) = match verified {
        Some(Ok(v)) => (Ok(v.planned.clone()), Some(v)),
        Some(Err(e)) => (Err(e), None),
        None => (
            rota_plan::roster_after(&req, &config, horizon, &options, history, &bar),
            None,
        ),
    };
    bar.finish();
    let planned = match planned {
        Ok(p) => p,
        // The contracts' reasons, one per line, without the error chain's prefix.
        Err(e @ PlanningError::ContractsCannotBeMet(_)) => anyhow::bail!("{e}"),
        Err(e) => return Err(e.into()),
    };
    let (roster, notes, fairness, violations) = (
        planned.roster,
        planned.notes,
        planned.fairness,
        planned.violations,
    );
    let style = if args.excel_dates {
        TimestampStyle::Excel
    } else {
        TimestampStyle::Rfc3339
    };
    roster.write_dir_with(&args.out_dir, style)?;
    if let Some(v) = &verified {
        let path = args.out_dir.join("verification.csv");
        std::fs::File::create(&path)
            .map_err(anyhow::Error::from)
            .and_then(|f| v.write_csv(std::io::BufWriter::new(f)).map_err(Into::into))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let hire_options = rota_roster::adapter::hire_options(&config);
    let hires = args
        .hire
        .then(|| hire::hires_of(&hire_options, &roster, args.days as usize));
    if let Some(rows) = &hires {
        let path = args.out_dir.join("hires.csv");
        std::fs::File::create(&path)
            .and_then(|mut f| hire::write_hires(rows, &mut f))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    write_calendars(&config, &args.out_dir)?;
    let path = args.out_dir.join("fairness.csv");
    std::fs::File::create(&path)
        .map_err(anyhow::Error::from)
        .and_then(|f| {
            fairness
                .write_csv(std::io::BufWriter::new(f))
                .map_err(Into::into)
        })
        .with_context(|| format!("writing {}", path.display()))?;
    let last = args.from + chrono::Duration::days(i64::from(args.days) - 1);
    if out.text() {
        print_roster(&args, &config, last, &roster, &notes, out.verbose);
        for line in fairness.lines() {
            println!("  fairness: {line}");
        }
        print_checked(&violations);
        if let Some(rows) = &hires {
            print_hires(rows, &roster, config.centre().currency(), args.days);
        }
        if let Some(v) = &verified {
            print_verification(v, config.centre().currency());
        }
    }
    out.json(&serde_json::json!({
        "from": args.from,
        "to": last,
        "out_dir": args.out_dir.display().to_string(),
        "summary": roster.summary,
        "fairness": fairness,
        "violations": violations,
        "notes": notes,
        "diagnosis": roster.diagnosis,
        "hires": hires,
        "predicted": roster.predicted,
        "verification": verified.as_ref().map(|v| serde_json::json!({
            "rounds": v.rounds,
            "chosen": v.chosen,
            "confirmed": v.confirmed,
            "converged": v.converged,
            "rows": v.rows,
        })),
    }))
}

/// The independent checker's verdict on the roster written: every contract rule, across weeks
/// and against the previous roster (`--after`) included.
fn print_checked(violations: &[rota_roster::Violation]) {
    if violations.is_empty() {
        println!(
            "  rules: every contract rule holds, across weeks and the previous roster too \
             (independent checker)"
        );
        return;
    }
    println!(
        "  rules: {} broken (independent checker):",
        violations.len()
    );
    for v in violations.iter().take(10) {
        println!(
            "    {} {}: {}",
            v.rule,
            v.agent.as_deref().unwrap_or("-"),
            v.message
        );
    }
    if violations.len() > 10 {
        println!(
            "    and {} more (--json lists them all)",
            violations.len() - 10
        );
    }
}

/// The previous roster a plan rolls on from (`--after DIR`), read with the one roster reader.
/// Its files hold shifts, not the days planned, so it is taken to cover whole weeks from its
/// first day (a Sunday the centre is closed has no shift but was planned), up to the day before
/// `from` at most.
fn previous_roster(
    dir: &Path,
    config: &CentreConfig,
    from: NaiveDate,
) -> anyhow::Result<rota_roster::multiweek::History> {
    let plan = rota_simulation::RosterPlan::read_dir(dir, config)
        .with_context(|| format!("reading the previous roster (--after {})", dir.display()))?;
    let (first, last) = (plan.first_date(), plan.last_date());
    let weeks = ((last - first).num_days() / 7 + 1) * 7;
    let whole_weeks = first + chrono::Duration::days(weeks - 1);
    Ok(rota_roster::multiweek::History {
        first,
        last: whole_weeks.min(from - chrono::Duration::days(1)).max(last),
        shifts: plan
            .shifts()
            .iter()
            .map(|s| rota_roster::multiweek::PastShift {
                agent_id: s.agent_id.clone(),
                date: s.date,
                start: s.start,
                end: s.end,
            })
            .collect(),
    })
}

/// The periods the live channels' targets are summed over as configured: `day`, or e.g.
/// `day (voice), week (chat)` when they differ.
fn configured_periods(config: &CentreConfig) -> String {
    let live: Vec<_> = config
        .channels()
        .iter()
        .filter(|c| c.kind().is_live())
        .map(|c| (c.name().as_str(), c.targets().period()))
        .collect();
    let first = live.first().map(|(_, p)| *p).unwrap_or_default();
    if live.iter().all(|(_, p)| *p == first) {
        return first.to_string();
    }
    live.iter()
        .map(|(n, p)| format!("{p} ({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the verification found, round by round, in a planner's words: the targets the roster
/// was meant to meet that the simulation shows missed, which round's roster was kept, and the
/// week per channel as predicted and as simulated.
fn print_verification(v: &rota_plan::VerifiedRoster, cur: &str) {
    use rota_data::config::Kpi;
    let show = |kpi: Kpi, x: f64| match kpi {
        Kpi::AsaSeconds => format!("{x:.0} s"),
        _ => format!("{:.1}%", 100.0 * x),
    };
    println!(
        "Verified by simulation ({} replications a round, {} roster{}):",
        v.simulation.replications,
        v.rounds,
        if v.rounds == 1 { "" } else { "s" }
    );
    for round in 1..=v.rounds {
        let rows: Vec<_> = v.rows.iter().filter(|r| r.round == round).collect();
        let missed: Vec<String> = rows
            .iter()
            .filter(|r| r.period != "week" && rota_plan::verify::missed_meant(r))
            .map(|r| {
                format!(
                    "{} {} {} {} (predicted {}, target {})",
                    r.channel.as_str(),
                    r.period,
                    r.kpi.label(),
                    show(r.kpi, r.simulated),
                    show(r.kpi, r.predicted),
                    show(r.kpi, r.target)
                )
            })
            .collect();
        let moved = rows.iter().filter(|r| r.next_plan_target.is_some()).count();
        let verdict = if missed.is_empty() {
            "every target the programme meant to meet is met in simulation (or missed only \
             within its 95% interval)"
                .to_string()
        } else {
            let more = missed.len().saturating_sub(3);
            format!(
                "{} target{} the plan meant to meet missed in simulation: {}{}",
                missed.len(),
                if missed.len() == 1 { "" } else { "s" },
                missed[..missed.len().min(3)].join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            )
        };
        println!("  round {round}: {verdict}");
        if moved > 0 && round < v.rounds {
            println!(
                "    {moved} day target{} planned again, moved by the difference between \
                 prediction and simulation (verification.csv, next_plan_target)",
                if moved == 1 { "" } else { "s" }
            );
        }
    }
    let kept = if v.confirmed[v.chosen as usize - 1] {
        "the cheapest roster the simulation confirms"
    } else {
        "no roster was confirmed; the last"
    };
    println!(
        "  kept round {}'s roster ({kept}), {cur} {}",
        v.chosen,
        thousands(v.planned.roster.summary.paid_cost)
    );
    if !v.converged {
        println!("  stopped after the rounds allowed (--verify-rounds)");
    }
    println!("  the week, predicted by the programme and simulated (95% interval):");
    for r in v
        .rows
        .iter()
        .filter(|r| r.round == v.chosen && r.period == "week")
    {
        println!(
            "    {:<10} {:<24} predicted {:>7}  simulated {:>7} ({} to {})  target {}",
            r.channel.as_str(),
            r.kpi.label(),
            show(r.kpi, r.predicted),
            show(r.kpi, r.simulated),
            show(r.kpi, r.lo),
            show(r.kpi, r.hi),
            show(r.kpi, r.target)
        );
    }
}

/// The hires in a manager's words, beside what today's people cost.
fn print_hires(rows: &[hire::HireRow], roster: &rota_roster::Roster, cur: &str, days: u32) {
    let hired: usize = rows.iter().map(|r| r.count).sum();
    let per_week = 7.0 / f64::from(days.max(1));
    let hires_pay: f64 = rows.iter().map(|r| r.weekly_pay).sum();
    let today = roster.summary.paid_cost * per_week - hires_pay;
    let people = roster.summary.agents_rostered - hired;
    let kinds: Vec<String> = rows
        .iter()
        .filter(|r| r.count > 0)
        .map(|r| format!("{} {}", r.count, r.label))
        .collect();
    let cost: f64 = rows.iter().map(|r| r.weekly_cost).sum();
    if hired == 0 {
        println!(
            "Hiring: nobody; no option costs less than the gaps it would fill (today's {people} \
             people: {cur} {} a week)",
            thousands(today)
        );
    } else {
        // where gaps remain, more hires would cost more than the gaps (or max_count is reached)
        let short: f64 = roster
            .summary
            .channels
            .iter()
            .map(|c| c.shortfall_hours)
            .sum();
        println!(
            "{}: {hired} more {} ({}), {cur} {} a week with their one-off costs, beside {cur} {} \
             a week for today's {people} people (hires.csv)",
            if short < 0.5 {
                "To meet the targets"
            } else {
                "Best staffing for the targets"
            },
            if hired == 1 { "person" } else { "people" },
            kinds.join(", "),
            thousands(cost),
            thousands(today)
        );
    }
}

/// The roster in a planner's words: people, shifts, hours, cost and the hours short per channel.
/// The programme's own figures (objective, bounds, solver statistics) only with `--verbose`.
fn print_roster(
    args: &Args,
    config: &CentreConfig,
    last: chrono::NaiveDate,
    roster: &rota_roster::Roster,
    notes: &[String],
    verbose: bool,
) {
    let s = &roster.summary;
    let cur = config.centre().currency();
    println!(
        "Roster {} to {}: {} people on {} shifts, {} paid hours, cost {cur} {}",
        args.from.format("%a %d %b %Y"),
        last.format("%a %d %b %Y"),
        s.agents_rostered,
        s.shifts,
        thousands(s.paid_hours),
        thousands(s.paid_cost)
    );
    let required: f64 = s.channels.iter().map(|c| c.required_hours).sum();
    let worked: f64 = s.channels.iter().map(|c| c.scheduled_hours).sum();
    if required > 0.0 {
        println!(
            "  {} hours on channels, against {} hours the targets need ({:.0}%)",
            thousands(worked),
            thousands(required),
            100.0 * worked / required
        );
    }
    println!("  channel      needed h  rostered h    short h  intervals short");
    for c in &s.channels {
        println!(
            "  {:<12} {:>8}  {:>10} {:>10}  {:>15}",
            c.channel.as_str(),
            thousands(c.required_hours),
            thousands(c.scheduled_hours),
            if c.shortfall_hours > 0.0 && c.shortfall_hours < 0.5 {
                "<1".to_string()
            } else {
                thousands(c.shortfall_hours)
            },
            c.intervals_short
        );
    }
    if let Some(rules) = s.stints.rules {
        println!(
            "  channel switches per shift: median {}, most {} (the centre allows {}; stints of at least {} minutes{})",
            s.stints.median_switches,
            s.stints.max_switches,
            rules.max_switches_per_shift,
            rules.min_stint_minutes,
            match s.stints.short_stints {
                0 => String::new(),
                n => format!(", {n} shorter"),
            }
        );
    }
    for a in &s.activities {
        println!("  {}", activity_line(a));
    }
    println!(
        "  quality: at most {:.1}% from the best roster these people and rules allow{}",
        100.0 * s.gap,
        if s.solver.mip_status.contains("TimeLimit") {
            format!(" (stopped at the {:.0} s time limit)", args.time_limit_s)
        } else {
            String::new()
        }
    );
    if verbose {
        println!(
            "  objective      {:.2} ({})",
            s.objective,
            match args.objective {
                Objective::Coverage => "cost + shortfall and over-coverage penalties".to_string(),
                Objective::Targets => format!(
                    "cost + {} per contact over the targets, summed per {}, times the channel's priority factor",
                    if args.hire {
                        rota_roster::ProgrammeTargets::HIRE_PENALTY_PER_CONTACT
                    } else {
                        rota_roster::ProgrammeTargets::DEFAULT_PENALTY_PER_CONTACT
                    },
                    args.target_period.map_or_else(
                        || configured_periods(config),
                        |p| p.to_string()
                    )
                ),
            }
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
    }
    for n in notes {
        println!("  note: {n}");
    }
    if !roster.diagnosis.is_empty() {
        // a screenful; the whole list is in roster.json (and printed with --verbose)
        const SHOWN: usize = 20;
        println!("Diagnosis:");
        let shown = if verbose { usize::MAX } else { SHOWN };
        for d in roster.diagnosis.iter().take(shown) {
            println!("  - {d}");
        }
        let more = roster.diagnosis.len().saturating_sub(shown);
        if more > 0 {
            println!(
                "  ... and {more} more in roster.json (`diagnosis`; all of them with --verbose)"
            );
        }
    }
    println!(
        "Wrote shifts.csv, activities.csv, coverage.csv, roster.json and calendars/ (one .ics per \
         agent) to {}",
        args.out_dir.display()
    );
}

/// Each rostered agent's own schedule, `calendars/<agent id>.ics`, to import into a phone or
/// Outlook calendar: the roster just written, read back as `rota export --format ics` reads it (the
/// one calendar writer, `rota_export`; hired people named from `hires.csv`).
fn write_calendars(config: &CentreConfig, dir: &Path) -> anyhow::Result<()> {
    let schedule = super::export::read_schedule(config.clone(), dir)?;
    rota_export::write_dir(
        &schedule,
        rota_export::Format::Ics,
        &dir.join("calendars"),
        chrono::Utc::now(),
    )?;
    Ok(())
}

/// One planned activity in a planner's words: "Team meeting: 3 meetings, 39 of 45 attended",
/// "Training: 44 of 45 h placed (NH013 not)", "Facilities duty: 28 h, 4-4 h each (allowed 4-8)".
fn activity_line(a: &rota_roster::activities::ActivityReport) -> String {
    use rota_roster::activities::ActivityStyle;
    let h = |x: f64| {
        if (x - x.round()).abs() < 1e-9 {
            format!("{}", x.round())
        } else {
            format!("{x:.1}")
        }
    };
    let short = if a.short.is_empty() {
        String::new()
    } else {
        let ids: Vec<&str> = a.short.iter().take(3).map(|s| s.0.as_str()).collect();
        let more = a.short.len().saturating_sub(3);
        format!(
            "; not placed for {}{}",
            ids.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )
    };
    match a.style {
        ActivityStyle::Together => {
            let attended: usize = a.meetings.iter().map(|m| m.attendees).sum();
            let members: usize = a.meetings.iter().map(|m| m.members).sum();
            let when: Vec<String> = a
                .meetings
                .iter()
                .map(|m| {
                    format!(
                        "{} {}",
                        if m.team.is_empty() { "all" } else { &m.team },
                        m.start
                    )
                })
                .collect();
            format!(
                "{}: {} meeting{}, {attended} of {members} attended ({})",
                a.label,
                a.meetings.len(),
                if a.meetings.len() == 1 { "" } else { "s" },
                when.join(", ")
            )
        }
        ActivityStyle::Individual => format!(
            "{}: {} of {} h placed for {} people{short}",
            a.label,
            h(a.hours),
            h(a.hours_required),
            a.agents
        ),
        ActivityStyle::FillQuietTime => format!(
            "{}: {} h for {} people, {}-{} h each (allowed {}-{} h a week){short}",
            a.label,
            h(a.hours),
            a.agents,
            h(a.min_agent_hours),
            h(a.max_agent_hours),
            h(a.allowed_hours.0),
            h(a.allowed_hours.1)
        ),
    }
}

//! `rota replan`: re-plan a published week around an absence (the sickness call), changing as few
//! of the other shifts as the service needs.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use rota_data::config::CentreConfig;
use rota_plan::{Absence, PlanningError, ReplanRequest, RosterOptions};
use rota_roster::replan::Baseline;
use rota_roster::{Objective, SolveOptions, TargetPeriod, TimestampStyle, Weights};
use rota_simulation::RosterPlan;

use super::progress::SolveBar;

/// Arguments of `rota replan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Centre configuration (TOML).
    #[arg(long)]
    pub config: PathBuf,
    /// The published roster's directory (its shifts.csv and activities.csv, as `rota schedule`
    /// wrote them). Its first and last dates are the week re-planned.
    #[arg(long)]
    pub roster: PathBuf,
    /// Staffing requirements CSV written by `rota staff` (as for `rota schedule`).
    #[arg(long, required_unless_present = "forecast")]
    pub requirements: Option<PathBuf>,
    /// Forecast CSV written by `rota forecast`: with `--objective targets`, the contacts the week
    /// is planned for (instead of `--requirements`).
    #[arg(long)]
    pub forecast: Option<PathBuf>,
    /// An absent agent and the local days away: `AGENT:FIRST[..LAST]`, e.g.
    /// `NH013:2026-11-18..2026-11-20` (whole days; repeat for more people).
    #[arg(long = "absent", value_parser = parse_absent)]
    pub absent: Vec<(String, NaiveDate, NaiveDate)>,
    /// Absences CSV (`agent_id,from,to[,reason]`, times RFC 3339 or local `YYYY-MM-DD HH:MM`),
    /// for part days; the format `rota intraday --absences` reads.
    #[arg(long)]
    pub absences: Option<PathBuf>,
    /// First day that may change (YYYY-MM-DD or DD/MM/YYYY); earlier days stay as published.
    /// Default: the first day of the earliest absence.
    #[arg(long, value_parser = super::date::parse)]
    pub open_from: Option<NaiveDate>,
    /// What moving one shift is worth, in the currency of pay and penalties: a shift moves only
    /// where that wins back more. The default is two agent-hours short of the requirement at the
    /// default shortfall weight, or about eight contacts lost against the targets.
    #[arg(long, default_value_t = Baseline::DEFAULT_MOVE_COST, value_parser = move_cost)]
    pub move_cost: f64,
    /// Only show what the absence does to the published week, per channel and day (a manager
    /// deciding on a time-off request): no re-plan, nothing moves.
    #[arg(long)]
    pub preview: bool,
    /// Directory for the re-planned shifts.csv, activities.csv, coverage.csv, roster.json, and
    /// changes.csv (every changed shift) and service_change.csv (per channel and day).
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Time limit for each solve, seconds.
    #[arg(long, default_value_t = 30.0, value_parser = super::bounds::time_limit_s)]
    pub time_limit_s: f64,
    /// What the roster optimises besides paid cost: `coverage` or `targets` (as `rota schedule`).
    #[arg(long, default_value = "coverage", value_parser = super::schedule::parse_objective)]
    pub objective: Objective,
    /// With `--objective targets`: the period the targets are summed over.
    #[arg(long, value_parser = super::schedule::parse_period)]
    pub target_period: Option<TargetPeriod>,
    /// Write the CSVs' dates and times as local DD/MM/YYYY HH:MM.
    #[arg(long)]
    pub excel_dates: bool,
}

fn move_cost(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=1e6).contains(&x) => Ok(x),
        _ => Err(format!(
            "{s} is not a cost of a moved shift; expected a number from 0 to 1000000"
        )),
    }
}

/// `AGENT:FIRST[..LAST]`.
fn parse_absent(s: &str) -> Result<(String, NaiveDate, NaiveDate), String> {
    let expected = "expected AGENT:FIRST[..LAST], e.g. NH013:2026-11-18..2026-11-20";
    let (agent, days) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}`: no `:` after the agent; {expected}"))?;
    let agent = agent.trim();
    if agent.is_empty() {
        return Err(format!("`{s}`: no agent before `:`; {expected}"));
    }
    let (first, last) = match days.split_once("..") {
        Some((a, b)) => (super::date::parse(a)?, super::date::parse(b)?),
        None => {
            let d = super::date::parse(days)?;
            (d, d)
        }
    };
    if last < first {
        return Err(format!(
            "`{s}`: the last day {last} is before the first {first}"
        ));
    }
    Ok((agent.to_string(), first, last))
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    let config = CentreConfig::load(&args.config)?;
    let plan = RosterPlan::read_dir(&args.roster, &config)?;
    let (first, last) = (plan.first_date(), plan.last_date());
    let days = u32::try_from((last - first).num_days() + 1).unwrap_or(u32::MAX);
    let horizon = rota_plan::horizon(&config, first, days)?;
    let absences = absences(&args, &config, first, last)?;
    if absences.is_empty() {
        anyhow::bail!(
            "nobody is absent: give --absent AGENT:FIRST[..LAST] or --absences FILE (a re-plan \
             without an absence would only move shifts the published week already has right)"
        );
    }
    let open_from = args.open_from.unwrap_or_else(|| {
        let tz = config.grid().tz;
        absences
            .iter()
            .map(|a| a.from.with_timezone(&tz).date_naive())
            .min()
            .unwrap_or(first)
            .max(first)
    });
    if open_from < first || open_from > last {
        anyhow::bail!(
            "--open-from {open_from} is outside the published roster's days {first} to {last}"
        );
    }
    let (_, req) = super::schedule::planned_for(
        args.requirements.as_deref(),
        args.forecast.as_deref(),
        args.objective,
        &config,
        &horizon,
    )?;
    let options = RosterOptions {
        solve: SolveOptions {
            time_limit_s: args.time_limit_s,
            objective: args.objective,
            target_period: args.target_period,
            ..SolveOptions::default()
        },
        weights: Weights::default(),
        specialists_only: false,
        retry_longer: false,
    };
    let request = ReplanRequest {
        published: rota_plan::replan::published_shifts(&plan),
        absences,
        open_from,
        move_cost: args.move_cost,
        preview: args.preview,
    };
    let bar = SolveBar::new(&out, args.time_limit_s * 2.0);
    let replanned = rota_plan::replan(&req, &config, horizon, &options, &request, &bar);
    bar.finish();
    let replanned = match replanned {
        Ok(r) => r,
        Err(e @ PlanningError::ContractsCannotBeMet(_)) => anyhow::bail!("{e}"),
        Err(e) => return Err(e.into()),
    };
    let style = if args.excel_dates {
        TimestampStyle::Excel
    } else {
        TimestampStyle::Rfc3339
    };
    replanned.roster.write_dir_with(&args.out_dir, style)?;
    write_csv(&args.out_dir.join("changes.csv"), &replanned.report.changes)?;
    write_csv(&args.out_dir.join("service_change.csv"), &replanned.kpis)?;
    if out.text() {
        print(&request, &replanned, &config, out.verbose);
    }
    out.json(&serde_json::json!({
        "from": first,
        "to": last,
        "open_from": open_from,
        "out_dir": args.out_dir.display().to_string(),
        "changes": replanned.report,
        "service": replanned.kpis,
        "summary": replanned.roster.summary,
        "as_published": replanned.as_published.summary,
        "notes": replanned.notes,
        "diagnosis": replanned.roster.diagnosis,
        "violations": replanned.violations,
    }))
}

fn write_csv<T: serde::Serialize>(path: &Path, rows: &[T]) -> anyhow::Result<()> {
    let write = || -> anyhow::Result<()> {
        let mut w = csv::Writer::from_path(path)?;
        for r in rows {
            w.serialize(r)?;
        }
        w.flush()?;
        Ok(())
    };
    write().with_context(|| format!("writing {}", path.display()))
}

/// The absences of `--absent` (whole local days) and `--absences`, each inside the published
/// days and of a configured agent.
fn absences(
    args: &Args,
    config: &CentreConfig,
    first: NaiveDate,
    last: NaiveDate,
) -> anyhow::Result<Vec<Absence>> {
    let tz = config.grid().tz;
    let midnight = |d: NaiveDate| -> anyhow::Result<DateTime<FixedOffset>> {
        let local = tz
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .with_context(|| format!("local midnight of {d} does not exist in {tz}"))?;
        Ok(local.fixed_offset())
    };
    let mut out = Vec::new();
    for (agent, from, to) in &args.absent {
        if config.agent(agent).is_none() {
            anyhow::bail!(
                "--absent {agent}: no such agent in {}",
                args.config.display()
            );
        }
        if *to < first || *from > last {
            anyhow::bail!(
                "--absent {agent}:{from}..{to} is outside the published roster's days {first} to \
                 {last}"
            );
        }
        out.push(Absence {
            agent_id: agent.clone(),
            from: midnight(*from)?,
            to: midnight(*to + Duration::days(1))?,
            reason: "absent".into(),
        });
    }
    if let Some(p) = &args.absences {
        let f = std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?;
        let read =
            rota_intraday::read_absences(f, &p.display().to_string(), &config.grid(), |id| {
                config.agent(id).is_some()
            })?;
        out.extend(read.into_iter().map(|a| Absence {
            agent_id: a.agent_id,
            from: a.from,
            to: a.to,
            reason: a.reason,
        }));
    }
    Ok(out)
}

/// The re-plan in a planner's words: who is away and what it costs the week, how many of the
/// other shifts change and which, and the service per channel and day as published, without the
/// absent, and re-planned (or, with `--preview`, the first two only).
fn print(request: &ReplanRequest, r: &rota_plan::Replanned, config: &CentreConfig, verbose: bool) {
    let tz = config.grid().tz;
    let away: Vec<&str> = request
        .absences
        .iter()
        .map(|a| a.agent_id.as_str())
        .collect();
    for a in &request.absences {
        println!(
            "{} away from {} to {} ({})",
            a.agent_id,
            a.from.with_timezone(&tz).format("%a %d %b %H:%M"),
            a.to.with_timezone(&tz).format("%a %d %b %H:%M"),
            a.reason
        );
    }
    let rep = &r.report;
    let cur = config.centre().currency();
    if request.preview {
        println!(
            "Preview, nothing re-planned: {} published shift{} from {} lost to the absence.",
            rep.lost_to_absence,
            if rep.lost_to_absence == 1 { "" } else { "s" },
            request.open_from.format("%a %d %b")
        );
    } else {
        println!(
            "Re-planned from {}: {} published shift{} lost to the absence; {} of the other {} \
             shifts changed ({:.1}%): {} moved, {} taken off, {} added; {} kept as published.",
            request.open_from.format("%a %d %b"),
            rep.lost_to_absence,
            if rep.lost_to_absence == 1 { "" } else { "s" },
            rep.changed(),
            rep.open_shifts,
            100.0 * rep.changed_share(),
            rep.moved,
            rep.removed,
            rep.added,
            rep.kept
        );
        for c in &rep.changes {
            println!(
                "  {} {}: {} -> {}",
                c.agent_id,
                c.date.format("%a %d %b"),
                c.before,
                c.after
            );
        }
    }
    println!(
        "Paid cost {cur} {:.0} as published, {cur} {:.0} without {}{}.",
        r.published.summary.paid_cost,
        r.as_published.summary.paid_cost,
        away.join(", "),
        if request.preview {
            String::new()
        } else {
            format!(", {cur} {:.0} re-planned", r.roster.summary.paid_cost)
        }
    );
    println!(
        "Service on the open days (as published -> without {}{}):",
        away.join(", "),
        if request.preview {
            ""
        } else {
            " -> re-planned"
        }
    );
    let columns = |p: f64, b: f64, a: f64, show: &dyn Fn(f64) -> String| {
        let mut v = vec![show(p), show(b)];
        if !request.preview {
            v.push(show(a));
        }
        v.join(" -> ")
    };
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    // the channels and days the absence or the re-plan changes
    let same = |x: f64, y: f64| (x - y).abs() < 0.05;
    let same_rate = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => (x - y).abs() < 0.0005,
        _ => x.is_none() && y.is_none(),
    };
    let changed: Vec<&rota_plan::KpiChange> = r
        .kpis
        .iter()
        .filter(|k| {
            !(same(k.short_hours_published, k.short_hours_before)
                && same(k.short_hours_before, k.short_hours_after)
                && same_rate(k.abandon_published, k.abandon_before)
                && same_rate(k.abandon_before, k.abandon_after))
        })
        .collect();
    if changed.is_empty() {
        println!("  no change on any channel or day");
    }
    for k in changed {
        let mut parts = vec![format!(
            "{} agent-hours short",
            columns(
                k.short_hours_published,
                k.short_hours_before,
                k.short_hours_after,
                &|x| format!("{x:.1}")
            )
        )];
        if let (Some(p), Some(b), Some(a)) =
            (k.abandon_published, k.abandon_before, k.abandon_after)
        {
            parts.push(format!("abandon {}", columns(p, b, a, &pct)));
        }
        if let (Some(p), Some(b), Some(a)) = (
            k.service_level_published,
            k.service_level_before,
            k.service_level_after,
        ) {
            parts.push(format!("answered in time {}", columns(p, b, a, &pct)));
        }
        if let (Some(p), Some(b), Some(a)) = (k.asa_published_s, k.asa_before_s, k.asa_after_s) {
            parts.push(format!(
                "ASA {}",
                columns(p, b, a, &|x| format!("{x:.0} s"))
            ));
        }
        println!(
            "  {} {}: {}",
            k.channel.as_str(),
            k.date.format("%a %d %b"),
            parts.join(", ")
        );
    }
    for n in &r.notes {
        println!("note: {n}");
    }
    for v in &r.violations {
        println!(
            "warning: the independent checker found ({}{}): {}",
            v.rule,
            v.agent
                .as_deref()
                .map(|a| format!(", {a}"))
                .unwrap_or_default(),
            v.message
        );
    }
    if verbose {
        let s = &r.roster.summary;
        println!(
            "solver: objective {:.0}, bound {:.0}, gap {:.2}%",
            s.objective,
            s.bound,
            100.0 * s.gap
        );
    }
}

//! Shift rosters that meet the staffing requirements at least cost: a tour-scheduling programme on
//! HiGHS (via good_lp), a break and channel post-pass, an independent rule checker and plain-words
//! diagnoses.
//!
//! Pipeline of [`schedule`]:
//! 1. [`options::build_options`]: every (day, template, start) shift and the ones each agent may
//!    work (availability, leave, allowed templates).
//! 2. [`diagnose::check_contracts`]: contracts no combination of shifts can satisfy are an error;
//!    [`diagnose::uncoverable`] lists requirements nobody can cover.
//! 3. [`solve::solve_programme`]: the LP relaxation (lower bound), then the tour MIP of
//!    [`model`] under three quarters of the time limit.
//! 4. [`allocate`]: with the shifts fixed, whole breaks and whole agents per channel and interval
//!    by a second MIP; [`build`]'s greedy post-pass is the fallback (the lower objective wins);
//!    coverage recomputed.
//! 5. The summary states paid cost, hours, the objective and its gap to the best bound.
//!
//! ```no_run
//! # use rota_roster::{schedule, RosterProblem, SolveOptions};
//! # fn demo(problem: &RosterProblem) -> Result<(), rota_roster::RosterError> {
//! let roster = schedule(problem, &SolveOptions { time_limit_s: 30.0, ..Default::default() })?;
//! println!("cost {:.2}, gap {:.2} %", roster.summary.paid_cost, 100.0 * roster.summary.gap);
//! assert!(rota_roster::check_roster(problem, &roster).is_empty());
//! # Ok(()) }
//! ```

pub mod activities;
pub mod adapter;
pub mod allocate;
pub mod build;
pub mod check;
pub mod diagnose;
pub mod error;
pub mod fairness;
pub mod hire;
pub mod model;
pub mod multiweek;
pub mod options;
pub mod output;
pub mod problem;
pub mod replan;
pub mod requirements;
pub mod solve;
pub mod stints;
pub mod synthetic;
pub mod targets;
#[cfg(test)]
mod testkit;

pub use check::{check_roster, Violation};
pub use error::RosterError;
pub use output::{
    Activity, ActivityKind, CoverageRow, Roster, RosterShift, RosterSummary, TimestampStyle,
};
pub use problem::{
    AgentPlan, BreakPlan, ChannelMode, ChannelPlan, ContractRules, FixedShiftPlan, Horizon,
    RosterProblem, TemplatePlan, Unavailable, Weights,
};
pub use solve::{SolveOptions, SolveStage, SolveStats, SolverProgress, Watch};
pub use stints::{StintReport, StintRules};
pub use targets::{Objective, PeriodFigures, PredictedKpi, ProgrammeTargets, TargetPeriod};

use output::ChannelHours;

/// Builds the least-cost roster of `problem` (see the module doc for the steps).
///
/// Errors: contracts that cannot be met whatever the demand ([`RosterError::Infeasible`]), solver
/// failures or no roster within the time limit ([`RosterError::Solver`]). A week that cannot be
/// fully covered is *not* an error: the roster comes back with its shortfall and a diagnosis.
pub fn schedule(problem: &RosterProblem, opts: &SolveOptions) -> Result<Roster, RosterError> {
    schedule_watched(problem, opts, None)
}

/// [`schedule`], reporting the solver's progress to `watch` (stage, seconds, gap) while HiGHS
/// works; `watch` returning `false` stops the solve with [`RosterError::Cancelled`].
#[tracing::instrument(skip_all, fields(agents = problem.agents.len(), intervals = problem.horizon.n_intervals()))]
pub fn schedule_watched(
    problem: &RosterProblem,
    opts: &SolveOptions,
    watch: Watch<'_>,
) -> Result<Roster, RosterError> {
    // the targets objective plans against the problem's targets; the coverage objective ignores
    // them, so it is exactly the programme without them
    let without_targets;
    let problem = match (opts.objective, &problem.targets) {
        (Objective::Targets, None) => {
            return Err(RosterError::Input(
                "the targets objective needs the live channels' targets and offered contacts \
                 (a requirements file with offered and aht_seconds columns)"
                    .into(),
            ))
        }
        (Objective::Coverage, Some(_)) => {
            without_targets = RosterProblem {
                targets: None,
                ..problem.clone()
            };
            &without_targets
        }
        _ => problem,
    };
    // --hire: every hire option's candidates join as optional agents (hire::with_hires)
    let with_hires;
    let problem = if opts.hire && !problem.hire_options.is_empty() {
        with_hires = problem.clone().with_hires()?;
        &with_hires
    } else {
        problem
    };
    let options = options::build_options(problem);
    replan::validate(problem, &options)?;
    let conflicts = diagnose::check_contracts(problem, &options);
    if !conflicts.is_empty() {
        return Err(RosterError::Infeasible(conflicts));
    }
    let mut diagnosis = diagnose::uncoverable(problem, &options);
    let started = std::time::Instant::now();
    // the tour MIP gets three quarters of the time limit, the allocation stage the rest
    let tour_opts = SolveOptions {
        time_limit_s: opts.time_limit_s * 0.75,
        ..*opts
    };
    let (sol, mut stats) = solve::solve_programme(problem, &options, &tour_opts, watch)?;

    // whole breaks and channels: the greedy post-pass, then the allocation MIP; keep the better
    let mut heuristic_sol = sol.clone();
    let placed = build::place_breaks(problem, &options, &mut heuristic_sol)?;
    let assignment = build::allocate_channels(problem, &options, &placed);
    let mut best = evaluate(problem, &options, placed, assignment);
    stats.heuristic_objective = best.objective;
    let left = opts.time_limit_s - started.elapsed().as_secs_f64();
    if let Some(alloc) = allocate::exact_allocation(problem, &options, &sol, opts, left, watch)? {
        stats.allocation_seconds = alloc.seconds;
        stats.allocation_status = alloc.status.clone();
        let exact = evaluate(problem, &options, alloc.placed, alloc.assignment);
        tracing::info!(
            heuristic = best.objective,
            exact = exact.objective,
            mip = alloc.objective,
            "allocation stage"
        );
        if exact.objective <= best.objective {
            stats.allocation = "mip".into();
            best = exact;
        }
    }
    // planned activities (activities): whole sessions placed where they cost the service least,
    // before the stint pass re-chooses channels around them
    let mut placement = activities::place(problem, &options, &best.placed, &best.assignment);
    if !placement.placed.is_empty() {
        let before = best.objective;
        // the channels as they were, less the agents away; then re-chosen around the sessions by
        // the allocation programme (allocate::around_activities), if that scores better
        let patched = evaluate(problem, &options, best.placed.clone(), placement.assignment);
        let left = (opts.time_limit_s - started.elapsed().as_secs_f64()).max(5.0);
        let again = allocate::around_activities(
            problem,
            &options,
            &best.placed,
            &placement.placed,
            opts,
            left.min(opts.time_limit_s * 0.25),
            watch,
        )?;
        best = patched;
        if let Some((assignment, mip)) = again {
            let realloc = evaluate(problem, &options, best.placed.clone(), assignment);
            tracing::info!(
                patched = best.objective,
                reallocated = realloc.objective,
                mip,
                "channels around the activities"
            );
            if realloc.objective < best.objective {
                best = realloc;
            }
        }
        tracing::info!(
            before,
            after = best.objective,
            sessions = placement.placed.len(),
            "planned activities"
        );
    }
    // channel stints a team leader can run (stints): re-chosen within each shift by the stint MIPs
    // or, if it scores better, by the majority of each piece; then scored
    let left = (opts.time_limit_s - started.elapsed().as_secs_f64()).max(5.0);
    let stinted = stints::apply(
        problem,
        &options,
        &best.placed,
        &best.assignment,
        left,
        watch,
    )?;
    if stinted != best.assignment {
        let before = best.objective;
        let majority = stints::majority(problem, &options, &best.placed, &best.assignment);
        let by_majority = evaluate(problem, &options, best.placed.clone(), majority);
        best = evaluate(problem, &options, best.placed, stinted);
        tracing::info!(
            before,
            mip = best.objective,
            majority = by_majority.objective,
            "channel stints"
        );
        if by_majority.objective < best.objective {
            best = by_majority;
        }
    }
    // a re-plan: the shifts kept as published keep their published content; the changed ones
    // get activities and channels placed again around them (replan)
    if problem.baseline.is_some() {
        let (mut placed, mut assignment) = (best.placed.clone(), best.assignment.clone());
        let kept = replan::keep_published(
            problem,
            &options,
            &mut placed,
            &mut assignment,
            &mut placement.placed,
        );
        if !kept.is_empty() {
            let before = best.objective;
            let changed: Vec<build::PlacedShift> = placed
                .iter()
                .filter(|s| !kept.contains(s))
                .cloned()
                .collect();
            let again = activities::place(problem, &options, &changed, &assignment);
            assignment = again.assignment;
            placement.placed.extend(again.placed);
            replan::trim_excess(
                problem,
                &options,
                &placed,
                &mut assignment,
                &mut placement.placed,
                &kept,
            );
            let left = (opts.time_limit_s - started.elapsed().as_secs_f64()).max(5.0);
            let assignment =
                stints::apply_to(problem, &options, &changed, &assignment, true, left, watch)?;
            best = evaluate(problem, &options, placed, assignment);
            placement.reports = activities::reports_of(problem, &best.placed, &placement.placed);
            tracing::info!(
                kept = kept.len(),
                changed = changed.len(),
                before,
                after = best.objective,
                "published shifts kept"
            );
        }
    }
    let stint_report = stints::report(problem, &options, &best.placed, &best.assignment);
    let Evaluated {
        placed,
        assignment,
        coverage,
        shortfall,
        paid_cost,
        objective,
        channels,
    } = best;
    // activity time that could not be placed, priced as the programme prices it
    // (model::activities)
    let objective =
        objective + activities::missed_penalty(problem, &options, &placed, &placement.placed);
    let (shifts, activities) =
        build::shifts_and_activities(problem, &options, &placed, &assignment, &placement.placed);

    let n_c = problem.channels.len();
    let sched = |c: usize, t: usize| coverage[t * n_c + c].scheduled;
    diagnosis.extend(placement.diagnosis);
    let mut known: std::collections::BTreeSet<String> = diagnosis.iter().cloned().collect();
    for line in diagnose::explain_shortfall(problem, &options, &shortfall, &sched) {
        if known.insert(line.clone()) {
            diagnosis.push(line);
        }
    }
    // with targets: every period that misses one, in contacts (targets::describe), and the KPIs
    // the programme expects per day and week
    let mut predicted = Vec::new();
    if let Some(t) = &problem.targets {
        let names = |c: usize| problem.channels[c].name.clone();
        let agents = |c: usize, t: usize| sched(c, t);
        // first: with targets, these are the diagnosis a manager reads; the per-interval
        // requirement lines follow
        let in_people = targets::diagnosis_in_people(t, &problem.horizon, &names, &agents);
        diagnosis.splice(0..0, in_people);
        predicted = targets::predicted_kpis(t, &problem.horizon, &names, &agents);
    }
    let paid_hours: f64 = shifts.iter().map(|s| s.paid_hours).sum();
    let bound = stats.best_bound();
    let gap = if objective.abs() > 1e-9 {
        ((objective - bound) / objective.abs()).max(0.0)
    } else {
        0.0
    };
    let summary = RosterSummary {
        paid_cost,
        paid_hours,
        shifts: shifts.len(),
        agents_rostered: placed
            .iter()
            .map(|p| p.agent)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        objective,
        bound,
        gap,
        channels,
        stints: stint_report,
        activities: placement.reports,
        solver: stats,
        replan: None,
    };
    let mut roster = Roster {
        summary,
        shifts,
        activities,
        coverage,
        diagnosis,
        predicted,
    };
    roster.summary.replan = replan::report(problem, &roster);
    Ok(roster)
}

/// A whole-agent roster (shifts, breaks, channels) with its coverage and objective.
struct Evaluated {
    placed: Vec<build::PlacedShift>,
    assignment: build::Assignment,
    coverage: Vec<CoverageRow>,
    shortfall: Vec<Vec<f64>>,
    paid_cost: f64,
    objective: f64,
    channels: Vec<ChannelHours>,
}

/// The objective of a whole-agent roster, term for term the programme's (paid cost, tiered live
/// shortfall, overdue deferred backlog, over-coverage and idle capacity), so that the LP bound of
/// the programme bounds it.
fn evaluate(
    problem: &RosterProblem,
    options: &options::OptionSet,
    placed: Vec<build::PlacedShift>,
    assignment: build::Assignment,
) -> Evaluated {
    let build::Coverage {
        rows: coverage,
        shortfall,
        idle,
        carried,
    } = build::coverage(problem, &assignment);
    let n_c = problem.channels.len();
    let hours = f64::from(problem.horizon.interval_minutes()) / 60.0;
    let sched = |c: usize, t: usize| coverage[t * n_c + c].scheduled;
    let paid_cost: f64 = placed
        .iter()
        .map(|p| {
            problem.agents[p.agent].hourly_rate * f64::from(options.options[p.option].paid_minutes)
                / 60.0
        })
        .sum();
    let w = problem.weights;
    // the one-off cost of every person hired (a candidate with a shift), as model::hire charges
    let hired: std::collections::BTreeSet<usize> = placed.iter().map(|p| p.agent).collect();
    let mut penalty: f64 = hired.iter().map(|&a| problem.one_off_cost(a)).sum();
    let mut channels = Vec::new();
    for (c, ch) in problem.channels.iter().enumerate() {
        let scheduled: f64 = (0..problem.horizon.n_intervals())
            .map(|t| sched(c, t))
            .sum();
        let required: f64 = ch.requirement.iter().sum();
        let overdue: f64 = shortfall[c].iter().sum();
        // deferred work the week never absorbs counts as short too (model::backlog's `e`)
        let short = overdue + carried[c];
        let over = idle[c];
        // live channels: the same convex tiers per interval as the programme (model::coverage);
        // channels with targets are priced by targets::penalty below instead
        let targeted = problem
            .targets
            .as_ref()
            .is_some_and(|t| t.of_channel(c).is_some());
        let over = if targeted { 0.0 } else { over };
        let weighted_short = match ch.mode {
            ChannelMode::Live if targeted => 0.0,
            ChannelMode::Live => (0..problem.horizon.n_intervals())
                .map(|t| model::coverage::tiered_shortfall(ch.requirement[t], shortfall[c][t]))
                .sum(),
            // overdue agent-intervals, plus carried work penalised as overdue for one whole
            // response target, as in the programme
            ChannelMode::Deferred { response_minutes } => {
                let target_intervals = f64::from(
                    (response_minutes / problem.horizon.interval_minutes().max(1)).max(1),
                );
                overdue + carried[c] * target_intervals
            }
        };
        penalty += w.shortfall_per_agent_hour * ch.shortfall_weight * hours * weighted_short
            + w.over_per_agent_hour * hours * over;
        channels.push(ChannelHours {
            channel: ch.name.clone(),
            mode: match ch.mode {
                ChannelMode::Live => "live".into(),
                ChannelMode::Deferred { .. } => "deferred".into(),
            },
            required_hours: required * hours,
            scheduled_hours: scheduled * hours,
            shortfall_hours: short * hours,
            intervals_short: shortfall[c].iter().filter(|s| **s > 1e-6).count(),
        });
    }
    // the targets of live channels over their periods (model::targets)
    if let Some(targets) = &problem.targets {
        penalty += targets::penalty(targets, &problem.horizon, &|c, t| sched(c, t));
    }
    // start-time changes between consecutive working days (model::shift_change)
    let mut worked: Vec<Vec<usize>> = vec![Vec::new(); problem.agents.len()];
    for p in &placed {
        worked[p.agent].push(p.option);
    }
    penalty += w.shift_change_per_hour.max(0.0)
        * worked
            .iter()
            .map(|os| model::shift_change::start_changes_hours(options, os))
            .sum::<f64>();
    // the spread of late shifts, Saturdays and bank holidays (model::fairness)
    penalty += fairness::penalty(problem, options, &placed);
    // a re-plan: every changed shift on the open days (model::baseline)
    if let Some(published) = replan::Published::of(problem, options) {
        penalty += published.move_cost
            * worked
                .iter()
                .enumerate()
                .map(|(a, os)| published.changes(options, a, os) as f64)
                .sum::<f64>();
    }
    Evaluated {
        placed,
        assignment,
        coverage,
        shortfall,
        paid_cost,
        objective: paid_cost + penalty,
        channels,
    }
}

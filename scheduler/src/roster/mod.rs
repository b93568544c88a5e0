//! Shift rosters that meet the staffing requirements at least cost: a tour-scheduling programme on
//! HiGHS (via good_lp), a break and channel post-pass, an independent rule checker and plain-words
//! diagnoses.
//!
//! Pipeline of [`schedule`]:
//! 1. [`options::build_options`]: every (day, template, start) shift and the ones each agent may
//!    work (availability, leave, allowed templates).
//! 2. [`diagnose::check_contracts`]: contracts no combination of shifts can satisfy are an error;
//!    [`diagnose::uncoverable`] lists requirements nobody can cover.
//! 3. [`solve::solve_programme`]: the LP relaxation (lower bound), then the MIP of
//!    [`model`] under a time limit.
//! 4. [`build`]: breaks placed at the quietest slot of their windows, agents matched to channels
//!    per interval, coverage recomputed.
//! 5. The summary states paid cost, hours, the objective and its gap to the best bound.
//!
//! ```no_run
//! # use rota_scheduler::roster::{schedule, RosterProblem, SolveOptions};
//! # fn demo(problem: &RosterProblem) -> Result<(), rota_scheduler::roster::RosterError> {
//! let roster = schedule(problem, &SolveOptions { time_limit_s: 30.0, ..Default::default() })?;
//! println!("cost {:.2}, gap {:.2} %", roster.summary.paid_cost, 100.0 * roster.summary.gap);
//! assert!(rota_scheduler::roster::check_roster(problem, &roster).is_empty());
//! # Ok(()) }
//! ```

pub mod adapter;
pub mod build;
pub mod check;
pub mod diagnose;
pub mod error;
pub mod model;
pub mod options;
pub mod output;
pub mod problem;
pub mod requirements;
pub mod solve;
pub mod synthetic;

pub use check::{check_roster, Violation};
pub use error::RosterError;
pub use output::{Activity, ActivityKind, CoverageRow, Roster, RosterShift, RosterSummary};
pub use problem::{
    AgentPlan, BreakRule, ChannelMode, ChannelPlan, ContractRules, FixedShift, Horizon,
    RosterProblem, ShiftTemplate, Unavailable, Weights,
};
pub use solve::{SolveOptions, SolveStats};

use output::ChannelSummary;

/// Builds the least-cost roster of `problem` (see the module doc for the steps).
///
/// Errors: contracts that cannot be met whatever the demand ([`RosterError::Infeasible`]), solver
/// failures or no roster within the time limit ([`RosterError::Solver`]). A week that cannot be
/// fully covered is *not* an error: the roster comes back with its shortfall and a diagnosis.
#[tracing::instrument(skip_all, fields(agents = problem.agents.len(), intervals = problem.horizon.n_intervals()))]
pub fn schedule(problem: &RosterProblem, opts: &SolveOptions) -> Result<Roster, RosterError> {
    let options = options::build_options(problem);
    let conflicts = diagnose::check_contracts(problem, &options);
    if !conflicts.is_empty() {
        return Err(RosterError::Infeasible(conflicts));
    }
    let mut diagnosis = diagnose::uncoverable(problem, &options);
    let (mut sol, stats) = solve::solve_programme(problem, &options, opts)?;
    let placed = build::place_breaks(problem, &options, &mut sol)?;
    let assignment = build::allocate_channels(problem, &options, &placed);
    let build::Coverage {
        rows: coverage,
        shortfall,
        idle,
    } = build::coverage(problem, &assignment);
    let (shifts, activities) =
        build::shifts_and_activities(problem, &options, &placed, &assignment);

    let n_c = problem.channels.len();
    let hours = f64::from(problem.horizon.interval_minutes()) / 60.0;
    let sched = |c: usize, t: usize| coverage[t * n_c + c].scheduled;
    let mut known: std::collections::BTreeSet<String> = diagnosis.iter().cloned().collect();
    for line in diagnose::explain_shortfall(problem, &options, &shortfall, &sched) {
        if known.insert(line.clone()) {
            diagnosis.push(line);
        }
    }

    let paid_cost: f64 = placed
        .iter()
        .map(|p| {
            problem.agents[p.agent].hourly_rate * f64::from(options.options[p.option].paid_minutes)
                / 60.0
        })
        .sum();
    let paid_hours: f64 = shifts.iter().map(|s| s.paid_hours).sum();
    let w = problem.weights;
    let mut penalty = 0.0;
    let mut channels = Vec::new();
    for (c, ch) in problem.channels.iter().enumerate() {
        let scheduled: f64 = (0..problem.horizon.n_intervals())
            .map(|t| sched(c, t))
            .sum();
        let required: f64 = ch.requirement.iter().sum();
        let short: f64 = shortfall[c].iter().sum();
        let over = idle[c];
        // live channels: the same convex tiers per interval as the programme (model::coverage)
        let weighted_short = match ch.mode {
            ChannelMode::Live => (0..problem.horizon.n_intervals())
                .map(|t| model::coverage::tiered_shortfall(ch.requirement[t], shortfall[c][t]))
                .sum(),
            ChannelMode::Deferred { .. } => short,
        };
        penalty += w.shortfall_per_agent_hour * ch.shortfall_weight * hours * weighted_short
            + w.over_per_agent_hour * hours * over;
        channels.push(ChannelSummary {
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
    let objective = paid_cost + penalty;
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
        solver: stats,
    };
    Ok(Roster {
        summary,
        shifts,
        activities,
        coverage,
        diagnosis,
    })
}

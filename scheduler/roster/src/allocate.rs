//! The allocation stage: with the week's shifts fixed, whole breaks and whole agents per channel
//! and interval, chosen by a second, smaller MIP.
//!
//! The tour programme ([`super::model`]) places breaks (`rho`) and splits each skill group's
//! capacity across channels (`z`) *continuously*: exact for the choice of shifts, but a roster
//! needs whole agents. Rounding that split greedily interval by interval (the heuristic post-pass
//! of [`super::build`]) cannot see the deferred backlog: on an understaffed week it gives every
//! agent to the live queues and lets email go overdue for days, which on the sample week cost a
//! quarter of the objective (gap 26.7 %).
//!
//! This stage solves the same programme again with every chosen shift fixed (`x[a,o] = 1` for
//! the options the tour MIP chose, no other options) and `rho`, `z` **integer**. Agents of one
//! skill group are interchangeable, so integer group counts are exactly a whole-agent roster:
//!
//! * breaks: for each (group, option, break) the integer `rho[g,o,b,q]` agents start the break at
//!   slot `q`; the agents of the group on that option take the slots in ascending order, in the
//!   same agent order for every break of the shift (so with the usual disjoint windows the breaks
//!   of one agent can never overlap; a template whose windows overlap is checked and falls back
//!   to the heuristic when a pairing would overlap);
//! * channels: in each interval `z[g,c,t]` of the group's working agents take channel `c`; an
//!   agent keeps the previous interval's channel while its count allows (fewer channel switches).
//!
//! Its objective is therefore the objective of the written roster, and the tour programme's LP
//! bound still bounds it (this stage is the tour programme with more restrictions). The stage is
//! time-limited and starts cold (no warm start); [`super::schedule`] keeps whichever of this and
//! the heuristic post-pass scores the lower objective, so it can only improve the roster.

use std::time::Instant;

use good_lp::constraint;

use super::build::{Assignment, PlacedShift};
use super::error::RosterError;
use super::model::{ActivityTime, RosterModel};
use super::options::OptionSet;
use super::problem::RosterProblem;
use super::solve::{run_highs, MipSolution, SolveOptions, SolveStage, Solved, Watch};

/// Result of the allocation stage.
#[derive(Debug, Clone)]
pub struct Allocation {
    /// Shifts with their breaks placed.
    pub placed: Vec<PlacedShift>,
    /// Channel of every agent and interval.
    pub assignment: Assignment,
    /// HiGHS status of the allocation MIP.
    pub status: String,
    /// Objective of the allocation MIP (the written roster's objective, up to rounding).
    pub objective: f64,
    /// Seconds spent (build + solve).
    pub seconds: f64,
}

/// Solves the allocation MIP for the shifts chosen in `sol` (see the module doc). `Ok(None)` when
/// HiGHS finds no integer allocation in `time_limit_s` or the solution cannot be turned into
/// whole agents (overlapping break windows): the caller keeps the heuristic post-pass.
#[tracing::instrument(skip_all, fields(time_limit_s))]
pub fn exact_allocation(
    problem: &RosterProblem,
    options: &OptionSet,
    sol: &MipSolution,
    opts: &SolveOptions,
    time_limit_s: f64,
    watch: Watch<'_>,
) -> Result<Option<Allocation>, RosterError> {
    let started = Instant::now();
    let fixed = OptionSet {
        options: options.options.clone(),
        per_agent: sol.chosen.clone(),
    };
    let mut m = RosterModel::build_allocation(problem, &fixed, ActivityTime::Omit);
    let Some(solved) = solve_fixed(&mut m, opts, time_limit_s, watch)? else {
        return Ok(None);
    };
    let col = |i: usize| solved.columns.get(i).copied().unwrap_or(0.0);
    let count = |i: usize| col(i).round().max(0.0) as usize;

    let Some(placed) = place_breaks(options, sol, &m, &count) else {
        return Ok(None);
    };
    if !breaks_fit(options, &placed) {
        return Ok(None);
    }
    let present = presence(problem, options, &placed);
    let Some(assignment) = assign_channels(problem, &m, &present, &count) else {
        return Ok(None);
    };
    Ok(Some(Allocation {
        placed,
        assignment,
        status: format!("{:?}", solved.status),
        objective: solved.objective,
        seconds: started.elapsed().as_secs_f64(),
    }))
}

/// The channels re-chosen by the allocation programme once planned activities are placed: the
/// shifts and every break as in `placed` (the break counts `rho` fixed to theirs), the agents
/// away in `planned` taken out of their groups' capacity, and whole agents per channel from the
/// integer counts. The activities move capacity out of particular intervals, and the deferred
/// backlog and the live targets answer to that non-linearly (a back-office hour of training can
/// leave a day's social work undone unless a multi-skilled agent picks it up), so the channels
/// are chosen again rather than patched. `Ok(None)` when no integer allocation is found in time.
#[tracing::instrument(skip_all, fields(time_limit_s))]
pub(crate) fn around_activities(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[PlacedShift],
    planned: &[crate::activities::PlacedActivity],
    opts: &SolveOptions,
    time_limit_s: f64,
    watch: Watch<'_>,
) -> Result<Option<(Assignment, f64)>, RosterError> {
    let mut per_agent = vec![Vec::new(); problem.agents.len()];
    for p in placed {
        per_agent[p.agent].push(p.option);
    }
    let fixed = OptionSet {
        options: options.options.clone(),
        per_agent,
    };
    let n_t = problem.horizon.n_intervals();
    let mut away = vec![vec![false; n_t]; problem.agents.len()];
    let mut present = presence(problem, options, placed);
    for p in planned {
        for t in p.start..p.end {
            away[p.agent][t] = true;
            present[p.agent][t] = false;
        }
    }
    let mut m = RosterModel::build_allocation(problem, &fixed, ActivityTime::Away(away));
    let groups = m.group_of.clone();
    // every break where it is: rho[g,o,b,q] = the agents of g on o whose break b starts at q
    let mut starts: std::collections::HashMap<(usize, usize, usize, usize), f64> =
        Default::default();
    for p in placed {
        for (j, &q) in p.break_starts.iter().enumerate() {
            let b = options.options[p.option].breaks[j].index;
            *starts.entry((groups[p.agent], p.option, b, q)).or_default() += 1.0;
        }
    }
    let mut rows = Vec::new();
    for (g, per_g) in m.breaks.iter().enumerate() {
        for (o, b, slots) in per_g {
            for (q, col) in slots {
                let n = starts.get(&(g, *o, *b, *q)).copied().unwrap_or(0.0);
                let v = col.var;
                rows.push(constraint!(v == n));
            }
        }
    }
    for r in rows {
        m.add(r);
    }
    let Some(solved) = solve_fixed(&mut m, opts, time_limit_s, watch)? else {
        return Ok(None);
    };
    let col = |i: usize| solved.columns.get(i).copied().unwrap_or(0.0);
    let count = |i: usize| col(i).round().max(0.0) as usize;
    Ok(assign_channels(problem, &m, &present, &count).map(|a| (a, solved.objective)))
}

/// Fixes every chosen shift (`x = 1`) in the allocation programme `m` and solves it under the
/// stage's own time limit and a tight gap (its objective is mostly penalty, so it stops only
/// close to its own bound). `Ok(None)` when HiGHS finds no solution; cancelling is an error.
fn solve_fixed(
    m: &mut RosterModel<'_>,
    opts: &SolveOptions,
    time_limit_s: f64,
    watch: Watch<'_>,
) -> Result<Option<Solved>, RosterError> {
    for xs in &m.x {
        for (_, c) in xs {
            let v = c.var;
            m.constraints.push(constraint!(v == 1));
        }
    }
    let (v, o, c) = m.take_parts();
    let limited = SolveOptions {
        time_limit_s: time_limit_s.max(1.0),
        // the objective is mostly penalty: stop only close to the allocation's own bound
        mip_rel_gap: opts.mip_rel_gap.min(0.001),
        ..*opts
    };
    match run_highs(v, o, c, &limited, true, watch, SolveStage::Allocation) {
        Ok(s) => Ok(Some(s)),
        Err(RosterError::Cancelled) => Err(RosterError::Cancelled),
        Err(e) => {
            tracing::warn!(error = %e, "allocation MIP found no solution; keeping the post-pass");
            Ok(None)
        }
    }
}

/// Whole-agent break starts from the integer break counts `rho[g,o,b,q]`: per (group, option) the
/// agents working it, in agent order, take the counted start slots in ascending order, the same
/// agent order for every break of the shift. `None` when the counts do not match the shifts.
fn place_breaks(
    options: &OptionSet,
    sol: &MipSolution,
    m: &RosterModel<'_>,
    count: &dyn Fn(usize) -> usize,
) -> Option<Vec<PlacedShift>> {
    let mut placed: Vec<PlacedShift> = Vec::new();
    let mut index: std::collections::HashMap<(usize, usize), Vec<usize>> = Default::default();
    for (a, chosen) in sol.chosen.iter().enumerate() {
        for &o in chosen {
            index
                .entry((m.group_of[a], o))
                .or_default()
                .push(placed.len());
            placed.push(PlacedShift {
                agent: a,
                option: o,
                break_starts: vec![usize::MAX; options.options[o].breaks.len()],
            });
        }
    }
    for (g, per_g) in m.breaks.iter().enumerate() {
        for (o, b, slots) in per_g {
            let Some(shifts) = index.get(&(g, *o)) else {
                continue;
            };
            let mut starts: Vec<usize> = Vec::with_capacity(shifts.len());
            for (q, c) in slots {
                starts.extend(std::iter::repeat_n(*q, count(c.idx)));
            }
            if starts.len() != shifts.len() {
                tracing::warn!(
                    g,
                    o,
                    b,
                    "allocation MIP break counts do not match the shifts"
                );
                return None;
            }
            starts.sort_unstable();
            let j = options.options[*o]
                .breaks
                .iter()
                .position(|w| w.index == *b)
                .unwrap_or(*b);
            for (&i, s) in shifts.iter().zip(starts) {
                placed[i].break_starts[j] = s;
            }
        }
    }
    Some(placed)
}

/// True when every break is placed and no two breaks of one shift overlap; a template whose
/// break windows overlap can pair an agent with overlapping slots, and then the heuristic
/// placement is kept.
fn breaks_fit(options: &OptionSet, placed: &[PlacedShift]) -> bool {
    for p in placed {
        let opt = &options.options[p.option];
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for (j, &s) in p.break_starts.iter().enumerate() {
            if s == usize::MAX {
                return false;
            }
            spans.push((s, s + opt.breaks[j].len));
        }
        spans.sort_unstable();
        if spans.windows(2).any(|w| w[1].0 < w[0].1) {
            tracing::info!("break windows overlap; keeping the heuristic break placement");
            return false;
        }
    }
    true
}

/// `present[a][t]`: agent a is on shift and not on a break in interval t.
fn presence(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[PlacedShift],
) -> Vec<Vec<bool>> {
    let n_t = problem.horizon.n_intervals();
    let mut present = vec![vec![false; n_t]; problem.agents.len()];
    for p in placed {
        let opt = &options.options[p.option];
        for x in &mut present[p.agent][opt.first..opt.last] {
            *x = true;
        }
        for (j, &bs) in p.break_starts.iter().enumerate() {
            let end = (bs + opt.breaks[j].len).min(n_t);
            for x in &mut present[p.agent][bs.min(end)..end] {
                *x = false;
            }
        }
    }
    present
}

/// Whole-agent channels from the integer counts `z[g,c,t]`: in each interval the present agents
/// of a group fill the channel counts, an agent keeping the previous interval's channel while its
/// count allows (fewer switches), the rest taking the first channels with room. `None` when the
/// counts do not add up to the present agents.
fn assign_channels(
    problem: &RosterProblem,
    m: &RosterModel<'_>,
    present: &[Vec<bool>],
    count: &dyn Fn(usize) -> usize,
) -> Option<Assignment> {
    let n_t = problem.horizon.n_intervals();
    let mut out: Assignment = vec![vec![None; n_t]; problem.agents.len()];
    for (g, group) in m.groups.iter().enumerate() {
        for t in 0..n_t {
            let agents: Vec<usize> = group
                .agents
                .iter()
                .copied()
                .filter(|&a| present[a][t])
                .collect();
            let mut quota: Vec<(usize, usize)> =
                m.z[g][t].iter().map(|(c, z)| (*c, count(z.idx))).collect();
            if quota.iter().map(|q| q.1).sum::<usize>() != agents.len() {
                tracing::warn!(
                    g,
                    t,
                    "allocation MIP channel counts do not match the agents"
                );
                return None;
            }
            let mut rest = Vec::new();
            for &a in &agents {
                let prev = if t > 0 { out[a][t - 1] } else { None };
                match quota.iter_mut().find(|q| Some(q.0) == prev && q.1 > 0) {
                    Some(q) => {
                        q.1 -= 1;
                        out[a][t] = Some(q.0);
                    }
                    None => rest.push(a),
                }
            }
            for a in rest {
                if let Some(q) = quota.iter_mut().find(|q| q.1 > 0) {
                    q.1 -= 1;
                    out[a][t] = Some(q.0);
                }
            }
        }
    }
    Some(out)
}

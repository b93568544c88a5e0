//! Channel stints: a roster a team leader can run, with few channel switches per shift and no
//! work stint shorter than the centre's minimum.
//!
//! The allocation stage ([`super::allocate`]) decides *how many* agents of each skill group work
//! each channel in each interval. Its counts move interval by interval, and agents following
//! them hop between channels: on the sample week 33 of 216 shifts switched channel five or more
//! times, one agent 13 times in a day. Nobody can run a floor like that, and each switch costs
//! the agent a context change the queueing models do not see.
//!
//! This pass keeps every shift and break and re-chooses each multi-skilled agent's channel per
//! interval so that, per shift,
//!
//! * the channel changes at most [`StintRules::max_switches_per_shift`] times (a change across a
//!   break counts: the agent still goes back to a different queue), and
//! * every stint (a run of work on one channel) lasts at least
//!   [`StintRules::min_stint_minutes`], unless a break, an activity or the shift's end cuts the
//!   whole stretch of work shorter than that. A switch never starts a stint that the next break
//!   would cut short.
//!
//! It is a small MIP per day (per skill group and day on a large centre). Each stretch of work is
//! cut into pieces of the minimum stint from its start (the last piece takes the remainder), and
//! the binaries `y[a,k,c]` put agent `a`'s piece `k` on channel `c`, so every stint is long enough
//! by construction and channels change only on those boundaries; switch indicators
//! `u[a,k,c] >= y[a,k,c] - y[a,k-1,c]` (across a break too) are capped per shift, and the move away
//! from the allocation's count per channel and interval, in convex segments priced by what each
//! agent in or out does to the roster's objective with the rest of the roster as it is
//! ([`channel_cost`]: the target penalty of the period, or the tiered shortfall), and for
//! deferred channels the agent-intervals lost per block of one response target, wherever in
//! the block they are worked (the backlog waits that long), plus a tiny price per switch. So it keeps the allocation's channel mix
//! wherever the rules allow and, where they force a move, moves capacity where it costs the
//! service least. The sub-problems are solved one after the other, each against the roster the previous
//! ones left. The roster is re-scored afterwards ([`super::schedule`]): what the rules cost shows
//! in the objective and its gap to the bound. A sub-problem HiGHS cannot solve in its time puts
//! each piece on the channel the allocation gave it most, then joins the shortest runs of pieces
//! to their neighbours until the shift switches few enough times: always within the rules.

use std::collections::BTreeMap;

use good_lp::{constraint, variable, Expression, ProblemVariables, Variable};
use serde::Serialize;

use super::build::{Assignment, PlacedShift};
use super::error::RosterError;
use super::options::OptionSet;
use super::problem::{ChannelMode, RosterProblem};
use super::solve::{run_highs, SolveOptions, SolveStage, SolverProgress, Watch};
use super::targets::LocalPenalty;

/// The centre's rules for channel stints (`[centre.planning]` `min_stint_minutes` and
/// `max_channel_switches_per_shift`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StintRules {
    /// Shortest work stint on one channel, minutes (0: no minimum).
    pub min_stint_minutes: u32,
    /// Most channel changes in one shift.
    pub max_switches_per_shift: u32,
}

impl StintRules {
    /// Default shortest stint: an hour on a channel is what team leaders usually plan.
    pub const DEFAULT_MIN_STINT_MINUTES: u32 = 60;
    /// Default most switches per shift: e.g. voice, then chat after lunch, then voice again.
    pub const DEFAULT_MAX_SWITCHES: u32 = 2;

    /// The shortest stint in intervals of `interval_minutes` (rounded up; at least 1).
    pub fn min_stint_intervals(&self, interval_minutes: u32) -> usize {
        (self.min_stint_minutes.div_ceil(interval_minutes.max(1)) as usize).max(1)
    }
}

impl Default for StintRules {
    fn default() -> Self {
        Self {
            min_stint_minutes: Self::DEFAULT_MIN_STINT_MINUTES,
            max_switches_per_shift: Self::DEFAULT_MAX_SWITCHES,
        }
    }
}

/// How the written roster keeps to the stint rules (the roster summary's `stints`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StintReport {
    /// The rules the roster was built to.
    pub rules: Option<StintRules>,
    /// Median channel switches per shift.
    pub median_switches: f64,
    /// Most channel switches in one shift.
    pub max_switches: usize,
    /// Shifts with at least one channel switch.
    pub shifts_switching: usize,
    /// Shifts with more switches than the rules allow (0 unless a rule could not be kept).
    pub shifts_over_switch_limit: usize,
    /// Stints shorter than the minimum that no break, activity or shift end cut short.
    pub short_stints: usize,
}

/// One shift's work: the intervals the agent works, split into stretches of consecutive work
/// (a break, an activity or a gap ends a stretch).
struct ShiftWork {
    agent: usize,
    stretches: Vec<std::ops::Range<usize>>,
}

fn shift_work(options: &OptionSet, p: &PlacedShift, assignment: &Assignment) -> ShiftWork {
    let opt = &options.options[p.option];
    let row = &assignment[p.agent];
    let end = opt.last.min(row.len());
    let mut stretches = Vec::new();
    let mut start = None;
    for (t, cell) in row.iter().enumerate().take(end).skip(opt.first) {
        match (cell.is_some(), start) {
            (true, None) => start = Some(t),
            (false, Some(s)) => {
                stretches.push(s..t);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        stretches.push(s..end);
    }
    ShiftWork {
        agent: p.agent,
        stretches,
    }
}

/// Switches of one shift and its stints too short for the rules (see [`StintReport`]).
fn shift_figures(work: &ShiftWork, assignment: &Assignment, min_len: usize) -> (usize, usize) {
    let row = &assignment[work.agent];
    let mut switches = 0;
    let mut short = 0;
    let mut previous = None;
    for r in &work.stretches {
        let floor = min_len.min(r.len());
        let mut run_start = r.start;
        for t in r.clone() {
            if previous.is_some() && row[t] != previous {
                switches += 1;
            }
            if t > r.start && row[t] != row[t - 1] {
                if t - run_start < floor {
                    short += 1;
                }
                run_start = t;
            }
            previous = row[t];
        }
        // the last stint of a stretch may end at the break, but must not have started within
        // `min_len` of it by a switch
        if run_start > r.start && r.end - run_start < floor {
            short += 1;
        }
    }
    (switches, short)
}

/// Switches per shift and short stints of a written roster.
pub(crate) fn report(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[PlacedShift],
    assignment: &Assignment,
) -> StintReport {
    let rules = problem.stints;
    let min_len = rules.min_stint_intervals(problem.horizon.interval_minutes());
    let mut per_shift = Vec::with_capacity(placed.len());
    let mut short_stints = 0;
    for p in placed {
        let (s, short) = shift_figures(&shift_work(options, p, assignment), assignment, min_len);
        per_shift.push(s);
        short_stints += short;
    }
    per_shift.sort_unstable();
    let median_switches = match per_shift.len() {
        0 => 0.0,
        n if n % 2 == 1 => per_shift[n / 2] as f64,
        n => (per_shift[n / 2 - 1] + per_shift[n / 2]) as f64 / 2.0,
    };
    StintReport {
        rules: Some(rules),
        median_switches,
        max_switches: per_shift.last().copied().unwrap_or(0),
        shifts_switching: per_shift.iter().filter(|&&s| s > 0).count(),
        shifts_over_switch_limit: per_shift
            .iter()
            .filter(|&&s| s > rules.max_switches_per_shift as usize)
            .count(),
        short_stints,
    }
}

/// The roster's channels re-chosen to keep the stint rules (module doc). Shifts and breaks are
/// unchanged; only multi-skilled agents' channels move. `time_limit_s` is shared by the
/// sub-problems.
#[tracing::instrument(skip_all)]
pub(crate) fn apply(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[PlacedShift],
    assignment: &Assignment,
    time_limit_s: f64,
    watch: Watch<'_>,
) -> Result<Assignment, RosterError> {
    apply_to(
        problem,
        options,
        placed,
        assignment,
        false,
        time_limit_s,
        watch,
    )
}

/// [`apply`]; with `every_shift`, every sub-problem is solved, not only those with a shift that
/// breaks a rule (a re-plan re-chooses the changed shifts' channels around the published ones,
/// [`crate::replan`]).
pub(crate) fn apply_to(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[PlacedShift],
    assignment: &Assignment,
    every_shift: bool,
    time_limit_s: f64,
    watch: Watch<'_>,
) -> Result<Assignment, RosterError> {
    let rules = problem.stints;
    let min_len = rules.min_stint_intervals(problem.horizon.interval_minutes());
    let mut out = assignment.clone();
    // sub-problems: the day's shifts of multi-skilled agents, all together (one agent's move can
    // be made good by another's) up to POOL_AGENTS of them, else by skill set; solved where a
    // shift breaks a rule
    let mut days: BTreeMap<usize, Vec<ShiftWork>> = BTreeMap::new();
    for p in placed {
        if problem.skill_set(p.agent).len() < 2 {
            continue;
        }
        days.entry(options.options[p.option].day)
            .or_default()
            .push(shift_work(options, p, assignment));
    }
    let mut groups: Vec<Vec<ShiftWork>> = Vec::new();
    for (_, shifts) in days {
        if shifts.len() <= POOL_AGENTS {
            groups.push(shifts);
            continue;
        }
        let mut by_skills: BTreeMap<Vec<usize>, Vec<ShiftWork>> = BTreeMap::new();
        for w in shifts {
            by_skills
                .entry(problem.skill_set(w.agent))
                .or_default()
                .push(w);
        }
        groups.extend(by_skills.into_values());
    }
    groups.retain(|shifts| {
        every_shift
            || shifts.iter().any(|w| {
                let (s, short) = shift_figures(w, assignment, min_len);
                s > rules.max_switches_per_shift as usize || short > 0
            })
    });
    if groups.is_empty() {
        return Ok(out);
    }
    // the sub-problems report progress as part of the allocation stage, without a gap: theirs is
    // of a piece of the roster, not of the roster (and their objective can be negative)
    let quiet = |p: SolverProgress| watch.is_none_or(|w| w(SolverProgress { gap: None, ..p }));
    let watch: Watch<'_> = Some(&quiet);
    let started = std::time::Instant::now();
    let n = groups.len();
    for (i, shifts) in groups.into_iter().enumerate() {
        let left = (time_limit_s - started.elapsed().as_secs_f64()).max(0.0);
        // an even share of what is left, but at least FLOOR_SECONDS shared by the sub-problems
        // (from 1 s to 4 s each): a day pool of 45 agents on every channel needs about 4 s for a
        // good roster (1 s gave the pooled-skills scenario 2.4 times the objective), and the
        // floor keeps the pass from running more than about half a minute past the time limit
        let floor = (FLOOR_SECONDS / n as f64).clamp(1.0, 4.0);
        let limit = (left / (n - i) as f64).max(floor);
        let solving = std::time::Instant::now();
        let chosen = solve_group(problem, &shifts, &out, min_len, limit, watch)?;
        tracing::info!(
            shifts = shifts.len(),
            limit_s = limit,
            seconds = solving.elapsed().as_secs_f64(),
            solved = chosen.is_some(),
            "channel stints sub-problem"
        );
        for w in &shifts {
            for r in &w.stretches {
                for t in r.clone() {
                    out[w.agent][t] = None;
                }
            }
        }
        match chosen {
            Some(cells) => {
                for (a, t, c) in cells {
                    out[a][t] = Some(c);
                }
            }
            None => {
                tracing::warn!(
                    "channel stints: no solution in time; each piece keeps its main channel"
                );
                for w in &shifts {
                    for (chunk, c) in majority_pieces(w, assignment, min_len, rules) {
                        for t in chunk {
                            out[w.agent][t] = Some(c);
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// `(agent, interval, channel)`: one worked interval's channel.
type Cell = (usize, usize, usize);

/// Every shift that breaks a rule put right by [`majority_pieces`] alone: the roster
/// [`super::schedule`] compares with [`apply`]'s, keeping the better. A MIP stopped at its time
/// limit with a poor roster (seen on the pooled-skills scenario, 45 agents on every channel, with
/// 1 s a day) then costs nothing.
pub(crate) fn majority(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[PlacedShift],
    assignment: &Assignment,
) -> Assignment {
    let rules = problem.stints;
    let min_len = rules.min_stint_intervals(problem.horizon.interval_minutes());
    let mut out = assignment.clone();
    for p in placed {
        if problem.skill_set(p.agent).len() < 2 {
            continue;
        }
        let w = shift_work(options, p, assignment);
        let (switches, short) = shift_figures(&w, assignment, min_len);
        if switches <= rules.max_switches_per_shift as usize && short == 0 {
            continue;
        }
        for (chunk, c) in majority_pieces(&w, assignment, min_len, rules) {
            for t in chunk {
                out[w.agent][t] = Some(c);
            }
        }
    }
    out
}

/// The fallback when a sub-problem has no solution in its time: each piece of the shift (see
/// [`chunks`]) on the channel the allocation gave it most, then, while the shift switches more
/// often than the rules allow, the shortest run of pieces joins its longer neighbour. Always within
/// the rules, and close to the allocation's channel mix.
fn majority_pieces(
    w: &ShiftWork,
    assignment: &Assignment,
    min_len: usize,
    rules: StintRules,
) -> Vec<(std::ops::Range<usize>, usize)> {
    let main = main_channel(w, assignment);
    let mut pieces: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    for r in &w.stretches {
        for chunk in chunks(r.clone(), min_len) {
            let mut count: BTreeMap<usize, usize> = BTreeMap::new();
            for t in chunk.clone() {
                if let Some(c) = assignment[w.agent][t] {
                    *count.entry(c).or_default() += 1;
                }
            }
            let previous = pieces.last().map(|p| p.1).unwrap_or(main);
            let best = count
                .iter()
                .max_by_key(|(c, n)| (**n, **c == previous, std::cmp::Reverse(**c)))
                .map(|(c, _)| *c)
                .unwrap_or(previous);
            pieces.push((chunk, best));
        }
    }
    loop {
        // runs of consecutive pieces on one channel: (first piece, pieces, intervals)
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        for (i, (chunk, c)) in pieces.iter().enumerate() {
            match runs.last_mut() {
                Some(run) if pieces[run.0].1 == *c => {
                    run.1 += 1;
                    run.2 += chunk.len();
                }
                _ => runs.push((i, 1, chunk.len())),
            }
        }
        if runs.len() <= rules.max_switches_per_shift as usize + 1 {
            return pieces;
        }
        let Some(k) = (0..runs.len()).min_by_key(|&k| runs[k].2) else {
            return pieces;
        };
        let left = k.checked_sub(1).map(|j| runs[j]);
        let right = runs.get(k + 1).copied();
        let join = match (left, right) {
            (Some(l), Some(r)) if r.2 > l.2 => r,
            (Some(l), _) => l,
            (None, Some(r)) => r,
            (None, None) => return pieces,
        };
        let c = pieces[join.0].1;
        let (first, n, _) = runs[k];
        for piece in &mut pieces[first..first + n] {
            piece.1 = c;
        }
    }
}

/// The channel an agent worked most in the shift (ties: the lowest index).
fn main_channel(w: &ShiftWork, assignment: &Assignment) -> usize {
    let mut count: BTreeMap<usize, usize> = BTreeMap::new();
    for r in &w.stretches {
        for t in r.clone() {
            if let Some(c) = assignment[w.agent][t] {
                *count.entry(c).or_default() += 1;
            }
        }
    }
    count
        .iter()
        .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
        .map(|(c, _)| *c)
        .unwrap_or(0)
}

/// The stint MIP of one day's pool of shifts (or one skill group's) (module doc): `(agent, interval, channel)` for every
/// worked interval, or `None` when HiGHS finds no solution in `time_limit_s`.
fn solve_group(
    problem: &RosterProblem,
    shifts: &[ShiftWork],
    assignment: &Assignment,
    min_len: usize,
    time_limit_s: f64,
    watch: Watch<'_>,
) -> Result<Option<Vec<Cell>>, RosterError> {
    let max_switches = problem.stints.max_switches_per_shift;
    let mut vars = ProblemVariables::new();
    // a variable and its column in the solution
    let add = |vars: &mut ProblemVariables, def: good_lp::VariableDefinition| {
        let idx = vars.len();
        (vars.add(def), idx)
    };
    let mut constraints = Vec::new();
    let mut objective = Expression::default();
    // agents on each channel per interval, and the allocation's count there
    let mut on: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    let mut count: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    let mut present: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    // one channel per chunk of a stretch (`chunks`); y per chunk and channel (column index), to
    // read the solution back
    let mut cells: Vec<(usize, std::ops::Range<usize>, usize, usize)> = Vec::new();
    for w in shifts {
        let skills = problem.skill_set(w.agent);
        let mut switches = Expression::default();
        let mut previous: Option<Vec<Variable>> = None;
        for r in &w.stretches {
            for chunk in chunks(r.clone(), min_len) {
                let mut here = Vec::with_capacity(skills.len());
                let mut one = Expression::default();
                for &c in &skills {
                    let (y, idx) = add(&mut vars, variable().binary());
                    cells.push((w.agent, chunk.clone(), c, idx));
                    one += y;
                    for t in chunk.clone() {
                        *present.entry((c, t)).or_default() += 1;
                        *on.entry((c, t)).or_default() += y;
                    }
                    here.push(y);
                }
                for t in chunk.clone() {
                    if let Some(c) = assignment[w.agent][t] {
                        *count.entry((c, t)).or_default() += 1.0;
                    }
                }
                constraints.push(constraint!(one == 1));
                // a change from the chunk before, in this stretch or before the break, is a switch
                if let Some(before) = &previous {
                    for (&y, &b) in here.iter().zip(before) {
                        let (u, _) = add(&mut vars, variable().min(0.0).max(1.0));
                        constraints.push(constraint!(u >= y - b));
                        switches += u;
                    }
                }
                previous = Some(here);
            }
        }
        objective += SWITCH_PRICE * switches.clone();
        constraints.push(constraint!(switches <= max_switches as f64));
    }
    // what moving agents in or out of (c, t) costs the roster's objective, the rest of the roster
    // held as it is: convex segments around the allocation's count (see `channel_cost`)
    let staffed = staffing(problem, assignment);
    let local = problem
        .targets
        .as_ref()
        .map(|targets| LocalPenalty::new(targets, &problem.horizon, &|c, t| staffed[c][t]));
    let cost = |c: usize, t: usize, n: f64| channel_cost(problem, local.as_ref(), c, t, n);
    // deferred channels: the agent-intervals of each block of one response target, wherever
    // in the block they fall (the backlog waits that long); what a block loses is priced, what it
    // gains is not
    let interval = problem.horizon.interval_minutes().max(1);
    let mut deferred: BTreeMap<(usize, usize), (Expression, f64)> = BTreeMap::new();
    for (&(c, t), agents) in &on {
        if let ChannelMode::Deferred { response_minutes } = problem.channels[c].mode {
            let block = (response_minutes / interval).max(1) as usize;
            let sums = deferred.entry((c, t / block)).or_default();
            sums.0 += agents.clone();
            sums.1 += count.get(&(c, t)).copied().unwrap_or(0.0);
        }
    }
    for (agents, before) in deferred.into_values() {
        let (short, _) = add(&mut vars, variable().min(0.0));
        constraints.push(constraint!(short >= before - agents));
        objective += deferred_price(problem) * short;
    }
    for (&(c, t), agents) in &on {
        if problem.channels[c].mode != ChannelMode::Live {
            continue;
        }
        let here = count.get(&(c, t)).copied().unwrap_or(0.0) as usize;
        let present = present.get(&(c, t)).copied().unwrap_or(0);
        let now = staffed[c][t];
        let mut moved = Expression::default();
        for k in 1..=present.saturating_sub(here) {
            let gain = cost(c, t, now + k as f64) - cost(c, t, now + (k - 1) as f64);
            let (p, _) = add(&mut vars, variable().min(0.0).max(1.0));
            moved += p;
            objective += gain * p;
        }
        for k in 1..=here {
            let loss = cost(c, t, now - k as f64) - cost(c, t, now - (k - 1) as f64);
            let (q, _) = add(&mut vars, variable().min(0.0).max(1.0));
            moved -= q;
            objective += loss * q;
        }
        constraints.push(constraint!(agents.clone() - moved == here as f64));
    }
    let opts = SolveOptions {
        time_limit_s,
        mip_rel_gap: 0.01,
        ..SolveOptions::default()
    };
    match run_highs(
        vars,
        objective,
        constraints,
        &opts,
        true,
        watch,
        SolveStage::Allocation,
    ) {
        Ok(s) => Ok(Some(
            cells
                .into_iter()
                .filter(|(_, _, _, idx)| s.columns.get(*idx).copied().unwrap_or(0.0) > 0.5)
                .flat_map(|(a, chunk, c, _)| chunk.map(move |t| (a, t, c)))
                .collect(),
        )),
        Err(RosterError::Cancelled) => Err(RosterError::Cancelled),
        Err(e) => {
            tracing::warn!(error = %e, "channel stints MIP found no solution");
            Ok(None)
        }
    }
}

/// A stretch of work cut into the pieces that each keep one channel: `min_len` intervals each
/// from the stretch's start, the last one taking the remainder (so every piece is at least
/// `min_len` long, or the whole stretch when it is shorter). Channels change on these
/// boundaries only ("on the hour of the stretch"): a restriction of the rules that makes the MIP
/// a few hundred binaries a day, solved in well under a second on the sample week.
fn chunks(stretch: std::ops::Range<usize>, min_len: usize) -> Vec<std::ops::Range<usize>> {
    let n = stretch.len();
    let min_len = min_len.max(1);
    let pieces = (n / min_len).max(1);
    (0..pieces)
        .map(|k| {
            let start = stretch.start + k * min_len;
            let end = if k + 1 == pieces {
                stretch.end
            } else {
                start + min_len
            };
            start..end
        })
        .collect()
}

/// Agents on each channel per interval in `assignment`: `[c][t]`.
pub(crate) fn staffing(problem: &RosterProblem, assignment: &Assignment) -> Vec<Vec<f64>> {
    let mut n = vec![vec![0.0; problem.horizon.n_intervals()]; problem.channels.len()];
    for row in assignment {
        for (t, c) in row.iter().enumerate() {
            if let Some(c) = c {
                n[*c][t] += 1.0;
            }
        }
    }
    n
}

/// The roster objective's part that depends on the agents `n` on live channel `c` in interval
/// `t`, up to a constant (as `schedule`'s evaluation scores it): with targets, the period's target
/// penalty, wait cap and tie-break ([`LocalPenalty`]); otherwise the tiered shortfall against the
/// requirement and the over-coverage price ([`crate::model::coverage::tiered_shortfall`]).
pub(crate) fn channel_cost(
    problem: &RosterProblem,
    local: Option<&LocalPenalty<'_>>,
    c: usize,
    t: usize,
    n: f64,
) -> f64 {
    if let Some(v) = local.and_then(|l| l.value(c, t, n)) {
        return v;
    }
    let ch = &problem.channels[c];
    let w = problem.weights;
    let hours = f64::from(problem.horizon.interval_minutes()) / 60.0;
    let r = ch.requirement.get(t).copied().unwrap_or(0.0);
    w.shortfall_per_agent_hour
        * ch.shortfall_weight
        * hours
        * crate::model::coverage::tiered_shortfall(r, (r - n).max(0.0))
        + w.over_per_agent_hour * hours * (n - r).max(0.0)
}

/// What one agent-interval less on a deferred channel in a block costs the stint pass: far more
/// than any live queue could gain from it. The allocation stage chose the day's deferred hours
/// with the backlog in view, and work a week cannot absorb is scored as carried over at a whole
/// response target per agent-interval (on the real sample week, 2.75 social hours moved to voice
/// turned into 1,675 hours carried). So the pass keeps the deferred hours of each block of one
/// response target, and only when in the block they are worked is free; a price (not a hard
/// row) keeps the MIP always feasible.
fn deferred_price(problem: &RosterProblem) -> f64 {
    let hours = f64::from(problem.horizon.interval_minutes()) / 60.0;
    DEFERRED_KEEP * problem.weights.shortfall_per_agent_hour * hours
}

/// Multiple of the shortfall price of an agent-hour that a deferred agent-hour moved off its day
/// costs (see [`deferred_price`]): above the steepest live tier (8) at the highest priority
/// factor (2).
const DEFERRED_KEEP: f64 = 100.0;

/// Seconds the stint sub-problems share at least, whatever is left of the time limit (see
/// [`apply`]).
const FLOOR_SECONDS: f64 = 28.0;

/// Most multi-skilled shifts in one day solved as one pool (see [`apply`]); above it, one
/// sub-problem per skill set keeps each MIP small on a large centre.
const POOL_AGENTS: usize = 60;

/// Price of one channel switch, in the objective's units (currency; an agent-hour short on a
/// live channel costs about 200): enough to prefer fewer switches among equal rosters, never
/// enough to leave a queue short.
const SWITCH_PRICE: f64 = 0.01;

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::options::build_options;
    use crate::synthetic;

    /// The synthetic centre, one shift of every multi-skilled agent on the first day whose
    /// channel changes every interval (the worst hopping there can be), breaks as gaps.
    fn hopping(rules: StintRules) -> (RosterProblem, OptionSet, Vec<PlacedShift>, Assignment) {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let problem = synthetic::centre(20, monday, 7).unwrap().with_stints(rules);
        let options = build_options(&problem);
        let n_t = problem.horizon.n_intervals();
        let mut assignment: Assignment = vec![vec![None; n_t]; problem.agents.len()];
        let mut placed = Vec::new();
        for a in 0..problem.agents.len() {
            let skills = problem.skill_set(a);
            if skills.len() < 2 {
                continue;
            }
            let Some(o) = options.per_agent[a]
                .iter()
                .copied()
                .find(|&o| options.options[o].day == 0)
            else {
                continue;
            };
            let opt = &options.options[o];
            // a 30-minute break in the middle of the shift
            let mid = (opt.first + opt.last) / 2;
            for t in opt.first..opt.last {
                if t != mid && t != mid + 1 {
                    assignment[a][t] = Some(skills[(t + a) % skills.len()]);
                }
            }
            placed.push(PlacedShift {
                agent: a,
                option: o,
                break_starts: Vec::new(),
            });
        }
        assert!(
            placed.len() >= 3,
            "the synthetic centre has multi-skilled agents"
        );
        (problem, options, placed, assignment)
    }

    #[test]
    fn hopping_shifts_are_reported_as_they_are() {
        let (problem, options, placed, assignment) = hopping(StintRules::default());
        let r = report(&problem, &options, &placed, &assignment);
        assert!(r.max_switches > 20, "{r:?}");
        assert_eq!(r.shifts_over_switch_limit, placed.len());
        assert!(r.short_stints > 0);
    }

    #[test]
    fn stints_keep_the_rules_and_the_hours_per_channel_where_they_can() {
        let rules = StintRules {
            min_stint_minutes: 60,
            max_switches_per_shift: 2,
        };
        let (problem, options, placed, assignment) = hopping(rules);
        let fixed = apply(&problem, &options, &placed, &assignment, 30.0, None).unwrap();
        let r = report(&problem, &options, &placed, &fixed);
        assert!(r.max_switches <= 2, "{r:?}");
        assert_eq!(r.short_stints, 0, "{r:?}");
        assert_eq!(r.shifts_over_switch_limit, 0);
        // nothing moves in time: the same agents work the same intervals, on their own skills
        for a in 0..problem.agents.len() {
            for (t, c) in fixed[a].iter().enumerate() {
                assert_eq!(c.is_some(), assignment[a][t].is_some(), "agent {a} t {t}");
                if let Some(c) = c {
                    assert!(problem.skill_set(a).contains(c));
                }
            }
        }
        // where the rules force capacity to move, it moves where it costs least: the pass does
        // at least as well as keeping everyone on their main channel, by the pass's own prices
        let mut single = assignment.clone();
        for p in &placed {
            let w = shift_work(&options, p, &assignment);
            let main = main_channel(&w, &assignment);
            for r in &w.stretches {
                for t in r.clone() {
                    single[w.agent][t] = Some(main);
                }
            }
        }
        let priced = |a: &Assignment| -> f64 {
            let n = staffing(&problem, a);
            let before = staffing(&problem, &assignment);
            let mut total = 0.0;
            for (c, ch) in problem.channels.iter().enumerate() {
                for t in 0..problem.horizon.n_intervals() {
                    total += match ch.mode {
                        ChannelMode::Live => channel_cost(&problem, None, c, t, n[c][t]),
                        ChannelMode::Deferred { .. } => {
                            deferred_price(&problem) * (before[c][t] - n[c][t]).max(0.0)
                        }
                    };
                }
            }
            total
        };
        assert!(
            priced(&fixed) <= priced(&single) + 1e-6,
            "stints {} against one channel a shift {}",
            priced(&fixed),
            priced(&single)
        );
    }

    #[test]
    fn no_minimum_and_no_switches_mean_one_channel_a_shift() {
        let rules = StintRules {
            min_stint_minutes: 0,
            max_switches_per_shift: 0,
        };
        let (problem, options, placed, assignment) = hopping(rules);
        let fixed = apply(&problem, &options, &placed, &assignment, 30.0, None).unwrap();
        let r = report(&problem, &options, &placed, &fixed);
        assert_eq!(r.max_switches, 0, "{r:?}");
        assert_eq!(r.short_stints, 0);
    }

    #[test]
    fn a_roster_that_keeps_the_rules_is_left_alone() {
        let (problem, options, placed, mut assignment) = hopping(StintRules::default());
        for row in &mut assignment {
            let first = row.iter().flatten().next().copied();
            for c in row.iter_mut().flatten() {
                *c = first.unwrap();
            }
        }
        let fixed = apply(&problem, &options, &placed, &assignment, 30.0, None).unwrap();
        assert_eq!(fixed, assignment);
    }

    #[test]
    fn the_fallback_keeps_the_rules_and_most_of_the_mix() {
        let rules = StintRules::default();
        let (problem, options, placed, assignment) = hopping(rules);
        let min_len = rules.min_stint_intervals(problem.horizon.interval_minutes());
        let mut fixed = assignment.clone();
        for p in &placed {
            let w = shift_work(&options, p, &assignment);
            for (chunk, c) in majority_pieces(&w, &assignment, min_len, rules) {
                for t in chunk {
                    fixed[w.agent][t] = Some(c);
                }
            }
        }
        let r = report(&problem, &options, &placed, &fixed);
        assert!(r.max_switches <= 2, "{r:?}");
        assert_eq!(r.short_stints, 0, "{r:?}");
        for a in 0..problem.agents.len() {
            for (t, c) in fixed[a].iter().enumerate() {
                assert_eq!(c.is_some(), assignment[a][t].is_some());
            }
        }
    }

    #[test]
    fn minimum_stint_rounds_up_to_whole_intervals() {
        let r = StintRules {
            min_stint_minutes: 50,
            max_switches_per_shift: 2,
        };
        assert_eq!(r.min_stint_intervals(15), 4);
        assert_eq!(r.min_stint_intervals(30), 2);
        assert_eq!(
            StintRules {
                min_stint_minutes: 0,
                ..r
            }
            .min_stint_intervals(15),
            1
        );
    }
}

//! From the programme's solution to a roster: break placement, channel allocation per agent and
//! interval, coverage and the objective of the result.
//!
//! The breaks and channels here are the greedy post-pass: [`super::allocate`]'s allocation MIP
//! usually beats it (it sees the deferred backlog), and [`super::schedule`] writes whichever of
//! the two scores the lower objective. [`coverage`] and [`shifts_and_activities`] serve both.
//!
//! **Breaks.** The programme places breaks implicitly and in aggregate (`rho[g,o,b,q]` in
//! `model::coverage`, continuous). The post-pass turns that into whole breaks per agent, one at a
//! time (narrowest window first): the slot with the most unused `rho` quota of the agent's group,
//! option and break wins; ties go to the slot where the agent's channels have the most spare cover,
//! `min_{tau in slot} min_{c in skills} (working skilled for c at tau - r[c,tau])`, then to fewer
//! colleagues of the same skill group already on break, then to the slot nearest the window's
//! middle. A break shorter than an interval takes the whole interval out of coverage (conservative).
//! Coverage is then recomputed from the placed breaks, so the reported shortfall is exact for the
//! roster written, whatever the approximation inside the programme.
//!
//! **Channels (post-pass).** In every interval, working agents are matched to live channels by
//! augmenting paths (Kuhn's algorithm), one agent at a time to the live channel with the highest
//! marginal penalty slope `f_c sigma(s / r)` at its current shortfall share (the convex tiers of
//! `model::coverage`, so an empty reception desk goes before a voice queue three-quarters covered;
//! ties in priority order) until no channel short of its requirement can gain an agent (an agent
//! stays on the previous interval's channel where possible); agents left over work the
//! deferred channel whose oldest waiting work is due first (earliest deadline first), or else stay
//! on their previous/first channel (over-coverage).

use chrono::Duration;

use super::error::RosterError;
use super::model::coverage::shortfall_slope;
use super::options::OptionSet;
use super::output::{Activity, ActivityKind, CoverageRow, PlacedBreak, RosterShift};
use super::problem::{ChannelMode, RosterProblem};
use super::solve::MipSolution;

/// A worked shift with its breaks placed, in horizon intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedShift {
    /// Agent index.
    pub agent: usize,
    /// Option index.
    pub option: usize,
    /// Per template break: start interval.
    pub break_starts: Vec<usize>,
}

/// Places every break of the chosen shifts (see the module doc).
#[tracing::instrument(skip_all)]
pub fn place_breaks(
    problem: &RosterProblem,
    options: &OptionSet,
    sol: &mut MipSolution,
) -> Result<Vec<PlacedShift>, RosterError> {
    let n_t = problem.horizon.n_intervals();
    let n_c = problem.channels.len();
    let skills: Vec<Vec<usize>> = (0..problem.agents.len())
        .map(|a| problem.skill_set(a))
        .collect();
    // working skilled agents per channel and interval, before breaks
    let mut working = vec![vec![0i64; n_t]; n_c];
    let n_groups = sol.group_of.iter().max().map_or(0, |g| g + 1);
    let mut on_break = vec![vec![0i64; n_t]; n_groups];
    let mut shifts = Vec::new();
    for (a, chosen) in sol.chosen.iter().enumerate() {
        for &o in chosen {
            let opt = &options.options[o];
            for &c in &skills[a] {
                for w in &mut working[c][opt.first..opt.last] {
                    *w += 1;
                }
            }
            shifts.push(PlacedShift {
                agent: a,
                option: o,
                break_starts: vec![usize::MAX; opt.breaks.len()],
            });
        }
    }
    // (shift index, break index) ordered by window width, then start
    let mut todo: Vec<(usize, usize)> = shifts
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..options.options[s.option].breaks.len()).map(move |b| (i, b)))
        .collect();
    todo.sort_by_key(|&(i, b)| {
        let w = options.options[shifts[i].option].breaks[b];
        (w.latest - w.earliest, w.earliest)
    });
    for (i, b) in todo {
        let a = shifts[i].agent;
        let opt = &options.options[shifts[i].option];
        let win = opt.breaks[b];
        let g = sol.group_of[a];
        let taken: Vec<(usize, usize)> = shifts[i]
            .break_starts
            .iter()
            .enumerate()
            .filter(|(_, s)| **s != usize::MAX)
            .map(|(j, s)| (*s, *s + opt.breaks[j].len))
            .collect();
        let mid2 = win.earliest + win.latest;
        let quota = sol.break_quota[g].get(&(shifts[i].option, win.index));
        let quota_at = |s: usize| {
            quota
                .and_then(|q| q.iter().find(|(qs, _)| *qs == s))
                .map_or(0.0, |(_, v)| *v)
        };
        let mut best: Option<((i64, i64, i64, usize), usize)> = None;
        for s in win.earliest..=win.latest {
            let e = s + win.len;
            if e > opt.last || taken.iter().any(|&(a0, a1)| s < a1 && a0 < e) {
                continue;
            }
            let mut slack = i64::MAX;
            let mut breaks = 0;
            for tau in s..e {
                for &c in &skills[a] {
                    if problem.channels[c].mode == ChannelMode::Live {
                        let r = problem.channels[c].requirement[tau].ceil() as i64;
                        slack = slack.min(working[c][tau] - r);
                    }
                }
                breaks += on_break[g][tau];
            }
            if slack == i64::MAX {
                slack = 0;
            }
            let q = (quota_at(s).min(1.0) * 20.0).round() as i64;
            let key = (-q, -slack, breaks, (2 * s).abs_diff(mid2));
            if best.is_none_or(|(k, _)| key < k) {
                best = Some((key, s));
            }
        }
        let Some((_, s)) = best else {
            return Err(RosterError::Input(format!(
                "shift template {}: its breaks cannot all be placed without overlapping",
                problem.templates[opt.template].name
            )));
        };
        shifts[i].break_starts[b] = s;
        if let Some(slots) = sol
            .break_quota
            .get_mut(g)
            .and_then(|m| m.get_mut(&(shifts[i].option, win.index)))
        {
            if let Some(slot) = slots.iter_mut().find(|(qs, _)| *qs == s) {
                slot.1 -= 1.0;
            }
        }
        for tau in s..s + win.len {
            for &c in &skills[a] {
                working[c][tau] -= 1;
            }
            on_break[g][tau] += 1;
        }
    }
    Ok(shifts)
}

/// Per agent and interval: `None` off shift or on break, `Some(channel)` working.
pub type Assignment = Vec<Vec<Option<usize>>>;

/// Matches working agents to channels in every interval (see the module doc).
#[tracing::instrument(skip_all)]
pub fn allocate_channels(
    problem: &RosterProblem,
    options: &OptionSet,
    shifts: &[PlacedShift],
) -> Assignment {
    let n_t = problem.horizon.n_intervals();
    let n_a = problem.agents.len();
    let skills: Vec<Vec<usize>> = (0..n_a).map(|a| problem.skill_set(a)).collect();
    let mut present = vec![vec![false; n_t]; n_a];
    for s in shifts {
        let opt = &options.options[s.option];
        for p in &mut present[s.agent][opt.first..opt.last] {
            *p = true;
        }
        for (j, &bs) in s.break_starts.iter().enumerate() {
            let end = (bs + opt.breaks[j].len).min(n_t);
            for p in &mut present[s.agent][bs..end] {
                *p = false;
            }
        }
    }
    let mut live: Vec<usize> = (0..problem.channels.len())
        .filter(|&c| problem.channels[c].mode == ChannelMode::Live)
        .collect();
    live.sort_by(|&a, &b| {
        problem.channels[b]
            .shortfall_weight
            .total_cmp(&problem.channels[a].shortfall_weight)
    });
    let deferred: Vec<usize> = (0..problem.channels.len())
        .filter(|&c| problem.channels[c].mode != ChannelMode::Live)
        .collect();
    // per deferred channel: FIFO queue of (deadline interval, agent-intervals of work)
    let deadlines: Vec<Vec<usize>> = problem
        .channels
        .iter()
        .map(|ch| ch.deadlines(problem.horizon.interval_minutes()))
        .collect();
    let deadline_of = |c: usize, t: usize| deadlines[c][t];
    let mut queues: Vec<std::collections::VecDeque<(usize, f64)>> =
        vec![std::collections::VecDeque::new(); problem.channels.len()];
    let mut out: Assignment = vec![vec![None; n_t]; n_a];
    for t in 0..n_t {
        let agents: Vec<usize> = (0..n_a).filter(|&a| present[a][t]).collect();
        let mut assigned: Vec<Option<usize>> = vec![None; n_a];
        // one agent at a time to the live channel with the steepest penalty slope at its current
        // shortfall share (ties: priority order of `live`); a channel that finds no augmenting
        // path now never will in this interval (Kuhn), so it drops out
        let mut count = vec![0usize; problem.channels.len()];
        let mut blocked = vec![false; problem.channels.len()];
        loop {
            let mut best: Option<(f64, usize)> = None;
            for &c in &live {
                let ch = &problem.channels[c];
                let r = ch.requirement[t];
                let s = r - count[c] as f64;
                if blocked[c] || s <= 1e-9 {
                    continue;
                }
                let gain = ch.shortfall_weight * shortfall_slope(r, s);
                if best.is_none_or(|(g, _)| gain > g + 1e-12) {
                    best = Some((gain, c));
                }
            }
            let Some((_, c)) = best else {
                break;
            };
            let mut seen = vec![false; n_a];
            // free agents first, specialists before multi-skilled agents (who may be needed
            // elsewhere), then agents already on this channel in the previous interval
            let mut order: Vec<usize> = agents.clone();
            order.sort_by_key(|&a| {
                let prev = if t > 0 { out[a][t - 1] } else { None };
                (assigned[a].is_some(), skills[a].len(), prev != Some(c))
            });
            if augment(c, &order, &skills, &mut assigned, &mut seen) {
                count[c] += 1;
            } else {
                blocked[c] = true;
            }
        }
        for &c in &deferred {
            let r = problem.channels[c].requirement[t];
            if r > 0.0 {
                queues[c].push_back((deadline_of(c, t), r));
            }
        }
        // leftover agents work deferred channels earliest deadline first (EDF); agents with the
        // fewest deferred skills choose first so that specialists are not crowded out
        let mut free: Vec<usize> = agents
            .iter()
            .copied()
            .filter(|&a| assigned[a].is_none())
            .collect();
        free.sort_by_key(|&a| skills[a].iter().filter(|c| deferred.contains(c)).count());
        for a in free {
            let best_def = deferred
                .iter()
                .copied()
                .filter(|c| skills[a].contains(c))
                .filter_map(|c| queues[c].front().map(|(d, _)| (*d, c)))
                .min();
            let c = match best_def {
                Some((_, c)) => {
                    let mut cap = 1.0;
                    while cap > 1e-12 {
                        let Some(front) = queues[c].front_mut() else {
                            break;
                        };
                        let take = front.1.min(cap);
                        front.1 -= take;
                        cap -= take;
                        if front.1 <= 1e-12 {
                            queues[c].pop_front();
                        }
                    }
                    Some(c)
                }
                None => {
                    let prev = if t > 0 { out[a][t - 1] } else { None };
                    prev.filter(|p| skills[a].contains(p))
                        .or_else(|| skills[a].first().copied())
                }
            };
            assigned[a] = c;
        }
        for &a in &agents {
            out[a][t] = assigned[a];
        }
    }
    out
}

/// One augmenting-path search (Kuhn) for one more agent on channel `c` at interval `t`.
fn augment(
    c: usize,
    order: &[usize],
    skills: &[Vec<usize>],
    assigned: &mut Vec<Option<usize>>,
    seen: &mut Vec<bool>,
) -> bool {
    for &a in order {
        if seen[a] || !skills[a].contains(&c) {
            continue;
        }
        seen[a] = true;
        match assigned[a] {
            None => {
                assigned[a] = Some(c);
                return true;
            }
            Some(c2) if c2 == c => continue,
            Some(c2) => {
                // try to move agent a's current channel c2 to someone else
                if augment(c2, order, skills, assigned, seen) {
                    assigned[a] = Some(c);
                    return true;
                }
            }
        }
    }
    false
}

/// Coverage of a roster: the rows, the per-channel shortfall series (live: agents short;
/// deferred: overdue agent-intervals) and the idle agent-intervals per channel (live: over the
/// requirement; deferred: capacity with no work waiting, handling first-in first-out).
#[derive(Debug, Clone)]
pub struct Coverage {
    /// Rows by interval, then channel.
    pub rows: Vec<CoverageRow>,
    /// `shortfall[c][t]`.
    pub shortfall: Vec<Vec<f64>>,
    /// Idle agent-intervals per channel.
    pub idle: Vec<f64>,
    /// Deferred channels: agent-intervals of work the week cannot absorb (the backlog grows by
    /// this much every week; `e[c]` of `model::backlog`). Zero for live channels.
    pub carried: Vec<f64>,
}

/// Computes the [`Coverage`] of an assignment.
pub fn coverage(problem: &RosterProblem, assignment: &Assignment) -> Coverage {
    let h = &problem.horizon;
    let n_t = h.n_intervals();
    let n_c = problem.channels.len();
    let mut scheduled = vec![vec![0.0f64; n_t]; n_c];
    for per_t in assignment {
        for (t, c) in per_t.iter().enumerate() {
            if let Some(c) = c {
                scheduled[*c][t] += 1.0;
            }
        }
    }
    let mut short = vec![vec![0.0f64; n_t]; n_c];
    let mut idle = vec![0.0f64; n_c];
    let mut carried = vec![0.0f64; n_c];
    for (c, ch) in problem.channels.iter().enumerate() {
        match ch.mode {
            ChannelMode::Live => {
                for t in 0..n_t {
                    short[c][t] = (ch.requirement[t] - scheduled[c][t]).max(0.0);
                    idle[c] += (scheduled[c][t] - ch.requirement[t]).max(0.0);
                }
            }
            ChannelMode::Deferred { .. } => {
                // the week as a steady state (see `model::backlog`): run it twice from an empty
                // backlog and report the second pass, which starts from what the first left
                let not_due = ch.not_yet_due_steady(h.interval_minutes());
                let mut backlog = 0.0;
                let mut end_of_first = 0.0;
                for pass in 0..2 {
                    if pass == 1 {
                        end_of_first = backlog;
                    }
                    for t in 0..n_t {
                        let r = ch.requirement[t];
                        backlog += r;
                        let handled = scheduled[c][t].min(backlog);
                        backlog -= handled;
                        if pass == 1 {
                            idle[c] += scheduled[c][t] - handled;
                            let overdue: f64 = backlog - not_due[t];
                            short[c][t] = if overdue > 1e-9 { overdue } else { 0.0 };
                        }
                    }
                }
                // growth of the backlog from one week to the next: work never absorbed
                carried[c] = (backlog - end_of_first).max(0.0);
            }
        }
    }
    let mut rows = Vec::with_capacity(n_t * n_c);
    for t in 0..n_t {
        let at = h.instant(t).fixed_offset();
        for (c, ch) in problem.channels.iter().enumerate() {
            rows.push(CoverageRow {
                interval_start: at,
                channel: ch.name.clone(),
                required: ch.requirement[t],
                scheduled: scheduled[c][t],
                shortfall: short[c][t],
            });
        }
    }
    Coverage {
        rows,
        shortfall: short,
        idle,
        carried,
    }
}

/// Shifts and activities of the roster in planner terms.
pub fn shifts_and_activities(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[PlacedShift],
    assignment: &Assignment,
    planned: &[crate::activities::PlacedActivity],
) -> (Vec<RosterShift>, Vec<Activity>) {
    let planned_at = |a: usize, t: usize| {
        planned
            .iter()
            .find(|p| p.agent == a && p.start <= t && t < p.end)
            .map(|p| problem.activities[p.activity].name.clone())
    };
    let h = &problem.horizon;
    let len = i64::from(h.interval_minutes());
    let mut shifts = Vec::new();
    let mut activities = Vec::new();
    let mut sorted: Vec<&PlacedShift> = placed.iter().collect();
    sorted.sort_by_key(|s| (s.agent, s.option));
    for s in sorted {
        let agent = &problem.agents[s.agent];
        let opt = &options.options[s.option];
        let tpl = &problem.templates[opt.template];
        let mut breaks: Vec<PlacedBreak> = s
            .break_starts
            .iter()
            .enumerate()
            .map(|(j, &bs)| {
                let rule = &tpl.breaks[j];
                let start = opt.start + Duration::minutes((bs - opt.first) as i64 * len);
                PlacedBreak {
                    kind: if rule.paid {
                        ActivityKind::Break
                    } else {
                        ActivityKind::Lunch
                    },
                    start: start.fixed_offset(),
                    end: (start + Duration::minutes(i64::from(rule.minutes))).fixed_offset(),
                }
            })
            .collect();
        breaks.sort_by_key(|b| b.start);
        // activities: merge equal consecutive intervals
        let mut cur: Option<(usize, ActivityKind, Option<usize>)> = None;
        let mut flush = |from: usize, to: usize, kind: ActivityKind, ch: Option<usize>| {
            let start = opt.start + Duration::minutes((from - opt.first) as i64 * len);
            let end = opt.start + Duration::minutes((to - opt.first) as i64 * len);
            activities.push(Activity {
                agent_id: agent.id.clone(),
                start: start.fixed_offset(),
                end: end.fixed_offset(),
                activity: kind,
                channel: ch.map(|c| problem.channels[c].name.clone()),
            });
        };
        for (t, slot) in assignment[s.agent]
            .iter()
            .enumerate()
            .take(opt.last)
            .skip(opt.first)
        {
            let state = match *slot {
                Some(c) => (ActivityKind::Work, Some(c)),
                None if planned_at(s.agent, t).is_some() => (
                    ActivityKind::Planned(planned_at(s.agent, t).unwrap_or_default()),
                    None,
                ),
                None => {
                    let j = s
                        .break_starts
                        .iter()
                        .enumerate()
                        .find(|(j, &bs)| t >= bs && t < bs + opt.breaks[*j].len)
                        .map(|(j, _)| j);
                    let paid = j.is_none_or(|j| tpl.breaks[j].paid);
                    (
                        if paid {
                            ActivityKind::Break
                        } else {
                            ActivityKind::Lunch
                        },
                        None,
                    )
                }
            };
            match cur.take() {
                Some((from, k, c)) if (&k, c) == (&state.0, state.1) => cur = Some((from, k, c)),
                Some((from, k, c)) => {
                    flush(from, t, k, c);
                    cur = Some((t, state.0, state.1));
                }
                None => cur = Some((t, state.0, state.1)),
            }
        }
        if let Some((from, k, c)) = cur {
            flush(from, opt.last, k, c);
        }
        shifts.push(RosterShift {
            agent_id: agent.id.clone(),
            agent_name: agent.name.clone(),
            date: opt.start.date_naive(),
            template: tpl.name.clone(),
            start: opt.start.fixed_offset(),
            end: opt.end.fixed_offset(),
            paid_hours: f64::from(opt.paid_minutes) / 60.0,
            breaks,
        });
    }
    (shifts, activities)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime, Weekday};
    use rota_data::channel::ChannelName;

    use super::*;
    use crate::options::build_options;
    use crate::problem::{AgentPlan, ChannelPlan, ContractRules, Horizon, TemplatePlan, Weights};

    fn hm(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    fn channel(h: &Horizon, name: &str, n: f64, weight: f64) -> ChannelPlan {
        let req = (0..h.n_intervals())
            .map(|t| {
                let hour = h.instant(t).time();
                if hour >= hm(8) && hour < hm(12) {
                    n
                } else {
                    0.0
                }
            })
            .collect();
        ChannelPlan {
            name: ChannelName::parse(name).unwrap(),
            mode: ChannelMode::Live,
            shortfall_weight: weight,
            requirement: req,
            worked: None,
        }
    }

    fn agent(id: &str, skills: &[&str]) -> AgentPlan {
        AgentPlan {
            id: id.into(),
            name: id.into(),
            team: None,
            skills: skills
                .iter()
                .map(|s| ChannelName::parse(s).unwrap())
                .collect(),
            hourly_rate: 10.0,
            contract: ContractRules {
                name: "flex".into(),
                min_weekly_minutes: 0,
                max_weekly_minutes: 48 * 60,
                max_days_per_week: 7,
                max_consecutive_days: 7,
                min_rest_minutes: 11 * 60,
                max_weekend_days: 2,
            },
            allowed_templates: None,
            weekly_availability: [Some((hm(0), hm(0))); 7],
            unavailable: Vec::new(),
            fixed_shifts: Vec::new(),
        }
    }

    #[test]
    fn small_channel_is_not_starved_by_a_larger_priority_channel() {
        // voice (higher priority) needs 10, reception 1; only 4 agents, all skilled for both:
        // filling voice first would leave reception empty, the slope rule gives it one agent.
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let h = Horizon::new(chrono_tz::Europe::London, monday, 1, 15).unwrap();
        let channels = vec![
            channel(&h, "voice", 10.0, 1.82),
            channel(&h, "reception", 1.0, 1.67),
        ];
        let templates = vec![TemplatePlan {
            name: "morning".into(),
            weekdays: vec![Weekday::Mon],
            earliest_start: hm(8),
            latest_start: hm(8),
            step_minutes: 15,
            length_minutes: 240,
            breaks: vec![],
            team: None,
        }];
        let agents = (0..4)
            .map(|i| agent(&format!("A{i}"), &["voice", "reception"]))
            .collect();
        let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
        let options = build_options(&p);
        let shifts: Vec<PlacedShift> = (0..4)
            .map(|a| PlacedShift {
                agent: a,
                option: options.per_agent[a][0],
                break_starts: vec![],
            })
            .collect();
        let assignment = allocate_channels(&p, &options, &shifts);
        let cov = coverage(&p, &assignment);
        let (mut worked, mut reception) = (0, 0);
        for row in cov.rows.iter().filter(|r| r.required > 0.0) {
            worked += 1;
            let expected = if row.channel.as_str() == "reception" {
                1.0
            } else {
                3.0
            };
            assert_eq!(row.scheduled, expected, "{row:?}");
            reception += usize::from(row.channel.as_str() == "reception");
        }
        assert_eq!((worked, reception), (32, 16));
    }
}

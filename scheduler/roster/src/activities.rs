//! Planned non-contact activities (`[[activities]]`): team meetings, training, 1:1s and
//! reception's facilities duty, placed in the roster's shifts where they cost the service least.
//!
//! Two places handle them:
//!
//! * **The tour programme** reserves their time ([`crate::model::activities`]): per skill group,
//!   the agent-intervals the group's agents owe each activity are taken from its capacity inside
//!   the activity's window, continuously. So shifts are chosen knowing that, say, 45 hours of
//!   training must fit in the week, and the LP bound counts that time.
//! * **This post-pass** places whole sessions, once the shifts, breaks and channels are fixed
//!   (after the allocation stage, before the channel stint pass, which then re-chooses channels
//!   around them). Each session goes where taking its agents off their channels raises the
//!   roster's objective least: with targets, the contacts the period loses
//!   ([`crate::targets::LocalPenalty`]); with coverage, the tiered shortfall less the idle
//!   capacity saved. That is the "where it costs the service least", priced exactly as the
//!   roster is scored, among the intervals in the quieter half of the team's day (below the day's
//!   median of the team's live demand) whenever a session fits there ([`Quiet`]). Placing whole sessions greedily, most constrained first, is not optimal,
//!   but every session is priced against the roster as it then stands, and the roster's final
//!   objective (and gap to the bound) is computed after the placement, so it shows what the
//!   placement cost.
//!
//! The three styles:
//! * `together` (a team meeting): one time per team and session, at which as many of the team as
//!   can attend are on shift and free: among the times that reach 90 % of the best attendance,
//!   those in the quieter half of the team's day if there are any, and of those the cheapest. A
//!   meeting most of the team can attend comes before a quiet time (at lunchtime half the team is
//!   away). Members not on shift then miss it; the report says how many attended.
//! * `individual` (training, a 1:1): each agent's own sessions, each inside one shift and the
//!   window; with `split`, in parts of at least half an hour.
//! * `fill_quiet_time` (facilities duty): each agent's weekly minimum in the cheapest blocks,
//!   then more blocks up to the maximum wherever taking the agent off costs at most
//!   [`QUIET_SHARE`] of an agent-interval short: time the queues do not need.

use std::collections::BTreeMap;

use serde::Serialize;

use rota_data::channel::ChannelName;
pub use rota_data::config::ActivityStyle;

use crate::build::{Assignment, PlacedShift};
use crate::options::OptionSet;
use crate::problem::{AgentPlan, ChannelMode, RosterProblem};
use crate::targets::LocalPenalty;

/// One planned activity in the programme's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityPlan {
    /// Name written in `activities.csv` (e.g. `team_meeting`).
    pub name: String,
    /// What people call it.
    pub label: String,
    /// How it is attended.
    pub style: ActivityStyle,
    /// Teams it applies to (with `agent_ids` and `skills`: everyone when all three are empty).
    pub teams: Vec<String>,
    /// Agents it applies to by id.
    pub agent_ids: Vec<String>,
    /// Agents with any of these skills take part.
    pub skills: Vec<ChannelName>,
    /// Intervals of one session (one block of quiet-time work).
    pub len: usize,
    /// Sessions per agent (per team for `together`) and week.
    pub sessions_per_week: usize,
    /// Agent-intervals each agent must have a week (sessions x len; the minimum for quiet time).
    pub min_intervals: usize,
    /// Agent-intervals each agent may have a week (the maximum for quiet time).
    pub max_intervals: usize,
    /// Per horizon interval: may the activity take place then?
    pub window: Vec<bool>,
    /// Must be placed (an unplaced session is reported in the diagnosis).
    pub mandatory: bool,
    /// Sessions may be split into parts of at least [`SPLIT_MINUTES`].
    pub split: bool,
}

impl ActivityPlan {
    /// Does `agent` take part?
    pub fn applies(&self, agent: &AgentPlan) -> bool {
        if self.teams.is_empty() && self.agent_ids.is_empty() && self.skills.is_empty() {
            return true;
        }
        self.agent_ids.contains(&agent.id)
            || agent.team.as_ref().is_some_and(|t| self.teams.contains(t))
            || agent.skills.iter().any(|s| self.skills.contains(s))
    }
}

/// Shortest part of a split session, minutes.
pub const SPLIT_MINUTES: u32 = 30;

/// A team meeting is held at a time that reaches at least this share of the best attendance
/// possible, and among those at the cheapest.
pub const ATTENDANCE_SHARE: f64 = 0.9;

/// Quiet-time work beyond the weekly minimum goes where taking the agent off their channel costs
/// at most this share of an agent-interval short (the shortfall price): time the queue does not
/// need.
pub const QUIET_SHARE: f64 = 0.02;

/// One placed session (or part, or block) of one agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacedActivity {
    /// Agent index.
    pub agent: usize,
    /// Activity index in [`RosterProblem::activities`].
    pub activity: usize,
    /// First interval.
    pub start: usize,
    /// One past the last interval.
    pub end: usize,
}

/// One team meeting: when, and who came.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingReport {
    /// Team (empty: agents without a team).
    pub team: String,
    /// Local start, e.g. `Tue 17/11 10:00`.
    pub start: String,
    /// Members on shift and free who attend.
    pub attendees: usize,
    /// Members the meeting is for.
    pub members: usize,
}

/// How one activity was placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityReport {
    /// Name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Style (`individual`, `together`, `fill_quiet_time`).
    pub style: ActivityStyle,
    /// Agents it applies to who have shifts this horizon.
    pub agents: usize,
    /// Agent-hours placed.
    pub hours: f64,
    /// Agent-hours the agents owed (sessions, or the quiet-time minimum).
    pub hours_required: f64,
    /// Fewest and most hours one agent got (quiet time: against the weekly bounds).
    pub min_agent_hours: f64,
    /// See `min_agent_hours`.
    pub max_agent_hours: f64,
    /// What one agent owes and may have a week, hours (equal except for quiet-time work).
    pub allowed_hours: (f64, f64),
    /// Agents (ids) short of what they owed, with the hours missing.
    pub short: Vec<(String, f64)>,
    /// Team meetings (`together` only).
    pub meetings: Vec<MeetingReport>,
}

/// The result of the placement.
pub(crate) struct Placement {
    pub(crate) assignment: Assignment,
    pub(crate) placed: Vec<PlacedActivity>,
    pub(crate) reports: Vec<ActivityReport>,
    pub(crate) diagnosis: Vec<String>,
}

/// Where each agent is free (on shift, not on a break, not already in an activity): the shift
/// index per interval, `None` elsewhere.
struct Free {
    shift_of: Vec<Vec<Option<usize>>>,
}

impl Free {
    fn new(problem: &RosterProblem, options: &OptionSet, placed: &[PlacedShift]) -> Self {
        let n_t = problem.horizon.n_intervals();
        let mut shift_of = vec![vec![None; n_t]; problem.agents.len()];
        for (i, p) in placed.iter().enumerate() {
            let opt = &options.options[p.option];
            for cell in &mut shift_of[p.agent][opt.first..opt.last.min(n_t)] {
                *cell = Some(i);
            }
            for (j, &bs) in p.break_starts.iter().enumerate() {
                let end = (bs + opt.breaks[j].len).min(n_t);
                for cell in &mut shift_of[p.agent][bs.min(end)..end] {
                    *cell = None;
                }
            }
        }
        Self { shift_of }
    }

    /// Is `a` free for the whole of `[start, start + len)` within one shift?
    fn block(&self, a: usize, start: usize, len: usize) -> bool {
        let row = &self.shift_of[a];
        let Some(first) = row.get(start).copied().flatten() else {
            return false;
        };
        start + len <= row.len() && row[start..start + len].iter().all(|c| *c == Some(first))
    }

    fn take(&mut self, a: usize, start: usize, end: usize) {
        for cell in &mut self.shift_of[a][start..end] {
            *cell = None;
        }
    }
}

/// The quieter half of each day for each team: the intervals where the live demand of the
/// team's channels (every live channel one of its members is skilled for; an agent without a team
/// is a team of one) is below that day's median over the intervals with any. Sessions go there
/// when they can, and within it where they cost least. With the coverage objective this is more
/// than a tie-break: its tiers price a shortfall by its share of the requirement, so an agent
/// taken off at the peak can look cheaper than one taken off in a lull, which no team leader
/// would accept and which the targets objective (contacts lost) does not say either.
struct Quiet {
    /// Per team, per interval: in the quieter half of the day?
    by_team: Vec<Vec<bool>>,
    /// Each agent's team, an index into `by_team`.
    team_of: Vec<usize>,
}

impl Quiet {
    fn team(problem: &RosterProblem, a: usize) -> String {
        let agent = &problem.agents[a];
        agent
            .team
            .clone()
            .unwrap_or_else(|| format!("\u{0}{}", agent.id))
    }

    fn new(problem: &RosterProblem) -> Self {
        let n_t = problem.horizon.n_intervals();
        let mut channels: BTreeMap<String, std::collections::BTreeSet<usize>> = BTreeMap::new();
        for a in 0..problem.agents.len() {
            let live = problem
                .skill_set(a)
                .into_iter()
                .filter(|&c| problem.channels[c].mode == ChannelMode::Live);
            channels
                .entry(Self::team(problem, a))
                .or_default()
                .extend(live);
        }
        let names: Vec<&String> = channels.keys().collect();
        let team_of = (0..problem.agents.len())
            .map(|a| {
                let t = Self::team(problem, a);
                names.iter().position(|n| **n == t).unwrap_or(0)
            })
            .collect();
        let by_team = channels
            .values()
            .map(|cs| {
                let demand: Vec<f64> = (0..n_t)
                    .map(|t| cs.iter().map(|&c| problem.channels[c].requirement[t]).sum())
                    .collect();
                let mut quiet = vec![true; n_t];
                let mut t = 0;
                while t < n_t {
                    let day = problem.horizon.day_of_interval(t);
                    let end = (t..n_t)
                        .find(|&u| problem.horizon.day_of_interval(u) != day)
                        .unwrap_or(n_t);
                    let mut busy: Vec<f64> = demand[t..end]
                        .iter()
                        .copied()
                        .filter(|v| *v > 0.0)
                        .collect();
                    if !busy.is_empty() {
                        busy.sort_by(f64::total_cmp);
                        let m = busy.len();
                        let median = if m % 2 == 1 {
                            busy[m / 2]
                        } else {
                            (busy[m / 2 - 1] + busy[m / 2]) / 2.0
                        };
                        for u in t..end {
                            quiet[u] = demand[u] < median;
                        }
                    }
                    t = end;
                }
                quiet
            })
            .collect();
        Self { by_team, team_of }
    }

    /// Is `[start, start + len)` in the quieter half of agent `a`'s team's day?
    fn block(&self, a: usize, start: usize, len: usize) -> bool {
        self.team_of
            .get(a)
            .and_then(|&k| self.by_team[k].get(start..start + len))
            .is_some_and(|b| b.iter().all(|x| *x))
    }
}

/// The price of taking one agent off each channel in each interval, as the roster is scored,
/// kept up to date as sessions are placed.
struct Prices<'a> {
    problem: &'a RosterProblem,
    staffed: Vec<Vec<f64>>,
    local: Option<LocalPenalty<'a>>,
}

impl<'a> Prices<'a> {
    fn new(problem: &'a RosterProblem, assignment: &Assignment) -> Self {
        let mut p = Self {
            problem,
            staffed: crate::stints::staffing(problem, assignment),
            local: None,
        };
        p.refresh();
        p
    }

    fn refresh(&mut self) {
        let staffed = &self.staffed;
        self.local = self
            .problem
            .targets
            .as_ref()
            .map(|t| LocalPenalty::new(t, &self.problem.horizon, &|c, t| staffed[c][t]));
    }

    /// What one agent fewer on channel `c` in interval `t` adds to the objective.
    fn off(&self, c: usize, t: usize) -> f64 {
        let ch = &self.problem.channels[c];
        match ch.mode {
            ChannelMode::Live => {
                let n = self.staffed[c][t];
                let cost = |n: f64| {
                    crate::stints::channel_cost(self.problem, self.local.as_ref(), c, t, n)
                };
                cost((n - 1.0).max(0.0)) - cost(n)
            }
            // deferred work waits for the next free agent within its response target: an
            // agent-interval less is priced as one short, the same wherever it falls, so the
            // live channels decide where a deferred agent's session goes
            ChannelMode::Deferred { .. } => {
                self.problem.weights.shortfall_per_agent_hour * ch.shortfall_weight * self.hours()
            }
        }
    }

    fn hours(&self) -> f64 {
        f64::from(self.problem.horizon.interval_minutes()) / 60.0
    }

    /// The price of `a` leaving its channels over `[start, end)`, plus a tie-break toward the
    /// quieter times of the agent's own channels (so that equal prices, e.g. a back-office
    /// agent's deferred hours, go where the agent's queues need them least).
    fn block(&self, assignment: &Assignment, a: usize, start: usize, end: usize) -> f64 {
        let skills = self.problem.skill_set(a);
        let mut price = 0.0;
        for (t, cell) in assignment[a].iter().enumerate().take(end).skip(start) {
            if let Some(c) = cell {
                price += self.off(*c, t);
            }
            let demand: f64 = skills
                .iter()
                .map(|&c| self.problem.channels[c].requirement[t])
                .sum();
            price += TIE_BREAK * demand;
        }
        price
    }

    fn take(&mut self, assignment: &Assignment, a: usize, start: usize, end: usize) {
        for (t, cell) in assignment[a].iter().enumerate().take(end).skip(start) {
            if let Some(c) = cell {
                self.staffed[*c][t] -= 1.0;
            }
        }
        self.refresh();
    }
}

/// Price per required agent of the agent's channels in an interval: small enough never to
/// outweigh a real price (an agent-interval short costs 50 at the default weights).
const TIE_BREAK: f64 = 1e-3;

/// Places every activity of `problem` in the fixed shifts `placed` with channels `assignment`
/// (see the module doc). The assignment comes back with the activities' intervals emptied.
#[tracing::instrument(skip_all, fields(activities = problem.activities.len()))]
pub(crate) fn place(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[PlacedShift],
    assignment: &Assignment,
) -> Placement {
    let mut out = Placement {
        assignment: assignment.clone(),
        placed: Vec::new(),
        reports: Vec::new(),
        diagnosis: Vec::new(),
    };
    if problem.activities.is_empty() {
        return out;
    }
    let mut free = Free::new(problem, options, placed);
    let mut prices = Prices::new(problem, assignment);
    let quiet = Quiet::new(problem);
    let with_shifts: std::collections::BTreeSet<usize> = placed.iter().map(|p| p.agent).collect();
    // together first (a whole team at one time is the hardest to fit), then individual
    // sessions, then quiet-time work, which takes what the queues leave
    let mut order: Vec<usize> = (0..problem.activities.len()).collect();
    order.sort_by_key(|&k| match problem.activities[k].style {
        ActivityStyle::Together => 0,
        ActivityStyle::Individual => 1,
        ActivityStyle::FillQuietTime => 2,
    });
    let mut reports: BTreeMap<usize, ActivityReport> = BTreeMap::new();
    for k in order {
        let act = &problem.activities[k];
        let agents: Vec<usize> = (0..problem.agents.len())
            .filter(|&a| with_shifts.contains(&a) && act.applies(&problem.agents[a]))
            .collect();
        let mut ctx = Ctx {
            problem,
            quiet: &quiet,
            k,
            free: &mut free,
            prices: &mut prices,
            out: &mut out,
        };
        let meetings = match act.style {
            ActivityStyle::Together => ctx.together(&agents),
            ActivityStyle::Individual => {
                ctx.individual(&agents);
                Vec::new()
            }
            ActivityStyle::FillQuietTime => {
                ctx.quiet_time(&agents);
                Vec::new()
            }
        };
        reports.insert(k, report(problem, k, &agents, &out.placed, meetings));
    }
    out.reports = reports.into_values().collect();
    for r in &out.reports {
        if problem
            .activities
            .iter()
            .any(|a| a.name == r.name && a.mandatory)
            && !r.short.is_empty()
        {
            let missing: f64 = r.short.iter().map(|s| s.1).sum();
            let who: Vec<String> = r
                .short
                .iter()
                .take(5)
                .map(|(id, h)| format!("{id} {}", hours_text(*h)))
                .collect();
            out.diagnosis.push(format!(
                "{}: {} of {} agent-hours could not be placed ({}{}): no free time of their \
                 shifts lies in its window; widen the window or give them shifts in it",
                r.label,
                hours_text(missing),
                hours_text(r.hours_required),
                who.join(", "),
                if r.short.len() > 5 {
                    format!(" and {} more", r.short.len() - 5)
                } else {
                    String::new()
                }
            ));
        }
    }
    out
}

/// The reports of sessions placed by other means than [`place`] (a re-plan that kept published
/// sessions, [`crate::replan`]): the same figures, each team meeting found from its sessions.
pub(crate) fn reports_of(
    problem: &RosterProblem,
    placed: &[PlacedShift],
    planned: &[PlacedActivity],
) -> Vec<ActivityReport> {
    let with_shifts: std::collections::BTreeSet<usize> = placed.iter().map(|p| p.agent).collect();
    (0..problem.activities.len())
        .map(|k| {
            let act = &problem.activities[k];
            let agents: Vec<usize> = (0..problem.agents.len())
                .filter(|&a| with_shifts.contains(&a) && act.applies(&problem.agents[a]))
                .collect();
            let mut meetings = Vec::new();
            if act.style == ActivityStyle::Together {
                let team_of = |a: usize| problem.agents[a].team.clone().unwrap_or_default();
                let mut at: BTreeMap<(String, usize), usize> = BTreeMap::new();
                for p in planned.iter().filter(|p| p.activity == k) {
                    *at.entry((team_of(p.agent), p.start)).or_default() += 1;
                }
                for ((team, q), attendees) in at {
                    meetings.push(MeetingReport {
                        members: agents.iter().filter(|&&a| team_of(a) == team).count(),
                        start: problem
                            .horizon
                            .instant(q)
                            .format("%a %d/%m %H:%M")
                            .to_string(),
                        team,
                        attendees,
                    });
                }
            }
            report(problem, k, &agents, planned, meetings)
        })
        .collect()
}

fn hours_text(h: f64) -> String {
    if (h - h.round()).abs() < 1e-9 {
        format!("{} h", h.round())
    } else {
        format!("{h:.2} h")
    }
}

struct Ctx<'p, 'q> {
    problem: &'p RosterProblem,
    quiet: &'q Quiet,
    k: usize,
    free: &'q mut Free,
    prices: &'q mut Prices<'p>,
    out: &'q mut Placement,
}

impl Ctx<'_, '_> {
    fn act(&self) -> &ActivityPlan {
        &self.problem.activities[self.k]
    }

    /// Interval ranges of the horizon's weeks.
    fn weeks(&self) -> Vec<std::ops::Range<usize>> {
        self.problem.week_intervals()
    }

    /// Starts in `week` at which a session of `len` fits the window.
    fn starts(&self, week: &std::ops::Range<usize>, len: usize) -> Vec<usize> {
        let w = &self.act().window;
        (week.start..week.end.saturating_sub(len - 1))
            .filter(|&q| w[q..q + len].iter().all(|x| *x))
            .collect()
    }

    fn commit(&mut self, a: usize, start: usize, end: usize) {
        self.prices.take(&self.out.assignment, a, start, end);
        self.free.take(a, start, end);
        for cell in &mut self.out.assignment[a][start..end] {
            *cell = None;
        }
        self.out.placed.push(PlacedActivity {
            agent: a,
            activity: self.k,
            start,
            end,
        });
    }

    /// The cheapest free block of `len` for agent `a` among `starts`, with its price: in the
    /// quieter half of the day for the agent's team if any such block is free ([`Quiet`]),
    /// anywhere otherwise.
    fn cheapest(&self, a: usize, starts: &[usize], len: usize) -> Option<(usize, f64)> {
        let free: Vec<usize> = starts
            .iter()
            .copied()
            .filter(|&q| self.free.block(a, q, len))
            .collect();
        let quiet: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&q| self.quiet.block(a, q, len))
            .collect();
        let pool = if quiet.is_empty() { free } else { quiet };
        pool.into_iter()
            .map(|q| (q, self.prices.block(&self.out.assignment, a, q, q + len)))
            .min_by(|x, y| x.1.total_cmp(&y.1))
    }

    fn together(&mut self, agents: &[usize]) -> Vec<MeetingReport> {
        let len = self.act().len;
        let mut teams: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &a in agents {
            let team = self.problem.agents[a].team.clone().unwrap_or_default();
            teams.entry(team).or_default().push(a);
        }
        let mut meetings = Vec::new();
        for week in self.weeks() {
            let starts = self.starts(&week, len);
            for (team, members) in &teams {
                for _ in 0..self.act().sessions_per_week {
                    let options: Vec<(usize, Vec<usize>)> = starts
                        .iter()
                        .map(|&q| {
                            let here: Vec<usize> = members
                                .iter()
                                .copied()
                                .filter(|&a| self.free.block(a, q, len))
                                .collect();
                            (q, here)
                        })
                        .filter(|(_, here)| !here.is_empty())
                        .collect();
                    // attendance first: the times that reach 90% of the best attendance; among
                    // them the quieter half of the team's day if the meeting fits there
                    let best = options.iter().map(|o| o.1.len()).max().unwrap_or(0);
                    let floor = (ATTENDANCE_SHARE * best as f64).ceil() as usize;
                    let first = members[0];
                    let (calm, busy): (Vec<_>, Vec<_>) = options
                        .into_iter()
                        .filter(|o| o.1.len() >= floor)
                        .partition(|(q, _)| self.quiet.block(first, *q, len));
                    let options = if calm.is_empty() { busy } else { calm };
                    let chosen = options
                        .into_iter()
                        .map(|(q, here)| {
                            let price: f64 = here
                                .iter()
                                .map(|&a| self.prices.block(&self.out.assignment, a, q, q + len))
                                .sum();
                            (q, here, price)
                        })
                        .min_by(|x, y| x.2.total_cmp(&y.2));
                    let Some((q, here, _)) = chosen else {
                        continue;
                    };
                    for &a in &here {
                        self.commit(a, q, q + len);
                    }
                    meetings.push(MeetingReport {
                        team: team.clone(),
                        start: self
                            .problem
                            .horizon
                            .instant(q)
                            .format("%a %d/%m %H:%M")
                            .to_string(),
                        attendees: here.len(),
                        members: members.len(),
                    });
                }
            }
        }
        meetings
    }

    fn individual(&mut self, agents: &[usize]) {
        let act = self.act().clone();
        let part = if act.split {
            let per = (SPLIT_MINUTES / self.problem.horizon.interval_minutes().max(1)).max(1);
            (per as usize).min(act.len)
        } else {
            act.len
        };
        for week in self.weeks() {
            // the agents with the fewest places for a session go first
            let starts = self.starts(&week, part);
            let mut queue: Vec<(usize, usize)> = agents
                .iter()
                .map(|&a| {
                    let n = starts
                        .iter()
                        .filter(|&&q| self.free.block(a, q, act.len.min(part)))
                        .count();
                    (n, a)
                })
                .collect();
            queue.sort_unstable();
            for (_, a) in queue {
                let owed = act.sessions_per_week * act.len;
                let mut done = 0;
                while done < owed {
                    let len = part.min(owed - done);
                    let starts = self.starts(&week, len);
                    let Some((q, _)) = self.cheapest(a, &starts, len) else {
                        break;
                    };
                    self.commit(a, q, q + len);
                    done += len;
                }
            }
        }
    }

    fn quiet_time(&mut self, agents: &[usize]) {
        let act = self.act().clone();
        let quiet = QUIET_SHARE
            * self.problem.weights.shortfall_per_agent_hour
            * self.prices.hours()
            * act.len as f64;
        for week in self.weeks() {
            for &a in agents {
                let mut done = 0;
                while done + act.len <= act.max_intervals {
                    // blocks of the configured length; the last block of the minimum may be
                    // shorter
                    let len = if done < act.min_intervals {
                        act.len.min(act.min_intervals - done)
                    } else {
                        act.len
                    };
                    let starts = self.starts(&week, len);
                    let Some((q, price)) = self.cheapest(a, &starts, len) else {
                        break;
                    };
                    if done >= act.min_intervals && price > quiet {
                        break;
                    }
                    self.commit(a, q, q + len);
                    done += len;
                }
            }
        }
    }
}

fn report(
    problem: &RosterProblem,
    k: usize,
    agents: &[usize],
    placed: &[PlacedActivity],
    meetings: Vec<MeetingReport>,
) -> ActivityReport {
    let act = &problem.activities[k];
    let hours_per = f64::from(problem.horizon.interval_minutes()) / 60.0;
    let weeks = problem.weeks().len().max(1) as f64;
    let mut per_agent: BTreeMap<usize, f64> = agents.iter().map(|&a| (a, 0.0)).collect();
    for p in placed.iter().filter(|p| p.activity == k) {
        *per_agent.entry(p.agent).or_default() += (p.end - p.start) as f64 * hours_per;
    }
    let owed = act.min_intervals as f64 * hours_per * weeks;
    // a team meeting is owed by the team, not by each member: its members who are off that day
    // miss it, which the meetings' attendance reports
    let short = if act.style == ActivityStyle::Together {
        Vec::new()
    } else {
        per_agent
            .iter()
            .filter(|(_, h)| **h + 1e-9 < owed)
            .map(|(&a, h)| (problem.agents[a].id.clone(), owed - h))
            .collect()
    };
    ActivityReport {
        name: act.name.clone(),
        label: act.label.clone(),
        style: act.style,
        agents: agents.len(),
        hours: per_agent.values().sum(),
        // together: the agent-hours if every member attended
        hours_required: owed * agents.len() as f64,
        min_agent_hours: per_agent.values().copied().reduce(f64::min).unwrap_or(0.0),
        max_agent_hours: per_agent.values().copied().reduce(f64::max).unwrap_or(0.0),
        allowed_hours: (
            act.min_intervals as f64 * hours_per,
            act.max_intervals as f64 * hours_per,
        ),
        short,
        meetings,
    }
}

/// The price of one agent-interval of mandatory activity time not placed: [`MISSED_KEEP`]
/// agent-intervals short. Above what taking an agent off any channel can cost (the steepest
/// shortfall tier, 8, at the highest priority factor, 2), so the programme reserves the time
/// rather than leave it out to help a queue.
pub(crate) fn missed_price(problem: &RosterProblem) -> f64 {
    MISSED_KEEP
        * problem.weights.shortfall_per_agent_hour
        * f64::from(problem.horizon.interval_minutes())
        / 60.0
}

/// See [`missed_price`].
const MISSED_KEEP: f64 = 100.0;

/// Does agent `a` owe activity `k` time in the week of intervals `week`? Only when the activity is
/// reserved (not `together`: who attends a meeting depends on who is on shift that day) and some
/// shift the agent may work that week holds a whole session inside the window. An agent on leave
/// all week, or whose shifts all miss the window, owes nothing the roster could give; the
/// placement still reports them as short.
pub(crate) fn owes(
    problem: &RosterProblem,
    options: &OptionSet,
    k: usize,
    a: usize,
    week: &std::ops::Range<usize>,
) -> bool {
    let act = &problem.activities[k];
    if act.style == ActivityStyle::Together || act.min_intervals == 0 {
        return false;
    }
    if !act.applies(&problem.agents[a]) {
        return false;
    }
    let len = act.len.min(act.min_intervals).max(1);
    options.per_agent[a].iter().any(|&o| {
        let opt = &options.options[o];
        let (from, to) = (opt.first.max(week.start), opt.last.min(week.end));
        let mut run = 0;
        (from..to).any(|t| {
            run = if act.window[t] { run + 1 } else { 0 };
            run >= len
        })
    })
}

/// The objective's price of activity time the roster could not place: per agent who [`owes`] it,
/// the agent-intervals owed a week less those placed, at [`missed_price`] (the programme's `m`,
/// [`crate::model::activities`], summed per agent rather than per group, so it is never below
/// the programme's and the bound still holds).
pub(crate) fn missed_penalty(
    problem: &RosterProblem,
    options: &OptionSet,
    shifts: &[PlacedShift],
    placed: &[PlacedActivity],
) -> f64 {
    if problem.activities.is_empty() {
        return 0.0;
    }
    let with_shifts: std::collections::BTreeSet<usize> = shifts.iter().map(|p| p.agent).collect();
    let weeks = problem.week_intervals();
    let mut missed = 0usize;
    for (k, act) in problem.activities.iter().enumerate() {
        for a in 0..problem.agents.len() {
            // an agent who works no shift (a hire not taken) owes nothing, as h[a] = 0
            if !with_shifts.contains(&a) {
                continue;
            }
            for week in weeks.iter().filter(|w| owes(problem, options, k, a, w)) {
                let done: usize = placed
                    .iter()
                    .filter(|p| p.agent == a && p.activity == k && week.contains(&p.start))
                    .map(|p| p.end - p.start)
                    .sum();
                missed += act.min_intervals.saturating_sub(done);
            }
        }
    }
    missed_price(problem) * missed as f64
}

#[cfg(test)]
mod tests;

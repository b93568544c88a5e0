//! What to do now: the moves a floor manager can make today, each with its predicted effect on the
//! day's KPIs and its cost, ranked by contacts saved per pound.
//!
//! # Candidates
//! From the published roster less the recorded absences, for the rest of today:
//! * **move a multi-skilled agent** between live channels for a stretch of work (at least the
//!   centre's minimum stint, [`rota_data::config::Planning::min_stint_minutes`], or one interval);
//! * **defer email/social work**: an agent rostered on a deferred channel takes a live channel
//!   for a stretch, while the deferred channel keeps at least the agent-hours its remaining work
//!   needs today (so its response target still holds);
//! * **move a break or lunch** by up to [`BREAK_SHIFT_INTERVALS`] intervals, within the shift, out
//!   of an interval that is short into one that is not;
//! * **offer overtime**: an hour more, on a live channel the agent is skilled in, right after the
//!   shift ends (or before a shift that starts later today), within the contract's weekly paid
//!   hours and its minimum rest before the agent's next shift; priced at the agent's hourly rate
//!   times the overtime premium;
//! * **offer voluntary time off (VTO)** for the rest of a shift where a live channel is so well
//!   staffed that the day still meets every target without the agent; saves the pay.
//!
//! # Selection
//! Effects are computed with the day's queue model ([`crate::day`]): the expected abandoned
//! contacts of the affected channels over the rest of the day, before and after. Actions are
//! chosen greedily, each against the floor as the earlier ones left it, so their effects add up
//! and never count the same shortfall twice: free actions (moves, deferrals, breaks) by contacts
//! saved, then overtime by contacts saved per pound, then VTO by pounds saved per contact lost.
//! An agent's time is used by one action at most.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_simulation::{PlanActivity, PlanActivityKind, RosterPlan};
use serde::Serialize;

use crate::actuals::Absence;
use crate::day::{worked_pieces, DayModel, Floor};
use crate::IntradayError;

/// A period of time, start to end.
type Period = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// How far a break may move, in intervals, either way.
pub const BREAK_SHIFT_INTERVALS: usize = 2;

/// Fewest contacts an action must save to be proposed: below it the effect is noise.
pub const MIN_CONTACTS_SAVED: f64 = 0.5;

/// Most actions proposed.
pub const MAX_ACTIONS: usize = 12;

/// The kind of action, as a floor manager would name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Move a multi-skilled agent from one live channel to another.
    MoveChannel,
    /// Move an agent off email/social onto a live channel; the deferred work waits within its
    /// response target.
    DeferWork,
    /// Move a break or lunch.
    MoveBreak,
    /// Offer overtime.
    Overtime,
    /// Offer voluntary time off.
    VoluntaryTimeOff,
}

impl ActionKind {
    /// The name in `actions.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::MoveChannel => "move_channel",
            ActionKind::DeferWork => "defer_work",
            ActionKind::MoveBreak => "move_break",
            ActionKind::Overtime => "overtime",
            ActionKind::VoluntaryTimeOff => "voluntary_time_off",
        }
    }
}

/// One edit of one agent's day: from `start` to `end` the agent does `kind` (`None`: nothing, not
/// at work). Every action is a list of these; [`apply`] makes them on a roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// Agent id.
    pub agent_id: String,
    /// Start.
    pub start: DateTime<FixedOffset>,
    /// End.
    pub end: DateTime<FixedOffset>,
    /// What the agent does then (`None`: off).
    #[serde(skip)]
    pub kind: Option<PlanActivityKind>,
}

/// A recommended action with its predicted effect and cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// Rank (1 = do first).
    pub rank: usize,
    /// The kind.
    pub kind: ActionKind,
    /// The agent.
    pub agent_id: String,
    /// The agent's name.
    pub agent_name: String,
    /// From.
    pub start: DateTime<FixedOffset>,
    /// To.
    pub end: DateTime<FixedOffset>,
    /// Channel the agent leaves (moves, deferrals, VTO; a break's channel).
    pub from_channel: Option<ChannelName>,
    /// Channel the agent goes to (moves, deferrals, overtime).
    pub to_channel: Option<ChannelName>,
    /// Expected abandoned contacts saved today (negative: more abandoned, for VTO).
    pub contacts_saved: f64,
    /// Cost in pounds (negative: a saving, for VTO).
    pub cost: f64,
    /// The day's abandon rate of each affected live channel, before and after.
    pub day_abandon_rate: Vec<(ChannelName, f64, f64)>,
    /// In a sentence, for the manager.
    pub description: String,
    /// The roster edits it makes.
    pub edits: Vec<Edit>,
}

/// Settings of the recommendations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActionSettings {
    /// Overtime pay as a multiple of the hourly rate (1.5: time and a half).
    pub overtime_premium: f64,
    /// Overtime offered per agent, minutes.
    pub overtime_minutes: i64,
    /// Most actions.
    pub max_actions: usize,
}

impl Default for ActionSettings {
    /// Time and a half for an hour, at most [`MAX_ACTIONS`] actions.
    fn default() -> Self {
        Self {
            overtime_premium: 1.5,
            overtime_minutes: 60,
            max_actions: MAX_ACTIONS,
        }
    }
}

/// A candidate: agent-count changes per (channel, interval), with what it is.
#[derive(Debug, Clone)]
struct Candidate {
    kind: ActionKind,
    agent: String,
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    from: Option<usize>,
    to: Option<usize>,
    deltas: Vec<(usize, usize, f64)>,
    cost: f64,
    edits: Vec<Edit>,
}

/// The day's agents left after `now`, per agent: the work pieces (channel index, start, end), and
/// breaks/lunches.
struct AgentDay<'a> {
    id: &'a str,
    work: Vec<(usize, DateTime<FixedOffset>, DateTime<FixedOffset>)>,
    rests: Vec<&'a PlanActivity>,
    day_start: DateTime<FixedOffset>,
    day_end: DateTime<FixedOffset>,
}

fn agent_days<'a>(
    roster: &'a RosterPlan,
    absences: &[Absence],
    floor: &Floor,
) -> BTreeMap<&'a str, AgentDay<'a>> {
    let (Some(first), Some(last)) = (floor.starts.first(), floor.starts.last()) else {
        return BTreeMap::new();
    };
    let day = (*first, *last + floor.interval);
    let mut out: BTreeMap<&str, AgentDay> = BTreeMap::new();
    for a in roster.activities() {
        if a.end <= day.0 || a.start >= day.1 {
            continue;
        }
        let absent = absences
            .iter()
            .any(|x| x.agent_id == a.agent_id && x.from <= a.start && x.to >= a.end);
        if absent {
            continue;
        }
        let e = out.entry(a.agent_id.as_str()).or_insert(AgentDay {
            id: a.agent_id.as_str(),
            work: Vec::new(),
            rests: Vec::new(),
            day_start: a.start,
            day_end: a.end,
        });
        e.day_start = e.day_start.min(a.start);
        e.day_end = e.day_end.max(a.end);
        match &a.kind {
            PlanActivityKind::Work(c) => {
                if let Some(ci) = floor.channel_index(c) {
                    for (s, t) in worked_pieces(a, absences) {
                        e.work.push((ci, s, t));
                    }
                }
            }
            PlanActivityKind::Break | PlanActivityKind::Lunch => e.rests.push(a),
            PlanActivityKind::Other(_) => {}
        }
    }
    out
}

/// Interval index of a start time on the floor.
fn index_of(floor: &Floor, t: DateTime<FixedOffset>) -> Option<usize> {
    floor.starts.iter().position(|s| *s == t)
}

/// Contacts saved by applying `deltas` to `agents` (live channels only).
fn saved(model: &DayModel, agents: &[Vec<f64>], deltas: &[(usize, usize, f64)]) -> f64 {
    let mut by: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (c, i, d) in deltas {
        *by.entry((*c, *i)).or_default() += d;
    }
    by.iter()
        .map(|((c, i), d)| {
            let n = agents[*c][*i];
            model.predicted_abandoned(*c, *i, n) - model.predicted_abandoned(*c, *i, n + d)
        })
        .sum()
}

/// Agent-hours of a deferred channel after `now` (after off-phone time) less the hours its
/// remaining work needs; negative when it is already short.
fn deferred_slack(
    config: &CentreConfig,
    floor: &Floor,
    model: &DayModel,
    agents: &[Vec<f64>],
    c: usize,
) -> f64 {
    let Some(ch) = config.channel(floor.channels[c].as_str()) else {
        return 0.0;
    };
    let from = floor.first_open;
    let n = floor.starts.len();
    let (_, off) = ch.shrinkage().absence_and_off_phone();
    let hours: f64 = agents[c][from..].iter().sum::<f64>() * floor.interval.num_seconds() as f64
        / 3600.0
        * (1.0 - off);
    let work: f64 = (from..n)
        .map(|i| model.offered[c][i] * model.aht[c][i] / 3600.0)
        .sum::<f64>()
        / ch.targets().max_occupancy().max(1e-9);
    hours - work
}

/// Whether every target of live channel `c` is met for the whole day with `agents`.
fn day_meets_targets(
    config: &CentreConfig,
    floor: &Floor,
    model: &DayModel,
    agents: &[Vec<f64>],
    c: usize,
) -> bool {
    let mut f = floor.clone();
    f.agents = agents.to_vec();
    crate::day::kpis(config, &f, model)
        .iter()
        .filter(|r| r.channel == floor.channels[c] && r.scope == crate::day::Scope::Day)
        .all(|r| r.meets() != Some(false))
}

fn day_rate(model: &DayModel, agents: &[Vec<f64>], c: usize) -> Option<f64> {
    let offered: f64 = model.offered[c].iter().sum();
    model.slots[c].as_ref()?;
    (offered > 0.0).then(|| model.abandoned(c, &agents[c], 0) / offered)
}

/// The agent's paid hours over the roster's period (a week), lunches unpaid: what overtime is
/// added to before the contract's weekly maximum.
fn week_paid_hours(roster: &RosterPlan, agent: &str) -> f64 {
    roster
        .shifts()
        .iter()
        .filter(|s| s.agent_id == agent)
        .map(|s| (s.end - s.start).num_minutes() as f64 / 60.0)
        .sum::<f64>()
        - roster
            .activities()
            .iter()
            .filter(|a| a.agent_id == agent && a.kind == PlanActivityKind::Lunch)
            .map(|a| (a.end - a.start).num_minutes() as f64 / 60.0)
            .sum::<f64>()
}

/// Recommends actions for the rest of today, best first.
#[tracing::instrument(skip_all)]
pub fn recommend(
    config: &CentreConfig,
    roster: &RosterPlan,
    absences: &[Absence],
    floor: &Floor,
    model: &DayModel,
    settings: &ActionSettings,
) -> Result<Vec<Action>, IntradayError> {
    if !(settings.overtime_premium.is_finite() && settings.overtime_premium > 0.0) {
        return Err(IntradayError::Invalid(format!(
            "the overtime premium must be a positive multiple of the hourly rate, got {}",
            settings.overtime_premium
        )));
    }
    let days = agent_days(roster, absences, floor);
    let iv = floor.interval;
    let open_from = floor
        .starts
        .get(floor.first_open)
        .copied()
        .unwrap_or_else(|| floor.starts.last().copied().unwrap_or_default() + iv);
    let stint =
        Duration::minutes(i64::from(config.centre().planning().min_stint_minutes())).max(iv);
    let live = |c: usize| model.slots[c].is_some();
    let mut cands: Vec<Candidate> = Vec::new();
    for d in days.values() {
        let Some(agent) = config.agent(d.id) else {
            continue;
        };
        let skills: Vec<usize> = agent
            .skills()
            .iter()
            .filter_map(|c| floor.channel_index(c))
            .collect();
        // Moves and deferrals: stretches of work from the first open interval.
        for &(c, s, e) in &d.work {
            let mut t = s.max(open_from);
            while t + iv <= e {
                let end = (t + stint).min(e);
                for &y in skills.iter().filter(|&&y| y != c && live(y)) {
                    let mut deltas = Vec::new();
                    let mut k = t;
                    while k < end {
                        if let Some(i) = index_of(floor, k) {
                            deltas.push((c, i, -1.0));
                            deltas.push((y, i, 1.0));
                        }
                        k += iv;
                    }
                    cands.push(Candidate {
                        kind: if live(c) {
                            ActionKind::MoveChannel
                        } else {
                            ActionKind::DeferWork
                        },
                        agent: d.id.to_string(),
                        start: t,
                        end,
                        from: Some(c),
                        to: Some(y),
                        deltas,
                        cost: 0.0,
                        edits: vec![Edit {
                            agent_id: d.id.to_string(),
                            start: t,
                            end,
                            kind: Some(PlanActivityKind::Work(floor.channels[y].clone())),
                        }],
                    });
                }
                t = end;
            }
        }
        // Breaks: swap with work up to BREAK_SHIFT_INTERVALS intervals either way.
        for rest in &d.rests {
            if rest.start < open_from {
                continue;
            }
            for step in 1..=BREAK_SHIFT_INTERVALS as i32 {
                for dir in [-1, 1] {
                    let shift = iv * (step * dir);
                    let (ns, ne) = (rest.start + shift, rest.end + shift);
                    if ns < open_from || ns < d.day_start || ne > d.day_end {
                        continue;
                    }
                    // Every interval the break moves into must be work on one channel, wc; the
                    // intervals it leaves are then worked on wc.
                    let steps = |from: DateTime<FixedOffset>, to: DateTime<FixedOffset>| {
                        let mut v = Vec::new();
                        let mut k = from;
                        while k < to {
                            v.push(k);
                            k += iv;
                        }
                        v
                    };
                    let old = steps(rest.start, rest.end);
                    let new = steps(ns, ne);
                    let mut wc: Option<usize> = None;
                    let mut ok = true;
                    for k in new.iter().filter(|k| !old.contains(k)) {
                        match d.work.iter().find(|(_, s, e)| *s <= *k && *e >= *k + iv) {
                            Some((c, _, _)) if wc.is_none_or(|w| w == *c) => wc = Some(*c),
                            _ => ok = false,
                        }
                    }
                    let Some(wc) = wc.filter(|_| ok) else {
                        continue;
                    };
                    let mut deltas = Vec::new();
                    for k in old.iter().filter(|k| !new.contains(k)) {
                        if let Some(i) = index_of(floor, *k) {
                            deltas.push((wc, i, 1.0));
                        }
                    }
                    for k in new.iter().filter(|k| !old.contains(k)) {
                        if let Some(i) = index_of(floor, *k) {
                            deltas.push((wc, i, -1.0));
                        }
                    }
                    cands.push(Candidate {
                        kind: ActionKind::MoveBreak,
                        agent: d.id.to_string(),
                        start: ns,
                        end: ne,
                        from: Some(wc),
                        to: None,
                        deltas,
                        cost: 0.0,
                        edits: vec![
                            Edit {
                                agent_id: d.id.to_string(),
                                start: rest.start,
                                end: rest.end,
                                kind: Some(PlanActivityKind::Work(floor.channels[wc].clone())),
                            },
                            Edit {
                                agent_id: d.id.to_string(),
                                start: ns,
                                end: ne,
                                kind: Some(rest.kind.clone()),
                            },
                        ],
                    });
                }
            }
        }
        // Overtime: an extra stretch after the shift, or before a shift that starts later today.
        let contract = config.contract(agent.contract());
        let week_hours = week_paid_hours(roster, d.id);
        let ot = Duration::minutes(settings.overtime_minutes);
        let ot_hours = settings.overtime_minutes as f64 / 60.0;
        let within_contract =
            contract.is_none_or(|k| week_hours + ot_hours <= k.max_weekly_paid_hours() + 1e-9);
        let next_shift = roster
            .shifts()
            .iter()
            .filter(|s| s.agent_id == d.id && s.start >= d.day_end)
            .map(|s| s.start)
            .min();
        let min_rest =
            Duration::minutes(contract.map_or(0.0, |k| k.min_rest_hours() * 60.0).round() as i64);
        if within_contract && !d.work.is_empty() {
            let mut windows = Vec::new();
            let after = (d.day_end, d.day_end + ot);
            if after.0 >= open_from && next_shift.is_none_or(|n| after.1 + min_rest <= n) {
                windows.push(after);
            }
            let before = (d.day_start - ot, d.day_start);
            let previous_end = roster
                .shifts()
                .iter()
                .filter(|s| s.agent_id == d.id && s.end <= d.day_start)
                .map(|s| s.end)
                .max();
            if before.0 >= open_from && previous_end.is_none_or(|p| p + min_rest <= before.0) {
                windows.push(before);
            }
            for (s, e) in windows {
                for &y in skills.iter().filter(|&&y| live(y)) {
                    let mut deltas = Vec::new();
                    let mut k = s;
                    let mut whole = true;
                    while k < e {
                        match index_of(floor, k) {
                            Some(i)
                                if model.slots[y].as_ref().is_some_and(|v| v[i].offered > 0.0) =>
                            {
                                deltas.push((y, i, 1.0))
                            }
                            _ => whole = false,
                        }
                        k += iv;
                    }
                    if !whole || deltas.is_empty() {
                        continue;
                    }
                    cands.push(Candidate {
                        kind: ActionKind::Overtime,
                        agent: d.id.to_string(),
                        start: s,
                        end: e,
                        from: None,
                        to: Some(y),
                        deltas,
                        cost: agent.hourly_rate() * ot_hours * settings.overtime_premium,
                        edits: vec![Edit {
                            agent_id: d.id.to_string(),
                            start: s,
                            end: e,
                            kind: Some(PlanActivityKind::Work(floor.channels[y].clone())),
                        }],
                    });
                }
            }
        }
        // VTO: the rest of the shift, when it is all on one live channel.
        let rest_work: Vec<_> = d.work.iter().filter(|(_, _, e)| *e > open_from).collect();
        if let Some(&&(c, _, _)) = rest_work.first() {
            if live(c) && rest_work.iter().all(|(x, _, _)| *x == c) && d.day_end > open_from {
                let from = open_from.max(d.day_start);
                let mut deltas = Vec::new();
                let mut paid_min = 0;
                for &&(_, s, e) in &rest_work {
                    let mut k = s.max(from);
                    while k < e {
                        if let Some(i) = index_of(floor, k) {
                            deltas.push((c, i, -1.0));
                        }
                        k += iv;
                    }
                    paid_min += (e - s.max(from)).num_minutes();
                }
                let paid_min = paid_min
                    + d.rests
                        .iter()
                        .filter(|r| r.kind == PlanActivityKind::Break && r.start >= from)
                        .map(|r| (r.end - r.start).num_minutes())
                        .sum::<i64>();
                if !deltas.is_empty() {
                    cands.push(Candidate {
                        kind: ActionKind::VoluntaryTimeOff,
                        agent: d.id.to_string(),
                        start: from,
                        end: d.day_end,
                        from: Some(c),
                        to: None,
                        deltas,
                        cost: -agent.hourly_rate() * paid_min as f64 / 60.0,
                        edits: vec![Edit {
                            agent_id: d.id.to_string(),
                            start: from,
                            end: d.day_end,
                            kind: None,
                        }],
                    });
                }
            }
        }
    }

    // Greedy selection against the floor as the chosen actions leave it.
    let mut agents = floor.agents.clone();
    let mut busy: BTreeMap<String, Vec<Period>> = BTreeMap::new();
    let mut chosen: Vec<Action> = Vec::new();
    while chosen.len() < settings.max_actions {
        let mut best: Option<(usize, f64, f64)> = None; // (candidate, tier score, saved)
        for (k, cand) in cands.iter().enumerate() {
            let clash = busy
                .get(&cand.agent)
                .is_some_and(|v| v.iter().any(|(s, e)| *s < cand.end && *e > cand.start));
            if clash {
                continue;
            }
            let s = saved(model, &agents, &cand.deltas);
            // Deferred channels must keep the hours their remaining work needs.
            if let Some(c) = cand.from.filter(|&c| !live(c)) {
                let hours = cand.deltas.iter().filter(|(x, _, _)| *x == c).count() as f64
                    * iv.num_seconds() as f64
                    / 3600.0;
                if deferred_slack(config, floor, model, &agents, c) < hours {
                    continue;
                }
            }
            let score = match cand.kind {
                ActionKind::VoluntaryTimeOff => {
                    // Only where the day still meets every target without the agent.
                    let mut after = agents.clone();
                    for (c, i, d) in &cand.deltas {
                        after[*c][*i] += d;
                    }
                    let c = cand.from.unwrap_or(0);
                    if !day_meets_targets(config, floor, model, &after, c) {
                        continue;
                    }
                    // Tier 0: pounds saved per contact lost.
                    -cand.cost / (1.0 - s).max(0.01)
                }
                _ if s < MIN_CONTACTS_SAVED => continue,
                // Tier 2 (free) above tier 1 (paid): contacts, or contacts per pound.
                _ if cand.cost <= 0.0 => 1e12 + s,
                _ => 1e6 + s / cand.cost,
            };
            if best.is_none_or(|(_, b, _)| score > b) {
                best = Some((k, score, s));
            }
        }
        let Some((k, _, s)) = best else {
            break;
        };
        let cand = cands.swap_remove(k);
        let affected: Vec<usize> = {
            let mut v: Vec<usize> = cand
                .deltas
                .iter()
                .map(|(c, _, _)| *c)
                .filter(|&c| live(c))
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let before: Vec<Option<f64>> = affected
            .iter()
            .map(|&c| day_rate(model, &agents, c))
            .collect();
        for (c, i, d) in &cand.deltas {
            agents[*c][*i] += d;
        }
        let day_abandon_rate = affected
            .iter()
            .zip(before)
            .filter_map(|(&c, b)| {
                Some((floor.channels[c].clone(), b?, day_rate(model, &agents, c)?))
            })
            .collect();
        busy.entry(cand.agent.clone())
            .or_default()
            .push((cand.start, cand.end));
        let name = config
            .agent(&cand.agent)
            .map_or(cand.agent.clone(), |a| a.name().to_string());
        let ch = |c: Option<usize>| c.map(|c| floor.channels[c].clone());
        let description = describe(&cand, &name, &floor.channels, s);
        chosen.push(Action {
            rank: chosen.len() + 1,
            kind: cand.kind,
            agent_id: cand.agent.clone(),
            agent_name: name,
            start: cand.start,
            end: cand.end,
            from_channel: ch(cand.from),
            to_channel: ch(cand.to),
            contacts_saved: s,
            cost: cand.cost,
            day_abandon_rate,
            description,
            edits: cand.edits,
        });
    }
    Ok(chosen)
}

fn hm(t: DateTime<FixedOffset>) -> String {
    t.format("%H:%M").to_string()
}

fn describe(c: &Candidate, name: &str, channels: &[ChannelName], saved: f64) -> String {
    let ch = |i: Option<usize>| i.map_or(String::new(), |i| channels[i].to_string());
    let when = format!("{}-{}", hm(c.start), hm(c.end));
    match c.kind {
        ActionKind::MoveChannel => format!(
            "Move {name} from {} to {} {when}: about {saved:.0} fewer abandoned",
            ch(c.from),
            ch(c.to)
        ),
        ActionKind::DeferWork => format!(
            "Put {name} on {} instead of {} {when} ({} waits within its response target): about \
             {saved:.0} fewer abandoned",
            ch(c.to),
            ch(c.from),
            ch(c.from)
        ),
        ActionKind::MoveBreak => format!(
            "Move {name}'s break to {when}: about {saved:.0} fewer abandoned on {}",
            ch(c.from)
        ),
        ActionKind::Overtime => format!(
            "Offer {name} overtime on {} {when} (GBP {:.2}): about {saved:.0} fewer abandoned",
            ch(c.to),
            c.cost
        ),
        ActionKind::VoluntaryTimeOff => format!(
            "Offer {name} voluntary time off {when} (saves GBP {:.2}); {} still meets its targets \
             today, about {:.1} more abandoned",
            -c.cost,
            ch(c.from),
            -saved
        ),
    }
}

/// Makes `edits` on `roster`: each replaces whatever the agent did in its period. The result is
/// checked like any roster (known agents and channels, no overlaps).
pub fn apply(
    config: &CentreConfig,
    roster: &RosterPlan,
    edits: &[Edit],
) -> Result<RosterPlan, IntradayError> {
    let mut acts: Vec<PlanActivity> = roster.activities().to_vec();
    for e in edits {
        let mut next = Vec::with_capacity(acts.len() + 2);
        for a in acts {
            if a.agent_id != e.agent_id || a.end <= e.start || a.start >= e.end {
                next.push(a);
                continue;
            }
            if a.start < e.start {
                next.push(PlanActivity {
                    end: e.start,
                    ..a.clone()
                });
            }
            if a.end > e.end {
                next.push(PlanActivity {
                    start: e.end,
                    ..a.clone()
                });
            }
        }
        if let Some(kind) = &e.kind {
            next.push(PlanActivity {
                agent_id: e.agent_id.clone(),
                start: e.start,
                end: e.end,
                kind: kind.clone(),
            });
        }
        acts = next;
    }
    RosterPlan::new(config, acts, roster.first_date(), roster.last_date())
        .map_err(|e| IntradayError::Invalid(format!("the edited roster is not valid: {e}")))
}

/// Writes `actions.csv`.
pub fn write_actions<W: std::io::Write>(w: W, actions: &[Action]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "rank",
        "action",
        "agent_id",
        "agent_name",
        "from",
        "to",
        "from_channel",
        "to_channel",
        "abandoned_saved",
        "cost_gbp",
        "day_abandon_rate_before",
        "day_abandon_rate_after",
        "description",
    ])?;
    for a in actions {
        let rates = |f: fn(&(ChannelName, f64, f64)) -> f64| {
            a.day_abandon_rate
                .iter()
                .map(|r| format!("{}={:.4}", r.0, f(r)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        out.write_record([
            a.rank.to_string(),
            a.kind.as_str().to_string(),
            a.agent_id.clone(),
            a.agent_name.clone(),
            a.start.to_rfc3339(),
            a.end.to_rfc3339(),
            a.from_channel
                .as_ref()
                .map_or(String::new(), |c| c.to_string()),
            a.to_channel
                .as_ref()
                .map_or(String::new(), |c| c.to_string()),
            format!("{:.2}", a.contacts_saved),
            format!("{:.2}", a.cost),
            rates(|r| r.1),
            rates(|r| r.2),
            a.description.clone(),
        ])?;
    }
    out.flush()
}

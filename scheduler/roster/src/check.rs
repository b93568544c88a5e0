//! An independent rule checker for a written roster.
//!
//! It re-derives every rule from the planning input (templates, contracts, agents) and the roster's
//! own shifts, breaks and activities. It shares no code with the programme's constraints or the
//! shift-option enumeration, so a bug in the model shows up here as a violation.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use serde::Serialize;

use super::output::{Activity, ActivityKind, Roster, RosterShift};
use super::problem::{AgentPlan, ChannelMode, RosterProblem, TemplatePlan};

/// A period `[start, end)`.
type Span = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// Rule family, e.g. `rest`, `weekly_hours`, `skills`.
    pub rule: &'static str,
    /// Agent concerned, when there is one.
    pub agent: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

/// Checks every contract rule, availability, leave, skills, rest, breaks and the coverage figures
/// (exactly one row per channel and interval, agreeing with the activities) of `roster` against
/// `problem`. An empty result means the roster is valid.
///
/// Every violation goes through the one `push` closure below (the helpers of each rule family
/// receive it); `scripts/mutate-checker.sh` patches its first line to switch single rules off and
/// confirm `tests/roster_checker.rs` notices.
pub fn check_roster(problem: &RosterProblem, roster: &Roster) -> Vec<Violation> {
    let mut v = Vec::new();
    let mut push = |rule: &'static str, agent: Option<&str>, message: String| {
        v.push(Violation {
            rule,
            agent: agent.map(str::to_string),
            message,
        })
    };
    let agents: BTreeMap<&str, usize> = problem
        .agents
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut by_agent: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (si, s) in roster.shifts.iter().enumerate() {
        let id = s.agent_id.as_str();
        let Some(&a) = agents.get(id) else {
            push("agent", Some(id), format!("shift for unknown agent {id}"));
            continue;
        };
        by_agent.entry(a).or_default().push(si);
        check_shift(problem, &problem.agents[a], s, &mut push);
    }
    for (a, agent) in problem.agents.iter().enumerate() {
        let mut shifts: Vec<&RosterShift> = by_agent
            .get(&a)
            .map(|v| v.iter().map(|&i| &roster.shifts[i]).collect())
            .unwrap_or_default();
        shifts.sort_by_key(|s| s.start);
        AgentRules::new(problem, a, agent).check(&shifts, &mut push);
    }
    let scheduled = check_activities(problem, roster, &agents, &mut push);
    check_planned(problem, roster, &agents, &mut push);
    check_published(problem, roster, &mut push);
    check_coverage(problem, roster, &scheduled, &mut push);
    for shift in &roster.shifts {
        check_stints(problem, roster, shift, &mut push);
    }
    v
}

/// A re-plan ([`crate::replan`]): every agent's days before the first open day are exactly as
/// published, a shift where one was published and none where none was.
fn check_published(
    problem: &RosterProblem,
    roster: &Roster,
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let Some(baseline) = &problem.baseline else {
        return;
    };
    let tz = problem.horizon.tz();
    let pinned = |agent: &str, date: NaiveDate| {
        date >= problem.horizon.first_date()
            && (date < baseline.open_from || baseline.pinned_agents.iter().any(|p| p == agent))
    };
    type Span = (DateTime<FixedOffset>, DateTime<FixedOffset>);
    let published: BTreeMap<(&str, NaiveDate), Span> = baseline
        .shifts
        .iter()
        // a shift the agent's leave or absence overlaps is lost, not kept
        .filter(|s| {
            !problem
                .agents
                .iter()
                .find(|p| p.id == s.agent_id)
                .is_some_and(|p| s.lost_to_leave(p))
        })
        .map(|s| {
            let date = s.start.with_timezone(&tz).date_naive();
            ((s.agent_id.as_str(), date), (s.start, s.end))
        })
        .filter(|((agent, date), _)| pinned(agent, *date))
        .collect();
    let rostered: BTreeMap<(&str, NaiveDate), Span> = roster
        .shifts
        .iter()
        .filter(|s| pinned(&s.agent_id, s.date))
        .map(|s| ((s.agent_id.as_str(), s.date), (s.start, s.end)))
        .collect();
    for (&(agent, date), &(start, end)) in &published {
        match rostered.get(&(agent, date)) {
            Some(&(s, e)) if s == start && e == end => {}
            Some(&(s, e)) => push(
                "published",
                Some(agent),
                format!(
                    "{date} stays as published (before the re-plan's first day {}, or the agent \
                     is away), but the shift {}-{} replaces the published {}-{}",
                    baseline.open_from,
                    s.format("%H:%M"),
                    e.format("%H:%M"),
                    start.format("%H:%M"),
                    end.format("%H:%M")
                ),
            ),
            None => push(
                "published",
                Some(agent),
                format!(
                    "{date} stays as published (before the re-plan's first day {}, or the agent \
                     is away), but the published shift {}-{} is gone",
                    baseline.open_from,
                    start.format("%H:%M"),
                    end.format("%H:%M")
                ),
            ),
        }
    }
    for &(agent, date) in rostered.keys() {
        if !published.contains_key(&(agent, date)) {
            push(
                "published",
                Some(agent),
                format!(
                    "{date} stays as published (before the re-plan's first day {}, or the agent \
                     is away), but a shift was added on a published day off",
                    baseline.open_from
                ),
            );
        }
    }
}

/// Planned activities (`[[activities]]`): each names a configured activity that applies to the
/// agent, lies in its window, and no agent has more of one a week than its maximum.
fn check_planned(
    problem: &RosterProblem,
    roster: &Roster,
    agents: &BTreeMap<&str, usize>,
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let h = &problem.horizon;
    let step = i64::from(h.interval_minutes());
    let weeks = problem.week_intervals();
    // (agent, activity, week) -> intervals
    let mut amount: BTreeMap<(usize, usize, usize), usize> = BTreeMap::new();
    for act in &roster.activities {
        let ActivityKind::Planned(name) = &act.activity else {
            continue;
        };
        let id = act.agent_id.as_str();
        let Some(&a) = agents.get(id) else {
            continue; // reported by check_activities
        };
        let Some(k) = problem.activities.iter().position(|p| &p.name == name) else {
            push(
                "activities",
                Some(id),
                format!("{name} at {} is not a configured activity", act.start),
            );
            continue;
        };
        let plan = &problem.activities[k];
        if !plan.applies(&problem.agents[a]) {
            push(
                "activities",
                Some(id),
                format!("{name} at {} is not for this agent", act.start),
            );
        }
        let (Some(first), Some(last)) = (
            h.interval_of(&act.start),
            h.interval_of(&(act.end - chrono::Duration::minutes(step))),
        ) else {
            push(
                "activities",
                Some(id),
                format!("{name} at {} is outside the horizon", act.start),
            );
            continue;
        };
        if (first..=last).any(|t| !plan.window[t]) {
            push(
                "activities",
                Some(id),
                format!(
                    "{name} from {} to {} is outside its window",
                    act.start, act.end
                ),
            );
        }
        if let Some(w) = weeks.iter().position(|r| r.contains(&first)) {
            *amount.entry((a, k, w)).or_default() += last + 1 - first;
        }
    }
    for ((a, k, w), n) in amount {
        let plan = &problem.activities[k];
        if n > plan.max_intervals.max(plan.min_intervals) {
            push(
                "activities",
                Some(&problem.agents[a].id),
                format!(
                    "{} for {} minutes in week {}, more than its most, {} minutes",
                    plan.name,
                    n as i64 * step,
                    w + 1,
                    plan.max_intervals as i64 * step
                ),
            );
        }
    }
}

/// The channel stint rules of one shift, from its work activities in time order: at most
/// `max_switches_per_shift` changes of channel (across breaks too), and every stint on one channel
/// at least `min_stint_minutes` long, or as long as the stretch of unbroken work it sits in when
/// that stretch is shorter (a break, another activity or the shift's end cuts it).
fn check_stints(
    problem: &RosterProblem,
    roster: &Roster,
    shift: &RosterShift,
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let rules = problem.stints;
    let mut work: Vec<&Activity> = roster
        .activities
        .iter()
        .filter(|a| {
            a.agent_id == shift.agent_id
                && a.activity == ActivityKind::Work
                && shift.start <= a.start
                && a.end <= shift.end
        })
        .collect();
    work.sort_by_key(|a| a.start);
    // stretches of unbroken work, each a list of (channel, start, end) stints
    let mut stretches: Vec<Vec<(Option<&str>, Span)>> = Vec::new();
    for a in work {
        let channel = a.channel.as_ref().map(|c| c.as_str());
        match stretches.last_mut() {
            Some(stretch) if stretch.last().is_some_and(|s| s.1 .1 == a.start) => {
                match stretch.last_mut() {
                    Some(last) if last.0 == channel => last.1 .1 = a.end,
                    _ => stretch.push((channel, (a.start, a.end))),
                }
            }
            _ => stretches.push(vec![(channel, (a.start, a.end))]),
        }
    }
    let mut switches = 0;
    let mut previous: Option<Option<&str>> = None;
    let min = Duration::minutes(i64::from(rules.min_stint_minutes));
    for stretch in &stretches {
        let (Some(first), Some(last)) = (stretch.first(), stretch.last()) else {
            continue;
        };
        let floor = min.min(last.1 .1 - first.1 .0);
        for (channel, (start, end)) in stretch {
            if previous.is_some_and(|p| p != *channel) {
                switches += 1;
            }
            previous = Some(*channel);
            if *end - *start < floor {
                push(
                    "stints",
                    Some(&shift.agent_id),
                    format!(
                        "{} from {start} to {end} is a {}-minute stint; the centre's minimum is {} minutes",
                        channel.unwrap_or("work"),
                        (*end - *start).num_minutes(),
                        rules.min_stint_minutes
                    ),
                );
            }
        }
    }
    if switches > rules.max_switches_per_shift {
        push(
            "stints",
            Some(&shift.agent_id),
            format!(
                "the shift from {} switches channel {switches} times; the centre allows {}",
                shift.start, rules.max_switches_per_shift
            ),
        );
    }
}

/// One shift on its own: its template's rules, the agent's availability and leave, its breaks.
fn check_shift(
    problem: &RosterProblem,
    agent: &AgentPlan,
    s: &RosterShift,
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let id = s.agent_id.as_str();
    let Some(tpl) = problem.templates.iter().find(|t| t.name == s.template) else {
        push(
            "template",
            Some(id),
            format!("unknown template {}", s.template),
        );
        return;
    };
    let tz = problem.horizon.tz();
    check_template(tpl, agent, s, tz, push);
    check_availability(agent, s, tz, push);
    check_breaks(tpl, s, push);
}

/// The shift against its template: a weekday it is worked, a template the agent may work (team
/// and list), a start time of the template, its length, its paid hours and its date.
fn check_template(
    tpl: &TemplatePlan,
    agent: &AgentPlan,
    s: &RosterShift,
    tz: chrono_tz::Tz,
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let id = s.agent_id.as_str();
    let local_start = s.start.with_timezone(&tz);
    let wd = local_start.weekday();
    if !tpl.weekdays.contains(&wd) {
        push(
            "template",
            Some(id),
            format!("{} is not worked on {wd:?} ({})", tpl.name, s.date),
        );
    }
    let team_ok = tpl.team.is_none() || tpl.team == agent.team;
    let listed = agent
        .allowed_templates
        .as_ref()
        .is_none_or(|l| l.contains(&tpl.name));
    if !team_ok || !listed {
        push(
            "template",
            Some(id),
            format!("may not work template {} ({})", tpl.name, s.date),
        );
    }
    let st = local_start.time();
    let minutes_after = (st - tpl.earliest_start).num_minutes();
    if st < tpl.earliest_start
        || st > tpl.latest_start
        || minutes_after % i64::from(tpl.step_minutes) != 0
    {
        push(
            "template",
            Some(id),
            format!("start {st} is not a start time of {}", tpl.name),
        );
    }
    if (s.end - s.start).num_minutes() != i64::from(tpl.length_minutes) {
        push(
            "template",
            Some(id),
            format!("shift on {} is not {} min long", s.date, tpl.length_minutes),
        );
    }
    let unpaid: i64 = tpl
        .breaks
        .iter()
        .filter(|b| !b.paid)
        .map(|b| i64::from(b.minutes))
        .sum();
    let paid = (i64::from(tpl.length_minutes) - unpaid) as f64 / 60.0;
    if (paid - s.paid_hours).abs() > 1e-6 {
        push(
            "paid_hours",
            Some(id),
            format!(
                "shift on {} says {} paid hours, template gives {paid}",
                s.date, s.paid_hours
            ),
        );
    }
    if local_start.date_naive() != s.date {
        push(
            "template",
            Some(id),
            format!(
                "shift dated {} starts on {}",
                s.date,
                local_start.date_naive()
            ),
        );
    }
}

/// The shift inside the agent's weekly availability window of its weekday, and clear of every
/// blocked period (leave, time outside the availability).
fn check_availability(
    agent: &AgentPlan,
    s: &RosterShift,
    tz: chrono_tz::Tz,
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let id = s.agent_id.as_str();
    let wd = s.start.with_timezone(&tz).weekday();
    match agent.weekly_availability[wd.num_days_from_monday() as usize] {
        None => push(
            "availability",
            Some(id),
            format!("works on {} but is never available on {wd:?}", s.date),
        ),
        Some((from, to)) => {
            let w0 = local(tz, s.date, from);
            let w1 = if to == NaiveTime::MIN {
                local(tz, s.date + Duration::days(1), NaiveTime::MIN)
            } else {
                local(tz, s.date, to)
            };
            if s.start < w0 || s.end > w1 {
                push(
                    "availability",
                    Some(id),
                    format!(
                        "shift {}-{} on {} is outside the availability window {from}-{to}",
                        s.start.time(),
                        s.end.time(),
                        s.date
                    ),
                );
            }
        }
    }
    for u in &agent.unavailable {
        if u.from.fixed_offset() < s.end && s.start < u.to.fixed_offset() {
            push(
                "leave",
                Some(id),
                format!(
                    "shift on {} overlaps {} from {} to {}",
                    s.date, u.reason, u.from, u.to
                ),
            );
        }
    }
}

/// The shift's breaks: one per rule of the template, each inside its window, none overlapping.
fn check_breaks(
    tpl: &TemplatePlan,
    s: &RosterShift,
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let id = s.agent_id.as_str();
    let mut rules: Vec<(ActivityKind, u32, u32, u32)> = tpl
        .breaks
        .iter()
        .map(|b| {
            (
                if b.paid {
                    ActivityKind::Break
                } else {
                    ActivityKind::Lunch
                },
                b.minutes,
                b.earliest_offset,
                b.latest_offset,
            )
        })
        .collect();
    if s.breaks.len() != rules.len() {
        push(
            "breaks",
            Some(id),
            format!(
                "shift on {} has {} breaks, template {} has {}",
                s.date,
                s.breaks.len(),
                tpl.name,
                rules.len()
            ),
        );
    }
    for b in &s.breaks {
        let off = (b.start - s.start).num_minutes();
        let len = (b.end - b.start).num_minutes();
        let pos = rules.iter().position(|(k, m, e, l)| {
            *k == b.kind && i64::from(*m) == len && off >= i64::from(*e) && off <= i64::from(*l)
        });
        match pos {
            Some(p) => {
                rules.remove(p);
            }
            None => push(
                "breaks",
                Some(id),
                format!(
                    "{} at {} ({len} min, {off} min after start) on {} matches no break rule of {}",
                    b.kind,
                    b.start.time(),
                    s.date,
                    tpl.name
                ),
            ),
        }
    }
    let mut bs: Vec<_> = s.breaks.iter().map(|b| (b.start, b.end)).collect();
    bs.sort();
    for w in bs.windows(2) {
        if w[1].0 < w[0].1 {
            push("breaks", Some(id), format!("breaks overlap on {}", s.date));
        }
    }
}

/// The rules over one agent's shifts, checked over the horizon's days.
struct AgentRules<'a> {
    agent: &'a AgentPlan,
    /// A hire candidate (`rota schedule --hire`): its contract binds only when it has shifts.
    optional: bool,
    tz: chrono_tz::Tz,
    first: NaiveDate,
    n_days: usize,
    /// Rules over several weeks of the agent's contract (`multiweek`).
    weeks_rules: crate::multiweek::ContractWeeks,
    /// The previous roster's shifts of the agent (a plan rolling on from it), and the days it
    /// covers.
    past: Vec<&'a crate::multiweek::PastShift>,
    past_days: Option<(NaiveDate, NaiveDate)>,
}

impl<'a> AgentRules<'a> {
    /// The rules of `agent` over `problem`'s horizon.
    fn new(problem: &'a RosterProblem, a: usize, agent: &'a AgentPlan) -> Self {
        let history = problem.multiweek.history.as_ref();
        Self {
            agent,
            optional: problem.hire_of(a).is_some(),
            tz: problem.horizon.tz(),
            first: problem.horizon.first_date(),
            n_days: problem.horizon.days(),
            weeks_rules: problem
                .multiweek
                .contracts
                .get(&agent.contract.name)
                .copied()
                .unwrap_or_default(),
            past: history
                .map(|h| h.shifts.iter().filter(|s| s.agent_id == agent.id).collect())
                .unwrap_or_default(),
            past_days: history.map(|h| (h.first, h.last)),
        }
    }

    /// The agent's id, as violations name it.
    fn id(&self) -> &'a str {
        self.agent.id.as_str()
    }

    /// All of them over the agent's `shifts` (sorted by start): one shift a day, rest between
    /// shifts, the weekly hours and days, consecutive days, weekends and fixed shifts.
    fn check(
        &self,
        shifts: &[&RosterShift],
        push: &mut impl FnMut(&'static str, Option<&str>, String),
    ) {
        let (id, c) = (self.id(), &self.agent.contract);
        let mut dates = BTreeSet::new();
        for s in shifts {
            if !dates.insert(s.date) {
                push(
                    "one_shift_a_day",
                    Some(id),
                    format!("two shifts on {}", s.date),
                );
            }
        }
        // the previous roster's last shift before the first new one (rolling on from it)
        let last_past = self.past.iter().max_by_key(|p| p.end);
        let pairs = last_past
            .zip(shifts.first())
            .map(|(p, s)| (p.end, s.start))
            .into_iter()
            .chain(shifts.windows(2).map(|w| (w[0].end, w[1].start)));
        for (end, start) in pairs {
            let rest = (start - end).num_minutes();
            if rest < i64::from(c.min_rest_minutes) {
                push(
                    "rest",
                    Some(id),
                    format!(
                        "only {} h {} min rest between the shift ending {} and the next starting {} (minimum {} h)",
                        rest.div_euclid(60),
                        rest.rem_euclid(60),
                        end,
                        start,
                        c.min_rest_minutes / 60
                    ),
                );
            }
        }
        self.weeks(shifts, push);
        self.runs_and_weekends(&dates, push);
        self.weekends_in_weeks(&dates, push);
        self.fixed_shifts(shifts, push);
    }

    /// Was the agent at work on `date`: in the plan from its shifts, before it from the previous
    /// roster (`None`: a day neither covers).
    fn worked_on(&self, dates: &BTreeSet<NaiveDate>, date: NaiveDate) -> Option<bool> {
        let last = self.first + Duration::days(self.n_days as i64);
        if date >= self.first && date < last {
            return Some(dates.contains(&date));
        }
        let (p0, p1) = self.past_days?;
        (p0 <= date && date <= p1).then(|| self.past.iter().any(|p| p.date == date))
    }

    /// A weekend rule over several weeks: every run of `in_weeks` weekends that ends on a
    /// weekend of the plan, with the previous roster's weekends before it, has the weekend days
    /// (or whole weekends) off the contract asks. A day that neither the plan nor the previous
    /// roster covers counts as off (it is for the next plan to keep the rule there); a window
    /// reaching before what the previous roster covers is not judged.
    fn weekends_in_weeks(
        &self,
        dates: &BTreeSet<NaiveDate>,
        push: &mut impl FnMut(&'static str, Option<&str>, String),
    ) {
        let Some(rule) = self.weeks_rules.weekend else {
            return;
        };
        let id = self.id();
        let last = self.first + Duration::days(self.n_days as i64 - 1);
        let mut sat = self.first - Duration::days(1);
        while sat.weekday() != Weekday::Sat {
            sat += Duration::days(1);
        }
        while sat <= last {
            let window: Vec<NaiveDate> = (0..rule.in_weeks)
                .rev()
                .map(|k| sat - Duration::days(7 * i64::from(k)))
                .collect();
            let judged = window.iter().all(|s| {
                let days = [*s, *s + Duration::days(1)];
                days.iter().any(|d| *d >= self.first && *d <= last)
                    || days.iter().all(|d| self.worked_on(dates, *d).is_some())
            });
            if judged {
                let worked = |d: NaiveDate| self.worked_on(dates, d).unwrap_or(false);
                let off = window
                    .iter()
                    .map(|s| {
                        let (a, b) = (worked(*s), worked(*s + Duration::days(1)));
                        if rule.whole {
                            u32::from(!a && !b)
                        } else {
                            u32::from(!a) + u32::from(!b)
                        }
                    })
                    .sum::<u32>();
                if off < rule.off {
                    push(
                        "weekends_in_weeks",
                        Some(id),
                        format!(
                            "{off} {} off in the {} weekends from Saturday {} (contract {}: {})",
                            if rule.whole {
                                "whole weekends"
                            } else {
                                "weekend days"
                            },
                            rule.in_weeks,
                            window[0],
                            self.agent.contract.name,
                            rule.describe()
                        ),
                    );
                }
            }
            sat += Duration::days(7);
        }
    }

    /// Per week of the horizon (7 days from its first date; a shorter last week pro rata): paid
    /// hours within the contract (the minimum pro rata and less a day's share per day of leave, as
    /// documented in docs/ROSTER.md) and at most the contract's working days.
    fn weeks(
        &self,
        shifts: &[&RosterShift],
        push: &mut impl FnMut(&'static str, Option<&str>, String),
    ) {
        let (id, c) = (self.id(), &self.agent.contract);
        let avg = self.weeks_rules.averaging;
        let n_weeks = self.n_days.div_ceil(7);
        // a week alone in its reference period (a one-week plan) keeps the contract's own hours
        let alone = |w: usize| {
            avg.is_none_or(|a| {
                let n = a.weeks.max(1) as usize;
                n_weeks.min((w / n + 1) * n) - (w / n) * n < 2
            })
        };
        // per week: (paid minutes, contract minimum pro rata with leave credit, its maximum)
        let mut per_week: Vec<(f64, f64, f64)> = Vec::new();
        for w0 in (0..self.n_days).step_by(7) {
            let w1 = (w0 + 7).min(self.n_days);
            let in_week: Vec<_> = shifts
                .iter()
                .filter(|s| {
                    let d = (s.date - self.first).num_days();
                    d >= w0 as i64 && d < w1 as i64
                })
                .collect();
            let paid_min: f64 = in_week.iter().map(|s| s.paid_hours * 60.0).sum();
            // pro-rata minimum with leave credit, as documented in docs/ROSTER.md
            let leave_days = (w0..w1)
                .filter(|&d| {
                    let date = self.first + Duration::days(d as i64);
                    let m0 = local(self.tz, date, NaiveTime::MIN);
                    let m1 = local(self.tz, date + Duration::days(1), NaiveTime::MIN);
                    self.agent
                        .unavailable
                        .iter()
                        .any(|u| u.from.fixed_offset() <= m0 && u.to.fixed_offset() >= m1)
                })
                .count() as f64;
            let pro_rata = |minimum: u32| {
                let per_day = f64::from(minimum) / f64::from(c.max_days_per_week.max(1));
                (f64::from(minimum) * (w1 - w0) as f64 / 7.0 - leave_days * per_day).max(0.0)
            };
            // a hire candidate without a single shift was not hired: no contract binds
            let unhired = self.optional && shifts.is_empty();
            let contract_min = if unhired {
                0.0
            } else {
                pro_rata(c.min_weekly_minutes)
            };
            // the maximum is not pro rata for a short week, as in the week-by-week rule
            per_week.push((paid_min, contract_min, f64::from(c.max_weekly_minutes)));
            // annualised hours: a single week within the flexible band instead
            let (min, max, band) = match avg {
                Some(a) if !unhired && !alone(w0 / 7) => (
                    pro_rata(a.week_min_minutes),
                    f64::from(a.week_max_minutes),
                    " (annualised: the week's flexible band)",
                ),
                _ => (contract_min, f64::from(c.max_weekly_minutes), ""),
            };
            if paid_min + 1e-6 < min || paid_min > max + 1e-6 {
                push(
                    "weekly_hours",
                    Some(id),
                    format!(
                        "{} paid hours in the week from {} (contract {}: {}-{} h{band}, {} h after pro-rata and leave)",
                        paid_min / 60.0,
                        self.first + Duration::days(w0 as i64),
                        c.name,
                        min.max(0.0) / 60.0,
                        max / 60.0,
                        min / 60.0
                    ),
                );
            }
            if in_week.len() > c.max_days_per_week as usize {
                push(
                    "days_off",
                    Some(id),
                    format!(
                        "works {} days in the week from {} (at most {})",
                        in_week.len(),
                        self.first + Duration::days(w0 as i64),
                        c.max_days_per_week
                    ),
                );
            }
        }
        // annualised hours: the contract's hours on average over each reference period
        if let Some(a) = avg {
            for (i, block) in per_week.chunks(a.weeks.max(1) as usize).enumerate() {
                if block.len() < 2 {
                    continue;
                }
                let paid: f64 = block.iter().map(|w| w.0).sum();
                let min: f64 = block.iter().map(|w| w.1).sum();
                let max: f64 = block.iter().map(|w| w.2).sum();
                if paid + 1e-6 < min || paid > max + 1e-6 {
                    let from = self.first + Duration::days(7 * (i * a.weeks as usize) as i64);
                    push(
                        "averaged_hours",
                        Some(id),
                        format!(
                            "{} paid hours over the {} weeks from {from}, {:.2} a week on \
                             average (contract {}: {}-{} h a week on average over {} weeks)",
                            paid / 60.0,
                            block.len(),
                            paid / 60.0 / block.len() as f64,
                            c.name,
                            f64::from(c.min_weekly_minutes) / 60.0,
                            f64::from(c.max_weekly_minutes) / 60.0,
                            a.weeks
                        ),
                    );
                }
            }
        }
    }

    /// Over the days worked (`dates`): at most the contract's consecutive days, and at most its
    /// weekend days of each Saturday-Sunday in the horizon.
    fn runs_and_weekends(
        &self,
        dates: &BTreeSet<NaiveDate>,
        push: &mut impl FnMut(&'static str, Option<&str>, String),
    ) {
        let (id, c) = (self.id(), &self.agent.contract);
        // the previous roster's last days in a row count towards the first run
        let mut run = 0;
        let mut before = self.first - Duration::days(1);
        while self.past.iter().any(|p| p.date == before) {
            run += 1;
            before -= Duration::days(1);
        }
        for d in 0..self.n_days {
            if dates.contains(&(self.first + Duration::days(d as i64))) {
                run += 1;
                if run > c.max_consecutive_days {
                    push(
                        "consecutive_days",
                        Some(id),
                        format!(
                            "works {run} consecutive days up to {} (at most {})",
                            self.first + Duration::days(d as i64),
                            c.max_consecutive_days
                        ),
                    );
                }
            } else {
                run = 0;
            }
        }
        for d in 0..self.n_days.saturating_sub(1) {
            let sat = self.first + Duration::days(d as i64);
            if sat.weekday() == Weekday::Sat {
                let worked = [sat, sat + Duration::days(1)]
                    .iter()
                    .filter(|x| dates.contains(x))
                    .count() as u32;
                if worked > c.max_weekend_days {
                    push(
                        "weekend_days_off",
                        Some(id),
                        format!(
                            "works {worked} of the weekend days from Saturday {sat} (at most {})",
                            c.max_weekend_days
                        ),
                    );
                }
            }
        }
    }

    /// Every fixed shift of the agent inside the horizon is worked as fixed (date, template,
    /// start).
    fn fixed_shifts(
        &self,
        shifts: &[&RosterShift],
        push: &mut impl FnMut(&'static str, Option<&str>, String),
    ) {
        let id = self.id();
        for f in &self.agent.fixed_shifts {
            let in_horizon =
                f.date >= self.first && f.date < self.first + Duration::days(self.n_days as i64);
            let kept = shifts.iter().any(|s| {
                s.date == f.date
                    && s.template == f.template
                    && s.start.with_timezone(&self.tz).time() == f.start
            });
            if in_horizon && !kept {
                push(
                    "fixed_shift",
                    Some(id),
                    format!(
                        "fixed shift {} at {} on {} is missing",
                        f.template, f.start, f.date
                    ),
                );
            }
        }
    }
}

/// Activities: each inside one of its agent's shifts, work on a skilled channel and not during a
/// placed break (whole intervals touched by the break are off the phones), no two of one agent
/// overlapping. Returns the agents working each channel in each interval, `[c][t]`, as the
/// activities give them.
fn check_activities(
    problem: &RosterProblem,
    roster: &Roster,
    agents: &BTreeMap<&str, usize>,
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) -> Vec<Vec<f64>> {
    let mut acts_by_agent: BTreeMap<&str, Vec<Span>> = BTreeMap::new();
    let n_t = problem.horizon.n_intervals();
    let mut scheduled = vec![vec![0.0f64; n_t]; problem.channels.len()];
    for act in &roster.activities {
        let id = act.agent_id.as_str();
        let Some(&a) = agents.get(id) else {
            push(
                "agent",
                Some(id),
                format!("activity for unknown agent {id}"),
            );
            continue;
        };
        let shift = roster
            .shifts
            .iter()
            .find(|s| s.agent_id == act.agent_id && s.start <= act.start && act.end <= s.end);
        let Some(shift) = shift else {
            push(
                "activities",
                Some(id),
                format!(
                    "{} from {} to {} is outside every shift",
                    act.activity, act.start, act.end
                ),
            );
            continue;
        };
        acts_by_agent
            .entry(id)
            .or_default()
            .push((act.start, act.end));
        if act.activity == ActivityKind::Work {
            check_work(
                problem,
                &problem.agents[a],
                act,
                shift,
                &mut scheduled,
                push,
            );
        }
    }
    for (id, mut spans) in acts_by_agent {
        spans.sort();
        for w in spans.windows(2) {
            if w[1].0 < w[0].1 {
                push(
                    "activities",
                    Some(id),
                    format!("two activities overlap at {}", w[1].0),
                );
            }
        }
    }
    scheduled
}

/// One work activity inside `shift`: it names a channel the agent is skilled in and misses the
/// shift's breaks; its intervals are counted in `scheduled`.
fn check_work(
    problem: &RosterProblem,
    agent: &AgentPlan,
    act: &Activity,
    shift: &RosterShift,
    scheduled: &mut [Vec<f64>],
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let id = act.agent_id.as_str();
    let n_t = problem.horizon.n_intervals();
    let len = i64::from(problem.horizon.interval_minutes());
    let Some(ch) = &act.channel else {
        push(
            "activities",
            Some(id),
            format!("work from {} without a channel", act.start),
        );
        return;
    };
    if !agent.skills.contains(ch) {
        push(
            "skills",
            Some(id),
            format!("works {ch} from {} but is not skilled for it", act.start),
        );
    }
    for b in &shift.breaks {
        // whole intervals touched by the break are off the phones
        let b0 = floor_to(b.start, shift.start, len);
        let b1 = ceil_to(b.end, shift.start, len);
        if act.start < b1 && b0 < act.end {
            push(
                "breaks",
                Some(id),
                format!("works {ch} during a {} at {}", b.kind, b.start),
            );
        }
    }
    if let Some(c) = problem.channel_index(ch) {
        let m0 = problem.horizon.minutes_from_start(&act.start);
        let m1 = problem.horizon.minutes_from_start(&act.end);
        let mut m = m0;
        while m < m1 {
            if m >= 0 && ((m / len) as usize) < n_t {
                scheduled[c][(m / len) as usize] += 1.0;
            }
            m += len;
        }
    }
}

/// Coverage rows agree with the activities (`scheduled`, and the live shortfall), and there is
/// exactly one row per channel and interval: a roster that drops or repeats rows would otherwise
/// pass, since the missing ones are never compared.
fn check_coverage(
    problem: &RosterProblem,
    roster: &Roster,
    scheduled: &[Vec<f64>],
    push: &mut impl FnMut(&'static str, Option<&str>, String),
) {
    let n_t = problem.horizon.n_intervals();
    let mut rows_seen = vec![vec![0u32; n_t]; problem.channels.len()];
    for row in &roster.coverage {
        let (Some(c), Some(t)) = (
            problem.channel_index(&row.channel),
            problem.horizon.interval_of(&row.interval_start),
        ) else {
            push(
                "coverage",
                None,
                format!(
                    "coverage row {} {} is not in the plan",
                    row.interval_start, row.channel
                ),
            );
            continue;
        };
        rows_seen[c][t] += 1;
        if (scheduled[c][t] - row.scheduled).abs() > 1e-6 {
            push(
                "coverage",
                None,
                format!(
                    "{} {}: coverage says {} scheduled, activities give {}",
                    row.channel, row.interval_start, row.scheduled, scheduled[c][t]
                ),
            );
        }
        if problem.channels[c].mode == ChannelMode::Live {
            let short = (problem.channels[c].requirement[t] - scheduled[c][t]).max(0.0);
            if (short - row.shortfall).abs() > 1e-6 {
                push(
                    "coverage",
                    None,
                    format!(
                        "{} {}: shortfall {} but required {} and scheduled {}",
                        row.channel,
                        row.interval_start,
                        row.shortfall,
                        problem.channels[c].requirement[t],
                        scheduled[c][t]
                    ),
                );
            }
        }
    }
    // A roster writes one row for every channel, live or deferred, in every interval of the
    // horizon (`build::coverage`), and planners read coverage.csv as complete. One violation per
    // channel and kind keeps a wholesale loss of rows readable.
    for (c, ch) in problem.channels.iter().enumerate() {
        let at = |t: usize| problem.horizon.instant(t).fixed_offset();
        let missing: Vec<usize> = (0..n_t).filter(|&t| rows_seen[c][t] == 0).collect();
        if let Some(&t) = missing.first() {
            push(
                "coverage",
                None,
                format!(
                    "{}: no coverage row for {} of {n_t} intervals (first {})",
                    ch.name,
                    missing.len(),
                    at(t)
                ),
            );
        }
        let repeated: Vec<usize> = (0..n_t).filter(|&t| rows_seen[c][t] > 1).collect();
        if let Some(&t) = repeated.first() {
            push(
                "coverage",
                None,
                format!(
                    "{}: repeated coverage rows for {} of {n_t} intervals (first {})",
                    ch.name,
                    repeated.len(),
                    at(t)
                ),
            );
        }
    }
}

fn local(tz: chrono_tz::Tz, date: chrono::NaiveDate, time: NaiveTime) -> DateTime<FixedOffset> {
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.fixed_offset())
        .unwrap_or_else(|| date.and_time(time).and_utc().fixed_offset())
}

fn floor_to(
    t: DateTime<FixedOffset>,
    origin: DateTime<FixedOffset>,
    len: i64,
) -> DateTime<FixedOffset> {
    let m = (t - origin).num_minutes();
    origin + Duration::minutes(m.div_euclid(len) * len)
}

fn ceil_to(
    t: DateTime<FixedOffset>,
    origin: DateTime<FixedOffset>,
    len: i64,
) -> DateTime<FixedOffset> {
    let secs = (t - origin).num_seconds();
    let l = len * 60;
    origin + Duration::seconds(((secs + l - 1).div_euclid(l)) * l)
}

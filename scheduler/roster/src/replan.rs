//! Re-planning a published roster: keep what has been worked, and change as few of the other
//! shifts as the service needs.
//!
//! The use case is the sickness call: an agent rings in sick for Wednesday to Friday of a week
//! whose roster everyone has already seen. Starting again would move everyone's shifts; keeping
//! everything would leave the gap. The roster programme instead gets the published shifts as a
//! [`Baseline`]:
//! - days before [`Baseline::open_from`] are **pinned**: every agent works exactly the published
//!   shift (or nothing) there, because those days have been worked or are too close to change;
//! - on the open days, every published shift that is not kept as it was, and every shift added
//!   on a published day off, costs [`Baseline::move_cost`] in the objective
//!   ([`crate::model::baseline`]). A shift therefore moves only where that wins back more service
//!   (or pay) than the move is worth; at the default, more than two agent-hours short of the
//!   requirement, or about eight contacts lost against the targets.
//!
//! The absence itself is ordinary leave ([`crate::Unavailable`]) on the sick agent: their
//! published shifts in it simply have no option, are not counted as moves, and their weekly
//! minimum is credited as for any leave.
//!
//! A published shift is matched by its agent, start and end (the published `shifts.csv` names no
//! template): every option of the agent with that start and end keeps it.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::options::OptionSet;
use crate::{Roster, RosterError, RosterProblem};

/// One published shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineShift {
    /// Agent id.
    pub agent_id: String,
    /// Start, as published.
    pub start: DateTime<FixedOffset>,
    /// End, as published.
    pub end: DateTime<FixedOffset>,
    /// What the agent was published to do in the shift, in time order (its `activities.csv`
    /// rows). A shift the re-plan keeps keeps these too, so an agent whose shift did not move
    /// finds their breaks, channels and activities as published; empty: placed afresh.
    pub periods: Vec<BaselinePeriod>,
}

/// One published period of a shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselinePeriod {
    /// Start.
    pub start: DateTime<FixedOffset>,
    /// End.
    pub end: DateTime<FixedOffset>,
    /// What the agent does.
    pub kind: PeriodKind,
}

/// What an agent does in a published period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodKind {
    /// Contacts of a channel.
    Work(rota_data::channel::ChannelName),
    /// A paid break.
    Break,
    /// An unpaid lunch.
    Lunch,
    /// A planned activity, by its configured name.
    Activity(String),
}

/// The published roster a re-plan starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// Every published shift of the horizon.
    pub shifts: Vec<BaselineShift>,
    /// The first local date that may change; earlier days are pinned as published.
    pub open_from: NaiveDate,
    /// What one changed shift on an open day costs in the objective (pounds, the unit of pay and
    /// of the penalties).
    pub move_cost: f64,
    /// Agents whose every day stays as published (the absent: nobody rosters a person who is
    /// off sick for Saturday without asking them first).
    pub pinned_agents: Vec<String>,
}

impl Baseline {
    /// Default cost of one moved shift: 400, twice the default penalty of an agent-hour short on
    /// a live channel ([`crate::Weights::DEFAULT_SHORTFALL`]) and eight contacts lost at the
    /// targets' default penalty ([`crate::ProgrammeTargets::DEFAULT_PENALTY_PER_CONTACT`]).
    /// A whole extra day's pay is about 120, so a move is never made to save pay alone unless it
    /// saves more than three shifts' worth.
    pub const DEFAULT_MOVE_COST: f64 = 400.0;
}

impl BaselineShift {
    /// Does the agent's leave or absence overlap this shift? Such a shift is lost whatever the
    /// plan: never pinned, never a change.
    pub fn lost_to_leave(&self, agent: &crate::AgentPlan) -> bool {
        agent
            .unavailable
            .iter()
            .any(|u| u.from.fixed_offset() < self.end && self.start < u.to.fixed_offset())
    }

    /// The shifts of a roster as published, each with its periods.
    pub fn all_of(roster: &Roster) -> Vec<BaselineShift> {
        roster
            .shifts
            .iter()
            .map(|s| BaselineShift {
                agent_id: s.agent_id.clone(),
                start: s.start,
                end: s.end,
                periods: roster
                    .activities
                    .iter()
                    .filter(|a| a.agent_id == s.agent_id && s.start <= a.start && a.end <= s.end)
                    .filter_map(|a| {
                        let kind = match (&a.activity, &a.channel) {
                            (crate::ActivityKind::Work, Some(c)) => PeriodKind::Work(c.clone()),
                            (crate::ActivityKind::Work, None) => return None,
                            (crate::ActivityKind::Break, _) => PeriodKind::Break,
                            (crate::ActivityKind::Lunch, _) => PeriodKind::Lunch,
                            (crate::ActivityKind::Planned(n), _) => PeriodKind::Activity(n.clone()),
                        };
                        Some(BaselinePeriod {
                            start: a.start,
                            end: a.end,
                            kind,
                        })
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The published shifts of each agent and day, as option indices of the agent's domain.
#[derive(Debug, Clone)]
pub struct Published {
    /// `[a][d]`: `None` where agent `a` had no published shift on day `d`; otherwise the options
    /// of the agent's domain that keep it (empty when none can: the agent is now on leave, or the
    /// shift fits no template).
    pub by_day: Vec<Vec<Option<Vec<usize>>>>,
    /// Per agent, the index of the first open day (days before it are pinned; the horizon's
    /// length for a pinned agent).
    pub open_day: Vec<usize>,
    /// What one changed shift costs.
    pub move_cost: f64,
}

impl Published {
    /// Matches the baseline's shifts to `options` (the full option set).
    pub fn of(problem: &RosterProblem, options: &OptionSet) -> Option<Self> {
        let baseline = problem.baseline.as_ref()?;
        let n_days = problem.horizon.days();
        let mut by_day = vec![vec![None; n_days]; problem.agents.len()];
        for s in &baseline.shifts {
            let Some(a) = problem.agents.iter().position(|p| p.id == s.agent_id) else {
                continue;
            };
            let Some(d) = day_of(problem, s) else {
                continue;
            };
            let keeping: Vec<usize> = options.per_agent[a]
                .iter()
                .copied()
                .filter(|&o| {
                    let opt = &options.options[o];
                    opt.start == s.start && opt.end == s.end
                })
                .collect();
            by_day[a][d] = Some(keeping);
        }
        let open_from =
            usize::try_from((baseline.open_from - problem.horizon.first_date()).num_days())
                .unwrap_or(0)
                .min(n_days);
        let open_day = problem
            .agents
            .iter()
            .map(|p| {
                if baseline.pinned_agents.contains(&p.id) {
                    n_days
                } else {
                    open_from
                }
            })
            .collect();
        Some(Self {
            by_day,
            open_day,
            move_cost: baseline.move_cost.max(0.0),
        })
    }

    /// Is option `o` of agent `a` the published shift of its day (kept as it was)?
    pub fn keeps(&self, a: usize, d: usize, o: usize) -> bool {
        self.by_day[a][d]
            .as_ref()
            .is_some_and(|keep| keep.contains(&o))
    }

    /// Changed shifts of agent `a` on the open days when the agent works `worked` (option
    /// indices): a published shift not kept while it could have been, or a shift on a published
    /// day off. A published shift with no option left (leave) is not a change: nobody could keep
    /// it.
    pub fn changes(&self, options: &OptionSet, a: usize, worked: &[usize]) -> usize {
        let n_days = self.by_day[a].len();
        (self.open_day[a]..n_days)
            .filter(|&d| {
                let on_day = worked.iter().find(|&&o| options.options[o].day == d);
                match (&self.by_day[a][d], on_day) {
                    (None, None) => false,
                    (None, Some(_)) => true,
                    (Some(keep), on) => !keep.is_empty() && on.is_none_or(|o| !keep.contains(o)),
                }
            })
            .count()
    }
}

fn day_of(problem: &RosterProblem, s: &BaselineShift) -> Option<usize> {
    let date = s.start.with_timezone(&problem.horizon.tz()).date_naive();
    let d = (date - problem.horizon.first_date()).num_days();
    usize::try_from(d)
        .ok()
        .filter(|&d| d < problem.horizon.days())
}

/// Rejects a baseline the programme cannot honour: an unknown agent, a shift outside the horizon
/// or two on one day, and a pinned shift that no option keeps (a shift already worked cannot be
/// undone).
pub fn validate(problem: &RosterProblem, options: &OptionSet) -> Result<(), RosterError> {
    let Some(baseline) = &problem.baseline else {
        return Ok(());
    };
    let mut errors = Vec::new();
    let mut seen: BTreeMap<(&str, usize), usize> = BTreeMap::new();
    let tz = problem.horizon.tz();
    let label = |s: &BaselineShift| {
        format!(
            "{} {}-{}",
            s.start.with_timezone(&tz).format("%a %d %b %Y"),
            s.start.with_timezone(&tz).format("%H:%M"),
            s.end.with_timezone(&tz).format("%H:%M")
        )
    };
    let Some(published) = Published::of(problem, options) else {
        return Ok(());
    };
    for s in &baseline.shifts {
        let Some(a) = problem.agents.iter().position(|p| p.id == s.agent_id) else {
            errors.push(format!(
                "published shift of {} on {}: no such agent in the configuration",
                s.agent_id,
                label(s)
            ));
            continue;
        };
        let Some(d) = day_of(problem, s) else {
            errors.push(format!(
                "published shift of {} on {}: outside the {} days from {}",
                s.agent_id,
                label(s),
                problem.horizon.days(),
                problem.horizon.first_date()
            ));
            continue;
        };
        let n = seen.entry((s.agent_id.as_str(), d)).or_insert(0);
        *n += 1;
        if *n == 2 {
            errors.push(format!(
                "published roster gives {} two shifts on {}",
                s.agent_id,
                problem.horizon.date(d)
            ));
        }
        if d < published.open_day[a]
            && !s.lost_to_leave(&problem.agents[a])
            && published.by_day[a][d]
                .as_ref()
                .is_some_and(|keep| keep.is_empty())
        {
            errors.push(format!(
                "published shift of {} on {} is before the re-plan's first day {} and so stays \
                 as worked, but no shift template of the configuration, or the agent's \
                 availability and leave, allows it",
                s.agent_id,
                label(s),
                baseline.open_from
            ));
        }
    }
    // the day after the last may be given: every day pinned (the published week as it stands)
    let end = problem.horizon.first_date() + chrono::Duration::days(problem.horizon.days() as i64);
    if baseline.open_from > end {
        errors.push(format!(
            "the re-plan's first day {} is after the roster's last day {}",
            baseline.open_from,
            problem.horizon.date(problem.horizon.days() - 1)
        ));
    }
    if !(baseline.move_cost.is_finite() && baseline.move_cost >= 0.0) {
        errors.push(format!(
            "the cost of a moved shift must be 0 or more, not {}",
            baseline.move_cost
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RosterError::Input(errors.join("; ")))
    }
}

/// What a re-plan changed, shift by shift, against the published roster.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplanReport {
    /// The first day open to change.
    pub open_from: Option<NaiveDate>,
    /// Published shifts on the open days of the agents who are not away (the shifts a re-plan
    /// could move; an absent agent's other days stay as published and are not counted).
    pub open_shifts: usize,
    /// Of those, kept exactly as published.
    pub kept: usize,
    /// Moved to another start or end on the same day.
    pub moved: usize,
    /// Taken off (a published shift the agent no longer works).
    pub removed: usize,
    /// Added on a published day off.
    pub added: usize,
    /// Published shifts lost to the absence (the absent agents' shifts on open days).
    pub lost_to_absence: usize,
    /// Every change, for the people affected: agent, date, before and after (`HH:MM-HH:MM` or
    /// `off`).
    pub changes: Vec<ShiftChange>,
}

impl ReplanReport {
    /// Changed shifts: moved, removed and added.
    pub fn changed(&self) -> usize {
        self.moved + self.removed + self.added
    }

    /// Changed shifts as a share of the open published shifts of the agents still working.
    pub fn changed_share(&self) -> f64 {
        if self.open_shifts == 0 {
            0.0
        } else {
            self.changed() as f64 / self.open_shifts as f64
        }
    }
}

/// One agent's day that a re-plan changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShiftChange {
    /// Agent id.
    pub agent_id: String,
    /// Local date.
    pub date: NaiveDate,
    /// The published shift (`HH:MM-HH:MM`), or `off`.
    pub before: String,
    /// The re-planned shift, or `off`.
    pub after: String,
}

/// Compares `roster` with the problem's baseline, day by day on the open days. `None` when the
/// problem has no baseline.
pub fn report(problem: &RosterProblem, roster: &Roster) -> Option<ReplanReport> {
    let baseline = problem.baseline.as_ref()?;
    let tz = problem.horizon.tz();
    let span = |start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>| {
        format!(
            "{}-{}",
            start.with_timezone(&tz).format("%H:%M"),
            end.with_timezone(&tz).format("%H:%M")
        )
    };
    let mut report = ReplanReport {
        open_from: Some(baseline.open_from),
        ..Default::default()
    };
    type Day<'a> = (&'a str, NaiveDate);
    let mut before: BTreeMap<Day<'_>, &BaselineShift> = BTreeMap::new();
    for s in &baseline.shifts {
        let date = s.start.with_timezone(&tz).date_naive();
        if date >= baseline.open_from {
            before.insert((s.agent_id.as_str(), date), s);
        }
    }
    let mut after: BTreeMap<Day<'_>, (&DateTime<FixedOffset>, &DateTime<FixedOffset>)> =
        BTreeMap::new();
    for s in &roster.shifts {
        if s.date >= baseline.open_from {
            after.insert((s.agent_id.as_str(), s.date), (&s.start, &s.end));
        }
    }
    let absent = |agent: &str, s: &BaselineShift| {
        problem
            .agents
            .iter()
            .find(|p| p.id == agent)
            .is_none_or(|p| s.lost_to_leave(p))
    };
    let pinned = |agent: &str| baseline.pinned_agents.iter().any(|p| p == agent);
    for (&(agent, date), s) in &before {
        if absent(agent, s) {
            report.lost_to_absence += 1;
            continue;
        }
        if pinned(agent) {
            continue;
        }
        report.open_shifts += 1;
        match after.get(&(agent, date)) {
            Some((start, end)) if **start == s.start && **end == s.end => report.kept += 1,
            Some((start, end)) => {
                report.moved += 1;
                report.changes.push(ShiftChange {
                    agent_id: agent.to_string(),
                    date,
                    before: span(&s.start, &s.end),
                    after: span(start, end),
                });
            }
            None => {
                report.removed += 1;
                report.changes.push(ShiftChange {
                    agent_id: agent.to_string(),
                    date,
                    before: span(&s.start, &s.end),
                    after: "off".into(),
                });
            }
        }
    }
    for (&(agent, date), (start, end)) in &after {
        if !pinned(agent) && !before.contains_key(&(agent, date)) {
            report.added += 1;
            report.changes.push(ShiftChange {
                agent_id: agent.to_string(),
                date,
                before: "off".into(),
                after: span(start, end),
            });
        }
    }
    report
        .changes
        .sort_by(|x, y| (x.date, &x.agent_id).cmp(&(y.date, &y.agent_id)));
    Some(report)
}

/// What one interval of a published shift holds, as the roster's internals hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Work(usize),
    Away,
    Activity(usize),
}

/// A kept shift's published content: break starts (per template break) and each interval's cell.
struct Content {
    break_starts: Vec<usize>,
    cells: Vec<Cell>,
}

/// The content of published shift `shift` on option `opt`, if it maps onto the roster's grid:
/// every period on a configured channel or activity, and its breaks one for one with the
/// template's, paid for paid. `None`: the shift is placed afresh.
fn content_of(
    problem: &RosterProblem,
    opt: &crate::options::ShiftOption,
    shift: &BaselineShift,
) -> Option<Content> {
    let h = &problem.horizon;
    let last = opt.last.min(h.n_intervals());
    let mut cells = Vec::with_capacity(last.saturating_sub(opt.first));
    for t in opt.first..last {
        let at = h.instant(t).fixed_offset();
        let period = shift.periods.iter().find(|p| p.start <= at && at < p.end)?;
        cells.push(match &period.kind {
            // the agent's skill is checked by the caller, which knows the agent
            PeriodKind::Work(ch) => Cell::Work(problem.channel_index(ch)?),
            PeriodKind::Break | PeriodKind::Lunch => Cell::Away,
            PeriodKind::Activity(name) => {
                Cell::Activity(problem.activities.iter().position(|a| &a.name == name)?)
            }
        });
    }
    // the template lists its lunch first, then its paid breaks: each is matched to the next
    // published period of its kind in time order
    let tpl = &problem.templates[opt.template];
    let of_kind = |paid: bool| -> Vec<&BaselinePeriod> {
        let mut v: Vec<&BaselinePeriod> = shift
            .periods
            .iter()
            .filter(|p| match p.kind {
                PeriodKind::Break => paid,
                PeriodKind::Lunch => !paid,
                _ => false,
            })
            .collect();
        v.sort_by_key(|p| p.start);
        v
    };
    let (mut paid, mut unpaid) = (of_kind(true).into_iter(), of_kind(false).into_iter());
    let n_published = shift
        .periods
        .iter()
        .filter(|p| matches!(p.kind, PeriodKind::Break | PeriodKind::Lunch))
        .count();
    if n_published != opt.breaks.len() {
        return None;
    }
    let mut break_starts = Vec::with_capacity(opt.breaks.len());
    for window in &opt.breaks {
        let rule = tpl.breaks.get(window.index)?;
        let p = if rule.paid {
            paid.next()?
        } else {
            unpaid.next()?
        };
        let bs = h.interval_of(&p.start)?;
        if bs < window.earliest || bs > window.latest {
            return None;
        }
        break_starts.push(bs);
    }
    Some(Content {
        break_starts,
        cells,
    })
}

/// Gives every shift the re-plan kept as published its published breaks, channels and planned
/// activities, so that only the people whose shifts changed find their day re-arranged. The
/// sessions the re-plan placed in the other shifts are taken out (their time on the channel
/// worked beside them), to be placed again around the published ones. Returns the shifts
/// restored.
pub(crate) fn keep_published(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &mut [crate::build::PlacedShift],
    assignment: &mut crate::build::Assignment,
    planned: &mut Vec<crate::activities::PlacedActivity>,
) -> Vec<crate::build::PlacedShift> {
    let (Some(baseline), Some(published)) = (&problem.baseline, Published::of(problem, options))
    else {
        return Vec::new();
    };
    let mut shift_of: BTreeMap<(usize, usize), &BaselineShift> = BTreeMap::new();
    for s in &baseline.shifts {
        if let (Some(a), Some(d)) = (
            problem.agents.iter().position(|p| p.id == s.agent_id),
            day_of(problem, s),
        ) {
            shift_of.insert((a, d), s);
        }
    }
    let mut restored: Vec<(usize, usize, usize)> = Vec::new(); // (agent, first, last)
    let mut kept = Vec::new();
    for s in placed.iter_mut() {
        let opt = &options.options[s.option];
        let (a, d) = (s.agent, opt.day);
        if !published.keeps(a, d, s.option) {
            continue;
        }
        let Some(shift) = shift_of.get(&(a, d)) else {
            continue;
        };
        let Some(content) = content_of(problem, opt, shift) else {
            continue;
        };
        let skills = problem.skill_set(a);
        if content
            .cells
            .iter()
            .any(|c| matches!(c, Cell::Work(ch) if !skills.contains(ch)))
        {
            continue;
        }
        let last = opt.last.min(problem.horizon.n_intervals());
        s.break_starts = content.break_starts;
        planned.retain(|p| p.agent != a || p.end <= opt.first || p.start >= last);
        for (i, cell) in content.cells.iter().enumerate() {
            assignment[a][opt.first + i] = match cell {
                Cell::Work(c) => Some(*c),
                Cell::Away | Cell::Activity(_) => None,
            };
        }
        // the published sessions, as runs of one activity
        let mut i = 0;
        while i < content.cells.len() {
            if let Cell::Activity(k) = content.cells[i] {
                let mut j = i;
                while j < content.cells.len() && content.cells[j] == Cell::Activity(k) {
                    j += 1;
                }
                planned.push(crate::activities::PlacedActivity {
                    agent: a,
                    activity: k,
                    start: opt.first + i,
                    end: opt.first + j,
                });
                i = j;
            } else {
                i += 1;
            }
        }
        restored.push((a, opt.first, last));
        kept.push(s.clone());
    }
    // the sessions the re-plan placed in the other shifts go: they are placed again around the
    // published ones (schedule), their time meanwhile on the channel worked beside it
    let mut cleared = Vec::new();
    planned.retain(|p| {
        let published = restored
            .iter()
            .any(|&(a, f, l)| a == p.agent && f <= p.start && p.end <= l);
        if !published {
            cleared.push(*p);
        }
        published
    });
    for p in cleared {
        work_beside(problem, options, placed, assignment, &p);
    }
    kept
}

/// Gives the intervals of session `p` to the channel its agent works beside it in the shift (the
/// agent's first skill if none).
fn work_beside(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[crate::build::PlacedShift],
    assignment: &mut crate::build::Assignment,
    p: &crate::activities::PlacedActivity,
) {
    let Some(shift) = placed.iter().find(|s| {
        let o = &options.options[s.option];
        s.agent == p.agent && o.first <= p.start && p.end <= o.last
    }) else {
        return;
    };
    let o = &options.options[shift.option];
    let row = &assignment[p.agent];
    let beside = (o.first..p.start)
        .rev()
        .find_map(|t| row[t])
        .or_else(|| (p.end..o.last.min(row.len())).find_map(|t| row[t]))
        .or_else(|| problem.skill_set(p.agent).first().copied());
    for cell in &mut assignment[p.agent][p.start..p.end] {
        *cell = beside;
    }
}

/// Drops sessions placed again (never published ones, those inside the shifts in `published`)
/// that take an agent past an activity's weekly maximum, latest first; their time goes to the
/// channel worked beside them.
pub(crate) fn trim_excess(
    problem: &RosterProblem,
    options: &OptionSet,
    placed: &[crate::build::PlacedShift],
    assignment: &mut crate::build::Assignment,
    planned: &mut Vec<crate::activities::PlacedActivity>,
    published: &[crate::build::PlacedShift],
) {
    let is_published = |p: &crate::activities::PlacedActivity| {
        published.iter().any(|s| {
            let o = &options.options[s.option];
            s.agent == p.agent && o.first <= p.start && p.end <= o.last
        })
    };
    let weeks = problem.week_intervals();
    let week_of = |t: usize| weeks.iter().position(|w| w.contains(&t));
    let mut total: BTreeMap<(usize, usize, Option<usize>), usize> = BTreeMap::new();
    for p in planned.iter() {
        *total
            .entry((p.agent, p.activity, week_of(p.start)))
            .or_default() += p.end - p.start;
    }
    planned.sort_by_key(|p| std::cmp::Reverse((p.start, p.agent)));
    let mut dropped = Vec::new();
    planned.retain(|p| {
        let act = &problem.activities[p.activity];
        let cap = act.max_intervals.max(act.min_intervals);
        let key = (p.agent, p.activity, week_of(p.start));
        let n = total.get(&key).copied().unwrap_or(0);
        if n > cap && !is_published(p) {
            total.insert(key, n - (p.end - p.start));
            dropped.push(*p);
            false
        } else {
            true
        }
    });
    planned.sort_by_key(|p| (p.agent, p.start));
    for p in dropped {
        work_beside(problem, options, placed, assignment, &p);
    }
}

#[cfg(test)]
mod tests;

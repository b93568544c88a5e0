//! Fairness of late shifts, Saturdays and bank holidays across agents (issue #15, Build 4).
//!
//! **Comparable agents.** Counting who works the Saturdays is only fair among people who could
//! have worked the same ones: a part-timer whose contract has no Saturday template, or someone
//! on leave two Saturdays of four, is not behind a colleague with four. So agents are compared
//! per kind within a **group**: the same team, the same contract, and the same days of the
//! horizon on which the agent may work a shift of that kind at all (their templates, skills,
//! availability and leave allow one; [`crate::options`]). Hire candidates are not compared.
//!
//! **In the programme** ([`crate::model::fairness`]), with `C[a,k] = P[a,k] + sum_{o of kind k}
//! x[a,o]` (P: the previous roster's count in the rolling window) and per group `G` and kind `k`
//! two continuous variables:
//!
//! ```text
//! U[G,k] >= C[a,k] >= L[G,k]   for a in G;     min ... + F (U[G,k] - L[G,k])
//! ```
//!
//! `U - L` is the spread (most - fewest) at the optimum. It needs no binaries, and the written
//! roster's objective adds the same spread at its whole shifts ([`penalty`]), so the LP bound
//! stays a bound.
//!
//! **Reported** per agent and kind ([`report`]): the count in the plan, in the previous roster's
//! part of the rolling window, the total, the group's mean and the deviation from it
//! (`fairness.csv`), and per kind the largest spread within a group.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use super::build::PlacedShift;
use super::options::{build_options, OptionSet};
use super::output::Roster;
use super::problem::RosterProblem;

/// What is spread evenly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FairKind {
    /// A shift ending after the centre's late time (19:00 by default) or past midnight.
    LateShift,
    /// A shift starting on a Saturday.
    Saturday,
    /// A shift on an England & Wales bank holiday.
    BankHoliday,
}

impl FairKind {
    /// Every kind, in report order.
    pub const ALL: [FairKind; 3] = [
        FairKind::Saturday,
        FairKind::LateShift,
        FairKind::BankHoliday,
    ];

    /// The name in files: `saturday`, `late_shift`, `bank_holiday`.
    pub fn key(self) -> &'static str {
        match self {
            FairKind::LateShift => "late_shift",
            FairKind::Saturday => "saturday",
            FairKind::BankHoliday => "bank_holiday",
        }
    }

    /// The plural in a planner's words.
    pub fn label(self) -> &'static str {
        match self {
            FairKind::LateShift => "late shifts",
            FairKind::Saturday => "Saturdays",
            FairKind::BankHoliday => "bank holidays",
        }
    }

    /// Is a shift from `start` to `end` (local) of this kind? `late_after`: the end of day after
    /// which a shift is late.
    pub fn of_shift(self, start: &DateTime<Tz>, end: &DateTime<Tz>, late_after: NaiveTime) -> bool {
        let day = start.date_naive();
        match self {
            FairKind::Saturday => day.weekday() == Weekday::Sat,
            FairKind::BankHoliday => rota_data::calendar::is_bank_holiday(day),
            FairKind::LateShift => end.date_naive() > day || end.time() > late_after,
        }
    }
}

/// The late time when the centre configures no `[centre.fairness]`: 19:00.
pub fn default_late_after() -> NaiveTime {
    NaiveTime::from_hms_opt(19, 0, 0).unwrap_or(NaiveTime::MIN)
}

fn late_after(problem: &RosterProblem) -> NaiveTime {
    problem
        .multiweek
        .fairness
        .map_or_else(default_late_after, |f| f.late_after)
}

/// Agents compared with each other for one kind ([module doc](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct FairGroup {
    /// The kind.
    pub kind: FairKind,
    /// `front_office, full_time, 4 Saturdays open`.
    pub label: String,
    /// Agent indices (at least two).
    pub agents: Vec<usize>,
    /// The previous roster's count of each (same order) in the rolling window.
    pub prior: Vec<u32>,
}

/// The previous roster's shifts of kind `kind` of agent `a` inside the rolling window (the
/// `rolling_weeks` weeks that end on the plan's last day).
pub fn prior_count(problem: &RosterProblem, a: usize, kind: FairKind) -> u32 {
    let weeks = problem
        .multiweek
        .fairness
        .map_or(rota_data::config::Fairness::DEFAULT_ROLLING_WEEKS, |f| {
            f.rolling_weeks
        });
    let h = &problem.horizon;
    let from = h.date(h.days()) - chrono::Duration::days(7 * i64::from(weeks));
    let tz = h.tz();
    let late = late_after(problem);
    problem
        .past_shifts(a)
        .iter()
        .filter(|s| s.date >= from)
        .filter(|s| kind.of_shift(&s.start.with_timezone(&tz), &s.end.with_timezone(&tz), late))
        .count() as u32
}

/// The groups of comparable agents of every kind, over the full option set `options` of
/// `problem` (not a restricted one: who is comparable must not depend on the LP).
pub fn groups_of(problem: &RosterProblem, options: &OptionSet) -> Vec<FairGroup> {
    let late = late_after(problem);
    let mut out = Vec::new();
    for kind in FairKind::ALL {
        let of_kind: Vec<bool> = options
            .options
            .iter()
            .map(|o| kind.of_shift(&o.start, &o.end, late))
            .collect();
        let mut by_key: BTreeMap<(String, String, Vec<usize>), Vec<usize>> = BTreeMap::new();
        for (a, agent) in problem.agents.iter().enumerate() {
            if problem.hire_of(a).is_some() {
                continue;
            }
            let mut days: Vec<usize> = options.per_agent[a]
                .iter()
                .filter(|&&o| of_kind[o])
                .map(|&o| options.options[o].day)
                .collect();
            days.sort_unstable();
            days.dedup();
            if days.is_empty() {
                continue;
            }
            let team = agent.team.clone().unwrap_or_else(|| "no team".into());
            by_key
                .entry((team, agent.contract.name.clone(), days))
                .or_default()
                .push(a);
        }
        for ((team, contract, days), agents) in by_key {
            if agents.len() < 2 {
                continue;
            }
            let prior = agents
                .iter()
                .map(|&a| prior_count(problem, a, kind))
                .collect();
            out.push(FairGroup {
                kind,
                label: format!(
                    "{team}, {contract}, {} {} open",
                    days.len(),
                    if days.len() == 1 {
                        kind.label().trim_end_matches('s')
                    } else {
                        kind.label()
                    }
                ),
                agents,
                prior,
            });
        }
    }
    out
}

/// [`groups_of`] on the problem's full option set.
pub fn groups(problem: &RosterProblem) -> Vec<FairGroup> {
    groups_of(problem, &build_options(problem))
}

/// The fairness term of a roster's objective: per group, the weight times the spread of the
/// counts (previous roster's included), as [`crate::model::fairness`] prices it. 0 without
/// `[centre.fairness]`.
pub fn penalty(problem: &RosterProblem, options: &OptionSet, placed: &[PlacedShift]) -> f64 {
    let Some(rules) = problem.multiweek.fairness else {
        return 0.0;
    };
    let late = late_after(problem);
    groups_of(problem, options)
        .iter()
        .map(|g| {
            let counts: Vec<u32> = g
                .agents
                .iter()
                .zip(&g.prior)
                .map(|(&a, p)| {
                    p + placed
                        .iter()
                        .filter(|s| s.agent == a)
                        .filter(|s| {
                            let o = &options.options[s.option];
                            g.kind.of_shift(&o.start, &o.end, late)
                        })
                        .count() as u32
                })
                .collect();
            let spread = counts.iter().max().unwrap_or(&0) - counts.iter().min().unwrap_or(&0);
            rules.weight * f64::from(spread)
        })
        .sum()
}

/// One agent's count of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FairnessRow {
    /// Agent id.
    pub agent_id: String,
    /// Agent name.
    pub agent_name: String,
    /// `saturday`, `late_shift` or `bank_holiday`.
    pub kind: FairKind,
    /// The group the agent is compared in; empty when nobody is comparable (no shift of this
    /// kind possible, or alone in the group).
    pub group: String,
    /// Shifts of this kind in the plan.
    pub planned: u32,
    /// Shifts of this kind in the previous roster's part of the rolling window.
    pub previous: u32,
    /// `planned + previous`.
    pub total: u32,
    /// Mean total of the group (the agent's own total when alone).
    pub group_mean: f64,
    /// `total - group_mean`.
    pub deviation: f64,
}

/// Per kind: the largest spread within a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindSpread {
    /// The kind.
    pub kind: FairKind,
    /// Shifts of this kind in the plan, all agents.
    pub planned: u32,
    /// Fewest and most per agent over the comparable agents (0, 0 when nobody is comparable).
    pub fewest: u32,
    /// See `fewest`.
    pub most: u32,
    /// The largest `most - fewest` within one group.
    pub largest_spread: u32,
    /// That group.
    pub group: String,
    /// Agents compared (in groups of two or more).
    pub agents_compared: usize,
}

/// The fairness of a roster: a row per agent and kind, and a spread per kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FairnessReport {
    /// Weeks of the rolling window.
    pub rolling_weeks: u32,
    /// Per agent and kind.
    pub rows: Vec<FairnessRow>,
    /// Per kind.
    pub kinds: Vec<KindSpread>,
}

impl FairnessReport {
    /// Writes `fairness.csv`: `agent_id, agent_name, kind, group, planned, previous, total,
    /// group_mean, deviation`.
    pub fn write_csv(&self, w: impl std::io::Write) -> Result<(), csv::Error> {
        let mut w = csv::Writer::from_writer(w);
        for r in &self.rows {
            w.serialize(r)?;
        }
        w.flush()?;
        Ok(())
    }

    /// One line per kind in a planner's words: "Saturdays: 0-2 each among 30 comparable
    /// people, spread at most 1 (front_office, full_time, 4 Saturdays open)".
    pub fn lines(&self) -> Vec<String> {
        self.kinds
            .iter()
            .filter(|k| k.planned > 0 || k.agents_compared > 0)
            .map(|k| {
                if k.agents_compared == 0 {
                    format!(
                        "{}: {} in the plan; nobody to compare (no two people could work the same ones)",
                        k.kind.label(),
                        k.planned
                    )
                } else {
                    format!(
                        "{}: {} in the plan, {}-{} each among {} comparable people; the largest \
                         spread in a group is {} ({})",
                        k.kind.label(),
                        k.planned,
                        k.fewest,
                        k.most,
                        k.agents_compared,
                        k.largest_spread,
                        k.group
                    )
                }
            })
            .collect()
    }
}

/// The fairness of `roster` on `problem`, from its written shifts.
pub fn report(problem: &RosterProblem, roster: &Roster) -> FairnessReport {
    let tz = problem.horizon.tz();
    let late = late_after(problem);
    let groups = groups(problem);
    let index: BTreeMap<&str, usize> = problem
        .agents
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut planned: BTreeMap<(usize, FairKind), u32> = BTreeMap::new();
    for s in &roster.shifts {
        let Some(&a) = index.get(s.agent_id.as_str()) else {
            continue;
        };
        for kind in FairKind::ALL {
            if kind.of_shift(&s.start.with_timezone(&tz), &s.end.with_timezone(&tz), late) {
                *planned.entry((a, kind)).or_default() += 1;
            }
        }
    }
    let mut rows = Vec::new();
    let mut kinds = Vec::new();
    for kind in FairKind::ALL {
        let total_of = |a: usize| {
            let p = planned.get(&(a, kind)).copied().unwrap_or(0);
            let prev = prior_count(problem, a, kind);
            (p, prev, p + prev)
        };
        let mut spread = KindSpread {
            kind,
            planned: (0..problem.agents.len()).map(|a| total_of(a).0).sum(),
            fewest: 0,
            most: 0,
            largest_spread: 0,
            group: String::new(),
            agents_compared: 0,
        };
        let mut compared: Vec<u32> = Vec::new();
        for (a, agent) in problem.agents.iter().enumerate() {
            let (p, prev, total) = total_of(a);
            let group = groups
                .iter()
                .find(|g| g.kind == kind && g.agents.contains(&a));
            let mean = group.map_or(f64::from(total), |g| {
                g.agents
                    .iter()
                    .map(|&b| f64::from(total_of(b).2))
                    .sum::<f64>()
                    / g.agents.len() as f64
            });
            if group.is_some() {
                compared.push(total);
            }
            if p + prev == 0 && group.is_none() {
                continue;
            }
            rows.push(FairnessRow {
                agent_id: agent.id.clone(),
                agent_name: agent.name.clone(),
                kind,
                group: group.map(|g| g.label.clone()).unwrap_or_default(),
                planned: p,
                previous: prev,
                total,
                group_mean: (mean * 100.0).round() / 100.0,
                deviation: ((f64::from(total) - mean) * 100.0).round() / 100.0,
            });
        }
        for g in groups.iter().filter(|g| g.kind == kind) {
            let totals: Vec<u32> = g.agents.iter().map(|&a| total_of(a).2).collect();
            let s = totals.iter().max().unwrap_or(&0) - totals.iter().min().unwrap_or(&0);
            if s > spread.largest_spread || spread.group.is_empty() {
                spread.largest_spread = s;
                spread.group = format!("{}: {} people", g.label, g.agents.len());
            }
        }
        spread.agents_compared = compared.len();
        spread.fewest = compared.iter().copied().min().unwrap_or(0);
        spread.most = compared.iter().copied().max().unwrap_or(0);
        kinds.push(spread);
    }
    FairnessReport {
        rolling_weeks: problem
            .multiweek
            .fairness
            .map_or(rota_data::config::Fairness::DEFAULT_ROLLING_WEEKS, |f| {
                f.rolling_weeks
            }),
        rows,
        kinds,
    }
}

//! Rules that span more than one week, and the previous roster a plan rolls on from (issue #15,
//! Build 4).
//!
//! A centre plans one to six weeks in one solve, or rolls week by week from the last published
//! roster. Either way some rules cannot be seen inside one week:
//!
//! * **consecutive days and rest across the boundary**: the previous roster's last days count
//!   towards the most consecutive days, and its last shift's end starts the rest before the first
//!   new shift ([`History`]);
//! * **weekends over several weeks**: "at least one weekend in two off" ([`WeekendRule`]), over
//!   every run of `in_weeks` consecutive weekends, the previous roster's weekends included;
//! * **annualised hours**: the weekly paid hours hold on average over a reference period while a
//!   single week may flex ([`Averaging`]);
//! * **fairness**: late shifts, Saturdays and bank holidays spread evenly over comparable agents
//!   ([`FairnessRules`], [`crate::fairness`]).
//!
//! These live beside the one-week [`crate::ContractRules`] (keyed by contract name) so that every
//! roster built without them is exactly what it was.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Weekday};
use serde::Serialize;

use super::error::RosterError;
use super::problem::RosterProblem;

/// "At least `off` weekend days (or whole weekends, when `whole`) off in every `in_weeks`
/// consecutive weekends".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeekendRule {
    /// Weekend days off (or whole weekends off when `whole`) required in each window.
    pub off: u32,
    /// Weekends in the rolling window.
    pub in_weeks: u32,
    /// `off` counts whole weekends (Saturday and Sunday both off), not single days.
    pub whole: bool,
}

impl WeekendRule {
    /// The rule in a planner's words: "1 whole weekend off in every 2".
    pub fn describe(&self) -> String {
        let what = match (self.whole, self.off) {
            (true, 1) => "1 whole weekend".to_string(),
            (true, n) => format!("{n} whole weekends"),
            (false, 1) => "1 weekend day".to_string(),
            (false, n) => format!("{n} weekend days"),
        };
        format!("{what} off in every {} weeks", self.in_weeks)
    }
}

/// Annualised hours: the contract's weekly minimum and maximum hold on average over each
/// reference period of `weeks` weeks from the first planned day; each single week lies between
/// `week_min_minutes` and `week_max_minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Averaging {
    /// Reference period, weeks.
    pub weeks: u32,
    /// Fewest paid minutes in one week.
    pub week_min_minutes: u32,
    /// Most paid minutes in one week.
    pub week_max_minutes: u32,
}

/// The rules of one contract over several weeks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ContractWeeks {
    /// A weekend rule over more than one week (a one-week rule is
    /// [`crate::ContractRules::max_weekend_days`]).
    pub weekend: Option<WeekendRule>,
    /// Annualised hours.
    pub averaging: Option<Averaging>,
}

/// A shift of the previous roster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastShift {
    /// Agent id.
    pub agent_id: String,
    /// Local date of the shift (its start's).
    pub date: NaiveDate,
    /// Start.
    pub start: DateTime<FixedOffset>,
    /// End.
    pub end: DateTime<FixedOffset>,
}

/// The previous roster the plan rolls on from: its days and shifts. Days from `first` to `last`
/// are known (a day without a shift of an agent is a day off); days before `first` are not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    /// First day the previous roster covers.
    pub first: NaiveDate,
    /// Last day it covers.
    pub last: NaiveDate,
    /// Its shifts.
    pub shifts: Vec<PastShift>,
}

/// `[centre.fairness]` in the programme's terms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FairnessRules {
    /// Cost per shift of spread (most - fewest) per kind and group of comparable agents.
    pub weight: f64,
    /// A shift ending after this local time (or on the next day) is a late shift.
    pub late_after: NaiveTime,
    /// Weeks the counts run over: the plan and the previous roster's days before it.
    pub rolling_weeks: u32,
}

/// Everything of issue #15 Build 4 a problem may carry; `Default` is "nothing beyond one week".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MultiWeek {
    /// Rules over several weeks per contract name.
    pub contracts: BTreeMap<String, ContractWeeks>,
    /// The previous roster, when rolling on from one.
    pub history: Option<History>,
    /// Fairness in the objective (`None`: reported only).
    pub fairness: Option<FairnessRules>,
}

/// A weekend touching the horizon or the window before it: its Saturday, and for Saturday and
/// Sunday the horizon day index (`None` outside the horizon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekend {
    /// The Saturday.
    pub saturday: NaiveDate,
    /// Horizon day index of Saturday and of Sunday, where inside the horizon.
    pub days: [Option<usize>; 2],
}

impl RosterProblem {
    /// The problem rolling on from a previous roster. Rejects one whose shifts reach into the
    /// plan's days (roll from a roster that ends before the first planned day).
    pub fn with_history(mut self, history: History) -> Result<Self, RosterError> {
        let first = self.horizon.first_date();
        if history.last < history.first {
            return Err(RosterError::Input(format!(
                "the previous roster ends ({}) before it begins ({})",
                history.last, history.first
            )));
        }
        if history.last >= first || history.shifts.iter().any(|s| s.date >= first) {
            return Err(RosterError::Input(format!(
                "the previous roster runs to {}, into the plan from {first}: roll on from a \
                 roster that ends before the first planned day",
                history
                    .shifts
                    .iter()
                    .map(|s| s.date)
                    .max()
                    .unwrap_or(history.last)
                    .max(history.last)
            )));
        }
        self.multiweek.history = Some(history);
        Ok(self)
    }

    /// The rules over several weeks of agent `a`'s contract.
    pub fn contract_weeks(&self, a: usize) -> ContractWeeks {
        self.multiweek
            .contracts
            .get(&self.agents[a].contract.name)
            .copied()
            .unwrap_or_default()
    }

    /// The previous roster's shifts of agent `a`, by start.
    pub fn past_shifts(&self, a: usize) -> Vec<&PastShift> {
        let id = &self.agents[a].id;
        let mut out: Vec<&PastShift> = self
            .multiweek
            .history
            .iter()
            .flat_map(|h| h.shifts.iter())
            .filter(|s| &s.agent_id == id)
            .collect();
        out.sort_by_key(|s| s.start);
        out
    }

    /// Is day `date` (before the horizon) known from the previous roster?
    pub fn past_day_known(&self, date: NaiveDate) -> bool {
        self.multiweek
            .history
            .as_ref()
            .is_some_and(|h| h.first <= date && date <= h.last)
    }

    /// The previous roster's working days of agent `a`.
    pub fn past_dates(&self, a: usize) -> BTreeSet<NaiveDate> {
        self.past_shifts(a).iter().map(|s| s.date).collect()
    }

    /// How many days agent `a` has worked in a row up to the day before the plan (0 without a
    /// previous roster or when it ends earlier).
    pub fn tail_run(&self, a: usize) -> u32 {
        let dates = self.past_dates(a);
        let mut d = self.horizon.first_date() - Duration::days(1);
        let mut run = 0;
        while dates.contains(&d) {
            run += 1;
            d -= Duration::days(1);
        }
        run
    }

    /// The earliest start of agent `a`'s first shift: the previous roster's last shift end plus
    /// the contract's rest.
    pub fn earliest_start(&self, a: usize) -> Option<DateTime<FixedOffset>> {
        let rest = Duration::minutes(i64::from(self.agents[a].contract.min_rest_minutes));
        self.past_shifts(a).iter().map(|s| s.end + rest).max()
    }

    /// Every weekend with a day in the horizon, and the `back` weekends before the first of them,
    /// in date order.
    pub fn weekends(&self, back: u32) -> Vec<Weekend> {
        let h = &self.horizon;
        let first = h.first_date();
        // the first weekend with a day on or after the first planned day
        let mut sat = first - Duration::days(1);
        while sat.weekday() != Weekday::Sat {
            sat += Duration::days(1);
        }
        let start = sat - Duration::days(7 * i64::from(back));
        let last = h.date(h.days() - 1);
        let index = |d: NaiveDate| {
            let i = (d - first).num_days();
            (i >= 0 && (i as usize) < h.days()).then_some(i as usize)
        };
        let mut out = Vec::new();
        let mut s = start;
        while s <= last {
            debug_assert_eq!(s.weekday(), Weekday::Sat);
            out.push(Weekend {
                saturday: s,
                days: [index(s), index(s + Duration::days(1))],
            });
            s += Duration::days(7);
        }
        out
    }

    /// Windows of the multi-week weekend rule `rule`: runs of `in_weeks` consecutive weekends
    /// that end on a weekend with a day in the horizon and whose weekends before the horizon are
    /// all known from the previous roster. Without a previous roster only windows wholly inside
    /// the plan count.
    pub fn weekend_windows(&self, rule: &WeekendRule) -> Vec<Vec<Weekend>> {
        let n = rule.in_weeks.max(1) as usize;
        let all = self.weekends(rule.in_weeks.saturating_sub(1));
        let known = |w: &Weekend| {
            w.days.iter().any(Option::is_some)
                || [w.saturday, w.saturday + Duration::days(1)]
                    .iter()
                    .all(|d| self.past_day_known(*d))
        };
        all.windows(n)
            .filter(|win| {
                win.last()
                    .is_some_and(|w| w.days.iter().any(Option::is_some))
            })
            .filter(|win| win.iter().all(known))
            .map(<[Weekend]>::to_vec)
            .collect()
    }
}

/// Rules over several weeks that cannot hold whatever the demand: the previous roster's last
/// days and the agent's fixed shifts already make a run longer than the contract allows, or
/// leave fewer weekends off than a window needs. One line per agent and rule, in plain words
/// ([`crate::diagnose::check_contracts`] makes them an error before solving).
pub fn conflicts(problem: &RosterProblem) -> Vec<String> {
    let mut out = Vec::new();
    let first = problem.horizon.first_date();
    for (a, agent) in problem.agents.iter().enumerate() {
        if problem.hire_of(a).is_some() {
            continue;
        }
        let fixed: BTreeSet<NaiveDate> = agent
            .fixed_shifts
            .iter()
            .map(|f| f.date)
            .filter(|d| *d >= first && *d < problem.horizon.date(problem.horizon.days()))
            .collect();
        let c = &agent.contract;
        let tail = problem.tail_run(a);
        let mut lead = 0;
        while fixed.contains(&(first + Duration::days(lead))) {
            lead += 1;
        }
        if tail > 0 && tail + lead as u32 > c.max_consecutive_days {
            out.push(format!(
                "agent {} ({}, contract {}): worked the last {tail} days of the previous roster \
                 and has fixed shifts on the first {lead} days of this plan: {} days in a row, \
                 at most {} allowed",
                agent.id,
                agent.name,
                c.name,
                tail + lead as u32,
                c.max_consecutive_days
            ));
        }
        let Some(rule) = problem.contract_weeks(a).weekend else {
            continue;
        };
        let past = problem.past_dates(a);
        for win in problem.weekend_windows(&rule) {
            let forced = |d: NaiveDate| past.contains(&d) || fixed.contains(&d);
            let (off_at_most, worked): (u32, Vec<NaiveDate>) = {
                let mut worked = Vec::new();
                let mut off = 0;
                for w in &win {
                    let days = [w.saturday, w.saturday + Duration::days(1)];
                    let f: Vec<NaiveDate> = days.iter().copied().filter(|d| forced(*d)).collect();
                    off += if rule.whole {
                        u32::from(f.is_empty())
                    } else {
                        2 - f.len() as u32
                    };
                    worked.extend(f);
                }
                (off, worked)
            };
            if off_at_most < rule.off {
                let days: Vec<String> = worked
                    .iter()
                    .map(|d| d.format("%a %d %b").to_string())
                    .collect();
                out.push(format!(
                    "agent {} ({}, contract {}): {} cannot hold for the weekends from {}: the \
                     previous roster and fixed shifts already have them working {}",
                    agent.id,
                    agent.name,
                    c.name,
                    rule.describe(),
                    win[0].saturday.format("%a %d %b"),
                    days.join(", ")
                ));
                break;
            }
        }
    }
    out
}

/// Notes for the planner: a weekend rule over more weeks than this plan and the previous roster
/// show ("roll on from the previous roster to keep it across the boundary").
pub fn notes(problem: &RosterProblem) -> Vec<String> {
    let mut out = Vec::new();
    for (name, rules) in &problem.multiweek.contracts {
        let Some(rule) = rules.weekend else {
            continue;
        };
        if problem.weekend_windows(&rule).is_empty()
            && problem.agents.iter().any(|a| &a.contract.name == name)
        {
            out.push(format!(
                "contract {name}: {} spans more weekends than this plan{}; it is kept from \
                 one plan to the next when each rolls on from the last (rota schedule --after)",
                rule.describe(),
                if problem.multiweek.history.is_some() {
                    " and the previous roster show"
                } else {
                    " has"
                }
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn past(id: &str, date: NaiveDate, from: u32, to: u32) -> PastShift {
        let at = |h: u32| {
            date.and_hms_opt(h, 0, 0)
                .unwrap_or_default()
                .and_utc()
                .fixed_offset()
        };
        PastShift {
            agent_id: id.into(),
            date,
            start: at(from),
            end: at(to),
        }
    }

    /// `k` days from the testkit's first day (Monday 23 November 2026; negative: before it).
    fn day(k: i64) -> NaiveDate {
        crate::testkit::monday() + Duration::days(k)
    }

    #[test]
    fn the_tail_run_and_rest_come_from_the_previous_roster() {
        // testkit's problem: Monday and Tuesday
        let problem = crate::testkit::two_voice_days(|_| 1.0, None);
        let id = problem.agents[0].id.clone();
        let shifts = vec![
            past(&id, day(-3), 9, 17),
            past(&id, day(-2), 9, 17),
            past(&id, day(-1), 12, 20),
            past(&id, day(-5), 9, 17),
        ];
        let p = problem
            .with_history(History {
                first: day(-7),
                last: day(-1),
                shifts,
            })
            .expect("history before the plan");
        assert_eq!(p.tail_run(0), 3, "Fri, Sat, Sun in a row; Thursday off");
        assert_eq!(p.tail_run(1), 0);
        let rest = i64::from(p.agents[0].contract.min_rest_minutes);
        let earliest = p.earliest_start(0).expect("a last shift");
        assert_eq!(
            earliest,
            past(&id, day(-1), 12, 20).end + Duration::minutes(rest)
        );
        assert!(p.earliest_start(1).is_none());
    }

    #[test]
    fn a_previous_roster_reaching_into_the_plan_is_refused() {
        let problem = crate::testkit::two_voice_days(|_| 1.0, None);
        let id = problem.agents[0].id.clone();
        let err = problem
            .with_history(History {
                first: day(-7),
                last: day(0),
                shifts: vec![past(&id, day(0), 9, 17)],
            })
            .expect_err("overlap");
        assert!(
            err.to_string().contains("into the plan from 2026-11-23"),
            "{err}"
        );
    }

    #[test]
    fn weekend_windows_reach_back_only_over_known_weekends() {
        let problem = crate::testkit::two_voice_days(|_| 1.0, None);
        // a two-day plan (Mon-Tue) has no weekend; one in two needs the previous roster's
        let rule = WeekendRule {
            off: 1,
            in_weeks: 2,
            whole: true,
        };
        assert!(problem.weekend_windows(&rule).is_empty());
    }
}

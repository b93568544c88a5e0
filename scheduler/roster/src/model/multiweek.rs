//! Rules across the week boundary and over several weeks ([`crate::multiweek`]).
//!
//! **Consecutive days with the previous roster's tail.** With `K[a]` the most consecutive days
//! and `w[a,d]` = 1 when the previous roster has agent `a` working on day `d < 0`, for every run
//! of `K+1` days `d0..d0+K` that starts before the plan and reaches into it:
//!
//! ```text
//! sum_{d = 0}^{d0+K} y[a,d] <= K[a] - sum_{d = d0}^{-1} w[a,d]
//! ```
//!
//! (the runs inside the plan are [`super::contracts`]'s). The rest after the previous roster's
//! last shift is in the option domain ([`crate::options`]).
//!
//! **Weekends over `n` weeks**, for every window `Win` of `n` consecutive weekends
//! ([`crate::RosterProblem::weekend_windows`]), with `W` the weekend days before the plan the
//! previous roster has worked:
//!
//! ```text
//! days:      sum_{weekend days e in Win, in the plan} y[a,e] <= 2n - off - W
//! weekends:  f[a,k] <= 1 - y[a,Sat_k],  f[a,k] <= 1 - y[a,Sun_k],  0 <= f[a,k] <= 1
//!            sum_{k in Win} f[a,k] >= off         (f fixed by the previous roster before the plan)
//! ```
//!
//! `f[a,k]` ("weekend `k` wholly off") is continuous: with whole `y` it is at most 1 exactly
//! when both days are off, so no binaries are added.

use std::collections::btree_map::{BTreeMap, Entry};

use chrono::Duration;
use good_lp::{constraint, Expression};

use super::RosterModel;
use crate::multiweek::{Weekend, WeekendRule};

/// Adds the consecutive-day runs across the boundary and the weekend windows of every agent.
pub fn add(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    let n_days = problem.horizon.days();
    let first = problem.horizon.first_date();
    for a in 0..problem.agents.len() {
        let past = problem.past_dates(a);
        // consecutive days: runs starting before the plan
        let k = problem.agents[a].contract.max_consecutive_days as i64;
        if !past.is_empty() {
            for d0 in -k..0 {
                let worked_before = (d0..0)
                    .filter(|d| past.contains(&(first + Duration::days(*d))))
                    .count() as f64;
                let last = (d0 + k).min(n_days as i64 - 1);
                if last < 0 || worked_before == 0.0 {
                    continue;
                }
                let run: Expression = (0..=last as usize).map(|d| m.works_on(a, d)).sum();
                let allowed = (k as f64 - worked_before).max(0.0);
                m.add(constraint!(run <= allowed));
            }
        }
        if let Some(rule) = problem.contract_weeks(a).weekend {
            weekend_windows(m, a, &rule);
        }
    }
}

fn weekend_windows(m: &mut RosterModel<'_>, a: usize, rule: &WeekendRule) {
    let problem = m.problem;
    let past = problem.past_dates(a);
    let worked_before = |w: &Weekend, i: usize| {
        w.days[i].is_none() && past.contains(&(w.saturday + Duration::days(i as i64)))
    };
    let windows = problem.weekend_windows(rule);
    if windows.is_empty() {
        return;
    }
    // "weekend wholly off" per weekend of the plan, shared by the windows
    let mut off: BTreeMap<chrono::NaiveDate, Expression> = BTreeMap::new();
    for win in &windows {
        if rule.whole {
            let mut sum = Expression::default();
            for w in win {
                if w.days.iter().all(Option::is_none) {
                    // before the plan: known from the previous roster
                    if !worked_before(w, 0) && !worked_before(w, 1) {
                        sum += 1.0;
                    }
                    continue;
                }
                if let Entry::Vacant(slot) = off.entry(w.saturday) {
                    let f = m.var(good_lp::variable().min(0.0).max(1.0));
                    for i in 0..2 {
                        match w.days[i] {
                            Some(d) => {
                                let y = m.works_on(a, d);
                                m.add(constraint!(f.var + y <= 1));
                            }
                            None if worked_before(w, i) => m.add(constraint!(f.var <= 0)),
                            None => {}
                        }
                    }
                    slot.insert(f.var.into());
                }
                sum += off[&w.saturday].clone();
            }
            m.add(constraint!(sum >= f64::from(rule.off)));
        } else {
            let mut worked = Expression::default();
            let mut before = 0.0;
            for w in win {
                for i in 0..2 {
                    match w.days[i] {
                        Some(d) => worked += m.works_on(a, d),
                        None if worked_before(w, i) => before += 1.0,
                        None => {}
                    }
                }
            }
            let allowed = (f64::from(2 * rule.in_weeks) - f64::from(rule.off) - before).max(0.0);
            m.add(constraint!(worked <= allowed));
        }
    }
}

//! Shift changes: a small penalty when an agent starts at a different time of day on consecutive
//! working days (a roster that starts at 08:00 on Monday and 11:30 on Tuesday is harder to live
//! with than one that keeps the same start).
//!
//! With `S[a,d] = sum_{o on d} start(o) x[a,o]` the local start time of day in hours (0 when
//! not working) and `y[a,d]` as in [`super::assignment`], for every pair of consecutive days:
//!
//! ```text
//! k[a,d] >= S[a,d] - S[a,d+1] - M (2 - y[a,d] - y[a,d+1])
//! k[a,d] >= S[a,d+1] - S[a,d] - M (2 - y[a,d] - y[a,d+1]),    k >= 0
//! objective += W sum_{a,d} k[a,d]
//! ```
//!
//! with `M` the widest start-time difference of the agent's options on the two days (a smaller
//! `M` gives a tighter LP than a whole day), so `k` is the start-time difference in hours when both days are worked and free otherwise.
//! `W` = [`crate::Weights::shift_change_per_hour`] (default 0.5 per hour: a 3.5 h swing
//! costs 1.75, far below any shortfall and below an hour of pay, so it only breaks ties between
//! rosters of nearly equal cost and cover). A day off resets the comparison. The roster's
//! reported objective adds the same term ([`start_changes_hours`]), so the bound stays valid.

use chrono::Timelike;
use good_lp::{constraint, Expression};

use super::RosterModel;

/// Local start time of day of option `o`, in hours.
pub fn start_hours(m_opts: &crate::options::OptionSet, o: usize) -> f64 {
    f64::from(m_opts.options[o].start.time().num_seconds_from_midnight()) / 3600.0
}

/// Sum over an agent's consecutive working days of the start-time differences, in hours
/// (`options`: the agent's worked options, any order).
pub fn start_changes_hours(set: &crate::options::OptionSet, worked: &[usize]) -> f64 {
    let mut by_day: Vec<(usize, f64)> = worked
        .iter()
        .map(|&o| (set.options[o].day, start_hours(set, o)))
        .collect();
    by_day.sort_by_key(|(d, _)| *d);
    by_day
        .windows(2)
        .filter(|w| w[1].0 == w[0].0 + 1)
        .map(|w| (w[1].1 - w[0].1).abs())
        .sum()
}

/// Adds the start-time change variables and their penalty.
pub fn add(m: &mut RosterModel<'_>) {
    let weight = m.problem.weights.shift_change_per_hour;
    if weight <= 0.0 {
        return;
    }
    let n_days = m.problem.horizon.days();
    for a in 0..m.problem.agents.len() {
        for d in 0..n_days.saturating_sub(1) {
            let on = |day: usize| -> Vec<(usize, good_lp::Variable)> {
                m.x[a]
                    .iter()
                    .filter(|(o, _)| m.options.options[*o].day == day)
                    .map(|(o, c)| (*o, c.var))
                    .collect()
            };
            let (today, tomorrow) = (on(d), on(d + 1));
            if today.is_empty() || tomorrow.is_empty() {
                continue;
            }
            let start = |xs: &[(usize, good_lp::Variable)]| -> Expression {
                xs.iter()
                    .map(|(o, v)| start_hours(m.options, *o) * *v)
                    .sum()
            };
            let works = |xs: &[(usize, good_lp::Variable)]| -> Expression {
                xs.iter().map(|(_, v)| *v).sum()
            };
            // the big-M: the widest start difference possible on these two days (tighter LP
            // than a whole day)
            let hours: Vec<f64> = today
                .iter()
                .chain(&tomorrow)
                .map(|(o, _)| start_hours(m.options, *o))
                .collect();
            let span = hours.iter().copied().fold(f64::MIN, f64::max)
                - hours.iter().copied().fold(f64::MAX, f64::min);
            if span <= 0.0 {
                continue;
            }
            let (s0, s1) = (start(&today), start(&tomorrow));
            let slack: Expression = span * (2.0 - works(&today) - works(&tomorrow));
            let k = m.nonneg();
            let kv = k.var;
            m.add(constraint!(kv >= s0.clone() - s1.clone() - slack.clone()));
            m.add(constraint!(kv >= s1 - s0 - slack));
            m.objective.add_mul(weight, kv);
        }
    }
}

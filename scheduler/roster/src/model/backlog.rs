//! Deferred channels (email, social): a backlog flow instead of per-interval coverage.
//!
//! With `r[c,t]` the workload arriving in interval `t` (agent-intervals) and `D_c` the response
//! target in intervals, work may be handled any time between its arrival and its deadline:
//!
//! ```text
//! h[c,t] + u[c,t] = sum_g z[g,c,t]                      capacity used or idle (u >= 0)
//! B[c,t] = B[c,t-1] + r[c,t] - h[c,t]                       backlog (B >= 0)
//! B[c,-1] = B[c,T-1] - e[c]                                 the week repeats (steady state)
//! B[c,t] <= sum_{s <= t, deadline(s) > t} r[c,s] + l[c,t]  only work not yet due may wait
//! ```
//!
//! The week is planned as a steady state: the backlog on Monday morning is what this roster
//! leaves on Sunday night, and the not-yet-due windows include the previous (identical) week's
//! late arrivals ([`crate::ChannelPlan::not_yet_due_steady`]). Without this, work due
//! after the horizon was free to leave undone, and a roster could schedule half the email
//! workload with no overdue work reported while the real backlog grew every week (the
//! simulation, which starts from the backlog the roster leaves, showed it). Work the week's
//! capacity cannot absorb at all leaves through `e[c]` (carried over for good), penalised as if
//! it stayed overdue for a whole response target.
//!
//! `deadline(s) = s + D_c` in elapsed time, or, for a target in worked hours ("24 working
//! hours"), the interval after `D_c` of the channel's worked intervals have passed
//! ([`crate::ChannelPlan::deadlines`]).
//!
//! `l[c,t]` (overdue agent-intervals still waiting at `t`) is penalised with the channel's shortfall
//! weight for every interval it stays overdue, and idle capacity `u` with the over-coverage weight.
//! This is the fluid model of DOMAIN.md: cumulative capacity must reach cumulative workload due.

use good_lp::{constraint, Expression};

use super::RosterModel;
use crate::problem::ChannelMode;

/// Adds the backlog flow of every deferred channel.
pub fn add(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    let h_per = m.interval_hours();
    let n_t = problem.horizon.n_intervals();
    let len = problem.horizon.interval_minutes();
    let base = problem.weights.shortfall_per_agent_hour;
    let over_w = problem.weights.over_per_agent_hour;
    for (c, ch) in problem.channels.iter().enumerate() {
        let ChannelMode::Deferred { response_minutes } = ch.mode else {
            continue;
        };
        let not_due = ch.not_yet_due_steady(len);
        let backlog: Vec<good_lp::Variable> = (0..n_t).map(|_| m.nonneg().var).collect();
        let Some(&last) = backlog.last() else {
            continue;
        };
        // carried over for good: penalised as overdue for one whole response target
        let carried = m.nonneg().var;
        let target_intervals = f64::from((response_minutes / len.max(1)).max(1));
        m.objective.add_mul(
            base * ch.shortfall_weight * h_per * target_intervals,
            carried,
        );
        for (t, &window_sum) in not_due.iter().enumerate().take(n_t) {
            let r = ch.requirement[t];
            let cap: Expression = (0..m.groups.len())
                .flat_map(|g| {
                    m.z[g][t]
                        .iter()
                        .filter(|(cc, _)| *cc == c)
                        .map(|(_, z)| z.var)
                })
                .sum();
            let h = m.nonneg();
            let u = m.nonneg();
            let bv = backlog[t];
            let (hv, uv) = (h.var, u.var);
            m.add(constraint!(hv + uv == cap));
            m.objective.add_mul(over_w * h_per, uv);
            let prev: Expression = if t == 0 {
                last - carried
            } else {
                backlog[t - 1].into()
            };
            m.add(constraint!(bv == prev + r - hv));
            let l = m.nonneg();
            let lv = l.var;
            m.add(constraint!(bv <= window_sum.max(0.0) + lv));
            m.objective.add_mul(base * ch.shortfall_weight * h_per, lv);
            m.late[c][t] = Some(l);
        }
    }
}

//! Planned activities' time, reserved in the tour programme ([`crate::activities`]).
//!
//! For every activity `k` and skill group `g` with agents `A[g,k]` who take part, and every week
//! `W` of the horizon, `u[g,k,t] >= 0` agents of the group spend interval `t` (inside the
//! activity's window) on it, out of the group's working capacity:
//!
//! ```text
//! w[g,t] -= sum_k u[g,k,t]                                          (model::coverage)
//! sum_{t in W} u[g,k,t] + m[g,k,W] = sum_{a in A[g,k]} n_k h[a]      every g, k, W
//! objective += M m[g,k,W]
//! ```
//!
//! with `n_k` the agent-intervals each agent owes a week (its sessions, or a quiet-time
//! activity's minimum; only agents who could attend that week, [`crate::activities::owes`], and
//! never for a team meeting, whose attendance depends on who is on shift that day), `h[a]` the hire indicator (1 for the centre's own agents) and `m` the
//! time that cannot be found, priced above what any channel could lose for it
//! ([`crate::activities::missed_price`]): mandatory time is placed whatever it costs the queues,
//! and `m` only keeps the programme feasible where no shift reaches the window. The reservation is continuous: it is a relaxation of every whole-session placement
//! (sessions inside one shift, a team together), so the LP bound stays a bound of the roster
//! written after [`crate::activities::place`]. It is left out of the first allocation stage,
//! whose integer channel counts must add up to the agents present; once the post-pass has placed
//! the sessions, the allocation is solved again with the agents away in them taken out of each
//! group's capacity as constants (`away`), so the channels are re-chosen around them.

use good_lp::{constraint, Expression};

use super::coverage::TermCount;
use super::{ActivityTime, RosterModel};

/// Subtracts the reserved activity time from the capacity expressions `w[g][t]` (only where the
/// group can be working: `w` has shift terms and the group has skills).
pub fn reserve(m: &mut RosterModel<'_>, w: &mut [Vec<Expression>]) {
    let problem = m.problem;
    match &m.activity_time {
        ActivityTime::Reserve => {}
        ActivityTime::Omit => return,
        ActivityTime::Away(away) => {
            for (a, row) in away.iter().enumerate() {
                let g = m.group_of[a];
                for (t, _) in row.iter().enumerate().filter(|(_, x)| **x) {
                    w[g][t] -= 1.0;
                }
            }
            return;
        }
    }
    if problem.activities.is_empty() {
        return;
    }
    let price = crate::activities::missed_price(problem);
    let options = m.options;
    let weeks = problem.week_intervals();
    // the groups are read while `m` gains variables
    let groups = m.groups.clone();
    for (k, act) in problem.activities.iter().enumerate() {
        for (g, group) in groups.iter().enumerate() {
            if group.skills.is_empty() {
                continue;
            }
            for week in &weeks {
                let mut owed = Expression::default();
                let mut any = false;
                for &a in &group.agents {
                    if !crate::activities::owes(problem, options, k, a, week) {
                        continue;
                    }
                    any = true;
                    let n = act.min_intervals as f64;
                    match m.hired[a] {
                        Some(h) => owed.add_mul(n, h.var),
                        None => owed += n,
                    }
                }
                if !any {
                    continue;
                }
                let mut sum = Expression::default();
                for t in week.clone() {
                    if !act.window[t] || w[g][t].linear_coefficients_len() == 0 {
                        continue;
                    }
                    let u = m.nonneg();
                    sum += u.var;
                    w[g][t] -= u.var;
                }
                let missed = m.nonneg();
                m.objective.add_mul(price, missed.var);
                let lhs = sum + missed.var;
                m.add(constraint!(lhs == owed.clone()));
            }
        }
    }
}

//! The published roster in a re-plan ([`crate::replan`]).
//!
//! With `K[a,d]` the options of agent `a` that keep the published shift of day `d` and
//! `y[a,d]` as in [`super::assignment`]:
//!
//! ```text
//! pinned day d < open:   y[a,d] = sum_{o in K[a,d]} x[a,o]     (published shift, or nothing)
//!                        y[a,d] = 0                            (published day off)
//! open day, published:   objective += W (1 - sum_{o in K[a,d]} x[a,o])
//! open day, day off:     objective += W y[a,d]
//! ```
//!
//! `W` = [`crate::replan::Baseline::move_cost`]. The constant `W` of a published shift is kept in
//! the objective so that it equals the roster's reported objective term for term
//! ([`crate::replan::Published::changes`]); a published shift no option keeps (the absent
//! agent's) has no term at all. Both terms are linear in the binaries, so the LP bound stays a
//! bound.

use good_lp::{constraint, Expression};

use super::RosterModel;
use crate::replan::Published;

/// Adds the pinned days and the cost of changed shifts on the open days.
pub fn add(m: &mut RosterModel<'_>) {
    let Some(published) = Published::of(m.problem, m.options) else {
        return;
    };
    let w = published.move_cost;
    for a in 0..m.problem.agents.len() {
        for d in 0..m.problem.horizon.days() {
            let on_day: Vec<(usize, good_lp::Variable)> = m.x[a]
                .iter()
                .filter(|(o, _)| m.options.options[*o].day == d)
                .map(|(o, c)| (*o, c.var))
                .collect();
            if on_day.is_empty() {
                continue;
            }
            let all: Expression = on_day.iter().map(|(_, v)| *v).sum();
            let kept: Expression = on_day
                .iter()
                .filter(|(o, _)| published.keeps(a, d, *o))
                .map(|(_, v)| *v)
                .sum();
            let published_shift = published.by_day[a][d].as_ref();
            if d < published.open_day[a] {
                match published_shift {
                    // validated: a pinned shift always has an option that keeps it
                    Some(_) => m.add(constraint!(all == kept)),
                    None => m.add(constraint!(all == 0)),
                }
            } else if w > 0.0 {
                match published_shift {
                    Some(keep) if !keep.is_empty() => {
                        m.objective += w;
                        m.objective -= w * kept;
                    }
                    Some(_) => {}
                    None => m.objective += w * all,
                }
            }
        }
    }
}
